"""Benchmarks for `dlviz conv`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_conv.py [--repeat N]

1. The default animation: `dlviz conv --format gif` (7×7 input, 3×3 kernel,
   stride 1), wall time.
2. The Manim scene at 720p30: render time over video duration.
3. A 512×512 image with a 5×5 filter: dlviz's compute against
   scipy.signal.correlate2d and a NumPy sliding_window_view reference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import best, wall  # noqa: E402 (beside this script)

PYTHON = sys.executable


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    from dlviz.compute import conv as C

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        gif = wall(
            [PYTHON, "-m", "dlviz", "conv", "--format", "gif", "--out", "c.gif"], work, repeat
        )
        print(f"dlviz conv --format gif (7x7, 3x3, stride 1, 25 frames): {gif:.2f} s")
        start = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "dlviz", "conv", "--engine", "manim", "-q", "medium", "--out", "c.mp4"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        render = time.perf_counter() - start
        probe = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "json",
                str(work / "c.mp4"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        length = float(json.loads(probe)["format"]["duration"])
        print(
            f"Manim ConvScene 720p30: render {render:.1f} s (whole command), video "
            f"{length:.1f} s, ratio {render / length:.2f}"
        )

    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(512, 512)), rng.normal(size=(5, 5))
    spec = C.ConvSpec((5, 5))

    def ours():
        return C.conv(image[None], kernel[None, None], spec).output[0]

    def windows_reference():
        view = np.lib.stride_tricks.sliding_window_view(image, (5, 5))
        return np.einsum("hwij,ij->hw", view, kernel)

    results = {"dlviz": ours(), "sliding_window_view + einsum": windows_reference()}
    timings = {
        "dlviz": best(ours, repeat),
        "sliding_window_view + einsum": best(windows_reference, repeat),
    }
    try:
        from scipy.signal import correlate2d

        def scipy_reference():
            return correlate2d(image, kernel, mode="valid")

        results["scipy.signal.correlate2d"] = scipy_reference()
        timings["scipy.signal.correlate2d"] = best(scipy_reference, repeat)
    except ImportError:
        print("scipy not installed: its reference skipped")
    print("\n512x512 image, 5x5 filter (best of runs):")
    for name, seconds in timings.items():
        same = np.allclose(results[name], results["dlviz"])
        print(
            f"  {name:30s} {seconds * 1000:7.1f} ms   dlviz/this {timings['dlviz'] / seconds:.2f}x"
            f"   same numbers: {same}"
        )


if __name__ == "__main__":
    main()
