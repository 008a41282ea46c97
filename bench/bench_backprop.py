"""Benchmarks for `dlviz backprop`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_backprop.py

The MLP of widths 4,8,8,3 with a batch of 16 (the issue's case):
1. compute: the forward pass, the δ recursion, the written equations and
   the finite-difference check of its 139 parameters (best of 5);
2. the figure: drawn and saved as PNG in-process (best of 3), and the whole
   command (median of 3);
3. the Manim scene at 720p30: render time over video length (a ratio ≤ 1
   renders faster than it plays), beside the toy chain's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best, figure_seconds, video_ratio, wall  # noqa: E402

from dlviz.compute import backprop as B  # noqa: E402

ARGS = ["backprop", "--widths", "4,8,8,3", "--batch", "16"]


def main() -> None:
    spec = B.make_spec(widths=(4, 8, 8, 3), batch=16)
    t = best(lambda: B.run(spec), 5)
    result = B.run(spec)
    estimate = spec.seconds() * 1000
    print(f"compute, widths 4,8,8,3, batch 16: {t * 1000:.1f} ms "
          f"({len(result.checks)} parameters checked; estimate {estimate:.0f} ms)")  # fmt: skip
    from dlviz.render import backprop as R

    with tempfile.TemporaryDirectory() as tmp:
        t = figure_seconds(R.figure, result, Path(tmp), 3)
        print(f"figure (draw and save a PNG): {t:.2f} s")
        t = wall([sys.executable, "-m", "dlviz", *ARGS, "--out", "b.png"], Path(tmp), 3)
        print(f"figure (whole command): {t:.2f} s")
        for name, args in (("MLP 4,8,8,3, batch 16", ARGS), ("toy chain", ["backprop"])):
            render, length = video_ratio(args, "medium", Path(tmp))
            print(f"Manim scene, {name}, 720p30: {render:.1f} s to render a {length:.1f} s "
                  f"video, ratio {render / length:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
