"""`dlviz beam`: greedy, beam and exhaustive search as a tree."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, shared_options
from dlviz.cli.job import plan_outputs, report_table, write_matplotlib
from dlviz.errors import BadInput

HELP = """Decoding as a tree: which branches each step keeps, which it prunes, and
how the length penalty picks the answer (d2l's convention: every kept
sequence is a candidate; the answer maximises (1/L^α)·Σ log P).

The default model is Dive into Deep Learning's example, where greedy search
(0.048) is beaten by beam search (0.054).

Examples:

  dlviz beam

  dlviz beam --beam-size 1

  dlviz beam --model lm.json --beam-size 3 --max-length 5 --length-penalty 1.0

  dlviz beam --corpus builtin --order 2 --prompt the --max-length 5
"""

DEFAULTS = {"model": None, "beam_size": 2, "max_length": 4, "length_penalty": 0.75,
            "prompt": "", "corpus": None, "order": 2, "smoothing": 1.0}  # fmt: skip


@shared_options
def beam(
    model: Annotated[
        Path | None,
        typer.Option(metavar="FILE.json", help="{'vocab', 'eos', 'next': {context: {token: p}}}"),
    ] = None,
    beam_size: Annotated[int, typer.Option(help="k, the beams kept per step")] = 2,
    max_length: Annotated[int, typer.Option(help="L, the most tokens generated")] = 4,
    length_penalty: Annotated[float, typer.Option(help="α in (1/L^α)·Σ log P")] = 0.75,
    prompt: Annotated[str, typer.Option(help="Tokens that condition the first step")] = "",
    corpus: Annotated[
        str | None,
        typer.Option(
            metavar="FILE.txt|builtin", help="Train an n-gram model on a text (one sentence a line)"
        ),
    ] = None,
    order: Annotated[int, typer.Option(help="n of the n-gram model")] = 2,
    smoothing: Annotated[float, typer.Option(metavar="ε", help="Laplace smoothing")] = 1.0,
    *,
    common: Common,
) -> None:
    from dlviz.compute import beam as B

    check_int_range("--beam-size", beam_size, 1, 64)
    check_int_range("--max-length", max_length, 1, 32)
    if not 0 <= length_penalty <= 10:
        raise BadInput("--length-penalty", length_penalty, "must be from 0 to 10")
    if common.format in ("gif", "mp4") or common.engine == "manim":
        raise BadInput("--format", common.format or common.engine, "draws the tree: png, svg "
                       "or pdf for now")  # fmt: skip
    if model and corpus:
        raise BadInput("--corpus", corpus, "give either --model or --corpus")
    if corpus:
        lm = corpus_model(corpus, order, smoothing)
    else:
        lm = load_model(model) if model else B.model_from_dict(B.D2L_EXAMPLE)[0]
    tokens = tuple(prompt.split())
    given = {
        "model": str(model) if model else None,
        "beam_size": beam_size,
        "max_length": max_length,
        "length_penalty": length_penalty,
        "prompt": prompt,
    }
    try:
        result = B.beam_search(lm, beam_size=beam_size, max_length=max_length,
                               alpha=length_penalty, prompt=tokens)  # fmt: skip
    except ValueError as exc:
        raise BadInput("--prompt", prompt, str(exc)) from None
    answers = {"greedy": B.greedy(lm, max_length=max_length, prompt=tokens), "beam": result.best}
    if len(lm.vocab) ** max_length <= B.MAX_EXHAUSTIVE:
        answers["exhaustive"] = B.exhaustive(lm, max_length=max_length, alpha=length_penalty,
                                             prompt=tokens)  # fmt: skip
    plan = plan_outputs(common, "beam", "", given, DEFAULTS)
    from dlviz.render.beam import plot_beam
    from dlviz.theme import get_theme

    write_matplotlib(plan, common, lambda: plot_beam(result, answers, theme=get_theme(
        common.theme), lang=common.lang), None)  # fmt: skip
    written = [plan.path]
    parameters = {**given, **common.parameters(), "format": plan.format}
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(write_json(plan.data, "beam", parameters, beam_json(result, answers)))
    rows = [[name, " ".join(c.tokens), f"{c.log_prob:.4f}", f"{c.score(length_penalty):.4f}"]
            for name, c in answers.items()]  # fmt: skip
    report_table("beam search", ["search", "answer", "log P", "score"], rows, written)


def corpus_model(corpus: str, order: int, smoothing: float):
    from dlviz.compute.beam import BUILTIN_CORPUS, ngram_model

    check_int_range("--order", order, 1, 6)
    if not 0 <= smoothing < float("inf"):
        raise BadInput("--smoothing", smoothing, "must be a finite ε ≥ 0")
    if corpus == "builtin":
        text = BUILTIN_CORPUS
    elif Path(corpus).is_file():
        text = Path(corpus).read_text(encoding="utf-8", errors="replace")
    else:
        raise BadInput("--corpus", corpus, "no such file (or use 'builtin')")
    try:
        return ngram_model(text, order, smoothing)
    except ValueError as exc:
        raise BadInput("--corpus", corpus, str(exc)) from None


def load_model(path: Path):
    from dlviz.compute.beam import model_from_dict

    if not path.is_file():
        raise BadInput("--model", path, "no such file")
    try:
        model, warnings = model_from_dict(json.loads(path.read_text()))
    except (json.JSONDecodeError, ValueError) as exc:
        raise BadInput("--model", path, str(exc).splitlines()[0]) from None
    for warning in warnings:
        sys.stderr.write(f"dlviz: warning: {warning}\n")
    return model


def beam_json(result, answers) -> dict:
    def entry(c):
        return {"tokens": c.tokens, "log_prob": c.log_prob, "score": c.score(result.alpha)}

    nodes = [{"id": n.id, "parent": n.parent, "token": n.token, "log_prob": n.log_prob,
              "cum_log_prob": n.cum_log_prob, "step": n.step, "status": n.status}
             for n in result.nodes]  # fmt: skip
    out = {"tree": nodes, "candidates": [entry(c) for c in result.candidates],
           "best": entry(result.best), "greedy": entry(answers["greedy"])}  # fmt: skip
    if "exhaustive" in answers:
        out["exhaustive"] = entry(answers["exhaustive"])
    return out


def register(app: typer.Typer) -> None:
    app.command("beam", help=HELP, short_help="Beam search trees.  e.g. dlviz beam "
                "--beam-size 2")(beam)  # fmt: skip
