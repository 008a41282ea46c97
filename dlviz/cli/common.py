"""The options every command shares, defined once, and small parsing helpers.

A topic command declares only its own options and takes ``common: Common``;
``@shared_options`` appends ``--out --format --engine --quality --theme
--lang --seed --data`` to its signature and gathers them into ``Common``.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.errors import BadInput

PANEL = "Output options (every command)"


class Format(str, Enum):
    png = "png"
    svg = "svg"
    pdf = "pdf"
    gif = "gif"
    mp4 = "mp4"


class Engine(str, Enum):
    matplotlib = "matplotlib"
    manim = "manim"


class Quality(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    fourk = "4k"


class ThemeName(str, Enum):
    light = "light"
    dark = "dark"


class Lang(str, Enum):
    en = "en"
    zh = "zh"


@dataclass(frozen=True)
class Common:
    out: Path | None
    format: str | None
    engine: str
    quality: str
    theme: str
    lang: str
    seed: int
    data: Path | None

    def parameters(self) -> dict:
        """The shared options as they go into ``--data`` JSON."""
        values = asdict(self)
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in values.items()}


def _opt(*names: str, help: str, **kw) -> typer.models.OptionInfo:
    return typer.Option(*names, help=help, rich_help_panel=PANEL, **kw)


_SHARED: list[tuple[str, object, object]] = [
    (
        "out",
        None,
        Annotated[
            Path | None,
            _opt(
                "--out",
                "-o",
                metavar="PATH",
                help="File to write, or a folder for a name built from the parameters "
                "(default: outputs/)",
            ),
        ],
    ),
    (
        "format",
        None,
        Annotated[
            Format | None,
            _opt(
                "--format",
                "-f",
                help="png, svg, pdf (figures) or gif, mp4 (animations) (default: png; "
                "mp4 with --engine manim)",
            ),
        ],
    ),
    (
        "engine",
        Engine.matplotlib,
        Annotated[
            Engine,
            _opt(
                "--engine",
                help="matplotlib for figures and quick animations, manim for lecture videos",
            ),
        ],
    ),
    (
        "quality",
        Quality.medium,
        Annotated[
            Quality,
            _opt(
                "--quality",
                "-q",
                help="Video quality: low 480p15, medium 720p30, high 1080p60, 4k 2160p60",
            ),
        ],
    ),
    (
        "theme",
        ThemeName.light,
        Annotated[
            ThemeName, _opt("--theme", help="light (print, notes) or dark (16:9 lecture slides)")
        ],
    ),
    ("lang", Lang.en, Annotated[Lang, _opt("--lang", help="Label language: en or zh (中文)")]),
    ("seed", 0, Annotated[int, _opt("--seed", help="Random seed; same seed, same bytes")]),
    (
        "data",
        None,
        Annotated[
            Path | None, _opt("--data", metavar="PATH.json", help="Also export the numbers as JSON")
        ],
    ),
]


def shared_options(command: Callable) -> Callable:
    """Give ``command(..., common: Common)`` the shared options."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "common"]
    shared = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, default, annotation in _SHARED
    ]

    @functools.wraps(command)
    def wrapper(**kwargs):
        values = {name: kwargs.pop(name) for name, _, _ in _SHARED}
        values = {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items()}
        return command(common=Common(**values), **kwargs)

    params = own + shared
    wrapper.__signature__ = signature.replace(parameters=params)
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # Typer must read the new signature, not the original
    return wrapper


# --------------------------------------------------------------------------- parsing


def parse_floats(option: str, value: str, count: int | None = None) -> tuple[float, ...]:
    """'a,b' → (a, b) of finite floats, or a one-line BadInput naming the option."""
    parts = [p.strip() for p in str(value).split(",")]
    what = f"{count} comma-separated numbers" if count else "comma-separated numbers"
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        raise BadInput(option, value, f"expected {what}, e.g. {_example(count)}") from None
    if (count and len(numbers) != count) or not all(math.isfinite(n) for n in numbers):
        raise BadInput(option, value, f"expected {what} (finite), e.g. {_example(count)}")
    return numbers


def _example(count: int | None) -> str:
    return ",".join(["-1", "2.5", "3"][: count or 2])


def parse_range(option: str, value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    lo, hi = parse_floats(option, value, 2)
    if not lo < hi:
        raise BadInput(option, value, "the minimum must be below the maximum, e.g. -2,2")
    return lo, hi


def check_int_range(option: str, value: int, lo: int, hi: int) -> int:
    if not lo <= value <= hi:
        raise BadInput(option, value, f"must be a whole number from {lo} to {hi}")
    return value


def check_choice(option: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise BadInput(option, value, f"choose one of {', '.join(choices)}")
    return value
