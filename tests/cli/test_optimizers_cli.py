"""`dlviz optimizers` end to end: files, JSON, summaries, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import optimizers as O
from dlviz.compute.landscape import make_landscape
from tests.util import files_under


def test_default_run_races_four_rules_and_all_races_every_one(dlviz, tmp_path):
    code, out, err = dlviz("optimizers", "--landscape", "gabor")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/optimizers_gabor.png"]
    assert [n for n in O.NAMES if f" {n} " in out] == ["gd", "sgd", "momentum", "adam"]
    assert "written: outputs/optimizers_gabor.png" in out
    code, out, err = dlviz("optimizers", "--optimizer", "all", "--out", "all.png")
    assert code == 0, err
    assert [n for n in O.NAMES if f" {n} " in out] == list(O.NAMES)


def test_json_trajectories_match_a_direct_run(dlviz, tmp_path):
    code, _, err = dlviz(
        "optimizers",
        "--landscape",
        "quadratic",
        "--convention",
        "d2l",
        "--optimizer",
        "momentum,adam",
        "--start",
        "-5,-2",
        "--start",
        "4,1",
        "--steps",
        "20",
        "--lr",
        "0.4",
        "--lr",
        "momentum=0.6",
        "--momentum",
        "0.5",
        "--data",
        "q.json",
        "--out",
        "q.svg",
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "q.json").read_text())
    assert doc["topic"] == "optimizers" and doc["parameters"]["convention"] == "d2l"
    trajectories = doc["trajectories"]
    assert [(t["optimizer"], t["start"]) for t in trajectories] == [
        ("momentum", [-5, -2]),
        ("momentum", [4, 1]),
        ("adam", [-5, -2]),
        ("adam", [4, 1]),
    ]
    first = trajectories[0]
    assert first["hyperparameters"] == {"lr": 0.6, "momentum": 0.5}
    assert len(first["params"]) == 21 and first["params"][0] == [-5, -2]
    # d2l's published momentum result (η = 0.6, γ = 0.5, 20 steps)
    assert first["params"][-1] == pytest.approx([0.007188, 0.002553], abs=5e-7)
    assert trajectories[2]["hyperparameters"]["lr"] == 0.4
    assert first["loss"][-1] == pytest.approx(0.1 * 0.007188**2 + 2 * 0.002553**2, rel=1e-3)
    assert first["diverged"] is False


def test_divergence_is_drawn_up_to_where_it_happened(dlviz, tmp_path):
    code, out, err = dlviz(
        "optimizers",
        "--landscape",
        "quadratic",
        "--optimizer",
        "gd,adam",
        "--lr",
        "gd=1.2",
        "--steps",
        "40",
        "--data",
        "d.json",
    )
    assert code == 0
    assert err.count("warning") == 1 and "gd from (-5, -2) diverged at step" in err
    doc = json.loads((tmp_path / "d.json").read_text())
    gd = doc["trajectories"][0]
    # gd multiplies y by (1 − 2·2·1.2) = −3.8 per step; the box is 10× the view (|y| ≤ 30)
    at = gd["diverged_at"]
    assert gd["diverged"] and 2.0 * 3.8 ** (at - 1) <= 30 < 2.0 * 3.8**at
    assert len(gd["params"]) == at and np.all(np.isfinite(gd["params"]))
    assert "at step" in out


def test_basins_run_one_optimizer_from_a_grid(dlviz, tmp_path):
    code, out, err = dlviz(
        "optimizers",
        "--landscape",
        "himmelblau",
        "--optimizer",
        "adam",
        "--basins",
        "12",
        "--steps",
        "150",
        "--lr",
        "0.1",
        "--data",
        "b.json",
    )
    assert code == 0, err
    b = json.loads((tmp_path / "b.json").read_text())["basins"]
    assert np.array(b["final_loss"]).shape == (12, 12)
    reached = np.array(b["reached"])
    assert set(np.unique(reached)) <= {-1, 0, 1, 2, 3}
    # each start's own run, separately, ends where the basin map says
    land = make_landscape("himmelblau")
    start = (b["x"][3], b["y"][7])
    run = O.run_optimizer(
        land, O.get_rule("adam", "udl"), [start], steps=150, hyperparameters={"lr": 0.1}
    )
    np.testing.assert_allclose(b["final"][7][3], run.params[-1, 0], rtol=1e-12)


def test_animation_and_formats(dlviz, tmp_path):
    assert (
        dlviz(
            "optimizers",
            "--landscape",
            "saddle",
            "--optimizer",
            "gd",
            "--steps",
            "10",
            "-f",
            "gif",
            "-q",
            "low",
            "--out",
            "s.gif",
        )[0]
        == 0
    )
    assert (tmp_path / "s.gif").read_bytes()[:6] == b"GIF89a"


def test_same_command_same_bytes(dlviz, tmp_path):
    args = (
        "optimizers",
        "--landscape",
        "linear",
        "--steps",
        "30",
        "--out",
        "l.png",
        "--data",
        "l.json",
    )
    assert dlviz(*args)[0] == 0
    first = [(tmp_path / f).read_bytes() for f in ("l.png", "l.json")]
    assert dlviz(*args)[0] == 0
    assert [(tmp_path / f).read_bytes() for f in ("l.png", "l.json")] == first


def test_sgd_minibatches_are_seeded(dlviz, tmp_path):
    run = ("optimizers", "--landscape", "gabor", "--optimizer", "sgd", "--steps", "20")
    dlviz(*run, "--seed", "1", "--data", "a.json", "--out", "a.png")
    dlviz(*run, "--seed", "1", "--data", "b.json", "--out", "b.png")
    dlviz(*run, "--seed", "2", "--data", "c.json", "--out", "c.png")
    params = [
        json.loads((tmp_path / f"{k}.json").read_text())["trajectories"][0]["params"] for k in "abc"
    ]
    assert params[0] == params[1] and params[0] != params[2]


BAD = [
    (["--optimizer", "lion"], "--optimizer lion"),
    (["--convention", "keras"], "'keras' is not one of"),
    (["--convention", "pytorch", "--optimizer", "normalized"], "pytorch convention does not"),
    (["--lr", "0"], "--lr 0"),
    (["--lr", "-1"], "--lr -1"),
    (["--lr", "adam=x"], "--lr adam=x"),
    (["--optimizer", "gd", "--lr", "adam=0.1"], "adam is not among"),
    (["--optimizer", "adadelta", "--lr", "adadelta=0.1"], "has no learning rate"),
    (["--steps", "0"], "--steps 0"),
    (["--steps", "1000001"], "--steps 1000001"),
    (["--start", "1"], "--start 1"),
    (["--start", "a,b"], "--start a,b"),
    (["--batch-size", "31"], "--batch-size 31"),
    (["--landscape", "beale", "--batch-size", "2"], "--batch-size 2"),
    (["--noise", "1"], "--noise 1.0"),
    (["--momentum", "1.5"], "--momentum 1.5"),
    (["--eps", "0"], "--eps 0.0"),
    (["--optimizer", "gd", "--beta1", "0.5"], "no optimizer drawn uses it"),
    (["--basins", "10"], "runs one optimizer"),
    (["--optimizer", "adam", "--basins", "1"], "--basins 1"),
    (["--optimizer", "adam", "--basins", "5", "-f", "gif"], "draws a figure"),
    (["--landscape", "saddle", "--log-scale"], "--log-scale saddle"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, message):
    code, out, err = dlviz("optimizers", *args)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("dlviz: error: ") and message in err, err
    assert files_under(tmp_path) == []


def test_help_has_examples(dlviz):
    code, out, _ = dlviz("optimizers", "--help")
    assert code == 0 and "dlviz optimizers --landscape himmelblau --optimizer adam --basins" in out


def test_a_start_outside_the_view_grows_the_view_and_does_not_diverge(dlviz, tmp_path):
    code, _, err = dlviz(
        "optimizers",
        "--optimizer",
        "gd,adam",
        "--start",
        "100,100",
        "--steps",
        "20",
        "--data",
        "s.json",
    )
    assert code == 0 and "diverged" not in err, err
    doc = json.loads((tmp_path / "s.json").read_text())
    x0, x1 = doc["parameters"]["landscape"]["x_range"]
    y0, y1 = doc["parameters"]["landscape"]["y_range"]
    assert x0 <= 100 <= x1 and y0 <= 100 <= y1
    assert not any(t["diverged"] for t in doc["trajectories"])
    assert doc["view"]["x"][1] >= 100 and doc["view"]["y"][1] >= 100
