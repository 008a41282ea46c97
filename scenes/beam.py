"""Lecture scene: beam search step by step.

Every step expands each kept sequence by every token (cumulative log P
beside each extension), then keeps the k best and greys out the rest;
finished hypotheses are boxed. At the end each candidate's length-penalised
score appears, the chosen answer lights up, and greedy, beam and exhaustive
search are compared.

Run alone: ``manim -ql scenes/beam.py BeamScene``.
"""

from __future__ import annotations

import math

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    BackgroundRectangle,
    Create,
    FadeIn,
    FadeOut,
    Line,
    Scene,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from dlviz.compute import beam as B
from dlviz.render.beam import chosen_path, finished, positions, shown_nodes
from dlviz.scenes._common import label
from dlviz.theme import get_theme, text


class BeamScene(Scene):
    # result: a computed BeamResult with its answers (from the command line);
    # without one the scene runs the default spec (d2l's example)
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        result = p["result"] or B.run(B.make_spec())
        self.result, self.answers = result, result.answers or {"beam": result.best}
        collapse = B.COLLAPSE[result.spec.collapse]
        self.shown = shown_nodes(result, collapse)
        self.camera.background_color = self.theme.background

    def place(self):
        """Tree coordinates → the frame, below the title and above the caption."""
        pos = positions(self.shown)
        steps = self.result.steps
        ys = [y for _, y in pos.values()]
        span = max(max(ys) - min(ys), 1.0)
        self.gap = min(0.9, 5.4 / span)  # a row of text is about 0.3 tall at the smallest size
        dx = 10.4 / steps  # room on the right for the last labels and their scores

        def at(node_id):
            x, y = pos[node_id]
            return [-6.2 + dx * x, 0.35 + self.gap * (y - (max(ys) + min(ys)) / 2), 0]

        return at

    def construct(self):
        r, theme, lang = self.result, self.theme, self.lang
        key = "beam_title_hf" if r.convention == "hf" else "beam_title"
        title = label(
            text(key, lang, alpha=f"{r.alpha:g}", k=r.beam_size), theme, lang, font_size=30
        ).to_edge(UP, buff=0.2)
        at = self.place()
        size = max(19, min(26, 34 * self.gap))
        small = max(19, 0.8 * size)  # the numbers beside the tokens
        root = label(" ".join(r.prompt) or "▶", theme, lang, font_size=size)
        root.move_to(at(-1)) if not r.prompt else root.next_to(at(-1), LEFT, buff=0.05)
        ends = {-1: root.get_right()}  # where each node's label ends: its edges start there
        self.play(FadeIn(title), FadeIn(root), run_time=0.6)
        caption = None
        drawn = {}
        for step in range(1, r.steps + 1):
            level = [s for s in self.shown if s.step == step]
            lines, tokens, numbers = VGroup(), VGroup(), VGroup()
            for s in level:
                token = label(s.label, theme, lang, font_size=size).move_to(at(s.id))
                number = label(
                    f"{s.cum_log_prob:.2f}",
                    theme,
                    lang,
                    font_size=small,
                    color=theme.palette[0],
                ).next_to(token, RIGHT, buff=0.08)
                ends[s.id] = number.get_right()
                line = Line(
                    ends[s.parent] + 0.06 * RIGHT,
                    token.get_left() + 0.06 * LEFT,
                    color=theme.foreground,
                    stroke_width=2,
                ).set_z_index(0)
                lines.add(line)
                tokens.add(self.on_background(token))
                numbers.add(self.on_background(number))
                drawn[s.id] = (line, token, number)
            caption = self.swap_caption(
                caption, text("beam_expand", lang, step=step, k=r.beam_size)
            )
            self.play(Create(lines), FadeIn(tokens), run_time=0.7)
            self.play(FadeIn(numbers), run_time=0.4)
            caption = self.swap_caption(caption, text("beam_prune", lang, step=step, k=r.beam_size))
            changes, boxes = [], []
            for s in level:
                line, token, number = drawn[s.id]
                if s.status == "pruned":
                    changes += [
                        line.animate.set_stroke(color=theme.grid, width=1),
                        token.animate.set_opacity(0.35),
                        FadeOut(number),
                    ]
                else:
                    changes.append(line.animate.set_stroke(width=5))
                    if finished(s, r):
                        box = SurroundingRectangle(
                            token, color=theme.foreground, buff=0.06, corner_radius=0.05
                        )
                        boxes.append(box)
            self.play(*changes, *[Create(b) for b in boxes], run_time=0.8)
            self.wait(0.3)
        self.choose(drawn, caption, small)

    def on_background(self, words):
        """Words over an opaque patch of background, so edges pass behind them."""
        patch = BackgroundRectangle(
            words, color=self.theme.background, fill_opacity=1, buff=0.03
        ).set_z_index(1)
        self.add(patch)
        words.set_z_index(2)
        return words

    def swap_caption(self, old, words: str):
        new = label(words, self.theme, self.lang, font_size=22).to_edge(DOWN, buff=0.3)
        new.scale_to_fit_width(min(new.width, 13.5))
        if old is not None:
            self.remove(old)
        self.add(new)
        return new

    def choose(self, drawn, caption, size):
        r, theme, lang = self.result, self.theme, self.lang
        caption = self.swap_caption(caption, text("beam_choose", lang))
        scores = []  # each candidate's cumulative log P becomes its score
        for node_id in r.candidate_nodes:
            if node_id in drawn:
                _, token, number = drawn[node_id]
                node = r.nodes[node_id]
                score = label(
                    f"{node.score(r.alpha):.3f}",
                    theme,
                    lang,
                    font_size=size,
                    color=theme.palette[8],
                ).next_to(token, RIGHT, buff=0.08)
                scores.append(Transform(number, score))
        self.play(*scores, run_time=0.8)
        path = chosen_path(r)
        accent = theme.palette[8]
        self.play(
            AnimationGroup(
                *[
                    drawn[i][0].animate.set_stroke(color=accent, width=7)
                    for i in reversed(path)
                    if i in drawn
                ],
                lag_ratio=0.3,
            ),
            *[drawn[i][1].animate.set_color(accent) for i in path if i in drawn],
            run_time=1.4,
        )
        lines = VGroup(
            *[
                label(
                    f"{text(name, lang)}: {' '.join(c.tokens)}   P = {math.exp(c.log_prob):.3f}"
                    f"   {text('score', lang)} = {c.score(r.alpha):.3f}",
                    theme,
                    lang,
                    font_size=20,
                    color=accent if name == "beam" else theme.foreground,
                )
                for name, c in self.answers.items()
            ]
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        lines.to_corner(DOWN + LEFT, buff=0.3)
        self.play(FadeOut(caption), FadeIn(lines), run_time=0.8)
        self.wait(2.0)


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "BeamScene"
