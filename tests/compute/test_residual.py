"""Residual variance growth against the closed forms (the issue's tolerances:
finite width makes single runs wander by a few percent per block)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlviz.compute import residual as V


@pytest.fixture(scope="module")
def big():
    return V.simulate(depth=4, width=1000, batch=2000, repeats=1, seed=3)


def ratios(values: np.ndarray) -> np.ndarray:
    return values[1:] / values[:-1]


def test_residual_second_moment_doubles_per_block(big):
    np.testing.assert_allclose(ratios(big.mean("residual")), 2.0, atol=0.15)


def test_scaled_residual_stays_at_one(big):
    np.testing.assert_allclose(big.mean("scaled"), 1.0, atol=0.15)


def test_batchnorm_adds_one_per_block(big):
    np.testing.assert_allclose(np.diff(big.mean("batchnorm")), 1.0, atol=0.1)


def test_plain_he_stays_constant(big):
    np.testing.assert_allclose(big.mean("plain"), 1.0, atol=0.12)


def test_theory_curves():
    assert V.theory("residual", 3, 1.0).tolist() == [1, 2, 4, 8]
    assert V.theory("scaled", 3, 1.0).tolist() == [1, 1, 1, 1]
    assert V.theory("batchnorm", 3, 1.0).tolist() == [1, 2, 3, 4]
    assert V.theory("plain", 2, 0.5).tolist() == [1, 0.5, 0.25]


def test_first_residual_block_batch_variance_is_two_minus_one_over_pi():
    r = V.simulate(
        variants=["residual"],
        depth=1,
        width=1000,
        batch=2000,
        repeats=1,
        statistic_name="batch-variance",
        seed=5,
    )
    assert r.mean("residual")[1] == pytest.approx(2 - 1 / math.pi, abs=0.05)
    assert r.theory["residual"] is None


def test_block_equals_a_naive_loop():
    rng = np.random.default_rng(0)
    h, w = rng.normal(size=(5, 4)), rng.normal(size=(4, 4))
    relu = np.maximum(h, 0)
    naive = np.array(
        [[sum(w[j, i] * relu[b, i] for i in range(4)) for j in range(4)] for b in range(5)]
    )
    np.testing.assert_allclose(V.block(h, w, "plain"), naive)
    np.testing.assert_allclose(V.block(h, w, "residual"), h + naive)
    np.testing.assert_allclose(V.block(h, w, "scaled"), (h + naive) / math.sqrt(2))
    normed = (h - h.mean(0)) / np.sqrt(h.var(0) + V.BN_EPS)
    bn = np.array(
        [
            [sum(w[j, i] * max(normed[b, i], 0) for i in range(4)) for j in range(4)]
            for b in range(5)
        ]
    )
    np.testing.assert_allclose(V.block(h, w, "batchnorm"), h + bn)


def test_small_init_makes_plain_vanish():
    r = V.simulate(
        variants=["plain", "residual"], depth=6, width=200, batch=400, init="normal:0.05", repeats=1
    )
    q = 0.05**2 * 200 / 2
    np.testing.assert_allclose(r.theory["plain"], q ** np.arange(7))
    assert r.mean("plain")[-1] < 1e-3 and r.mean("residual")[-1] > 0.5


def test_bad_options():
    with pytest.raises(ValueError):
        V.simulate(variants=["dense"])
    with pytest.raises(ValueError):
        V.weight_scale("kaiming", 10)


@pytest.mark.parametrize("variant", V.VARIANTS)
@pytest.mark.parametrize("deep", [False, True])
def test_block_backward_equals_finite_differences(variant, deep):
    rng = np.random.default_rng(1)
    h0, r = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    ws = [
        (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))) if deep else rng.normal(size=(4, 4))
        for _ in range(3)
    ]

    def loss(h):
        for w in ws:
            h = V.block(h, w, variant)
        return float(np.sum(r * h))

    inputs = [h0]
    for w in ws[:-1]:
        inputs.append(V.block(inputs[-1], w, variant))
    grad = r
    for h, w in zip(reversed(inputs), reversed(ws), strict=True):
        grad = V.block_backward(h, w, variant, grad)
    eps = 1e-6
    for index in [(0, 0), (2, 3), (5, 1)]:
        plus, minus = h0.copy(), h0.copy()
        plus[index] += eps
        minus[index] -= eps
        assert grad[index] == pytest.approx(
            (loss(plus) - loss(minus)) / (2 * eps), rel=1e-5, abs=1e-7
        )


def test_checkpointed_backward_equals_keeping_every_block():
    sigma = V.weight_scale("he", 20)
    got = V._backward("residual", 7, 20, 10, V._weights_maker(20, sigma, "single"), [0, 0])
    rng = np.random.default_rng([0, 0])
    h = rng.standard_normal((10, 20))
    seeds = rng.integers(0, 2**63, size=7)
    ws = [np.random.default_rng(s).normal(0, sigma, (20, 20)) for s in seeds]
    inputs = [h]
    for w in ws:
        inputs.append(V.block(inputs[-1], w, "residual"))
    grad = np.random.default_rng([0, 0, 1]).standard_normal((10, 20))
    expected = [np.mean(grad**2)]
    for k in range(6, -1, -1):
        grad = V.block_backward(inputs[k], ws[k], "residual", grad)
        expected.insert(0, np.mean(grad**2))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_backward_residual_gradients_double_per_block_going_back():
    r = V.simulate(
        variants=["residual", "scaled"], depth=3, width=1000, batch=2000, repeats=1, backward=True
    )
    g = r.backward["residual"][0]
    np.testing.assert_allclose(g[:-1] / g[1:], 2.0, atol=0.15)
    s = r.backward["scaled"][0]
    np.testing.assert_allclose(s / s[-1], 1.0, atol=0.15)


def test_deep_branch_theory_and_measurement():
    # W2·ReLU(W1·h) under He multiplies E[h²] by 2: residual triples per block,
    # scaled grows 1.5x, batchnorm adds 2
    r = V.simulate(depth=3, width=1000, batch=2000, repeats=1, branch="deep")
    assert r.theory["residual"].tolist() == [1, 3, 9, 27]
    np.testing.assert_allclose(ratios(r.mean("residual")), 3.0, atol=0.25)
    np.testing.assert_allclose(ratios(r.mean("scaled")), 1.5, atol=0.12)
    np.testing.assert_allclose(np.diff(r.mean("batchnorm")), 2.0, atol=0.2)


def test_batchnorm_backward_theory_against_simulation():
    """∏(1 + 1/(1 + (1 − 1/π)j)) under He: checked against its product
    written out, and against the measured E[g²] within the runs' scatter."""
    theory = V.theory_backward("batchnorm", 20, 1.0)
    by_hand = [
        math.prod(1 + 1 / (1 + (1 - 1 / math.pi) * j) for j in range(k, 20)) for k in range(21)
    ]
    np.testing.assert_allclose(theory, by_hand)
    assert theory[0] == pytest.approx(42.93, abs=0.01)
    r = V.simulate(
        variants=("batchnorm",), depth=20, width=512, batch=512, repeats=4, backward=True
    )
    runs = r.backward["batchnorm"]
    measured = (runs / runs[:, -1:]).mean(axis=0)
    np.testing.assert_allclose(measured, theory, rtol=0.05)
    np.testing.assert_array_equal(r.theory_backward["batchnorm"], theory)
    assert V.theory_backward("batchnorm", 5, 1.0, branch="deep") is None
