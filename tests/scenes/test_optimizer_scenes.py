"""The optimizer lecture scenes, rendered small."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")

from dlviz.compute import optimizers as O  # noqa: E402
from dlviz.compute.landscape import make_landscape  # noqa: E402


def test_scene_numbers_are_the_cli_numbers():
    from dlviz.scenes.optimizers import OptimizerRace

    spec = O.make_spec("himmelblau", optimizers=["gd", "adam"], steps=40)
    scene_cls = type(
        "Race", (OptimizerRace,), {"params": {**OptimizerRace.params, "result": O.run(spec)}}
    )
    scene = scene_cls()
    scene.setup()
    land = make_landscape("himmelblau")
    rule = O.get_rule("adam", "udl")
    direct = O.run_optimizer(
        land,
        rule,
        [O.SETTINGS["himmelblau"].start],
        steps=40,
        hyperparameters={"lr": O.default_lr(land, rule, {})},
    )
    np.testing.assert_array_equal(scene.race.runs[1].params, direct.params)


def test_scene_without_a_result_runs_the_default_spec():
    from dlviz.scenes.optimizers import OptimizerStep

    scene = OptimizerStep()
    scene.setup()
    assert scene.race.spec == O.make_spec(optimizers=["momentum"])


def test_the_race_ends_by_writing_its_lesson(tmp_path):
    import manim

    from dlviz.scenes import optimizers as S
    from dlviz.theme import lesson_text
    from tests.scenes.dry import dry_run

    written: list[str] = []

    def recording(words, theme, lang, font_size=32, **kwargs):
        written.append(words)
        return manim.Rectangle(width=max(0.1, 0.012 * font_size * len(words)), height=0.4)

    race = O.run(O.make_spec("gabor"))
    dry_run(S.OptimizerRace, tmp_path, {"result": race}, label=recording)
    caption = written[-1].replace("\n", " ")
    assert caption == lesson_text(race.lesson(), "en")
    assert "adam (step 175) reached the global minimum; gd and momentum did not" in caption
