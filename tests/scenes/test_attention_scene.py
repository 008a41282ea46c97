"""The attention lecture scene."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


def test_cli_renders_the_attention_scene(dlviz, tmp_path):
    code, _, err = dlviz(
        "attention",
        "--tokens",
        "a b c",
        "--kind",
        "multihead",
        "--heads",
        "2",
        "--dim",
        "4",
        "--engine",
        "manim",
        "-q",
        "low",
        "--out",
        "v.mp4",
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]
