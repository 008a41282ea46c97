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
    assert anim._fig.get_suptitle().endswith(f"= {m[2]:.3g}")
