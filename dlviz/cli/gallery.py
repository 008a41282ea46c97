"""`dlviz gallery`: every topic's default figures (and videos) in one folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Lang, Quality, ThemeName
from dlviz.errors import BadInput

HELP = """Render every topic's default figures (with --videos, also its lecture
videos) into one folder, in parallel, with index.html and index.md showing
each one beside the command that reproduces it. Items whose command did not
change since the last run are skipped (--force renders them again).

Examples:

  dlviz gallery

  dlviz gallery --lang zh --out gallery-zh

  dlviz gallery --theme dark --videos --quality high --out lecture

  dlviz gallery --topics conv,attention --jobs 1
"""


def gallery(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FOLDER",
            help="The folder to fill (default: outputs/gallery, with -zh and -dark "
            "for those sets, so no set overwrites another)",
        ),
    ] = None,
    videos: Annotated[bool, typer.Option(help="Also render each topic's Manim video")] = False,
    jobs: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per core)")
    ] = None,
    force: Annotated[bool, typer.Option(help="Render unchanged items again")] = False,
    topics: Annotated[
        str | None, typer.Option(metavar="a,b", help="Only these topics (default: all)")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="png|svg|pdf", help="Figure format")
    ] = "png",
    theme: Annotated[ThemeName, typer.Option(help="light (notes) or dark (lecture)")] = (
        ThemeName.light
    ),
    lang: Annotated[Lang, typer.Option(help="Label language: en or zh (中文)")] = Lang.en,
    quality: Annotated[Quality, typer.Option("--quality", "-q", help="Video quality")] = (
        Quality.medium
    ),
) -> None:
    from dlviz import gallery as G
    from dlviz.cli.job import report_table, warn_if_no_cjk_font
    from dlviz.output import check_names, check_writable, progress_bar

    if out is None:  # each language and theme has its own default folder
        suffix = "".join(f"-{v}" for v in (lang.value, theme.value) if v not in ("en", "light"))
        out = Path(f"outputs/gallery{suffix}")
    chosen = parse_topics(topics, G.TOPICS)
    if format not in ("png", "svg", "pdf"):
        raise BadInput("--format", format, "the gallery's figures are png, svg or pdf")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if not 1 <= workers <= 64:
        raise BadInput("--jobs", jobs, "must be a whole number from 1 to 64")
    check_names(out)
    if out.exists() and not out.is_dir():
        raise BadInput("--out", out, "is a file; the gallery needs a folder")
    if videos:
        import importlib.util

        if importlib.util.find_spec("manim") is None:  # without importing it here
            from dlviz.manim_bridge import _require_manim

            _require_manim()
        from dlviz.output import require_tool

        for tool in ("ffmpeg", "ffprobe"):  # each video's contact sheet
            require_tool(tool, "ffmpeg", "the videos' contact sheets")
    check_writable(out / "index.html")  # before making folders: a file on the way is bad input
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput("--out", out, f"cannot make the folder ({exc.strerror})") from None
    if lang.value == "zh":
        warn_if_no_cjk_font()
    settings = G.Settings(theme=theme.value, lang=lang.value, quality=quality.value, format=format)
    items = G.select(chosen, videos)
    with progress_bar(f"gallery: {len(items)} items") as update:
        outcomes = G.render(items, settings, out, jobs=workers, force=force, progress=update)
    written = G.write_index(settings, out)
    rows = [
        [
            o.item.stem,
            o.file,
            f"{o.seconds:.1f} s" if o.status != "skipped" else "-",
            o.status if o.status != "failed" else f"failed: {o.message}",
        ]
        for o in outcomes
    ]
    report_table(
        f"gallery ({workers} worker{'s' if workers > 1 else ''})",
        ["item", "file", "time", "status"],
        rows,
        written,
    )
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        from dlviz.errors import DlvizError

        raise DlvizError(
            f"{len(failed)} of {len(outcomes)} gallery items failed: "
            + ", ".join(o.item.stem for o in failed)
        )


def parse_topics(value: str | None, known: tuple[str, ...]) -> list[str] | None:
    if value is None:
        return None
    names = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in names if t not in known]
    if unknown or not names:
        raise BadInput("--topics", value, f"choose from {', '.join(known)}")
    return names


def register(app: typer.Typer) -> None:
    app.command(
        "gallery",
        help=HELP,
        short_help="Every topic's figures and videos, with an index.  e.g. dlviz gallery --lang zh",
    )(gallery)
