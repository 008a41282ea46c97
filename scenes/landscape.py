"""Lecture scene: a loss landscape appears, its formula is written, the minimum
is revealed.  Run alone: ``manim -ql scenes/landscape.py LandscapeScene``."""

from __future__ import annotations

from dlviz.scenes._common import colormap_image, formula, label
from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Axes,
    Create,
    Cross,
    FadeIn,
    Flash,
    GrowFromCenter,
    ImageMobject,
    Rectangle,
    Scene,
    Star,
    VGroup,
    Write,
)

from dlviz.compute.landscape import compute_landscape, make_landscape, unit_scale
from dlviz.theme import get_theme, landscape_axis_names, landscape_name, text

BANDS = 24


class LandscapeScene(Scene):
    params = {
        "name": "gabor",
        "x_range": None,
        "y_range": None,
        "resolution": 241,
        "coeffs": None,
        "ridge": 0.0,
        "log_scale": None,
        "theme": "dark",
        "lang": "en",
    }

    def setup(self):
        p = self.params
        self.theme = get_theme(p["theme"])
        self.lang = p["lang"]
        land = make_landscape(p["name"], coeffs=p["coeffs"], ridge=p["ridge"])
        self.log_scale = land.log_scale if p["log_scale"] is None else p["log_scale"]
        self.result = compute_landscape(
            land, x_range=p["x_range"], y_range=p["y_range"], resolution=p["resolution"]
        )
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(
            text("landscape_title", lang, name=landscape_name(r.name, lang)),
            theme,
            lang,
            font_size=38,
        ).to_edge(UP, buff=0.25)
        axes, frame = self.make_axes()
        surface = self.make_image(axes)
        loss_formula = formula(r.formula, theme, font_size=34)
        loss_formula.scale_to_fit_width(min(loss_formula.width, 11.0)).to_edge(DOWN, buff=0.2)
        self.play(FadeIn(title), Create(frame), run_time=1.2)
        self.play(FadeIn(surface), run_time=1.5)
        self.play(Write(loss_formula), run_time=2)
        self.reveal_minimum(axes)
        self.wait(1.5)

    def make_axes(self) -> tuple[Axes, VGroup]:
        """Coordinates (an invisible Axes, whose own lines would cross the plot
        at zero) and the visible frame with ticks and axis names."""
        r, theme, lang = self.result, self.theme, self.lang
        (x0, x1), (y0, y1) = (r.x[0], r.x[-1]), (r.y[0], r.y[-1])
        axes = Axes(
            x_range=[x0, x1, (x1 - x0) / 4],
            y_range=[y0, y1, (y1 - y0) / 4],
            x_length=9.0,
            y_length=4.3,
            tips=False,
        )
        axes.move_to(0.25 * UP + 0.9 * LEFT)
        frame = VGroup(
            Rectangle(
                width=axes.x_length, height=axes.y_length, color=theme.foreground, stroke_width=2
            ).move_to(axes)
        )
        for value in (x0, (x0 + x1) / 2, x1):
            frame.add(
                label(f"{value:g}", theme, lang, font_size=20).next_to(
                    axes.c2p(value, y0), DOWN, buff=0.12
                )
            )
        for value in (y0, (y0 + y1) / 2, y1):
            frame.add(
                label(f"{value:g}", theme, lang, font_size=20).next_to(
                    axes.c2p(x0, value), LEFT, buff=0.12
                )
            )
        x_name, y_name = landscape_axis_names(r.name, lang)
        frame.add(label(x_name, theme, lang, font_size=24).next_to(frame[0], DOWN, buff=0.45))
        frame.add(
            label(y_name, theme, lang, font_size=24)
            .rotate(PI / 2)
            .next_to(frame[0], LEFT, buff=0.75)
        )
        return axes, frame

    def make_image(self, axes: Axes) -> ImageMobject:
        values = unit_scale(self.result.loss, self.log_scale)[::-1]  # row 0 = top of the image
        image = ImageMobject(colormap_image(values, self.theme.cmap, levels=BANDS))
        image.stretch_to_fit_width(axes.x_length).stretch_to_fit_height(axes.y_length)
        image.move_to(
            axes.c2p(
                (self.result.x[0] + self.result.x[-1]) / 2,
                (self.result.y[0] + self.result.y[-1]) / 2,
            )
        )
        return image

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
