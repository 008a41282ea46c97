"""Lecture scene: from likelihood to loss.

One parameter sweeps (the output's offset, σ, or q moving towards p) while
the model's prediction moves over the data and the likelihood and −log L
curves trace out; the sweep stops at the largest likelihood, and the run's
equations (the likelihood as a product, −log L as a sum, the loss by its
usual name) are written with its numbers.

Run alone: ``manim -ql scenes/loss.py LossScene``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Polygon,
    Rectangle,
    Scene,
    Transform,
    VGroup,
    VMobject,
)

from dlviz.compute import loss as L
from dlviz.compute.expr import number
from dlviz.render.loss import (
    LIKELIHOOD,
    MEAN,
    MISS,
    NLL,
    elided,
    equation_lines,
    frame_indices,
    parameter_name,
    sweep_caption,
    title,
    value_text,
)
from dlviz.scenes._common import label
from dlviz.theme import get_theme, series_color, text

FILMED = 24  # sweep values filmed
LINE_CHARS = 62  # an equation's numbers are wrapped to lines of about this many characters
PER_PAGE = 2  # equations on screen at once


class _Panel:
    """A box on screen and the map from data coordinates into it."""

    def __init__(self, centre, width: float, height: float, xs, ys):
        self.centre = np.array([centre[0], centre[1], 0.0])
        self.width, self.height = width, height
        self.x0, self.x1 = float(xs[0]), float(xs[1])
        self.y0, self.y1 = float(ys[0]), float(ys[1])

    def point(self, x: float, y: float) -> np.ndarray:
        u = (x - self.x0) / (self.x1 - self.x0) - 0.5
        v = (y - self.y0) / (self.y1 - self.y0) - 0.5
        return self.centre + np.array([u * self.width, v * self.height, 0.0])

    def box(self, theme) -> Rectangle:
        return Rectangle(width=self.width, height=self.height, color=theme.muted,
                         stroke_width=2).move_to(self.centre)  # fmt: skip

    def curve(self, xs, ys, colour: str, width: float = 4) -> VMobject:
        ys = np.clip(ys, self.y0, self.y1)  # a curve leaving the box is cut at its edge
        line = VMobject(stroke_color=colour, stroke_width=width)
        line.set_points_as_corners([self.point(x, y) for x, y in zip(xs, ys, strict=True)])
        return line


class LossScene(Scene):
    # result: a computed LossResult (from the command line); without one the
    # scene runs the default spec (UDL notebook 5.1's regression)
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or L.run(L.make_spec())
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        head, _, sub = title(r, lang).partition("\n")
        top = label(head, theme, lang, font_size=28)
        top.scale_to_fit_width(min(top.width, 13.4)).to_edge(UP, buff=0.2)
        heading = VGroup(top)
        if sub:
            heading.add(label(sub, theme, lang, font_size=20, color=theme.muted)
                        .next_to(top, DOWN, buff=0.12))  # fmt: skip
            heading[-1].scale_to_fit_width(min(heading[-1].width, 13.4))
        self.data = self.data_panel()
        self.sweep = self.sweep_panel()
        frames = self.frames()
        shown = self.draw_data(frames[0])
        traced = self.trace(frames[0])
        self.caption = label(sweep_caption(r, frames[0], lang), theme, lang, font_size=22)
        self.caption.to_edge(DOWN, buff=0.35)
        self.play(FadeIn(heading), FadeIn(self.data[1]), FadeIn(self.sweep[1]), FadeIn(shown),
                  FadeIn(traced), FadeIn(self.caption), run_time=1.0)  # fmt: skip
        for at in frames[1:]:
            self.caption.become(self.caption_at(at))
            self.play(Transform(shown, self.draw_data(at)), Transform(traced, self.trace(at)),
                      run_time=0.25)  # fmt: skip
        self.settle(shown, traced)
        self.play(FadeOut(shown), FadeOut(traced), FadeOut(self.data[1]),
                  FadeOut(self.sweep[1]), FadeOut(self.caption), FadeOut(self.marks),
                  run_time=0.6)  # fmt: skip
        self.write_equations(heading)

    # ------------------------------------------------------------------ the sweep

    def frames(self) -> list[int]:
        return filmed(self.result)

    def caption_at(self, at: int):
        line = label(sweep_caption(self.result, at, self.lang), self.theme, self.lang,
                     font_size=22)  # fmt: skip
        return line.scale_to_fit_width(min(line.width, 13.4)).to_edge(DOWN, buff=0.35)

    def settle(self, shown, traced) -> None:
        """End at the largest likelihood (or q = p): the data there, the curves whole."""
        r, theme, lang = self.result, self.theme, self.lang
        best = r.sweep.best
        self.caption.become(self.caption_at(best))
        whole = len(r.sweep.values) - 1
        self.play(Transform(shown, self.draw_data(best)), Transform(traced, self.trace(whole)),
                  run_time=0.6)  # fmt: skip
        panel = self.sweep[0]
        x = r.sweep.values[best]
        line = DashedLine(panel.point(x, panel.y0), panel.point(x, panel.y1), color=theme.muted)
        key = "loss_best_mix" if r.spec.task == "information" else "loss_best"
        note = label(text(key, lang, name=parameter_name(r, lang), value=value_text(x)), theme,
                     lang, font_size=20, color=theme.foreground)  # fmt: skip
        note.scale_to_fit_width(min(note.width, 13.4)).next_to(self.caption, UP, buff=0.15)
        self.marks = VGroup(line, note)
        self.play(FadeIn(self.marks), run_time=0.6)
        self.wait(1.5)

    # ------------------------------------------------------------------ the panels

    def data_panel(self) -> tuple[_Panel, VGroup]:
        r, lang = self.result, self.lang
        task = r.spec.task
        if task == "information":
            top = max(max(r.spec.p), float(r.sweep.probs.max())) * 1.15
            xs, ys = (-0.6, len(r.spec.p) - 0.4), (0.0, top)
            names = (text("loss_outcome", lang), text("loss_probability", lang))
        elif task == "multiclass":
            xs, ys = (-0.6, len(r.x) - 0.4), (0.0, 1.0)
            names = (text("loss_points_by_x", lang), text("loss_probability", lang))
        elif task == "binary":
            xs, ys = (r.grid[0], r.grid[-1]), (-0.08, 1.08)
            names = (text("loss_input", lang), text("loss_label", lang))
        else:
            low = min(float(r.y.min()), float((r.sweep.mu - 2 * r.sweep.sigma).min()))
            high = max(float(r.y.max()), float((r.sweep.mu + 2 * r.sweep.sigma).max()))
            pad = 0.05 * (high - low)
            xs, ys = (r.grid[0], r.grid[-1]), (low - pad, high + pad)
            names = (text("loss_input", lang), text("loss_output", lang))
        panel = _Panel((-2.3, 0.15), 6.6, 3.9, xs, ys)
        frame = self.frame_of(panel, names, numbered=task in ("regression", "binary"))
        keys = {"multiclass": [str(k) for k in range(r.spec.classes)],
                "information": ["p", "q_t"]}.get(task, [])  # fmt: skip
        if keys:  # which colour is which, in one row above the panel
            row = VGroup(*[label(key, self.theme, lang, font_size=20,
                                 color=series_color(self.theme, k))
                           for k, key in enumerate(keys)]).arrange(RIGHT, buff=0.3)  # fmt: skip
            if task == "multiclass":  # "class 0 1 2", each number in its class's colour
                name = text("loss_class", lang, k="").strip()
                row = VGroup(label(name, self.theme, lang, font_size=20), *row)
                row.arrange(RIGHT, buff=0.3)
            row.scale_to_fit_width(min(row.width, panel.width))
            frame.add(row.next_to(panel.point(panel.x0, panel.y1), UP, buff=0.1,
                                  aligned_edge=LEFT))  # fmt: skip
        return panel, frame

    def sweep_panel(self) -> tuple[_Panel, VGroup]:
        r, lang = self.result, self.lang
        s = r.sweep
        high = float(s.cross_entropy.max()) * 1.1 if s.kl is not None else 1.0
        panel = _Panel((4.35, 0.15), 3.9, 3.9, (s.values[0], s.values[-1]), (0.0, high))
        frame = self.frame_of(panel, (parameter_name(r, lang), ""), numbered=True, y_ticks=False)
        if s.kl is not None:  # the curves named in their colours, between them
            keys = VGroup(*[label(name, self.theme, lang, font_size=18,
                                  color=series_color(self.theme, colour))
                            for name, colour in (("H(p, q_t)", 1), ("KL(p‖q_t)", MISS),
                                                 ("H(p)", 0))])  # fmt: skip
            keys.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            middle = (r.entropy + float(s.kl.max())) / 2
            frame.add(keys.move_to(panel.point(s.values[-1], middle), aligned_edge=RIGHT)
                      .shift(LEFT * 0.15))  # fmt: skip
        if s.kl is None:  # the two curves, each in its own scale, named in its colour
            for key, colour, y in (("loss_likelihood_axis", LIKELIHOOD, 0.8),
                                   ("loss_nll_axis", NLL, 0.65)):  # fmt: skip
                name = label(text(key, lang), self.theme, lang, font_size=18,
                             color=series_color(self.theme, colour))  # fmt: skip
                frame.add(name.move_to(panel.point(s.values[0], y), aligned_edge=LEFT)
                          .shift(RIGHT * 0.15))  # fmt: skip
        return panel, frame

    def frame_of(self, panel: _Panel, names, numbered: bool, y_ticks: bool = True) -> VGroup:
        theme, lang = self.theme, self.lang
        frame = VGroup(panel.box(theme))
        if numbered:
            for x in np.linspace(panel.x0, panel.x1, 3):
                tick = label(number(x, 3), theme, lang, font_size=18)
                frame.add(tick.next_to(panel.point(x, panel.y0), DOWN, buff=0.1))
            if y_ticks:
                for y in np.linspace(panel.y0, panel.y1, 3):
                    tick = label(number(y, 2), theme, lang, font_size=18)
                    frame.add(tick.next_to(panel.point(panel.x0, y), LEFT, buff=0.1))
        x_name = label(names[0], theme, lang, font_size=20)
        x_name.scale_to_fit_width(min(x_name.width, panel.width))
        frame.add(x_name.next_to(panel.box(theme), DOWN, buff=0.45))
        if names[1] and y_ticks:
            y_name = label(names[1], theme, lang, font_size=20).rotate(np.pi / 2)
            frame.add(y_name.next_to(panel.box(theme), LEFT, buff=0.9 if numbered else 0.2))
        return frame

    # ------------------------------------------------------------------ one frame

    def draw_data(self, at: int) -> VGroup:
        task = self.result.spec.task
        if task == "regression":
            return self.regression(at)
        if task == "binary":
            return self.binary(at)
        if task == "multiclass":
            return self.multiclass(at)
        return self.distributions(at)

    def regression(self, at: int) -> VGroup:
        r, s, theme = self.result, self.result.sweep, self.theme
        panel = self.data[0]
        colour = series_color(theme, MEAN)
        mu, sigma = s.mu[at], s.sigma[at]
        upper = [panel.point(x, min(y, panel.y1)) for x, y in zip(r.grid, mu + 2 * sigma,
                                                                   strict=True)]  # fmt: skip
        lower = [panel.point(x, max(y, panel.y0)) for x, y in zip(r.grid, mu - 2 * sigma,
                                                                  strict=True)]  # fmt: skip
        band = Polygon(*upper, *reversed(lower), stroke_width=0, fill_color=colour,
                       fill_opacity=0.25)  # fmt: skip
        group = VGroup(band, panel.curve(r.grid, mu, colour))
        scale = 0.05 * panel.width / max(1.0, float(s.points.max()))
        for x, y, p in zip(r.x, r.y, s.points[at], strict=True):
            start = panel.point(x, y)
            group.add(Line(start, start + RIGHT * scale * p, color=series_color(theme, MISS),
                           stroke_width=5))  # fmt: skip
            group.add(Dot(start, radius=0.045, color=theme.foreground))
        return group

    def binary(self, at: int) -> VGroup:
        r, s, theme = self.result, self.result.sweep, self.theme
        panel = self.data[0]
        group = VGroup(panel.curve(r.grid, s.probs[at][:, 1], series_color(theme, MEAN)))
        lam = s.point_probs[at][:, 1]
        for x, y, value in zip(r.x, r.y, lam, strict=True):
            group.add(Line(panel.point(x, y), panel.point(x, value),
                           color=series_color(theme, MISS), stroke_width=4))  # fmt: skip
            group.add(Dot(panel.point(x, y), radius=0.045, color=theme.foreground))
        return group

    def multiclass(self, at: int) -> VGroup:
        r, theme = self.result, self.theme
        panel = self.data[0]
        probs = r.sweep.point_probs[at]
        order = np.argsort(r.x, kind="stable")
        width = 0.8 * panel.width / len(order)
        group = VGroup()
        for j, i in enumerate(order):
            low = 0.0
            for k, p in enumerate(probs[i]):
                bar = Rectangle(width=width, height=max(p * panel.height, 1e-3), stroke_width=0,
                                fill_color=series_color(theme, k), fill_opacity=0.9)  # fmt: skip
                group.add(bar.move_to(panel.point(j, low + p / 2)))
                if k == r.y[i]:
                    outline = Rectangle(width=width, height=max(p * panel.height, 1e-3),
                                        color=theme.foreground, stroke_width=3)  # fmt: skip
                    group.add(outline.move_to(panel.point(j, low + p / 2)))
                low += p
        return group

    def distributions(self, at: int) -> VGroup:
        r, theme = self.result, self.theme
        panel = self.data[0]
        group = VGroup()
        for k, (p, q) in enumerate(zip(r.spec.p, r.sweep.probs[at], strict=True)):
            for offset, value, colour in ((-0.2, p, 0), (0.2, q, 1)):
                height = max(value / panel.y1 * panel.height, 1e-3)
                bar = Rectangle(width=0.36 * panel.width / len(r.spec.p), height=height,
                                stroke_width=0, fill_color=series_color(theme, colour),
                                fill_opacity=0.9)  # fmt: skip
                group.add(bar.move_to(panel.point(k + offset, value / 2)))
        return group

    def trace(self, at: int) -> VGroup:
        """The sweep's curves up to ``at``, each scaled to the panel, with a dot at the end."""
        s, theme = self.result.sweep, self.theme
        panel = self.sweep[0]
        end = at + 1
        xs = s.values[:end]
        if s.kl is not None:
            series = ((s.cross_entropy, 1), (s.kl, MISS))
            scale = (lambda v: v,) * 2
        else:
            series = ((s.likelihood, LIKELIHOOD), (s.nll, NLL))
            scale = tuple(_unit(v, panel) for v, _ in series)
        group = VGroup()
        for (values, colour), fit in zip(series, scale, strict=True):
            ys = fit(values[:end])
            if end > 1:
                group.add(panel.curve(xs, ys, series_color(theme, colour)))
            group.add(Dot(panel.point(xs[-1], ys[-1]), radius=0.06,
                          color=series_color(theme, colour)))  # fmt: skip
        if s.kl is not None:
            h = self.result.entropy
            group.add(DashedLine(panel.point(panel.x0, h), panel.point(panel.x1, h),
                                 color=series_color(theme, 0)))  # fmt: skip
        return group

    # ------------------------------------------------------------------ the equations

    def write_equations(self, heading: VGroup) -> None:
        """The run's equations, two a page, each written under its name."""
        r, theme, lang = self.result, self.theme, self.lang
        here = VGroup()
        if r.spec.task != "information":
            here.add(label(f"{text('loss_this_run', lang)}: {parameter_name(r, lang)} = "
                           f"{value_text(r.current)}", theme, lang, font_size=22))  # fmt: skip
            here.next_to(heading, DOWN, buff=0.3)
            self.play(FadeIn(here), run_time=0.5)
        written = equation_lines(r, lang)
        names = [name for name, _ in written]
        texts = [_split(elided(eq.text(), lang), eq.prefix) for _, eq in r.equations]
        if len(names) > len(texts):  # the likelihood too small for a float: said in words
            texts.insert(0, [written[0][1]])
        blocks = [self.block(name, lines) for name, lines in zip(names, texts, strict=True)]
        below = here if len(here) else heading
        for first in range(0, len(blocks), PER_PAGE):
            page = VGroup(*blocks[first : first + PER_PAGE]).arrange(DOWN, aligned_edge=LEFT,
                                                                     buff=0.35)  # fmt: skip
            page.scale_to_fit_width(min(page.width, 13.4))
            page.next_to(below, DOWN, buff=0.35).set_x(0)
            for block in page:
                self.play(FadeIn(block), run_time=0.6)
                self.wait(1.2)
            self.wait(1.5)
            if first + PER_PAGE < len(blocks):
                self.play(FadeOut(page), run_time=0.4)

    def block(self, name: str, lines: list[str]) -> VGroup:
        theme, lang = self.theme, self.lang
        block = VGroup(label(name, theme, lang, font_size=18, color=theme.muted))
        for line in lines:
            block.add(label(line, theme, lang, font_size=22))
        return block.arrange(DOWN, aligned_edge=LEFT, buff=0.1)


def filmed(result) -> list[int]:
    """The sweep's indices the video films: at most FILMED of the animation's, ends included."""
    shown = frame_indices(result)
    if len(shown) <= FILMED:
        return shown
    picks = np.linspace(0, len(shown) - 1, FILMED).round().astype(int)
    return [shown[i] for i in sorted(set(picks.tolist()))]


def _unit(values: np.ndarray, panel: _Panel):
    """A map of ``values``'s range onto the panel's height (each curve in its own scale)."""
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo or 1.0
    return lambda v: panel.y0 + (panel.y1 - panel.y0) * (0.05 + 0.9 * (np.asarray(v) - lo) / span)


def _split(line: str, prefix: str) -> list[str]:
    """An equation as its symbolic left side, then its numbers wrapped at " + " or "·"."""
    head = prefix.rstrip().removesuffix("=").rstrip()
    rest = "= " + line[len(prefix) :]
    lines, current = [head], ""
    for piece in _pieces(rest):
        if current and len(current) + len(piece) > LINE_CHARS:
            lines.append(current.rstrip())
            current = "   " + piece.lstrip()
        else:
            current += piece
    return [*lines, current.rstrip()]


def _pieces(rest: str) -> list[str]:
    """``rest`` cut after each " + ", " − " and "·" (where a line may break)."""
    out, start = [], 0
    for i, ch in enumerate(rest):
        if ch == "·" or (rest[i : i + 3] in (" + ", " − ") and i > 0):
            out.append(rest[start : i + (1 if ch == "·" else 0)])
            start = i + (1 if ch == "·" else 0)
    out.append(rest[start:])
    return [p for p in out if p]


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "LossScene"
