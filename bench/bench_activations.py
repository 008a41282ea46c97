"""Benchmarks for `dlviz activations` and `dlviz relu --fit`; prints its
figures, asserts nothing.

    .venv/bin/python bench/bench_activations.py

1. compute: the eight curves (1201 points each, their maxima and saturated
   ends), and a fit of D = 8 and of the largest D the limits allow
   (100 000 units, with the error sweep of D = 1, 3, …), best of 3;
2. the figures: drawn and saved as PNG in-process (best of 3), and the
   whole command (median of 3);
3. the Manim scenes at 720p30: render time over video length.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best, figure_seconds, video_ratio, wall  # noqa: E402

from dlviz.compute import activations as A  # noqa: E402
from dlviz.compute import relu_fit as F  # noqa: E402


def main() -> None:
    spec = A.make_spec()
    print(f"compute, eight activations: {best(lambda: A.run(spec), 3) * 1000:.1f} ms")
    fit = F.make_fit_spec()
    print(f"compute, fit of sin, D = 8: {best(lambda: F.run_fit(fit), 3) * 1000:.1f} ms")
    big = F.make_fit_spec(units=F.MAX_UNITS)
    print(f"compute, fit of sin, D = {F.MAX_UNITS}: {best(lambda: F.run_fit(big), 3):.2f} s")
    from dlviz.render import activations as R
    from dlviz.render import relu_fit as RF

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, draw, result in (
            ("activations", R.figure, A.run(spec)),
            ("shallow", R.figure, A.run(A.make_spec(view="shallow"))),
            ("collapse", R.figure, A.run(A.make_spec(view="collapse"))),
            ("relu --fit sin", RF.plot_fit, F.run_fit(fit)),
        ):
            t = figure_seconds(draw, result, work, 3)
            print(f"figure, {name} (draw and save a PNG): {t:.2f} s")
        t = wall([sys.executable, "-m", "dlviz", "activations", "--out", "a.png"], work, 3)
        print(f"figure, activations (whole command): {t:.2f} s")
        t = wall([sys.executable, "-m", "dlviz", "relu", "--fit", "sin", "--out", "f.png"], work, 3)
        print(f"figure, relu --fit sin (whole command): {t:.2f} s")
        for name, args in (
            ("activations, all eight", ["activations"]),
            ("activations, collapse", ["activations", "--view", "collapse"]),
            ("relu --fit sin, 8 units", ["relu", "--fit", "sin"]),
        ):
            render, length = video_ratio(args, "medium", work)
            print(f"Manim scene, {name}, 720p30: {render:.1f} s to render a {length:.1f} s "
                  f"video, ratio {render / length:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
