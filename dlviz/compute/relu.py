"""ReLU networks as piecewise-linear functions: networks, exact 1-D pieces,
region-count bounds and parameter counts.

A network maps R^d → R: ReLU after every layer but the last, which is linear.
Weights are stored as PyTorch does, rows = outputs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dlviz.errors import SpecError
from dlviz.spec import check, choice, frozen, whole

Array = np.ndarray
INITS = ("he", "xavier", "uniform")  # and "normal:σ"


@dataclass(frozen=True)
class Network:
    """A fully connected ReLU network: hidden layers apply ReLU, the last is linear."""

    weights: tuple[Array, ...]  # W_l: (out, in)
    biases: tuple[Array, ...]  # b_l: (out,)

    @property
    def input_dim(self) -> int:
        return self.weights[0].shape[1]

    @property
    def widths(self) -> tuple[int, ...]:
        """Hidden-layer widths (the last layer, the output, excluded)."""
        return tuple(w.shape[0] for w in self.weights[:-1])

    @property
    def num_parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def hidden(self, x: Array) -> list[tuple[Array, Array]]:
        """(pre-activation, activation) of every hidden layer for inputs x (N, d)."""
        h, layers = np.asarray(x, float), []
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            z = h @ w.T + b
            h = np.maximum(z, 0.0)
            layers.append((z, h))
        return layers

    def last_hidden(self, x: Array) -> Array:
        layers = self.hidden(x)
        return layers[-1][1] if layers else np.asarray(x, float)

    def forward(self, x: Array) -> Array:
        """Outputs for inputs x (N, d), shape (N,)."""
        return (self.last_hidden(x) @ self.weights[-1].T + self.biases[-1])[:, 0]

    def unit_terms(self, x: Array) -> Array:
        """(N, units): each last-hidden unit's weighted contribution to the
        output, so that output = bias + the row sums."""
        return self.last_hidden(x) * self.weights[-1][0]

    def patterns(self, x: Array) -> Array:
        """Activation patterns (N, Σ widths): which hidden units are on."""
        on = [z > 0 for z, _ in self.hidden(x)]
        return np.concatenate(on, axis=1) if on else np.zeros((len(x), 0), bool)


def random_network(
    input_dim: int, widths: Sequence[int], *, init: str = "he", seed: int = 0
) -> Network:
    """Weights and biases drawn from ``init`` (biases too, so that the regions
    are in general position): he N(0, 2/fan_in), xavier N(0, 2/(fan_in +
    fan_out)), uniform U(−1/√fan_in, 1/√fan_in), normal:σ N(0, σ²)."""
    rng = np.random.default_rng(seed)
    sizes = [input_dim, *widths, 1]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        draw = _initialiser(init, fan_in, fan_out, rng)
        weights.append(draw((fan_out, fan_in)))
        biases.append(draw((fan_out,)))
    return Network(tuple(weights), tuple(biases))


def _initialiser(init: str, fan_in: int, fan_out: int, rng: np.random.Generator):
    if init == "he":
        return lambda shape: rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    if init == "xavier":
        return lambda shape: rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
    if init == "uniform":
        bound = 1.0 / math.sqrt(fan_in)
        return lambda shape: rng.uniform(-bound, bound, shape)
    if init.startswith("normal:"):
        try:
            sigma = float(init.split(":", 1)[1])
        except ValueError:
            raise ValueError("normal:σ needs a number σ > 0, e.g. normal:0.5") from None
        if not 0 < sigma <= 100:  # NaN and ∞ too
            raise ValueError("normal:σ needs a number 0 < σ ≤ 100, e.g. normal:0.5")
        return lambda shape: rng.normal(0.0, sigma, shape)
    raise ValueError(f"unknown init {init!r}; choose he, xavier, uniform or normal:σ")


def read_layers(doc) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
    """(weights, biases) of {"layers": [{"weight": [[...]], "bias": [...]}, ...]},
    rows = outputs; the shapes must chain and every number be finite."""
    try:
        layers = doc["layers"]
        weights = [np.array(layer["weight"], float) for layer in layers]
        biases = [np.array(layer["bias"], float) for layer in layers]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(
            f"expected {{'layers': [{{'weight': ..., 'bias': ...}}]}} ({exc})"
        ) from None
    if not weights:
        raise ValueError("the network has no layers")
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        if w.ndim != 2 or w.size == 0 or b.shape != (w.shape[0],):
            raise ValueError(f"layer {k}: weight must be out×in and bias of length out")
        if k and w.shape[1] != weights[k - 1].shape[0]:
            raise ValueError(
                f"layer {k} takes {w.shape[1]} inputs but layer {k - 1} gives "
                f"{weights[k - 1].shape[0]}"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {k} has non-finite numbers")
    return tuple(weights), tuple(biases)


def given_document(doc) -> None:
    """A --weights document is an object of layers, x and y (each optional)."""
    check(isinstance(doc, Mapping), "given", "…", "expected {'layers': [...], 'x': ..., 'y': ...}")
    unknown = set(doc) - {"layers", "x", "y"}
    check(not unknown, "given", "…", f"unknown key {sorted(unknown)[:1]}; expected layers, x, y")


def given_layers(doc, limit: float) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
    """``read_layers`` for a spec's given network: a bad document is a
    SpecError naming "given", and every weight and bias is within ±``limit``."""
    try:
        weights, biases = read_layers(doc)
    except (ValueError, TypeError) as exc:
        raise SpecError("given", "…", str(exc).splitlines()[0]) from None
    big = max(max(np.abs(w).max(), np.abs(b).max()) for w, b in zip(weights, biases, strict=True))
    check(big <= limit, "given", "…", f"weights and biases within ±{limit:g}")
    return weights, biases


def layers_field(weights, biases) -> dict:
    """The layers as a spec holds them: {"weight": (W1, …), "bias": (b1, …)}, nested tuples."""
    return {"weight": tuple(frozen(np.asarray(w).tolist()) for w in weights),
            "bias": tuple(frozen(np.asarray(b).tolist()) for b in biases)}  # fmt: skip


def network_from_dict(doc: dict) -> Network:
    """{"layers": [{"weight": [[...]], "bias": [...]}, ...]}, rows = outputs;
    shapes must chain and the last layer must have one output."""
    weights, biases = read_layers(doc)
    if weights[-1].shape[0] != 1:
        raise ValueError("the last layer must have one output")
    return Network(weights, biases)


# --------------------------------------------------------------------------- 1-D


@dataclass(frozen=True)
class Pieces1D:
    """The exact pieces of a 1-input network on an interval.

    intervals: (P, 2); patterns: (P, Σ widths) bool; slopes, intercepts: (P,)
    with output = slope·x + intercept on each piece; joints: (P − 1,)."""

    intervals: Array
    patterns: Array
    slopes: Array
    intercepts: Array

    @property
    def joints(self) -> Array:
        return self.intervals[1:, 0]

    @property
    def num_regions(self) -> int:
        """Activation regions: intervals where every unit keeps its state."""
        return len(self.intervals)

    def same_map(self, tol: float = 1e-9) -> Array:
        """(P − 1,) True where a region and the next compute the same line (a
        unit switches there, but its switch changes nothing downstream)."""
        scale = max(1.0, float(np.abs(self.slopes).max()), float(np.abs(self.intercepts).max()))
        return (np.abs(np.diff(self.slopes)) <= tol * scale) & (
            np.abs(np.diff(self.intercepts)) <= tol * scale
        )

    @property
    def num_pieces(self) -> int:
        """Linear pieces of the function: neighbouring regions with the same
        line merged (a constant network has one piece however many regions)."""
        return int(self.num_regions - self.same_map().sum())

    @property
    def kinks(self) -> Array:
        """Where the function's slope changes (the joints between its pieces)."""
        return self.joints[~self.same_map()]


def pieces_1d(net: Network, domain: tuple[float, float], tol: float = 1e-12) -> Pieces1D:
    """Layer by layer, each piece is cut where a new unit's pre-activation (an
    affine function of x on that piece) changes sign; all pieces at once."""
    if net.input_dim != 1:
        raise ValueError("pieces_1d needs a network with one input")
    a, b = domain
    left, right = np.array([a], float), np.array([b], float)
    slope = np.ones((1, 1))  # h = slope·x + offset, per piece and unit
    offset = np.zeros((1, 1))
    patterns = np.zeros((1, 0), bool)
    for w, bias in zip(net.weights[:-1], net.biases[:-1], strict=True):
        zs, zo = slope @ w.T, offset @ w.T + bias  # pre-activations, (P, units)
        left, right, parent = _split(left, right, zs, zo, tol)
        mid = (left + right) / 2
        on = zs[parent] * mid[:, None] + zo[parent] > 0
        slope, offset = zs[parent] * on, zo[parent] * on
        patterns = np.concatenate([patterns[parent], on], axis=1)
    w, bias = net.weights[-1], net.biases[-1]
    slopes, intercepts = (slope @ w.T)[:, 0], (offset @ w.T + bias)[:, 0]
    return _merge(Pieces1D(np.column_stack([left, right]), patterns, slopes, intercepts))


def _split(left, right, zs, zo, tol):
    """Cut pieces at the zeros of their units: (new left, right, parent index)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = -zo / zs
    inside = (zs != 0) & (roots > left[:, None] + tol) & (roots < right[:, None] - tol)
    cuts = [np.unique(r[m]) for r, m in zip(roots, inside, strict=True)]
    counts = np.array([len(c) + 1 for c in cuts])
    parent = np.repeat(np.arange(len(left)), counts)
    edges = [np.concatenate([[lo], c, [hi]]) for lo, c, hi in zip(left, cuts, right, strict=True)]
    new_left = np.concatenate([e[:-1] for e in edges])
    new_right = np.concatenate([e[1:] for e in edges])
    keep = new_right - new_left > tol  # zero-width slivers are not regions
    return new_left[keep], new_right[keep], parent[keep]


def _merge(p: Pieces1D) -> Pieces1D:
    """Join neighbours with the same pattern (cuts at roots that coincide)."""
    if p.num_regions <= 1:
        return p
    new = np.concatenate([[True], np.any(p.patterns[1:] != p.patterns[:-1], axis=1)])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], p.num_regions) - 1
    intervals = np.column_stack([p.intervals[starts, 0], p.intervals[ends, 1]])
    return Pieces1D(intervals, p.patterns[starts], p.slopes[starts], p.intercepts[starts])


# --------------------------------------------------------------------------- counts


def shallow_bound(width: int, input_dim: int) -> int:
    """Zaslavsky: D hyperplanes in general position cut R^d into Σ_{j≤d} C(D, j)."""
    return sum(math.comb(width, j) for j in range(min(width, input_dim) + 1))


def product_bound(widths: Sequence[int], input_dim: int) -> int:
    """∏_l Σ_{j ≤ d_l} C(D_l, j) with d_l = min(input_dim, D_1, …, D_{l−1}):
    each layer's arrangement bound multiplied through (after Montúfar et al.
    2014); for one input it is ∏(D_l + 1)."""
    total, dim = 1, input_dim
    for width in widths:
        total *= shallow_bound(width, dim)
        dim = min(dim, width)
    return total


def serra_bound(widths: Sequence[int], input_dim: int) -> int:
    """Serra, Tjandraatmadja & Ramalingam (2018), Theorem 1:
    Σ_{(j_1..j_L) ∈ J} ∏_l C(n_l, j_l), J: 0 ≤ j_l ≤ min(n_0, n_1 − j_1, …,
    n_{l−1} − j_{l−1}, n_l). A unit count spent on one layer's regions
    (j_l) is not available to the next; tighter than ``product_bound``."""

    @functools.cache
    def rest(layer: int, cap: int) -> int:
        if layer == len(widths):
            return 1
        n = widths[layer]
        return sum(
            math.comb(n, j) * rest(layer + 1, min(cap, n - j))
            for j in range(min(input_dim, cap, n) + 1)
        )

    return rest(0, max(widths, default=0))


BOUND_KEYS = ("serra", "product", "shallow")


def region_bounds(widths: Sequence[int], input_dim: int) -> dict[str, int]:
    """The bounds a figure names: Serra et al.'s (the tightest), the product
    of per-layer arrangements, and, for comparison only (a deep network may
    exceed it), the regions of one hidden layer with as many units."""
    return {
        "serra": serra_bound(widths, input_dim),
        "product": product_bound(widths, input_dim),
        "shallow": shallow_bound(sum(widths), input_dim),
    }


def parameter_count(widths: Sequence[int], input_dim: int) -> int:
    """Weights and biases of a network with these hidden widths and one output."""
    sizes = [input_dim, *widths, 1]
    return sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:], strict=True))


# --------------------------------------------------------------------------- 2-D


@dataclass(frozen=True)
class Regions2D:
    """The exact activation regions of a 2-input network on a rectangle.

    vertices: (R, K, 2) convex polygons, counter-clockwise; rows are padded
    beyond counts[r] by repeating the first vertex; patterns: (R, Σ widths)
    bool; affine: (R, 3) with output = a·x + b·y + c on each region.
    """

    vertices: Array
    counts: Array
    patterns: Array
    affine: Array
    domain: tuple[float, float, float, float]
    # per hidden layer, (S, 2, 2): the segments where its units switch, exactly
    boundaries: tuple[Array, ...] = ()

    @property
    def num_regions(self) -> int:
        """Activation regions: where every unit keeps its state."""
        return len(self.counts)

    def piece_labels(self, tol: float = 1e-9) -> Array:
        """(R,) the linear piece each region belongs to: neighbouring regions
        (sharing an edge) with the same affine map are one piece."""
        scale = max(1.0, float(np.abs(self.affine).max()))
        key = np.round(self.affine / (1e-6 * scale)).astype(np.int64)  # candidates only
        parent = np.arange(self.num_regions)

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        _, groups = np.unique(key, axis=0, return_inverse=True)
        span = max(self.domain[1] - self.domain[0], self.domain[3] - self.domain[2])
        for g in np.unique(groups):
            members = np.flatnonzero(groups.ravel() == g)
            for a_i, a in enumerate(members):
                for b in members[a_i + 1 :]:
                    same = np.abs(self.affine[a] - self.affine[b]).max() <= tol * scale
                    if (
                        same
                        and root(a) != root(b)
                        and _share_edge(self.polygon(a), self.polygon(b), 1e-9 * span)
                    ):
                        parent[root(a)] = root(b)
        roots = np.array([root(i) for i in range(self.num_regions)])
        return np.unique(roots, return_inverse=True)[1]

    @property
    def num_pieces(self) -> int:
        """Linear pieces of the function (regions with one affine map merged)."""
        return int(self.piece_labels().max() + 1) if self.num_regions else 0

    def polygon(self, r: int) -> Array:
        return self.vertices[r, : self.counts[r]]

    def areas(self) -> Array:
        x, y = self.vertices[..., 0], self.vertices[..., 1]
        k = np.arange(self.vertices.shape[1])
        nxt = np.where(k[None, :] + 1 < self.counts[:, None], k[None, :] + 1, 0)
        xn = np.take_along_axis(x, nxt, 1)
        yn = np.take_along_axis(y, nxt, 1)
        valid = k[None, :] < self.counts[:, None]
        return 0.5 * np.where(valid, x * yn - xn * y, 0.0).sum(axis=1)


class _Polygons:
    """Growable padded storage of convex polygons and their per-region rows."""

    def __init__(self, first: Array):
        # rows past a polygon's count repeat its first vertex: min/max over a
        # row need no masks and padding never changes which side a polygon is on
        self.v = np.zeros((64, max(16, len(first) + 4), 2))
        self.v[0] = first[0]
        self.v[0, : len(first)] = first
        self.n = np.zeros(64, int)
        self.n[0] = len(first)
        self.size = 1
        self.rows: dict[str, Array] = {}

    def add_row_arrays(self, **arrays: Array) -> None:
        for name, a in arrays.items():
            full = np.zeros((len(self.n), *a.shape[1:]), a.dtype)
            full[: len(a)] = a
            self.rows[name] = full

    def set(self, r: int, poly: Array) -> None:
        if len(poly) > self.v.shape[1]:
            grown = np.repeat(self.v[:, :1], 2 * len(poly), axis=1)
            grown[:, : self.v.shape[1]] = self.v
            self.v = grown
        self.v[r] = poly[0]
        self.v[r, : len(poly)] = poly
        self.n[r] = len(poly)

    def append_many(self, polys: list[Array], like: Array) -> None:
        """New regions, each copying the per-region rows of its parent in ``like``."""
        m = len(polys)
        while self.size + m > len(self.n):
            self.v = np.concatenate([self.v, np.zeros_like(self.v)])
            self.n = np.concatenate([self.n, np.zeros_like(self.n)])
            for name, a in self.rows.items():
                self.rows[name] = np.concatenate([a, np.zeros_like(a)])
        for a in self.rows.values():
            a[self.size : self.size + m] = a[like]
        for k, poly in enumerate(polys):
            self.set(self.size + k, poly)
        self.size += m


def _share_edge(p: Array, q: Array, tol: float) -> bool:
    """Whether convex polygons ``p`` and ``q`` share a stretch of boundary of
    positive length (not just a corner)."""
    a, b = p, np.roll(p, -1, axis=0)  # p's edges a→b
    c, d = q, np.roll(q, -1, axis=0)
    ab = b - a  # (m, 2)
    length = np.hypot(ab[:, 0], ab[:, 1])
    ok = length > tol
    a, ab, length = a[ok], ab[ok], length[ok]

    def cross(u, v):
        return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]

    # distances of q's edge ends from the line of each p edge: (m, n)
    dc = cross(ab[:, None, :], c[None, :, :] - a[:, None, :]) / length[:, None]
    dd = cross(ab[:, None, :], d[None, :, :] - a[:, None, :]) / length[:, None]
    on_line = (np.abs(dc) <= tol) & (np.abs(dd) <= tol)
    # positions along the p edge, as fractions of its length
    tc = np.einsum("mk,mnk->mn", ab, c[None, :, :] - a[:, None, :]) / length[:, None] ** 2
    td = np.einsum("mk,mnk->mn", ab, d[None, :, :] - a[:, None, :]) / length[:, None] ** 2
    overlap = np.minimum(np.maximum(tc, td), 1.0) - np.maximum(np.minimum(tc, td), 0.0)
    return bool(np.any(on_line & (overlap * length[:, None] > tol)))


def _area(points: list) -> float:
    """Shoelace area of a polygon given as a list of (x, y); plain floats are
    faster than NumPy for the handful of vertices a region has."""
    total = 0.0
    for (xa, ya), (xb, yb) in zip(points, points[1:] + points[:1], strict=True):
        total += xa * yb - xb * ya
    return 0.5 * total


def _cut(poly: list, s: list, tol: float) -> tuple[list, list]:
    """A convex polygon (list of (x, y)) split by the line s = 0 (s at the vertices)."""
    pos, neg = [], []
    k = len(poly)
    for i in range(k):
        p, sp = poly[i], s[i]
        q, sq = poly[(i + 1) % k], s[(i + 1) % k]
        if sp >= -tol:
            pos.append(p)
        if sp <= tol:
            neg.append(p)
        if (sp > tol and sq < -tol) or (sp < -tol and sq > tol):
            t = sp / (sp - sq)
            x = (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
            pos.append(x)
            neg.append(x)
    return pos, neg


@dataclass(frozen=True)
class Cut:
    """One unit's cut, a frame of the cutting animation: the polygons after
    it (a list of (k, 2) arrays); ``parents[j]`` is the region that
    polygon ``len(polygons) - len(parents) + j`` was split from (the split
    region keeps its index and the half where the unit is active); segments:
    (S, 2, 2) the pieces of the unit's zero line inside the regions it cut."""

    layer: int
    unit: int
    polygons: list
    parents: tuple[int, ...]
    segments: Array


def regions_2d(
    net: Network, domain: tuple[float, float, float, float], on_cut: Callable | None = None
) -> Regions2D:
    """Layer by layer and unit by unit, every region is cut by the unit's zero
    line pulled back through the region's affine map. Which regions a line
    cuts is decided for all regions at once; only those are split.

    ``on_cut(cut)`` is called after each unit with a ``Cut``: the frames of
    an animation."""
    if net.input_dim != 2:
        raise ValueError("regions_2d needs a network with two inputs")
    x0, x1, y0, y1 = domain
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
    min_area = 1e-12 * (x1 - x0) * (y1 - y0)
    polys = _Polygons(box)
    # h = A x + c on each region: start with the identity on the input
    polys.add_row_arrays(A=np.eye(2)[None], c=np.zeros((1, 2)), pattern=np.zeros((1, 0), bool))
    boundaries = []
    for layer, (w, bias) in enumerate(zip(net.weights[:-1], net.biases[:-1], strict=True)):
        segments: list = []
        rows = polys.rows
        grad = np.matmul(w, rows["A"][: polys.size])  # (R, units, 2), batched BLAS
        const = rows["c"][: polys.size] @ w.T + bias  # (R, units)
        polys.add_row_arrays(G=grad, g=const)
        for unit in range(w.shape[0]):
            before = len(segments)
            parents = _cut_all(polys, unit, min_area, segments)
            if on_cut is not None:
                on_cut(
                    Cut(
                        layer,
                        unit,
                        [polys.v[r, : polys.n[r]].copy() for r in range(polys.size)],
                        tuple(parents),
                        np.array(segments[before:], float).reshape(-1, 2, 2),
                    )
                )
        boundaries.append(np.array(segments, float).reshape(-1, 2, 2))
        R = polys.size
        real = np.arange(polys.v.shape[1])[None, :] < polys.n[:R, None]
        centre = (polys.v[:R] * real[..., None]).sum(axis=1) / polys.n[:R, None]
        G, g = polys.rows["G"][:R], polys.rows["g"][:R]
        on = np.matmul(G, centre[..., None])[..., 0] + g > 0
        polys.add_row_arrays(
            A=G * on[..., None],
            c=g * on,
            pattern=np.concatenate([polys.rows["pattern"][:R], on], 1),
        )
    R = polys.size
    w, bias = net.weights[-1], net.biases[-1]
    a = np.matmul(w, polys.rows["A"][:R])[:, 0]
    c = (polys.rows["c"][:R] @ w.T + bias)[:, 0]
    return Regions2D(
        polys.v[:R].copy(),
        polys.n[:R].copy(),
        polys.rows["pattern"][:R].copy(),
        np.column_stack([a, c]),
        (x0, x1, y0, y1),
        tuple(boundaries),
    )


def _cut_all(polys: _Polygons, unit: int, min_area: float, segments: list) -> list[int]:
    """Split every region the unit's line crosses; the split regions' indices."""
    R = polys.size
    G, g = polys.rows["G"][:R, unit], polys.rows["g"][:R, unit]
    v = polys.v[:R, : polys.n[:R].max()]  # the padding columns only repeat vertices
    s = v[..., 0] * G[:, :1] + v[..., 1] * G[:, 1:] + g[:, None]
    top, bottom = s.max(axis=1), s.min(axis=1)
    tol = 1e-10 * np.maximum(np.maximum(top, -bottom), 1e-300)
    cut = (top > tol) & (bottom < -tol)
    new, parents = [], []
    for r in np.flatnonzero(cut):
        k = polys.n[r]
        pos, neg = _cut(polys.v[r, :k].tolist(), s[r, :k].tolist(), float(tol[r]))
        if _area(pos) > min_area and _area(neg) > min_area:  # no zero-width slivers
            on_line = [p for p in pos if any(p is q for q in neg)]  # shared: on the cut
            segments.append((on_line[0], on_line[-1]))
            polys.set(r, np.array(pos))
            new.append(np.array(neg))
            parents.append(r)
    if new:
        polys.append_many(new, np.array(parents))
    return parents


def sawtooth_network(width: int, depth: int) -> Network:
    """The construction that makes depth pay (Montúfar et al. 2014, Telgarsky
    2016): every layer computes a w-tooth sawtooth of its input on [0, 1],
    t(x) = w·relu(x) + Σ_k (−1)^k·2w·relu(x − k/w), so depth K gives w^K pieces."""
    if width < 2 or depth < 1:
        raise ValueError("a sawtooth needs width ≥ 2 and depth ≥ 1")
    shifts = -np.arange(width) / width
    mix = np.array([width] + [(-1) ** k * 2 * width for k in range(1, width)], float)
    weights = [np.ones((width, 1))] + [np.outer(np.ones(width), mix)] * (depth - 1)
    biases = [shifts] * depth
    return Network(tuple(weights) + (mix[None, :],), tuple(biases) + (np.zeros(1),))


# --------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Sweep:
    """Exact region counts at (about) one parameter budget.

    kind: 'depth' (depth varies, width chosen to fit the budget) or 'width';
    depths, widths, parameters: (S,); counts: (S, seeds) for random networks;
    constructed: (S,) the sawtooth construction's pieces (1-D only, else None)."""

    kind: str
    depths: Array
    widths: Array
    parameters: Array
    counts: Array
    constructed: Array | None = None
    bounds: Array | None = None  # (S,) Serra et al.'s bound for each shape
    spec: SweepSpec | None = None  # what ran, when built by ``run_sweep``
    last: Array | None = None  # (S,) the last hidden layer's width, set to meet the budget

    def shape(self, k: int) -> list[int]:
        """Hidden widths of network ``k``: depth − 1 layers of widths[k], then last[k]."""
        last = self.widths[k] if self.last is None else self.last[k]
        return [int(self.widths[k])] * (int(self.depths[k]) - 1) + [int(last)]

    def label(self, k: int) -> str:
        """'7×3,5': three layers of 7 then one of 5 ('66' for one layer)."""
        *body, last = self.shape(k)
        if not body:
            return str(last)
        head = f"{body[0]}×{len(body)}" if len(body) > 1 else str(body[0])
        return f"{head},{last}"


def width_for_budget(depth: int, budget: int, input_dim: int) -> int:
    """The width whose network of this depth comes closest to the budget (the
    smaller on a tie)."""
    best, width = 1, 1
    while parameter_count([width] * depth, input_dim) <= 2 * budget:
        gap = abs(parameter_count([width] * depth, input_dim) - budget)
        if gap < abs(parameter_count([best] * depth, input_dim) - budget):
            best = width
        width += 1
    return best


def depth_for_budget(width: int, budget: int, input_dim: int) -> int:
    """The depth (1 to 64) whose network of this width comes closest to the budget."""
    return min(
        range(1, 65), key=lambda k: (abs(parameter_count([width] * k, input_dim) - budget), k)
    )


def last_for_budget(depth: int, width: int, budget: int, input_dim: int) -> int:
    """The last hidden layer's width that brings depth − 1 layers of ``width``
    closest to the budget (uniform widths step by whole layers of weights)."""
    if depth == 1:
        return width
    return min(
        range(max(2, width // 2), 2 * width + 3),  # no narrow bottleneck at the end
        key=lambda v: (
            abs(parameter_count([width] * (depth - 1) + [v], input_dim) - budget),
            abs(v - width),
        ),
    )


MAX_CONSTRUCTED = 10**5  # the sawtooth's pieces are counted exactly up to this many


def count_regions(net: Network, domain: tuple[float, ...]) -> int:
    """The exact number of linear pieces (1 input) or regions (2 inputs) on the domain."""
    if net.input_dim == 1:
        return pieces_1d(net, (domain[0], domain[1])).num_regions
    return regions_2d(net, domain).num_regions


def sweep(
    kind: str,
    *,
    budget: int,
    input_dim: int,
    domain: tuple[float, ...],
    steps: Sequence[int],
    seeds: int = 5,
    init: str = "he",
    progress: Callable[[int, int], None] | None = None,
) -> Sweep:
    """Region counts over ``steps`` (depths for kind='depth', widths for
    'width'), each network sized to about ``budget`` parameters."""
    depths, widths, lasts = [], [], []
    for value in steps:
        if kind == "depth":
            depth, width = value, width_for_budget(value, budget, input_dim)
        else:
            width, depth = value, depth_for_budget(value, budget, input_dim)
        depths.append(depth)
        widths.append(width)
        lasts.append(last_for_budget(depth, width, budget, input_dim))
    shapes = [[w] * (d - 1) + [v] for d, w, v in zip(depths, widths, lasts, strict=True)]
    counts = np.empty((len(shapes), seeds), dtype=int)
    for i, shape in enumerate(shapes):
        for s in range(seeds):
            counts[i, s] = count_regions(
                random_network(input_dim, shape, init=init, seed=s), domain
            )
            if progress is not None:
                progress(i * seeds + s + 1, len(shapes) * seeds)
    params = [parameter_count(shape, input_dim) for shape in shapes]
    constructed = None
    if input_dim == 1:
        constructed = np.array(  # counted exactly where it is small enough to count
            [
                pieces_1d(sawtooth_network(max(w, 2), d), (0.0, 1.0)).num_regions
                if max(w, 2) ** d <= MAX_CONSTRUCTED
                else np.nan
                for d, w in zip(depths, widths, strict=True)
            ]
        )
    bounds = np.array([serra_bound(shape, input_dim) for shape in shapes])
    return Sweep(
        kind,
        np.array(depths),
        np.array(widths),
        np.array(params),
        counts,
        constructed,
        bounds,
        last=np.array(lasts),
    )


# --------------------------------------------------------------------------- the spec

MAX_UNITS = 2048
MAX_COORDINATE = 1e6  # the domain's ends: its span and the grid stay finite
MAX_REGIONS = 170_000  # 2-D regions a laptop cuts in about a minute (one layer of 582 units: ~45 s)
GRID_1D = 801  # points the 1-D figures draw the units and the output at
GRID_2D = 300  # points per side of the 2-D output heatmap


@dataclass(frozen=True)
class ReluSpec:
    """Every effective parameter of ``dlviz relu``.

    init: he, xavier, uniform or normal:σ for a random network drawn with
    ``seed``, "given" when ``network`` holds the layers ((weight, bias), ...)
    (rows = outputs), () otherwise; domain: (a, b) in 1-D, (x0, x1, y0, y1) in 2-D.
    """

    input_dim: int
    widths: tuple[int, ...]
    init: str
    seed: int
    domain: tuple[float, ...]
    network: tuple = ()
    view: str = "regions"  # 2-D: "regions" (polygons and output) or "surface" (3-D facets)

    def cost(self):
        """Two inputs: about 1 + N + N²/2 regions for N hidden units in all
        (a single layer's lines in general position; in deeper random
        networks the count per area grows with N², Hanin & Rolnick 2019).
        None when that is within what a laptop cuts in about a minute."""
        from dlviz.compute.cost import TooBig, amount

        if self.input_dim != 2:
            return None
        n = sum(self.widths)
        regions = 1 + n + n * n / 2
        if regions <= MAX_REGIONS:
            return None
        scale = ((MAX_REGIONS * 2) ** 0.5 - 1) / n
        smaller = tuple(max(1, int(w * scale)) for w in self.widths)
        if self.network:  # a given network: nothing smaller to suggest
            return TooBig(
                "network",
                "…",
                f"about {amount(regions)} regions for {n} units",
                f"at most ~{amount(MAX_REGIONS)} regions here",
            )
        return TooBig(
            "widths",
            ",".join(map(str, self.widths)),
            f"about {amount(regions)} regions for {n} units",
            f"at most ~{amount(MAX_REGIONS)} regions here",
            {"widths": ",".join(map(str, smaller))},
        )

    def animation_cost(self):
        """A video films each unit's cut, keeping every cut's regions: at most
        MAX_FILMED_UNITS units and (2-D) about MAX_FILMED_REGIONS regions."""
        from dlviz.compute.cost import TooBig, amount

        n = sum(self.widths)
        regions = 1 + n + n * n / 2 if self.input_dim == 2 else 0
        if n <= MAX_FILMED_UNITS and regions <= MAX_FILMED_REGIONS:
            return self.cost()
        units = MAX_FILMED_UNITS  # in 2-D also the most units with 1 + N + N²/2 ≤ the regions
        if self.input_dim == 2:
            units = min(units, int((2 * MAX_FILMED_REGIONS - 1) ** 0.5 - 1))
        smaller = tuple(max(1, w * units // n) for w in self.widths)
        what = f"{n} units to film" + (f", about {amount(regions)} regions" if regions else "")
        limit = f"at most {MAX_FILMED_UNITS} units" + (
            f" and ~{amount(MAX_FILMED_REGIONS)} regions" if regions else ""
        )
        return TooBig(
            "network" if self.network else "widths",
            "…" if self.network else ",".join(map(str, self.widths)),
            what,
            f"{limit} in a video here",
            {} if self.network else {"widths": ",".join(map(str, smaller))},
        )


MAX_FILMED_UNITS = 64  # cuts a video films in about a minute
MAX_FILMED_REGIONS = 1500  # 2-D regions each frame of a video redraws

VIEWS = ("regions", "surface", "folding")


def make_spec(
    *,
    input_dim: int = 2,
    widths=(16, 16),
    init: str = "he",
    seed: int = 0,
    domain=None,
    network=None,
    view: str = "regions",
    target: str | None = None,
    units: int | None = None,
    samples=None,
):
    """The spec with every default resolved; a bad value raises ``SpecError``.
    ``network`` is a given network ({"layers": [...]} or ((W, b), ...)), which
    fixes the input dimension and the widths. ``target`` (with ``units``,
    ``domain`` and ``samples``) asks for a fit instead: a ``FitSpec``."""
    if target is not None:
        from dlviz.compute.relu_fit import make_fit_spec

        return make_fit_spec(target=target, units=8 if units is None else units, domain=domain,
                             samples=samples)  # fmt: skip
    seed = whole("seed", seed, 0, 2**32 - 1)
    layers = ()
    if network:
        net = _given_network(network)
        input_dim, widths, init = net.input_dim, net.widths, "given"
        layers = tuple(
            (frozen(w.tolist()), frozen(b.tolist()))
            for w, b in zip(net.weights, net.biases, strict=True)
        )
        check(input_dim in (1, 2), "network", f"{input_dim} inputs", "takes 1 or 2 inputs")
    else:
        input_dim = whole("input_dim", input_dim, 1, 2)
        widths = tuple(whole("widths", w, 1, MAX_UNITS) for w in widths)
        check(
            0 < len(widths) and sum(widths) <= MAX_UNITS,
            "widths",
            ",".join(map(str, widths)),
            f"widths ≥ 1, at most {MAX_UNITS} units in all",
        )
        try:
            _initialiser(init, 1, 1, np.random.default_rng(0))
        except ValueError as exc:
            raise SpecError("init", init, str(exc)) from None
    choice("view", view, VIEWS)
    check(
        view != "surface" or input_dim == 2,
        "view",
        view,
        "the surface is of a 2-input network (add --input-dim 2)",
    )
    check(
        view != "folding" or (input_dim == 1 and len(widths) == 2 and not layers),
        "view",
        view,
        "folding composes two random one-input networks: --input-dim 1 --widths A,B",
    )
    return ReluSpec(input_dim, tuple(widths), init, seed, _domain(domain, input_dim), layers, view)


def _given_network(network) -> Network:
    if isinstance(network, Mapping):
        doc = network
    else:
        doc = {"layers": [{"weight": w, "bias": b} for w, b in network]}
    try:
        return network_from_dict(doc)
    except ValueError as exc:
        raise SpecError("network", "…", str(exc).splitlines()[0]) from None


def _domain(domain, dims: int) -> tuple[float, ...]:
    if domain is None:
        return (-3.0, 3.0) if dims == 1 else (-2.0, 2.0, -2.0, 2.0)
    values = tuple(float(v) for v in domain)
    if dims == 2 and len(values) == 2:
        values = values * 2
    ok = len(values) == 2 * dims and all(np.isfinite(values))
    ok = ok and all(abs(v) <= MAX_COORDINATE for v in values)  # spans stay finite
    ok = ok and values[0] < values[1] and (dims == 1 or values[2] < values[3])
    check(
        ok,
        "domain",
        ",".join(f"{v:g}" for v in domain),
        f"A,B with A < B (a square in 2-D) or X0,X1,Y0,Y1, each within ±{MAX_COORDINATE:g}",
    )
    return values


def network_of(spec: ReluSpec) -> Network:
    """The network ``spec`` describes: the given one, or drawn from its init and seed."""
    if spec.network:
        return _given_network(spec.network)
    if spec.view == "folding":
        return compose(*folding_parts(spec))
    return random_network(spec.input_dim, spec.widths, init=spec.init, seed=spec.seed)


def folding_parts(spec: ReluSpec) -> tuple[Network, Network]:
    """The two shallow one-input networks a folding spec composes: f₁ with
    widths[0] units (seed), f₂ with widths[1] units (seed + 1)."""
    first = random_network(1, spec.widths[:1], init=spec.init, seed=spec.seed)
    second = random_network(1, spec.widths[1:], init=spec.init, seed=spec.seed + 1)
    return first, second


def compose(first: Network, second: Network) -> Network:
    """f₂ ∘ f₁ as one ReLU network (UDL §4.1): f₁'s output layer (u, c) is
    folded into f₂'s first layer, W = W₂·u and b = W₂·c + b₂, so the second
    hidden layer's weights have rank one."""
    (w1, u), (b1, c) = first.weights, first.biases
    (w2, v), (b2, d) = second.weights, second.biases
    return Network((w1, w2 @ u, v), (b1, w2[:, 0] * c[0] + b2, d))


@dataclass(frozen=True)
class ReluResult:
    """The network's exact regions and everything its figures draw.

    regions: Pieces1D (1 input) or Regions2D (2 inputs); bounds: the region
    bounds by name; grid: (G,) the 1-D figure's x, or the 2-D heatmap's x and
    y; output: (G,) or (G, G) the network's output there; hidden: 1-D only,
    per layer (G, units) the units' activations; terms: 1-D only, (G, units)
    each last-layer unit's weighted contribution (output = bias + row sums);
    cuts: 2-D only, when asked for, a ``Cut`` after each unit.
    """

    spec: ReluSpec
    network: Network
    regions: Pieces1D | Regions2D
    bounds: Mapping[str, int]
    grid: tuple[Array, ...]
    output: Array
    hidden: tuple[Array, ...] = ()
    terms: Array | None = None
    cuts: tuple[Cut, ...] = ()
    folding: Folding | None = None


@dataclass(frozen=True)
class Folding:
    """A composition f₂ ∘ f₁ of one-input networks: f₁'s exact pieces on the
    domain, its values on the grid and their range; f₂'s exact pieces on that
    range, sampled at ``ys``."""

    first: Pieces1D
    second: Pieces1D
    inner: Array  # f₁(x) on the grid
    ys: Array  # the range of f₁, sampled
    outer: Array  # f₂(ys)


def _folding(spec: ReluSpec, xs: Array) -> Folding:
    first, second = folding_parts(spec)
    inner = first.forward(xs[:, None])
    lo, hi = float(inner.min()), float(inner.max())
    if hi - lo < 1e-9:  # f₁ is constant: f₂ is seen at one point
        lo, hi = lo - 0.5, hi + 0.5
    ys = np.linspace(lo, hi, GRID_1D)
    return Folding(
        pieces_1d(first, spec.domain),
        pieces_1d(second, (lo, hi)),
        inner,
        ys,
        second.forward(ys[:, None]),
    )


def run(
    spec: ReluSpec, *, cuts: bool = False, progress: Callable[[int, int], None] | None = None
) -> ReluResult:
    """The regions of the network ``spec`` describes; with ``cuts``, the
    polygons after each unit too (the frames of the cutting animation). A
    ``FitSpec`` gives its fit."""
    from dlviz.compute.relu_fit import FitSpec, run_fit

    if isinstance(spec, FitSpec):
        return run_fit(spec)
    net, dims = network_of(spec), spec.input_dim
    bounds = region_bounds(net.widths, dims)
    if dims == 1:
        xs = np.linspace(spec.domain[0], spec.domain[1], GRID_1D)
        hidden = tuple(h for _, h in net.hidden(xs[:, None]))
        return ReluResult(
            spec,
            net,
            pieces_1d(net, spec.domain),
            bounds,
            (xs,),
            net.forward(xs[:, None]),
            hidden,
            net.unit_terms(xs[:, None]),
            folding=_folding(spec, xs) if spec.view == "folding" else None,
        )
    frames: list[Cut] = []

    def on_cut(cut: Cut) -> None:  # a frame kept, and the work told
        if cuts:
            frames.append(cut)
        if progress is not None:
            progress(sum(net.widths[: cut.layer]) + cut.unit + 1, sum(net.widths))

    regions = regions_2d(net, spec.domain, on_cut=on_cut if cuts or progress else None)
    x0, x1, y0, y1 = spec.domain
    g = np.linspace(0, 1, GRID_2D)
    xs, ys = x0 + g * (x1 - x0), y0 + g * (y1 - y0)
    points = np.column_stack([np.tile(xs, len(ys)), np.repeat(ys, len(xs))])
    output = net.forward(points).reshape(len(ys), len(xs))
    return ReluResult(spec, net, regions, bounds, (xs, ys), output, cuts=tuple(frames))


@dataclass(frozen=True)
class SweepSpec:
    """``dlviz relu --sweep``: region counts as depth (or width) varies at a
    fixed parameter budget; steps: the depths (or widths) tried; seeds: random
    networks per step (drawn with seeds 0 … seeds − 1)."""

    kind: str
    budget: int
    input_dim: int
    domain: tuple[float, ...]
    steps: tuple[int, ...]
    seeds: int
    init: str


def make_sweep_spec(
    *,
    kind: str = "depth",
    budget: int | None = None,
    input_dim: int = 1,
    domain=None,
    steps=None,
    seeds: int = 5,
    init: str = "he",
) -> SweepSpec:
    """The sweep spec with every default resolved; a bad value raises ``SpecError``."""
    from dlviz.spec import choice

    choice("kind", kind, ("depth", "width"))
    input_dim = whole("input_dim", input_dim, 1, 2)
    budget = whole("budget", budget or (200 if input_dim == 1 else 400), 10, 20000)
    seeds = whole("seeds", seeds, 1, 50)
    make_spec(input_dim=input_dim, init=init)  # the init's own checks
    if steps is None:  # depths 1 to 8, each with the width that meets the budget
        depths = [k for k in range(1, 9) if width_for_budget(k, budget, input_dim) >= 2]
        if kind == "depth":
            steps = depths
        else:  # the same networks, ordered by width
            steps = sorted({width_for_budget(k, budget, input_dim) for k in depths})
    steps = tuple(whole("steps", v, 1, 4096) for v in steps)
    return SweepSpec(kind, budget, input_dim, _domain(domain, input_dim), steps, seeds, init)


def run_sweep(spec: SweepSpec, progress: Callable[[int, int], None] | None = None) -> Sweep:
    """The sweep ``spec`` describes, holding ``spec``; ``progress(done, total)``
    as its networks are counted."""
    from dataclasses import replace

    result = sweep(
        spec.kind,
        budget=spec.budget,
        input_dim=spec.input_dim,
        domain=spec.domain,
        steps=spec.steps,
        seeds=spec.seeds,
        init=spec.init,
        progress=progress,
    )
    return replace(result, spec=spec)


def regions_json(result: ReluResult) -> dict:
    """Every region (1-D: interval, pattern, slope, intercept; 2-D: vertices,
    pattern, affine map), the count, the bounds and the parameter count."""
    regions = result.regions
    if result.spec.input_dim == 1:
        entries = [
            {"interval": iv, "pattern": p.astype(int), "slope": s, "intercept": c}
            for iv, p, s, c in zip(
                regions.intervals, regions.patterns, regions.slopes, regions.intercepts, strict=True
            )
        ]
    else:
        entries = [
            {
                "vertices": regions.polygon(r),
                "pattern": regions.patterns[r].astype(int),
                "affine": regions.affine[r],
            }
            for r in range(regions.num_regions)
        ]
    return {
        "num_regions": regions.num_regions,
        "regions": entries,
        "bounds": dict(result.bounds),
        "num_parameters": result.network.num_parameters,
    }


def result_json(result) -> dict:
    """What ``--data`` exports beside the parameters: the regions, the
    sweep's counts, or a fit's network and errors."""
    from dlviz.compute.relu_fit import FitResult, fit_json

    if isinstance(result, FitResult):
        return fit_json(result)
    if isinstance(result, ReluResult):
        return regions_json(result)
    out = {
        "sweep": result.kind,
        "depths": result.depths,
        "widths": result.widths,
        "shapes": [result.shape(k) for k in range(len(result.depths))],
        "num_parameters": result.parameters,
        "counts": result.counts,
        "bounds": result.bounds,
    }
    if result.constructed is not None:
        out["constructed"] = result.constructed
    return out
