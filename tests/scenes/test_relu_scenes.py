"""The ReLU lecture scenes."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


@pytest.mark.parametrize("args", [["--widths", "4,4"], ["--input-dim", "1", "--widths", "4"]])
def test_cli_renders_the_relu_scenes(dlviz, tmp_path, args):
    code, _, err = dlviz("relu", *args, "--engine", "manim", "-q", "low", "--out", "v.mp4")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_region_scene_frames_are_the_exact_regions():
    from dlviz.compute import relu as R
    from dlviz.scenes.relu import ReluRegionsScene

    scene = type("S", (ReluRegionsScene,), {"params": {**ReluRegionsScene.params,
                                                        "widths": [5, 5]}})()  # fmt: skip
    scene.setup()
    net = R.random_network(2, [5, 5], seed=0)
    assert len(scene.layers[-1][-1]) == R.regions_2d(net, (-2, 2, -2, 2)).num_regions
