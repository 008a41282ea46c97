"""`dlviz beam`: greedy, beam and exhaustive search as a tree."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_choice, check_int_range, shared_options
from dlviz.cli.job import plan_outputs, report_table, write_matplotlib
from dlviz.errors import BadInput
from dlviz.theme import get_theme, text

HELP = """Decoding as a tree: which branches each step keeps, which it prunes, and
how the length penalty picks the answer.

--convention d2l (the course's): keep the k best of the k·|V| extensions at
every step; every kept sequence is a candidate (cut after the end token);
the answer maximises (1/L^α)·Σ log P, α = 0.75 by default.
--convention hf (transformers' generate): end-token extensions become
finished hypotheses scored Σ log P / length^α (α = 1 by default), with
transformers' --early-stopping true|false|never.

The default model is Dive into Deep Learning's example, where greedy search
(0.048) is beaten by beam search (0.054).

Examples:

  dlviz beam

  dlviz beam --beam-size 1

  dlviz beam --convention hf --early-stopping never

  dlviz beam --model lm.json --beam-size 3 --max-length 5 --length-penalty 1.0

  dlviz beam --corpus builtin --order 2 --prompt the --max-length 5

  dlviz beam --format gif            (step by step: expand, prune, choose)

  dlviz beam --engine manim --quality high
"""

DEFAULTS = {
    "model": None,
    "beam_size": 2,
    "max_length": 4,
    "length_penalty": None,
    "prompt": "",
    "corpus": None,
    "order": 2,
    "smoothing": 1.0,
    "convention": "d2l",
    "early_stopping": None,
    "collapse": "auto",
}
CONVENTIONS = ("d2l", "hf")
COLLAPSE = {"auto": None, "always": True, "never": False}


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
    order: Annotated[int, typer.Option(help="n of the n-gram model")] = 2,
    smoothing: Annotated[float, typer.Option(metavar="ε", help="Laplace smoothing")] = 1.0,
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
    *,
    common: Common,
) -> None:
    from dlviz.compute import beam as B

    check_int_range("--beam-size", beam_size, 1, 64)
    check_int_range("--max-length", max_length, 1, 32)
    check_choice("--convention", convention, CONVENTIONS)
    check_choice("--collapse", collapse, tuple(COLLAPSE))
    if early_stopping is not None:
        check_choice("--early-stopping", early_stopping, tuple(B.EARLY_STOPPING))
        if convention != "hf":
            raise BadInput("--early-stopping", early_stopping, "applies to --convention hf")
    alpha = length_penalty if length_penalty is not None else (0.75 if convention == "d2l" else 1.0)
    if not -10 <= alpha <= 10:
        raise BadInput("--length-penalty", length_penalty, "must be from -10 to 10")
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
        "corpus": corpus,
        "order": order if corpus else 2,
        "smoothing": smoothing if corpus else 1.0,
        "convention": convention,
        "early_stopping": early_stopping,
        "collapse": collapse,
    }
    plan = plan_outputs(common, "beam", "", given, DEFAULTS)
    stop = B.EARLY_STOPPING[early_stopping or "false"]
    try:
        if convention == "hf":
            result = B.beam_search_hf(
                lm,
                beam_size=beam_size,
                max_length=max_length,
                alpha=alpha,
                prompt=tokens,
                early_stopping=stop,
            )
        else:
            result = B.beam_search(
                lm, beam_size=beam_size, max_length=max_length, alpha=alpha, prompt=tokens
            )
    except ValueError as exc:
        option = "--prompt" if "prompt" in str(exc) else "--model" if model else "--corpus"
        value = {"--prompt": prompt, "--model": model, "--corpus": corpus}[option]
        raise BadInput(option, value if value is not None else "(built-in)", str(exc)) from None
    answers = {"greedy": B.greedy(lm, max_length=max_length, prompt=tokens), "beam": result.best}
    if len(lm.vocab) ** max_length <= B.MAX_EXHAUSTIVE:
        answers["exhaustive"] = B.exhaustive(lm, max_length=max_length, alpha=alpha, prompt=tokens)
    else:
        sys.stderr.write(
            f"dlviz: note: no exhaustive search: |V|^L = {len(lm.vocab)}^"
            f"{max_length} is more than {B.MAX_EXHAUSTIVE:,} sequences\n"
        )
    style = {"theme": get_theme(common.theme), "lang": common.lang, "collapse": COLLAPSE[collapse]}
    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        render_scene(
            load_scene("beam", "BeamScene"),
            {
                "result": result,
                "answers": answers,
                "theme": common.theme,
                "lang": common.lang,
                "collapse": COLLAPSE[collapse],
            },
            quality=common.quality,
            fmt=plan.format,
            out=plan.path,
            background=style["theme"].background,
        )
    else:
        from dlviz.render.beam import animate_beam, plot_beam

        write_matplotlib(
            plan,
            common,
            lambda: plot_beam(result, answers, **style),
            lambda: animate_beam(result, answers, **style),
        )
    written = [plan.path]
    parameters = {**given, **common.parameters(), "format": plan.format, "length_penalty": alpha}
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(write_json(plan.data, "beam", parameters, beam_json(result, answers)))
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
        f"beam search ({convention}, k = {beam_size}, α = {alpha:g})",
        ["search", "answer", "log P", "P", "score"],
        rows,
        written,
    )


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

    nodes = [
        {
            "id": n.id,
            "parent": n.parent,
            "token": n.token,
            "log_prob": n.log_prob,
            "cum_log_prob": n.cum_log_prob,
            "score": n.score(result.alpha),
            "step": n.step,
            "status": n.status,
        }
        for n in result.nodes
    ]
    out = {
        "convention": result.convention,
        "alpha": result.alpha,
        "tree": nodes,
        "candidates": [entry(c) for c in result.candidates],
        "best": entry(result.best),
        "greedy": entry(answers["greedy"]),
    }
    if "exhaustive" in answers:
        out["exhaustive"] = entry(answers["exhaustive"])
    return out


def register(app: typer.Typer) -> None:
    app.command("beam", help=HELP, short_help="Beam search trees.  e.g. dlviz beam --beam-size 2")(
        beam
    )
