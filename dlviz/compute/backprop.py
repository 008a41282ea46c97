"""Backpropagation with real numbers: a computational graph's forward values,
each node's ∂ℓ/∂node from the backward pass, every chain-rule step written as
an equation a figure can print (and a test can evaluate), and a central
finite-difference check of every parameter's gradient.

Two cases, as the course teaches them:

- UDL's toy chain (Understanding Deep Learning §7.3, notebook 7.1):
  f0 = β0 + ω0·x, h1 = sin f0, f1 = β1 + ω1·h1, h2 = exp f1, f2 = β2 + ω2·h2,
  h3 = cos f2, f3 = β3 + ω3·h3, ℓ = (f3 − y)². A scalar graph, node by node.
- A small MLP in the course's notation: z[l] = W[l] a[l−1] + b[l], a[l] = σ(z[l])
  for the hidden layers, a linear output z[L]; the loss is summed over the
  examples (the columns of a[0]). Its backward pass is the δ recursion:
  δ[L] = ∂ℓ/∂z[L], δ[l] = (W[l+1])ᵀ δ[l+1] ⊙ σ′(z[l]),
  ∂ℓ/∂W[l] = δ[l] (a[l−1])ᵀ, ∂ℓ/∂b[l] = Σ over examples of δ[l].
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from dlviz.compute.expr import Equation, Num, Product, Sum
from dlviz.spec import check, choice, frozen, number, unused, whole

Array = np.ndarray
SIG = 4  # significant digits of every number an equation writes (2.234·(−0.7536))

# ---------------------------------------------------------------------------- scalar graphs


@dataclass(frozen=True)
class Op:
    """A node's operation: its value from its inputs' values, the partial
    derivative of its value by each input (given the inputs and its value),
    and each partial written symbolically from the input names."""

    forward: Callable[..., float]
    partials: Callable[..., tuple[float, ...]]
    symbols: Callable[[tuple[str, ...]], tuple[str, ...]]


OPS: dict[str, Op] = {
    # β + ω·h: by β 1, by ω h, by h ω
    "affine": Op(
        lambda b, w, h: b + w * h,
        lambda b, w, h, out: (1.0, h, w),
        lambda names: ("1", names[2], names[1]),
    ),
    "sin": Op(math.sin, lambda a, out: (math.cos(a),), lambda n: (f"cos {n[0]}",)),
    "exp": Op(math.exp, lambda a, out: (out,), lambda n: (f"exp {n[0]}",)),
    "cos": Op(math.cos, lambda a, out: (-math.sin(a),), lambda n: (f"−sin {n[0]}",)),
    # (f − y)²: by f 2(f − y), by y −2(f − y)
    "square_error": Op(
        lambda f, y: (f - y) ** 2,
        lambda f, y, out: (2 * (f - y), -2 * (f - y)),
        lambda n: (f"2({n[0]} − {n[1]})", f"−2({n[0]} − {n[1]})"),
    ),
}


@dataclass(frozen=True)
class Node:
    """One node: ``op`` "param" or "input" for a leaf; ``partials[i]`` is
    ∂node/∂inputs[i] at the forward values; ``grad`` is ∂ℓ/∂node."""

    name: str
    op: str
    inputs: tuple[str, ...]
    value: float
    grad: float
    partials: tuple[float, ...] = ()


@dataclass(frozen=True)
class Step:
    """One backward step: ∂ℓ/∂``node`` as the sum over the nodes that read it
    of ∂ℓ/∂reader · ∂reader/∂node. ``terms`` are (reader, symbol of the
    local derivative); ``equation`` is the same sum with this run's numbers."""

    node: str
    terms: tuple[tuple[str, str], ...]
    equation: Equation


@dataclass(frozen=True)
class Graph:
    """A scalar graph after its forward and backward passes; ``nodes`` in
    forward order (the loss last), ``steps`` in backward order."""

    nodes: tuple[Node, ...]
    steps: tuple[Step, ...]

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    @property
    def loss(self) -> float:
        return self.nodes[-1].value

    def gradients(self) -> dict[str, float]:
        """∂ℓ/∂parameter for every parameter node."""
        return {n.name: n.grad for n in self.nodes if n.op == "param"}


def evaluate(leaves: Mapping[str, tuple[str, float]], ops: list[tuple[str, str, tuple]]) -> Graph:
    """Forward then backward through a graph: ``leaves`` name → (param or
    input, value); ``ops`` (name, op, input names) in forward order, the
    last one the loss."""
    values = {name: float(v) for name, (_, v) in leaves.items()}
    partials: dict[str, tuple[float, ...]] = {}
    for name, op, inputs in ops:
        args = [values[i] for i in inputs]
        values[name] = float(OPS[op].forward(*args))
        partials[name] = tuple(float(p) for p in OPS[op].partials(*args, values[name]))
    loss = ops[-1][0]
    grads = dict.fromkeys(values, 0.0)
    grads[loss] = 1.0
    readers: dict[str, list[tuple[str, int]]] = {name: [] for name in values}
    for name, _, inputs in ops:
        for i, source in enumerate(inputs):
            readers[source].append((name, i))
    steps = []
    order = [*leaves, *(name for name, _, _ in ops)]
    kinds = {name: kind for name, (kind, _) in leaves.items()} | {n: op for n, op, _ in ops}
    inputs_of = {name: tuple(inputs) for name, _, inputs in ops}
    for name in reversed(order):
        if name == loss:
            continue
        terms = []
        products = []
        for reader, i in readers[name]:
            symbol = OPS[kinds[reader]].symbols(inputs_of[reader])[i]
            terms.append((reader, symbol))
            products.append(
                Product((Num(grads[reader], sig=SIG), Num(partials[reader][i], sig=SIG)))
            )
        grads[name] = math.fsum(p.value() for p in products)
        if products:
            steps.append(
                Step(name, tuple(terms), Equation(Sum(tuple(products)), grads[name], sig=SIG))
            )
    nodes = tuple(
        Node(name, kinds[name], inputs_of.get(name, ()), values[name], grads[name],
             partials.get(name, ()))
        for name in order
    )  # fmt: skip
    return Graph(nodes, tuple(steps))


# ---------------------------------------------------------------------------- the toy chain

UDL_BETA = (1.0, 2.0, -3.0, 0.4)
UDL_OMEGA = (0.1, -0.4, 2.0, 3.0)
UDL_X, UDL_Y = 2.3, 2.0
CHAIN = ("sin", "exp", "cos")  # h1, h2, h3


def chain_graph(beta=UDL_BETA, omega=UDL_OMEGA, x: float = UDL_X, y: float = UDL_Y) -> Graph:
    """UDL's toy chain, its nodes named as the book names them (beta0,
    omega0, …, f0, h1, …, f3, l)."""
    leaves = {"x": ("input", x), "y": ("input", y)}
    for k in range(4):
        leaves[f"beta{k}"] = ("param", beta[k])
        leaves[f"omega{k}"] = ("param", omega[k])
    ops = [("f0", "affine", ("beta0", "omega0", "x"))]
    for k, fn in enumerate(CHAIN, start=1):
        ops.append((f"h{k}", fn, (f"f{k - 1}",)))
        ops.append((f"f{k}", "affine", (f"beta{k}", f"omega{k}", f"h{k}")))
    ops.append(("l", "square_error", ("f3", "y")))
    return evaluate(leaves, ops)


# ---------------------------------------------------------------------------- the MLP

ACTIVATIONS = ("relu", "sigmoid", "tanh")
LOSSES = ("squared-error", "cross-entropy")


def activate(z: Array, kind: str) -> Array:
    """σ(z) for the hidden layers: relu, sigmoid or tanh."""
    if kind == "relu":
        return np.maximum(z, 0.0)
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return np.tanh(z)


def activation_slope(z: Array, kind: str) -> Array:
    """σ′(z); ReLU's at 0 is taken as 0 (as PyTorch does)."""
    if kind == "relu":
        return (z > 0).astype(float)
    if kind == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)
    return 1.0 - np.tanh(z) ** 2


@dataclass(frozen=True)
class MLPPass:
    """An MLP's forward and backward pass on a batch (examples are columns).

    z[l], a[l] for l = 1 … L (a[0] the input); delta[l] = ∂ℓ/∂z[l];
    grad_w[l], grad_b[l] the parameter gradients (index 0 is layer 1)."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    activation: str
    loss_kind: str
    x: Array
    y: Array  # targets (d_L, B) for squared error, class indices (B,) for cross-entropy
    z: tuple[Array, ...]
    a: tuple[Array, ...]  # a[0] = x, …, a[L] = z[L] (the linear output)
    loss: float
    delta: tuple[Array, ...]
    grad_w: tuple[Array, ...]
    grad_b: tuple[Array, ...]

    def gradients(self) -> dict[str, Array]:
        """∂ℓ/∂W1, ∂ℓ/∂b1, … by name."""
        out = {}
        for layer, (gw, gb) in enumerate(zip(self.grad_w, self.grad_b, strict=True), start=1):
            out[f"W{layer}"], out[f"b{layer}"] = gw, gb
        return out


def mlp_loss(z_out: Array, y: Array, kind: str) -> tuple[float, Array]:
    """(ℓ summed over the examples, δ[L] = ∂ℓ/∂z[L])."""
    if kind == "squared-error":
        diff = z_out - y
        return float(np.sum(diff * diff)), 2.0 * diff
    shifted = z_out - z_out.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    cols = np.arange(z_out.shape[1])
    labels = np.asarray(y, int)
    onehot = np.zeros_like(z_out)
    onehot[labels, cols] = 1.0
    return float(-log_p[labels, cols].sum()), np.exp(log_p) - onehot


def forward(weights, biases, x: Array, activation: str) -> tuple[list[Array], list[Array]]:
    """(z[1…L], a[0…L]): z = W a + b, a = σ(z) in the hidden layers, a linear output."""
    a, zs = [x], []
    last = len(weights) - 1
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = w @ a[-1] + b[:, None]
        zs.append(z)
        a.append(z if layer == last else activate(z, activation))
    return zs, a


def mlp_pass(weights, biases, x: Array, y: Array, activation: str, loss: str) -> MLPPass:
    """Forward (z = W a + b, a = σ(z) in the hidden layers, a linear output),
    then the δ recursion backward."""
    weights = tuple(np.asarray(w, float) for w in weights)
    biases = tuple(np.asarray(b, float).reshape(-1) for b in biases)
    zs, a = forward(weights, biases, np.asarray(x, float), activation)
    last = len(weights) - 1
    value, delta_out = mlp_loss(zs[-1], y, loss)
    deltas = [delta_out]
    for layer in range(last, 0, -1):  # δ[l] = (W[l+1])ᵀ δ[l+1] ⊙ σ′(z[l])
        deltas.insert(
            0, (weights[layer].T @ deltas[0]) * activation_slope(zs[layer - 1], activation)
        )
    grad_w = tuple(d @ a[layer].T for layer, d in enumerate(deltas))
    grad_b = tuple(d.sum(axis=1) for d in deltas)
    return MLPPass(
        weights, biases, activation, loss, a[0], np.asarray(y), tuple(zs), tuple(a), value,
        tuple(deltas), grad_w, grad_b,
    )  # fmt: skip


# ---------------------------------------------------------------------------- the check


CHECK_TOL = 1e-6  # the relative error a gradient check allows


@dataclass(frozen=True)
class Check:
    """One parameter entry's gradient beside its finite difference; ``noise``
    bounds the difference's rounding error (about 10·ε·|ℓ| / h)."""

    name: str  # e.g. "omega0", "W2[1,0]"
    analytic: float
    numeric: float
    noise: float = 0.0
    kink: bool = False  # the difference's points crossed a ReLU kink (a unit's z changed sign)

    @property
    def error(self) -> float:
        """|analytic − numeric| relative to the larger of the two, the
        difference's rounding noise counted in the scale (as noise / 10⁻⁶),
        so that ``error ≤ 10⁻⁶`` exactly when ``ok()``: a gradient of 0
        beside a difference of 10⁻¹² is agreement, not an error of 100%."""
        scale = max(abs(self.analytic), abs(self.numeric)) + self.noise / CHECK_TOL
        return abs(self.analytic - self.numeric) / scale if scale else 0.0

    def ok(self, tol: float = CHECK_TOL) -> bool:
        """Within ``tol`` relative, beyond the difference's rounding noise."""
        gap = abs(self.analytic - self.numeric)
        return gap <= tol * max(abs(self.analytic), abs(self.numeric)) + self.noise


FD_STEPS = (1e-4, 1e-6, 1e-8)  # relative steps tried, largest first


def central_difference(loss: Callable[[float], float], at: float) -> tuple[float, float]:
    """The five-point central difference (−ℓ(θ+2h) + 8ℓ(θ+h) − 8ℓ(θ−h) +
    ℓ(θ−2h)) / 12h, and a bound on its rounding error. Its truncation error
    grows as h⁴ and its rounding error as 1/h, and which h balances them
    depends on the function; of the steps ``FD_STEPS`` (relative to |θ|, at
    least 1) the one whose estimate agrees best with the next smaller step's
    is kept."""
    estimates = []
    for step in FD_STEPS:
        h = step * max(1.0, abs(at))
        values = [loss(at + k * h) for k in (2, 1, -1, -2)]
        slope = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
        noise = float(10 * np.finfo(float).eps * max(1.0, *map(abs, values)) / h)
        estimates.append((slope, noise))
    gaps = [abs(a[0] - b[0]) for a, b in zip(estimates, estimates[1:], strict=False)]
    best = int(np.argmin(gaps)) if all(np.isfinite(gaps)) else len(estimates) - 1
    return estimates[best]


def chain_check(beta, omega, x: float, y: float, graph: Graph) -> tuple[Check, ...]:
    """Every toy-chain parameter's backpropagated gradient beside its central
    difference of the loss written out in full."""

    def loss(b, w) -> float:
        f = b[3] + w[3] * math.cos(b[2] + w[2] * math.exp(b[1] + w[1] * math.sin(b[0] + w[0] * x)))
        return (f - y) ** 2

    out = []
    grads = graph.gradients()
    for k in range(4):
        for name, base in (("beta", beta), ("omega", omega)):

            def moved(v, k=k, name=name):
                b, w = list(beta), list(omega)
                (b if name == "beta" else w)[k] = v
                return loss(b, w)

            out.append(
                Check(f"{name}{k}", grads[f"{name}{k}"], *central_difference(moved, base[k]))
            )
    return tuple(out)


def mlp_check(
    result: MLPPass, progress: Callable[[int, int], None] | None = None
) -> tuple[Check, ...]:
    """Every weight and bias entry's gradient beside its central difference,
    noting where the difference's points put a ReLU unit on the other side
    of its kink (there the loss has no derivative to agree with);
    ``progress(done, total)`` after each entry."""
    pattern = tuple(z > 0 for z in result.z[:-1])
    total = sum(w.size + b.size for w, b in zip(result.weights, result.biases, strict=True))
    out = []
    for kind, arrays, grads in (
        ("W", result.weights, result.grad_w),
        ("b", result.biases, result.grad_b),
    ):
        for layer, (array, grad) in enumerate(zip(arrays, grads, strict=True), start=1):
            for index in np.ndindex(array.shape):
                crossed = []

                def moved(v, kind=kind, layer=layer, index=index, crossed=crossed):
                    ws = list(result.weights)
                    bs = list(result.biases)
                    target = ws if kind == "W" else bs
                    target[layer - 1] = target[layer - 1].copy()
                    target[layer - 1][index] = v
                    loss, zs = _forward_loss(ws, bs, result)
                    if result.activation == "relu":
                        crossed.append(
                            any(
                                (z > 0).tolist() != p.tolist()
                                for z, p in zip(zs, pattern, strict=True)
                            )
                        )
                    return loss

                label = f"{kind}{layer}[{','.join(map(str, index))}]"
                numeric, noise = central_difference(moved, float(array[index]))
                out.append(Check(label, float(grad[index]), numeric, noise, any(crossed)))
                if progress is not None:
                    progress(len(out), total)
    return tuple(out)


def _forward_loss(weights, biases, result: MLPPass) -> tuple[float, list[Array]]:
    """The loss of ``result``'s batch under other weights, and the hidden z's."""
    zs, _ = forward(weights, biases, result.x, result.activation)
    return mlp_loss(zs[-1], result.y, result.loss_kind)[0], zs[:-1]


# ---------------------------------------------------------------------------- the spec

NETWORKS = ("chain", "mlp")
VIEWS = ("units", "layers")  # the MLP's figure
MAIN_PATH = ("x", "f0", "h1", "f1", "h2", "f2", "h3", "f3", "l")  # the chain, left to right
CHAIN_LIMIT = 3.0  # |β|, |ω|: past this exp and cos make the loss too ill-conditioned to check
DATA_LIMIT = 5.0  # |x|, |y| of the chain
MAX_WIDTH = 64
MAX_LAYERS = 8  # weight layers
MAX_BATCH = 256
MAX_VALUE = 1e3  # |entry| of a given network, input or target
EVAL_SECONDS = 6e-6  # one layer of one forward pass of the check, beside its products
FLOP_RATE = 2e9
MAX_SECONDS = 60.0
MAX_FILMED_WIDTH = 8  # units of a layer a video writes out, each with its numbers
MAX_FILMED_LAYERS = 4


@dataclass(frozen=True)
class BackpropSpec:
    """Every effective parameter of ``dlviz backprop``.

    network "chain": UDL's toy chain with ``beta``, ``omega`` (4 each), ``x``
    and ``y``; the MLP fields are None. network "mlp": ``widths`` d0, …, dL
    (input, hidden, output), the hidden ``activation``, the ``loss``, a
    ``batch`` of examples; the weights, inputs and targets are ``given``
    ({"layers": [{"weight", "bias"}], "x", "y"}, each part optional) or drawn
    from ``seed``; the chain's fields are None."""

    network: str
    beta: tuple[float, ...] | None = None
    omega: tuple[float, ...] | None = None
    x: float | None = None
    y: float | None = None
    widths: tuple[int, ...] | None = None
    activation: str | None = None
    loss: str | None = None
    batch: int | None = None
    seed: int | None = None
    given: Mapping | None = None
    view: str | None = None  # the MLP's figure: "units" (the network) or "layers" (its arrays)

    @property
    def parameter_count(self) -> int:
        """Weights and biases: Σ d_l (d_(l−1) + 1); the chain's 8."""
        if self.network == "chain":
            return 8
        return sum(o * (i + 1) for i, o in zip(self.widths, self.widths[1:], strict=False))

    def seconds(self, batch: int | None = None) -> float:
        """About how long the finite-difference check takes: 12 forward
        passes (three steps of four points) per parameter."""
        if self.network == "chain":
            return 0.0
        batch = batch or self.batch
        layers = len(self.widths) - 1
        flops = sum(2 * o * i * batch for i, o in zip(self.widths, self.widths[1:], strict=False))
        return 12 * self.parameter_count * (layers * EVAL_SECONDS + flops / FLOP_RATE)

    def cost(self):
        """None within about a minute; else the largest batch that is (or,
        when one example is already too many, the estimate alone)."""
        from dlviz.compute.cost import TooBig, amount, duration

        seconds = self.seconds()
        if seconds <= MAX_SECONDS:
            return None
        param, value, cheaper = "widths", ",".join(map(str, self.widths)), {}
        if self.seconds(batch=1) <= MAX_SECONDS:
            lo, hi = 1, self.batch
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if self.seconds(batch=mid) <= MAX_SECONDS else (lo, mid - 1)
            param, value, cheaper = "batch", self.batch, {"batch": lo}
        return TooBig(
            param,
            value,
            f"about {duration(seconds)} to check {amount(self.parameter_count)} parameters' "
            "gradients by finite differences",
            f"at most ~{duration(MAX_SECONDS)} here",
            cheaper,
        )

    def animation_cost(self):
        """A video writes every unit's numbers: at most MAX_FILMED_WIDTH units
        a layer and MAX_FILMED_LAYERS weight layers."""
        from dlviz.compute.cost import TooBig

        if self.network == "mlp":
            layers = len(self.widths) - 1
            if max(self.widths) > MAX_FILMED_WIDTH:
                return TooBig(
                    "widths",
                    ",".join(map(str, self.widths)),
                    f"a layer of {max(self.widths)} units to film",
                    f"at most {MAX_FILMED_WIDTH} a layer in a video here",
                    {},
                )
            if layers > MAX_FILMED_LAYERS:
                return TooBig(
                    "widths",
                    ",".join(map(str, self.widths)),
                    f"{layers} layers to film",
                    f"at most {MAX_FILMED_LAYERS} in a video here",
                    {},
                )
        return self.cost()


def make_spec(
    *,
    network: str | None = None,
    beta=None,
    omega=None,
    x=None,
    y=None,
    widths=None,
    activation: str | None = None,
    loss: str | None = None,
    batch: int | None = None,
    seed: int | None = None,
    given: Mapping | None = None,
    view: str | None = None,
) -> BackpropSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.
    Without ``network``, any MLP parameter asks for the MLP, else the chain."""
    mlp_args = {"widths": widths, "activation": activation, "loss": loss, "batch": batch,
                "seed": seed, "given": given, "view": view}  # fmt: skip
    chain_args = {"beta": beta, "omega": omega, "x": x, "y": y}
    if network is None:
        network = "mlp" if any(v is not None for v in mlp_args.values()) else "chain"
    network = choice("network", network, NETWORKS)
    if network == "chain":
        unused(mlp_args, "the MLP (--network mlp)")
        return BackpropSpec(
            "chain",
            _four("beta", UDL_BETA if beta is None else beta),
            _four("omega", UDL_OMEGA if omega is None else omega),
            number("x", UDL_X if x is None else x, -DATA_LIMIT, DATA_LIMIT),
            number("y", UDL_Y if y is None else y, -DATA_LIMIT, DATA_LIMIT),
        )
    unused(chain_args, "the toy chain (--network chain)")
    return _mlp_spec(**mlp_args)


def _four(name: str, values) -> tuple[float, ...]:
    ok = isinstance(values, (list, tuple)) and len(values) == 4
    check(ok, name, values, "takes four numbers (for layers 0 to 3), e.g. 1,2,-3,0.4")
    return tuple(number(name, v, -CHAIN_LIMIT, CHAIN_LIMIT) for v in values)


def _mlp_spec(*, widths, activation, loss, batch, seed, given, view) -> BackpropSpec:
    activation = choice("activation", "relu" if activation is None else activation, ACTIVATIONS)
    loss = choice("loss", "squared-error" if loss is None else loss, LOSSES)
    seed = whole("seed", 0 if seed is None else seed, 0, 2**32 - 1)
    given = _given(given or {}, loss)
    if "layers" in given:
        shapes = [np.shape(w) for w in given["layers"]["weight"]]
        implied = (shapes[0][1], *(s[0] for s in shapes))
        check(
            widths is None or tuple(widths) == implied,
            "widths",
            widths,
            f"disagrees with --weights, whose layers are {','.join(map(str, implied))}",
        )
        widths = implied
    widths = (2, 3, 2) if widths is None else widths
    check(
        isinstance(widths, (list, tuple)) and 2 <= len(widths) <= MAX_LAYERS + 1,
        "widths",
        widths,
        f"input, hidden and output widths, e.g. 2,3,2 (2 to {MAX_LAYERS + 1})",
    )
    widths = tuple(whole("widths", w, 1, MAX_WIDTH) for w in widths)
    if loss == "cross-entropy":
        check(widths[-1] >= 2, "widths", widths,
              "cross-entropy needs at least 2 output classes")  # fmt: skip
    if "x" in given:
        implied = np.shape(given["x"])[1]
        check(batch is None or batch == implied, "batch", batch,
              f"disagrees with the {implied} examples of --weights' x")  # fmt: skip
        batch = implied
    batch = whole("batch", 1 if batch is None else batch, 1, MAX_BATCH)
    _given_shapes(given, widths, batch, loss)
    return BackpropSpec(
        "mlp", widths=widths, activation=activation, loss=loss, batch=batch, seed=seed,
        given=given, view=choice("view", "units" if view is None else view, VIEWS),
    )  # fmt: skip


def _given(doc: Mapping, loss: str) -> dict:
    """The given parts, as nested tuples of floats: {"layers": {"weight",
    "bias"}, "x": (d0, B), "y": (dL, B) or (B,) class indices}."""
    from dlviz.compute.relu import given_document, given_layers, layers_field

    given_document(doc)
    out = {}
    if "layers" in doc:
        out["layers"] = layers_field(*given_layers(doc, MAX_VALUE))
    for key in ("x", "y"):
        if key in doc:
            out[key] = _array(key, doc[key], loss)
    return out


def _array(key: str, value, loss: str):
    classes = key == "y" and loss == "cross-entropy"
    try:
        array = np.array(value, float)
    except (TypeError, ValueError):
        array = np.array([np.nan])
    if array.ndim == 1 and not classes:
        array = array[:, None]  # one example: a column
    want = 1 if classes else 2
    ok = array.ndim == want and array.size > 0 and np.isfinite(array).all()
    ok = ok and np.abs(array).max() <= MAX_VALUE
    if classes:
        ok = ok and bool(np.all(array == np.round(array))) and array.min() >= 0
    what = "class indices 0, 1, … (one per example)" if classes else (
        f"finite numbers within ±{MAX_VALUE:g}, one column per example")  # fmt: skip
    check(ok, "given", "…", f"{key}: expected {what}")
    return tuple(int(v) for v in array) if classes else frozen(array.tolist())


def _given_shapes(given: Mapping, widths, batch: int, loss: str) -> None:
    if "x" in given:
        check(np.shape(given["x"])[0] == widths[0], "given", "…",
              f"x has {np.shape(given['x'])[0]} rows, the input width is {widths[0]}")  # fmt: skip
    if "y" in given:
        y = np.array(given["y"])
        if loss == "cross-entropy":
            ok = y.shape == (batch,) and y.max() < widths[-1]
            want = f"{batch} class indices below {widths[-1]}"
        else:
            ok = y.shape == (widths[-1], batch)
            want = f"{widths[-1]}×{batch} targets (output width × examples)"
        check(ok, "given", "…", f"y: expected {want}")


# ---------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class LayerNode:
    """A node of the MLP's layer-level graph: ``value`` and ``grad`` (=
    ∂ℓ/∂node) have the node's shape, (units, examples) or a parameter's."""

    name: str  # a0, z1, a1, …, zL, l; W1, b1, …
    op: str  # input, param, affine (W a + b), relu/sigmoid/tanh, squared-error/cross-entropy
    inputs: tuple[str, ...]
    value: Array
    grad: Array


@dataclass(frozen=True)
class BackpropResult:
    """A run: the chain's scalar ``graph`` or the ``mlp`` pass, and every
    parameter's ``checks`` (gradient beside its finite difference)."""

    spec: BackpropSpec
    checks: tuple[Check, ...]
    graph: Graph | None = None
    mlp: MLPPass | None = None
    equations: tuple[Line, ...] = ()  # the MLP's δ recursion written (``mlp_equations``)

    @property
    def loss(self) -> float:
        return self.graph.loss if self.graph is not None else self.mlp.loss

    def gradients(self) -> dict[str, float | Array]:
        """∂ℓ/∂parameter by name (omega0, beta0, … or W1, b1, …)."""
        return self.graph.gradients() if self.graph is not None else self.mlp.gradients()

    def layer_nodes(self) -> tuple[LayerNode, ...]:
        """The MLP as d2l draws its graph: a0 → z1 = W1 a0 + b1 → a1 → … → zL → ℓ."""
        m = self.mlp
        count = len(m.weights)
        nodes = [LayerNode("a0", "input", (), m.x, m.weights[0].T @ m.delta[0])]
        for k in range(1, count + 1):
            w, b = m.weights[k - 1], m.biases[k - 1]
            nodes.append(LayerNode(f"W{k}", "param", (), w, m.grad_w[k - 1]))
            nodes.append(LayerNode(f"b{k}", "param", (), b, m.grad_b[k - 1]))
            nodes.append(LayerNode(f"z{k}", "affine", (f"W{k}", f"a{k - 1}", f"b{k}"),
                                   m.z[k - 1], m.delta[k - 1]))  # fmt: skip
            if k < count:  # ∂ℓ/∂a[k] = (W[k+1])ᵀ δ[k+1]
                grad = m.weights[k].T @ m.delta[k]
                nodes.append(LayerNode(f"a{k}", m.activation, (f"z{k}",), m.a[k], grad))
        nodes.append(LayerNode("l", m.loss_kind, (f"z{count}",), np.array(m.loss), np.array(1.0)))
        return tuple(nodes)


def network_arrays(spec: BackpropSpec) -> tuple[tuple[Array, ...], tuple[Array, ...], Array, Array]:
    """(weights, biases, inputs, targets) of an MLP spec: the given ones, the
    rest drawn from its seed, each rounded to two decimals so that every
    number a figure prints is the number used. Weights ~ N(0, 2/fan-in)
    for ReLU (He), N(0, 1/fan-in) otherwise; biases ~ N(0, 0.1²); inputs
    and regression targets ~ N(0, 1); classes uniform."""
    rng = np.random.default_rng(spec.seed)
    gain = 2.0 if spec.activation == "relu" else 1.0
    widths, batch = spec.widths, spec.batch
    weights = tuple(np.round(rng.normal(0, math.sqrt(gain / i), (o, i)), 2)
                    for i, o in zip(widths, widths[1:], strict=False))  # fmt: skip
    biases = tuple(np.round(rng.normal(0, 0.1, o), 2) for o in widths[1:])
    x = np.round(rng.normal(size=(widths[0], batch)), 2)
    if spec.loss == "squared-error":
        y = np.round(rng.normal(size=(widths[-1], batch)), 2)
    else:
        y = rng.integers(0, widths[-1], size=batch)
    given = spec.given or {}
    if "layers" in given:
        weights = tuple(np.array(w, float) for w in given["layers"]["weight"])
        biases = tuple(np.array(b, float) for b in given["layers"]["bias"])
    if "x" in given:
        x = np.array(given["x"], float)
    if "y" in given:
        y = np.array(given["y"], int if spec.loss == "cross-entropy" else float)
    return weights, biases, x, y


def run(spec: BackpropSpec, progress: Callable[[int, int], None] | None = None) -> BackpropResult:
    """Forward, backward and the finite-difference check of ``spec``'s
    network; ``progress(done, total)`` as the check goes through the parameters."""
    if spec.network == "chain":
        graph = chain_graph(spec.beta, spec.omega, spec.x, spec.y)
        return BackpropResult(spec, chain_check(spec.beta, spec.omega, spec.x, spec.y, graph),
                              graph=graph)  # fmt: skip
    weights, biases, x, y = network_arrays(spec)
    with np.errstate(over="ignore"):  # sigmoid of a large negative z is 0, as it should be
        result = mlp_pass(weights, biases, x, y, spec.activation, spec.loss)
        checks = mlp_check(result, progress)
    return BackpropResult(spec, checks, mlp=result, equations=mlp_equations(result))


def result_json(result: BackpropResult) -> dict:
    """What ``--data`` exports beside the parameters: the graph's nodes
    ({name, op, inputs, value, grad}), the parameters' gradients by name
    (``gradients``: ``parameters`` holds the spec, as in every topic's JSON),
    the loss and the finite-difference check."""
    graph = result.graph.nodes if result.graph is not None else result.layer_nodes()
    nodes = [{"name": n.name, "op": n.op, "inputs": list(n.inputs), "value": n.value,
              "grad": n.grad} for n in graph]  # fmt: skip
    return {
        "loss": result.loss,
        "nodes": nodes,
        "gradients": result.gradients(),  # "parameters" is the spec, as in every topic
        "check": [
            {
                "name": c.name,
                "backprop": c.analytic,
                "finite_difference": c.numeric,
                "relative_error": c.error,
                "agrees": c.ok(),
                "crosses_relu_kink": c.kink,
            }
            for c in result.checks
        ],  # fmt: skip
    }


# ---------------------------------------------------------------- the δ recursion, written

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Line:
    """A line of the written backward pass: ``kind`` "rule" (the general
    formula), "delta" (δ of one unit) or "grad" (one weight's gradient);
    ``equation`` the numbers (None for a rule), ``value`` what it equals in
    the run."""

    kind: str
    text: str
    equation: Equation | None = None
    value: float = 0.0


def _unit(layer: int, j: int) -> str:
    return f"[{layer}]{str(j + 1).translate(_SUB)}"


def mlp_equations(m: MLPPass, example: int = 0) -> tuple[Line, ...]:
    """The δ recursion for ``example``, from the output back: per layer the
    δ of its unit with the largest |δ| and the gradient of the weight from
    the previous layer's unit with the largest |a|, each an equation of this
    run's numbers (units numbered from 1, as the course writes them)."""
    last = len(m.weights)
    out = [Line("rule", _output_rule(m.loss_kind, last))]
    out.append(Line("rule", "δ[l] = (W[l+1])ᵀ δ[l+1] ⊙ σ′(z[l]),   ∂ℓ/∂W[l] = δ[l] (a[l−1])ᵀ,   "
                            "∂ℓ/∂b[l] = Σ δ[l]"))  # fmt: skip
    for layer in range(last, 0, -1):
        delta = m.delta[layer - 1]
        j = int(np.argmax(np.abs(delta[:, example])))
        if layer == last:
            lhs = _output_term(m, j, example)
            head = f"δ{_unit(layer, j)} = "
        else:
            w, below = m.weights[layer], m.delta[layer][:, example]
            products = tuple(Product((Num(w[k, j], sig=SIG), Num(below[k], sig=SIG)))
                             for k in range(len(below)))  # fmt: skip
            slope = activation_slope(m.z[layer - 1][j, example], m.activation)
            lhs = Product((Sum(products, keep=2), Num(float(slope), sig=SIG)))
            head = (f"δ{_unit(layer, j)} = (Σₖ W[{layer + 1}]ₖ{str(j + 1).translate(_SUB)}"
                    f" δ[{layer + 1}]ₖ)·σ′(z{_unit(layer, j)}) = ")  # fmt: skip
        value = float(delta[j, example])
        eq = Equation(lhs, value, sig=SIG)
        out.append(Line("delta", head + eq.text(), eq, value))
        below_a = m.a[layer - 1]
        i = int(np.argmax(np.abs(below_a[:, example])))
        terms = tuple(Product((Num(delta[j, b], sig=SIG), Num(below_a[i, b], sig=SIG)))
                      for b in range(delta.shape[1]))  # fmt: skip
        grad = float(m.grad_w[layer - 1][j, i])
        eq = Equation(Sum(terms, keep=2), grad, sig=SIG)
        comma = "," if max(i, j) >= 9 else ""  # W₃,₂₂ rather than W₃₂₂
        idx = f"{str(j + 1).translate(_SUB)}{comma}{str(i + 1).translate(_SUB)}"
        n = "ₙ" if delta.shape[1] > 1 else ""  # Σₙ over the examples n
        total = "Σₙ " if n else ""
        text = f"∂ℓ/∂W[{layer}]{idx} = {total}δ{_unit(layer, j)}{n}·a{_unit(layer - 1, i)}{n} = "
        out.append(Line("grad", text + eq.text(), eq, grad))
    return tuple(out)


def _output_rule(loss: str, last: int) -> str:
    if loss == "squared-error":
        return f"ℓ = Σ (z[{last}] − y)²   ⇒   δ[{last}] = ∂ℓ/∂z[{last}] = 2(z[{last}] − y)"
    return (f"ℓ = −Σ log softmax(z[{last}])_y   ⇒   δ[{last}] = ∂ℓ/∂z[{last}] = "
            f"softmax(z[{last}]) − onehot(y)")  # fmt: skip


def _output_term(m: MLPPass, j: int, example: int):
    z = m.z[-1][:, example]
    if m.loss_kind == "squared-error":
        return Product((Num(2), Sum((Num(z[j], sig=SIG), Num(m.y[j, example], sig=SIG)), (1, -1))))
    shifted = z - z.max()
    p = np.exp(shifted) / np.exp(shifted).sum()
    hit = 1.0 if int(m.y[example]) == j else 0.0
    return Sum((Num(p[j], sig=SIG), Num(hit)), (1, -1))
