"""The drawn beam-search tree and its animation."""

from __future__ import annotations

import pytest

from dlviz.compute import beam as B
from dlviz.render.beam import animate_beam, frames, plot_beam, shown_nodes


@pytest.fixture(scope="module")
def d2l():
    return B.model_from_dict(B.D2L_EXAMPLE)[0]


def test_tree_draws_every_node_and_highlights_the_answer(d2l):
    r = B.beam_search(d2l, beam_size=2, max_length=4, alpha=0.75)
    answers = {"greedy": B.greedy(d2l, max_length=4), "beam": r.best}
    fig = plot_beam(r, answers)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(r.nodes)
    accent = [line for line in ax.get_lines() if line.get_linewidth() == 3.0]
    assert len(accent) == 4  # the chosen path A C B <eos>
    texts = [t.get_text() for t in ax.texts]
    assert f"{r.best.score(0.75):.3f}" in texts  # the answer's score beside its leaf
    assert "A C B <eos>" in fig._supxlabel.get_text()


def test_the_boxed_hypotheses_are_the_candidates_ended_by_eos_or_length():
    model = B.ngram_model(B.BUILTIN_CORPUS, order=2)
    r = B.beam_search(model, beam_size=2, max_length=5, prompt=("the",))
    ax = plot_beam(r, {"beam": r.best}).axes[0]
    boxed = [
        t.get_text()
        for t in ax.texts
        if t.get_bbox_patch() is not None
        and t.get_bbox_patch().get_edgecolor()[3] > 0
        and t.get_text() != "the"
    ]
    ends = [c.tokens[-1] for c in r.candidates]
    assert sorted(boxed) == sorted(ends)
    for c in r.candidates:
        assert c.tokens[-1] == r.eos or len(c.tokens) == 5


def test_wide_trees_collapse_each_parents_pruned_children():
    model = B.ngram_model(B.BUILTIN_CORPUS, order=2)
    r = B.beam_search(model, beam_size=5, max_length=7, prompt=("the",))
    full, collapsed = shown_nodes(r, False), shown_nodes(r)
    assert len(full) == len(r.nodes) and len(collapsed) < len(full)
    assert sum(s.count for s in collapsed) == len(r.nodes)  # every node is drawn or counted
    groups = [s for s in collapsed if s.count > 1]
    assert groups and all(s.label == f"+{s.count}" and s.status == "pruned" for s in groups)
    pruned = {(n.parent, n.step) for n in r.nodes if n.status == "pruned"}
    assert len({(s.parent, s.step) for s in collapsed if s.status == "pruned"}) == len(pruned)


def test_no_sequence_is_extended_past_its_end_token(d2l):
    r = B.beam_search(d2l, beam_size=3, max_length=5)
    by_id = {n.id: n for n in r.nodes}
    for n in r.nodes:
        if n.parent >= 0:
            assert by_id[n.parent].token != r.eos, n


def test_animation_goes_expand_prune_per_step_then_choose(d2l, tmp_path):
    from PIL import Image

    from dlviz.output import save_animation

    r = B.beam_search(d2l, beam_size=2, max_length=4)
    assert frames(r) == [(s, p) for s in (1, 2, 3, 4) for p in ("expand", "prune")] + [(4, "final")]
    anim = animate_beam(r, {"beam": r.best})
    save_animation(anim, tmp_path / "b.gif", "gif", anim.dlviz_fps, 30)
    with Image.open(tmp_path / "b.gif") as gif:
        assert gif.n_frames == len(frames(r))  # identical frames merge: one per picture


@pytest.mark.parametrize("labels", ["prob", "logprob", "both"])
def test_edges_carry_probabilities_as_asked_and_nodes_their_cumulative_log_prob(labels):
    import math

    r = B.run(B.make_spec(beam_size=3, max_length=5, edge_labels=labels))
    ax = plot_beam(r).axes[0]
    kept = [n for n in r.nodes if n.status == "kept"]
    texts = [t.get_text() for t in ax.texts]
    for n in kept:
        p = math.exp(n.log_prob)
        expected = {
            "prob": f"{p:.2g}",
            "logprob": f"{n.log_prob:.2f}",
            "both": f"{p:.2g} ({n.log_prob:.2f})",
        }[labels]
        assert expected in texts
    sums = sorted(t.get_text() for t in ax.texts if t.get_gid() == "cumulative")
    assert sums == sorted(f"Σ {n.cum_log_prob:.2f}" for n in kept)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[2].startswith("finished: ended by <eos> or at L")
    edge = {"prob": "P(token | prefix)", "logprob": "log P(token | prefix)"}
    assert legend[-1] == "edge: " + edge.get(labels, "P(token | prefix) (log P)")
