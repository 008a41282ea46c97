"""The drawn artists of the landscape figures (Agg, no pixels compared)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib import colors
from matplotlib.collections import QuadMesh
from matplotlib.contour import QuadContourSet
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from dlviz.compute.landscape import compute_landscape, make_landscape
from dlviz.render.base import new_figure
from dlviz.render.landscape import animate_landscape, draw_landscape, plot_landscape
from dlviz.theme import DARK, LIGHT


@pytest.fixture(scope="module")
def gabor():
    return compute_landscape(make_landscape("gabor"), resolution=41)


@pytest.fixture(scope="module")
def himmelblau():
    return compute_landscape(make_landscape("himmelblau"), resolution=41)


def star_lines(ax):
    return [line for line in ax.get_lines() if line.get_marker() == "*"]


def test_contour_marks_the_minimum_and_draws_the_loss(gabor):
    fig = plot_landscape(gabor)
    ax = fig.axes[0]
    contours = [c for c in ax.get_children() if isinstance(c, QuadContourSet)]
    assert contours, "no filled contour drawn"
    (star,) = star_lines(ax)
    assert star.get_xdata()[0] == gabor.minimum.x and star.get_ydata()[0] == gabor.minimum.y
    assert ax.get_xlim() == (gabor.x[0], gabor.x[-1])
    assert ax.get_xlabel().startswith("φ₀") and ax.get_ylabel().startswith("φ₁")
    assert "Gabor" in fig.get_suptitle()


def test_data_models_show_training_data_and_the_fit(gabor):
    fig = plot_landscape(gabor)
    fit_ax = fig.axes[1]
    (points,) = fit_ax.collections
    np.testing.assert_array_equal(points.get_offsets()[:, 0], gabor.data[0])
    np.testing.assert_array_equal(points.get_offsets()[:, 1], gabor.data[1])
    (curve,) = fit_ax.get_lines()
    np.testing.assert_array_equal(curve.get_ydata(), gabor.fit[1])


def test_every_global_minimum_is_marked(himmelblau):
    fig = plot_landscape(himmelblau, log_scale=True)
    (stars,) = star_lines(fig.axes[0])
    assert len(stars.get_xdata()) == 4
    assert len(fig.axes) == 2  # landscape + colour bar, no data panel


def test_heatmap_shows_the_grid_values(himmelblau):
    fig = new_figure(LIGHT)
    ax = fig.add_subplot()
    mesh = draw_landscape(ax, himmelblau, view="heatmap")
    assert isinstance(mesh, QuadMesh)
    np.testing.assert_array_equal(mesh.get_array().reshape(himmelblau.loss.shape), himmelblau.loss)


def test_log_scale_uses_a_log_norm(himmelblau):
    fig = plot_landscape(himmelblau, log_scale=True)
    contours = [c for c in fig.axes[0].get_children() if isinstance(c, QuadContourSet)]
    assert isinstance(contours[0].norm, colors.LogNorm)


def test_surface_view_draws_a_3d_surface(gabor):
    fig = plot_landscape(gabor, view="surface", theme=DARK)
    ax = fig.axes[0]
    assert ax.name == "3d"
    assert any(isinstance(c, Poly3DCollection) for c in ax.collections)
    assert ax.get_zlabel() == "loss"


def test_saddle_point_is_marked():
    result = compute_landscape(make_landscape("saddle"), resolution=21)
    ax = plot_landscape(result).axes[0]
    saddles = [line for line in ax.get_lines() if line.get_marker() == "X"]
    assert saddles and saddles[0].get_xdata()[0] == 0.0


def test_chinese_labels_render_without_missing_glyphs(gabor, tmp_path):
    fig = plot_landscape(gabor, lang="zh")
    assert "损失曲面" in fig.get_suptitle()
    assert "偏移" in fig.axes[0].get_xlabel()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on a missing glyph
        fig.savefig(tmp_path / "zh.png")


def test_theme_colours_reach_the_figure(gabor):
    fig = plot_landscape(gabor, theme=DARK)
    assert colors.to_hex(fig.get_facecolor()) == DARK.background
    assert fig.get_size_inches().tolist() == list(DARK.figsize)


def test_animation_reveals_rising_sublevel_sets(himmelblau):
    anim = animate_landscape(himmelblau, log_scale=True, frames=5)
    ax = anim._fig.axes[0]
    anim._func(0)
    first = ax.texts[-1].get_text()
    anim._func(4)
    last = ax.texts[-1].get_text()
    assert first != last and last.startswith("loss ≤")
    assert float(last.split("≤")[1]) == pytest.approx(himmelblau.loss.max(), rel=1e-2)


def test_scene_colour_anchors_are_matplotlibs_colour_maps():
    import matplotlib

    from dlviz.theme import CMAP_ANCHORS

    for name, anchors in CMAP_ANCHORS.items():
        cmap = matplotlib.colormaps[name]
        expected = [colors.to_hex(cmap(t)) for t in np.linspace(0, 1, len(anchors))]
        assert list(anchors) == expected


def test_local_minima_and_saddles_are_marked_where_they_were_found():
    from dlviz.compute import landscape as L
    from dlviz.render.landscape import plot_landscape

    result = L.run(L.make_spec("gabor"))
    ax = plot_landscape(result).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    saddles = [c for c in result.critical if c.kind == "saddle"]
    local = [c for c in result.critical if c.kind == "minimum" and c.loss > result.minimum.loss]
    np.testing.assert_allclose(lines["saddle point"].get_xdata(), [c.x for c in saddles])
    np.testing.assert_allclose(lines["local minimum"].get_ydata(), [c.y for c in local])
