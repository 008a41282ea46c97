"""The drawn artists of the optimizer figures."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import QuadMesh

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import make_landscape
from dlviz.render import optimizers as R
from dlviz.theme import DARK


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
    np.testing.assert_array_equal(curves[1].get_ydata(), race.runs[0].loss[:, 1])


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
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 4
    np.testing.assert_array_equal(dots[0].get_xydata()[0], race.runs[0].params[10, 0])
    assert any(t.get_text() == "step 10" for t in ax.texts)
