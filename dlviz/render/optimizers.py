"""Optimizer trajectories over a landscape, loss curves, races and basins."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from matplotlib import colors, patheffects
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.optimizers import NAMES, Basins, Race, Run, get_rule
from dlviz.render.base import fitted_text, new_figure, themed
from dlviz.render.landscape import draw_landscape, loss_colorbar
from dlviz.theme import (
    LIGHT,
    MONOSPACE,
    OPTIMIZER_LINES,
    Theme,
    cells,
    hyperparameter_name,
    landscape_axis_names,
    landscape_name,
    lesson_text,
    optimizer_name,
    rule_text,
    series_color,
    text,
    wrap,
)

MAX_FRAMES = 120
TRAIL_DOTS = 200  # at most this many dots in a fading trail


def optimizer_color(name: str, theme: Theme) -> str:
    """One colour per optimizer name, the same in every picture."""
    return series_color(theme, NAMES.index(name))


def optimizer_line(name: str, points: int) -> dict:
    """The optimizer's line style and marker, about a dozen marks along ``points``."""
    linestyle, marker = OPTIMIZER_LINES[NAMES.index(name)]
    return {
        "linestyle": linestyle,
        "marker": marker,
        "markersize": 4.5,
        "markevery": max(1, points // 12),
    }


def hyperparameter_text(run: Run, lang: str = "en") -> str:
    """'lr=0.05, momentum=0.5, batch=3': the learning rate, every hyperparameter
    that differs from its convention's default, and the minibatch size or
    gradient noise when the run used one."""
    defaults = get_rule(run.optimizer, run.convention).defaults
    parts = []
    for key, value in run.hyperparameters.items():
        if key != "lr" and value == defaults.get(key):
            continue
        name = hyperparameter_name(key, lang)
        if isinstance(value, bool):
            parts.append(name if value else f"{name}=off")
        else:
            parts.append(f"{name}={value:g}")
    if run.batch_size is not None:
        parts.append(f"{hyperparameter_name('batch_size', lang)}={run.batch_size}")
    if run.noise:
        parts.append(f"{hyperparameter_name('noise', lang)}={run.noise:g}")
    return ", ".join(parts)


def defaults_text(runs, lang: str = "en") -> str:
    """The convention's defaults of the hyperparameters the legend leaves out
    (those at their default), once, and how a minibatch's gradient is reduced."""
    convention = runs[0].convention
    values: dict[str, dict[float, list[str]]] = {}
    for run in runs:
        defaults = get_rule(run.optimizer, convention).defaults
        for key, value in run.hyperparameters.items():
            # a feature that is off (weight decay 0, ...) is absent from the formula
            at_default = value == defaults[key] and not isinstance(value, bool) and value != 0
            if key != "lr" and at_default:
                values.setdefault(key, {}).setdefault(value, []).append(run.optimizer)
    parts = []
    for key, by_value in values.items():
        name = hyperparameter_name(key, lang)
        if len(by_value) == 1:
            parts.append(f"{name}={next(iter(by_value)):g}")
        else:  # the default differs between rules: say whose is whose
            each = [
                f"{v:g} ({'/'.join(optimizer_name(n, lang) for n in names)})"
                for v, names in by_value.items()
            ]
            parts.append(f"{name}={', '.join(each)}")
    shown = ", ".join(parts)
    reduction = text("sum" if convention == "udl" else "mean", lang)
    if not shown:
        return text("convention_reduction", lang, convention=convention, reduction=reduction)
    return text(
        "convention_defaults", lang, convention=convention, values=shown, reduction=reduction
    )


def log_scale_of(result, log_scale: bool | None) -> bool:
    """As given, else as the result's spec ran, else linear."""
    if log_scale is not None:
        return log_scale
    return result.spec.landscape.log_scale if result.spec is not None else False


def draw_trajectories(ax: Axes, race: Race, *, theme: Theme = LIGHT, lang: str = "en") -> Axes:
    """Paths over an existing landscape plot: start (hollow circle), end
    (filled dot) or divergence (cross), one colour per optimizer."""
    halo = [patheffects.withStroke(linewidth=3.2, foreground=theme.background, alpha=0.7)]
    for run in race.runs:
        color = optimizer_color(run.optimizer, theme)
        for k in range(len(race.starts)):
            path = run.path(k)
            if k == 0 and run.fan is not None:  # the other seeds, faint under the bold one
                for other in run.fan:
                    keep = np.all(np.isfinite(other), axis=1)
                    ax.plot(
                        other[keep, 0],
                        other[keep, 1],
                        color=color,
                        linewidth=0.7,
                        alpha=0.3,
                        zorder=5,
                    )
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=color,
                linewidth=1.8,
                zorder=6,
                path_effects=halo,
                **optimizer_line(run.optimizer, len(path)),
            )
            end_marker = "X" if run.diverged_at[k] >= 0 else "o"
            ax.plot(
                *path[-1],
                marker=end_marker,
                markersize=8 if end_marker == "X" else 6,
                color=color,
                markeredgecolor=theme.background,
                zorder=7,
            )
    draw_starts(ax, race, theme=theme, lang=lang)
    return ax


def draw_starts(ax: Axes, race: Race, *, theme: Theme = LIGHT, lang: str = "en") -> Axes:
    """The starting points: large hollow circles, labelled for the legend."""
    ax.plot(
        race.starts[:, 0],
        race.starts[:, 1],
        linestyle="none",
        marker="o",
        markersize=10,
        markerfacecolor="none",
        markeredgecolor=theme.foreground,
        markeredgewidth=2,
        label=text("start", lang),
        zorder=8,
    )
    return ax


def draw_loss_curves(ax: Axes, race: Race, *, theme: Theme = LIGHT, lang: str = "en") -> Axes:
    """L − L* against step for every run (L* the view's minimum), so every
    curve heads for the same line whatever the landscape's offset. Gaps below
    a floor of 1e-12·max(1, |L*|) are rounding and drawn at the floor; the
    axis is logarithmic unless the gaps span less than two decades. A run
    that diverged ends in a cross at the step it left the view."""
    best = race.landscape.minimum.loss
    floor = 1e-12 * max(1.0, abs(best))
    drawn, crosses = [], []
    for run in race.runs:  # one line per run and start, in order (the legend's handles)
        color = optimizer_color(run.optimizer, theme)
        for k in range(len(race.starts)):
            gap = run.loss[:, k] - best
            steps = np.flatnonzero(np.isfinite(gap))
            values = np.maximum(gap[steps], floor)
            ax.plot(
                steps,
                values,
                color=color,
                linewidth=1.4,
                **optimizer_line(run.optimizer, len(values)),
            )
            drawn.append(values)
            if run.diverged_at[k] >= 0:
                crosses.append((run.diverged_at[k], values[-1], color))
    for step, value, color in crosses:
        ax.plot(step, value, "X", color=color, markersize=8, markeredgecolor=theme.background)
    values = np.concatenate(drawn)
    low, high = float(values.min()), float(values.max())
    if high > 100 * low:
        ax.set_yscale("log")
    elif high == low:  # one value (every run diverged at once): an axis around it
        ax.set_ylim(low - 0.5 * max(abs(low), 1e-12), high + 0.5 * max(abs(high), 1e-12))
    ax.set_xlim(left=0)
    ax.set_xlabel(text("step", lang))
    ax.set_ylabel(text("loss_gap", lang))
    # a fixed y: matplotlib otherwise measures every tick label to place a title
    ax.set_title(text("loss_gap_title", lang), fontsize="medium", y=1.0)
    ax.grid(True, which="major", alpha=0.4)
    return ax


def legend_label(run: Run, lang: str = "en", width: int = 10) -> str:
    """'adam      φ ← φ − α·m̂/√(v̂ + ε)   [lr=0.05, …]': the rule that ran, so a
    reader knows which formula was drawn, and its hyperparameters."""
    rule = rule_text(get_rule(run.optimizer, run.convention).text(run.hyperparameters), lang)
    name = optimizer_name(run.optimizer, lang)
    gap = " " * max(1, round(width - cells(name)))
    values = hyperparameter_text(run, lang)
    return f"{name}{gap} {rule}" + (f"   [{values}]" if values else "")


def outcome_text(race: Race, run: Run, lang: str = "en") -> str:
    """How the run ended, with this run's numbers: one start in detail, several
    as how many reached the global minimum."""
    if run.fan is not None:
        k, n, finals = race.fan_outcome(run)
        return text("outcome_fan", lang, k=k, n=n, low=finals.min(), high=finals.max())
    if len(race.starts) > 1:
        n = sum(race.outcome(run, k).kind == "reached" for k in range(len(race.starts)))
        return text("outcome_count", lang, n=n, total=len(race.starts))
    o = race.outcome(run, 0)
    return text(
        f"outcome_{o.kind}",
        lang,
        step=o.step,
        x=o.x,
        y=o.y,
        loss=o.loss,
        e0=o.eigenvalues[0],
        e1=o.eigenvalues[1],
        fell=o.fell,
        over=o.over,
    )


def legend_rows(race: Race, lang: str, chars: int) -> list[str]:
    """Each optimizer's legend row and how its run ended, on a second line
    (indented past the name) when the row would pass ``chars`` characters."""
    rows = []
    labels = legend_labels(race.runs, lang)
    indent = " " * (
        max(10, *(round(cells(optimizer_name(r.optimizer, lang))) + 1 for r in race.runs)) + 1
    )
    for label, run in zip(labels, race.runs, strict=True):
        outcome = outcome_text(race, run, lang)
        one_line = f"{label}   {outcome}"
        if cells(one_line) <= chars:
            rows.append(one_line)
            continue
        first, *rest = wrap(outcome, chars - len(indent) - 2).split("\n")  # below, to fit
        rows.append("\n".join([label, indent + first, *(indent + "  " + r for r in rest)]))
    return rows


def legend_labels(runs, lang: str) -> list[str]:
    """One label per run, the rules starting in one column."""
    width = max(10, *(round(cells(optimizer_name(r.optimizer, lang))) + 1 for r in runs))
    return [legend_label(r, lang, width) for r in runs]


SMALL_SET = 5  # more rules than this are drawn as small multiples, one map each


def plot_optimizers(
    race: Race,
    *,
    log_scale: bool | None = None,
    theme: Theme = LIGHT,
    lang: str = "en",
    panels: bool | None = None,
) -> Figure:
    """Paths over the filled contour and loss against step; below them a
    legend giving each optimizer's colour, update rule and hyperparameters.
    With ``panels`` (default: more than SMALL_SET rules) each rule gets its
    own small map, the same contour and start, so no path hides another."""
    if panels is None:
        panels = len(race.runs) > SMALL_SET
    light = theme.name == "light"
    # a slide has room for a few rules in large type, or for all of them in small type
    font = theme.font_size * (0.75 if light else 0.6 if len(race.runs) <= 5 else 0.45)
    line_h = font * 1.45 / 72  # inches
    w = theme.figsize[0] * (1.7 if light else 1.0)
    # the characters a row holds: the width less the margin and the legend handle
    rows = legend_rows(race, lang, chars=int((w - 1.0) * 72 / (font * 0.62)) - 8)
    lines = sum(row.count("\n") + 1 for row in rows)
    legend_h = (lines + 1.8) * line_h  # the rules, then the defaults caption
    scale = theme.font_size / 10
    # the lesson under the title, in the legend's type
    caption = wrap(lesson_text(race.lesson(), lang), (w - 1.0) * 72 / (font * 1.05 * 0.5), 2)
    lines_h = (caption.count("\n") * 1.3 + 1.5) * font * 1.05 / 72
    lesson_h = lines_h + 0.25 * scale if caption else 0.0  # and room for the panels' titles
    h = theme.figsize[1] + (legend_h + lesson_h if light else 0.0)  # slides stay 16:9
    with themed(theme):
        fig = new_figure(theme, (w, h), layout=None)
        grid = fig.add_gridspec(
            1,
            2,
            width_ratios=(1.8 if panels else 1.35, 1),
            left=0.8 * scale / w,
            right=1 - 0.15 / w,
            bottom=(legend_h + 0.8 * scale) / h,
            top=1 - (0.45 * scale + lesson_h) / h,
            wspace=0.3,
        )
        if caption:
            fig.text(
                0.5,
                1 - (0.45 * scale + 0.2 * line_h) / h,
                caption,
                ha="center",
                va="top",
                fontsize=font * 1.05,
                linespacing=1.3,
            )
        log_scale = log_scale_of(race, log_scale)
        if panels:
            first = _draw_panels(fig, grid[0], race, log_scale, theme, lang)[0]
            marks, names = first.get_legend_handles_labels()  # what the small maps mark
            loss_ax = fig.add_subplot(grid[1])
        else:
            ax, loss_ax = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
            mappable = draw_landscape(
                ax, race.landscape, log_scale=log_scale, theme=theme, lang=lang
            )
            loss_colorbar(fig, mappable, ax).set_label(text("loss", lang))
            draw_trajectories(ax, race, theme=theme, lang=lang)
            marks, names = ax.get_legend_handles_labels()
        draw_loss_curves(loss_ax, race, theme=theme, lang=lang)
        # the map's marks explained where the loss curves leave room, off every path
        if light:
            loss_ax.legend(marks, names, fontsize="x-small", loc="best", framealpha=0.85)
        else:  # a slide's type is large: below the panel, in two columns, off the curves
            loss_ax.legend(
                marks,
                names,
                fontsize="xx-small",
                loc="upper right",
                bbox_to_anchor=(1.0, -0.3),
                ncol=2,
                frameon=False,
            )
        handles = loss_ax.get_lines()[: len(race.runs) * len(race.starts) : len(race.starts)]
        fig.legend(
            handles,
            rows,
            loc="lower left",
            frameon=False,
            bbox_to_anchor=(0.5 * scale / w, 1.2 * line_h / h),
            prop={"family": MONOSPACE, "size": font},
        )
        defaults = wrap(defaults_text(race.runs, lang), w * 72 / (font * 0.85 * 0.5), 2)
        fig.text(
            0.5 * scale / w + 0.01,
            0.3 * line_h / h,
            defaults,
            fontsize=font * 0.85,
            color=theme.muted,
            va="bottom",
        )
        name = landscape_name(race.landscape.name, lang)
        fig.suptitle(text("optimizers_title", lang, name=name, convention=race.runs[0].convention))
    return fig


def animate_optimizers(
    race: Race,
    *,
    log_scale: bool | None = None,
    theme: Theme = LIGHT,
    lang: str = "en",
    trail: int | None = None,
) -> FuncAnimation:
    """Dots moving along the paths, each with the path so far (thin) and a
    fading trail of its last ``trail`` steps (default: an eighth of the run),
    and a step counter."""
    steps = race.runs[0].params.shape[0] - 1
    trail = trail or max(10, steps // 8)
    frame_steps = np.unique(np.linspace(0, steps, min(MAX_FRAMES, steps + 1)).round().astype(int))
    with themed(theme):
        fig = new_figure(theme, theme.figsize, layout=None)
        ax = fig.add_axes((0.1, 0.24, 0.7, 0.66))
        log_scale = log_scale_of(race, log_scale)
        mappable = draw_landscape(ax, race.landscape, log_scale=log_scale, theme=theme, lang=lang)
        bar = loss_colorbar(fig, mappable, cax=fig.add_axes((0.83, 0.24, 0.025, 0.66)))
        bar.set_label(text("loss", lang))
        draw_starts(ax, race, theme=theme, lang=lang)
        counter = ax.text(
            0.02,
            0.97,
            "",
            transform=ax.transAxes,
            va="top",
            zorder=9,
            bbox={"facecolor": theme.background, "alpha": 0.85, "edgecolor": "none"},
        )
        artists = []
        for run in race.runs:
            color = optimizer_color(run.optimizer, theme)
            for k in range(len(race.starts)):
                (travelled,) = ax.plot([], [], color=color, linewidth=1.0, alpha=0.6, zorder=5)
                trail_line = ax.scatter([], [], s=12, color=color, zorder=6)
                (dot,) = ax.plot(
                    [],
                    [],
                    "o",
                    color=color,
                    markeredgecolor=theme.background,
                    markersize=8,
                    zorder=7,
                    label=optimizer_name(run.optimizer, lang) if k == 0 else None,
                )
                artists.append((run, k, travelled, trail_line, dot))
        # below the map, off every path
        ax.legend(
            fontsize="x-small",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.11),
            ncol=4,
            frameon=False,
        )
        name = landscape_name(race.landscape.name, lang)
        fig.suptitle(text("optimizers_title", lang, name=name, convention=race.runs[0].convention))
        caption = lesson_text(race.lesson(), lang)  # how the race ends, from its first frame
        if caption:
            fitted_text(
                fig,
                0.5,
                0.015,
                caption,
                width=theme.figsize[0] - 0.4,
                fontsize=theme.font_size * 0.75,
                ha="center",
                va="bottom",
            )
    base = colors.to_rgba_array([optimizer_color(r.optimizer, theme) for r, *_ in artists])

    def update(i: int):
        t = frame_steps[i]
        counter.set_text(f"{text('step', lang)} {t}")
        for j, (run, k, travelled, trail_line, dot) in enumerate(artists):
            so_far = run.path(k)[: t + 1]
            travelled.set_data(so_far[:, 0], so_far[:, 1])
            path = so_far[max(0, t - trail) :]
            if len(path) == 0:
                continue
            # a long trail's dots are evenly thinned (the newest kept): they
            # overlap anyway, and each costs a marker drawn every frame
            path = path[::-1][:: -(-len(path) // TRAIL_DOTS)][::-1]
            fade = np.linspace(0.05, 0.8, len(path))
            trail_line.set_offsets(path)
            trail_line.set_facecolors(np.column_stack([np.tile(base[j, :3], (len(path), 1)), fade]))
            dot.set_data([path[-1, 0]], [path[-1, 1]])
        return ()

    anim = FuncAnimation(fig, update, frames=len(frame_steps), blit=False)
    # what moves, so the writer draws the landscape once and blits the rest
    anim.dlviz_moving = [counter, *(a for _, _, *lines in artists for a in lines)]
    anim.dlviz_frames = len(frame_steps)
    return anim


def plot_basins(
    basins: Basins, *, log_scale: bool | None = None, theme: Theme = LIGHT, lang: str = "en"
) -> Figure:
    """Every start coloured by where its run ends: which minimum it reaches
    (when the landscape has several), else its final loss; contours on top."""
    land = basins.landscape
    with themed(theme):
        fig = new_figure(theme, theme.figsize, layout=None)
        ax = fig.add_axes((0.1, 0.12, 0.68, 0.78))
        bar_ax = fig.add_axes((0.81, 0.2, 0.02, 0.62))
        xs, ys = basins.xs, basins.ys
        if basins.reached is not None:
            mappable = _draw_reached(ax, basins, theme)
            label = text("reached_minimum", lang)
            minima = [f"({p.x:.3g}, {p.y:.3g})" for p in land.minima]
        else:
            final = np.where(basins.diverged, np.nan, basins.final_loss)
            norm = (
                colors.LogNorm()
                if log_scale_of(basins, log_scale) and np.nanmin(final) > 0
                else None
            )
            mappable = ax.pcolormesh(
                xs, ys, final, cmap=theme.cmap, norm=norm, shading="nearest", rasterized=True
            )
            label = text("final_loss", lang)
        ax.contour(
            land.x, land.y, land.loss, levels=12, colors=theme.foreground, linewidths=0.5, alpha=0.5
        )
        if basins.diverged.any():
            gx, gy = np.meshgrid(xs, ys)
            ax.plot(
                gx[basins.diverged],
                gy[basins.diverged],
                "x",
                color=theme.foreground,
                markersize=3,
                label=text("diverged", lang),
            )
            ax.legend(fontsize="x-small", loc="upper right")
        for p in land.minima:
            ax.plot(
                p.x, p.y, "*", markersize=14, color=theme.minimum, markeredgecolor=theme.background
            )
        bar = fig.colorbar(mappable, cax=bar_ax)
        bar.set_label(label)
        if basins.reached is not None:
            bar.set_ticks(range(len(minima) + 1), labels=[text("none", lang), *minima])
        ax.set_xlim(land.x[0], land.x[-1])
        ax.set_ylim(land.y[0], land.y[-1])
        xlabel, ylabel = landscape_axis_names(land.name, lang)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        name = optimizer_name(basins.run.optimizer, lang)
        fig.suptitle(text("basins_title", lang, optimizer=name, n=len(xs), steps=basins.steps))
    return fig


def _draw_reached(ax: Axes, basins: Basins, theme: Theme):
    count = len(basins.landscape.minima)
    # four well-apart hues first, none close to the minimum star's colour
    distinct = [theme.palette[i] for i in (0, 8, 2, 3, 5, 1, 4, 7, 6)]
    cmap = colors.ListedColormap([theme.grid, *distinct[:count]])
    shown = np.where(basins.diverged, -1, basins.reached) + 1  # 0: none or diverged
    mappable = ax.pcolormesh(
        basins.xs,
        basins.ys,
        shown,
        cmap=cmap,
        vmin=-0.5,
        vmax=count + 0.5,
        shading="nearest",
        rasterized=True,
    )
    return mappable


def _draw_panels(fig: Figure, cell, race: Race, log_scale: bool, theme: Theme, lang: str):
    """One small map per rule in ``cell``: the same contour, start and marks,
    each rule's path (and fan) alone, its name as the title."""
    cols = 3
    rows = -(-len(race.runs) // cols)
    sub = cell.subgridspec(rows, cols, wspace=0.08, hspace=0.28)
    axes = []
    for i, run in enumerate(race.runs):
        ax = fig.add_subplot(sub[i // cols, i % cols])
        mappable = draw_landscape(ax, race.landscape, log_scale=log_scale, theme=theme, lang=lang)
        draw_trajectories(ax, replace(race, runs=(run,)), theme=theme, lang=lang)
        ax.set_title(
            optimizer_name(run.optimizer, lang),
            fontsize="small",
            color=optimizer_color(run.optimizer, theme),
            pad=2,
            y=1.0,
        )
        ax.tick_params(labelsize="x-small")
        for line in ax.get_lines():  # marks at half size on a small map
            line.set_markersize(line.get_markersize() * 0.5)
        if i % cols:
            ax.tick_params(labelleft=False)
        if i < len(race.runs) - cols:
            ax.tick_params(labelbottom=False)
        if i != (rows // 2) * cols:  # one axis name a side, on the middle panel
            ax.set_ylabel("")
        if i != len(race.runs) - 1 - (cols // 2) or i < len(race.runs) - cols:
            ax.set_xlabel("")
        axes.append(ax)
    loss_colorbar(fig, mappable, axes).set_label(text("loss", lang))
    return axes


def figure(result: Race | Basins, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz optimizers`` draws: the race, or the basins picture."""
    if isinstance(result, Basins):
        return plot_basins(result, theme=theme, lang=lang)
    return plot_optimizers(result, theme=theme, lang=lang)


def animation(result: Race, *, theme: Theme = LIGHT, lang: str = "en") -> FuncAnimation:
    """The race, animated (a basins picture is a figure only)."""
    return animate_optimizers(result, theme=theme, lang=lang)
