"""The attention scene ends on the full labelled matrix, inside the frame."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")

from dlviz.compute import attention as A  # noqa: E402


def _end_state(tmp_path, spec, explained=3, typeset=True):
    """Render in dry-run mode, recording what is written; without
    ``typeset`` a box of about the text's size stands in (Pango is slow)."""
    import manim

    from dlviz.scenes import attention as S
    from tests.scenes.dry import dry_run

    written = []
    real = S.label

    def recording(words, theme, lang, font_size=32, **kwargs):
        written.append(words)
        if typeset:
            return real(words, theme, lang, font_size=font_size, **kwargs)
        box = manim.Rectangle(
            width=max(0.05, 0.012 * font_size * len(words)), height=0.02 * font_size
        )
        return box.set_stroke(width=0)

    params = {"result": A.run(spec), "explained": explained}
    scene = dry_run(S.AttentionScene, tmp_path, params, label=recording)
    return scene, written


def test_the_scene_ends_on_the_labelled_matrix_with_its_numbers_and_a_colour_bar(tmp_path):
    spec = A.make_spec()
    scene, written = _end_state(tmp_path, spec, typeset=False)
    tail = written[written.index("attention weight") - 40 :]  # the matrix's labels come last
    for token in set(spec.key_tokens):
        assert token in tail
    r = A.run(spec)
    numbers = [f"{w:.2f}" for w in r.weights[0].ravel()]
    assert [w for w in written if w in numbers][-36:] == numbers
    assert {"1", "0.5", "0", "attention weight"} <= set(written)


# 40 tokens and 6 heads inside the frame: tests/scenes/test_scene_layout.py
