"""From likelihood to loss: the data with the model's predicted distribution
(each point's probability marked), the likelihood and the NLL against the
swept parameter, and every loss written as an equation with this run's
numbers (the equations come from the result, so the figure says what ran)."""

from __future__ import annotations

import re

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlviz.compute.expr import number
from dlviz.compute.loss import SIG, LossResult
from dlviz.render.base import SLIDE, new_figure, slide_font, themed
from dlviz.theme import LIGHT, Theme, series_color, text

MEAN, BAND, MISS, NLL, LIKELIHOOD, SQUARES = 0, 0, 8, 0, 8, 2  # palette indices
NOTEBOOK = {"regression": "5.1", "binary": "5.2", "multiclass": "5.3"}
EQUATION_NAMES = {  # each printed equation's name: a key of the topic's strings
    "likelihood": "loss_eq_likelihood",
    "nll": "loss_eq_nll",
    "squares": "loss_eq_squares",
    "entropy": "loss_eq_entropy",
    "cross_entropy": "loss_cross_entropy",
    "kl_direct": "loss_eq_kl_direct",
    "kl": "loss_eq_kl",
}
MAX_CURVES = 30  # points that each get their predicted density drawn beside them


def value_text(v: float) -> str:
    """A number as the equations write it (4 significant digits)."""
    return number(v, SIG)


def title(result: LossResult, lang: str) -> str:
    """The figure's title: the task's lesson, then the model, data and σ or T."""
    spec = result.spec
    if spec.task == "information":
        return text("loss_title_information", lang, units=text(spec.units, lang))
    key = "heteroscedastic" if spec.heteroscedastic else spec.task
    parts = [model_text(result, lang), _data_text(result, lang)]
    if spec.task == "regression":
        parts.append(text("loss_sigma_output", lang) if spec.heteroscedastic else
                     text("loss_sigma_fixed", lang, sigma=f"{spec.sigma:g}"))  # fmt: skip
    if spec.task == "multiclass":
        parts.append(text("loss_temperature", lang, t=f"{spec.temperature:g}"))
    return text(f"loss_title_{key}", lang) + "\n" + ", ".join(parts)


def model_text(result: LossResult, lang: str) -> str:
    """UDL notebook 5.1's network, a given network, or the polynomial written out."""
    spec = result.spec
    if spec.model != "network":
        powers = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
        terms = [value_text(c) + ("" if k == 0 else "x" if k == 1 else f"x{k}".translate(powers))
                 for k, c in enumerate(spec.coef)]  # fmt: skip
        return text(f"loss_model_{spec.model}", lang, f=" + ".join(terms).replace("+ −", "− "))
    if result.model_source == "udl":
        return text("loss_model_udl", lang, nb=NOTEBOOK[spec.task])
    return text("loss_model_network", lang)


def _data_text(result: LossResult, lang: str) -> str:
    spec = result.spec
    return text(f"loss_data_{spec.data}", lang, n=len(spec.x), seed=spec.seed)


def parameter_name(result: LossResult, lang: str) -> str:
    """The swept parameter as the axis names it."""
    spec = result.spec
    if spec.sweep == "offset":
        return text(f"loss_param_offset_{'network' if spec.model == 'network' else 'poly'}", lang)
    return text(f"loss_param_{spec.sweep}", lang)


def equation_lines(result: LossResult, lang: str) -> list[tuple[str, str]]:
    """(name, equation text) of every printed equation, the loss named by its usual name."""
    lines = []
    for key, eq in result.equations:
        if key in EQUATION_NAMES:
            name = text(EQUATION_NAMES[key], lang)
        elif key == "identity":
            name = text("loss_eq_parts" if result.spec.heteroscedastic else "loss_eq_identity",
                        lang)  # fmt: skip
        else:  # "loss": the task's loss by its name
            name = loss_name(result, lang)
        lines.append((name, elided(eq.text(), lang)))
    if result.spec.task != "information" and "likelihood" not in dict(result.equations):
        power = f"{result.log10_likelihood:.1f}"
        lines.insert(
            0,
            (
                text("loss_eq_likelihood", lang),
                text("loss_too_small", lang, nll=value_text(result.nll), power=power),
            ),
        )
    return lines


def elided(line: str, lang: str) -> str:
    """An equation's text with its elided middle counted in ``lang``."""
    if lang != "zh":
        return line
    return re.sub(r"\((\d+) (terms|factors)\)", lambda m: f"（{m[1]} 项）", line)


def loss_name(result: LossResult, lang: str) -> str:
    """The run's loss by its usual name (least squares, binary cross-entropy, …)."""
    return text(result.loss_name, lang, eps=f"{result.spec.smoothing or 0:g}")


# ---------------------------------------------------------------------------- the data panels


def draw_regression(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                    at: int | None = None, size: float = 10.0) -> Axes:  # fmt: skip
    """The points, μ(x) with its ±2σ band and, at each point, the predicted
    density p(y | xₙ) on its side with a bar as long as p(yₙ | xₙ). ``at``: the
    sweep's value index to draw (default: the run's own parameters)."""
    grid, mu, sigma, point_mu, point_sigma, probs = _regression_arrays(result, at)
    colour = series_color(theme, MEAN)
    ax.fill_between(grid, mu - 2 * sigma, mu + 2 * sigma, color=colour, alpha=0.18, linewidth=0,
                    label=text("loss_band", lang))  # fmt: skip
    ax.plot(grid, mu, color=colour, linewidth=2, label=text("loss_mean", lang))
    width = 0.05 * (grid[-1] - grid[0]) * np.sqrt(2 * np.pi) * point_sigma.min()  # peak → 5 %
    ys = np.linspace(-3, 3, 61)
    miss = series_color(theme, MISS)
    curves = len(result.x) <= MAX_CURVES  # past that the little Gaussians hide the data
    for i, (x, y) in enumerate(zip(result.x, result.y, strict=True)):
        if curves:
            curve_y = point_mu[i] + ys * point_sigma[i]
            density = np.exp(-0.5 * ys**2) / (np.sqrt(2 * np.pi) * point_sigma[i])
            ax.plot(x + width * density, curve_y, color=theme.muted, linewidth=0.7, alpha=0.8,
                    label=text("loss_density", lang) if i == 0 else None)  # fmt: skip
        elif i == 0:
            ax.plot([], [], color=miss, linewidth=2.2, label=text("loss_density_bars", lang))
        ax.plot([x, x + width * probs[i]], [y, y], color=miss, linewidth=2.2, solid_capstyle="butt")
    ax.scatter(result.x, result.y, s=22, color=theme.foreground, zorder=4)
    ax.set_xlabel(text("loss_input", lang))
    ax.set_ylabel(text("loss_output", lang))
    ax.set_xlim(grid[0], grid[-1] + 0.08 * (grid[-1] - grid[0]))
    _legend_above(ax, size)
    ax.grid(True, alpha=0.3)
    return ax


def _legend_above(ax: Axes, size: float, handles=None) -> None:
    """The key in one row above the panel, clear of the data."""
    handles, labels = handles or ax.get_legend_handles_labels()
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=len(labels),
              fontsize=size * 0.8, frameon=False, borderaxespad=0.0, handlelength=1.5,
              columnspacing=1.0)  # fmt: skip


def _regression_arrays(result: LossResult, at: int | None):
    """(grid, μ, σ over the grid, μ and σ at the points, p(yₙ)) at sweep index ``at``."""
    if at is None:
        return (result.grid, result.grid_mu, result.grid_sigma, result.mu, result.sigma,
                result.point_prob)  # fmt: skip
    s = result.sweep
    return result.grid, s.mu[at], s.sigma[at], s.point_mu[at], s.point_sigma[at], s.points[at]


def draw_binary(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                at: int | None = None, size: float = 10.0) -> Axes:  # fmt: skip
    """λ(x) = sigmoid(f(x)) over the points at 0 and 1, each joined to λ(xₙ) by
    a segment as long as 1 − p(yₙ | xₙ); the logit f(x) dashed on a right axis."""
    grid_probs = result.grid_probs if at is None else result.sweep.probs[at]
    probs = result.point_prob if at is None else result.sweep.points[at]
    lam = grid_probs[:, 1]
    colour = series_color(theme, MEAN)
    ax.plot(result.grid, lam, color=colour, linewidth=2, label=text("loss_lambda", lang))
    at_points = np.where(result.y == 1, probs, 1.0 - probs)  # λ(xₙ)
    miss = series_color(theme, MISS)
    for i, (x, y) in enumerate(zip(result.x, result.y, strict=True)):
        ax.plot([x, x], [y, at_points[i]], color=miss, linewidth=1.8,
                label=text("loss_miss", lang) if i == 0 else None)  # fmt: skip
    ax.scatter(result.x, result.y, s=22, color=theme.foreground, zorder=4)
    ax.set_ylim(-0.08, 1.08)
    ax.set_xlabel(text("loss_input", lang))
    ax.set_ylabel(text("loss_label", lang))
    twin = None
    if at is None:  # the logits themselves (the sweep keeps only the probabilities)
        twin = ax.twinx()
        twin.plot(result.grid, result.grid_logits[:, 0], "--", color=theme.muted, linewidth=1,
                  label=text("loss_logit", lang))  # fmt: skip
        twin.set_ylabel("f(x)", color=theme.muted)
        twin.tick_params(axis="y", colors=theme.muted)
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels() if twin is not None else ([], [])
    _legend_above(ax, size, (lines[0] + more[0], lines[1] + more[1]))
    ax.grid(True, alpha=0.3)
    return ax


def draw_multiclass(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                    at: int | None = None, size: float = 10.0) -> Axes:  # fmt: skip
    """One stacked bar of softmax(f(xₙ)/T) per point, ordered by xₙ; the true
    class's part outlined, its probability written above the bar."""
    order = np.argsort(result.x, kind="stable")
    probs = result.probs if at is None else result.sweep.point_probs[at]
    classes = probs.shape[1]
    bottom = np.zeros(len(order))
    for k in range(classes):
        ax.bar(np.arange(len(order)), probs[order, k], bottom=bottom, width=0.8,
               color=series_color(theme, k), label=text("loss_class", lang, k=k))  # fmt: skip
        bottom += probs[order, k]
    for j, i in enumerate(order):
        y = int(result.y[i])
        low = probs[i, :y].sum()
        ax.bar(j, probs[i, y], bottom=low, width=0.8, fill=False, edgecolor=theme.foreground,
               linewidth=2.0)  # fmt: skip
        ax.text(j, 1.02, f"{probs[i, y]:.2f}", ha="center", va="bottom", rotation=90,
                fontsize=size * 0.62)  # fmt: skip
    ax.set_xticks(np.arange(len(order)), [f"{v:.2f}" for v in result.x[order]], rotation=90,
                  fontsize=size * 0.6)  # fmt: skip
    ax.set_ylim(0, 1.16)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xlabel(text("loss_points_by_x", lang))
    ax.set_ylabel(text("loss_probability", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    ax.set_title(text("loss_true_class", lang), fontsize=size * 0.8, loc="left")
    return ax


def draw_distributions(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                       q=None, size: float = 10.0) -> Axes:  # fmt: skip
    """Bars of p and q side by side for each outcome, each with its value."""
    p = np.array(result.spec.p)
    q = np.array(result.spec.q if q is None else q)
    ks = np.arange(len(p))
    for offset, values, name, colour in ((-0.2, p, "p", 0), (0.2, q, "q", 1)):
        bars = ax.bar(ks + offset, values, width=0.38, color=series_color(theme, colour),
                      label=name)  # fmt: skip
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, v + 0.01, f"{v:.3g}", ha="center",
                    va="bottom", fontsize=size * 0.75)  # fmt: skip
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_ylim(0, max(p.max(), q.max()) * 1.2)
    ax.set_xlabel(text("loss_outcome", lang))
    ax.set_ylabel(text("loss_probability", lang))
    ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------------------- the sweep


def draw_sweep(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
               upto: int | None = None, size: float = 10.0) -> Axes:  # fmt: skip
    """The likelihood (left axis) and −log L (right axis) against the swept
    parameter, the best value dotted and this run's value marked; for the
    information task H(p, q_t) and KL(p‖q_t) with H(p) as a line. ``upto``:
    draw the curves only up to that index (the animation traces them)."""
    s = result.sweep
    end = len(s.values) if upto is None else upto + 1
    xs = s.values[:end]
    if result.spec.task == "information":
        return _draw_information_sweep(ax, result, theme, lang, end, size)
    left = series_color(theme, LIKELIHOOD)
    right = series_color(theme, NLL)
    ax.plot(xs, s.likelihood[:end], color=left, linewidth=2)
    ax.set_ylabel(text("loss_likelihood_axis", lang), color=left)
    ax.tick_params(axis="y", colors=left)
    ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0), useMathText=True)
    ax.yaxis.get_offset_text().set(color=left, fontsize=size * 0.8)
    ax.set_ylim(0, s.likelihood.max() * 1.1 or 1.0)
    twin = ax.twinx()
    twin.plot(xs, s.nll[:end], color=right, linewidth=2)
    twin.set_ylabel(text("loss_nll_axis", lang), color=right)
    twin.tick_params(axis="y", colors=right)
    span = s.nll.max() - s.nll.min()
    twin.set_ylim(s.nll.min() - 0.05 * span, s.nll.max() + 0.05 * span)
    ax.set_xlim(s.values[0], s.values[-1])
    best = s.values[s.best]
    ax.axvline(best, color=theme.muted, linestyle=":", linewidth=1.5)
    if upto is None:
        here = result.current
        ax.axvline(here, color=theme.foreground, linewidth=1, alpha=0.6)
        ax.text(here, ax.get_ylim()[1] * 0.98, " " + text("loss_this_run", lang), ha="left",
                va="top", fontsize=size * 0.7, color=theme.foreground)  # fmt: skip
    else:
        ax.scatter([xs[-1]], [s.likelihood[end - 1]], color=left, zorder=5, s=30)
        twin.scatter([xs[-1]], [s.nll[end - 1]], color=right, zorder=5, s=30)
    ax.set_xlabel(parameter_name(result, lang))
    ax.set_title(text("loss_best", lang, name=parameter_name(result, lang),
                      value=value_text(best)), fontsize=size * 0.85)  # fmt: skip
    ax.grid(True, alpha=0.3)
    return ax


def _draw_information_sweep(ax, result: LossResult, theme: Theme, lang: str, end: int, size):
    s = result.sweep
    xs = s.values[:end]
    ax.plot(xs, s.cross_entropy[:end], color=series_color(theme, 1), linewidth=2,
            label="H(p, q_t)")  # fmt: skip
    ax.plot(xs, s.kl[:end], color=series_color(theme, MISS), linewidth=2, label="KL(p‖q_t)")
    ax.axhline(
        result.entropy,
        color=series_color(theme, 0),
        linestyle="--",
        linewidth=1.5,
        label=text("loss_entropy_line", lang, value=value_text(result.entropy)),
    )
    if end <= len(s.values) and end > 0:
        t = xs[-1]
        ax.annotate("", xy=(t, result.entropy), xytext=(t, s.cross_entropy[end - 1]),
                    arrowprops={"arrowstyle": "<->", "color": theme.muted})  # fmt: skip
    ax.set_xlim(s.values[0], s.values[-1])
    top = max(s.cross_entropy.max(), result.entropy) * 1.1
    ax.set_ylim(0, top)
    ax.set_xlabel(text("loss_param_mix", lang))
    ax.set_ylabel(text(result.spec.units, lang))
    ax.legend(fontsize=size * 0.8, loc="center right")
    ax.set_title(text("loss_best_mix", lang), fontsize=size * 0.85)
    ax.grid(True, alpha=0.3)
    return ax


def draw_squares(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                 size: float = 10.0) -> Axes:  # fmt: skip
    """The sum of squares against the swept parameter: its minimum where the NLL's is
    (the offset), or flat (σ)."""
    s = result.sweep
    ax.plot(s.values, s.sum_squares, color=series_color(theme, SQUARES), linewidth=2)
    ax.set_xlim(s.values[0], s.values[-1])
    ax.set_xlabel(parameter_name(result, lang))
    ax.set_ylabel(text("loss_squares_axis", lang))
    if s.parameter == "sigma":
        note = text("loss_flat_squares", lang, value=value_text(s.sum_squares[0]))
    else:
        best = s.values[int(np.argmin(s.sum_squares))]
        ax.axvline(best, color=theme.muted, linestyle=":", linewidth=1.5)
        note = text("loss_best_squares", lang, name=parameter_name(result, lang),
                    value=value_text(best))  # fmt: skip
    ax.set_title(note, fontsize=size * 0.85)
    ax.grid(True, alpha=0.3)
    return ax


def draw_equations(ax: Axes, result: LossResult, *, theme: Theme = LIGHT, lang: str = "en",
                   size: float = 10.0) -> Axes:  # fmt: skip
    """Every equation of the run, one a line, each after its name."""
    ax.axis("off")
    lines = equation_lines(result, lang)
    for i, (name, line) in enumerate(lines):
        y = 1.0 - i / len(lines)
        step = 1.0 / len(lines)
        ax.text(0.0, y, name, ha="left", va="top", fontsize=size * 0.8, color=theme.muted,
                transform=ax.transAxes)  # fmt: skip
        ax.text(0.0, y - 0.4 * step, line, ha="left", va="top", fontsize=size,
                transform=ax.transAxes)  # fmt: skip
    return ax


# ---------------------------------------------------------------------------- the figure


def plot_loss(result: LossResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The data panel (or p and q) beside the sweep, the equations below."""
    task = result.spec.task
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout=None)
        fig.suptitle(title(result, lang), fontsize=size * 1.25, y=0.985)
        bottom = 0.03 + 0.068 * len(equation_lines(result, lang))  # the equations' room
        low, high = bottom + 0.1, 0.8  # the panels, x labels below them, legends above
        data_ax = fig.add_axes((0.06, low, 0.5 if task != "multiclass" else 0.44, high - low))
        draw = {"regression": draw_regression, "binary": draw_binary,
                "multiclass": draw_multiclass, "information": draw_distributions}[task]  # fmt: skip
        draw(data_ax, result, theme=theme, lang=lang, size=size)
        if task == "regression":
            half = (high - low - 0.12) / 2
            draw_sweep(fig.add_axes((0.7, high - half, 0.23, half)), result, theme=theme,
                       lang=lang, size=size)  # fmt: skip
            draw_squares(fig.add_axes((0.7, low, 0.23, half)), result, theme=theme, lang=lang,
                         size=size)  # fmt: skip
        else:
            draw_sweep(fig.add_axes((0.7, low, 0.23, high - low)), result, theme=theme,
                       lang=lang, size=size)  # fmt: skip
        draw_equations(fig.add_axes((0.03, 0.01, 0.95, bottom - 0.01)), result, theme=theme,
                       lang=lang, size=size)  # fmt: skip
        for ax in fig.axes:  # one type size for every panel, in both looks
            ax.tick_params(labelsize=size * 0.85)
            ax.xaxis.label.set_fontsize(size)
            ax.yaxis.label.set_fontsize(size)
    return fig


def figure(result: LossResult, *, theme: Theme = LIGHT, lang: str = "en") -> Figure:
    """The figure ``dlviz loss`` draws."""
    return plot_loss(result, theme=theme, lang=lang)


# ---------------------------------------------------------------------------- the animation

MAX_FRAMES = 40  # sweep values an animation shows (evenly spaced, the ends included)


def frame_indices(result: LossResult) -> list[int]:
    """The sweep's indices the animation shows, first to last."""
    count = len(result.sweep.values)
    if count <= MAX_FRAMES:
        return list(range(count))
    return sorted(set(np.linspace(0, count - 1, MAX_FRAMES).round().astype(int).tolist()))


def sweep_caption(result: LossResult, at: int, lang: str) -> str:
    """'offset β₁[0] = 0.27: L = 0.0213, −log L = 3.85' (or q_t's H and KL)."""
    s = result.sweep
    value = f"{parameter_name(result, lang)} = {value_text(s.values[at])}"
    if result.spec.task == "information":
        return (f"t = {value_text(s.values[at])}: H(p, q_t) = {value_text(s.cross_entropy[at])}, "
                f"KL(p‖q_t) = {value_text(s.kl[at])}")  # fmt: skip
    return f"{value}: L = {value_text(s.likelihood[at])}, −log L = {value_text(s.nll[at])}"


def animate_loss(result: LossResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The swept parameter moving: the model's prediction over the data (or
    q_t beside p) and the likelihood and −log L curves tracing out."""
    from matplotlib.animation import FuncAnimation

    task = result.spec.task
    frames = frame_indices(result)
    with themed(theme):
        size = slide_font(theme)
        fig = new_figure(theme, SLIDE, layout=None)
        fig.suptitle(title(result, lang), fontsize=size * 1.25, y=0.985)
        caption = fig.text(0.5, 0.05, "", ha="center", fontsize=size * 1.1)
        data_ax = fig.add_axes((0.06, 0.2, 0.5 if task != "multiclass" else 0.44, 0.6))
        sweep_ax = fig.add_axes((0.7, 0.2, 0.23, 0.6))

        def update(i: int):
            at = frames[i]
            for ax in fig.axes[:]:
                if ax not in (data_ax, sweep_ax):
                    ax.remove()  # the twin axes of the last frame
            data_ax.clear()
            sweep_ax.clear()
            if task == "information":
                q = result.sweep.probs[at]
                draw_distributions(data_ax, result, theme=theme, lang=lang, q=q, size=size)
                data_ax.legend(["p", "q_t"], fontsize=size * 0.8)
            else:
                draw = {"regression": draw_regression, "binary": draw_binary,
                        "multiclass": draw_multiclass}[task]  # fmt: skip
                draw(data_ax, result, theme=theme, lang=lang, at=at, size=size)
            draw_sweep(sweep_ax, result, theme=theme, lang=lang, upto=at, size=size)
            caption.set_text(sweep_caption(result, at, lang))
            for ax in fig.axes:
                ax.tick_params(labelsize=size * 0.85)
            return ()

        update(0)
    anim = FuncAnimation(fig, update, frames=len(frames), blit=False)
    anim.dlviz_fps = 6  # a sweep of 40 values in about 7 s
    return anim


def animation(result: LossResult, *, theme: Theme = LIGHT, lang: str = "en"):
    """The parameter sweeping while the prediction moves and the curves trace out."""
    return animate_loss(result, theme=theme, lang=lang)
