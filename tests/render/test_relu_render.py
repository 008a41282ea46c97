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
