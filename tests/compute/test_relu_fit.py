"""dlviz relu --fit: the interpolating network against np.interp, a naive
loop, the error bounds and the counts the notes give."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlviz.compute import relu as R
from dlviz.compute import relu_fit as F
from dlviz.errors import SpecError
from dlviz.spec import as_dict


@pytest.mark.parametrize("target", ["sin", "abs", "step"])
@pytest.mark.parametrize("units", [1, 2, 5, 8, 33, 1000])
def test_the_network_is_np_interp_through_the_knots(target, units):
    spec = F.make_fit_spec(target=target, units=units)
    f = F.target_function(spec)
    net = F.fit(f, spec.domain, units)
    knots = np.linspace(*spec.domain, units + 1)
    np.testing.assert_allclose(net.forward(knots), f(knots), rtol=0, atol=1e-12)
    xs = np.linspace(*spec.domain, 5001)
    np.testing.assert_allclose(net.forward(xs), np.interp(xs, knots, f(knots)), atol=1e-12)
    # the same network as dlviz relu's Network, and as a naive loop over the units
    np.testing.assert_allclose(net.network().forward(xs[:, None]), net.forward(xs), atol=1e-12)
    for x in xs[::500]:
        y = net.bias + sum(
            v * max(0.0, x - t) for v, t in zip(net.weights, knots[:-1], strict=True)
        )
        assert net.forward(np.array([x]))[0] == pytest.approx(y, abs=1e-12)


@pytest.mark.parametrize("units", [1, 3, 8, 50])
def test_d_plus_one_regions_and_3d_plus_one_parameters(units):
    r = F.run_fit(F.make_fit_spec(target="sin", units=units, domain=(0.1, 3.0)))
    assert r.regions.num_regions == units + 1
    assert r.num_parameters == 3 * units + 1 == r.fit.network().num_parameters
    joints = r.regions.joints
    np.testing.assert_allclose(joints, r.fit.knots[:-1], atol=1e-12)  # D joints, t₀ … t_{D−1}
    assert r.regions.slopes[0] == 0  # flat left of t₀
    params, regions, bound = r.equations
    assert params.holds() and params.rhs == 3 * units + 1
    assert regions.holds() and regions.rhs == units + 1
    assert bound.holds() and bound.rhs == pytest.approx(r.bound_value)


@pytest.mark.parametrize("domain", [(0.0, 2 * math.pi), (-1.0, 1.0), (0.2, 0.4), (-7.0, 30.0)])
def test_the_error_of_sin_is_within_its_curvature_bound(domain):
    spec = F.make_fit_spec(target="sin", units=8, domain=domain)
    r = F.run_fit(spec)
    a, b = domain
    curvature = np.abs(np.sin(np.linspace(a, b, 200_001))).max()  # max|sin″| by brute force
    assert r.bound.constant == pytest.approx(curvature, abs=1e-9)
    h = (b - a) / r.sweep_units
    assert np.all(r.sweep_errors <= h**2 / 8 * r.bound.constant * (1 + 1e-12))
    # and the error falls as h² once the pieces are short: a factor of ~4 per doubling
    big = r.sweep_units >= 63
    ratio = r.sweep_errors[big][:-1] / r.sweep_errors[big][1:]
    spacing = h[big][:-1] / h[big][1:]
    np.testing.assert_allclose(ratio, spacing**2, rtol=0.05)


def test_the_error_is_measured_where_it_peaks():
    spec = F.make_fit_spec(target="sin", units=5, domain=(0.0, 3.0))
    r = F.run_fit(spec)
    xs = np.linspace(0, 3, 600_001)
    brute = np.abs(np.sin(xs) - r.fit.forward(xs)).max()
    assert r.error == pytest.approx(brute, rel=2e-3)
    assert r.error <= brute + 1e-15


def test_abs_meets_its_bound_exactly_when_the_kink_is_a_midpoint():
    r = F.run_fit(F.make_fit_spec(target="abs", units=8))
    odd = r.sweep_units % 2 == 1
    h = 2.0 / r.sweep_units[odd]
    np.testing.assert_allclose(r.sweep_errors[odd], h / 2, rtol=1e-12)
    assert r.error == 0.0  # D = 8: 0 is a knot


def test_a_step_error_does_not_fall():
    r = F.run_fit(F.make_fit_spec(target="step", units=8))
    assert r.bound is None and np.all(r.sweep_errors >= 0.5 - 1e-12)
    assert r.error == pytest.approx(1.0)  # 0 is a knot: the fit climbs over [−h, 0]


def test_a_file_target_is_its_samples_joined():
    xs, ys = [0.0, 1.0, 3.0, 4.0], [0.0, 2.0, 1.0, 5.0]
    spec = F.make_fit_spec(samples={"x": xs, "y": ys}, units=4)
    assert spec.target == "file" and spec.domain == (0.0, 4.0)
    r = F.run_fit(spec)
    assert r.bound.kind == "lipschitz" and r.bound.constant == 4.0
    grid = np.linspace(0, 4, 1001)
    assert r.error == pytest.approx(np.abs(np.interp(grid, xs, ys) - r.fit.forward(grid)).max(),
                                    abs=1e-9)  # fmt: skip
    assert np.all(r.sweep_errors <= 4.0 * (4.0 / r.sweep_units) / 2 + 1e-12)


def test_specs_replay():
    for spec in (F.make_fit_spec(), F.make_fit_spec(target="abs", units=5, domain=(-2, 1)),
                 F.make_fit_spec(samples=([2, 0, 1], [1, 0, 3]))):  # fmt: skip
        assert F.make_fit_spec(**as_dict(spec)) == spec


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"target": "cos"}, "target"),
        ({"target": "file"}, "target"),
        ({"units": 0}, "units"),
        ({"units": 10**6}, "units"),
        ({"domain": (1, 1)}, "domain"),
        ({"domain": (0, 1e9)}, "domain"),
        ({"samples": {"x": [0, 1]}}, "samples"),
        ({"samples": {"x": [0, 0], "y": [1, 2]}}, "samples"),
        ({"samples": {"x": [0, float("nan")], "y": [1, 2]}}, "samples"),
        ({"samples": {"x": [0, 1], "y": [1, 2]}, "domain": (-1, 1)}, "domain"),
    ],
)
def test_bad_values_name_their_parameter(kwargs, param):
    with pytest.raises(SpecError) as err:
        F.make_fit_spec(**kwargs)
    assert err.value.param == param


def test_relu_exports_the_fit():
    doc = R.result_json(F.run_fit(F.make_fit_spec(units=4)))
    assert doc["num_parameters"] == 13 and doc["num_regions"] == 5
    assert len(doc["knots"]) == 5 and doc["bound"]["kind"] == "curvature"
