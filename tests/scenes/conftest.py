from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _manim_files_out_of_the_checkout(tmp_path_factory):
    """Text and formulas made outside dlviz's renderer (directly in a test)
    are typeset into Manim's media folder: a temporary one, not ./media."""
    manim = pytest.importorskip("manim")
    media = tmp_path_factory.mktemp("media")
    manim.config.media_dir = str(media)
    manim.config.text_dir = str(media / "texts")
    manim.config.tex_dir = str(media / "Tex")
