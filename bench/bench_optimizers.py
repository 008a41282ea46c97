"""Benchmarks for `dlviz optimizers`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_optimizers.py [--repeat N] [--torch-python PATH] [--no-video]

1. `dlviz optimizers --landscape gabor` (PNG) against a plain matplotlib
   script that computes and draws the same contour and paths.
2. Basins: 100 × 100 starts × 500 Adam steps on gabor, time and peak memory;
   with torch (importable here, or in the interpreter given by
   --torch-python), the same work with torch.optim.Adam on an (N², 2) tensor.
3. The default Manim race scene: render time over video duration at 720p30
   and 1080p60.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import video_ratio, wall  # noqa: E402 (beside this script)

PYTHON = sys.executable

# The same picture as `dlviz optimizers --landscape gabor` in plain pyplot: the
# grid, the nine udl optimizers from (−1.5, 6.5) for 300 steps (sgd: batches
# of 5), contour, paths, loss panel, same size and resolution.
PLAIN_SCRIPT = r"""
import numpy as np, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
X = np.array({x}); Y = np.array({y})

def per_example(p):
    z = p[0] + 0.06 * p[1] * X
    e = np.exp(-z * z / 32); s = np.sin(z)
    r = 2 * (s * e - Y); d = e * (np.cos(z) - s * z / 16)
    return np.stack([r * d, r * d * 0.06 * X], 1)

def loss(p0, p1):
    z = p0[..., None] + 0.06 * p1[..., None] * X
    return ((np.sin(z) * np.exp(-z * z / 32) - Y) ** 2).sum(-1)

rng = np.random.default_rng(0)
def run(kind, lr):
    p = np.array([-1.5, 6.5]); m = np.zeros(2); v = np.zeros(2); s = np.zeros(2)
    out = [p.copy()]; order = []
    for t in range(1, 301):
        if kind == "sgd":
            if not order:
                perm = rng.permutation(30); order = [perm[i:i + 5] for i in range(0, 30, 5)]
            g = per_example(p)[order.pop(0)].sum(0)
        elif kind == "nesterov":
            g = per_example(p - lr * 0.9 * m).sum(0)
        else:
            g = per_example(p).sum(0)
        if kind in ("gd", "sgd"): p = p - lr * g
        elif kind in ("momentum", "nesterov"): m = 0.9 * m + 0.1 * g; p = p - lr * m
        elif kind == "normalized": p = p - lr * g / np.sqrt(g * g + 1e-8)
        elif kind == "adagrad": v = v + g * g; p = p - lr * g / np.sqrt(v + 1e-8)
        elif kind == "rmsprop": v = 0.9 * v + 0.1 * g * g; p = p - lr * g / np.sqrt(v + 1e-8)
        elif kind == "adadelta":
            v = 0.9 * v + 0.1 * g * g; d = -np.sqrt(s + 1e-6) / np.sqrt(v + 1e-6) * g
            s = 0.9 * s + 0.1 * d * d; p = p + d
        else:
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            p = p - lr * (m / (1 - 0.9 ** t)) / np.sqrt(v / (1 - 0.999 ** t) + 1e-8)
        out.append(p.copy())
    return np.array(out)

kinds = {{"gd": .04, "sgd": .04, "momentum": .04, "nesterov": .04, "normalized": .05,
         "adagrad": .25, "rmsprop": .05, "adadelta": 1, "adam": .05}}
paths = {{k: run(k, lr) for k, lr in kinds.items()}}
p0, p1 = np.meshgrid(np.linspace(-10, 10, 201), np.linspace(2.5, 22.5, 201))
L = loss(p0, p1)
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.88, 6.4), dpi=150,
                              gridspec_kw={{"width_ratios": (1.35, 1)}})
cs = ax.contourf(p0, p1, L, levels=31)
ax.contour(p0, p1, L, levels=cs.levels[::3], colors="k", linewidths=0.4)
fig.colorbar(cs, ax=ax)
for k, path in paths.items():
    line, = ax.plot(path[:, 0], path[:, 1], lw=1.8)
    ax.plot(*path[-1], "o", color=line.get_color())
    ax2.plot(loss(path[:, 0], path[:, 1]), color=line.get_color(), label=k)
ax.plot(-1.5, 6.5, "ko", mfc="none", ms=10)
ax2.set_yscale("log"); fig.legend(loc="lower left")
fig.suptitle("Optimizers on the Gabor model")
fig.savefig("plain.png")
"""

BASINS_SCRIPT = """
import resource, time
from dlviz.compute import optimizers as O
from dlviz.compute.landscape import make_landscape
land = make_landscape("gabor")
start = time.perf_counter()
b = O.basins(land, O.get_rule("adam", "udl"), 100, steps=500, hyperparameters={"lr": 0.05},
             resolution=2)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(elapsed, peak, float(b.final_loss.mean()))
"""

TORCH_SCRIPT = """
import resource, time, torch
torch.set_num_threads(1)
X = torch.tensor({x}, dtype=torch.float64)
Y = torch.tensor({y}, dtype=torch.float64)
n = 100
xs = -10 + (torch.arange(n, dtype=torch.float64) + 0.5) * 20 / n
ys = 2.5 + (torch.arange(n, dtype=torch.float64) + 0.5) * 20 / n
gy, gx = torch.meshgrid(ys, xs, indexing="ij")
p = torch.stack([gx.flatten(), gy.flatten()], 1).requires_grad_(True)
opt = torch.optim.Adam([p], lr=0.05, eps=1e-8)
start = time.perf_counter()
for _ in range(500):
    opt.zero_grad()
    z = p[:, :1] + 0.06 * p[:, 1:] * X
    loss = ((torch.sin(z) * torch.exp(-z * z / 32) - Y) ** 2).sum()
    loss.backward()
    opt.step()
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(elapsed, peak, torch.__version__)
"""


# The default race's GIF written by dlviz (the landscape drawn once, what moves
# blitted) and by matplotlib's own Animation.save (every frame redrawn whole).
GIF_SCRIPT = r"""
import time
import matplotlib
matplotlib.use("Agg")
from dlviz.compute import optimizers as O
from dlviz.output import save_animation
from dlviz.render.optimizers import animate_optimizers
from dlviz.output import _fast_gif_writer_class
race = O.run(O.make_spec("gabor"))
start = time.perf_counter()
save_animation(animate_optimizers(race), __import__("pathlib").Path("a.gif"), "gif", 12, 200)
blitted = time.perf_counter() - start
start = time.perf_counter()
animate_optimizers(race).save("b.gif", writer=_fast_gif_writer_class()(fps=12), dpi=200)
whole = time.perf_counter() - start
print(blitted, whole)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--torch-python", default=None)
    parser.add_argument("--no-video", action="store_true")
    args = parser.parse_args()
    from dlviz.compute.landscape import GABOR_X, GABOR_Y

    data = {"x": GABOR_X.tolist(), "y": GABOR_Y.tolist()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "plain.py").write_text(PLAIN_SCRIPT.format(**data))
        wall([PYTHON, "-c", "import matplotlib.pyplot"], work, 1)
        dlviz_t = wall(
            [
                PYTHON,
                "-m",
                "dlviz",
                "optimizers",
                "--landscape",
                "gabor",
                "--optimizer",
                "all",
                "--seeds",
                "1",
                "--out",
                "d.png",
            ],
            work,
            args.repeat,
        )
        plain_t = wall([PYTHON, "plain.py"], work, args.repeat)
        print(f"median of {args.repeat} runs\n")
        fan_t = wall(
            [PYTHON, "-m", "dlviz", "optimizers", "--optimizer", "all", "--out", "f.png"],
            work,
            args.repeat,
        )
        default_t = wall([PYTHON, "-m", "dlviz", "optimizers", "--out", "m.png"], work, args.repeat)
        print(f"dlviz optimizers (default: four rules, one map) {default_t * 1000:6.0f} ms")
        print(f"dlviz optimizers --optimizer all --seeds 1  {dlviz_t * 1000:6.0f} ms")
        print(f"  with sgd's fan of 20 seeds (the default)   {fan_t * 1000:6.0f} ms")
        print(
            f"plain matplotlib script (nine rules, one map) {plain_t * 1000:6.0f} ms   ratios: "
            f"default {default_t / plain_t:.2f}x, all {dlviz_t / plain_t:.2f}x  (goal ≤ 1.3x)"
        )

        gif = subprocess.run(
            [PYTHON, "-c", GIF_SCRIPT], capture_output=True, text=True, check=True, cwd=work
        ).stdout.split()
        print(
            f"\nGIF of the default race (120 frames, 720p): blitted {float(gif[0]):.1f} s, "
            f"matplotlib's save (whole redraws) {float(gif[1]):.1f} s, ratio "
            f"{float(gif[0]) / float(gif[1]):.2f}x  (goal ≤ 15 s)"
        )

        out = subprocess.run(
            [PYTHON, "-c", BASINS_SCRIPT], capture_output=True, text=True, check=True
        ).stdout.split()
        ours = float(out[0])
        print(
            f"\nbasins 100 x 100 starts x 500 Adam steps (gabor): {ours:.2f} s, "
            f"peak RSS {float(out[1]):.0f} MB"
        )
        torch_python = args.torch_python or PYTHON
        run = subprocess.run(
            [torch_python, "-c", TORCH_SCRIPT.format(**data)], capture_output=True, text=True
        )
        if run.returncode == 0:
            t, peak, version = run.stdout.split()
            print(
                f"torch {version} Adam, (10000, 2) tensor, 1 thread: {float(t):.2f} s, peak "
                f"RSS {float(peak):.0f} MB   dlviz/torch time ratio {ours / float(t):.2f}x "
                "(goal < 1x)"
            )
        else:
            print("torch: not importable here (pass --torch-python), skipped")

        if not args.no_video:
            print("\nManim race scene (the default race on gabor)")
            for quality in ("medium", "high"):
                race = ["optimizers", "--landscape", "gabor"]
                render, length = video_ratio(race, quality, work)
                print(
                    f"  {quality:6s} render {render:6.1f} s, video {length:5.1f} s, "
                    f"ratio {render / length:.2f}  (goal ≤ {0.5 if quality == 'medium' else 1.5})"
                )


if __name__ == "__main__":
    main()
