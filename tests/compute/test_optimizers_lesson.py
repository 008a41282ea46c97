"""The default race's lesson holds from nearby starts, and its caption states
exactly what ran."""

import re

import numpy as np
import pytest

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import make_landscape
from dlviz.render.optimizers import lesson_text


def _ring(center, d=0.25, per_side=4):
    """Starts on the square ±d around ``center``, ``per_side`` apart on each side."""
    (x, y), t = center, np.linspace(-d, d, per_side + 1)
    pts = {(x + a, y + b) for a in t for b in (-d, d)} | {
        (x + a, y + b) for a in (-d, d) for b in t
    }
    return sorted(pts)


def _reached_by_brute_force(params, target, tol, land):
    """The first step whose loss, evaluated afresh at the point, is within tol."""
    for step, (x, y) in enumerate(params):
        if land.loss(x, y) <= target + tol:
            return step
    return None


@pytest.fixture(scope="module")
def default_race():
    return O.run(O.make_spec("gabor"))


def test_the_default_lesson_is_adam_crossing_the_plateau_where_gd_stalls(default_race):
    race = default_race
    taught = O.lesson(race)
    assert taught.start == O.SETTINGS["gabor"].start and taught.steps == 300
    land = make_landscape("gabor")
    target = race.landscape.minimum.loss
    runs = {run.optimizer: run for run in race.runs}
    ((name, step),) = taught.reached
    assert name == "adam"
    assert step == _reached_by_brute_force(runs["adam"].params[:, 0], target, race.tol, land)
    assert set(taught.missed) == {"gd", "momentum"}
    for missed in taught.missed:
        path = runs[missed].params[:, 0]
        assert _reached_by_brute_force(path, target, race.tol, land) is None
    ((fan, k, n),) = taught.fans
    assert (fan, n) == ("sgd", O.FAN_SEEDS)
    paths = np.vstack([runs["sgd"].params[None, :, 0], runs["sgd"].fan])
    assert k == sum(_reached_by_brute_force(p, target, race.tol, land) is not None for p in paths)
    assert k == 0  # the course's sgd (batches of 5, α = 0.04) does not escape, and says so
    # gd and momentum stall: the last quarter takes less than 5% off the gap to L*
    for missed in taught.missed:
        end = race.outcome(runs[missed], 0)
        loss = [land.loss(x, y) for x, y in runs[missed].params[:, 0]]
        assert end.kind in ("saddle_region", "plateau") and end.over == 75
        assert end.fell == pytest.approx(loss[225] - loss[300], abs=1e-9)
        assert end.fell < O.STALL * (loss[300] - target)


@pytest.mark.parametrize("convention", ["udl", "d2l", "pytorch"])
def test_nearby_starts_teach_the_same_lesson(convention):
    """The caption's claims (who reached the minimum, who did not, whether any
    sgd seed did) hold from at least 80% of the starts within ±0.25."""
    claims = O.lesson(O.run(O.make_spec("gabor", convention=convention))).claims()
    ring = _ring(O.SETTINGS["gabor"].start)
    assert len(ring) == 16
    same = [
        O.lesson(O.run(O.make_spec("gabor", convention=convention, starts=[s]))).claims() == claims
        for s in ring
    ]
    assert np.mean(same) >= 0.8, [s for s, ok in zip(ring, same, strict=True) if not ok]


def test_the_caption_states_the_lesson_in_this_runs_numbers(default_race):
    taught = O.lesson(default_race)
    en = lesson_text(taught, "en")
    ((name, step),) = taught.reached
    ((fan, k, n),) = taught.fans
    assert en == (
        f"In 300 steps from (-1, 6.5): {name} (step {step}) reached the global minimum; "
        f"gd and momentum did not; {fan} reached it in {k} of {n} seeds."
    )
    zh = lesson_text(taught, "zh")
    assert f"第 {step} 步" in zh and f"{n} 个随机种子中 {k} 个到达" in zh
    assert "梯度下降和动量法未到达" in zh


def test_a_caption_lists_what_happened_whoever_reached():
    spec = O.make_spec("quadratic", optimizers=["gd", "momentum", "adam"], steps=50)
    race = O.run(spec)
    taught = O.lesson(race)
    text = lesson_text(taught, "en")
    steps = {run.optimizer: race.steps_to_tol(run, 0) for run in race.runs}
    for name, step in taught.reached:  # in the order they arrived
        assert steps[name] == step and f"{name} (step {step})" in text
    assert [s for _, s in taught.reached] == sorted(s for _, s in taught.reached)
    for name in taught.missed:
        assert steps[name] is None
    assert re.match(r"In 50 steps from \(-5, -2\): ", text)
    none = O.lesson(O.run(O.make_spec("quadratic", optimizers=["gd"], steps=1)))
    assert lesson_text(none, "en") == (
        "In one step from (-5, -2): gd did not reach the global minimum."
    )
    several = O.run(O.make_spec("quadratic", optimizers=["gd"], starts=[(1, 1), (2, 2)]))
    assert O.lesson(several) is None and lesson_text(None) == ""


def test_a_run_closing_in_slowly_is_descending_not_stalled():
    """adagrad near the minimum: little loss left to lose, but it keeps taking
    a good share of it off, so it is not called stalled."""
    race = O.run(O.make_spec("gabor", optimizers=["adagrad"]))
    end = race.outcome(race.runs[0], 0)
    gap = end.loss - race.landscape.minimum.loss
    assert end.kind == "descending" and 0 < gap < 0.1
    assert end.fell >= O.STALL * gap
