"""Every command, fed option values drawn by hypothesis: numbers across
magnitudes and signs, NaN and infinities, empty and odd strings, malformed,
binary and missing files. Whatever is drawn, dlviz answers with a result
(exit 0) or one line naming the bad option (exit 2): never a traceback,
never a file left behind on refusal, never past the time limit.

The options are read from the command line itself (every option of every
command), so a new option is fuzzed without touching this file. Cases this
test once found are regular tests in tests/cli/test_errors.py.
DLVIZ_FUZZ_EXAMPLES=N draws N cases per command (default 12, the same ones
each run); with DLVIZ_FUZZ_RANDOM=1 they are new each time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import tempfile
import time
import warnings
from pathlib import Path

import click
import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlviz.cli import app, main
from tests.util import files_under

TIME_LIMIT = 60.0  # seconds: a refusal is immediate, a result within about a minute
EXAMPLES = int(os.environ.get("DLVIZ_FUZZ_EXAMPLES", "12"))
EXAMPLES_DIR = Path(__file__).parent.parent / "examples"

# never drawn: the options that let a run go on past the limits, or film (minutes)
SKIPPED = {"--no-limit", "--videos"}
NOT_DRAWN_VALUES = {"--engine": {"manim"}}

# files present in each run's folder (malformed, binary, huge, empty, valid)
FILES = {
    "bad.json": "{",
    "empty.json": "",
    "null.json": "null",
    "str.json": '"hello"',
    "obj.json": '{"a": 1}',
    "nan.json": "[[NaN, 1], [1, 1]]",
    "inf.json": "[[Infinity, 1], [1, 1]]",
    "huge.json": "[[1e308, 1e308], [1e308, 1e308]]",
    "ragged.json": "[[1, 2], [3]]",
    "deep.json": "[" * 2000 + "]" * 2000,
    "matrix.json": "[[1, 0], [0, 1], [2, 3]]",
    "long.json": json.dumps([[float(i % 7)] * 3 for i in range(500)]),
    "layers.json": '{"layers": [{"weight": [[1, 2]], "bias": []}]}',
    "model.json": '{"vocab": ["A", "<eos>"], "eos": "<eos>", "next": {"": {"A": -1}}}',
}
BINARY = {"bin.dat": bytes(range(256)) * 4, "latin.json": "[[1, 2]] é".encode("latin-1")}
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES_DIR.glob("*.json"))
PATHS = [*FILES, *BINARY, *EXAMPLE_FILES, "missing.json", "dir", "dir/", "bad.json/x.json"]
OUT_PATHS = ["o.png", "o.svg", "o.pdf", "o.gif", "o.txt", "sub/o.png", "dir", "bad.json/o.png"]

ODD = [
    "", " ", ",", ",,", ":", "x", "-", "--", "nan", "inf", "-inf", "1e309", "-1e309",
    "0", "-0", "1", "-1", "2", "3", "0.5", "1e-300", "99999999999999999999", "0x10",
    "1,2", "1,2,3", "3x3", "0x0", "5x5", "-1,1", "1,-1", "a,b", "1;2", "我 爱 深度 学习",
    "normal:1e400", "normal:nan", "normal:-1", "gaussian:3:nan", "sobel-x", "k3s2",
    "2,inf", "he", "all", "adam", "gd,adam", "sgd=0.1", "\t", "é", "9" * 300, "1," * 50 + "1",
]  # fmt: skip


def _numbers() -> st.SearchStrategy[str]:
    """Numbers as a user types them: small and huge, both signs, non-finite."""
    return st.one_of(
        st.integers(-5, 40).map(str),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(-2.0, 2.0).map(lambda v: f"{v:.3g}"),
    )


def _values(param: click.Parameter) -> st.SearchStrategy[str]:
    """Values for one option: what its type accepts, and much it does not."""
    name = param.opts[0]
    choices = []
    if isinstance(param.type, click.Choice):
        skip = NOT_DRAWN_VALUES.get(name, set())
        choices = [str(c) for c in param.type.choices if str(c) not in skip]
    if name in ("--out", "-o", "--data"):
        typed = st.sampled_from(OUT_PATHS + ["d.json", "o.png/"])
    elif isinstance(param.type, click.Path) or name in ("--params", "--weights", "--model"):
        typed = st.sampled_from(PATHS)
    elif choices:
        typed = st.sampled_from(choices)
    else:
        typed = _numbers()
    odd = st.one_of(
        st.sampled_from(ODD),
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=8,
        ),
        _numbers(),
    )
    return st.one_of(typed, typed, odd)


def _command(name: str) -> click.Command:
    return typer.main.get_command(app).commands[name]


@st.composite
def _argv(draw, name: str) -> list[str]:
    """A command line: the command and one to three of its options."""
    params = [p for p in _command(name).params if p.opts[0] not in SKIPPED]
    argv = [name]
    if name == "gallery":  # every topic at once takes minutes: a few topics, or a bad value
        argv += ["--topics", draw(st.sampled_from(["beam", "conv", "beam,conv", "", "x,"]))]
        params = [p for p in params if p.opts[0] != "--topics"]
    if not params:
        return argv
    chosen = draw(st.lists(st.sampled_from(params), min_size=1, max_size=3, unique=True))
    for param in chosen:
        if isinstance(param, click.Argument):
            argv.append(draw(_values(param)))
        elif getattr(param, "is_flag", False):
            argv.append(param.opts[0])
        else:
            argv += [param.opts[0], draw(_values(param))]
    return argv


class TimeLimit(BaseException):
    """Raised in the run past TIME_LIMIT (a BaseException: main() does not catch it)."""


def _on_alarm(signum, frame):
    raise TimeLimit


def _fuzz_once(argv: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dlviz-fuzz-"))
    here = os.getcwd()
    try:
        for name, text in FILES.items():
            (folder / name).write_text(text)
        for name, data in BINARY.items():
            (folder / name).write_bytes(data)
        for name in EXAMPLE_FILES:
            shutil.copy(EXAMPLES_DIR / name, folder / name)
        (folder / "dir").mkdir()
        before = files_under(folder)
        os.chdir(folder)
        out, err = io.StringIO(), io.StringIO()
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
        start = time.perf_counter()
        try:
            with (
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                warnings.catch_warnings(record=True) as caught,
            ):
                warnings.simplefilter("always")
                code = main(argv)
        except TimeLimit:
            pytest.fail(f"past {TIME_LIMIT:.0f} s: dlviz {' '.join(argv)}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        seconds = time.perf_counter() - start
        message = err.getvalue()
        shown = f"dlviz {' '.join(map(repr, argv))} → {code} in {seconds:.1f} s: {message!r}"
        assert code in (0, 2), shown
        assert "Traceback" not in message and "unexpected" not in message, shown
        numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert not numeric, f"{shown} warned {numeric[0].message}"
        if code == 2:
            assert message.count("\n") == 1 and message.startswith("dlviz: error: "), shown
            assert files_under(folder) == before, shown  # nothing written, nothing left
        else:
            assert not [f for f in files_under(folder) if ".part" in f], shown
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


COMMANDS = [c for c in typer.main.get_command(app).commands]


@pytest.mark.parametrize("name", COMMANDS)
def test_any_option_values_give_a_result_or_one_line_and_exit_2(name):
    fuzz = settings(
        max_examples=EXAMPLES if _command(name).params else 1,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("DLVIZ_FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    fuzz(given(_argv(name))(_fuzz_once))()
