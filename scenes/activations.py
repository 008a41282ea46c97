"""Lecture scene for activation functions.

ActivationsScene films the run's view:
- curves: each activation drawn beside its derivative, its saturated ends
  shaded; a tangent slides along a(z) while a dot on a′(z) gives its slope,
  then the largest slope is named (σ′ ≤ 1/4);
- shallow: UDL fig. 3.3's weighted units added into the output one at a time;
- collapse: W₂ · W₁ = W with the numbers, each entry as a sum of products,
  then a square grid carried through both linear layers (straight) and
  with the activation between (bent).

Run alone: ``manim -ql scenes/activations.py ActivationsScene``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Rectangle,
    Scene,
    Transform,
    ValueTracker,
    VGroup,
    VMobject,
    always_redraw,
)

from dlviz.compute import activations as A
from dlviz.render.activations import activation_name, peak_text, saturation_text, value_text
from dlviz.scenes._common import label, polyline, span
from dlviz.theme import get_theme, text


class ActivationsScene(Scene):
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or A.run(A.make_spec(activations=("sigmoid", "tanh", "relu")))
        self.camera.background_color = self.theme.background

    def construct(self):
        view = self.result.spec.view
        {"curves": self.curves, "shallow": self.shallow, "collapse": self.collapse}[view]()
        self.wait(1.0)

    # ------------------------------------------------------------------ curves

    def curves(self):
        theme, lang, r = self.theme, self.lang, self.result
        title = self.text(text("act_title", lang), 34).to_edge(UP, buff=0.3)
        note = self.text(saturation_text(r, lang), 24, colour=theme.muted)
        note.scale_to_fit_width(min(note.width, 13.0)).to_edge(DOWN, buff=0.3)
        self.play(FadeIn(title), FadeIn(note), run_time=0.8)
        for c in r.curves:
            shown = self.curve_page(c)
            self.play(FadeOut(shown), run_time=0.5)

    def curve_page(self, c: A.Curve) -> VGroup:
        theme, lang, r = self.theme, self.lang, self.result
        xs = r.xs
        values = np.concatenate([c.values, c.slopes])
        pad = 0.1 * max(np.ptp(values), 1e-9)
        axes = Axes(x_range=span(xs[0], xs[-1]),
                    y_range=span(values.min() - pad, values.max() + pad),
                    x_length=7.6, y_length=4.4, tips=False,
                    axis_config={"color": theme.muted}).shift(0.2 * DOWN + 2.6 * LEFT)  # fmt: skip
        shade = VGroup(*(self.band(axes, lo, hi) for lo, hi in c.saturated))
        value = polyline(axes, xs, c.values, theme.palette[0], 5)
        slope = polyline(axes, xs, c.slopes, theme.palette[8], 4)
        name = self.text(activation_name(r, c.name, lang), 32).next_to(axes, UP, buff=0.2)
        keys = VGroup(
            self.text(text("act_value", lang), 26, colour=theme.palette[0]),
            self.text(text("act_slope", lang), 26, colour=theme.palette[8]),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        keys.scale_to_fit_width(min(keys.width, 5.2))
        keys.next_to(axes, RIGHT, buff=0.4).align_to(axes, UP)
        self.play(FadeIn(shade), Create(axes), FadeIn(name), FadeIn(keys), run_time=0.8)
        self.play(Create(value), Create(slope), run_time=1.0)
        z = ValueTracker(float(xs[0]))
        p, half = r.spec.params, 0.08 * (xs[-1] - xs[0])

        def tangent():
            at = z.get_value()
            f, s = float(A.activate(c.name, at, p)), float(A.derivative(c.name, at, p))
            return Line(axes.c2p(at - half, f - s * half), axes.c2p(at + half, f + s * half),
                        color=theme.palette[2], stroke_width=5)  # fmt: skip

        def on_slope():
            at = z.get_value()
            return Dot(axes.c2p(at, float(A.derivative(c.name, at, p))), color=theme.palette[8])

        moving = VGroup(always_redraw(tangent), always_redraw(on_slope))
        self.add(moving)
        self.play(z.animate.set_value(float(xs[-1])), run_time=2.5)
        moving.clear_updaters()
        top = c.peak
        if top.lo == top.hi:
            mark = Dot(axes.c2p(top.lo, top.value), radius=0.1, color=theme.palette[8])
        else:
            mark = Line(axes.c2p(top.lo, top.value), axes.c2p(top.hi, top.value),
                        color=theme.palette[8], stroke_width=12, stroke_opacity=0.5)  # fmt: skip
        self.play(FadeOut(moving), FadeIn(mark), run_time=0.5)
        lines = [peak_text(c.peak, lang)]
        if c.identity is not None:  # "σ′ = σ·(1 − σ)" over "= 0.5·(1 − 0.5) = 0.25"
            eq = c.identity
            lines += [eq.prefix.rstrip(" ="), "= " + eq.text()[len(eq.prefix) :]]
        words = VGroup(*(self.text(s, 26) for s in lines)).arrange(DOWN, aligned_edge=LEFT)
        words.scale_to_fit_width(min(words.width, 5.2))
        words.next_to(keys, DOWN, buff=0.5).align_to(keys, LEFT)
        self.play(FadeIn(words), run_time=0.6)
        self.wait(1.2)
        return VGroup(shade, axes, value, slope, name, keys, mark, words)

    def band(self, axes: Axes, lo: float, hi: float) -> Rectangle:
        (x0, y0, _), (x1, y1, _) = axes.c2p(lo, axes.y_range[0]), axes.c2p(hi, axes.y_range[1])
        box = Rectangle(width=x1 - x0, height=y1 - y0, stroke_width=0)
        box.set_fill(self.theme.muted, opacity=0.25).move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
        return box

    # ------------------------------------------------------------------ shallow

    def shallow(self):
        theme, lang, r = self.theme, self.lang, self.result
        s, spec = r.shallow, r.spec
        name = activation_name(r, spec.activations[0], lang)
        partial = spec.phi[0] + np.cumsum(s.weighted, axis=1)
        values = np.concatenate([partial.ravel(), s.weighted.ravel(), [spec.phi[0]]])
        pad = 0.1 * max(np.ptp(values), 1e-9)
        axes = Axes(x_range=span(r.xs[0], r.xs[-1]),
                    y_range=span(values.min() - pad, values.max() + pad),
                    x_length=10, y_length=5.0, tips=False,
                    axis_config={"color": theme.muted}).shift(0.5 * DOWN)  # fmt: skip
        title = self.text(text("act_shallow_title", lang, name=name, n=len(spec.theta)), 30)
        title.scale_to_fit_width(min(title.width, 13.4)).to_edge(UP, buff=0.3)
        self.play(FadeIn(title), Create(axes), run_time=1.0)
        total = polyline(axes, r.xs, np.full(len(r.xs), spec.phi[0]), theme.foreground, 6)
        self.add(total)
        caption = None
        for d in range(len(spec.theta)):
            unit = polyline(axes, r.xs, s.weighted[:, d], theme.palette[d % 8], 4)
            words = self.text(text("act_sum_frame", lang, k=d + 1, n=len(spec.theta), name=name),
                              26).next_to(title, DOWN, buff=0.25)  # fmt: skip
            swap = [FadeIn(words)] + ([FadeOut(caption)] if caption is not None else [])
            self.play(Create(unit), *swap, run_time=0.8)
            self.play(Transform(total, polyline(axes, r.xs, partial[:, d], theme.foreground, 6)),
                      unit.animate.set_stroke(opacity=0.3), run_time=0.9)  # fmt: skip
            caption = words

    # ------------------------------------------------------------------ collapse

    def collapse(self):
        theme, lang, c = self.theme, self.lang, self.result.collapse
        title = self.text(text("act_collapse_title", lang), 30)
        title.scale_to_fit_width(min(title.width, 13.4)).to_edge(UP, buff=0.3)
        self.play(FadeIn(title), run_time=0.8)
        blue = theme.palette[0]
        top = self.row([(c.w2, "W₂"), "·", (c.w1, "W₁"), "=", (c.w, "W", blue)])
        low = self.row([(c.w2, "W₂"), "·", (c.b1[:, None], "b₁"), "+", (c.b2[:, None], "b₂"),
                        "=", (c.b[:, None], "b", blue)])  # fmt: skip
        VGroup(top, low).arrange(DOWN, buff=0.6).next_to(title, DOWN, buff=0.5)
        self.play(FadeIn(top), run_time=1.0)
        self.play(FadeIn(low), run_time=1.0)
        self.wait(1.5)
        self.play(FadeOut(top), FadeOut(low), run_time=0.5)
        lines = [e.text() for e in c.products]
        page = VGroup(*(self.text(s, 26) for s in lines)).arrange(DOWN, aligned_edge=LEFT)
        page.scale_to_fit_width(min(page.width, 13.0)).next_to(title, DOWN, buff=0.5)
        self.play(FadeIn(page), run_time=1.0)
        self.wait(2.0)
        self.play(FadeOut(page), run_time=0.5)
        example = [text("act_example", lang, x=", ".join(value_text(v) for v in c.x))]
        example += [e.text() for e in c.example]
        page = VGroup(*(self.text(s, 26) for s in example)).arrange(DOWN, aligned_edge=LEFT)
        page.scale_to_fit_width(min(page.width, 13.0)).next_to(title, DOWN, buff=0.5)
        self.play(FadeIn(page), run_time=1.0)
        self.wait(2.0)
        self.play(FadeOut(page), run_time=0.5)
        self.images()

    def images(self):
        theme, lang, c = self.theme, self.lang, self.result.collapse
        name = activation_name(self.result, self.result.spec.activations[0], lang)
        panels = []
        for k, (image, colour, key) in enumerate(
            (
                (c.linear, theme.palette[0], "act_images_linear"),
                (c.bent, theme.palette[8], "act_bent"),
            )
        ):
            every = np.concatenate([c.grid, image]).reshape(-1, 2)
            lo, hi = every.min(axis=0), every.max(axis=0)
            pad = 0.06 * np.maximum(hi - lo, 1e-9)
            axes = Axes(x_range=span(lo[0] - pad[0], hi[0] + pad[0]),
                        y_range=span(lo[1] - pad[1], hi[1] + pad[1]), x_length=5.6, y_length=4.6,
                        tips=False, axis_config={"color": theme.muted})  # fmt: skip
            axes.shift((3.4 if k else -3.4) * RIGHT + 0.6 * DOWN)
            head = self.text(text(key, lang, name=name), 26).next_to(axes, UP, buff=0.2)
            head.scale_to_fit_width(min(head.width, 6.6))
            grid = VGroup(*(polyline(axes, g[:, 0], g[:, 1], theme.muted, 2) for g in c.grid))
            moved = VGroup(*(polyline(axes, g[:, 0], g[:, 1], colour, 3) for g in image))
            panels.append((axes, head, grid, moved))
        self.play(*(FadeIn(VGroup(a, h, g)) for a, h, g, _ in panels), run_time=1.0)
        self.play(*(Transform(g, m) for _, _, g, m in panels), run_time=2.5)
        dots = (c.grid @ c.w.T + c.b)[:, ::15].reshape(-1, 2)
        axes = panels[0][0]
        one = VGroup(*(Dot(axes.c2p(x, y), radius=0.05, color=theme.palette[2]) for x, y in dots))
        key = self.text(text("act_one_matrix", lang), 26, colour=theme.palette[2])
        key.next_to(axes, DOWN, buff=0.3)
        self.play(FadeIn(one), FadeIn(key), run_time=1.0)
        self.wait(1.5)

    def row(self, parts) -> VGroup:
        """Matrices with their names and the signs between, left to right."""
        out = VGroup()
        for part in parts:
            if isinstance(part, str):
                out.add(self.text(part, 34))
                continue
            m, name, *colour = part
            out.add(self.text(name, 30), self.matrix(m, colour[0] if colour else None))
        return out.arrange(RIGHT, buff=0.2)

    def matrix(self, m: np.ndarray, colour: str | None) -> VGroup:
        cells = [[self.text(value_text(v), 28, colour=colour) for v in row] for row in m]
        body = VGroup(*(VGroup(*row) for row in cells))
        width = max(cell.width for row in cells for cell in row) + 0.3
        for i, row in enumerate(cells):
            for j, cell in enumerate(row):
                cell.move_to([j * width, -i * 0.55, 0])
        h = body.height + 0.2
        left = VMobject(stroke_color=self.theme.foreground, stroke_width=3)
        left.set_points_as_corners(
            [[0.12, h / 2, 0], [0, h / 2, 0], [0, -h / 2, 0], [0.12, -h / 2, 0]]
        )
        right = left.copy().flip(UP)
        left.next_to(body, LEFT, buff=0.1)
        right.next_to(body, RIGHT, buff=0.1)
        return VGroup(left, body, right)

    # ------------------------------------------------------------------ helpers

    def text(self, words: str, size: float, colour: str | None = None):
        return label(
            words, self.theme, self.lang, font_size=size, color=colour or self.theme.foreground
        )


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "ActivationsScene"
