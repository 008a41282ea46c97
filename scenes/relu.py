"""Lecture scenes for ReLU networks.

ReluRegionsScene (2 inputs): layer by layer, the new units' lines cut the
existing regions, the count ticking up; the bound beside the count.
ReluSumScene (1 input): the last hidden layer's units, weighted, summed one
by one into the output, whose joints appear as they are made.

Run alone: ``manim -ql scenes/relu.py ReluRegionsScene`` (or ReluSumScene).
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
    Polygon,
    Scene,
    Transform,
    VGroup,
)

from dlviz.compute import relu as R
from dlviz.compute import relu_fit as F
from dlviz.render.relu_fit import claim_lines, target_name
from dlviz.scenes._common import label, polyline, span
from dlviz.theme import CUT_COLOUR, REGION_COLOURS, get_theme, text, wrap


class ReluRegionsScene(Scene):
    # result: a computed ReluResult holding its cuts (from the command line);
    # without one the scene runs a small network's spec. The first ``explained``
    # units of each layer are shown in full, the rest ``speedup`` times faster.
    params = {"result": None, "theme": "dark", "lang": "en", "explained": 2, "speedup": 4}

    FULL = (0.8, 0.8, 0.4)  # seconds: the line enters, the region splits, a pause
    PANEL = 6.2  # width of the text column right of the map

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or R.run(R.make_spec(widths=(6, 6)), cuts=True)
        if not self.result.cuts:  # a result drawn as a figure: cut again, keeping the frames
            self.result = R.run(self.result.spec, cuts=True)
        self.net = self.result.network
        self.camera.background_color = self.theme.background

    def construct(self):
        theme, lang, net = self.theme, self.lang, self.net
        x0, x1, y0, y1 = self.result.spec.domain
        side = 6.7
        axes = Axes(
            x_range=span(x0, x1),
            y_range=span(y0, y1),
            x_length=side,
            y_length=side,
            tips=False,
            axis_config={"color": theme.muted},
        )
        axes.to_edge(LEFT, buff=0.35).to_edge(DOWN, buff=0.3)
        self.left = axes.get_right()[0] + 0.5
        title = label(
            text("relu_title_2d", lang, widths="×".join(map(str, net.widths))),
            theme,
            lang,
            font_size=32,
        ).to_edge(UP, buff=0.25)
        self.play(FadeIn(title), Create(axes), run_time=1.0)
        self.shown = [self.polygon(axes, self.box(), 0)]
        self.add(*self.shown)
        count = self.slot(self.count_text(1, 0), -0.6)
        self.add(count)
        caption = unit = split = speed = None
        explained, k = self.params["explained"], self.params["speedup"]
        before = 1
        for cut in self.result.cuts:
            units = net.widths[cut.layer]
            full = cut.unit < explained
            if cut.unit == 0:  # a new layer: say what its lines do
                key = "relu_layer_first" if cut.layer == 0 else "relu_layer_deeper"
                new = self.slot(
                    self.wrapped(text(key, lang, layer=cut.layer + 1), 24), 3.1, top=True
                )
                self.play(FadeIn(new) if caption is None else Transform(caption, new))
                caption = caption or new
                self.wait(1.0)
            if cut.unit == explained and units > explained:
                speed = self.slot(
                    label(
                        text("sped_up", lang, n=units - explained, k=k),
                        theme,
                        lang,
                        font_size=24,
                        color=CUT_COLOUR,
                    ),
                    -2.9,
                )
                self.play(FadeIn(speed), run_time=0.5)
            enter, grow, pause = (t if full else t / k for t in self.FULL)
            new_unit = self.slot(
                label(
                    text(
                        "relu_cut_unit", lang, layer=cut.layer + 1, unit=cut.unit + 1, units=units
                    ),
                    theme,
                    lang,
                    font_size=28,
                ),
                1.15,
            )
            new_split = self.slot(
                label(
                    text("relu_cut_split", lang, split=len(cut.parents), before=before),
                    theme,
                    lang,
                    font_size=24,
                    color=theme.muted,
                ),
                0.55,
            )
            line = VGroup(
                *[
                    Line(axes.c2p(*a), axes.c2p(*b), color=CUT_COLOUR, stroke_width=7)
                    for a, b in cut.segments
                ]
            )
            texts = [(unit, new_unit), (split, new_split)]
            self.play(
                *[FadeIn(n) if o is None else Transform(o, n) for o, n in texts],
                *([Create(line)] if len(line) else []),
                run_time=enter,
            )
            unit, split = unit or new_unit, split or new_split
            changes = self.split(axes, cut)
            self.bring_to_front(line)  # the halves were added on top
            self.play(
                *changes,
                Transform(
                    count, self.slot(self.count_text(len(cut.polygons), cut.layer + 1), -0.6)
                ),
                *([line.animate.set_stroke(opacity=0)] if len(line) else []),
                run_time=grow,
            )
            self.remove(line)
            self.wait(pause)
            before = len(cut.polygons)
            if cut.unit == units - 1 and speed is not None:
                self.play(FadeOut(speed), run_time=0.3)
                self.remove(speed)
                speed = None
        self.wait(2.0)

    def box(self) -> np.ndarray:
        x0, x1, y0, y1 = self.result.spec.domain
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])

    def split(self, axes: Axes, cut) -> list:
        """Each split region becomes its two halves: drawn in the parent's
        colour at first (the same picture), the new half then takes its own."""
        first_new = len(cut.polygons) - len(cut.parents)
        changes = []
        for j, parent in enumerate(cut.parents):
            child = first_new + j
            kept = self.polygon(axes, cut.polygons[parent], parent)
            half = self.polygon(axes, cut.polygons[child], parent)
            self.remove(self.shown[parent])
            self.add(kept, half)
            self.shown[parent] = kept
            self.shown.append(half)
            changes.append(half.animate.set_fill(region_colour(child), opacity=0.9))
        return changes

    def polygon(self, axes: Axes, poly: np.ndarray, k: int) -> Polygon:
        return Polygon(
            *[axes.c2p(x, y) for x, y in poly],
            fill_color=region_colour(k),
            fill_opacity=0.9,
            stroke_color=self.theme.background,
            stroke_width=1,
        )

    def slot(self, mob, y: float, top: bool = False):
        """``mob`` in the text column, its centre (or ``top``) at height ``y``."""
        if mob.width > self.PANEL:
            mob.scale_to_fit_width(self.PANEL)
        return mob.move_to([self.left + mob.width / 2, y - (mob.height / 2 if top else 0), 0])

    def wrapped(self, words: str, font_size: float):
        return label(wrap(words, 36, 2), self.theme, self.lang, font_size=font_size)

    def count_text(self, n: int, layers_done: int) -> VGroup:
        theme, lang = self.theme, self.lang
        bound = R.serra_bound(self.net.widths[: max(1, layers_done)], 2) if layers_done else 1
        lines = VGroup(
            label(text("regions_found_n", lang, n=n), theme, lang, font_size=32),
            label(
                f"{text('regions_bound', lang)}: {bound}",
                theme,
                lang,
                font_size=24,
                color=theme.muted,
            ),
        )
        return lines.arrange(DOWN, aligned_edge=LEFT)


def region_colour(k: int) -> str:
    return REGION_COLOURS[(7 * k) % len(REGION_COLOURS)]


class ReluSumScene(Scene):
    # the first ``explained`` units are added at full pace, the rest ``speedup`` times faster
    params = {"result": None, "theme": "dark", "lang": "en", "explained": 4, "speedup": 3}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or R.run(R.make_spec(input_dim=1, widths=(6,), seed=1))
        self.net = self.result.network
        self.camera.background_color = self.theme.background

    def construct(self):
        theme, lang, net = self.theme, self.lang, self.net
        (xs,) = self.result.grid
        lo, hi = xs[0], xs[-1]
        terms = self.result.terms
        partial = net.biases[-1][0] + np.cumsum(terms, axis=1)
        values = np.concatenate([partial.ravel(), terms.ravel()])
        pad = 0.1 * (np.ptp(values) or 1.0)
        axes = Axes(
            x_range=span(lo, hi),
            y_range=span(values.min() - pad, values.max() + pad),
            x_length=10,
            y_length=5.2,
            tips=False,
            axis_config={"color": theme.muted},
        ).shift(0.4 * DOWN)
        title = label(
            text(
                "relu_title_1d",
                lang,
                widths="×".join(map(str, net.widths)),
                n=self.result.regions.num_regions,
                pieces=self.result.regions.num_pieces,
            ),
            theme,
            lang,
            font_size=30,
        ).to_edge(UP, buff=0.25)
        self.play(FadeIn(title), Create(axes), run_time=1.0)
        total = polyline(axes, xs, np.full(len(xs), net.biases[-1][0]), theme.palette[8], 5)
        self.add(total)
        units, explained, k = terms.shape[1], self.params["explained"], self.params["speedup"]
        speed = None
        for j in range(units):
            if j == explained and units - explained > 1:  # the rest, faster, and said so
                speed = label(
                    text("sped_up", lang, n=units - explained, k=k),
                    theme,
                    lang,
                    font_size=24,
                    color=theme.palette[8],
                ).to_corner(DOWN + RIGHT, buff=0.3)
                self.play(FadeIn(speed), run_time=0.5)
            pace = 1.0 if j < explained else 1.0 / k
            unit = polyline(axes, xs, terms[:, j], theme.palette[0], 3)
            self.play(Create(unit), run_time=0.6 * pace)
            self.play(
                Transform(total, polyline(axes, xs, partial[:, j], theme.palette[8], 5)),
                unit.animate.set_stroke(opacity=0.25),
                run_time=0.8 * pace,
            )
        if speed is not None:
            self.play(FadeOut(speed), run_time=0.3)
        self.wait(1.5)


class ReluFitScene(Scene):
    """A shallow network built unit by unit to interpolate a target: after k
    units it equals f up to the knot t_k; then the counts and the error bound."""

    params = {"result": None, "theme": "dark", "lang": "en", "explained": 3, "speedup": 3}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or F.run_fit(F.make_fit_spec(units=6))
        self.camera.background_color = self.theme.background

    def construct(self):
        theme, lang, r = self.theme, self.lang, self.result
        net, (a, b) = r.fit, r.spec.domain
        h = r.spacing
        xs = np.linspace(a - h, b, 801)
        partial = [net.forward(xs, k) for k in range(net.units + 1)]
        values = np.concatenate([r.target, *partial])
        pad = 0.1 * (np.ptp(values) or 1.0)
        axes = Axes(x_range=span(a - h, b), y_range=span(values.min() - pad, values.max() + pad),
                    x_length=11, y_length=4.6, tips=False,
                    axis_config={"color": theme.muted}).shift(0.5 * DOWN)  # fmt: skip
        title = label(text("fit_title", lang, d=net.units, target=target_name(r, lang)), theme,
                      lang, font_size=28)  # fmt: skip
        title.scale_to_fit_width(min(title.width, 13.4)).to_edge(UP, buff=0.25)
        target = polyline(axes, r.xs, r.target, theme.muted, 10).set_stroke(opacity=0.5)
        knots = VGroup(*(Dot(axes.c2p(x, y), radius=0.06, color=theme.foreground)
                         for x, y in zip(net.knots, net.values, strict=True)))  # fmt: skip
        self.play(FadeIn(title), Create(axes), Create(target), run_time=1.2)
        self.play(FadeIn(knots), run_time=0.6)
        fit = polyline(axes, xs, partial[0], theme.palette[8], 5)
        self.add(fit)
        caption, explained, k = None, self.params["explained"], self.params["speedup"]
        for j in range(1, net.units + 1):
            pace = 1.0 if j <= explained else 1.0 / k
            words = label(text("fit_frame", lang, k=j, d=net.units), theme, lang, font_size=26)
            words.next_to(title, DOWN, buff=0.2)
            swap = [FadeIn(words)] + ([FadeOut(caption)] if caption is not None else [])
            self.play(Transform(fit, polyline(axes, xs, partial[j], theme.palette[8], 5)),
                      *swap, run_time=max(1.0, 1.2 * pace))  # fmt: skip
            caption = words
        claims = VGroup(*(label(s, theme, lang, font_size=24) for s in claim_lines(r, lang)))
        claims.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        claims.scale_to_fit_width(min(claims.width, 13.4)).to_edge(DOWN, buff=0.2)
        self.play(FadeOut(caption), axes.animate.shift(0.6 * UP), fit.animate.shift(0.6 * UP),
                  target.animate.shift(0.6 * UP), knots.animate.shift(0.6 * UP),
                  run_time=0.6)  # fmt: skip
        self.play(FadeIn(claims), run_time=0.8)
        self.wait(2.5)


def scene_for(result) -> str:
    """The scene that films ``result``: units summed (1-D), regions cut
    (2-D), or a fit built unit by unit."""
    if isinstance(result, F.FitResult):
        return "ReluFitScene"
    return "ReluSumScene" if result.spec.input_dim == 1 else "ReluRegionsScene"
