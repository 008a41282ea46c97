"""`dlviz attention`: where each query looks."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, shared_options
from dlviz.cli.job import plan_outputs, report_table, write_matplotlib
from dlviz.errors import BadInput


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

DEFAULTS = {
    "kind": "scaled",
    "tokens": "the cat sat on the mat",
    "query_tokens": None,
    "dim": 8,
    "heads": 2,
    "causal": False,
    "mask_padding": 0,
    "queries": None,
    "keys": None,
    "values": None,
    "numbers": None,
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
    *,
    common: Common,
) -> None:
    from dlviz.compute import attention as A

    kind_name = Kind(kind).value
    given = {
        "kind": kind_name,
        "tokens": tokens,
        "query_tokens": query_tokens,
        "dim": dim,
        "heads": heads,
        "causal": causal,
        "mask_padding": mask_padding,
        "queries": str(queries) if queries else None,
        "keys": str(keys) if keys else None,
        "values": str(values) if values else None,
        "numbers": numbers,
    }
    check_int_range("--dim", dim, 1, 1024)
    key_tok = tokens.split()
    query_tok = query_tokens.split() if query_tokens else key_tok
    if queries or keys:
        if not (queries and keys):
            raise BadInput(
                "--keys" if queries else "--queries", "missing", "give both --queries and --keys"
            )
        q, k = load_matrix("--queries", queries), load_matrix("--keys", keys)
        v = load_matrix("--values", values) if values else None
        tokens_given = tokens != DEFAULTS["tokens"] or query_tokens
        if not tokens_given:
            key_tok, query_tok = [str(i) for i in range(len(k))], [str(i) for i in range(len(q))]
        if len(key_tok) != len(k) or len(query_tok) != len(q):
            raise BadInput(
                "--tokens",
                tokens,
                f"{len(key_tok)} key and {len(query_tok)} query "
                f"tokens for {len(k)} keys and {len(q)} queries",
            )
    else:
        if not key_tok or not query_tok:
            raise BadInput("--tokens", repr(tokens), "an empty sequence has nothing to attend to")
        k = A.token_embeddings(key_tok, dim, common.seed)
        q = A.token_embeddings(query_tok, dim, common.seed)
        v = None
    plan = plan_outputs(common, "attention", kind_name, given, DEFAULTS)
    try:
        result = A.compute(
            kind_name,
            q,
            k,
            v,
            query_tokens=query_tok,
            key_tokens=key_tok,
            heads=heads,
            causal=causal,
            padding=mask_padding,
            seed=common.seed,
        )
    except ValueError as exc:
        option = (
            "--heads"
            if "heads" in str(exc)
            else "--causal"
            if "causal" in str(exc)
            else "--mask-padding"
            if "key" in str(exc)
            else "--kind"
        )
        raise BadInput(
            option,
            {"--heads": heads, "--causal": causal, "--mask-padding": mask_padding}.get(
                option, kind_name
            ),
            str(exc),
        ) from None
    from dlviz.theme import get_theme

    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        render_scene(
            load_scene("attention", "AttentionScene"),
            {"result": result, "theme": common.theme, "lang": common.lang},
            quality=common.quality,
            fmt=plan.format,
            out=plan.path,
            background=get_theme(common.theme).background,
        )
    from dlviz.render.attention import animate_attention, plot_attention

    style = {"theme": get_theme(common.theme), "lang": common.lang}
    if common.engine != "manim":
        write_matplotlib(
            plan,
            common,
            lambda: plot_attention(result, numbers=numbers, **style),
            lambda: animate_attention(result, **style),
        )
    parameters = {**given, **common.parameters(), "format": plan.format}
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(
            write_json(
                plan.data,
                "attention",
                parameters,
                {
                    "query_tokens": result.query_tokens,
                    "key_tokens": result.key_tokens,
                    "scores": result.scores,
                    "weights": result.weights,
                    "output": result.output,
                },
            )
        )
    rows = [
        [
            t,
            result.key_tokens[int(result.weights[0, i].argmax())],
            f"{result.weights[0, i].max():.3f}",
        ]
        for i, t in enumerate(result.query_tokens)
    ]
    report_table(
        f"attention ({kind_name}), head 1", ["query", "looks most at", "weight"], rows, written
    )


def load_matrix(option: str, path: Path):
    from dlviz.cli.conv import load_array

    array = load_array(option, Path(path))
    if array.ndim != 2:
        raise BadInput(option, path, "expected one row per token (a 2-D array)")
    return array


def register(app: typer.Typer) -> None:
    app.command(
        "attention",
        help=HELP,
        short_help='Attention heatmaps.  e.g. dlviz attention --tokens "the cat sat on the mat"',
    )(attention)
