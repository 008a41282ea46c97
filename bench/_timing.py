"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from pathlib import Path


def wall(cmd: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def best(fn, repeat: int) -> float:
    """Best time of a function over ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def video_seconds(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


def video_ratio(args: list[str], quality: str, work: Path) -> tuple[float, float]:
    """``dlviz ARGS --engine manim -q QUALITY`` run as a fresh process in
    ``work``: (render seconds, video seconds)."""
    import sys

    video = work / f"video-{quality}.mp4"
    command = [sys.executable, "-m", "dlviz", *args, "--engine", "manim", "-q", quality]
    start = time.perf_counter()
    subprocess.run([*command, "--out", str(video)], cwd=work, check=True, capture_output=True)
    render = time.perf_counter() - start
    length = video_seconds(video)
    video.unlink()
    return render, length


def figure_seconds(figure, result, work: Path, repeat: int) -> float:
    """Best time to draw ``figure(result)`` in-process and save it as a PNG
    (light theme) in ``work``, in seconds."""
    from dlviz.output import save_figure
    from dlviz.render.base import themed
    from dlviz.theme import LIGHT

    def draw() -> None:
        with themed(LIGHT):
            save_figure(figure(result), work / "figure.png", "png")

    return best(draw, repeat)
