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
