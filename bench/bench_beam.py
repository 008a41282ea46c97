"""Benchmarks for `dlviz beam`; prints its figures, asserts nothing.

    .venv/bin/python bench/bench_beam.py

1. Tree building for |V| = 50, k = 8, L = 12 (a random bigram model), both
   conventions.
2. The default figure (the whole command), and a large collapsed one.
"""

from __future__ import annotations

import math
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
    for name, search in (("d2l", B.beam_search), ("hf", B.beam_search_hf)):
        best = math.inf
        for _ in range(3):
            start = time.perf_counter()
            result = search(model, beam_size=8, max_length=12)
            best = min(best, time.perf_counter() - start)
        print(
            f"|V| = 50, k = 8, L = 12 ({name}): {len(result.nodes)} tree nodes in "
            f"{best * 1000:.0f} ms"
        )
    with tempfile.TemporaryDirectory() as tmp:
        t = wall([sys.executable, "-m", "dlviz", "beam", "--out", "b.png"], Path(tmp), 3)
        print(f"default figure (whole command): {t:.2f} s")
        big = ["--corpus", "builtin", "--beam-size", "8", "--max-length", "12", "--out", "c.png"]
        t = wall([sys.executable, "-m", "dlviz", "beam", *big], Path(tmp), 3)
        print(f"builtin corpus, k = 8, L = 12, collapsed (whole command): {t:.2f} s")


if __name__ == "__main__":
    main()
