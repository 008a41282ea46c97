"""Contact sheets: a grid of a video's frames at known times."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from matplotlib.image import imread

from dlviz.output import contact_sheet, video_frames


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_a_sheet_holds_twelve_frames_at_the_middles_of_twelve_stretches(tmp_path):
    video = tmp_path / "t.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=6:size=320x180:rate=10",
         "-pix_fmt", "yuv420p", str(video)],
        check=True,
    )  # fmt: skip
    times, frames = video_frames(video)
    np.testing.assert_allclose(times, [(i + 0.5) * 0.5 for i in range(12)], atol=0.01)
    assert all(f.shape == (270, 480, 3) for f in frames)
    assert not np.array_equal(frames[0], frames[-1])  # testsrc's counter moves
    out = contact_sheet(video, tmp_path / "t.sheet.png")
    assert imread(out).shape[:2] == (3 * (270 + 24), 4 * 480)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.mp4", "t.sheet.png"]  # no temp left
