"""Ctrl-C and SIGTERM end a run cleanly: every child process (ffmpeg,
gallery workers) is ended, the run unwinds so that each temporary file and
folder is removed on the way out, and the command exits 130 or 143."""

from __future__ import annotations

import os
import signal
from pathlib import Path

EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
received: list[int] = []  # the signals this process was sent, in order


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM, as KeyboardInterrupt is by SIGINT
    (a BaseException, so ``except Exception`` does not swallow it)."""


def descendants(pid: int | None = None) -> list[int]:
    """Every process below ``pid`` (this one by default), children first;
    empty where /proc is not there to ask."""
    pid = os.getpid() if pid is None else pid
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(k) for k in task.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *descendants(kid)]
    return found


def end_children() -> None:
    """SIGTERM to every process below this one (ffmpeg, workers)."""
    for pid in descendants():
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


def _on_signal(signum, frame) -> None:
    received.append(signum)
    end_children()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated


def install() -> None:
    """Handle SIGINT and SIGTERM in this (the main) process."""
    received.clear()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def _worker_ended(signum, frame) -> None:
    end_children()
    raise Terminated


def ignore_in_worker() -> None:
    """A worker leaves Ctrl-C to its parent, which ends it with SIGTERM: the
    worker then unwinds (removing its temporary files) and exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_ended)
