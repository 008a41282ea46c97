"""Attention heatmaps: one per head, queries as rows and keys as columns,
token labels, one shared colour scale, masked cells hatched."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlviz.compute.attention import AttentionResult
from dlviz.render.base import new_figure, themed
from dlviz.theme import LIGHT, Theme, attention_kind, text


def draw_attention(
    ax: Axes,
    result: AttentionResult,
    head: int = 0,
    *,
    numbers: bool = False,
    theme: Theme = LIGHT,
    lang: str = "en",
    most: int = 24,
) -> Axes:
    """One head's weights on ``ax`` on the 0..1 scale: masked cells hatched,
    token labels, the weights written in the cells with ``numbers``
    (``ax.images[0]`` is the image, for a colour bar)."""
    weights = result.weights[head]
    row_scale = result.spec is not None and result.spec.row_scale
    # a row on its own scale: weight ÷ the row's largest (the numbers stay the weights)
    shown = weights / weights.max(axis=1, keepdims=True) if row_scale else weights
    ax.imshow(shown, vmin=0.0, vmax=1.0, cmap=theme.cmap)
    hatch_cells(ax, result.mask, theme)
    if numbers:
        for (i, j), w in np.ndenumerate(weights):
            if not result.mask[i, j]:
                ax.text(
                    j,
                    i,
                    f"{w:.2f}",
                    ha="center",
                    va="center",
                    fontsize=theme.font_size * 0.6,
                    color="white" if shown[i, j] < 0.6 else "black",
                )
    _token_ticks(ax, result, most=most)
    ax.set_xlabel(text("keys", lang))
    ax.set_ylabel(text("queries", lang))
    return ax


def hatch_cells(ax: Axes, cells: np.ndarray, theme: Theme) -> None:
    """Hatch the image cells where ``cells`` is True (masked keys)."""
    for i, j in zip(*np.nonzero(cells), strict=True):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                facecolor=theme.background,
                edgecolor=theme.muted,
                hatch="//",
                linewidth=0,
            )
        )


def plot_attention(
    result: AttentionResult, *, numbers: bool | None = None, theme: Theme = LIGHT, lang: str = "en"
) -> Figure:
    """Every head's weights with token labels; numbers in the cells when small."""
    heads = result.heads
    nq, nk = result.weights.shape[1:]
    if numbers is None:  # as the spec resolved it, else when small
        numbers = result.spec.numbers if result.spec is not None else nq * nk <= 144
    cols = math.ceil(math.sqrt(heads))  # a grid, not a strip: 4 heads are 2 × 2
    rows = -(-heads // cols)
    with themed(theme):
        if theme.name == "light":
            size = (4.4 * cols + 1.4, 4.2 * rows + 0.8)
        else:  # a slide: 16:9
            size = theme.figsize
        fig = new_figure(theme, size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        # as many token labels as fit: about 1.5 type sizes apart on each panel
        panel = min(size[0] / cols, size[1] / rows) * 0.7 * 72
        most = max(4, int(panel / (theme.font_size * 0.8 * 1.5)))
        image = None
        for h in range(heads):
            draw_attention(axes[h], result, h, numbers=numbers, theme=theme, lang=lang, most=most)
            image = axes[h].images[0]
            if heads > 1:
                axes[h].set_title(text("head", lang, h=h + 1), fontsize=theme.font_size)
            if h % cols:  # one set of labels a row and a column, shared
                axes[h].set_ylabel("")
                axes[h].tick_params(labelleft=False)
            if h + cols < heads:
                axes[h].set_xlabel("")
                axes[h].tick_params(labelbottom=False)
        for ax in axes[heads:]:
            ax.axis("off")
        bar = fig.colorbar(image, ax=axes[:heads].tolist(), shrink=0.8)
        row_scale = result.spec is not None and result.spec.row_scale
        bar.set_label(text("attention_weight_row" if row_scale else "attention_weight", lang))
        title = text("attention_title", lang, kind=attention_kind(result.kind, lang))
        if result.spec is not None and result.spec.temperature != 1.0:
            title += f"  (T = {result.spec.temperature:g})"
        fig.suptitle(title)
    return fig


def _token_ticks(ax, result: AttentionResult, most: int = 24) -> None:
    """Token labels on both axes; past ``most`` tokens, every k-th one."""
    for tokens, set_ticks, kwargs in (
        (result.key_tokens, ax.set_xticks, {"rotation": 45, "ha": "right", "fontsize": "small"}),
        (result.query_tokens, ax.set_yticks, {"fontsize": "small"}),
    ):
        step = -(-len(tokens) // most)
        index = range(0, len(tokens), step)
        set_ticks(index, [tokens[i] for i in index], **kwargs)


def animate_attention(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """One query at a time (first head): its scores against every key, the
    softmax turning them into weights, its row of the matrix outlined."""
    from matplotlib.animation import FuncAnimation

    nq, nk = result.weights.shape[1:]
    with themed(theme):
        fig = new_figure(theme, layout="constrained")
        ax_map, ax_bar = fig.subplots(1, 2, width_ratios=(1, 1.2))
        ax_map.imshow(result.weights[0], vmin=0, vmax=1, cmap=theme.cmap)
        _token_ticks(ax_map, result)
        ax_map.set_xlabel(text("keys", lang))
        ax_map.set_ylabel(text("queries", lang))
        box = ax_map.add_patch(
            Rectangle((-0.5, -0.5), nk, 1, fill=False, linewidth=3, edgecolor=theme.palette[8])
        )
        scores = np.where(np.isfinite(result.scores[0]), result.scores[0], np.nan)
        span = np.nanmax(np.abs(scores)) or 1.0

        def update(i: int):
            ax_bar.clear()
            x = np.arange(nk)
            shown = np.nan_to_num(scores[i] / span)
            ax_bar.bar(
                x - 0.2, shown, width=0.4, color=theme.muted, label=text("scores_scaled", lang)
            )
            ax_bar.bar(
                x + 0.2,
                result.weights[0, i],
                width=0.4,
                color=theme.palette[8],
                label=text("attention_weight", lang),
            )
            ax_bar.set_xticks(x, result.key_tokens, rotation=45, ha="right")
            ax_bar.set_ylim(-1.05, 1.05)
            ax_bar.axhline(0, color=theme.foreground, linewidth=0.6)
            ax_bar.legend(fontsize="x-small", loc="lower left")
            box.set_y(i - 0.5)
            fig.suptitle(text("attention_frame", lang, token=result.query_tokens[i]))
            return ()

        update(0)
    return FuncAnimation(fig, update, frames=nq, blit=False)


def pipeline_steps(
    result: AttentionResult, head: int = 0, lang: str = "en"
) -> list[tuple[str, np.ndarray, str]]:
    """(label, matrix, how to colour it) for each step of ``head``: Q, K, V,
    the scores, the masked scores, the softmax weights, weights·V and, for
    multihead and self attention, the concatenated heads and their W_O
    projection. Labels carry the matrices' shapes."""
    q, k, v = (x[head] for x in result.qkv)
    d = q.shape[1]
    scale = {"dot": "QKᵀ", "additive": "w_vᵀ tanh(W_q q + W_k k)"}.get(result.kind, f"QKᵀ/√{d}")

    def shape(m) -> str:
        return "×".join(map(str, np.shape(m)))

    projected = result.kind in ("self", "multihead")
    steps = [
        (f"Q = X·W_Q  {shape(q)}" if projected else f"Q  {shape(q)}", q, "values"),
        (f"K = X·W_K  {shape(k)}" if projected else f"K  {shape(k)}", k, "values"),
        (f"V = X·W_V  {shape(v)}" if projected else f"V  {shape(v)}", v, "values"),
        (f"{scale}  {shape(result.unmasked[head])}", result.unmasked[head], "values"),
        (
            f"{text('pipeline_mask', lang)} → −∞  {shape(result.scores[head])}",
            result.scores[head],
            "values",
        ),
        (f"softmax  {shape(result.weights[head])}", result.weights[head], "weights"),
        (f"·V  {shape(result.output[head])}", result.output[head], "values"),
    ]
    if projected:
        steps += [
            (f"{text('pipeline_concat', lang)}  {shape(result.concat)}", result.concat, "values"),
            (f"·W_O  {shape(result.projected)}", result.projected, "values"),
        ]
    return steps


def plot_pipeline(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Head 1's computation step by step, each matrix labelled with its
    shape: weights on the 0..1 scale, everything else on a signed scale
    centred at 0; masked scores hatched."""
    steps = pipeline_steps(result, lang=lang)
    numbers = result.spec.numbers if result.spec is not None else True
    cols = min(len(steps), 5)
    rows = -(-len(steps) // cols)
    with themed(theme):
        size = (theme.figsize[0] * (1.6 if theme.name == "light" else 1.0), theme.figsize[1])
        fig = new_figure(theme, size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        for ax, (label, m, how) in zip(axes, steps, strict=False):
            finite = np.where(np.isfinite(m), m, np.nan)
            if how == "weights":
                image = ax.imshow(finite, vmin=0, vmax=1, cmap=theme.cmap)
            else:
                span = float(np.nanmax(np.abs(finite))) or 1.0
                image = ax.imshow(finite, vmin=-span, vmax=span, cmap="RdBu_r")
            hatch_cells(ax, ~np.isfinite(m), theme)  # −∞: masked
            if numbers and np.size(m) <= 64:  # small enough to read: the numbers too
                for (i, j), x in np.ndenumerate(m):
                    if np.isfinite(x):  # dark type on light cells, light type on dark ones
                        r, g, b, _ = image.cmap(image.norm(x))
                        ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"
                        ax.text(
                            j,
                            i,
                            f"{x:.2f}",
                            ha="center",
                            va="center",
                            fontsize=theme.font_size * 0.45,
                            color=ink,
                        )
            ax.set_title(label, fontsize=theme.font_size * 0.7)
            ax.set_xticks([])
            ax.set_yticks([])
        for ax in axes[len(steps) :]:
            ax.axis("off")
        head = text("head", lang, h=1) if result.heads > 1 else ""
        fig.suptitle(
            text("attention_pipeline", lang, kind=attention_kind(result.kind, lang), head=head)
        )
    return fig


def figure(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz attention`` draws: every head's weights, or one
    head's pipeline."""
    if result.spec is not None and result.spec.show == "pipeline":
        return plot_pipeline(result, theme=theme, lang=lang)
    return plot_attention(result, theme=theme, lang=lang)


def animation(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """One query at a time: scores, softmax, weights."""
    return animate_attention(result, theme=theme, lang=lang)
