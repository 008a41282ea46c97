"""Residual variance figures: the statistic against depth (measured with a
band over repeats, theory dashed) and activation histograms at a few depths."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from dlviz.compute.residual import VARIANTS, VarianceResult
from dlviz.render.base import new_figure, themed
from dlviz.theme import LIGHT, Theme, series_color, step_text, text, wrap


def variant_color(variant: str, theme: Theme) -> str:
    """The colour of a network variant, the same in every figure."""
    return series_color(theme, (0, 8, 2, 6)[VARIANTS.index(variant)])


def draw_residual(
    ax: Axes, result: VarianceResult, *, theme: Theme = LIGHT, lang: str = "en"
) -> Axes:
    """The statistic against depth on a log axis: measured (a band over the
    repeats) and, where it has a closed form, the theory dashed."""
    blocks = np.arange(result.depth + 1)
    for variant in result.forward:
        colour = variant_color(variant, theme)
        mean, runs = result.mean(variant), result.forward[variant]
        ax.fill_between(blocks, runs.min(axis=0), runs.max(axis=0), color=colour, alpha=0.2)
        ax.plot(blocks, mean, "o-", color=colour, markersize=3, label=text(variant, lang))
        if result.theory[variant] is not None:
            ax.plot(blocks, result.theory[variant], "--", color=colour, linewidth=1)
    ax.set_yscale("log")
    ax.set_xlabel(text("block", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # blocks are whole
    ax.set_xlim(-0.5, result.depth + 0.5)
    ax.set_ylabel(text(result.statistic.replace("-", "_"), lang))
    ax.plot([], [], "--", color=theme.muted, label=text("theory", lang))
    ax.fill_between(
        [],
        [],
        [],
        color=theme.muted,
        alpha=0.2,
        label=text("residual_band", lang, n=result.repeats),
    )
    ax.legend(fontsize="small" if theme.name == "light" else "x-small")
    ax.grid(True, alpha=0.3)
    ax.set_title(
        text("residual_title", lang, width=result.width, batch=result.batch),
        fontsize=theme.font_size,
    )
    return ax


def plot_residual(result: VarianceResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The statistic against depth (measured, band over repeats, theory dashed) beside activation
    histograms at four depths."""
    with themed(theme):
        light = theme.name == "light"
        wide = theme.figsize[0] * (1.7 if light else 1.0)  # slides stay 16:9
        tall = theme.figsize[1] * (1.6 if light and result.backward else 1.0)
        fig = new_figure(theme, (wide, tall), layout="constrained")
        rows = len(result.forward) * (2 if result.backward else 1)
        grid = fig.add_gridspec(rows, 2, width_ratios=(1.6, 1))
        half = rows // 2 if result.backward else rows
        draw_residual(fig.add_subplot(grid[:half, 0]), result, theme=theme, lang=lang)
        if result.backward:
            _draw_backward(fig.add_subplot(grid[half:, 0]), result, theme, lang)
        step = rows // len(result.forward)
        for row, variant in enumerate(result.forward):
            hist = fig.add_subplot(grid[row * step : (row + 1) * step, 1])
            scales = []
            for k in result.sampled_blocks:
                values = result.samples[variant][k]
                values = values[np.isfinite(values)]
                # each block in its own scale, h/√E[h²], so its shape shows whatever its spread
                scale = float(np.sqrt(np.mean(values**2))) if len(values) else 1.0
                scales.append(f"{scale:.3g}")
                hist.hist(
                    values / (scale or 1.0),
                    bins=np.linspace(-4, 4, 61),
                    histtype="step",
                    density=True,
                    label=f"{k}",
                    color=variant_color(variant, theme),
                    alpha=0.3 + 0.7 * k / max(1, result.depth),
                )
            hist.set_title(
                f"{text(variant, lang)}   √E[h²]: " + " → ".join(scales),
                fontsize=theme.font_size * (0.65 if light else 0.5),
            )
            if row == len(result.forward) - 1:  # one axis name, under the last panel
                hist.set_xlabel(text("scaled_activation", lang), fontsize=theme.font_size * 0.7)
            hist.set_ylim(top=hist.get_ylim()[1] * 2.0)  # room above the curves for the key
            hist.legend(
                fontsize="xx-small",
                title=text("block", lang),
                title_fontsize="xx-small",
                ncol=len(result.sampled_blocks),
                loc="upper center",
                frameon=False,
                handlelength=1.0,
                columnspacing=0.8,
            )
            hist.tick_params(labelsize=theme.font_size * 0.7)
            hist.set_yticks([])
            note = text("residual_band_note", lang, n=result.repeats, width=result.width)
        size = theme.font_size * 0.7
        fig.supxlabel(
            wrap(note, fig.get_figwidth() * 72 / (size * 0.55), 2),
            fontsize=size,
            color=theme.muted,
        )
    return fig


def _draw_backward(ax, result: VarianceResult, theme: Theme, lang: str) -> None:
    """E[g²] at each block's input, relative to the output's gradient."""
    blocks = np.arange(result.depth + 1)
    for variant, runs in result.backward.items():
        colour = variant_color(variant, theme)
        relative = runs / runs[:, -1:]
        ax.fill_between(blocks, relative.min(axis=0), relative.max(axis=0), color=colour, alpha=0.2)
        ax.plot(blocks, relative.mean(axis=0), "o-", color=colour, markersize=3)
        if result.theory_backward[variant] is not None:
            ax.plot(blocks, result.theory_backward[variant], "--", color=colour, linewidth=1)
    ax.set_yscale("log")
    ax.set_xlabel(text("block", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(text("gradient_second_moment", lang))
    ax.grid(True, alpha=0.3)


def animate_residual(result: VarianceResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """Block by block, each variant's distribution of activations (on a fixed
    axis, so widening shows) and the variance sum written with its numbers."""
    from matplotlib.animation import FuncAnimation

    variants = list(result.forward)
    with themed(theme):
        fig = new_figure(theme, layout="constrained")
        axes = np.atleast_1d(fig.subplots(len(variants), 1))
        limits = {v: 4.0 * np.sqrt(np.nanmax(result.mean(v))) for v in variants}
        caption = fig.suptitle("")

        def update(k: int):
            for ax, v in zip(axes, variants, strict=True):
                ax.clear()
                values = result.samples[v][k]
                values = values[np.isfinite(values)]
                ax.hist(
                    values,
                    bins=60,
                    range=(-limits[v], limits[v]),
                    density=True,
                    color=variant_color(v, theme),
                    alpha=0.8,
                )
                ax.set_yticks([])
                ax.set_ylabel(
                    text(v, lang),
                    fontsize=theme.font_size * 0.7,
                    rotation=0,
                    ha="right",
                    va="center",
                )
            caption.set_text(_sum_text(result, k, lang))
            axes[-1].set_xlabel(text("activation", lang))
            return ()

        update(0)
    return FuncAnimation(fig, update, frames=result.depth + 1, blit=False)


def _sum_text(result: VarianceResult, k: int, lang: str) -> str:
    """'residual: E[h²] 8.1 at block 3 → 16.2 at block 4 (×2, theory ×2)':
    the measured second moment before and after block k (mean over the runs),
    and the factor the theory predicts."""
    head = f"{text('block', lang)} {k}"
    if k == 0:
        return head
    v = "residual" if "residual" in result.forward else next(iter(result.forward))
    return step_text(result, v, k, lang)


def figure(result: VarianceResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz residual`` draws."""
    return plot_residual(result, theme=theme, lang=lang)


def animation(result: VarianceResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The distributions block by block."""
    return animate_residual(result, theme=theme, lang=lang)
