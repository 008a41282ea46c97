"""Chinese throughout: every topic's figures with --lang zh draw every glyph
(matplotlib warns on a missing one: here that fails), and carry no English
words beyond names, symbols and the model's own tokens."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

from dlviz import gallery as G

ROOT = Path(__file__).resolve().parents[2]

# names that stay as they are in Chinese notes, LaTeX, and the inputs' own tokens
KEPT = {
    "Gabor",
    "Serra",  # authors cited by name
    "Montúfar",
    "ReLU",
    "Rosenbrock",
    "Rastrigin",
    "Beale",
    "Himmelblau",
    "Adam",
    "AdaGrad",
    "RMSProp",
    "AdaDelta",
    "Nesterov",
    "softmax",
    "udl",
    "UDL",  # the book, as the course abbreviates it
    "sigmoid",
    "tanh",
    "PReLU",  # activation functions, named as the literature and PyTorch name them
    "ELU",
    "GELU",
    "Leaky",
    "maxout",
    "onehot",
    "d2l",
    "pytorch",
    "transformers",
    "log",
    "exp",
    "sin",
    "cos",
    "max",
    "avg",
    "mathdefault",
    "left",
    "right",
    "sum",
    "phi",
    "eos",
    "the",
    "cat",
    "sat",
    "mat",
    "dog",
    "saw",
    "ran",
}
EXTRA = [
    ("optimizers", "--landscape", "gabor", "--basins", "6", "--optimizer", "adam"),
    ("relu", "--sweep", "depth"),
    ("residual", "--backward", "--depth", "6", "--width", "64", "--batch", "64"),
    ("conv", "--transposed"),
    ("conv", "--stack", "k3s1,k3s2"),
    ("conv", "--in-channels", "2"),
    ("conv", "--pool", "max"),
    ("beam", "--convention", "hf", "--corpus", "builtin", "--prompt", "the"),
    ("landscape", "linear", "--view", "heatmap"),
    ("backprop", "--view", "layers", "--batch", "3"),
    ("backprop", "--widths", "3,4,3", "--loss", "cross-entropy", "--activation", "tanh"),
    ("loss", "--heteroscedastic"),
    ("loss", "--task", "multiclass", "--smoothing", "0.1", "--points", "40"),
    ("loss", "--model", "poly", "--points", "40", "--sweep", "sigma"),
]
CASES = [i.args for i in G.FIGURES] + EXTRA


def english_words(text: str) -> set[str]:
    text = re.sub(r"\$[^$]*\$", "", text)  # mathtext
    return {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in KEPT}


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_every_figure_in_chinese(dlviz, monkeypatch, args):
    import matplotlib.text

    import dlviz.output as O

    seen: list[str] = []
    save = O.save_figure

    def spy(fig, path, fmt):
        seen.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        return save(fig, path, fmt)

    monkeypatch.setattr(O, "save_figure", spy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = dlviz(*args, "--lang", "zh", "--out", "zh.png")
    assert code == 0, err
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in seen)
    english = set().union(*(english_words(t) for t in seen))
    assert not english, english


def test_scenes_write_no_english_literals():
    """Scene text goes through dlviz.theme.text(), so --lang zh reaches it."""
    found = []
    for path in (ROOT / "scenes").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "label":
                first = node.args[0] if node.args else None
                values = getattr(first, "values", [])  # the constant parts of an f-string
                parts = (
                    [first]
                    if isinstance(first, ast.Constant)
                    else [v for v in values if isinstance(v, ast.Constant)]
                )
                for part in parts:
                    if isinstance(part.value, str) and english_words(part.value):
                        found.append(f"{path.name}:{node.lineno} {part.value!r}")
    assert not found, found
