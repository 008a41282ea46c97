"""`dlviz relu` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import relu as R
from tests.util import files_under


def test_default_2d_run_and_json(dlviz, tmp_path):
    code, out, err = dlviz("relu", "--data", "r.json")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/relu_2d.png", "r.json"]
    doc = json.loads((tmp_path / "r.json").read_text())
    net = R.random_network(2, [16, 16], seed=0)
    assert doc["num_regions"] == R.regions_2d(net, (-2, 2, -2, 2)).num_regions
    assert doc["num_parameters"] == net.num_parameters == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    region = doc["regions"][0]
    assert set(region) == {"vertices", "pattern", "affine"} and len(region["pattern"]) == 32
    # the region's affine map is the network at its vertices' centre
    centre = np.mean(region["vertices"], axis=0)
    a, b, c = region["affine"]
    assert net.forward(centre[None])[0] == pytest.approx(a * centre[0] + b * centre[1] + c)


def test_given_weights_reproduce_a_textbook_network(dlviz, tmp_path):
    # |x| on [-1, 1]: relu(x) + relu(-x), two pieces meeting at 0
    (tmp_path / "abs.json").write_text(
        json.dumps(
            {
                "layers": [
                    {"weight": [[1.0], [-1.0]], "bias": [0.0, 0.0]},
                    {"weight": [[1.0, 1.0]], "bias": [0.0]},
                ]
            }
        )
    )
    code, _, err = dlviz("relu", "--weights", "abs.json", "--domain", "-1,1", "--data", "a.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["num_regions"] == 2
    assert [r["slope"] for r in doc["regions"]] == [-1.0, 1.0]
    assert doc["regions"][0]["interval"] == [-1.0, 0.0]


def test_sweep(dlviz, tmp_path):
    code, out, _ = dlviz(
        "relu",
        "--input-dim",
        "1",
        "--sweep",
        "depth",
        "--budget",
        "100",
        "--seeds",
        "2",
        "--data",
        "s.json",
    )
    assert code == 0
    doc = json.loads((tmp_path / "s.json").read_text())
    assert all(abs(p - 100) <= 5 for p in doc["num_parameters"])  # the budget, held
    assert doc["parameters"]["budget"] == 100 and doc["parameters"]["kind"] == "depth"
    for d, w, counts in zip(doc["depths"], doc["widths"], doc["counts"], strict=True):
        assert max(counts) <= (w + 1) ** d


BAD = [
    (["--input-dim", "3"], "--input-dim 3"),
    (["--widths", "8,x"], "--widths 8,x"),
    (["--widths", "0"], "--widths 0"),
    (["--init", "glorot"], "--init glorot"),
    (["--domain", "2,1"], "--domain 2,1"),
    (["--weights", "none.json"], "no such file"),
    (["--sweep", "depth", "--format", "gif"], "draws a figure"),
    (["--sweep", "depth", "--budget", "5"], "--budget 5"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input(dlviz, tmp_path, args, message):
    code, _, err = dlviz("relu", *args)
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err
    assert files_under(tmp_path) == []


def test_a_sweep_is_named_once_by_its_kind(dlviz):
    from pathlib import Path

    code, _, _ = dlviz("relu", "--input-dim", "1", "--sweep", "width")
    assert code == 0
    assert [p.name for p in Path("outputs").iterdir()] == ["relu_sweep-width_input-dim-1.png"]


def test_fit_writes_the_figure_and_the_network(dlviz, tmp_path):
    code, out, err = dlviz("relu", "--fit", "sin", "--widths", "6", "--data", "f.json")
    assert code == 0, err
    assert "3D + 1 = 3·6 + 1 = 19" in out
    doc = json.loads((tmp_path / "f.json").read_text())
    assert doc["parameters"]["target"] == "sin" and doc["parameters"]["units"] == 6
    knots = np.array(doc["knots"])
    np.testing.assert_allclose(doc["values"], np.sin(knots), atol=1e-15)
    assert doc["num_regions"] == 7 and doc["num_parameters"] == 19
    assert doc["max_error"] <= doc["bound"]["value"]
    assert files_under(tmp_path) == ["f.json", "outputs/relu_fit_fit-sin_widths-6.png"]


@pytest.mark.parametrize("name", ["s.csv", "s.json"])
def test_fit_a_sample_file_and_replay_it(dlviz, tmp_path, name):
    if name.endswith(".csv"):
        (tmp_path / name).write_text("x,y\n0,0\n1,2\n3,1\n4,5\n")
    else:
        (tmp_path / name).write_text(json.dumps({"x": [0, 1, 3, 4], "y": [0, 2, 1, 5]}))
    code, _, err = dlviz(
        "relu", "--fit", name, "--widths", "4", "--data", "a.json", "--out", "a.png"
    )
    assert code == 0, err
    code, _, err = dlviz("relu", "--params", "a.json", "--data", "b.json", "--out", "b.png")
    assert code == 0, err
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    assert a["parameters"]["samples"] == [[0, 1, 3, 4], [0, 2, 1, 5]]
    assert a == b
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


FIT_BAD = [
    (["--fit", "cos"], "--fit cos"),
    (["--fit", "sin", "--widths", "4,4"], "--widths 4,4"),
    (["--fit", "sin", "--widths", "0"], "--widths 0"),
    (["--fit", "sin", "--input-dim", "2"], "--input-dim 2"),
    (["--fit", "sin", "--seed", "2"], "--seed 2"),
    (["--fit", "sin", "--domain", "1,0"], "--domain 1,0"),
    (["--fit", "bad.csv"], "--fit bad.csv"),
    (["--fit", "sin", "--widths", "100", "--format", "gif"], "--widths 100"),
]


@pytest.mark.parametrize(("args", "starts"), FIT_BAD, ids=[" ".join(a) for a, _ in FIT_BAD])
def test_fit_bad_input_is_one_line_exit_2(dlviz, tmp_path, args, starts):
    (tmp_path / "bad.csv").write_text("x,y\n0,1\n1,2,3\n")
    before = files_under(tmp_path)
    code, _, err = dlviz("relu", *args, "--data", "d.json")
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"dlviz: error: {starts}"), err
    assert files_under(tmp_path) == before


def test_another_activation_draws_the_same_network_as_udl_fig_3_3(dlviz, tmp_path):
    args = ("relu", "--input-dim", "1", "--widths", "4", "--seed", "3", "--activation", "tanh")
    code, _, err = dlviz(*args, "--data", "a.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["topic"] == "activations" and doc["parameters"]["activations"] == ["tanh"]
    net = R.random_network(1, (4,), seed=3)
    x = np.array(doc["x"])
    want = np.tanh(x[:, None] @ net.weights[0].T + net.biases[0]) @ net.weights[1][0]
    np.testing.assert_allclose(doc["output"], want + net.biases[1][0], atol=1e-12)


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["--activation", "swish"], "--activation swish"),
        (["--input-dim", "1", "--widths", "3,3", "--activation", "tanh"], "--activation tanh"),
        (["--activation", "tanh", "--sweep", "depth"], "--sweep depth"),
    ],
)
def test_activation_bad_input(dlviz, tmp_path, args, starts):
    code, _, err = dlviz("relu", *args)
    assert code == 2 and err.startswith(f"dlviz: error: {starts}"), err
    assert files_under(tmp_path) == []
