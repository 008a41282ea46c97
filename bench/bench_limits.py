"""Heavy and hostile requests: each answers within 30 s with a result or a
clean refusal (exit 2, nothing written); the largest requests the limits
let through take about a minute at most. Prints each command's exit
status, seconds and what it wrote; asserts nothing.

    .venv/bin/python bench/bench_limits.py [--only WORD]

The commands are the ones users tried at the documented ranges' ends (the
largest networks, inputs, kernels, beams and batches; non-finite numbers;
values that overflow), run as a user runs them, one after another.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULE = 30.0  # seconds, for what users tried
EDGE_RULE = 60.0  # seconds, for the largest requests within the limits ("about a minute")

VOCAB = [f"t{i}" for i in range(99)] + ["<eos>"]
ROW = {t: 1 / len(VOCAB) for t in VOCAB}
FILES = {
    "lm100.json": {"vocab": VOCAB, "eos": "<eos>", "next": {"": ROW, **{t: ROW for t in VOCAB}}},
    "huge.json": [[1e308, 1e308], [1e308, -1e308]],
}

CASES = [
    ["relu", "--input-dim", "1", "--sweep", "width"],
    ["relu", "--input-dim", "1", "--sweep", "depth", "--budget", "600"],
    ["relu", "--input-dim", "1", "--sweep", "depth", "--budget", "20000"],
    ["relu", "--widths", "2048"],
    ["relu", "--widths", "1024,1024"],
    ["relu", "--widths", "100,100,100,100,100"],
    ["relu", "--domain", "-1e308,1e308"],
    ["relu", "--engine", "manim", "--widths", "100,100"],
    ["conv", "--input", "64x64", "--padding", "20000"],
    ["conv", "--input", "2048x2048", "--kernel", "64x64"],
    ["conv", "--input", "2048x2048", "--kernel", "2048x2048"],
    ["conv", "--input", "2048x2048", "--in-channels", "64", "--out-channels", "64"],
    ["conv", "--input", "2048x2048", "--kernel", "5x5", "--data", "x.json"],
    ["conv", "--input", "512x512", "--kernel", "5x5", "--data", "x.json"],
    ["conv", "--stride", "99999999999999999999"],
    ["conv", "--kernel", "gaussian:3:inf"],
    ["conv", "--kernel", "gaussian:99999:1"],
    ["residual", "--width", "4096", "--batch", "20000"],
    ["residual", "--init", "normal:inf"],
    ["residual", "--init", "normal:1e200"],
    ["residual", "--variant", ""],
    ["residual", "--engine", "manim", "--depth", "200"],
    ["beam", "--model", "lm100.json", "--beam-size", "64", "--max-length", "32"],
    ["attention", "--queries", "huge.json", "--keys", "huge.json"],
    ["optimizers", "--optimizer", ""],
    ["optimizers", "--optimizer", ","],
    ["optimizers", "--seed", "-1"],
    ["optimizers", "--optimizer", "all", "--steps", "100000"],
]
EDGES = [
    ["optimizers", "--optimizer", "adam", "--basins", "500"],
    ["optimizers", "--steps", "100000"],
    ["landscape", "gabor", "--resolution", "4096"],
]
# refused requests whose suggested cheaper request is run as an edge
SUGGESTED = [
    ["optimizers", "--optimizer", "all", "--steps", "100000"],
    ["conv", "--input", "2048x2048", "--kernel", "150x150"],
    ["conv", "--input", "2048x2048", "--kernel", "150x150", "--pool", "max"],
    ["residual", "--width", "4096", "--batch", "23"],
    ["residual", "--width", "256", "--batch", "20000"],
    ["residual", "--width", "1024", "--batch", "2000"],
    ["relu", "--widths", "2048"],
]


def suggested(case: list[str]) -> list[str] | None:
    """The request a refusal of ``case`` suggests ('try --x V …'), or None."""
    import re

    run = subprocess.run([sys.executable, "-m", "dlviz", *case], capture_output=True, text=True)
    found = re.search(r"; try (.*?) \(or --no-limit", run.stderr)
    if run.returncode != 2 or not found:
        return None
    words = found.group(1).split()
    fixed = list(case)
    for option, value in zip(words[::2], words[1::2], strict=True):
        fixed[fixed.index(option) + 1] = value
    return fixed


def main() -> None:
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    print(f"{'exit':>4} {'seconds':>8}  {'rule':5}  command → written, or the refusal")
    slow = ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, doc in FILES.items():
            (folder / name).write_text(json.dumps(doc))
        edges = EDGES + [c for c in map(suggested, SUGGESTED) if c is not None]
        for case, rule in [(c, RULE) for c in CASES] + [(c, EDGE_RULE) for c in edges]:
            if only and only not in " ".join(case):
                continue
            ran += 1
            out = folder / "out"
            out.mkdir(exist_ok=True)
            start = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "dlviz", *case, "--out", str(out)],
                cwd=folder,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - start
            written = sorted(p.name for p in out.iterdir()) + (
                ["x.json"] if (folder / "x.json").exists() else []
            )
            note = run.stderr.strip().splitlines()[-1][:150] if run.returncode else written
            ok = seconds <= rule and run.returncode in (0, 2) and not (run.returncode and written)
            slow += not ok
            verdict = f"{'≤' if ok else '>'}{rule:.0f} s"
            print(f"{run.returncode:>4} {seconds:8.1f}  {verdict:5}  "
                  f"{' '.join(case)} → {note}")  # fmt: skip
            for path in out.iterdir():
                path.unlink()
            (folder / "x.json").unlink(missing_ok=True)
    total = len(CASES) + len(EDGES)
    print(
        f"{total - slow} of {total} within their rule ({RULE:.0f} s tried, {EDGE_RULE:.0f} s edges)"
    )


if __name__ == "__main__":
    main()
