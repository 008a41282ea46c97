"""Lecture scenes for convolution.

ConvScene: input (padding shaded), kernel and output as grids of numbers; the
window slides, the multiply-and-sum is written for the first windows, then
the rest fill in faster; the output-size formula with the numbers.
ConvChannelsScene: several input channels, each with its kernel slice; their
partial sums appear and add up to the output.

Run alone: ``manim -ql scenes/conv.py ConvScene`` (or ConvChannelsScene).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    Scene,
    Square,
    SurroundingRectangle,
    VGroup,
    Write,
)

from dlviz.compute import conv as C
from dlviz.scenes._common import label
from dlviz.theme import get_theme, text


def default_result(channels: int = 1) -> C.ConvResult:
    """The command line's default case (5×5 with three channels), through the same spec."""
    if channels == 1:
        return C.run(C.make_spec())
    return C.run(C.make_spec(input_size=(5, 5), in_channels=channels))


class Grid(VGroup):
    """A matrix of numbered cells; ``cell(i, j)`` is the square of row i, column j."""

    def __init__(
        self, values, theme, lang, size: float, inside=None, pad_colour: str | None = None
    ):
        super().__init__()
        h, w = values.shape
        inside = np.ones((h, w), bool) if inside is None else inside
        self.squares, self.numbers = VGroup(), VGroup()
        for i in range(h):
            for j in range(w):
                square = Square(
                    side_length=size,
                    stroke_color=theme.muted,
                    stroke_width=1.5,
                    fill_color=theme.background if inside[i, j] else theme.grid,
                    fill_opacity=1,
                ).move_to([j * size, -i * size, 0])
                self.squares.add(square)
                colour = theme.foreground if inside[i, j] else (pad_colour or theme.muted)
                num = label(
                    C.number(values[i, j]), theme, lang, font_size=min(26, 60 * size), color=colour
                ).move_to(square)
                self.numbers.add(num)
        self.shape = (h, w)
        self.add(self.squares, self.numbers)

    def hide_numbers(self) -> Grid:
        """Keep the numbers where they belong but off screen until shown."""
        self.remove(self.numbers)
        return self

    def cell(self, i: int, j: int) -> Square:
        return self.squares[i * self.shape[1] + j]


class ConvScene(Scene):
    params = {"result": None, "theme": "dark", "lang": "en", "explained": 3, "fast_seconds": 5.0}

    def setup(self):
        self.theme, self.lang = get_theme(self.params["theme"]), self.params["lang"]
        self.result = self.params["result"] or default_result()
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(text("conv", lang), theme, lang, font_size=36).to_edge(UP, buff=0.25)
        size = min(0.8, 5.0 / max(r.padded.shape[1:]))
        inside = r.input_mask()
        grid_in = Grid(r.padded[0], theme, lang, size, inside, pad_colour=theme.palette[6])
        if r.slid_kernel is not None:
            kernel = Grid(r.slid_kernel[0, 0], theme, lang, size)
        else:  # pooling: the window, no weights
            kernel = Grid(np.zeros(r.spec.kernel_size), theme, lang, size).hide_numbers()
            kernel.add(label(r.spec.pool, theme, lang, font_size=30).move_to(kernel))
        grid_out = Grid(r.output[0], theme, lang, size)
        row = VGroup(grid_in, kernel, grid_out).arrange(RIGHT, buff=0.8)
        row.scale_to_fit_width(min(row.width, 13)).move_to(0.35 * UP)
        grid_out.hide_numbers()
        kernel_name = "kernel" if r.kernel is not None else "pool_window"
        names = VGroup(
            *[
                label(text(k, lang), theme, lang, font_size=22).next_to(g, UP, 0.15)
                for k, g in (("input", grid_in), (kernel_name, kernel), ("conv_output", grid_out))
            ]
        )
        formula = label(r.formula.replace("\n", "    "), theme, lang, font_size=24)
        formula.scale_to_fit_width(min(formula.width, 13)).to_edge(DOWN, buff=0.3)
        self.play(
            FadeIn(title),
            Create(grid_in),
            Create(kernel),
            Create(grid_out),
            FadeIn(names),
            run_time=1.5,
        )
        self.play(Write(formula), run_time=1.2)
        self.slide(grid_in, kernel, grid_out, formula)
        self.wait(1.0)

    def slide(self, grid_in: Grid, kernel: Grid, grid_out: Grid, formula) -> None:
        r, theme = self.result, self.theme
        oh, ow = r.output.shape[1:]
        window = None
        explained = min(self.params["explained"], oh * ow)
        fast = self.params["fast_seconds"] / max(1, oh * ow - explained)
        for step in range(oh * ow):
            cell, taps = r.taps(step)
            box = VGroup(
                *[
                    SurroundingRectangle(
                        grid_in.cell(i, j), color=theme.palette[8], buff=0, stroke_width=4
                    )
                    for i, j in taps
                ]
            )
            target = SurroundingRectangle(
                grid_out.cell(*cell), color=theme.palette[8], buff=0, stroke_width=4
            )
            moves = (
                [box, target]
                if window is None
                else [window[0].animate.become(box), window[1].animate.become(target)]
            )
            if window is None:
                self.play(Create(box), Create(target), run_time=0.6)
                window = VGroup(box, target)
            else:
                self.play(*moves, run_time=0.5 if step < explained else fast)
            value = grid_out.numbers[cell[0] * ow + cell[1]]
            if step < explained:
                sum_text = label(
                    C.window_text(
                        r, step, text("per_input_channel", self.lang), text("bias", self.lang)
                    ),
                    theme,
                    self.lang,
                    font_size=22,
                )
                sum_text.next_to(formula, UP, buff=0.3)
                if sum_text.width > 13:
                    sum_text.scale_to_fit_width(13)
                self.play(FadeIn(sum_text), Indicate(kernel, color=theme.palette[8]), run_time=1.0)
                self.play(FadeIn(value), FadeOut(sum_text), run_time=0.6)
            else:
                self.add(value)
        self.play(FadeOut(window), run_time=0.3)


class ConvChannelsScene(Scene):
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        self.theme, self.lang = get_theme(self.params["theme"]), self.params["lang"]
        self.result = self.params["result"] or default_result(channels=3)
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        channels = min(r.padded.shape[0], 3)
        title = label(
            text("conv_channels_title", lang, channels=r.padded.shape[0]), theme, lang, font_size=32
        ).to_edge(UP, buff=0.25)
        size = min(0.4, 2.0 / max(r.padded.shape[1:]))
        inside = r.input_mask()
        rows = VGroup()
        for c in range(channels):
            g = Grid(r.padded[c], theme, lang, size, inside)
            k = Grid(r.slid_kernel[0, c], theme, lang, size)
            rows.add(VGroup(g, k).arrange(RIGHT, buff=0.5))
        rows.arrange(DOWN, buff=0.3).to_edge(LEFT, buff=0.8).shift(0.3 * DOWN)
        grid_out = Grid(r.output[0], theme, lang, 0.5).to_edge(RIGHT, buff=1.0).hide_numbers()
        self.play(FadeIn(title), *[Create(row) for row in rows], Create(grid_out), run_time=1.5)
        oh, ow = r.output.shape[1:]
        for step in range(oh * ow):
            cell, taps = r.taps(step)
            partial = [
                sum(
                    r.padded[c, i, j] * r.slid_kernel[0, c].ravel()[t]
                    for t, (i, j) in enumerate(taps)
                )
                for c in range(r.padded.shape[0])
            ]
            value = grid_out.numbers[cell[0] * ow + cell[1]]
            if step > 0:
                self.add(value)
                continue
            boxes = VGroup(
                *[
                    SurroundingRectangle(
                        rows[c][0].cell(i, j), color=theme.palette[8], buff=0, stroke_width=3
                    )
                    for c in range(channels)
                    for i, j in taps
                ]
            )
            sums = VGroup(
                *[
                    label(f"= {C.number(p)}", theme, lang, font_size=24).next_to(
                        rows[c], RIGHT, buff=0.3
                    )
                    for c, p in enumerate(partial[:channels])
                ]
            )
            total = label(
                C.window_text(r, 0, text("per_input_channel", lang), text("bias", lang)),
                theme,
                lang,
                font_size=24,
            )
            total.scale_to_fit_width(min(total.width, 6.5))
            total.next_to(grid_out, DOWN, buff=0.5)
            self.play(Create(boxes), run_time=0.8)
            self.play(FadeIn(sums), run_time=0.8)
            self.play(FadeIn(total), FadeIn(value), run_time=1.0)
            self.wait(0.8)
            self.play(FadeOut(boxes), FadeOut(sums), run_time=0.4)
        self.wait(1.0)


def scene_for(result) -> str:
    """The scene that films ``result``: channels adding up, or the window sliding."""
    return "ConvChannelsScene" if result.input.shape[0] > 1 else "ConvScene"
