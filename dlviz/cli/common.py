"""The options every command shares, defined once, and small parsing helpers.

A topic command declares only its own options and takes ``common: Common``;
``@shared_options`` appends ``--out --format --engine --quality --theme
--lang --seed --data`` to its signature and gathers them into ``Common``.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    no_limit: bool
    data: Path | None
    params: Path | None = None
    given: frozenset[str] = frozenset()  # every option typed on this command line, by name
    replayed: Mapping = field(default_factory=dict)  # the --params file's parameters

    def explicit(self, values: Mapping) -> dict:
        """The entries of ``values`` (options by parameter name) typed on this
        command line rather than left at their defaults."""
        return {k: v for k, v in values.items() if k in self.given}

    @property
    def animated(self) -> bool:
        """An animation or a video (asked for by --engine manim, --format or
        the --out file's suffix): what a run films, not a figure."""
        fmt = self.format
        if fmt is None and self.out is not None:
            out = Path(self.out)
            fmt = out.suffix.lower().lstrip(".") if out.suffix and not out.is_dir() else None
        return self.engine == "manim" or fmt in ("gif", "mp4")

    def parameters(self) -> dict:
        """The shared options that shape the output, as they go into ``--data``
        JSON beside the spec (where files go is not a parameter of the run)."""
        return {k: getattr(self, k) for k in STYLE}


# the shared options a --params file carries and replays
STYLE = ("format", "engine", "quality", "theme", "lang")


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
        "no_limit",
        False,
        Annotated[
            bool,
            _opt(
                "--no-limit",
                help="Go on with work estimated past about a minute or a few GB here",
            ),
        ],
    ),
    (
        "data",
        None,
        Annotated[
            Path | None, _opt("--data", metavar="PATH.json", help="Also export the numbers as JSON")
        ],
    ),
    (
        "params",
        None,
        Annotated[
            Path | None,
            _opt(
                "--params",
                metavar="PATH.json",
                help="Replay the parameters of a --data JSON; options given here override them",
            ),
        ],
    ),
]


_CONTEXT = "dlviz_context"


def _typed(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was typed (or set in the environment), not defaulted."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


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
        ctx = kwargs.pop(_CONTEXT)
        values = {name: kwargs.pop(name) for name, _, _ in _SHARED}
        values = {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items()}
        given = frozenset(name for name in ctx.params if _typed(ctx, name))
        replayed = load_params(values["params"], command.__name__) if values["params"] else {}
        for key in STYLE:
            if key in replayed and key not in given:
                values[key] = replayed[key]
        if "format" not in given and values["out"] is not None and Path(values["out"]).suffix:
            values["format"] = None  # the file's suffix names the format
        return command(common=Common(**values, given=given, replayed=replayed), **kwargs)

    context = inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    params = own + shared + [context]
    wrapper.__signature__ = signature.replace(parameters=params)
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # Typer must read the new signature, not the original
    return wrapper


def read_text(option: str, path, *, what: str = "") -> str:
    """A file's UTF-8 text; a path that is not a readable text file is one
    line naming ``option`` (``what``: a hint added to 'no such file')."""
    path = Path(path)
    try:
        if not path.is_file():
            raise BadInput(option, path, "no such file" + (f" ({what})" if what else ""))
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(option, _short(path), f"cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise BadInput(option, path, "is not UTF-8 text") from None


def read_json(option: str, path):
    """A file's JSON document (NaN and infinities are left for the spec to refuse)."""
    text = read_text(option, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(option, path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise BadInput(option, path, "not JSON dlviz reads: nested too deeply") from None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 80 else text[:77] + "…"


def load_params(path: Path, topic: str) -> dict:
    """The ``parameters`` of a ``--data`` JSON written by ``topic``."""
    document = read_json("--params", path)
    if not isinstance(document, dict) or not isinstance(document.get("parameters"), dict):
        raise BadInput("--params", path, "expected a JSON written by --data, with 'parameters'")
    if document.get("topic") != topic:
        raise BadInput(
            "--params", path, f"was written by dlviz {document.get('topic')}, not dlviz {topic}"
        )
    return document["parameters"]


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
