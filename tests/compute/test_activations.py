"""Activation functions against PyTorch (recorded; live when torch is
importable), finite differences, brute-force maxima and naive loops."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import activations as A
from dlviz.errors import SpecError
from dlviz.spec import as_dict
from tests.util import recorder as load_recorder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_activations.npz"
DATA = np.load(FIXTURE)
META = json.loads(str(DATA["meta"]))


def _params(case: dict) -> A.Params:
    given = {k: v for k, v in case.items() if k != "name"}
    return A.make_spec(params=given).params


def _compare(case: dict, rec: dict) -> None:
    p = _params(case)
    np.testing.assert_allclose(A.activate(case["name"], rec["z"], p), rec["value"],
                               rtol=1e-12, atol=1e-15)  # fmt: skip
    np.testing.assert_allclose(A.derivative(case["name"], rec["z"], p), rec["derivative"],
                               rtol=1e-12, atol=1e-15)  # fmt: skip


@pytest.mark.parametrize("i", range(len(META["cases"])))
def test_values_and_derivatives_equal_torch_and_autograd(i):
    rec = {k: DATA[f"{i}/{k}"] for k in ("z", "value", "derivative")}
    _compare(META["cases"][i], rec)


def test_the_fixture_covers_every_activation_and_the_kinks():
    assert {c["name"] for c in META["cases"]} == set(A.NAMES)
    assert 0.0 in DATA["0/z"] and -4 / 3 in DATA["0/z"]


def test_live_torch_agrees():
    pytest.importorskip("torch")
    rec = load_recorder("record_torch_activations")
    for case in rec.CASES:
        _compare(case, rec.run(case))
        spec = A.make_spec(view="shallow", activations=[case["name"]], params=_params(case))
        xs = np.arange(0, 1, 0.01)
        np.testing.assert_allclose(A.shallow(xs, spec).output, rec.shallow(case, xs), rtol=1e-12,
                                   atol=1e-12)  # fmt: skip


@pytest.mark.parametrize("i", range(len(META["cases"])))
def test_udl_shallow_network_equals_torch_layers(i):
    case = META["cases"][i]
    spec = A.make_spec(view="shallow", activations=[case["name"]], params=_params(case))
    xs = DATA["shallow_x"]
    got = A.shallow(xs, spec).output
    np.testing.assert_allclose(got, DATA[f"{i}/shallow"], rtol=1e-12, atol=1e-12)


def test_closed_forms():
    z = np.linspace(-20, 20, 4001)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(A.activate("sigmoid", z), s, rtol=1e-13)
    np.testing.assert_allclose(A.derivative("sigmoid", z), s * (1 - s), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(A.derivative("tanh", z), 1 - np.tanh(z) ** 2, atol=1e-15)
    gelu = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z]
    np.testing.assert_allclose(A.activate("gelu", z), gelu, rtol=1e-13, atol=1e-300)
    assert A.derivative("sigmoid", 0.0) == 0.25 and A.derivative("tanh", 0.0) == 1.0


@pytest.mark.parametrize("name", A.NAMES)
def test_derivatives_equal_central_differences_away_from_kinks(name):
    p = A.Params()
    z = np.linspace(-5.03, 5.01, 997)  # misses 0, −4/3 and 2
    h = 1e-6
    fd = (A.activate(name, z + h, p) - A.activate(name, z - h, p)) / (2 * h)
    np.testing.assert_allclose(A.derivative(name, z, p), fd, atol=1e-7)


PEAK_CASES = [
    (name, domain, params)
    for name in A.NAMES
    for domain in ((-6.0, 6.0), (-3.0, -1.0), (0.5, 4.0), (-1.0, 1.0))
    for params in ({}, {"prelu_weight": 1.5, "elu_alpha": 2.0, "leaky_slope": 0.3})
]


@pytest.mark.parametrize(("name", "domain", "params"), PEAK_CASES)
def test_the_marked_maximum_is_the_brute_force_maximum(name, domain, params):
    p = A.make_spec(params=params).params
    xs = np.linspace(*domain, 400_001)
    slopes = A.derivative(name, xs, p)
    top = A.peak(name, domain, p)
    assert top.value == pytest.approx(slopes.max(), abs=1e-9)
    step = xs[1] - xs[0]
    at = xs[slopes >= slopes.max() - 1e-9]
    near = max(2 * step, 1e-3)  # a smooth peak is flat to 1e-9 within ~1e-4
    assert top.lo - near <= at.min() and at.max() <= top.hi + near
    inside = xs[(xs > top.lo) & (xs < top.hi)] if top.hi > top.lo else np.array([top.lo])
    assert np.all(A.derivative(name, inside, p) == pytest.approx(top.value, abs=1e-9))


def test_sigmoid_gradient_is_at_most_a_quarter_and_gelu_peaks_at_root_two():
    assert A.peak("sigmoid", (-6, 6)).value == 0.25
    g = A.peak("gelu", (-6, 6))
    assert g.lo == pytest.approx(math.sqrt(2))
    phi = math.exp(-1) / math.sqrt(2 * math.pi)
    assert g.value == pytest.approx(0.5 * (1 + math.erf(1)) + math.sqrt(2) * phi, rel=1e-14)


@pytest.mark.parametrize("name", A.NAMES)
@pytest.mark.parametrize("threshold", [0.05, 0.2])
def test_saturated_intervals_are_where_the_slope_is_small(name, threshold):
    p, domain = A.Params(), (-6.0, 6.0)
    xs = np.linspace(*domain, 120_001)
    small = np.abs(A.derivative(name, xs, p)) <= threshold
    marked = np.zeros_like(small)
    for lo, hi in A.saturated(name, domain, threshold, p):
        assert lo == domain[0] or hi == domain[1]  # each reaches an end
        marked |= (xs >= lo) & (xs <= hi)
    assert not np.any(marked & ~small)
    # every flat run that reaches an end is marked (to a grid step)
    for end in (0, -1):
        run = small if end == 0 else small[::-1]
        n = len(run) if run.all() else int(np.argmin(run))
        got = marked if end == 0 else marked[::-1]
        assert got[: max(0, n - 1)].all()


def test_udl_fig_3_3_by_a_naive_loop():
    spec = A.make_spec(view="shallow")
    xs = np.arange(0, 1, 0.01)
    s = A.shallow(xs, spec)
    (t10, t11), (t20, t21), (t30, t31) = A.UDL_THETA
    p0, p1, p2, p3 = A.UDL_PHI
    for k, x in enumerate(xs):
        h = [max(0.0, t10 + t11 * x), max(0.0, t20 + t21 * x), max(0.0, t30 + t31 * x)]
        assert s.output[k] == pytest.approx(p0 + p1 * h[0] + p2 * h[1] + p3 * h[2], abs=1e-12)
        assert s.act[k].tolist() == pytest.approx(h, abs=1e-15)
    np.testing.assert_allclose(s.joints, [0.3, 0.5, 0.5 / 0.65])


def test_a_weights_file_gives_the_shallow_network():
    doc = {"layers": [{"weight": [[2.0], [-1.0]], "bias": [0.5, 1.0]},
                      {"weight": [[1.0, 3.0]], "bias": [0.25]}]}  # fmt: skip
    spec = A.make_spec(view="shallow", network=doc, activations=["tanh"])
    assert spec.theta == ((0.5, 2.0), (1.0, -1.0)) and spec.phi == (0.25, 1.0, 3.0)
    x = np.array([0.3])
    assert A.shallow(x, spec).output[0] == pytest.approx(
        0.25 + math.tanh(0.5 + 0.6) + 3 * math.tanh(1.0 - 0.3)
    )


@pytest.mark.parametrize("seed", [0, 1, 7, 123])
def test_two_linear_layers_are_one_matrix(seed):
    c = A.collapse(A.make_spec(view="collapse", seed=seed))
    w = [[sum(c.w2[i, k] * c.w1[k, j] for k in range(3)) for j in range(2)] for i in range(2)]
    b = [sum(c.w2[i, k] * c.b1[k] for k in range(3)) + c.b2[i] for i in range(2)]
    np.testing.assert_allclose(c.w, w, atol=1e-12)
    np.testing.assert_allclose(c.b, b, atol=1e-12)
    np.testing.assert_allclose(c.linear, c.grid @ np.array(w).T + b, atol=1e-12)
    assert c.y.tolist() == pytest.approx((np.array(w) @ c.x + b).tolist())
    for eq in c.products + c.example:
        assert eq.holds()
    assert [e.rhs for e in c.products] == [
        c.w[0, 0],
        c.w[0, 1],
        c.b[0],
        c.w[1, 0],
        c.w[1, 1],
        c.b[1],
    ]
    # with ReLU between, the image is bent: not any one affine map of the grid
    pts, bent = c.grid.reshape(-1, 2), c.bent.reshape(-1, 2)
    design = np.column_stack([pts, np.ones(len(pts))])
    fit, *_ = np.linalg.lstsq(design, bent, rcond=None)
    assert np.abs(design @ fit - bent).max() > 1e-3


def test_printed_identities_hold():
    r = A.run(A.make_spec(activations=["sigmoid", "tanh"], domain=(-2, 3)))
    for c in r.curves:
        assert c.identity.holds() and c.identity.rhs == c.peak.value


def test_every_spec_replays():
    for spec in (
        A.make_spec(),
        A.make_spec(view="shallow", activations=["gelu"], domain=(-1, 2)),
        A.make_spec(view="collapse", seed=5, activations=["tanh"]),
        A.make_spec(params={"maxout": [[-1, 0], [1, 0]], "elu_alpha": 0.5}, saturation=0.1),
    ):
        assert A.make_spec(**as_dict(spec)) == spec


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"activations": ["swish"]}, "activations"),
        ({"activations": []}, "activations"),
        ({"activations": ["relu", "relu"]}, "activations"),
        ({"view": "shallow", "activations": ["relu", "tanh"]}, "activations"),
        ({"view": "wide"}, "view"),
        ({"domain": (1, -1)}, "domain"),
        ({"domain": (0, 1e9)}, "domain"),
        ({"saturation": 0}, "saturation"),
        ({"params": {"maxout": []}}, "maxout"),
        ({"params": {"maxout": [[1, float("nan")]]}}, "maxout"),
        ({"params": {"elu_alpha": 0}}, "elu_alpha"),
        ({"params": {"leaky_slope": 2}}, "leaky_slope"),
        ({"params": {"beta": 2}}, "params"),
        ({"seed": 3}, "seed"),
        ({"theta": [[1, 2]], "phi": [0, 1]}, "theta"),
        ({"view": "shallow", "theta": [[1, 2]], "phi": [0]}, "phi"),
        (
            {"view": "shallow", "network": {"layers": [{"weight": [[1, 2]], "bias": [0]}]}},
            "network",
        ),
    ],
)
def test_bad_values_name_their_parameter(kwargs, param):
    with pytest.raises(SpecError) as err:
        A.make_spec(**kwargs)
    assert err.value.param == param
