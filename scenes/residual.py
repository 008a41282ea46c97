"""Lecture scene: activations flowing block by block through a residual and a
scaled residual network; the variance sum written and evaluated.

Run alone: ``manim -ql scenes/residual.py ResidualFlowScene``.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Rectangle, Scene, Transform, VGroup, Write

from dlviz.compute import residual as V
from dlviz.scenes._common import formula, label
from dlviz.theme import get_theme, series_color, step_text, text

BINS = 40
SHOWN = ("residual", "scaled")


class ResidualFlowScene(Scene):
    # result: a computed VarianceResult (from the command line); without one
    # the scene runs a short spec of the two variants it compares
    # the first ``explained`` blocks at full pace, the rest ``speedup`` times faster
    params = {"result": None, "theme": "dark", "lang": "en", "explained": 3, "speedup": 3}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or V.run(V.make_spec(variants=SHOWN, depth=8, repeats=1))
        self.shown = list(self.result.forward)  # every variant asked for
        self.camera.background_color = self.theme.background

    def construct(self):
        theme, lang, r = self.theme, self.lang, self.result
        title = label(
            text("residual_title", lang, width=r.width, batch=r.batch), theme, lang, font_size=28
        ).to_edge(UP, buff=0.25)
        # what is measured and plotted: the second moment E[h²]
        equation = formula(
            r"\mathbb{E}[(h + f(h))^2] = \mathbb{E}[h^2] + \mathbb{E}[f(h)^2]", theme, font_size=32
        ).next_to(title, DOWN, buff=0.25)
        note = label(text("residual_identity", lang), theme, lang, font_size=20, color=theme.muted)
        equation = VGroup(equation, note.next_to(equation, DOWN, buff=0.12))
        names = VGroup(
            *[
                label(
                    text(v, lang),
                    theme,
                    lang,
                    font_size=24,
                    color=series_color(theme, (0, 8, 2, 6)[V.VARIANTS.index(v)]),
                )
                for v in self.shown
            ]
        )
        self.panel = min(4.0, 12.4 / len(self.shown) - 0.4)  # each histogram's width
        for i, name in enumerate(names):
            name.scale_to_fit_width(min(name.width, self.panel))
            name.move_to([(i - (len(names) - 1) / 2) * (self.panel + 0.4), 0, 0])
        names.next_to(equation, DOWN, buff=0.3)
        self.play(FadeIn(title), Write(equation), FadeIn(names), run_time=1.5)
        bars = self.histograms(0, names)
        numbers = self.numbers(0)
        self.play(FadeIn(bars), FadeIn(numbers), run_time=0.8)
        explained, speedup = self.params["explained"], self.params["speedup"]
        speed = None
        for k in range(1, r.depth + 1):
            if k == explained + 1 and r.depth - explained > 1:  # the rest, faster, and said so
                speed = label(
                    text("sped_up", lang, n=r.depth - explained, k=speedup),
                    theme,
                    lang,
                    font_size=22,
                    color=theme.palette[8],
                ).to_edge(LEFT, buff=0.3)
                speed.set_y(equation[0].get_y())  # beside the identity, clear of the bars
                self.play(FadeIn(speed), run_time=0.5)
            # the numbers change at once, in place (morphing text is slow and hard to read)
            numbers.become(self.numbers(k))
            full = k <= explained
            # a block in full: the bars move, then a pause; sped up, both in 1/speedup the time
            self.play(
                Transform(bars, self.histograms(k, names)),
                run_time=1.2 if full else (1.2 + 0.6) / speedup,
            )
            if full:
                self.wait(0.6)
        if speed is not None:
            self.play(FadeOut(speed), run_time=0.3)
        self.wait(1.5)

    def histograms(self, k: int, names: VGroup) -> VGroup:
        """Bars of each shown variant's activations at block k, on a fixed axis
        (±4 standard deviations of the widest block) so that spreading shows."""
        group = VGroup()
        # one axis for every variant at this block, so they can be compared
        limit = 4.0 * max(
            float(np.sqrt(np.nanmean(self.result.samples[v][k] ** 2))) for v in self.shown
        )
        for v, name in zip(self.shown, names, strict=True):
            values = self.result.samples[v][k]
            counts, _ = np.histogram(
                values[np.isfinite(values)], bins=BINS, range=(-limit, limit), density=True
            )
            peak = max(counts.max(), 1e-12)
            colour = series_color(self.theme, (0, 8, 2, 6)[V.VARIANTS.index(v)])
            bars = VGroup(
                *[
                    Rectangle(
                        width=self.panel / BINS,
                        height=max(2.6 * c / peak, 0.01),
                        fill_color=colour,
                        fill_opacity=0.85,
                        stroke_width=0,
                    )
                    for c in counts
                ]
            )
            bars.arrange(RIGHT, buff=0, aligned_edge=DOWN).next_to(name, DOWN, buff=0.4)
            group.add(bars)
        return group

    def numbers(self, k: int) -> VGroup:
        """The block, and each variant's measured E[h²] across it with the
        theory's factor (the histograms share one axis: ±4·√E[h²] of the widest)."""
        r, theme, lang = self.result, self.theme, self.lang
        lines = VGroup(label(f"{text('block', lang)} {k}", theme, lang, font_size=24))
        if k:
            for v in self.shown:
                lines.add(label(step_text(r, v, k, lang), theme, lang, font_size=18))
        lines.arrange(DOWN, buff=0.08)
        lines.scale_to_fit_width(min(lines.width, 13.0))
        return lines.to_edge(DOWN, buff=0.2)


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "ResidualFlowScene"
