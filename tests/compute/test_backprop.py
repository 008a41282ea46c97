"""Backpropagation's numbers against independent oracles: the values UDL's
notebook 7.1 prints, the derivative written out by hand, central finite
differences, and a per-example, per-unit loop for the MLP."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from dlviz.compute import backprop as B
from dlviz.errors import SpecError

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


# ------------------------------------------------------------------ torch.autograd, recorded

from pathlib import Path  # noqa: E402

from tests.util import recorder as load_recorder  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_backprop.npz"
DATA = np.load(FIXTURE)
META = __import__("json").loads(str(DATA["meta"]))


def _arrays(i: int) -> dict:
    return {key.split("/")[1]: DATA[key] for key in DATA.files if key.startswith(f"{i}/")}


def _compare_chain(case: dict, recorded: dict) -> None:
    graph = B.chain_graph(case["beta"], case["omega"], case["x"], case["y"])
    for name, value, grad in zip(
        recorded["names"], recorded["values"], recorded["grads"], strict=True
    ):
        node = graph.node(str(name))
        assert node.value == pytest.approx(value, rel=1e-12, abs=1e-12), name
        assert node.grad == pytest.approx(grad, rel=1e-12, abs=1e-12), name


def _compare_mlp(case: dict, recorded: dict) -> None:
    layers = len(case["widths"]) - 1
    weights = [recorded[f"W{k}"] for k in range(1, layers + 1)]
    biases = [recorded[f"b{k}"] for k in range(1, layers + 1)]
    result = B.mlp_pass(
        weights, biases, recorded["x"], recorded["y"], case["activation"], case["loss"]
    )
    assert result.loss == pytest.approx(float(recorded["loss"]), rel=1e-12)
    for k in range(1, layers + 1):
        for mine, theirs in (
            (result.z[k - 1], recorded[f"z{k}"]),
            (result.delta[k - 1], recorded[f"delta{k}"]),
            (result.grad_w[k - 1], recorded[f"gW{k}"]),
            (result.grad_b[k - 1], recorded[f"gb{k}"]),
        ):
            np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)


def test_the_fixture_covers_every_activation_and_loss():
    mlps = [c for c in META["cases"] if c["kind"] == "mlp"]
    assert {(c["activation"], c["loss"]) for c in mlps} == {
        (a, lo) for a in B.ACTIVATIONS for lo in B.LOSSES
    }
    assert {c["batch"] for c in mlps} == {1, 4, 16}
    assert [4, 8, 8, 3] in [c["widths"] for c in mlps]
    assert sum(c["kind"] == "chain" for c in META["cases"]) == 7


@pytest.mark.parametrize("i", range(len(META["cases"])))
def test_every_value_and_gradient_equals_torch_autograd(i):
    case = META["cases"][i]
    (_compare_chain if case["kind"] == "chain" else _compare_mlp)(case, _arrays(i))


def test_live_torch_autograd_agrees():
    pytest.importorskip("torch")
    rec = load_recorder("record_torch_backprop")
    for case in [*rec.chain_cases()][:3]:
        _compare_chain(case, rec.run_chain(case))
    for case in [*rec.mlp_cases()][::5]:
        _compare_mlp(case, rec.run_mlp(case))


# ------------------------------------------------------------------ the spec and the run


def test_the_default_spec_is_the_notebooks_chain():
    spec = B.make_spec()
    assert (spec.network, spec.beta, spec.omega, spec.x, spec.y) == (
        "chain", B.UDL_BETA, B.UDL_OMEGA, B.UDL_X, B.UDL_Y,
    )  # fmt: skip
    assert spec.widths is None and spec.seed is None


def test_an_mlp_option_asks_for_the_mlp_and_every_default_is_resolved():
    spec = B.make_spec(widths=(2, 3, 2))
    assert spec.network == "mlp"
    assert (spec.activation, spec.loss, spec.batch, spec.seed) == ("relu", "squared-error", 1, 0)
    assert B.make_spec(seed=3).network == "mlp"


@pytest.mark.parametrize(
    ("requests", "param"),
    [
        ({"widths": (2, 0, 2)}, "widths"),
        ({"widths": (2,)}, "widths"),
        ({"widths": (2, 3, 1), "loss": "cross-entropy"}, "widths"),
        ({"widths": (2, 65, 2)}, "widths"),
        ({"beta": (1, 2, 3)}, "beta"),
        ({"beta": (1, 2, float("nan"), 0)}, "beta"),
        ({"omega": (0, 0, 0, 4)}, "omega"),
        ({"x": float("inf")}, "x"),
        ({"y": 6}, "y"),
        ({"batch": 0}, "batch"),
        ({"batch": 300}, "batch"),
        ({"activation": "gelu"}, "activation"),
        ({"loss": "hinge"}, "loss"),
        ({"network": "chain", "widths": (2, 2)}, "widths"),
        ({"network": "mlp", "beta": (1, 1, 1, 1)}, "beta"),
        ({"given": {"layers": [{"weight": [[1, 2]], "bias": [0]},
                               {"weight": [[1, 2]], "bias": [0]}]}}, "given"),
        ({"given": {"layers": [{"weight": [[float("nan")]], "bias": [0]}]}}, "given"),
        ({"given": {"layers": [{"weight": [[1]], "bias": [0]}], "x": [["a"]]}}, "given"),
        ({"given": {"layers": [{"weight": [[1]], "bias": [0]}], "x": [[1, 2]],
                    "y": [[1]]}}, "given"),
        ({"given": {"weights": []}}, "given"),
        ({"given": {"layers": [{"weight": [[1, 1]], "bias": [0]}]}, "widths": (3, 1)}, "widths"),
        ({"given": {"layers": [{"weight": [[1], [1]], "bias": [0, 0]}], "y": [2],
                    "x": [[1]]}, "loss": "cross-entropy"}, "given"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_naming_the_parameter(requests, param):
    with pytest.raises(SpecError) as caught:
        B.make_spec(**requests)
    assert caught.value.param == param


def test_a_given_network_fixes_the_widths_and_its_x_the_batch():
    given = {
        "layers": [{"weight": [[1, -1], [0.5, 2], [0, 1]], "bias": [0, 1.5, -0.5]},
                   {"weight": [[1, 1, 1]], "bias": [0.5]}],
        "x": [[1, 2, 3], [0, -1, 1]],
        "y": [[1, 0, 2]],
    }  # fmt: skip
    spec = B.make_spec(given=given)
    assert (spec.widths, spec.batch) == ((2, 3, 1), 3)
    weights, biases, x, y = B.network_arrays(spec)
    np.testing.assert_array_equal(weights[0], given["layers"][0]["weight"])
    np.testing.assert_array_equal(x, given["x"])
    result = B.run(spec)
    assert all(c.ok() for c in result.checks)


def test_a_spec_replays_from_its_json_parameters():
    from dlviz.output import to_jsonable
    from dlviz.spec import as_dict

    for spec in (B.make_spec(), B.make_spec(widths=(3, 4, 2), batch=5, loss="cross-entropy",
                                            activation="tanh", seed=9)):  # fmt: skip
        params = to_jsonable(as_dict(spec))
        assert B.make_spec(**params) == spec


def test_seeded_numbers_are_rounded_to_what_a_figure_prints():
    weights, biases, x, y = B.network_arrays(B.make_spec(widths=(4, 8, 8, 3), batch=16))
    for array in (*weights, *biases, x, y):
        np.testing.assert_array_equal(array, np.round(array, 2))


def test_the_cost_is_refused_past_a_minute_with_a_batch_that_fits():
    spec = B.make_spec(widths=(64,) * 9, batch=256)
    too_big = spec.cost()
    assert too_big.param == "batch"
    smaller = B.make_spec(widths=(64,) * 9, batch=too_big.cheaper["batch"])
    assert smaller.seconds() <= B.MAX_SECONDS < B.make_spec(
        widths=(64,) * 9, batch=too_big.cheaper["batch"] + 1).seconds()  # fmt: skip
    assert B.make_spec(widths=(4, 8, 8, 3), batch=16).cost() is None
    assert B.make_spec(widths=(2, 9, 2)).animation_cost().param == "widths"
    assert B.make_spec(widths=(8,) * 5).animation_cost() is None
    assert B.make_spec(widths=(2,) * 6).animation_cost().param == "widths"


def test_the_json_has_nodes_parameters_and_the_check():
    chain = B.result_json(B.run(B.make_spec()))
    names = [n["name"] for n in chain["nodes"]]
    assert names[-8:] == ["f0", "h1", "f1", "h2", "f2", "h3", "f3", "l"]  # forward order
    assert set(names[:-8]) == {"x", "y"} | {f"{p}{k}" for p in ("beta", "omega") for k in range(4)}
    f2 = next(n for n in chain["nodes"] if n["name"] == "f2")
    assert (f2["op"], f2["inputs"]) == ("affine", ["beta2", "omega2", "h2"])
    assert round(f2["value"], 3) == 7.137 and round(f2["grad"], 3) == -1.683
    assert {k: round(v, 3) for k, v in chain["gradients"].items()} == UDL_PARAMETERS
    assert len(chain["check"]) == 8 and all(c["agrees"] for c in chain["check"])
    mlp = B.run(B.make_spec(widths=(2, 3, 2), batch=2))
    doc = B.result_json(mlp)
    names = [n["name"] for n in doc["nodes"]]
    assert names == ["a0", "W1", "b1", "z1", "a1", "W2", "b2", "z2", "l"]
    z1 = doc["nodes"][names.index("z1")]
    np.testing.assert_array_equal(z1["grad"], mlp.mlp.delta[0])
    a1 = doc["nodes"][names.index("a1")]  # ∂ℓ/∂a1 = W2ᵀ δ2
    np.testing.assert_allclose(a1["grad"], mlp.mlp.weights[1].T @ mlp.mlp.delta[1])
    assert set(doc["gradients"]) == {"W1", "b1", "W2", "b2"}
    assert len(doc["check"]) == 17


@pytest.mark.parametrize(("widths", "activation", "loss", "batch"), CASES)
def test_every_written_step_of_the_delta_recursion_holds(widths, activation, loss, batch):
    spec = B.make_spec(widths=widths, activation=activation, loss=loss, batch=batch)
    result = B.run(spec)
    m = result.mlp
    deltas = [e for e in result.equations if e.kind == "delta"]
    grads = [e for e in result.equations if e.kind == "grad"]
    assert len(deltas) == len(grads) == len(widths) - 1
    for line, layer in zip(deltas, range(len(widths) - 1, 0, -1), strict=True):
        assert line.equation.holds(1e-12), line.text
        assert line.value in m.delta[layer - 1][:, 0]
        assert line.text.endswith(line.equation.text())
    for line, layer in zip(grads, range(len(widths) - 1, 0, -1), strict=True):
        assert line.equation.holds(1e-12), line.text
        assert line.value in m.grad_w[layer - 1]


def test_the_finite_difference_flags_a_relu_kink():
    """A unit with z exactly 0: its derivative is taken as 0 (as PyTorch
    does), the difference sees half a slope, and the check says why."""
    given = {"layers": [{"weight": [[1.0]], "bias": [0.0]}, {"weight": [[1.0]], "bias": [0.0]}],
             "x": [[0.0]], "y": [[1.0]]}  # fmt: skip
    result = B.run(B.make_spec(given=given))
    bad = [c for c in result.checks if not c.ok()]
    assert bad and all(c.kink for c in bad)
