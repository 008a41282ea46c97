"""``dlviz relu --fit``: the target, the interpolating ReLU network and its
pieces; its largest error against D on log–log axes beside the bound; the
units added one at a time."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.expr import number
from dlviz.compute.relu_fit import FitResult
from dlviz.render.base import SLIDE, new_figure, slide_font, themed
from dlviz.theme import LIGHT, Theme, text

SIG = 4


def value_text(v: float) -> str:
    """A number as the figure writes it (4 significant digits)."""
    return number(v, SIG)


def target_name(result: FitResult, lang: str) -> str:
    """'sin x on [0, 6.283]'."""
    a, b = result.spec.domain
    return text(f"fit_target_{result.spec.target}", lang, a=value_text(a), b=value_text(b))


def draw_fit(ax: Axes, result: FitResult, *, theme: Theme = LIGHT, lang: str = "en",
             size: float = 11.0, first: int | None = None) -> Axes:  # fmt: skip
    """The target, the network (each linear piece in its own colour, the flat
    region left of t₀ dashed) and the knots; with ``first``, the network of
    its first units only, which follows the target up to t_first."""
    net, (a, b) = result.fit, result.spec.domain
    h = result.spacing
    ax.plot(result.xs, result.target, color=theme.muted, linewidth=5, alpha=0.45,
            label=text("fit_target", lang), solid_capstyle="butt")  # fmt: skip
    if first is None:
        pieces = result.regions
        piece = np.concatenate([[0], np.cumsum(~pieces.same_map())])  # regions on one line share
        for k, (lo, hi), s, c in zip(piece, pieces.intervals, pieces.slopes, pieces.intercepts,
                                     strict=True):  # fmt: skip
            style = "--" if hi <= a + 1e-12 * max(1.0, abs(a)) else "-"
            ax.plot([lo, hi], [s * lo + c, s * hi + c], linestyle=style, linewidth=2.2,
                    color=theme.palette[k % len(theme.palette)])  # fmt: skip
        ax.plot([], [], color=theme.palette[0], linewidth=2.2,
                label=text("fit_network", lang, d=net.units))  # fmt: skip
    else:
        xs = np.linspace(a - h, b, 1201)
        ax.plot(xs, net.forward(xs, first), color=theme.palette[8], linewidth=2.4,
                label=text("fit_partial", lang, k=first, d=net.units))  # fmt: skip
        if first:
            ax.axvline(net.knots[first], color=theme.palette[8], linestyle=":", linewidth=1.2)
    ax.plot(net.knots, net.values, "o", color=theme.foreground, markersize=4,
            label=text("fit_knots", lang, n=net.units + 1))  # fmt: skip
    span = np.concatenate([result.target, result.output])
    pad = 0.15 * max(np.ptp(span), 1e-9)
    ax.set_ylim(span.min() - pad, span.max() + 2 * pad)
    ax.set_xlim(a - h, b)
    ax.set_xlabel("x", fontsize=size)
    ax.legend(fontsize=size * 0.8, loc="upper right", ncols=2)
    return ax


def draw_errors(ax: Axes, result: FitResult, *, theme: Theme = LIGHT, lang: str = "en",
                size: float = 11.0) -> Axes:  # fmt: skip
    """max |f − fit| against D on log–log axes, the bound beside it, this run's D ringed.
    An error of 0 (a kink on a knot) is drawn at the axis' foot as ▼."""
    units, errors = result.sweep_units, result.sweep_errors
    positive = errors > 0
    floor = errors[positive].min() / 10 if positive.any() else 1e-16
    ax.loglog(units[positive], errors[positive], "o-", color=theme.palette[0], linewidth=1.8,
              markersize=4, label=text("fit_error", lang))  # fmt: skip
    if (~positive).any():
        ax.plot(units[~positive], np.full((~positive).sum(), floor), "v", color=theme.palette[0],
                label=text("fit_error_zero", lang))  # fmt: skip
    if result.bound is not None:
        h = (result.spec.domain[1] - result.spec.domain[0]) / units
        key = "fit_bound_curvature" if result.bound.kind == "curvature" else "fit_bound_lipschitz"
        ax.loglog(units, result.bound.at(h), "--", color=theme.palette[8], linewidth=1.6,
                  label=text(key, lang))  # fmt: skip
    at = int(np.flatnonzero(units == result.spec.units)[0])
    shown = errors[at] if errors[at] > 0 else floor
    ax.plot([units[at]], [shown], "o", markersize=12, markerfacecolor="none",
            markeredgecolor=theme.foreground, markeredgewidth=1.6,
            label=text("fit_this_run", lang, d=result.spec.units))  # fmt: skip
    shown_errors = np.concatenate([errors[positive], [floor]])
    top = max(shown_errors.max(), result.bound_value or 0.0)
    ax.set_ylim(shown_errors.min() / 3, top * 3)  # at least a decade, whatever the errors
    ax.set_xlabel(text("fit_units_axis", lang), fontsize=size)
    ax.set_ylabel(text("fit_error_axis", lang), fontsize=size)
    ax.legend(fontsize=size * 0.75, loc="lower left")
    return ax


def claim_lines(result: FitResult, lang: str) -> list[str]:
    """The counts and the error against its bound, with this run's numbers."""
    params, regions, *bound = result.equations
    pieces = result.regions
    lines = [
        text("fit_parameters", lang, eq=params.text()),
        text("fit_regions", lang, eq=regions.text(), pieces=pieces.num_pieces),
    ]
    error = value_text(result.error)
    if bound:
        lines.append(text("fit_error_line", lang, error=error, bound=bound[0].text()))
    else:
        lines.append(text("fit_error_step", lang, error=error))
    return lines


def plot_fit(result: FitResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The fit beside its error against D, the counts and the bound below."""
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout=None)
        fig.suptitle(text("fit_title", lang, d=result.spec.units, target=target_name(result, lang)),
                     fontsize=size * 1.2, y=0.975)  # fmt: skip
        draw_fit(fig.add_axes((0.06, 0.3, 0.52, 0.6)), result, theme=theme, lang=lang, size=size)
        draw_errors(fig.add_axes((0.67, 0.3, 0.3, 0.6)), result, theme=theme, lang=lang,
                    size=size)  # fmt: skip
        fig.text(0.06, 0.17, "\n".join(claim_lines(result, lang)), fontsize=size, va="top",
                 linespacing=1.5, color=theme.foreground)  # fmt: skip
        for ax in fig.axes:
            ax.tick_params(which="both", labelsize=size * 0.85)
    return fig


def animate_fit(result: FitResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The units added one at a time: after k units the network follows the
    target up to the knot t_k, then goes on straight."""
    from matplotlib.animation import FuncAnimation

    units = result.spec.units
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout="constrained")
        ax = fig.add_subplot()

        def update(k: int):
            ax.clear()
            draw_fit(ax, result, theme=theme, lang=lang, size=size, first=k)
            ax.set_title(text("fit_frame", lang, k=k, d=units, target=target_name(result, lang)),
                         fontsize=size * 1.1)  # fmt: skip
            return ()

        update(0)
    anim = FuncAnimation(fig, update, frames=units + 1, blit=False)
    anim.dlviz_fps = 2
    return anim
