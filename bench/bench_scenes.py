"""Every lecture scene's render time over its video's length; prints, asserts nothing.

    .venv/bin/python bench/bench_scenes.py [--quality medium|high|low] [--only NAME]

Each command is the one a lecturer types (its defaults), run as a fresh
process, so the time includes start-up and the computation. The race's goals
(bench/bench_optimizers.py): ≤ 0.5 at 720p30 (medium), ≤ 1.5 at 1080p60 (high).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _timing import video_ratio  # noqa: E402 (beside this script)

SCENES = {
    "race": ["optimizers", "--landscape", "gabor"],
    "optimizer step": ["optimizers", "--landscape", "gabor", "--optimizer", "momentum"],
    "landscape": ["landscape", "gabor"],
    "conv window": ["conv"],
    "conv channels": ["conv", "--input", "5x5", "--in-channels", "3", "--out-channels", "3"],
    "relu regions": ["relu"],
    "relu sum": ["relu", "--input-dim", "1", "--widths", "8"],
    "residual": ["residual"],
    "attention": ["attention"],
    "beam": ["beam"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality", default="medium")
    parser.add_argument("--only", action="append", help="a scene name (repeatable)")
    args = parser.parse_args()
    names = args.only or list(SCENES)
    print(f"scene render time / video length at -q {args.quality} (one run each)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            render, length = video_ratio(SCENES[name], args.quality, Path(tmp))
            print(
                f"  {name:15s} render {render:6.1f} s  video {length:5.1f} s  "
                f"ratio {render / length:.2f}"
            )


if __name__ == "__main__":
    main()
