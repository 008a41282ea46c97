"""The one place for colours, fonts, sizes and language (en / zh).

Plain data only: the figure layer turns ``matplotlib_rc`` into an
``rc_context`` and the scenes read the Manim colours from here, so a theme
change reaches every picture and video at once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dlviz.topics import TOPICS

THEMES = ("light", "dark")
LANGS = ("en", "zh")

# Noto CJK ships with Debian's fonts-noto-cjk; listed after the Latin font,
# matplotlib falls back to it glyph by glyph, so mixed text renders whole.
CJK_SANS = "Noto Sans CJK SC"
CJK_SERIF = "Noto Serif CJK SC"
MONOSPACE = ["DejaVu Sans Mono", CJK_SANS]  # aligned columns; Chinese falls back


@dataclass(frozen=True)
class Theme:
    """Colours and sizes for one look; ``figsize`` in inches at ``dpi``."""

    name: str
    background: str
    foreground: str
    muted: str
    grid: str
    cmap: str
    minimum: str  # marker colour for minima
    saddle: str
    palette: tuple[str, ...]  # series colours, colour-blind safe order
    figsize: tuple[float, float]
    dpi: int
    font_size: float
    title_size: float
    serif: bool


# The line a ReLU unit adds, as it cuts the regions (videos): unlike every fill.
CUT_COLOUR = "#c2185b"

# Pastel fills for ReLU regions (figures and videos): neighbours must differ.
REGION_COLOURS = (
    "#8dd3c7",
    "#ffffb3",
    "#bebada",
    "#fb8072",
    "#80b1d3",
    "#fdb462",
    "#b3de69",
    "#fccde5",
    "#d9d9d9",
    "#bc80bd",
    "#ccebc5",
    "#ffed6f",
)


LIGHT = Theme(
    name="light",
    background="#ffffff",
    foreground="#1a1a1a",
    muted="#6b6b6b",
    grid="#d9d9d9",
    cmap="viridis",
    minimum="#d62728",
    saddle="#ff7f0e",
    # one colour per optimizer, in dlviz.compute.optimizers.NAMES order
    palette=(
        "#0072b2",
        "#e69f00",
        "#009e73",
        "#cc79a7",
        "#8c564b",
        "#56b4e9",
        "#9467bd",
        "#7f7f7f",
        "#d55e00",
    ),
    figsize=(6.4, 4.8),
    dpi=150,
    font_size=10.0,
    title_size=11.0,
    serif=True,
)
# Lecture slides: 16:9, large type, a background that is easy on a projector.
DARK = Theme(
    name="dark",
    background="#111318",
    foreground="#eceff4",
    muted="#9aa3b2",
    grid="#3b4252",
    cmap="magma",
    minimum="#5ee0ff",
    saddle="#ffd166",
    palette=(
        "#79c0ff",
        "#f0e442",
        "#7ee787",
        "#e59ad0",
        "#d29922",
        "#b392f0",
        "#56d4dd",
        "#c9d1d9",
        "#ff6b6b",
    ),
    figsize=(12.8, 7.2),
    dpi=150,
    font_size=18.0,
    title_size=22.0,
    serif=False,
)

_THEMES = {"light": LIGHT, "dark": DARK}


# One line style and marker per optimizer (dlviz.compute.optimizers.NAMES order),
# so paths and loss curves tell apart in grey print and on a washed-out projector.
OPTIMIZER_LINES = (
    ("-", "o"),
    ("--", "s"),
    ("-", "^"),
    ("--", "v"),
    (":", "D"),
    ("-.", "P"),
    ("-.", "h"),
    (":", "<"),
    ("-", "d"),
)


def series_color(theme: Theme, index: int) -> str:
    """The colour of series ``index`` (optimizers use their place in the list)."""
    return theme.palette[index % len(theme.palette)]


def get_theme(name: str) -> Theme:
    return _THEMES[name]


def font_family(theme: Theme) -> list[str]:
    """Latin font first, CJK after it: matplotlib falls back per glyph."""
    if theme.serif:
        return ["DejaVu Serif", CJK_SERIF, CJK_SANS]
    return ["DejaVu Sans", CJK_SANS]


def matplotlib_rc(theme: Theme) -> dict:
    """rcParams for ``matplotlib.rc_context``; also pins what would make
    output files differ between runs (SVG ids). The font list serves both
    languages: Latin glyphs come from the first font, Chinese from the next."""
    return {
        "font.family": font_family(theme),
        "font.size": theme.font_size,
        "axes.titlesize": theme.title_size,
        "axes.labelsize": theme.font_size,
        "mathtext.fontset": "dejavuserif" if theme.serif else "dejavusans",
        "axes.unicode_minus": False,  # U+2212 is missing from some CJK fonts
        "figure.facecolor": theme.background,
        "savefig.facecolor": theme.background,
        "axes.facecolor": theme.background,
        "axes.edgecolor": theme.foreground,
        "axes.labelcolor": theme.foreground,
        "text.color": theme.foreground,
        "xtick.color": theme.foreground,
        "ytick.color": theme.foreground,
        "grid.color": theme.grid,
        "legend.facecolor": theme.background,
        "legend.edgecolor": theme.muted,
        "figure.dpi": theme.dpi,
        "savefig.dpi": theme.dpi,
        "svg.hashsalt": "dlviz",
        "svg.fonttype": "path",
    }


# Colour maps as evenly spaced anchors, for the Manim scenes (which draw
# images without matplotlib); the same maps matplotlib uses by name.
CMAP_ANCHORS = {
    "viridis": (
        "#440154",
        "#472d7b",
        "#3b528b",
        "#2c728e",
        "#21918c",
        "#28ae80",
        "#5ec962",
        "#addc30",
        "#fde725",
    ),
    "magma": (
        "#000004",
        "#1d1147",
        "#51127c",
        "#832681",
        "#b73779",
        "#e75263",
        "#fc8961",
        "#fec488",
        "#fcfdbf",
    ),
}


# Manim (Pango) font for plain text; Chinese needs the CJK family.
def manim_font(lang: str) -> str:
    return CJK_SANS if lang == "zh" else "DejaVu Sans"


# --------------------------------------------------------------------------- language

_SHARED_STRINGS: dict[str, dict[str, str]] = {
    "loss": {"en": "loss", "zh": "损失"},
    "minimum": {"en": "minimum", "zh": "最小值"},
    "intercept": {"en": "intercept", "zh": "截距"},
    "slope": {"en": "slope", "zh": "斜率"},
    "offset": {"en": "offset", "zh": "偏移"},
    "frequency": {"en": "frequency", "zh": "频率"},
    "step": {"en": "step", "zh": "步数"},
    "none": {"en": "none", "zh": "无"},
    "sped_up": {"en": "the next {n} at {k}× speed", "zh": "接下来的 {n} 个以 {k} 倍速播放"},
    "depth": {"en": "depth (hidden layers)", "zh": "深度（隐藏层数）"},
    "width": {"en": "width", "zh": "宽度"},
}


def _all_strings() -> dict[str, dict[str, str]]:
    """The shared labels and every registered topic's own (dlviz.topics)."""
    merged = dict(_SHARED_STRINGS)
    for topic in TOPICS:
        clash = merged.keys() & topic.strings.keys()
        if clash:
            raise ValueError(f"{topic.name} redefines the labels {sorted(clash)}")
        merged.update(topic.strings)
    return merged


STRINGS = _all_strings()

LANDSCAPE_NAMES: dict[str, dict[str, str]] = {
    "gabor": {"en": "Gabor model", "zh": "Gabor 模型"},
    "linear": {"en": "linear regression", "zh": "线性回归"},
    "rosenbrock": {"en": "Rosenbrock", "zh": "Rosenbrock 函数"},
    "rastrigin": {"en": "Rastrigin", "zh": "Rastrigin 函数"},
    "beale": {"en": "Beale", "zh": "Beale 函数"},
    "himmelblau": {"en": "Himmelblau", "zh": "Himmelblau 函数"},
    "quadratic": {"en": "quadratic bowl", "zh": "二次函数"},
    "saddle": {"en": "saddle", "zh": "鞍面"},
}


def text(key: str, lang: str, **fields: object) -> str:
    """The label ``key`` in ``lang``, with ``{fields}`` filled in."""
    return STRINGS[key][lang].format(**fields)


def landscape_name(name: str, lang: str) -> str:
    return LANDSCAPE_NAMES[name][lang]


_PARAMETER_KEYS = {"gabor": ("offset", "frequency"), "linear": ("intercept", "slope")}


def landscape_axis_names(name: str, lang: str) -> tuple[str, str]:
    """'φ₀ (offset)' for the data models, 'x' and 'y' for the test functions.
    Unicode rather than mathtext: mathtext cannot set Chinese in one string."""
    if name not in _PARAMETER_KEYS:
        return "x", "y"
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    first, second = _PARAMETER_KEYS[name]
    return (f"φ₀{open_}{text(first, lang)}{close}", f"φ₁{open_}{text(second, lang)}{close}")


# The course's Chinese names; the English ones are the code names.
OPTIMIZER_NAMES_ZH = {
    "gd": "梯度下降",
    "sgd": "随机梯度下降",
    "momentum": "动量法",
    "nesterov": "Nesterov 动量",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adadelta": "AdaDelta",
    "adam": "Adam",
    "normalized": "归一化梯度",
}
HYPERPARAMETER_NAMES_ZH = {
    "lr": "学习率",
    "momentum": "动量",
    "rho": "ρ",
    "beta1": "β₁",
    "beta2": "β₂",
    "eps": "ε",
    "dampening": "阻尼",
    "weight_decay": "权重衰减",
    "lr_decay": "学习率衰减",
    "initial_accumulator_value": "初始累加值",
    "centered": "中心化",
    "amsgrad": "AMSGrad",
    "nesterov": "Nesterov",
    "batch_size": "批量",
    "noise": "噪声σ",
}
# English labels where the code name reads badly on a figure
HYPERPARAMETER_NAMES_EN = {
    "eps": "ε",
    "batch_size": "batch",
    "noise": "noise σ",
    "initial_accumulator_value": "initial_accumulator",
}
ATTENTION_KINDS_ZH = {
    "dot": "点积",
    "scaled": "缩放点积",
    "additive": "加性",
    "self": "自注意力",
    "multihead": "多头",
}
_RULE_WORDS_ZH = (("minibatch mean", "小批量均值"), ("minibatch", "小批量"))


def _named(chinese: dict[str, str], name: str, lang: str) -> str:
    """A code name as labels show it: its Chinese name, or itself."""
    return chinese.get(name, name) if lang == "zh" else name


def optimizer_name(name: str, lang: str) -> str:
    return _named(OPTIMIZER_NAMES_ZH, name, lang)


def hyperparameter_name(name: str, lang: str) -> str:
    if lang == "en":
        return HYPERPARAMETER_NAMES_EN.get(name, name)
    return _named(HYPERPARAMETER_NAMES_ZH, name, lang)


def attention_kind(kind: str, lang: str) -> str:
    return _named(ATTENTION_KINDS_ZH, kind, lang)


def rule_text(rule: str, lang: str) -> str:
    """An update rule's plain text, its words in the label language."""
    if lang == "zh":
        for en, zh in _RULE_WORDS_ZH:
            rule = rule.replace(en, zh)
    return rule


def _listed(names, lang: str) -> str:
    """'gd', 'gd and sgd', 'gd, sgd and momentum' (Chinese: 'gd、sgd和momentum')."""
    names = list(names)
    if len(names) == 1:
        return names[0]
    return text("lesson_comma", lang).join(names[:-1]) + text("lesson_and", lang) + names[-1]


def lesson_text(taught, lang: str = "en") -> str:
    """The caption: what this run shows, in its own numbers, e.g. 'In 300
    steps from (−1, 6.5): adam (step 178) reached the global minimum; gd and
    momentum did not; sgd reached it in 0 of 20 seeds.' ``taught``: a
    ``dlviz.compute.optimizers.Lesson``, or None (several starts: no caption)."""
    if taught is None:
        return ""
    parts = []
    if taught.reached:
        items = [
            text("lesson_reached_item", lang, name=optimizer_name(n, lang), step=step)
            for n, step in taught.reached
        ]
        parts.append(text("lesson_reached", lang, names=_listed(items, lang)))
    if taught.missed:
        names = _listed((optimizer_name(n, lang) for n in taught.missed), lang)
        key = "lesson_missed" if taught.reached else "lesson_missed_alone"
        parts.append(text(key, lang, names=names))
    for n, k, seeds in taught.fans:
        parts.append(text("lesson_fan", lang, name=optimizer_name(n, lang), k=k, n=seeds))
    x, y = taught.start
    key = "lesson_start" if taught.steps != 1 else "lesson_start_one"
    start = text(key, lang, steps=taught.steps, x=x, y=y)
    return start + text("lesson_join", lang).join(parts) + text("lesson_end", lang)


def cells(s: str, wide: float = 5 / 3) -> float:
    """Width in monospace cells; a CJK glyph counts ``wide`` cells (about 5/3
    in a monospace font, 2 beside a proportional Latin face)."""
    return sum(wide if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


_BREAK_AFTER = " ，、；：。）"  # a line may end after these
_NO_START = "，、；：。）"  # and no line starts with these


def wrap(s: str, width: float, wide: float = 5 / 3) -> str:
    """``s`` broken into lines at most ``width`` cells wide: at spaces, after
    Chinese punctuation, or between two Chinese characters (textwrap breaks
    only at spaces, so a Chinese sentence would run off the figure)."""
    out = []
    for line in s.split("\n"):
        while cells(line, wide) > width:
            cut = _break(line, width, wide)
            out.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        out.append(line)
    return "\n".join(out)


def _break(line: str, width: float, wide: float) -> int:
    best, used = 0, 0.0
    for i, ch in enumerate(line[:-1]):
        used += cells(ch, wide)
        if used > width:
            break
        after = line[i + 1]
        cjk = cells(ch + after, 2) == 4
        if (ch in _BREAK_AFTER or cjk) and after not in _NO_START:
            best = i + 1
    return best or max(1, int(width))


def step_text(result, variant: str, k: int, lang: str) -> str:
    """One variant's measured E[h²] across block k, with the theory's factor
    (``result``: a ``dlviz.compute.residual.VarianceResult``)."""
    m = result.mean(variant)
    theory = result.theory.get(variant)
    factor = float(theory[k] / theory[k - 1]) if theory is not None else float("nan")
    return text(
        "residual_step",
        lang,
        name=text(variant, lang),
        before=m[k - 1],
        after=m[k],
        prev=k - 1,
        k=k,
        ratio=m[k] / m[k - 1],
        theory=factor,
    )
