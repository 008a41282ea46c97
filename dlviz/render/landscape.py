"""Loss landscape figures: contour, heatmap or 3-D surface, minimum marked."""

from __future__ import annotations

import numpy as np
from matplotlib import colors, ticker
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.landscape import LandscapeResult, log_floor
from dlviz.render.base import new_figure, style_3d_axes, themed
from dlviz.theme import LIGHT, Theme, landscape_axis_names, landscape_name, text

VIEWS = ("contour", "heatmap", "surface")
LEVELS = 30
SURFACE_MAX = 120  # surface polygons per axis: more adds time, not detail


def color_norm(loss: np.ndarray, log_scale: bool) -> tuple[colors.Normalize, np.ndarray]:
    """The colour normalisation and contour levels for a loss grid."""
    finite = loss[np.isfinite(loss)]
    lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        hi = lo + 1.0
    if not log_scale:
        return colors.Normalize(lo, hi), np.linspace(lo, hi, LEVELS + 1)
    floor = log_floor(loss)
    return colors.LogNorm(floor, hi), np.geomspace(floor, hi, LEVELS + 1)


def _mark_points(ax: Axes, result: LandscapeResult, theme: Theme, lang: str) -> None:
    xs = [p.x for p in result.minima]
    ys = [p.y for p in result.minima]
    label = text("global_minimum" if len(xs) > 1 else "minimum", lang)
    if len(xs) == 1:  # the point itself, so a reader can check it
        m = result.minimum
        label += f" ({m.x:.3g}, {m.y:.3g}), {text('loss', lang)} {m.loss:.3g}"
    ax.plot(
        xs,
        ys,
        linestyle="none",
        marker="*",
        markersize=16,
        color=theme.minimum,
        markeredgecolor=theme.background,
        label=label,
        zorder=5,
    )
    saddles = [(c.x, c.y) for c in result.critical if c.kind == "saddle"] or [
        (p.x, p.y) for p in result.saddles
    ]
    far = 1e-6 * (result.x[-1] - result.x[0] + result.y[-1] - result.y[0])
    local = [
        (c.x, c.y)
        for c in result.critical
        if c.kind == "minimum" and all(abs(c.x - p.x) + abs(c.y - p.y) > far for p in result.minima)
    ]
    small = len(saddles) + len(local) > 24  # many (Rastrigin): small marks
    for points, marker, size, colour, key in (
        (local, "^", 9, theme.background, "local_minimum"),
        (saddles, "X", 11, theme.saddle, "saddle_point"),
    ):
        if points:
            px, py = zip(*points, strict=True)
            ax.plot(
                px,
                py,
                linestyle="none",
                marker=marker,
                markersize=size * (0.5 if small else 1),
                color=colour,
                markeredgecolor=theme.foreground,
                markeredgewidth=0.8,
                label=text(key, lang),
                zorder=5,
            )


def draw_landscape(
    ax: Axes,
    result: LandscapeResult,
    *,
    view: str = "contour",
    log_scale: bool = False,
    theme: Theme = LIGHT,
    lang: str = "en",
):
    """Draw the loss on ``ax`` (a 3-D Axes for ``view='surface'``); returns the
    mappable for a colour bar."""
    norm, levels = color_norm(result.loss, log_scale)
    xlabel, ylabel = landscape_axis_names(result.name, lang)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if view == "surface":
        return _draw_surface(ax, result, norm, theme)
    loss = np.clip(result.loss, levels[0], None) if log_scale else result.loss
    if view == "heatmap":
        mappable = ax.pcolormesh(
            result.x, result.y, loss, norm=norm, cmap=theme.cmap, shading="nearest", rasterized=True
        )
    else:
        # rasterized: a raster inside PDF/SVG, so vector viewers show no hairline
        # gaps between bands and files stay small; lines, markers, text stay vector
        mappable = ax.contourf(
            result.x, result.y, loss, levels=levels, norm=norm, cmap=theme.cmap, rasterized=True
        )
        ax.contour(
            result.x,
            result.y,
            loss,
            levels=levels[::3],
            norm=norm,
            colors="k",
            linewidths=0.4,
            alpha=0.35,
        )
    _mark_points(ax, result, theme, lang)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(6))
    ax.yaxis.set_major_locator(ticker.MaxNLocator(6))
    ax.set_xlim(result.x[0], result.x[-1])
    ax.set_ylim(result.y[0], result.y[-1])
    return mappable


def _draw_surface(ax, result: LandscapeResult, norm, theme: Theme):
    step = max(1, int(np.ceil(result.x.size / SURFACE_MAX)))
    gx, gy = np.meshgrid(result.x[::step], result.y[::step])
    z = result.loss[::step, ::step]
    log = isinstance(norm, colors.LogNorm)
    shown = np.log10(np.clip(z, norm.vmin, None)) if log else z
    mappable = ax.plot_surface(
        gx,
        gy,
        shown,
        cmap=theme.cmap,
        linewidth=0,
        antialiased=False,
        rstride=1,
        cstride=1,
        norm=colors.Normalize(shown.min(), shown.max()),
    )
    # the star sits on the surface as drawn (log: the scale's floor at most) and
    # is painted last, so no ridge in front of it hides it
    ax.computed_zorder = False
    for p in result.minima:
        zp = np.log10(max(p.loss, norm.vmin)) if log else p.loss
        zp = max(zp, float(shown.min()))
        ax.scatter(
            [p.x],
            [p.y],
            [zp],
            marker="*",
            s=220,
            color=theme.minimum,
            edgecolors=theme.background,
            depthshade=False,
            zorder=10,
        )
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):  # fewer ticks: no labels run together
        axis.set_major_locator(ticker.MaxNLocator(5))
    style_3d_axes(ax, theme)
    ax.view_init(elev=35, azim=-60)
    return mappable


def _title(fig: Figure, result: LandscapeResult, theme: Theme, lang: str) -> None:
    title = text("landscape_title", lang, name=landscape_name(result.name, lang))
    fig.suptitle(title, fontsize=theme.title_size)


def _draw_fit(ax: Axes, result: LandscapeResult, theme: Theme, lang: str) -> Axes:
    """The data panel: the training set and the model at the minimum."""
    (dx, dy), (fx, fy) = result.data, result.fit
    ax.plot(fx, fy, color=theme.palette[8], linewidth=2, label=text("best_fit", lang))
    ax.scatter(dx, dy, s=18, color=theme.palette[0], zorder=3, label=text("training_data", lang))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", fontsize="small")
    return ax


def style_of(result: LandscapeResult, view: str | None, log_scale: bool | None):
    """(view, log_scale): as given, else as the result's spec ran, else contour, linear."""
    spec = result.spec
    if view is None:
        view = spec.view if spec is not None else "contour"
    if log_scale is None:
        log_scale = spec.log_scale if spec is not None else False
    return view, log_scale


def plot_landscape(
    result: LandscapeResult,
    *,
    view: str | None = None,
    log_scale: bool | None = None,
    theme: Theme = LIGHT,
    lang: str = "en",
) -> Figure:
    """The landscape with its colour bar and formula; data models get a second
    panel with the training data and the best fit. ``view`` and ``log_scale``
    default to the result's spec (contour, linear without one)."""
    view, log_scale = style_of(result, view, log_scale)
    surface = view == "surface"
    with themed(theme):
        fig = new_figure(theme, _figsize(result, theme), layout=None)
        ax, fit_ax, bar_ax = _panels(fig, result, surface, theme)
        if fit_ax is not None:
            _draw_fit(fit_ax, result, theme, lang)
        mappable = draw_landscape(
            ax, result, view=view, log_scale=log_scale, theme=theme, lang=lang
        )
        label = text("log_loss" if log_scale and surface else "loss", lang)
        if surface:
            ax.set_zlabel(label)
            bar = fig.colorbar(mappable, cax=bar_ax)
        else:
            bar = loss_colorbar(fig, mappable, ax)
            ax.legend(loc="upper right", fontsize="small", framealpha=0.85)
        bar.set_label(label)
        _title(fig, result, theme, lang)
        fig.supxlabel(f"${result.formula}$", fontsize=theme.font_size * 0.9)
    return fig


def loss_colorbar(fig: Figure, mappable, ax: Axes | None = None, cax: Axes | None = None):
    """A colour bar beside ``ax`` (or in ``cax``) with round ticks (not the
    contour levels)."""
    if cax is None:
        bar = fig.colorbar(mappable, ax=ax, shrink=0.85, pad=0.02)
    else:
        bar = fig.colorbar(mappable, cax=cax)
    log = isinstance(mappable.norm, colors.LogNorm)
    bar.set_ticks(ticker.LogLocator() if log else ticker.MaxNLocator(6))
    return bar


def _panels(fig: Figure, result: LandscapeResult, surface: bool, theme: Theme):
    """(landscape axes, data-fit axes or None, colour-bar axes or None).

    Margins are fixed in inches scaled by the type size rather than left to a
    layout engine: the same look, without a second drawing pass on every save.
    """
    has_fit = result.data is not None
    if not surface:
        w, h = fig.get_size_inches()
        scale = theme.font_size / 10
        grid = fig.add_gridspec(
            1,
            2 if has_fit else 1,
            width_ratios=(1.35, 1) if has_fit else None,
            left=0.8 * scale / w,
            right=1 - 0.15 / w,
            bottom=0.9 * scale / h,
            top=1 - 0.45 * scale / h,
            wspace=0.3,
        )
        ax = fig.add_subplot(grid[0])
        return ax, fig.add_subplot(grid[1]) if has_fit else None, None
    width = 0.5 if has_fit else 0.78
    # computed_zorder off: the minimum's star stays in front of the surface
    ax = fig.add_axes((0.0, 0.08, width, 0.84), projection="3d", computed_zorder=False)
    bar_ax = fig.add_axes((width + 0.01, 0.22, 0.015, 0.56))
    fit_ax = fig.add_axes((width + 0.17, 0.16, 0.98 - width - 0.17, 0.7)) if has_fit else None
    return ax, fit_ax, bar_ax


def _figsize(result: LandscapeResult, theme: Theme) -> tuple[float, float]:
    if result.data is None or theme.figsize[0] / theme.figsize[1] > 1.5:
        return theme.figsize
    return theme.figsize[0] * 1.7, theme.figsize[1]


def animate_landscape(
    result: LandscapeResult,
    *,
    view: str | None = None,
    log_scale: bool | None = None,
    theme: Theme = LIGHT,
    lang: str = "en",
    frames: int = 48,
) -> FuncAnimation:
    """Surface view: one turn around the surface. Other views: the sublevel set
    {L ≤ c} fills up from the minimum as c rises, showing the basins."""
    view, log_scale = style_of(result, view, log_scale)
    fig = plot_landscape(result, view=view, log_scale=log_scale, theme=theme, lang=lang)
    ax = fig.axes[0]
    if view == "surface":

        def turn(i: int):
            ax.view_init(elev=35, azim=-60 + 360 * i / frames)
            return ()

        return FuncAnimation(fig, turn, frames=frames, blit=False)
    _, levels = color_norm(result.loss, log_scale)
    state = {"veil": None}
    caption = ax.text(
        0.02,
        0.97,
        "",
        transform=ax.transAxes,
        va="top",
        ha="left",
        zorder=6,
        bbox={"facecolor": theme.background, "alpha": 0.85, "edgecolor": "none"},
    )

    def reveal(i: int):
        # Veil everything above the level c: what stays in colour is {L ≤ c}.
        if state["veil"] is not None:
            state["veil"].remove()
        level = levels[min(len(levels) - 1, 1 + i * (len(levels) - 1) // max(1, frames - 1))]
        state["veil"] = ax.contourf(
            result.x,
            result.y,
            result.loss,
            levels=[level, np.inf],
            colors=[theme.background],
            alpha=0.8,
            zorder=4,
        )
        caption.set_text(f"{text('loss', lang)} ≤ {level:.3g}")
        return ()

    return FuncAnimation(fig, reveal, frames=frames, blit=False)


def figure(result: LandscapeResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz landscape`` draws for ``result``."""
    return plot_landscape(result, theme=theme, lang=lang)


def animation(result: LandscapeResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The animation ``dlviz landscape --format gif|mp4`` writes for ``result``."""
    return animate_landscape(result, theme=theme, lang=lang)
