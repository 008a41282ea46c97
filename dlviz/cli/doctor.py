"""`dlviz doctor`: what is installed and what each piece enables."""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass

import typer

APT = (
    "sudo apt-get install -y libcairo2-dev libpango1.0-dev pkg-config ffmpeg "
    "texlive-latex-base texlive-latex-extra dvisvgm fonts-noto-cjk"
)


@dataclass(frozen=True)
class Check:
    name: str
    found: bool
    detail: str
    enables: str
    required: bool  # the default commands (matplotlib figures) need it
    fix: str = ""


def _package(name: str, enables: str, required: bool, fix: str) -> Check:
    from importlib.metadata import PackageNotFoundError, version

    if importlib.util.find_spec(name) is None:
        return Check(name, False, "not installed", enables, required, fix)
    dist = {"PIL": "pillow"}.get(name, name)
    try:
        found = version(dist)
    except PackageNotFoundError:
        found = "installed"
    return Check(name, True, found, enables, required, fix)


def _tool(names: list[str], label: str, enables: str, package: str) -> Check:
    missing = [n for n in names if shutil.which(n) is None]
    detail = "not found: " + ", ".join(missing) if missing else shutil.which(names[0])
    return Check(label, not missing, detail, enables, False, f"sudo apt-get install {package}")


def _libraries() -> Check:
    import ctypes.util

    found = {lib: ctypes.util.find_library(lib) for lib in ("cairo", "pango-1.0")}
    missing = [lib for lib, path in found.items() if path is None]
    detail = "not found: " + ", ".join(missing) if missing else "libcairo, libpango"
    return Check(
        "cairo / pango",
        not missing,
        detail,
        "Manim rendering, Chinese text in videos",
        False,
        "sudo apt-get install libcairo2-dev libpango1.0-dev pkg-config",
    )


def cjk_font() -> str | None:
    """A CJK font family fontconfig knows, or None."""
    import subprocess

    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = sorted({f.split(",")[0].strip() for f in listing.splitlines() if f.strip()})
    preferred = [f for f in families if "Sans CJK SC" in f]
    return (preferred or families or [None])[0]


def checks() -> list[Check]:
    font = cjk_font()
    pillow = _package(
        "PIL", "Manim images (Pillow < 13 with manim 0.22)", False, "pip install 'pillow<13'"
    )
    if pillow.found and int(pillow.detail.split(".")[0]) >= 13:
        pillow = Check(
            "PIL",
            False,
            f"{pillow.detail} (manim 0.22 needs < 13)",
            pillow.enables,
            False,
            pillow.fix,
        )
    return [
        _package("numpy", "every computation", True, "pip install numpy"),
        _package(
            "matplotlib", "figures (png/svg/pdf) and gif animations", True, "pip install matplotlib"
        ),
        _package("manim", "lecture videos (--engine manim)", False, "pip install manim"),
        pillow,
        _libraries(),
        _tool(["ffmpeg"], "ffmpeg", "mp4 from matplotlib (--format mp4)", "ffmpeg"),
        _tool(
            ["latex", "dvisvgm"],
            "LaTeX + dvisvgm",
            "formulas in videos (else plain text)",
            "texlive-latex-base texlive-latex-extra dvisvgm",
        ),
        Check(
            "CJK font",
            font is not None,
            font or "none found",
            "--lang zh without tofu boxes",
            False,
            "sudo apt-get install fonts-noto-cjk",
        ),
    ]


def doctor() -> None:
    """Show what is installed and what it enables; exit 1 if the default commands cannot run."""
    from rich.console import Console
    from rich.table import Table

    results = checks()
    table = Table(title="dlviz doctor")
    for column in ("component", "status", "details", "enables"):
        table.add_column(column)
    for c in results:
        status = (
            "[green]ok[/]"
            if c.found
            else ("[red]missing[/]" if c.required else "[yellow]missing[/]")
        )
        table.add_row(c.name, status, c.detail, c.enables)
    console = Console()
    console.print(table)
    for c in results:
        if not c.found:
            console.print(f"  to fix {c.name}: {c.fix}", highlight=False)
    if any(c.required and not c.found for c in results):
        console.print("[red]the default commands cannot run[/]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(
        "doctor",
        help="Show what is installed (ffmpeg, LaTeX, cairo/pango, a CJK font, "
        "Manim) and what each enables.\n\nExample:\n\n  dlviz doctor",
        short_help="Check the installation.  e.g. dlviz doctor",
    )(doctor)
