"""Render a Manim scene from the command line into an output path.

Manim normally writes ``media/`` (videos, partial movies, LaTeX and text
caches) into the current directory. dlviz renders in a private temporary
folder instead and moves only the finished video into place, atomically.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dlviz.errors import MissingTool
from dlviz.output import atomic_path

QUALITY_PRESETS = {
    "low": "low_quality",
    "medium": "medium_quality",
    "high": "high_quality",
    "4k": "fourk_quality",
}


def _require_manim():
    try:
        import manim
    except ImportError:
        raise MissingTool(
            "Manim",
            "--engine manim",
            "sudo apt-get install libcairo2-dev libpango1.0-dev pkg-config && pip install manim",
        ) from None
    return manim


def cache_dir() -> Path:
    """$DLVIZ_CACHE, else $XDG_CACHE_HOME/dlviz/manim, else ~/.cache/dlviz/manim."""
    if os.environ.get("DLVIZ_CACHE"):
        return Path(os.environ["DLVIZ_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlviz" / "manim"


def load_scene(module: str, name: str | None = None, result=None):
    """The scene class ``name`` of ``dlviz.scenes.<module>``; without a name,
    the one that module's ``scene_for(result)`` picks."""
    _require_manim()
    scenes = importlib.import_module(f"dlviz.scenes.{module}")
    return getattr(scenes, name or scenes.scene_for(result))


def render_scene(
    scene_class,
    params: Mapping,
    *,
    quality: str,
    fmt: str,
    out: Path,
    background: str,
    progress: bool = True,
) -> Path:
    """Render ``scene_class`` with ``params`` (merged over its own defaults)
    at ``quality`` and write the video to ``out``."""
    manim = _require_manim()
    with tempfile.TemporaryDirectory(prefix="dlviz-manim-") as media:
        settings = {
            "quality": QUALITY_PRESETS[quality],
            "media_dir": media,
            # Typeset text and formulas are reused between renders, from the
            # user's cache folder rather than the current directory.
            "tex_dir": str(cache_dir() / "tex"),
            "text_dir": str(cache_dir() / "texts"),
            "output_file": "scene",
            "format": fmt,
            "disable_caching": True,
            # the bar redraws itself with carriage returns: on a terminal only
            "progress_bar": "display" if progress and sys.stderr.isatty() else "none",
            "verbosity": "WARNING",
            "background_color": background,
            "write_to_movie": True,
            # x264's default preset made encoding, not drawing, the slow part
            # of every video; "veryfast" at the same quality (crf) is ~3x faster.
            "video_encoder_options": {"crf": "23", "preset": "veryfast"},
            "save_last_frame": False,
        }
        with manim.tempconfig(settings):
            configured = type(
                scene_class.__name__, (scene_class,), {"params": {**scene_class.params, **params}}
            )
            scene = configured()
            scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.gif_file_path if fmt == "gif" else writer.movie_file_path)
        with atomic_path(out) as tmp:
            shutil.copyfile(produced, tmp)
    return out
