"""The drawn artists of the ReLU figures."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection

from dlviz.compute import relu as R
from dlviz.render import relu as P


def test_2d_figure_draws_every_region_polygon():
    result = R.run(R.make_spec(widths=(6, 6), seed=2))
    regions = result.regions
    fig = P.plot_relu_2d(result)
    (polys,) = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(polys.get_paths()) == regions.num_regions
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["layer 1 boundaries", "layer 2 boundaries"]


def test_neighbouring_regions_differ_in_colour():
    # neighbours differ in one unit; odd weights keep their indices apart mod 12
    patterns = np.zeros((7, 6), bool)
    for k in range(6):
        patterns[k + 1, k] = True
    colours = P.region_colours(patterns)
    assert all(colours[0] != c for c in colours[1:])


def test_1d_figure_pieces_and_joints():
    result = R.run(R.make_spec(input_dim=1, widths=(5, 5), seed=1))
    pieces = result.regions
    fig = P.plot_relu_1d(result)
    ax = fig.axes[0]
    segments = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    assert len(segments) == pieces.num_regions
    (joints,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose(joints.get_xdata(), pieces.joints)


def test_animations_run():
    anim = P.animate_relu_2d(R.run(R.make_spec(widths=(3, 3)), cuts=True))
    anim._func(5)
    assert (
        "6 regions" in anim._fig.axes[0].get_title() or "regions" in anim._fig.axes[0].get_title()
    )
    anim1 = P.animate_relu_1d(R.run(R.make_spec(input_dim=1, widths=(4,))))
    anim1._func(3)
    assert anim1._fig.axes[0].get_title().startswith("units added: 4 of 4")


def test_boundaries_are_exact_segments_on_each_units_zero_line():
    """Every drawn boundary segment lies on a hidden unit's switching line
    (z = 0 at its ends and midpoint), and every region edge inside the domain
    is covered by some layer's segments."""
    result = R.run(R.make_spec(widths=(5, 4), seed=3))
    net, regions = result.network, result.regions
    for layer, segments in enumerate(regions.boundaries):
        assert len(segments) > 0
        for a, b in segments:
            points = np.array([a, b, (a + b) / 2])
            z = net.hidden(points)[layer][0]
            assert np.abs(z).min(axis=1).max() < 1e-8


def test_a_constant_1d_network_says_one_piece_three_regions_and_draws_one_colour():
    result = R.run(R.make_spec(input_dim=1, widths=[2] * 10))
    fig = P.plot_relu_1d(result)
    assert fig._suptitle.get_text().endswith("linear pieces: 1 · activation regions: 3")
    ax = fig.axes[0]
    segments = [line for line in ax.get_lines() if line.get_linewidth() == 2.2]
    assert len(segments) == 3 and len({line.get_color() for line in segments}) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["kinks (the slope changes): 0", "units switching, the line unchanged: 2"]


def test_1d_counts_in_the_title_are_the_exact_pieces_and_regions():
    for widths, seed in (([4, 4, 4], 1), ([8, 8], 0), ([3] * 8, 2)):
        result = R.run(R.make_spec(input_dim=1, widths=widths, seed=seed))
        pieces = result.regions
        title = P.plot_relu_1d(result)._suptitle.get_text()
        assert title.endswith(
            f"linear pieces: {pieces.num_pieces} · activation regions: {pieces.num_regions}"
        )
        # each piece in its own colour: the drawn colour changes once per kink
        fig = P.plot_relu_1d(result)
        drawn = [
            line.get_color() for line in fig.axes[0].get_lines() if line.get_linewidth() == 2.2
        ]
        changes = sum(a != b for a, b in zip(drawn, drawn[1:], strict=False))
        assert changes == pieces.num_pieces - 1 == len(pieces.kinks)


def test_2d_title_counts_regions_and_pieces():
    result = R.run(R.make_spec(widths=[5] * 6, seed=5, domain=(-2, 2, -2, 2)))
    fig = P.plot_relu_2d(result)
    assert fig.axes[0].get_title() == "activation regions: 27 · linear pieces: 8"


def test_every_layer_has_its_own_boundary_style_and_dark_lines_on_the_pastels():
    styles = [P.layer_style(k) for k in range(10)]
    assert len({repr(s) for s in styles}) == 10
    result = R.run(R.make_spec(widths=[4] * 6, seed=1))
    from dlviz.theme import DARK

    fig = P.plot_relu_2d(result, theme=DARK, lang="zh")
    lines = [c for c in fig.axes[0].collections if not isinstance(c, PolyCollection)]
    assert len(lines) == 6
    assert all(tuple(c.get_colors()[0][:3]) == (0x1B / 255,) * 3 for c in lines)
    w, h = fig.get_size_inches()
    assert abs(w / h - 16 / 9) < 0.01  # a dark slide stays 16:9


def test_a_deep_1d_figure_stays_a_slide_and_says_which_layers_it_left_out():
    result = R.run(R.make_spec(input_dim=1, widths=[3] * 10))
    fig = P.plot_relu_1d(result)
    assert fig.get_size_inches()[1] <= 2.6 * 4.8 + 1e-9
    notes = [ax.get_title(loc="right") for ax in fig.axes if ax.get_title(loc="right")]
    assert notes == ["layers 3–8 not drawn (--data has them)"]


def test_the_surface_view_lifts_each_region_by_its_own_affine_map():
    result = R.run(R.make_spec(widths=[5, 5, 5], view="surface"))
    fig = P.figure(result)
    fig.canvas.draw()  # a 3-D collection projects its facets when drawn
    (facets,) = fig.axes[0].collections
    regions = result.regions
    assert len(facets.get_paths()) == regions.num_regions
    # each facet's heights are the network's output at its corners
    for r in (0, regions.num_regions // 2, regions.num_regions - 1):
        poly = regions.polygon(r)
        a, b, c = regions.affine[r]
        np.testing.assert_allclose(
            a * poly[:, 0] + b * poly[:, 1] + c, result.network.forward(poly), atol=1e-9
        )
    title = fig._suptitle.get_text()
    assert title.endswith(
        f"activation regions: {regions.num_regions} · linear pieces: {regions.num_pieces}"
    )


def test_the_folding_view_draws_f1_f2_and_their_composition_with_exact_counts():
    result = R.run(R.make_spec(input_dim=1, widths=[3, 3], view="folding", seed=3))
    fig = P.figure(result)
    fold = result.folding
    assert fig._suptitle.get_text() == (
        "Composing networks folds the input: "
        f"f₁ has {fold.first.num_pieces} pieces, f₂ has {fold.second.num_pieces}, "
        f"f₂∘f₁ has {result.regions.num_pieces}"
    )
    assert [ax.get_title() for ax in fig.axes] == [
        "first network f₁",
        "second network f₂, on the values f₁ takes",
        "the composition f₂ ∘ f₁",
    ]
