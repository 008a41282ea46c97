"""Benchmarks for `dlviz gallery`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_gallery.py [--no-videos]

1. All static figures with --jobs 1 and --jobs 2 (--force, so everything is
   drawn; whole commands, alternated, median of 3).
2. The same, unchanged: every item skipped.
3. With --videos --quality low (--jobs 2, once).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dlviz.gallery import FIGURES, VIDEOS


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "dlviz", "gallery", *args], cwd=cwd, capture_output=True, text=True
    )
    if run.returncode:
        sys.exit(f"gallery {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(3):
            for jobs in (1, 2):
                times[jobs].append(timed(["--force", "--jobs", str(jobs), "--out", "g"], cwd))
        one, two = statistics.median(times[1]), statistics.median(times[2])
        print(f"{len(FIGURES)} static figures, --jobs 1: {one:.1f} s")
        print(f"{len(FIGURES)} static figures, --jobs 2: {two:.1f} s  (ratio {two / one:.2f})")
        print(f"unchanged, all skipped: {timed(['--out', 'g'], cwd):.2f} s")
        if "--no-videos" not in sys.argv:
            t = timed(["--videos", "--quality", "low", "--jobs", "2", "--out", "v"], cwd)
            print(f"{len(FIGURES)} figures + {len(VIDEOS)} videos (low), --jobs 2: {t:.1f} s")


if __name__ == "__main__":
    main()
