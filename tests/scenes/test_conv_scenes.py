"""The convolution lecture scenes, rendered small."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


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
