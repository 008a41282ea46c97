"""The drawn artists of the optimizer figures."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import QuadMesh

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import make_landscape
from dlviz.render import optimizers as R
from dlviz.theme import DARK, cells


@pytest.fixture(scope="module")
def race():
    land = make_landscape("himmelblau")
    rules = [O.get_rule(n, "udl") for n in ("gd", "adam")]
    return O.race(land, rules, [(-0.5, 0.5), (1.0, -4.0)], steps=60, resolution=41)


def test_paths_are_the_runs(race):
    fig = R.plot_optimizers(race)
    ax = fig.axes[0]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) == 61]
    assert len(drawn) == 4  # 2 optimizers × 2 starts
    np.testing.assert_array_equal(drawn[0].get_xdata(), race.runs[0].params[:, 0, 0])
    np.testing.assert_array_equal(drawn[3].get_ydata(), race.runs[1].params[:, 1, 1])
    assert drawn[0].get_color() == R.optimizer_color("gd", R.LIGHT)


def test_loss_panel_is_log_and_holds_every_curve(race):
    loss_ax = R.plot_optimizers(race).axes[1]
    assert loss_ax.get_yscale() == "log"
    curves = [line for line in loss_ax.get_lines() if len(line.get_xdata()) == 61]
    gap = race.runs[0].loss[:, 1] - race.landscape.minimum.loss  # drawn as L − L*, floored
    np.testing.assert_array_equal(curves[1].get_ydata(), np.maximum(gap, 1e-12))


def test_legend_states_the_rules_that_ran(race):
    fig = R.plot_optimizers(race)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[0].startswith("gd") and "φ ← φ − α·g" in labels[0] and "lr=0.01" in labels[0]
    assert "m̂" in labels[1]


def test_divergence_is_marked_with_a_cross():
    land = make_landscape("quadratic")
    r = O.race(
        land,
        [O.get_rule("gd", "udl")],
        [(-5, -2)],
        steps=30,
        hyperparameters={"gd": {"lr": 1.2}},
        resolution=21,
    )
    ax = R.plot_optimizers(r).axes[0]
    crosses = [line for line in ax.get_lines() if line.get_marker() == "X"]
    last = r.runs[0].path(0)[-1]
    assert crosses and tuple(crosses[0].get_xydata()[0]) == tuple(last)


def test_view_contains_every_path():
    land = make_landscape("quadratic")
    r = O.race(land, [O.get_rule("gd", "udl")], [(-9, 5)], steps=5, resolution=21)
    assert r.landscape.x[0] < -9 and r.landscape.y[-1] > 5


def test_basins_image_is_the_reached_minimum():
    b = O.basins(
        make_landscape("himmelblau"),
        O.get_rule("adam", "udl"),
        10,
        steps=100,
        hyperparameters={"lr": 0.1},
        resolution=31,
    )
    fig = R.plot_basins(b, theme=DARK, lang="zh")
    (mesh,) = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    np.testing.assert_array_equal(mesh.get_array().reshape(10, 10), b.reached + 1)
    assert "吸引域" in fig.get_suptitle() and "100" in fig.get_suptitle()


def test_animation_moves_the_dots(race):
    anim = R.animate_optimizers(race)
    anim._func(10)  # 61 frames for 60 steps: frame 10 is step 10
    ax = anim._fig.axes[0]
    dots = [
        line for line in ax.get_lines() if line.get_marker() == "o" and line.get_label() != "start"
    ]
    assert len(dots) == 4
    (start,) = [line for line in ax.get_lines() if line.get_label() == "start"]
    np.testing.assert_array_equal(start.get_xydata(), race.starts)
    np.testing.assert_array_equal(dots[0].get_xydata()[0], race.runs[0].params[10, 0])
    assert any(t.get_text() == "step 10" for t in ax.texts)


def test_a_long_trail_is_thinned_evenly_and_ends_at_the_dot():
    """A trail of thousands of steps draws at most TRAIL_DOTS of them, evenly
    spaced, the newest (where the dot is) among them."""
    race = O.run(O.make_spec("quadratic", optimizers=["gd"], steps=8000))
    anim = R.animate_optimizers(race)
    anim._func(anim.dlviz_frames - 1)
    (trail,) = [a for a in anim.dlviz_moving if hasattr(a, "get_offsets")]
    shown = trail.get_offsets()
    path = race.runs[0].path(0)
    assert 2 <= len(shown) <= R.TRAIL_DOTS
    np.testing.assert_array_equal(shown[-1], path[-1])
    steps = [int(np.flatnonzero((path == p).all(axis=1))[-1]) for p in shown]
    gaps = set(np.diff(steps))
    assert len(gaps) == 1 and steps[0] >= 8000 - 1000  # evenly spaced within the last eighth


# option typed → (optimizer whose legend row is checked, text the row must hold)
# (this table keeps its alignment: fmt: skip)
LEGEND_CASES = [
    (
        ["--convention", "pytorch", "--optimizer", "gd", "--momentum", "0.5"],
        "gd",
        ["SGD(momentum): b ← μ·b + g;  θ ← θ − γ·b", "momentum=0.5"],
    ),
    (
        ["--convention", "pytorch", "--optimizer", "momentum", "--dampening", "0.3"],
        "momentum",
        ["b ← μ·b + (1−τ)·g", "dampening=0.3"],
    ),
    (
        ["--convention", "pytorch", "--optimizer", "nesterov"],
        "nesterov",
        ["SGD(momentum, nesterov)", "θ ← θ − γ·(g + μ·b)"],
    ),
    (
        ["--convention", "pytorch", "--optimizer", "sgd", "--weight-decay", "0.01"],
        "sgd",
        ["g ← g + λ·θ", "weight_decay=0.01"],
    ),
    (
        ["--convention", "pytorch", "--optimizer", "rmsprop", "--centered"],
        "rmsprop",
        ["RMSprop(centered)", "√(v − ḡ²)", "centered"],
    ),
    (
        ["--convention", "pytorch", "--optimizer", "adam", "--amsgrad"],
        "adam",
        ["Adam(amsgrad)", "v_max ← max(v_max, v)", "amsgrad"],
    ),
    (["--optimizer", "adam", "--eps", "0.001"], "adam", ["ε=0.001"]),
    (["--optimizer", "gd", "--batch-size", "3"], "gd", ["batch=3"]),
    (["--landscape", "rosenbrock", "--optimizer", "gd", "--noise", "0.5"], "gd", ["noise σ=0.5"]),
    (["--optimizer", "gd,adam", "--lr", "0.02", "--lr", "adam=0.07"], "adam", ["lr=0.07"]),
    (["--optimizer", "gd,adam", "--lr", "0.02"], "gd", ["lr=0.02"]),
    (
        ["--convention", "pytorch", "--optimizer", "adagrad", "--lr-decay", "0.1"],
        "adagrad",
        ["γ̃ = γ/(1 + (t−1)·η)", "lr_decay=0.1"],
    ),
]


@pytest.mark.parametrize(("args", "optimizer", "expected"), LEGEND_CASES)
def test_legend_names_the_rule_and_values_that_ran(dlviz, monkeypatch, args, optimizer, expected):
    """Every optimizer option reaches the drawn legend: the rule as it ran and
    the value typed, checked on the figure the command drew."""
    from dlviz.render import optimizers as R

    drawn = []
    plot = R.plot_optimizers
    monkeypatch.setattr(
        R, "plot_optimizers", lambda *a, **k: drawn.append(plot(*a, **k)) or drawn[-1]
    )
    code, _, err = dlviz("optimizers", *args, "--steps", "5", "--out", "f.png")
    assert code == 0, err
    rows = [t.get_text() for t in drawn[0].legends[0].get_texts()]
    row = next(r for r in rows if r.split()[0] == optimizer)
    for piece in expected:
        assert piece in row, (piece, row)


def test_legend_leaves_out_defaults_and_the_caption_gives_them_once(dlviz, monkeypatch):
    from dlviz.render import optimizers as R

    drawn = []
    plot = R.plot_optimizers
    monkeypatch.setattr(
        R, "plot_optimizers", lambda *a, **k: drawn.append(plot(*a, **k)) or drawn[-1]
    )
    assert (
        dlviz("optimizers", "--optimizer", "momentum,adam", "--steps", "5", "--out", "f.png")[0]
        == 0
    )
    rows = [t.get_text() for t in drawn[0].legends[0].get_texts()]
    assert all("momentum=" not in r.split("[")[1] and "beta1" not in r for r in rows)
    captions = [t.get_text().replace("\n", " ") for t in drawn[0].texts]
    assert any(
        "udl defaults: momentum=0.9, beta1=0.9, beta2=0.999, ε=1e-08" in c and "sum" in c
        for c in captions
    )


def test_loss_panel_draws_the_gap_to_the_minimum_with_a_floor():
    from dlviz.compute import optimizers as O
    from dlviz.render import optimizers as R

    race = O.run(O.make_spec("himmelblau", convention="pytorch", optimizers=["gd", "adam"]))
    fig = R.plot_optimizers(race)
    loss_ax = fig.axes[1]
    best = race.landscape.minimum.loss
    floor = 1e-12 * max(1.0, abs(best))
    for line, run in zip(loss_ax.get_lines(), race.runs, strict=False):
        expected = np.maximum(run.loss[:, 0] - best, floor)
        np.testing.assert_allclose(line.get_ydata(), expected)
    assert loss_ax.get_yscale() == "log" and loss_ax.get_ylim()[0] >= floor / 10
    assert "L − L*" in loss_ax.get_ylabel()


def test_runs_that_all_diverge_at_once_still_show_crosses_and_an_axis():
    from dlviz.compute import optimizers as O
    from dlviz.render import optimizers as R

    spec = O.make_spec("quadratic", optimizers=["gd"], overrides={"*": {"lr": 30.0}}, steps=5)
    race = O.run(spec)
    assert race.runs[0].diverged_at[0] == 1
    loss_ax = R.plot_optimizers(race).axes[1]
    crosses = [line for line in loss_ax.get_lines() if line.get_marker() == "X"]
    assert len(crosses) == 1 and crosses[0].get_xdata()[0] == 1
    low, high = loss_ax.get_ylim()
    assert high - low > 1.0  # not matplotlib's ±0.04 around a lone point


def test_blitted_animation_frames_are_the_full_redraws(race, tmp_path):
    """The GIF writer draws the still landscape once and blits what moves;
    each frame must look like the figure redrawn whole at that step."""
    from PIL import Image

    from dlviz.output import save_animation

    anim = R.animate_optimizers(race)
    save_animation(anim, tmp_path / "a.gif", "gif", 12, 60)
    with Image.open(tmp_path / "a.gif") as gif:
        gif.seek(30)
        blitted = np.asarray(gif.convert("RGB"), float)
    fresh = R.animate_optimizers(race)
    fresh._fig.set_dpi(60)
    fresh._func(30)
    fresh._fig.canvas.draw()
    whole = np.asarray(fresh._fig.canvas.buffer_rgba())[..., :3].astype(float)
    assert blitted.shape == whole.shape
    far = np.abs(blitted - whole).max(axis=2) > 80  # beyond the GIF palette's rounding
    assert far.sum() < 20  # a dot or trail left out of the blit differs in hundreds


def test_a_fan_of_seeds_is_drawn_faint_and_counted_in_the_legend():
    race = O.run(O.make_spec("rosenbrock", optimizers=["gd", "sgd"], steps=40))
    fig = R.plot_optimizers(race)
    faint = [line for line in fig.axes[0].get_lines() if line.get_alpha() == 0.3]
    assert len(faint) == O.FAN_SEEDS - 1
    np.testing.assert_array_equal(faint[3].get_xydata(), race.runs[1].fan[3])
    reached, seeds, finals = race.fan_outcome(race.runs[1])
    row = next(t.get_text() for t in fig.legends[0].get_texts() if t.get_text().startswith("sgd"))
    assert f"global minimum in {reached} of {seeds} seeds" in row
    assert f"{finals.min():.3g} to {finals.max():.3g}" in row


def test_every_rule_gets_its_own_small_map_when_all_are_raced():
    race = O.run(O.make_spec("gabor", optimizers=["all"], steps=30, seeds=1))
    fig = R.plot_optimizers(race)
    maps = [ax for ax in fig.axes if ax.get_title() in O.NAMES]
    assert [ax.get_title() for ax in maps] == list(O.NAMES)
    for ax, run in zip(maps, race.runs, strict=True):
        paths = [line for line in ax.get_lines() if len(line.get_xdata()) == 31]
        assert len(paths) == 1  # this rule's path, and no other
        np.testing.assert_array_equal(paths[0].get_xydata(), run.params[:, 0])
    few = R.plot_optimizers(O.run(O.make_spec("gabor", steps=30, seeds=1)))
    assert not [ax for ax in few.axes if ax.get_title() in O.NAMES]  # four rules: one map


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lesson_is_the_caption_under_the_title(lang):
    race = O.run(O.make_spec("gabor"))
    fig = R.plot_optimizers(race, lang=lang)
    captions = [t.get_text().replace("\n", "" if lang == "zh" else " ") for t in fig.texts]
    assert R.lesson_text(race.lesson(), lang) in captions
    # and the marks' legend sits in the loss panel, off the map's paths
    loss_ax = next(ax for ax in fig.axes if ax.get_yscale() == "log")
    assert fig.axes[0].get_legend() is None and loss_ax.get_legend() is not None


def test_a_long_outcome_breaks_at_spaces_within_the_row():
    race = O.run(O.make_spec("gabor", optimizers=["gd"], seeds=1))
    rows = R.legend_rows(race, "en", chars=60)
    lines = rows[0].split("\n")
    assert len(lines) >= 3 and all(cells(line) <= 60 for line in lines[1:])
    assert " ".join(line.strip() for line in lines[1:]) == R.outcome_text(race, race.runs[0])
