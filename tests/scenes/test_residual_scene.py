"""The residual lecture scene."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


def test_cli_renders_the_residual_scene(dlviz, tmp_path):
    code, _, err = dlviz(
        "residual",
        "--depth",
        "3",
        "--width",
        "32",
        "--batch",
        "64",
        "--repeats",
        "1",
        "--engine",
        "manim",
        "-q",
        "low",
        "--out",
        "v.mp4",
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]
