"""Lecture scenes for optimizers.

OptimizerRace: the contour appears, the optimizers race with traced paths and
a legend, the minimum is revealed.
OptimizerStep: one optimizer; its update rule is written, the first steps
show the gradient step −α·∇L and the step actually taken (momentum, adaptive
scaling), then the run speeds up.

Run alone: ``manim -ql scenes/optimizers.py OptimizerRace`` (or OptimizerStep).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Create,
    Cross,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    GrowArrow,
    GrowFromCenter,
    Line,
    Rectangle,
    Scene,
    Star,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
)

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import landscape_of
from dlviz.scenes._common import formula, label, loss_image, plot_frame
from dlviz.theme import (
    get_theme,
    landscape_name,
    lesson_text,
    optimizer_name,
    series_color,
    text,
    wrap,
)

PLOT_CENTER = 0.25 * UP + 1.4 * LEFT


class _OptimizerScene(Scene):
    # result: a computed Race (from the command line), drawn as it is; without
    # one the scene runs the default spec for its own optimizers
    params = {"result": None, "theme": "dark", "lang": "en", "race_seconds": 7.0}
    optimizers = ("gd", "momentum", "adam")
    plot_place = (PLOT_CENTER, (8.6, 4.6))  # centre, (width, height) of the landscape

    def setup(self):
        p = self.params
        self.theme, self.lang = get_theme(p["theme"]), p["lang"]
        self.race = p["result"] or O.run(O.make_spec(optimizers=self.optimizers))
        self.land = landscape_of(self.race.spec.landscape)
        self.log_scale = self.race.spec.landscape.log_scale
        self.camera.background_color = self.theme.background

    def show_landscape(self, title_key: str, **fields):
        theme, lang, result = self.theme, self.lang, self.race.landscape
        title = label(text(title_key, lang, **fields), theme, lang, font_size=34)
        title.to_edge(UP, buff=0.2)
        self.title = title
        center, (width, height) = self.plot_place
        self.axes, frame = plot_frame(
            result, theme, lang, center=center, width=width, height=height
        )
        image = loss_image(result, self.axes, theme, self.log_scale)
        self.add(image)  # no fade: resampling the image every frame is the slow part
        self.play(FadeIn(title), Create(frame), run_time=1.0)

    def point(self, xy) -> np.ndarray:
        return self.axes.c2p(float(xy[0]), float(xy[1]))

    def polyline(self, path: np.ndarray, color: str, width: float = 4) -> VMobject:
        line = VMobject(stroke_color=color, stroke_width=width)
        line.set_points_as_corners([self.point(p) for p in path])
        return line

    def reveal_minimum(self):
        theme, m = self.theme, self.race.landscape.minimum
        star = Star(outer_radius=0.18, color=theme.minimum, fill_opacity=1)
        self.play(GrowFromCenter(star.move_to(self.point((m.x, m.y)))), run_time=0.6)
        self.play(Flash(star, color=theme.minimum), run_time=0.6)


class OptimizerRace(_OptimizerScene):
    # the 16:9 frame: the landscape on the left, legend and loss curves on the right
    plot_place = (0.2 * DOWN + 2.1 * LEFT, (7.0, 5.4))

    def construct(self):
        race, theme, lang = self.race, self.theme, self.lang
        if len(race.runs) > 4:  # a two-column legend: a narrower map makes room
            self.plot_place = (0.2 * DOWN + 2.6 * LEFT, (6.0, 5.4))
        name = landscape_name(self.land.name, lang)
        self.show_landscape("optimizers_title", name=name, convention=race.runs[0].convention)
        legend = self.legend()
        self.loss_axes, loss_frame = self.loss_panel(top=legend.get_bottom()[1] - 0.25)
        self.play(
            FadeIn(legend),
            Create(loss_frame),
            *[FadeIn(Dot(self.point(s), radius=0.09, color=theme.foreground)) for s in race.starts],
            run_time=0.8,
        )
        self.race_paths()
        self.reveal_minimum()
        caption = lesson_text(race.lesson(), lang)  # what the race showed, in its numbers
        if caption:
            # under the title, in the band above the map
            words = label(wrap(caption, 110, 2), theme, lang, font_size=20)
            words.scale(min(1.0, 13.6 / words.width, 0.62 / words.height))
            words.next_to(self.title, DOWN, buff=0.08)
            self.play(FadeIn(words), run_time=0.8)
        self.wait(1.5)

    def loss_panel(self, top: float) -> tuple[Axes, VGroup]:
        """Coordinates for log10(L − L*) against step, from ``top`` (below
        the legend) down to the step counter, and its frame (the curves are
        drawn as the race runs)."""
        theme, lang, race = self.theme, self.lang, self.race
        steps = race.runs[0].params.shape[0] - 1
        low, high = self.log_gap_range()
        title = label(f"{text('loss_gap_title', lang)} (L − L*)", theme, lang, font_size=20)
        bottom = self.axes.get_bottom()[1] + 0.75  # room for the step numbers and counter
        height = top - title.height - 0.12 - bottom
        axes = Axes(
            x_range=[0, steps, steps],
            y_range=[low, high, 1],
            x_length=4.3,
            y_length=height,
            tips=False,
        )
        axes.next_to(self.axes, RIGHT, buff=1.1)
        axes.shift((bottom + height / 2 - axes.get_center()[1]) * UP)
        box = Rectangle(width=4.3, height=height, color=theme.foreground, stroke_width=2)
        frame = VGroup(box.move_to(axes))
        every = max(1, int(np.ceil((high - low) / max(1, int(height / 0.45)))))
        for k in range(int(np.ceil(low)), int(np.floor(high)) + 1, every):
            frame.add(
                label(f"1e{k}", theme, lang, font_size=18).next_to(axes.c2p(0, k), LEFT, buff=0.08)
            )
        for value in (0, steps):
            frame.add(
                label(str(value), theme, lang, font_size=18).next_to(
                    axes.c2p(value, low), DOWN, buff=0.08
                )
            )
        frame.add(title.next_to(box, UP, buff=0.12))
        return axes, frame

    def log_gap_range(self) -> tuple[float, float]:
        gaps = self.log_gaps()
        values = np.concatenate([g[np.isfinite(g)] for g in gaps])
        return float(np.floor(values.min())), float(np.ceil(values.max()) + 0.01)

    def log_gaps(self) -> list[np.ndarray]:
        """log10(L − L*) of every run and start, floored as the figure floors it."""
        best = self.race.landscape.minimum.loss
        floor = 1e-12 * max(1.0, abs(best))
        return [
            np.log10(np.maximum(run.loss[:, k] - best, floor))
            for run in self.race.runs
            for k in range(len(self.race.starts))
        ]

    def legend(self) -> VGroup:
        rows = VGroup()
        for run in self.race.runs:
            color = series_color(self.theme, O.NAMES.index(run.optimizer))
            swatch = Line(ORIGIN, 0.4 * RIGHT, color=color, stroke_width=6)
            rows.add(
                VGroup(
                    swatch,
                    label(
                        optimizer_name(run.optimizer, self.lang),
                        self.theme,
                        self.lang,
                        font_size=22,
                        color=color,
                    ).next_to(swatch, RIGHT, buff=0.15),
                )
            )
        if len(rows) > 4:  # many rules: two columns, leaving room for the loss panel
            rows.arrange_in_grid(cols=2, buff=(0.3, 0.12), cell_alignment=LEFT)
        else:
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return rows.next_to(self.axes, RIGHT, buff=0.6).align_to(self.axes, UP)

    def race_paths(self):
        race, theme, lang = self.race, self.theme, self.lang
        steps = race.runs[0].params.shape[0] - 1
        clock = ValueTracker(0)
        movers = []
        for run in race.runs:
            color = series_color(theme, O.NAMES.index(run.optimizer))
            for k in range(len(race.starts)):
                points = self.scene_points(run.path(k))  # mapped once, not every frame
                trail = VMobject(stroke_color=color, stroke_width=4)
                dot = Dot(points[0], radius=0.08, color=color)
                trail.add_updater(_trail_updater(points, clock))
                dot.add_updater(_dot_updater(points, clock))
                movers.append((trail, dot, run.diverged_at[k] >= 0, color))
        runs = [run for run in race.runs for _ in race.starts]  # as log_gaps orders them
        for gap, run in zip(self.log_gaps(), runs, strict=True):
            color = series_color(theme, O.NAMES.index(run.optimizer))
            keep = np.isfinite(gap)
            points = np.array(self.loss_axes.c2p(np.flatnonzero(keep), gap[keep])).T.reshape(-1, 3)
            curve = VMobject(stroke_color=color, stroke_width=3)
            curve.add_updater(_trail_updater(points, clock))
            movers.append((curve, VMobject(), False, color))
        self.add(*[m[0] for m in movers], *[m[1] for m in movers])
        counter = StepCounter(
            label(text("step", lang), theme, lang, font_size=24),
            [label(d, theme, lang, font_size=24) for d in "0123456789"],
            len(str(steps)),
        )
        counter.next_to(self.loss_axes, DOWN, buff=0.4).align_to(self.loss_axes, LEFT)
        counter.add_updater(lambda m: m.show(int(clock.get_value())))
        self.add(counter)
        self.play(
            clock.animate.set_value(steps), run_time=self.params["race_seconds"], rate_func=linear
        )
        for trail, dot, diverged, color in movers:
            trail.clear_updaters()
            dot.clear_updaters()
            if diverged:
                self.add(Cross(scale_factor=0.15, stroke_color=color).move_to(dot))
        counter.clear_updaters()

    def scene_points(self, path: np.ndarray) -> np.ndarray:
        """Parameter-space points → scene coordinates, (T, 3), in one call."""
        return np.array(self.axes.c2p(path[:, 0], path[:, 1])).T.reshape(-1, 3)


class StepCounter(VGroup):
    """'step 123': the word, then one glyph per digit slot whose outline is
    swapped in place for the digit shown. Making a Text (or copying one) every
    frame would cost more than drawing the whole race."""

    def __init__(self, word: VMobject, digits: list[VMobject], width: int):
        self.shapes = [d.family_members_with_points()[0] for d in digits]
        advance = max(d.width for d in digits) + 0.03
        slots = VGroup(*[self.shapes[0].copy() for _ in range(width)])
        self.centres = [
            word.get_right() + (0.15 + advance * (i + 0.5)) * RIGHT for i in range(width)
        ]
        super().__init__(word, slots)
        self.bottom = word.get_bottom()[1]
        self.shown = [None] * width
        self.show(0)

    def shift(self, *vectors):
        super().shift(*vectors)
        total = sum(vectors)
        self.centres = [c + total for c in self.centres]
        self.bottom += total[1]
        return self

    def show(self, value: int) -> None:
        for i, char in enumerate(str(value).rjust(len(self.shown))):
            if char == self.shown[i]:
                continue
            self.shown[i] = char
            slot = self[1][i]
            if char == " ":
                slot.set_fill(opacity=0)
                continue
            shape = self.shapes[int(char)]
            offset = self.centres[i] - shape.get_center()
            offset[1] = self.bottom - shape.get_bottom()[1]
            slot.points = shape.points + offset
            slot.set_fill(opacity=1)


TRAIL_POINTS = 120  # corners per drawn trail: more is invisible at video size but slower


def _trail_updater(points: np.ndarray, clock: ValueTracker):
    stride = max(1, -(-len(points) // TRAIL_POINTS))

    def update(trail):
        n = min(len(points), int(clock.get_value()) + 1)
        if n > 1:
            trail.set_points_as_corners(
                np.concatenate([points[: n - 1 : stride], points[n - 1 : n]])
            )

    return update


def _dot_updater(points: np.ndarray, clock: ValueTracker):
    def update(dot):
        dot.move_to(points[min(len(points) - 1, int(clock.get_value()))])

    return update


class OptimizerStep(_OptimizerScene):
    # the steps explained: the first three, then two where momentum has built up
    params = {**_OptimizerScene.params, "explained_steps": (1, 2, 3, 10, 30)}
    optimizers = ("momentum",)

    def construct(self):
        race, theme, lang = self.race, self.theme, self.lang
        run = race.runs[0]
        rule = self.race.spec.rule(run.optimizer)
        self.show_landscape(
            "optimizer_step_title",
            optimizer=optimizer_name(run.optimizer, lang),
            name=landscape_name(self.land.name, lang),
        )
        rule_tex = formula(rule.formula(run.hyperparameters), theme, font_size=30)
        rule_tex.scale_to_fit_width(min(rule_tex.width, 12.5))
        rule_tex.next_to(self.axes, DOWN, buff=0.95)
        self.play(Write(rule_tex), run_time=1.5)
        path = run.path(0)
        colour = series_color(theme, O.NAMES.index(run.optimizer))
        dot = Dot(self.point(path[0]), radius=0.09, color=colour)
        self.play(FadeIn(dot))
        self.explain_steps(path, dot, run)
        self.reveal_minimum()
        self.wait(1.5)

    def explain_steps(self, path, dot, run):
        """At each explained step t: the plain gradient step −α·∇L (what gd
        would do) and the step the rule took, each arrow as long as it is
        (the longer 1.1 units); a step too short to see is drawn magnified and
        marked ×k, and both lengths are written. Between them the dot runs on."""
        theme, lang = self.theme, self.lang
        colour = dot.get_color()
        lr = run.hyperparameters.get("lr", 1.0)
        # For the momentum family the step taken is the momentum term −α·m.
        taken_key = "momentum" if run.optimizer in ("momentum", "nesterov") else "step_taken"
        key = VGroup(
            label(
                f"→ −α·∇L ({text('gradient', lang)})", theme, lang, font_size=22, color=theme.saddle
            ),
            label(f"→ {text(taken_key, lang)}", theme, lang, font_size=22, color=theme.minimum),
        ).arrange(DOWN, aligned_edge=LEFT)
        self.play(FadeIn(key.next_to(self.axes, RIGHT, buff=0.4).align_to(self.axes, UP)))
        done = 0
        for t in [t for t in self.params["explained_steps"] if 1 <= t < len(path)]:
            if t - 1 > done:  # run along the path to the step before
                between = self.polyline(path[done:t], colour)
                self.play(
                    Create(between),
                    dot.animate.move_to(self.point(path[t - 1])),
                    run_time=0.8,
                    rate_func=linear,
                )
            self.explain_step(
                path[t - 1], path[t], -lr * np.array(self.land.grad(*path[t - 1])), t, dot, key
            )
            done = t
        rest = self.polyline(path[done:], colour)
        self.play(
            Create(rest), dot.animate.move_to(self.point(path[-1])), run_time=2.5, rate_func=linear
        )

    def explain_step(self, p, q, gd_step, t, dot, key):
        theme, lang = self.theme, self.lang
        start = self.point(p)
        vectors = [(gd_step, theme.saddle), (q - p, theme.minimum)]
        sizes = [np.linalg.norm(self.point(p + v) - start) for v, _ in vectors]
        scale = 1.1 / max(max(sizes), 1e-12)
        arrows, marks = [], []
        for (v, c), size in zip(vectors, sizes, strict=True):
            magnify = 1 if size * scale >= 0.3 else int(np.ceil(0.3 / max(size * scale, 1e-12)))
            end = start + magnify * scale * (self.point(p + v) - start)
            arrows.append(
                Arrow(
                    start, end, buff=0, color=c, stroke_width=5, max_tip_length_to_length_ratio=0.3
                )
            )
            if magnify > 1:
                marks.append(
                    label(f"×{magnify}", theme, lang, font_size=20, color=c).next_to(
                        arrows[-1].get_end(), RIGHT, buff=0.05
                    )
                )
        lengths = VGroup(
            label(f"{text('step', lang)} {t}", theme, lang, font_size=22),
            label(
                f"|−α·∇L| = {np.linalg.norm(gd_step):.3g}",
                theme,
                lang,
                font_size=22,
                color=theme.saddle,
            ),
            label(
                f"|Δφ| = {np.linalg.norm(q - p):.3g}",
                theme,
                lang,
                font_size=22,
                color=theme.minimum,
            ),
        )
        lengths.arrange(DOWN, aligned_edge=LEFT).next_to(key, DOWN, buff=0.3, aligned_edge=LEFT)
        self.play(
            *[GrowArrow(a) for a in arrows], FadeIn(lengths), *map(FadeIn, marks), run_time=0.8
        )
        segment = Line(start, self.point(q), color=dot.get_color(), stroke_width=4)
        self.play(Create(segment), dot.animate.move_to(self.point(q)), run_time=0.6)
        self.wait(0.6)
        self.play(*[FadeOut(m) for m in (*arrows, *marks, lengths)], run_time=0.3)


def scene_for(result) -> str:
    """The scene that films ``result``: a race, or one optimizer's steps explained."""
    return "OptimizerRace" if len(result.runs) > 1 else "OptimizerStep"
