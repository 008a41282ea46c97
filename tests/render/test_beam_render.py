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
