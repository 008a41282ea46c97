"""The beam-search tree, left to right: kept branches bold, pruned ones grey,
finished hypotheses boxed, the chosen one highlighted; the answers below."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from dlviz.compute.beam import BeamResult, Candidate
from dlviz.render.base import new_figure, themed
from dlviz.theme import LIGHT, Theme, text


def _positions(result: BeamResult) -> dict[int, tuple[float, float]]:
    """x = step; y = rank within the step, children grouped under their parent."""
    pos: dict[int, tuple[float, float]] = {-1: (0.0, 0.0)}
    steps = max(n.step for n in result.nodes)
    for step in range(1, steps + 1):
        level = [n for n in result.nodes if n.step == step]
        level.sort(key=lambda n: (-pos[n.parent][1], n.id))  # children under their parent
        middle = (len(level) - 1) / 2
        for rank, n in enumerate(level):
            pos[n.id] = (float(step), middle - rank)
    return pos


def plot_beam(result: BeamResult, answers: dict[str, Candidate], *, theme: Theme = LIGHT,
              lang: str = "en") -> Figure:  # fmt: skip
    pos = _positions(result)
    chosen = _path(result, result.best.tokens)
    widest = max(sum(1 for n in result.nodes if n.step == s)
                 for s in {n.step for n in result.nodes})  # fmt: skip
    with themed(theme):
        fig = new_figure(theme, (theme.figsize[0] * 1.5, max(4.0, 0.32 * widest + 2.2)),
                         layout="constrained")  # fmt: skip
        ax = fig.add_subplot()
        for n in result.nodes:
            (x0, y0), (x1, y1) = pos[n.parent], pos[n.id]
            kept = n.status == "kept"
            colour = theme.palette[8] if n.id in chosen else (
                theme.foreground if kept else theme.grid)  # fmt: skip
            ax.plot([x0, x1], [y0, y1], color=colour, linewidth=2.4 if kept else 0.8, zorder=1)
            box = (
                {"boxstyle": "round", "facecolor": theme.background, "edgecolor": colour}
                if kept and n.token == result.eos
                else None
            )
            ax.text(x1, y1, n.token, ha="center", va="center", zorder=3, bbox=box,
                    fontsize=theme.font_size * (0.85 if kept else 0.6),
                    color=theme.foreground if kept else theme.muted)  # fmt: skip
            if kept:
                ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"{n.log_prob:.2f}",
                        fontsize=theme.font_size * 0.55, color=theme.muted, ha="center",
                        va="bottom")  # fmt: skip
        ax.text(0, 0, "▶", ha="center", va="center", fontsize=theme.font_size)
        ax.axis("off")
        lines = [
            f"{text(name, lang)}: {' '.join(c.tokens)}   P = {math.exp(c.log_prob):.4g},"
            f" score = {c.score(result.alpha):.4g}"
            for name, c in answers.items()
        ]
        fig.supxlabel("\n".join(lines), fontsize=theme.font_size * 0.85, ha="left", x=0.02)
        fig.suptitle(text("beam_title", lang, alpha=result.alpha))
    return fig


def _path(result: BeamResult, tokens: tuple[str, ...]) -> set[int]:
    """Node ids along the kept path spelling ``tokens``."""
    ids, parent = set(), -1
    for step, token in enumerate(tokens, start=1):
        match = [n for n in result.nodes if n.step == step and n.parent == parent
                 and n.token == token and n.status == "kept"]  # fmt: skip
        if not match:
            break
        parent = match[0].id
        ids.add(parent)
    return ids
