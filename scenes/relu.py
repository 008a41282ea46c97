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
    FadeIn,
    Polygon,
    Scene,
    Transform,
    VGroup,
    VMobject,
)

from dlviz.compute import relu as R
from dlviz.scenes._common import label
from dlviz.theme import REGION_COLOURS, get_theme, text


class ReluRegionsScene(Scene):
    # result: a computed ReluResult holding its cuts (from the command line);
    # without one the scene runs a small network's spec
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or R.run(R.make_spec(widths=(6, 6)), cuts=True)
        if not self.result.cuts:  # a result drawn as a figure: cut again, keeping the frames
            self.result = R.run(self.result.spec, cuts=True)
        self.net = self.result.network
        self.layers: list[list] = [[] for _ in self.net.widths]
        for layer, _, polys in self.result.cuts:
            self.layers[layer].append(polys)
        self.camera.background_color = self.theme.background

    def construct(self):
        theme, lang = self.theme, self.lang
        x0, x1, y0, y1 = self.result.spec.domain
        axes = Axes(
            x_range=[x0, x1],
            y_range=[y0, y1],
            x_length=6.2,
            y_length=6.2,
            tips=False,
            axis_config={"color": theme.muted},
        ).shift(2.2 * LEFT + 0.2 * DOWN)
        title = label(
            text("relu_title_2d", lang, widths="×".join(map(str, self.net.widths))),
            theme,
            lang,
            font_size=32,
        ).to_edge(UP, buff=0.25)
        self.play(FadeIn(title), Create(axes), run_time=1.0)
        shown = self.region_group(axes, [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])])
        self.add(shown)
        count = self.counter(1, 0)
        self.add(count)
        for layer, frames in enumerate(self.layers):
            seconds = 3.0 / max(1, len(frames))
            for polys in frames:
                self.play(
                    Transform(shown, self.region_group(axes, polys)),
                    Transform(count, self.counter(len(polys), layer + 1)),
                    run_time=seconds,
                )
            self.wait(0.4)
        self.wait(1.5)

    def region_group(self, axes: Axes, polys: list) -> VGroup:
        group = VGroup()
        for k, poly in enumerate(polys):
            points = [axes.c2p(x, y) for x, y in poly]
            group.add(
                Polygon(
                    *points,
                    fill_color=REGION_COLOURS[(7 * k) % len(REGION_COLOURS)],
                    fill_opacity=0.9,
                    stroke_color=self.theme.background,
                    stroke_width=1,
                )
            )
        return group

    def counter(self, n: int, layers_done: int) -> VGroup:
        theme, lang = self.theme, self.lang
        bound = R.serra_bound(self.net.widths[: max(1, layers_done)], 2) if layers_done else 1
        lines = VGroup(
            label(text("regions_found_n", lang, n=n), theme, lang, font_size=30),
            label(
                f"{text('regions_bound', lang)}: {bound}",
                theme,
                lang,
                font_size=24,
                color=theme.muted,
            ),
        )
        return lines.arrange(DOWN, aligned_edge=LEFT).to_edge(RIGHT, buff=0.6)


class ReluSumScene(Scene):
    params = {"result": None, "theme": "dark", "lang": "en"}

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
        span = np.concatenate([partial.ravel(), terms.ravel()])
        pad = 0.1 * (np.ptp(span) or 1.0)
        axes = Axes(
            x_range=[lo, hi],
            y_range=[span.min() - pad, span.max() + pad],
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
        total = self.curve(axes, xs, np.full(len(xs), net.biases[-1][0]), theme.palette[8], 5)
        self.add(total)
        for j in range(terms.shape[1]):
            unit = self.curve(axes, xs, terms[:, j], theme.palette[0], 3)
            self.play(Create(unit), run_time=0.6)
            self.play(
                Transform(total, self.curve(axes, xs, partial[:, j], theme.palette[8], 5)),
                unit.animate.set_stroke(opacity=0.25),
                run_time=0.8,
            )
        self.wait(1.5)

    @staticmethod
    def curve(axes: Axes, xs: np.ndarray, ys: np.ndarray, colour: str, width: float):
        line = VMobject(stroke_color=colour, stroke_width=width)
        line.set_points_as_corners(np.array(axes.c2p(xs, ys)).T.reshape(-1, 3))
        return line


def scene_for(result) -> str:
    """The scene that films ``result``: units summed (1-D) or regions cut (2-D)."""
    return "ReluSumScene" if result.spec.input_dim == 1 else "ReluRegionsScene"
