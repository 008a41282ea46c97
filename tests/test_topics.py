"""The registry: every topic has its module in each layer, with the pieces
the command line, the gallery and the output code look up by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dlviz.topics import TOPICS

ROOT = Path(__file__).resolve().parents[1]

# layer folder → the functions each topic's module there must define
LAYERS = {
    "dlviz/compute": {"make_spec", "run", "result_json"},
    "dlviz/render": {"figure", "animation"},
    "scenes": {"scene_for"},
    "dlviz/cli": {"register"},
}


def defined(path: Path) -> set[str]:
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_a_topic_is_a_module_in_each_layer_and_one_registry_entry(topic):
    for folder, needed in LAYERS.items():
        path = ROOT / folder / f"{topic.name}.py"
        assert path.is_file(), path
        assert needed <= defined(path), (path, needed - defined(path))


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_every_label_has_english_and_chinese(topic):
    assert topic.title[0] and topic.title[1]
    for key, label in topic.strings.items():
        assert set(label) == {"en", "zh"}, key
        assert label["en"].count("{") == label["zh"].count("{"), key  # the same fields


def test_a_label_is_defined_once():
    from dlviz.theme import _SHARED_STRINGS, STRINGS

    total = len(_SHARED_STRINGS) + sum(len(t.strings) for t in TOPICS)
    assert len(STRINGS) == total
