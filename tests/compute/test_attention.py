"""Attention against PyTorch (recorded; live when importable), naive loops
and the properties the lecture relies on."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import attention as A
from tests.util import recorder as load_recorder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_attention.npz"
DATA = np.load(FIXTURE)
CASES = json.loads(str(DATA["meta"]))["cases"]


def arrays(i: int) -> dict:
    return {key.split("/")[1]: DATA[key] for key in DATA.files if key.startswith(f"{i}/")}


@pytest.mark.parametrize("i", range(len(CASES)))
def test_equals_pytorch(i):
    case, a = CASES[i], arrays(i)
    if case["op"] == "sdpa":
        r = A.compute(
            "scaled", a["q"], a["k"], a["v"], causal=case["causal"], padding=case["padding"]
        )
        np.testing.assert_allclose(r.weights[0], a["weights"], atol=1e-12)
        np.testing.assert_allclose(r.output[0], a["output"], atol=1e-12)
    else:
        d, heads = case["d"], case["heads"]
        w = a["in_proj_weight"]
        mask = A.build_mask(case["n"], case["n"], causal=case["causal"])
        parts = A.multihead(
            a["x"], a["x"], a["x"], w[:d].T, w[d : 2 * d].T, w[2 * d :].T, heads, mask
        )
        np.testing.assert_allclose(np.stack([p[1] for p in parts]), a["weights"], atol=1e-12)


def naive(q, k, v, scale, mask):
    weights = np.zeros((len(q), len(k)))
    for i in range(len(q)):
        s = [scale * sum(q[i, t] * k[j, t] for t in range(q.shape[1])) for j in range(len(k))]
        top = max(s[j] for j in range(len(k)) if not mask[i, j])
        e = [0.0 if mask[i, j] else math.exp(s[j] - top) for j in range(len(k))]
        weights[i] = np.array(e) / sum(e)
    return weights, weights @ v


@pytest.mark.parametrize(("causal", "padding"), [(False, 0), (True, 0), (False, 2), (True, 1)])
def test_scaled_dot_product_equals_a_naive_loop(causal, padding):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    r = A.compute("scaled", q, k, v, causal=causal, padding=padding)
    w, out = naive(q, k, v, 0.5, r.mask)
    np.testing.assert_allclose(r.weights[0], w, atol=1e-14)
    np.testing.assert_allclose(r.output[0], out, atol=1e-14)
    assert np.all(r.weights[0][r.mask] == 0) and np.all(np.isneginf(r.scores[0][r.mask]))
    np.testing.assert_allclose(r.weights.sum(axis=-1), 1.0)


def test_additive_equals_its_formula():
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(3, 4)), rng.normal(size=(5, 6))
    wq, wk, wv = rng.normal(size=(7, 4)), rng.normal(size=(7, 6)), rng.normal(size=7)
    scores = A.additive_scores(q, k, wq, wk, wv)
    for i in range(3):
        for j in range(5):
            assert scores[i, j] == pytest.approx(wv @ np.tanh(wq @ q[i] + wk @ k[j]))


def test_large_scores_do_not_overflow_and_a_matching_key_takes_the_weight():
    k = np.eye(4) * 100.0
    r = A.compute("dot", k[[2]], k)  # scores 1e4 on the diagonal
    assert np.all(np.isfinite(r.weights)) and r.weights[0, 0, 2] == pytest.approx(1.0)


def test_rows_are_queries_and_columns_keys():
    q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # 3 queries
    k = np.array([[5.0, 0.0], [0.0, 0.0]])  # 2 keys: the first matches query 0
    r = A.compute("dot", q, k, query_tokens=["a", "b", "c"], key_tokens=["x", "y"])
    assert r.weights.shape == (1, 3, 2)
    assert r.weights[0, 0, 0] > 0.99 and r.weights[0, 1, 0] == pytest.approx(0.5)


def test_token_embeddings_are_per_token():
    e = A.token_embeddings(["the", "cat", "the"], 8, seed=0)
    np.testing.assert_array_equal(e[0], e[2])
    assert not np.allclose(e[0], e[1])


def test_multihead_heads_split_the_dimension():
    x = np.random.default_rng(2).normal(size=(4, 6))
    r = A.compute("multihead", x, x, heads=3)
    assert r.weights.shape == (3, 4, 4) and r.output.shape == (3, 4, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "dot", "queries": np.zeros((0, 2)), "keys": np.zeros((2, 2))}, "empty"),
        (
            {
                "kind": "multihead",
                "queries": np.zeros((2, 5)),
                "keys": np.zeros((2, 5)),
                "heads": 2,
            },
            "not divisible",
        ),
        ({"kind": "dot", "queries": np.zeros((2, 3)), "keys": np.zeros((2, 4))}, "dimension"),
        (
            {"kind": "dot", "queries": np.zeros((2, 3)), "keys": np.zeros((3, 3)), "causal": True},
            "causal",
        ),
        (
            {"kind": "dot", "queries": np.zeros((2, 3)), "keys": np.zeros((3, 3)), "padding": 3},
            "at least one key",
        ),
    ],
)
def test_errors(kwargs, message):
    kind = kwargs.pop("kind")
    with pytest.raises(ValueError, match=message):
        A.compute(kind, **kwargs)


def test_live_pytorch_agrees():
    pytest.importorskip("torch")
    recorder = load_recorder("record_torch_attention")
    rng = np.random.default_rng(5)
    for case in recorder.CASES:
        a = recorder.run(case, rng)
        if case["op"] == "sdpa":
            r = A.compute(
                "scaled", a["q"], a["k"], a["v"], causal=case["causal"], padding=case["padding"]
            )
            np.testing.assert_allclose(r.output[0], a["output"], atol=1e-12)


@pytest.mark.parametrize("i", [i for i, c in enumerate(CASES) if c["op"] == "mha"])
def test_multihead_with_given_weights_equals_torch_multihead_attention(i):
    """The whole layer, W_O included: torch's in_proj (rows = outputs) and
    out_proj given to dlviz as X·W matrices, the output recorded from torch."""
    case, a = CASES[i], arrays(i)
    d = case["d"]
    w = a["in_proj_weight"]
    weights = {
        "W_Q": w[:d].T,
        "W_K": w[d : 2 * d].T,
        "W_V": w[2 * d :].T,
        "W_O": a["out_proj_weight"].T,
    }
    x = a["x"]
    spec = A.make_spec(
        kind="multihead",
        queries=x,
        keys=x,
        values=x,
        heads=case["heads"],
        causal=case["causal"],
        weights={k: v.tolist() for k, v in weights.items()},
    )
    r = A.run(spec)
    np.testing.assert_allclose(r.weights, a["weights"], atol=1e-12)
    np.testing.assert_allclose(r.projected, a["attn_output"], atol=1e-12)
    # the concatenated heads, then W_O, by hand
    np.testing.assert_allclose(r.projected, np.concatenate(list(r.output), axis=1) @ weights["W_O"])
    doc = A.result_json(r)
    assert np.shape(doc["output_projected"]) == (case["n"], d)
    np.testing.assert_array_equal(np.array(spec.projections["W_O"]), weights["W_O"])


def test_given_projections_are_checked_and_the_rest_stay_seeded():
    seeded = A.make_spec(kind="multihead", dim=8, heads=2)
    given = A.make_spec(kind="multihead", dim=8, heads=2, weights={"W_O": np.eye(8).tolist()})
    assert given.projections["W_Q"] == seeded.projections["W_Q"]
    assert np.array_equal(np.array(given.projections["W_O"]), np.eye(8))
    r = A.run(given)
    np.testing.assert_allclose(r.projected, r.concat)  # W_O = I: the concatenation itself
    for bad, why in (
        ({"W_O": np.eye(3).tolist()}, "needs 8×8"),
        ({"W_X": [[1.0]]}, "uses W_Q, W_K, W_V, W_O"),
        ({"W_O": "x"}, "a matrix of numbers"),
    ):
        with pytest.raises(A.SpecError, match=why):
            A.make_spec(kind="multihead", dim=8, heads=2, weights=bad)
    additive = A.make_spec(kind="additive", dim=4)
    assert set(additive.projections) == {"W_q", "W_k", "w_v"}
    assert A.make_spec(kind="scaled").projections == {}
