"""Lecture scene: attention one query at a time, then the whole matrix.

For the first queries: the scores against every key as bars, the softmax
turning them into weights, the output written as the weighted sum of the
values; then every head's matrix side by side.

Run alone: ``manim -ql scenes/attention.py AttentionScene``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    ORIGIN,
    PI,
    RIGHT,
    UP,
    UR,
    FadeIn,
    FadeOut,
    Line,
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
        self.title_bottom = title.get_bottom()[1]
        keys = VGroup(*[label(t, theme, lang, font_size=24) for t in r.key_tokens])
        keys.arrange(RIGHT, buff=0.5).move_to(2.0 * DOWN)
        if keys.width > 11.2:  # a long sequence: evenly spaced, every step-th key named
            gap = 11.2 / len(keys)  # right of the bars' name
            step = int(np.ceil((max(k.width for k in keys) + 0.25) / gap))
            for j, key in enumerate(keys):
                key.move_to([-4.9 + (j + 0.5) * gap, -2.0, 0])
                if j % step:
                    key.set_opacity(0)  # keeps its place for the bars
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
            out = self.output_line(i).to_edge(DOWN, buff=0.3)
            self.play(FadeIn(out), run_time=0.6)
            self.wait(0.6)
            self.play(FadeOut(query), FadeOut(score_bars), FadeOut(name), FadeOut(out))
        self.play(FadeOut(keys))
        self.show_matrices()
        self.wait(1.5)

    def output_line(self, i: int):
        """'output = 0.62·v(cat) + …' for query ``i``: every term of weight
        ≥ 0.01 when they fit on the line, else the largest (in key order),
        and how many more there are and how large they are at most."""
        r, theme, lang = self.result, self.theme, self.lang
        w = r.weights[0, i]
        order = np.argsort(-w, kind="stable")

        def line(keep: int):
            shown = sorted(order[:keep])
            total = " + ".join(f"{w[j]:.2f}·v({r.key_tokens[j]})" for j in shown)
            rest = order[keep:]
            if len(rest):
                total += text("attention_more_terms", lang, n=len(rest), w=float(w[rest].max()))
            return label(text("attention_output", lang, total=total), theme, lang, font_size=22)

        keep = max(1, int(np.sum(w >= 0.01)))
        out = line(keep)
        while out.width > 13.4 and keep > 1:  # drop terms in proportion to the overflow
            keep = max(1, min(keep - 1, int(keep * 13.0 / out.width)))
            out = line(keep)
        return out

    def bars(self, keys: VGroup, heights: np.ndarray, colour: str) -> VGroup:
        group = VGroup()
        gap = 12.6 / max(1, len(keys))
        for key, h in zip(keys, heights, strict=True):
            height = max(abs(h) * 1.8, 0.01)
            bar = Rectangle(
                width=min(0.4, 0.8 * gap),
                height=height,
                fill_color=colour,
                fill_opacity=0.9,
                stroke_width=0,
            )
            base = key.get_top() + 2.0 * UP  # the zero line; negative scores hang below it
            bar.move_to(base + (UP if h >= 0 else DOWN) * height / 2)
            bar.set_x(key.get_x())
            group.add(bar)
        return group

    def show_matrices(self) -> None:
        """Every head's weights as the static figure draws them: a grid of
        cells on one 0..1 colour scale (a colour bar beside), masked cells
        hatched, token labels on both sides, the weights written in small
        matrices; the heads in a grid."""
        r, theme, lang = self.result, self.theme, self.lang
        nq, nk = r.weights.shape[1:]
        cols = int(np.ceil(np.sqrt(r.heads)))
        rows = -(-r.heads // cols)
        font = 20
        queries = [label(t, theme, lang, font_size=font) for t in r.query_tokens]
        key_labels = [label(t, theme, lang, font_size=font) for t in r.key_tokens]
        widest_key = max(k.width for k in key_labels)
        widest_query = max(q.width for q in queries)
        line = key_labels[0].height
        bar_room = 1.6  # the colour bar, its ticks and its name
        gap_x, gap_y = 0.5, 0.45

        def fit(below: float) -> float:
            """The cell size that fits the grids, their labels below and
            beside, and the colour bar into the frame under the title."""
            heads_above = line + 0.1 if r.heads > 1 else 0.0
            return min(
                0.8,
                (13.4 - bar_room - widest_query - 0.1 - (cols - 1) * gap_x) / (cols * nk),
                (6.7 - rows * (below + 0.1 + heads_above) - (rows - 1) * gap_y) / (rows * nq),
            )

        # key labels at 45° where they clear each other, else upright
        cell = fit((widest_key + line) / np.sqrt(2))
        slanted = (line + 0.1) * np.sqrt(2) <= cell
        if not slanted:
            cell = fit(widest_key)
        angle = PI / 4 if slanted else PI / 2
        step = 1 if slanted else max(1, int(np.ceil((line + 0.12) / cell)))
        query_step = max(1, int(np.ceil((line + 0.08) / cell)))
        colours = [colormap_image(r.weights[h], theme.cmap) for h in range(r.heads)]
        numbers = nq * nk <= A.NUMBERS_UP_TO and cell >= 0.62  # written only where legible
        heads = VGroup()
        for h in range(r.heads):
            grid = VGroup()
            for i in range(nq):
                for j in range(nk):
                    masked = bool(r.mask[i, j])
                    rgb = colours[h][i, j]
                    square = Rectangle(
                        width=cell,
                        height=cell,
                        stroke_width=0.5,
                        stroke_color=theme.background,
                        fill_color=theme.grid if masked else _hex(rgb),
                        fill_opacity=1,
                    ).move_to([j * cell, -i * cell, 0])
                    grid.add(square)
                    if masked:  # hatched: two diagonal strokes
                        grid.add(
                            Line(
                                square.get_corner(DL),
                                square.get_corner(UR),
                                color=theme.muted,
                                stroke_width=1.5,
                            )
                        )
                    elif numbers:
                        w = r.weights[h, i, j]
                        ink = "#000000" if int(rgb.astype(int).sum()) / 765 > 0.55 else "#ffffff"
                        grid.add(
                            label(
                                f"{w:.2f}",
                                theme,
                                lang,
                                font_size=min(24, 30 * cell),
                                color=ink,
                            ).move_to(square)
                        )
            labels = VGroup()
            bottom = -(nq - 0.5) * cell
            for j in range(0, nk, step):
                t = label(r.key_tokens[j], theme, lang, font_size=font).rotate(angle)
                t.move_to([j * cell, 0, 0]).align_to([0, bottom - 0.1, 0], UP)
                if slanted:  # the label's end under its column
                    t.shift((t.get_corner(UR)[0] - j * cell) * LEFT)
                labels.add(t)
            if h % cols == 0:
                for i in range(0, nq, query_step):
                    t = label(r.query_tokens[i], theme, lang, font_size=font)
                    labels.add(t.next_to([-cell / 2, -i * cell, 0], LEFT, buff=0.1))
            block = VGroup(grid, labels)
            if r.heads > 1:
                name = label(text("head", lang, h=h + 1), theme, lang, font_size=font)
                block.add(name.next_to(grid, UP, buff=0.1))
            heads.add(block)
        heads.arrange_in_grid(rows=rows, cols=cols, buff=(gap_x, gap_y))
        bar = self.colour_bar(min(4.5, heads.height))
        whole = VGroup(heads, bar.next_to(heads, RIGHT, buff=0.4))
        top = self.title_bottom - 0.2
        whole.move_to([0, top - whole.height / 2, 0])
        self.play(FadeIn(whole), run_time=1.2)

    def colour_bar(self, height: float) -> VGroup:
        """The 0..1 weight scale, ticked at 0, 0.5 and 1, named."""
        theme, lang = self.theme, self.lang
        steps = 24
        rgb = colormap_image(np.linspace(1, 0, steps)[:, None], theme.cmap)[:, 0]
        strip = VGroup(
            *[
                Rectangle(
                    width=0.3,
                    height=height / steps,
                    stroke_width=0,
                    fill_color=_hex(c),
                    fill_opacity=1,
                )
                for c in rgb
            ]
        ).arrange(DOWN, buff=0)
        ticks = VGroup(
            *[
                label(v, theme, lang, font_size=20)
                .next_to(strip, RIGHT, buff=0.1)
                .align_to(strip, edge)
                for v, edge in (("1", UP), ("0.5", ORIGIN), ("0", DOWN))
            ]
        )
        ticks[1].move_to([ticks[1].get_x(), strip.get_y(), 0])
        name = label(text("attention_weight", lang), theme, lang, font_size=20).rotate(PI / 2)
        return VGroup(strip, ticks, name.next_to(ticks, RIGHT, buff=0.15))


def _hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "AttentionScene"
