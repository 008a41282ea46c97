"""The landscape lecture scene, rendered small; and the LaTeX fallback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("manim")

from dlviz.scenes import _common  # noqa: E402
from dlviz.theme import CMAP_ANCHORS, DARK  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
needs_ffprobe = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe")


def video_info(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=width,height,r_frame_rate",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["streams"][0]


@needs_ffprobe
def test_cli_renders_the_scene_into_the_output_path_only(dlviz, tmp_path):
    code, out, err = dlviz(
        "landscape",
        "linear",
        "--engine",
        "manim",
        "-q",
        "low",
        "--resolution",
        "31",
        "--lang",
        "zh",
        "--out",
        "v.mp4",
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]  # no media/ left behind
    info = video_info(tmp_path / "v.mp4")
    assert (info["width"], info["height"], info["r_frame_rate"]) == (854, 480, "15/1")


def test_formula_falls_back_to_text_without_latex(monkeypatch, capsys):
    from manim import MathTex, Text

    monkeypatch.setattr(_common, "latex_available", lambda: False)
    monkeypatch.setattr(_common, "_warned", set())
    first = _common.formula(r"L(\phi) = \sum_i (\phi_0 + \phi_1 x_i - y_i)^2", DARK)
    _common.formula(r"x^2", DARK)
    assert isinstance(first, Text) and not isinstance(first, MathTex)
    assert first.text.replace(" ", "") == "L(φ)=Σᵢ(φ₀+φ₁xᵢ-yᵢ)²"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "LaTeX not found" in err and "texlive" in err


def test_tex_to_plain():
    assert _common.tex_to_plain(r"e^{-(\phi_0)^2/32}") == "e^(-(φ₀)²/32)"
    assert _common.tex_to_plain(r"\left(a\right)^3 + 0.5\,\|\phi\|^2") == "(a)³ + 0.5 ‖φ‖²"


def test_colormap_image_hits_the_anchor_colours():
    anchors = CMAP_ANCHORS["viridis"]
    image = _common.colormap_image(np.array([[0.0, 0.5, 1.0]]), "viridis")
    as_hex = ["#" + bytes(px).hex() for px in image[0]]
    assert as_hex == [anchors[0], anchors[4], anchors[-1]]
    banded = _common.colormap_image(np.linspace(0, 1, 100)[None, :], "viridis", levels=4)
    assert len({tuple(px) for px in banded[0]}) == 4
