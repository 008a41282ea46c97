"""The beam-search tree, left to right: kept branches bold, pruned ones grey,
finished hypotheses boxed with their scores, the chosen one highlighted;
the greedy, beam and exhaustive answers below. Wide trees collapse each
parent's pruned children into one grey "+N" node. The animation builds the
same picture step by step: expand (every extension with its cumulative
log-probability), prune to k, and at the end the length-penalised choice."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.beam import COLLAPSE, BeamResult, Candidate
from dlviz.render.base import new_figure, themed
from dlviz.theme import LIGHT, Theme, text

FPS = 2  # the animation's frame rate: a slide show of whole pictures
COLLAPSE_WIDTH = 16  # more nodes than this in one step: collapse pruned siblings


@dataclass(frozen=True)
class Shown:
    """One drawn node: a tree node, or (count > 1) a parent's pruned children."""

    id: int
    parent: int
    label: str
    step: int
    status: str
    log_prob: float
    cum_log_prob: float
    count: int = 1


def shown_nodes(result: BeamResult, collapse: bool | None = None) -> list[Shown]:
    """The nodes to draw; ``collapse`` None decides by the widest step."""
    if collapse is None:
        collapse = _widest(result) > COLLAPSE_WIDTH
    out, groups = [], {}
    for n in result.nodes:
        if collapse and n.status == "pruned":
            groups.setdefault((n.parent, n.step), []).append(n)
        else:
            out.append(Shown(n.id, n.parent, n.token, n.step, n.status, n.log_prob, n.cum_log_prob))
    for (parent, step), members in groups.items():
        best = max(members, key=lambda n: n.cum_log_prob)
        if len(members) == 1:
            out.append(
                Shown(best.id, parent, best.token, step, "pruned", best.log_prob, best.cum_log_prob)
            )
        else:
            out.append(
                Shown(
                    -2 - best.id,
                    parent,
                    f"+{len(members)}",
                    step,
                    "pruned",
                    best.log_prob,
                    best.cum_log_prob,
                    len(members),
                )
            )
    return out


def _widest(result: BeamResult) -> int:
    counts: dict[int, int] = {}
    for n in result.nodes:
        counts[n.step] = counts.get(n.step, 0) + 1
    return max(counts.values())


def positions(shown: list[Shown]) -> dict[int, tuple[float, float]]:
    """x = step; y = rank within the step, children grouped under their
    parent, in vocabulary order (collapsed groups last)."""
    pos: dict[int, tuple[float, float]] = {-1: (0.0, 0.0)}
    for step in sorted({s.step for s in shown}):
        level = [s for s in shown if s.step == step]
        level.sort(key=lambda s: (-pos[s.parent][1], s.count > 1, abs(s.id)))
        middle = (len(level) - 1) / 2
        for rank, s in enumerate(level):
            pos[s.id] = (float(step), middle - rank)
    return pos


def chosen_path(result: BeamResult) -> list[int]:
    """Node ids from the chosen answer's last node back to the root's child
    (node ids are positions in ``result.nodes``)."""
    path = []
    for n in result.nodes:
        if n.status == "chosen":
            while True:
                path.append(n.id)
                if n.parent < 0:
                    break
                n = result.nodes[n.parent]
    return path


def edge_text(log_prob: float, labels: str) -> str:
    """An edge's step: its probability (d2l's figures), log-probability, or both."""
    import math

    p = math.exp(log_prob)
    prob = f"{p:.2g}" if p >= 0.01 else f"{p:.1e}"
    if labels == "prob":
        return prob
    if labels == "logprob":
        return f"{log_prob:.2f}"
    return f"{prob} ({log_prob:.2f})"


def finished(s: Shown, result: BeamResult) -> bool:
    """Drawn boxed: a finished hypothesis (ended by the end token or the maximum length)."""
    return s.status in ("finished", "chosen")


def draw_tree(
    ax,
    result: BeamResult,
    shown: list[Shown],
    pos,
    theme: Theme,
    *,
    upto: int | None = None,
    phase: str = "final",
) -> Axes:
    """Draw the tree up to step ``upto``: ``phase`` "expand" shows that
    step's extensions undecided, with cumulative log-probabilities; "prune"
    shows what was kept; "final" adds the chosen answer and the scores."""
    ax.clear()
    ax.axis("off")
    upto = result.steps if upto is None else upto
    labels = result.spec.edge_labels if result.spec is not None else "logprob"
    path = set(chosen_path(result)) if phase == "final" else set()
    candidates = set(result.candidate_nodes)
    small = theme.font_size * 0.62
    for s in shown:
        if s.step > upto:
            continue
        (x0, y0), (x1, y1) = pos[s.parent], pos[s.id]
        undecided = s.step == upto and phase == "expand"
        kept = s.status != "pruned" and not undecided
        on_path = s.id in path
        colour = (
            theme.palette[8] if on_path else theme.foreground if kept or undecided else theme.grid
        )
        width = 3.0 if on_path else 2.0 if kept else 1.0 if undecided else 0.7
        ax.plot(
            [x0, x1],
            [y0, y1],
            color=colour,
            linewidth=width,
            zorder=1,
            linestyle=":" if undecided else "-",
            solid_capstyle="round",
        )
        box = None
        if finished(s, result) and not undecided:
            box = {
                "boxstyle": "round,pad=0.25",
                "facecolor": theme.background,
                "edgecolor": colour,
                "linewidth": 2.0 if on_path else 1.2,
            }
        elif kept or undecided:
            box = {"boxstyle": "round,pad=0.15", "facecolor": theme.background, "edgecolor": "none"}
        ax.text(
            x1,
            y1,
            s.label,
            ha="center",
            va="center",
            zorder=3,
            bbox=box,
            fontsize=theme.font_size * (0.85 if kept or undecided else 0.6),
            color=theme.foreground if kept or undecided else theme.muted,
            fontweight="bold" if on_path else "normal",
        )
        if undecided or (phase == "prune" and s.step == upto):
            ax.text(
                x1 + 0.12,
                y1,
                f"{s.cum_log_prob:.2f}",
                ha="left",
                va="center",
                fontsize=small,
                zorder=3,
                color=theme.palette[0] if undecided or kept else theme.muted,
            )
        if kept:
            # nearer the child: siblings fan out from one parent, so labels spread
            at = (x0 + 0.62 * (x1 - x0), y0 + 0.62 * (y1 - y0))
            ax.text(
                *at,
                edge_text(s.log_prob, labels),
                fontsize=small,
                color=theme.muted,
                ha="center",
                va="center",
                zorder=2,
                bbox={
                    "boxstyle": "square,pad=0.05",
                    "facecolor": theme.background,
                    "edgecolor": "none",
                },
            )
        if phase == "final" and kept and not finished(s, result):
            ax.text(  # what the beam ranks by: the cumulative log-probability
                x1 + 0.12,
                y1,
                f"Σ {s.cum_log_prob:.2f}",
                ha="left",
                va="center",
                fontsize=small,
                zorder=3,
                color=theme.palette[0],
                gid="cumulative",
            )
        if phase == "final" and s.id in candidates:
            ax.text(
                x1,
                y1 - 0.32,
                f"{result.nodes[s.id].score(result.alpha):.3f}",
                ha="center",
                va="top",
                fontsize=small * 1.1,
                zorder=4,
                color=theme.palette[8] if on_path else theme.foreground,
                bbox={
                    "boxstyle": "square,pad=0.05",
                    "facecolor": theme.background,
                    "edgecolor": "none",
                },
            )
    ax.text(
        0,
        0,
        " ".join(result.prompt) or "▶",
        ha="right" if result.prompt else "center",
        va="center",
        fontsize=theme.font_size * 0.85,
        zorder=3,
        color=theme.foreground,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.background, "edgecolor": theme.muted}
        if result.prompt
        else None,
    )
    ax.set_xlim(-0.3 - 0.12 * len(" ".join(result.prompt)), result.steps + 0.7)
    ys = [y for _, y in pos.values()]
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    return ax


def _answer_lines(result: BeamResult, answers: dict[str, Candidate], lang: str) -> str:
    return "\n".join(
        f"{text(name, lang)}: {' '.join(c.tokens)}   P = {math.exp(c.log_prob):.4g},"
        f"  {text('score', lang)} = {c.score(result.alpha):.4g}"
        for name, c in answers.items()
    )


def _title(result: BeamResult, lang: str) -> str:
    key = "beam_title_hf" if result.convention == "hf" else "beam_title"
    return text(key, lang, alpha=f"{result.alpha:g}", k=result.beam_size)


def _figure(result: BeamResult, shown: list[Shown], pos, theme: Theme) -> Figure:
    per_step = max(sum(1 for s in shown if s.step == t) for t in range(1, result.steps + 1))
    wide = 1.5 if theme.name == "light" else 1.0  # slides stay 16:9 when they can
    width = max(theme.figsize[0] * wide, 1.5 * result.steps + 2.5)
    height = max(theme.figsize[1], 0.36 * per_step + 2.4)
    return new_figure(theme, (width, height), layout="constrained")


def _legend(ax, theme: Theme, lang: str, result: BeamResult) -> None:
    from matplotlib.lines import Line2D

    def entry(key: str, **style) -> Line2D:
        return Line2D([], [], label=text(key, lang), **style)

    handles = [
        entry("beam_kept", color=theme.foreground, linewidth=2.0),
        entry("beam_pruned", color=theme.grid, linewidth=0.8),
        entry(
            "beam_finished" if result.convention == "d2l" else "beam_finished_hf",
            color=theme.foreground,
            linewidth=0,
            marker="s",
            markersize=10,
            markerfacecolor="none",
        ),
        entry("beam_chosen", color=theme.palette[8], linewidth=3.0),
        entry("beam_cumulative", color=theme.palette[0], linewidth=0, marker="$Σ$"),
        entry(
            "beam_edge_" + (result.spec.edge_labels if result.spec is not None else "logprob"),
            color=theme.muted,
            linewidth=0,
            marker="$0.4$",
            markersize=14,
        ),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize="x-small", frameon=False)


def answers_and_collapse(result: BeamResult, answers, collapse):
    """As given, else as the result ran (its answers, its spec's collapse)."""
    if answers is None:
        answers = result.answers or {"beam": result.best}
    if collapse is None and result.spec is not None:
        collapse = COLLAPSE[result.spec.collapse]
    return answers, collapse


def plot_beam(
    result: BeamResult,
    answers: dict[str, Candidate] | None = None,
    *,
    theme: Theme = LIGHT,
    lang: str = "en",
    collapse: bool | None = None,
) -> Figure:
    """The tree with the chosen answer highlighted; ``answers`` (greedy, beam, exhaustive;
    default the result's) listed below it."""
    answers, collapse = answers_and_collapse(result, answers, collapse)
    shown = shown_nodes(result, collapse)
    pos = positions(shown)
    with themed(theme):
        fig = _figure(result, shown, pos, theme)
        ax = fig.add_subplot()
        draw_tree(ax, result, shown, pos, theme)
        _legend(ax, theme, lang, result)
        fig.supxlabel(
            _answer_lines(result, answers, lang), fontsize=theme.font_size * 0.85, ha="left", x=0.02
        )
        fig.suptitle(_title(result, lang))
    return fig


def frames(result: BeamResult) -> list[tuple[int, str]]:
    """(step, phase) of each picture of the animation."""
    out = []
    for step in range(1, result.steps + 1):
        out += [(step, "expand"), (step, "prune")]
    return out + [(result.steps, "final")]


def animate_beam(
    result: BeamResult,
    answers: dict[str, Candidate] | None = None,
    *,
    theme: Theme = LIGHT,
    lang: str = "en",
    collapse: bool | None = None,
    hold: int = 3,
):
    """Step by step: expand, prune to k; then the choice. Each picture is
    held for ``hold`` frames at 2 frames a second, the last twice as long:
    whole pictures, so few frames are written."""
    from matplotlib.animation import FuncAnimation

    answers, collapse = answers_and_collapse(result, answers, collapse)
    shown = shown_nodes(result, collapse)
    pos = positions(shown)
    pictures = frames(result)
    with themed(theme):
        fig = _figure(result, shown, pos, theme)
        ax = fig.add_subplot()
        caption = fig.supxlabel(" ", fontsize=theme.font_size * 0.85, ha="left", x=0.02)
        fig.suptitle(_title(result, lang))
        state = {"shown": None}

        def update(i: int):
            picture = pictures[min(i // hold, len(pictures) - 1)]
            if picture == state["shown"]:
                return ()
            state["shown"] = picture
            step, phase = picture
            draw_tree(ax, result, shown, pos, theme, upto=step, phase=phase)
            if phase == "final":
                _legend(ax, theme, lang, result)
                caption.set_text(_answer_lines(result, answers, lang))
            else:
                caption.set_text(text(f"beam_{phase}", lang, step=step, k=result.beam_size))
            return ()

        update(0)
    anim = FuncAnimation(fig, update, frames=hold * (len(pictures) + 1), blit=False)
    anim.dlviz_fps = FPS
    return anim


def figure(result: BeamResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz beam`` draws."""
    return plot_beam(result, theme=theme, lang=lang)


def animation(result: BeamResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """Step by step: expand, prune to k; then the choice."""
    return animate_beam(result, theme=theme, lang=lang)
