"""`dlviz attention` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlviz.compute import attention as A
from tests.util import files_under


def test_default_run_and_json(dlviz, tmp_path):
    code, out, err = dlviz("attention", "--causal", "--data", "a.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["key_tokens"] == ["the", "cat", "sat", "on", "the", "mat"]
    weights, scores = np.array(doc["weights"]), doc["scores"]
    assert weights.shape == (1, 6, 6)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    assert scores[0][0][1] is None and weights[0, 0, 1] == 0  # masked: null score, zero weight
    assert np.array(doc["output"]).shape == (1, 6, 8)


def test_explicit_matrices_reproduce_a_worked_example(dlviz, tmp_path):
    (tmp_path / "q.json").write_text("[[1, 0], [0, 1]]")
    (tmp_path / "k.json").write_text("[[1, 0], [0, 1], [1, 1]]")
    code, _, err = dlviz(
        "attention", "--kind", "dot", "--queries", "q.json", "--keys", "k.json", "--data", "w.json"
    )
    assert code == 0, err
    w = np.array(json.loads((tmp_path / "w.json").read_text())["weights"])[0]
    e = np.exp([1, 0, 1])
    np.testing.assert_allclose(w[0], e / e.sum())


def test_multihead(dlviz, tmp_path):
    assert (
        dlviz(
            "attention", "--kind", "multihead", "--heads", "4", "--dim", "16", "--data", "m.json"
        )[0]
        == 0
    )
    doc = json.loads((tmp_path / "m.json").read_text())
    x = A.token_embeddings(doc["key_tokens"], 16, 0)
    direct = A.compute("multihead", x, x, heads=4)
    np.testing.assert_allclose(doc["weights"], direct.weights, rtol=1e-12)


BAD = [
    (["--tokens", " "], "empty sequence"),
    (["--kind", "multihead", "--heads", "3"], "not divisible"),
    (["--kind", "bert"], "'bert' is not one of"),
    (["--query-tokens", "a b", "--causal"], "causal"),
    (["--mask-padding", "6"], "at least one key"),
    (["--queries", "nofile.json", "--keys", "nofile.json"], "no such file"),
    (["--queries", "q.json"], "give both"),
    (["--queries", "m.json", "--keys", "m.json", "--tokens", "a b c"], "3 key and 3 query tokens"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input(dlviz, tmp_path, args, message):
    (tmp_path / "m.json").write_text("[[1, 0], [0, 1]]")
    code, _, err = dlviz("attention", *args)
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert files_under(tmp_path) == ["m.json"]


def test_animation_one_query_per_frame(dlviz, tmp_path):
    from dlviz.render.attention import animate_attention

    r = A.compute(
        "scaled", np.eye(3), np.eye(3), query_tokens=["a", "b", "c"], key_tokens=["a", "b", "c"]
    )
    anim = animate_attention(r)
    anim._func(1)
    bars = anim._fig.axes[1].patches
    weights = [p.get_height() for p in bars[3:]]
    np.testing.assert_allclose(weights, r.weights[0, 1])
    assert "“b”" in anim._fig.get_suptitle()
    assert dlviz("attention", "-f", "gif", "-q", "low", "--out", "a.gif")[0] == 0
    assert (tmp_path / "a.gif").read_bytes()[:6] == b"GIF89a"


def test_weights_from_csv_and_json_files_run_and_are_exported(dlviz, tmp_path):
    import numpy as np

    np.savetxt(tmp_path / "wo.csv", 2 * np.eye(8), delimiter=",")
    (tmp_path / "w.json").write_text(json.dumps({"W_O": (3 * np.eye(8)).tolist()}))
    code, _, err = dlviz(
        "attention", "--kind", "multihead", "--weights", "W_O=wo.csv", "--data", "a.json"
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "a.json").read_text())
    np.testing.assert_array_equal(doc["parameters"]["projections"]["W_O"], 2 * np.eye(8))
    np.testing.assert_allclose(doc["output_projected"], 2 * np.array(doc["concat"]))
    code, _, err = dlviz(
        "attention", "--kind", "multihead", "--weights", "w.json", "--data", "b.json"
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "b.json").read_text())
    np.testing.assert_allclose(doc["output_projected"], 3 * np.array(doc["concat"]))
    code, _, err = dlviz("attention", "--kind", "multihead", "--weights", "W_Z=wo.csv")
    assert code == 2 and "uses W_Q, W_K, W_V, W_O" in err


def test_chinese_tokens_name_their_own_files(dlviz):
    """Names keep letters of any script: two Chinese sentences, two files."""
    from pathlib import Path

    assert dlviz("attention", "--tokens", "我 爱 深度 学习")[0] == 0
    assert dlviz("attention", "--tokens", "你 好 世界")[0] == 0
    names = sorted(p.name for p in Path("outputs").iterdir())
    assert names == [
        "attention_scaled_tokens-你好世界.png",
        "attention_scaled_tokens-我爱深度学习.png",
    ]
