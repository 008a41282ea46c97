"""The convolution lecture scenes, rendered small."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


@pytest.mark.parametrize("args", [["--input", "4x4", "--stride", "2", "--padding", "1"],
                                  ["--input", "4x4", "--in-channels", "2", "--bias"],
                                  ["--input", "4x4", "--pool", "max"]])  # fmt: skip
def test_cli_renders_the_conv_scenes(dlviz, tmp_path, args):
    code, _, err = dlviz("conv", *args, "--engine", "manim", "-q", "low", "--out", "v.mp4")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_scene_grids_hold_the_numbers_of_the_result():
    import numpy as np

    from dlviz.compute import conv as C
    from dlviz.scenes.conv import ConvScene, Grid
    from dlviz.theme import DARK

    r = C.conv(np.arange(9.0).reshape(1, 3, 3), np.ones((1, 1, 2, 2)), C.ConvSpec((2, 2)))
    grid = Grid(r.output[0], DARK, "en", 0.5)
    assert [t.text for t in grid.numbers] == ["8", "12", "20", "24"]
    scene = type("S", (ConvScene,), {"params": {**ConvScene.params, "result": r}})()
    scene.setup()
    assert scene.result is r
