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

Array = np.ndarray

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
            products.append(Product((Num(grads[reader]), Num(partials[reader][i]))))
        grads[name] = math.fsum(p.value() for p in products)
        if products:
            steps.append(Step(name, tuple(terms), Equation(Sum(tuple(products)), grads[name])))
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


def mlp_pass(weights, biases, x: Array, y: Array, activation: str, loss: str) -> MLPPass:
    """Forward (z = W a + b, a = σ(z) in the hidden layers, a linear output),
    then the δ recursion backward."""
    weights = tuple(np.asarray(w, float) for w in weights)
    biases = tuple(np.asarray(b, float).reshape(-1) for b in biases)
    a = [np.asarray(x, float)]
    zs = []
    last = len(weights) - 1
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = w @ a[-1] + b[:, None]
        zs.append(z)
        a.append(z if layer == last else activate(z, activation))
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


@dataclass(frozen=True)
class Check:
    """One parameter entry's gradient beside its finite difference; ``noise``
    bounds the difference's rounding error (about 10·ε·|ℓ| / h)."""

    name: str  # e.g. "omega0", "W2[1,0]"
    analytic: float
    numeric: float
    noise: float = 0.0

    @property
    def error(self) -> float:
        """|analytic − numeric| relative to the larger of the two."""
        scale = max(abs(self.analytic), abs(self.numeric))
        return abs(self.analytic - self.numeric) / scale if scale else 0.0

    def ok(self, tol: float = 1e-6) -> bool:
        """Within ``tol`` relative, beyond the difference's rounding noise."""
        gap = abs(self.analytic - self.numeric)
        return gap <= tol * max(abs(self.analytic), abs(self.numeric)) + self.noise


FD_STEP = 1e-4  # relative step: the five-point difference's error ~h⁴, rounding ~1e-16/h


def central_difference(loss: Callable[[float], float], at: float) -> tuple[float, float]:
    """The five-point central difference (−ℓ(θ+2h) + 8ℓ(θ+h) − 8ℓ(θ−h) +
    ℓ(θ−2h)) / 12h, and a bound on its rounding error."""
    h = FD_STEP * max(1.0, abs(at))
    values = [loss(at + k * h) for k in (2, 1, -1, -2)]
    slope = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
    noise = float(10 * np.finfo(float).eps * max(1.0, *map(abs, values)) / h)
    return slope, noise


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


def mlp_check(result: MLPPass) -> tuple[Check, ...]:
    """Every weight and bias entry's gradient beside its central difference."""
    out = []
    for kind, arrays, grads in (
        ("W", result.weights, result.grad_w),
        ("b", result.biases, result.grad_b),
    ):
        for layer, (array, grad) in enumerate(zip(arrays, grads, strict=True), start=1):
            for index in np.ndindex(array.shape):

                def moved(v, kind=kind, layer=layer, index=index):
                    ws = [w.copy() for w in result.weights]
                    bs = [b.copy() for b in result.biases]
                    (ws if kind == "W" else bs)[layer - 1][index] = v
                    z = result.x
                    for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
                        z = w @ z + b[:, None]
                        if i < len(ws) - 1:
                            z = activate(z, result.activation)
                    return mlp_loss(z, result.y, result.loss_kind)[0]

                label = f"{kind}{layer}[{','.join(map(str, index))}]"
                numeric, noise = central_difference(moved, float(array[index]))
                out.append(Check(label, float(grad[index]), numeric, noise))
    return tuple(out)
