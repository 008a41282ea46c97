"""The loss figures: every printed equation is the run's, the drawn curves
and bars are the result's numbers, and the animation's frames follow the sweep."""

from __future__ import annotations

import re

import matplotlib.lines
import matplotlib.patches
import matplotlib.text
import numpy as np
import pytest

from dlviz.compute import loss as L
from dlviz.render import loss as R
from dlviz.theme import DARK, LIGHT


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _value(printed: str) -> float:
    """'1.062×10⁻⁵' → 1.062e-5, '−0.6529' → -0.6529."""
    printed = printed.replace("−", "-")
    if "×10" in printed:
        mantissa, power = printed.split("×10")
        power = power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return float(mantissa) * 10 ** int(power)
    return float(printed)


@pytest.fixture(scope="module")
def regression():
    return L.run(L.make_spec())


@pytest.mark.parametrize("theme", [LIGHT, DARK])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_equation_of_the_run_is_printed_and_ends_with_its_value(regression, theme, lang):
    texts = _texts(R.figure(regression, theme=theme, lang=lang))
    for (key, eq), (name, line) in zip(regression.equations, R.equation_lines(regression, lang),
                                       strict=True):  # fmt: skip
        assert line in texts and name in texts, key
        assert eq.holds()
        printed = _value(line.rsplit(" = ", 1)[1])
        assert printed == pytest.approx(eq.rhs, rel=5e-4), key


def test_the_notebooks_numbers_are_on_the_figure(regression):
    joined = "\n".join(_texts(R.figure(regression)))
    for shown in ("= 1.062×10⁻⁵", "= 11.45", "= 2.021", "2.021/(2·0.04) + 20·(−1.609)"):
        assert shown in joined
    assert "offset β₁[0] = 0.27" in joined  # the sweep's best, as notebook 5.1 finds it


def test_the_drawn_mean_and_bars_are_the_results(regression):
    fig = R.figure(regression)
    data_ax = fig.axes[0]
    lines = data_ax.get_lines()
    mean = next(line for line in lines if len(line.get_xdata()) == len(regression.grid))
    np.testing.assert_allclose(mean.get_ydata(), regression.grid_mu)
    bars = [line for line in lines if len(line.get_xdata()) == 2]
    lengths = np.array([np.ptp(b.get_xdata()) for b in bars])
    assert len(bars) == len(regression.x)
    ratio = lengths / regression.point_prob
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-12)  # each bar ∝ p(yₙ | xₙ)


def test_the_sweep_panel_draws_the_sweep(regression):
    fig = R.figure(regression)
    sweep_ax = fig.axes[1]
    drawn = sweep_ax.get_lines()[0]
    np.testing.assert_allclose(drawn.get_xdata(), regression.sweep.values)
    np.testing.assert_allclose(drawn.get_ydata(), regression.sweep.likelihood)
    twin = next(
        ax for ax in fig.axes if ax is not sweep_ax and ax.bbox.bounds == sweep_ax.bbox.bounds
    )
    np.testing.assert_allclose(twin.get_lines()[0].get_ydata(), regression.sweep.nll)


def test_multiclass_bars_stack_the_softmax_and_write_the_true_class_probability():
    r = L.run(L.make_spec(task="multiclass"))
    fig = R.figure(r)
    ax = fig.axes[0]
    order = np.argsort(r.x, kind="stable")
    filled = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle) and p.fill]
    heights = np.array([p.get_height() for p in filled]).reshape(r.probs.shape[1], len(r.x))
    np.testing.assert_allclose(heights.T, r.probs[order], rtol=1e-12)
    written = [t.get_text() for t in ax.texts]
    assert written == [f"{r.point_prob[i]:.2f}" for i in order]
    outlined = [p for p in ax.patches if not p.fill]
    assert len(outlined) == len(r.x)


def test_the_information_bars_are_p_and_q_and_the_numbers_are_in_bits():
    r = L.run(L.make_spec(task="information", units="bits"))
    fig = R.figure(r)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == [*r.spec.p, *r.spec.q]
    joined = "\n".join(_texts(fig))
    assert "KL(p‖q) = H(p, q) − H(p) = 2 − 1.75 = 0.25" in joined
    assert "(in bits)" in joined


def test_a_likelihood_too_small_for_a_float_is_said_not_printed_as_zero():
    x = list(np.linspace(0, 1, 500))
    r = L.run(L.make_spec(given={"x": x, "y": [5.0] * 500}, sigma=0.01))
    assert r.likelihood == 0.0 and "likelihood" not in dict(r.equations)
    texts = _texts(R.figure(r))
    line = next(t for t in texts if t.startswith("L = e^(−"))
    assert f"10^{r.log10_likelihood:.1f}" in line


def test_titles_name_the_model_and_data_that_ran():
    poly = L.run(L.make_spec(model="poly", points=30, seed=2))
    head = R.title(poly, "en")
    assert "the polynomial f = −1.39 + 11.23x − 22.02x² + 12.93x³" in head
    assert "30 points drawn from the model (seed 2)" in head
    given = L.run(
        L.make_spec(task="binary", given={"layers": [{"weight": [[3.0]], "bias": [-1.0]}]})
    )
    assert "a given ReLU network" in R.title(given, "en")
    hot = L.run(L.make_spec(task="multiclass", temperature=2.5))
    assert "T = 2.5" in R.title(hot, "en")


def test_chinese_counts_the_elided_terms_in_chinese(regression):
    lines = [line for _, line in R.equation_lines(regression, "zh")]
    assert any("（14 项）" in line for line in lines)
    assert not any("terms" in line or "factors" in line for line in lines)


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass", "information"])
def test_the_animation_follows_the_sweep(task):
    r = L.run(L.make_spec(task=task))
    anim = R.animation(r)
    frames = R.frame_indices(r)
    assert frames[0] == 0 and frames[-1] == len(r.sweep.values) - 1
    assert len(frames) <= R.MAX_FRAMES
    fig = anim._fig
    for i in (0, len(frames) // 2, len(frames) - 1):
        anim._func(i)
        assert R.sweep_caption(r, frames[i], "en") in _texts(fig)


def test_the_regression_animation_draws_the_mean_at_each_swept_value(regression):
    anim = R.animation(regression)
    frames = R.frame_indices(regression)
    anim._func(5)
    data_ax = anim._fig.axes[0]
    mean = next(
        line for line in data_ax.get_lines() if len(line.get_xdata()) == len(regression.grid)
    )
    np.testing.assert_allclose(mean.get_ydata(), regression.sweep.mu[frames[5]])
    moved = L.with_value(regression.spec, regression.sweep.values[frames[5]])
    np.testing.assert_allclose(mean.get_ydata(), L.distribution(moved, regression.grid)[0])


def test_the_binary_miss_segments_end_at_lambda():
    r = L.run(L.make_spec(task="binary"))
    ax = R.figure(r).axes[0]
    segments = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    ends = np.array([line.get_ydata()[1] for line in segments])
    np.testing.assert_allclose(ends, r.probs[:, 1], rtol=1e-12)
    assert re.search(r"binary cross-entropy", "\n".join(_texts(R.figure(r))))
