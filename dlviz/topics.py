"""The registry of topics: one entry per topic, the one place that names it.

A topic ``name`` has a module of that name in each layer (``dlviz.compute``,
``dlviz.render``, ``dlviz.scenes``, ``dlviz.cli``); its entry here gives its
title, its one-line help and its gallery items. The command line registers
one command per entry and the gallery draws the items, building each one's
spec in Python from ``requests`` (what the topic's ``make_spec`` takes),
while ``args`` is the command a user types for the same picture (a test
checks that both give the same spec).

Standard library only: ``dlviz --help`` imports this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """One gallery picture or video of ``topic``."""

    topic: str
    name: str
    args: tuple[str, ...]  # the command line after `dlviz`
    # the spec requests of the same picture (not part of an item's identity)
    requests: Mapping = field(default_factory=dict, hash=False, compare=False)
    video: bool = False

    @property
    def stem(self) -> str:
        return f"{self.name}-video" if self.video else self.name


@dataclass(frozen=True)
class Topic:
    """A topic: its command name, title (English, Chinese), one-line help and gallery items."""

    name: str
    title: tuple[str, str]
    short_help: str
    figures: tuple[Item, ...]
    video: Item  # the lecture video of the gallery's --videos


def _topic(name: str, title, short_help: str, *figures: tuple[str, tuple, dict]) -> Topic:
    items = tuple(Item(name, stem, (name, *args), requests) for stem, args, requests in figures)
    first = items[0]
    return Topic(
        name,
        title,
        short_help,
        items,
        Item(name, first.name, first.args, first.requests, video=True),
    )


TOPICS: tuple[Topic, ...] = (
    _topic(
        "optimizers",
        ("Optimizers", "优化器"),
        "Optimizers racing over a loss landscape.  e.g. dlviz optimizers --landscape gabor",
        ("optimizers-gabor", ("--landscape", "gabor"), {"landscape": "gabor"}),
    ),
    _topic(
        "landscape",
        ("Loss landscapes", "损失函数曲面"),
        "Loss surfaces over two parameters.  e.g. dlviz landscape gabor",
        ("landscape-gabor", ("gabor",), {"name": "gabor"}),
        (
            "landscape-rosenbrock-surface",
            ("rosenbrock", "--view", "surface"),
            {"name": "rosenbrock", "view": "surface"},
        ),
    ),
    _topic(
        "conv",
        ("Convolution", "卷积"),
        "Convolution sliding windows.  e.g. dlviz conv --input 7x7 --kernel 3x3 --stride 2",
        ("conv", (), {}),
        ("conv-ng-edge", ("--example", "ng-edge"), {"example": "ng-edge"}),
    ),
    _topic(
        "relu",
        ("ReLU linear regions", "ReLU 线性区域"),
        "ReLU networks' exact linear regions.  e.g. dlviz relu --widths 16,16",
        ("relu-2d", (), {}),
        ("relu-1d", ("--input-dim", "1"), {"input_dim": 1}),
    ),
    _topic(
        "residual",
        ("Residual variance", "残差网络的方差"),
        "Activation variance through residual networks.  e.g. dlviz residual --depth 30",
        ("residual", (), {}),
    ),
    _topic(
        "attention",
        ("Attention", "注意力"),
        'Attention heatmaps.  e.g. dlviz attention --tokens "the cat sat on the mat"',
        ("attention", (), {}),
        (
            "attention-multihead",
            ("--kind", "multihead", "--heads", "4"),
            {"kind": "multihead", "heads": 4},
        ),
    ),
    _topic(
        "beam",
        ("Beam search", "束搜索"),
        "Beam search trees.  e.g. dlviz beam --beam-size 2",
        ("beam", (), {}),
    ),
)
BY_NAME = {t.name: t for t in TOPICS}
NAMES = tuple(BY_NAME)


def title(name: str, lang: str) -> str:
    """A topic's title in ``lang``."""
    return BY_NAME[name].title[lang == "zh"]
