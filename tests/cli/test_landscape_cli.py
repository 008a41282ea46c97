"""`dlviz landscape` end to end: files, names, JSON, determinism, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dlviz.cli import landscape as cli_landscape
from dlviz.compute import landscape as compute
from tests.util import files_under


def test_default_run_writes_a_png_named_from_the_parameters(dlviz, tmp_path):
    code, out, err = dlviz("landscape", "gabor")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/landscape_gabor.png"]
    assert (tmp_path / "outputs/landscape_gabor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "minimum" in out and "outputs/landscape_gabor.png" in out


def test_non_default_parameters_go_into_the_name(dlviz, tmp_path):
    assert (
        dlviz(
            "landscape",
            "linear",
            "--ridge",
            "0.5",
            "--theme",
            "dark",
            "--lang",
            "zh",
            "--resolution",
            "31",
            "-f",
            "svg",
        )[0]
        == 0
    )
    assert files_under(tmp_path) == [
        "outputs/landscape_linear_lang-zh_resolution-31_ridge-0.5_theme-dark.svg"
    ]


def test_out_may_name_a_file_or_a_folder(dlviz, tmp_path):
    assert dlviz("landscape", "saddle", "--out", "figs/s.pdf", "--resolution", "11")[0] == 0
    assert dlviz("landscape", "saddle", "--out", "more", "--resolution", "11")[0] == 0
    assert files_under(tmp_path) == ["figs/s.pdf", "more/landscape_saddle_resolution-11.png"]


def test_json_export_has_the_documented_keys(dlviz, tmp_path):
    code, _, err = dlviz(
        "landscape", "himmelblau", "--resolution", "7", "--x-range", "-4,4", "--data", "h.json"
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "h.json").read_text())
    assert doc["topic"] == "landscape" and doc["dlviz_version"]
    params = doc["parameters"]
    for key in (
        "name",
        "x_range",
        "y_range",
        "resolution",
        "view",
        "log_scale",
        "ridge",
        "theme",
        "lang",
        "format",
        "engine",
        "quality",
        "coeffs",
    ):
        assert key in params
    assert params["x_range"] == [-4, 4] and params["y_range"] == [-5, 5]  # default filled in
    assert params["log_scale"] is True and params["coeffs"] == [] and params["ridge"] == 0
    assert None not in params.values()  # every value the one that ran, none left "default"
    x, y, loss = np.array(doc["x"]), np.array(doc["y"]), np.array(doc["loss"])
    assert x.shape == (7,) and y.shape == (7,) and loss.shape == (7, 7)
    # row i at y[i], column j at x[j], checked against the definition itself
    assert loss[1, 5] == pytest.approx((x[5] ** 2 + y[1] - 11) ** 2 + (x[5] + y[1] ** 2 - 7) ** 2)
    assert doc["minimum"]["loss"] == pytest.approx(0.0, abs=1e-20)
    assert len(doc["minima"]) == 4


def test_json_writes_null_for_non_finite_numbers(tmp_path):
    from dlviz.output import write_json

    write_json(tmp_path / "n.json", "t", {"a": 1}, {"v": np.array([1.0, np.nan, np.inf])})
    assert json.loads((tmp_path / "n.json").read_text())["v"] == [1.0, None, None]


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_command_gives_byte_identical_files(dlviz, tmp_path, fmt):
    args = [
        "landscape",
        "rosenbrock",
        "--resolution",
        "41",
        "--lang",
        "zh",
        "-f",
        fmt,
        "--out",
        f"a.{fmt}",
        "--data",
        "a.json",
    ]
    assert dlviz(*args)[0] == 0
    first = (tmp_path / f"a.{fmt}").read_bytes(), (tmp_path / "a.json").read_bytes()
    (tmp_path / f"a.{fmt}").unlink()
    assert dlviz(*args)[0] == 0
    assert (tmp_path / f"a.{fmt}").read_bytes() == first[0]
    assert (tmp_path / "a.json").read_bytes() == first[1]


def test_byte_identical_across_processes(tmp_path):
    cmd = [sys.executable, "-m", "dlviz", "landscape", "gabor", "--resolution", "31", "-f", "svg"]
    for name in ("one", "two"):
        subprocess.run(
            [*cmd, "--out", f"{name}.svg"], cwd=tmp_path, check=True, capture_output=True
        )
    assert (tmp_path / "one.svg").read_bytes() == (tmp_path / "two.svg").read_bytes()


def test_gif_animation_is_written(dlviz, tmp_path):
    code, _, err = dlviz(
        "landscape", "quadratic", "--resolution", "21", "-f", "gif", "-q", "low", "--out", "q.gif"
    )
    assert code == 0, err
    assert (tmp_path / "q.gif").read_bytes()[:6] == b"GIF89a"


# ------------------------------------------------------------------ bad input


BAD = [
    (["landscape", "nope"], "'nope' is not one of"),
    (["landscape", "gabor", "--x-range", "3,1"], "--x-range 3,1"),
    (["landscape", "gabor", "--x-range", "2,2"], "--x-range 2,2"),
    (["landscape", "gabor", "--y-range", "a,b"], "--y-range a,b"),
    (["landscape", "gabor", "--y-range", "1"], "--y-range 1"),
    (["landscape", "gabor", "--x-range", "nan,1"], "--x-range nan,1"),
    (["landscape", "gabor", "--resolution", "1"], "--resolution 1"),
    (["landscape", "gabor", "--resolution", "4097"], "--resolution 4097"),
    (["landscape", "gabor", "--resolution", "ten"], "'ten' is not a valid int"),
    (["landscape", "gabor", "--format", "bmp"], "'bmp' is not one of"),
    (["landscape", "gabor", "--out", "fig.bmp"], "--out fig.bmp"),
    (["landscape", "gabor", "--out", "fig.svg", "--format", "png"], "does not match"),
    (["landscape", "gabor", "--engine", "manim", "--format", "png"], "--format png"),
    (["landscape", "gabor", "--coeffs", "1,2"], "--coeffs 1,2"),
    (["landscape", "quadratic", "--coeffs", "1"], "--coeffs 1"),
    (["landscape", "beale", "--ridge", "1"], "--ridge 1"),
    (["landscape", "linear", "--ridge", "-1"], "--ridge -1"),
    (["landscape", "saddle", "--log-scale"], "--log-scale saddle"),
    (["landscape", "gabor", "--data", "numbers.txt"], "--data numbers.txt"),
    (["landscape", "gabor", "--theme", "blue"], "'blue' is not one of"),
    (["landscape", "gabor", "--bogus"], "No such option"),
    (["landscape", "gabor", "--out", "afile/sub/fig.png"], "not a writable folder"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, message):
    (tmp_path / "afile").write_text("a file, not a folder")
    code, out, err = dlviz(*args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("dlviz: error: "), err
    assert message in err
    assert "Traceback" not in err + out
    assert files_under(tmp_path) == ["afile"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_folder_is_refused(dlviz, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = dlviz("landscape", "gabor", "--out", "locked")
    assert code == 2 and "not a writable folder" in err


def test_subprocess_bad_input_has_no_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "dlviz", "landscape", "gabor", "--resolution", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "dlviz: error: --resolution 0: must be a whole number from 2 to 4096"
    ]
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ atomic writes


def test_failed_render_leaves_no_file(dlviz, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    def broken_savefig(self, fname, **kwargs):
        Path(fname).write_bytes(b"half a figure")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    code, _, err = dlviz("landscape", "gabor", "--resolution", "11")
    assert code == 1 and "disk full" in err and err.count("\n") == 1
    assert [p for p in (tmp_path / "outputs").iterdir()] == []


def test_existing_file_survives_a_failed_rewrite(dlviz, tmp_path, monkeypatch):
    assert dlviz("landscape", "gabor", "--resolution", "11", "--out", "g.png")[0] == 0
    before = (tmp_path / "g.png").read_bytes()
    from matplotlib.figure import Figure

    monkeypatch.setattr(Figure, "savefig", lambda *a, **k: (_ for _ in ()).throw(OSError("x")))
    assert dlviz("landscape", "gabor", "--resolution", "12", "--out", "g.png")[0] == 1
    assert (tmp_path / "g.png").read_bytes() == before
    assert files_under(tmp_path) == ["g.png"]


# ------------------------------------------------------------------ help and version


def test_help_lists_every_topic_with_an_example(dlviz):
    code, out, _ = dlviz("--help")
    assert code == 0
    for topic in ("landscape", "doctor"):
        line = next(line for line in out.splitlines() if f" {topic} " in line)
        assert f"dlviz {topic}" in line  # the example on the topic's own line


def test_topic_help_shows_examples_and_shared_options(dlviz):
    code, out, _ = dlviz("landscape", "--help")
    assert code == 0
    assert "dlviz landscape rosenbrock --view surface" in out
    for option in (
        "--out",
        "--format",
        "--engine",
        "--quality",
        "--theme",
        "--lang",
        "--seed",
        "--data",
    ):
        assert option in out


def test_version(dlviz):
    from dlviz import __version__

    assert dlviz("--version")[:2] == (0, f"dlviz {__version__}\n")


def test_cli_names_match_the_compute_layer():
    assert cli_landscape.NAMES == compute.NAMES


def test_unwritable_folder_is_refused_before_any_work(dlviz, tmp_path, monkeypatch):
    # root may write anywhere, so simulate a read-only folder through os.access
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def access(path, mode):
        if Path(path).resolve() == locked and mode & os.W_OK:
            return False
        return real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    code, _, err = dlviz("landscape", "gabor", "--out", "locked")
    assert code == 2 and err.count("\n") == 1
    assert "--out locked/landscape_gabor.png: cannot write there" in err
    assert list(locked.iterdir()) == []


def test_missing_ffmpeg_is_exit_1_with_the_package(dlviz, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    code, _, err = dlviz("landscape", "saddle", "--resolution", "5", "-f", "mp4")
    assert code == 1 and "sudo apt-get install ffmpeg" in err and err.count("\n") == 1
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").iterdir())


def test_missing_manim_is_exit_1_with_the_install_line(dlviz, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_manim(name, *args, **kwargs):
        if name == "manim":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_manim)
    code, _, err = dlviz("landscape", "saddle", "--resolution", "5", "--engine", "manim")
    assert code == 1 and "pip install manim" in err


def test_chinese_without_a_cjk_font_warns_in_one_line(dlviz, monkeypatch):
    monkeypatch.setattr("dlviz.cli.doctor.cjk_font", lambda: None)
    code, _, err = dlviz("landscape", "saddle", "--resolution", "5", "--lang", "zh")
    assert code == 0
    assert err.count("\n") == 1 and "fonts-noto-cjk" in err


def test_folder_that_refuses_files_is_refused_before_any_work(dlviz, tmp_path, monkeypatch):
    # as root, permission bits say yes where the file system says no (/proc):
    # the check tries a file for real
    import tempfile

    real = tempfile.mkstemp

    def refuse(*args, **kwargs):
        if str(kwargs.get("dir", "")).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    (tmp_path / "locked").mkdir()
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, _, err = dlviz(
        "landscape", "saddle", "--resolution", "5", "--out", "ok.png", "--data", "locked/d.json"
    )
    assert code == 2 and "--data locked/d.json: cannot write there" in err
    assert files_under(tmp_path) == []
