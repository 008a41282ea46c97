"""The optimizer lecture scenes, rendered small."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("manim")

from dlviz.compute import optimizers as O  # noqa: E402
from dlviz.compute.landscape import make_landscape  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe")
@pytest.mark.parametrize("optimizers", ["gd,adam", "momentum"])
def test_cli_renders_the_race_or_the_single_optimizer_scene(dlviz, tmp_path, optimizers):
    code, _, err = dlviz(
        "optimizers",
        "--landscape",
        "quadratic",
        "--optimizer",
        optimizers,
        "--steps",
        "15",
        "--engine",
        "manim",
        "-q",
        "low",
        "--out",
        "v.mp4",
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]
    assert duration(tmp_path / "v.mp4") > 5


def test_scene_numbers_are_the_cli_numbers():
    from dlviz.scenes.optimizers import OptimizerRace

    scene_cls = type(
        "Race",
        (OptimizerRace,),
        {
            "params": {
                **OptimizerRace.params,
                "landscape": "himmelblau",
                "optimizer": ["gd", "adam"],
                "steps": 40,
            }
        },
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
