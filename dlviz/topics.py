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
    # its labels, key → {"en": ..., "zh": ...}; dlviz.theme.text finds them
    strings: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)


def _topic(
    name: str, title, short_help: str, strings: Mapping, *figures: tuple[str, tuple, dict]
) -> Topic:
    items = tuple(Item(name, stem, (name, *args), requests) for stem, args, requests in figures)
    first = items[0]
    video = Item(name, first.name, first.args, first.requests, video=True)
    return Topic(name, title, short_help, items, video, strings)


# Each topic's labels in English and Chinese (the course's terms).
_OPTIMIZERS_STRINGS = {
    "outcome_reached": {
        "en": "→ global minimum at step {step}",
        "zh": "→ 第 {step} 步到达全局最小值",
    },
    "outcome_diverged": {"en": "→ diverged at step {step}", "zh": "→ 第 {step} 步发散"},
    "outcome_local_minimum": {
        "en": "→ stuck in a local minimum at ({x:.3g}, {y:.3g}), loss {loss:.3g}",
        "zh": "→ 陷入局部最小值 ({x:.3g}, {y:.3g})，损失 {loss:.3g}",
    },
    "outcome_saddle_region": {
        "en": "→ stalled at ({x:.3g}, {y:.3g}), loss {loss:.3g} (down {fell:.2g} in the last "
        "{over} steps): a saddle region, Hessian eigenvalues {e0:.2g}, {e1:.2g}",
        "zh": "→ 停滞于 ({x:.3g}, {y:.3g})，损失 {loss:.3g}（最后 {over} 步只下降 {fell:.2g}）："
        "鞍点区域，海森矩阵特征值 {e0:.2g}, {e1:.2g}",
    },
    "outcome_plateau": {
        "en": "→ stalled on a plateau at ({x:.3g}, {y:.3g}), loss {loss:.3g} "
        "(down {fell:.2g} in the last {over} steps)",
        "zh": "→ 停滞于平坦区域 ({x:.3g}, {y:.3g})，损失 {loss:.3g}"
        "（最后 {over} 步只下降 {fell:.2g}）",
    },
    "outcome_descending": {
        "en": "→ after {step} steps at ({x:.3g}, {y:.3g}), loss {loss:.3g}, still descending",
        "zh": "→ {step} 步后位于 ({x:.3g}, {y:.3g})，损失 {loss:.3g}，仍在下降",
    },
    "lesson_start": {
        "en": "In {steps} steps from ({x:.3g}, {y:.3g}): ",
        "zh": "从 ({x:.3g}, {y:.3g}) 出发的 {steps} 步内：",
    },
    "lesson_start_one": {
        "en": "In one step from ({x:.3g}, {y:.3g}): ",
        "zh": "从 ({x:.3g}, {y:.3g}) 出发的一步内：",
    },
    "lesson_reached_item": {"en": "{name} (step {step})", "zh": "{name}（第 {step} 步）"},
    "lesson_reached": {"en": "{names} reached the global minimum", "zh": "{names}到达全局最小值"},
    "lesson_missed": {"en": "{names} did not", "zh": "{names}未到达"},
    "lesson_missed_alone": {
        "en": "{names} did not reach the global minimum",
        "zh": "{names}未到达全局最小值",
    },
    "lesson_fan": {
        "en": "{name} reached it in {k} of {n} seeds",
        "zh": "{name}的 {n} 个随机种子中 {k} 个到达",
    },
    "lesson_and": {"en": " and ", "zh": "和"},
    "lesson_comma": {"en": ", ", "zh": "、"},
    "lesson_join": {"en": "; ", "zh": "；"},
    "lesson_end": {"en": ".", "zh": "。"},
    "outcome_fan": {
        "en": "→ global minimum in {k} of {n} seeds (final losses {low:.3g} to {high:.3g})",
        "zh": "→ {n} 个随机种子中 {k} 个到达全局最小值（最终损失 {low:.3g} 至 {high:.3g}）",
    },
    "outcome_count": {
        "en": "→ global minimum from {n} of {total} starts",
        "zh": "→ {total} 个起点中 {n} 个到达全局最小值",
    },
    "loss_gap": {"en": "L − L*", "zh": "L − L*"},
    "loss_gap_title": {"en": "loss above the minimum", "zh": "高于最小值的损失"},
    "start": {"en": "start", "zh": "起点"},
    "diverged": {"en": "diverged", "zh": "发散"},
    "final_loss": {"en": "final loss", "zh": "最终损失"},
    "reached_minimum": {"en": "minimum reached", "zh": "到达的最小值"},
    "optimizers_title": {
        "en": "Optimizers on the {name} ({convention} rules)",
        "zh": "{name}上的优化器（{convention} 规则）",
    },
    "basins_title": {
        "en": "Basins of {optimizer}: {n} × {n} starts, {steps} steps",
        "zh": "{optimizer} 的吸引域：{n} × {n} 个起点，{steps} 步",
    },
    "convention_defaults": {
        "en": "{convention} defaults: {values}; a minibatch's gradient is the {reduction} "
        "over the batch",
        "zh": "{convention} 默认值：{values}；小批量梯度取批内{reduction}",
    },
    "convention_reduction": {
        "en": "{convention}: a minibatch's gradient is the {reduction} over the batch",
        "zh": "{convention}：小批量梯度取批内{reduction}",
    },
    "sum": {"en": "sum", "zh": "求和"},
    "mean": {"en": "mean", "zh": "均值"},
    "step_taken": {"en": "step taken", "zh": "实际更新"},
    "optimizer_step_title": {
        "en": "{optimizer}, step by step, on the {name}",
        "zh": "{optimizer} 逐步更新：{name}",
    },
    "momentum": {"en": "momentum", "zh": "动量"},
    "gradient": {"en": "gradient", "zh": "梯度"},
}

_LANDSCAPE_STRINGS = {
    "local_minimum": {"en": "local minimum", "zh": "局部最小值"},
    "log_loss": {"en": "log₁₀ loss", "zh": "log₁₀ 损失"},
    "global_minimum": {"en": "global minimum", "zh": "全局最小值"},
    "saddle_point": {"en": "saddle point", "zh": "鞍点"},
    "landscape_title": {"en": "Loss landscape: {name}", "zh": "损失曲面：{name}"},
    "training_data": {"en": "training data", "zh": "训练数据"},
    "best_fit": {"en": "best fit", "zh": "最优拟合"},
}

_CONV_STRINGS = {
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
    "conv_output_channel": {"en": "output channel {k}", "zh": "输出通道 {k}"},
    "conv_input_channel": {"en": "input channel {k}", "zh": "输入通道 {k}"},
    "conv_kernel_slice": {"en": "kernel[{out}, {k}]", "zh": "卷积核[{out}, {k}]"},
    "conv_more_channels": {
        "en": "input channels {first}–{last} not drawn; their sums are in the total",
        "zh": "未画出输入通道 {first}–{last}；其部分和已计入总和",
    },
    "conv_next_kernel": {
        "en": "output channel {k}: the same windows with kernel {k}",
        "zh": "输出通道 {k}：相同的窗口，使用第 {k} 个卷积核",
    },
    "conv_channels": {"en": "{cin} → {cout} channels", "zh": "{cin} → {cout} 个通道"},
    "kernel_for": {"en": "kernel of output channel 1", "zh": "输出通道 1 的卷积核"},
    "inserted_zero": {
        "en": "inserted zero (stride − 1 between values)",
        "zh": "插入的零（值之间 步幅 − 1 个）",
    },
    "padding_zero": {"en": "padding", "zh": "填充"},
    "conv_channels_title": {
        "en": "{channels} input channels: each kernel slice sums its channel",
        "zh": "{channels} 个输入通道：各通道与卷积核切片相乘求和后相加",
    },
    "input": {"en": "input", "zh": "输入"},
    "rf_column": {"en": "span (input positions)", "zh": "跨度（输入位置）"},
    "kernel": {"en": "kernel", "zh": "卷积核"},
    "flipped_kernel": {"en": "kernel, flipped", "zh": "翻转的卷积核"},
    "pool_window": {"en": "window", "zh": "汇聚窗口"},
    "zero_inserted": {"en": "input with zeros inserted", "zh": "插入零后的输入"},
    "receptive_title": {
        "en": "Receptive field: one output cell depends on {cells} input cells",
        "zh": "感受野：一个输出单元依赖 {cells} 个输入单元",
    },
    "receptive_span": {
        "en": "its field spans {size} positions",
        "zh": "其感受野跨 {size} 个位置",
    },
    "receptive_padding": {"en": "{n} in the padding", "zh": "{n} 个在填充中"},
    "receptive_skipped": {"en": "{n} skipped by dilation", "zh": "{n} 个被空洞跳过"},
    "stride": {"en": "stride", "zh": "步幅"},
    "per_input_channel": {"en": "per input channel", "zh": "按输入通道"},
    "bias": {"en": "bias", "zh": "偏置"},
    "padding": {"en": "padding", "zh": "填充"},
}

_RELU_STRINGS = {
    "fit_target_sin": {"en": "sin x on [{a}, {b}]", "zh": "sin x（区间 [{a}, {b}]）"},
    "fit_target_abs": {"en": "|x| on [{a}, {b}]", "zh": "|x|（区间 [{a}, {b}]）"},
    "fit_target_step": {
        "en": "a step at 0 on [{a}, {b}]",
        "zh": "0 处的阶跃函数（区间 [{a}, {b}]）",
    },
    "fit_target_file": {"en": "the samples on [{a}, {b}]", "zh": "给定样本（区间 [{a}, {b}]）"},
    "fit_target": {"en": "target f(x)", "zh": "目标函数 f(x)"},
    "fit_network": {
        "en": "ReLU network, {d} units (one colour a piece)",
        "zh": "ReLU 网络，{d} 个单元（每段一种颜色）",
    },
    "fit_partial": {"en": "the first {k} of {d} units", "zh": "前 {k} 个单元（共 {d} 个）"},
    "fit_knots": {"en": "{n} knots, where it equals f", "zh": "{n} 个节点（与 f 相等）"},
    "fit_error": {"en": "max |f − fit|", "zh": "最大误差 |f − 拟合|"},
    "fit_error_zero": {"en": "0: the kink is a knot", "zh": "0：折点恰为节点"},
    "fit_bound_curvature": {"en": "bound h²/8·max|f″|", "zh": "上界 h²/8·max|f″|"},
    "fit_bound_lipschitz": {"en": "bound L·h/2", "zh": "上界 L·h/2"},
    "fit_this_run": {"en": "this run, D = {d}", "zh": "本次运行，D = {d}"},
    "fit_units_axis": {"en": "hidden units D", "zh": "隐藏单元数 D"},
    "fit_error_axis": {"en": "largest error", "zh": "最大误差"},
    "fit_parameters": {"en": "parameters: {eq}", "zh": "参数个数：{eq}"},
    "fit_regions": {
        "en": "linear regions on ℝ: {eq} (the first, left of the first knot, flat); "
        "{pieces} distinct pieces",
        "zh": "ℝ 上的线性区域：{eq}（第一个位于首个节点左侧，是平的）；不同的线性段 {pieces} 个",
    },
    "fit_error_line": {
        "en": "largest error {error} ≤ {bound}",
        "zh": "最大误差 {error} ≤ {bound}",
    },
    "fit_error_step": {
        "en": "largest error {error}: it does not fall with D, a continuous network cannot jump "
        "(the theorem asks for a continuous f)",
        "zh": "最大误差 {error}：不随 D 减小，连续的网络无法跳变（定理要求 f 连续）",
    },
    "fit_title": {
        "en": "A shallow ReLU network with D = {d} units interpolates {target}",
        "zh": "D = {d} 个单元的浅层 ReLU 网络插值 {target}",
    },
    "fit_frame": {
        "en": "{k} of {d} units: equal to f up to the knot t_{k}, then straight",
        "zh": "{d} 个单元中的前 {k} 个：直到节点 t_{k} 都与 f 相等，之后是直线",
    },
    "joints": {"en": "kinks (the slope changes): {n}", "zh": "折点（斜率改变）：{n}"},
    "silent_switches": {
        "en": "units switching, the line unchanged: {n}",
        "zh": "单元切换但直线不变：{n}",
    },
    "network_output": {"en": "network output", "zh": "网络输出"},
    "layer_units": {"en": "layer {layer}", "zh": "第 {layer} 层"},
    "fold_title": {
        "en": "Composing networks folds the input: f₁ has {first} pieces, f₂ has {second}, "
        "f₂∘f₁ has {both}",
        "zh": "组合网络折叠输入：f₁ 有 {first} 个线性片，f₂ 有 {second} 个，f₂∘f₁ 有 {both} 个",
    },
    "fold_first": {"en": "first network f₁", "zh": "第一个网络 f₁"},
    "fold_second": {
        "en": "second network f₂, on the values f₁ takes",
        "zh": "第二个网络 f₂（在 f₁ 的取值上）",
    },
    "fold_both": {"en": "the composition f₂ ∘ f₁", "zh": "组合 f₂ ∘ f₁"},
    "layers_skipped": {
        "en": "layers {first}–{last} not drawn (--data has them)",
        "zh": "第 {first}–{last} 层未画出（--data 中有）",
    },
    "relu_title_1d": {
        "en": "A ReLU network ({widths}) is piecewise linear\n"
        "linear pieces: {pieces} · activation regions: {n}",
        "zh": "ReLU 网络（{widths}）是分段线性函数\n线性片：{pieces} · 激活区域：{n}",
    },
    "relu_title_2d": {
        "en": "Linear regions of a ReLU network ({widths})",
        "zh": "ReLU 网络（{widths}）的线性区域",
    },
    "regions_found": {
        "en": "activation regions: {n} · linear pieces: {pieces}",
        "zh": "激活区域：{n} · 线性片：{pieces}",
    },
    "regions_found_n": {"en": "activation regions: {n}", "zh": "激活区域：{n}"},
    "relu_layer_first": {
        "en": "Layer 1: each unit adds a straight line where its input is 0",
        "zh": "第 1 层：每个单元在其输入为 0 处添加一条直线",
    },
    "relu_layer_deeper": {
        "en": "Layer {layer}: each unit's line is straight inside each region "
        "and bends where it crosses the earlier boundaries",
        "zh": "第 {layer} 层：每个单元的线在每个区域内是直的，穿过先前的边界时弯折",
    },
    "relu_cut_unit": {
        "en": "layer {layer}, unit {unit} of {units}",
        "zh": "第 {layer} 层，第 {unit} / {units} 个单元",
    },
    "relu_cut_split": {
        "en": "its line splits {split} of {before} regions",
        "zh": "它的线切开 {before} 个区域中的 {split} 个",
    },
    "bound_serra": {
        "en": "upper bound (Serra et al. 2018, Thm 1)",
        "zh": "上界（Serra 等 2018，定理 1）",
    },
    "bound_product": {
        "en": "product of per-layer bounds (after Montúfar et al. 2014)",
        "zh": "逐层上界之积（据 Montúfar 等 2014）",
    },
    "bound_shallow": {
        "en": "one hidden layer with as many units (for comparison, not a bound here)",
        "zh": "同样多单元的单隐藏层（仅作比较，并非此网络的上界）",
    },
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
    "regions_bound": {
        "en": "upper bound (Serra et al. 2018)",
        "zh": "上界（Serra 等 2018）",
    },
    "regions_constructed": {
        "en": "sawtooth construction (same depth × width)",
        "zh": "锯齿构造（相同深度 × 宽度）",
    },
    "regions": {"en": "activation regions", "zh": "激活区域数"},
    "sweep_shape_note": {
        "en": "by each point: its hidden widths (7×3,5: three layers of 7, then 5) and parameters",
        "zh": "各点旁：隐藏层宽度（7×3,5：三层宽 7，再一层宽 5）与参数个数",
    },
    "sweep_title": {
        "en": "Activation regions at a budget of {budget} parameters (each network: {low}–{high})",
        "zh": "预算 {budget} 个参数时的激活区域数（各网络：{low}–{high}）",
    },
}

_RESIDUAL_STRINGS = {
    "plain": {"en": "plain", "zh": "普通网络"},
    "residual": {"en": "residual", "zh": "残差"},
    "scaled": {"en": "scaled residual (÷√2)", "zh": "缩放残差（÷√2）"},
    "batchnorm": {"en": "residual + batch norm", "zh": "残差 + 批量规范化"},
    "block": {"en": "block", "zh": "块"},
    "residual_step": {
        "en": "{name}: E[h²] {before:.3g} at block {prev} → {after:.3g} at block {k} "
        "(×{ratio:.3g}, theory ×{theory:.3g})",
        "zh": "{name}：E[h²] 第 {prev} 块 {before:.3g} → 第 {k} 块 {after:.3g}"
        "（×{ratio:.3g}，理论 ×{theory:.3g}）",
    },
    "residual_identity": {
        "en": "at initialisation 2E[h·f(h)] = 0, so each block adds E[f(h)²]",
        "zh": "初始化时 2E[h·f(h)] = 0，所以每块加上 E[f(h)²]",
    },
    "second_moment": {"en": "E[h²] (second moment)", "zh": "E[h²]（二阶矩）"},
    "batch_variance": {"en": "variance over the batch", "zh": "批内方差"},
    "theory": {"en": "theory", "zh": "理论值"},
    "residual_band": {"en": "band: range over {n} runs", "zh": "色带：{n} 次运行的范围"},
    "residual_band_note": {
        "en": "At width {width} each run's E[h²] scatters about the infinite-width theory; "
        "the band is the range of {n} runs with fresh weights and inputs. Histograms: "
        "h / √E[h²] at each block, so the shape shows whatever the spread.",
        "zh": "宽度为 {width} 时，每次运行的 E[h²] 围绕无限宽理论值波动；"
        "色带是 {n} 次（权重与输入各自重新抽取）运行的范围。"
        "直方图：各块的 h / √E[h²]，无论尺度多大都能看出形状。",
    },
    "scaled_activation": {"en": "h / √E[h²] at that block", "zh": "该块处的 h / √E[h²]"},
    "activation": {"en": "activation value", "zh": "激活值"},
    "gradient_second_moment": {"en": "E[g²] ÷ E[g²] at the output", "zh": "E[g²] ÷ 输出处的 E[g²]"},
    "residual_title": {
        "en": "Activations through depth at initialisation (D = {width}, B = {batch})",
        "zh": "初始化时激活值随深度的变化（D = {width}，B = {batch}）",
    },
}

_ATTENTION_STRINGS = {
    "keys": {"en": "keys", "zh": "键"},
    "scores": {"en": "scores", "zh": "分数"},
    "attention_output": {"en": "output = {total}", "zh": "输出 = {total}"},
    "attention_more_terms": {
        "en": " + … ({n} more terms, each weight ≤ {w:.2f})",
        "zh": " + …（另 {n} 项，每项权重 ≤ {w:.2f}）",
    },
    "queries": {"en": "queries", "zh": "查询"},
    "head": {"en": "head {h}", "zh": "第 {h} 个头"},
    "attention_weight": {"en": "attention weight", "zh": "注意力权重"},
    "scores_scaled": {"en": "score ÷ largest |score|", "zh": "分数 ÷ 最大 |分数|"},
    "attention_frame": {
        "en": "query “{token}”: softmax over its scores gives its weights",
        "zh": "查询“{token}”：对其分数做 softmax 得到权重",
    },
    "pipeline_mask": {"en": "mask", "zh": "掩码"},
    "attention_weight_row": {
        "en": "weight ÷ its row's largest",
        "zh": "权重 ÷ 所在行的最大值",
    },
    "pipeline_concat": {"en": "concat", "zh": "拼接"},
    "attention_pipeline": {
        "en": "Attention step by step ({kind}) {head}: each matrix with its shape",
        "zh": "注意力的逐步计算（{kind}）{head}：每个矩阵标出形状",
    },
    "attention_title": {"en": "Attention weights ({kind})", "zh": "注意力权重（{kind}）"},
}

_BEAM_STRINGS = {
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
        "en": "finished: ended by <eos> or at L, a candidate, never extended (score below)",
        "zh": "已结束：以 <eos> 结束或达到 L，成为候选，不再扩展（下方为得分）",
    },
    "beam_finished_hf": {
        "en": "finished hypothesis: kept in transformers' pool of the best k (score below)",
        "zh": "已结束的假设：进入 transformers 保留最好 k 个的候选池（下方为得分）",
    },
    "beam_cumulative": {
        "en": "Σ log P so far: what the beam ranks by",
        "zh": "累计 Σ log P：束搜索据此排序",
    },
    "beam_edge_prob": {"en": "edge: P(token | prefix)", "zh": "边：P(词元 | 前缀)"},
    "beam_edge_logprob": {"en": "edge: log P(token | prefix)", "zh": "边：log P(词元 | 前缀)"},
    "beam_edge_both": {
        "en": "edge: P(token | prefix) (log P)",
        "zh": "边：P(词元 | 前缀)（log P）",
    },
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
        "en": "the answer: the best candidate by its score (1/L^α)·Σ log P, "
        "written beside each candidate",
        "zh": "答案：按得分 (1/L^α)·Σ log P（写在各候选旁）选出最好的候选",
    },
    "greedy": {"en": "greedy", "zh": "贪心搜索"},
    "beam": {"en": "beam", "zh": "束搜索"},
    "exhaustive": {"en": "exhaustive", "zh": "穷举搜索"},
}


_BACKPROP_STRINGS = {
    "backprop_chain_title": {
        "en": "Backpropagation through UDL's toy chain (§7.3): ℓ = {loss}",
        "zh": "UDL 玩具链上的反向传播（§7.3）：ℓ = {loss}",
    },
    "backprop_mlp_title": {
        "en": "Backpropagation through an MLP {widths} ({activation}, {loss}, batch {batch}): "
        "ℓ = {value}",
        "zh": "多层感知机 {widths} 上的反向传播（{activation}，{loss}，批量 {batch}）：ℓ = {value}",
    },
    "backprop_scene_mlp_title": {
        "en": "Backpropagation through an MLP {widths} (example 1 of {batch})",
        "zh": "多层感知机 {widths} 上的反向传播（{batch} 个样本中的第 1 个）",
    },
    "backprop_units": {
        "en": "left of each unit its value a (z at the output), right of it δ = ∂ℓ/∂z, "
        "for example 1; the larger |w|, the thicker the edge",
        "zh": "单元左侧为其值 a（输出层为 z），右侧为 δ = ∂ℓ/∂z，均为第 1 个样本；|w| 越大，边越粗",
    },
    "backprop_units_plain": {
        "en": "the larger |w|, the thicker the edge (too many units to write their numbers)",
        "zh": "|w| 越大，边越粗（单元太多，不标数值）",
    },
    "backprop_layers": {
        "en": "Above: the forward arrays (a and z for example 1); below: each one's gradient "
        "∂ℓ/∂· (δ = ∂ℓ/∂z); shading: |value| in each array's own scale",
        "zh": "上：前向传播的数组（a 与 z 取第 1 个样本）；下：各自的梯度 ∂ℓ/∂·（δ = ∂ℓ/∂z）；"
        "颜色深浅：各数组内 |数值| 的相对大小",
    },
    "backprop_steps": {
        "en": "Backward pass, right to left: each ∂ℓ/∂node by the chain rule",
        "zh": "反向传播（从右到左）：用链式法则求每个节点的 ∂ℓ/∂节点",
    },
    "backprop_delta": {
        "en": "The δ recursion with this run's numbers (for each layer, its unit with the "
        "largest |δ|)",
        "zh": "本次运行数值下的 δ 递推（每层取 |δ| 最大的单元）",
    },
    "backprop_example": {
        "en": ", example 1 of {n} (Σₙ: over the examples n)",
        "zh": "，{n} 个样本中的第 1 个（Σₙ：对样本 n 求和）",
    },
    "backprop_check": {
        "en": "Gradient check: {agree} of {total} agree with central finite differences",
        "zh": "梯度检验：{total} 个中有 {agree} 个与中心有限差分一致",
    },
    "backprop_worst": {
        "en": "largest relative error {error} ({name})",
        "zh": "最大相对误差 {error}（{name}）",
    },
    "backprop_tolerance": {"en": "tolerance 10⁻⁶", "zh": "容差 10⁻⁶"},
    "backprop_kink": {
        "en": "✗ {names}: the difference's points put a ReLU unit on the other side of its "
        "kink, where ℓ has no derivative",
        "zh": "✗ {names}：差分点使某个 ReLU 单元越过拐点，ℓ 在那里不可导",
    },
    "backprop_forward": {
        "en": "Forward pass: each node's value from its inputs, left to right",
        "zh": "前向传播：从左到右，由输入算出每个节点的值",
    },
    "backprop_backward": {
        "en": "Backward pass: ∂ℓ/∂node = Σ ∂ℓ/∂reader · local derivative, right to left",
        "zh": "反向传播：从右到左，∂ℓ/∂节点 = Σ ∂ℓ/∂后继 · 局部导数",
    },
    "parameter": {"en": "parameter", "zh": "参数"},
    "backprop": {"en": "backprop", "zh": "反向传播"},
    "finite_difference": {"en": "finite difference", "zh": "有限差分"},
    "rel_error": {"en": "relative error", "zh": "相对误差"},
    "squared-error": {"en": "squared error", "zh": "平方误差"},
    "cross-entropy": {"en": "cross-entropy", "zh": "交叉熵"},
}


_LOSS_STRINGS = {
    "loss_title_regression": {
        "en": "Regression: a Gaussian's negative log-likelihood is least squares",
        "zh": "回归：高斯分布的负对数似然即最小二乘",
    },
    "loss_title_heteroscedastic": {
        "en": "Heteroscedastic regression: the network predicts μ(x) and σ(x)",
        "zh": "异方差回归：网络同时预测 μ(x) 与 σ(x)",
    },
    "loss_title_binary": {
        "en": "Binary classification: a Bernoulli's negative log-likelihood is binary "
        "cross-entropy",
        "zh": "二分类：伯努利分布的负对数似然即二元交叉熵",
    },
    "loss_title_multiclass": {
        "en": "Multiclass classification: a categorical's negative log-likelihood is cross-entropy",
        "zh": "多分类：类别分布的负对数似然即交叉熵",
    },
    "loss_title_information": {
        "en": "Entropy, cross-entropy and KL divergence (in {units})",
        "zh": "熵、交叉熵与 KL 散度（单位：{units}）",
    },
    "nats": {"en": "nats", "zh": "奈特"},
    "bits": {"en": "bits", "zh": "比特"},
    "loss_model_udl": {"en": "UDL notebook {nb}'s network", "zh": "UDL 笔记本 {nb} 的网络"},
    "loss_model_network": {"en": "a given ReLU network", "zh": "给定的 ReLU 网络"},
    "loss_model_line": {"en": "the line f = {f}", "zh": "直线 f = {f}"},
    "loss_model_poly": {"en": "the polynomial f = {f}", "zh": "多项式 f = {f}"},
    "loss_data_udl": {"en": "UDL's {n} points", "zh": "UDL 的 {n} 个数据点"},
    "loss_data_seeded": {
        "en": "{n} points drawn from the model (seed {seed})",
        "zh": "从模型中抽取的 {n} 个数据点（种子 {seed}）",
    },
    "loss_data_given": {"en": "{n} given points", "zh": "{n} 个给定数据点"},
    "loss_sigma_fixed": {"en": "σ = {sigma}", "zh": "σ = {sigma}"},
    "loss_sigma_output": {"en": "σ(x) = |f₂(x)|", "zh": "σ(x) = |f₂(x)|"},
    "loss_temperature": {"en": "T = {t}", "zh": "T = {t}"},
    "loss_eq_likelihood": {"en": "likelihood", "zh": "似然"},
    "loss_eq_nll": {"en": "negative log-likelihood", "zh": "负对数似然"},
    "loss_eq_squares": {"en": "sum of squares", "zh": "平方和"},
    "loss_eq_identity": {
        "en": "the same, in parts: with one σ, the sum of squares scaled, plus constants",
        "zh": "拆开来看：σ 固定时，即平方和的倍数加常数",
    },
    "loss_eq_parts": {"en": "the same, in parts", "zh": "拆开来看"},
    "loss_least_squares": {"en": "least squares", "zh": "最小二乘"},
    "loss_gaussian_nll": {"en": "Gaussian negative log-likelihood", "zh": "高斯负对数似然"},
    "loss_binary_cross_entropy": {"en": "binary cross-entropy", "zh": "二元交叉熵"},
    "loss_cross_entropy": {"en": "cross-entropy", "zh": "交叉熵"},
    "loss_smoothed_cross_entropy": {
        "en": "cross-entropy with label smoothing ε = {eps}",
        "zh": "标签平滑交叉熵（ε = {eps}）",
    },
    "loss_is": {"en": "= {name}", "zh": "= {name}"},
    "loss_eq_entropy": {"en": "entropy", "zh": "熵"},
    "loss_eq_kl_direct": {"en": "KL divergence", "zh": "KL 散度"},
    "loss_eq_kl": {"en": "KL is the gap", "zh": "KL 即两者之差"},
    "loss_too_small": {
        "en": "L = e^(−{nll}) ≈ 10^{power}: too small for a floating-point number",
        "zh": "L = e^(−{nll}) ≈ 10^{power}：小于浮点数所能表示",
    },
    "loss_best": {
        "en": "largest L and smallest −log L at {name} = {value}",
        "zh": "{name} = {value} 处 L 最大、−log L 最小",
    },
    "loss_best_squares": {
        "en": "smallest Σ(yₙ − μₙ)² at {name} = {value}",
        "zh": "{name} = {value} 处 Σ(yₙ − μₙ)² 最小",
    },
    "loss_flat_squares": {
        "en": "Σ(yₙ − μₙ)² = {value} whatever σ: least squares cannot choose σ",
        "zh": "无论 σ 取何值，Σ(yₙ − μₙ)² = {value}：最小二乘无法确定 σ",
    },
    "loss_best_mix": {
        "en": "KL(p‖q_t) falls to 0 at t = 1, where q_t = p and H(p, q_t) = H(p)",
        "zh": "t = 1 时 q_t = p，KL(p‖q_t) 降为 0，H(p, q_t) = H(p)",
    },
    "loss_param_offset_network": {"en": "offset β₁[0]", "zh": "偏置 β₁[0]"},
    "loss_param_offset_poly": {"en": "offset c₀", "zh": "偏置 c₀"},
    "loss_param_sigma": {"en": "σ", "zh": "σ"},
    "loss_param_mix": {"en": "t, in q_t = (1 − t)·q + t·p", "zh": "t（q_t = (1 − t)·q + t·p）"},
    "loss_this_run": {"en": "this run", "zh": "本次运行"},
    "loss_likelihood_axis": {"en": "likelihood L", "zh": "似然 L"},
    "loss_nll_axis": {"en": "−log L", "zh": "−log L"},
    "loss_squares_axis": {"en": "Σ(yₙ − μₙ)²", "zh": "Σ(yₙ − μₙ)²"},
    "loss_mean": {"en": "μ(x) = f(x)", "zh": "μ(x) = f(x)"},
    "loss_band": {"en": "μ(x) ± 2σ(x)", "zh": "μ(x) ± 2σ(x)"},
    "loss_density": {
        "en": "p(y | xₙ) at each point; the bar's length is p(yₙ | xₙ)",
        "zh": "各点处的 p(y | xₙ)；横条长度为 p(yₙ | xₙ)",
    },
    "loss_density_bars": {
        "en": "the bar's length is p(yₙ | xₙ)",
        "zh": "横条长度为 p(yₙ | xₙ)",
    },
    "loss_lambda": {
        "en": "λ(x) = sigmoid(f(x)) = P(y = 1 | x)",
        "zh": "λ(x) = sigmoid(f(x)) = P(y = 1 | x)",
    },
    "loss_logit": {"en": "f(x), right axis", "zh": "f(x)（右轴）"},
    "loss_miss": {"en": "|yₙ − λₙ| = 1 − p(yₙ | xₙ)", "zh": "|yₙ − λₙ| = 1 − p(yₙ | xₙ)"},
    "loss_class": {"en": "class {k}", "zh": "类别 {k}"},
    "loss_true_class": {
        "en": "outlined: each point's true class; above: its probability p(yₙ | xₙ)",
        "zh": "描边：各点的真实类别；上方数字：其概率 p(yₙ | xₙ)",
    },
    "loss_points_by_x": {"en": "the points, by input xₙ", "zh": "各数据点（按输入 xₙ 排列）"},
    "loss_input": {"en": "input x", "zh": "输入 x"},
    "loss_output": {"en": "output y", "zh": "输出 y"},
    "loss_label": {"en": "label y", "zh": "标签 y"},
    "loss_probability": {"en": "probability", "zh": "概率"},
    "loss_outcome": {"en": "outcome k", "zh": "结果 k"},
    "loss_sweep_title": {
        "en": "Sweeping {name}, every other parameter fixed",
        "zh": "扫描{name}，其余参数固定",
    },
    "loss_entropy_line": {"en": "H(p) = {value}", "zh": "H(p) = {value}"},
}


_ACTIVATIONS_STRINGS = {
    "act_sigmoid": {"en": "sigmoid σ(z)", "zh": "sigmoid σ(z)"},
    "act_tanh": {"en": "tanh(z)", "zh": "tanh(z)"},
    "act_relu": {"en": "ReLU", "zh": "ReLU"},
    "act_leaky_relu": {"en": "leaky ReLU (a = {a})", "zh": "Leaky ReLU（a = {a}）"},
    "act_prelu": {"en": "PReLU (a = {a})", "zh": "PReLU（a = {a}）"},
    "act_elu": {"en": "ELU (α = {alpha})", "zh": "ELU（α = {alpha}）"},
    "act_gelu": {"en": "GELU = z·Φ(z)", "zh": "GELU = z·Φ(z)"},
    "act_maxout": {"en": "maxout of {k} lines", "zh": "maxout（{k} 条直线取最大）"},
    "act_peak_at": {"en": "max a′ = {value} at z = {at}", "zh": "a′ 最大值 {value}（z = {at}）"},
    "act_peak_above": {
        "en": "max a′ = {value} for z > {lo}",
        "zh": "a′ 最大值 {value}（z > {lo}）",
    },
    "act_peak_between": {
        "en": "max a′ = {value} for {lo} ≤ z ≤ {hi}",
        "zh": "a′ 最大值 {value}（{lo} ≤ z ≤ {hi}）",
    },
    "act_saturated": {
        "en": "shaded: saturated, |a′(z)| ≤ {threshold} out to the edge "
        "(almost no gradient passes)",
        "zh": "阴影：饱和区，|a′(z)| ≤ {threshold} 直到边缘（梯度几乎无法回传）",
    },
    "act_value": {"en": "activation a(z)", "zh": "激活函数 a(z)"},
    "act_slope": {"en": "derivative a′(z)", "zh": "导数 a′(z)"},
    "act_title": {"en": "Activation functions and their derivatives", "zh": "激活函数及其导数"},
    "act_pre": {"en": "pre-activation", "zh": "预激活"},
    "act_post": {"en": "{name}", "zh": "{name}"},
    "act_weighted": {"en": "weighted φ·h", "zh": "加权 φ·h"},
    "act_all_units": {"en": "{n} hidden units", "zh": "{n} 个隐藏单元"},
    "act_output": {
        "en": "output y = φ₀ + Σ φ_d·h_d  (φ₀ = {phi0})",
        "zh": "输出 y = φ₀ + Σ φ_d·h_d（φ₀ = {phi0}）",
    },
    "act_shallow_title": {
        "en": "A shallow network (UDL fig. 3.3): {n} hidden units with {name}",
        "zh": "浅层网络（UDL 图 3.3）：{n} 个隐藏单元，激活函数 {name}",
    },
    "act_example": {"en": "for x = ({x}):", "zh": "取 x = ({x})："},
    "act_bent": {
        "en": "with {name} between: bent, no one matrix",
        "zh": "中间加 {name}：折弯，非一个矩阵",
    },
    "act_linear_pair": {"en": "W₂(W₁x + b₁) + b₂", "zh": "W₂(W₁x + b₁) + b₂"},
    "act_one_matrix": {"en": "Wx + b (one layer)", "zh": "Wx + b（单层）"},
    "act_images_linear": {
        "en": "a square grid through both linear layers",
        "zh": "正方形网格经过两层线性层",
    },
    "act_collapse_title": {
        "en": "Without an activation, two linear layers are one: W₂(W₁x + b₁) + b₂ = Wx + b",
        "zh": "没有激活函数，两层线性层就是一层：W₂(W₁x + b₁) + b₂ = Wx + b",
    },
    "act_sum_frame": {
        "en": "φ₀ + the first {k} of {n} weighted units ({name})",
        "zh": "φ₀ 加上前 {k} 个（共 {n} 个）加权单元（{name}）",
    },
}


TOPICS: tuple[Topic, ...] = (
    _topic(
        "optimizers",
        ("Optimizers", "优化器"),
        "Optimizers racing over a loss landscape.  e.g. dlviz optimizers --landscape gabor",
        _OPTIMIZERS_STRINGS,
        ("optimizers-gabor", ("--landscape", "gabor"), {"landscape": "gabor"}),
    ),
    _topic(
        "landscape",
        ("Loss landscapes", "损失函数曲面"),
        "Loss surfaces over two parameters.  e.g. dlviz landscape gabor",
        _LANDSCAPE_STRINGS,
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
        _CONV_STRINGS,
        ("conv", (), {}),
        ("conv-ng-edge", ("--example", "ng-edge"), {"example": "ng-edge"}),
    ),
    _topic(
        "relu",
        ("ReLU linear regions", "ReLU 线性区域"),
        "ReLU networks' exact linear regions.  e.g. dlviz relu --widths 16,16",
        _RELU_STRINGS,
        ("relu-2d", (), {}),
        ("relu-1d", ("--input-dim", "1"), {"input_dim": 1}),
        ("relu-fit-sin", ("--fit", "sin"), {"target": "sin"}),
    ),
    _topic(
        "residual",
        ("Residual variance", "残差网络的方差"),
        "Activation variance through residual networks.  e.g. dlviz residual --depth 30",
        _RESIDUAL_STRINGS,
        ("residual", (), {}),
    ),
    _topic(
        "attention",
        ("Attention", "注意力"),
        'Attention heatmaps.  e.g. dlviz attention --tokens "the cat sat on the mat"',
        _ATTENTION_STRINGS,
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
        _BEAM_STRINGS,
        ("beam", (), {}),
    ),
    _topic(
        "backprop",
        ("Backpropagation", "反向传播"),
        "Backpropagation on a computational graph, with real numbers.  e.g. dlviz backprop",
        _BACKPROP_STRINGS,
        ("backprop-chain", (), {}),
        # a seed whose three hidden units are all active for the first example
        (
            "backprop-mlp",
            ("--widths", "2,3,2", "--seed", "10"),
            {"widths": (2, 3, 2), "seed": 10},
        ),
    ),
    _topic(
        "loss",
        ("From likelihood to loss", "从似然到损失函数"),
        "Losses as negative log-likelihoods, with real numbers.  e.g. dlviz loss --task binary",
        _LOSS_STRINGS,
        ("loss-regression", (), {}),
        ("loss-binary", ("--task", "binary"), {"task": "binary"}),
        ("loss-multiclass", ("--task", "multiclass"), {"task": "multiclass"}),
        (
            "loss-information",
            ("--task", "information", "--units", "bits"),
            {"task": "information", "units": "bits"},
        ),
    ),
    _topic(
        "activations",
        ("Activation functions", "激活函数"),
        "Activation functions, their derivatives, and why networks need them.  "
        "e.g. dlviz activations",
        _ACTIVATIONS_STRINGS,
        ("activations", (), {}),
        (
            "activations-shallow",
            ("--view", "shallow", "--activation", "tanh"),
            {"view": "shallow", "activations": ("tanh",)},
        ),
        ("activations-collapse", ("--view", "collapse"), {"view": "collapse"}),
    ),
)
BY_NAME = {t.name: t for t in TOPICS}
NAMES = tuple(BY_NAME)


def title(name: str, lang: str) -> str:
    """A topic's title in ``lang``."""
    return BY_NAME[name].title[lang == "zh"]
