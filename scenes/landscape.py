"""Lecture scene: a loss landscape appears, its formula is written, the minimum
is revealed.  Run alone: ``manim -ql scenes/landscape.py LandscapeScene``."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Cross,
    FadeIn,
    Flash,
    GrowFromCenter,
    Scene,
    Star,
    Write,
)

from dlviz.compute import landscape as L
from dlviz.scenes._common import formula, label, loss_image, plot_frame
from dlviz.theme import get_theme, landscape_name, text


class LandscapeScene(Scene):
    # result: a computed LandscapeResult (from the command line); without one
    # the scene runs the default spec
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme = get_theme(p["theme"])
        self.lang = p["lang"]
        self.result = p["result"] or L.run(L.make_spec())
        self.log_scale = self.result.spec.log_scale
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(
            text("landscape_title", lang, name=landscape_name(r.name, lang)),
            theme,
            lang,
            font_size=38,
        ).to_edge(UP, buff=0.25)
        axes, frame = plot_frame(r, theme, lang, center=0.25 * UP + 0.9 * LEFT)
        surface = loss_image(r, axes, theme, self.log_scale)
        loss_formula = formula(r.formula, theme, font_size=34)
        loss_formula.scale_to_fit_width(min(loss_formula.width, 11.0)).to_edge(DOWN, buff=0.2)
        self.play(FadeIn(title), Create(frame), run_time=1.2)
        self.play(FadeIn(surface), run_time=1.5)
        self.play(Write(loss_formula), run_time=2)
        self.reveal_minimum(axes)
        self.wait(1.5)

    def reveal_minimum(self, axes: Axes) -> None:
        theme, lang, m = self.theme, self.lang, self.result.minimum
        stars = [
            Star(outer_radius=0.2, color=theme.minimum, fill_opacity=1).move_to(axes.c2p(p.x, p.y))
            for p in self.result.minima
        ]
        caption = label(
            f"{text('minimum', lang)}\n({m.x:.3g}, {m.y:.3g})\n{text('loss', lang)} = {m.loss:.4g}",
            theme,
            lang,
            font_size=24,
            color=theme.minimum,
            line_spacing=1.2,
        )
        caption.next_to(axes, RIGHT, buff=0.35).align_to(axes, UP)
        self.play(*[GrowFromCenter(s) for s in stars], run_time=0.8)
        self.play(*[Flash(s, color=theme.minimum) for s in stars], FadeIn(caption))
        for p in self.result.saddles:
            mark = Cross(scale_factor=0.15, stroke_color=theme.saddle).move_to(axes.c2p(p.x, p.y))
            name = label(text("saddle_point", lang), theme, lang, font_size=22, color=theme.saddle)
            self.play(Create(mark), FadeIn(name.next_to(mark, DOWN, buff=0.12)), run_time=0.8)


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "LandscapeScene"
