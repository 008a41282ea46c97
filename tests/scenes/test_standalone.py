"""Every scene runs alone with its defaults: `manim -ql scenes/<topic>.py <Scene>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("manim")

ROOT = Path(__file__).resolve().parents[2]
SCENES = [
    ("landscape", "LandscapeScene"),
    ("optimizers", "OptimizerRace"),
    ("optimizers", "OptimizerStep"),
    ("conv", "ConvScene"),
    ("conv", "ConvChannelsScene"),
    ("relu", "ReluRegionsScene"),
    ("relu", "ReluSumScene"),
    ("relu", "ReluFitScene"),
    ("residual", "ResidualFlowScene"),
    ("attention", "AttentionScene"),
    ("beam", "BeamScene"),
    ("backprop", "BackpropScene"),
    ("loss", "LossScene"),
    ("activations", "ActivationsScene"),
]


WRITTEN = ("landscape", "LandscapeScene")  # rendered to a video; the others to their last frame


@pytest.mark.parametrize(("topic", "scene"), SCENES)
def test_scene_runs_alone_with_the_manim_command(tmp_path, topic, scene):
    """Every scene builds and animates through Manim's own command, written
    as its last frame (-s: each animation jumps to its end); one as a video."""
    still = [] if (topic, scene) == WRITTEN else ["-s"]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "manim",
            "render",
            "-ql",
            *still,
            "--media_dir",
            str(tmp_path),
            str(ROOT / f"scenes/{topic}.py"),
            scene,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert list(tmp_path.rglob(f"{scene}*.png" if still else f"{scene}.mp4"))


def test_every_scene_is_listed_here():
    import ast

    found = set()
    for path in (ROOT / "scenes").glob("[!_]*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found.add((path.stem, node.name))
    assert found - {s for s in SCENES} <= {("optimizers", "StepCounter"), ("conv", "Grid")}
