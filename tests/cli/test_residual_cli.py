"""`dlviz residual` end to end."""

from __future__ import annotations

import json

import pytest

from dlviz.compute import residual as V
from tests.util import files_under


def test_json_matches_the_simulation(dlviz, tmp_path):
    code, out, err = dlviz(
        "residual",
        "--depth",
        "5",
        "--width",
        "64",
        "--batch",
        "128",
        "--repeats",
        "2",
        "--data",
        "r.json",
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["statistic"] == "second-moment" and set(doc["variants"]) == set(V.VARIANTS)
    direct = V.simulate(depth=5, width=64, batch=128, repeats=2, seed=0)
    for v, entry in doc["variants"].items():
        assert entry["forward"] == pytest.approx(direct.mean(v).tolist(), rel=1e-12)
        assert len(entry["forward_std"]) == 6 and entry["theory"] == direct.theory[v].tolist()
    assert "outputs/residual_batch-128_depth-5_repeats-2_width-64.png" in files_under(tmp_path)


BAD = [
    (["--variant", "dense"], "--variant dense"),
    (["--depth", "0"], "--depth 0"),
    (["--init", "kaiming"], "--init kaiming"),
    (["--batch", "1"], "--batch 1"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input(dlviz, tmp_path, args, message):
    code, _, err = dlviz("residual", *args)
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert files_under(tmp_path) == []


def test_backward_in_json(dlviz, tmp_path):
    code, _, err = dlviz(
        "residual",
        "--depth",
        "4",
        "--width",
        "64",
        "--batch",
        "128",
        "--repeats",
        "1",
        "--backward",
        "--data",
        "b.json",
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "b.json").read_text())
    direct = V.simulate(depth=4, width=64, batch=128, repeats=1, seed=0, backward=True)
    assert doc["variants"]["residual"]["backward"] == pytest.approx(
        direct.backward["residual"][0].tolist(), rel=1e-12
    )
