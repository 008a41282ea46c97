"""Attention weights of the course's attention forms, computed stably.

Rows are queries, columns keys. Scores are the raw compatibilities (before
softmax; masked entries −inf), weights the softmax over the unmasked keys
(masked weights exactly 0), output = weights · values.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dlviz.errors import SpecError
from dlviz.spec import check, choice, frozen, number, whole

Array = np.ndarray
KINDS = ("dot", "scaled", "additive", "self", "multihead")


@dataclass(frozen=True)
class AttentionResult:
    """scores, weights: (heads, queries, keys); output: (heads, queries, d_v)."""

    kind: str
    query_tokens: tuple[str, ...]
    key_tokens: tuple[str, ...]
    scores: Array
    weights: Array
    output: Array
    mask: Array  # (queries, keys) True where a key is masked
    spec: AttentionSpec | None = None  # what ran, when built by ``run``
    projections: Mapping[str, Array] | None = None  # W_Q, W_K, W_V, W_O or W_q, W_k, w_v
    concat: Array | None = None  # self/multihead: the heads' outputs side by side (n_q, d_v)
    projected: Array | None = None  # concat · W_O: the layer's output (n_q, d_v)
    qkv: tuple[Array, Array, Array] | None = None  # per head Q, K, V as attended: (heads, n, d_h)
    unmasked: Array | None = None  # (heads, queries, keys) the scores before the mask

    @property
    def heads(self) -> int:
        return self.scores.shape[0]


def softmax_rows(scores: Array, mask: Array) -> Array:
    """Softmax over the last axis, ignoring masked entries: the row maximum is
    subtracted first, so scores of 1e4 do not overflow; masked weights are 0."""
    masked = np.where(mask, -np.inf, scores)
    if np.any(np.all(mask, axis=-1)):
        raise ValueError("a query has every key masked")
    shifted = masked - masked.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def build_mask(queries: int, keys: int, *, causal: bool = False, padding: int = 0) -> Array:
    """True where query i may not look at key j: the future (causal) or the
    last ``padding`` keys."""
    if causal and queries != keys:
        raise ValueError("a causal mask needs as many queries as keys")
    if not 0 <= padding < keys:
        raise ValueError(f"mask-padding must leave at least one key (0 to {keys - 1})")
    mask = np.zeros((queries, keys), bool)
    if causal:
        mask |= np.triu(np.ones((queries, keys), bool), k=1)
    if padding:
        mask[:, keys - padding :] = True
    return mask


def token_embeddings(tokens: list[str], dim: int, seed: int) -> Array:
    """One seeded N(0, 1) vector per token: the same token, the same vector."""
    return np.stack(
        [np.random.default_rng([seed, zlib.crc32(t.encode())]).standard_normal(dim) for t in tokens]
    )


def attend(q: Array, k: Array, v: Array, mask: Array, scale: float = 1.0):
    """(scores, weights, output) for one head: scores = scale·q·kᵀ."""
    scores = scale * (q @ k.T)
    weights = softmax_rows(scores, mask)
    return np.where(mask, -np.inf, scores), weights, weights @ v


def additive_scores(q: Array, k: Array, w_q: Array, w_k: Array, w_v: Array) -> Array:
    """Bahdanau: score(i, j) = w_vᵀ·tanh(W_q·q_i + W_k·k_j), all pairs at once."""
    hidden = np.tanh((q @ w_q.T)[:, None, :] + (k @ w_k.T)[None, :, :])
    return hidden @ w_v


def compute(
    kind: str,
    queries: Array,
    keys: Array,
    values: Array | None = None,
    *,
    query_tokens=None,
    key_tokens=None,
    heads: int = 1,
    causal: bool = False,
    padding: int = 0,
    seed: int = 0,
    hidden: int | None = None,
    projections: Mapping[str, Array] | None = None,
    temperature: float = 1.0,
) -> AttentionResult:
    """The attention of ``kind`` for queries (n_q, d), keys (n_k, d), values
    (n_k, d_v; default the keys). 'self' and 'multihead' project with W_Q,
    W_K (d × d), W_V and W_O (d_v × d_v), applied as X·W; 'additive' scores
    with W_q (hidden × d), W_k (hidden × d_k) and w_v (hidden). The matrices
    are ``projections`` when given, else drawn from (seed, 7)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    queries, keys = np.asarray(queries, float), np.asarray(keys, float)
    values = keys if values is None else np.asarray(values, float)
    if len(queries) == 0 or len(keys) == 0:
        raise ValueError("an empty sequence has nothing to attend to")
    if queries.shape[1] != keys.shape[1] and kind != "additive":
        raise ValueError(f"queries have dimension {queries.shape[1]}, keys {keys.shape[1]}")
    if len(values) != len(keys):
        raise ValueError(f"{len(values)} values for {len(keys)} keys")
    mask = build_mask(len(queries), len(keys), causal=causal, padding=padding)
    d = queries.shape[1]
    if projections is None:
        projections = draw_projections(kind, d, keys.shape[1], values.shape[1], seed, hidden)
    w = {name: np.asarray(m, float) for name, m in projections.items()}
    concat = projected = None
    qkv = (queries[None], keys[None], values[None])
    if kind in ("dot", "scaled"):
        scale = (1.0 if kind == "dot" else 1 / math.sqrt(d)) / temperature
        parts = [attend(queries, keys, values, mask, scale)]
    elif kind == "additive":
        scores = additive_scores(queries, keys, w["W_q"], w["W_k"], w["w_v"]) / temperature
        weights = softmax_rows(scores, mask)
        parts = [(np.where(mask, -np.inf, scores), weights, weights @ values)]
    else:
        if kind == "self":
            heads = 1
        if heads < 1 or d % heads or values.shape[1] % heads:
            raise ValueError(f"the dimension {d} is not divisible by {heads} heads")
        parts = multihead(
            queries, keys, values, w["W_Q"], w["W_K"], w["W_V"], heads, mask, temperature
        )
        concat = np.concatenate([out for _, _, out in parts], axis=1)
        projected = concat @ w["W_O"]
        qkv = tuple(
            np.stack(np.split(x @ w[name], heads, axis=1))
            for x, name in ((queries, "W_Q"), (keys, "W_K"), (values, "W_V"))
        )
    scores, weights, output = (np.stack(x) for x in zip(*parts, strict=True))
    qt = tuple(query_tokens) if query_tokens is not None else tuple(map(str, range(len(queries))))
    kt = tuple(key_tokens) if key_tokens is not None else tuple(map(str, range(len(keys))))
    if kind == "additive":
        unmasked = additive_scores(queries, keys, w["W_q"], w["W_k"], w["w_v"])[None] / temperature
    else:
        q_h, k_h = qkv[0], qkv[1]
        unmasked = np.einsum("hqd,hkd->hqk", q_h, k_h) * (
            (1.0 if kind == "dot" else 1 / math.sqrt(q_h.shape[2])) / temperature
        )
    return AttentionResult(
        kind,
        qt,
        kt,
        scores,
        weights,
        output,
        mask,
        None,
        w or None,
        concat,
        projected,
        qkv,
        unmasked,
    )


def projection_shapes(kind: str, d: int, d_k: int, d_v: int, hidden: int | None = None):
    """The projection matrices ``kind`` uses, name → shape."""
    if kind == "additive":
        h = hidden or d
        return {"W_q": (h, d), "W_k": (h, d_k), "w_v": (h,)}
    if kind in ("self", "multihead"):
        return {"W_Q": (d, d), "W_K": (d, d), "W_V": (d_v, d_v), "W_O": (d_v, d_v)}
    return {}


def draw_projections(kind, d: int, d_k: int, d_v: int, seed: int, hidden=None) -> dict:
    """The seeded projections (seed, 7): N(0, 1/fan-in), in the order W_q,
    W_k, w_v (additive) or W_Q, W_K, W_V, W_O."""
    rng = np.random.default_rng([seed, 7])
    out = {}
    for name, shape in projection_shapes(kind, d, d_k, d_v, hidden).items():
        out[name] = rng.normal(0, 1 / math.sqrt(shape[-1]), shape)
    return out


def multihead(
    queries, keys, values, w_q, w_k, w_v, heads: int, mask: Array, temperature: float = 1.0
) -> list:
    """Project with W (d × d, applied as X·W), split the columns into heads,
    scaled dot-product attention per head."""
    q, k, v = queries @ w_q, keys @ w_k, values @ w_v
    dk = q.shape[1] // heads
    return [
        attend(
            q[:, h * dk : (h + 1) * dk],
            k[:, h * dk : (h + 1) * dk],
            v[:, h * dk : (h + 1) * dk],
            mask,
            1 / (math.sqrt(dk) * temperature),
        )
        for h in range(heads)
    ]


# --------------------------------------------------------------------------- the spec

NUMBERS_UP_TO = 144  # cells; small matrices carry their weights by default
SHOWS = ("weights", "pipeline")
DEFAULT_TOKENS = "the cat sat on the mat"


@dataclass(frozen=True)
class AttentionSpec:
    """Every effective parameter of ``dlviz attention``.

    queries (n_q, d), keys (n_k, d), values (n_k, d_v): the matrices that ran
    (seeded token embeddings included: token t's vector is drawn from (seed,
    crc32(t))); the projections of self, multihead and additive attention are
    drawn from (seed, 7); numbers: whether the cells carry their weights.
    """

    kind: str
    query_tokens: tuple[str, ...]
    key_tokens: tuple[str, ...]
    queries: tuple
    keys: tuple
    values: tuple
    heads: int
    causal: bool
    mask_padding: int
    seed: int
    numbers: bool
    projections: Mapping = None  # name → matrix: what projected (given, or drawn from the seed)
    show: str = "weights"  # the figure: every head's weights, or one head's whole pipeline
    temperature: float = 1.0  # the scores are divided by it before the softmax
    row_scale: bool = False  # colour each row on its own 0..its largest weight


def make_spec(
    *,
    kind: str = "scaled",
    tokens=DEFAULT_TOKENS,
    query_tokens=None,
    key_tokens=None,
    dim: int = 8,
    heads: int = 2,
    causal: bool = False,
    mask_padding: int = 0,
    queries=None,
    keys=None,
    values=None,
    numbers: bool | None = None,
    seed: int = 0,
    weights: Mapping | None = None,
    projections: Mapping | None = None,
    show: str = "weights",
    temperature: float = 1.0,
    row_scale: bool = False,
) -> AttentionSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.
    Without matrices, ``tokens`` (a string split on spaces, or a list) get
    seeded embeddings of ``dim``; with ``queries`` and ``keys`` (and
    optionally ``values``) the tokens default to 0, 1, 2, ..."""
    choice("kind", kind, KINDS)
    seed = whole("seed", seed, 0, 2**32 - 1)
    keys_t = _tokens("tokens", key_tokens if key_tokens is not None else tokens)
    query_t = _tokens("query_tokens", query_tokens) if query_tokens is not None else keys_t
    if queries is None and keys is None:
        dim = whole("dim", dim, 1, 1024)
        q, k = token_embeddings(list(query_t), dim, seed), token_embeddings(list(keys_t), dim, seed)
        v = k if values is None else _matrix("values", values)
    else:
        check(queries is not None, "queries", "missing", "give both --queries and --keys")
        check(keys is not None, "keys", "missing", "give both --queries and --keys")
        q, k = _matrix("queries", queries), _matrix("keys", keys)
        v = k if values is None else _matrix("values", values)
        if tokens == DEFAULT_TOKENS and key_tokens is None:  # no tokens given: number them
            keys_t = tuple(map(str, range(len(k))))
            query_t = tuple(map(str, range(len(q)))) if query_tokens is None else query_t
        check(
            len(keys_t) == len(k) and len(query_t) == len(q),
            "tokens",
            " ".join(keys_t),
            f"{len(keys_t)} key and {len(query_t)} query tokens for {len(k)} keys and "
            f"{len(q)} queries",
        )
    check(
        kind == "additive" or q.shape[1] == k.shape[1],
        "keys",
        f"dimension {k.shape[1]}",
        f"queries have dimension {q.shape[1]}: keys must match",
    )
    check(len(v) == len(k), "values", f"{len(v)} rows", f"one value row per key ({len(k)})")
    heads = 1 if kind != "multihead" else whole("heads", heads, 1, 1024)
    check(
        q.shape[1] % heads == 0 and v.shape[1] % heads == 0,
        "heads",
        heads,
        f"the dimension {q.shape[1]} (values {v.shape[1]}) is not divisible by {heads} heads",
    )
    check(not causal or len(q) == len(k), "causal", True, "needs as many queries as keys")
    check(
        isinstance(mask_padding, int) and 0 <= mask_padding < len(k),
        "mask_padding",
        mask_padding,
        f"must leave at least one key (0 to {len(k) - 1})",
    )
    numbers = len(q) * len(k) <= NUMBERS_UP_TO if numbers is None else bool(numbers)
    if not weights and projections:  # a replayed spec's: kept where they still fit
        shapes = projection_shapes(kind, q.shape[1], k.shape[1], v.shape[1])
        weights = {n: m for n, m in projections.items() if n in shapes and np.shape(m) == shapes[n]}
    projections = _projections(kind, q.shape[1], k.shape[1], v.shape[1], seed, weights)
    return AttentionSpec(
        kind,
        query_t,
        keys_t,
        frozen(q.tolist()),
        frozen(k.tolist()),
        frozen(v.tolist()),
        heads,
        bool(causal),
        mask_padding,
        seed,
        numbers,
        {name: frozen(m.tolist()) for name, m in projections.items()},
        choice("show", show, SHOWS),
        number("temperature", temperature, 0.0, 1e6, open_lo=True),
        bool(row_scale),
    )


def _projections(kind: str, d: int, d_k: int, d_v: int, seed: int, given) -> dict:
    """The given projections, each checked against the shape ``kind`` needs,
    or the seeded ones."""
    shapes = projection_shapes(kind, d, d_k, d_v)
    if not given:
        return draw_projections(kind, d, d_k, d_v, seed)
    check(
        isinstance(given, Mapping),
        "weights",
        "…",
        "expected {name: matrix} with " + (", ".join(shapes) or "nothing (this kind has none)"),
    )
    unknown = sorted(set(given) - set(shapes))
    check(not unknown, "weights", ", ".join(unknown), f"{kind} attention uses {', '.join(shapes)}")
    out = draw_projections(kind, d, d_k, d_v, seed)  # the ones not given stay seeded
    for name, value in given.items():
        try:
            m = np.array(value, float)
        except (TypeError, ValueError):
            raise SpecError("weights", name, "expected a matrix of numbers") from None
        want = shapes[name]
        check(
            m.shape == want,
            "weights",
            name,
            f"is {'×'.join(map(str, m.shape))}, needs {'×'.join(map(str, want))}",
        )
        check(bool(np.isfinite(m).all()), "weights", name, "needs finite numbers")
        out[name] = m
    return out


def _tokens(param: str, value) -> tuple[str, ...]:
    out = tuple(value.split()) if isinstance(value, str) else tuple(map(str, value))
    check(len(out) > 0, param, repr(value), "an empty sequence has nothing to attend to")
    return out


def _matrix(param: str, value) -> Array:
    try:
        array = np.array(value, float)
    except (TypeError, ValueError):
        raise SpecError(param, "…", "expected a matrix of numbers, one row per token") from None
    check(
        array.ndim == 2 and array.size > 0,
        param,
        f"{array.ndim}-D",
        "expected one row per token (a 2-D array)",
    )
    check(bool(np.isfinite(array).all()), param, "…", "needs finite numbers")
    # |q·k| ≤ d·max|q|·max|k| must stay finite, or the softmax returns NaN
    check(
        float(np.abs(array).max()) <= 1e150,
        param,
        f"{np.abs(array).max():.3g}",
        "entries must be at most 1e150 in size (larger scores overflow)",
    )
    return array


def run(spec: AttentionSpec) -> AttentionResult:
    """The attention ``spec`` describes, holding ``spec``."""
    from dataclasses import replace

    result = compute(
        spec.kind,
        np.array(spec.queries, float),
        np.array(spec.keys, float),
        np.array(spec.values, float),
        query_tokens=spec.query_tokens,
        key_tokens=spec.key_tokens,
        heads=spec.heads,
        causal=spec.causal,
        padding=spec.mask_padding,
        seed=spec.seed,
        projections=spec.projections or None,
        temperature=spec.temperature,
    )
    return replace(result, spec=spec)


def result_json(result: AttentionResult) -> dict:
    """What ``--data`` exports beside the parameters: the tokens, the scores
    (masked: null), the weights and the output of every head."""
    return {
        "query_tokens": result.query_tokens,
        "key_tokens": result.key_tokens,
        "scores": result.scores,
        "weights": result.weights,
        "output": result.output,
        **({"concat": result.concat} if result.concat is not None else {}),
        **({"output_projected": result.projected} if result.projected is not None else {}),
    }
