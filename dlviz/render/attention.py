"""Attention heatmaps: one per head, queries as rows and keys as columns,
token labels, one shared colour scale, masked cells hatched."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlviz.compute.attention import AttentionResult
from dlviz.render.base import new_figure, themed
from dlviz.theme import LIGHT, Theme, text


def plot_attention(result: AttentionResult, *, numbers: bool | None = None,
                   theme: Theme = LIGHT, lang: str = "en") -> Figure:  # fmt: skip
    """Every head's weights with token labels; numbers in the cells when small."""
    heads = result.heads
    nq, nk = result.weights.shape[1:]
    numbers = nq * nk <= 144 if numbers is None else numbers
    cols = min(heads, 4)
    rows = -(-heads // cols)
    with themed(theme):
        size = (min(4.2 * cols, 16) + 1.0, 4.0 * rows + 0.6)
        fig = new_figure(theme, size, layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        image = None
        for h in range(heads):
            ax = axes[h]
            image = ax.imshow(result.weights[h], vmin=0.0, vmax=1.0, cmap=theme.cmap)
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
                for (i, j), w in np.ndenumerate(result.weights[h]):
                    if not result.mask[i, j]:
                        ax.text(j, i, f"{w:.2f}", ha="center", va="center",
                                fontsize=theme.font_size * 0.6,
                                color="white" if w < 0.6 else "black")  # fmt: skip
            ax.set_xticks(range(nk), result.key_tokens, rotation=45, ha="right")
            ax.set_yticks(range(nq), result.query_tokens)
            ax.set_xlabel(text("keys", lang))
            ax.set_ylabel(text("queries", lang))
            if heads > 1:
                ax.set_title(text("head", lang, h=h + 1), fontsize=theme.font_size)
        for ax in axes[heads:]:
            ax.axis("off")
        bar = fig.colorbar(image, ax=axes[:heads].tolist(), shrink=0.8)
        bar.set_label(text("attention_weight", lang))
        fig.suptitle(text("attention_title", lang, kind=result.kind))
    return fig
