"""The activation scene names each activation, its largest slope and every
equation of the collapse."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import activations as A  # noqa: E402
from dlviz.render import activations as R  # noqa: E402
from tests.scenes.test_backprop_scene import _recording  # noqa: E402


def _written(tmp_path, result) -> list[str]:
    from dlviz.scenes import activations as S
    from tests.scenes.dry import dry_run

    written: list[str] = []
    dry_run(S.ActivationsScene, tmp_path, {"result": result}, label=_recording(written))
    return written


def test_each_activation_is_named_with_its_largest_slope(tmp_path):
    result = A.run(A.make_spec(activations=("sigmoid", "gelu", "maxout")))
    written = _written(tmp_path, result)
    for c in result.curves:
        assert R.activation_name(result, c.name, "en") in written
        assert R.peak_text(c.peak, "en") in written
    assert "= 0.5·(1 − 0.5) = 0.25" in written


def test_the_collapse_writes_every_product_and_the_example(tmp_path):
    result = A.run(A.make_spec(view="collapse", seed=4))
    written = _written(tmp_path, result)
    for eq in result.collapse.products + result.collapse.example:
        assert eq.text() in written
    for v in result.collapse.w.ravel():
        assert R.value_text(v) in written
