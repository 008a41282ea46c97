"""Universal approximation, made concrete (UDL §3.2): a shallow ReLU network
with D hidden units that interpolates a target at D + 1 equally spaced
knots t₀ < … < t_D (spacing h = (b − a)/D).

Unit k is ReLU(x − t_k) (weight 1, bias −t_k), k = 0 … D − 1; the output is

    y₀ + s₀·ReLU(x − t₀) + Σ_{k≥1} (s_k − s_{k−1})·ReLU(x − t_k),

with s_k = (y_{k+1} − y_k)/h the slope between knots k and k + 1: on [a, b]
it is the piecewise-linear interpolant (``np.interp``). It has D joints
(t₀ … t_{D−1}), so D + 1 linear regions on ℝ (the first, left of t₀, flat),
and D + D + D + 1 = 3D + 1 parameters.

Its largest error falls as h² for a target with a bounded second
derivative: |f − fit| ≤ h²/8 · max|f″|. For a Lipschitz target (|x|, a
sampled file) it falls as h: ≤ L·h/2. A step has no bound that falls: a
continuous network cannot jump, which is why the theorem asks for a
continuous target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dlviz.compute.expr import Equation, Num, Product, Quotient, Sum
from dlviz.spec import check, choice, pair, whole

Array = np.ndarray
TARGETS = ("sin", "step", "abs", "file")
MAX_UNITS = 2048  # as dlviz relu: its exact pieces hold a (D + 1) × D table of unit states
MAX_SAMPLES = 100_000
MAX_VALUE = 1e6
MAX_FILMED_UNITS = 64  # units an animation or a video adds one at a time
GRID = 2001  # points the figure draws the target and the fit at
PER_PIECE = 8  # points per piece where the error is measured (the knots and midpoints among them)
SWEEP_TOP = 1023  # the error is measured for D = 1, 3, 7, … up to this (and this run's D)
DOMAINS = {"sin": (0.0, 2 * math.pi), "step": (-1.0, 1.0), "abs": (-1.0, 1.0)}


@dataclass(frozen=True)
class FitSpec:
    """``dlviz relu --fit``: target (sin, step, abs or file), units D, the
    domain [a, b]; samples: the file's ((x…), (y…)), sorted by x, else ()."""

    target: str
    units: int
    domain: tuple[float, float]
    samples: tuple = ()

    def animation_cost(self):
        """A video adds every unit one at a time: at most MAX_FILMED_UNITS."""
        from dlviz.compute.cost import TooBig

        if self.units <= MAX_FILMED_UNITS:
            return None
        return TooBig("units", self.units, f"{self.units} units to add one at a time",
                      f"at most {MAX_FILMED_UNITS} in an animation or video",
                      {"units": MAX_FILMED_UNITS})  # fmt: skip


def make_fit_spec(*, target: str = "sin", units: int = 8, domain=None, samples=None) -> FitSpec:
    """The fit spec with every default resolved; a bad value raises ``SpecError``.
    ``samples`` ({"x": [...], "y": [...]} or (xs, ys)) make the target a file's."""
    if samples:
        target = "file"
    target = choice("target", target, TARGETS)
    units = whole("units", units, 1, MAX_UNITS)
    if target == "file":
        check(bool(samples), "target", "file", "give the samples: --fit FILE.json or FILE.csv")
        xs, ys = _samples(samples)
        lo, hi = float(xs[0]), float(xs[-1])
        if domain is not None:
            lo, hi = pair("domain", domain, increasing=True)
            check(xs[0] <= lo and hi <= xs[-1], "domain", domain,
                  f"within the samples' range {xs[0]:g} to {xs[-1]:g}")  # fmt: skip
        return FitSpec(target, units, (float(lo), float(hi)), (tuple(xs), tuple(ys)))
    check(samples is None or not samples, "samples", "…", "apply to --fit FILE only")
    lo, hi = DOMAINS[target] if domain is None else pair("domain", domain, increasing=True)
    check(max(abs(lo), abs(hi)) <= MAX_VALUE, "domain", domain, f"each end within ±{MAX_VALUE:g}")
    return FitSpec(target, units, (float(lo), float(hi)))


def _samples(samples) -> tuple[Array, Array]:
    if isinstance(samples, Mapping):
        check(set(samples) == {"x", "y"}, "samples", "…", 'an object {"x": [...], "y": [...]}')
        samples = (samples["x"], samples["y"])
    ok = isinstance(samples, Sequence) and len(samples) == 2
    ok = ok and all(isinstance(v, Sequence) and not isinstance(v, str) for v in samples)
    ok = ok and len(samples[0]) == len(samples[1]) and 2 <= len(samples[0]) <= MAX_SAMPLES
    ok = ok and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        and abs(v) <= MAX_VALUE for part in samples for v in part
    )  # fmt: skip
    check(ok, "samples", "…", f"x and y of equal length, 2 to {MAX_SAMPLES} finite numbers "
          f"within ±{MAX_VALUE:g}")  # fmt: skip
    xs, ys = np.asarray(samples[0], float), np.asarray(samples[1], float)
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    check(bool(np.all(np.diff(xs) > 0)), "samples", "…", "each x once (a function of x)")
    return xs, ys


# --------------------------------------------------------------------------- targets


def target_function(spec: FitSpec) -> Callable[[Array], Array]:
    """f(x) for the spec's target (a file's samples joined by straight lines)."""
    if spec.target == "sin":
        return np.sin
    if spec.target == "abs":
        return np.abs
    if spec.target == "step":
        return lambda x: (np.asarray(x) >= 0).astype(float)
    xs, ys = (np.array(v, float) for v in spec.samples)
    return lambda x: np.interp(x, xs, ys)


@dataclass(frozen=True)
class Bound:
    """The largest error the theory allows at spacing h: kind "curvature"
    (h²/8·max|f″|) or "lipschitz" (L·h/2); ``constant``: max|f″| or L."""

    kind: str
    constant: float

    def at(self, h: Array | float) -> Array | float:
        return (np.asarray(h) ** 2 / 8 if self.kind == "curvature" else np.asarray(h) / 2) * (
            self.constant
        )


def bound_of(spec: FitSpec) -> Bound | None:
    """The target's error bound: sin by its curvature (max|sin″| = max|sin| on
    the domain), |x| and a file's samples by their Lipschitz constant; a step none."""
    a, b = spec.domain
    if spec.target == "sin":
        peak = math.floor((b - math.pi / 2) / math.pi) >= math.ceil((a - math.pi / 2) / math.pi)
        top = 1.0 if peak else max(abs(math.sin(a)), abs(math.sin(b)))
        return Bound("curvature", top)
    if spec.target == "abs":
        return Bound("lipschitz", 1.0)
    if spec.target == "file":
        xs, ys = (np.array(v, float) for v in spec.samples)
        return Bound("lipschitz", float(np.max(np.abs(np.diff(ys) / np.diff(xs)))))
    return None


# --------------------------------------------------------------------------- the network


@dataclass(frozen=True)
class Fit:
    """The interpolating network for D units: knots (D + 1,), values there
    (D + 1,), biases (D,) = −knots[:-1], output weights (D,), output bias y₀."""

    knots: Array
    values: Array
    biases: Array
    weights: Array
    bias: float

    @property
    def units(self) -> int:
        return len(self.weights)

    def forward(self, x: Array, first: int | None = None) -> Array:
        """The network's output at x; with ``first``, only its first units."""
        k = self.units if first is None else first
        x = np.asarray(x, float)
        rows = max(1, 4_000_000 // max(k, 1))  # points per block: about 32 MB of unit states
        out = np.empty(len(x))
        for i in range(0, len(x), rows):
            hidden = np.maximum(x[i : i + rows, None] + self.biases[:k], 0.0)
            out[i : i + rows] = self.bias + hidden @ self.weights[:k]
        return out

    def network(self):
        """As a ``dlviz.compute.relu.Network`` (one input, D units, one output)."""
        from dlviz.compute.relu import Network

        return Network((np.ones((self.units, 1)), self.weights[None, :]),
                       (self.biases.copy(), np.array([self.bias])))  # fmt: skip


def fit(f: Callable[[Array], Array], domain: tuple[float, float], units: int) -> Fit:
    """The D-unit network through f at D + 1 equally spaced knots."""
    a, b = domain
    knots = np.linspace(a, b, units + 1)
    values = np.asarray(f(knots), float)
    slopes = np.diff(values) / np.diff(knots)
    weights = np.concatenate([slopes[:1], np.diff(slopes)])
    return Fit(knots, values, -knots[:-1], weights, float(values[0]))


def max_error(f: Callable[[Array], Array], net: Fit, marks: Sequence[float] = ()) -> float:
    """max |f − fit| over PER_PIECE points in every piece (each knot and
    midpoint among them) and at ``marks`` inside the domain (a kink, and
    both sides of a jump, where the error of |x| and of a step peaks)."""
    edges = net.knots
    steps = np.linspace(0.0, 1.0, PER_PIECE + 1)[:-1]
    xs = (edges[:-1, None] + np.outer(np.diff(edges), steps)).ravel()
    inside = [m for m in marks if edges[0] <= m <= edges[-1]]
    xs = np.concatenate([xs, edges[-1:], (edges[:-1] + edges[1:]) / 2, inside])
    return float(np.max(np.abs(f(xs) - net.forward(xs))))


def marks_of(spec: FitSpec) -> tuple[float, ...]:
    """Where the target's error can peak between the measured points: |x|'s
    kink at 0, the step's jump at 0 (and just left of it, where the fit
    has nearly climbed while the step is still 0), a file's samples."""
    if spec.target == "abs":
        return (0.0,)
    if spec.target == "step":
        return (0.0, float(np.nextafter(0.0, -1.0)))
    if spec.target == "file":
        return tuple(spec.samples[0])
    return ()


# --------------------------------------------------------------------------- run


@dataclass(frozen=True)
class FitResult:
    """spec; fit: the network; xs (G,), target (G,), output (G,): drawn on the
    domain; regions: the network's exact pieces over [a − h, b] (its D + 1
    regions on ℝ, the flat one included); error: its largest error; bound:
    the target's (None for a step) with ``bound_value`` at this h; sweep:
    units (K,), errors (K,) for D = 1, 3, 7, …; equations: the counts and
    the bound, written with this run's numbers."""

    spec: FitSpec
    fit: Fit
    xs: Array
    target: Array
    output: Array
    regions: object
    error: float
    bound: Bound | None
    bound_value: float | None
    sweep_units: Array
    sweep_errors: Array
    equations: tuple[Equation, ...]

    @property
    def spacing(self) -> float:
        return (self.spec.domain[1] - self.spec.domain[0]) / self.spec.units

    @property
    def num_parameters(self) -> int:
        return 3 * self.spec.units + 1


def sweep_units(units: int) -> Array:
    """1, 3, 7, … 2ᵏ − 1 up to SWEEP_TOP (or D, if larger), with this run's
    D: odd counts, so a kink or jump at the middle of a symmetric domain
    falls between knots (where an even D would make it a knot)."""
    top = max(SWEEP_TOP, units)
    odd = 2 ** np.arange(1, int(math.log2(top + 1)) + 1) - 1
    return np.unique(np.concatenate([odd, [units]])).astype(int)


def equations(spec: FitSpec, net: Fit, bound: Bound | None, h: float) -> tuple[Equation, ...]:
    """Parameters 3D + 1, regions D + 1, and the bound at this h."""
    d = spec.units
    out = [
        Equation(Sum((Product((Num(3), Num(d))), Num(1))), 3 * d + 1, prefix="3D + 1 = "),
        Equation(Sum((Num(d), Num(1))), d + 1, prefix="D + 1 = "),
    ]
    if bound is not None and bound.kind == "curvature":
        lhs = Product((Quotient(Product((Num(h, sig=4), Num(h, sig=4))), Num(8)),
                       Num(bound.constant, sig=4)))  # fmt: skip
        out.append(Equation(lhs, float(bound.at(h)), prefix="h²/8·max|f″| = ", sig=4))
    elif bound is not None:
        lhs = Product((Num(bound.constant, sig=4), Quotient(Num(h, sig=4), Num(2))))
        out.append(Equation(lhs, float(bound.at(h)), prefix="L·h/2 = ", sig=4))
    return tuple(out)


def run_fit(spec: FitSpec) -> FitResult:
    """The fit of ``spec``, its exact pieces and its error against D."""
    from dlviz.compute.relu import pieces_1d

    f = target_function(spec)
    net = fit(f, spec.domain, spec.units)
    a, b = spec.domain
    h = (b - a) / spec.units
    xs = np.unique(np.concatenate([np.linspace(a, b, GRID), net.knots]))
    regions = pieces_1d(net.network(), (a - h, b))
    bound = bound_of(spec)
    units, marks = sweep_units(spec.units), marks_of(spec)
    errors = np.array([max_error(f, fit(f, spec.domain, int(d)), marks) for d in units])
    error = max_error(f, net, marks)
    return FitResult(spec, net, xs, f(xs), net.forward(xs), regions, error, bound,
                     None if bound is None else float(bound.at(h)), units, errors,
                     equations(spec, net, bound, h))  # fmt: skip


def fit_json(result: FitResult) -> dict:
    """What ``--data`` exports for a fit."""
    r, net = result, result.fit
    return {
        "knots": net.knots,
        "values": net.values,
        "hidden": {"weight": np.ones(net.units), "bias": net.biases},
        "output": {"weight": net.weights, "bias": net.bias},
        "num_parameters": r.num_parameters,
        "num_regions": r.regions.num_regions,
        "num_pieces": r.regions.num_pieces,
        "spacing": r.spacing,
        "max_error": r.error,
        "bound": None
        if r.bound is None
        else {
            "kind": r.bound.kind,
            "constant": r.bound.constant,
            "value": r.bound_value,
        },  # fmt: skip
        "sweep": {"units": r.sweep_units, "max_error": r.sweep_errors},
    }
