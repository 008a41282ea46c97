"""The steps every topic command shares around its own compute and render:
deciding what to write (before any work), writing it, and the summary table."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dlviz.cli.common import STYLE, Common
from dlviz.errors import BadInput, SpecError


@dataclass(frozen=True)
class Plan:
    """Where a run writes, decided and checked before any computation."""

    path: Path
    format: str
    data: Path | None

    @property
    def animated(self) -> bool:
        return self.format in ("gif", "mp4")


def plan_outputs(common: Common, topic: str, name: str, requests: Mapping) -> Plan:
    """Resolve --out/--format/--engine/--data into paths, failing early (exit 2)
    on anything that cannot be written. A name is built from ``requests`` (the
    options typed on this command line) and the --params file replayed."""
    from dlviz.output import STATIC_FORMATS, check_data_path, output_stem, resolve_output

    fmt = common.format
    default_format = "png"
    if common.engine == "manim":
        if fmt in STATIC_FORMATS:
            raise BadInput("--format", fmt, "--engine manim writes a video: mp4 or gif")
        default_format = "mp4"
    shared = {
        "engine": common.engine,
        "theme": common.theme,
        "lang": common.lang,
        "seed": common.seed,
    }
    named = {k: v for k, v in requests.items() if v != name}
    named.update({k: v for k, v in shared.items() if v != _SHARED_DEFAULTS[k]})
    if common.animated:
        named["quality"] = common.quality
    if common.params is not None:
        named["params"] = Path(common.params).stem
    stem = output_stem(topic, name, named, {k: _SHARED_DEFAULTS.get(k) for k in named})
    path, fmt = resolve_output(common.out, stem, fmt, default_format)
    check_data_path(common.data)
    if common.lang == "zh":
        warn_if_no_cjk_font()
    if common.data is not None and Path(common.data).resolve() == path.resolve():
        raise BadInput("--data", common.data, "must differ from the figure's path")
    if fmt == "mp4" and common.engine == "matplotlib":  # found missing before any work
        from dlviz.output import require_tool

        require_tool("ffmpeg", "ffmpeg", "mp4 output")
    return Plan(path, fmt, common.data)


def build_spec(
    make_spec: Callable,
    common: Common,
    requests: Mapping,
    options: Mapping,
    rebase: Callable[[dict, Mapping], dict] | None = None,
):
    """The run's spec: the --params file's parameters, overridden by this
    command line's ``requests`` (spec parameter → parsed value). A value the
    spec refuses is one line naming the option that holds it. ``rebase(base,
    requests)`` may drop replayed values that the requests make stale."""
    from dlviz.spec import merge

    base = {k: v for k, v in common.replayed.items() if k not in STYLE}
    if rebase is not None and base:
        base = rebase(base, requests)
    requests = dict(requests)
    if "seed" in common.given:
        import inspect

        if "seed" not in inspect.signature(make_spec).parameters:
            raise BadInput(
                "--seed", common.seed, "changes nothing: this topic draws no random numbers"
            )
        requests["seed"] = common.seed
    with spec_errors(common, requests, options):
        spec = make_spec(**merge(base, requests))
    cost = getattr(spec, "animation_cost" if common.animated else "cost", None)
    if cost is None and common.animated:
        cost = getattr(spec, "cost", None)
    too_big = cost() if cost is not None and not common.no_limit else None
    if too_big is not None:
        cheaper = " ".join(
            f"{options.get(k, '--' + k.replace('_', '-'))} {v}" for k, v in too_big.cheaper.items()
        )
        hint = f"; try {cheaper}" if cheaper else ""
        raise BadInput(
            options.get(too_big.param, f"--{too_big.param.replace('_', '-')}"),
            too_big.value,
            f"{too_big.what}, {too_big.limit}{hint} (or --no-limit to go on)",
        )
    return spec


@contextmanager
def spec_errors(common: Common, requests: Mapping, options: Mapping) -> Iterator[None]:
    """Turn a ``SpecError`` into ``BadInput`` for the option that holds the
    value: the mapped option, or --params when the value came from that file."""
    try:
        yield
    except SpecError as exc:
        top = exc.param.split(".")[0]
        if common.params is not None and top in common.replayed and top not in requests:
            raise BadInput("--params", common.params, str(exc)) from None
        leaf = exc.param.split(".")[-1]
        option = options.get(exc.param) or options.get(leaf) or options.get(top)
        value = exc.value
        if isinstance(value, (list, tuple)):  # as typed: 1,2 rather than (1.0, 2.0)
            value = ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        raise BadInput(option or f"--{leaf.replace('_', '-')}", value, exc.allowed) from None


def run_parameters(spec, common: Common, plan: Plan) -> dict:
    """The ``parameters`` of the --data JSON: the spec, every value effective,
    and the shared options that shaped the output."""
    from dlviz.spec import as_dict

    return {**as_dict(spec), **common.parameters(), "format": plan.format}


def warn_if_no_cjk_font() -> None:
    import sys

    from dlviz.cli.doctor import cjk_font

    if cjk_font() is None:
        sys.stderr.write(
            "dlviz: warning: no CJK font found, Chinese labels would show as "
            "boxes; install one with: sudo apt-get install fonts-noto-cjk\n"
        )


_SHARED_DEFAULTS = {
    "engine": "matplotlib",
    "theme": "light",
    "lang": "en",
    "seed": 0,
    "quality": "medium",
}


def report(title: str, rows: Mapping[str, object], written: list[Path]) -> None:
    """The short summary table after a run."""
    report_table(title, [], [[k, v] for k, v in rows.items()], written)


def report_table(
    title: str, columns: list[str], rows: list[list[object]], written: list[Path]
) -> None:
    """A summary table with ``columns`` (none: a key/value table), then the paths written."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=bool(columns), title_justify="left")
    for k, column in enumerate(columns or ["", ""]):
        table.add_column(column, style="bold" if k == 0 else None)
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console = Console()
    console.print(table)
    for path in written:
        console.print(f"written: {path}", highlight=False, soft_wrap=True)


def publish(topic: str, spec, result, plan: Plan, common: Common) -> list[Path]:
    """Write the run's figure, animation or video and, with --data, its JSON."""
    from dlviz.output import write_run

    return write_run(
        topic,
        result,
        path=plan.path,
        fmt=plan.format,
        engine=common.engine,
        quality=common.quality,
        theme=common.theme,
        lang=common.lang,
        data=plan.data,
        parameters=run_parameters(spec, common, plan),
    )
