"""Backpropagation figures: the computational graph with each node's forward
value and ∂ℓ/∂node, each edge's local derivative, the chain-rule steps
written with this run's numbers, and the finite-difference check."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.backprop import MAIN_PATH, OPS, SIG, BackpropResult, Graph
from dlviz.compute.expr import number
from dlviz.render.base import SLIDE, new_figure, slide_font, themed
from dlviz.theme import LIGHT, Theme, series_color, text, wrap

FORWARD, BACKWARD, GOOD, BAD = 0, 8, 2, 4  # palette places
# the chain's nodes as UDL defines them
DEFINITIONS = {
    "x": "x", "f0": "β0 + ω0·x", "h1": "sin f0", "f1": "β1 + ω1·h1", "h2": "exp f1",
    "f2": "β2 + ω2·h2", "h3": "cos f2", "f3": "β3 + ω3·h3", "l": "(f3 − y)²",
}  # fmt: skip
GREEK = {"beta": "β", "omega": "ω"}
ACTIVATION_NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}


def symbol(name: str) -> str:
    """beta0 → β0, l → ℓ."""
    if name == "l":
        return "ℓ"
    for word, letter in GREEK.items():
        if name.startswith(word):
            return letter + name[len(word) :]
    return name


def value_text(v: float) -> str:
    """A number as every backpropagation picture writes it: SIG significant
    digits, as the equations write theirs (2.234, −0.7535)."""
    return number(v, SIG)


def chain_step_text(graph: Graph, node: str) -> str:
    """'∂ℓ/∂f2 = ∂ℓ/∂h3·(−sin f2) = 2.234·(−0.7536) = −1.683': the backward
    step of ``node``, its symbols, then the equation of this run's numbers."""
    step = next(s for s in graph.steps if s.node == node)
    symbols = " + ".join(
        f"∂ℓ/∂{symbol(reader)}·" + (f"({sym})" if " " in sym or "−" in sym else symbol(sym))
        for reader, sym in step.terms
    )
    return f"∂ℓ/∂{symbol(node)} = {symbols} = {step.equation.text()}"


def draw_chain_graph(
    ax: Axes,
    result: BackpropResult,
    *,
    theme: Theme = LIGHT,
    lang: str = "en",
    forward: int | None = None,
    backward: int | None = None,
    size: float | None = None,
) -> Axes:
    """The toy chain left to right: each node's definition, forward value and
    ∂ℓ/∂node, each edge's local derivative, each parameter with its
    gradient. ``forward``: nodes of the main path lit so far (all by
    default); ``backward``: backward steps taken (all by default)."""
    graph = result.graph
    size = size or theme.font_size * 0.62
    lit = len(MAIN_PATH) if forward is None else forward
    steps = backward_order(graph)
    done = set(steps if backward is None else steps[:backward]) | ({"l"} if backward else set())
    if backward is None:
        done.add("l")
    fwd, bwd, muted = series_color(theme, FORWARD), series_color(theme, BACKWARD), theme.muted
    ax.set_xlim(-0.6, len(MAIN_PATH) - 0.4)
    ax.set_ylim(-1.35, 1.55)
    ax.set_axis_off()
    box = {"boxstyle": "round,pad=0.35", "linewidth": 1.2}
    for i, name in enumerate(MAIN_PATH):
        node = graph.node(name)
        on = i < lit
        ax.text(i, 0.36, DEFINITIONS[name], ha="center", va="bottom", fontsize=size * 0.85,
                color=muted)  # fmt: skip
        value = f"{symbol(name)}\n{value_text(node.value)}" if on else f"{symbol(name)}\n?"
        ax.text(i, 0, value, ha="center", va="center", fontsize=size, color=theme.foreground,
                linespacing=1.2, multialignment="center",
                bbox={**box, "facecolor": theme.background,
                      "edgecolor": fwd if on else theme.grid})  # fmt: skip
        if name in done:
            ax.text(
                i,
                -0.36,
                f"∂ℓ/∂{symbol(name)}\n= {value_text(node.grad)}",
                ha="center",
                va="top",
                fontsize=size * 0.9,
                color=bwd,
                linespacing=1.1,
            )
        if i:
            _arrow(ax, i - 1, i, theme, on)
            reader = graph.node(name)
            k = reader.inputs.index(MAIN_PATH[i - 1])
            local = _local_symbol(reader, k)
            if i < lit:
                ax.text(i - 0.5, -0.95, f"∂{symbol(name)}/∂{symbol(MAIN_PATH[i - 1])}\n{local}"
                        f" = {value_text(reader.partials[k])}", ha="center", va="top",
                        fontsize=size * 0.72, color=muted, linespacing=1.1)  # fmt: skip
    _draw_leaves(ax, graph, lit, done, theme, size)
    return ax


def backward_order(graph: Graph) -> list[str]:
    """The chain's backward steps as the animation takes them: right to left
    along the chain, each f_k followed by its β_k and ω_k, x last (y is a
    target, not something learnt: its gradient is left out)."""
    order = []
    for name in MAIN_PATH[-2::-1]:
        order.append(name)
        if name.startswith("f"):
            order += [f"beta{name[1]}", f"omega{name[1]}"]
    return order


def _local_symbol(node, k: int) -> str:
    """The local derivative of ``node`` by its input ``k``, in symbols (−sin f2)."""
    return " ".join(symbol(s) for s in OPS[node.op].symbols(node.inputs)[k].split(" "))


def _arrow(ax, a: float, b: float, theme: Theme, on: bool, y0: float = 0.0, y1: float = 0.0):
    ax.annotate("", xy=(b - 0.36, y1), xytext=(a + 0.36, y0),
                arrowprops={"arrowstyle": "-|>", "color": theme.foreground if on else theme.grid,
                            "linewidth": 1.0})  # fmt: skip


def _draw_leaves(ax, graph: Graph, lit: int, done: set, theme: Theme, size: float) -> None:
    """β_k and ω_k above f_k, y above ℓ: value, and ∂ℓ/∂ once computed."""
    bwd = series_color(theme, BACKWARD)
    leaves = {MAIN_PATH.index(f"f{k}"): (f"beta{k}", f"omega{k}") for k in range(4)}
    leaves[MAIN_PATH.index("l")] = ("y",)
    for i, names in leaves.items():
        on = i < lit
        for j, name in enumerate(names):
            dx = (j - (len(names) - 1) / 2) * 0.62
            node = graph.node(name)
            line = f"{symbol(name)} = {value_text(node.value)}"
            if name in done and name != "y":
                line += f"\n∂ℓ/∂{symbol(name)}\n= {value_text(node.grad)}"
            artist = ax.text(i + dx, 1.0, line, ha="center", va="bottom", fontsize=size * 0.72,
                             color=theme.foreground if on else theme.muted,
                             linespacing=1.1)  # fmt: skip
            if name in done and name != "y":
                artist.set_color(bwd)
            ax.annotate("", xy=(i + dx * 0.3, 0.62), xytext=(i + dx, 0.97),
                        arrowprops={"arrowstyle": "-|>", "linewidth": 0.8,
                                    "color": theme.foreground if on else theme.grid})  # fmt: skip


def draw_chain_steps(
    ax: Axes, result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en", size=None
) -> Axes:
    """The backward pass along the chain, one chain-rule step a line."""
    size = size or theme.font_size * 0.62
    ax.set_axis_off()
    ax.set_title(text("backprop_steps", lang), fontsize=size * 1.1, loc="left")
    names = [n for n in MAIN_PATH[::-1][1:] if n != "x"]
    for row, name in enumerate(names):
        ax.text(0, 1 - (row + 0.5) / len(names), chain_step_text(result.graph, name),
                transform=ax.transAxes, fontsize=size * 0.85, va="center",
                color=series_color(theme, BACKWARD))  # fmt: skip
    return ax


def check_rows(result: BackpropResult) -> list[tuple[str, str, str, str, bool]]:
    """(parameter, backprop, finite difference, relative error, agrees) per parameter."""
    return [
        (symbol(c.name), value_text(c.analytic), value_text(c.numeric), f"{c.error:.1e}", c.ok())
        for c in result.checks
    ]


def draw_check_table(
    ax: Axes, result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en", size=None
) -> Axes:
    """Every parameter's gradient beside its central finite difference."""
    size = size or theme.font_size * 0.62
    ax.set_axis_off()
    rows = check_rows(result)
    agree = sum(r[4] for r in rows)
    ax.set_title(text("backprop_check", lang, agree=agree, total=len(rows)),
                 fontsize=size * 1.1, loc="left")  # fmt: skip
    heads = [text(k, lang) for k in ("parameter", "backprop", "finite_difference", "rel_error")]
    columns = (0.0, 0.22, 0.47, 0.74, 0.95)
    count = len(rows) + 1
    for col, head in zip(columns, heads, strict=False):
        ax.text(col, 1 - 0.5 / count, head, transform=ax.transAxes, fontsize=size * 0.8,
                va="center", color=theme.muted)  # fmt: skip
    for r, row in enumerate(rows, start=1):
        y = 1 - (r + 0.5) / count
        for col, cell in zip(columns[:4], row[:4], strict=True):
            ax.text(col, y, cell, transform=ax.transAxes, fontsize=size * 0.85, va="center",
                    color=theme.foreground)  # fmt: skip
        mark, colour = ("✓", GOOD) if row[4] else ("✗", BAD)
        ax.text(columns[4], y, mark, transform=ax.transAxes, fontsize=size * 0.9, va="center",
                color=series_color(theme, colour), fontfamily="DejaVu Sans")  # fmt: skip
    _kink_note(ax, result, theme, lang, size)
    return ax


def _kink_note(ax, result: BackpropResult, theme: Theme, lang: str, size: float) -> None:
    """Why a check disagrees, where it is a ReLU kink (no derivative there)."""
    kinks = [c.name for c in result.checks if not c.ok() and c.kink]
    if kinks:
        ax.text(0, -0.04, text("backprop_kink", lang, names=", ".join(kinks[:4])),
                transform=ax.transAxes, fontsize=size * 0.75, va="top",
                color=theme.muted)  # fmt: skip


def plot_chain(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The toy chain's graph above its backward steps and the gradient check."""
    with themed(theme):
        fig = new_figure(theme, SLIDE, layout=None)
        size = slide_font(theme)
        fig.suptitle(text("backprop_chain_title", lang, loss=value_text(result.loss)),
                     fontsize=size * 1.3, y=0.975)  # fmt: skip
        draw_chain_graph(fig.add_axes((0.01, 0.45, 0.98, 0.47)), result, theme=theme,
                         lang=lang, size=size)  # fmt: skip
        draw_chain_steps(fig.add_axes((0.03, 0.03, 0.5, 0.36)), result, theme=theme,
                         lang=lang, size=size)  # fmt: skip
        draw_check_table(fig.add_axes((0.58, 0.05, 0.4, 0.34)), result, theme=theme,
                         lang=lang, size=size)  # fmt: skip
    return fig


# ---------------------------------------------------------------------------- the MLP


def draw_mlp_graph(
    ax: Axes,
    result: BackpropResult,
    *,
    theme: Theme = LIGHT,
    lang: str = "en",
    forward: int | None = None,
    backward: int | None = None,
    size: float | None = None,
) -> Axes:
    """The MLP's units, layer by layer: each unit's value (example 1) left of
    it and δ = ∂ℓ/∂z right of it, edges by their weight's sign and size. ``forward``:
    layers lit so far (a[0] is layer 0); ``backward``: layers whose δ is known,
    counted from the output."""
    m = result.mlp
    size = size or theme.font_size * 0.62
    layers = len(m.weights)
    lit = layers + 1 if forward is None else forward
    known = layers if backward is None else backward
    widths = [m.x.shape[0], *(w.shape[0] for w in m.weights)]
    tallest = max(widths)
    numbers = tallest <= 10
    ax.set_xlim(-0.75, layers + 1.0)
    ax.set_ylim(-0.04, 1.16)
    ax.set_axis_off()
    fwd, bwd = series_color(theme, FORWARD), series_color(theme, BACKWARD)
    gap = 0.9 / max(tallest - 1, 1)  # units evenly spaced, each layer centred
    pos = [0.5 + gap * ((w - 1) / 2 - np.arange(w)) for w in widths]
    for k, w in enumerate(m.weights, start=1):
        scale = max(float(np.abs(w).max()), 1e-12)
        for i in range(w.shape[1]):
            for j in range(w.shape[0]):
                colour = fwd if w[j, i] > 0 else bwd
                ax.plot([k - 1, k], [pos[k - 1][i], pos[k][j]], color=colour,
                        alpha=0.12 + 0.5 * abs(w[j, i]) / scale,
                        linewidth=0.4 + 1.6 * abs(w[j, i]) / scale, zorder=1)  # fmt: skip
    radius = min(0.05, gap * 0.3)
    for k, w in enumerate(widths):
        on = k < lit
        values = m.a[k][:, 0] if k < layers else m.z[-1][:, 0]
        for j in range(w):
            circle = _circle(ax, (k, pos[k][j]), radius, theme, fwd if on else theme.grid)
            circle.set_zorder(2)
            if numbers and on:  # the value left of its unit, δ right of it
                ax.text(k - 0.07, pos[k][j], value_text(values[j]), ha="right", va="center",
                        fontsize=size * 0.7, color=theme.foreground, zorder=3,
                        bbox=_plate(theme))  # fmt: skip
            if numbers and k and layers - k < known:
                ax.text(k + 0.07, pos[k][j], f"δ {value_text(m.delta[k - 1][j, 0])}", ha="left",
                        va="center", fontsize=size * 0.66, color=bwd, zorder=3,
                        bbox=_plate(theme))  # fmt: skip
        head = "a[0] = x" if k == 0 else (
            f"z[{k}] → a[{k}]" if k < layers else f"z[{k}]")  # fmt: skip
        shape = f"{w}" if k == 0 else f"W[{k}]: {w}×{widths[k - 1]}"
        ax.text(k, 1.0, f"{head}\n{shape}", ha="center", va="bottom", fontsize=size * 0.75,
                color=theme.muted, linespacing=1.1)  # fmt: skip
    key = "backprop_units" if numbers else "backprop_units_plain"
    ax.text(-0.7, -0.04, text(key, lang), ha="left", va="top", fontsize=size * 0.7,
            color=theme.muted)  # fmt: skip
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=fwd, linewidth=2, label="w > 0"),
               Line2D([], [], color=bwd, linewidth=2, label="w < 0")]  # fmt: skip
    ax.legend(handles=handles, loc="lower right", fontsize=size * 0.7, frameon=False)
    if lit > layers:
        ax.text(layers + 0.65, 0.5, f"ℓ = {value_text(m.loss)}", ha="center", va="center",
                fontsize=size * 0.9, color=theme.foreground,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": theme.background,
                      "edgecolor": fwd})  # fmt: skip
    return ax


def _plate(theme: Theme) -> dict:
    """A background plate so a number stays readable over the edges."""
    return {"boxstyle": "square,pad=0.1", "facecolor": theme.background, "edgecolor": "none",
            "alpha": 0.8}  # fmt: skip


def _circle(ax, centre, radius: float, theme: Theme, edge: str):
    from matplotlib.patches import Ellipse

    # an ellipse in data units that looks round: x and y spans differ
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = ((x1 - x0) / (bbox.width * fig_w)) / ((y1 - y0) / (bbox.height * fig_h))
    patch = Ellipse(centre, radius * 2 * aspect, radius * 2, facecolor=theme.background,
                    edgecolor=edge, linewidth=1.2)  # fmt: skip
    ax.add_patch(patch)
    return patch


def draw_mlp_steps(
    ax: Axes, result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en", size=None
) -> Axes:
    """The δ recursion, one layer a line, written for one unit with this run's numbers."""
    size = size or theme.font_size * 0.62
    ax.set_axis_off()
    title = text("backprop_delta", lang)
    if result.mlp.x.shape[1] > 1:
        title += text("backprop_example", lang, n=result.mlp.x.shape[1])
    ax.set_title(title, fontsize=size * 1.1, loc="left")
    lines = result.equations
    for row, line in enumerate(lines):
        ax.text(0, 1 - (row + 0.5) / len(lines), line.text, transform=ax.transAxes,
                fontsize=size * 0.78, va="center",
                color=series_color(theme, BACKWARD) if line.kind != "rule"
                else theme.foreground)  # fmt: skip
    return ax


def draw_check_errors(
    ax: Axes, result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en", size=None
) -> Axes:
    """Each parameter entry's relative error between backprop and its finite
    difference, on a log axis, grouped by parameter, with the 10⁻⁶ line."""
    size = size or theme.font_size * 0.62
    checks = result.checks
    groups = list(dict.fromkeys(c.name.split("[")[0] for c in checks))
    floor = 1e-17
    for g, group in enumerate(groups):
        errs = np.array([max(c.error, floor) for c in checks if c.name.split("[")[0] == group])
        ok = np.array([c.ok() for c in checks if c.name.split("[")[0] == group])
        xs = g + np.linspace(-0.3, 0.3, len(errs)) if len(errs) > 1 else np.array([g])
        ax.scatter(xs[ok], errs[ok], s=8, color=series_color(theme, GOOD), zorder=3)
        ax.scatter(xs[~ok], errs[~ok], s=14, marker="x", color=series_color(theme, BAD),
                   zorder=3)  # fmt: skip
    ax.axhline(1e-6, color=theme.muted, linestyle="--", linewidth=1)
    ax.text(-0.45, 1.3e-6, text("backprop_tolerance", lang), ha="left", va="bottom",
            fontsize=size * 0.7, color=theme.muted)  # fmt: skip
    ax.set_yscale("log")
    ax.set_ylim(floor / 3, 10)
    ax.set_xticks(range(len(groups)), groups)
    ax.tick_params(labelsize=size * 0.75)
    ax.set_ylabel(text("rel_error", lang), fontsize=size * 0.8)
    agree = sum(c.ok() for c in checks)
    worst = max(checks, key=lambda c: c.error)
    ax.set_title(wrap(text("backprop_check", lang, agree=agree, total=len(checks)), 44) + "\n"
                 + text("backprop_worst", lang, error=f"{worst.error:.1e}", name=worst.name),
                 fontsize=size * 0.9, loc="left")  # fmt: skip
    ax.grid(True, axis="y", alpha=0.3)
    _kink_note(ax, result, theme, lang, size)
    return ax


def plot_mlp(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The MLP's units with values and δ, the δ recursion in numbers, the check."""
    with themed(theme):
        fig = new_figure(theme, SLIDE, layout=None)
        size = slide_font(theme)
        fig.suptitle(_mlp_title(result, lang), fontsize=size * 1.2, y=0.975)
        draw_mlp_graph(fig.add_axes((0.02, 0.45, 0.62, 0.47)), result, theme=theme, lang=lang,
                       size=size)  # fmt: skip
        draw_check_errors(fig.add_axes((0.72, 0.47, 0.26, 0.34)), result, theme=theme,
                          lang=lang, size=size)  # fmt: skip
        draw_mlp_steps(fig.add_axes((0.03, 0.02, 0.95, 0.31)), result, theme=theme,
                       lang=lang, size=size)  # fmt: skip
    return fig


def layer_arrays(result: BackpropResult) -> list[tuple[str, object, str, object]]:
    """The layer view's columns, left to right, from the result's layer
    nodes (ℓ left out): (name, forward array, name of its gradient,
    gradient), vectors for example 1, matrices whole."""
    out = []
    for node in result.layer_nodes()[:-1]:
        name = f"{node.name[0]}[{node.name[1:]}]"  # z1 → z[1]
        grad_name = f"δ[{node.name[1:]}]" if node.op == "affine" else f"∂ℓ/∂{name}"
        vector = node.op != "param"  # units × examples: example 1
        value, grad = (node.value[:, 0], node.grad[:, 0]) if vector else (node.value, node.grad)
        out.append((name, value, grad_name, grad))
    return out


def draw_mlp_layers(
    ax: Axes, result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en", size=None
) -> Axes:
    """The MLP as boxes of numbers: a[0], then per layer W, b, z = W a + b and
    a = σ(z), each with its shape; beneath each, its gradient (δ for z)."""
    size = size or theme.font_size * 0.62
    columns = layer_arrays(result)
    shapes = [np.atleast_2d(np.asarray(f).reshape(len(f), -1)) for _, f, _, _ in columns]
    cell = 1.0
    tallest = max(s.shape[0] for s in shapes)
    numbers = tallest <= 8 and max(s.shape[1] for s in shapes) <= 8
    room = 1.2 + 0.35 * tallest  # above each row, its name and shape (in rows of cells)
    x = 0.0
    fwd, bwd = series_color(theme, FORWARD), series_color(theme, BACKWARD)
    for (name, value, grad_name, grad), shape in zip(columns, shapes, strict=True):
        rows, cols = shape.shape
        for top, array, label, colour in (
            (tallest + room, value, name, fwd),
            (0.0, grad, grad_name, bwd),
        ):
            grid = np.asarray(array, float).reshape(rows, cols)
            _draw_cells(ax, grid, x, top, cell, colour, theme, size if numbers else 0)
            dims = "×".join(map(str, grid.shape)) if cols > 1 else f"{rows}"
            ax.text(x + cols * cell / 2, top + 0.15, f"{label}\n{dims}", ha="center",
                    va="bottom", fontsize=size * 0.8, color=colour, linespacing=1.1)  # fmt: skip
        x += cols * cell + 0.8
    ax.set_xlim(-0.3, x)
    ax.set_ylim(-tallest - 0.3, tallest + 2 * room)
    ax.set_aspect("auto")
    ax.set_axis_off()
    return ax


def _draw_cells(ax, grid, x0: float, top: float, cell: float, colour: str, theme: Theme,
                size: float) -> None:  # fmt: skip
    """A matrix as cells shaded by |value| (in its own scale) with the numbers."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    scale = max(float(np.abs(grid).max()), 1e-300)
    for (i, j), v in np.ndenumerate(grid):
        shade = to_rgba(colour, 0.1 + 0.5 * abs(v) / scale)
        ax.add_patch(Rectangle((x0 + j, top - i - 1), 1, 1, facecolor=shade,
                               edgecolor=theme.grid, linewidth=0.6))  # fmt: skip
        if size:
            ax.text(x0 + j + 0.5, top - i - 0.5, number(v, 3), ha="center", va="center",
                    fontsize=size * 0.55, color=theme.foreground)  # fmt: skip


def plot_mlp_layers(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The layer view above the δ recursion written with this run's numbers."""
    spec = result.spec
    with themed(theme):
        fig = new_figure(theme, SLIDE, layout=None)
        size = slide_font(theme)
        fig.suptitle(_mlp_title(result, lang), fontsize=size * 1.2, y=0.975)
        ax = fig.add_axes((0.02, 0.4, 0.96, 0.52))
        draw_mlp_layers(ax, result, theme=theme, lang=lang, size=size)
        note = text("backprop_layers", lang)
        if spec.batch > 1:
            note += text("backprop_example", lang, n=spec.batch)
        fig.text(0.03, 0.395, note, fontsize=size * 0.7, color=theme.muted, va="top")
        draw_mlp_steps(fig.add_axes((0.03, 0.02, 0.95, 0.31)), result, theme=theme,
                       lang=lang, size=size)  # fmt: skip
    return fig


def _mlp_title(result: BackpropResult, lang: str) -> str:
    spec = result.spec
    return text("backprop_mlp_title", lang, widths=",".join(map(str, spec.widths)),
                activation=ACTIVATION_NAMES[spec.activation], loss=text(spec.loss, lang),
                batch=spec.batch, value=value_text(result.loss))  # fmt: skip


# ---------------------------------------------------------------------------- entry points


def figure(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz backprop`` draws."""
    if result.graph is not None:
        return plot_chain(result, theme=theme, lang=lang)
    if result.spec.view == "layers":
        return plot_mlp_layers(result, theme=theme, lang=lang)
    return plot_mlp(result, theme=theme, lang=lang)


def animation(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The forward pass left to right, then the backward pass right to left."""
    return animate_backprop(result, theme=theme, lang=lang)


def animate_backprop(result: BackpropResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """One frame a step: forward, each node lit with its value; backward,
    each step's chain-rule product written below the graph."""
    from matplotlib.animation import FuncAnimation

    frames = animation_frames(result, lang)
    with themed(theme):
        fig = new_figure(theme, SLIDE, layout=None)
        size = slide_font(theme) * 1.1
        ax = fig.add_axes((0.02, 0.22, 0.96, 0.66))
        title = fig.suptitle("", fontsize=size * 1.2, y=0.96)
        caption = fig.text(0.5, 0.08, "", ha="center", va="center", fontsize=size,
                           color=series_color(theme, BACKWARD))  # fmt: skip
        draw = draw_chain_graph if result.graph is not None else draw_mlp_graph

        def update(i: int):
            frame = frames[i]
            ax.clear()
            draw(ax, result, theme=theme, lang=lang, forward=frame.forward,
                 backward=frame.backward, size=size)  # fmt: skip
            title.set_text(frame.title)
            caption.set_text(frame.caption)
            return ()

        update(0)
    anim = FuncAnimation(fig, update, frames=len(frames), blit=False)
    anim.dlviz_fps = 1  # a step a second: time to read each product
    return anim


class Frame:
    """What one animation frame shows."""

    def __init__(self, forward: int, backward: int, title: str, caption: str):
        self.forward, self.backward, self.title, self.caption = forward, backward, title, caption


def node_line(graph: Graph, name: str) -> str:
    """'h1 = sin f0 = 0.9425': a node of the chain, its definition and value."""
    value = value_text(graph.node(name).value)
    if DEFINITIONS[name] == name:  # a leaf: its value alone
        return f"{symbol(name)} = {value}"
    return f"{symbol(name)} = {DEFINITIONS[name]} = {value}"


def animation_frames(result: BackpropResult, lang: str) -> list[Frame]:
    """The frames of the animation, each step held two frames."""
    frames: list[Frame] = []
    if result.graph is not None:
        graph = result.graph
        for i in range(1, len(MAIN_PATH) + 1):
            name = MAIN_PATH[i - 1]
            line = node_line(graph, name)
            frames += [Frame(i, 0, text("backprop_forward", lang), line)] * 2
        for k, node in enumerate(backward_order(graph), start=1):
            line = chain_step_text(graph, node)
            frames += [Frame(len(MAIN_PATH), k, text("backprop_backward", lang), line)] * 2
        return frames
    m = result.mlp
    layers = len(m.weights)
    for k in range(1, layers + 2):
        line = f"ℓ = {value_text(m.loss)}" if k == layers + 1 else forward_line(result, k - 1)
        frames += [Frame(k, 0, text("backprop_forward", lang), line)] * 2
    rules = [e for e in result.equations if e.kind == "delta"]
    for k, line in enumerate(rules, start=1):
        frames += [Frame(layers + 1, k, text("backprop_backward", lang), line.text)] * 2
    return frames


def forward_line(result: BackpropResult, k: int) -> str:
    """The forward step into layer ``k`` (example 1), with its values."""
    m = result.mlp
    if k == 0:
        return (
            "a[0] = x = ("
            + ", ".join(value_text(v) for v in m.x[:6, 0])
            + (", …)" if m.x.shape[0] > 6 else ")")
        )
    values = m.a[k][:, 0] if k < len(m.weights) else m.z[-1][:, 0]
    name = f"a[{k}] = {m.activation}(W[{k}] a[{k - 1}] + b[{k}])" if k < len(m.weights) else (
        f"z[{k}] = W[{k}] a[{k - 1}] + b[{k}]")  # fmt: skip
    return (
        f"{name} = ("
        + ", ".join(value_text(v) for v in values[:6])
        + (", …)" if len(values) > 6 else ")")
    )
