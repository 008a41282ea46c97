"""Benchmarks for `dlviz beam`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_beam.py

1. Tree building for |V| = 50, k = 8, L = 12 (a random bigram model).
2. The default figure (the whole command).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import wall  # noqa: E402

from dlviz.compute import beam as B  # noqa: E402


def main() -> None:
    rng = np.random.default_rng(0)
    vocab = tuple(f"w{i}" for i in range(49)) + ("<eos>",)
    table = {(): rng.dirichlet(np.ones(50))}
    table.update({(v,): rng.dirichlet(np.ones(50)) for v in vocab})
    model = B.Model(vocab, "<eos>", table)
    start = time.perf_counter()
    result = B.beam_search(model, beam_size=8, max_length=12)
    seconds = time.perf_counter() - start
    print(f"|V| = 50, k = 8, L = 12: {len(result.nodes)} tree nodes in {seconds * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        t = wall([sys.executable, "-m", "dlviz", "beam", "--out", "b.png"], Path(tmp), 3)
        print(f"default figure (whole command): {t:.2f} s")


if __name__ == "__main__":
    main()
