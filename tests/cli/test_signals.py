"""Ctrl-C and SIGTERM part-way through a run: exit 130 / 143, one line, no
file or temporary folder left, and no child process (ffmpeg, workers) alive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlviz.signals import descendants

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc"),
]

RUNS = {
    "mp4 through ffmpeg": ["optimizers", "--landscape", "gabor", "--format", "mp4"],
    "gif": ["conv", "--input", "9x9", "--format", "gif"],
    "manim video": ["landscape", "gabor", "--engine", "manim", "-q", "low"],
    "gallery workers": ["gallery", "--topics", "optimizers,residual,relu", "--jobs", "2"],
}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
@pytest.mark.parametrize("run", list(RUNS))
def test_a_signal_mid_run_leaves_nothing(tmp_path, run, signum):
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "DLVIZ_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlviz", *RUNS[run], "--out", str(out)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: Ctrl-C reaches it and its children only
    )
    # wait until the work is under way: a child process, or a file being written
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if descendants(proc.pid) or any(out.rglob("*")) or any(temp.iterdir()):
            break
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the run ended before the signal"
    children = descendants(proc.pid)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], err
    word = "interrupted" if signum == signal.SIGINT else "terminated"
    assert err.strip().splitlines() == [f"dlviz: error: {word}; no half-written file was left"]
    time.sleep(0.5)
    assert not [p for p in children if _alive(p)]
    leftovers = [p for p in out.rglob("*") if p.is_file()]
    if run == "gallery workers":  # items finished before the signal stay, complete
        leftovers = [p for p in leftovers if ".part" in p.name]
    assert not leftovers
    assert not any(temp.iterdir())


def test_a_thread_left_waiting_does_not_hold_the_exit(tmp_path):
    """SIGTERM while a writer thread waits for frames that will never come
    (Manim's encoder, when an animation is cut short): dlviz still exits 143."""
    script = """
import os, signal, sys, threading, time
from dlviz.compute import conv

threading.Thread(target=threading.Event().wait).start()  # never ends, not a daemon

def terminated_mid_run(spec, progress=None):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)

conv.run = terminated_mid_run
sys.argv = ["dlviz", "conv"]
from dlviz.cli import run
run()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip() == "dlviz: error: terminated; no half-written file was left"
    assert not any(tmp_path.rglob("*"))
