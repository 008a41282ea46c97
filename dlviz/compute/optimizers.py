"""Optimizer trajectories over a landscape, in three conventions.

``udl`` follows Understanding Deep Learning, ``d2l`` Dive into Deep Learning,
``pytorch`` torch.optim exactly. Each rule updates an (S, 2) array of points
at once, so one call runs many starts (the basins picture) as cheaply as one.

A rule is ``step(x, grad, state, t, hp) -> x_new``: ``grad(points)`` returns
the gradient for this step (the same minibatch however often it is called,
so Nesterov's look-ahead sees the batch of its step), ``state`` is a dict of
arrays the rule keeps between steps, ``t`` counts from 1. Each rule is
registered beside its step function with its defaults and its formula, which
is written from the hyperparameters that ran (pytorch's SGD with momentum 0.5
prints its momentum buffer).

``make_spec`` resolves every effective parameter of a picture (per-rule
hyperparameters and learning rates, batch sizes, noise, starts, steps,
tolerance, seed); ``run(spec)`` draws nothing and returns a Race or Basins
holding that spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from dlviz.compute.landscape import (
    Landscape,
    LandscapeResult,
    LandscapeSpec,
    check_log_scale,
    compute_landscape,
    landscape_of,
)
from dlviz.compute.landscape import make_spec as make_landscape_spec
from dlviz.spec import check, choice, number, pair, whole

Array = np.ndarray
CONVENTIONS = ("udl", "d2l", "pytorch")
NAMES = (
    "gd",
    "sgd",
    "momentum",
    "nesterov",
    "normalized",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
)
# The default race: four rules every convention defines, few enough to tell
# apart on one slide (``optimizers=["all"]`` races every rule of the convention).
DEFAULT_SET = ("gd", "sgd", "momentum", "adam")
FAN_SEEDS = 20  # seeds drawn for a stochastic rule when none are asked for
SGD_BATCH = 5  # sgd's minibatch on the data models when no batch size is given
SGD_NOISE = 1.0  # sgd's gradient noise on analytic landscapes when no noise is given

# A formula is a list of statements, each (plain Unicode, LaTeX), joined by ";".
Statements = list[tuple[str, str]]


@dataclass(frozen=True)
class Rule:
    """One optimizer under one convention.

    defaults: every hyperparameter the rule reads, as the convention sets it;
    statements(hp): the update as it runs with ``hp``, as (plain, LaTeX) pairs.
    """

    name: str
    convention: str
    step: Callable
    defaults: Mapping[str, float | bool]
    statements: Callable[[Mapping], Statements]
    prefix: str = ""  # torch.optim's class, e.g. "SGD"

    def text(self, hp: Mapping | None = None) -> str:
        """The rule in plain Unicode, as it runs with ``hp`` (default: its defaults)."""
        hp = {**self.defaults, **(hp or {})}
        body = ";  ".join(plain for plain, _ in self.statements(hp))
        return f"{self.prefix}{_flags(self, hp)}: {body}" if self.prefix else body

    def formula(self, hp: Mapping | None = None) -> str:
        """The same in LaTeX (matplotlib mathtext compatible)."""
        hp = {**self.defaults, **(hp or {})}
        return r";\ ".join(tex for _, tex in self.statements(hp))


def _flags(rule: Rule, hp: Mapping) -> str:
    on = [k for k in ("momentum", "nesterov", "centered", "amsgrad") if hp.get(k)]
    return f"({', '.join(on)})" if on else ""


RULES: dict[str, dict[str, Rule]] = {c: {} for c in CONVENTIONS}


def rule(convention: str, name: str, defaults: Mapping, statements, prefix: str = ""):
    """Register the decorated step function as ``name`` under ``convention``;
    ``statements`` is a list of (plain, LaTeX) pairs or a function of hp."""
    describe = statements if callable(statements) else (lambda hp, s=statements: list(s))

    def register(step: Callable) -> Callable:
        RULES[convention][name] = Rule(name, convention, step, dict(defaults), describe, prefix)
        return step

    return register


def _zeros(state: dict, x: Array, *keys: str) -> list[Array]:
    return [state.setdefault(k, np.zeros_like(x)) for k in keys]


_UDL = {"lr": 0.05, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
_D2L = {**_UDL, "eps": 1e-6}


def _pick(table: Mapping, *keys: str, **overrides) -> dict:
    return {**{k: table[k] for k in keys}, **overrides}


# --------------------------------------------------------------------------- udl and d2l
# (AdaGrad, RMSProp and AdaDelta are the same mathematics in both books, with
# other letters and default ε.)


@rule("udl", "gd", _pick(_UDL, "lr"), [("φ ← φ − α·g", r"\phi \leftarrow \phi - \alpha g")])
@rule("udl", "sgd", _pick(_UDL, "lr"), [("φ ← φ − α·g", r"\phi \leftarrow \phi - \alpha g")])
@rule("d2l", "gd", _pick(_D2L, "lr"), [("x ← x − η·g", r"x \leftarrow x - \eta g")])
@rule("d2l", "sgd", _pick(_D2L, "lr"), [("x ← x − η·g", r"x \leftarrow x - \eta g")])
def _gd(x, grad, state, t, hp):
    return x - hp["lr"] * grad(x)


@rule(
    "udl",
    "momentum",
    _pick(_UDL, "lr", "momentum"),
    [
        ("m ← ρ·m + (1−ρ)·g", r"m \leftarrow \rho m + (1-\rho) g"),
        ("φ ← φ − α·m", r"\phi \leftarrow \phi - \alpha m"),
    ],
)
def _udl_momentum(x, grad, state, t, hp):
    (m,) = _zeros(state, x, "m")
    rho = hp["momentum"]
    state["m"] = rho * m + (1 - rho) * grad(x)
    return x - hp["lr"] * state["m"]


@rule(
    "udl",
    "nesterov",
    _pick(_UDL, "lr", "momentum"),
    [
        ("m ← ρ·m + (1−ρ)·g(φ − α·ρ·m)", r"m \leftarrow \rho m + (1-\rho) g(\phi - \alpha\rho m)"),
        ("φ ← φ − α·m", r"\phi \leftarrow \phi - \alpha m"),
    ],
)
def _udl_nesterov(x, grad, state, t, hp):
    (m,) = _zeros(state, x, "m")
    rho, lr = hp["momentum"], hp["lr"]
    state["m"] = rho * m + (1 - rho) * grad(x - lr * rho * m)
    return x - lr * state["m"]


@rule(
    "udl",
    "normalized",
    _pick(_UDL, "lr", "eps"),
    [
        (
            "φ ← φ − α·g/√(g⊙g + ε)",
            r"\phi \leftarrow \phi - \alpha g / \sqrt{g \odot g + \epsilon}",
        ),
    ],
)
def _udl_normalized(x, grad, state, t, hp):
    g = grad(x)
    return x - hp["lr"] * g / np.sqrt(g * g + hp["eps"])


@rule(
    "udl",
    "adagrad",
    _pick(_UDL, "lr", "eps"),
    [
        ("v ← v + g⊙g", r"v \leftarrow v + g \odot g"),
        ("φ ← φ − α·g/√(v + ε)", r"\phi \leftarrow \phi - \alpha g / \sqrt{v + \epsilon}"),
    ],
)
@rule(
    "d2l",
    "adagrad",
    _pick(_D2L, "lr", "eps"),
    [
        ("s ← s + g⊙g", r"s \leftarrow s + g \odot g"),
        ("x ← x − η·g/√(s + ε)", r"x \leftarrow x - \eta g / \sqrt{s + \epsilon}"),
    ],
)
def _adagrad(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    g = grad(x)
    state["v"] = v + g * g
    return x - hp["lr"] * g / np.sqrt(state["v"] + hp["eps"])


@rule(
    "udl",
    "rmsprop",
    _pick(_UDL, "lr", "rho", "eps"),
    [
        ("v ← ρ·v + (1−ρ)·g⊙g", r"v \leftarrow \rho v + (1-\rho) g \odot g"),
        ("φ ← φ − α·g/√(v + ε)", r"\phi \leftarrow \phi - \alpha g/\sqrt{v+\epsilon}"),
    ],
)
@rule(
    "d2l",
    "rmsprop",
    _pick(_D2L, "lr", "rho", "eps"),
    [
        ("s ← γ·s + (1−γ)·g⊙g", r"s \leftarrow \gamma s + (1-\gamma) g \odot g"),
        ("x ← x − η·g/√(s + ε)", r"x \leftarrow x - \eta g/\sqrt{s+\epsilon}"),
    ],
)
def _rmsprop(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    g, rho = grad(x), hp["rho"]
    state["v"] = rho * v + (1 - rho) * g * g
    return x - hp["lr"] * g / np.sqrt(state["v"] + hp["eps"])


@rule(
    "udl",
    "adadelta",
    _pick(_UDL, "rho", "eps"),
    [
        ("v ← ρ·v + (1−ρ)·g⊙g", r"v \leftarrow \rho v + (1-\rho) g \odot g"),
        ("Δ ← −√(s+ε)/√(v+ε)⊙g", r"\Delta \leftarrow -\sqrt{s+\epsilon}/\sqrt{v+\epsilon} \odot g"),
        ("s ← ρ·s + (1−ρ)·Δ⊙Δ", r"s \leftarrow \rho s + (1-\rho) \Delta \odot \Delta"),
        ("φ ← φ + Δ", r"\phi \leftarrow \phi + \Delta"),
    ],
)
@rule(
    "d2l",
    "adadelta",
    _pick(_D2L, "rho", eps=1e-5),
    [
        ("s ← ρ·s + (1−ρ)·g⊙g", r"s \leftarrow \rho s + (1-\rho) g \odot g"),
        ("g′ = √(Δx+ε)/√(s+ε)⊙g", r"g' = \sqrt{\Delta x+\epsilon}/\sqrt{s+\epsilon} \odot g"),
        ("x ← x − g′", r"x \leftarrow x - g'"),
        ("Δx ← ρ·Δx + (1−ρ)·g′⊙g′", r"\Delta x \leftarrow \rho \Delta x + (1-\rho) g' \odot g'"),
    ],
)
def _adadelta(x, grad, state, t, hp):
    v, s = _zeros(state, x, "v", "s")
    g, rho, eps = grad(x), hp["rho"], hp["eps"]
    v = state["v"] = rho * v + (1 - rho) * g * g
    delta = -np.sqrt(s + eps) / np.sqrt(v + eps) * g
    state["s"] = rho * s + (1 - rho) * delta * delta
    return x + delta


@rule(
    "udl",
    "adam",
    _pick(_UDL, "lr", "beta1", "beta2", "eps"),
    [
        ("m ← β·m + (1−β)·g", r"m \leftarrow \beta m + (1-\beta) g"),
        ("v ← γ·v + (1−γ)·g⊙g", r"v \leftarrow \gamma v + (1-\gamma) g \odot g"),
        (
            "φ ← φ − α·m̂/√(v̂ + ε)",
            r"\phi \leftarrow \phi - \alpha \hat{m} / \sqrt{\hat{v} + \epsilon}",
        ),
    ],
)
def _udl_adam(x, grad, state, t, hp):
    m, v = _zeros(state, x, "m", "v")
    g, beta, gamma = grad(x), hp["beta1"], hp["beta2"]
    m = state["m"] = beta * m + (1 - beta) * g
    v = state["v"] = gamma * v + (1 - gamma) * g * g
    m_hat, v_hat = m / (1 - beta**t), v / (1 - gamma**t)
    return x - hp["lr"] * m_hat / np.sqrt(v_hat + hp["eps"])


@rule(
    "d2l",
    "momentum",
    _pick(_D2L, "lr", "momentum"),
    [
        ("v ← γ·v + η·g", r"v \leftarrow \gamma v + \eta g"),
        ("x ← x − v", r"x \leftarrow x - v"),
    ],
)
def _d2l_momentum(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    state["v"] = hp["momentum"] * v + hp["lr"] * grad(x)
    return x - state["v"]


@rule(
    "d2l",
    "adam",
    _pick(_D2L, "lr", "beta1", "beta2", "eps"),
    [
        ("v ← β₁·v + (1−β₁)·g", r"v \leftarrow \beta_1 v + (1-\beta_1) g"),
        ("s ← β₂·s + (1−β₂)·g⊙g", r"s \leftarrow \beta_2 s + (1-\beta_2) g \odot g"),
        ("x ← x − η·v̂/(√ŝ + ε)", r"x \leftarrow x - \eta \hat{v} / (\sqrt{\hat{s}} + \epsilon)"),
    ],
)
def _d2l_adam(x, grad, state, t, hp):
    v, s = _zeros(state, x, "v", "s")
    g, b1, b2 = grad(x), hp["beta1"], hp["beta2"]
    v = state["v"] = b1 * v + (1 - b1) * g
    s = state["s"] = b2 * s + (1 - b2) * g * g
    v_hat, s_hat = v / (1 - b1**t), s / (1 - b2**t)
    return x - hp["lr"] * v_hat / (np.sqrt(s_hat) + hp["eps"])


# --------------------------------------------------------------------------- pytorch
# Written in torch.optim's own order of operations (single-tensor code path),
# so float64 trajectories agree with it to rounding. Their formulas follow the
# options that ran: momentum, dampening, Nesterov, weight decay, centered, AMSGrad.

_TORCH_SGD = {"lr": 0.05, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}


def _decay(hp: Mapping) -> Statements:
    if not hp.get("weight_decay"):
        return []
    return [("g ← g + λ·θ", r"g \leftarrow g + \lambda \theta")]


def _sgd_statements(hp: Mapping) -> Statements:
    out = _decay(hp)
    if not hp["momentum"]:
        return out + [("θ ← θ − γ·g", r"\theta \leftarrow \theta - \gamma g")]
    damped = ("(1−τ)·g", r"(1-\tau) g") if hp["dampening"] else ("g", "g")
    out.append((f"b ← μ·b + {damped[0]}", rf"b \leftarrow \mu b + {damped[1]}"))
    if hp["nesterov"]:
        return out + [("θ ← θ − γ·(g + μ·b)", r"\theta \leftarrow \theta - \gamma (g + \mu b)")]
    return out + [("θ ← θ − γ·b", r"\theta \leftarrow \theta - \gamma b")]


@rule("pytorch", "gd", _TORCH_SGD, _sgd_statements, "SGD")
@rule("pytorch", "sgd", _TORCH_SGD, _sgd_statements, "SGD")
@rule("pytorch", "momentum", {**_TORCH_SGD, "momentum": 0.9}, _sgd_statements, "SGD")
@rule(
    "pytorch", "nesterov", {**_TORCH_SGD, "momentum": 0.9, "nesterov": True}, _sgd_statements, "SGD"
)
def _torch_sgd(x, grad, state, t, hp):
    g = grad(x) + hp["weight_decay"] * x if hp["weight_decay"] else grad(x)
    mu = hp["momentum"]
    if mu:
        if "buf" not in state:
            state["buf"] = g.copy()
        else:
            state["buf"] = state["buf"] * mu + (1 - hp["dampening"]) * g
        g = g + mu * state["buf"] if hp["nesterov"] else state["buf"]
    return x - hp["lr"] * g


def _adagrad_statements(hp: Mapping) -> Statements:
    out = _decay(hp)
    if hp["initial_accumulator_value"]:
        out.append(("s₀ = s_init", r"s_0 = s_{init}"))
    out.append(("s ← s + g²", r"s \leftarrow s + g^2"))
    if hp["lr_decay"]:
        out.append(("γ̃ = γ/(1 + (t−1)·η)", r"\tilde\gamma = \gamma / (1 + (t-1)\eta)"))
        return out + [
            (
                "θ ← θ − γ̃·g/(√s + ε)",
                r"\theta \leftarrow \theta - \tilde\gamma g / (\sqrt{s} + \epsilon)",
            )
        ]
    return out + [
        ("θ ← θ − γ·g/(√s + ε)", r"\theta \leftarrow \theta - \gamma g / (\sqrt{s} + \epsilon)")
    ]


@rule(
    "pytorch",
    "adagrad",
    {"lr": 0.05, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    _adagrad_statements,
    "Adagrad",
)
def _torch_adagrad(x, grad, state, t, hp):
    s = state.setdefault("sum", np.full_like(x, hp["initial_accumulator_value"]))
    g = grad(x)
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    s = state["sum"] = s + g * g
    return x - clr * (g / (np.sqrt(s) + hp["eps"]))


def _rmsprop_statements(hp: Mapping) -> Statements:
    out = [("v ← α·v + (1−α)·g²", r"v \leftarrow \alpha v + (1-\alpha) g^2")]
    root = ("√v", r"\sqrt{v}")
    if hp["centered"]:
        out.append(("ḡ ← α·ḡ + (1−α)·g", r"\bar g \leftarrow \alpha \bar g + (1-\alpha) g"))
        root = ("√(v − ḡ²)", r"\sqrt{v - \bar g^2}")
    if hp["momentum"]:
        out.append(
            (f"b ← μ·b + g/({root[0]} + ε)", rf"b \leftarrow \mu b + g/({root[1]}+\epsilon)")
        )
        return out + [("θ ← θ − γ·b", r"\theta \leftarrow \theta - \gamma b")]
    return out + [
        (
            f"θ ← θ − γ·g/({root[0]} + ε)",
            rf"\theta \leftarrow \theta - \gamma g/({root[1]}+\epsilon)",
        )
    ]


@rule(
    "pytorch",
    "rmsprop",
    {"lr": 0.05, "rho": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
    _rmsprop_statements,
    "RMSprop",
)
def _torch_rmsprop(x, grad, state, t, hp):
    (sq,) = _zeros(state, x, "square_avg")
    g, alpha, eps = grad(x), hp["rho"], hp["eps"]
    sq = state["square_avg"] = sq * alpha + (1 - alpha) * g * g
    if hp["centered"]:
        (ga,) = _zeros(state, x, "grad_avg")
        ga = state["grad_avg"] = ga + (g - ga) * (1 - alpha)  # torch's lerp_
        avg = np.sqrt(sq - ga * ga) + eps
    else:
        avg = np.sqrt(sq) + eps
    if hp["momentum"]:
        (buf,) = _zeros(state, x, "momentum_buffer")
        buf = state["momentum_buffer"] = buf * hp["momentum"] + g / avg
        return x - hp["lr"] * buf
    return x - hp["lr"] * (g / avg)


@rule(
    "pytorch",
    "adadelta",
    {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    [
        ("v ← ρ·v + (1−ρ)·g²", r"v \leftarrow \rho v + (1-\rho) g^2"),
        ("Δ = √(u+ε)/√(v+ε)·g", r"\Delta = \sqrt{u+\epsilon}/\sqrt{v+\epsilon}\, g"),
        ("u ← ρ·u + (1−ρ)·Δ²", r"u \leftarrow \rho u + (1-\rho) \Delta^2"),
        ("θ ← θ − γ·Δ", r"\theta \leftarrow \theta - \gamma \Delta"),
    ],
    "Adadelta",
)
def _torch_adadelta(x, grad, state, t, hp):
    sq, acc = _zeros(state, x, "square_avg", "acc_delta")
    g, rho, eps = grad(x), hp["rho"], hp["eps"]
    sq = state["square_avg"] = sq * rho + (1 - rho) * g * g
    delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
    state["acc_delta"] = acc * rho + (1 - rho) * delta * delta
    return x - hp["lr"] * delta


def _adam_statements(hp: Mapping) -> Statements:
    out = [
        ("m ← β₁·m + (1−β₁)·g", r"m \leftarrow \beta_1 m + (1-\beta_1) g"),
        ("v ← β₂·v + (1−β₂)·g²", r"v \leftarrow \beta_2 v + (1-\beta_2) g^2"),
    ]
    if hp["amsgrad"]:
        out.append(("v_max ← max(v_max, v)", r"v_{max} \leftarrow \max(v_{max}, v)"))
        return out + [
            (
                "θ ← θ − γ·m̂/(√(v_max/(1−β₂ᵗ)) + ε)",
                r"\theta \leftarrow \theta - \gamma \hat{m} / (\sqrt{v_{max}/(1-\beta_2^t)} + \epsilon)",
            )
        ]
    return out + [
        (
            "θ ← θ − γ·m̂/(√v̂ + ε)",
            r"\theta \leftarrow \theta - \gamma \hat{m} / (\sqrt{\hat{v}} + \epsilon)",
        )
    ]


@rule(
    "pytorch",
    "adam",
    {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False},
    _adam_statements,
    "Adam",
)
def _torch_adam(x, grad, state, t, hp):
    m, v = _zeros(state, x, "exp_avg", "exp_avg_sq")
    g, b1, b2 = grad(x), hp["beta1"], hp["beta2"]
    m = state["exp_avg"] = m + (g - m) * (1 - b1)  # torch's lerp_
    v = state["exp_avg_sq"] = v * b2 + (1 - b2) * g * g
    bias1, bias2 = 1 - b1**t, 1 - b2**t
    if hp["amsgrad"]:
        vmax = state["max_exp_avg_sq"] = np.maximum(state.get("max_exp_avg_sq", v), v)
        denom = np.sqrt(vmax) / bias2**0.5 + hp["eps"]
    else:
        denom = np.sqrt(v) / bias2**0.5 + hp["eps"]
    return x - (hp["lr"] / bias1) * (m / denom)


# the rules of each convention in the course's order
for _convention in CONVENTIONS:
    RULES[_convention] = {n: RULES[_convention][n] for n in NAMES if n in RULES[_convention]}


def get_rule(name: str, convention: str) -> Rule:
    """The update rule ``name`` of ``convention`` (udl, d2l or pytorch)."""
    if convention not in RULES:
        raise ValueError(f"unknown convention {convention!r}; choose one of {', '.join(RULES)}")
    if name not in RULES[convention]:
        offered = ", ".join(RULES[convention])
        raise ValueError(f"{convention} does not define {name!r}; it offers {offered}")
    return RULES[convention][name]


# --------------------------------------------------------------------------- gradients


class Gradient:
    """The gradient an optimizer sees at step t: full batch, a minibatch of a
    data model (sum over the batch for udl, mean for d2l and pytorch; batches
    drawn without replacement and reshuffled every epoch), plus optional
    Gaussian noise on analytic landscapes."""

    def __init__(
        self, land: Landscape, *, mean: bool, batch_size: int | None, noise: float, seed: int
    ):
        self.land, self.mean, self.noise = land, mean, noise
        self.rng = np.random.default_rng(seed)
        n = len(land.data.x) if land.data is not None else 0
        if batch_size is not None and land.data is None:
            raise ValueError("batch_size applies only to the data models gabor and linear")
        if batch_size is not None and not 1 <= batch_size <= n:
            raise ValueError(f"batch_size must be from 1 to {n} (the training set's size)")
        self.batch_size, self.n = batch_size, n
        self.batch: Array | None = None
        self.order: list[Array] = []
        self.batches: list[Array] = []  # every batch used, for inspection

    def begin_step(self) -> None:
        if self.batch_size is None:
            return
        if not self.order:  # a new epoch: reshuffle, cut into batches
            perm = self.rng.permutation(self.n)
            self.order = [perm[i : i + self.batch_size] for i in range(0, self.n, self.batch_size)]
        self.batch = self.order.pop(0)
        self.batches.append(self.batch)

    def __call__(self, x: Array) -> Array:
        data = self.land.data
        if data is None:
            g = np.stack(self.land.grad(x[..., 0], x[..., 1]), axis=-1)
            if self.noise:
                g = g + self.noise * self.rng.standard_normal(g.shape)
            return g
        g = data.batch_grad(x, self.batch)
        count = self.n if self.batch is None else len(self.batch)
        penalty = 2.0 * data.ridge * x
        if self.mean:  # the mean loss (1/n)·L: its penalty is scaled by 1/n too
            return g / count + penalty / self.n
        # udl sums over the batch: a batch of |B| of the n examples carries
        # |B|/n of the penalty, so an epoch's batches add up to the full gradient
        return g + penalty * (count / self.n)


class FanGradient:
    """Row i of the points is its own run with seed ``seeds[i]``: the gradients
    that separate ``Gradient`` objects would give, one per row, computed for
    all rows at once (a fan of seeds costs about one run, not one per seed)."""

    def __init__(
        self, land: Landscape, *, mean: bool, batch_size: int | None, noise: float, seeds
    ) -> None:
        self.each = [
            Gradient(land, mean=mean, batch_size=batch_size, noise=noise, seed=s) for s in seeds
        ]
        self.land, self.mean, self.noise = land, mean, noise

    def begin_step(self) -> None:
        for g in self.each:
            g.begin_step()

    def __call__(self, x: Array) -> Array:
        data, first = self.land.data, self.each[0]
        if data is None:
            g = np.stack(self.land.grad(x[..., 0], x[..., 1]), axis=-1)
            if self.noise:  # each row's noise from its own seed, as run alone
                g = g + self.noise * np.vstack([e.rng.standard_normal((1, 2)) for e in self.each])
            return g
        if first.batch is None:
            return np.vstack([e(x[i : i + 1]) for i, e in enumerate(self.each)])
        rows = np.stack([e.batch for e in self.each])  # (F, B): a batch per row, same size
        f, d0, d1 = data.f(x[:, :1], x[:, 1:], data.x[rows])
        f -= data.y[rows]
        g = 2.0 * np.column_stack([np.einsum("ij,ij->i", f, d0), np.einsum("ij,ij->i", f, d1)])
        count, penalty = rows.shape[1], 2.0 * data.ridge * x
        if self.mean:
            return g / count + penalty / first.n
        return g + penalty * (count / first.n)


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Run:
    """One optimizer from S starts.

    params: (steps + 1, S, 2), row 0 the starts, NaN after a start diverged;
    loss: (steps + 1, S) on the landscape as drawn; diverged_at: (S,) the
    first step that produced a non-finite point or left the box, −1 if none.
    """

    optimizer: str
    convention: str
    hyperparameters: Mapping[str, float | bool]
    params: Array
    loss: Array
    diverged_at: Array
    batch_size: int | None = None  # minibatch size (data models), None: the full gradient
    noise: float = 0.0  # σ of the Gaussian noise added to the gradient (analytic landscapes)
    # a stochastic rule's other seeds from the first start: (F, steps + 1, 2) and (F, steps + 1)
    fan: Array | None = None
    fan_loss: Array | None = None

    @property
    def stochastic(self) -> bool:
        """Minibatches or gradient noise: each seed runs differently."""
        return self.batch_size is not None or self.noise > 0

    def path(self, k: int) -> Array:
        """Start ``k``'s points up to its last finite one, (T, 2)."""
        rows = self.params[:, k]
        return rows[np.all(np.isfinite(rows), axis=1)]


def run_optimizer(
    land: Landscape,
    rule: Rule,
    starts: Array,
    *,
    steps: int,
    hyperparameters: Mapping | None = None,
    batch_size: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
    box: tuple[float, float, float, float] | None = None,
    record: bool = True,
    gradient: Gradient | FanGradient | None = None,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Run ``rule`` for ``steps`` steps from each row of ``starts`` (S, 2).
    ``gradient`` replaces the one made from ``batch_size``, ``noise`` and
    ``seed`` (a ``FanGradient`` runs each row with its own seed).

    A start diverges when its point becomes non-finite or leaves ``box``
    (x_min, x_max, y_min, y_max); it is then frozen and its rows are NaN.
    With ``record`` off only the first and last rows are kept (params (2, S, 2)),
    which is what many-start pictures need and saves memory. ``progress(t)``
    hears the steps done, about 200 times a run.
    """
    hp = {**rule.defaults, **(hyperparameters or {})}
    unknown = set(hp) - set(rule.defaults)
    if unknown:
        raise ValueError(
            f"{rule.name} ({rule.convention}) has no hyperparameter {', '.join(sorted(unknown))}"
        )
    gradient = gradient or Gradient(
        land, mean=rule.convention != "udl", batch_size=batch_size, noise=noise, seed=seed
    )
    x = np.array(starts, float).reshape(-1, 2)
    params = np.full(((steps if record else 1) + 1, *x.shape), np.nan)
    params[0] = x
    diverged_at = np.full(len(x), -1)
    state: dict = {}
    all_alive = True
    every = max(1, steps // 200)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            if progress is not None and (t % every == 0 or t == steps):
                progress(t)
            gradient.begin_step()
            new = rule.step(x, gradient, state, t, hp)
            ok = np.isfinite(new).all(axis=1)
            if box is not None:
                ok &= _inside(new, box)
            row = t if record else 1
            if all_alive and ok.all():  # the usual case, kept cheap
                x = new
                if record or t == steps:
                    params[row] = x
                continue
            diverged_at[~ok & (diverged_at < 0)] = t
            alive = diverged_at < 0
            all_alive = False
            x = np.where(alive[:, None], new, x)
            if record or t == steps:
                params[row, alive] = x[alive]
        loss = land.loss(params[..., 0], params[..., 1])
    return Run(rule.name, rule.convention, hp, params, loss, diverged_at, batch_size, noise)


def _inside(x: Array, box: tuple[float, float, float, float]) -> Array:
    return (x[:, 0] >= box[0]) & (x[:, 0] <= box[1]) & (x[:, 1] >= box[2]) & (x[:, 1] <= box[3])


def divergence_box(x_range, y_range, factor: float = 10.0) -> tuple[float, float, float, float]:
    """A generous box: the view grown ``factor`` times about its centre."""
    (x0, x1), (y0, y1) = x_range, y_range
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    return cx - factor * hx, cx + factor * hx, cy - factor * hy, cy + factor * hy


def steps_to_reach(loss: Array, target: float, tol: float) -> int | None:
    """The first step whose loss is within ``tol`` of ``target``, or None."""
    hits = np.flatnonzero(np.asarray(loss) <= target + tol)
    return int(hits[0]) if hits.size else None


# --------------------------------------------------------------------------- defaults


@dataclass(frozen=True)
class Setting:
    """Defaults that make a landscape's picture teach: where to start, how long
    to run, the learning rate of the gradient-descent family (for udl's summed
    gradient) and of the adaptive methods (whose steps are about lr long)."""

    start: tuple[float, float]
    steps: int
    lr: float
    adaptive_lr: float


SETTINGS = {
    # gd (and momentum, whose udl form averages gradients, so its step is no
    # longer) crawls onto the plateau near (−0.5, 7) and stalls there; Adam's
    # step, about lr long however small the gradient, crosses it and reaches
    # the global minimum (0, 16) in under 200 steps. From every start within
    # ±0.25 of this one the same holds (tests/compute/test_optimizers_lesson.py).
    "gabor": Setting((-1.0, 6.5), 300, 0.04, 0.08),
    "linear": Setting((1.8, -0.8), 100, 0.02, 0.02),
    "rosenbrock": Setting((-1.5, 2.5), 1500, 1e-3, 0.02),
    "rastrigin": Setting((-2.2, 3.6), 200, 2e-3, 0.1),
    "beale": Setting((1.0, 1.5), 500, 1e-3, 0.05),
    "himmelblau": Setting((-0.5, 0.5), 200, 0.01, 0.1),
    "quadratic": Setting((-5.0, -2.0), 50, 0.4, 0.4),
    "saddle": Setting((-1.5, 0.01), 30, 0.1, 0.05),
}
GD_FAMILY = ("gd", "sgd", "momentum", "nesterov")


def default_lr(land: Landscape, rule: Rule, hyperparameters: Mapping) -> float | None:
    """The learning rate for ``rule`` on ``land`` when none is given; None for
    rules without one (udl's and d2l's adadelta)."""
    if "lr" not in rule.defaults:
        return None
    if rule.name == "adadelta":
        return rule.defaults["lr"]
    setting = SETTINGS[land.name]
    if rule.name not in GD_FAMILY:
        return setting.adaptive_lr * (5 if rule.name == "adagrad" else 1)
    lr = setting.lr
    if rule.convention != "udl" and land.data is not None:
        lr *= len(land.data.x)  # d2l and pytorch average the gradient over the batch
    momentum = hyperparameters.get("momentum", rule.defaults.get("momentum", 0.0))
    if rule.convention != "udl" and rule.name in ("momentum", "nesterov"):
        lr *= 1 - momentum  # their velocity sums gradients; udl's averages them
    return lr


def start_grid(x_range, y_range, n: int) -> Array:
    """n × n starts filling the view (cell centres), as (n², 2), row-major in y."""
    (x0, x1), (y0, y1) = x_range, y_range
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def nearest_minimum(points: Array, minima: Array, radius: float) -> Array:
    """Index of the minimum each point ends within ``radius`` of, −1 for none."""
    if len(minima) == 0:
        return np.full(len(points), -1)
    dist = np.linalg.norm(points[:, None, :] - np.asarray(minima)[None, :, :], axis=-1)
    index = np.argmin(dist, axis=1)
    return np.where(np.take_along_axis(dist, index[:, None], 1)[:, 0] <= radius, index, -1)


# --------------------------------------------------------------------------- races


@dataclass(frozen=True)
class Race:
    """Several optimizers from the same starts over one landscape.

    landscape: the loss on a grid whose view contains every path (diverged
    ones up to a limit); runs: one Run per optimizer, each over all starts;
    minimum: the landscape's lowest point; tol: the loss gap counted as
    "reached" in ``steps_to_tol``.
    """

    landscape: LandscapeResult
    runs: tuple[Run, ...]
    starts: Array  # (S, 2)
    tol: float
    spec: OptimizersSpec | None = None  # what ran, when built by ``run``
    land: Landscape | None = None  # the loss function itself (for the Hessian at an end)

    def steps_to_tol(self, run: Run, k: int) -> int | None:
        return steps_to_reach(run.loss[:, k], self.landscape.minimum.loss, self.tol)

    def outcome(self, run: Run, k: int) -> Outcome:
        """Where start ``k``'s run ended up, in the terms a lecture uses."""
        return _outcome(self, run, k)

    def fan_outcome(self, run: Run) -> tuple[int, int, Array]:
        """Over every seed of a stochastic run from the first start: how many
        reached the global minimum, how many seeds ran, and the final losses."""
        losses = np.vstack([run.loss[:, 0], run.fan_loss])
        target = self.landscape.minimum.loss
        reached = sum(steps_to_reach(row, target, self.tol) is not None for row in losses)
        finals = np.array([row[np.isfinite(row)][-1] for row in losses])
        return reached, len(losses), finals

    def lesson(self) -> Lesson | None:
        """What this race from one start teaches (None for several starts)."""
        return lesson(self)


STALL = 0.05  # a run stalls when its last quarter takes less than this share off its gap to L*


@dataclass(frozen=True)
class Outcome:
    """How a run ended. kind: "reached" (the global minimum, within tol, at
    ``step``), "diverged" (at ``step``), "local_minimum" (ends at a local
    minimum found exactly), "saddle_region" or "plateau" (stalled: over the
    last ``over`` steps the loss fell by ``fell``, less than STALL of what
    still separates it from the minimum's; where the Hessian has a
    negative eigenvalue that is a saddle region, else a plateau), or
    "descending" (still going down); x, y, loss: the last point; eigenvalues:
    the Hessian's there (ascending)."""

    kind: str
    step: int
    x: float
    y: float
    loss: float
    eigenvalues: tuple[float, float]
    fell: float = np.nan
    over: int = 0


def _outcome(race: Race, run: Run, k: int) -> Outcome:
    path = run.path(k)
    x, y = (float(v) for v in path[-1])
    last = len(path) - 1
    loss = float(run.loss[last, k])
    if run.diverged_at[k] >= 0:
        return Outcome("diverged", int(run.diverged_at[k]), x, y, loss, (np.nan, np.nan))
    from dlviz.compute.landscape import _hessian

    hess = _hessian(race.land.grad, np.array([x, y]))
    eig = tuple(float(e) for e in np.linalg.eigvalsh(hess))
    reached = race.steps_to_tol(run, k)
    if reached is not None:
        return Outcome("reached", reached, x, y, loss, eig)
    grid = race.landscape
    near = 0.01 * np.hypot(grid.x[-1] - grid.x[0], grid.y[-1] - grid.y[0])
    for c in grid.critical:
        if c.kind == "minimum" and np.hypot(c.x - x, c.y - y) < near:
            return Outcome("local_minimum", last, x, y, loss, eig)
    over = max(1, last // 4)
    fell = float(run.loss[last - over, k] - loss)
    if fell < STALL * max(loss - grid.minimum.loss, race.tol):
        kind = "saddle_region" if eig[0] < 0 else "plateau"
    else:
        kind = "descending"
    return Outcome(kind, last, x, y, loss, eig, fell, over)


@dataclass(frozen=True)
class Lesson:
    """What a race from one start shows, in claims a caption states: in
    ``steps`` steps from ``start``, ``reached`` (rule, step) reached the global
    minimum, ``missed`` did not; ``fans`` (rule, seeds that reached, seeds run)
    for the stochastic rules, whose seeds differ."""

    steps: int
    start: tuple[float, float]
    reached: tuple[tuple[str, int], ...]
    missed: tuple[str, ...]
    fans: tuple[tuple[str, int, int], ...]

    def claims(self) -> tuple:
        """The lesson's claims without this run's numbers: which rules reached
        the minimum, which did not, and whether none, some or all of each
        fan's seeds did. Nearby starts teach the same lesson when these agree."""
        share = {0: "none"}
        return (
            frozenset(name for name, _ in self.reached),
            frozenset(self.missed),
            tuple((name, share.get(k, "all" if k == n else "some")) for name, k, n in self.fans),
        )


def lesson(race: Race) -> Lesson | None:
    """The lesson of a race from one start (None for several starts)."""
    if len(race.starts) != 1:
        return None
    reached, missed, fans = [], [], []
    for run in race.runs:
        if run.fan is not None:
            k, n, _ = race.fan_outcome(run)
            fans.append((run.optimizer, k, n))
            continue
        step = race.steps_to_tol(run, 0)
        if step is None:
            missed.append(run.optimizer)
        else:
            reached.append((run.optimizer, step))
    steps = race.runs[0].params.shape[0] - 1
    start = (float(race.starts[0, 0]), float(race.starts[0, 1]))
    return Lesson(
        steps, start, tuple(sorted(reached, key=lambda r: r[1])), tuple(missed), tuple(fans)
    )


def view_containing(runs, x_range, y_range, margin: float = 0.05, limit: float = 3.0):
    """The smallest view holding ``x_range`` × ``y_range`` and every finite
    point of the runs, with a margin; it grows at most ``limit`` times the
    original size, so one diverging path cannot shrink the picture to a dot."""
    (x0, x1), (y0, y1) = x_range, y_range
    pts = np.concatenate([r.params.reshape(-1, 2) for r in runs])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    w, h = x1 - x0, y1 - y0
    lo = np.maximum(pts.min(axis=0), [x0 - limit * w, y0 - limit * h]) if len(pts) else [x0, y0]
    hi = np.minimum(pts.max(axis=0), [x1 + limit * w, y1 + limit * h]) if len(pts) else [x1, y1]
    nx0, nx1 = min(x0, lo[0]), max(x1, hi[0])
    ny0, ny1 = min(y0, lo[1]), max(y1, hi[1])
    if (nx0, nx1, ny0, ny1) == (x0, x1, y0, y1):
        return (x0, x1), (y0, y1)
    mx, my = margin * (nx1 - nx0), margin * (ny1 - ny0)
    return (nx0 - (mx if nx0 < x0 else 0), nx1 + (mx if nx1 > x1 else 0)), (
        ny0 - (my if ny0 < y0 else 0),
        ny1 + (my if ny1 > y1 else 0),
    )


def race(
    land: Landscape,
    rules: list[Rule],
    starts,
    *,
    steps: int,
    hyperparameters: Mapping[str, Mapping] | None = None,
    batch_size: int | None = None,
    noise: float | None = None,
    seed: int = 0,
    x_range=None,
    y_range=None,
    resolution: int = 201,
    tol: float | None = None,
) -> Race:
    """Run every rule from ``starts`` and sample the landscape around the paths.

    ``hyperparameters`` maps an optimizer name to its overrides; a missing
    learning rate takes ``default_lr``. ``noise`` None means 0, except for sgd
    on analytic landscapes, which gets SGD_NOISE; ``batch_size`` None means
    full batch, except for sgd on data models, which gets SGD_BATCH.
    """
    settings = {}
    for rule in rules:
        hp = dict((hyperparameters or {}).get(rule.name, {}))
        lr = default_lr(land, rule, hp)
        if "lr" not in hp and lr is not None:
            hp["lr"] = lr
        is_sgd = rule.name == "sgd"
        batch = batch_size if batch_size or not is_sgd or land.data is None else SGD_BATCH
        sigma = noise if noise is not None else (SGD_NOISE if is_sgd else 0.0)
        settings[rule.name] = (hp, batch, 0.0 if land.data else sigma)
    return _race(
        land,
        rules,
        settings,
        starts,
        steps=steps,
        seed=seed,
        x_range=x_range,
        y_range=y_range,
        resolution=resolution,
        tol=tol,
    )


def _race(
    land, rules, settings, starts, *, steps, seed, x_range, y_range, resolution, tol, runs_told=None
):
    """``settings[name]`` = (hyperparameters, batch size or None, noise σ);
    ``runs_told(steps)`` gives each run its progress callback."""
    x_range, y_range = x_range or land.x_range, y_range or land.y_range
    box = divergence_box(x_range, y_range)
    runs = []
    for rule in rules:
        hp, batch, sigma = settings[rule.name]
        runs.append(
            run_optimizer(
                land,
                rule,
                starts,
                steps=steps,
                hyperparameters=hp,
                batch_size=batch,
                noise=sigma,
                seed=seed,
                box=box,
                progress=runs_told(steps) if runs_told else None,
            )
        )
    view_x, view_y = view_containing(runs, x_range, y_range)
    grid = compute_landscape(
        land, x_range=view_x, y_range=view_y, resolution=resolution, critical=True
    )
    if tol is None:
        tol = 1e-2 * max(1.0, abs(grid.minimum.loss))
    return Race(grid, tuple(runs), np.array(starts, float).reshape(-1, 2), tol, None, land)


# --------------------------------------------------------------------------- basins


@dataclass(frozen=True)
class Basins:
    """One optimizer from an n × n grid of starts covering the view.

    xs, ys: (n,) start coordinates (start [i, j] = (xs[j], ys[i])); final:
    (n, n, 2) where each run ends (NaN if it diverged); final_loss: (n, n);
    diverged: (n, n); reached: (n, n) index into landscape.minima of the
    minimum each run ends near (−1 none), or None when the landscape has
    fewer than two known minima.
    """

    landscape: LandscapeResult
    run: Run
    steps: int
    xs: Array
    ys: Array
    final: Array
    final_loss: Array
    diverged: Array
    reached: Array | None
    spec: OptimizersSpec | None = None  # what ran, when built by ``run``


def basins(
    land: Landscape,
    rule: Rule,
    n: int,
    *,
    steps: int,
    hyperparameters: Mapping | None = None,
    batch_size: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
    x_range=None,
    y_range=None,
    resolution: int = 201,
    progress: Callable[[int], None] | None = None,
) -> Basins:
    """Run ``rule`` from n × n starts at once (vectorised across starts);
    ``progress(t)`` hears the steps done."""
    x_range, y_range = x_range or land.x_range, y_range or land.y_range
    hp = dict(hyperparameters or {})
    lr = default_lr(land, rule, hp)
    if "lr" not in hp and lr is not None:
        hp["lr"] = lr
    starts = start_grid(x_range, y_range, n)
    run = run_optimizer(
        land,
        rule,
        starts,
        steps=steps,
        hyperparameters=hp,
        batch_size=batch_size,
        noise=noise,
        seed=seed,
        box=divergence_box(x_range, y_range),
        record=False,
        progress=progress,
    )
    grid = compute_landscape(land, x_range=x_range, y_range=y_range, resolution=resolution)
    final = run.params[-1]
    (x0, x1), (y0, y1) = x_range, y_range
    reached = None
    if len(grid.minima) > 1:
        radius = 0.02 * max(x1 - x0, y1 - y0)
        minima = np.array([(p.x, p.y) for p in grid.minima])
        reached = nearest_minimum(np.nan_to_num(final, nan=np.inf), minima, radius).reshape(n, n)
    return Basins(
        grid,
        run,
        steps,
        starts[:n, 0],
        starts[::n, 1],
        final.reshape(n, n, 2),
        run.loss[-1].reshape(n, n),
        (run.diverged_at >= 0).reshape(n, n),
        reached,
    )


# --------------------------------------------------------------------------- the spec

# the hyperparameters a command line may set, with what each takes
RANGES = {
    "lr": (0.0, np.inf, "open"),
    "momentum": (0.0, 1.0, "half"),
    "rho": (0.0, 1.0, "half"),
    "beta1": (0.0, 1.0, "half"),
    "beta2": (0.0, 1.0, "half"),
    "dampening": (0.0, 1.0, "half"),
    "eps": (0.0, np.inf, "open"),
    "weight_decay": (0.0, np.inf, "closed"),
    "lr_decay": (0.0, np.inf, "closed"),
    "initial_accumulator_value": (0.0, np.inf, "closed"),
}
FLAGS = ("nesterov", "centered", "amsgrad")
MAX_STEPS = 100_000
STEP_OVERHEAD = 4000  # a step's fixed cost (Python, NumPy calls) in units of a start's point
UNIT_SECONDS = 25e-9  # one start's step through one data point, measured on a 2-core laptop
MAX_WORK = 2.4e9  # about a minute


@dataclass(frozen=True)
class OptimizersSpec:
    """Every effective parameter of an optimizer race (or basins picture).

    hyperparameters: per optimizer, every hyperparameter its rule reads, the
    learning rate included; batch_size: per optimizer on the data models, the
    minibatch size (the training set's size is the full gradient), 0 on the
    analytic landscapes; noise: per optimizer on the analytic landscapes, σ of
    the Gaussian noise added to the gradient, 0 on the data models; starts:
    the starting points (empty for basins, whose n × n grid fills the view);
    tol: the loss gap to the minimum counted as reached; basins: n of the
    n × n grid of starts, 0 for a race.
    """

    landscape: LandscapeSpec
    convention: str
    optimizers: tuple[str, ...]
    hyperparameters: Mapping[str, Mapping[str, float | bool]]
    batch_size: Mapping[str, int]
    noise: Mapping[str, float]
    starts: tuple[tuple[float, float], ...]
    steps: int
    seed: int
    tol: float
    basins: int = 0
    seeds: int = 1  # a stochastic rule runs with seeds seed … seed + seeds − 1 (a fan)

    def rule(self, name: str) -> Rule:
        """The rule that ran as ``name``."""
        return RULES[self.convention][name]

    def fans(self, full: int) -> int:
        """How many rules also run from seeds − 1 more seeds (a fan), on a
        landscape of ``full`` data points."""
        if self.seeds == 1:
            return 0
        return sum(_stochastic(self.batch_size[n], self.noise[n], full) for n in self.optimizers)

    def work(self) -> tuple[float, float, float]:
        """(per start, per step, once): the run's work in units of one
        start's step through one data point (about 25 ns here). Each run pays
        STEP_OVERHEAD a step and each of its starts 1 + n (a data model's n
        points); a stochastic rule's fan is one run more with seeds − 1
        starts; the landscape grid is resolution² points, paid once."""
        land = landscape_of(self.landscape)
        full = len(land.data.x) if land.data is not None else 0
        point = 1 + full
        if self.basins:
            return point, STEP_OVERHEAD, self.landscape.resolution**2 * point
        fans = self.fans(full)
        runs = len(self.optimizers) + fans
        rows = len(self.starts) * len(self.optimizers) + fans * (self.seeds - 1)
        return point, runs * STEP_OVERHEAD + rows * point, self.landscape.resolution**2 * point

    def cost(self):
        """None when every start's steps (and the landscape grid) are within
        what a laptop runs in about a minute; else what to ask for instead:
        fewer basins, or fewer steps."""
        from dlviz.compute.cost import TooBig, duration

        point, per_step, once = self.work()
        rows = self.basins**2
        work = self.steps * (per_step + rows * point) + once
        if work <= MAX_WORK:
            return None
        what = f"about {duration(work * UNIT_SECONDS)} of steps"
        limit = f"at most ~{duration(MAX_WORK * UNIT_SECONDS)} here"
        room = (MAX_WORK - once) / self.steps - per_step  # for the basins' starts
        n = int((room / point) ** 0.5) if room > 0 else 0
        if self.basins and n >= 2:
            return TooBig("basins", self.basins, what, limit, {"basins": n})
        steps = int((MAX_WORK - once) // (per_step + 4 * point if self.basins else per_step))
        return TooBig("steps", self.steps, what, limit, {"steps": steps} if steps >= 1 else {})


def make_spec(
    landscape: str | Mapping = "gabor",
    *,
    convention: str = "udl",
    optimizers=None,
    hyperparameters: Mapping | None = None,
    overrides: Mapping | None = None,
    batch_size=None,
    noise=None,
    starts=None,
    steps: int | None = None,
    seed: int = 0,
    tol: float | None = None,
    basins: int = 0,
    seeds: int | None = None,
) -> OptimizersSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.

    ``landscape`` is a name or the landscape spec's parameters. Hyperparameters
    resolve in layers: the convention's defaults, the landscape's learning
    rates, ``hyperparameters`` (per optimizer: a replayed table), then
    ``overrides`` (``"*"`` for every optimizer that reads the value, then per
    optimizer). ``batch_size`` and ``noise`` are one value for all or a table
    per optimizer.
    """
    land_spec = make_landscape_spec(**(_as_mapping(landscape)))
    land = landscape_of(land_spec)
    choice("convention", convention, CONVENTIONS)
    names = _optimizer_names(optimizers, convention)
    basins = whole("basins", basins, 0, 500)
    check(basins != 1, "basins", basins, "must be 0 (a race) or from 2 to 500")
    check(
        not basins or len(names) == 1,
        "basins",
        basins,
        "runs one optimizer: choose it with --optimizer",
    )
    hps = _hyperparameters(land, convention, names, hyperparameters or {}, overrides or {})
    setting = SETTINGS[land.name]
    if basins:
        check(not starts, "starts", starts, "--basins chooses the starts itself")
        starts = ()
    else:
        starts = tuple(pair("starts", s) for s in (starts or [setting.start]))
        land_spec = _holding(land_spec, starts)
    steps = whole("steps", setting.steps if steps is None else steps, 1, MAX_STEPS)
    seed = whole("seed", seed, 0, 2**32 - 1)
    if tol is None:  # the view's minimum: a coarse grid's best point, refined by Newton steps
        grid = compute_landscape(
            land,
            x_range=land_spec.x_range,
            y_range=land_spec.y_range,
            resolution=min(41, land_spec.resolution),
        )
        tol = 1e-2 * max(1.0, abs(grid.minimum.loss))
    tol = number("tol", tol, 0.0, open_lo=True)
    batches, noises = _batches(land, names, batch_size), _noises(land, names, noise)
    full = len(land.data.x) if land.data is not None else 0
    stochastic = any(_stochastic(batches[n], noises[n], full) for n in names)
    if seeds is None:  # a fan of seeds shows what one seed's luck hides
        seeds = FAN_SEEDS if stochastic and not basins else 1
    seeds = whole("seeds", seeds, 1, 100)
    check(seeds == 1 or not basins, "seeds", seeds, "--basins runs one seed")
    return OptimizersSpec(
        land_spec, convention, names, hps, batches, noises, starts, steps, seed, tol, basins, seeds
    )


def _stochastic(batch_size: int, noise: float, full: int) -> bool:
    """Minibatches (a batch other than the full ``full`` points) or gradient noise."""
    return batch_size not in (0, full) or noise > 0


def _holding(land_spec: LandscapeSpec, starts) -> LandscapeSpec:
    """The view grown (with a margin) to hold every start: a start outside the
    view would otherwise sit outside the picture, past the divergence box."""
    from dlviz.compute.landscape import MAX_COORDINATE

    points = np.array(starts, float)
    check(
        bool(np.all(np.abs(points) <= MAX_COORDINATE)),
        "starts",
        points.tolist(),
        f"starts must lie within ±{MAX_COORDINATE:g}",
    )
    ranges = []
    for axis, (lo, hi) in enumerate((land_spec.x_range, land_spec.y_range)):
        low, high = min(lo, points[:, axis].min()), max(hi, points[:, axis].max())
        margin = 0.05 * (high - low)
        ranges.append((low - margin if low < lo else lo, high + margin if high > hi else hi))
    if ranges == [land_spec.x_range, land_spec.y_range]:
        return land_spec
    return replace(land_spec, x_range=ranges[0], y_range=ranges[1])


def _as_mapping(landscape) -> dict:
    return {"name": landscape} if isinstance(landscape, str) else dict(landscape)


def _optimizer_names(optimizers, convention: str) -> tuple[str, ...]:
    offered = tuple(RULES[convention])
    if optimizers is None:
        return DEFAULT_SET
    if list(optimizers) == ["all"]:
        return offered
    names = tuple(dict.fromkeys(optimizers))  # once each, in the order given
    check(len(names) > 0, "optimizers", "", f"name at least one of {', '.join(offered)}")
    for n in names:
        choice("optimizers", n, NAMES)
        check(
            n in offered,
            "optimizers",
            n,
            f"the {convention} convention does not define it; it offers {', '.join(offered)}",
        )
    return names


def _hyperparameters(land, convention, names, table: Mapping, overrides: Mapping) -> dict:
    """Per optimizer, every hyperparameter its rule reads, in the layers of make_spec."""
    star = overrides.get("*", {})
    for key, value in star.items():
        check(
            any(key in RULES[convention][n].defaults for n in names),
            key,
            value,
            f"no optimizer drawn uses it under {convention}",
        )
    for n, values in overrides.items():
        if n != "*":
            first = next(iter(values), "lr")
            check(
                n in names,
                first,
                f"{n}={values.get(first)}",
                f"{n} is not among the optimizers drawn ({', '.join(names)})",
            )
    out = {}
    for n in names:
        rule = RULES[convention][n]
        mine = {k: v for k, v in star.items() if k in rule.defaults}
        given = {**table.get(n, {}), **mine, **overrides.get(n, {})}
        for key in given:
            what = "learning rate" if key == "lr" else key
            check(
                key in rule.defaults,
                key,
                f"{n}={given[key]}",
                f"{n} has no {what} under {convention}",
            )
        hp = {**rule.defaults, **given}
        if "lr" in rule.defaults and "lr" not in given:
            hp["lr"] = default_lr(land, rule, hp)
        out[n] = {k: _checked(k, v) for k, v in hp.items()}
        _check_rule(rule, out[n])
    return out


def _checked(key: str, value):
    if key in FLAGS:
        check(isinstance(value, bool), key, value, "true or false")
        return value
    lo, hi, kind = RANGES[key]
    return number(key, value, lo, hi, open_lo=kind == "open", open_hi=kind != "closed")


def _check_rule(rule: Rule, hp: Mapping) -> None:
    """What torch.optim refuses, refused here too."""
    if rule.convention == "pytorch" and hp.get("nesterov"):
        check(
            hp["momentum"] > 0,
            "momentum",
            hp["momentum"],
            "Nesterov momentum needs a momentum above 0 (as torch.optim.SGD)",
        )
        check(
            hp["dampening"] == 0,
            "dampening",
            hp["dampening"],
            "Nesterov momentum needs zero dampening (as torch.optim.SGD)",
        )


def _per_optimizer(value, names) -> dict:
    return dict(value) if isinstance(value, Mapping) else {n: value for n in names}


def _batches(land: Landscape, names, batch_size) -> dict[str, int]:
    if land.data is None:
        given = _per_optimizer(batch_size if batch_size is not None else 0, names)
        for n in names:
            check(not given.get(n), "batch_size", given.get(n), "applies only to gabor and linear")
        return {n: 0 for n in names}
    size = len(land.data.x)
    given = _per_optimizer(batch_size, names) if batch_size is not None else {}
    default = {n: SGD_BATCH if n == "sgd" else size for n in names}
    return {n: whole("batch_size", given.get(n, default[n]), 1, size) for n in names}


def _noises(land: Landscape, names, noise) -> dict[str, float]:
    if land.data is not None:
        given = _per_optimizer(noise if noise is not None else 0.0, names)
        for n in names:
            check(
                not given.get(n), "noise", given.get(n), "applies only to the analytic landscapes"
            )
        return {n: 0.0 for n in names}
    given = _per_optimizer(noise, names) if noise is not None else {}
    default = {n: SGD_NOISE if n == "sgd" else 0.0 for n in names}
    return {n: number("noise", given.get(n, default[n]), 0.0) for n in names}


def run(spec: OptimizersSpec, progress: Callable[[int, int], None] | None = None) -> Race | Basins:
    """The race (or basins picture) ``spec`` describes, holding ``spec``.
    ``progress(done, total)`` hears the steps run so far, over every run."""
    land, ls = landscape_of(spec.landscape), spec.landscape
    n = len(land.data.x) if land.data is not None else 0
    runs_told = _runs_told(spec, progress, n)
    rules = [spec.rule(name) for name in spec.optimizers]
    batch = {k: (None if v in (0, n) else v) for k, v in spec.batch_size.items()}
    if spec.basins:
        name = spec.optimizers[0]
        result = basins(
            land,
            rules[0],
            spec.basins,
            steps=spec.steps,
            seed=spec.seed,
            hyperparameters=spec.hyperparameters[name],
            batch_size=batch[name],
            noise=spec.noise[name],
            x_range=ls.x_range,
            y_range=ls.y_range,
            resolution=ls.resolution,
            progress=runs_told(spec.steps) if runs_told else None,
        )
    else:
        settings = {k: (spec.hyperparameters[k], batch[k], spec.noise[k]) for k in spec.optimizers}
        result = _race(
            land,
            rules,
            settings,
            spec.starts,
            steps=spec.steps,
            seed=spec.seed,
            x_range=ls.x_range,
            y_range=ls.y_range,
            resolution=ls.resolution,
            tol=spec.tol,
            runs_told=runs_told,
        )
        if spec.seeds > 1:
            result = replace(
                result,
                runs=tuple(_with_fan(land, spec, r, batch, runs_told) for r in result.runs),
            )
    check_log_scale(ls, result.landscape.loss)
    return replace(result, spec=spec)


def _runs_told(spec: OptimizersSpec, progress, full: int):
    """None without ``progress``; else ``runs_told(steps)``: the callback of
    the next run, telling ``progress`` the steps of every run so far (on a
    landscape of ``full`` data points)."""
    if progress is None:
        return None
    total = spec.steps * (1 if spec.basins else len(spec.optimizers) + spec.fans(full))
    done = [0]

    def runs_told(steps: int):
        base = done[0]
        done[0] += steps
        return lambda t: progress(base + t, total)

    return runs_told


def _with_fan(
    land: Landscape, spec: OptimizersSpec, run: Run, batch: Mapping, runs_told=None
) -> Run:
    """A stochastic run with its other seeds from the first start, all run at once."""
    if not run.stochastic:
        return run
    ls, name = spec.landscape, run.optimizer
    seeds = [spec.seed + i for i in range(1, spec.seeds)]
    fan = FanGradient(
        land,
        mean=run.convention != "udl",
        batch_size=batch[name],
        noise=spec.noise[name],
        seeds=seeds,
    )
    others = run_optimizer(
        land,
        spec.rule(name),
        np.repeat(np.array(spec.starts[:1]), len(seeds), 0),
        steps=spec.steps,
        hyperparameters=spec.hyperparameters[name],
        box=divergence_box(ls.x_range, ls.y_range),
        gradient=fan,
        progress=runs_told(spec.steps) if runs_told else None,
    )
    return replace(run, fan=others.params.transpose(1, 0, 2), fan_loss=others.loss.T)


def result_json(result: Race | Basins) -> dict:
    """What ``--data`` exports beside the parameters: every trajectory of a
    race, or the basins picture's grid of outcomes."""
    return basins_json(result) if isinstance(result, Basins) else race_json(result)


def race_json(race: Race) -> dict:
    """Every trajectory: params rows [x, y] (start first), loss, hyperparameters."""
    trajectories = []
    for run in race.runs:
        for k, s in enumerate(race.starts):
            rows = run.params[:, k]
            keep = slice(0, int(run.diverged_at[k]) if run.diverged_at[k] >= 0 else None)
            trajectories.append(
                {
                    "optimizer": run.optimizer,
                    "convention": run.convention,
                    "start": s,
                    "params": rows[keep],
                    "loss": run.loss[keep, k],
                    "hyperparameters": dict(run.hyperparameters),
                    "diverged": bool(run.diverged_at[k] >= 0),
                    "diverged_at": int(run.diverged_at[k]) if run.diverged_at[k] >= 0 else None,
                    "outcome": _outcome_json(race.outcome(run, k)),
                }
            )
            if k == 0 and run.fan is not None:  # the other seeds (seed + 1, ...)
                trajectories[-1]["fan"] = {"params": run.fan, "loss": run.fan_loss}
    m = race.landscape.minimum
    taught = lesson(race)
    return {
        "trajectories": trajectories,
        **({"lesson": _lesson_json(taught)} if taught else {}),
        "minimum": {"x": m.x, "y": m.y, "loss": m.loss},
        "view": {
            "x": [race.landscape.x[0], race.landscape.x[-1]],
            "y": [race.landscape.y[0], race.landscape.y[-1]],
        },
    }


def _outcome_json(o: Outcome) -> dict:
    out = {"kind": o.kind, "step": o.step, "end": [o.x, o.y], "loss": o.loss}
    if o.kind != "diverged":
        out["hessian_eigenvalues"] = list(o.eigenvalues)
    if o.over:
        out["loss_fell"] = {"by": o.fell, "over_last_steps": o.over}
    return out


def _lesson_json(taught: Lesson) -> dict:
    return {
        "steps": taught.steps,
        "start": list(taught.start),
        "reached": [{"optimizer": n, "step": s} for n, s in taught.reached],
        "missed": list(taught.missed),
        "fans": [{"optimizer": n, "seeds_reached": k, "seeds": m} for n, k, m in taught.fans],
    }


def basins_json(b: Basins) -> dict:
    """The basins picture: where each start ended, its loss, the minimum it reached."""
    return {
        "basins": {
            "optimizer": b.run.optimizer,
            "convention": b.run.convention,
            "hyperparameters": dict(b.run.hyperparameters),
            "x": b.xs,
            "y": b.ys,
            "final": b.final,
            "final_loss": b.final_loss,
            "diverged": b.diverged,
            "reached": b.reached,
            "minima": [{"x": p.x, "y": p.y} for p in b.landscape.minima],
        }
    }
