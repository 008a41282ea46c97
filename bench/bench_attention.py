"""Benchmarks for `dlviz attention`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_attention.py

1. The static figure for 64 tokens × 8 heads (the whole command).
2. The Manim scene at 720p30: render time over video duration.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import video_seconds, wall  # noqa: E402

PYTHON = sys.executable
TOKENS = " ".join(f"t{i}" for i in range(64))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        figure = wall(
            [
                PYTHON,
                "-m",
                "dlviz",
                "attention",
                "--tokens",
                TOKENS,
                "--kind",
                "multihead",
                "--heads",
                "8",
                "--dim",
                "64",
                "--out",
                "a.png",
            ],
            work,
            3,
        )
        print(f"64 tokens x 8 heads, static figure (whole command): {figure:.2f} s")
        start = time.perf_counter()
        subprocess.run(
            [
                PYTHON,
                "-m",
                "dlviz",
                "attention",
                "--engine",
                "manim",
                "-q",
                "medium",
                "--out",
                "a.mp4",
            ],
            cwd=work,
            check=True,
            capture_output=True,
        )
        render = time.perf_counter() - start
        length = video_seconds(work / "a.mp4")
        print(
            f"AttentionScene 720p30: render {render:.1f} s (whole command), video "
            f"{length:.1f} s, ratio {render / length:.2f}"
        )


if __name__ == "__main__":
    main()
