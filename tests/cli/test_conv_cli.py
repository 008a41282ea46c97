"""`dlviz conv` end to end: files, JSON, examples, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.util import files_under


def test_default_run(dlviz, tmp_path):
    code, out, err = dlviz("conv")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/conv.png"]
    assert "7×7" in out and "5×5" in out


def test_ng_edge_example_json(dlviz, tmp_path):
    code, _, err = dlviz("conv", "--example", "ng-edge", "--data", "ng.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "ng.json").read_text())
    assert doc["output"][0] == [-5, -4, 0, 8]
    assert doc["output_shape"] == [4, 4]
    assert doc["kernel"] == [[1, 0, -1]] * 3
    # the first window reads rows 0..2, columns 0..2 of the input
    assert doc["windows"][0][0] == [[r, c] for r in range(3) for c in range(3)]


def test_json_windows_mark_padding_outside_the_input(dlviz, tmp_path):
    code, _, _ = dlviz(
        "conv",
        "--input",
        "4x5",
        "--kernel",
        "3x3",
        "--padding",
        "1",
        "--stride",
        "2",
        "--data",
        "p.json",
    )
    assert code == 0
    doc = json.loads((tmp_path / "p.json").read_text())
    x, k = np.array(doc["input"]), np.array(doc["kernel"])
    assert np.array(doc["output"]).shape == (2, 3) == tuple(doc["output_shape"])
    assert doc["windows"][0][0][0] == [-1, -1]
    # every output from its windows, by hand: padding reads zero
    for r, row in enumerate(doc["windows"]):
        for c, taps in enumerate(row):
            total = sum(
                k.ravel()[t] * (x[i, j] if 0 <= i < 4 and 0 <= j < 5 else 0)
                for t, (i, j) in enumerate(taps)
            )
            assert doc["output"][r][c] == pytest.approx(total)


def test_one_dimensional_json(dlviz, tmp_path):
    assert (
        dlviz(
            "conv",
            "--input",
            "9",
            "--kernel",
            "3",
            "--dilation",
            "2",
            "--padding",
            "2",
            "--data",
            "d.json",
        )[0]
        == 0
    )
    doc = json.loads((tmp_path / "d.json").read_text())
    assert len(doc["input"]) == 9 and len(doc["output"]) == 9 and doc["output_shape"] == [9]
    assert doc["windows"][0] == [-2, 0, 2]


def test_files_as_input_and_kernel(dlviz, tmp_path):
    (tmp_path / "x.csv").write_text("1,2,3\n4,5,6\n7,8,9\n")
    (tmp_path / "k.json").write_text("[[1, 0], [0, -1]]")
    assert dlviz("conv", "--input", "x.csv", "--kernel", "k.json", "--data", "f.json")[0] == 0
    doc = json.loads((tmp_path / "f.json").read_text())
    assert doc["output"] == [[1 - 5, 2 - 6], [4 - 8, 5 - 9]]


def test_pooling_and_transposed(dlviz, tmp_path):
    assert (
        dlviz(
            "conv",
            "--input",
            "4x4",
            "--pool",
            "avg",
            "--kernel",
            "2x2",
            "--stride",
            "2",
            "--data",
            "a.json",
        )[0]
        == 0
    )
    doc = json.loads((tmp_path / "a.json").read_text())
    x = np.array(doc["input"])
    assert doc["output"][0][0] == pytest.approx(x[:2, :2].mean())
    assert (
        dlviz("conv", "--input", "2x2", "--transposed", "--stride", "2", "--data", "t.json")[0] == 0
    )
    assert json.loads((tmp_path / "t.json").read_text())["output_shape"] == [5, 5]


def test_stack_receptive_field(dlviz, tmp_path):
    code, out, _ = dlviz("conv", "--stack", "k3s1,k3s2,k3d2", "--input", "32", "--data", "s.json")
    assert code == 0
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["sizes"] == [1, 3, 5, 13] and doc["lengths"] == [32, 30, 14, 10]


def test_animation(dlviz, tmp_path):
    assert dlviz("conv", "--input", "5x5", "-f", "gif", "-q", "low", "--out", "c.gif")[0] == 0
    assert (tmp_path / "c.gif").read_bytes()[:6] == b"GIF89a"


def test_same_command_same_bytes(dlviz, tmp_path):
    args = (
        "conv",
        "--input",
        "6x6",
        "--stride",
        "2",
        "--padding",
        "1",
        "--out",
        "s.svg",
        "--data",
        "s.json",
    )
    assert dlviz(*args)[0] == 0
    first = [(tmp_path / f).read_bytes() for f in ("s.svg", "s.json")]
    assert dlviz(*args)[0] == 0
    assert [(tmp_path / f).read_bytes() for f in ("s.svg", "s.json")] == first


BAD = [
    (["--input", "7by7"], "--input 7by7"),
    (["--input", "0x3"], "--input 0x3"),
    (["--input", "nofile.json"], "no such file"),
    (["--kernel", "emboss"], "--kernel emboss"),
    (["--kernel", "9x9"], "larger than the padded input"),
    (["--kernel", "3"], "the input is 2-D"),
    (["--stride", "0"], "--stride 0"),
    (["--stride", "a"], "--stride a"),
    (["--padding", "same", "--stride", "2"], "needs stride 1"),
    (["--padding", "-1"], "--padding -1"),
    (["--input", "3x3", "--padding", "3", "--padding-mode", "reflect"], "reflect padding"),
    (["--input", "3x3", "--padding", "4", "--padding-mode", "circular"], "circular padding"),
    (["--padding-mode", "mirror"], "'mirror' is not one of"),
    (["--pool", "max", "--kernel", "2x2", "--padding", "2"], "half the window"),
    (["--transposed", "--stride", "2", "--output-padding", "2"], "output padding"),
    (["--transposed", "--padding-mode", "reflect"], "zeros only"),
    (["--input", "30x30", "-f", "gif"], "animates up to"),
    (["--at", "9,9"], "--at 9,9"),
    (["--step", "25"], "--step 25"),
    (["--stack", "k3x2"], "--stack k3x2"),
    (["--stack", "k3", "--input", "1"], "too short"),
    (["--in-channels", "2", "--kernel", "sobel-x"], "one-channel"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, message):
    code, out, err = dlviz("conv", *args)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("dlviz: error: ") and message in err, err
    assert files_under(tmp_path) == []
