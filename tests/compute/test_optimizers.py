"""Optimizer trajectories against independent oracles: d2l's published
numbers, torch.optim (recorded, and live when torch is importable), naive
scalar loops written from the course's formulas, and closed forms."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import linear_least_squares, make_landscape
from tests.util import recorder as load_recorder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_trajectories.npz"


# ------------------------------------------------------------- d2l's published results


@pytest.mark.parametrize(
    ("name", "coeffs", "hp", "expected"),
    [
        ("gd", (1.0, 2.0), {"lr": 0.1}, (-0.057646, -0.000073)),
        ("momentum", (0.1, 2.0), {"lr": 0.6, "momentum": 0.5}, (0.007188, 0.002553)),
        ("adagrad", (0.1, 2.0), {"lr": 0.4}, (-2.382563, -0.158591)),
        ("rmsprop", (0.1, 2.0), {"lr": 0.4, "rho": 0.9}, (-0.010599, 0.000000)),
    ],
)
def test_d2l_published_20_step_results(name, coeffs, hp, expected):
    land = make_landscape("quadratic", coeffs=coeffs)
    run = O.run_optimizer(land, O.get_rule(name, "d2l"), [(-5, -2)], steps=20, hyperparameters=hp)
    assert run.params[-1, 0] == pytest.approx(expected, abs=5e-7)


# ------------------------------------------------------------- torch.optim


def torch_cases():
    data = np.load(FIXTURE)
    meta = json.loads(str(data["meta"]))
    for landscape, configs in meta["configs"].items():
        for k, (name, hp) in enumerate(configs):
            start = tuple(meta["starts"][landscape])
            yield landscape, name, hp, start, data[f"{landscape}/{k}"]


@pytest.mark.parametrize(("landscape", "name", "hp", "start", "reference"), list(torch_cases()))
def test_pytorch_convention_equals_recorded_torch_optim(landscape, name, hp, start, reference):
    run = O.run_optimizer(
        make_landscape(landscape),
        O.get_rule(name, "pytorch"),
        [start],
        steps=len(reference) - 1,
        hyperparameters=hp,
    )
    assert len(reference) == 501 and np.all(np.isfinite(reference))
    np.testing.assert_allclose(run.params[:, 0], reference, rtol=0, atol=1e-10)


def test_pytorch_convention_equals_live_torch_optim():
    torch = pytest.importorskip("torch")
    recorder = load_recorder("record_torch_trajectories")
    assert torch.__version__
    for landscape, configs in recorder.CONFIGS.items():
        for name, hp in configs:
            live = recorder.trajectory(landscape, name, dict(hp))
            run = O.run_optimizer(
                make_landscape(landscape),
                O.get_rule(name, "pytorch"),
                [recorder.STARTS[landscape]],
                steps=recorder.STEPS,
                hyperparameters=hp,
            )
            np.testing.assert_allclose(run.params[:, 0], live, rtol=0, atol=1e-10)


# ------------------------------------------------------------- udl, against naive loops


def naive_udl(name: str, grad, start, steps, lr=0.1, rho=0.9, beta=0.9, gamma=0.999, eps=1e-8):
    """The course's formulas, one coordinate at a time, in plain Python."""
    x = list(start)
    m, v, s = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for t in range(1, steps + 1):
        look = [x[i] - lr * rho * m[i] for i in range(2)] if name == "nesterov" else x
        g = grad(*look)
        for i in range(2):
            if name == "gd":
                x[i] -= lr * g[i]
            elif name in ("momentum", "nesterov"):
                m[i] = rho * m[i] + (1 - rho) * g[i]
                x[i] -= lr * m[i]
            elif name == "normalized":
                x[i] -= lr * g[i] / math.sqrt(g[i] ** 2 + eps)
            elif name == "adagrad":
                v[i] += g[i] ** 2
                x[i] -= lr * g[i] / math.sqrt(v[i] + eps)
            elif name == "rmsprop":
                v[i] = rho * v[i] + (1 - rho) * g[i] ** 2
                x[i] -= lr * g[i] / math.sqrt(v[i] + eps)
            elif name == "adadelta":
                v[i] = rho * v[i] + (1 - rho) * g[i] ** 2
                delta = -math.sqrt(s[i] + eps) / math.sqrt(v[i] + eps) * g[i]
                s[i] = rho * s[i] + (1 - rho) * delta**2
                x[i] += delta
            elif name == "adam":
                m[i] = beta * m[i] + (1 - beta) * g[i]
                v[i] = gamma * v[i] + (1 - gamma) * g[i] ** 2
                m_hat, v_hat = m[i] / (1 - beta**t), v[i] / (1 - gamma**t)
                x[i] -= lr * m_hat / math.sqrt(v_hat + eps)
    return x


def beale_grad(x, y):  # written out by hand, independent of dlviz's
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3
    return (
        2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (y**3 - 1),
        2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y * y,
    )


@pytest.mark.parametrize(
    "name", ["gd", "momentum", "nesterov", "normalized", "adagrad", "rmsprop", "adadelta", "adam"]
)
def test_udl_rules_equal_the_formulas_in_a_naive_loop(name):
    lr = {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 0.3}.get(name, 0.02)
    hp = {
        k: v
        for k, v in {"lr": lr, "momentum": 0.9, "rho": 0.9}.items()
        if k in O.get_rule(name, "udl").defaults
    }
    run = O.run_optimizer(
        make_landscape("beale"), O.get_rule(name, "udl"), [(1.0, 1.5)], steps=60, hyperparameters=hp
    )
    expected = naive_udl(name, beale_grad, (1.0, 1.5), 60, lr=lr)
    np.testing.assert_allclose(run.params[-1, 0], expected, rtol=1e-11, atol=1e-12)


def test_normalized_and_first_adam_steps_have_length_lr_per_coordinate():
    land = make_landscape("rosenbrock")
    for name in ("normalized", "adam"):
        run = O.run_optimizer(
            land, O.get_rule(name, "udl"), [(-1.5, 2.5)], steps=1, hyperparameters={"lr": 0.07}
        )
        step = run.params[1, 0] - run.params[0, 0]
        np.testing.assert_allclose(np.abs(step), [0.07, 0.07], rtol=1e-9)
        assert np.all(np.sign(step) == -np.sign(land.grad(-1.5, 2.5)))


# ------------------------------------------------------------- minibatches


def test_minibatches_cover_each_example_once_per_epoch_and_reshuffle():
    land = make_landscape("gabor")
    gradient = O.Gradient(land, mean=False, batch_size=7, noise=0.0, seed=3)
    for _ in range(10):  # two epochs of ceil(30 / 7) = 5 batches
        gradient.begin_step()
    sizes = [len(b) for b in gradient.batches]
    assert sizes == [7, 7, 7, 7, 2] * 2
    first, second = np.concatenate(gradient.batches[:5]), np.concatenate(gradient.batches[5:])
    assert sorted(first) == list(range(30)) and sorted(second) == list(range(30))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("mean", [False, True])
def test_minibatch_gradient_is_the_sum_or_mean_over_the_batch(mean):
    land = make_landscape("linear", ridge=0.3)
    point = np.array([[0.4, -0.2]])
    gradient = O.Gradient(land, mean=mean, batch_size=5, noise=0.0, seed=0)
    gradient.begin_step()
    batch = gradient.batch
    # naive: the gradient of Σ_{i∈batch} (φ0 + φ1 x_i − y_i)² by hand
    r = [0.4 - 0.2 * land.data.x[i] - land.data.y[i] for i in batch]
    g = np.array(
        [
            sum(2 * ri for ri in r),
            sum(2 * ri * land.data.x[i] for ri, i in zip(r, batch, strict=True)),
        ]
    )
    penalty = 2 * 0.3 * point[0]
    # the batch carries its share of the penalty: 1/12 of it per example (the
    # mean loss divides by 12; udl's summed loss gives 5 examples 5/12 of it)
    expected = g / 5 + penalty / 12 if mean else g + penalty * 5 / 12
    np.testing.assert_allclose(gradient(point)[0], expected, rtol=1e-12)


def test_full_batch_udl_gradient_is_the_landscape_gradient():
    land = make_landscape("gabor", ridge=0.01)
    pts = np.array([[0.3, 9.0], [-2.0, 14.0]])
    gradient = O.Gradient(land, mean=False, batch_size=None, noise=0.0, seed=0)
    np.testing.assert_allclose(gradient(pts), np.stack(land.grad(pts[:, 0], pts[:, 1]), -1))


def test_noise_is_seeded_and_has_the_asked_scale():
    land = make_landscape("quadratic")
    pts = np.zeros((20000, 2))  # gradient 0 there: what remains is the noise
    a = O.Gradient(land, mean=False, batch_size=None, noise=0.5, seed=1)(pts)
    b = O.Gradient(land, mean=False, batch_size=None, noise=0.5, seed=1)(pts)
    np.testing.assert_array_equal(a, b)
    assert a.std() == pytest.approx(0.5, rel=0.02) and abs(a.mean()) < 0.01


def test_batch_size_is_checked():
    with pytest.raises(ValueError, match="from 1 to 12"):
        O.Gradient(make_landscape("linear"), mean=False, batch_size=13, noise=0, seed=0)
    with pytest.raises(ValueError, match="data models"):
        O.Gradient(make_landscape("beale"), mean=False, batch_size=2, noise=0, seed=0)


# ------------------------------------------------------------- many starts, divergence


def test_vectorised_starts_equal_separate_runs():
    land = make_landscape("himmelblau")
    starts = O.start_grid((-5, 5), (-5, 5), 4)
    rule = O.get_rule("adam", "udl")
    together = O.run_optimizer(land, rule, starts, steps=50, hyperparameters={"lr": 0.1})
    for k, start in enumerate(starts):
        alone = O.run_optimizer(land, rule, [start], steps=50, hyperparameters={"lr": 0.1})
        np.testing.assert_array_equal(together.params[:, k], alone.params[:, 0])


def test_divergence_freezes_the_start_at_the_step_it_left_the_box():
    # gd on a·x² with lr η multiplies x by (1 − 2aη) each step: with a = 1,
    # η = 1.5, x0 = 1 that is (−2)^t, which first leaves |x| ≤ 100 at t = 7.
    land = make_landscape("quadratic", coeffs=(1.0, 1.0))
    run = O.run_optimizer(
        land,
        O.get_rule("gd", "udl"),
        [(1.0, 0.0), (0.0, 0.0)],
        steps=12,
        hyperparameters={"lr": 1.5},
        box=(-100, 100, -100, 100),
    )
    assert run.diverged_at.tolist() == [7, -1]
    np.testing.assert_array_equal(run.params[:7, 0, 0], [(-2.0) ** t for t in range(7)])
    assert np.all(np.isnan(run.params[7:, 0]))
    assert np.all(run.params[:, 1] == 0)


def test_nan_counts_as_divergence():
    land = make_landscape("quadratic", coeffs=(1.0, 1.0))
    run = O.run_optimizer(
        land, O.get_rule("gd", "udl"), [(1e300, 1.0)], steps=3, hyperparameters={"lr": 1e10}
    )
    assert run.diverged_at[0] == 1


# ------------------------------------------------------------- the table and defaults


def test_conventions_define_what_the_course_says():
    assert set(O.RULES["udl"]) == set(O.NAMES)
    assert set(O.RULES["d2l"]) == {
        "gd",
        "sgd",
        "momentum",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adam",
    }
    assert "normalized" not in O.RULES["pytorch"]
    with pytest.raises(ValueError, match="pytorch does not define 'normalized'; it offers"):
        O.get_rule("normalized", "pytorch")
    with pytest.raises(ValueError, match="unknown convention"):
        O.get_rule("gd", "keras")


def test_default_epsilons_follow_each_convention():
    assert O.get_rule("adam", "d2l").defaults["eps"] == 1e-6
    assert O.get_rule("adadelta", "d2l").defaults["eps"] == 1e-5
    assert O.get_rule("adagrad", "pytorch").defaults["eps"] == 1e-10
    assert O.get_rule("adadelta", "pytorch").defaults == {"lr": 1.0, "rho": 0.9, "eps": 1e-6}


def test_unknown_hyperparameter_is_refused():
    with pytest.raises(ValueError, match="no hyperparameter beta1"):
        O.run_optimizer(
            make_landscape("saddle"),
            O.get_rule("gd", "udl"),
            [(1, 1)],
            steps=1,
            hyperparameters={"beta1": 0.5},
        )


def test_default_learning_rates_scale_with_the_convention():
    gabor = make_landscape("gabor")
    base = O.SETTINGS["gabor"].lr
    assert O.default_lr(gabor, O.get_rule("gd", "udl"), {}) == base
    assert O.default_lr(gabor, O.get_rule("gd", "d2l"), {}) == pytest.approx(base * 30)
    assert O.default_lr(gabor, O.get_rule("momentum", "pytorch"), {"momentum": 0.8}) == (
        pytest.approx(base * 30 * 0.2)
    )
    assert O.default_lr(gabor, O.get_rule("adadelta", "udl"), {}) is None
    assert O.default_lr(gabor, O.get_rule("adadelta", "pytorch"), {}) == 1.0


def test_start_grid_and_nearest_minimum():
    starts = O.start_grid((0, 4), (0, 2), 2)
    np.testing.assert_array_equal(starts, [[1, 0.5], [3, 0.5], [1, 1.5], [3, 1.5]])
    index = O.nearest_minimum(np.array([[0.0, 0.1], [5.0, 5.0]]), np.array([[9, 9], [0, 0]]), 0.5)
    assert index.tolist() == [1, -1]


def test_steps_to_reach():
    assert O.steps_to_reach(np.array([5.0, 2.0, 1.05, 1.0]), 1.0, 0.1) == 2
    assert O.steps_to_reach(np.array([5.0, 2.0]), 1.0, 0.1) is None


def naive_d2l(name: str, grad, start, steps, lr=0.1, rho=0.9, b1=0.9, b2=0.999):
    """d2l's formulas (its ε: 1e-5 for adadelta, 1e-6 otherwise), coordinate-wise."""
    x, s, dx, v = list(start), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for t in range(1, steps + 1):
        g = grad(*x)
        for i in range(2):
            if name == "adadelta":
                s[i] = rho * s[i] + (1 - rho) * g[i] ** 2
                g_prime = math.sqrt(dx[i] + 1e-5) / math.sqrt(s[i] + 1e-5) * g[i]
                x[i] -= g_prime
                dx[i] = rho * dx[i] + (1 - rho) * g_prime**2
            else:  # adam
                v[i] = b1 * v[i] + (1 - b1) * g[i]
                s[i] = b2 * s[i] + (1 - b2) * g[i] ** 2
                v_hat, s_hat = v[i] / (1 - b1**t), s[i] / (1 - b2**t)
                x[i] -= lr * v_hat / (math.sqrt(s_hat) + 1e-6)
    return x


@pytest.mark.parametrize("name", ["adadelta", "adam"])
def test_d2l_rules_equal_the_formulas_in_a_naive_loop(name):
    rule = O.get_rule(name, "d2l")
    hp = {"lr": 0.02} if "lr" in rule.defaults else {}
    run = O.run_optimizer(make_landscape("beale"), rule, [(1.0, 1.5)], steps=80, hyperparameters=hp)
    expected = naive_d2l(name, beale_grad, (1.0, 1.5), 80, lr=0.02)
    np.testing.assert_allclose(run.params[-1, 0], expected, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("convention", ["udl", "d2l", "pytorch"])
def test_an_epoch_of_minibatches_adds_up_to_the_full_gradient_with_a_ridge(convention):
    """At the closed-form ridge minimum the full gradient is zero, so one
    epoch's minibatch gradients must sum to zero too: the penalty is shared
    among the batches, not added whole to each (which would optimise
    n/|B| times the ridge)."""
    land = make_landscape("linear", ridge=0.5)
    best = np.array(linear_least_squares(land.data.x, land.data.y, 0.5))
    grad = O.Gradient(land, mean=convention != "udl", batch_size=3, noise=0.0, seed=1)
    total = np.zeros(2)
    for _ in range(len(land.data.x) // 3):
        grad.begin_step()
        total += grad(best[None, :])[0]
    np.testing.assert_allclose(total, 0.0, atol=1e-12)


def test_udl_minibatch_descent_reaches_the_ridge_minimum_it_stars():
    land = make_landscape("linear", ridge=0.5)
    best = np.array(linear_least_squares(land.data.x, land.data.y, 0.5))
    run = O.run_optimizer(
        land,
        O.get_rule("gd", "udl"),
        [(1.8, -0.8)],
        steps=20000,
        hyperparameters={"lr": 0.002},
        batch_size=3,
        seed=0,
    )
    last_epoch = run.params[-4:, 0].mean(axis=0)  # 12 points, batches of 3
    assert np.linalg.norm(last_epoch - best) < 0.02
    wrong = np.array(linear_least_squares(land.data.x, land.data.y, 2.0))  # whole penalty per batch
    assert np.linalg.norm(last_epoch - best) < np.linalg.norm(last_epoch - wrong) / 5


def _loss_hessian(land, x, y, h=1e-4):
    """Second differences of the loss itself (not its gradient): an oracle."""
    f = land.loss
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h * h)
    return np.linalg.eigvalsh(np.array([[fxx, fxy], [fxy, fyy]]))


def test_outcomes_name_how_each_run_ended():
    race = O.run(O.make_spec("gabor", optimizers=["gd", "normalized"]))
    land = make_landscape("gabor")
    gd, normalized = (race.outcome(run, 0) for run in race.runs)
    # gd stalls where L curves down in one direction (the issue's −0.57, 3.41)
    assert gd.kind == "saddle_region"
    np.testing.assert_allclose(gd.eigenvalues, _loss_hessian(land, gd.x, gd.y), atol=1e-3)
    assert gd.eigenvalues[0] < 0 < gd.eigenvalues[1]
    assert (gd.x, gd.y) == tuple(race.runs[0].params[-1, 0]) and gd.step == 300
    assert normalized.kind == "reached"
    assert normalized.step == race.steps_to_tol(race.runs[1], 0)
    assert race.runs[1].loss[normalized.step, 0] <= race.landscape.minimum.loss + race.tol
    assert race.runs[1].loss[normalized.step - 1, 0] > race.landscape.minimum.loss + race.tol


def test_a_run_that_ends_in_a_local_minimum_says_so():
    spec = O.make_spec("gabor", optimizers=["gd"], starts=[(6.0, 13.0)], steps=500)
    race = O.run(spec)
    end = race.outcome(race.runs[0], 0)
    assert end.kind == "local_minimum" and end.loss > race.landscape.minimum.loss + 1
    assert np.all(_loss_hessian(make_landscape("gabor"), end.x, end.y) > 0)


def test_a_diverged_run_says_when():
    spec = O.make_spec("quadratic", optimizers=["gd"], overrides={"*": {"lr": 30.0}}, steps=5)
    race = O.run(spec)
    end = race.outcome(race.runs[0], 0)
    assert end.kind == "diverged" and end.step == 1


def test_a_stochastic_rule_runs_a_fan_of_seeds_each_its_own_run():
    spec = O.make_spec("rosenbrock", optimizers=["gd", "sgd"], steps=40, seed=7)
    assert spec.seeds == O.FAN_SEEDS and spec.noise == {"gd": 0.0, "sgd": 1.0}
    race = O.run(spec)
    gd, sgd = race.runs
    assert gd.fan is None and sgd.fan.shape == (O.FAN_SEEDS - 1, 41, 2)
    land = make_landscape("rosenbrock")
    for i in (1, 5, O.FAN_SEEDS - 1):  # seed 7 + i, run alone
        alone = O.run_optimizer(
            land,
            O.get_rule("sgd", "udl"),
            [spec.starts[0]],
            steps=40,
            hyperparameters=spec.hyperparameters["sgd"],
            noise=1.0,
            seed=7 + i,
            box=O.divergence_box((-2, 2), (-1, 3)),
        )
        np.testing.assert_array_equal(sgd.fan[i - 1], alone.params[:, 0])
    reached, seeds, finals = race.fan_outcome(sgd)
    assert seeds == O.FAN_SEEDS and finals[0] == sgd.loss[-1, 0] and 0 <= reached <= seeds
    assert O.make_spec("rosenbrock", optimizers=["gd"]).seeds == 1  # nothing random: one seed


@pytest.mark.parametrize("convention", ["udl", "d2l"])
def test_a_fan_of_minibatch_seeds_equals_each_seed_run_alone(convention):
    spec = O.make_spec(
        "gabor", convention=convention, optimizers=["sgd"], steps=60, seed=3, batch_size=7
    )
    (sgd,) = O.run(spec).runs
    land = make_landscape("gabor")
    for i in (1, 8, O.FAN_SEEDS - 1):
        alone = O.run_optimizer(
            land,
            O.get_rule("sgd", convention),
            [spec.starts[0]],
            steps=60,
            hyperparameters=spec.hyperparameters["sgd"],
            batch_size=7,
            seed=3 + i,
            box=O.divergence_box((-10, 10), (2.5, 22.5)),
        )
        np.testing.assert_allclose(sgd.fan[i - 1], alone.params[:, 0], rtol=1e-13, atol=1e-13)
