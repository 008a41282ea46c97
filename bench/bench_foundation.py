"""Benchmarks for the foundation; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_foundation.py [--repeat N]

1. `dlviz --help` wall time against `python -c "import typer"`.
2. Time to the first figure: `dlviz landscape gabor` (PNG) against a plain
   matplotlib script that computes and draws the same 201 × 201 grid.
3. A 2000 × 2000 Gabor grid: evaluation time and peak memory, chunked (as
   dlviz does it) against one broadcast over the whole grid.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import wall  # noqa: E402 (beside this script)

PYTHON = sys.executable
DLVIZ = [PYTHON, "-m", "dlviz"]

# Both plain scripts compute the Gabor grid the same way.
GRID = """
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
x = np.array({x})
y = np.array({y})
p0, p1 = np.meshgrid(np.linspace(-10, 10, 201), np.linspace(2.5, 22.5, 201))
z = p0[..., None] + 0.06 * p1[..., None] * x
loss = ((np.sin(z) * np.exp(-z**2 / 32) - y) ** 2).sum(-1)
"""

# The same picture as `dlviz landscape gabor` with plain pyplot: the same grid,
# size and resolution, filled contours with lines, colour bar, minimum marker,
# the data panel and the titles.
PLAIN_SCRIPT = (
    GRID
    + """
i = np.unravel_index(loss.argmin(), loss.shape)
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.88, 4.8), dpi=150,
                              gridspec_kw={{"width_ratios": (1.35, 1)}})
cs = ax.contourf(p0, p1, loss, levels=31)
ax.contour(p0, p1, loss, levels=cs.levels[::3], colors="k", linewidths=0.4)
ax.plot(p0[i], p1[i], "r*", markersize=16, label="minimum")
ax.legend()
fig.colorbar(cs, ax=ax, label="loss")
ax.set_xlabel("phi0 (offset)")
ax.set_ylabel("phi1 (frequency)")
xs = np.linspace(-15, 12, 200)
zz = p0[i] + 0.06 * p1[i] * xs
ax2.plot(xs, np.sin(zz) * np.exp(-zz**2 / 32), label="best fit")
ax2.scatter(x, y, label="training data")
ax2.legend()
fig.suptitle("Loss landscape: Gabor model")
fig.supxlabel(r"$L(\\phi) = \\sum_i (f(x_i; \\phi) - y_i)^2$")
fig.savefig("plain.png")
"""
)

# The shortest script that draws the grid at all: matplotlib's defaults.
MINIMAL_SCRIPT = (
    GRID
    + """
fig, ax = plt.subplots()
fig.colorbar(ax.contourf(p0, p1, loss, levels=30))
fig.savefig("minimal.png")
"""
)

MEMORY_SCRIPT = """
import resource, time, numpy as np
from dlviz.compute.landscape import evaluate_grid, make_landscape
land = make_landscape("gabor")
x, y = np.linspace(-10, 10, 2000), np.linspace(2.5, 22.5, 2000)
start = time.perf_counter()
if {chunked}:
    loss = evaluate_grid(land, x, y)
else:
    loss = land.loss(x[None, :], y[:, None])
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{elapsed}} {{peak}} {{loss.sum()!r}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    from dlviz.compute.landscape import GABOR_X, GABOR_Y

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wall([PYTHON, "-c", "import matplotlib.pyplot"], work, 1)  # warm the font cache
        print(f"median of {repeat} runs, side by side in one process tree\n")

        help_t = wall(DLVIZ + ["--help"], work, repeat)
        typer_t = wall([PYTHON, "-c", "import typer"], work, repeat)
        print(f"dlviz --help            {help_t * 1000:7.0f} ms")
        print(f"python -c 'import typer' {typer_t * 1000:6.0f} ms   ratio {help_t / typer_t:.2f}x")

        data = {"x": GABOR_X.tolist(), "y": GABOR_Y.tolist()}
        (work / "plain.py").write_text(PLAIN_SCRIPT.format(**data))
        (work / "minimal.py").write_text(MINIMAL_SCRIPT.format(**data))
        dlviz_t = wall(DLVIZ + ["landscape", "gabor", "--out", "d.png"], work, repeat)
        plain_t = wall([PYTHON, "plain.py"], work, repeat)
        minimal_t = wall([PYTHON, "minimal.py"], work, repeat)
        print(f"\ndlviz landscape gabor   {dlviz_t * 1000:7.0f} ms")
        print(
            f"same figure, plain pyplot {plain_t * 1000:5.0f} ms   ratio "
            f"{dlviz_t / plain_t:.2f}x  (goal ≤ 1.3x)"
        )
        print(
            f"minimal pyplot script   {minimal_t * 1000:7.0f} ms   ratio "
            f"{dlviz_t / minimal_t:.2f}x  (one panel, default size and dpi)"
        )

        print("\n2000 x 2000 Gabor grid (30 training points)")
        for label, chunked in (("chunked (dlviz)", True), ("one broadcast", False)):
            out = subprocess.run(
                [PYTHON, "-c", MEMORY_SCRIPT.format(chunked=chunked)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            print(f"  {label:16s} {float(out[0]):6.2f} s   peak RSS {float(out[1]):7.0f} MB")


if __name__ == "__main__":
    main()
