"""The drawn computational graphs, their written chain-rule steps, the
gradient check and the animation's frames."""

from __future__ import annotations

import re

import matplotlib.text
import numpy as np
import pytest

from dlviz.compute import backprop as B
from dlviz.render import backprop as R
from dlviz.theme import DARK, LIGHT
from tests.compute.test_backprop import UDL_BACKWARD, UDL_FORWARD, UDL_PARAMETERS


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _last_number(line: str) -> float:
    """The value a printed line ends with (−1.683 → -1.683)."""
    return float(re.findall(r"[−-]?[\d.]+$", line.strip())[0].replace("−", "-"))


@pytest.fixture(scope="module")
def chain():
    return B.run(B.make_spec())


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_the_chain_prints_the_notebooks_values_and_gradients(chain, theme):
    texts = _texts(R.figure(chain, theme=theme))
    for name, value in UDL_FORWARD.items():  # each node's forward value, in its box
        box = next(t for t in texts if t.startswith(R.symbol(name) + "\n"))
        assert _last_number(box) == pytest.approx(value, abs=6e-4), name
    for name, grad in UDL_BACKWARD.items():  # ∂ℓ/∂node below it
        below = next(t for t in texts if t.startswith(f"∂ℓ/∂{name}\n="))
        assert _last_number(below) == pytest.approx(grad, abs=6e-3), name
    for name, grad in UDL_PARAMETERS.items():  # each parameter with its gradient
        leaf = next(t for t in texts if f"∂ℓ/∂{R.symbol(name)}\n" in t)
        assert _last_number(leaf) == pytest.approx(grad, abs=6e-3), name


def test_every_backward_step_is_printed_and_ends_with_the_notebooks_number(chain):
    texts = _texts(R.figure(chain))
    for name in ("f3", "h3", "f2", "h2", "f1", "h1", "f0"):
        line = R.chain_step_text(chain.graph, name)
        assert line in texts
        assert _last_number(line) == pytest.approx(UDL_BACKWARD[name], abs=6e-3)
    f2 = R.chain_step_text(chain.graph, "f2")
    assert f2 == "∂ℓ/∂f2 = ∂ℓ/∂h3·(−sin f2) = 2.234·(−0.7535) = −1.683"


def test_each_edge_carries_its_local_derivative(chain):
    texts = _texts(R.figure(chain))
    assert "∂h3/∂f2\n−sin f2 = −0.7535" in texts
    assert "∂h2/∂f1\nexp f1 = 5.068" in texts  # exp's derivative is its value
    assert "∂ℓ/∂f3\n2(f3 − y) = 0.7445" in texts


def test_the_check_table_has_a_row_per_parameter_with_its_verdict(chain):
    texts = _texts(R.figure(chain))
    assert "Gradient check: 8 of 8 agree with central finite differences" in texts
    assert texts.count("✓") == 8 and "✗" not in texts
    for row in R.check_rows(chain):
        assert row[0] in texts and row[1] in texts and row[2] in texts


def test_a_failed_check_is_marked_and_a_relu_kink_named():
    given = {"layers": [{"weight": [[1.0]], "bias": [0.0]}, {"weight": [[1.0]], "bias": [0.0]}],
             "x": [[0.0]], "y": [[1.0]]}  # fmt: skip
    result = B.run(B.make_spec(given=given))
    texts = _texts(R.figure(result))
    bad = [c.name for c in result.checks if not c.ok()]
    assert any(t.startswith("✗ " + bad[0]) and "kink" in t for t in texts)
    assert f"Gradient check: {len(result.checks) - len(bad)} of {len(result.checks)}" in " ".join(
        texts
    )


@pytest.mark.parametrize("loss", B.LOSSES)
def test_the_mlp_prints_its_delta_recursion_and_every_unit(loss):
    result = B.run(B.make_spec(widths=(3, 4, 3), batch=2, loss=loss))
    texts = _texts(R.figure(result))
    for line in result.equations:
        assert line.text in texts
    m = result.mlp
    for k in range(1, 3):  # every unit's δ (example 1)
        for d in m.delta[k - 1][:, 0]:
            assert f"δ {R.value_text(d)}" in texts
    assert "W[1]: 4×3" in " ".join(texts) and "W[2]: 3×4" in " ".join(texts)
    assert any(t.startswith(f"Gradient check: {len(result.checks)} of {len(result.checks)}")
               for t in texts)  # fmt: skip


def test_the_animation_lights_each_node_then_writes_each_step(chain):
    frames = R.animation_frames(chain, "en")
    captions = list(dict.fromkeys(f.caption for f in frames))
    assert len(captions) == 9 + 16  # nine nodes forward; back: 7 nodes, 8 parameters and x
    assert captions[0] == "x = 2.3"
    assert captions[1] == "f0 = β0 + ω0·x = 1.23"
    for name in R.backward_order(chain.graph):
        assert R.chain_step_text(chain.graph, name) in captions
    anim = R.animation(chain)
    assert anim._save_count == len(frames)


def test_the_backward_order_takes_every_step_once_after_its_readers(chain):
    order = R.backward_order(chain.graph)
    assert sorted(order) == sorted(s.node for s in chain.graph.steps if s.node != "y")
    for name in order:  # every reader's gradient is known before it is used
        readers = [n.name for n in chain.graph.nodes if name in n.inputs]
        assert all(r == "l" or order.index(r) < order.index(name) for r in readers)


def test_a_wrong_local_derivative_shows_as_failed_checks_on_the_figure(monkeypatch):
    """sin's derivative written as −cos: the panel marks β0 and ω0 (before
    sin in the chain) as disagreeing, and only them."""
    import math
    from dataclasses import replace

    monkeypatch.setitem(
        B.OPS, "sin", replace(B.OPS["sin"], partials=lambda a, out: (-math.cos(a),))
    )
    result = B.run(B.make_spec())
    texts = _texts(R.figure(result))
    assert "Gradient check: 6 of 8 agree with central finite differences" in texts
    assert texts.count("✗") == 2 and texts.count("✓") == 6
    marks = {c.name: c.ok() for c in result.checks}
    assert [name for name, ok in marks.items() if not ok] == ["beta0", "omega0"]


def test_the_layer_view_boxes_w_b_z_a_above_their_gradients():
    result = B.run(B.make_spec(widths=(2, 3, 2), seed=10, view="layers"))
    m = result.mlp
    columns = R.layer_arrays(result)
    names = [c[0] for c in columns]
    assert names == ["a[0]", "W[1]", "b[1]", "z[1]", "a[1]", "W[2]", "b[2]", "z[2]"]
    arrays = {c[0]: np.asarray(c[1]) for c in columns}
    grads = {c[2]: np.asarray(c[3]) for c in columns}
    # an independent forward pass of example 1 and the δ's by their definitions
    z1 = arrays["W[1]"] @ arrays["a[0]"] + arrays["b[1]"]
    np.testing.assert_allclose(arrays["z[1]"], z1, atol=1e-12)
    np.testing.assert_allclose(arrays["a[1]"], np.maximum(z1, 0), atol=1e-12)
    z2 = arrays["W[2]"] @ arrays["a[1]"] + arrays["b[2]"]
    np.testing.assert_allclose(arrays["z[2]"], z2, atol=1e-12)
    np.testing.assert_allclose(grads["δ[2]"], 2 * (z2 - m.y[:, 0]), atol=1e-12)
    np.testing.assert_allclose(grads["∂ℓ/∂a[1]"], arrays["W[2]"].T @ grads["δ[2]"], atol=1e-12)
    np.testing.assert_allclose(grads["δ[1]"], grads["∂ℓ/∂a[1]"] * (z1 > 0), atol=1e-12)
    np.testing.assert_allclose(grads["∂ℓ/∂W[1]"], np.outer(grads["δ[1]"], arrays["a[0]"]),
                               atol=1e-12)  # fmt: skip
    texts = _texts(R.figure(result))
    assert "W[1]\n3×2" in texts and "∂ℓ/∂W[2]\n2×3" in texts and "δ[1]\n3" in texts
    for v in arrays["W[2]"].ravel():
        assert R.number(v, 3) in texts
    for line in result.equations:
        assert line.text in texts
