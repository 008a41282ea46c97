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
