"""Loss landscapes over two parameters: values, exact gradients and minima.

Two kinds of landscape live here:

* data models (``gabor``, ``linear``): a model f(x; φ0, φ1) fitted to a small
  training set by least squares, L(φ) = Σ_i (f(x_i; φ) − y_i)² (+ λ‖φ‖²).
  They also expose per-example gradients, which minibatch optimizers need.
* analytic test functions (Rosenbrock, Rastrigin, Beale, Himmelblau, a
  quadratic bowl and a saddle) with their standard definitions.

Every function takes arrays of any (matching) shape and broadcasts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dlviz.compute.trig import sincos_into
from dlviz.spec import check, choice, number, pair, whole

Array = np.ndarray
GradFn = Callable[[Array, Array], tuple[Array, Array]]

# The course's Gabor training set (Understanding Deep Learning, chapter 6).
GABOR_X = np.array(
    [
        -1.920,
        -14.22,
        1.490,
        -1.940,
        -2.389,
        -5.090,
        -8.861,
        3.578,
        -6.010,
        -6.995,
        3.634,
        0.8743,
        -10.96,
        0.4073,
        -9.467,
        8.560,
        10.62,
        -0.1729,
        10.40,
        -12.61,
        0.1574,
        -13.04,
        -2.156,
        -12.10,
        -11.19,
        2.902,
        -8.220,
        -11.79,
        -8.391,
        -4.505,
    ]
)
GABOR_Y = np.array(
    [
        -1.051,
        -0.02482,
        0.8896,
        -0.4943,
        -0.9371,
        0.4306,
        0.009577,
        -0.07944,
        0.1624,
        -0.2682,
        -0.3129,
        0.8303,
        -0.02365,
        0.5098,
        -0.2777,
        0.3367,
        0.1927,
        -0.2222,
        0.06352,
        0.006888,
        0.03224,
        0.01091,
        -0.5706,
        -0.05258,
        -0.03666,
        0.1709,
        -0.04805,
        0.2008,
        -0.1904,
        0.5952,
    ]
)
# The course's line-fitting training set (Understanding Deep Learning, chapter 2).
LINEAR_X = np.array([0.03, 0.19, 0.34, 0.46, 0.78, 0.81, 1.08, 1.18, 1.39, 1.60, 1.65, 1.90])
LINEAR_Y = np.array([0.67, 0.85, 1.05, 1.00, 1.40, 1.50, 1.30, 1.54, 1.55, 1.68, 1.73, 1.60])

GABOR_FREQ = 0.06
GABOR_WIDTH = 32.0

# Elements (grid points × training examples) evaluated at once; bounds the
# temporary arrays to a few tens of MB whatever the grid size.
CHUNK_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class Point:
    """A marked point of a landscape: where it is, its loss and how it was found."""

    x: float
    y: float
    loss: float
    method: str = ""


@dataclass(frozen=True)
class Landscape:
    """A loss surface L(x, y) with its exact gradient.

    ``minima`` holds the global minima known in closed form (possibly none);
    ``saddles`` the saddle points known in closed form.
    """

    name: str
    formula: str  # LaTeX, valid both in matplotlib mathtext and real LaTeX
    loss: Callable[[Array, Array], Array]
    grad: GradFn
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    axis_symbols: tuple[str, str] = ("x", "y")
    minima: tuple[tuple[float, float], ...] = ()
    saddles: tuple[tuple[float, float], ...] = ()
    data: DataModel | None = None
    log_scale: bool = False  # values span decades: a log colour scale shows the valley
    options: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- data models


@dataclass(frozen=True)
class DataModel:
    """Least squares for a two-parameter model f(x; φ0, φ1) on a training set.

    ``f`` returns (f, ∂f/∂φ0, ∂f/∂φ1) for arrays φ0, φ1 broadcast against x;
    ``value`` returns f alone (losses on large grids need no derivatives).
    """

    x: Array  # (n,)
    y: Array  # (n,)
    f: Callable[[Array, Array, Array], tuple[Array, Array, Array]]
    value: Callable[[Array, Array, Array], Array]
    ridge: float = 0.0
    # Σ over examples of ∇φ (f − y)², fused for the model: (points (S, 2), x, y) → (S, 2)
    summed_grad: Callable[[Array, Array, Array], Array] | None = None

    def predict(self, phi0: Array, phi1: Array, x: Array) -> Array:
        return self.value(np.asarray(phi0), np.asarray(phi1), np.asarray(x))

    def residuals(self, phi0: Array, phi1: Array) -> Array:
        """f(x_i; φ) − y_i, shape (*φ.shape, n)."""
        p0, p1 = np.asarray(phi0, float)[..., None], np.asarray(phi1, float)[..., None]
        r = self.value(p0, p1, self.x)
        r -= self.y
        return r

    def loss(self, phi0: Array, phi1: Array) -> Array:
        r = self.residuals(phi0, phi1)
        return np.sum(r * r, axis=-1) + self.penalty(phi0, phi1)

    def penalty(self, phi0: Array, phi1: Array) -> Array:
        phi0, phi1 = np.asarray(phi0, float), np.asarray(phi1, float)
        return self.ridge * (phi0 * phi0 + phi1 * phi1)

    def per_example_grad(self, phi0: Array, phi1: Array) -> Array:
        """∇φ (f(x_i; φ) − y_i)² for every example, shape (*φ.shape, n, 2).

        The ridge penalty is not included: it belongs to the whole batch, see
        ``penalty_grad``. Summing over examples and adding it gives ``grad``.
        """
        p0, p1 = np.asarray(phi0, float)[..., None], np.asarray(phi1, float)[..., None]
        f, d0, d1 = self.f(p0, p1, self.x)
        r2 = 2.0 * (f - self.y)
        return np.stack([r2 * d0, r2 * d1], axis=-1)

    def batch_grad(self, points: Array, batch: Array | None = None) -> Array:
        """Σ over ``batch`` (all examples if None) of the per-example gradients,
        for points (S, 2), as (S, 2); no penalty. The optimizers' hot path:
        the model is evaluated on the batch's examples only."""
        x, y = (self.x, self.y) if batch is None else (self.x[batch], self.y[batch])
        if self.summed_grad is not None:
            return self.summed_grad(points, x, y)
        f, d0, d1 = self.f(points[:, :1], points[:, 1:], x)
        f -= y
        g = np.column_stack([np.einsum("ij,ij->i", f, d0), np.einsum("ij,ij->i", f, d1)])
        return 2.0 * g

    def penalty_grad(self, phi0: Array, phi1: Array) -> tuple[Array, Array]:
        return 2.0 * self.ridge * np.asarray(phi0, float), 2.0 * self.ridge * np.asarray(
            phi1, float
        )

    def grad(self, phi0: Array, phi1: Array) -> tuple[Array, Array]:
        g = self.per_example_grad(phi0, phi1).sum(axis=-2)
        r0, r1 = self.penalty_grad(phi0, phi1)
        return g[..., 0] + r0, g[..., 1] + r1


def gabor_model(phi0: Array, phi1: Array, x: Array) -> tuple[Array, Array, Array]:
    """f = sin(z)·exp(−z²/32) with z = φ0 + 0.06·φ1·x, and its φ-derivatives.

    Written with in-place operations: many-start runs call it on (10⁴, 30)
    arrays every step, where temporaries cost more than the arithmetic.
    """
    z = np.asarray(phi0 + phi1 * (GABOR_FREQ * x), dtype=float)
    envelope = np.multiply(z, z, out=np.empty_like(z))
    envelope *= -1.0 / GABOR_WIDTH
    np.exp(envelope, out=envelope)
    s = np.sin(z)
    f = s * envelope
    df_dz = np.cos(z)
    s *= z
    s *= 2.0 / GABOR_WIDTH
    df_dz -= s  # cos z − sin z · z/16
    df_dz *= envelope
    return f, df_dz, df_dz * (GABOR_FREQ * x)


GRAD_BLOCK = 2048  # starts per block: the block's (block, n) work arrays stay in cache
_WORKSPACES: dict[tuple[int, int], tuple[Array, ...]] = {}


def _workspace(rows: int, n: int) -> tuple[Array, ...]:
    """Nine float and one int64 (rows, n) arrays, kept from call to call: fresh
    ones each step would be fresh pages each step (the allocator maps blocks
    this size anew), which costs more than the arithmetic."""
    key = (rows, n)
    if key not in _WORKSPACES:
        if (
            len(_WORKSPACES) >= 4
        ):  # a race's starts and its fan of seeds: a few sizes, 22 MB at most
            del _WORKSPACES[next(iter(_WORKSPACES))]
        floats = tuple(np.empty((rows, n)) for _ in range(9))
        _WORKSPACES[key] = (*floats, np.empty((rows, n), np.int64))
    return _WORKSPACES[key]


def gabor_summed_grad(points: Array, x: Array, y: Array) -> Array:
    """Σ_i ∇φ (f(x_i; φ) − y_i)² for points (S, 2), as (S, 2): the Gabor
    model's gradient fused, block by block of starts small enough to stay in
    cache, into passes NumPy vectorises (sin and cos from ``trig.sincos_into``,
    no per-parameter arrays): basins of 10⁴ starts call it every step."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    cx = GABOR_FREQ * np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.empty((len(points), 2))
    z, envelope, s, d, *work = _workspace(min(len(points), GRAD_BLOCK), len(cx))
    for lo in range(0, len(points), GRAD_BLOCK):
        block = points[lo : lo + GRAD_BLOCK]
        m = len(block)
        zb, eb, sb, db, *wb = (a[:m] for a in (z, envelope, s, d, *work))
        np.multiply(block[:, 1:], cx, out=zb)
        zb += block[:, :1]  # z = φ0 + 0.06·φ1·x
        np.multiply(zb, zb, out=eb)
        eb *= -1.0 / GABOR_WIDTH
        np.exp(eb, out=eb)  # exp(−z²/32)
        sincos_into(zb, sb, db, *wb)
        zb *= sb
        zb *= 2.0 / GABOR_WIDTH
        db -= zb  # cos z − sin z · z/16
        db *= eb  # ∂f/∂z
        sb *= eb
        sb -= y  # f − y
        db *= sb
        np.sum(db, axis=1, out=out[lo : lo + m, 0])
        np.matmul(db, cx, out=out[lo : lo + m, 1])  # ∂z/∂φ1 = 0.06·x
    out *= 2.0
    return out


def gabor_value(phi0: Array, phi1: Array, x: Array) -> Array:
    """f = sin(z)·exp(−z²/32), z = φ0 + 0.06·φ1·x, in place on one temporary."""
    z = np.asarray(phi0 + phi1 * (GABOR_FREQ * x), dtype=float)
    envelope = np.multiply(z, z, out=np.empty_like(z))
    envelope *= -1.0 / GABOR_WIDTH
    np.exp(envelope, out=envelope)
    np.sin(z, out=z)
    z *= envelope
    return z


def linear_value(phi0: Array, phi1: Array, x: Array) -> Array:
    """The line φ0 + φ1·x (values only)."""
    return np.asarray(phi0 + phi1 * x, dtype=float)


def linear_model(phi0: Array, phi1: Array, x: Array) -> tuple[Array, Array, Array]:
    """f = φ0 + φ1·x, and its φ-derivatives."""
    f = phi0 + phi1 * x
    return f, np.ones_like(f), np.broadcast_to(x, f.shape) * np.ones_like(f)


def linear_least_squares(x: Array, y: Array, ridge: float = 0.0) -> tuple[float, float]:
    """Minimum of Σ(φ0 + φ1·x_i − y_i)² + λ‖φ‖² from the normal equations."""
    design = np.column_stack([np.ones_like(x), x])
    lhs = design.T @ design + ridge * np.eye(2)
    phi = np.linalg.solve(lhs, design.T @ y)
    return float(phi[0]), float(phi[1])


def _ridge_tex(ridge: float) -> str:
    return rf" + {ridge:g}\,\|\phi\|^2" if ridge else ""


def _data_landscape(name: str, model: DataModel, formula: str, **kwargs) -> Landscape:
    return Landscape(
        name=name,
        formula=formula + _ridge_tex(model.ridge),
        loss=model.loss,
        grad=model.grad,
        axis_symbols=(r"\phi_0", r"\phi_1"),
        data=model,
        options={"ridge": model.ridge},
        **kwargs,
    )


def gabor(ridge: float = 0.0) -> Landscape:
    """The course's Gabor model fitted by least squares to its 30 points (``ridge``: + λ‖φ‖²)."""
    model = DataModel(GABOR_X, GABOR_Y, gabor_model, gabor_value, ridge, gabor_summed_grad)
    formula = (
        r"L(\phi) = \sum_i \left(\sin(\phi_0 + 0.06\phi_1 x_i)\,"
        r"e^{-(\phi_0 + 0.06\phi_1 x_i)^2/32} - y_i\right)^2"
    )
    return _data_landscape("gabor", model, formula, x_range=(-10.0, 10.0), y_range=(2.5, 22.5))


def linear(ridge: float = 0.0) -> Landscape:
    """The line fitted by least squares to the course's 12 points (``ridge``: + λ‖φ‖²)."""
    model = DataModel(LINEAR_X, LINEAR_Y, linear_model, linear_value, ridge)
    formula = r"L(\phi) = \sum_i \left(\phi_0 + \phi_1 x_i - y_i\right)^2"
    best = linear_least_squares(LINEAR_X, LINEAR_Y, ridge)
    # the losses span two decades: on a log scale the basin's ellipses show
    return _data_landscape(
        "linear",
        model,
        formula,
        x_range=(0.0, 2.0),
        y_range=(-1.0, 1.0),
        minima=(best,),
        log_scale=True,
    )


# --------------------------------------------------------------------------- analytic


def _rosenbrock(x: Array, y: Array) -> Array:
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_grad(x: Array, y: Array) -> tuple[Array, Array]:
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def _rastrigin(x: Array, y: Array) -> Array:
    tau = 2 * np.pi
    return 20 + x * x - 10 * np.cos(tau * x) + y * y - 10 * np.cos(tau * y)


def _rastrigin_grad(x: Array, y: Array) -> tuple[Array, Array]:
    tau = 2 * np.pi
    return 2 * x + 10 * tau * np.sin(tau * x), 2 * y + 10 * tau * np.sin(tau * y)


_BEALE_C = (1.5, 2.25, 2.625)


def _beale(x: Array, y: Array) -> Array:
    return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(_BEALE_C))


def _beale_grad(x: Array, y: Array) -> tuple[Array, Array]:
    gx = gy = 0.0
    for k, c in enumerate(_BEALE_C):
        p = k + 1
        t = 2 * (c - x + x * y**p)
        gx = gx + t * (y**p - 1)
        gy = gy + t * p * x * y ** (p - 1)
    return gx, gy


def _himmelblau(x: Array, y: Array) -> Array:
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(x: Array, y: Array) -> tuple[Array, Array]:
    a, b = x * x + y - 11, x + y * y - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _saddle(x: Array, y: Array) -> Array:
    return x * x - y * y


def _saddle_grad(x: Array, y: Array) -> tuple[Array, Array]:
    return 2 * x, -2 * y


def _hessian(grad: GradFn, p: Array, h: float = 1e-5) -> Array:
    """Central differences of the exact gradient; symmetrised."""
    cols = []
    for k in range(2):
        e = np.zeros(2)
        e[k] = h * max(1.0, abs(p[k]))
        gp = np.array(grad(*(p + e)), float)
        gm = np.array(grad(*(p - e)), float)
        cols.append((gp - gm) / (2 * e[k]))
    hess = np.column_stack(cols)
    return 0.5 * (hess + hess.T)


def _newton_polish(grad: GradFn, x: float, y: float, steps: int = 30) -> tuple[float, float]:
    """Polish a stationary point with Newton steps (finite-difference Hessian)."""
    p = np.array([x, y], float)
    for _ in range(steps):
        g = np.array(grad(p[0], p[1]), float)
        if np.linalg.norm(g) < 1e-14:
            break
        p = p - np.linalg.solve(_hessian(grad, p), g)
    return float(p[0]), float(p[1])


# Himmelblau's four minima: (3, 2) exactly, the other three are roots of a
# quartic, polished to machine precision from their known 6-digit values.
_HIMMELBLAU_MINIMA = ((3.0, 2.0),) + tuple(
    _newton_polish(_himmelblau_grad, *p)
    for p in ((-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))
)


def rosenbrock() -> Landscape:
    """Rosenbrock's valley, minimum 0 at (1, 1)."""
    return Landscape(
        "rosenbrock",
        r"L(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        _rosenbrock,
        _rosenbrock_grad,
        (-2.0, 2.0),
        (-1.0, 3.0),
        minima=((1.0, 1.0),),
        log_scale=True,
    )


def rastrigin() -> Landscape:
    """Rastrigin's function, many local minima, global minimum 0 at (0, 0)."""
    return Landscape(
        "rastrigin",
        r"L(x, y) = 20 + \sum_{v \in \{x, y\}} (v^2 - 10\cos 2\pi v)",
        _rastrigin,
        _rastrigin_grad,
        (-5.12, 5.12),
        (-5.12, 5.12),
        minima=((0.0, 0.0),),
    )


def beale() -> Landscape:
    """Beale's function, minimum 0 at (3, 0.5)."""
    formula = (
        r"L(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2"
        r" + (2.625 - x + xy^3)^2"
    )
    return Landscape(
        "beale",
        formula,
        _beale,
        _beale_grad,
        (-4.5, 4.5),
        (-4.5, 4.5),
        minima=((3.0, 0.5),),
        log_scale=True,
    )


def himmelblau() -> Landscape:
    """Himmelblau's function, four minima of value 0."""
    return Landscape(
        "himmelblau",
        r"L(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        _himmelblau,
        _himmelblau_grad,
        (-5.0, 5.0),
        (-5.0, 5.0),
        minima=_HIMMELBLAU_MINIMA,
        log_scale=True,
    )


def quadratic(coeffs: tuple[float, float] = (0.1, 2.0)) -> Landscape:
    """The bowl a·x² + b·y² (an elongated one when a ≠ b), minimum 0 at (0, 0)."""
    a, b = (float(c) for c in coeffs)

    def loss(x: Array, y: Array) -> Array:
        return a * x * x + b * y * y

    def grad(x: Array, y: Array) -> tuple[Array, Array]:
        return 2 * a * x, 2 * b * y

    bowl = a > 0 and b > 0
    saddle = a * b < 0
    return Landscape(
        "quadratic",
        rf"L(x, y) = {a:g}\,x^2 + {b:g}\,y^2",
        loss,
        grad,
        (-6.0, 6.0),
        (-3.0, 3.0),
        minima=((0.0, 0.0),) if bowl else (),
        saddles=((0.0, 0.0),) if saddle else (),
        options={"coeffs": [a, b]},
    )


def saddle() -> Landscape:
    """x² − y², with its saddle point at (0, 0) marked instead of a minimum."""
    return Landscape(
        "saddle",
        r"L(x, y) = x^2 - y^2",
        _saddle,
        _saddle_grad,
        (-2.0, 2.0),
        (-2.0, 2.0),
        saddles=((0.0, 0.0),),
    )


ANALYTIC = {f.__name__: f for f in (rosenbrock, rastrigin, beale, himmelblau, saddle)}
DATA_MODELS = {"gabor": gabor, "linear": linear}
NAMES = ("gabor", "linear", "rosenbrock", "rastrigin", "beale", "himmelblau", "quadratic", "saddle")


def make_landscape(
    name: str, *, coeffs: tuple[float, float] | None = None, ridge: float = 0.0
) -> Landscape:
    """The landscape called ``name``; ``coeffs`` is for quadratic, ``ridge`` for data models."""
    if name not in NAMES:
        raise ValueError(f"unknown landscape {name!r}; choose one of {', '.join(NAMES)}")
    if coeffs is not None and name != "quadratic":
        raise ValueError("coeffs applies only to the quadratic landscape")
    if ridge and name not in DATA_MODELS:
        raise ValueError("ridge applies only to the data models gabor and linear")
    if ridge < 0:
        raise ValueError("ridge must be at least 0")
    if name == "quadratic":
        return quadratic(coeffs if coeffs is not None else (0.1, 2.0))
    if name in DATA_MODELS:
        return DATA_MODELS[name](ridge)
    return ANALYTIC[name]()


# --------------------------------------------------------------------------- grids


@dataclass(frozen=True)
class LandscapeResult:
    """A landscape sampled on a grid.

    x: (N,) grid abscissae; y: (M,) ordinates; loss: (M, N) with
    loss[i, j] = L(x[j], y[i]); minimum: the lowest point of the view;
    saddles: closed-form saddle points inside the view; for data models, the
    training set and the fitted curve at the minimum.
    """

    name: str
    formula: str
    axis_symbols: tuple[str, str]
    x: Array
    y: Array
    loss: Array
    minimum: Point
    minima: tuple[Point, ...]  # every global minimum in the view (Himmelblau has four)
    saddles: tuple[Point, ...]
    data: tuple[Array, Array] | None = None  # training set (x_i, y_i), data models only
    fit: tuple[Array, Array] | None = None  # model curve at the minimum, (200,) each
    spec: LandscapeSpec | None = None  # what ran, when built by ``run``
    # every stationary point in the view, found by Newton's method (UDL fig. 6.4)
    critical: tuple[CriticalPoint, ...] = ()


def evaluate_grid(
    land: Landscape,
    x: Array,
    y: Array,
    chunk_elements: int = CHUNK_ELEMENTS,
    progress: Callable[[int, int], None] | None = None,
) -> Array:
    """L on the grid (M, N), evaluated a block of rows at a time to bound memory;
    ``progress(rows_done, rows_total)`` is called after each block."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    per_point = len(land.data.x) if land.data is not None else 1
    rows = max(1, chunk_elements // max(1, x.size * per_point))
    out = np.empty((y.size, x.size))
    for start in range(0, y.size, rows):
        yy = y[start : start + rows, None]
        out[start : start + rows] = land.loss(x[None, :], yy)
        if progress is not None:
            progress(min(start + rows, y.size), y.size)
    return out


def refine_minimum(
    land: Landscape, x0: float, y0: float, box: tuple[float, float, float, float], steps: int = 100
) -> tuple[float, float]:
    """Descend from a grid point: Newton where the Hessian is positive definite,
    otherwise a gradient step; backtracking keeps every step downhill, and the
    point is kept inside ``box`` = (x_min, x_max, y_min, y_max)."""
    lo, hi = np.array(box[0::2]), np.array(box[1::2])
    p = np.array([x0, y0], float)
    f = float(land.loss(*p))
    for _ in range(steps):
        g = np.array(land.grad(*p), float)
        hess = _hessian(land.grad, p)
        if np.all(np.linalg.eigvalsh(hess) > 0):
            direction, t = -np.linalg.solve(hess, g), 1.0
        else:  # a gradient step scaled by the largest curvature
            direction, t = -g, 1.0 / max(1e-12, np.abs(hess).max())
        while t > 1e-12:
            q = np.clip(p + t * direction, lo, hi)
            fq = float(land.loss(*q))
            if fq < f:
                break
            t *= 0.5
        else:
            break
        if np.allclose(p, q, rtol=0, atol=1e-15):
            break
        p, f = q, fq
    return float(p[0]), float(p[1])


def _inside(p: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= p[0] <= box[1] and box[2] <= p[1] <= box[3]


def find_minimum(land: Landscape, x: Array, y: Array, loss: Array) -> Point:
    """The lowest point of the view: a closed-form minimum when one lies in it,
    otherwise the best grid point refined by Newton / gradient steps."""
    box = (float(x[0]), float(x[-1]), float(y[0]), float(y[-1]))
    known = [p for p in land.minima if _inside(p, box)]
    if known:
        values = [float(land.loss(*p)) for p in known]
        best = int(np.argmin(values))
        return Point(*known[best], values[best], "closed form")
    finite = np.where(np.isfinite(loss), loss, np.inf)
    i, j = np.unravel_index(int(np.argmin(finite)), loss.shape)
    px, py = refine_minimum(land, float(x[j]), float(y[i]), box)
    return Point(px, py, float(land.loss(px, py)), "grid + Newton")


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇L = 0: kind is minimum, saddle or maximum, from the signs
    of the Hessian's eigenvalues (ascending); loss is L there."""

    x: float
    y: float
    loss: float
    kind: str
    eigenvalues: tuple[float, float]


def _batched_hessian(grad: GradFn, p: Array) -> Array:
    """(S, 2, 2): central differences of the exact gradient at points p (S, 2)."""
    h = 1e-5 * np.maximum(1.0, np.abs(p))
    cols = []
    for k in range(2):
        e = np.zeros_like(p)
        e[:, k] = h[:, k]
        gp = np.stack(grad((p + e)[:, 0], (p + e)[:, 1]), -1)
        gm = np.stack(grad((p - e)[:, 0], (p - e)[:, 1]), -1)
        cols.append((gp - gm) / (2 * h[:, k : k + 1]))
    hess = np.stack(cols, -1)
    return 0.5 * (hess + np.swapaxes(hess, 1, 2))


SEED_GRID = 101  # Newton's seeds come from at most this many grid points a side


def critical_points(land: Landscape, x: Array, y: Array, steps: int = 40) -> tuple:
    """Every stationary point in the view of the grid (x, y): Newton's method
    on ∇L = 0 from each grid point where |∇L| is smallest among its
    neighbours, kept where it converges (|∇L| below 1e-9 of the gradient's
    scale) inside the view, each point once, classified by its Hessian."""
    x0, x1, y0, y1 = x[0], x[-1], y[0], y[-1]
    x, y = x[:: -(-len(x) // SEED_GRID)], y[:: -(-len(y) // SEED_GRID)]  # seeds: a coarser grid
    gx, gy = np.meshgrid(x, y)
    g0, g1 = land.grad(gx, gy)
    size = np.hypot(g0, g1)
    inner = size[1:-1, 1:-1]
    around = [
        size[1 + i : size.shape[0] - 1 + i, 1 + j : size.shape[1] - 1 + j]
        for i in (-1, 0, 1)
        for j in (-1, 0, 1)
        if i or j
    ]
    seeds = np.argwhere(np.all([inner <= a for a in around], axis=0)) + 1
    p = np.column_stack([x[seeds[:, 1]], y[seeds[:, 0]]])
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = np.stack(land.grad(p[:, 0], p[:, 1]), -1)
            hess = _batched_hessian(land.grad, p)
            ok = np.abs(np.linalg.det(hess)) > 1e-300
            step = np.zeros_like(p)
            step[ok] = np.linalg.solve(hess[ok], g[ok][..., None])[..., 0]
            p = p - step
        g = np.stack(land.grad(p[:, 0], p[:, 1]), -1)
    scale = max(1e-300, float(np.nanmax(size)))
    box = (x0, x1, y0, y1)
    found: list[CriticalPoint] = []
    tol = 1e-6 * max(x1 - x0, y1 - y0)
    for (px, py), gk in zip(p, g, strict=True):
        if not (np.all(np.isfinite(gk)) and np.hypot(*gk) < 1e-9 * scale):
            continue
        if not _inside((px, py), box) or any(abs(c.x - px) + abs(c.y - py) < tol for c in found):
            continue
        eig = np.linalg.eigvalsh(_hessian(land.grad, np.array([px, py])))
        kind = "minimum" if eig[0] > 0 else "maximum" if eig[1] < 0 else "saddle"
        found.append(
            CriticalPoint(
                float(px), float(py), float(land.loss(px, py)), kind, (float(eig[0]), float(eig[1]))
            )
        )
    return tuple(sorted(found, key=lambda c: (c.x, c.y)))


def log_floor(loss: Array) -> float:
    """Lower end of a log colour scale: exact zeros (a closed-form minimum on
    the grid) would stretch it to -inf, so start at the smallest positive
    value but at most six decades below the largest."""
    finite = loss[np.isfinite(loss)]
    hi = float(finite.max())
    positive = finite[finite > 0]
    return max(float(positive.min()) if positive.size else hi * 1e-6, hi * 1e-6)


def unit_scale(loss: Array, log_scale: bool) -> Array:
    """Loss mapped to [0, 1] linearly or by decades (NaN stays NaN)."""
    if log_scale:
        loss = np.log10(np.clip(loss, log_floor(loss), None))
    finite = loss[np.isfinite(loss)]
    lo, hi = float(finite.min()), float(finite.max())
    return (loss - lo) / (hi - lo) if hi > lo else np.zeros_like(loss)


def compute_landscape(
    land: Landscape,
    *,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    resolution: int = 201,
    progress: Callable[[int, int], None] | None = None,
    spec: LandscapeSpec | None = None,
    critical: bool = False,
) -> LandscapeResult:
    """Sample ``land`` on a resolution × resolution grid (endpoints included);
    ``progress`` follows the grid evaluation (see ``evaluate_grid``); with
    ``critical``, every stationary point in the view too (``critical_points``)."""
    (x0, x1), (y0, y1) = x_range or land.x_range, y_range or land.y_range
    if not (x0 < x1 and y0 < y1):
        raise ValueError("ranges must satisfy min < max")
    if not 2 <= resolution <= 4096:
        raise ValueError("resolution must be from 2 to 4096")
    x, y = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    loss = evaluate_grid(land, x, y, progress=progress)
    box = (x0, x1, y0, y1)
    saddles = tuple(
        Point(sx, sy, float(land.loss(sx, sy)), "closed form")
        for sx, sy in land.saddles
        if _inside((sx, sy), box)
    )
    minimum = find_minimum(land, x, y, loss)
    data = fit = None
    if land.data is not None:
        data = (land.data.x, land.data.y)
        lo, hi = land.data.x.min(), land.data.x.max()
        curve_x = np.linspace(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), 200)
        fit = (curve_x, land.data.predict(minimum.x, minimum.y, curve_x))
    minima = tuple(
        Point(px, py, float(land.loss(px, py)), "closed form")
        for px, py in land.minima
        if _inside((px, py), box)
    ) or (minimum,)
    return LandscapeResult(
        land.name,
        land.formula,
        land.axis_symbols,
        x,
        y,
        loss,
        minimum,
        minima,
        saddles,
        data,
        fit,
        spec,
        critical_points(land, x, y) if critical else (),
    )


# --------------------------------------------------------------------------- the spec

VIEWS = ("contour", "heatmap", "surface")
MAX_COORDINATE = 1e6  # farther out, the grid's spacing and the losses lose their digits
DEFAULT_COEFFS = (0.1, 2.0)


@dataclass(frozen=True)
class LandscapeSpec:
    """Every effective parameter of a landscape picture.

    x_range, y_range: the view; resolution: grid points per axis (endpoints
    included); log_scale: colour by decades; coeffs: (a, b) of the quadratic,
    () for every other landscape; ridge: λ of the λ‖φ‖² penalty (data models;
    0 elsewhere).
    """

    name: str
    view: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int
    log_scale: bool
    coeffs: tuple[float, ...]
    ridge: float


def make_spec(
    name: str = "gabor",
    *,
    view: str = "contour",
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    resolution: int = 201,
    log_scale: bool | None = None,
    coeffs: tuple[float, float] | None = None,
    ridge: float = 0.0,
) -> LandscapeSpec:
    """The landscape spec with every default resolved; a bad value raises
    ``SpecError`` naming its parameter."""
    choice("name", name, NAMES)
    choice("view", view, VIEWS)
    if name == "quadratic":
        coeffs = pair("coeffs", DEFAULT_COEFFS if coeffs is None else coeffs)
    else:
        check(not coeffs, "coeffs", coeffs, "applies only to the quadratic landscape")
        coeffs = ()
    ridge = number("ridge", ridge, 0.0)
    check(ridge == 0 or name in DATA_MODELS, "ridge", ridge, "applies only to gabor and linear")
    land = landscape_of_name(name, coeffs, ridge)
    x_range = pair("x_range", land.x_range if x_range is None else x_range, increasing=True)
    y_range = pair("y_range", land.y_range if y_range is None else y_range, increasing=True)
    for param, (lo, hi) in (("x_range", x_range), ("y_range", y_range)):
        check(
            -MAX_COORDINATE <= lo and hi <= MAX_COORDINATE,
            param,
            f"{lo:g},{hi:g}",
            f"the view must lie within ±{MAX_COORDINATE:g}",
        )
    resolution = whole("resolution", resolution, 2, 4096)
    log_scale = land.log_scale if log_scale is None else log_scale
    check(isinstance(log_scale, bool), "log_scale", log_scale, "true or false")
    return LandscapeSpec(name, view, x_range, y_range, resolution, log_scale, coeffs, ridge)


def landscape_of_name(name: str, coeffs: tuple[float, ...], ridge: float) -> Landscape:
    """The landscape a spec's name, coeffs and ridge describe."""
    return make_landscape(name, coeffs=tuple(coeffs) or None, ridge=ridge)


def landscape_of(spec: LandscapeSpec) -> Landscape:
    """The landscape ``spec`` describes."""
    return landscape_of_name(spec.name, spec.coeffs, spec.ridge)


def check_log_scale(spec: LandscapeSpec, loss: Array) -> None:
    """A log colour scale needs a loss that stays positive."""
    low = float(np.nanmin(loss))
    check(
        not spec.log_scale or low >= 0,
        "log_scale",
        spec.name,
        f"needs a positive loss; {spec.name} goes down to {low:.3g} (use a linear scale)",
    )


def run(spec: LandscapeSpec, progress: Callable[[int, int], None] | None = None) -> LandscapeResult:
    """The landscape ``spec`` describes, sampled on its grid."""
    result = compute_landscape(
        landscape_of(spec),
        x_range=spec.x_range,
        y_range=spec.y_range,
        resolution=spec.resolution,
        progress=progress,
        spec=spec,
        critical=True,
    )
    check_log_scale(spec, result.loss)
    return result


def result_json(result: LandscapeResult) -> dict:
    """What ``--data`` exports beside the parameters: the grid, the minima
    and saddles, the formula, and the training data of the data models."""
    m = result.minimum
    out = {
        "x": result.x,
        "y": result.y,
        "loss": result.loss,
        "minimum": {"x": m.x, "y": m.y, "loss": m.loss, "method": m.method},
        "minima": [{"x": p.x, "y": p.y, "loss": p.loss} for p in result.minima],
        "saddles": [{"x": p.x, "y": p.y, "loss": p.loss} for p in result.saddles],
        "formula": result.formula,
    }
    if result.data is not None:
        out["training_data"] = {"x": result.data[0], "y": result.data[1]}
    return out
