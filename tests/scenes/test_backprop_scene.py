"""The backpropagation scene writes every forward value and every chain-rule step."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import backprop as B  # noqa: E402
from dlviz.render import backprop as R  # noqa: E402


def _recording(written):
    import manim

    def label(words, theme, lang, font_size=32, **kwargs):
        written.append(words)  # a box stands in for the typeset text (Pango is slow)
        return manim.Rectangle(width=max(0.05, 0.012 * font_size * len(words)), height=0.3)

    return label


def test_the_chain_scene_writes_each_value_then_each_step(tmp_path):
    from dlviz.scenes import backprop as S
    from tests.scenes.dry import dry_run

    result = B.run(B.make_spec())
    written: list[str] = []
    dry_run(S.BackpropScene, tmp_path, {"result": result}, label=_recording(written))
    for name in B.MAIN_PATH:
        assert R.node_line(result.graph, name) in written
    steps = [R.chain_step_text(result.graph, n) for n in R.backward_order(result.graph)]
    positions = [written.index(s) for s in steps]
    assert positions == sorted(positions)  # in the backward order
    assert max(written.index(R.node_line(result.graph, n)) for n in B.MAIN_PATH) < positions[0]


def test_the_mlp_scene_writes_its_delta_recursion(tmp_path):
    from dlviz.scenes import backprop as S
    from tests.scenes.dry import dry_run

    result = B.run(B.make_spec(widths=(3, 4, 2), batch=2, loss="cross-entropy"))
    written: list[str] = []
    dry_run(S.BackpropScene, tmp_path, {"result": result}, label=_recording(written))
    for line in result.equations:
        if line.kind != "rule":
            assert line.text in written
    for d in result.mlp.delta[0][:, 0]:
        assert f"δ {S._n3(d)}" in written
