"""`dlviz backprop` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import backprop as B
from tests.util import files_under


def test_the_default_draws_the_notebooks_chain_and_exports_it(dlviz, tmp_path):
    code, out, err = dlviz("backprop", "--data", "b.json")
    assert code == 0, err
    assert "5.24607" in out and "8 of 8" in out  # ∂ℓ/∂ω0, the check
    doc = json.loads((tmp_path / "b.json").read_text())
    assert doc["topic"] == "backprop" and doc["parameters"]["network"] == "chain"
    assert round(doc["loss"], 3) == 0.139
    assert round(doc["parameters"]["beta"][2], 1) == -3.0
    by_name = {n["name"]: n for n in doc["nodes"]}
    assert round(by_name["h3"]["grad"], 3) == 2.234 and by_name["h3"]["op"] == "cos"
    assert all(c["agrees"] for c in doc["check"])
    assert files_under(tmp_path) == ["b.json", "outputs/backprop.png"]


def test_an_mlp_from_widths_replays_from_its_json(dlviz, tmp_path):
    args = ("backprop", "--widths", "3,4,2", "--batch", "3", "--loss", "cross-entropy")
    code, _, err = dlviz(*args, "--seed", "5", "--data", "a.json", "--out", "a.png")
    assert code == 0, err
    code, _, err = dlviz("backprop", "--params", "a.json", "--data", "b.json", "--out", "b.png")
    assert code == 0, err
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    assert a == b
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    spec = B.make_spec(widths=(3, 4, 2), batch=3, loss="cross-entropy", seed=5)
    direct = B.run(spec).gradients()
    np.testing.assert_allclose(a["gradients"]["W2"], direct["W2"], rtol=1e-15)
    # a replayed MLP asked for the chain's options drops the MLP's
    code, _, err = dlviz("backprop", "--params", "a.json", "--x", "1", "--out", "c.png")
    assert code == 0, err


def test_a_weights_file_fixes_the_network(dlviz, tmp_path):
    layers = [{"weight": [[1, 2], [0.5, -1]], "bias": [0.1, 0.2]},
              {"weight": [[1, -1]], "bias": [0]}]  # fmt: skip
    net = {"layers": layers, "x": [[1], [0.5]], "y": [[2]]}
    (tmp_path / "w.json").write_text(json.dumps(net))
    code, out, err = dlviz("backprop", "--weights", "w.json", "--data", "d.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "d.json").read_text())
    np.testing.assert_allclose(
        doc["gradients"]["W1"], B.run(B.make_spec(given=net)).gradients()["W1"], rtol=1e-15
    )
    assert doc["nodes"][0] == {**doc["nodes"][0], "name": "a0", "value": [[1.0], [0.5]]}


BAD = [
    (["--widths", "2,0,2"], "--widths 0: must be a whole number from 1"),
    (["--widths", "2,x"], "--widths 2,x"),
    (["--widths", "2,3,1", "--loss", "cross-entropy"], "--widths 2,3,1"),
    (["--beta", "1,2,3"], "--beta 1,2,3"),
    (["--beta", "nan,1,2,3"], "--beta nan,1,2,3"),
    (["--omega", "1,1,1,9"], "--omega"),
    (["--x", "nan"], "--x nan"),
    (["--batch", "0"], "--batch 0"),
    (["--widths", "2,3,2", "--beta", "1,1,1,1"], "--beta"),
    (["--network", "chain", "--widths", "2,2"], "--widths"),
    (["--network", "chain", "--view", "layers"], "--view"),
    (["--view", "boxes"], "Invalid value for '--view'"),
    (["--seed", "1", "--x", "1"], "--x"),
    (["--weights", "missing.json"], "--weights"),
    (["--weights", "bad.json"], "--weights"),
    (["--weights", "nochain.json"], "--weights"),
    (["--widths", "64,64,64,64,64,64,64,64,64", "--batch", "256"], "--batch 256"),
    (["--widths", "2,16,2", "--format", "gif"], "--widths 2,16,2"),
]


@pytest.mark.parametrize(("args", "starts"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_nothing_written(dlviz, tmp_path, args, starts):
    (tmp_path / "bad.json").write_text('{"layers": [{"weight": [[NaN]], "bias": [0]}]}')
    (tmp_path / "nochain.json").write_text(
        json.dumps(
            {"layers": [{"weight": [[1, 2]], "bias": [0]}, {"weight": [[1, 2]], "bias": [0]}]}
        )
    )
    before = files_under(tmp_path)
    code, _, err = dlviz("backprop", *args, "--data", "d.json")
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"dlviz: error: {starts}"), err
    assert files_under(tmp_path) == before
