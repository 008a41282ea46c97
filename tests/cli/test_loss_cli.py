"""`dlviz loss` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import loss as L
from tests.util import files_under


def test_the_default_reproduces_notebook_5_1_and_exports_it(dlviz, tmp_path):
    code, out, err = dlviz("loss", "--data", "l.json")
    assert code == 0, err
    assert "11.4524" in out and "2.02099" in out and "0.27" in out
    doc = json.loads((tmp_path / "l.json").read_text())
    assert doc["topic"] == "loss" and doc["parameters"]["task"] == "regression"
    assert f"{doc['likelihood']:.9f}" == "0.000010624"
    assert doc["loss"] == {"name": "least_squares", "value": pytest.approx(2.020992572)}
    assert len(doc["points"]["probability"]) == 20
    np.testing.assert_allclose(np.prod(doc["points"]["probability"]), doc["likelihood"])
    assert doc["sweep"]["best"] == pytest.approx(0.27)
    assert len(doc["sweep"]["nll"]) == 100 and len(doc["sweep"]["sum_of_squares"]) == 100
    assert files_under(tmp_path) == ["l.json", "outputs/loss.png"]


@pytest.mark.parametrize(
    "args, key, value",
    [
        (("--task", "binary"), "nll", 9.563639387),
        (("--task", "multiclass"), "nll", 17.015457867),
    ],
)
def test_the_classifiers_reproduce_notebooks_5_2_and_5_3(dlviz, tmp_path, args, key, value):
    code, _, err = dlviz("loss", *args, "--data", "d.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "d.json").read_text())
    assert doc[key] == pytest.approx(value, abs=5e-10)
    assert doc["loss"]["value"] == pytest.approx(value, abs=5e-10)


def test_information_in_bits(dlviz, tmp_path):
    code, out, err = dlviz("loss", "--task", "information", "--units", "bits", "--data", "i.json")
    assert code == 0, err
    assert "1.75 bits" in out and "0.25 bits" in out
    doc = json.loads((tmp_path / "i.json").read_text())
    assert (doc["entropy"], doc["cross_entropy"], doc["kl_divergence"]) == pytest.approx(
        (1.75, 2.0, 0.25)
    )


def test_a_seeded_run_replays_from_its_json(dlviz, tmp_path):
    args = ("loss", "--model", "poly", "--points", "25", "--seed", "4", "--sweep", "sigma")
    code, _, err = dlviz(*args, "--data", "a.json", "--out", "a.png")
    assert code == 0, err
    code, _, err = dlviz("loss", "--params", "a.json", "--data", "b.json", "--out", "b.png")
    assert code == 0, err
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    assert a == b
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    spec = L.make_spec(model="poly", points=25, seed=4, sweep="sigma")
    assert a["nll"] == pytest.approx(L.run(spec).nll, rel=1e-15)
    # a replayed regression asked for another task starts afresh
    code, _, err = dlviz("loss", "--params", "a.json", "--task", "binary", "--out", "c.png")
    assert code == 0, err


def test_a_weights_file_gives_the_network_and_the_data(dlviz, tmp_path):
    net = {"layers": [{"weight": [[2.0], [-1.0]], "bias": [0.0, 0.5]},
                      {"weight": [[1.0, 1.0], [0.5, -0.5]], "bias": [0.0, 0.1]}],
           "x": [0.1, 0.5, 0.9], "y": [1, 0, 1]}  # fmt: skip
    (tmp_path / "w.json").write_text(json.dumps(net))
    code, _, err = dlviz("loss", "--task", "multiclass", "--weights", "w.json", "--data", "d.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "d.json").read_text())
    h = np.maximum(np.outer(net["x"], [2.0, -1.0]) + [0.0, 0.5], 0)
    logits = h @ np.array([[1.0, 1.0], [0.5, -0.5]]).T + [0.0, 0.1]
    expect = -sum(logits[n, y] - np.log(np.exp(logits[n]).sum()) for n, y in enumerate(net["y"]))
    assert doc["nll"] == pytest.approx(expect, rel=1e-12)


def test_an_animation_and_a_video_plan(dlviz, tmp_path):
    code, _, err = dlviz("loss", "--task", "information", "--format", "gif", "--steps", "5")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/loss_steps-5_task-information.gif"]


BAD = [
    (["--task", "nope"], "Invalid value for '--task'"),
    (["--sigma", "0"], "--sigma 0"),
    (["--sigma", "nan"], "--sigma nan"),
    (["--task", "binary", "--sigma", "0.3"], "--sigma 0.3"),
    (["--temperature", "2"], "--temperature 2"),
    (["--task", "multiclass", "--temperature", "0"], "--temperature 0"),
    (["--task", "multiclass", "--smoothing", "2"], "--smoothing 2"),
    (["--task", "multiclass", "--model", "line"], "--model line"),
    (["--model", "line", "--coef", "1,2,3"], "--coef 1,2,3"),
    (["--coef", "1,x"], "--coef 1,x"),
    (["--heteroscedastic", "--sigma", "0.3"], "--sigma 0.3"),
    (["--heteroscedastic", "--sweep", "sigma"], "--sweep sigma"),
    (["--task", "binary", "--sweep", "sigma"], "--sweep sigma"),
    (["--range", "1,0"], "--range 1,0"),
    (["--range", "1"], "--range 1"),
    (["--steps", "1"], "--steps 1"),
    (["--points", "0"], "--points 0"),
    (["--points", "100000"], "--points 100000"),
    (["--task", "information", "--p", "0.5,0.6"], "--p 0.5,0.6"),
    (["--task", "information", "--p", "0.5,0.5", "--q", "1,0"], "--q 1,0"),
    (["--task", "information", "--sigma", "1"], "--sigma 1"),
    (["--p", "0.5,0.5", "--task", "regression"], "--p 0.5,0.5"),
    (["--weights", "missing.json"], "--weights"),
    (["--weights", "bad.json"], "--weights"),
    (["--weights", "twoin.json"], "--weights"),
    (["--heteroscedastic", "--weights", "zero.json"], "--weights"),
]


@pytest.mark.parametrize(("args", "starts"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, starts):
    (tmp_path / "bad.json").write_text('{"layers": [{"weight": [[NaN]], "bias": [0]}]}')
    (tmp_path / "twoin.json").write_text(
        json.dumps({"layers": [{"weight": [[1, 2]], "bias": [0]}]})
    )
    (tmp_path / "zero.json").write_text(
        json.dumps({"layers": [{"weight": [[1.0], [0.0]], "bias": [0.0, 0.0]}]})
    )
    before = files_under(tmp_path)
    code, _, err = dlviz("loss", *args, "--data", "d.json")
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"dlviz: error: {starts}"), err
    assert files_under(tmp_path) == before
