"""The losses as negative log-likelihoods, against PyTorch's losses and
SciPy's entropy (recorded; live when torch is importable) and closed forms."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import loss as L
from tests.util import recorder as load_recorder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_loss.npz"
DATA = np.load(FIXTURE)
META = json.loads(str(DATA["meta"]))


def _arrays(i: int) -> dict:
    return {key.split("/")[1]: DATA[key] for key in DATA.files if key.startswith(f"{i}/")}


def _compare(case: dict, a: dict) -> None:
    op = case["op"]
    if op == "gaussian":
        got = L.gaussian_nll(a["y"], a["mu"], a["sigma"])
        np.testing.assert_allclose(got, a["nll"], rtol=1e-12, atol=1e-12)
    elif op == "bernoulli":
        np.testing.assert_allclose(L.bernoulli_nll(a["y"], a["f"]), a["nll"], rtol=1e-12,
                                   atol=1e-12)  # fmt: skip
    elif op == "categorical":
        got = L.categorical_nll(a["logits"], a["labels"], case["smoothing"])
        np.testing.assert_allclose(got, a["nll"], rtol=1e-12, atol=1e-9)
    else:
        assert L.entropy(a["p"]) == pytest.approx(float(a["entropy"]), rel=1e-12)
        assert L.kl_divergence(a["p"], a["q"]) == pytest.approx(float(a["kl"]), rel=1e-12)
        assert L.kl_divergence(a["p"], a["q"]) == pytest.approx(float(a["kl_torch"]), rel=1e-12)


@pytest.mark.parametrize("i", range(len(META["cases"])))
def test_every_recorded_case_equals_pytorch_and_scipy(i):
    _compare(META["cases"][i], _arrays(i))


def test_the_fixture_covers_large_logits_and_label_smoothing():
    cases = META["cases"]
    assert {c["op"] for c in cases} == {"gaussian", "bernoulli", "categorical", "information"}
    assert max(c.get("scale", 0) for c in cases) == 1e4
    assert {c["smoothing"] for c in cases if c["op"] == "categorical"} == {0.0, 0.1, 0.3}


def test_live_pytorch_and_scipy_agree():
    pytest.importorskip("torch")
    pytest.importorskip("scipy")
    rec = load_recorder("record_torch_loss")
    rng = np.random.default_rng(11)
    for case in rec.cases():
        _compare(case, rec.run(case, rng))


def test_the_gaussian_nll_is_the_sum_of_squares_up_to_constants():
    rng = np.random.default_rng(0)
    y, mu = rng.normal(size=(2, 20))
    sigma = 0.7
    nll = L.gaussian_nll(y, mu, np.full(20, sigma)).sum()
    squares = np.sum((y - mu) ** 2)
    assert nll == pytest.approx(squares / (2 * sigma**2) + 20 * (math.log(sigma) + 0.5 * L.LOG_2PI))
    # the likelihood is the density, by its closed form
    density = np.exp(-((y - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(L.gaussian_likelihood(y, mu, np.full(20, sigma)), density)


def test_a_gaussian_of_sigma_zero_is_refused():
    with pytest.raises(ValueError, match="σ"):
        L.gaussian_nll([0.0], [0.0], [0.0])


def test_bernoulli_nll_is_binary_cross_entropy_of_the_sigmoid():
    f = np.linspace(-6, 6, 25)
    lam = 1 / (1 + np.exp(-f))
    for y in (0.0, 1.0):
        direct = -(y * np.log(lam) + (1 - y) * np.log(1 - lam))
        np.testing.assert_allclose(L.bernoulli_nll(np.full(25, y), f), direct, rtol=1e-12)
    big = L.bernoulli_nll(np.array([1.0, 0.0]), np.array([-1e4, 1e4]))
    assert np.all(np.isfinite(big)) and big == pytest.approx([1e4, 1e4])


def test_softmax_is_stable_and_its_temperature_flattens_it():
    z = np.array([1e4, 0.0, -1e4])
    assert np.all(np.isfinite(L.log_softmax(z[None])))
    p = L.softmax(np.array([2.0, 1.0, 0.0]), temperature=1.0)
    hot = L.softmax(np.array([2.0, 1.0, 0.0]), temperature=10.0)
    assert L.entropy(hot) > L.entropy(p)
    np.testing.assert_allclose(p, np.exp([2, 1, 0]) / np.exp([2, 1, 0]).sum())


def test_cross_entropy_is_entropy_plus_kl():
    rng = np.random.default_rng(3)
    for _ in range(50):
        p, q = rng.dirichlet(np.ones(6), size=2)
        assert L.cross_entropy(p, q) == pytest.approx(L.entropy(p) + L.kl_divergence(p, q))
        assert L.kl_divergence(p, q) >= 0 and L.kl_divergence(p, p) == pytest.approx(0)
    assert L.cross_entropy([0.5, 0.5, 0.0], [1.0, 0.0, 0.0]) == math.inf
    assert L.entropy([1.0, 0.0]) == 0.0  # 0 log 0 = 0


# ---------------------------------------------------------------------------- dlviz loss runs


def _normal(y, mu, sigma):  # notebook 5.1's normal_distribution, written again
    return math.exp(-((y - mu) ** 2) / (2 * sigma**2)) / math.sqrt(2 * math.pi * sigma**2)


def _shallow(x, task):  # UDL's shallow_nn: ReLU(β0 + Ω0 x), then β1 + Ω1 h, by loops
    hidden = [max(0.0, b + w[0] * x) for w, b in zip(*L._UDL_HIDDEN.values(), strict=True)]
    weight, bias = L.UDL_OUTPUT[task]
    return [b + sum(w * h for w, h in zip(row, hidden, strict=True))
            for row, b in zip(weight, bias, strict=True)]  # fmt: skip


# the "Correct answer" each notebook prints, to its printed digits (%9.9f)
NOTEBOOK = {
    "regression": {"likelihood": 0.000010624, "nll": 11.452419564, "sum_squares": 2.020992572},
    "binary": {"likelihood": 0.000070237, "nll": 9.563639387},
    "multiclass": {"likelihood": 0.000000041, "nll": 17.015457867},
}


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_udl_notebooks_5_1_to_5_3_values_are_reproduced(task):
    r = L.run(L.make_spec(task=task))
    for key, printed in NOTEBOOK[task].items():
        assert f"{getattr(r, key):.9f}" == f"{printed:.9f}", key


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_the_run_equals_a_loop_over_the_points(task):
    r = L.run(L.make_spec(task=task))
    probs = []
    for x, y in zip(L.UDL_X, L.UDL_Y[task], strict=True):
        out = _shallow(x, task)
        if task == "regression":
            probs.append(_normal(y, out[0], L.UDL_SIGMA))
        elif task == "binary":
            lam = 1 / (1 + math.exp(-out[0]))
            probs.append(lam if y == 1 else 1 - lam)
        else:
            exps = [math.exp(v) for v in out]
            probs.append(exps[y] / sum(exps))
    np.testing.assert_allclose(r.point_prob, probs, rtol=1e-12)
    assert r.likelihood == pytest.approx(math.prod(probs), rel=1e-11)
    assert r.nll == pytest.approx(-sum(math.log(p) for p in probs), rel=1e-12)


def test_the_offset_sweep_peaks_where_notebook_5_1_says_and_all_three_agree():
    s = L.run(L.make_spec(task="regression")).sweep
    np.testing.assert_allclose(s.values, np.arange(0, 1.0, 0.01), atol=1e-12)  # its grid
    best = s.values[s.best]
    assert best == pytest.approx(0.27)  # "set to the best offset beta_1 = 0.27"
    assert s.values[np.argmax(s.likelihood)] == best == s.values[np.argmin(s.sum_squares)]
    # closed form: the offset minimising Σ(y − μ)² moves μ by the mean residual
    r0 = L.run(L.make_spec(task="regression"))
    exact = 0.1 + float(np.mean(r0.y - r0.mu))
    assert abs(best - exact) <= 0.005 + 1e-12


def test_the_sigma_sweep_finds_the_closed_form_maximum_likelihood_sigma():
    r = L.run(L.make_spec(task="regression", sweep="sigma"))
    s = r.sweep
    np.testing.assert_allclose(s.values, np.arange(0.1, 0.5, 0.005), atol=1e-12)
    exact = math.sqrt(r.sum_squares / len(r.x))  # ∂NLL/∂σ = 0 at σ² = SS/N
    assert abs(s.values[s.best] - exact) <= 0.0025 + 1e-12
    assert np.ptp(s.sum_squares) == 0  # least squares does not see σ


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_the_classifier_sweeps_rebuild_the_model_at_every_value(task):
    r = L.run(L.make_spec(task=task, steps=9, sweep_range=(-2, 6)))
    for value, nll in zip(r.sweep.values, r.sweep.nll, strict=True):
        moved = L.with_value(r.spec, value)
        assert L.offset_of(moved) == value
        assert nll == pytest.approx(L.run(replace_sweep(moved)).nll, rel=1e-12)


def replace_sweep(spec):
    from dataclasses import replace

    return replace(spec, steps=2)


CASES = [
    {"task": "regression"},
    {"task": "regression", "heteroscedastic": True},
    {"task": "regression", "model": "line"},
    {"task": "regression", "model": "poly", "points": 40, "seed": 2},
    {"task": "binary"},
    {"task": "binary", "model": "poly"},
    {"task": "multiclass", "temperature": 2.5},
    {"task": "multiclass", "smoothing": 0.2, "points": 30, "seed": 5},
    {"task": "information"},
    {"task": "information", "units": "bits"},
    {"task": "information", "seed": 7},
    {"task": "information", "p": (0.7, 0.3, 0.0), "q": (0.2, 0.2, 0.6)},
]


@pytest.mark.parametrize(
    "requests", CASES, ids=lambda r: ",".join(f"{k}={v}" for k, v in r.items())
)
def test_every_printed_equation_evaluates_to_its_right_side_and_to_the_run(requests):
    r = L.run(L.make_spec(**requests))
    found = dict(r.equations)
    assert found
    for key, eq in r.equations:
        assert eq.holds(1e-9), (key, eq.text())
    want = {"likelihood": r.likelihood, "nll": r.nll, "squares": r.sum_squares,
            "identity": r.nll, "loss": r.loss, "entropy": r.entropy,
            "cross_entropy": r.cross_entropy, "kl": r.kl, "kl_direct": r.kl}  # fmt: skip
    for key, eq in found.items():
        assert eq.rhs == pytest.approx(want[key], rel=1e-12), key


def test_information_default_is_the_classic_one_and_three_quarter_bits():
    r = L.run(L.make_spec(task="information", units="bits"))
    assert (r.entropy, r.cross_entropy, r.kl) == pytest.approx((1.75, 2.0, 0.25), rel=1e-12)
    assert r.sweep.kl[-1] == pytest.approx(0.0, abs=1e-15)  # q_t = p at t = 1
    assert np.all(np.diff(r.sweep.kl) <= 1e-15)  # KL(p‖(1 − t)q + tp) is convex, 0 at 1
    np.testing.assert_allclose(r.sweep.cross_entropy - r.sweep.kl, r.entropy, rtol=1e-12)


def test_seeded_distributions_are_rounded_and_sum_to_one():
    spec = L.make_spec(task="information", seed=7)
    for dist in (spec.p, spec.q):
        assert math.fsum(dist) == pytest.approx(1.0, abs=1e-12)
        assert all(round(v, 2) == v for v in dist)
    assert L.make_spec(task="information", seed=7) == spec


def test_seeded_data_are_drawn_from_the_model_itself():
    spec = L.make_spec(task="regression", points=500, seed=1)
    r = L.run(spec)
    assert spec.data == "seeded" and len(spec.x) == 500
    assert np.std(r.y - r.mu) == pytest.approx(L.UDL_SIGMA, rel=0.1)
    b = L.run(L.make_spec(task="binary", points=500, seed=1))
    assert abs(np.mean(b.y) - np.mean(b.probs[:, 1])) < 0.06  # labels as often as λ says
    m = L.run(L.make_spec(task="multiclass", points=500, seed=1))
    counts = np.bincount(m.y, minlength=3) / 500
    np.testing.assert_allclose(counts, m.probs.mean(axis=0), atol=0.06)


def test_the_default_lines_and_polynomials_are_the_fits_they_claim():
    x = np.array(L.UDL_X)
    for model, degree in (("line", 1), ("poly", 3)):
        fit = np.polynomial.polynomial.polyfit(x, L.UDL_Y["regression"], degree)
        np.testing.assert_allclose(L.DEFAULT_COEF[("regression", model)], fit, atol=0.005)
    y = np.array(L.UDL_Y["binary"])
    for model in ("line", "poly"):
        coef = np.array(L.DEFAULT_COEF[("binary", model)])
        design = np.vander(x, len(coef), increasing=True)
        lam = 1 / (1 + np.exp(-design @ coef))
        gradient = design.T @ (lam - y)  # ∂NLL/∂c: about 0 at the maximum-likelihood fit
        assert np.abs(gradient).max() < 0.05


def test_heteroscedastic_sigma_is_the_second_output_squared_root():
    r = L.run(L.make_spec(task="regression", heteroscedastic=True))
    second = np.array([_shallow(x, "regression")[0] for x in L.UDL_X])  # μ by the loop
    np.testing.assert_allclose(r.mu, second, rtol=1e-12)
    w, b = L.HETERO_ROW
    h = np.maximum(np.array(L._UDL_HIDDEN["bias"]) + np.outer(L.UDL_X, [-1.0, 1.8, 0.65]), 0)
    np.testing.assert_allclose(r.sigma, np.abs(h @ np.array(w) + b), rtol=1e-12)


@pytest.mark.parametrize(
    "requests, param",
    [
        ({"task": "nope"}, "task"),
        ({"sigma": 0}, "sigma"),
        ({"sigma": -1}, "sigma"),
        ({"task": "binary", "sigma": 0.3}, "sigma"),
        ({"task": "regression", "temperature": 2}, "temperature"),
        ({"task": "multiclass", "temperature": 0}, "temperature"),
        ({"task": "multiclass", "smoothing": 1.5}, "smoothing"),
        ({"task": "multiclass", "model": "line"}, "model"),
        ({"model": "line", "coef": (1, 2, 3)}, "coef"),
        ({"coef": (1, 2), "model": "network"}, "coef"),
        ({"heteroscedastic": True, "sigma": 0.3}, "sigma"),
        ({"heteroscedastic": True, "sweep": "sigma"}, "sweep"),
        ({"task": "binary", "heteroscedastic": True}, "heteroscedastic"),
        ({"task": "binary", "sweep": "sigma"}, "sweep"),
        ({"sweep_range": (1, 0)}, "sweep_range"),
        ({"sweep": "sigma", "sweep_range": (0, 1)}, "sweep_range"),
        ({"steps": 1}, "steps"),
        ({"points": 0}, "points"),
        ({"task": "information", "p": (0.5, 0.6)}, "p"),
        ({"task": "information", "p": (0.5, 0.5), "q": (1.0, 0.0)}, "q"),
        ({"task": "information", "p": (0.5, 0.5), "q": (0.2, 0.3, 0.5)}, "q"),
        ({"task": "information", "sigma": 0.2}, "sigma"),
        ({"task": "regression", "p": (0.5, 0.5)}, "p"),
        ({"task": "multiclass", "given": {"x": [0.1], "y": [3]}}, "given"),
        ({"given": {"x": [0.1, 0.2], "y": [1.0]}}, "given"),
        ({"given": {"x": [0.1]}}, "given"),
        ({"given": {"layers": [{"weight": [[1.0, 2.0]], "bias": [0.0]}]}}, "given"),
        ({"task": "binary", "given": {"layers": [{"weight": [[1.0], [2.0]], "bias": [0, 0]}]}},
         "given"),
        ({"heteroscedastic": True,
          "given": {"layers": [{"weight": [[1.0], [0.0]], "bias": [0.0, 0.0]}]}}, "given"),
        ({"units": "bits", "task": "binary", "coef": (1, 2, 3, 4, 5, 6, 7)}, "coef"),
    ],
)  # fmt: skip
def test_bad_requests_name_their_parameter(requests, param):
    from dlviz.errors import SpecError

    with pytest.raises(SpecError) as caught:
        L.make_spec(**requests)
    assert caught.value.param == param


def test_a_replayed_spec_is_the_same_spec():
    from dlviz.spec import as_dict

    for requests in CASES:
        spec = L.make_spec(**requests)
        plain = json.loads(json.dumps(as_dict(spec)))
        assert L.make_spec(**plain) == spec, requests


def test_live_run_totals_equal_torch_losses():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = L.run(L.make_spec(task="regression"))
    var = torch.tensor(r.sigma**2)
    got = F.gaussian_nll_loss(torch.tensor(r.mu), torch.tensor(r.y), var, full=True,
                              reduction="sum")  # fmt: skip
    assert float(got) == pytest.approx(r.nll, rel=1e-12)
    b = L.run(L.make_spec(task="binary"))
    got = F.binary_cross_entropy_with_logits(torch.tensor(b.logits[:, 0]),
                                             torch.tensor(b.y, dtype=torch.float64),
                                             reduction="sum")  # fmt: skip
    assert float(got) == pytest.approx(b.nll, rel=1e-12)
    m = L.run(L.make_spec(task="multiclass", smoothing=0.1, temperature=2.0))
    got = F.cross_entropy(torch.tensor(m.logits / 2.0), torch.tensor(m.y), reduction="sum",
                          label_smoothing=0.1)  # fmt: skip
    assert float(got) == pytest.approx(m.loss, rel=1e-12)
