"""Beam search against exhaustive search, greedy, and d2l's worked example."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import beam as B


@pytest.fixture(scope="module")
def d2l():
    return B.model_from_dict(B.D2L_EXAMPLE)[0]


def random_model(seed: int, vocab=("a", "b", "c", "</s>")) -> B.Model:
    rng = np.random.default_rng(seed)
    table = {(): rng.dirichlet(np.ones(len(vocab)))}
    for v in vocab:
        table[(v,)] = rng.dirichlet(np.ones(len(vocab)))
    for v, w in itertools.product(vocab, repeat=2):
        table[(v, w)] = rng.dirichlet(np.ones(len(vocab)))
    return B.Model(tuple(vocab), "</s>", table)


def test_d2l_example_greedy_is_beaten_by_beam_search(d2l):
    g = B.greedy(d2l, max_length=4)
    assert g.tokens == ("A", "B", "C", "<eos>")
    assert math.exp(g.log_prob) == pytest.approx(0.048)
    r = B.beam_search(d2l, beam_size=2, max_length=4, alpha=0.0)
    assert r.best.tokens == ("A", "C", "B", "<eos>")
    assert math.exp(r.best.log_prob) == pytest.approx(0.054)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("alpha", [0.0, 0.75, 1.0])
def test_a_beam_as_wide_as_the_tree_is_exhaustive_search(seed, alpha):
    model = random_model(seed)
    wide = B.beam_search(model, beam_size=4**3, max_length=3, alpha=alpha)
    full = B.exhaustive(model, max_length=3, alpha=alpha)
    assert wide.best.tokens == full.tokens
    assert wide.best.log_prob == pytest.approx(full.log_prob)


@pytest.mark.parametrize("seed", range(4))
def test_beam_size_one_is_greedy(seed):
    model = random_model(seed)
    greedy = B.greedy(model, max_length=4)
    beam = B.beam_search(model, beam_size=1, max_length=4, alpha=0.75)
    kept = [n for n in beam.nodes if n.status != "pruned"]
    path = []
    for node in kept:  # one kept node per step: the greedy path
        path.append(node.token)
    assert tuple(path[: len(greedy.tokens)]) == greedy.tokens


def test_kept_beams_do_not_depend_on_alpha():
    model = random_model(7)
    kept = [
        tuple(
            (n.step, n.token, n.parent)
            for n in B.beam_search(model, beam_size=2, max_length=4, alpha=a).nodes
            if n.status != "pruned"
        )
        for a in (0.0, 0.5, 2.0)
    ]
    assert kept[0] == kept[1] == kept[2]


def test_scores_are_length_normalised_log_probabilities(d2l):
    r = B.beam_search(d2l, beam_size=2, max_length=4, alpha=0.75)
    for c in r.candidates:
        assert c.tokens[-1] == "<eos>"  # finished ones only, since some exist
        assert c.score(0.75) == pytest.approx(
            B.sequence_log_prob(d2l, c.tokens) / len(c.tokens) ** 0.75
        )
    assert r.best.score(0.75) == max(c.score(0.75) for c in r.candidates)


def test_back_off_to_the_longest_known_suffix(d2l):
    np.testing.assert_allclose(d2l.next_probs(("C", "A")), d2l.table[("A",)])
    np.testing.assert_allclose(d2l.next_probs(("B", "B")), d2l.table[()])


def test_model_checks():
    doc = {"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": 2, "<e>": 2}}}
    with pytest.raises(ValueError, match="sums to 4, not 1"):  # a typo is not silently fixed
        B.model_from_dict(doc)
    model, warnings = B.model_from_dict(doc, renormalize=True)
    assert warnings and model.table[()].tolist() == [0.5, 0.5]
    for bad, why in (
        ({"vocab": ["a"], "eos": "<e>", "next": {"": {"a": 1}}}, "end token"),
        ({"vocab": ["a", "<e>"], "eos": "<e>", "next": {"a": {"a": 1}}}, "empty context"),
        ({"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": -1, "<e>": 1}}}, "≥ 0"),
        ({"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"z": 1}}}, "'z' is not in"),
        ({"vocab": ["a", 1, "<e>"], "eos": "<e>", "next": {"": {"a": 1}}}, "without spaces"),
        ({"vocab": ["a b", "<e>"], "eos": "<e>", "next": {"": {"<e>": 1}}}, "without spaces"),
        (
            {"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": 1}, "q": {"a": 1}}},
            "'q' is not in",
        ),
        ({"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": "0.5", "<e>": 0.5}}}, "text"),
        ({"vocab": ["a", "<e>"], "eos": "<e>", "next": {"": {"a": math.inf}}}, "finite"),
    ):
        with pytest.raises(ValueError, match=why):
            B.model_from_dict(bad)


def test_n_gram_options_need_a_corpus():
    for name, value in (("order", 5), ("smoothing", 0.5)):
        with pytest.raises(B.SpecError) as err:
            B.make_spec(**{name: value})
        assert err.value.param == name
    spec = B.make_spec(corpus="builtin", order=3)
    assert (spec.order, spec.smoothing) == (3, 1.0)
    assert (B.make_spec().order, B.make_spec().smoothing) == (0, 0.0)


def test_errors(d2l):
    with pytest.raises(ValueError):
        B.beam_search(d2l, beam_size=0, max_length=3)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        B.beam_search(d2l, beam_size=2, max_length=3, prompt=("Z",))
    with pytest.raises(ValueError, match="more than"):
        B.exhaustive(random_model(0), max_length=11)


def test_ngram_model_is_d2l_laplace_smoothing():
    text = "a b a\nb a"
    model = B.ngram_model(text, order=2, smoothing=1.0, eos="<e>")
    assert model.vocab == ("a", "b", "<e>")
    # unigrams: a ×3, b ×2, <e> ×2 of n = 7: P(x) = (n(x) + 1/3) / (7 + 1)
    np.testing.assert_allclose(model.table[()], (np.array([3, 2, 2]) + 1 / 3) / 8)
    # after "a": b once, <e> twice: P(x | a) = (n(a, x) + P(x)) / (3 + 1)
    expected = (np.array([0, 1, 2]) + model.table[()]) / 4
    np.testing.assert_allclose(model.table[("a",)], expected)
    for row in model.table.values():
        assert row.sum() == pytest.approx(1.0)
    # after the start token: sentences begin with a, b: P(x | <bos>) = (n + P(x)) / (2 + 1)
    expected = (np.array([1, 1, 0]) + model.table[()]) / 3
    np.testing.assert_allclose(model.table[("<bos>",)], expected)
    assert "<bos>" not in model.vocab and model.next_probs(()) is model.table[("<bos>",)]


def test_an_unprompted_corpus_model_starts_a_sentence():
    """Without a start token the empty context is the unigram row, where the
    end token (one per sentence) is frequent: greedy returned just <eos>."""
    text = "the cat sat\nthe dog sat\nthe cat ran\na dog ran\nthe end"
    model = B.ngram_model(text, order=2)
    g = B.greedy(model, max_length=4)
    assert g.tokens[0] == "the" and len(g.tokens) > 1
    plain = B.Model(model.vocab, model.eos, {(): model.table[()]})  # no start token
    assert B.greedy(plain, max_length=4).tokens == ("<eos>",)  # what it did before
    doc = B.model_to_dict(model)
    assert doc["bos"] == "<bos>" and B.model_from_dict(doc)[0].bos == "<bos>"
    answers = B.run(B.make_spec(corpus="builtin", order=3, prompt="the", max_length=6)).answers
    assert answers["beam"].tokens == ("cat", "sat", "on", "the", "mat", "<eos>")


def test_ngram_without_smoothing_is_maximum_likelihood():
    model = B.ngram_model("x y\nx z", order=2, smoothing=0.0, eos="<e>")
    np.testing.assert_allclose(model.next_probs(("x",)), [0, 0.5, 0.5, 0])  # vocab x, y, z, <e>


HF = json.loads((Path(__file__).parents[1] / "fixtures" / "hf_beam.json").read_text())


@pytest.mark.parametrize(
    "case",
    HF["cases"],
    ids=lambda c: "m{model}-k{beam_size}-L{max_length}-a{alpha}-{early_stopping}-{prompt}".format(
        **c
    ),
)
def test_hf_convention_matches_transformers_generate(case):
    """Recorded by tests/fixtures/record_hf_beam.py (transformers 5.23.0)."""
    model = B.model_from_dict(HF["models"][case["model"]])[0]
    r = B.beam_search_hf(
        model,
        beam_size=case["beam_size"],
        max_length=case["max_length"],
        alpha=case["alpha"],
        prompt=tuple(case["prompt"].split()),
        early_stopping=B.EARLY_STOPPING[case["early_stopping"]],
    )
    got = [(list(c.tokens), c.score(case["alpha"])) for c in r.candidates]
    want = [(h["tokens"], h["score"]) for h in case["hypotheses"]]
    assert [t for t, _ in got] == [t for t, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
    assert r.best.tokens == tuple(want[0][0])


@pytest.mark.parametrize("seed", range(3))
def test_hf_with_a_beam_as_wide_as_the_tree_and_never_stopping_early_is_exhaustive(seed):
    """transformers' hypotheses: sequences ending at the end token, or at length L."""
    model = random_model(seed)
    for alpha in (0.0, 1.0):
        r = B.beam_search_hf(
            model, beam_size=4**3, max_length=3, alpha=alpha, early_stopping="never"
        )
        every = [s for n in (1, 2, 3) for s in itertools.product(model.vocab, repeat=n)]
        pool = [s for s in every if "</s>" in s and s.index("</s>") == len(s) - 1] + [
            s for s in every if len(s) == 3 and "</s>" not in s
        ]
        best = max(pool, key=lambda s: B.sequence_log_prob(model, s) / len(s) ** alpha)
        assert r.best.tokens == best


def test_statuses_mark_finished_hypotheses_and_the_chosen_one(d2l):
    hf = B.beam_search_hf(d2l, beam_size=2, max_length=4, early_stopping="never")
    for r in (B.beam_search(d2l, beam_size=2, max_length=4), hf):
        by_id = {n.id: n for n in r.nodes}
        chosen = [n for n in r.nodes if n.status == "chosen"]
        assert len(chosen) == 1 and chosen[0].id in r.candidate_nodes
        path, node = [], chosen[0]
        while True:
            path.append(node.token)
            if node.parent < 0:
                break
            node = by_id[node.parent]
        assert tuple(reversed(path)) == r.best.tokens
        for node_id, c in zip(r.candidate_nodes, r.candidates, strict=True):
            assert by_id[node_id].cum_log_prob == pytest.approx(c.log_prob)
            assert by_id[node_id].status in ("finished", "chosen")
        assert {n.status for n in r.nodes} <= set(B.STATUSES)


def test_an_unreachable_end_token_is_an_error():
    never = {"vocab": ["a", "b", "<e>"], "eos": "<e>", "next": {"": {"a": 1, "b": 1, "<e>": 0}}}
    model = B.model_from_dict(never, renormalize=True)[0]
    assert not B.eos_reachable(model)
    with pytest.raises(ValueError, match="can never be generated"):
        B.beam_search(model, beam_size=2, max_length=3)
    # reachable only through "b", which only "a" leads to
    chain = {
        "vocab": ["a", "b", "c", "<e>"],
        "eos": "<e>",
        "next": {"": {"a": 1, "c": 1}, "a": {"b": 1}, "c": {"c": 1}, "b": {"<e>": 1}},
    }
    model = B.model_from_dict(chain, renormalize=True)[0]
    assert B.eos_reachable(model) and B.eos_reachable(model, ("a",))
    assert not B.eos_reachable(model, ("c",))
    with pytest.raises(ValueError, match="can never be generated"):
        B.beam_search_hf(model, beam_size=2, max_length=3, prompt=("c",))


def test_live_against_transformers_when_installed():
    """The recorded comparison, live, on fresh models (skipped without transformers)."""
    pytest.importorskip("transformers")
    from tests.util import recorder

    rec = recorder("record_hf_beam")
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    rng = np.random.default_rng(7)
    for size, k, stop, alpha in [(6, 2, "false", 1.0), (7, 3, "true", 0.5), (5, 2, "never", 2.0)]:
        doc = rec.random_model(rng, size)
        torch.manual_seed(0)
        lm = GPT2LMHeadModel(
            GPT2Config(
                vocab_size=size + 1,
                n_positions=32,
                n_embd=8,
                n_layer=1,
                n_head=1,
                bos_token_id=size,
                eos_token_id=size - 1,
            )
        ).eval()
        case = {
            "beam_size": k,
            "max_length": 4,
            "alpha": alpha,
            "early_stopping": stop,
            "prompt": doc["vocab"][0],
        }
        want = rec.run(lm, doc, case)["hypotheses"]
        r = B.beam_search_hf(
            B.model_from_dict(doc)[0],
            beam_size=k,
            max_length=4,
            alpha=alpha,
            prompt=(doc["vocab"][0],),
            early_stopping=B.EARLY_STOPPING[stop],
        )
        assert [list(c.tokens) for c in r.candidates] == [h["tokens"] for h in want]
        np.testing.assert_allclose(
            [c.score(alpha) for c in r.candidates], [h["score"] for h in want], rtol=1e-5
        )


@pytest.mark.parametrize("seed", range(24))
def test_exhaustive_bounds_beam_and_beam_size_one_is_greedy(seed):
    """Over random models, in both conventions: exhaustive ≥ beam in score,
    and one beam returns greedy search's answer (the issue found 8 of 24
    models where greedy did not end within L and beam size 1 chose a prefix)."""
    model = random_model(seed)
    alpha = 0.75
    for length in (2, 3, 4):
        g = B.greedy(model, max_length=length)
        full = B.exhaustive(model, max_length=length, alpha=alpha)
        for k in (1, 2, 3):
            for r in (
                B.beam_search(model, beam_size=k, max_length=length, alpha=alpha),
                B.beam_search_hf(
                    model, beam_size=k, max_length=length, alpha=alpha, early_stopping="never"
                ),
            ):
                assert full.score(alpha) >= r.best.score(alpha) - 1e-12
                if k == 1:
                    assert r.best.tokens == g.tokens
        # the exhaustive answer is a hypothesis a beam could return: ended, or L long
        assert full.tokens[-1] == model.eos or len(full.tokens) == length


def test_the_issue_cases_keep_their_promises():
    spec = B.make_spec(beam_size=1, max_length=3)
    answers = B.run(spec).answers
    assert answers["greedy"].tokens == answers["beam"].tokens == ("A", "B", "C")
    assert answers["exhaustive"].score(0.75) >= answers["beam"].score(0.75)
    r = B.run(B.make_spec(beam_size=3, max_length=5))
    finished = [c for c in r.candidates if c.tokens[-1] == "<eos>"]
    assert ("A", "B", "<eos>") not in [c.tokens for c in r.candidates] or finished
    for c in r.candidates:  # never past the end token
        assert "<eos>" not in c.tokens[:-1]
