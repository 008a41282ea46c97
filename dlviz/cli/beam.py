"""`dlviz beam`: greedy, beam and exhaustive search as a tree."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, read_json, read_text, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table, spec_errors
from dlviz.errors import BadInput
from dlviz.theme import text
from dlviz.topics import BY_NAME

HELP = """Decoding as a tree: which branches each step keeps, which it prunes, and
how the length penalty picks the answer.

--convention d2l (the course's): keep the k best of the live beams' k·|V|
extensions at every step; a kept extension ending with the end token is
finished: a candidate, never extended, its beam not refilled; the beams
alive at the maximum length are candidates too; the answer maximises
(1/L^α)·Σ log P, α = 0.75 by default. One beam is greedy search.
--convention hf (transformers' generate): end-token extensions ranked within
the top k join a pool of the best k finished hypotheses, scored
Σ log P / length^α (α = 1 by default), with transformers'
--early-stopping true|false|never. Exhaustive search ranges over the same
hypotheses with the same score, so no beam beats it.

The default model is Dive into Deep Learning's example, where greedy search
(0.048) is beaten by beam search (0.054).

Examples:

  dlviz beam

  dlviz beam --beam-size 1

  dlviz beam --convention hf --early-stopping never

  dlviz beam --model lm.json --beam-size 3 --max-length 5 --length-penalty 1.0

  dlviz beam --corpus builtin --order 3 --prompt the --max-length 6

  dlviz beam --format gif            (step by step: expand, prune, choose)

  dlviz beam --engine manim --quality high
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "model": "--model",
    "corpus": "--corpus",
    "order": "--order",
    "smoothing": "--smoothing",
    "beam_size": "--beam-size",
    "max_length": "--max-length",
    "length_penalty": "--length-penalty",
    "prompt": "--prompt",
    "convention": "--convention",
    "early_stopping": "--early-stopping",
    "collapse": "--collapse",
    "edge_labels": "--edge-labels",
}


@shared_options
def beam(
    model: Annotated[
        Path | None,
        typer.Option(metavar="FILE.json", help="{'vocab', 'eos', 'next': {context: {token: p}}}"),
    ] = None,
    beam_size: Annotated[int, typer.Option(help="k, the beams kept per step")] = 2,
    max_length: Annotated[int, typer.Option(help="L, the most tokens generated")] = 4,
    length_penalty: Annotated[
        float | None,
        typer.Option(metavar="α", help="α in (1/L^α)·Σ log P (default: 0.75 d2l, 1 hf)"),
    ] = None,
    prompt: Annotated[str, typer.Option(help="Tokens that condition the first step")] = "",
    corpus: Annotated[
        str | None,
        typer.Option(
            metavar="FILE.txt|builtin", help="Train an n-gram model on a text (one sentence a line)"
        ),
    ] = None,
    order: Annotated[int, typer.Option(help="n of the n-gram model (with --corpus)")] = 2,
    smoothing: Annotated[
        float, typer.Option(metavar="ε", help="Laplace smoothing (with --corpus)")
    ] = 1.0,
    convention: Annotated[
        str, typer.Option(metavar="d2l|hf", help="The course's rule, or transformers' generate")
    ] = "d2l",
    early_stopping: Annotated[
        str | None,
        typer.Option(metavar="true|false|never", help="transformers' early_stopping (hf only)"),
    ] = None,
    collapse: Annotated[
        str,
        typer.Option(metavar="auto|always|never", help="Draw each parent's pruned children as one"),
    ] = "auto",
    edge_labels: Annotated[
        str,
        typer.Option(
            metavar="prob|logprob|both",
            help="What the kept edges carry: P(token | prefix) as d2l draws it, log P, or both",
        ),
    ] = "prob",
    renormalize: Annotated[
        bool, typer.Option(help="Divide each row of --model by its sum (else it must sum to 1)")
    ] = False,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "model": model,
            "beam_size": beam_size,
            "max_length": max_length,
            "length_penalty": length_penalty,
            "prompt": prompt,
            "corpus": corpus,
            "order": order,
            "smoothing": smoothing,
            "convention": convention,
            "early_stopping": early_stopping,
            "collapse": collapse,
            "edge_labels": edge_labels,
        }
    )
    from dlviz.compute import beam as B

    requests = dict(typed)
    if renormalize and "model" not in typed:
        raise BadInput("--renormalize", True, "applies to the rows of --model")
    if "model" in typed:
        requests["model"] = load_model(model, renormalize)
    if "corpus" in typed and corpus != "builtin":
        requests["corpus_text"] = read_corpus(corpus)
    spec = build_spec(B.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "beam", "", typed)
    with spec_errors(common, requests, OPTIONS):
        result = B.run(spec)
    if "exhaustive" not in result.answers:
        vocab = len(spec.model["vocab"])
        sys.stderr.write(
            f"dlviz: note: no exhaustive search: |V|^L = {vocab}^"
            f"{spec.max_length} is more than {B.MAX_EXHAUSTIVE:,} sequences\n"
        )
    written = publish("beam", spec, result, plan, common)
    answers, alpha = result.answers, spec.length_penalty
    rows = [
        [
            text(name, common.lang),
            " ".join(c.tokens),
            f"{c.log_prob:.4f}",
            f"{math.exp(c.log_prob):.4g}",
            f"{c.score(alpha):.4f}",
        ]
        for name, c in answers.items()
    ]
    report_table(
        f"beam search ({spec.convention}, k = {spec.beam_size}, α = {alpha:g})",
        ["search", "answer", "log P", "P", "score"],
        rows,
        written,
    )


def read_corpus(corpus: str) -> str:
    return read_text("--corpus", corpus, what="or use 'builtin'")


def load_model(path: Path, renormalize: bool = False) -> dict:
    """The model file's table; a row that does not sum to 1 is refused, or
    with ``renormalize`` divided by its sum (with a warning)."""
    from dlviz.compute.beam import model_from_dict, model_to_dict

    document = read_json("--model", path)
    try:
        model, warnings = model_from_dict(document, renormalize)
    except ValueError as exc:
        raise BadInput("--model", path, str(exc).splitlines()[0]) from None
    for warning in warnings:
        sys.stderr.write(f"dlviz: warning: {warning}\n")
    return model_to_dict(model)


def register(app: typer.Typer) -> None:
    app.command("beam", help=HELP, short_help=BY_NAME["beam"].short_help)(beam)
