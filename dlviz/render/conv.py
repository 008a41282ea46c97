"""Convolution figures: the window on the (padded) input, the kernel, the
output, the products of one window written out; image filters; receptive
fields; the sliding animation."""

from __future__ import annotations

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlviz.compute.conv import ConvResult, ReceptiveField, number, window_text
from dlviz.render.base import fitted_text, new_figure, themed
from dlviz.theme import LIGHT, MONOSPACE, Theme, text

MAX_CELLS = 24 * 24  # larger grids are drawn as images, without numbers
MAX_KERNEL_NUMBERS = 9  # a larger kernel beside an image is drawn as colours
# The colour a padding value is written in, by padding mode.
MODE_COLOURS = {"zeros": 6, "reflect": 0, "replicate": 2, "circular": 3}


def draw_grid(
    ax: Axes,
    values: np.ndarray,
    *,
    theme: Theme = LIGHT,
    inside=None,
    pad_colour: str | None = None,
    blank=None,
    font: float | None = None,
    inserted=None,
) -> Axes:
    """A matrix as labelled cells, row 0 at the top. ``inside`` (bool mask)
    marks real input cells; the rest are padding, shaded, hatched and written
    in ``pad_colour`` on a plain patch so the hatching does not cross the
    number. ``inserted`` (bool mask) marks a transposed convolution's inserted
    zeros, dotted rather than hatched. ``blank`` (bool mask) hides values not
    computed yet."""
    h, w = values.shape
    inside = np.ones_like(values, bool) if inside is None else inside
    inserted = np.zeros_like(values, bool) if inserted is None else inserted
    font = font or theme.font_size * (0.9 if max(h, w) <= 8 else 0.65 if max(h, w) <= 14 else 0.5)
    # no wider than a cell holds: the widest number in about 85% of the cell
    fig = ax.get_figure()
    box = ax.get_position()
    cell = min(box.width * fig.get_figwidth() / w, box.height * fig.get_figheight() / h) * 72
    widest = max(len(number(v)) for v in values.ravel())
    font = min(font, 0.75 * cell / (0.7 * max(widest, 1)))
    for (i, j), v in np.ndenumerate(values):
        face = theme.background if inside[i, j] or inserted[i, j] else theme.grid
        hatch = None if inside[i, j] else ".." if inserted[i, j] else "//"
        ax.add_patch(
            Rectangle(
                (j, i),
                1,
                1,
                facecolor=face,
                edgecolor=theme.muted,
                linewidth=0.8,
                hatch=hatch,
                hatchcolor=theme.muted,
            )
        )
        if blank is not None and blank[i, j]:
            continue
        colour = theme.foreground if inside[i, j] else (pad_colour or theme.muted)
        box = None if inside[i, j] else {"facecolor": face, "edgecolor": "none", "pad": 0.6}
        ax.text(
            j + 0.5,
            i + 0.5,
            number(v),
            ha="center",
            va="center",
            fontsize=font,
            color=colour,
            bbox=box,
        )
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def outline(ax: Axes, cells, colour: str, width: float = 2.5, zorder: int = 5) -> list:
    """Outline each (row, col) cell: dilation's gaps stay visible."""
    patches = []
    for i, j in cells:
        patch = Rectangle(
            (j, i), 1, 1, fill=False, edgecolor=colour, linewidth=width, zorder=zorder
        )
        ax.add_patch(patch)
        patches.append(patch)
    return patches


def _title(result: ConvResult, lang: str) -> str:
    spec = result.spec
    _, h, w = result.input.shape
    oh, ow = result.output.shape[1:]
    shape = lambda a, b: f"{b}" if result.dims == 1 else f"{a}×{b}"  # noqa: E731
    kind = (
        ("pool_" + spec.pool) if spec.pool else ("conv_transposed" if spec.transposed else "conv")
    )
    title = text(
        "conv_title",
        lang,
        kind=text(kind, lang),
        input=shape(h, w),
        kernel=shape(*spec.kernel_size),
        output=shape(oh, ow),
    )
    cin, cout = result.input.shape[0], result.output.shape[0]
    if result.kernel is not None and (cin > 1 or cout > 1):
        title += ("（" if lang == "zh" else " (") + text("conv_channels", lang, cin=cin, cout=cout)
        title += "）" if lang == "zh" else ")"
    return title


def plot_conv(
    result: ConvResult, *, step: int = 0, theme: Theme = LIGHT, lang: str = "en"
) -> Figure:
    """Input (padding shaded), kernel, output; the window of raster step
    ``step`` outlined and its multiply-and-sum written out; the output-size
    formula with the numbers. Large inputs are drawn as images."""
    if result.padded[0].size > MAX_CELLS:
        return plot_filter(result, theme=theme, lang=lang)
    channels = min(result.input.shape[0], 3) if result.kernel is not None else 1
    outputs = min(result.output.shape[0], MAX_OUTPUT_PANELS) if result.kernel is not None else 1
    with themed(theme):
        rows_scale = 0.35 if result.dims == 1 else 0.75
        rows = max(channels, 0.7 * outputs)
        size = (theme.figsize[0] * 1.6, theme.figsize[1] * (rows_scale + 0.35 * rows))
        if theme.name != "light":  # a slide: 16:9 whatever the grids
            size = theme.figsize
        fig = new_figure(theme, size, layout=None)
        bottom = 0.36 if result.dims == 1 else 0.2
        grid = fig.add_gridspec(
            channels,
            3,
            width_ratios=_widths(result),
            left=0.03,
            right=0.97,
            top=0.8,
            bottom=bottom,
            wspace=0.15,
            hspace=0.25,
        )
        cell, taps = result.taps(step)
        mode_colour = theme.palette[MODE_COLOURS[result.spec.padding_mode]]
        for c in range(channels):
            ax_in = fig.add_subplot(grid[c, 0])
            draw_grid(
                ax_in,
                result.padded[c],
                theme=theme,
                inside=result.input_mask(),
                pad_colour=mode_colour,
                inserted=result.inserted_mask(),
            )
            outline(ax_in, taps, theme.palette[8])
            ax_k = fig.add_subplot(grid[c, 1])
            _draw_kernel(ax_k, result, c, theme, lang)
        # every output channel, the first with the highlighted window
        column = grid[:, 2].subgridspec(outputs, 1, hspace=0.35)
        for o in range(outputs):
            ax_out = fig.add_subplot(column[o])
            draw_grid(ax_out, result.output[o], theme=theme)
            if o == 0:
                outline(ax_out, [cell], theme.palette[8])
            if outputs > 1:
                ax_out.set_title(
                    text("conv_output_channel", lang, k=o + 1), fontsize=theme.font_size * 0.8
                )
        _labels(fig, result, theme, lang, channels)
        if result.spec.transposed:
            _zeros_legend(fig.axes[0], theme, lang)
        fig.suptitle(_title(result, lang))
        formula = _formula_text(fig, result, theme)
        top = formula.get_window_extent(fig.canvas.get_renderer()).y1 / fig.bbox.height
        products = _products(result, step, lang)
        if result.output.shape[0] > 1:
            products = text("conv_output_channel", lang, k=1) + ": " + products
        fitted_text(
            fig,
            0.03,
            top + 0.02,
            products,
            width=size[0] * 0.94,
            fontsize=theme.font_size * 0.9,
            family=MONOSPACE,
            color=theme.foreground,
            va="bottom",
            gid="products",
        )
    return fig


def _formula_text(fig: Figure, result: ConvResult, theme: Theme):
    """The output-size equations at the foot of the figure, wrapped to fit."""
    return fitted_text(
        fig,
        0.03,
        0.02,
        result.formula.replace("\n", "     "),
        width=fig.get_figwidth() * 0.94,
        fontsize=theme.font_size * 0.9,
        color=theme.foreground,
        va="bottom",
        gid="formula",
    )


MAX_OUTPUT_PANELS = 4  # output channels drawn beside the input (the rest: --data)


def _zeros_legend(ax: Axes, theme: Theme, lang: str) -> None:
    """Which zeros a transposed convolution inserted, and which are padding."""
    handles = [  # an inserted zero, then padding: drawn as the cells are
        Rectangle(
            (0, 0), 1, 1, facecolor=face, edgecolor=theme.muted, hatch=hatch, hatchcolor=theme.muted
        )
        for face, hatch in ((theme.background, ".."), (theme.grid, "//"))
    ]
    ax.legend(
        handles,
        [text("inserted_zero", lang), text("padding_zero", lang)],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize="x-small",
        frameon=False,
    )


def _products(result: ConvResult, step: int, lang: str) -> str:
    """The highlighted window's equation, in the label language."""
    return window_text(result, step, text("per_input_channel", lang), text("bias", lang))


def _widths(result: ConvResult) -> tuple[float, float, float]:
    kw = result.spec.kernel_size[1]
    return (result.padded.shape[2], max(kw, 2) + 1, result.output.shape[2] + 0.5)


def _draw_kernel(ax: Axes, result: ConvResult, channel: int, theme: Theme, lang: str) -> None:
    if result.kernel is None:  # pooling: the window, no weights
        kh, kw = result.spec.kernel_size
        draw_grid(ax, np.zeros((kh, kw)), theme=theme, blank=np.ones((kh, kw), bool))
        ax.text(
            kw / 2,
            kh / 2,
            result.spec.pool,
            ha="center",
            va="center",
            fontsize=theme.font_size * 1.2,
            color=theme.foreground,
        )
        return
    draw_grid(ax, result.slid_kernel[0, channel], theme=theme)
    outline(
        ax,
        [
            (i, j)
            for i in range(result.slid_kernel.shape[2])
            for j in range(result.slid_kernel.shape[3])
        ],
        theme.palette[8],
        width=1.5,
    )


def _labels(fig: Figure, result: ConvResult, theme: Theme, lang: str, channels: int) -> None:
    axes = fig.axes
    first = axes[0]
    first.set_title(text("conv_input", lang), fontsize=theme.font_size)
    kernel_key = (
        "pool_window"
        if result.kernel is None
        else "flipped_kernel"
        if result.spec.transposed
        else "kernel"
    )
    if result.kernel is not None and result.output.shape[0] > 1:
        kernel_key = "kernel_for"
    axes[1].set_title(text(kernel_key, lang), fontsize=theme.font_size)
    if result.output.shape[0] == 1 or result.kernel is None:
        axes[-1].set_title(text("conv_output", lang), fontsize=theme.font_size)
    if result.spec.transposed:
        first.set_title(text("zero_inserted", lang), fontsize=theme.font_size)


def plot_filter(result: ConvResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """A real image, the filter (with its numbers) and the filtered image, side by side."""
    with themed(theme):
        wide = theme.figsize[0] * (1.6 if theme.name == "light" else 1.0)
        fig = new_figure(theme, (wide, theme.figsize[1]), layout=None)
        grid = fig.add_gridspec(
            1,
            3,
            width_ratios=(3, 1.4, 3),
            left=0.03,
            right=0.97,
            top=0.85,
            bottom=0.12,
            wspace=0.12,
        )
        ax_in, ax_k, ax_out = (fig.add_subplot(grid[i]) for i in range(3))
        shown = ax_in.imshow(result.input[0], cmap="gray", interpolation="nearest")
        fig.colorbar(shown, ax=ax_in, shrink=0.7, pad=0.02)
        if result.kernel is not None and max(result.spec.kernel_size) <= MAX_KERNEL_NUMBERS:
            draw_grid(ax_k, result.slid_kernel[0, 0], theme=theme)
        elif result.kernel is not None:  # too many weights to write: their values as colour
            weights = ax_k.imshow(
                result.slid_kernel[0, 0], cmap=theme.cmap, interpolation="nearest"
            )
            fig.colorbar(weights, ax=ax_k, shrink=0.7, pad=0.03)
        else:
            _draw_kernel(ax_k, result, 0, theme, lang)
        limit = np.abs(result.output[0]).max() or 1.0
        signed = result.output[0].min() < 0
        filtered = ax_out.imshow(
            result.output[0],
            cmap="RdBu_r" if signed else "gray",
            vmin=-limit if signed else None,
            vmax=limit if signed else None,
            interpolation="nearest",
        )
        fig.colorbar(filtered, ax=ax_out, shrink=0.7, pad=0.02)
        for ax, key in ((ax_in, "input"), (ax_k, "kernel"), (ax_out, "conv_output")):
            ax.set_title(text(key, lang), fontsize=theme.font_size)
            ax.axis("off")
        fig.suptitle(_title(result, lang))
        _formula_text(fig, result, theme)
    return fig


def animate_conv(result: ConvResult, *, theme: Theme = LIGHT, lang: str = "en") -> FuncAnimation:
    """One frame per output cell in raster order: the window moves (stride
    shows as jumps, dilation as gaps) and the output fills in."""
    fig = plot_conv(result, step=0, theme=theme, lang=lang)
    axes = fig.axes
    ax_in, ax_out = axes[0], axes[-1]
    oh, ow = result.output.shape[1:]
    texts = [t for t in ax_out.texts]
    (products,) = [t for t in fig.texts if t.get_gid() == "products"]
    state = {"boxes": []}

    def update(step: int):
        for patch in state["boxes"]:
            patch.remove()
        cell, taps = result.taps(step)
        state["boxes"] = outline(ax_in, taps, theme.palette[8]) + outline(
            ax_out, [cell], theme.palette[8]
        )
        for k, t in enumerate(texts):
            t.set_visible(k <= step)
        products.set_text(_products(result, step, lang))
        return ()

    for patch in list(ax_in.patches[-len(result.windows[0, 0].reshape(-1, 2)) :]):
        patch.remove()  # the static figure's outline; frames draw their own
    for patch in list(ax_out.patches[-1:]):
        patch.remove()
    return FuncAnimation(fig, update, frames=oh * ow, blit=False)


def plot_receptive_field(rf: ReceptiveField, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Layers as rows of cells, the input on top and the last layer at the
    bottom; filled: the cells the middle output cell depends on. Beside each
    row, how many input cells one cell of that layer sees."""
    layers = len(rf.lengths)
    width = max(rf.lengths)
    with themed(theme):
        size = (theme.figsize[0] * 1.6, 0.5 + 0.55 * layers)
        fig = new_figure(theme, size if theme.name == "light" else theme.figsize, layout=None)
        ax = fig.add_axes((0.12, 0.08, 0.86, 0.8))
        for row, (n, seen) in enumerate(zip(rf.lengths, rf.seen, strict=True)):
            offset = (width - n) / 2
            y = layers - 1 - row
            for i in range(n):
                filled = i in set(seen.tolist())
                ax.add_patch(
                    Rectangle(
                        (offset + i, y + 0.1),
                        0.9,
                        0.8,
                        facecolor=theme.palette[0] if filled else theme.background,
                        edgecolor=theme.muted,
                        linewidth=0.6,
                    )
                )
            name = text("input", lang) if row == 0 else _layer_name(rf.layers[row - 1], row)
            ax.text(-0.5, y + 0.5, name, ha="right", va="center", fontsize=theme.font_size * 0.8)
            ax.text(
                width + 0.5,
                y + 0.5,
                f"{rf.sizes[row]}",
                va="center",
                fontsize=theme.font_size * 0.8,
                color=theme.muted,
            )
        ax.text(
            width + 0.5,
            layers + 0.1,
            text("rf_column", lang),
            fontsize=theme.font_size * 0.7,
            color=theme.muted,
        )
        ax.set_xlim(-0.5, width + 3)
        ax.set_ylim(0, layers + 0.5)
        ax.axis("off")
        fig.suptitle(receptive_caption(rf, lang))
    return fig


def receptive_caption(rf: ReceptiveField, lang: str) -> str:
    """'one output cell depends on 15 input cells; its field spans 29
    positions: 14 skipped by dilation' — the cells drawn filled, and what else
    the closed-form size counts."""
    words = text("receptive_title", lang, cells=rf.depends)
    parts = [
        text(key, lang, n=n)
        for key, n in (("receptive_padding", rf.outside), ("receptive_skipped", rf.skipped))
        if n
    ]
    if parts:
        sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
        span = text("receptive_span", lang, size=rf.sizes[-1])
        words += sep + span + colon + ("，" if lang == "zh" else ", ").join(parts)
    return words


def _layer_name(layer, index: int) -> str:
    parts = [f"k{layer.kernel}", f"s{layer.stride}"]
    if layer.dilation > 1:
        parts.append(f"d{layer.dilation}")
    if layer.padding:
        parts.append(f"p{layer.padding}")
    return f"{index}: " + "".join(parts)


def figure(
    result: ConvResult | ReceptiveField, *, theme: Theme = LIGHT, lang: str = "en"
) -> Figure:
    """The figure ``dlviz conv`` draws: one window of a convolution (the one
    its spec highlights), or a stack's receptive field."""
    if isinstance(result, ReceptiveField):
        return plot_receptive_field(result, theme=theme, lang=lang)
    step = result.run_spec.step if result.run_spec is not None else 0
    return plot_conv(result, step=step, theme=theme, lang=lang)


def animation(result: ConvResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The window sliding over every output cell."""
    return animate_conv(result, theme=theme, lang=lang)
