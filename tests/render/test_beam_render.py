"""The drawn beam-search tree."""

from __future__ import annotations

from dlviz.compute import beam as B
from dlviz.render.beam import _path, plot_beam


def test_tree_draws_every_node_and_highlights_the_answer():
    model = B.model_from_dict(B.D2L_EXAMPLE)[0]
    r = B.beam_search(model, beam_size=2, max_length=4, alpha=0.75)
    answers = {"greedy": B.greedy(model, max_length=4), "beam": r.best}
    fig = plot_beam(r, answers)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(r.nodes)
    assert len(_path(r, r.best.tokens)) == 4
    assert "A C B <eos>" in fig._supxlabel.get_text()


def test_only_kept_end_tokens_are_boxed_even_when_the_answer_is_unfinished():
    model = B.ngram_model(B.BUILTIN_CORPUS, order=2)
    r = B.beam_search(model, beam_size=2, max_length=5, prompt=("the",))
    assert r.best.tokens[-1] != r.eos  # no kept sequence finished here
    ax = plot_beam(r, {"beam": r.best}).axes[0]
    boxed = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    assert all(token == r.eos for token in boxed)
