"""Benchmark for `dlviz residual`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_residual.py [--repeats N] [--backward]

Depth 50, width 1000, batch 2000, all four variants: time and peak memory
(the simulation holds one block's activations per variant at a time).
"""

from __future__ import annotations

import argparse
import resource
import time

from dlviz.compute import residual as V


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--backward", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    result = V.simulate(
        depth=50, width=1000, batch=2000, repeats=args.repeats, backward=args.backward
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"depth 50, width 1000, batch 2000, 4 variants, {args.repeats} repeats"
        f"{' + backward' if args.backward else ''}: {seconds:.1f} s, peak RSS {peak:.0f} MB "
        f"(one block of activations is {2000 * 1000 * 8 / 2**20:.0f} MB)"
    )
    for v in V.VARIANTS:
        print(f"  {v:10s} E[h²] after 50 blocks {result.mean(v)[-1]:.4g}")


if __name__ == "__main__":
    main()
