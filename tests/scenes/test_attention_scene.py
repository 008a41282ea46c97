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

    cls = type(
        "Scene",
        (S.AttentionScene,),
        {"params": {**S.AttentionScene.params, "result": A.run(spec), "explained": explained}},
    )
    settings = {"dry_run": True, "quality": "low_quality", "media_dir": str(tmp_path)}
    scene = cls()
    with manim.tempconfig({**settings, "verbosity": "ERROR", "progress_bar": "none"}):
        S.label = recording
        try:
            scene.render()
        finally:
            S.label = real
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


@pytest.mark.parametrize(
    "spec",
    [
        A.make_spec(tokens=" ".join(f"word{i}" for i in range(40))),
        A.make_spec(kind="multihead", heads=6, dim=12, causal=True, tokens="the cat sat"),
    ],
    ids=["40 tokens", "6 heads"],
)
def test_nothing_leaves_the_frame(tmp_path, spec):
    import manim

    scene, _ = _end_state(tmp_path, spec, explained=0)
    w, h = manim.config.frame_width / 2, manim.config.frame_height / 2
    for mob in scene.mobjects:
        for part in mob.get_family():
            if part.has_points():
                (x0, y0, _), (x1, y1, _) = part.get_corner(manim.DL), part.get_corner(manim.UR)
                assert -w - 1e-6 <= x0 and x1 <= w + 1e-6 and -h - 1e-6 <= y0 and y1 <= h + 1e-6
