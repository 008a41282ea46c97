"""The residual scene says what it shows: measured E[h²] for every variant."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import residual as V  # noqa: E402
from dlviz.theme import step_text  # noqa: E402


def test_every_variant_is_shown_with_its_measured_second_moment(tmp_path):
    import manim

    from dlviz.scenes import residual as S

    result = V.run(V.make_spec(depth=3, width=32, batch=32, repeats=2))
    written = []
    real = S.label

    def recording(words, theme, lang, font_size=32, **kwargs):
        written.append(words)  # a box stands in for the typeset text (Pango is slow)
        return manim.Rectangle(width=max(0.05, 0.012 * font_size * len(words)), height=0.3)

    cls = type("Scene", (S.ResidualFlowScene,),
               {"params": {**S.ResidualFlowScene.params, "result": result}})  # fmt: skip
    settings = {"dry_run": True, "quality": "low_quality", "media_dir": str(tmp_path)}
    with manim.tempconfig({**settings, "verbosity": "ERROR", "progress_bar": "none"}):
        S.label = recording
        try:
            scene = cls(skip_animations=True)
            scene.render()
        finally:
            S.label = real
    assert scene.shown == list(V.VARIANTS)  # none dropped
    for v in V.VARIANTS:
        for k in (1, 2, 3):
            assert step_text(result, v, k, "en") in written
    assert not any("Var" in w for w in written)  # the scene measures E[h²], and says so
