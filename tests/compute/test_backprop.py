"""Backpropagation's numbers against independent oracles: the values UDL's
notebook 7.1 prints, the derivative written out by hand, central finite
differences, and a per-example, per-unit loop for the MLP."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from dlviz.compute import backprop as B

# Understanding Deep Learning, notebook 7.1 (its printed values, 3 decimals)
UDL_FORWARD = {
    "f0": 1.230,
    "h1": 0.942,
    "f1": 1.623,
    "h2": 5.068,
    "f2": 7.137,
    "h3": 0.657,
    "f3": 2.372,
    "l": 0.139,
}
UDL_BACKWARD = {
    "f3": 0.745,
    "h3": 2.234,
    "f2": -1.683,
    "h2": -3.366,
    "f1": -17.060,
    "h1": 6.824,
    "f0": 2.281,
}
UDL_PARAMETERS = {
    "beta3": 0.745, "omega3": 0.489, "beta2": -1.683, "omega2": -8.530,
    "beta1": -17.060, "omega1": -16.079, "beta0": 2.281, "omega0": 5.246,
}  # fmt: skip


def test_the_toy_chain_prints_what_udl_notebook_7_1_prints():
    graph = B.chain_graph()
    for name, value in UDL_FORWARD.items():
        assert round(graph.node(name).value, 3) == value, name
    for name, grad in UDL_BACKWARD.items():
        assert round(graph.node(name).grad, 3) == grad, name
    assert {k: round(v, 3) for k, v in graph.gradients().items()} == UDL_PARAMETERS


def _by_hand(b, w, x, y):
    """∂ℓ/∂ω0 and ∂ℓ/∂β3 as the notebook writes them out, in one expression each."""
    inner = b[0] + w[0] * x
    mid = b[1] + w[1] * math.sin(inner)
    outer = b[2] + w[2] * math.exp(mid)
    f = b[3] + w[3] * math.cos(outer)
    d_omega0 = (
        -2 * (f - y) * w[1] * w[2] * w[3] * x * math.cos(inner) * math.exp(mid) * math.sin(outer)
    )
    return d_omega0, 2 * (f - y)


@pytest.mark.parametrize("seed", range(5))
def test_the_chain_matches_the_derivative_written_out_by_hand(seed):
    rng = np.random.default_rng(seed)
    b, w = rng.normal(size=4), rng.normal(size=4)
    x, y = rng.normal(size=2)
    graph = B.chain_graph(b, w, x, y)
    d_omega0, d_beta3 = _by_hand(b, w, x, y)
    assert graph.gradients()["omega0"] == pytest.approx(d_omega0, rel=1e-12, abs=1e-14)
    assert graph.gradients()["beta3"] == pytest.approx(d_beta3, rel=1e-12, abs=1e-14)
    checks = B.chain_check(b, w, x, y, graph)
    assert len(checks) == 8 and all(c.ok() for c in checks), [c for c in checks if not c.ok()]


def test_every_backward_step_is_an_equation_that_evaluates_to_the_gradient():
    graph = B.chain_graph()
    assert [s.node for s in graph.steps][:7] == ["f3", "h3", "f2", "h2", "f1", "h1", "f0"]
    for step in graph.steps:
        assert step.equation.holds(1e-12), step.equation.text()
        assert step.equation.rhs == graph.node(step.node).grad
    f2 = next(s for s in graph.steps if s.node == "f2")
    assert f2.terms == (("h3", "−sin f2"),)
    # ∂ℓ/∂f2 = ∂ℓ/∂h3 · (−sin f2), with this run's numbers
    (product,) = f2.equation.lhs.terms
    h3, slope = (f.value() for f in product.factors)
    assert h3 == graph.node("h3").grad and slope == -math.sin(graph.node("f2").value)


def test_a_wrong_local_derivative_is_caught_by_the_check(monkeypatch):
    """A sin whose derivative is written as −cos: the finite differences disagree."""
    wrong = replace(B.OPS["sin"], partials=lambda a, out: (-math.cos(a),))
    monkeypatch.setitem(B.OPS, "sin", wrong)
    graph = B.chain_graph()
    checks = {c.name: c for c in B.chain_check(B.UDL_BETA, B.UDL_OMEGA, B.UDL_X, B.UDL_Y, graph)}
    assert not checks["omega0"].ok() and not checks["beta0"].ok()
    assert checks["beta3"].ok() and checks["omega2"].ok()  # after sin: unaffected


def _naive(weights, biases, x, y, activation, loss):
    """Backprop one example and one unit at a time, in plain Python."""
    sigma = {
        "relu": (lambda v: max(v, 0.0), lambda v: 1.0 if v > 0 else 0.0),
        "sigmoid": (
            lambda v: 1 / (1 + math.exp(-v)),
            lambda v: math.exp(-v) / (1 + math.exp(-v)) ** 2,
        ),
        "tanh": (math.tanh, lambda v: 1 - math.tanh(v) ** 2),
    }[activation]
    layers = len(weights)
    gw = [[[0.0] * len(w[0]) for _ in w] for w in weights]
    gb = [[0.0] * len(b) for b in biases]
    total = 0.0
    for e in range(len(x[0])):
        a = [[x[i][e] for i in range(len(x))]]
        zs = []
        for k in range(layers):
            z = [
                biases[k][j] + sum(weights[k][j][i] * a[-1][i] for i in range(len(a[-1])))
                for j in range(len(weights[k]))
            ]
            zs.append(z)
            a.append(z if k == layers - 1 else [sigma[0](v) for v in z])
        out = zs[-1]
        if loss == "squared-error":
            target = [y[j][e] for j in range(len(out))]
            total += sum((o - t) ** 2 for o, t in zip(out, target, strict=True))
            delta = [2 * (o - t) for o, t in zip(out, target, strict=True)]
        else:
            top = max(out)
            norm = sum(math.exp(o - top) for o in out)
            label = int(y[e])
            total += -(out[label] - top - math.log(norm))
            delta = [math.exp(o - top) / norm - (j == label) for j, o in enumerate(out)]
        for k in range(layers - 1, -1, -1):
            for j in range(len(delta)):
                gb[k][j] += delta[j]
                for i in range(len(a[k])):
                    gw[k][j][i] += delta[j] * a[k][i]
            if k:
                delta = [
                    sum(weights[k][j][i] * delta[j] for j in range(len(delta)))
                    * sigma[1](zs[k - 1][i])
                    for i in range(len(a[k]))
                ]
    return total, gw, gb


CASES = [
    ((2, 3, 2), "relu", "squared-error", 1),
    ((2, 3, 2), "sigmoid", "cross-entropy", 4),
    ((3, 4, 4, 3), "tanh", "squared-error", 5),
    ((4, 8, 8, 3), "relu", "cross-entropy", 16),
    ((1, 5, 1), "sigmoid", "squared-error", 3),
]


def _network(widths, batch, loss, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(o, i)) for i, o in zip(widths, widths[1:], strict=False)]
    biases = [rng.normal(size=o) for o in widths[1:]]
    x = rng.normal(size=(widths[0], batch))
    if loss == "squared-error":
        y = rng.normal(size=(widths[-1], batch))
    else:
        y = rng.integers(0, widths[-1], size=batch)
    return weights, biases, x, y


@pytest.mark.parametrize(("widths", "activation", "loss", "batch"), CASES)
def test_the_delta_recursion_matches_a_loop_over_examples_and_units(
    widths, activation, loss, batch
):
    weights, biases, x, y = _network(widths, batch, loss, seed=len(widths) + batch)
    result = B.mlp_pass(weights, biases, x, y, activation, loss)
    total, gw, gb = _naive(
        [w.tolist() for w in weights], [b.tolist() for b in biases], x.tolist(), y.tolist(),
        activation, loss,
    )  # fmt: skip
    assert result.loss == pytest.approx(total, rel=1e-12)
    for k in range(len(weights)):
        np.testing.assert_allclose(result.grad_w[k], gw[k], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(result.grad_b[k], gb[k], rtol=1e-12, atol=1e-12)
    assert set(result.gradients()) == {f"{p}{k}" for k in range(1, len(widths)) for p in "Wb"}


@pytest.mark.parametrize(("widths", "activation", "loss", "batch"), CASES)
def test_every_mlp_gradient_agrees_with_its_finite_difference(widths, activation, loss, batch):
    weights, biases, x, y = _network(widths, batch, loss, seed=len(widths) + batch)
    result = B.mlp_pass(weights, biases, x, y, activation, loss)
    checks = B.mlp_check(result)
    assert len(checks) == sum(w.size + b.size for w, b in zip(weights, biases, strict=True))
    bad = [c for c in checks if not c.ok()]
    assert not bad, bad[:3]
