"""Every topic's lecture video from the command line, small: the scene runs,
only the video is written (Manim's working files stay out of the folder)."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

CASES = {
    "optimizers-race": [
        "optimizers",
        "--landscape",
        "quadratic",
        "--optimizer",
        "gd,adam",
        "--steps",
        "15",
    ],
    "optimizers-step": [
        "optimizers",
        "--landscape",
        "quadratic",
        "--optimizer",
        "momentum",
        "--steps",
        "15",
    ],
    "conv": ["conv", "--input", "4x4", "--stride", "2", "--padding", "1"],
    "conv-channels": ["conv", "--input", "4x4", "--in-channels", "2", "--bias"],
    "conv-pool": ["conv", "--input", "4x4", "--pool", "max"],
    "relu-2d": ["relu", "--widths", "4,4"],
    "relu-1d": ["relu", "--input-dim", "1", "--widths", "4"],
    "relu-fit": ["relu", "--fit", "abs", "--widths", "3"],
    "activations": ["activations", "--view", "shallow"],
    "residual": ["residual", "--depth", "3", "--width", "32", "--batch", "64", "--repeats", "1"],
    "attention": [
        "attention",
        "--tokens",
        "a b c",
        "--kind",
        "multihead",
        "--heads",
        "2",
        "--dim",
        "4",
    ],
    "beam": ["beam", "--max-length", "2"],
}


@pytest.mark.parametrize("name", CASES)
def test_video_from_the_command_line(dlviz, tmp_path, name):
    code, _, err = dlviz(*CASES[name], "--engine", "manim", "-q", "low", "--out", "v.mp4")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]
    assert (tmp_path / "v.mp4").stat().st_size > 10_000


def test_gallery_with_videos(dlviz, tmp_path):
    code, out, err = dlviz(
        "gallery", "--videos", "--topics", "beam", "--quality", "low", "--out", "g"
    )
    assert code == 0, err
    assert (tmp_path / "g" / "beam-video-low.mp4").stat().st_size > 0
    index = (tmp_path / "g" / "index.md").read_text()
    assert "dlviz beam --engine manim --quality low" in index
    page = (tmp_path / "g" / "index.html").read_text()
    assert '<video src="beam-video-low.mp4"' in page
    # the contact sheet beside it: 12 frames in a 4 × 3 grid, linked from the index
    from matplotlib.image import imread

    from dlviz.output import SHEET_FRAMES, video_frames

    sheet = tmp_path / "g" / "beam-video-low.sheet.png"
    assert '<a href="beam-video-low.sheet.png">' in page and "contact sheet" in index
    times, frames = video_frames(tmp_path / "g" / "beam-video-low.mp4")
    h, w = frames[0].shape[:2]
    assert len(times) == SHEET_FRAMES == 12
    assert imread(sheet).shape[:2] == (3 * (h + 24), 4 * w)
