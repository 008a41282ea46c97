"""From likelihood to loss (UDL ch. 5; d2l's information theory): each loss
as the negative log-likelihood of a probability model, and the link
between cross-entropy, entropy and KL divergence.

- Gaussian (regression): −log N(y | μ, σ²) = (y − μ)²/(2σ²) + log σ + ½ log 2π;
  with one fixed σ the sum is, up to constants, the sum of squares.
- Bernoulli (binary): λ = sigmoid(f), −log P(y) = −y log λ − (1 − y) log(1 − λ),
  computed from the logit f without forming λ (stable for |f| up to 10⁴ and beyond).
- Categorical (multiclass): softmax of the logits with log-sum-exp;
  −log softmax(f)_y, optionally with label smoothing ε as PyTorch defines it.
- Information: H(p) = −Σ p log p, H(p, q) = −Σ p log q,
  KL(p‖q) = H(p, q) − H(p) = Σ p log(p/q), with 0 log 0 = 0.

``dlviz loss`` runs one task on a data set and a model f (UDL's notebook
networks 5.1–5.3 by default, a line, a polynomial or a given ReLU network),
sweeps one parameter and writes every loss as an equation with this run's
numbers; or, for the information task, compares two distributions p and q.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from dlviz.compute.expr import Equation, Num, Product, Quotient, Sum
from dlviz.spec import check, choice, number, pair, unused, whole

Array = np.ndarray
LOG_2PI = math.log(2.0 * math.pi)


def gaussian_nll(y: Array, mu: Array, sigma: Array) -> Array:
    """−log N(y | μ, σ²) per point (the 'full' NLL, ½ log 2π included); σ > 0."""
    y, mu, sigma = (np.asarray(v, float) for v in (y, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("σ must be > 0: a Gaussian of σ = 0 has no density")
    return 0.5 * ((y - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * LOG_2PI


def gaussian_likelihood(y: Array, mu: Array, sigma: Array) -> Array:
    """N(y | μ, σ²) per point."""
    return np.exp(-gaussian_nll(y, mu, sigma))


def log_sigmoid(f: Array) -> Array:
    """log sigmoid(f) = −log(1 + e^(−f)), stable for any |f|."""
    f = np.asarray(f, float)
    return -np.logaddexp(0.0, -f)


def sigmoid(f: Array) -> Array:
    """λ = 1 / (1 + e^(−f)), without overflow for large |f|."""
    return np.exp(log_sigmoid(f))


def bernoulli_nll(y: Array, f: Array) -> Array:
    """−log P(y | λ = sigmoid(f)) per point, y in {0, 1} (or a probability):
    binary cross-entropy from the logit f."""
    y, f = np.asarray(y, float), np.asarray(f, float)
    return -(y * log_sigmoid(f) + (1.0 - y) * log_sigmoid(-f))


def log_softmax(logits: Array, axis: int = -1) -> Array:
    """log softmax with the log-sum-exp shift: finite for logits up to ±10⁴ and beyond."""
    z = np.asarray(logits, float)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: Array, axis: int = -1, temperature: float = 1.0) -> Array:
    """softmax(f / T)."""
    if not temperature > 0:
        raise ValueError("the temperature must be > 0")
    return np.exp(log_softmax(np.asarray(logits, float) / temperature, axis=axis))


def categorical_nll(logits: Array, labels: Array, smoothing: float = 0.0) -> Array:
    """−log softmax(f)_y per example (rows are examples); with label
    smoothing ε the target is (1 − ε)·onehot(y) + ε/C, as PyTorch's
    ``cross_entropy(label_smoothing=ε)``."""
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError("label smoothing is in [0, 1]")
    logp = log_softmax(np.atleast_2d(logits))
    labels = np.asarray(labels, int).reshape(-1)
    picked = -logp[np.arange(len(labels)), labels]
    if smoothing == 0.0:
        return picked
    return (1.0 - smoothing) * picked - smoothing * logp.mean(axis=1)


def _distribution(p: Array) -> Array:
    p = np.asarray(p, float)
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.isclose(p.sum(), 1.0, atol=1e-9):
        raise ValueError("a distribution is ≥ 0 everywhere and sums to 1")
    return p


def entropy(p: Array) -> float:
    """H(p) = −Σ p log p in nats (0 log 0 = 0)."""
    p = _distribution(p)
    nz = p > 0
    return float(-np.sum(p[nz] * np.log(p[nz])))


def _on_support(p: Array, q: Array) -> tuple[Array, Array] | None:
    """p and q where p > 0 (0 log 0 = 0), or None where q is 0 and p is not
    (there −Σ p log q is infinite)."""
    p, q = _distribution(p), _distribution(q)
    nz = p > 0
    return None if np.any(q[nz] == 0) else (p[nz], q[nz])


def cross_entropy(p: Array, q: Array) -> float:
    """H(p, q) = −Σ p log q in nats; ∞ where q is 0 and p is not."""
    support = _on_support(p, q)
    if support is None:
        return math.inf
    p, q = support
    return float(-np.sum(p * np.log(q)))


def kl_divergence(p: Array, q: Array) -> float:
    """KL(p‖q) = Σ p log(p/q) in nats, computed directly (not as a difference)."""
    support = _on_support(p, q)
    if support is None:
        return math.inf
    p, q = support
    return float(np.sum(p * (np.log(p) - np.log(q))))


# ---------------------------------------------------------------------------- the spec

TASKS = ("regression", "binary", "multiclass", "information")
MODELS = ("network", "line", "poly")
UNITS = ("nats", "bits")
SIG = 4  # significant digits of every number an equation writes

# The 20 inputs of UDL's notebooks 5.1-5.3 and each notebook's targets.
UDL_X = (0.09291784, 0.46809093, 0.93089486, 0.67612654, 0.73441752, 0.86847339,
         0.49873225, 0.51083168, 0.18343972, 0.99380898, 0.27840809, 0.38028817,
         0.12055708, 0.56715537, 0.92005746, 0.77072270, 0.85278176, 0.05315950,
         0.87168699, 0.58858043)  # fmt: skip
UDL_Y = {
    "regression": (-0.25934537, 0.18195445, 0.65127015, 0.13921448, 0.09366691, 0.30567674,
                   0.37229117, 0.20716968, -0.08131792, 0.51187806, 0.16943738, 0.3994327,
                   0.01906257, 0.5582041, 0.45256496, -0.1183121, 0.02957665, -1.24354444,
                   0.24803884, 0.2682497),
    "binary": (0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1),
    "multiclass": (2, 0, 1, 2, 1, 0, 0, 2, 2, 0, 2, 0, 2, 0, 1, 2, 1, 2, 1, 0),
}  # fmt: skip
# UDL's shallow network (1 input, 3 ReLU units): the same first layer in each notebook
_UDL_HIDDEN = {"weight": ((-1.0,), (1.8,), (0.65,)), "bias": (0.3, -1.0, -0.5)}
UDL_OUTPUT = {  # the output layer (weight rows, bias) of each notebook's network
    "regression": (((-2.0, -1.0, 7.0),), (0.1,)),
    "binary": (((-24.0, -8.0, 50.0),), (2.6,)),
    "multiclass": (((-24.0, -8.0, 50.0), (-2.0, 8.0, -30.0), (16.0, -8.0, -8.0)),
                   (2.0, -2.0, 0.0)),
}  # fmt: skip
# --heteroscedastic with UDL's network: a second output f₂ for σ, chosen for the
# picture (σ wide where the data's outlier lies, narrow in the middle); σ² = f₂²
HETERO_ROW = ((1.0, 0.2, 0.0), 0.1)
# a line and a cubic fitted to UDL's regression data (least squares), and a line and a
# quadratic to its binary data (maximum likelihood), rounded to two decimals
DEFAULT_COEF = {
    ("regression", "line"): (-0.31, 0.8),
    ("regression", "poly"): (-1.39, 11.23, -22.02, 12.93),
    ("binary", "line"): (-2.58, 4.96),
    ("binary", "poly"): (-3.54, 9.34, -3.99),
}
UDL_SIGMA = 0.2
# the notebooks' sweeps: β₁ over arange(0, 1, 0.01), σ over arange(0.1, 0.5, 0.005),
# the classifiers' β₁ over arange(−2, 6, 0.1)
UDL_SWEEPS = {
    ("regression", "offset"): (0.0, 0.99, 100),
    ("regression", "sigma"): (0.1, 0.495, 80),
    ("binary", "offset"): (-2.0, 5.9, 80),
    ("multiclass", "offset"): (-2.0, 5.9, 80),
    ("information", "mix"): (0.0, 1.0, 41),
}
SWEEPS = {"regression": ("offset", "sigma"), "binary": ("offset",),
          "multiclass": ("offset",), "information": ("mix",)}  # fmt: skip
# the information task's default: a distribution of 1.75 bits against the uniform one
DEFAULT_P = (0.5, 0.25, 0.125, 0.125)
DEFAULT_Q = (0.25, 0.25, 0.25, 0.25)
MAX_POINTS = 500
MAX_CLASSES = 10
MAX_STEPS = 1001
MAX_COEF = 6  # a polynomial of degree 5
MAX_VALUE = 1e4  # |entry| of a weight, coefficient, input or target
MAX_WIDTH = 64
MAX_LAYERS = 8
GRID = 201  # inputs the model's curves are drawn at


@dataclass(frozen=True)
class LossSpec:
    """Every effective parameter of ``dlviz loss``.

    ``task`` regression, binary, multiclass (a data set and a model f) or
    information (two distributions). The model is UDL's notebook network
    (``model`` "network", its ``layers`` as {"weight", "bias"} tuples) or a
    polynomial f(x) = Σ coef[k]·x^k ("line": two coefficients). The data are
    UDL's 20 points, ``points`` drawn from the model itself with ``seed``, or
    given (``x``, ``y`` hold them in every case). ``sigma`` is the regression's
    fixed σ (None when ``heteroscedastic``: σ(x) = |f₂(x)|). One parameter is
    swept: ``sweep`` over ``sweep_range`` in ``steps`` values. The information
    task has ``p`` and ``q`` and the data fields None."""

    task: str
    model: str | None = None
    layers: Mapping | None = None  # {"weight": (W1, W2, ...), "bias": (b1, b2, ...)}
    coef: tuple[float, ...] | None = None
    x: tuple[float, ...] | None = None
    y: tuple[float, ...] | None = None
    data: str | None = None  # "udl", "seeded" or "given": where x and y came from
    seed: int | None = None
    sigma: float | None = None
    heteroscedastic: bool = False
    temperature: float | None = None
    smoothing: float | None = None
    sweep: str = "offset"
    sweep_range: tuple[float, float] = (0.0, 1.0)
    steps: int = 100
    p: tuple[float, ...] | None = None
    q: tuple[float, ...] | None = None
    units: str = "nats"

    @property
    def classes(self) -> int:
        if self.task == "information":
            return len(self.p)
        if self.task == "multiclass":
            return len(self.layers["bias"][-1])
        return 2 if self.task == "binary" else 0


def make_spec(
    *,
    task: str | None = None,
    model: str | None = None,
    coef=None,
    given: Mapping | None = None,
    points: int | None = None,
    seed: int | None = None,
    sigma: float | None = None,
    heteroscedastic: bool | None = None,
    temperature: float | None = None,
    smoothing: float | None = None,
    sweep: str | None = None,
    sweep_range=None,
    steps: int | None = None,
    p=None,
    q=None,
    units: str | None = None,
    layers: Mapping | None = None,
    x=None,
    y=None,
    data: str | None = None,
) -> LossSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.
    ``given`` is a --weights document ({"layers": [...], "x": [...], "y": [...]},
    each part optional); ``layers``, ``x``, ``y`` and ``data`` are a replayed
    spec's own fields."""
    if task is None:
        task = "information" if p is not None or q is not None else "regression"
    task = choice("task", task, TASKS)
    units = choice("units", "nats" if units is None else units, UNITS)
    if task == "information":
        others = {"model": model, "coef": coef, "given": given, "points": points,
                  "sigma": sigma, "heteroscedastic": heteroscedastic or None,
                  "temperature": temperature, "smoothing": smoothing, "layers": layers,
                  "x": x, "y": y}  # fmt: skip
        unused(others, "regression, binary and multiclass")
        return _information_spec(p, q, seed, sweep, sweep_range, steps, units)
    unused({"p": p, "q": q}, "--task information")
    if given is not None:
        from dlviz.compute.relu import given_document

        given_document(given)
    model, layers, coef = _model(task, model, coef, given, layers, heteroscedastic)
    heteroscedastic = bool(heteroscedastic)
    if heteroscedastic:
        check(task == "regression", "heteroscedastic", True, "applies to --task regression")
        check(sigma is None, "sigma", sigma, "σ(x) comes from the network's second output "
              "with --heteroscedastic")  # fmt: skip
    elif task == "regression":
        sigma = number("sigma", UDL_SIGMA if sigma is None else sigma, 0.0, MAX_VALUE,
                       open_lo=True)  # fmt: skip
    else:
        unused({"sigma": sigma}, f"--task regression, not {task}")
    if task == "multiclass":
        temperature = number("temperature", 1.0 if temperature is None else temperature,
                             0.01, 100.0)  # fmt: skip
        smoothing = number("smoothing", 0.0 if smoothing is None else smoothing, 0.0, 1.0)
    else:
        unused({"temperature": temperature, "smoothing": smoothing},
               f"--task multiclass, not {task}")  # fmt: skip
    seed_given = seed is not None
    seed = whole("seed", 0 if seed is None else seed, 0, 2**32 - 1)
    spec = LossSpec(
        task,
        model,
        layers,
        coef,
        sigma=sigma,
        heteroscedastic=heteroscedastic,
        temperature=temperature,
        smoothing=smoothing,
        seed=seed,
        units=units,
    )
    spec = _with_data(spec, given, points, x, y, data, seed_given)
    return _with_sweep(spec, sweep, sweep_range, steps)


def udl_layers(task: str, heteroscedastic: bool = False) -> dict:
    """UDL's notebook network for ``task`` as {"weight", "bias"} tuples; with
    ``heteroscedastic`` its output layer gains the σ row HETERO_ROW."""
    weight, bias = UDL_OUTPUT[task]
    if heteroscedastic:
        weight, bias = (*weight, HETERO_ROW[0]), (*bias, HETERO_ROW[1])
    return {"weight": (_UDL_HIDDEN["weight"], weight), "bias": (_UDL_HIDDEN["bias"], bias)}


def _model(task, model, coef, given, layers, heteroscedastic):
    """(model, layers, coef) resolved and checked."""
    given_layers = layers if layers is not None else (given or {}).get("layers")
    if model is None:
        model = "network" if coef is None or given_layers is not None else (
            "line" if len(coef) == 2 else "poly")  # fmt: skip
    model = choice("model", model, MODELS)
    if model != "network":
        check(given_layers is None, "given", "…", f"a --model {model} has no network weights")
        check(task != "multiclass", "model", model, "multiclass needs one output a class: "
              "--model network")  # fmt: skip
        check(not heteroscedastic, "heteroscedastic", True, "needs a network with a second "
              "output for σ: --model network")  # fmt: skip
        return model, None, _coef(task, model, coef)
    check(coef is None, "coef", coef, "applies to --model line or poly")
    if given_layers is None:
        return model, udl_layers(task, bool(heteroscedastic)), None
    return model, _layers(task, given_layers, bool(heteroscedastic)), None


def _coef(task: str, model: str, coef) -> tuple[float, ...]:
    if coef is None:
        return DEFAULT_COEF[(task, model)]
    count = (2, 2) if model == "line" else (2, MAX_COEF)
    ok = isinstance(coef, (list, tuple)) and count[0] <= len(coef) <= count[1]
    want = "two numbers c0,c1 (f = c0 + c1·x)" if model == "line" else (
        f"2 to {MAX_COEF} numbers c0,c1,… (f = Σ ck·x^k)")  # fmt: skip
    check(ok, "coef", coef, want)
    return tuple(number("coef", c, -MAX_VALUE, MAX_VALUE) for c in coef)


def _layers(task: str, doc, heteroscedastic: bool) -> dict:
    """Given layers ({"weight": [...], "bias": [...]} per layer, or a replayed
    spec's {"weight": (...), "bias": (...)}) checked for this task."""
    from dlviz.compute.relu import given_layers, layers_field

    if isinstance(doc, Mapping):  # a replayed spec's own field
        doc = [{"weight": w, "bias": b} for w, b in zip(doc["weight"], doc["bias"], strict=True)]
    weights, biases = given_layers({"layers": doc}, MAX_VALUE)
    outputs = weights[-1].shape[0]
    want = {"regression": 2 if heteroscedastic else 1, "binary": 1}.get(task)
    ok = outputs == want if want else 2 <= outputs <= MAX_CLASSES
    what = f"{want} output(s)" if want else f"2 to {MAX_CLASSES} outputs, one a class"
    check(ok, "given", "…", f"the network has {outputs} outputs; --task {task} needs {what}")
    check(weights[0].shape[1] == 1, "given", "…", "the network must take one input x")
    check(len(weights) <= MAX_LAYERS and max(w.shape[0] for w in weights) <= MAX_WIDTH,
          "given", "…", f"at most {MAX_LAYERS} layers of {MAX_WIDTH} units")  # fmt: skip
    return layers_field(weights, biases)


# ---------------------------------------------------------------------------- the model


def model_outputs(spec: LossSpec, x: Array) -> Array:
    """f(x) for inputs x (N,): (N, outputs). A network applies ReLU after every
    layer but the last; a polynomial is Σ coef[k]·x^k."""
    x = np.asarray(x, float)
    if spec.model != "network":
        return np.polynomial.polynomial.polyval(x, spec.coef)[:, None]
    h = x[:, None]
    weights, biases = spec.layers["weight"], spec.layers["bias"]
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = h @ np.array(w, float).T + np.array(b, float)
        if k < len(weights) - 1:
            h = np.maximum(h, 0.0)
    return h


def distribution(spec: LossSpec, x: Array) -> tuple[Array, Array | None]:
    """What the model predicts at x: regression (μ, σ), each (N,); the
    classifiers (class probabilities (N, C), logits (N, C) or (N, 1))."""
    out = model_outputs(spec, x)
    if spec.task == "regression":
        sigma = np.abs(out[:, 1]) if spec.heteroscedastic else np.full(len(out), spec.sigma)
        return out[:, 0], sigma
    if spec.task == "binary":
        lam = sigmoid(out[:, 0])
        return np.stack([1.0 - lam, lam], axis=1), out
    return softmax(out, temperature=spec.temperature), out


def fit(spec: LossSpec, x: Array, y: Array) -> tuple[Array, Array, Array]:
    """−log p(yₙ | xₙ) per point beside what the model predicts there
    (``distribution``'s pair), from one pass of the model; the NLL from the
    logits (log-sigmoid, log-sum-exp), never from the rounded probabilities."""
    first, second = distribution(spec, x)
    if spec.task == "regression":  # gaussian_nll refuses a σ of 0
        return gaussian_nll(y, first, second), first, second
    if spec.task == "binary":
        return bernoulli_nll(y, second[:, 0]), first, second
    return categorical_nll(second / spec.temperature, y), first, second


def offset_of(spec: LossSpec) -> float:
    """The swept offset: the output bias β₁[0] of a network, c0 of a polynomial."""
    return float(spec.layers["bias"][-1][0]) if spec.model == "network" else spec.coef[0]


def with_value(spec: LossSpec, value: float) -> LossSpec:
    """``spec`` with its swept parameter set to ``value``."""
    if spec.sweep == "sigma":
        return replace(spec, sigma=float(value))
    if spec.model != "network":
        return replace(spec, coef=(float(value), *spec.coef[1:]))
    biases = list(spec.layers["bias"])
    biases[-1] = (float(value), *biases[-1][1:])
    return replace(spec, layers={**spec.layers, "bias": tuple(biases)})


# ---------------------------------------------------------------------------- data and sweep


def _with_data(spec: LossSpec, given, points, x, y, data, seed_given: bool) -> LossSpec:
    """``spec`` with its data: a replayed spec's, given (--weights x and y),
    ``points`` drawn from the model itself, or UDL's 20 points."""
    given = given or {}
    if x is not None or y is not None:  # a replay
        data = choice("data", data or "given", ("udl", "seeded", "given"))
    elif "x" in given or "y" in given:
        check("x" in given and "y" in given, "given", "…", "give both x and y, or neither")
        x, y, data = given["x"], given["y"], "given"
    elif points is not None or seed_given:  # --seed alone draws UDL's number of points
        count = whole("points", len(UDL_X) if points is None else points, 1, MAX_POINTS)
        x, y, data = _draw(spec, count), None, "seeded"
    else:
        x, y, data = UDL_X, UDL_Y[spec.task], "udl"
    check(points is None or data == "seeded", "points", points, "draws the data: not with "
          "given x and y")  # fmt: skip
    xs = _column("x", x)
    if y is None:  # drawn from the model at the drawn inputs
        y = _sample(spec, np.array(xs), np.random.default_rng([spec.seed, 1]))
    spec = replace(spec, x=xs, y=_targets(spec, y, len(xs)), data=data)
    if spec.heteroscedastic:
        sigma = distribution(spec, np.array(xs))[1]
        at = int(np.argmin(sigma))
        check(sigma[at] > 0, "given", "…", f"σ(x) = |f₂(x)| is 0 at x = {xs[at]:g}: a Gaussian "
              "of σ = 0 has no density")  # fmt: skip
    return spec


def _draw(spec: LossSpec, count: int) -> tuple[float, ...]:
    """``count`` inputs in [0, 1], to two decimals (the printed numbers are the used ones)."""
    rng = np.random.default_rng(spec.seed)
    return tuple(float(v) for v in np.round(rng.uniform(0.0, 1.0, count), 2))


def _sample(spec: LossSpec, x: Array, rng) -> tuple:
    """Targets drawn from the model's own distribution at x."""
    if spec.task == "regression":
        mu, sigma = distribution(spec, x)
        return tuple(float(v) for v in np.round(mu + sigma * rng.normal(size=len(x)), 2))
    probs, _ = distribution(spec, x)
    cumulative = np.cumsum(probs, axis=1)
    u = rng.uniform(size=(len(x), 1))
    return tuple(int(v) for v in np.minimum((u > cumulative).sum(axis=1), probs.shape[1] - 1))


def _column(name: str, values) -> tuple[float, ...]:
    try:
        array = np.array(values, float)
    except (TypeError, ValueError):
        array = np.array([np.nan])
    ok = array.ndim == 1 and 1 <= array.size <= MAX_POINTS and bool(np.isfinite(array).all())
    ok = ok and float(np.abs(array).max()) <= MAX_VALUE
    check(ok, "given", "…", f"{name}: 1 to {MAX_POINTS} finite numbers within ±{MAX_VALUE:g}")
    return tuple(float(v) for v in array)


def _targets(spec: LossSpec, values, count: int) -> tuple:
    y = _column("y", values)
    check(len(y) == count, "given", "…", f"y has {len(y)} values for {count} inputs x")
    if spec.task == "regression":
        return y
    classes = 2 if spec.task == "binary" else spec.classes
    ok = all(v.is_integer() and 0 <= v < classes for v in y)
    what = "0 or 1" if spec.task == "binary" else f"class indices 0 to {classes - 1}"
    check(ok, "given", "…", f"y: expected {what} (the model has {classes} classes)")
    return tuple(int(v) for v in y)


def _with_sweep(spec: LossSpec, sweep, sweep_range, steps) -> LossSpec:
    sweep = choice("sweep", SWEEPS[spec.task][0] if sweep is None else sweep, SWEEPS[spec.task])
    check(not (sweep == "sigma" and spec.heteroscedastic), "sweep", sweep,
          "σ(x) is the network's output with --heteroscedastic: sweep the offset")  # fmt: skip
    lo, hi, count = UDL_SWEEPS[(spec.task, sweep)]
    spec = replace(spec, sweep=sweep)
    current = spec.sigma if sweep == "sigma" else offset_of(spec) if sweep == "offset" else lo
    if sweep_range is None and not lo <= current <= hi:  # centred on this model's value
        half = (hi - lo) / 2
        lo, hi = (
            (current / 2, current * 2.5) if sweep == "sigma" else (current - half, current + half)
        )
    if sweep_range is not None:
        lo, hi = pair("sweep_range", sweep_range, increasing=True)
        bounds = (0.0, 1.0) if sweep == "mix" else (-MAX_VALUE, MAX_VALUE)
        ok = bounds[0] <= lo and hi <= bounds[1] and (sweep != "sigma" or lo > 0)
        check(ok, "sweep_range", sweep_range, "within [0, 1] for the mix" if sweep == "mix"
              else "σ from above 0" if sweep == "sigma" else f"within ±{MAX_VALUE:g}")  # fmt: skip
    steps = whole("steps", count if steps is None else steps, 2, MAX_STEPS)
    return replace(spec, sweep_range=(float(lo), float(hi)), steps=steps)


def _information_spec(p, q, seed, sweep, sweep_range, steps, units) -> LossSpec:
    drawn = p is None and q is None and seed is not None
    seed = whole("seed", 0 if seed is None else seed, 0, 2**32 - 1)
    if drawn:
        rng = np.random.default_rng(seed)
        p, q = (_rounded_distribution(rng.dirichlet(np.ones(len(DEFAULT_P)))) for _ in "pq")
    p = _distribution_arg("p", DEFAULT_P if p is None else p)
    q = _distribution_arg("q", DEFAULT_Q if q is None else q)
    check(len(p) == len(q), "q", q, f"needs {len(p)} probabilities, as p has")
    check(all(b > 0 for a, b in zip(p, q, strict=True) if a > 0), "q", q,
          "must be > 0 wherever p is > 0 (else H(p, q) and KL(p‖q) are infinite)")  # fmt: skip
    spec = LossSpec("information", seed=seed, p=p, q=q, units=units)
    return _with_sweep(spec, sweep, sweep_range, steps)


def _rounded_distribution(p: Array) -> tuple[float, ...]:
    """p to two decimals, each at least 0.01 (a seeded q is never 0 where p
    is not), still summing to 1: the rounding's remainder to the largest parts."""
    spare = 100 - len(p)
    cents = np.floor(p * spare).astype(int)
    order = np.argsort(-(p * spare - cents))
    cents[order[: spare - cents.sum()]] += 1
    return tuple(float(c + 1) / 100 for c in cents)


def _distribution_arg(name: str, values) -> tuple[float, ...]:
    ok = isinstance(values, (list, tuple)) and 2 <= len(values) <= MAX_CLASSES
    ok = ok and all(isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in values)
    ok = ok and abs(math.fsum(values) - 1.0) <= 1e-6
    check(ok, name, values, f"2 to {MAX_CLASSES} probabilities ≥ 0 summing to 1, "
          "e.g. 0.5,0.25,0.25")  # fmt: skip
    total = math.fsum(values)
    return tuple(float(v) / total for v in values)


# ---------------------------------------------------------------------------- the run

LOSS_NAMES = {  # the loss by its usual name, for each task (a key of the topic's strings)
    "regression": "loss_least_squares",
    "heteroscedastic": "loss_gaussian_nll",
    "binary": "loss_binary_cross_entropy",
    "multiclass": "loss_cross_entropy",
    "smoothed": "loss_smoothed_cross_entropy",
}


@dataclass(frozen=True)
class Sweep:
    """One parameter swept with the rest fixed: ``values`` (S,) and at each
    the likelihood, the NLL, the sum of squares (regression) or the
    information task's H(p, q_t) and KL(p‖q_t); ``curves`` are the model's
    prediction over the result's grid at each value: μ (S, G) and σ (S, G)
    for regression, class probabilities (S, G, C) for the classifiers, q_t
    (S, C) for the information task; ``points`` (S, N) each point's p(yₙ)."""

    parameter: str
    values: Array
    nll: Array
    likelihood: Array | None = None
    sum_squares: Array | None = None
    cross_entropy: Array | None = None
    kl: Array | None = None
    mu: Array | None = None
    sigma: Array | None = None
    probs: Array | None = None
    points: Array | None = None
    point_mu: Array | None = None  # (S, N) regression: μ and σ at the points
    point_sigma: Array | None = None
    point_probs: Array | None = None  # (S, N, C) the classifiers: every class's probability

    @property
    def best(self) -> int:
        """The index of the smallest NLL (or KL): the largest likelihood."""
        return int(np.argmin(self.kl if self.kl is not None else self.nll))


@dataclass(frozen=True)
class LossResult:
    """A run. Data tasks: inputs ``x`` (N,), targets ``y`` (N,), the model's
    prediction at them (``mu``, ``sigma`` (N,) or class ``probs`` (N, C),
    ``logits`` (N, outputs)), each point's probability (a density for
    regression) ``point_prob`` and ``point_nll`` (N,); the product
    ``likelihood`` (0.0 where it underflows; ``log10_likelihood`` always),
    ``nll``, ``sum_squares`` (regression), and ``loss`` named by ``loss_name``;
    the prediction over ``grid`` (G,) as ``grid_mu``/``grid_sigma`` or
    ``grid_probs`` (G, C). Information: ``p``, ``q`` and ``entropy``,
    ``cross_entropy``, ``kl`` in the spec's units. ``equations``: (key,
    Equation) pairs, every printed line."""

    spec: LossSpec
    sweep: Sweep
    equations: tuple[tuple[str, Equation], ...]
    current: float = 0.0  # the swept parameter's value in this run (the mix: 0, q itself)
    model_source: str = ""  # "udl" (the notebook's network), "given", "line" or "poly"
    x: Array | None = None
    y: Array | None = None
    mu: Array | None = None
    sigma: Array | None = None
    probs: Array | None = None
    logits: Array | None = None
    point_prob: Array | None = None
    point_nll: Array | None = None
    likelihood: float | None = None
    log10_likelihood: float | None = None
    nll: float | None = None
    sum_squares: float | None = None
    loss: float | None = None
    loss_name: str | None = None
    grid: Array | None = None
    grid_mu: Array | None = None
    grid_sigma: Array | None = None
    grid_probs: Array | None = None
    grid_logits: Array | None = None
    entropy: float | None = None
    cross_entropy: float | None = None
    kl: float | None = None


def run(spec: LossSpec, progress: Callable[[int, int], None] | None = None) -> LossResult:
    """The losses of ``spec``'s model on its data (or of its p and q), and the sweep."""
    if spec.task == "information":
        return _run_information(spec, progress)
    x, y = np.array(spec.x, float), np.array(spec.y)
    nlls, first, second = fit(spec, x, y)
    nll = math.fsum(nlls)
    fields = {"x": x, "y": y, "point_nll": nlls, "point_prob": np.exp(-nlls), "nll": nll,
              "log10_likelihood": -nll / math.log(10), "likelihood": math.exp(-nll)}  # fmt: skip
    grid = np.linspace(*_grid_span(x), GRID)
    if spec.task == "regression":
        mu, sigma = first, second
        grid_mu, grid_sigma = distribution(spec, grid)
        ss = math.fsum((y - mu) ** 2)
        fields |= {"mu": mu, "sigma": sigma, "sum_squares": ss, "grid_mu": grid_mu,
                   "grid_sigma": grid_sigma}  # fmt: skip
        name = "heteroscedastic" if spec.heteroscedastic else "regression"
        loss = nll if spec.heteroscedastic else ss
    else:
        probs, logits = first, second
        grid_probs, grid_logits = distribution(spec, grid)
        fields |= {"probs": probs, "logits": logits, "grid_probs": grid_probs,
                   "grid_logits": grid_logits}  # fmt: skip
        name, loss = spec.task, nll
        if spec.smoothing:
            name = "smoothed"
            loss = math.fsum(categorical_nll(logits / spec.temperature, y, spec.smoothing))
    udl = spec.layers == udl_layers(spec.task, spec.heteroscedastic)
    source = spec.model if spec.model != "network" else "udl" if udl else "given"
    current = spec.sigma if spec.sweep == "sigma" else offset_of(spec)
    result = LossResult(spec, _sweep(spec, x, y, grid, progress), (), current, source,
                        grid=grid, loss=loss, loss_name=LOSS_NAMES[name], **fields)  # fmt: skip
    return replace(result, equations=data_equations(result))


def _grid_span(x: Array) -> tuple[float, float]:
    """The inputs' span, at least [0, 1] (UDL's plots), with a margin."""
    lo, hi = min(0.0, float(x.min())), max(1.0, float(x.max()))
    return (lo, hi) if (lo, hi) == (0.0, 1.0) else (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))


def _sweep(spec: LossSpec, x: Array, y: Array, grid: Array, progress) -> Sweep:
    """Every value of the swept parameter: the model rebuilt, its NLL
    recomputed from scratch (no shortcut through the parameter's form)."""
    values = np.linspace(*spec.sweep_range, spec.steps)
    nll, ss, points, curves, spreads, centres, widths = [], [], [], [], [], [], []
    for i, value in enumerate(values):
        at = with_value(spec, value)
        nlls, first, second = fit(at, x, y)
        nll.append(math.fsum(nlls))
        points.append(np.exp(-nlls))
        if spec.task == "regression":
            mu, sigma = distribution(at, grid)
            curves.append(mu)
            spreads.append(sigma)
            centres.append(first)
            widths.append(second)
            ss.append(math.fsum((y - first) ** 2))
        else:
            curves.append(distribution(at, grid)[0])
            centres.append(first)
        if progress:
            progress(i + 1, len(values))
    nll = np.array(nll)
    sweep = Sweep(spec.sweep, values, nll, likelihood=np.exp(-nll), points=np.array(points))
    if spec.task == "regression":
        return replace(sweep, sum_squares=np.array(ss), mu=np.array(curves),
                       sigma=np.array(spreads), point_mu=np.array(centres),
                       point_sigma=np.array(widths))  # fmt: skip
    return replace(sweep, probs=np.array(curves), point_probs=np.array(centres))


def _run_information(spec: LossSpec, progress) -> LossResult:
    p, q = np.array(spec.p), np.array(spec.q)
    scale = 1.0 / math.log(2) if spec.units == "bits" else 1.0
    values = np.linspace(*spec.sweep_range, spec.steps)
    mixes = (1.0 - values)[:, None] * q + values[:, None] * p
    cross = np.array([cross_entropy(p, m / m.sum()) for m in mixes]) * scale
    kl = np.array([kl_divergence(p, m / m.sum()) for m in mixes]) * scale
    if progress:
        progress(len(values), len(values))
    sweep = Sweep("mix", values, cross, cross_entropy=cross, kl=kl, probs=mixes)
    result = LossResult(spec, sweep, (), entropy=entropy(p) * scale,
                        cross_entropy=cross_entropy(p, q) * scale,
                        kl=kl_divergence(p, q) * scale)  # fmt: skip
    return replace(result, equations=information_equations(result))


# ---------------------------------------------------------------------------- the equations

KEEP = 3  # terms written at each end of a long sum or product
TINY = 1e-300  # below this a likelihood is not a float: its product is not written


def _nums(values) -> tuple[Num, ...]:
    return tuple(Num(float(v), sig=SIG) for v in values)


def data_equations(r: LossResult) -> tuple[tuple[str, Equation], ...]:
    """Every line the figure prints for a data task, each evaluable: the
    likelihood as the product of the points' probabilities, the NLL as the
    sum of their −log, and the loss by its usual name, with this run's numbers."""
    spec, n = r.spec, len(r.x)
    given = {"regression": "p(yₙ | μₙ, σₙ)" if spec.heteroscedastic else "p(yₙ | μₙ, σ)",
             "binary": "λₙ^yₙ·(1 − λₙ)^(1 − yₙ)",
             "multiclass": "softmax(fₙ/T)[yₙ]"}[spec.task]  # fmt: skip
    out = []
    if r.likelihood > TINY:
        out.append(("likelihood", Equation(Product(_nums(r.point_prob), keep=KEEP),
                                           r.likelihood, prefix=f"L = Πₙ {given} = ",
                                           sig=SIG)))  # fmt: skip
    out.append(("nll", Equation(Sum(_nums(r.point_nll), keep=KEEP), r.nll,
                                prefix="−log L = Σₙ −log p(yₙ) = ", sig=SIG)))  # fmt: skip
    if spec.task == "regression":
        out += _gaussian_lines(r, n)
    elif spec.task == "binary":
        ones = r.y == 1
        parts = Sum(_nums((math.fsum(r.point_nll[ones]), math.fsum(r.point_nll[~ones]))))
        out.append(
            (
                "loss",
                Equation(
                    parts,
                    r.nll,
                    sig=SIG,
                    prefix="−log L = Σ[yₙ=1] −log λₙ + Σ[yₙ=0] −log(1 − λₙ) = ",
                ),
            )
        )
    elif spec.smoothing:
        eps = spec.smoothing
        uniform = math.fsum(-log_softmax(r.logits / spec.temperature).mean(axis=1))
        parts = Sum((Product(_nums((1.0 - eps, r.nll))), Product(_nums((eps, uniform)))))
        out.append(
            (
                "loss",
                Equation(
                    parts,
                    r.loss,
                    sig=SIG,
                    prefix="(1 − ε)·(−log L) + ε·Σₙ (1/C)·Σₖ −log softmax(fₙ/T)[k] = ",
                ),
            )
        )
    return tuple(out)


def _gaussian_lines(r: LossResult, n: int) -> list[tuple[str, Equation]]:
    """Regression: the sum of squares, and the NLL split into its parts, so
    that with one σ it is the sum of squares scaled and shifted by constants."""
    spec = r.spec
    squares = (r.y - r.mu) ** 2
    out = [("squares", Equation(Sum(_nums(squares), keep=KEEP), r.sum_squares,
                                prefix="Σₙ (yₙ − μₙ)² = ", sig=SIG))]  # fmt: skip
    constant = Product(_nums((n / 2, LOG_2PI)))
    if spec.heteroscedastic:
        fit = math.fsum(squares / (2 * r.sigma**2))
        spread = math.fsum(np.log(r.sigma))
        parts = Sum((*_nums((fit, spread)), constant))
        prefix = "−log L = Σₙ (yₙ − μₙ)²/(2σₙ²) + Σₙ log σₙ + (N/2)·log 2π = "
    else:
        sigma = spec.sigma
        parts = Sum((Quotient(Num(r.sum_squares, sig=SIG), Product(_nums((2, sigma**2)))),
                     Product(_nums((n, math.log(sigma)))), constant))  # fmt: skip
        prefix = "−log L = Σₙ (yₙ − μₙ)²/(2σ²) + N·log σ + (N/2)·log 2π = "
    out.append(("identity", Equation(parts, r.nll, prefix=prefix, sig=SIG)))
    return out


def information_equations(r: LossResult) -> tuple[tuple[str, Equation], ...]:
    """H(p), H(p, q) and KL(p‖q) written term by term (0·log 0 = 0: the
    outcomes p does not have are left out), and KL = H(p, q) − H(p)."""
    p, q = np.array(r.spec.p), np.array(r.spec.q)
    log = np.log2 if r.spec.units == "bits" else np.log
    lg = "log₂" if r.spec.units == "bits" else "log"
    on = p > 0

    def terms(values) -> Sum:
        return Sum(tuple(Product(_nums((a, b))) for a, b in zip(p[on], values, strict=True)))

    return (
        ("entropy", Equation(terms(-log(p[on])), r.entropy, sig=SIG,
                             prefix=f"H(p) = Σ p·(−{lg} p) = ")),
        ("cross_entropy", Equation(terms(-log(q[on])), r.cross_entropy, sig=SIG,
                                   prefix=f"H(p, q) = Σ p·(−{lg} q) = ")),
        ("kl_direct", Equation(terms(log(p[on] / q[on])), r.kl, sig=SIG,
                               prefix=f"KL(p‖q) = Σ p·{lg}(p/q) = ")),
        ("kl", Equation(Sum(_nums((r.cross_entropy, r.entropy)), (1, -1)), r.kl, sig=SIG,
                        prefix="KL(p‖q) = H(p, q) − H(p) = ")),
    )  # fmt: skip


def result_json(result: LossResult) -> dict:
    """What ``--data`` exports beside the parameters: per-point probabilities,
    the likelihood, the NLL, the loss by its usual name and the sweep (or the
    information task's entropies)."""
    s = result.sweep
    sweep = {"parameter": s.parameter, "values": s.values, "best": float(s.values[s.best])}
    if result.spec.task == "information":
        sweep |= {"cross_entropy": s.cross_entropy, "kl": s.kl}
        return {"entropy": result.entropy, "cross_entropy": result.cross_entropy,
                "kl_divergence": result.kl, "units": result.spec.units, "sweep": sweep}  # fmt: skip
    sweep |= {"likelihood": s.likelihood, "nll": s.nll}
    if s.sum_squares is not None:
        sweep["sum_of_squares"] = s.sum_squares
    points = {"x": result.x, "y": result.y, "probability": result.point_prob,
              "nll": result.point_nll}  # fmt: skip
    if result.mu is not None:
        points |= {"mu": result.mu, "sigma": result.sigma}
    else:
        points |= {"class_probabilities": result.probs}
    out = {"points": points, "likelihood": result.likelihood,
           "log10_likelihood": result.log10_likelihood, "nll": result.nll,
           "loss": {"name": result.loss_name.removeprefix("loss_"), "value": result.loss},
           "sweep": sweep}  # fmt: skip
    if result.sum_squares is not None:
        out["sum_of_squares"] = result.sum_squares
    return out
