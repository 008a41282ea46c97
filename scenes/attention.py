"""Lecture scene: attention one query at a time, then the whole matrix.

For the first queries: the scores against every key as bars, the softmax
turning them into weights, the output written as the weighted sum of the
values; then every head's matrix side by side.

Run alone: ``manim -ql scenes/attention.py AttentionScene``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    ImageMobject,
    Rectangle,
    Scene,
    Transform,
    VGroup,
)

from dlviz.compute import attention as A
from dlviz.scenes._common import colormap_image, label
from dlviz.theme import attention_kind, get_theme, text


class AttentionScene(Scene):
    # result: a computed AttentionResult (from the command line); without one
    # the scene runs the default spec
    params = {"result": None, "explained": 3, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or A.run(A.make_spec())
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(
            text("attention_title", lang, kind=attention_kind(r.kind, lang)),
            theme,
            lang,
            font_size=32,
        )
        self.play(FadeIn(title.to_edge(UP, buff=0.25)))
        keys = VGroup(*[label(t, theme, lang, font_size=24) for t in r.key_tokens])
        keys.arrange(RIGHT, buff=0.5).move_to(2.0 * DOWN)
        self.play(FadeIn(keys))
        scores = np.where(np.isfinite(r.scores[0]), r.scores[0], 0.0)
        span = np.abs(scores).max() or 1.0
        for i in range(min(self.params["explained"], len(r.query_tokens))):
            query = label(
                f"{text('queries', lang)}: {r.query_tokens[i]}",
                theme,
                lang,
                font_size=26,
                color=theme.palette[8],
            ).next_to(title, DOWN, 0.4)
            score_bars = self.bars(keys, scores[i] / span, theme.muted)
            weight_bars = self.bars(keys, r.weights[0, i], theme.palette[8])
            name = label(text("scores", lang), theme, lang, font_size=22).next_to(score_bars, LEFT)
            self.play(FadeIn(query), FadeIn(score_bars), FadeIn(name), run_time=0.8)
            softmax = label("softmax →", theme, lang, font_size=22).move_to(name)
            self.play(Transform(score_bars, weight_bars), Transform(name, softmax), run_time=1.0)
            total = " + ".join(
                f"{w:.2f}·v({t})"
                for w, t in zip(r.weights[0, i], r.key_tokens, strict=True)
                if w >= 0.01
            )
            out = label(
                text("attention_output", lang, total=total), theme, lang, font_size=20
            ).to_edge(DOWN, buff=0.3)
            out.scale_to_fit_width(min(out.width, 13))
            self.play(FadeIn(out), run_time=0.6)
            self.wait(0.6)
            self.play(FadeOut(query), FadeOut(score_bars), FadeOut(name), FadeOut(out))
        self.play(FadeOut(keys))
        self.show_matrices()
        self.wait(1.5)

    def bars(self, keys: VGroup, heights: np.ndarray, colour: str) -> VGroup:
        group = VGroup()
        for key, h in zip(keys, heights, strict=True):
            height = max(abs(h) * 1.8, 0.01)
            bar = Rectangle(
                width=0.4, height=height, fill_color=colour, fill_opacity=0.9, stroke_width=0
            )
            base = key.get_top() + 2.0 * UP  # the zero line; negative scores hang below it
            bar.move_to(base + (UP if h >= 0 else DOWN) * height / 2)
            bar.set_x(key.get_x())
            group.add(bar)
        return group

    def show_matrices(self) -> None:
        """Every head's weights as an image, side by side."""
        r, theme = self.result, self.theme
        images = []
        for h in range(r.heads):
            image = ImageMobject(
                np.kron(colormap_image(r.weights[h], theme.cmap), np.ones((8, 8, 1), np.uint8))
            )
            image.height = min(4.5, 10 / r.heads)
            images.append(image)
        # ImageMobjects do not join a VGroup: place them by hand
        width = sum(im.width for im in images) + 0.4 * (len(images) - 1)
        x = -width / 2
        for image in images:
            image.move_to([x + image.width / 2, -0.3, 0])
            x += image.width + 0.4
        self.play(*[FadeIn(im) for im in images], run_time=1.2)


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "AttentionScene"
