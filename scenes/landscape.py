"""Lecture scene: a loss landscape appears, its formula is written, the minimum
is revealed.  Run alone: ``manim -ql scenes/landscape.py LandscapeScene``."""

from __future__ import annotations

from manim import (DOWN, LEFT, UP, Axes, Create, FadeIn, Flash, GrowFromCenter, ImageMobject,
                   Scene, Star, Write)

from dlviz.compute.landscape import compute_landscape, make_landscape, unit_scale
from dlviz.scenes._common import colormap_image, formula, label
from dlviz.theme import get_theme, landscape_name, text

BANDS = 24


class LandscapeScene(Scene):
    params = {"name": "gabor", "x_range": None, "y_range": None, "resolution": 241,
              "coeffs": None, "ridge": 0.0, "log_scale": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme = get_theme(p["theme"])
        self.lang = p["lang"]
        land = make_landscape(p["name"], coeffs=p["coeffs"], ridge=p["ridge"])
        self.log_scale = land.log_scale if p["log_scale"] is None else p["log_scale"]
        self.result = compute_landscape(land, x_range=p["x_range"], y_range=p["y_range"],
                                        resolution=p["resolution"])
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(text("landscape_title", lang, name=landscape_name(r.name, lang)), theme,
                      lang, font_size=40).to_edge(UP, buff=0.35)
        axes = self.make_axes()
        surface = self.make_image(axes)
        loss_formula = formula(r.formula, theme, font_size=34)
        loss_formula.scale_to_fit_width(min(loss_formula.width, 12.5)).to_edge(DOWN, buff=0.3)
        self.play(FadeIn(title), Create(axes), run_time=1.2)
        self.play(FadeIn(surface), run_time=1.5)
        self.play(Write(loss_formula), run_time=2)
        self.reveal_minimum(axes)
        self.wait(1.5)

    def make_axes(self) -> Axes:
        r, theme = self.result, self.theme
        (x0, x1), (y0, y1) = (r.x[0], r.x[-1]), (r.y[0], r.y[-1])
        axes = Axes(x_range=[x0, x1, (x1 - x0) / 4], y_range=[y0, y1, (y1 - y0) / 4],
                    x_length=8.2, y_length=5.0, tips=False,
                    axis_config={"color": theme.foreground, "stroke_width": 2})
        axes.shift(0.1 * DOWN)
        for value in (x0, (x0 + x1) / 2, x1):
            tick = label(f"{value:g}", theme, self.lang, font_size=20)
            axes.add(tick.next_to(axes.c2p(value, y0), DOWN, buff=0.15))
        for value in (y0, (y0 + y1) / 2, y1):
            tick = label(f"{value:g}", theme, self.lang, font_size=20)
            axes.add(tick.next_to(axes.c2p(x0, value), LEFT, buff=0.15))
        names = self.axis_names()
        axes.add(label(names[0], theme, self.lang, font_size=24)
                 .next_to(axes.x_axis, DOWN, buff=0.45))
        axes.add(label(names[1], theme, self.lang, font_size=24).rotate(1.5708)
                 .next_to(axes.y_axis, LEFT, buff=0.55))
        return axes

    def axis_names(self) -> tuple[str, str]:
        if self.result.data is None:
            return "x", "y"
        keys = ("intercept", "slope") if self.result.name == "linear" else ("offset", "frequency")
        return tuple(f"φ{s} {text(k, self.lang)}" for s, k in zip("₀₁", keys))

    def make_image(self, axes: Axes) -> ImageMobject:
        values = unit_scale(self.result.loss, self.log_scale)[::-1]  # row 0 = top of the image
        image = ImageMobject(colormap_image(values, self.theme.cmap, levels=BANDS))
        image.stretch_to_fit_width(axes.x_length).stretch_to_fit_height(axes.y_length)
        image.move_to(axes.c2p((self.result.x[0] + self.result.x[-1]) / 2,
                               (self.result.y[0] + self.result.y[-1]) / 2))
        return image

    def reveal_minimum(self, axes: Axes) -> None:
        theme, lang, m = self.theme, self.lang, self.result.minimum
        stars = [Star(outer_radius=0.2, color=theme.minimum, fill_opacity=1)
                 .move_to(axes.c2p(p.x, p.y)) for p in self.result.minima]
        caption = label(f"{text('minimum', lang)}  ({m.x:.3g}, {m.y:.3g})   "
                        f"{text('loss', lang)} = {m.loss:.4g}", theme, lang, font_size=26,
                        color=theme.minimum)
        caption.next_to(axes, UP, buff=0.15)
        self.play(*[GrowFromCenter(s) for s in stars], run_time=0.8)
        self.play(*[Flash(s, color=theme.minimum) for s in stars], FadeIn(caption))
