"""Long work shows a progress bar on a terminal, and nothing when piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

# command → the bar's words (each run takes a second or more here)
RUNS = {
    "residual blocks": ["residual", "--depth", "30", "--width", "64", "--batch", "64"],
    "running the optimizers": ["optimizers", "--optimizer", "adam", "--basins", "120"],
    "cutting regions": ["relu", "--widths", "40,40"],
    "sliding the window": ["conv", "--input", "1024x1024", "--kernel", "31x31"],
    "evaluating the grid": ["landscape", "gabor", "--resolution", "1500"],
    "writing optimizers_gabor": ["optimizers", "--format", "gif", "--steps", "20"],
    "checking gradients": ["backprop", "--widths", "32,32,32", "--batch", "32"],
    "sweeping offset": ["loss", "--points", "500", "--steps", "1001"],
}


def _run(args, tmp_path, terminal: bool) -> str:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("CI", None)  # rich would otherwise treat CI as a terminal of its own kind
    command = [sys.executable, "-m", "dlviz", *args, "--out", str(tmp_path)]
    if not terminal:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stderr
    main, child = pty.openpty()
    proc = subprocess.Popen(command, env=env, stdout=child, stderr=child, stdin=child)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("words", list(RUNS))
def test_a_terminal_sees_the_bar_and_a_pipe_does_not(tmp_path, words):
    shown = _run(RUNS[words], tmp_path, terminal=True)
    assert words in shown and "%" in shown  # the bar, with how far it has come
    piped = _run(RUNS[words], tmp_path, terminal=False)
    assert words not in piped and "\r" not in piped and "\x1b[" not in piped
