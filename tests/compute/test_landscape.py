"""Landscape numbers against independent oracles: naive scalar loops written
from the textbook definitions, central finite differences, least squares via
np.linalg.lstsq, brute-force grid search and published minima."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlviz.compute import landscape as L

RNG = np.random.default_rng(12345)


# ----------------------------------------------------------------- scalar oracles


def gabor_loss_loop(p0: float, p1: float) -> float:
    total = 0.0
    for x, y in zip(L.GABOR_X.tolist(), L.GABOR_Y.tolist(), strict=True):
        z = p0 + 0.06 * p1 * x
        total += (math.sin(z) * math.exp(-z * z / 32.0) - y) ** 2
    return total


def linear_loss_loop(p0: float, p1: float, ridge: float = 0.0) -> float:
    total = sum((p0 + p1 * x - y) ** 2 for x, y in zip(L.LINEAR_X, L.LINEAR_Y, strict=True))
    return total + ridge * (p0 * p0 + p1 * p1)


SCALAR = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "rastrigin": lambda x, y: 10 * 2 + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in (x, y)),
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "quadratic": lambda x, y: 0.1 * x**2 + 2 * y**2,
    "saddle": lambda x, y: x**2 - y**2,
    "gabor": gabor_loss_loop,
    "linear": linear_loss_loop,
}


def random_points(land: L.Landscape, n: int = 25) -> np.ndarray:
    (x0, x1), (y0, y1) = land.x_range, land.y_range
    return np.column_stack([RNG.uniform(x0, x1, n), RNG.uniform(y0, y1, n)])


@pytest.mark.parametrize("name", L.NAMES)
def test_loss_matches_scalar_definition(name):
    land = L.make_landscape(name)
    pts = random_points(land)
    vectorised = land.loss(pts[:, 0], pts[:, 1])
    expected = [SCALAR[name](float(a), float(b)) for a, b in pts]
    np.testing.assert_allclose(vectorised, expected, rtol=1e-12, atol=1e-12)


def test_ridge_and_coeffs_change_the_loss_as_defined():
    lin = L.make_landscape("linear", ridge=0.7)
    assert lin.loss(0.3, -0.4) == pytest.approx(linear_loss_loop(0.3, -0.4, 0.7), rel=1e-13)
    gab = L.make_landscape("gabor", ridge=0.01)
    assert gab.loss(1.0, 9.0) == pytest.approx(gabor_loss_loop(1.0, 9.0) + 0.01 * 82, rel=1e-13)
    quad = L.make_landscape("quadratic", coeffs=(3.0, -0.5))
    assert quad.loss(2.0, 4.0) == pytest.approx(3 * 4 - 0.5 * 16)


# ----------------------------------------------------------------- gradients

VARIANTS = [(n, {}) for n in L.NAMES] + [
    ("linear", {"ridge": 0.5}),
    ("gabor", {"ridge": 0.05}),
    ("quadratic", {"coeffs": (1.5, -2.5)}),
]


def finite_difference(f, x: float, y: float, h: float = 1e-6) -> tuple[float, float]:
    return (
        (f(x + h, y) - f(x - h, y)) / (2 * h),
        (f(x, y + h) - f(x, y - h)) / (2 * h),
    )


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS)
def test_gradient_matches_finite_differences(name, kwargs):
    land = L.make_landscape(name, **kwargs)
    pts = random_points(land, 15)
    gx, gy = land.grad(pts[:, 0], pts[:, 1])
    for k, (x, y) in enumerate(pts):
        fx, fy = finite_difference(lambda a, b: float(land.loss(a, b)), x, y)
        scale = max(1.0, abs(fx), abs(fy))
        assert gx[k] == pytest.approx(fx, abs=1e-5 * scale)
        assert gy[k] == pytest.approx(fy, abs=1e-5 * scale)


@pytest.mark.parametrize("name", ["gabor", "linear"])
def test_per_example_gradients_are_each_examples_own_gradient(name):
    land = L.make_landscape(name, ridge=0.3)
    model = land.data
    p0, p1 = 0.4, 7.0 if name == "gabor" else 0.2
    per = model.per_example_grad(p0, p1)
    assert per.shape == (model.x.size, 2)
    for i in range(model.x.size):

        def example_loss(a, b, i=i):
            return (float(model.predict(a, b, model.x[i])) - model.y[i]) ** 2

        np.testing.assert_allclose(per[i], finite_difference(example_loss, p0, p1), atol=1e-6)
    # summed over the batch plus the penalty's gradient: the full gradient
    total = per.sum(axis=0) + np.array(model.penalty_grad(p0, p1))
    np.testing.assert_allclose(total, land.grad(p0, p1), rtol=1e-12)


def test_per_example_gradients_broadcast_over_parameter_arrays():
    model = L.make_landscape("gabor").data
    p0, p1 = np.array([0.0, 1.0, -2.0]), np.array([10.0, 12.0, 3.0])
    per = model.per_example_grad(p0, p1)
    assert per.shape == (3, model.x.size, 2)
    np.testing.assert_allclose(per[1], model.per_example_grad(1.0, 12.0))


# ----------------------------------------------------------------- minima


@pytest.mark.parametrize("ridge", [0.0, 0.5, 3.0])
def test_linear_minimum_is_the_least_squares_solution(ridge):
    # Ridge as ordinary least squares on an augmented system: an independent route.
    design = np.column_stack([np.ones_like(L.LINEAR_X), L.LINEAR_X])
    design = np.vstack([design, math.sqrt(ridge) * np.eye(2)])
    target = np.concatenate([L.LINEAR_Y, [0.0, 0.0]])
    expected = np.linalg.lstsq(design, target, rcond=None)[0]
    result = L.compute_landscape(L.make_landscape("linear", ridge=ridge), resolution=21)
    assert result.minimum.method == "closed form"
    np.testing.assert_allclose([result.minimum.x, result.minimum.y], expected, rtol=1e-10)
    assert result.minimum.loss == pytest.approx(linear_loss_loop(*expected, ridge), rel=1e-12)


def test_gabor_minimum_beats_a_brute_force_grid_and_is_stationary():
    land = L.make_landscape("gabor")
    result = L.compute_landscape(land, resolution=101)
    # brute force: a 4x finer grid than the one the minimum was found on
    xs, ys = np.linspace(-10, 10, 401), np.linspace(2.5, 22.5, 401)
    brute = np.array([[gabor_loss_loop(a, b) for a in xs[::4]] for b in ys[::4]])
    fine = land.loss(xs[None, :], ys[:, None])
    i, j = np.unravel_index(np.argmin(fine), fine.shape)
    m = result.minimum
    assert m.method == "grid + Newton"
    assert m.loss <= fine.min() + 1e-12 and m.loss <= brute.min()
    assert abs(m.x - xs[j]) < 0.1 and abs(m.y - ys[i]) < 0.1
    assert np.hypot(*land.grad(m.x, m.y)) < 1e-6
    assert m.loss == pytest.approx(gabor_loss_loop(m.x, m.y), rel=1e-12)


# Published minima (Himmelblau 1972; Beale; Rosenbrock; Rastrigin).
PUBLISHED = {
    "rosenbrock": [(1.0, 1.0)],
    "rastrigin": [(0.0, 0.0)],
    "beale": [(3.0, 0.5)],
    "himmelblau": [
        (3.0, 2.0),
        (-2.805118, 3.131312),
        (-3.779310, -3.283186),
        (3.584428, -1.848126),
    ],
    "quadratic": [(0.0, 0.0)],
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_closed_form_minima_match_published_values(name):
    result = L.compute_landscape(L.make_landscape(name), resolution=51)
    found = sorted((p.x, p.y) for p in result.minima)
    expected = sorted(PUBLISHED[name])
    np.testing.assert_allclose(found, expected, atol=1e-6)
    for p in result.minima:
        assert SCALAR[name](p.x, p.y) == pytest.approx(0.0, abs=1e-20)
        assert result.loss.min() >= p.loss - 1e-12


def test_minimum_outside_the_view_is_searched_inside_it():
    # Rosenbrock's minimum (1, 1) is not in [-2, -1] x [2, 3]. The valley y = x²
    # crosses the box, but L still falls towards x = 1, so the lowest point sits on
    # the edge y = 2 where dL/dx = 0: 400x³ − 798x − 2 = 0, the root near −1.41.
    result = L.compute_landscape(
        L.make_landscape("rosenbrock"), x_range=(-2, -1), y_range=(2, 3), resolution=41
    )
    roots = np.roots([400, 0, -798, -2])
    x_star = float(next(r.real for r in roots if -2 <= r.real <= -1 and abs(r.imag) < 1e-12))
    m = result.minimum
    assert m.method == "grid + Newton"
    assert (m.x, m.y) == pytest.approx((x_star, 2.0), abs=1e-7)
    assert m.loss == pytest.approx(SCALAR["rosenbrock"](x_star, 2.0), rel=1e-10)


def test_saddle_has_its_saddle_point_and_minimum_on_the_boundary():
    result = L.compute_landscape(L.make_landscape("saddle"), resolution=41)
    assert [(p.x, p.y, p.loss) for p in result.saddles] == [(0.0, 0.0, 0.0)]
    # min of x² − y² over [-2, 2]²: x = 0, |y| = 2 → −4
    assert result.minimum.loss == pytest.approx(-4.0)
    assert abs(result.minimum.y) == pytest.approx(2.0)


def test_quadratic_with_mixed_signs_is_a_saddle():
    land = L.make_landscape("quadratic", coeffs=(1.0, -1.0))
    assert land.minima == () and land.saddles == ((0.0, 0.0),)


# ----------------------------------------------------------------- grids


def test_grid_orientation_rows_are_y_columns_are_x():
    land = L.make_landscape("quadratic", coeffs=(1.0, 10.0))
    result = L.compute_landscape(land, x_range=(0, 4), y_range=(-1, 0), resolution=5)
    assert result.x.tolist() == [0, 1, 2, 3, 4]
    assert result.y.tolist() == [-1, -0.75, -0.5, -0.25, 0]
    for i, y in enumerate(result.y):
        for j, x in enumerate(result.x):
            assert result.loss[i, j] == pytest.approx(x * x + 10 * y * y)


def test_chunked_evaluation_equals_one_broadcast():
    land = L.make_landscape("gabor")
    x, y = np.linspace(-10, 10, 37), np.linspace(2.5, 22.5, 23)
    whole = land.loss(x[None, :], y[:, None])
    for chunk in (1, 30 * 37, 30 * 37 * 5 + 7, 10**9):
        np.testing.assert_array_equal(L.evaluate_grid(land, x, y, chunk_elements=chunk), whole)


def test_resolution_counts_points_with_endpoints():
    result = L.compute_landscape(
        L.make_landscape("beale"), x_range=(-1, 1), y_range=(0, 2), resolution=2
    )
    assert result.loss.shape == (2, 2)
    assert result.x.tolist() == [-1, 1] and result.y.tolist() == [0, 2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x_range": (1, 1)}, "min < max"),
        ({"y_range": (2, 1)}, "min < max"),
        ({"resolution": 1}, "2 to 4096"),
        ({"resolution": 4097}, "2 to 4096"),
    ],
)
def test_compute_rejects_bad_grids(kwargs, message):
    with pytest.raises(ValueError, match=message):
        L.compute_landscape(L.make_landscape("saddle"), **kwargs)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("nope", {}),
        ("gabor", {"coeffs": (1, 2)}),
        ("beale", {"ridge": 1.0}),
        ("linear", {"ridge": -1.0}),
    ],
)
def test_make_landscape_rejects_bad_options(name, kwargs):
    with pytest.raises(ValueError):
        L.make_landscape(name, **kwargs)


def test_fit_curve_is_the_model_at_the_minimum():
    result = L.compute_landscape(L.make_landscape("linear"), resolution=11)
    fx, fy = result.fit
    m = result.minimum
    np.testing.assert_allclose(fy, m.x + m.y * fx, rtol=1e-12)
    np.testing.assert_array_equal(result.data[0], L.LINEAR_X)


def test_unit_scale_linear_and_log():
    loss = np.array([[0.0, 1.0], [10.0, 100.0]])
    np.testing.assert_allclose(L.unit_scale(loss, False), loss / 100.0)
    # log: the zero is lifted to the floor (smallest positive value, 1.0)
    np.testing.assert_allclose(L.unit_scale(loss, True), [[0, 0], [0.5, 1]])
    assert L.log_floor(np.array([0.0, 1e-9, 1.0])) == pytest.approx(1e-6)


@pytest.mark.parametrize("name", ["gabor", "linear"])
def test_batch_gradient_is_the_sum_of_per_example_gradients(name):
    model = L.make_landscape(name, ridge=0.4).data
    points = np.array([[0.3, 9.0], [-1.0, 4.0], [2.0, -0.5]])
    per = model.per_example_grad(points[:, 0], points[:, 1])  # (3, n, 2)
    np.testing.assert_allclose(model.batch_grad(points), per.sum(axis=1), rtol=1e-12)
    batch = np.array([4, 0, 7])
    np.testing.assert_allclose(
        model.batch_grad(points, batch), per[:, batch].sum(axis=1), rtol=1e-12
    )


@pytest.mark.parametrize("name", ["gabor", "linear"])
def test_value_only_model_equals_the_full_model(name):
    model = L.make_landscape(name).data
    p0, p1 = RNG.normal(size=(4, 1)), RNG.normal(size=(4, 1)) * 5
    np.testing.assert_allclose(
        model.value(p0, p1, model.x), model.f(p0, p1, model.x)[0], rtol=1e-14
    )


# Himmelblau's nine stationary points: four minima (value 0), four saddles
# and one maximum, as tabulated (Himmelblau 1972; the maximum 181.617 at
# (−0.270845, −0.923039)).
HIMMELBLAU_SADDLES = [
    (0.086678, 2.884255),
    (-3.073026, -0.081353),
    (3.385154, 0.073852),
    (-0.127961, -1.953715),
]


def test_himmelblau_has_its_nine_critical_points():
    from dlviz.compute import landscape as L

    result = L.run(L.make_spec("himmelblau"))
    kinds = {
        k: [c for c in result.critical if c.kind == k] for k in ("minimum", "saddle", "maximum")
    }
    assert [len(kinds[k]) for k in kinds] == [4, 4, 1]
    (top,) = kinds["maximum"]
    assert (top.x, top.y, top.loss) == pytest.approx((-0.270845, -0.923039, 181.617), abs=1e-3)
    for sx, sy in HIMMELBLAU_SADDLES:
        assert min(abs(c.x - sx) + abs(c.y - sy) for c in kinds["saddle"]) < 1e-5
    for c in kinds["minimum"]:
        assert c.loss == pytest.approx(0.0, abs=1e-12)


def test_gabor_critical_points_are_stationary_and_of_their_kind():
    """Brute force: the gradient vanishes, and the loss on a small circle
    around each point is all above (minimum), all below (maximum) or both
    (saddle)."""
    from dlviz.compute import landscape as L

    result = L.run(L.make_spec("gabor"))
    land = L.landscape_of(result.spec)
    assert {c.kind for c in result.critical} == {"minimum", "saddle", "maximum"}
    angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    for c in result.critical:
        assert np.hypot(*land.grad(c.x, c.y)) < 1e-7
        around = land.loss(c.x + 1e-3 * np.cos(angles), c.y + 1e-3 * np.sin(angles)) - c.loss
        if c.kind == "minimum":
            assert np.all(around > 0)
        elif c.kind == "maximum":
            assert np.all(around < 0)
        else:
            assert around.min() < 0 < around.max()
    best = min(c.loss for c in result.critical if c.kind == "minimum")
    assert best == pytest.approx(result.minimum.loss, rel=1e-9)


def test_gabors_fused_summed_gradient_is_the_sum_of_per_example_gradients():
    """The optimizers' fused hot path against the per-example gradients
    (themselves checked against finite differences)."""
    from dlviz.compute.landscape import GRAD_BLOCK, gabor_summed_grad, make_landscape

    land = make_landscape("gabor")
    rng = np.random.default_rng(4)
    for count in (50, 2 * GRAD_BLOCK + 7):  # one block, and blocks with a short last one
        points = np.column_stack([rng.uniform(-10, 10, count), rng.uniform(2.5, 22.5, count)])
        points[-1] = (3e6, 1e5)  # far out, where sin and cos fall back to NumPy's
        for batch in (np.array([3, 7, 11, 29]), np.arange(30)):
            per_example = land.data.per_example_grad(points[:, 0], points[:, 1])  # (S, 30, 2)
            np.testing.assert_allclose(
                gabor_summed_grad(points, land.data.x[batch], land.data.y[batch]),
                per_example[:, batch].sum(axis=1),
                rtol=1e-11,
                atol=1e-12,
            )
