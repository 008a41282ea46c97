"""The ``dlviz`` command line: one file per topic, registered here.

Importing this package must stay cheap (``dlviz --help`` is typed often):
numpy, matplotlib and manim are imported inside the command bodies only.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from dlviz import __version__
from dlviz.cli import doctor, gallery
from dlviz.errors import DlvizError
from dlviz.topics import TOPICS

app = typer.Typer(
    name="dlviz",
    help="Pictures and lecture videos for deep-learning concepts.\n\n"
    "Each topic draws a figure (png/svg/pdf), an animation (gif/mp4) or, with "
    "--engine manim, a lecture video; --data exports the numbers as JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlviz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Pictures and lecture videos for deep-learning concepts."""


for topic in TOPICS:  # one command per registered topic, in the registry's order
    importlib.import_module(f"dlviz.cli.{topic.name}").register(app)
for module in (gallery, doctor):
    module.register(app)


def _error(message: str, code: int) -> int:
    sys.stderr.write(f"dlviz: error: {message}\n")
    return code


def main(argv: list[str] | None = None) -> int:
    """Console entry point: every failure is one line on stderr and an exit
    status (2 bad input, 1 missing tool or failure, 130 interrupted)."""
    from dlviz import signals

    if argv is None:  # the console command, not a test calling main()
        signals.install()
    try:
        code = app(args=argv, prog_name="dlviz", standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort, signals.Terminated):
        return _interrupted(signals)
    except DlvizError as exc:
        if signals.received:
            return _interrupted(signals)
        return _error(str(exc), exc.exit_code)
    except typer.TyperException as exc:  # usage errors found while parsing: exit 2
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `dlviz`: the help, nothing wrong
            sys.stdout.write(exc.format_message().rstrip() + "\n")
            return 0
        return _error(exc.format_message().replace("\n", " "), getattr(exc, "exit_code", 2))
    except Exception as exc:  # a bug: still one line, the traceback on request
        if signals.received:  # e.g. ffmpeg ended by the same Ctrl-C: the signal is the cause
            return _interrupted(signals)
        if os.environ.get("DLVIZ_DEBUG"):
            raise
        return _error(
            f"unexpected {type(exc).__name__}: {exc} (DLVIZ_DEBUG=1 shows the traceback)", 1
        )
    if signals.received:  # a signal the command caught on its way out
        return _interrupted(signals)
    return code if isinstance(code, int) else 0


def _interrupted(signals) -> int:
    signals.end_children()
    signum = signals.received[0] if signals.received else signals.signal.SIGINT
    word = "terminated" if signum == signals.signal.SIGTERM else "interrupted"
    return _error(f"{word}; no half-written file was left", signals.EXIT[signum])


def run() -> None:
    code = main()
    from dlviz import signals

    if signals.received:
        # Everything this run made is gone and its children are ended; a
        # thread left waiting for work that will never come (Manim's encoder
        # of an animation cut short) must not hold the exit.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
