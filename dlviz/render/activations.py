"""Activation figures: each function beside its derivative (saturation
shaded, the largest slope marked), UDL fig. 3.3 with any activation, and two
linear layers collapsing into one matrix."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.activations import ActivationsResult, Curve, Peak
from dlviz.compute.expr import number
from dlviz.render.base import SLIDE, new_figure, slide_font, themed
from dlviz.theme import LIGHT, Theme, text, wrap

SIG = 4  # significant digits of the numbers written on the figures


def value_text(v: float) -> str:
    """A number as the figures write it (4 significant digits)."""
    return number(v, SIG)


def activation_name(result: ActivationsResult, name: str, lang: str) -> str:
    """'leaky ReLU (a = 0.01)': the name with the parameters this run used."""
    p = result.spec.params
    fields = {"a": value_text(p.leaky_slope if name == "leaky_relu" else p.prelu_weight),
              "alpha": value_text(p.elu_alpha), "k": len(p.maxout)}  # fmt: skip
    return text(f"act_{name}", lang, **fields)


def peak_text(peak: Peak, lang: str) -> str:
    """'max a′ = 0.25 at z = 0', '… for z > 0' or '… for 0 ≤ z ≤ 6'."""
    v, lo, hi = value_text(peak.value), value_text(peak.lo), value_text(peak.hi)
    if peak.lo == peak.hi:
        return text("act_peak_at", lang, value=v, at=lo)
    if peak.open_lo:
        return text("act_peak_above", lang, value=v, lo=lo)
    return text("act_peak_between", lang, value=v, lo=lo, hi=hi)


def saturation_text(result: ActivationsResult, lang: str) -> str:
    """What the shading means, with this run's threshold."""
    return text("act_saturated", lang, threshold=value_text(result.spec.saturation))


# ---------------------------------------------------------------------------- curves


def draw_curve(
    ax: Axes,
    result: ActivationsResult,
    c: Curve,
    *,
    theme: Theme = LIGHT,
    lang: str = "en",
    size: float = 11.0,
) -> Axes:
    """One activation a(z) and its derivative a′(z), the saturated ends
    shaded, the derivative's maximum marked and named."""
    xs = result.xs
    for lo, hi in c.saturated:
        ax.axvspan(lo, hi, color=theme.muted, alpha=0.18, linewidth=0)
    ax.axhline(0, color=theme.grid, linewidth=0.8)
    ax.plot(xs, c.values, color=theme.palette[0], linewidth=2.0, label="a(z)")
    ax.plot(xs, c.slopes, color=theme.palette[8], linewidth=1.8, linestyle="--", label="a′(z)")
    top = c.peak
    if top.lo == top.hi:
        ax.plot([top.lo], [top.value], "o", color=theme.palette[8], markersize=6)
    else:
        ax.plot([top.lo, top.hi], [top.value] * 2, color=theme.palette[8], linewidth=4, alpha=0.5)
    lines = [peak_text(top, lang)] + ([c.identity.text()] if c.identity else [])
    ax.text(0.03, 0.97, "\n".join(lines), transform=ax.transAxes, va="top", ha="left",
            fontsize=size * 0.78, color=theme.foreground)  # fmt: skip
    ax.set_title(activation_name(result, c.name, lang), fontsize=size * 1.05)
    span = np.concatenate([c.values, c.slopes])
    lo, hi = float(span.min()), float(span.max())
    pad = 0.12 * max(hi - lo, 1e-9)
    ax.set_ylim(lo - pad, hi + pad * 3.2)  # room above for the written maximum
    ax.set_xlim(xs[0], xs[-1])
    return ax


def _grid(n: int) -> tuple[int, int]:
    cols = n if n <= 4 else (n + 1) // 2
    return (1 if n <= 4 else 2), cols


def plot_curves(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """Small multiples: each activation and its derivative."""
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout="constrained")
        rows, cols = _grid(len(result.curves))
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        for ax, c in zip(axes, result.curves, strict=False):
            draw_curve(ax, result, c, theme=theme, lang=lang, size=size)
            ax.tick_params(labelsize=size * 0.8)
        for ax in axes[len(result.curves) :]:
            ax.set_visible(False)
        for ax in axes[(rows - 1) * cols :]:
            ax.set_xlabel("z", fontsize=size)
        handles, labels = axes[0].get_legend_handles_labels()
        names = [text("act_value", lang), text("act_slope", lang)]
        fig.legend(handles, names, loc="outside lower center", ncols=2, fontsize=size,
                   frameon=False)  # fmt: skip
        fig.suptitle(f"{text('act_title', lang)}\n{saturation_text(result, lang)}",
                     fontsize=size * 1.2)  # fmt: skip
    return fig


# ---------------------------------------------------------------------------- shallow


def unit_formula(theta: tuple[float, float], d: int) -> str:
    """'θ₁₀ + θ₁₁x = 0.3 − 1x' with this unit's numbers."""
    sub = "₀₁₂₃₄₅₆₇₈₉"
    i = "".join(sub[int(c)] for c in str(d + 1))
    bias, slope = theta
    sign = "−" if slope < 0 else "+"
    return f"θ{i}₀ + θ{i}₁x = {value_text(bias)} {sign} {value_text(abs(slope))}x"


def plot_shallow(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """UDL fig. 3.3: rows of pre-activations, activations and weighted
    activations (a column per unit), and the output, their sum."""
    s, spec = result.shallow, result.spec
    units = len(spec.theta)
    cols = units if units <= 4 else 1  # more units share one panel per row
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout="constrained")
        grid = fig.add_gridspec(3, cols + 2)
        name = activation_name(result, spec.activations[0], lang)
        rows = (("act_pre", s.pre), ("act_post", s.act), ("act_weighted", s.weighted))
        for r, (key, values) in enumerate(rows):
            for c in range(cols):
                ax = fig.add_subplot(grid[r, c])
                shown = range(units) if cols == 1 else [c]
                for d in shown:
                    ax.plot(result.xs, values[:, d], color=theme.palette[d % 8], linewidth=1.8)
                _joints(ax, result, shown, theme)
                ax.axhline(0, color=theme.grid, linewidth=0.8)
                ax.tick_params(labelsize=size * 0.75)
                ax.set_xlim(result.xs[0], result.xs[-1])
                if r == 0:
                    head = unit_formula(spec.theta[c], c) if cols > 1 else None
                    head = head or text("act_all_units", lang, n=units)
                    ax.set_title(head, fontsize=size * 0.8)
                if c == 0:
                    ax.set_ylabel(text(key, lang, name=name), fontsize=size * 0.85)
                if r == 2 and cols > 1:
                    ax.text(0.97, 0.05, f"φ{_sub(c + 1)} = {value_text(spec.phi[c + 1])}",
                            transform=ax.transAxes, ha="right", fontsize=size * 0.8)  # fmt: skip
                if r == 2:
                    ax.set_xlabel("x", fontsize=size)
        out = fig.add_subplot(grid[:, cols:])
        out.plot(result.xs, s.output, color=theme.foreground, linewidth=2.4)
        _joints(out, result, range(units), theme)
        out.set_xlim(result.xs[0], result.xs[-1])
        out.set_xlabel("x", fontsize=size)
        out.set_title(text("act_output", lang, phi0=value_text(spec.phi[0])), fontsize=size * 0.9)
        out.tick_params(labelsize=size * 0.8)
        fig.suptitle(text("act_shallow_title", lang, name=name, n=units), fontsize=size * 1.2)
    return fig


def _sub(n: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(n))


def _joints(ax: Axes, result: ActivationsResult, units, theme: Theme) -> None:
    """Where a unit's pre-activation is 0: a kink of every activation but σ, tanh, GELU."""
    if result.spec.activations[0] in ("sigmoid", "tanh", "gelu"):
        return
    lo, hi = result.spec.domain
    for d in units:
        x = result.shallow.joints[d]
        if np.isfinite(x) and lo < x < hi:
            ax.axvline(x, color=theme.palette[d % 8], linestyle=":", linewidth=1.1)


# ---------------------------------------------------------------------------- collapse


def draw_matrix(ax: Axes, m: np.ndarray, x: float, mid: float, *, size: float, theme: Theme,
                label: str = "", colour: str | None = None) -> float:  # fmt: skip
    """A matrix (or column) in brackets, its left edge at x and its middle at
    ``mid`` (axes fraction), ``label`` before it; returns the x right of it."""
    m = np.atleast_2d(m)
    rows, cols = m.shape
    written = [[value_text(v) for v in row] for row in m]
    widest = max(len(w) for row in written for w in row)
    scale = size / 11
    cell_w, cell_h = (0.011 * widest + 0.022) * scale, 0.055 * scale
    top = mid + rows * cell_h / 2
    if label:
        ax.text(x, mid, label, ha="left", va="center", fontsize=size, color=theme.foreground)
        x += (0.014 * len(label) + 0.012) * scale
    for i in range(rows):
        for j in range(cols):
            ax.text(x + (j + 0.5) * cell_w, top - (i + 0.5) * cell_h, written[i][j], ha="center",
                    va="center", fontsize=size * 0.9, color=colour or theme.foreground)  # fmt: skip
    right = x + cols * cell_w
    for edge, tick in ((x, 1), (right, -1)):
        ax.plot([edge + tick * 0.008, edge, edge, edge + tick * 0.008],
                [top, top, top - rows * cell_h, top - rows * cell_h], color=theme.foreground,
                linewidth=1.2, transform=ax.transAxes)  # fmt: skip
    return right + 0.015 * scale


def draw_products(ax: Axes, result: ActivationsResult, *, theme: Theme = LIGHT,
                  lang: str = "en", size: float = 11.0) -> Axes:  # fmt: skip
    """W₂ · W₁ = W and W₂ · b₁ + b₂ = b with the numbers, each entry's sum of
    products, and the example input through both layers and through W."""
    c = result.collapse
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)

    def row(mid: float, parts) -> None:
        x = 0.0
        for part in parts:
            if isinstance(part, str):
                ax.text(x, mid, part, ha="left", va="center", fontsize=size * 1.1,
                        color=theme.foreground)  # fmt: skip
                x += 0.035 * size / 11
            else:
                m, label, colour = part
                x = draw_matrix(ax, m, x, mid, size=size, theme=theme, label=label, colour=colour)

    blue = theme.palette[0]
    row(0.86, [(c.w2, "W₂", None), "·", (c.w1, "W₁", None), "=", (c.w, "W", blue)])
    row(0.6, [(c.w2, "W₂", None), "·", (c.b1[:, None], "b₁", None), "+",
              (c.b2[:, None], "b₂", None), "=", (c.b[:, None], "b", blue)])  # fmt: skip
    lines = [e.text() for e in c.products] + [""]
    lines.append(text("act_example", lang, x=", ".join(value_text(v) for v in c.x)))
    lines += [e.text() for e in c.example]
    ax.text(0.0, 0.44, "\n".join(lines), ha="left", va="top", fontsize=size * 0.82,
            color=theme.foreground, linespacing=1.35)  # fmt: skip
    return ax


def _limits(ax: Axes, *arrays: np.ndarray) -> None:
    every = np.concatenate([a.reshape(-1, 2) for a in arrays])
    lo, hi = every.min(axis=0), every.max(axis=0)
    pad = 0.06 * np.maximum(hi - lo, 1e-9)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])


def draw_linear_image(ax: Axes, result: ActivationsResult, *, theme: Theme = LIGHT,
                      lang: str = "en", size: float = 11.0, t: float = 1.0) -> Axes:  # fmt: skip
    """A square grid's image through the two linear layers (lines) and
    through W, b alone (dots on them): the same map. ``t`` < 1 draws the
    way from the input grid to the image."""
    c = result.collapse
    linear = (1 - t) * c.grid + t * c.linear
    one = (1 - t) * c.grid + t * (c.grid @ c.w.T + c.b)
    for k, line in enumerate(linear):
        ax.plot(line[:, 0], line[:, 1], color=theme.palette[0], linewidth=1.5,
                label=text("act_linear_pair", lang) if k == 0 else None)  # fmt: skip
    dots = one[:, ::15].reshape(-1, 2)
    ax.plot(dots[:, 0], dots[:, 1], "o", color=theme.palette[2], markersize=3.5,
            label=text("act_one_matrix", lang))  # fmt: skip
    _limits(ax, c.grid, c.linear)
    ax.set_title(wrap(text("act_images_linear", lang), 34), fontsize=size * 0.95)
    ax.legend(fontsize=size * 0.75, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=1)
    return ax


def draw_bent_image(ax: Axes, result: ActivationsResult, *, theme: Theme = LIGHT,
                    lang: str = "en", size: float = 11.0, t: float = 1.0) -> Axes:  # fmt: skip
    """The same grid through W₂ a[W₁x + b₁] + b₂: the activation bends and
    folds it, so no one matrix gives it."""
    c = result.collapse
    name = activation_name(result, result.spec.activations[0], lang)
    bent = (1 - t) * c.grid + t * c.bent
    for line in bent:
        ax.plot(line[:, 0], line[:, 1], color=theme.palette[8], linewidth=1.3)
    _limits(ax, c.grid, c.bent)
    ax.set_title(wrap(text("act_bent", lang, name=name), 34), fontsize=size * 0.95)
    return ax


def plot_collapse(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The matrices and their product beside the grid's two images."""
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout=None)
        fig.suptitle(text("act_collapse_title", lang), fontsize=size * 1.2, y=0.975)
        draw_products(fig.add_axes((0.03, 0.04, 0.47, 0.84)), result, theme=theme, lang=lang,
                      size=size)  # fmt: skip
        for k, draw in enumerate((draw_linear_image, draw_bent_image)):
            ax = fig.add_axes((0.53 + k * 0.24, 0.3, 0.2, 0.56))
            draw(ax, result, theme=theme, lang=lang, size=size)
            ax.tick_params(labelsize=size * 0.75)
            ax.set_xlabel("y₁", fontsize=size)
        fig.axes[1].set_ylabel("y₂", fontsize=size)
    return fig


def figure(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz activations`` draws for its view."""
    draw = {"curves": plot_curves, "shallow": plot_shallow, "collapse": plot_collapse}
    return draw[result.spec.view](result, theme=theme, lang=lang)


# ---------------------------------------------------------------------------- animations

FRAMES = 48


def animate_curves(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """z sweeping the domain: on each panel the tangent to a(z), whose
    slope is a′(z), and the point on a′ it comes from."""
    from matplotlib.animation import FuncAnimation

    fig = plot_curves(result, theme=theme, lang=lang)
    axes = [ax for ax in fig.axes if ax.get_visible()][: len(result.curves)]
    xs = result.xs
    picks = np.linspace(0, len(xs) - 1, FRAMES).round().astype(int)
    half = 0.08 * (xs[-1] - xs[0])
    with themed(theme):
        marks = []
        for ax in axes:
            (tangent,) = ax.plot([], [], color=theme.palette[2], linewidth=2.2)
            (dot,) = ax.plot([], [], "o", color=theme.palette[2], markersize=7)
            (slope_dot,) = ax.plot([], [], "s", color=theme.palette[8], markersize=6)
            marks.append((tangent, dot, slope_dot))

    def update(i: int):
        k = picks[i]
        z = xs[k]
        for c, (tangent, dot, slope_dot) in zip(result.curves, marks, strict=True):
            f, s = c.values[k], c.slopes[k]
            tangent.set_data([z - half, z + half], [f - s * half, f + s * half])
            dot.set_data([z], [f])
            slope_dot.set_data([z], [s])
        return ()

    update(0)
    return FuncAnimation(fig, update, frames=FRAMES, blit=False)


def animate_shallow(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The weighted units added into φ₀ one at a time."""
    from matplotlib.animation import FuncAnimation

    s, spec = result.shallow, result.spec
    partial = spec.phi[0] + np.cumsum(s.weighted, axis=1)
    units = len(spec.theta)
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout="constrained")
        ax = fig.add_subplot()
        ax.plot(result.xs, s.output, color=theme.muted, linestyle="--", linewidth=1.2,
                label=text("network_output", lang))  # fmt: skip
        (curve,) = ax.plot([], [], color=theme.foreground, linewidth=2.4)
        (unit,) = ax.plot([], [], color=theme.palette[0], linewidth=1.6)
        span = np.concatenate([partial.ravel(), s.weighted.ravel(), [spec.phi[0]]])
        pad = 0.1 * max(np.ptp(span), 1e-9)
        ax.set_xlim(result.xs[0], result.xs[-1])
        ax.set_ylim(span.min() - pad, span.max() + pad)
        ax.set_xlabel("x", fontsize=size)
        ax.legend(fontsize=size * 0.85, loc="upper left")
        name = activation_name(result, spec.activations[0], lang)

        def update(j: int):
            curve.set_data(result.xs, partial[:, j])
            unit.set_data(result.xs, s.weighted[:, j])
            unit.set_color(theme.palette[j % 8])
            ax.set_title(text("act_sum_frame", lang, k=j + 1, n=units, name=name), fontsize=size)
            return ()

        update(0)
    anim = FuncAnimation(fig, update, frames=units, blit=False)
    anim.dlviz_fps = 1  # a unit a second
    return anim


def animate_collapse(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The square grid carried to its images: straight lines stay straight
    through the linear pair, and bend with the activation between."""
    from matplotlib.animation import FuncAnimation

    fig = plot_collapse(result, theme=theme, lang=lang)
    linear_ax, bent_ax = fig.axes[1:3]
    size = slide_font(theme)

    def update(i: int):
        t = min(1.0, i / (FRAMES - 12))  # the last frames hold the images
        with themed(theme):
            for ax, draw in ((linear_ax, draw_linear_image), (bent_ax, draw_bent_image)):
                ax.clear()
                draw(ax, result, theme=theme, lang=lang, size=size, t=t)
                ax.tick_params(labelsize=size * 0.75)
        return ()

    update(0)
    return FuncAnimation(fig, update, frames=FRAMES, blit=False)


def animation(result: ActivationsResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The tangent sweeping the curves, the units summed, or the grid carried."""
    animate = {"curves": animate_curves, "shallow": animate_shallow,
               "collapse": animate_collapse}[result.spec.view]  # fmt: skip
    return animate(result, theme=theme, lang=lang)
