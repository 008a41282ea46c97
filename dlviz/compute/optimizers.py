"""Optimizer trajectories over a landscape, in three conventions.

``udl`` follows Understanding Deep Learning, ``d2l`` Dive into Deep Learning,
``pytorch`` torch.optim exactly. Each rule updates an (S, 2) array of points
at once, so one call runs many starts (the basins picture) as cheaply as one.

A rule is ``step(x, grad, state, t, hp) -> x_new``: ``grad(points)`` returns
the gradient for this step (the same minibatch however often it is called,
so Nesterov's look-ahead sees the batch of its step), ``state`` is a dict of
arrays the rule keeps between steps, ``t`` counts from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from dlviz.compute.landscape import Landscape, LandscapeResult, compute_landscape

Array = np.ndarray
CONVENTIONS = ("udl", "d2l", "pytorch")
NAMES = ("gd", "sgd", "momentum", "nesterov", "normalized", "adagrad", "rmsprop", "adadelta",
         "adam")  # fmt: skip
SGD_BATCH = 5  # sgd's minibatch on the data models when --batch-size is not given
SGD_NOISE = 1.0  # sgd's gradient noise on analytic landscapes when --noise is not given


@dataclass(frozen=True)
class Rule:
    """One optimizer under one convention."""

    name: str
    convention: str
    step: Callable
    defaults: Mapping[str, float | bool]  # every hyperparameter the rule reads
    formula: str  # LaTeX (matplotlib mathtext compatible)
    text: str  # the same rule in plain Unicode, for figure captions


def _zeros(state: dict, x: Array, *keys: str) -> list[Array]:
    return [state.setdefault(k, np.zeros_like(x)) for k in keys]


# --------------------------------------------------------------------------- udl
# (AdaGrad, RMSProp and AdaDelta are the same mathematics in d2l, with other
# letters and default ε; d2l uses these functions too.)


def _udl_gd(x, grad, state, t, hp):
    return x - hp["lr"] * grad(x)


def _udl_momentum(x, grad, state, t, hp):
    (m,) = _zeros(state, x, "m")
    rho = hp["momentum"]
    state["m"] = rho * m + (1 - rho) * grad(x)
    return x - hp["lr"] * state["m"]


def _udl_nesterov(x, grad, state, t, hp):
    (m,) = _zeros(state, x, "m")
    rho, lr = hp["momentum"], hp["lr"]
    state["m"] = rho * m + (1 - rho) * grad(x - lr * rho * m)
    return x - lr * state["m"]


def _udl_normalized(x, grad, state, t, hp):
    g = grad(x)
    return x - hp["lr"] * g / np.sqrt(g * g + hp["eps"])


def _adagrad(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    g = grad(x)
    state["v"] = v + g * g
    return x - hp["lr"] * g / np.sqrt(state["v"] + hp["eps"])


def _rmsprop(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    g, rho = grad(x), hp["rho"]
    state["v"] = rho * v + (1 - rho) * g * g
    return x - hp["lr"] * g / np.sqrt(state["v"] + hp["eps"])


def _adadelta(x, grad, state, t, hp):
    v, s = _zeros(state, x, "v", "s")
    g, rho, eps = grad(x), hp["rho"], hp["eps"]
    v = state["v"] = rho * v + (1 - rho) * g * g
    delta = -np.sqrt(s + eps) / np.sqrt(v + eps) * g
    state["s"] = rho * s + (1 - rho) * delta * delta
    return x + delta


def _udl_adam(x, grad, state, t, hp):
    m, v = _zeros(state, x, "m", "v")
    g, beta, gamma = grad(x), hp["beta1"], hp["beta2"]
    m = state["m"] = beta * m + (1 - beta) * g
    v = state["v"] = gamma * v + (1 - gamma) * g * g
    m_hat, v_hat = m / (1 - beta**t), v / (1 - gamma**t)
    return x - hp["lr"] * m_hat / np.sqrt(v_hat + hp["eps"])


# --------------------------------------------------------------------------- d2l


def _d2l_momentum(x, grad, state, t, hp):
    (v,) = _zeros(state, x, "v")
    state["v"] = hp["momentum"] * v + hp["lr"] * grad(x)
    return x - state["v"]


def _d2l_adam(x, grad, state, t, hp):
    v, s = _zeros(state, x, "v", "s")
    g, b1, b2 = grad(x), hp["beta1"], hp["beta2"]
    v = state["v"] = b1 * v + (1 - b1) * g
    s = state["s"] = b2 * s + (1 - b2) * g * g
    v_hat, s_hat = v / (1 - b1**t), s / (1 - b2**t)
    return x - hp["lr"] * v_hat / (np.sqrt(s_hat) + hp["eps"])


# --------------------------------------------------------------------------- pytorch
# Written in torch.optim's own order of operations (single-tensor code path),
# so float64 trajectories agree with it to rounding.


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


def _torch_adagrad(x, grad, state, t, hp):
    s = state.setdefault("sum", np.full_like(x, hp["initial_accumulator_value"]))
    g = grad(x)
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    s = state["sum"] = s + g * g
    return x - clr * (g / (np.sqrt(s) + hp["eps"]))


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


def _torch_adadelta(x, grad, state, t, hp):
    sq, acc = _zeros(state, x, "square_avg", "acc_delta")
    g, rho, eps = grad(x), hp["rho"], hp["eps"]
    sq = state["square_avg"] = sq * rho + (1 - rho) * g * g
    delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
    state["acc_delta"] = acc * rho + (1 - rho) * delta * delta
    return x - hp["lr"] * delta


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


# --------------------------------------------------------------------------- the table

_UDL = {"lr": 0.05, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
_D2L = {"lr": 0.05, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-6}
_TORCH_SGD = {"lr": 0.05, "momentum": 0.0, "dampening": 0.0, "nesterov": False,
              "weight_decay": 0.0}  # fmt: skip


def _pick(table: Mapping, *keys: str, **overrides) -> dict:
    return {**{k: table[k] for k in keys}, **overrides}


def _rules() -> dict[str, dict[str, Rule]]:
    u, d = _UDL, _D2L
    udl = [
        ("gd", _udl_gd, _pick(u, "lr"), r"\phi \leftarrow \phi - \alpha g", "φ ← φ − α·g"),
        (
            "sgd",
            _udl_gd,
            _pick(u, "lr"),
            r"\phi \leftarrow \phi - \alpha g_{batch}",
            "φ ← φ − α·g (minibatch)",
        ),
        (
            "momentum",
            _udl_momentum,
            _pick(u, "lr", "momentum"),
            r"m \leftarrow \rho m + (1-\rho) g;\ \phi \leftarrow \phi - \alpha m",
            "m ← ρ·m + (1−ρ)·g;  φ ← φ − α·m",
        ),
        (
            "nesterov",
            _udl_nesterov,
            _pick(u, "lr", "momentum"),
            r"m \leftarrow \rho m + (1-\rho) g(\phi - \alpha\rho m);\ \phi \leftarrow \phi - \alpha m",
            "m ← ρ·m + (1−ρ)·g(φ − α·ρ·m);  φ ← φ − α·m",
        ),
        (
            "normalized",
            _udl_normalized,
            _pick(u, "lr", "eps"),
            r"\phi \leftarrow \phi - \alpha g / \sqrt{g \odot g + \epsilon}",
            "φ ← φ − α·g/√(g⊙g + ε)",
        ),
        (
            "adagrad",
            _adagrad,
            _pick(u, "lr", "eps"),
            r"v \leftarrow v + g \odot g;\ \phi \leftarrow \phi - \alpha g / \sqrt{v + \epsilon}",
            "v ← v + g⊙g;  φ ← φ − α·g/√(v + ε)",
        ),
        (
            "rmsprop",
            _rmsprop,
            _pick(u, "lr", "rho", "eps"),
            r"v \leftarrow \rho v + (1-\rho) g \odot g;\ \phi \leftarrow \phi - \alpha g/\sqrt{v+\epsilon}",
            "v ← ρ·v + (1−ρ)·g⊙g;  φ ← φ − α·g/√(v + ε)",
        ),
        (
            "adadelta",
            _adadelta,
            _pick(u, "rho", "eps"),
            r"\Delta \leftarrow -\sqrt{s+\epsilon}/\sqrt{v+\epsilon} \odot g;\ \phi \leftarrow \phi + \Delta",
            "v ← ρ·v + (1−ρ)·g⊙g;  Δ ← −√(s+ε)/√(v+ε)⊙g;  s ← ρ·s + (1−ρ)·Δ⊙Δ;  φ ← φ + Δ",
        ),
        (
            "adam",
            _udl_adam,
            _pick(u, "lr", "beta1", "beta2", "eps"),
            r"\phi \leftarrow \phi - \alpha \hat{m} / \sqrt{\hat{v} + \epsilon}",
            "m ← β·m + (1−β)·g;  v ← γ·v + (1−γ)·g⊙g;  φ ← φ − α·m̂/√(v̂ + ε)",
        ),
    ]
    d2l = [
        ("gd", _udl_gd, _pick(d, "lr"), r"x \leftarrow x - \eta g", "x ← x − η·g"),
        (
            "sgd",
            _udl_gd,
            _pick(d, "lr"),
            r"x \leftarrow x - \eta g_{batch}",
            "x ← x − η·g (minibatch mean)",
        ),
        (
            "momentum",
            _d2l_momentum,
            _pick(d, "lr", "momentum"),
            r"v \leftarrow \gamma v + \eta g;\ x \leftarrow x - v",
            "v ← γ·v + η·g;  x ← x − v",
        ),
        (
            "adagrad",
            _adagrad,
            _pick(d, "lr", "eps"),
            r"s \leftarrow s + g \odot g;\ x \leftarrow x - \eta g / \sqrt{s + \epsilon}",
            "s ← s + g⊙g;  x ← x − η·g/√(s + ε)",
        ),
        (
            "rmsprop",
            _rmsprop,
            _pick(d, "lr", "rho", "eps"),
            r"s \leftarrow \gamma s + (1-\gamma) g \odot g;\ x \leftarrow x - \eta g/\sqrt{s+\epsilon}",
            "s ← γ·s + (1−γ)·g⊙g;  x ← x − η·g/√(s + ε)",
        ),
        (
            "adadelta",
            _adadelta,
            _pick(d, "rho", eps=1e-5),
            r"g' = \sqrt{\Delta x+\epsilon}/\sqrt{s+\epsilon} \odot g;\ x \leftarrow x - g'",
            "s ← ρ·s + (1−ρ)·g⊙g;  g′ = √(Δx+ε)/√(s+ε)⊙g;  x ← x − g′;  Δx ← ρ·Δx + (1−ρ)·g′⊙g′",
        ),
        (
            "adam",
            _d2l_adam,
            _pick(d, "lr", "beta1", "beta2", "eps"),
            r"x \leftarrow x - \eta \hat{v} / (\sqrt{\hat{s}} + \epsilon)",
            "v ← β₁·v + (1−β₁)·g;  s ← β₂·s + (1−β₂)·g⊙g;  x ← x − η·v̂/(√ŝ + ε)",
        ),
    ]
    sgd_tex = r"b \leftarrow \mu b + (1-\tau) g;\ \theta \leftarrow \theta - \gamma b"
    torch = [
        (
            "gd",
            _torch_sgd,
            dict(_TORCH_SGD),
            r"\theta \leftarrow \theta - \gamma g",
            "SGD: θ ← θ − γ·g",
        ),
        (
            "sgd",
            _torch_sgd,
            dict(_TORCH_SGD),
            r"\theta \leftarrow \theta - \gamma g_{batch}",
            "SGD: θ ← θ − γ·g (minibatch mean)",
        ),
        (
            "momentum",
            _torch_sgd,
            {**_TORCH_SGD, "momentum": 0.9},
            sgd_tex,
            "SGD(momentum): b ← μ·b + (1−τ)·g;  θ ← θ − γ·b",
        ),
        (
            "nesterov",
            _torch_sgd,
            {**_TORCH_SGD, "momentum": 0.9, "nesterov": True},
            r"b \leftarrow \mu b + g;\ \theta \leftarrow \theta - \gamma (g + \mu b)",
            "SGD(nesterov): b ← μ·b + g;  θ ← θ − γ·(g + μ·b)",
        ),
        (
            "adagrad",
            _torch_adagrad,
            {"lr": 0.05, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
            r"s \leftarrow s + g^2;\ \theta \leftarrow \theta - \tilde\gamma g / (\sqrt{s} + \epsilon)",
            "Adagrad: s ← s + g²;  θ ← θ − γ̃·g/(√s + ε)",
        ),
        (
            "rmsprop",
            _torch_rmsprop,
            {"lr": 0.05, "rho": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
            r"v \leftarrow \alpha v + (1-\alpha) g^2;\ \theta \leftarrow \theta - \gamma g/(\sqrt{v}+\epsilon)",
            "RMSprop: v ← α·v + (1−α)·g²;  θ ← θ − γ·g/(√v + ε)",
        ),
        (
            "adadelta",
            _torch_adadelta,
            {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
            r"\Delta = \sqrt{u+\epsilon}/\sqrt{v+\epsilon}\, g;\ \theta \leftarrow \theta - \gamma \Delta",
            "Adadelta: v ← ρ·v + (1−ρ)·g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρ·u + (1−ρ)·Δ²;  θ ← θ − γ·Δ",
        ),
        (
            "adam",
            _torch_adam,
            {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False},
            r"\theta \leftarrow \theta - \gamma \hat{m} / (\sqrt{\hat{v}} + \epsilon)",
            "Adam: m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  θ ← θ − γ·m̂/(√v̂ + ε)",
        ),
    ]
    table = {}
    for convention, rows in (("udl", udl), ("d2l", d2l), ("pytorch", torch)):
        table[convention] = {n: Rule(n, convention, s, h, tex, txt) for n, s, h, tex, txt in rows}
    return table


RULES = _rules()


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

    def __init__(self, land: Landscape, *, mean: bool, batch_size: int | None, noise: float,
                 seed: int):  # fmt: skip
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
        return g + penalty


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

    def path(self, k: int) -> Array:
        """Start ``k``'s points up to its last finite one, (T, 2)."""
        rows = self.params[:, k]
        return rows[np.all(np.isfinite(rows), axis=1)]


def run_optimizer(land: Landscape, rule: Rule, starts: Array, *, steps: int,
                  hyperparameters: Mapping | None = None, batch_size: int | None = None,
                  noise: float = 0.0, seed: int = 0,
                  box: tuple[float, float, float, float] | None = None,
                  record: bool = True) -> Run:  # fmt: skip
    """Run ``rule`` for ``steps`` steps from each row of ``starts`` (S, 2).

    A start diverges when its point becomes non-finite or leaves ``box``
    (x_min, x_max, y_min, y_max); it is then frozen and its rows are NaN.
    With ``record`` off only the first and last rows are kept (params (2, S, 2)),
    which is what many-start pictures need and saves memory.
    """
    hp = {**rule.defaults, **(hyperparameters or {})}
    unknown = set(hp) - set(rule.defaults)
    if unknown:
        raise ValueError(f"{rule.name} ({rule.convention}) has no hyperparameter "
                         f"{', '.join(sorted(unknown))}")  # fmt: skip
    gradient = Gradient(land, mean=rule.convention != "udl", batch_size=batch_size, noise=noise,
                        seed=seed)  # fmt: skip
    x = np.array(starts, float).reshape(-1, 2)
    params = np.full(((steps if record else 1) + 1, *x.shape), np.nan)
    params[0] = x
    diverged_at = np.full(len(x), -1)
    state: dict = {}
    all_alive = True
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
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
    return Run(rule.name, rule.convention, hp, params, loss, diverged_at)


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
    # gd crawls onto the plateau near (−0.5, 7) and stays; momentum carries on
    # into the valley of the global minimum (0, 16).
    "gabor": Setting((-1.5, 6.5), 300, 0.04, 0.05),
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

    def steps_to_tol(self, run: Run, k: int) -> int | None:
        return steps_to_reach(run.loss[:, k], self.landscape.minimum.loss, self.tol)


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


def race(land: Landscape, rules: list[Rule], starts, *, steps: int,
         hyperparameters: Mapping[str, Mapping] | None = None, batch_size: int | None = None,
         noise: float | None = None, seed: int = 0, x_range=None, y_range=None,
         resolution: int = 201, tol: float | None = None) -> Race:  # fmt: skip
    """Run every rule from ``starts`` and sample the landscape around the paths.

    ``hyperparameters`` maps an optimizer name to its overrides; a missing
    learning rate takes ``default_lr``. ``noise`` None means 0, except for sgd
    on analytic landscapes, which gets SGD_NOISE; ``batch_size`` None means
    full batch, except for sgd on data models, which gets SGD_BATCH.
    """
    x_range, y_range = x_range or land.x_range, y_range or land.y_range
    box = divergence_box(x_range, y_range)
    runs = []
    for rule in rules:
        hp = dict((hyperparameters or {}).get(rule.name, {}))
        lr = default_lr(land, rule, hp)
        if "lr" not in hp and lr is not None:
            hp["lr"] = lr
        is_sgd = rule.name == "sgd"
        batch = batch_size if batch_size or not is_sgd or land.data is None else SGD_BATCH
        sigma = noise if noise is not None else (SGD_NOISE if is_sgd else 0.0)
        runs.append(run_optimizer(land, rule, starts, steps=steps, hyperparameters=hp,
                                  batch_size=batch, noise=0.0 if land.data else sigma,
                                  seed=seed, box=box))  # fmt: skip
    view_x, view_y = view_containing(runs, x_range, y_range)
    grid = compute_landscape(land, x_range=view_x, y_range=view_y, resolution=resolution)
    if tol is None:
        tol = 1e-2 * max(1.0, abs(grid.minimum.loss))
    return Race(grid, tuple(runs), np.array(starts, float).reshape(-1, 2), tol)


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


def basins(land: Landscape, rule: Rule, n: int, *, steps: int,
           hyperparameters: Mapping | None = None, batch_size: int | None = None,
           noise: float = 0.0, seed: int = 0, x_range=None, y_range=None,
           resolution: int = 201) -> Basins:  # fmt: skip
    """Run ``rule`` from n × n starts at once (vectorised across starts)."""
    x_range, y_range = x_range or land.x_range, y_range or land.y_range
    hp = dict(hyperparameters or {})
    lr = default_lr(land, rule, hp)
    if "lr" not in hp and lr is not None:
        hp["lr"] = lr
    starts = start_grid(x_range, y_range, n)
    run = run_optimizer(land, rule, starts, steps=steps, hyperparameters=hp,
                        batch_size=batch_size, noise=noise, seed=seed,
                        box=divergence_box(x_range, y_range), record=False)  # fmt: skip
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
