"""Benchmarks for `dlviz loss`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_loss.py

1. compute: UDL notebook 5.1's regression (20 points, a sweep of 100 offsets,
   the model rebuilt at each) and the largest run the limits allow in one
   sweep (500 points, 1001 values), best of 3;
2. the figure: drawn and saved as PNG in-process (best of 3), and the whole
   command (median of 3);
3. the GIF animation (the whole command), and the Manim scene at 720p30:
   render time over video length (a ratio ≤ 1 renders faster than it plays).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best, figure_seconds, video_ratio, wall  # noqa: E402

from dlviz.compute import loss as L  # noqa: E402


def main() -> None:
    spec = L.make_spec()
    t = best(lambda: L.run(spec), 3)
    print(f"compute, notebook 5.1 (20 points, 100 offsets): {t * 1000:.1f} ms")
    big = L.make_spec(task="multiclass", points=500, steps=1001)
    print(f"compute, multiclass, 500 points, 1001 offsets: {best(lambda: L.run(big), 3):.2f} s")
    result = L.run(spec)
    from dlviz.render import loss as R

    with tempfile.TemporaryDirectory() as tmp:
        t = figure_seconds(R.figure, result, Path(tmp), 3)
        print(f"figure (draw and save a PNG): {t:.2f} s")
        t = wall([sys.executable, "-m", "dlviz", "loss", "--out", "l.png"], Path(tmp), 3)
        print(f"figure (whole command): {t:.2f} s")
        t = wall([sys.executable, "-m", "dlviz", "loss", "--format", "gif", "--out", "l.gif"],
                 Path(tmp), 1)  # fmt: skip
        print(f"GIF animation, 40 frames (whole command): {t:.1f} s")
        for name, args in (
            ("regression", ["loss"]),
            ("multiclass", ["loss", "--task", "multiclass"]),
        ):
            render, length = video_ratio(args, "medium", Path(tmp))
            print(f"Manim scene, {name}, 720p30: {render:.1f} s to render a {length:.1f} s "
                  f"video, ratio {render / length:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
