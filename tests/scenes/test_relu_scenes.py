"""The ReLU lecture scenes."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


def test_region_scene_frames_are_the_exact_regions():
    from dlviz.compute import relu as R
    from dlviz.scenes.relu import ReluRegionsScene

    result = R.run(R.make_spec(widths=(5, 5)), cuts=True)
    scene = type(
        "S", (ReluRegionsScene,), {"params": {**ReluRegionsScene.params, "result": result}}
    )()
    scene.setup()
    net = R.random_network(2, [5, 5], seed=0)
    assert len(scene.result.cuts[-1].polygons) == R.regions_2d(net, (-2, 2, -2, 2)).num_regions
