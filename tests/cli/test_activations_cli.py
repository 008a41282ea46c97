"""`dlviz activations` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import activations as A
from tests.util import files_under


def test_the_default_draws_every_activation_and_exports_it(dlviz, tmp_path):
    code, out, err = dlviz("activations", "--data", "a.json")
    assert code == 0, err
    assert "max a′ = 0.25 at z = 0" in out and "max a′ = 1.129 at z = 1.414" in out
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["topic"] == "activations" and list(doc["activations"]) == list(A.NAMES)
    sig = doc["activations"]["sigmoid"]
    x = np.array(doc["x"])
    np.testing.assert_allclose(sig["value"], 1 / (1 + np.exp(-x)), rtol=1e-12)
    assert sig["derivative_max"] == {"value": 0.25, "from": 0.0, "to": 0.0, "open_from": False}
    assert doc["parameters"]["params"]["leaky_slope"] == 0.01
    assert files_under(tmp_path) == ["a.json", "outputs/activations.png"]


def test_the_shallow_view_is_udl_fig_3_3(dlviz, tmp_path):
    code, _, err = dlviz("activations", "--view", "shallow", "--data", "s.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "s.json").read_text())
    x = np.array(doc["x"])
    h = np.maximum(0, [0.3 - x, -1 + 2 * x, -0.5 + 0.65 * x])
    np.testing.assert_allclose(doc["output"], -0.3 + 2 * h[0] - h[1] + 7 * h[2], atol=1e-12)


def test_a_weights_file_and_another_activation(dlviz, tmp_path):
    doc = {"layers": [{"weight": [[1.0], [-2.0]], "bias": [0.0, 1.0]},
                      {"weight": [[1.0, 0.5]], "bias": [0.1]}]}  # fmt: skip
    (tmp_path / "net.json").write_text(json.dumps(doc))
    args = ("--view", "shallow", "--weights", "net.json", "--activation", "tanh")
    code, _, err = dlviz("activations", *args, "--domain", "-1,1", "--data", "n.json")
    assert code == 0, err
    got = json.loads((tmp_path / "n.json").read_text())
    x = np.array(got["x"])
    np.testing.assert_allclose(got["output"], 0.1 + np.tanh(x) + 0.5 * np.tanh(1 - 2 * x),
                               atol=1e-12)  # fmt: skip


def test_the_collapse_exports_the_product(dlviz, tmp_path):
    code, _, err = dlviz("activations", "--view", "collapse", "--seed", "3", "--data", "c.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "c.json").read_text())
    w1, w2 = np.array(doc["W1"]), np.array(doc["W2"])
    np.testing.assert_allclose(doc["W"], w2 @ w1)
    np.testing.assert_allclose(doc["b"], w2 @ doc["b1"] + np.array(doc["b2"]))


def test_a_run_replays_from_its_json(dlviz, tmp_path):
    args = ("activations", "--activation", "elu,maxout", "--elu-alpha", "0.5",
            "--maxout=-1:0,1:0", "--saturation", "0.1")  # fmt: skip
    code, _, err = dlviz(*args, "--data", "a.json", "--out", "a.png")
    assert code == 0, err
    code, _, err = dlviz("activations", "--params", "a.json", "--data", "b.json", "--out", "b.png")
    assert code == 0, err
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    assert a["parameters"] == b["parameters"] and a["activations"] == b["activations"]
    assert a["parameters"]["params"]["maxout"] == [[-1.0, 0.0], [1.0, 0.0]]
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_an_animation(dlviz, tmp_path):
    code, _, err = dlviz("activations", "--view", "shallow", "--format", "gif")
    assert code == 0, err
    assert files_under(tmp_path) == ["outputs/activations_view-shallow.gif"]


BAD = [
    (["--activation", "swish"], "--activation swish"),
    (["--activation", "relu,relu"], "--activation relu,relu"),
    (["--view", "shallow", "--activation", "relu,tanh"], "--activation relu,tanh"),
    (["--domain", "1,-1"], "--domain 1,-1"),
    (["--domain", "1"], "--domain 1"),
    (["--saturation", "0"], "--saturation 0"),
    (["--elu-alpha", "0"], "--elu-alpha 0"),
    (["--leaky-slope", "nan"], "--leaky-slope nan"),
    (["--maxout", "1"], "--maxout 1"),
    (["--maxout=1:x"], "--maxout 1:x"),
    (["--seed", "3"], "--seed 3"),
    (["--weights", "net.json"], "--weights"),
    (["--view", "shallow", "--weights", "missing.json"], "--weights"),
    (["--view", "shallow", "--weights", "deep.json"], "--weights"),
    (["--view", "wide"], "Invalid value for '--view'"),
]


@pytest.mark.parametrize(("args", "starts"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, starts):
    layer = {"weight": [[1.0]], "bias": [0.0]}
    (tmp_path / "net.json").write_text(json.dumps({"layers": [layer, layer]}))
    (tmp_path / "deep.json").write_text(json.dumps({"layers": [layer, layer, layer]}))
    before = files_under(tmp_path)
    code, _, err = dlviz("activations", *args, "--data", "d.json")
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"dlviz: error: {starts}"), err
    assert files_under(tmp_path) == before
