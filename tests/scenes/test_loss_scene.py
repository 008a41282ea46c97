"""The loss scene films the sweep's captions in order and writes every equation of the run."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import loss as L  # noqa: E402
from dlviz.render import loss as R  # noqa: E402
from tests.scenes.test_backprop_scene import _recording  # noqa: E402


@pytest.mark.parametrize(
    "requests",
    [
        {},
        {"task": "binary"},
        {"task": "information", "units": "bits"},
        {"task": "multiclass", "smoothing": 0.1},
    ],  # fmt: skip
    ids=["regression", "binary", "information", "multiclass, smoothed"],
)
def test_the_scene_captions_the_sweep_then_writes_the_runs_equations(tmp_path, requests):
    from dlviz.scenes import loss as S
    from tests.scenes.dry import dry_run

    result = L.run(L.make_spec(**requests))
    written: list[str] = []
    dry_run(S.LossScene, tmp_path, {"result": result}, label=_recording(written))
    captions = [R.sweep_caption(result, at, "en") for at in S.filmed(result)]
    where = [written.index(c) for c in captions]  # each filmed value's caption, in order
    assert where == sorted(where)
    best = R.sweep_caption(result, result.sweep.best, "en")
    every = {R.sweep_caption(result, at, "en") for at in range(len(result.sweep.values))}
    assert [w for w in written if w in every][-1] == best  # the sweep ends at the best value
    for (key, eq), (name, _) in zip(result.equations, R.equation_lines(result, "en"),
                                    strict=True):  # fmt: skip
        assert name in written, key
        lines = S._split(eq.text(), eq.prefix)
        assert all(line in written for line in lines), key
        assert "".join(lines).replace(" ", "") == eq.text().replace(" ", ""), key
