"""The residual scene says what it shows: measured E[h²] for every variant."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import residual as V  # noqa: E402
from dlviz.theme import step_text  # noqa: E402


def test_every_variant_is_shown_with_its_measured_second_moment(tmp_path):
    import manim

    from dlviz.scenes import residual as S
    from tests.scenes.dry import dry_run

    result = V.run(V.make_spec(depth=3, width=32, batch=32, repeats=2))
    written = []

    def recording(words, theme, lang, font_size=32, **kwargs):
        written.append(words)  # a box stands in for the typeset text (Pango is slow)
        return manim.Rectangle(width=max(0.05, 0.012 * font_size * len(words)), height=0.3)

    scene = dry_run(S.ResidualFlowScene, tmp_path, {"result": result}, label=recording)
    assert scene.shown == list(V.VARIANTS)  # none dropped
    for v in V.VARIANTS:
        for k in (1, 2, 3):
            assert step_text(result, v, k, "en") in written
    assert not any("Var" in w for w in written)  # the scene measures E[h²], and says so
