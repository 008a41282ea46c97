"""`dlviz beam` end to end."""

from __future__ import annotations

import json
import math

import pytest

from tests.util import files_under


def test_default_is_the_d2l_example(dlviz, tmp_path):
    code, out, err = dlviz("beam", "--data", "b.json")
    assert code == 0, err
    doc = json.loads((tmp_path / "b.json").read_text())
    assert doc["best"]["tokens"] == ["A", "C", "B", "<eos>"]
    assert math.exp(doc["best"]["log_prob"]) == pytest.approx(0.054)
    assert math.exp(doc["greedy"]["log_prob"]) == pytest.approx(0.048)
    assert doc["exhaustive"]["tokens"] == doc["best"]["tokens"]
    statuses = {n["status"] for n in doc["tree"]}
    assert statuses == {"kept", "pruned", "finished", "chosen"}
    assert len(doc["tree"]) == 4 + 2 * 4 * 3
    chosen = [n for n in doc["tree"] if n["status"] == "chosen"]
    assert len(chosen) == 1 and chosen[0]["score"] == pytest.approx(doc["best"]["score"])
    for n in doc["tree"]:
        assert n["score"] == pytest.approx(n["cum_log_prob"] / n["step"] ** 0.75)
    assert doc["convention"] == "d2l" and doc["alpha"] == 0.75


def test_hf_convention_with_early_stopping(dlviz, tmp_path):
    code, out, err = dlviz(
        "beam", "--convention", "hf", "--early-stopping", "never", "--data", "h.json"
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "h.json").read_text())
    assert doc["convention"] == "hf" and doc["alpha"] == 1.0  # transformers' default
    for c in doc["candidates"]:
        assert c["score"] == pytest.approx(c["log_prob"] / len(c["tokens"]))
    assert doc["best"] == max(doc["candidates"], key=lambda c: c["score"])


def test_animation_and_collapse(dlviz, tmp_path):
    code, _, err = dlviz("beam", "--format", "gif", "--max-length", "2", "--quality", "low")
    assert code == 0, err
    assert (tmp_path / "outputs" / "beam_max-length-2_quality-low.gif").stat().st_size > 0
    code, _, err = dlviz(
        "beam",
        "--corpus",
        "builtin",
        "--beam-size",
        "8",
        "--max-length",
        "12",
        "--collapse",
        "always",
        "--out",
        "big.svg",
    )
    assert code == 0, err
    assert "no exhaustive search" in err


def test_model_file_with_renormalisation_warning(dlviz, tmp_path):
    (tmp_path / "lm.json").write_text(
        json.dumps(
            {"vocab": ["x", "y", "</s>"], "eos": "</s>", "next": {"": {"x": 2, "y": 1, "</s>": 1}}}
        )
    )
    code, _, err = dlviz("beam", "--model", "lm.json", "--max-length", "3")
    assert code == 2 and "sums to 4, not 1" in err and "--renormalize" in err
    code, _, err = dlviz("beam", "--model", "lm.json", "--max-length", "3", "--renormalize")
    assert code == 0 and "renormalised" in err


def test_corpus_model(dlviz, tmp_path):
    code, _, err = dlviz(
        "beam", "--corpus", "builtin", "--prompt", "the", "--max-length", "4", "--data", "c.json"
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "c.json").read_text())
    finished = [c["tokens"][-1] == "<eos>" for c in doc["candidates"]]
    assert all(finished) or not any(finished)  # finished ones only, when any exist
    assert doc["best"] in doc["candidates"]


BAD = [
    (["--corpus", "none.txt"], "no such file"),
    (["--corpus", "builtin", "--order", "0"], "--order 0"),
    (["--beam-size", "0"], "--beam-size 0"),
    (["--max-length", "0"], "--max-length 0"),
    (["--prompt", "Z"], "not in the vocabulary"),
    (["--model", "none.json"], "no such file"),
    (["--convention", "beam"], "choose one of d2l, hf"),
    (["--early-stopping", "true"], "applies to --convention hf"),
    (["--convention", "hf", "--early-stopping", "maybe"], "choose one of"),
    (["--collapse", "some"], "choose one of auto"),
    (["--length-penalty", "11"], "from -10 to 10"),
    (["--model", "never.json"], "can never be generated"),
    (["--format", "pdf", "--engine", "manim"], "writes a video"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input(dlviz, tmp_path, args, message):
    never = {"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": 1}}}
    (tmp_path / "never.json").write_text(json.dumps(never))
    code, _, err = dlviz("beam", *args)
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert files_under(tmp_path) == ["never.json"]
