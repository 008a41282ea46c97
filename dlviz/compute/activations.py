"""Activation functions (UDL §3.1 and fig. 3.13; d2l §5.1): each function,
its derivative, where it saturates and the largest slope it passes back;
UDL fig. 3.3's shallow network with any of them; and why a network needs
one at all (two linear layers are one matrix).

The functions and their derivatives follow PyTorch, kinks included: at
z = 0, ReLU′ = 0 and leaky ReLU′ = PReLU′ = the negative slope, ELU′ = α
(what autograd returns there). GELU is the exact one, z·Φ(z).

- sigmoid σ(z) = 1/(1 + e^(−z)), σ′ = σ(1 − σ) ≤ 1/4 (at z = 0);
- tanh, tanh′ = 1 − tanh² ≤ 1;
- ReLU max(0, z); leaky ReLU and PReLU max(0, z) + a·min(0, z);
- ELU z for z > 0, α(e^z − 1) otherwise; GELU z·Φ(z), GELU′ = Φ(z) + z·φ(z),
  largest at z = √2 (where GELU″ = φ(z)(2 − z²) = 0);
- maxout: the largest of K lines, maxₖ(wₖz + bₖ) (a learned convex
  piecewise-linear function; ReLU is max(0·z + 0, 1·z + 0)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dlviz.compute.expr import Equation, Num, Product, Sum
from dlviz.spec import check, choice, number, pair, unused, whole

Array = np.ndarray

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "gelu", "maxout")
SMOOTH = ("sigmoid", "tanh", "gelu")  # the rest are piecewise linear, or (ELU) kinked at 0
VIEWS = ("curves", "shallow", "collapse")
GRID = 1201  # points each curve is drawn at (the domain's midpoint among them)
MAX_VALUE = 1e6  # domains, weights and parameters: the curves stay finite
MAX_PIECES = 8  # maxout's lines
MAX_UNITS = 16  # the shallow network's hidden units (one panel row each side)
LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope
PRELU_WEIGHT = 0.25  # torch.nn.PReLU's initial weight
ELU_ALPHA = 1.0  # torch.nn.ELU's default α
MAXOUT = ((-0.5, -1.0), (0.25, 0.0), (1.0, -1.5))  # three lines (w, b): kinks at −4/3 and 2
SATURATION = 0.05  # a unit is saturated where |f′| is at most this
# UDL fig. 3.3 (notebook 3.1): θ_d0 + θ_d1·x for three hidden units, then φ
UDL_THETA = ((0.3, -1.0), (-1.0, 2.0), (-0.5, 0.65))
UDL_PHI = (-0.3, 2.0, -1.0, 7.0)


@dataclass(frozen=True)
class Params:
    """The parameters some activations take: leaky ReLU's negative slope,
    PReLU's weight, ELU's α and maxout's lines ((w, b), …)."""

    leaky_slope: float = LEAKY_SLOPE
    prelu_weight: float = PRELU_WEIGHT
    elu_alpha: float = ELU_ALPHA
    maxout: tuple[tuple[float, float], ...] = MAXOUT


def _phi(z: Array) -> Array:
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


_ERF = np.frompyfunc(math.erf, 1, 1)


def _Phi(z: Array) -> Array:
    return 0.5 * (1.0 + np.asarray(_ERF(np.asarray(z, float) / math.sqrt(2.0)), float))


def _maxout_lines(z: Array, lines) -> Array:
    w, b = np.array(lines, float).T
    return np.asarray(z, float)[..., None] * w + b  # (..., K)


def activate(name: str, z, p: Params = Params()) -> Array:
    """a[z] elementwise."""
    z = np.asarray(z, float)
    if name == "sigmoid":
        e = np.exp(-np.abs(z))  # 1/(1 + e^(−z)) = e^z/(1 + e^z), whichever cannot overflow
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name in ("leaky_relu", "prelu"):
        a = p.leaky_slope if name == "leaky_relu" else p.prelu_weight
        return np.where(z > 0, z, a * z)
    if name == "elu":
        return np.where(z > 0, z, p.elu_alpha * np.expm1(np.minimum(z, 0.0)))
    if name == "gelu":
        return z * _Phi(z)
    if name == "maxout":
        return _maxout_lines(z, p.maxout).max(axis=-1)
    raise ValueError(f"unknown activation {name!r}")


def derivative(name: str, z, p: Params = Params()) -> Array:
    """a′[z] elementwise, as autograd returns it (at a kink: see the module)."""
    z = np.asarray(z, float)
    if name == "sigmoid":
        s = activate("sigmoid", z)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name in ("leaky_relu", "prelu"):
        a = p.leaky_slope if name == "leaky_relu" else p.prelu_weight
        return np.where(z > 0, 1.0, a)
    if name == "elu":
        return np.where(z > 0, 1.0, p.elu_alpha * np.exp(np.minimum(z, 0.0)))
    if name == "gelu":
        return _Phi(z) + z * _phi(z)
    if name == "maxout":
        w = np.array(p.maxout, float)[:, 0]
        return w[_maxout_lines(z, p.maxout).argmax(axis=-1)]
    raise ValueError(f"unknown activation {name!r}")


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class ActivationsSpec:
    """Every effective parameter of ``dlviz activations``.

    view: curves (each activation and its derivative), shallow (UDL fig.
    3.3: a one-input network's units, activations and weighted sum) or
    collapse (two linear layers against one matrix, and with an activation
    between); activations: the ones drawn (shallow: the hidden units' one);
    theta: shallow, (D, 2) each unit's (bias, slope); phi: (D + 1,) the
    output's bias then weights; seed: collapse, the draw of its weights."""

    view: str
    activations: tuple[str, ...]
    domain: tuple[float, float]
    params: Params
    saturation: float
    theta: tuple[tuple[float, float], ...] = ()
    phi: tuple[float, ...] = ()
    seed: int = 0


def make_spec(
    *,
    view: str | None = None,
    activations=None,
    domain=None,
    params: Mapping | Params | None = None,
    saturation: float | None = None,
    theta=None,
    phi=None,
    network: Mapping | None = None,
    seed: int | None = None,
) -> ActivationsSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.
    ``params`` holds leaky_slope, prelu_weight, elu_alpha and maxout (any of
    them); ``network`` is a --weights document in ``dlviz relu``'s layer
    format (one input, one hidden layer, one output) for the shallow view."""
    view = choice("view", view or "curves", VIEWS)
    default = NAMES if view == "curves" else ("relu",)
    activations = tuple(default if activations is None else activations)
    check(len(activations) > 0, "activations", "", f"choose from {', '.join(NAMES)}")
    for name in activations:
        choice("activations", name, NAMES)
    check(len(set(activations)) == len(activations), "activations", ",".join(activations),
          "each activation once")  # fmt: skip
    if view == "shallow":
        check(len(activations) == 1, "activations", ",".join(activations),
              "the shallow network's units share one activation")  # fmt: skip
    params = _params(params)
    saturation = number("saturation", SATURATION if saturation is None else saturation, 0.0, 1.0,
                        open_lo=True, open_hi=True)  # fmt: skip
    theta, phi = theta or None, phi or None  # a replayed curves or collapse spec holds ()
    if view != "shallow":
        unused({"theta": theta, "phi": phi, "network": network}, "--view shallow")
    if view != "collapse":
        check(seed in (None, 0), "seed", seed, "draws the weights of --view collapse only")
    seed = whole("seed", 0 if seed is None else seed, 0, 2**32 - 1)
    if view == "shallow":
        theta, phi = _shallow_network(theta, phi, network)
    lo, hi = _domain(view, domain)
    return ActivationsSpec(view, activations, (lo, hi), params, saturation,
                           theta or (), phi or (), seed)  # fmt: skip


def _domain(view: str, domain) -> tuple[float, float]:
    if domain is None:
        return (
            (0.0, 1.0) if view == "shallow" else (-2.0, 2.0) if view == "collapse" else (-6.0, 6.0)
        )
    lo, hi = pair("domain", domain, increasing=True)
    check(max(abs(lo), abs(hi)) <= MAX_VALUE, "domain", domain, f"each end within ±{MAX_VALUE:g}")
    return float(lo), float(hi)


def _params(params) -> Params:
    if isinstance(params, Params):
        return params
    given = dict(params or {})
    for key in given:
        choice("params", key, ("leaky_slope", "prelu_weight", "elu_alpha", "maxout"))
    leaky = number("leaky_slope", given.get("leaky_slope", LEAKY_SLOPE), 0.0, 1.0)
    prelu = number("prelu_weight", given.get("prelu_weight", PRELU_WEIGHT), -MAX_VALUE, MAX_VALUE)
    alpha = number("elu_alpha", given.get("elu_alpha", ELU_ALPHA), 0.0, MAX_VALUE, open_lo=True)
    lines = given.get("maxout", MAXOUT)
    ok = isinstance(lines, Sequence) and 1 <= len(lines) <= MAX_PIECES
    shown = ",".join(":".join(f"{v:g}" for v in line) for line in lines) if ok else lines
    ok = ok and all(isinstance(line, Sequence) and len(line) == 2 for line in lines)
    ok = ok and all(
        isinstance(v, (int, float)) and math.isfinite(v) and abs(v) <= MAX_VALUE
        for line in lines
        for v in line
    )
    check(ok, "maxout", shown, f"1 to {MAX_PIECES} lines W:B, e.g. -1:0,1:0 (|x| as a maxout)")
    lines = tuple((float(w), float(b)) for w, b in lines)
    return Params(leaky, prelu, alpha, lines)


def _shallow_network(theta, phi, network) -> tuple[tuple, tuple]:
    if network is not None:
        check(theta is None and phi is None, "network", "…", "gives θ and φ itself")
        theta, phi = _from_layers(network)
    theta = UDL_THETA if theta is None else theta
    phi = UDL_PHI if phi is None else phi
    ok = isinstance(theta, Sequence) and 1 <= len(theta) <= MAX_UNITS
    ok = ok and all(isinstance(t, Sequence) and len(t) == 2 for t in theta)
    ok = ok and all(_finite(v) for t in theta for v in t)
    check(ok, "theta", "…", f"1 to {MAX_UNITS} units, each (bias, slope), finite")
    ok = isinstance(phi, Sequence) and len(phi) == len(theta) + 1 and all(map(_finite, phi))
    check(ok, "phi", "…", "the output's bias and one finite weight per unit")
    return tuple((float(a), float(b)) for a, b in theta), tuple(float(v) for v in phi)


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= MAX_VALUE


def _from_layers(doc) -> tuple[tuple, tuple]:
    from dlviz.compute.relu import given_document, given_layers

    given_document(doc)
    weights, biases = given_layers(doc, MAX_VALUE)
    ok = len(weights) == 2 and weights[0].shape[1] == 1 and weights[1].shape[0] == 1
    check(ok, "network", "…", "one input, one hidden layer and one output (UDL fig. 3.3)")
    theta = tuple(zip(biases[0].tolist(), weights[0][:, 0].tolist(), strict=True))
    return theta, (float(biases[1][0]), *weights[1][0].tolist())


# --------------------------------------------------------------------------- curves


@dataclass(frozen=True)
class Peak:
    """The largest value of f′ on the domain, reached on [lo, hi] (lo = hi:
    at one point; ``open_lo``: for x > lo only, as ReLU′ = 1 for x > 0)."""

    value: float
    lo: float
    hi: float
    open_lo: bool = False


@dataclass(frozen=True)
class Curve:
    """One activation on the grid: values (G,), derivative (G,), its peak, the
    saturated intervals at the domain's ends where |f′| ≤ the threshold,
    and for σ and tanh the closed form of f′ at the peak as an equation."""

    name: str
    values: Array
    slopes: Array
    peak: Peak
    saturated: tuple[tuple[float, float], ...]
    identity: Equation | None = None


def peak(name: str, domain: tuple[float, float], p: Params = Params()) -> Peak:
    """max f′ on the domain from where f′ can peak: the ends, f″ = 0 inside
    (σ, tanh: 0; GELU: √2), and for the piecewise-linear ones each line's
    slope over where that line is used."""
    lo, hi = domain
    if name in SMOOTH:
        crit = 0.0 if name != "gelu" else math.sqrt(2.0)
        xs = [lo, hi] + ([crit] if lo < crit < hi else [])
        vals = [float(derivative(name, x, p)) for x in xs]
        best = int(np.argmax(vals))
        return Peak(vals[best], xs[best], xs[best])
    pieces = _slope_pieces(name, domain, p)
    top = max(s for s, _, _, _ in pieces)
    on = [(a, b, op) for s, a, b, op in pieces if s == top]
    return Peak(top, on[0][0], on[-1][1], on[0][2])


def _slope_pieces(name: str, domain, p: Params) -> list[tuple[float, float, float, bool]]:
    """(slope, lo, hi, open at lo) of a kinked activation's pieces on the domain,
    left to right; ELU's left piece counts its largest slope, α at z = 0."""
    lo, hi = domain
    if name == "maxout":
        kinks = _maxout_kinks(p.maxout, domain)
        edges = [lo, *kinks, hi]
        return [
            (float(derivative(name, (a + b) / 2, p)), a, b, k > 0)
            for k, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True))
        ]
    if lo > 0:
        return [(1.0, lo, hi, False)]
    edge = min(0.0, hi)  # the left piece's slope at its right end (ELU′ grows toward 0)
    left = (float(derivative(name, edge, p)), edge if name == "elu" else lo, edge, False)
    return [left] + ([(1.0, 0.0, hi, True)] if hi > 0 else [])


def _maxout_kinks(lines, domain) -> list[float]:
    """Where maxout's active line changes inside the domain."""
    lo, hi = domain
    xs = np.linspace(lo, hi, 4 * GRID + 1)
    top = _maxout_lines(xs, lines).argmax(axis=-1)
    out = []
    for k in np.flatnonzero(top[1:] != top[:-1]):
        (w1, b1), (w2, b2) = lines[top[k]], lines[top[k + 1]]
        out.append((b1 - b2) / (w2 - w1))  # where the two lines meet
    return out


def saturated(name: str, domain, threshold: float, p: Params = Params()):
    """The intervals at the domain's ends where |f′| ≤ ``threshold`` all the
    way to the end: the unit passes back almost no gradient there. Their
    inner edges are found by bisection on f′ (each interval's f′ is monotone
    toward the end for every activation here)."""
    lo, hi = domain
    out = []
    for end, inner in ((lo, hi), (hi, lo)):
        if abs(float(derivative(name, end, p))) > threshold:
            continue
        xs = np.linspace(end, inner, GRID)
        flat = np.abs(derivative(name, xs, p)) <= threshold
        stop = int(np.argmin(flat)) if not flat.all() else len(xs)
        if stop == len(xs):
            out.append((lo, hi))
            break
        a, b = xs[stop - 1], xs[stop]  # flat at a, not at b
        for _ in range(60):
            m = 0.5 * (a + b)
            a, b = (m, b) if abs(float(derivative(name, m, p))) <= threshold else (a, m)
        out.append(tuple(sorted((end, float(a)))))
    return tuple(sorted(set(out)))


def identity(name: str, at: float) -> Equation | None:
    """σ′(x) = σ(x)·(1 − σ(x)) or tanh′(x) = 1 − tanh(x)² written at ``at``."""
    if name == "sigmoid":
        s = float(activate("sigmoid", at))
        lhs = Product((Num(s, sig=4), Sum((Num(1), Num(s, sig=4)), (1, -1))))
        return Equation(lhs, float(derivative("sigmoid", at)), prefix="σ′ = σ·(1 − σ) = ", sig=4)
    if name == "tanh":
        t = float(np.tanh(at))
        lhs = Sum((Num(1), Product((Num(t, sig=4), Num(t, sig=4)))), (1, -1))
        return Equation(lhs, float(derivative("tanh", at)), prefix="tanh′ = 1 − tanh² = ", sig=4)
    return None


def curve(name: str, xs: Array, spec: ActivationsSpec) -> Curve:
    """One activation on the grid ``xs`` with its peak, saturation and identity."""
    p = spec.params
    top = peak(name, spec.domain, p)
    return Curve(
        name,
        activate(name, xs, p),
        derivative(name, xs, p),
        top,
        saturated(name, spec.domain, spec.saturation, p),
        identity(name, top.lo),
    )


# --------------------------------------------------------------------------- shallow


@dataclass(frozen=True)
class Shallow:
    """UDL fig. 3.3: pre (G, D) θ_d0 + θ_d1·x; act (G, D) a[pre]; weighted
    (G, D) φ_d·act; output (G,) φ₀ + Σ_d weighted; joints: (D,) where each
    unit's pre-activation is 0 (x = −θ_d0/θ_d1; NaN for a flat unit), the
    kinks of a piecewise-linear activation."""

    pre: Array
    act: Array
    weighted: Array
    output: Array
    joints: Array


def shallow(xs: Array, spec: ActivationsSpec) -> Shallow:
    """The shallow network of ``spec`` evaluated on ``xs``."""
    theta = np.array(spec.theta, float)
    phi = np.array(spec.phi, float)
    pre = theta[:, 0] + np.outer(xs, theta[:, 1])
    act = activate(spec.activations[0], pre, spec.params)
    weighted = act * phi[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        joints = np.where(theta[:, 1] != 0, -theta[:, 0] / theta[:, 1], np.nan)
    return Shallow(pre, act, weighted, phi[0] + weighted.sum(axis=1), joints)


# --------------------------------------------------------------------------- collapse


@dataclass(frozen=True)
class Collapse:
    """Two linear layers h = W₁x + b₁, y = W₂h + b₂ and the one layer they
    are, W = W₂W₁ and b = W₂b₁ + b₂; an example input x and its h and y;
    the image of a square grid through the linear pair (lines: (L, P, 2))
    and through the same layers with the activation between."""

    w1: Array  # (3, 2)
    b1: Array  # (3,)
    w2: Array  # (2, 3)
    b2: Array  # (2,)
    w: Array  # (2, 2)
    b: Array  # (2,)
    x: Array  # (2,)
    h: Array  # (3,)
    y: Array  # (2,)
    grid: Array  # (L, P, 2) the input grid's lines
    linear: Array  # (L, P, 2) through the two linear layers
    bent: Array  # (L, P, 2) through W₂ a[W₁x + b₁] + b₂
    products: tuple[Equation, ...]  # each entry of W and b as a sum of products
    example: tuple[Equation, ...]  # y through both layers, and through W, b


def _halves(rng: np.random.Generator, shape) -> Array:
    """Weights a lecturer can multiply by hand: −2, −1.5, …, 2, never 0
    (the biases, halved: −1, −0.75, …, 1)."""
    values = np.array([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0])
    return rng.choice(values, size=shape)


def collapse(spec: ActivationsSpec) -> Collapse:
    """The collapse of ``spec``'s two seeded linear layers into one."""
    rng = np.random.default_rng(spec.seed)
    w1, b1 = _halves(rng, (3, 2)), _halves(rng, 3) / 2
    w2, b2 = _halves(rng, (2, 3)), _halves(rng, 2) / 2
    w, b = w2 @ w1, w2 @ b1 + b2
    x = np.array([1.0, 0.5])
    h = w1 @ x + b1
    y = w2 @ h + b2
    lo, hi = spec.domain
    ticks, along = np.linspace(lo, hi, 9), np.linspace(lo, hi, 121)
    rows = [np.column_stack([along, np.full_like(along, t)]) for t in ticks]
    cols = [np.column_stack([np.full_like(along, t), along]) for t in ticks]
    grid = np.array(rows + cols)
    linear = (grid @ w1.T + b1) @ w2.T + b2
    bent = activate(spec.activations[0], grid @ w1.T + b1, spec.params) @ w2.T + b2
    return Collapse(w1, b1, w2, b2, w, b, x, h, y, grid, linear, bent,
                    _product_equations(w1, b1, w2, b2, w, b),
                    _example_equations(w2, b2, w, b, x, h, y))  # fmt: skip


def _dot(a, b) -> Sum:
    return Sum(tuple(Product((Num(u), Num(v))) for u, v in zip(a, b, strict=True)))


def _product_equations(w1, b1, w2, b2, w, b) -> tuple[Equation, ...]:
    out = []
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            lhs = _dot(w2[i], w1[:, j])
            out.append(Equation(lhs, float(w[i, j]), prefix=f"W[{i + 1},{j + 1}] = "))
        lhs = Sum((*_dot(w2[i], b1).terms, Num(b2[i])))
        out.append(Equation(lhs, float(b[i]), prefix=f"b[{i + 1}] = "))
    return tuple(out)


_SUB = "₁₂₃"


def _example_equations(w2, b2, w, b, x, h, y) -> tuple[Equation, ...]:
    out = []
    for i in range(len(y)):
        two = Sum((*_dot(w2[i], h).terms, Num(b2[i])))
        one = Sum((*_dot(w[i], x).terms, Num(b[i])))
        out.append(Equation(two, float(y[i]), prefix=f"y{_SUB[i]} = W₂h + b₂: "))
        out.append(Equation(one, float(y[i]), prefix=f"y{_SUB[i]} = Wx + b: "))
    return tuple(out)


# --------------------------------------------------------------------------- run


@dataclass(frozen=True)
class ActivationsResult:
    """xs: (G,) the grid; curves: one per activation (curves view, and the
    shallow view's own); shallow / collapse: that view's numbers."""

    spec: ActivationsSpec
    xs: Array
    curves: tuple[Curve, ...]
    shallow: Shallow | None = None
    collapse: Collapse | None = None


def run(spec: ActivationsSpec) -> ActivationsResult:
    """The curves, the shallow network or the collapse ``spec`` asks for
    (a few thousand evaluations: no progress to report)."""
    xs = np.linspace(*spec.domain, GRID)
    if spec.view == "collapse":
        return ActivationsResult(spec, xs, (), collapse=collapse(spec))
    curves = tuple(curve(n, xs, spec) for n in spec.activations)
    if spec.view == "shallow":
        return ActivationsResult(spec, xs, curves, shallow=shallow(xs, spec))
    return ActivationsResult(spec, xs, curves)


def result_json(result: ActivationsResult) -> dict:
    """What ``--data`` exports beside the parameters."""
    out: dict = {"x": result.xs}
    if result.curves:
        out["activations"] = {
            c.name: {
                "value": c.values,
                "derivative": c.slopes,
                "derivative_max": {
                    "value": c.peak.value,
                    "from": c.peak.lo,
                    "to": c.peak.hi,
                    "open_from": c.peak.open_lo,
                },  # fmt: skip
                "saturated": [list(iv) for iv in c.saturated],
            }
            for c in result.curves
        }
    if result.shallow is not None:
        s = result.shallow
        out.update(pre_activation=s.pre, activation=s.act, weighted=s.weighted,
                   output=s.output, joints=s.joints)  # fmt: skip
    if result.collapse is not None:
        c = result.collapse
        del out["x"]
        out.update(W1=c.w1, b1=c.b1, W2=c.w2, b2=c.b2, W=c.w, b=c.b, x=c.x, h=c.h, y=c.y)
    return out
