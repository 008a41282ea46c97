"""Every lecture scene speaks Chinese with --lang zh: each run in Manim's
dry-run mode (construct runs, nothing is drawn), recording what it writes."""

from __future__ import annotations

import importlib
import re

import pytest

pytest.importorskip("manim")

from tests.cli.test_chinese import english_words  # noqa: E402
from tests.scenes.dry import dry_run  # noqa: E402
from tests.scenes.test_standalone import SCENES  # noqa: E402


@pytest.mark.parametrize(("topic", "scene"), SCENES)
def test_scene_text_is_chinese(tmp_path, topic, scene):
    import manim

    module = importlib.import_module(f"dlviz.scenes.{topic}")
    written: list[str] = []

    def recording(words, theme, lang, font_size=32, **kwargs):
        """Records the words; a box of about their size stands in for the
        typeset text (Pango is the slow part, and is tested elsewhere)."""
        written.append(words)
        box = manim.Rectangle(
            width=max(0.1, 0.012 * font_size * len(words)), height=0.02 * font_size, stroke_width=0
        )
        return box.set_color(kwargs.get("color", theme.foreground))

    from dlviz.manim_bridge import cache_dir

    cache = cache_dir()
    dry_run(
        getattr(module, scene),
        tmp_path,
        {"lang": "zh"},
        label=recording,
        tex_dir=str(cache / "tex"),
        text_dir=str(cache / "texts"),
    )
    assert any(re.search(r"[\u4e00-\u9fff]", w) for w in written), written
    english = set().union(*(english_words(w) for w in written))
    assert not english, english
