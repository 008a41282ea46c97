"""ReLU network figures: 1-D pieces and how the layers fold, 2-D regions as
polygons with each layer's boundaries, region counts against the bounds."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from dlviz.compute.relu import ReluResult, Sweep
from dlviz.compute.relu_fit import FitResult
from dlviz.render.base import new_figure, themed
from dlviz.render.relu_fit import animate_fit, plot_fit
from dlviz.theme import LIGHT, REGION_COLOURS, Theme, text

LAYER_STYLES = ("-", (0, (6, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (10, 3)), (0, (3, 3)))
BOUNDARY_COLOUR = "#1b1b1b"  # dark on the pastel regions, in every theme
MAX_LAYER_PANELS = 4  # a deeper 1-D network shows its first two and last two layers


def layer_style(layer: int) -> tuple:
    """(line style, width) for a layer's boundaries: distinct for every
    layer, not repeating after a few (and earlier layers drawn heavier)."""
    if layer < len(LAYER_STYLES):
        dash = LAYER_STYLES[layer]
    else:  # ever longer dashes with a dot between
        dash = (0, (2 + layer, 2, 1, 2) + (1, 2) * (layer - len(LAYER_STYLES) + 1))
    return dash, max(0.5, 1.4 - 0.15 * layer)


def region_colours(patterns: np.ndarray) -> list[str]:
    """A colour per region from its pattern. Neighbours differ in exactly one
    unit, and weighting units by distinct odd multipliers keeps their colour
    indices apart."""
    weights = 2 * np.arange(patterns.shape[1]) + 1
    index = (patterns.astype(int) * weights).sum(axis=1) % len(REGION_COLOURS)
    return [REGION_COLOURS[i] for i in index]


def draw_relu_pieces(
    ax: Axes, result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en", pieces=None
) -> Axes:
    """The 1-D network's output (or ``pieces``), each linear piece in its own
    colour, kinks marked."""
    pieces = result.regions if pieces is None else pieces
    # one colour per linear piece (regions with the same line share it)
    piece = np.concatenate([[0], np.cumsum(~pieces.same_map())])
    for k, (a, b), s, c in zip(
        piece, pieces.intervals, pieces.slopes, pieces.intercepts, strict=True
    ):
        ax.plot(
            [a, b],
            [s * a + c, s * b + c],
            linewidth=2.2,
            color=theme.palette[k % len(theme.palette)],
        )
    same = pieces.same_map()
    joints = pieces.joints
    at = pieces.slopes[1:] * joints + pieces.intercepts[1:]
    ax.plot(
        joints[~same],
        at[~same],
        "o",
        color=theme.foreground,
        markersize=3.5,
        label=text("joints", lang, n=int((~same).sum())),
    )
    if same.any():  # a unit switches but the function's line goes on
        ax.plot(
            joints[same],
            at[same],
            "o",
            markerfacecolor="none",
            markeredgecolor=theme.muted,
            markersize=4.5,
            label=text("silent_switches", lang, n=int(same.sum())),
        )
    ax.set_ylabel(text("network_output", lang))
    ax.legend(fontsize="small", loc="best")
    return ax


def shown_layers(layers: int) -> list[int]:
    """The hidden layers a 1-D figure draws a panel for: all of a shallow
    network, the first two and the last two of a deep one."""
    if layers <= MAX_LAYER_PANELS:
        return list(range(layers))
    return [0, 1, layers - 2, layers - 1]


def plot_relu_1d(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Top: the output, each linear piece in its own colour, joints marked.
    Below, one panel per hidden layer: its units as functions of x."""
    layers = len(result.network.widths)
    shown = shown_layers(layers)
    with themed(theme):
        light = theme.name == "light"
        height = theme.figsize[1] * (min(0.8 + 0.45 * len(shown), 2.6) if light else 1.0)
        fig = new_figure(
            theme,
            (theme.figsize[0] * (1.3 if light else 1.0), height),
            layout="constrained",
        )
        axes = fig.subplots(len(shown) + 1, 1, sharex=True, height_ratios=[2.2] + [1] * len(shown))
        axes = np.atleast_1d(axes)
        draw_relu_pieces(axes[0], result, theme=theme, lang=lang)
        (xs,) = result.grid
        for ax, layer in zip(axes[1:], shown, strict=True):
            ax.plot(xs, result.hidden[layer], linewidth=0.9, alpha=0.8)
            ax.set_ylabel(text("layer_units", lang, layer=layer + 1), fontsize="small")
            if layer + 1 < layers and layer + 1 not in shown:  # layers left out below this one
                ax.set_title(
                    text(
                        "layers_skipped", lang, first=layer + 2, last=shown[shown.index(layer) + 1]
                    ),
                    fontsize="x-small",
                    color=theme.muted,
                    loc="right",
                )
        axes[-1].set_xlabel("x")
        widths = "×".join(map(str, result.network.widths))
        regions = result.regions
        fig.suptitle(
            text(
                "relu_title_1d",
                lang,
                n=regions.num_regions,
                pieces=regions.num_pieces,
                widths=widths,
            )
        )
    return fig


def draw_relu_regions(
    ax: Axes, result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en"
) -> Axes:
    """The 2-D regions as polygons, each layer's boundaries (exact segments)
    in its own line style."""
    regions = result.regions
    x0, x1, y0, y1 = regions.domain
    polys = [regions.polygon(r) for r in range(regions.num_regions)]
    ax.add_collection(
        PolyCollection(polys, facecolors=region_colours(regions.patterns), edgecolors="none")
    )
    for layer, segments in enumerate(regions.boundaries):
        style, width = layer_style(layer)
        ax.add_collection(
            LineCollection(segments, colors=BOUNDARY_COLOUR, linewidths=width, linestyles=style)
        )
        ax.plot(
            [],
            [],
            color=theme.foreground,
            linestyle=style,
            linewidth=width,
            label=text("layer_boundary", lang, layer=layer + 1),
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_title(
        text("regions_found", lang, n=regions.num_regions, pieces=regions.num_pieces),
        fontsize=theme.font_size,
    )
    ax.legend(fontsize="x-small", loc="upper right", framealpha=0.85)
    return ax


def plot_relu_2d(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Left: the regions as polygons, each layer's boundaries in its own line
    style. Right: the network's output as a heatmap."""
    with themed(theme):
        wide = theme.figsize[0] * (1.7 if theme.name == "light" else 1.0)  # slides stay 16:9
        fig = new_figure(theme, (wide, theme.figsize[1]), layout="constrained")
        ax, ax_out = fig.subplots(1, 2)
        draw_relu_regions(ax, result, theme=theme, lang=lang)
        xs, ys = result.grid
        mesh = ax_out.pcolormesh(
            xs, ys, result.output, cmap=theme.cmap, shading="nearest", rasterized=True
        )
        fig.colorbar(mesh, ax=ax_out, shrink=0.85).set_label(text("network_output", lang))
        ax_out.set_aspect("equal")
        ax_out.set_title(text("network_output", lang), fontsize=theme.font_size)
        fig.suptitle(text("relu_title_2d", lang, widths="×".join(map(str, result.network.widths))))
    return fig


def plot_relu_folding(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """UDL's composition picture: f₁ (x → y), f₂ (y → y′) over the values f₁
    takes, and f₂ ∘ f₁ (x → y′): where f₁ turns back, f₂ is traced again,
    so the pieces multiply."""
    fold = result.folding
    with themed(theme):
        light = theme.name == "light"
        size = (
            theme.figsize[0] * (1.7 if light else 1.0),
            theme.figsize[1] * (0.8 if light else 1),
        )
        fig = new_figure(theme, size, layout="constrained")
        ax1, ax2, ax3 = fig.subplots(1, 3)
        draw_relu_pieces(ax1, result, theme=theme, lang=lang, pieces=fold.first)
        ax1.set_xlabel("x")
        ax1.set_ylabel("y = f₁(x)")
        draw_relu_pieces(ax2, result, theme=theme, lang=lang, pieces=fold.second)
        ax2.set_xlabel("y")
        ax2.set_ylabel("y′ = f₂(y)")
        draw_relu_pieces(ax3, result, theme=theme, lang=lang)
        ax3.set_xlabel("x")
        ax3.set_ylabel("y′ = f₂(f₁(x))")
        for ax, key in ((ax1, "fold_first"), (ax2, "fold_second"), (ax3, "fold_both")):
            ax.set_title(text(key, lang), fontsize=theme.font_size * 0.9)
            ax.legend(fontsize="x-small", loc="best")
        fig.suptitle(
            text(
                "fold_title",
                lang,
                first=fold.first.num_pieces,
                second=fold.second.num_pieces,
                both=result.regions.num_pieces,
            )
        )
    return fig


def plot_relu_surface(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The 2-D network's output as a surface of flat facets, one per
    activation region (its polygon lifted by its affine map), as UDL draws it."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    from dlviz.render.base import style_3d_axes

    regions = result.regions
    facets = []
    for r in range(regions.num_regions):
        poly = regions.polygon(r)
        a, b, c = regions.affine[r]
        facets.append(np.column_stack([poly, a * poly[:, 0] + b * poly[:, 1] + c]))
    z = np.concatenate([f[:, 2] for f in facets])
    with themed(theme):
        fig = new_figure(theme, theme.figsize, layout=None)
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.88), projection="3d")
        ax.add_collection3d(
            Poly3DCollection(
                facets,
                facecolors=region_colours(regions.patterns),
                edgecolors=BOUNDARY_COLOUR,
                linewidths=0.4,
            )
        )
        x0, x1, y0, y1 = regions.domain
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        pad = 0.05 * (np.ptp(z) or 1.0)
        ax.set_zlim(z.min() - pad, z.max() + pad)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):  # few ticks: readable at an angle
            axis.set_major_locator(MaxNLocator(4))
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_zlabel(text("network_output", lang))
        style_3d_axes(ax, theme)
        widths = "×".join(map(str, result.network.widths))
        fig.suptitle(
            text("relu_title_2d", lang, widths=widths)
            + "\n"
            + text("regions_found", lang, n=regions.num_regions, pieces=regions.num_pieces),
            fontsize=theme.font_size,
        )
    return fig


def plot_sweep(result: Sweep, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Exact region counts (mean and range over seeds) against the bound, at a
    fixed parameter budget, as depth (or width) varies."""
    x = result.depths if result.kind == "depth" else result.widths
    bounds = result.bounds
    with themed(theme):
        fig = new_figure(theme, layout="constrained")
        ax = fig.add_subplot()
        mean = result.counts.mean(axis=1)
        ax.fill_between(
            x,
            result.counts.min(axis=1),
            result.counts.max(axis=1),
            color=theme.palette[0],
            alpha=0.25,
        )
        ax.plot(x, mean, "o-", color=theme.palette[0], label=text("regions_measured", lang))
        ax.plot(x, bounds, "s--", color=theme.palette[8], label=text("regions_bound", lang))
        if result.constructed is not None:
            ax.plot(
                x,
                result.constructed,
                "^-",
                color=theme.palette[2],
                label=text("regions_constructed", lang),
            )
        ax.set_yscale("log")
        ax.set_ylim(bottom=max(0.5, float(result.counts.min()) / 6))  # room for the labels below
        ax.set_xlabel(
            text("depth" if result.kind == "depth" else "width", lang)
            + "\n"
            + text("sweep_shape_note", lang),
            linespacing=1.6,
        )
        ax.set_ylabel(text("regions", lang))
        for k, (xi, p) in enumerate(zip(x, result.parameters, strict=True)):
            # shape and parameters by each point, alternating sides so neighbours clear
            ax.annotate(
                f"{result.label(k)}\n{p}",
                (xi, mean[k]),
                fontsize="x-small",
                textcoords="offset points",
                xytext=(0, -26 if k % 2 == 0 else 10),
                ha="center",
                color=theme.muted,
            )
        ax.legend(fontsize="small")
        budget = result.spec.budget if result.spec is not None else int(result.parameters.max())
        low, high = int(result.parameters.min()), int(result.parameters.max())
        ax.set_title(
            text("sweep_title", lang, budget=budget, low=low, high=high), fontsize="medium"
        )
    return fig


MAX_FRAMES = 120


def animate_relu_2d(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """Unit by unit, layer by layer: each new unit's line cuts the regions it
    crosses, and the count ticks up (the result must hold its cuts)."""
    from matplotlib.animation import FuncAnimation

    net, frames = result.network, list(result.cuts)
    if len(frames) > MAX_FRAMES:  # keep the last unit of every layer
        keep = set(np.linspace(0, len(frames) - 1, MAX_FRAMES).round().astype(int))
        keep |= {i for i, f in enumerate(frames) if f.unit == net.widths[f.layer] - 1}
        frames = [f for i, f in enumerate(frames) if i in keep]
    x0, x1, y0, y1 = result.spec.domain
    with themed(theme):
        fig = new_figure(theme, layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        state = {"polys": None}

        def update(i: int):
            layer, unit, polys = frames[i].layer, frames[i].unit, frames[i].polygons
            if state["polys"] is not None:
                state["polys"].remove()
            colours = [REGION_COLOURS[(7 * k) % len(REGION_COLOURS)] for k in range(len(polys))]
            state["polys"] = ax.add_collection(
                PolyCollection(
                    polys, facecolors=colours, edgecolors=theme.foreground, linewidths=0.3
                )
            )
            ax.set_title(text("relu_cut_frame", lang, layer=layer + 1, unit=unit + 1, n=len(polys)))
            return ()

        update(0)
    return FuncAnimation(fig, update, frames=len(frames), blit=False)


def animate_relu_1d(result: ReluResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The last hidden layer's units, weighted, added into the output one by one."""
    from matplotlib.animation import FuncAnimation

    (xs,) = result.grid
    lo, hi = xs[0], xs[-1]
    terms = result.terms
    partial = result.network.biases[-1][0] + np.cumsum(terms, axis=1)
    with themed(theme):
        fig = new_figure(theme, layout="constrained")
        ax = fig.add_subplot()
        ax.plot(
            xs,
            result.output,
            color=theme.muted,
            linestyle="--",
            linewidth=1,
            label=text("network_output", lang),
        )
        (curve,) = ax.plot([], [], color=theme.palette[8], linewidth=2.2)
        (unit_line,) = ax.plot([], [], color=theme.palette[0], linewidth=1.2)
        span = np.concatenate([partial.ravel(), terms.ravel()])
        ax.set_xlim(lo, hi)
        ax.set_ylim(span.min() - 0.1 * np.ptp(span), span.max() + 0.1 * np.ptp(span))
        ax.set_xlabel("x")
        ax.legend(fontsize="small", loc="upper left")

        def update(j: int):
            curve.set_data(xs, partial[:, j])
            unit_line.set_data(xs, terms[:, j])
            ax.set_title(text("relu_sum_frame", lang, k=j + 1, n=terms.shape[1]))
            return ()

        update(0)
    return FuncAnimation(fig, update, frames=terms.shape[1], blit=False)


def figure(result, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz relu`` draws: 1-D pieces, 2-D regions, a sweep or a fit."""
    if isinstance(result, FitResult):
        return plot_fit(result, theme=theme, lang=lang)
    if isinstance(result, Sweep):
        return plot_sweep(result, theme=theme, lang=lang)
    if result.spec.input_dim == 1:
        draw = plot_relu_folding if result.folding is not None else plot_relu_1d
        return draw(result, theme=theme, lang=lang)
    if result.spec.view == "surface":
        return plot_relu_surface(result, theme=theme, lang=lang)
    return plot_relu_2d(result, theme=theme, lang=lang)


def animation(result, *, theme: Theme = LIGHT, lang: str = "en"):
    """Units summed into the output (1-D), regions cut unit by unit (2-D),
    or a fit's units added one at a time."""
    if isinstance(result, FitResult):
        return animate_fit(result, theme=theme, lang=lang)
    animate = animate_relu_1d if result.spec.input_dim == 1 else animate_relu_2d
    return animate(result, theme=theme, lang=lang)
