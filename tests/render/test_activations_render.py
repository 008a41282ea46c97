"""The activation figures: the drawn curves are the result's, the shading
is the saturated intervals, every written maximum and equation is the
run's, and the animations follow the result."""

from __future__ import annotations

import matplotlib.patches
import matplotlib.text
import numpy as np
import pytest

from dlviz.compute import activations as A
from dlviz.render import activations as R
from dlviz.theme import DARK, LIGHT


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


@pytest.fixture(scope="module")
def curves():
    return A.run(A.make_spec(params={"leaky_slope": 0.1, "elu_alpha": 0.5}))


@pytest.mark.parametrize("theme", [LIGHT, DARK])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_panel_draws_its_curves_shading_and_maximum(curves, theme, lang):
    fig = R.figure(curves, theme=theme, lang=lang)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(A.NAMES)
    words = _texts(fig)
    for ax, c in zip(panels, curves.curves, strict=True):
        ys = [line.get_ydata() for line in ax.get_lines() if len(line.get_xdata()) == A.GRID]
        np.testing.assert_array_equal(ys[0], c.values)
        np.testing.assert_array_equal(ys[1], c.slopes)
        spans = [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches
                 if isinstance(p, matplotlib.patches.Rectangle)]  # fmt: skip
        assert np.allclose(spans, c.saturated) if c.saturated else spans == []
        assert R.peak_text(c.peak, lang) in words
        assert R.activation_name(curves, c.name, lang) == ax.get_title()
    assert "a = 0.1" in words and "α = 0.5" in words
    assert "σ′ = σ·(1 − σ) = 0.5·(1 − 0.5) = 0.25" in words
    assert "tanh′ = 1 − tanh² = 1 − 0·0 = 1" in words


def test_the_written_maxima_are_the_brute_force_maxima(curves):
    for c in curves.curves:
        assert c.peak.value == pytest.approx(c.slopes.max(), abs=1e-5)  # the grid's step is 0.01


def test_the_shallow_figure_is_the_units_and_their_sum():
    r = A.run(A.make_spec(view="shallow", activations=["tanh"]))
    fig = R.figure(r)
    words = _texts(fig)
    for d, theta in enumerate(A.UDL_THETA):
        assert R.unit_formula(theta, d) in words
    assert "θ₁₀ + θ₁₁x = 0.3 − 1x" in words and "φ₃ = 7" in words
    out = fig.axes[-1].get_lines()[0]
    np.testing.assert_array_equal(out.get_ydata(), r.shallow.output)
    weighted = [ax.get_lines()[0].get_ydata() for ax in fig.axes[6:9]]
    np.testing.assert_array_equal(np.column_stack(weighted), r.shallow.weighted)


def test_the_collapse_figure_writes_the_matrices_and_every_equation():
    r = A.run(A.make_spec(view="collapse", seed=2))
    c = r.collapse
    fig = R.figure(r, lang="zh")
    words = _texts(fig)
    for eq in c.products + c.example:
        assert eq.text() in words and eq.holds()
    cells = [t.get_text() for t in fig.axes[0].texts]
    for v in np.concatenate([c.w.ravel(), c.b, c.w1.ravel(), c.w2.ravel()]):
        assert R.value_text(v) in cells
    lines = [ln for ln in fig.axes[1].get_lines() if ln.get_linestyle() == "-"]
    for line, image in zip(lines, c.linear, strict=False):
        np.testing.assert_allclose(line.get_xydata(), image)


def test_the_animations_follow_the_result():
    r = A.run(A.make_spec(activations=["sigmoid"]))
    anim = R.animation(r)
    anim._func(R.FRAMES - 1)
    ax = anim._fig.axes[0]
    dot = [ln for ln in ax.get_lines() if ln.get_marker() == "s"][0]
    assert dot.get_ydata()[0] == pytest.approx(r.curves[0].slopes[-1])
    s = A.run(A.make_spec(view="shallow"))
    anim = R.animation(s)
    anim._func(2)
    curve = anim._fig.axes[0].get_lines()[1]
    np.testing.assert_allclose(curve.get_ydata(), s.shallow.output)
