"""Each bad value is blamed on the option that holds it.

A spec refuses a value with the name of its parameter; the command maps the
name to its option. No message is matched against another's text, so a
refusal deep in a computation still names the option the user typed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.util import files_under

FILES = {
    "q.json": [[1.0, 0.0], [0.0, 1.0]],
    "k3.json": [[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]],
    "v1.json": [[1.0, 2.0]],
    "inf-model.json": '{"vocab": ["A", "<eos>"], "eos": "<eos>", '
    '"next": {"": {"A": Infinity, "<eos>": 0.5}}}',
    "net3.json": {"layers": [{"weight": [[1, 2, 3]], "bias": [0]}]},
    "in.json": [[-3, -1, -4], [-5, -9, -2], [-5, -3, -5]],
    "q4.json": [[1, 2, 3, 4], [1, 2, 3, 4]],
    "v2x3.json": [[1, 2, 3], [1, 2, 3]],
    "obj.json": {"a": 1},
    "big.json": [[1e308, 1], [1, 1]],
    "deep.json": "[" * 5000 + "]" * 5000,
    "latin.json": "[[1, 2]] \udce9",
}

# (this table keeps its alignment: fmt: skip)
# (command line, the option the one-line message must name first)
CASES = [
    # optimizers
    (["optimizers", "--lr", "adadelta=0.1"], "--lr"),
    (["optimizers", "--lr", "-1"], "--lr"),
    (["optimizers", "--momentum", "1.5"], "--momentum"),
    (["optimizers", "--convention", "pytorch", "--optimizer", "nesterov", "--dampening", "0.5"],
     "--dampening"),
    (["optimizers", "--convention", "pytorch", "--optimizer", "nesterov", "--momentum", "0"],
     "--momentum"),
    (["optimizers", "--centered"], "--centered"),
    (["optimizers", "--landscape", "beale", "--batch-size", "2"], "--batch-size"),
    (["optimizers", "--noise", "1"], "--noise"),
    (["optimizers", "--optimizer", ""], "--optimizer"),
    (["optimizers", "--optimizer", "nesterov", "--convention", "d2l"], "--optimizer"),
    (["optimizers", "--steps", "0"], "--steps"),
    (["optimizers", "--tol", "0"], "--tol"),
    (["optimizers", "--basins", "1", "--optimizer", "adam"], "--basins"),
    (["optimizers", "--seed", "-1"], "--seed"),
    (["optimizers", "--optimizer", ","], "--optimizer"),
    (["conv", "--seed", "-1"], "--seed"),
    (["conv", "--stride", "99999999999999999999"], "--stride"),
    (["residual", "--seed", "-1"], "--seed"),
    (["residual", "--variant", ""], "--variant"),
    (["attention", "--seed", "-1"], "--seed"),
    (["relu", "--seed", "-1"], "--seed"),  # not blamed on --init he
    (["optimizers", "--seeds", "0"], "--seeds"),
    (["optimizers", "--optimizer", "sgd", "--basins", "5", "--seeds", "3"], "--seeds"),
    (["optimizers", "--x-range", "3,1"], "--x-range"),
    (["optimizers", "--x-range", "-1e308,1e308"], "--x-range"),
    (["optimizers", "--start", "1e300,0"], "--start"),
    (["optimizers", "--resolution", "1"], "--resolution"),
    (["optimizers", "--coeffs", "1,2"], "--coeffs"),
    # landscape
    (["landscape", "rosenbrock", "--ridge", "1"], "--ridge"),
    (["landscape", "saddle", "--log-scale"], "--log-scale"),
    (["landscape", "gabor", "--y-range", "5,5"], "--y-range"),
    # conv
    (["conv", "--kernel", "gaussian:3:inf"], "--kernel"),
    (["conv", "--kernel", "gaussian:99999:1"], "--kernel"),  # 74.5 GiB, never built
    (["conv", "--kernel", "box:99999"], "--kernel"),
    (["conv", "--input", "64x64", "--padding", "20000"], "--padding"),  # 12 GB padded
    (["conv", "--input", "2048x2048", "--in-channels", "64", "--out-channels", "64"], "--input"),
    (["conv", "--in-channels", "64", "--out-channels", "64", "--kernel", "2048x2048"], "--kernel"),
    (["conv", "--dilation", "999999999"], "--dilation"),
    (["conv", "--dilation", "4"], "--dilation"),
    (["conv", "--kernel", "9x9"], "--kernel"),
    (["conv", "--stride", "0"], "--stride"),
    (["conv", "--padding", "same", "--stride", "2"], "--padding"),
    (["conv", "--padding-mode", "reflect", "--padding", "7"], "--padding-mode"),
    (["conv", "--transposed", "--stride", "2", "--output-padding", "2"], "--output-padding"),
    (["conv", "--pool", "max", "--kernel", "2x2", "--padding", "2"], "--padding"),
    (["conv", "--in-channels", "65"], "--in-channels"),
    (["conv", "--kernel", "sobel-z"], "--kernel"),
    # options that would change nothing are refused, not ignored
    (["conv", "--input", "6x6", "--ceil-mode", "--stride", "2"], "--ceil-mode"),
    (["conv", "--input", "4x4", "--output-padding", "1"], "--output-padding"),
    (["conv", "--pool", "max", "--padding-mode", "reflect", "--padding", "1"], "--padding-mode"),
    (["conv", "--pool", "max", "--bias"], "--bias"),
    (["conv", "--exclude-pad"], "--exclude-pad"),
    (["relu", "--input-dim", "1", "--view", "surface"], "--view"),
    (["relu", "--sweep", "depth", "--view", "surface"], "--view"),
    (["relu", "--view", "folding"], "--view"),
    (["beam", "--order", "5"], "--order"),
    (["beam", "--renormalize"], "--renormalize"),
    (["relu", "--input-dim", "1", "--widths", "3,3,3", "--view", "folding"], "--view"),
    (["conv", "--pool", "max", "--exclude-pad"], "--exclude-pad"),
    (["conv", "--input", "in.json", "--in-channels", "3"], "--in-channels"),
    (["conv", "--input", "4x4", "--transposed", "--padding", "same"], "--padding"),
    (["conv", "--at", "9,9"], "--at"),
    (["conv", "--step", "99"], "--step"),
    (["conv", "--stack", "k3s1", "--input", "1"], "--input"),
    # relu
    (["relu", "--widths", "0,3"], "--widths"),
    (["relu", "--init", "normal:-1"], "--init"),
    (["relu", "--init", "normal:nan"], "--init"),
    (["relu", "--widths", "2048"], "--widths"),  # about 2.1 M regions: refused before cutting
    (["relu", "--domain", "-1e308,1e308"], "--domain"),  # its span overflows
    (["relu", "--widths", "1024,1024"], "--widths"),
    (["relu", "--domain", "2,1"], "--domain"),
    (["relu", "--input-dim", "3"], "--input-dim"),
    (["relu", "--weights", "net3.json"], "--weights"),
    (["relu", "--sweep", "depth", "--budget", "5"], "--budget"),
    # residual
    (["residual", "--variant", "dense"], "--variant"),
    (["residual", "--init", "normal:0"], "--init"),
    (["residual", "--init", "normal:inf"], "--init"),  # finite in, finite out
    (["residual", "--width", "4096", "--batch", "20000"], "--width"),  # about 7 h of products
    (["residual", "--init", "normal:1e200"], "--init"),  # overflows in the first blocks
    (["residual", "--depth", "0"], "--depth"),
    (["residual", "--engine", "manim", "--depth", "60"], "--depth"),  # 60 blocks to film
    (["relu", "--engine", "manim", "--widths", "100,100"], "--widths"),  # 200 cuts to film
    (["relu", "--format", "gif", "--input-dim", "1", "--widths", "500,500"], "--widths"),
    (["beam", "--engine", "manim", "--beam-size", "16", "--max-length", "12"], "--max-length"),
    (["optimizers", "--optimizer", "all", "--steps", "100000"], "--steps"),  # 70 s of steps
    (["optimizers", "--optimizer", "adam", "--basins", "500", "--steps", "2000"], "--basins"),
    (["residual", "--batch", "1"], "--batch"),
    # attention
    (["attention", "--kind", "dot", "--queries", "q.json", "--keys", "k3.json"], "--keys"),
    (["attention", "--queries", "q.json", "--keys", "q.json", "--values", "v1.json"],
     "--values"),
    (["attention", "--kind", "multihead", "--heads", "3"], "--heads"),
    (["attention", "--kind", "multihead", "--heads", "2", "--queries", "q4.json", "--keys",
      "q4.json", "--values", "v2x3.json"], "--heads"),
    (["attention", "--queries", "obj.json", "--keys", "q.json"], "--queries"),
    (["attention", "--queries", "big.json", "--keys", "big.json"], "--queries"),
    (["attention", "--mask-padding", "6"], "--mask-padding"),
    (["attention", "--query-tokens", "a b", "--causal"], "--causal"),
    (["attention", "--dim", "0"], "--dim"),
    # beam
    (["beam", "--model", "inf-model.json"], "--model"),
    (["beam", "--prompt", "Z"], "--prompt"),
    (["beam", "--beam-size", "0"], "--beam-size"),
    (["beam", "--max-length", "33"], "--max-length"),
    (["beam", "--length-penalty", "11"], "--length-penalty"),
    (["beam", "--early-stopping", "true"], "--early-stopping"),
    (["beam", "--corpus", "builtin", "--order", "9"], "--order"),
    (["beam", "--corpus", "builtin", "--smoothing", "-1"], "--smoothing"),
    (["beam", "--collapse", "sometimes"], "--collapse"),
    # found by the fuzz test (tests/test_fuzz.py)
    (["beam", "--seed", "0"], "--seed"),  # beam search draws no random numbers
    (["relu", "--budget", "0"], "--budget"),  # a --sweep option without --sweep
    (["relu", "--seeds", "3"], "--seeds"),
    (["attention", "--values", "9" * 300], "--values"),  # a file name too long
    (["relu", "--weights", "deep.json"], "--weights"),  # nested past Python's recursion
    (["conv", "--input", "latin.json"], "--input"),  # not UTF-8
    (["beam", "--corpus", "latin.json", "--order", "2"], "--corpus"),
    (["attention", "--data", "9" * 300 + ".json"], "--data"),  # no file system takes the name
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "option"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_the_message_names_the_option_that_holds_the_bad_value(dlviz, tmp_path, args, option):
    for name, content in FILES.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    code, _, err = dlviz(*args, "--out", "out.png")
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith((f"dlviz: error: {option} ", f"dlviz: error: {option}: ")), err
    assert sorted(files_under(tmp_path)) == sorted(FILES)  # nothing written


def test_no_limit_goes_on_past_the_estimate(dlviz, monkeypatch):
    """Past the limit: one line with the estimate, the limit, a cheaper
    request and --no-limit; with --no-limit the run goes on."""
    from dlviz.compute import relu as R

    monkeypatch.setattr(R, "MAX_REGIONS", 20)
    code, _, err = dlviz("relu", "--widths", "6,6")
    assert code == 2
    assert err.count("\n") == 1 and "--widths 6,6: about 85 regions" in err  # 1 + 12 + 12²/2
    assert "try --widths" in err and "--no-limit" in err
    assert not files_under(Path("."))
    code, out, _ = dlviz("relu", "--widths", "6,6", "--no-limit")
    assert code == 0 and files_under(Path("."))


def test_bare_dlviz_prints_the_help_and_nothing_is_wrong(capsys):
    from dlviz.cli import main

    assert main([]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Usage: dlviz") and "relu" in out
    assert err == ""


def test_gallery_under_a_file_is_bad_input(dlviz):
    Path("afile").write_text("")
    code, _, err = dlviz("gallery", "--out", "afile/g", "--topics", "conv")
    assert code == 2 and err.startswith("dlviz: error: --out afile/g")
    assert files_under(Path(".")) == ["afile"]


def test_a_failed_export_takes_the_runs_figure_with_it(dlviz, monkeypatch):
    """All or nothing: the JSON fails after the figure is written; neither stays."""
    from dlviz import output

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "write_json", broken)
    code, _, _ = dlviz("conv", "--data", "x.json")
    assert code == 1
    assert not files_under(Path("."))


def test_a_missing_ffmpeg_is_found_before_any_work(dlviz, monkeypatch):
    import shutil

    from dlviz.compute import residual as V

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda t: None if t == "ffmpeg" else real(t))

    def never(*args, **kwargs):
        raise AssertionError("computed before the tool check")

    monkeypatch.setattr(V, "run", never)
    code, _, err = dlviz("residual", "--format", "mp4")
    assert code == 1
    assert err.strip().splitlines() == [
        "dlviz: error: ffmpeg is needed for mp4 output but was not found; "
        "install it with: sudo apt-get install ffmpeg"
    ]
    assert not files_under(Path("."))


def test_a_gallery_of_videos_finds_a_missing_ffmpeg_before_any_work(dlviz, monkeypatch):
    """Each video's contact sheet needs ffmpeg and ffprobe: checked first."""
    import shutil

    from dlviz import gallery as G

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda t: None if t == "ffprobe" else real(t))

    def never(*args, **kwargs):
        raise AssertionError("rendered before the tool check")

    monkeypatch.setattr(G, "render", never)
    code, _, err = dlviz("gallery", "--videos", "--topics", "beam", "--out", "g")
    assert code == 1 and err.count("\n") == 1 and "ffprobe is needed" in err, err
    assert not files_under(Path("."))


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["relu", "--widths", "100,100", "--out", "v.gif"], "--widths"),
        (["residual", "--depth", "60", "--out", "v.mp4"], "--depth"),
    ],
)
def test_a_video_asked_for_by_the_out_suffix_is_limited_as_a_video(dlviz, args, option):
    """--out v.gif films as --format gif does: the same limits, before any work."""
    code, _, err = dlviz(*args)
    assert code == 2 and err.startswith(f"dlviz: error: {option} ") and "to film" in err, err
    assert not files_under(Path("."))
