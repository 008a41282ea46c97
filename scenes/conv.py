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
    Scene,
    Square,
    SurroundingRectangle,
    VGroup,
    Write,
)

from dlviz.compute import conv as C
from dlviz.scenes._common import label
from dlviz.theme import get_theme, text

MIN_FONT = 19  # digits about 24 px tall at 1080p, in the CJK face too


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
                num = label(C.number(values[i, j]), theme, lang, font_size=20, color=colour)
                self.numbers.add(num.move_to(square))
        # one type size for the grid: the widest number fills at most 3/4 of a cell
        widest = max(n.width for n in self.numbers)
        font = min(26.0, 20 * 0.75 * size / widest)
        self.legible = font >= MIN_FONT
        for n in self.numbers:
            n.scale(font / 20)
        self.shape = (h, w)
        self.add(self.squares)
        if self.legible:  # else the cells are drawn without their numbers
            self.add(self.numbers)

    def hide_numbers(self) -> Grid:
        """Keep the numbers where they belong but off screen until shown."""
        self.remove(self.numbers)
        return self

    def number(self, i: int, j: int):
        """The number in cell (i, j); an empty group when too small to read."""
        if not self.legible:
            return VGroup()
        return self.numbers[i * self.shape[1] + j].move_to(self.cell(i, j))  # hidden: left behind

    def cell(self, i: int, j: int) -> Square:
        return self.squares[i * self.shape[1] + j]


class ConvScene(Scene):
    params = {"result": None, "theme": "dark", "lang": "en", "explained": 3, "fast_seconds": 5.0}
    FULL = (0.5, 1.0, 0.4, 0.6)  # an explained window: move, write its sum, pause, fill in

    def setup(self):
        self.theme, self.lang = get_theme(self.params["theme"]), self.params["lang"]
        self.result = self.params["result"] or default_result()
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        title = label(text("conv", lang), theme, lang, font_size=36).to_edge(UP, buff=0.25)
        widths = r.padded.shape[2] + r.spec.kernel_size[1] + r.output.shape[2]
        size = min(0.8, 5.0 / max(r.padded.shape[1:]), 11.4 / widths)  # the row fits, unscaled
        inside = r.input_mask()
        grid_in = Grid(r.padded[0], theme, lang, size, inside, pad_colour=theme.palette[6])
        if r.slid_kernel is not None:
            kernel = Grid(r.slid_kernel[0, 0], theme, lang, size)
        else:  # pooling: the window, no weights
            kernel = Grid(np.zeros(r.spec.kernel_size), theme, lang, size).hide_numbers()
            kernel.add(label(r.spec.pool, theme, lang, font_size=30).move_to(kernel))
        grid_out = Grid(r.output[0], theme, lang, size)
        VGroup(grid_in, kernel, grid_out).arrange(RIGHT, buff=0.8).move_to(0.35 * UP)
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
        r, theme, lang = self.result, self.theme, self.lang
        oh, ow = r.output.shape[1:]
        window = speed = None
        explained = min(self.params["explained"], oh * ow)
        rest = oh * ow - explained
        move, write, pause, fill = self.FULL
        # the rest take about fast_seconds, at a whole factor of an explained window's pace
        factor = max(2, round(sum(self.FULL) * rest / self.params["fast_seconds"]))
        fast = sum(self.FULL) / factor
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
            if step == explained and rest > 1:
                speed = label(text("sped_up", lang, n=rest, k=factor), theme, lang, font_size=22)
                speed.set_color(theme.palette[8]).next_to(grid_out, DOWN, buff=0.25)
                self.play(FadeIn(speed), run_time=0.5)
            if window is None:
                self.play(Create(box), Create(target), run_time=0.6)
                window = VGroup(box, target)
            else:
                self.play(
                    window[0].animate.become(box),
                    window[1].animate.become(target),
                    run_time=move if step < explained else fast,
                )
            value = grid_out.number(*cell)
            if step < explained:
                sum_text = label(
                    C.window_text(r, step, text("per_input_channel", lang), text("bias", lang)),
                    theme,
                    lang,
                    font_size=24,
                )
                sum_text.next_to(formula, UP, buff=0.3)
                if sum_text.width > 13:
                    sum_text.scale_to_fit_width(13)
                # the kernel's frame lights up; its numbers stay readable
                frame = SurroundingRectangle(kernel, color=theme.palette[8], buff=0.04)
                self.play(FadeIn(sum_text), Create(frame), run_time=write)
                self.wait(pause)
                self.play(FadeIn(value), FadeOut(sum_text), FadeOut(frame), run_time=fill)
            else:
                self.add(value)
        self.play(FadeOut(window), *([FadeOut(speed)] if speed else []), run_time=0.3)


class ConvChannelsScene(Scene):
    # up to ``shown`` input channels are drawn as columns (input above, the
    # kernel slice below); every output channel is filled, the first
    # ``explained`` windows of the first in full, the rest sped up
    params = {
        "result": None,
        "theme": "dark",
        "lang": "en",
        "explained": 2,
        "shown": 3,
        "speedup": 10,
    }
    FULL = (0.8, 1.0, 0.4, 1.0, 1.0, 0.4)  # an explained window, animation by animation

    def setup(self):
        self.theme, self.lang = get_theme(self.params["theme"]), self.params["lang"]
        self.result = self.params["result"] or default_result(channels=3)
        self.camera.background_color = self.theme.background

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        cin, cout = r.padded.shape[0], r.output.shape[0]
        shown = min(cin, self.params["shown"])
        title = label(
            text("conv_channels_title", lang, channels=cin), theme, lang, font_size=30
        ).to_edge(UP, buff=0.25)
        ph, pw = r.padded.shape[1:]
        kh, kw = r.spec.kernel_size
        size = min(0.5, 2.5 / pw, 2.7 / ph, 1.6 / kh)
        inside = r.input_mask()
        self.columns = VGroup()
        for c in range(shown):
            grid = Grid(r.padded[c], theme, lang, size, inside)
            kernel = Grid(r.slid_kernel[0, c], theme, lang, min(0.6, 1.8 / kh, 2.5 / kw))
            head = label(text("conv_input_channel", lang, k=c + 1), theme, lang, font_size=22)
            name = self.slice_name(0, c)
            self.columns.add(VGroup(head, grid, name, kernel).arrange(DOWN, buff=0.18))
        self.columns.arrange(RIGHT, buff=0.45, aligned_edge=UP).to_edge(LEFT, buff=0.35)
        self.columns.next_to(title, DOWN, buff=0.35).to_edge(LEFT, buff=0.35)
        right = self.columns.get_right()[0] + 0.5
        oh, ow = r.output.shape[1:]
        cols = 1 if cout <= 2 else 2  # output channels in one or two columns
        rows = -(-cout // cols)
        width = 6.9 - right
        out_size = min(
            0.8,
            (6.0 - rows * 0.45 - (rows - 1) * 0.25) / (rows * oh),
            (width - (cols - 1) * 0.3) / (cols * ow),
        )
        self.outputs = VGroup()
        for k in range(cout):
            grid = Grid(r.output[k], theme, lang, out_size).hide_numbers()
            head = label(text("conv_output_channel", lang, k=k + 1), theme, lang, font_size=20)
            self.outputs.add(VGroup(head, grid).arrange(DOWN, buff=0.12))
        self.outputs.arrange_in_grid(rows=rows, cols=cols, buff=(0.3, 0.25))
        self.outputs.next_to(title, DOWN, buff=0.35)
        self.outputs.set_x(right + self.outputs.width / 2)
        parts = [FadeIn(title), *[Create(col) for col in self.columns], Create(self.outputs)]
        if shown < cin:
            more = label(
                text("conv_more_channels", lang, first=shown + 1, last=cin),
                theme,
                lang,
                font_size=20,
                color=theme.muted,
            )
            parts.append(
                FadeIn(more.next_to(self.columns, DOWN, buff=0.2).align_to(self.columns, LEFT))
            )
        self.play(*parts, run_time=1.5)
        self.wait(0.5)
        for k in range(cout):
            self.fill(k, shown)
        self.wait(1.5)

    def slice_name(self, out: int, c: int):
        words = text("conv_kernel_slice", self.lang, out=out + 1, k=c + 1)
        return label(words, self.theme, self.lang, font_size=20, color=self.theme.muted)

    def fill(self, k: int, shown: int) -> None:
        """Output channel ``k``, window by window: the windows in every input
        channel, each channel's partial sum under its column, then the total."""
        r, theme, lang = self.result, self.theme, self.lang
        oh, ow = r.output.shape[1:]
        grid_out = self.outputs[k][1]
        colour = theme.palette[8]
        if k > 0:  # the kernel slices change: the next output channel's kernel
            note = label(text("conv_next_kernel", lang, k=k + 1), theme, lang, font_size=24)
            note.to_edge(DOWN, buff=0.3)
            changes = []
            for c in range(shown):
                column = self.columns[c]
                kernel = Grid(r.slid_kernel[k, c], theme, lang, column[3].cell(0, 0).width)
                name = self.slice_name(k, c).move_to(column[2])
                changes += [FadeOut(column[2]), FadeOut(column[3])]
                changes += [FadeIn(name), FadeIn(kernel.move_to(column[3]))]
                column.submobjects[2:4] = [name, kernel]
            self.play(FadeIn(note), *changes, run_time=1.2)
            self.wait(0.8)
            self.play(FadeOut(note), run_time=0.3)
        explained = self.params["explained"] if k == 0 else 0
        rest = oh * ow - explained
        speed = None
        window = None
        for step in range(oh * ow):
            cell, taps = r.taps(step)
            boxes = VGroup(
                *[
                    SurroundingRectangle(
                        self.columns[c][1].cell(i, j), color=colour, buff=0, stroke_width=3
                    )
                    for c in range(shown)
                    for i, j in taps
                ],
                SurroundingRectangle(grid_out.cell(*cell), color=colour, buff=0, stroke_width=3),
            )
            value = grid_out.number(*cell)
            if step == explained and rest > 1:
                factor = self.params["speedup"]
                speed = label(text("sped_up", lang, n=rest, k=factor), theme, lang, font_size=22)
                speed.set_color(colour).to_edge(DOWN, buff=0.3)
                self.play(FadeIn(speed), run_time=0.5)
            if step >= explained:  # the window moves, the number appears
                fast = sum(self.FULL) / self.params["speedup"]
                if window is None:
                    window = boxes
                    self.play(Create(window), FadeIn(value), run_time=fast)
                else:
                    self.play(window.animate.become(boxes), FadeIn(value), run_time=fast)
                continue
            equation = C.window_equation(
                r, step, k, text("per_input_channel", lang), text("bias", lang)
            )
            partial = equation.lhs.terms[: r.padded.shape[0]]
            sums = VGroup(
                *[
                    label(f"= {p.text()}", theme, lang, font_size=24).next_to(
                        self.columns[c][3], DOWN, buff=0.2
                    )
                    for c, p in enumerate(partial[:shown])
                ]
            )
            total = label(equation.text(), theme, lang, font_size=26)
            if total.width > 13.4:
                total.scale_to_fit_width(13.4)
            total.to_edge(DOWN, buff=0.3)
            boxed, summed, pause, totalled, read, cleared = self.FULL
            self.play(Create(boxes), run_time=boxed)
            self.play(FadeIn(sums), run_time=summed)
            self.wait(pause)
            self.play(FadeIn(total), FadeIn(value), run_time=totalled)
            self.wait(read)
            self.play(FadeOut(boxes), FadeOut(sums), FadeOut(total), run_time=cleared)
        self.play(
            *([FadeOut(window)] if window else []),
            *([FadeOut(speed)] if speed else []),
            run_time=0.3,
        )


def scene_for(result) -> str:
    """The scene that films ``result``: channels adding up, or the window sliding."""
    return "ConvChannelsScene" if result.input.shape[0] > 1 else "ConvScene"
