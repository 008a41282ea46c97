"""Output naming, atomic writes, format dispatch and JSON export.

Every file dlviz writes goes through ``atomic_path``: it is written under a
temporary name in the destination folder and renamed into place only when
complete, so an interrupted or failed render never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

from dlviz import __version__
from dlviz.errors import BadInput, MissingTool

STATIC_FORMATS = ("png", "svg", "pdf")
ANIMATED_FORMATS = ("gif", "mp4")
FORMATS = STATIC_FORMATS + ANIMATED_FORMATS
DEFAULT_FOLDER = Path("outputs")
MAX_STEM = 120

# Fixed metadata: no dates, so the same figure gives the same bytes.
_METADATA = {
    "png": {"Software": f"dlviz {__version__}"},
    "svg": {"Date": None, "Creator": f"dlviz {__version__}"},
    "pdf": {
        "CreationDate": None,
        "ModDate": None,
        "Creator": f"dlviz {__version__}",
        "Producer": f"dlviz {__version__}",
    },
}


def _slug(value: object) -> str:
    """``value`` as part of a file name: letters (any script: Chinese tokens
    name their own file), digits and . , + = -; nothing else."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, float):
        value = f"{value:g}"
    elif isinstance(value, (list, tuple)):
        value = ",".join(_slug(v) for v in value)
    return re.sub(r"[^\w.,+=-]|_", "", str(value)) or "x"


def output_stem(topic: str, name: str, parameters: Mapping, defaults: Mapping) -> str:
    """A file name built from the parameters that differ from their defaults,
    so the same command always writes the same file and different ones don't
    collide. Long names are cut and completed with a hash of the whole."""
    parts = [topic, _slug(name)] if name else [topic]
    for key in sorted(parameters):
        if key in defaults and parameters[key] != defaults[key]:
            parts.append(f"{key.replace('_', '-')}-{_slug(parameters[key])}")
    stem = "_".join(parts)
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(stem.encode()).hexdigest()[:10]
        stem = f"{stem[: MAX_STEM - 11]}-{digest}"
    return stem


def resolve_output(
    out: Path | None, stem: str, fmt: str | None, default_format: str = "png"
) -> tuple[Path, str]:
    """The file to write and its format. ``out`` is a file (its suffix gives
    the format) or a folder (the file is named from the parameters)."""
    out = DEFAULT_FOLDER if out is None else Path(out)
    check_names(out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix and not out.is_dir():
        if suffix not in FORMATS:
            raise BadInput("--out", out, f"the file must end in one of {', '.join(FORMATS)}")
        if fmt is not None and fmt != suffix:
            raise BadInput("--out", out, f"the suffix does not match --format {fmt}")
        path, fmt = out, suffix
    else:
        fmt = fmt or default_format
        path = out / f"{stem}.{fmt}"
    check_writable(path)
    return path, fmt


def check_writable(path: Path, option: str = "--out") -> None:
    """Fail before any work if ``path`` cannot be created: its nearest existing
    ancestor must be a folder that takes a file (tried, then removed: as root,
    permission bits alone do not tell), and ``path`` itself not a folder."""
    check_names(path, option)
    if path.is_dir():
        raise BadInput(option, path, "is a folder; name a file or its parent folder")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    problem = None if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK) else "read-only"
    if problem is None:
        try:
            fd, probe = tempfile.mkstemp(prefix=".dlviz-probe.", dir=parent)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            problem = exc.strerror
    if problem is not None:
        raise BadInput(option, path, f"cannot write there ({parent} is not a writable folder)")


NAME_MAX = 255  # bytes in one file or folder name (Linux, macOS, Windows)


def check_names(path: Path, option: str = "--out") -> None:
    """Refuse a path that no file system takes: a name longer than NAME_MAX
    bytes, or a NUL byte."""
    for part in Path(path).parts:
        if len(os.fsencode(part)) > NAME_MAX or "\x00" in part:
            shown = part if len(part) <= 40 else part[:37] + "…"
            raise BadInput(option, shown, f"a file or folder name is at most {NAME_MAX} bytes")


def check_data_path(path: Path | None) -> None:
    if path is None:
        return
    if Path(path).suffix.lower() != ".json":
        raise BadInput("--data", path, "must be a file ending in .json")
    check_writable(Path(path), "--data")


@contextmanager
def atomic_path(path: Path, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success,
    delete it on any failure. A folder that refuses the temporary file is bad
    input for ``option`` (exit 2)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent
        )
    except OSError as exc:
        raise BadInput(option, path, f"cannot write there ({exc.strerror})") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_figure(fig, path: Path, fmt: str) -> Path:
    """Write a static figure (png, svg, pdf) atomically with fixed metadata."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt])
    return path


def require_tool(tool: str, package: str, needed_for: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise MissingTool(tool, needed_for, f"sudo apt-get install {package}")
    return found


def save_animation(anim, path: Path, fmt: str, fps: int, dpi: int, progress=None) -> Path:
    """Write a matplotlib animation as gif (Pillow) or mp4 (ffmpeg), atomically."""
    from matplotlib import animation

    if fmt == "mp4":
        require_tool("ffmpeg", "ffmpeg", "mp4 output")
        # libx264 with yuv420p needs even frame sizes; players need yuv420p
        even = "scale=trunc(iw/2)*2:trunc(ih/2)*2"
        writer = animation.FFMpegWriter(
            fps=fps, codec="libx264", extra_args=["-vf", even, "-pix_fmt", "yuv420p"]
        )
    else:
        writer = _fast_gif_writer_class()(fps=fps)
    with atomic_path(path) as tmp:
        if getattr(anim, "dlviz_moving", None):
            _save_blitted(anim, tmp, fmt, fps, dpi, progress)
        else:
            anim.save(tmp, writer=writer, dpi=dpi, progress_callback=progress)
    return path


def _save_blitted(anim, path: Path, fmt: str, fps: int, dpi: int, progress=None) -> None:
    """Frames drawn by blitting: the still part of the figure (landscape,
    legend, titles) is drawn once, and each frame restores it and draws only
    ``anim.dlviz_moving``, the artists ``anim._func`` changes. Matplotlib's
    own ``save`` redraws the whole figure for every frame."""
    from PIL import Image

    fig = anim._fig
    moving = sorted(anim.dlviz_moving, key=lambda artist: artist.get_zorder())  # as drawn
    fig.set_dpi(dpi)
    canvas = fig.canvas
    for artist in moving:
        artist.set_animated(True)  # left out of the still background
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    width, height = canvas.get_width_height()
    count = anim.dlviz_frames

    def frames():
        for i in range(count):
            canvas.restore_region(background)
            anim._func(i)
            for artist in moving:
                fig.draw_artist(artist)
            if progress is not None:
                progress(i, count)
            yield bytes(canvas.buffer_rgba())

    if fmt == "gif":
        images = [
            Image.frombuffer("RGBA", (width, height), frame)
            .convert("RGB")
            .quantize(colors=255, method=Image.Quantize.FASTOCTREE)
            for frame in frames()
        ]
        images[0].save(
            path,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=int(1000 / fps),
            loop=0,
        )
        return
    _ffmpeg_raw(frames(), path, width, height, fps)


def _ffmpeg_raw(frames, path: Path, width: int, height: int, fps: int) -> None:
    """RGBA frames piped to ffmpeg as H.264 in an mp4 (even size, yuv420p);
    ffmpeg is stopped whatever happens, so no child process outlives us."""
    import subprocess

    ffmpeg = require_tool("ffmpeg", "ffmpeg", "mp4 output")
    command = [
        ffmpeg,
        "-y",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgba",
        "-s",
        f"{width}x{height}",
        "-r",
        str(fps),
        "-i",
        "-",
        "-vf",
        "scale=trunc(iw/2)*2:trunc(ih/2)*2",
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-f",
        "mp4",
        str(path),
    ]
    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    try:
        for frame in frames:
            process.stdin.write(frame)
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"ffmpeg failed with exit status {process.returncode}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


SHEET_FRAMES = 12  # frames on a contact sheet, evenly spaced


def video_frames(path: Path, count: int = SHEET_FRAMES, width: int = 480):
    """(times, frames): ``count`` frames of a video at the middles of equal
    stretches of its duration, each (h, width, 3) uint8, read with ffmpeg."""
    import subprocess

    import numpy as np

    ffmpeg = require_tool("ffmpeg", "ffmpeg", "contact sheets")
    ffprobe = require_tool("ffprobe", "ffmpeg", "contact sheets")
    probe = subprocess.run(
        [
            ffprobe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height:format=duration",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    w, h = (int(v) for v in probe[0].split(",")[:2])
    duration = float(probe[-1])
    height = 2 * round(width * h / w / 2)
    times = [(i + 0.5) * duration / count for i in range(count)]
    frames = []
    for t in times:
        raw = subprocess.run(
            [
                ffmpeg,
                "-v",
                "error",
                "-ss",
                f"{t:.3f}",
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-vf",
                f"scale={width}:{height}",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "-",
            ],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        frames.append(np.frombuffer(raw, np.uint8)[: width * height * 3].reshape(height, width, 3))
    return times, frames


def contact_sheet(video: Path, out: Path, count: int = SHEET_FRAMES, cols: int = 4) -> Path:
    """One PNG with ``count`` frames of ``video`` in a grid, each with its
    time: a course's videos reviewed at a glance."""
    from matplotlib.figure import Figure

    times, frames = video_frames(video, count)
    rows = -(-count // cols)
    h, w = frames[0].shape[:2]
    fig = Figure(figsize=(cols * w / 100, rows * (h + 24) / 100), dpi=100)
    for i, (t, frame) in enumerate(zip(times, frames, strict=True)):
        ax = fig.add_axes(
            (
                (i % cols) / cols,
                1 - (i // cols + 1) / rows,
                1 / cols,
                (h / (h + 24)) / rows,
            )
        )
        ax.imshow(frame)
        ax.set_axis_off()
        ax.text(
            4,
            4,
            f"{t:.1f} s",
            color="white",
            va="top",
            fontsize=9,
            bbox={"facecolor": "black", "alpha": 0.6, "pad": 2, "edgecolor": "none"},
        )
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png", facecolor="black")
    return out


def _fast_gif_writer_class():
    from matplotlib.animation import PillowWriter
    from PIL import Image

    class FastGifWriter(PillowWriter):
        """Pillow's GIF writer, with each frame reduced to a palette by the
        fast octree method as it is grabbed: the default median cut at save
        time took most of a GIF's render time."""

        def grab_frame(self, **savefig_kwargs):
            super().grab_frame(**savefig_kwargs)
            frame = self._frames[-1].convert("RGB")
            self._frames[-1] = frame.quantize(colors=255, method=Image.Quantize.FASTOCTREE)

    return FastGifWriter


def to_jsonable(value: object) -> object:
    """Arrays to nested lists, tuples to lists, non-finite floats to None."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: Path, topic: str, parameters: Mapping, result: Mapping) -> Path:
    """The ``--data`` export: topic, version, every effective parameter, result."""
    document = {"topic": topic, "dlviz_version": __version__, "parameters": to_jsonable(parameters)}
    document.update(to_jsonable(result))
    with atomic_path(path, "--data") as tmp:
        tmp.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- a run's outputs

# Manim's quality presets, also used to size matplotlib animations.
QUALITY = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
ANIMATION_FPS = 12


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator:
    """A rich progress bar on stderr, driven by ``update(done, total)``; it
    disappears when the work is done (and shows nothing off a terminal)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not (enabled and console.is_terminal):
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def write_matplotlib(
    path: Path, fmt: str, quality: str, theme, build_figure, build_animation
) -> None:
    """Save a static figure or an animation, under the theme's rcParams."""
    from dlviz.render.base import themed

    with themed(theme):
        if fmt in ANIMATED_FORMATS:
            anim = build_animation()
            width = QUALITY[quality][0]
            dpi = max(50, round(width / anim._fig.get_figwidth()))
            with progress_bar(f"writing {path.name}") as update:
                # a slide-like animation may ask for fewer frames a second
                fps = getattr(anim, "dlviz_fps", ANIMATION_FPS)
                save_animation(anim, path, fmt, fps, dpi, update)
        else:
            save_figure(build_figure(), path, fmt)


def write_run(
    topic: str,
    result,
    *,
    path: Path,
    fmt: str,
    engine: str = "matplotlib",
    quality: str = "medium",
    theme: str = "light",
    lang: str = "en",
    data: Path | None = None,
    parameters: Mapping | None = None,
) -> list[Path]:
    """Every output of one run of ``topic``: its figure, animation or video at
    ``path``, and with ``data`` the JSON of ``parameters`` and the result.
    Each topic's figure layer says which figure draws the result
    (``figure``/``animation``), its scene module which scene films it
    (``scene_for``), its compute module what the JSON holds (``result_json``)."""
    import importlib

    from dlviz.theme import get_theme

    look = get_theme(theme)
    if engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        render_scene(
            load_scene(topic, result=result),
            {"result": result, "theme": theme, "lang": lang},
            quality=quality,
            fmt=fmt,
            out=path,
            background=look.background,
        )
    else:
        figures = importlib.import_module(f"dlviz.render.{topic}")
        style = {"theme": look, "lang": lang}
        write_matplotlib(
            path,
            fmt,
            quality,
            look,
            lambda: figures.figure(result, **style),
            lambda: figures.animation(result, **style),
        )
    written = [path]
    if data is not None:
        compute = importlib.import_module(f"dlviz.compute.{topic}")
        try:
            written.append(write_json(data, topic, parameters or {}, compute.result_json(result)))
        except BaseException:  # all or nothing: the run's figure goes with its data
            Path(path).unlink(missing_ok=True)
            raise
    return written
