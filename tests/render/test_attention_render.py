"""The attention figures: the heads as a grid, and the pipeline step by step."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlviz.compute import attention as A
from dlviz.render import attention as P
from dlviz.theme import DARK


@pytest.mark.parametrize("kind", A.KINDS)
def test_the_pipeline_steps_are_the_computation_checked_by_hand(kind):
    spec = A.make_spec(kind=kind, heads=2, causal=True, show="pipeline")
    r = A.run(spec)
    steps = P.pipeline_steps(r)
    named = {label.split("  ")[0]: m for label, m, _ in steps}
    x_q, x_k, x_v = (np.array(m) for m in (spec.queries, spec.keys, spec.values))
    w = {n: np.array(m) for n, m in spec.projections.items()}
    if kind in ("self", "multihead"):
        d_h = x_q.shape[1] // r.heads
        q, k, v = named["Q = X·W_Q"], named["K = X·W_K"], named["V = X·W_V"]
        np.testing.assert_allclose(q, (x_q @ w["W_Q"])[:, :d_h])
        np.testing.assert_allclose(k, (x_k @ w["W_K"])[:, :d_h])
        np.testing.assert_allclose(v, (x_v @ w["W_V"])[:, :d_h])
    else:
        q, k, v = named["Q"], named["K"], named["V"]
        np.testing.assert_array_equal(q, x_q)
    scores = [m for label, m, _ in steps][3]
    if kind != "additive":
        scale = 1.0 if kind == "dot" else 1 / math.sqrt(q.shape[1])
        np.testing.assert_allclose(scores, scale * q @ k.T)
    masked = named["mask → −∞"]
    assert np.all(np.isneginf(masked[r.mask])) and np.allclose(masked[~r.mask], scores[~r.mask])
    e = np.where(r.mask, 0.0, np.exp(scores - scores.max(axis=1, keepdims=True)))
    np.testing.assert_allclose(named["softmax"], e / e.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(named["·V"], named["softmax"] @ v)
    if kind in ("self", "multihead"):
        np.testing.assert_allclose(named["·W_O"], named["concat"] @ w["W_O"])
    fig = P.figure(r)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [label for label, _, _ in steps]
    assert all("×" in t for t in titles)  # every matrix says its shape


def test_four_heads_are_a_grid_with_shared_labels_and_dark_is_16_by_9():
    r = A.run(A.make_spec(kind="multihead", heads=4, dim=16))
    fig = P.plot_attention(r)
    heads = [ax for ax in fig.axes if ax.get_title().startswith("head")]
    rows = {round(ax.get_position().y0, 3) for ax in heads}
    assert len(heads) == 4 and len(rows) == 2  # 2 × 2, not a strip
    labelled = [ax for ax in heads if ax.get_ylabel()]
    assert len(labelled) == 2  # the left column only
    w, h = P.plot_attention(r, theme=DARK).get_size_inches()
    assert abs(w / h - 16 / 9) < 0.01


def test_forty_tokens_get_labels_that_do_not_collide():
    tokens = " ".join(f"w{i}" for i in range(40))
    r = A.run(A.make_spec(tokens=tokens))
    fig = P.plot_attention(r)
    fig.canvas.draw()
    ax = fig.axes[0]
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
    assert 4 <= len(boxes) < 40
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.x1 <= b.x0 + 0.35 * b.width  # rotated labels may touch, never stack


@pytest.mark.parametrize("kind", A.KINDS)
def test_temperature_divides_the_scores_before_the_softmax(kind):
    base = A.run(A.make_spec(kind=kind, causal=True))
    hot = A.run(A.make_spec(kind=kind, causal=True, temperature=0.5))
    for h in range(base.heads):
        s = base.unmasked[h] / 0.5
        e = np.where(base.mask, 0.0, np.exp(s - s.max(axis=1, keepdims=True)))
        np.testing.assert_allclose(hot.weights[h], e / e.sum(axis=1, keepdims=True), atol=1e-12)
    assert "T = 0.5" in P.plot_attention(hot)._suptitle.get_text()


def test_a_row_scale_colours_each_row_by_its_largest_and_keeps_the_numbers():
    r = A.run(A.make_spec(tokens="a b c d", row_scale=True, numbers=True))
    fig = P.plot_attention(r)
    ax = fig.axes[0]
    np.testing.assert_allclose(
        ax.images[0].get_array(), r.weights[0] / r.weights[0].max(axis=1, keepdims=True)
    )
    written = [t.get_text() for t in ax.texts]
    assert written == [f"{w:.2f}" for w in r.weights[0].ravel()]
    assert fig.axes[-1].get_ylabel() == "weight ÷ its row's largest"
