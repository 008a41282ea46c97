"""`dlviz attention`: where each query looks."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table, spec_errors
from dlviz.errors import BadInput
from dlviz.topics import BY_NAME


class Kind(str, Enum):
    dot = "dot"
    scaled = "scaled"
    additive = "additive"
    self = "self"
    multihead = "multihead"


HELP = """Attention weights as heatmaps: queries as rows, keys as columns.

Tokens get seeded embeddings (the same token, the same vector); or give the
exact matrices of a worked example with --queries/--keys/--values (JSON or
CSV, one row per token).

Examples:

  dlviz attention

  dlviz attention --tokens "the cat sat on the mat" --kind self --causal

  dlviz attention --kind multihead --heads 4 --dim 16

  dlviz attention --tokens "我 爱 深度 学习" --lang zh

  dlviz attention --queries q.json --keys k.json --values v.json
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "kind": "--kind",
    "tokens": "--tokens",
    "query_tokens": "--query-tokens",
    "key_tokens": "--tokens",
    "dim": "--dim",
    "heads": "--heads",
    "causal": "--causal",
    "mask_padding": "--mask-padding",
    "queries": "--queries",
    "keys": "--keys",
    "values": "--values",
    "numbers": "--numbers",
    "seed": "--seed",
    "weights": "--weights",
    "projections": "--params",
    "show": "--show",
    "temperature": "--temperature",
    "row_scale": "--row-scale",
}


@shared_options
def attention(
    kind: Annotated[Kind, typer.Option(help="dot, scaled, additive, self or multihead")] = (
        Kind.scaled
    ),
    tokens: Annotated[str, typer.Option(help="Key tokens, split on spaces")] = (
        "the cat sat on the mat"
    ),
    query_tokens: Annotated[
        str | None, typer.Option(help="Query tokens for cross attention (default: the tokens)")
    ] = None,
    dim: Annotated[int, typer.Option(help="Embedding dimension d")] = 8,
    heads: Annotated[int, typer.Option(help="Heads (multihead); must divide --dim")] = 2,
    causal: Annotated[bool, typer.Option(help="Mask future keys")] = False,
    mask_padding: Annotated[int, typer.Option(help="Mask the last N keys")] = 0,
    queries: Annotated[Path | None, typer.Option(metavar="FILE", help="Query matrix")] = None,
    keys: Annotated[Path | None, typer.Option(metavar="FILE", help="Key matrix")] = None,
    values: Annotated[Path | None, typer.Option(metavar="FILE", help="Value matrix")] = None,
    numbers: Annotated[
        bool | None,
        typer.Option(
            "--numbers/--no-numbers",
            help="Weights written in the cells (default: when small)",
            show_default=False,
        ),
    ] = None,
    temperature: Annotated[
        float, typer.Option(metavar="T", help="Divide the scores by T before the softmax")
    ] = 1.0,
    row_scale: Annotated[
        bool,
        typer.Option(help="Colour each row on its own scale (long sequences stay readable)"),
    ] = False,
    show: Annotated[
        str,
        typer.Option(
            metavar="weights|pipeline",
            help="Every head's weights, or head 1's pipeline: Q, K, V → QKᵀ/√d → mask → "
            "softmax → ·V (→ concat → W_O)",
        ),
    ] = "weights",
    weights: Annotated[
        str | None,
        typer.Option(
            metavar="FILE.json|NAME=FILE.csv,...",
            help="Projections: a JSON {name: matrix}, or NAME=FILE pairs (CSV or JSON, e.g. "
            "W_O=wo.csv); W_Q, W_K, W_V, W_O (self, multihead; applied as X·W) or W_q, W_k, "
            "w_v (additive); the rest stay seeded",
        ),
    ] = None,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "kind": kind,
            "tokens": tokens,
            "query_tokens": query_tokens,
            "dim": dim,
            "heads": heads,
            "causal": causal,
            "mask_padding": mask_padding,
            "queries": queries,
            "keys": keys,
            "values": values,
            "numbers": numbers,
            "weights": weights,
            "show": show,
            "temperature": temperature,
            "row_scale": row_scale,
        }
    )
    requests = {k: (v.value if isinstance(v, Enum) else v) for k, v in typed.items()}
    if ("queries" in requests) != ("keys" in requests) and not common.replayed:
        missing = "--keys" if "queries" in requests else "--queries"
        raise BadInput(missing, "missing", "give both --queries and --keys")
    for option in ("queries", "keys", "values"):
        if option in requests:
            requests[option] = load_matrix(f"--{option}", requests[option])
    if "weights" in requests:
        requests["weights"] = load_weights(requests["weights"])
    from dlviz.compute import attention as A

    spec = build_spec(A.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "attention", spec.kind, typed)
    with spec_errors(common, requests, OPTIONS):
        result = A.run(spec)
    written = publish("attention", spec, result, plan, common)
    rows = [
        [
            t,
            result.key_tokens[int(result.weights[0, i].argmax())],
            f"{result.weights[0, i].max():.3f}",
        ]
        for i, t in enumerate(result.query_tokens)
    ]
    report_table(
        f"attention ({spec.kind}), head 1", ["query", "looks most at", "weight"], rows, written
    )


def load_matrix(option: str, path: Path) -> list:
    """A JSON or CSV file's numbers (checked by the spec)."""
    from dlviz.cli.conv import load_array

    return load_array(option, Path(path))


def load_weights(value: str) -> dict:
    """Named projection matrices (checked by the spec): a JSON file of
    {name: matrix}, or NAME=FILE pairs, each file CSV or JSON."""

    if "=" in str(value):
        out = {}
        for pair in str(value).split(","):
            name, _, file = pair.partition("=")
            if not name.strip() or not file.strip():
                raise BadInput("--weights", value, "expected NAME=FILE pairs, e.g. W_O=wo.csv")
            matrix = load_matrix("--weights", Path(file.strip()))
            out[name.strip()] = matrix[0] if name.strip() == "w_v" and len(matrix) == 1 else matrix
        return out
    from dlviz.cli.common import read_json

    path = Path(value)
    doc = read_json("--weights", path)
    if not isinstance(doc, dict):
        raise BadInput("--weights", path, 'expected {name: matrix}, e.g. {"W_Q": [[...]]}')
    return doc


def register(app: typer.Typer) -> None:
    app.command("attention", help=HELP, short_help=BY_NAME["attention"].short_help)(attention)
