"""ReLU networks: exact 1-D pieces against closed forms (the tent map), the
forward pass, dense sampling and the known bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlviz.compute import relu as R


def tent_network(k: int) -> R.Network:
    """t(x) = 2·relu(x) − 4·relu(x − ½) is the tent map on [0, 1]; k layers of
    width 2 compute t∘…∘t, which has 2^k linear pieces."""
    weights, biases = [np.array([[1.0], [1.0]])], [np.array([0.0, -0.5])]
    for _ in range(k - 1):
        weights.append(np.array([[2.0, -4.0], [2.0, -4.0]]))
        biases.append(np.array([0.0, -0.5]))
    weights.append(np.array([[2.0, -4.0]]))
    biases.append(np.array([0.0]))
    return R.Network(tuple(weights), tuple(biases))


def tent(x, k):
    for _ in range(k):
        x = np.where(x < 0.5, 2 * x, 2 - 2 * x)
    return x


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_composed_tent_map_has_two_to_the_k_regions(k):
    net = tent_network(k)
    xs = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(net.forward(xs[:, None]), tent(xs, k), atol=1e-12)
    pieces = R.pieces_1d(net, (0.0, 1.0))
    assert pieces.num_regions == 2**k
    np.testing.assert_allclose(pieces.joints, np.arange(1, 2**k) / 2**k, atol=1e-12)
    np.testing.assert_allclose(np.abs(pieces.slopes), 2.0**k)


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_pieces_reproduce_the_forward_pass(seed):
    net = R.random_network(1, [8, 8, 8], seed=seed)
    pieces = R.pieces_1d(net, (-3.0, 3.0))
    assert pieces.num_regions <= R.product_bound([8, 8, 8], 1) == 9**3
    # contiguous cover of the domain
    assert pieces.intervals[0, 0] == -3 and pieces.intervals[-1, 1] == 3
    np.testing.assert_array_equal(pieces.intervals[1:, 0], pieces.intervals[:-1, 1])
    rng = np.random.default_rng(seed)
    for (lo, hi), s, c, pattern in zip(
        pieces.intervals, pieces.slopes, pieces.intercepts, pieces.patterns, strict=True
    ):
        x = rng.uniform(lo, hi, 5)[:, None]
        np.testing.assert_allclose(net.forward(x), s * x[:, 0] + c, rtol=1e-9, atol=1e-9)
        mid = np.array([[(lo + hi) / 2]])
        np.testing.assert_array_equal(net.patterns(mid)[0], pattern)


def test_dense_sampling_finds_no_pattern_the_exact_pieces_miss():
    net = R.random_network(1, [16, 16], seed=3)
    pieces = R.pieces_1d(net, (-2.0, 2.0))
    exact = {p.tobytes() for p in pieces.patterns}
    sampled = net.patterns(np.linspace(-2, 2, 200001)[:, None])
    found = {p.tobytes() for p in np.unique(sampled, axis=0)}
    assert found <= exact
    assert len(found) <= pieces.num_regions


def test_shallow_network_has_at_most_one_plus_width_pieces():
    for seed in range(5):
        net = R.random_network(1, [12], seed=seed)
        assert R.pieces_1d(net, (-10.0, 10.0)).num_regions <= 1 + 12


def test_degenerate_units_make_no_false_regions():
    # two identical units (the same joint twice), a dead unit, a constant unit
    w1 = np.array([[1.0], [1.0], [0.0], [0.0]])
    b1 = np.array([-0.5, -0.5, -1.0, 2.0])
    net = R.Network((w1, np.array([[1.0, 1.0, 1.0, 1.0]])), (b1, np.array([0.0])))
    pieces = R.pieces_1d(net, (-1.0, 1.0))
    assert pieces.num_regions == 2
    np.testing.assert_allclose(pieces.joints, [0.5])


def test_bounds_and_parameter_counts():
    assert R.shallow_bound(5, 1) == 6
    assert R.shallow_bound(5, 2) == 1 + 5 + 10
    assert R.product_bound([4, 4, 4], 1) == 125
    assert R.product_bound([3, 5], 2) == (1 + 3 + 3) * (1 + 5 + 10)
    d, k = 6, 4
    assert R.parameter_count([d], 1) == 3 * d + 1
    assert R.parameter_count([d] * k, 1) == 3 * d + 1 + (k - 1) * d * (d + 1)
    assert R.random_network(1, [d] * k).num_parameters == R.parameter_count([d] * k, 1)


def test_initialisations_have_their_variances():
    # the first layer maps 400 inputs to 400 units: fan_in = fan_out = 400
    expected = {"he": 2 / 400, "xavier": 2 / 800, "uniform": 1 / 3 / 400, "normal:0.3": 0.09}
    for init, var in expected.items():
        net = R.random_network(400, [400], init=init, seed=1)
        assert net.weights[0].var() == pytest.approx(var, rel=0.05)
    with pytest.raises(ValueError):
        R.random_network(1, [3], init="glorot")


def test_network_from_dict_checks_shapes():
    net = R.network_from_dict(
        {
            "layers": [
                {"weight": [[1.0], [-1.0]], "bias": [0, 0]},
                {"weight": [[1.0, 1.0]], "bias": [0]},
            ]
        }
    )
    np.testing.assert_allclose(net.forward(np.array([[-2.0], [3.0]])), [2.0, 3.0])  # |x|
    bad = [
        {},
        {"layers": []},
        {"layers": [{"weight": [[1, 2]], "bias": [0, 0]}]},
        {"layers": [{"weight": [[1]], "bias": [0]}, {"weight": [[1, 1]], "bias": [0]}]},
        {"layers": [{"weight": [[1], [1]], "bias": [0, 0]}]},
    ]
    for doc in bad:
        with pytest.raises(ValueError):
            R.network_from_dict(doc)


# ------------------------------------------------------------------ 2-D


def shallow_2d(lines: list[tuple[float, float, float]]) -> R.Network:
    """One hidden unit per line a·x + b·y + c = 0, output their sum."""
    w = np.array([[a, b] for a, b, _ in lines])
    c = np.array([c for _, _, c in lines])
    return R.Network((w, np.ones((1, len(lines)))), (c, np.zeros(1)))


def test_shallow_lines_in_general_position_make_one_plus_d_plus_d_choose_2():
    rng = np.random.default_rng(0)
    d = 7
    angles = np.linspace(0, np.pi, d, endpoint=False) + rng.uniform(0, 0.1, d)
    lines = [(np.cos(t), np.sin(t), rng.uniform(-1, 1)) for t in angles]
    # every pairwise crossing lies inside the domain
    for i in range(d):
        for j in range(i):
            m = np.array([lines[i][:2], lines[j][:2]])
            point = np.linalg.solve(m, -np.array([lines[i][2], lines[j][2]]))
            assert np.all(np.abs(point) < 20)
    regions = R.regions_2d(shallow_2d(lines), (-20, 20, -20, 20))
    assert regions.num_regions == 1 + d + d * (d - 1) // 2 == R.shallow_bound(d, 2)


def test_degenerate_lines_make_no_false_regions():
    # two parallel lines and one across them: 6 regions
    parallel = shallow_2d([(1, 0, 0), (1, 0, -1), (0, 1, 0)])
    assert R.regions_2d(parallel, (-3, 3, -3, 3)).num_regions == 6
    # three lines through one point: 6, not 7
    concurrent = shallow_2d([(1, 0, 0), (0, 1, 0), (1, 1, 0)])
    assert R.regions_2d(concurrent, (-3, 3, -3, 3)).num_regions == 6
    # a line along the domain's edge and one through a corner cut nothing off
    edge = shallow_2d([(1, 0, 3), (1, 1, 6)])
    assert R.regions_2d(edge, (-3, 3, -3, 3)).num_regions == 1


@pytest.mark.parametrize("seed", range(3))
def test_regions_tile_the_domain_and_reproduce_the_forward_pass(seed):
    net = R.random_network(2, [10, 10, 10], seed=seed)
    regions = R.regions_2d(net, (-2, 2, -2, 2))
    assert regions.num_regions <= R.product_bound([10, 10, 10], 2)
    areas = regions.areas()
    assert np.all(areas > 0) and areas.sum() == pytest.approx(16.0, rel=1e-12)
    rng = np.random.default_rng(seed)
    for r in range(regions.num_regions):
        poly = regions.polygon(r)
        weights = rng.dirichlet(np.ones(len(poly)), size=3)  # points inside the polygon
        points = weights @ poly
        a, b, c = regions.affine[r]
        np.testing.assert_allclose(net.forward(points), points @ [a, b] + c, rtol=1e-8, atol=1e-9)
        np.testing.assert_array_equal(net.patterns(points), np.tile(regions.patterns[r], (3, 1)))


def test_dense_sampling_finds_no_pattern_the_exact_regions_miss():
    net = R.random_network(2, [12, 12], seed=5)
    regions = R.regions_2d(net, (-2, 2, -2, 2))
    g = np.linspace(-2, 2, 700)
    grid = np.column_stack([np.repeat(g, len(g)), np.tile(g, len(g))])
    sampled = {p.tobytes() for p in np.unique(net.patterns(grid), axis=0)}
    exact = {p.tobytes() for p in regions.patterns}
    assert sampled <= exact


@pytest.mark.parametrize(("width", "depth"), [(2, 1), (2, 4), (3, 3), (4, 2), (5, 2)])
def test_sawtooth_construction_has_width_to_the_depth_pieces(width, depth):
    net = R.sawtooth_network(width, depth)
    assert R.pieces_1d(net, (0.0, 1.0)).num_regions == width**depth
    xs = np.linspace(0, 1, 2001)[:, None]
    out = net.forward(xs)
    assert out.min() == pytest.approx(0.0, abs=1e-9) and out.max() == pytest.approx(1.0)


def test_sweep_at_a_budget():
    s = R.sweep("depth", budget=120, input_dim=1, domain=(-3, 3), steps=[1, 2, 3], seeds=2)
    assert list(s.depths) == [1, 2, 3]
    for k, p in enumerate(s.parameters):
        shape = s.shape(k)
        assert len(shape) == s.depths[k] and p == R.parameter_count(shape, 1)
        # no other last width (or uniform width) comes closer to the budget
        body = shape[:-1]
        for v in range(1, 40):
            assert abs(p - 120) <= abs(R.parameter_count([*body, v], 1) - 120) or v < max(
                2, shape[0] // 2
            )
    assert np.all(np.abs(s.parameters - 120) <= 0.05 * 120)
    np.testing.assert_array_equal(s.constructed, s.widths**s.depths)
    assert s.counts.shape == (3, 2)
    for k in range(3):
        assert np.all(s.counts[k] <= R.serra_bound(s.shape(k), 1))


def test_unit_terms_sum_to_the_output():
    net = R.random_network(1, [5, 4], seed=3)
    x = np.linspace(-2, 2, 50)[:, None]
    np.testing.assert_allclose(net.unit_terms(x).sum(axis=1) + net.biases[-1][0], net.forward(x))


# ------------------------------------------------------------------ bounds and pieces


def _serra_by_enumeration(widths, n0):
    """Serra et al. (2018), Theorem 1, summed over every tuple (j_1..j_L) of J."""
    import itertools

    total = 0
    for js in itertools.product(*(range(n + 1) for n in widths)):
        caps = [n0]
        ok = True
        for n, j in zip(widths, js, strict=True):
            if j > min(*caps, n):
                ok = False
                break
            caps.append(n - j)
        if ok:
            term = 1
            for n, j in zip(widths, js, strict=True):
                term *= math.comb(n, j)
            total += term
    return total


@pytest.mark.parametrize(
    ("widths", "n0", "by_hand"),
    [
        ([3] * 8, 2, 458_752),  # the paper's setting: eight 2-D layers of width 3
        ([3, 3], 2, 40),  # j1 = 0: 7; j1 = 1: 3·7; j1 = 2: 3·(1 + 3)
        ([2, 2], 1, 9),  # one input: ∏(n_l + 1) = 3·3
        ([1, 3], 1, 5),  # j1 = 0: 1 + 3; j1 = 1: the last layer is left no room: 1
        ([5], 2, 16),  # one layer: Zaslavsky, 1 + 5 + 10
    ],
)
def test_serra_bound_is_the_papers_theorem(widths, n0, by_hand):
    assert R.serra_bound(widths, n0) == by_hand == _serra_by_enumeration(widths, n0)
    assert R.serra_bound(widths, n0) <= R.product_bound(widths, n0)


def test_the_product_bound_is_far_looser_for_narrow_deep_networks():
    assert R.product_bound([3] * 8, 2) == 7**8 == 5_764_801
    bounds = R.region_bounds([3] * 8, 2)
    assert bounds == {"serra": 458_752, "product": 5_764_801, "shallow": R.shallow_bound(24, 2)}


def test_the_shallow_comparison_is_not_a_bound_on_a_deep_network():
    saw = R.sawtooth_network(3, 3)
    pieces = R.pieces_1d(saw, (0.0, 1.0))
    assert pieces.num_pieces == 27 > R.shallow_bound(9, 1) == 10  # so it is not called a bound
    assert pieces.num_pieces <= R.serra_bound([3, 3, 3], 1)


def _kinks_by_sampling(net, a, b, n=400_001):
    """Pieces of the function on [a, b] from slopes of a dense sample."""
    xs = np.linspace(a, b, n)
    ys = net.forward(xs[:, None])
    slopes = np.diff(ys) / np.diff(xs)
    jumps = np.abs(np.diff(slopes)) > 1e-6 * max(1.0, np.abs(slopes).max())
    idx = np.flatnonzero(jumps)
    clusters = int(len(idx) > 0) + int(np.sum(np.diff(idx) > 2))  # a kink shows in 1–2 samples
    return clusters + 1


def test_a_constant_network_has_one_piece_however_many_regions():
    net = R.random_network(1, [2] * 10, seed=0)
    pieces = R.pieces_1d(net, (-3.0, 3.0))
    assert pieces.num_regions == 3 and pieces.num_pieces == 1
    assert _kinks_by_sampling(net, -3.0, 3.0) == 1
    for seed in range(4):
        net = R.random_network(1, [4, 4, 4], seed=seed)
        pieces = R.pieces_1d(net, (-3.0, 3.0))
        assert pieces.num_pieces == _kinks_by_sampling(net, -3.0, 3.0) == len(pieces.kinks) + 1


def _pieces_by_probing(net, regions):
    """Step just outside every edge of every region (at a quarter, half and
    three quarters along it) and ask the network itself which activation
    pattern and which affine map (by tiny differences) it finds there:
    regions joined where the map carries on across an edge."""
    index = {tuple(p): r for r, p in enumerate(regions.patterns)}
    parent = list(range(regions.num_regions))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    def local_map(pt):
        h = 1e-7
        f = net.forward(pt[None])[0]
        a = (net.forward((pt + [h, 0])[None])[0] - f) / h
        b = (net.forward((pt + [0, h])[None])[0] - f) / h
        return np.array([a, b, f - a * pt[0] - b * pt[1]])

    x0, x1, y0, y1 = regions.domain
    for r in range(regions.num_regions):
        poly = regions.polygon(r)
        centre = poly.mean(axis=0)
        mine = local_map(centre)
        for k in range(len(poly)):
            a, b = poly[k], poly[(k + 1) % len(poly)]
            edge = b - a
            if np.hypot(*edge) < 1e-9:
                continue
            normal = np.array([edge[1], -edge[0]]) / np.hypot(*edge)
            if np.dot(normal, (a + b) / 2 - centre) < 0:
                normal = -normal
            for t in (0.25, 0.5, 0.75):
                pt = a + t * edge + 1e-6 * normal
                if not (x0 < pt[0] < x1 and y0 < pt[1] < y1):
                    continue
                other = index.get(tuple(net.patterns(pt[None])[0]))
                if other is not None and np.allclose(local_map(pt), mine, atol=1e-5):
                    parent[root(other)] = root(r)
    return len({root(i) for i in range(regions.num_regions)})


@pytest.mark.parametrize(("seed", "regions", "pieces"), [(5, 27, 8), (10, 85, 14)])
def test_2d_pieces_merge_neighbouring_regions_with_one_affine_map(seed, regions, pieces):
    net = R.random_network(2, [5] * 6, seed=seed)
    found = R.regions_2d(net, (-2, 2, -2, 2))
    assert (found.num_regions, found.num_pieces) == (regions, pieces)
    assert _pieces_by_probing(net, found) == pieces


def test_a_width_sweep_holds_the_budget_and_never_builds_a_huge_sawtooth():
    spec = R.make_sweep_spec(kind="width")
    s = R.run_sweep(spec)
    assert np.all(np.abs(s.parameters - spec.budget) <= 0.05 * spec.budget)
    for w, d, c in zip(s.widths, s.depths, s.constructed, strict=True):
        assert np.isnan(c) if w**d > R.MAX_CONSTRUCTED else c == w**d


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_folding_composes_two_networks_into_one(seed):
    spec = R.make_spec(input_dim=1, widths=[3, 3], view="folding", seed=seed)
    result = R.run(spec)
    first, second = R.folding_parts(spec)
    x = np.linspace(-3, 3, 301)[:, None]
    np.testing.assert_allclose(
        result.network.forward(x), second.forward(first.forward(x)[:, None]), atol=1e-12
    )
    assert np.linalg.matrix_rank(result.network.weights[1]) == 1  # f₁'s output, folded in
    fold = result.folding
    assert fold.first.num_pieces == _kinks_by_sampling(first, -3.0, 3.0)
    lo, hi = fold.ys[0], fold.ys[-1]
    assert fold.second.num_pieces == _kinks_by_sampling(second, lo, hi)
    assert result.regions.num_pieces == _kinks_by_sampling(result.network, -3.0, 3.0)
    assert result.regions.num_pieces <= fold.first.num_pieces * fold.second.num_pieces


def test_each_cut_splits_regions_into_two_halves_along_the_units_zero_line():
    """The cutting frames: a split region's two halves cover it exactly
    (shoelace areas), the region that was not split is unchanged, and the
    highlighted segments lie on the unit's zero line, found by a forward pass."""

    def area(p):
        x, y = p[:, 0], p[:, 1]
        return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

    result = R.run(R.make_spec(widths=(4, 4, 3)), cuts=True)
    net = result.network
    before = [np.array([[-2, -2], [2, -2], [2, 2], [-2, 2]], float)]
    split = 0
    for cut in result.cuts:
        after, first_new = cut.polygons, len(cut.polygons) - len(cut.parents)
        assert first_new == len(before)
        for j, parent in enumerate(cut.parents):
            halves = area(after[parent]) + area(after[first_new + j])
            assert halves == pytest.approx(area(before[parent]), rel=1e-9)
        for k in set(range(len(before))) - set(cut.parents):
            np.testing.assert_array_equal(after[k], before[k])
        assert len(cut.segments) == len(cut.parents)
        if len(cut.segments):
            ends = cut.segments.reshape(-1, 2)
            z = net.hidden(ends)[cut.layer][0][:, cut.unit]
            scale = np.abs(net.hidden(np.zeros((1, 2)))[cut.layer][0]).max() + 1
            assert np.abs(z).max() < 1e-8 * scale
        split += len(cut.parents)
        before = after
    assert split + 1 == result.regions.num_regions
