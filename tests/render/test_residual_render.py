"""The drawn artists of the residual figures."""

from __future__ import annotations

import numpy as np

from dlviz.compute import residual as V
from dlviz.render import residual as P


def small(**kwargs):
    return V.simulate(depth=4, width=32, batch=64, repeats=2, **kwargs)


def test_curves_are_the_measured_means_and_theory():
    r = small()
    ax = P.plot_residual(r).axes[0]
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 5]
    means = [line.get_ydata() for line in lines if line.get_marker() == "o"]
    theory = [line.get_ydata() for line in lines if line.get_linestyle() == "--"]
    for v, drawn in zip(r.forward, means, strict=True):
        np.testing.assert_array_equal(drawn, r.mean(v))
    np.testing.assert_array_equal(theory[1], [1, 2, 4, 8, 16])  # residual
    assert ax.get_yscale() == "log"


def test_backward_panel_and_animation():
    r = small(backward=True)
    fig = P.plot_residual(r, lang="zh")
    assert "E[g²]" in fig.axes[1].get_ylabel()
    anim = P.animate_residual(r)
    anim._func(2)
    m = r.mean("residual")
    # the measured E[h²] either side of the block, and its ratio against the theory's ×2
    assert anim._fig.get_suptitle() == (
        f"residual: E[h²] {m[1]:.3g} at block 1 → {m[2]:.3g} at block 2 "
        f"(×{m[2] / m[1]:.3g}, theory ×2)"
    )


def test_the_default_figure_has_its_theory_within_the_band_of_its_runs():
    """The band is the range over the runs; with the defaults (width 256, 16
    runs) the infinite-width theory lies inside it at every block."""
    spec = V.make_spec()
    assert (spec.width, spec.repeats, spec.batch) == (256, 16, 256)
    r = V.run(spec)
    for v, runs in r.forward.items():
        theory = r.theory[v]
        assert np.all(runs.min(axis=0) <= theory) and np.all(theory <= runs.max(axis=0)), v
    fig = P.plot_residual(r)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "band: range over 16 runs" in labels
    assert "range of 16 runs" in fig._supxlabel.get_text()


def test_histograms_show_each_block_in_its_own_scale_and_blocks_are_whole():
    r = V.simulate(depth=12, width=64, batch=64, repeats=2, variants=("residual",))
    fig = P.plot_residual(r)
    main, hist = fig.axes[0], fig.axes[1]
    ticks = [t for t in main.get_xticks() if 0 <= t <= 12]
    assert ticks and all(float(t).is_integer() for t in ticks)
    scales = [np.sqrt(np.mean(r.samples["residual"][k] ** 2)) for k in r.sampled_blocks]
    assert hist.get_title() == "residual   √E[h²]: " + " → ".join(f"{s:.3g}" for s in scales)
    assert scales[-1] > 30 * scales[0]  # spread grows, yet every histogram spans about ±3
    for patch in hist.patches:
        xs = patch.get_path().vertices[:, 0]
        assert xs.min() >= -4 and xs.max() <= 4


def test_a_dark_slide_is_16_by_9():
    from dlviz.theme import DARK

    w, h = P.plot_residual(small(), theme=DARK).get_size_inches()
    assert abs(w / h - 16 / 9) < 0.01
