"""Benchmarks for `dlviz relu`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_relu.py [--repeat N]

1. Exact regions of He-initialised 2-D networks (32×3, 64×3, 20×10 on
   [−2, 2]²): time and regions per second (goal: 64×3 under 0.5 s).
2. The exact count against sampling activation patterns on a 1000×1000 grid
   of the same network: both times and both counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best  # noqa: E402

from dlviz.compute import relu as R  # noqa: E402

DOMAIN = (-2.0, 2.0, -2.0, 2.0)


def sampled_count(net: R.Network, n: int = 1000) -> int:
    g = np.linspace(-2, 2, n)
    count = set()
    for row in np.array_split(np.arange(n), 10):  # in blocks, to bound memory
        grid = np.column_stack([np.repeat(g[row], n), np.tile(g, len(row))])
        count.update(
            p.tobytes() for p in np.unique(np.packbits(net.patterns(grid), axis=1), axis=0)
        )
    return len(count)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    print("exact 2-D regions, He init, [-2, 2]^2 (best of runs)")
    for widths in ([32] * 3, [64] * 3, [20] * 10):
        net = R.random_network(2, widths, seed=0)
        seconds = best(lambda net=net: R.regions_2d(net, DOMAIN), repeat)
        n = R.regions_2d(net, DOMAIN).num_regions
        name = f"{widths[0]}x{len(widths)}"
        print(f"  {name:6s} {n:6d} regions  {seconds:6.3f} s  {n / seconds:9.0f} regions/s")
    net = R.random_network(2, [64] * 3, seed=0)
    start = time.perf_counter()
    exact = R.regions_2d(net, DOMAIN).num_regions
    exact_t = time.perf_counter() - start
    start = time.perf_counter()
    sampled = sampled_count(net)
    sampled_t = time.perf_counter() - start
    print(
        f"\n64x3: exact {exact} regions in {exact_t:.2f} s; 1000x1000 sampling finds "
        f"{sampled} patterns in {sampled_t:.2f} s (exact is {sampled_t / exact_t:.1f}x faster, "
        f"sampling misses {exact - sampled})"
    )


if __name__ == "__main__":
    main()
