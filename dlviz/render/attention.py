"""Attention heatmaps: one per head, queries as rows and keys as columns,
token labels, one shared colour scale, masked cells hatched."""

from __future__ import annotations

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
) -> Axes:
    """One head's weights on ``ax`` on the 0..1 scale: masked cells hatched,
    token labels, the weights written in the cells with ``numbers``
    (``ax.images[0]`` is the image, for a colour bar)."""
    weights = result.weights[head]
    ax.imshow(weights, vmin=0.0, vmax=1.0, cmap=theme.cmap)
    for i, j in zip(*np.nonzero(result.mask), strict=True):
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
                    color="white" if w < 0.6 else "black",
                )
    _token_ticks(ax, result)
    ax.set_xlabel(text("keys", lang))
    ax.set_ylabel(text("queries", lang))
    return ax


def plot_attention(
    result: AttentionResult, *, numbers: bool | None = None, theme: Theme = LIGHT, lang: str = "en"
) -> Figure:
    """Every head's weights with token labels; numbers in the cells when small."""
    heads = result.heads
    nq, nk = result.weights.shape[1:]
    if numbers is None:  # as the spec resolved it, else when small
        numbers = result.spec.numbers if result.spec is not None else nq * nk <= 144
    cols = min(heads, 4)
    rows = -(-heads // cols)
    with themed(theme):
        size = (min(4.2 * cols, 16) + 1.0, 4.0 * rows + 0.6)
        fig = new_figure(theme, size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        image = None
        for h in range(heads):
            draw_attention(axes[h], result, h, numbers=numbers, theme=theme, lang=lang)
            image = axes[h].images[0]
            if heads > 1:
                axes[h].set_title(text("head", lang, h=h + 1), fontsize=theme.font_size)
        for ax in axes[heads:]:
            ax.axis("off")
        bar = fig.colorbar(image, ax=axes[:heads].tolist(), shrink=0.8)
        bar.set_label(text("attention_weight", lang))
        fig.suptitle(text("attention_title", lang, kind=attention_kind(result.kind, lang)))
    return fig


def _token_ticks(ax, result: AttentionResult, most: int = 24) -> None:
    """Token labels on both axes; past ``most`` tokens, every k-th one."""
    for tokens, set_ticks, kwargs in (
        (result.key_tokens, ax.set_xticks, {"rotation": 45, "ha": "right"}),
        (result.query_tokens, ax.set_yticks, {}),
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


def figure(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz attention`` draws."""
    return plot_attention(result, theme=theme, lang=lang)


def animation(result: AttentionResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """One query at a time: scores, softmax, weights."""
    return animate_attention(result, theme=theme, lang=lang)
