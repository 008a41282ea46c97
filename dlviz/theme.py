"""The one place for colours, fonts, sizes and language (en / zh).

Plain data only: the figure layer turns ``matplotlib_rc`` into an
``rc_context`` and the scenes read the Manim colours from here, so a theme
change reaches every picture and video at once.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        "#56b4e9",
        "#009e73",
        "#004d40",
        "#8c564b",
        "#cc79a7",
        "#e69f00",
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
        "#a5d6ff",
        "#7ee787",
        "#3fb950",
        "#d29922",
        "#d2a8ff",
        "#ffd166",
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

STRINGS: dict[str, dict[str, str]] = {
    "loss": {"en": "loss", "zh": "损失"},
    "loss_function": {"en": "Loss function", "zh": "损失函数"},
    "log_loss": {"en": "log₁₀ loss", "zh": "log₁₀ 损失"},
    "minimum": {"en": "minimum", "zh": "最小值"},
    "global_minimum": {"en": "global minimum", "zh": "全局最小值"},
    "saddle_point": {"en": "saddle point", "zh": "鞍点"},
    "landscape_title": {"en": "Loss landscape: {name}", "zh": "损失曲面：{name}"},
    "intercept": {"en": "intercept", "zh": "截距"},
    "slope": {"en": "slope", "zh": "斜率"},
    "offset": {"en": "offset", "zh": "偏移"},
    "frequency": {"en": "frequency", "zh": "频率"},
    "training_data": {"en": "training data", "zh": "训练数据"},
    "best_fit": {"en": "best fit", "zh": "最优拟合"},
    "parameter": {"en": "parameter", "zh": "参数"},
    "start": {"en": "start", "zh": "起点"},
    "step": {"en": "step", "zh": "步数"},
    "diverged": {"en": "diverged", "zh": "发散"},
    "final_loss": {"en": "final loss", "zh": "最终损失"},
    "reached_minimum": {"en": "minimum reached", "zh": "到达的最小值"},
    "none": {"en": "none", "zh": "无"},
    "optimizers_title": {
        "en": "Optimizers on the {name} ({convention} rules)",
        "zh": "{name}上的优化器（{convention} 规则）",
    },
    "basins_title": {
        "en": "Basins of {optimizer}: {n} × {n} starts, {steps} steps",
        "zh": "{optimizer} 的吸引域：{n} × {n} 个起点，{steps} 步",
    },
    "learning_rate": {"en": "learning rate", "zh": "学习率"},
    "convention_defaults": {
        "en": "{convention} defaults: {values}; a minibatch's gradient is the {reduction} "
        "over the batch",
        "zh": "{convention} 默认值：{values}；小批量梯度取批内{reduction}",
    },
    "sum": {"en": "sum", "zh": "求和"},
    "mean": {"en": "mean", "zh": "均值"},
    "conv_title": {
        "en": "{kind}: {input} input, {kernel} window → {output} output",
        "zh": "{kind}：输入 {input}，窗口 {kernel} → 输出 {output}",
    },
    "conv": {"en": "Convolution", "zh": "卷积"},
    "conv_transposed": {"en": "Transposed convolution", "zh": "转置卷积"},
    "pool_max": {"en": "Max pooling", "zh": "最大汇聚"},
    "pool_avg": {"en": "Average pooling", "zh": "平均汇聚"},
    "conv_input": {"en": "input (padding shaded)", "zh": "输入（阴影为填充）"},
    "conv_output": {"en": "output", "zh": "输出"},
    "conv_channels_title": {
        "en": "{channels} input channels: each kernel slice sums its channel",
        "zh": "{channels} 个输入通道：各通道与卷积核切片相乘求和后相加",
    },
    "input": {"en": "input", "zh": "输入"},
    "rf_column": {"en": "input cells seen", "zh": "看到的输入单元"},
    "kernel": {"en": "kernel", "zh": "卷积核"},
    "flipped_kernel": {"en": "kernel, flipped", "zh": "翻转的卷积核"},
    "pool_window": {"en": "window", "zh": "汇聚窗口"},
    "zero_inserted": {"en": "input with zeros inserted", "zh": "插入零后的输入"},
    "receptive_title": {
        "en": "Receptive field: one output cell sees {size} input cells",
        "zh": "感受野：一个输出单元看到 {size} 个输入单元",
    },
    "stride": {"en": "stride", "zh": "步幅"},
    "joints": {"en": "{n} joints", "zh": "{n} 个折点"},
    "network_output": {"en": "network output", "zh": "网络输出"},
    "layer_units": {"en": "layer {layer}", "zh": "第 {layer} 层"},
    "relu_title_1d": {
        "en": "A ReLU network ({widths}) is piecewise linear: {n} pieces",
        "zh": "ReLU 网络（{widths}）是分段线性函数：{n} 段",
    },
    "relu_title_2d": {
        "en": "Linear regions of a ReLU network ({widths})",
        "zh": "ReLU 网络（{widths}）的线性区域",
    },
    "regions_found": {"en": "{n} linear regions", "zh": "{n} 个线性区域"},
    "relu_cut_frame": {
        "en": "layer {layer}, unit {unit}: {n} regions",
        "zh": "第 {layer} 层，第 {unit} 个单元：{n} 个区域",
    },
    "relu_sum_frame": {
        "en": "units added: {k} of {n} (blue: the unit just added)",
        "zh": "已相加的单元：{k} / {n}（蓝色：刚加入的单元）",
    },
    "layer_boundary": {"en": "layer {layer} boundaries", "zh": "第 {layer} 层边界"},
    "regions_measured": {
        "en": "regions (exact, mean and range over seeds)",
        "zh": "区域数（精确，多个种子的均值与范围）",
    },
    "regions_bound": {"en": "upper bound", "zh": "上界"},
    "regions_constructed": {
        "en": "sawtooth construction (same depth × width)",
        "zh": "锯齿构造（相同深度 × 宽度）",
    },
    "regions": {"en": "linear regions", "zh": "线性区域数"},
    "depth": {"en": "depth (hidden layers)", "zh": "深度（隐藏层数）"},
    "plain": {"en": "plain", "zh": "普通网络"},
    "residual": {"en": "residual", "zh": "残差"},
    "scaled": {"en": "scaled residual (÷√2)", "zh": "缩放残差（÷√2）"},
    "batchnorm": {"en": "residual + batch norm", "zh": "残差 + 批量规范化"},
    "block": {"en": "block", "zh": "块"},
    "second_moment": {"en": "E[h²] (second moment)", "zh": "E[h²]（二阶矩）"},
    "batch_variance": {"en": "variance over the batch", "zh": "批内方差"},
    "theory": {"en": "theory", "zh": "理论值"},
    "keys": {"en": "keys", "zh": "键"},
    "scores": {"en": "scores", "zh": "分数"},
    "per_input_channel": {"en": "per input channel", "zh": "按输入通道"},
    "attention_output": {"en": "output = {total}", "zh": "输出 = {total}"},
    "beam_title": {
        "en": "Beam search tree (k = {k}, length penalty α = {alpha}; d2l)",
        "zh": "束搜索树（束宽 k = {k}，长度惩罚 α = {alpha}；d2l 约定）",
    },
    "beam_title_hf": {
        "en": "Beam search tree (k = {k}, length penalty α = {alpha}; transformers)",
        "zh": "束搜索树（束宽 k = {k}，长度惩罚 α = {alpha}；transformers 约定）",
    },
    "score": {"en": "score", "zh": "得分"},
    "beam_kept": {"en": "kept", "zh": "保留"},
    "beam_pruned": {"en": "pruned", "zh": "剪枝"},
    "beam_finished": {
        "en": "finished (final candidates: score below)",
        "zh": "已结束（最终候选：下方为得分）",
    },
    "beam_cut": {"en": "kept past the end token (cut off)", "zh": "结束词元之后仍保留（被截去）"},
    "beam_chosen": {"en": "chosen answer", "zh": "选中的答案"},
    "beam_expand": {
        "en": "step {step}: extend every kept sequence by every token (cumulative log P shown)",
        "zh": "第 {step} 步：用每个词元扩展每个保留的序列，并标出累计 log P",
    },
    "beam_prune": {
        "en": "step {step}: keep the {k} best by cumulative log P, prune the rest",
        "zh": "第 {step} 步：按累计 log P 保留最好的 {k} 个，其余剪枝",
    },
    "beam_choose": {
        "en": "the answer: the best candidate by (1/L^α)·Σ log P",
        "zh": "答案：按 (1/L^α)·Σ log P 选出最好的候选",
    },
    "greedy": {"en": "greedy", "zh": "贪心搜索"},
    "beam": {"en": "beam", "zh": "束搜索"},
    "exhaustive": {"en": "exhaustive", "zh": "穷举搜索"},
    "queries": {"en": "queries", "zh": "查询"},
    "head": {"en": "head {h}", "zh": "第 {h} 个头"},
    "attention_weight": {"en": "attention weight", "zh": "注意力权重"},
    "scores_scaled": {"en": "score ÷ largest |score|", "zh": "分数 ÷ 最大 |分数|"},
    "attention_frame": {
        "en": "query “{token}”: softmax over its scores gives its weights",
        "zh": "查询“{token}”：对其分数做 softmax 得到权重",
    },
    "attention_title": {"en": "Attention weights ({kind})", "zh": "注意力权重（{kind}）"},
    "activation": {"en": "activation value", "zh": "激活值"},
    "gradient_second_moment": {"en": "E[g²] ÷ E[g²] at the output", "zh": "E[g²] ÷ 输出处的 E[g²]"},
    "residual_title": {
        "en": "Activations through depth at initialisation (D = {width}, B = {batch})",
        "zh": "初始化时激活值随深度的变化（D = {width}，B = {batch}）",
    },
    "width": {"en": "width", "zh": "宽度"},
    "sweep_title": {
        "en": "Regions at a budget of about {budget} parameters",
        "zh": "约 {budget} 个参数时的区域数",
    },
    "padding": {"en": "padding", "zh": "填充"},
    "step_taken": {"en": "step taken", "zh": "实际更新"},
    "optimizer_step_title": {
        "en": "{optimizer}, step by step, on the {name}",
        "zh": "{optimizer} 逐步更新：{name}",
    },
    "momentum": {"en": "momentum", "zh": "动量"},
    "gradient": {"en": "gradient", "zh": "梯度"},
}

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
