"""Lecture scene: backpropagation with real numbers.

The forward pass lights the graph's nodes left to right, each with its value;
the backward pass runs right to left, each step writing the chain-rule
product that gives the new gradient (∂ℓ/∂f2 = ∂ℓ/∂h3·(−sin f2) = 2.234·…),
for UDL's toy chain or, layer by layer with the δ recursion, for an MLP.

Run alone: ``manim -ql scenes/backprop.py BackpropScene``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    RoundedRectangle,
    Scene,
    VGroup,
)

from dlviz.compute import backprop as B
from dlviz.compute.expr import number
from dlviz.render.backprop import (
    DEFINITIONS,
    backward_order,
    chain_step_text,
    forward_line,
    node_line,
    symbol,
    value_text,
)
from dlviz.scenes._common import label
from dlviz.theme import get_theme, series_color, text

FORWARD, BACKWARD = 0, 8  # palette places, as in the figures


def _n3(v: float) -> str:
    """Three significant digits: a unit's number beside its circle."""
    return number(v, 3)


class BackpropScene(Scene):
    # result: a computed BackpropResult (from the command line); without one
    # the scene runs the default spec (UDL's toy chain)
    params = {"result": None, "theme": "dark", "lang": "en"}

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.result = p["result"] or B.run(B.make_spec())
        self.camera.background_color = self.theme.background
        self.fwd = series_color(self.theme, FORWARD)
        self.bwd = series_color(self.theme, BACKWARD)

    def construct(self):
        r = self.result
        key = "backprop_chain_title" if r.graph is not None else "backprop_scene_mlp_title"
        fields = {"loss": value_text(r.loss)}
        if r.graph is None:
            fields = {"widths": ",".join(map(str, r.spec.widths)), "batch": r.spec.batch}
        title = label(text(key, self.lang, **fields), self.theme, self.lang, font_size=28)
        self.title = title.scale_to_fit_width(min(title.width, 13.4)).to_edge(UP, buff=0.2)
        self.stage = label(
            text("backprop_forward", self.lang), self.theme, self.lang, font_size=22,
            color=self.theme.muted,
        ).next_to(self.title, DOWN, buff=0.12)  # fmt: skip
        self.play(FadeIn(self.title), FadeIn(self.stage), run_time=0.6)
        self.caption = VGroup()
        if r.graph is not None:
            self.chain()
        else:
            self.mlp()
        self.wait(1.5)

    def say(self, line: str, colour: str, run_time: float = 0.4):
        """The caption at the foot of the frame: the step being taken."""
        new = label(line, self.theme, self.lang, font_size=24, color=colour)
        new.scale_to_fit_width(min(new.width, 13.4)).to_edge(DOWN, buff=0.35)
        self.play(FadeOut(self.caption), FadeIn(new), run_time=run_time)
        self.caption = new

    def backward_stage(self):
        stage = label(
            text("backprop_backward", self.lang), self.theme, self.lang, font_size=22,
            color=self.theme.muted,
        ).move_to(self.stage)  # fmt: skip
        self.play(FadeOut(self.stage), FadeIn(stage), run_time=0.5)
        self.stage = stage

    # ------------------------------------------------------------------ the chain

    def chain(self):
        g, theme, lang = self.result.graph, self.theme, self.lang
        xs = {name: -6.4 + 1.6 * i for i, name in enumerate(B.MAIN_PATH)}
        boxes, names = {}, {}
        for i, name in enumerate(B.MAIN_PATH):
            box = RoundedRectangle(corner_radius=0.12, width=1.25, height=0.8,
                                   stroke_color=theme.grid, stroke_width=2)  # fmt: skip
            box.move_to([xs[name], -0.2, 0])
            head = label(DEFINITIONS[name], theme, lang, font_size=18, color=theme.muted)
            head.next_to(box, UP, buff=0.1)
            boxes[name] = box
            names[name] = label(symbol(name), theme, lang, font_size=22).move_to(box)
            self.add(box, head, names[name])
            if i:
                self.add(self.arrow(boxes[B.MAIN_PATH[i - 1]], box, theme.grid))
        leaves = self.leaves(g, xs)
        for name in B.MAIN_PATH:  # forward: each node lit with its value
            node = g.node(name)
            value = VGroup(
                label(symbol(name), theme, lang, font_size=20),
                label(value_text(node.value), theme, lang, font_size=20),
            ).arrange(DOWN, buff=0.06).move_to(boxes[name])  # fmt: skip
            line = node_line(g, name)
            self.play(boxes[name].animate.set_stroke(self.fwd), FadeOut(names[name]), FadeIn(value),
                      run_time=0.4)  # fmt: skip
            self.say(line, theme.foreground, 0.3)
            self.wait(0.4)
        self.backward_stage()
        for name in backward_order(g):  # backward: each step's product, then the gradient
            node = g.node(name)
            self.say(chain_step_text(g, name), self.bwd)
            if name in leaves:
                grad = label(f"∂ℓ/∂{symbol(name)} = {value_text(node.grad)}", theme, lang,
                             font_size=17, color=self.bwd)  # fmt: skip
                grad.next_to(leaves[name], DOWN, buff=0.12)
                target = leaves[name]
            else:
                grad = VGroup(
                    label(f"∂ℓ/∂{symbol(name)}", theme, lang, font_size=18, color=self.bwd),
                    label(f"= {value_text(node.grad)}", theme, lang, font_size=18, color=self.bwd),
                ).arrange(DOWN, buff=0.06)  # fmt: skip
                grad.next_to(boxes[name], DOWN, buff=0.15)
                target = boxes[name]
            self.play(FadeIn(grad), Indicate(target, color=self.bwd, scale_factor=1.1),
                      run_time=0.6)  # fmt: skip
            self.wait(0.5)

    def leaves(self, g, xs) -> dict:
        """β_k and ω_k above f_k and y above ℓ, with arrows into them."""
        theme, lang = self.theme, self.lang
        out = {}
        for k in range(4):  # over f_k: β_k, its gradient (later), ω_k, its gradient (later)
            for j, name in enumerate((f"beta{k}", f"omega{k}")):
                out[name] = label(f"{symbol(name)} = {value_text(g.node(name).value)}", theme, lang,
                                  font_size=17)  # fmt: skip
                out[name].move_to([xs[f"f{k}"], 2.55 - 0.8 * j, 0])
        out["y"] = label(f"y = {value_text(g.node('y').value)}", theme, lang, font_size=17)
        out["y"].move_to([xs["l"], 1.75, 0])
        for k in range(4):
            self.add(out[f"beta{k}"], out[f"omega{k}"])
            self.add(Line([xs[f"f{k}"], 1.2, 0], [xs[f"f{k}"], 0.55, 0],
                          stroke_color=theme.muted, stroke_width=1.5))  # fmt: skip
        self.add(out["y"], Line(out["y"].get_bottom() + DOWN * 0.1, [xs["l"], 0.55, 0],
                                stroke_color=theme.muted, stroke_width=1.5))  # fmt: skip
        return out

    def arrow(self, a, b, colour):
        return Arrow(a.get_right(), b.get_left(), buff=0.05, stroke_width=2,
                     max_tip_length_to_length_ratio=0.25, color=colour)  # fmt: skip

    # ------------------------------------------------------------------ the MLP

    def plated(self, mob):
        """A number on a plate of the background, readable over the edges."""
        mob.add_background_rectangle(color=self.theme.background, opacity=0.85, buff=0.04)
        return mob

    def mlp(self):
        r, theme, lang = self.result, self.theme, self.lang
        m = r.mlp
        widths = [m.x.shape[0], *(w.shape[0] for w in m.weights)]
        layers = len(m.weights)
        gap = min(0.7, 4.2 / max(max(widths) - 1, 1))
        step = min(2.7, 11.2 / layers)  # room for a value left of each unit and its δ right
        xs = -6.0 + step * np.arange(layers + 1)
        pos = [[np.array([xs[k], gap * ((w - 1) / 2 - j), 0]) for j in range(w)]
               for k, w in enumerate(widths)]  # fmt: skip
        size = 17
        radius = min(0.18, gap * 0.3)
        edges = VGroup()
        for k, w in enumerate(m.weights, start=1):
            scale = max(float(np.abs(w).max()), 1e-12)
            for i in range(w.shape[1]):
                for j in range(w.shape[0]):
                    edges.add(Line(pos[k - 1][i], pos[k][j], stroke_width=0.5 + 2.5 * abs(
                        w[j, i]) / scale, stroke_opacity=0.25 + 0.5 * abs(w[j, i]) / scale,
                        color=self.fwd if w[j, i] > 0 else self.bwd))  # fmt: skip
        circles = [[Circle(radius, color=theme.grid).move_to(p) for p in col] for col in pos]
        heads = VGroup(*[
            label("a[0] = x" if k == 0 else (f"z[{k}] → a[{k}]" if k < layers else f"z[{k}]"),
                  theme, lang, font_size=18, color=theme.muted).move_to(
                [xs[k], pos[k][0][1] + 0.55, 0])
            for k in range(layers + 1)
        ])  # fmt: skip
        self.play(FadeIn(edges), FadeIn(heads), *[FadeIn(c) for col in circles for c in col],
                  run_time=0.8)  # fmt: skip
        for k in range(layers + 1):  # forward, a layer at a time
            values = m.a[k][:, 0] if k < layers else m.z[-1][:, 0]
            numbers = VGroup(*[self.plated(label(_n3(v), theme, lang, font_size=size)).next_to(
                circles[k][j], LEFT, buff=0.06) for j, v in enumerate(values)])  # fmt: skip
            self.say(forward_line(r, k), theme.foreground, 0.3)
            self.play(*[c.animate.set_stroke(self.fwd) for c in circles[k]], FadeIn(numbers),
                      run_time=0.6)  # fmt: skip
            self.wait(0.5)
        loss = label(f"ℓ = {value_text(m.loss)}", theme, lang, font_size=24)
        loss.next_to(VGroup(*circles[-1]), DOWN, buff=0.45)
        self.say(f"ℓ = {value_text(m.loss)}", theme.foreground, 0.3)
        self.play(FadeIn(loss), run_time=0.5)
        self.backward_stage()
        deltas = [e for e in r.equations if e.kind == "delta"]
        grads = [e for e in r.equations if e.kind == "grad"]
        for step, k in enumerate(range(layers, 0, -1)):  # backward, a layer at a time
            marks = VGroup(*[self.plated(label(f"δ {_n3(d)}", theme, lang, font_size=size,
                                               color=self.bwd))
                             .next_to(circles[k][j], RIGHT, buff=0.06)
                             for j, d in enumerate(m.delta[k - 1][:, 0])])  # fmt: skip
            self.say(deltas[step].text, self.bwd)
            self.play(FadeIn(marks), run_time=0.6)
            self.wait(0.8)
            self.say(grads[step].text, self.bwd)
            self.wait(0.8)


def scene_for(result) -> str:
    """The scene that films ``result``."""
    return "BackpropScene"
