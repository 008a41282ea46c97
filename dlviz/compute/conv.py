"""Convolution (cross-correlation), pooling and transposed convolution, with
every window they read, vectorised over output cells.

Arrays are channel-first: an input is (C, H, W), a kernel (C_out, C_in, kh, kw)
(transposed: (C_in, C_out, kh, kw), as PyTorch stores it). 1-D cases are the
2-D ones with H = 1 and kh = 1; the functions take and return 2-D shapes and
``ConvResult.dims`` remembers which was asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlviz.compute.expr import (
    Equation,
    Floor,
    Max,
    Num,
    Product,
    Quotient,
    Sum,
    Term,
    number,  # noqa: F401 (the cells' numbers, for the renderers)
    sum_of,
)
from dlviz.errors import SpecError
from dlviz.spec import check as _check
from dlviz.spec import choice, frozen, whole

Array = np.ndarray
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
POOLS = ("max", "avg")
_NP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@dataclass(frozen=True)
class ConvSpec:
    """What to compute. Pairs are (height, width); padding is per side:
    (top, bottom, left, right)."""

    kernel_size: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)
    dilation: tuple[int, int] = (1, 1)
    padding_mode: str = "zeros"
    pool: str | None = None
    ceil_mode: bool = False
    count_include_pad: bool = True
    transposed: bool = False
    output_padding: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ConvResult:
    """The computation and everything a picture of it needs.

    padded: (C_in, Hp, Wp) the input the window slides over (padding and, for
    transposed convolution, the inserted zeros included); kernel: as given
    (None for pooling); slid_kernel: (C_out, C_in, kh, kw) the kernel that
    slides (flipped and channel-swapped for transposed); output: (C_out, OH,
    OW); windows: (OH, OW, kh, kw, 2) the input (row, col) each window tap
    reads, in the coordinates of the input as given (padding: outside
    [0, H) × [0, W); transposed: indices into ``padded`` instead);
    origin: (row, col) of the input's first cell inside ``padded``.
    """

    spec: ConvSpec
    dims: int
    input: Array
    kernel: Array | None
    bias: Array | None
    padded: Array
    slid_kernel: Array | None
    output: Array
    origin: tuple[int, int]
    formula: str
    window_spec: ConvSpec  # the sliding that ``windows`` describes
    window_origin: tuple[int, int] | None = None  # None: the input's own padding
    run_spec: ConvRunSpec | None = None  # what ran, when built by ``run``

    @cached_property
    def windows(self) -> Array:
        """(OH, OW, kh, kw, 2), made on first use: for a large image it is
        far bigger than the output and most pictures never need it."""
        return window_indices(self.window_spec, self.output.shape[1:], self.window_origin)

    def taps(self, step: int) -> tuple[tuple[int, int], Array]:
        """Output cell number ``step`` (raster order) and its taps as rows of
        (row, col) in ``padded`` coordinates."""
        cell = divmod(step, self.output.shape[2])
        # a transposed convolution's windows already index the zero-inserted input
        offset = (0, 0) if self.spec.transposed else self.origin
        return cell, (self.windows[cell] + np.array(offset)).reshape(-1, 2)

    def inserted_mask(self) -> Array:
        """(Hp, Wp) True at a transposed convolution's inserted zeros: the
        s − 1 between neighbouring input values (not the padding around)."""
        _, hp, wp = self.padded.shape
        mask = np.zeros((hp, wp), bool)
        if not self.spec.transposed:
            return mask
        _, h, w = self.input.shape
        r0, c0 = self.origin
        sh, sw = self.spec.stride
        rows = np.arange(r0, r0 + (h - 1) * sh + 1)
        cols = np.arange(c0, c0 + (w - 1) * sw + 1)
        rows, cols = rows[(rows >= 0) & (rows < hp)], cols[(cols >= 0) & (cols < wp)]
        mask[np.ix_(rows, cols)] = True
        return mask & ~self.input_mask()

    def input_mask(self) -> Array:
        """(Hp, Wp) True where ``padded`` holds an input value (not padding,
        not an inserted zero)."""
        _, hp, wp = self.padded.shape
        _, h, w = self.input.shape
        r0, c0 = self.origin
        sh, sw = self.spec.stride if self.spec.transposed else (1, 1)
        rows, cols = r0 + sh * np.arange(h), c0 + sw * np.arange(w)
        mask = np.zeros((hp, wp), bool)
        mask[np.ix_(rows[(rows >= 0) & (rows < hp)], cols[(cols >= 0) & (cols < wp)])] = True
        return mask


# --------------------------------------------------------------------------- shapes


def output_size(
    n: int, k: int, s: int, p_before: int, p_after: int, d: int = 1, ceil_mode: bool = False
) -> int:
    """⌊(n + p₁ + p₂ − d(k−1) − 1)/s⌋ + 1; with ceil_mode the ceiling, less one
    when the last window would start inside the right padding."""
    span = n + p_before + p_after - d * (k - 1) - 1
    if span < 0:
        return 0
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p_before:
        out -= 1
    return out


def transposed_output_size(n: int, k: int, s: int, p: int, d: int, output_padding: int) -> int:
    """(n − 1)s − 2p + d(k − 1) + output_padding + 1."""
    return (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


NOTATIONS = ("pytorch", "d2l", "udl")


def size_equations(
    n: int,
    k: int,
    s: int,
    p_before: int,
    p_after: int,
    d: int,
    out: int,
    spec: ConvSpec,
    op: int = 0,
    notation: str = "pytorch",
    prefix: str = "",
) -> list[Equation]:
    """One axis's output size as equations with this run's numbers, in the
    chosen notation: PyTorch's (padding per side, dilation d), d2l's (p the
    total padding: ⌊(n − k + p + s)/s⌋) or the UDL notes' (dilation rate r =
    d − 1 zeros between taps). With ceil mode, a last window that would start
    in the right padding is dropped, as PyTorch does, and the figure says so."""
    if spec.transposed:
        lhs = Sum(
            (
                Product((Sum((Num(n), Num(1)), (1, -1)), Num(s))),
                Product((Num(2), Num(p_before))),
                Product((Num(d), Sum((Num(k), Num(1)), (1, -1)))),
                Num(op),
                Num(1),
            ),
            (1, -1, 1, 1, 1),
        )
        return [Equation(lhs, out, prefix)]
    ceil = spec.ceil_mode
    if notation == "d2l" and d == 1:  # ⌊(n − k + p + s)/s⌋, p the total padding
        inner = Sum((Num(n), Num(k), Num(p_before + p_after), Num(s)), (1, -1, 1, 1))
        lhs: Term = Floor(Quotient(inner, Num(s)), ceil)
    else:
        pads = (
            (Product((Num(2), Num(p_before))),)
            if p_before == p_after
            else (Num(p_before), Num(p_after))
        )
        if notation == "udl":  # the window spans k + (k − 1)·r cells, r = d − 1
            span = (Num(k), Product((Sum((Num(k), Num(1)), (1, -1)), Num(d - 1))))
            inner = Sum((Num(n), *pads, *span), (1,) * (1 + len(pads)) + (-1, -1))
        else:
            span = (Product((Num(d), Sum((Num(k), Num(1)), (1, -1)))), Num(1))
            inner = Sum((Num(n), *pads, *span), (1,) * (1 + len(pads)) + (-1, -1))
        lhs = Sum((Floor(Quotient(inner, Num(s)), ceil), Num(1)))
    first = int(lhs.value())
    if first == out:
        return [Equation(lhs, out, prefix)]
    # ceil mode's last window would start in the right padding: PyTorch drops it
    start = Product((Sum((Num(first), Num(1)), (1, -1)), Num(s)))
    return [
        Equation(lhs, first, prefix),
        Equation(
            start,
            (first - 1) * s,
            prefix,
            note=f"≥ {n} + {p_before}: window {first} would start in the padding, so it is dropped",
        ),
        Equation(Sum((Num(first), Num(1)), (1, -1)), out, prefix),
    ]


# --------------------------------------------------------------------------- checks


def check(spec: ConvSpec, input_shape: tuple[int, int, int]) -> None:
    """Refuse what PyTorch refuses, with the reason: a SpecError (a ValueError)
    naming the parameter at fault."""
    _, h, w = input_shape
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    top, bottom, left, right = spec.padding
    for name, values, low in (
        ("kernel", (kh, kw), 1),
        ("stride", (sh, sw), 1),
        ("dilation", (dh, dw), 1),
        ("padding", spec.padding, 0),
    ):
        _check(min(values) >= low, name, values, f"must be at least {low}")
    if spec.pool:
        for k, d, p in ((kh, dh, max(top, bottom)), (kw, dw, max(left, right))):
            _check(
                p <= (d * (k - 1) + 1) // 2,
                "padding",
                p,
                f"pooling padding must be at most half the window ({d * (k - 1) + 1})",
            )
        _check(
            spec.pool != "avg" or (dh, dw) == (1, 1),
            "dilation",
            (dh, dw),
            "average pooling has no dilation",
        )
    if spec.transposed:
        _check(
            spec.padding_mode == "zeros",
            "padding_mode",
            spec.padding_mode,
            "a transposed convolution pads with zeros only",
        )
        for op, s, d in zip(spec.output_padding, spec.stride, spec.dilation, strict=True):
            _check(
                op < max(s, d),
                "output_padding",
                op,
                f"output padding must be smaller than the stride or the dilation ({max(s, d)})",
            )
        return
    if spec.padding_mode == "reflect":
        _check(
            max(top, bottom) < h and max(left, right) < w,
            "padding_mode",
            "reflect",
            f"reflect padding must be smaller than the input ({h}×{w})",
        )
    if spec.padding_mode == "circular":
        _check(
            max(top, bottom) <= h and max(left, right) <= w,
            "padding_mode",
            "circular",
            f"circular padding must be at most the input size ({h}×{w})",
        )
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    padded = (h + top + bottom, w + left + right)
    _check(
        span[0] <= padded[0] and span[1] <= padded[1],
        "dilation" if max(dh, dw) > 1 else "kernel",
        (dh, dw) if max(dh, dw) > 1 else (kh, kw),
        f"the kernel ({span[0]}×{span[1]} with dilation) is larger than the padded input "
        f"({padded[0]}×{padded[1]})",
    )


def same_padding(kernel_size, dilation) -> tuple[int, int, int, int]:
    """PyTorch's padding='same' (stride 1): total d(k−1), the extra one on the far side."""
    out = []
    for k, d in zip(kernel_size, dilation, strict=True):
        total = d * (k - 1)
        out += [total // 2, total - total // 2]
    return tuple(out)


# --------------------------------------------------------------------------- sliding


def pad(x: Array, padding: tuple[int, int, int, int], mode: str, value: float = 0.0) -> Array:
    """Pad (C, H, W) on the last two axes like torch.nn.functional.pad."""
    top, bottom, left, right = padding
    widths = ((0, 0), (top, bottom), (left, right))
    if mode == "zeros":
        return np.pad(x, widths, constant_values=value)
    return np.pad(x, widths, mode=_NP_MODE[mode])


def window_view(padded: Array, spec: ConvSpec, out_shape: tuple[int, int]) -> Array:
    """(C, OH, OW, kh, kw): every window, dilation and stride applied, no copy."""
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    views = sliding_window_view(padded, span, axis=(1, 2))[:, :, :, ::dh, ::dw]
    oh, ow = out_shape
    return views[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]


def by_rows(windows: Array, reduce: Callable[[Array], Array], progress=None) -> Array:
    """``reduce`` (windows (C, R, OW, kh, kw) → output (C', R, OW)) over
    blocks of output rows, so ``progress(rows_done, rows)`` hears how far the
    window has slid; the result is the same as ``reduce(windows)``."""
    _, rows, ow, kh, kw = windows.shape
    block = max(1, int(BLOCK_TAPS // max(1, windows.shape[0] * ow * kh * kw)))
    if progress is None or block >= rows:
        return reduce(windows)
    parts = []
    for start in range(0, rows, block):
        parts.append(reduce(windows[:, start : start + block]))
        progress(min(start + block, rows), rows)
    return np.concatenate(parts, axis=1)


BLOCK_TAPS = 2e8  # taps read between two progress reports (about 0.2 s)


def window_indices(spec: ConvSpec, out_shape, origin=None) -> Array:
    """(OH, OW, kh, kw, 2): the (row, col) each tap reads, relative to ``origin``."""
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    top, left = origin if origin is not None else (spec.padding[0], spec.padding[2])
    oh, ow = out_shape
    rows = np.arange(oh)[:, None, None, None] * sh + np.arange(kh)[None, None, :, None] * dh - top
    cols = np.arange(ow)[None, :, None, None] * sw + np.arange(kw)[None, None, None, :] * dw - left
    rows, cols = np.broadcast_arrays(rows, cols)
    return np.stack([rows, cols], axis=-1)


def _out_shape(spec: ConvSpec, h: int, w: int) -> tuple[int, int]:
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    top, bottom, left, right = spec.padding
    ceil = spec.ceil_mode and bool(spec.pool)
    return (
        output_size(h, kh, sh, top, bottom, dh, ceil),
        output_size(w, kw, sw, left, right, dw, ceil),
    )


def conv(
    x: Array,
    kernel: Array,
    spec: ConvSpec,
    bias: Array | None = None,
    dims: int = 2,
    progress=None,
) -> ConvResult:
    """Cross-correlation of x (C_in, H, W) with kernel (C_out, C_in, kh, kw);
    ``progress(rows_done, rows)`` hears the output rows done."""
    if spec.transposed:
        return conv_transpose(x, kernel, spec, bias, dims, progress)
    check(spec, x.shape)
    out_shape = _out_shape(spec, *x.shape[1:])
    padded = pad(x, spec.padding, spec.padding_mode)
    windows = window_view(padded, spec, out_shape)
    output = by_rows(windows, lambda w: np.einsum("chwij,ocij->ohw", w, kernel), progress)
    if bias is not None:
        output = output + bias[:, None, None]
    formula = _formulas(spec, x.shape[1:], out_shape, dims)
    return ConvResult(
        spec,
        dims,
        x,
        kernel,
        bias,
        padded,
        kernel,
        output,
        (spec.padding[0], spec.padding[2]),
        formula,
        spec,
    )


def pool(x: Array, spec: ConvSpec, dims: int = 2, progress=None) -> ConvResult:
    """Max or average pooling of every channel of x (C, H, W), PyTorch's rules;
    ``progress(rows_done, rows)`` hears the output rows done."""
    check(spec, x.shape)
    _, h, w = x.shape
    oh, ow = _out_shape(spec, h, w)
    (kh, kw), (sh, sw) = spec.kernel_size, spec.stride
    top, _, left, _ = spec.padding
    # ceil mode may need windows past the right padding: extend with fill values
    dh, dw = spec.dilation
    need_h = (oh - 1) * sh + dh * (kh - 1) + 1
    need_w = (ow - 1) * sw + dw * (kw - 1) + 1
    extra = (
        top,
        max(spec.padding[1], need_h - h - top),
        left,
        max(spec.padding[3], need_w - w - left),
    )
    fill = -np.inf if spec.pool == "max" else 0.0
    padded = pad(x.astype(float), extra, "zeros", fill)
    windows = window_view(padded, spec, (oh, ow))
    if spec.pool == "max":
        output = by_rows(windows, lambda w: w.max(axis=(-2, -1)), progress)
    else:
        summed = by_rows(windows, lambda w: w.sum(axis=(-2, -1)), progress)
        output = summed / _avg_divisor(spec, h, w, oh, ow)
    # what a picture shows in the padding: PyTorch's max pooling pads with −∞
    shown = pad(x.astype(float), extra, "zeros", fill)
    return ConvResult(
        spec,
        dims,
        x,
        None,
        None,
        shown,
        None,
        output,
        (top, left),
        _formulas(spec, (h, w), (oh, ow), dims),
        spec,
    )


def _avg_divisor(spec: ConvSpec, h: int, w: int, oh: int, ow: int) -> Array:
    """PyTorch's avg_pool2d divisor: the window clipped to input + padding
    (count_include_pad) or to the input alone."""
    (kh, kw), (sh, sw) = spec.kernel_size, spec.stride
    top, bottom, left, right = spec.padding
    hs = np.arange(oh) * sh - top
    ws = np.arange(ow) * sw - left
    he, we = np.minimum(hs + kh, h + bottom), np.minimum(ws + kw, w + right)
    if spec.count_include_pad:
        return ((he - hs)[:, None] * (we - ws)[None, :]).astype(float)
    hs, ws = np.maximum(hs, 0), np.maximum(ws, 0)
    he, we = np.minimum(he, h), np.minimum(we, w)
    return ((he - hs)[:, None] * (we - ws)[None, :]).astype(float)


def conv_transpose(
    x: Array,
    kernel: Array,
    spec: ConvSpec,
    bias: Array | None = None,
    dims: int = 2,
    progress=None,
) -> ConvResult:
    """Transposed convolution as the lecture draws it: s − 1 zeros between input
    values, d(k−1) − p zeros around (output padding on the far side), then an
    ordinary stride-1 convolution with the flipped kernel."""
    check(spec, x.shape)
    c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    up = np.zeros((c, (h - 1) * sh + 1, (w - 1) * sw + 1))
    up[:, ::sh, ::sw] = x
    top, _, left, _ = spec.padding
    (oph, opw) = spec.output_padding
    qh, qw = dh * (kh - 1) - top, dw * (kw - 1) - left
    grown = _pad_or_crop(up, 1, qh, qh + oph)
    grown = _pad_or_crop(grown, 2, qw, qw + opw)
    flipped = np.flip(kernel, axis=(-2, -1)).swapaxes(0, 1)  # (C_out, C_in, kh, kw)
    inner = ConvSpec((kh, kw), dilation=(dh, dw))
    out_shape = (
        transposed_output_size(h, kh, sh, top, dh, oph),
        transposed_output_size(w, kw, sw, left, dw, opw),
    )
    if min(out_shape) < 1:
        raise SpecError(
            "padding", spec.padding, f"leaves an empty output ({out_shape[0]}×{out_shape[1]})"
        )
    windows = window_view(grown, inner, out_shape)
    output = by_rows(windows, lambda w: np.einsum("chwij,ocij->ohw", w, flipped), progress)
    if bias is not None:
        output = output + bias[:, None, None]
    return ConvResult(
        spec,
        dims,
        x,
        kernel,
        bias,
        grown,
        flipped,
        output,
        (qh, qw),
        _formulas(spec, (h, w), out_shape, dims),
        inner,
        (0, 0),
    )


def _pad_or_crop(x: Array, axis: int, near: int, far: int) -> Array:
    """Zeros on both ends of ``axis``; a negative amount crops instead."""
    widths = [(0, 0)] * x.ndim
    widths[axis] = (max(near, 0), max(far, 0))
    x = np.pad(x, widths)
    index = [slice(None)] * x.ndim
    index[axis] = slice(max(-near, 0), x.shape[axis] - max(-far, 0))
    return x[tuple(index)]


def _axes_of(spec: ConvSpec, in_shape, out_shape, dims: int) -> list[tuple]:
    top, bottom, left, right = spec.padding
    axes = [
        (
            "H",
            in_shape[0],
            spec.kernel_size[0],
            spec.stride[0],
            top,
            bottom,
            spec.dilation[0],
            out_shape[0],
            spec.output_padding[0],
        ),
        (
            "W",
            in_shape[1],
            spec.kernel_size[1],
            spec.stride[1],
            left,
            right,
            spec.dilation[1],
            out_shape[1],
            spec.output_padding[1],
        ),
    ]
    if dims == 1:
        return [("L", *axes[1][1:])]
    return axes


def formula_equations(
    spec: ConvSpec, in_shape, out_shape, dims: int, notation: str = "pytorch"
) -> list[Equation]:
    """Every output-size equation a figure prints, axis by axis."""
    out = []
    for name, n, k, s, p1, p2, d, o, op in _axes_of(spec, in_shape, out_shape, dims):
        out += size_equations(n, k, s, p1, p2, d, o, spec, op, notation, f"{name}: ")
    return out


def _formulas(spec: ConvSpec, in_shape, out_shape, dims: int, notation: str = "pytorch") -> str:
    """The output-size equations as text, one axis a line (ceil mode's dropped
    window on the same line)."""
    lines: dict[str, list[str]] = {}
    for eq in formula_equations(spec, in_shape, out_shape, dims, notation):
        name, _, rest = eq.text().partition(": ")
        lines.setdefault(name, []).append(rest)
    texts = {name: ";  ".join(parts) for name, parts in lines.items()}
    if len(set(texts.values())) == 1 and len(texts) > 1:  # a square case: written once
        return f"{', '.join(texts)}: {next(iter(texts.values()))}"
    return "\n".join(f"{name}: {body}" for name, body in texts.items())


LONG_SUM = 12  # terms; a longer sum is written as its first and last four


def _labelled_bias(value: float, word: str) -> Term:
    return Num(value, f"{word} {Num(value).wrapped()}")


def window_equation(
    result: ConvResult,
    step: int,
    out_channel: int = 0,
    channels: str = "per input channel",
    bias_word: str = "bias",
) -> Equation:
    """One window's arithmetic as an equation whose left side evaluates to
    the output cell: the products (a long sum abbreviated), max pooling's
    values (padding is −∞, as in PyTorch), average pooling's sum over its
    divisor, or several input channels' partial sums, the bias labelled."""
    cell, taps = result.taps(step)
    value = float(result.output[out_channel, cell[0], cell[1]])
    spec = result.spec
    if spec.pool:
        in_reach = _in_reach(result, cell)  # ceil mode's overhang past the padding is not read
        values = [
            result.padded[out_channel, i, j]
            for (i, j), ok in zip(taps, in_reach, strict=True)
            if ok
        ]
        if spec.pool == "max":
            return Equation(Max(tuple(Num(v) for v in values)), value)
        _, h, w = result.input.shape
        oh, ow = result.output.shape[1:]
        divisor = _avg_divisor(spec, h, w, oh, ow)[cell]
        keep = 4 if len(values) > LONG_SUM else 0
        return Equation(Quotient(sum_of(values, keep=keep), Num(divisor), spaced=True), value)
    bias = () if result.bias is None else (_labelled_bias(result.bias[out_channel], bias_word),)
    kernel = result.slid_kernel[out_channel]
    if result.padded.shape[0] > 1:
        partial = tuple(
            Num(float(np.sum(result.padded[c, taps[:, 0], taps[:, 1]] * kernel[c].ravel())))
            for c in range(result.padded.shape[0])
        )
        return Equation(Sum(partial + bias), value, f"Σ {channels}: ")
    values = [result.padded[0, i, j] for i, j in taps]
    products = tuple(
        Product((Num(v), Num(k))) for v, k in zip(values, kernel[0].ravel(), strict=True)
    )
    keep = 4 if len(products) > LONG_SUM else 0
    if bias:
        return Equation(Sum((Sum(products, keep=keep), *bias)), value)
    return Equation(Sum(products, keep=keep), value)


def _in_reach(result: ConvResult, cell) -> list[bool]:
    """Per tap of ``cell``'s window: inside the input or its padding (ceil
    mode may place a window's end past both)."""
    _, h, w = result.input.shape
    top, bottom, left, right = result.spec.padding
    rows_cols = result.windows[cell].reshape(-1, 2)
    return [(-top <= r < h + bottom) and (-left <= c < w + right) for r, c in rows_cols]


def window_text(
    result: ConvResult, step: int, channels: str = "per input channel", bias_word: str = "bias"
) -> str:
    """The text of ``window_equation``: '3·1 + 0·0 + … = −5', 'max(−∞, …) = 9'."""
    return window_equation(result, step, 0, channels, bias_word).text()


# --------------------------------------------------------------------------- stacks


@dataclass(frozen=True)
class Layer:
    """One 1-D convolution layer of a stack (``--stack k3s2d1``)."""

    kernel: int
    stride: int = 1
    dilation: int = 1
    padding: int = 0


@dataclass(frozen=True)
class ReceptiveField:
    """For a stack of 1-D layers: per layer (input first) the cells one output
    cell of the last layer depends on; sizes[l] and jumps[l] from the closed
    recurrences r_l = r_{l−1} + d_l(k_l − 1)·j_{l−1}, j_l = j_{l−1}·s_l."""

    layers: tuple[Layer, ...]
    lengths: tuple[int, ...]  # cells per layer, input first
    seen: tuple[Array, ...]  # sorted indices per layer, input first
    sizes: tuple[int, ...]  # receptive-field size in input cells, after each layer
    jumps: tuple[int, ...]
    reach: Array = None  # input positions the output cell reaches, padding included (sorted)
    spec: StackSpec | None = None  # what ran, when built by ``run_stack``

    @property
    def depends(self) -> int:
        """How many input cells the output cell depends on."""
        return len(self.seen[0])

    @property
    def outside(self) -> int:
        """Positions of its span beyond the input's edges (zero padding)."""
        return int(np.sum((self.reach < 0) | (self.reach >= self.lengths[0])))

    @property
    def skipped(self) -> int:
        """Positions inside its span that no path reaches (dilation's gaps)."""
        return self.sizes[-1] - len(self.reach)


def receptive_field(layers: list[Layer], input_length: int, cell: int | None = None):
    """The cells of every layer that output ``cell`` of the last layer depends on (default: the
    middle one), with the closed-form sizes and jumps."""
    lengths = [input_length]
    for layer in layers:
        lengths.append(
            output_size(
                lengths[-1],
                layer.kernel,
                layer.stride,
                layer.padding,
                layer.padding,
                layer.dilation,
            )
        )
        if lengths[-1] < 1:
            raise SpecError("length", input_length, "is too short for this stack")
    cell = lengths[-1] // 2 if cell is None else cell
    seen = [np.array([cell])]
    for layer, n in zip(reversed(layers), reversed(lengths[:-1]), strict=True):
        taps = np.arange(layer.kernel) * layer.dilation - layer.padding
        below = (seen[0][:, None] * layer.stride + taps[None, :]).ravel()
        seen.insert(0, np.unique(below[(below >= 0) & (below < n)]))
    reach = np.array([cell])  # the same walk down, every tap kept (padding included)
    for layer in reversed(layers):
        taps = np.arange(layer.kernel) * layer.dilation - layer.padding
        reach = np.unique((reach[:, None] * layer.stride + taps[None, :]).ravel())
    sizes, jumps = [1], [1]
    for layer in layers:
        sizes.append(sizes[-1] + layer.dilation * (layer.kernel - 1) * jumps[-1])
        jumps.append(jumps[-1] * layer.stride)
    return ReceptiveField(
        tuple(layers), tuple(lengths), tuple(seen), tuple(sizes), tuple(jumps), reach
    )


# --------------------------------------------------------------------------- inputs


def seeded_integers(shape, seed: int, low: int, high: int) -> Array:
    """Small integers, so a student can check the sums by eye."""
    return np.random.default_rng(seed).integers(low, high + 1, size=shape).astype(float)


NG_EDGE_INPUT = np.array(
    [
        [3, 0, 1, 2, 7, 4],
        [1, 5, 8, 9, 3, 1],
        [2, 7, 2, 5, 1, 3],
        [0, 1, 3, 1, 7, 8],
        [4, 2, 1, 6, 2, 8],
        [2, 4, 5, 2, 3, 9],
    ],
    float,
)


def named_filter(name: str) -> Array:
    """The classic filters, (k, k); 'gaussian:SIZE:SIGMA' and 'box:SIZE' take sizes."""
    base, _, rest = name.partition(":")
    if base in ("gaussian", "box"):
        return _sized_filter(base, rest)
    if name not in FILTERS:
        raise ValueError(f"unknown filter {name!r}")
    return np.array(FILTERS[name], float)


def _sized_filter(base: str, rest: str) -> Array:
    gaussian = base == "gaussian"
    usage = (
        f"gaussian:SIZE:SIGMA needs a whole SIZE from 1 to {MAX_SIDE} and 0 < SIGMA ≤ 1e6"
        if gaussian
        else f"box:SIZE needs a whole SIZE from 1 to {MAX_SIDE}"
    )
    size_text, _, sigma_text = rest.partition(":")
    try:
        size, sigma = int(size_text), float(sigma_text) if gaussian else 1.0
    except ValueError:
        raise ValueError(usage) from None
    # NaN, ∞ refused; a kernel no input holds is never built
    if not 1 <= size <= MAX_SIDE or not 0 < sigma <= 1e6 or (not gaussian and sigma_text):
        raise ValueError(usage)
    if not gaussian:
        return np.full((size, size), 1.0 / size**2)
    t = np.arange(size) - (size - 1) / 2
    g = np.exp(-(t[:, None] ** 2 + t[None, :] ** 2) / (2 * sigma**2))
    return g / g.sum()


FILTERS = {
    "vertical-edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "horizontal-edge": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "sobel-x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "sobel-y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "prewitt-x": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "prewitt-y": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}
FILTER_NAMES = (*FILTERS, "gaussian:SIZE:SIGMA", "box:SIZE")


def shapes_image(size: int = 96) -> Array:
    """A built-in test picture (no files, no downloads): a bright square, a disc
    and a diagonal stripe on a dark gradient, so edges of every direction show."""
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    img = 0.15 + 0.15 * x
    img = np.where((np.abs(x - 0.3) < 0.15) & (np.abs(y - 0.3) < 0.15), 0.9, img)
    img = np.where((x - 0.68) ** 2 + (y - 0.62) ** 2 < 0.2**2, 0.65, img)
    img = np.where(np.abs(x + y - 1.45) < 0.05, 1.0, img)
    return img


def check_positive(value: int, what: str) -> int:
    """``value`` if it is a finite whole number ≥ 1, else ValueError naming ``what``."""
    if value < 1 or not math.isfinite(value):
        raise ValueError(f"{what} must be ≥ 1")
    return value


# --------------------------------------------------------------------------- the spec

MAX_SIDE = 2048
MAX_CHANNELS = 64


@dataclass(frozen=True)
class ConvRunSpec:
    """Every effective parameter of ``dlviz conv``: the arrays themselves
    (seeded ones included, with the seed that drew them) and the geometry.

    input: (C_in, H, W) values, a 1-D input as (C_in, 1, W); kernel: (C_out,
    C_in, kh, kw) (transposed: (C_in, C_out, kh, kw)), () for pooling; bias:
    (C_out,) or () for none; pool: "" for a convolution, "max" or "avg";
    padding: (top, bottom, left, right); step: the highlighted window, raster
    order; seed: what drew the seeded input (seed), kernel (seed + 1) and bias
    (seed + 2).
    """

    input: tuple
    kernel: tuple
    bias: tuple
    dims: int
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    padding_mode: str
    pool: str
    ceil_mode: bool
    count_include_pad: bool
    transposed: bool
    output_padding: tuple[int, int]
    step: int
    seed: int
    notation: str = "pytorch"  # how the output-size formula is written (NOTATIONS)

    def cost(self):
        """The cells the window slides over (padding and inserted zeros
        included), the output's cells, and the multiply-adds; None within
        what a laptop does in about a minute."""
        from dlviz.compute.cost import TooBig, amount

        cin, h, w = len(self.input), len(self.input[0]), len(self.input[0][0])
        cout = len(self.kernel[0]) if self.transposed and self.kernel else len(self.kernel) or cin
        (kh, kw), sh = self.kernel_size, self.stride[0]
        top, bottom, left, right = self.padding
        (ph, pw), (oh, ow) = self.grid_shapes()
        padded, out = cin * ph * pw, max(cout, 1) * max(oh, 0) * max(ow, 0)
        per_output = max(cout, 1) * (1 if self.pool else cin)

        def macs_of(input_size=None, kernel_size=None) -> int:
            """Multiply-adds (pooling: taps read) of this spec or a resized one."""
            _, (oh, ow) = self.grid_shapes(input_size, kernel_size)
            k = kernel_size or self.kernel_size
            return per_output * max(oh, 0) * max(ow, 0) * k[0] * k[1]

        macs = macs_of()
        if padded > MAX_CELLS or out > MAX_CELLS:
            what = f"about {amount(max(padded, out))} cells"
            limit = f"at most ~{amount(MAX_CELLS)} cells here"
            if cin * h * w <= MAX_CELLS // 4 and max(self.padding) > 0:
                room = int(((MAX_CELLS / cin) ** 0.5 - max(h, w)) / 2)
                cheaper = {"padding": max(0, min(room, max(self.padding)))}
                return TooBig("padding", max(self.padding), what, limit, cheaper)
            side = int(
                (MAX_CELLS / max(cin, cout, 1)) ** 0.5 / max(1, sh if self.transposed else 1)
            )
            return TooBig("input_size", f"{h}x{w}", what, limit, {"input_size": f"{side}x{side}"})
        if macs > MAX_MACS:
            what = f"about {amount(macs)} multiply-adds"
            limit = f"at most ~{amount(MAX_MACS)} here"
            # the largest smaller square that fits (a smaller kernel has more outputs)
            if kh * kw >= 64:
                smaller = range(min(kh, kw) - 1, 0, -1)
                k = next((k for k in smaller if macs_of(kernel_size=(k, k)) <= MAX_MACS), 1)
                return TooBig("kernel_size", f"{kh}x{kw}", what, limit, {"kernel_size": f"{k}x{k}"})
            smaller = range(max(h, w) - 1, 0, -1)
            side = next((n for n in smaller if macs_of(input_size=(n, n)) <= MAX_MACS), 1)
            return TooBig("input_size", f"{h}x{w}", what, limit, {"input_size": f"{side}x{side}"})
        return None

    def grid_shapes(self, input_size=None, kernel_size=None) -> tuple[tuple[int, int], ...]:
        """(rows, cols) of the grid the window slides over (padding and
        inserted zeros included) and of the output, from the spec alone (or
        with another input or kernel size)."""
        h, w = input_size or (len(self.input[0]), len(self.input[0][0]))
        (kh, kw), (sh, sw), (dh, dw) = kernel_size or self.kernel_size, self.stride, self.dilation
        top, bottom, left, right = self.padding
        if self.transposed:  # the input with s − 1 zeros between, padded by d(k − 1) − p
            ph = (h - 1) * sh + 1 + 2 * max(0, dh * (kh - 1) - top)
            pw = (w - 1) * sw + 1 + 2 * max(0, dw * (kw - 1) - left)
            oh = transposed_output_size(h, kh, sh, top, dh, self.output_padding[0])
            ow = transposed_output_size(w, kw, sw, left, dw, self.output_padding[1])
        else:
            ph, pw = h + top + bottom, w + left + right
            oh = output_size(h, kh, sh, top, bottom, dh, self.ceil_mode)
            ow = output_size(w, kw, sw, left, right, dw, self.ceil_mode)
        return (ph, pw), (oh, ow)

    @property
    def operation(self) -> ConvSpec:
        """The window's geometry and kind, as ``conv`` and ``pool`` take it
        (the fields the two specs share, in the same order)."""
        return ConvSpec(*(getattr(self, f.name) for f in fields(ConvSpec)))


MAX_CELLS = 25_000_000  # 200 MB of float64 per array
MAX_MACS = 5.0e10  # about half a minute (2048² × 64² took 10 s)


def make_spec(
    *,
    input=None,
    input_size: tuple[int, ...] | None = None,
    ones: bool = False,
    in_channels: int | None = None,
    kernel=None,
    kernel_size: tuple[int, ...] | None = None,
    filter: str = "",
    out_channels: int | None = None,
    bias=False,
    dims: int | None = None,
    stride=1,
    padding=0,
    dilation=1,
    padding_mode: str = "zeros",
    pool: str = "",
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    transposed: bool = False,
    output_padding=0,
    example: str = "",
    step: int | None = None,
    at: tuple[int, ...] | None = None,
    seed: int = 0,
    notation: str = "pytorch",
) -> ConvRunSpec:
    """The spec with every default resolved; a bad value raises ``SpecError``.

    The input is ``input`` (values: a list, H×W or C×H×W), the built-in image
    (``input="image"``), ones or seeded small integers of ``input_size``
    (default 7×7), or the classic ``example="ng-edge"``. The kernel is
    ``kernel`` (values), a named ``filter`` or seeded small integers of
    ``kernel_size`` (default 3×3); pooling takes ``kernel_size`` as its window.
    """
    seed = whole("seed", seed, 0, 2**32 - 1)
    choice("padding_mode", padding_mode, PADDING_MODES)
    choice("pool", pool or "", ("", *POOLS))
    choice("notation", notation, NOTATIONS)
    # options that would otherwise change nothing are refused, as PyTorch has no such knob
    _check(not ceil_mode or pool, "ceil_mode", True, "only pooling rounds the size up")
    _check(
        count_include_pad or pool == "avg",
        "count_include_pad",
        False,
        "only average pooling divides by a window count",
    )
    _check(
        padding_mode == "zeros" or not pool,
        "padding_mode",
        padding_mode,
        "pooling has no padding mode (max pools over −∞, average over zeros)",
    )
    _check(
        not (pool and transposed),
        "transposed",
        True,
        "pooling and transposed convolution exclude each other",
    )
    if example:
        choice("example", example, ("ng-edge",))
        input, kernel, dims = NG_EDGE_INPUT[None], named_filter("vertical-edge")[None, None], 2
    x, dims = _input(input, input_size, ones, in_channels, dims, seed)
    k = _kernel(kernel, kernel_size, filter, x, dims, out_channels, transposed, pool, seed)
    if pool:
        kernel_size = _axes("kernel", kernel_size or 2, dims, 1)
    else:
        kernel_size = tuple(k.shape[2:])
    out_c = k.shape[1] if transposed else k.shape[0] if k is not None else 0
    b = _bias(bias, out_c, seed)
    stride = _axes("stride", stride, dims, 1)
    dilation = _axes("dilation", dilation, dims, 1)
    output_padding = _axes("output_padding", output_padding, dims, 0)
    _check(
        transposed or output_padding == (0, 0),
        "output_padding",
        output_padding[-1] if dims == 1 else output_padding,
        "only a transposed convolution has output padding (add --transposed)",
    )
    padding = _padding(padding, dims, stride, kernel_size, dilation, transposed)
    op = ConvSpec(
        kernel_size,
        stride,
        padding,
        dilation,
        padding_mode,
        pool or "",
        bool(ceil_mode),
        bool(count_include_pad),
        bool(transposed),
        output_padding,
    )
    check(op, x.shape)
    step = _step(op, x.shape, step, at)
    arrays = (frozen(a.tolist()) if a is not None else () for a in (x, k, b))
    geometry = (getattr(op, f.name) for f in fields(ConvSpec))
    return ConvRunSpec(*arrays, dims, *geometry, step, seed, notation)


def _values(param: str, values) -> Array:
    try:
        array = np.array(values, float)
    except (TypeError, ValueError):
        raise SpecError(param, "…", "expected a numeric array (nested lists)") from None
    _check(
        array.size > 0 and np.isfinite(array).all(),
        param,
        "…",
        "needs a non-empty array of finite numbers",
    )
    return array


def _input(values, size, ones: bool, channels, dims: int | None, seed: int):
    """(C, H, W) and the number of spatial dims."""
    given = channels
    channels = whole("in_channels", 1 if channels is None else channels, 1, MAX_CHANNELS)
    if isinstance(values, str):
        _check(values == "image", "input", values, "the built-in picture is called image")
        _check(given in (None, 1), "in_channels", given, "the built-in picture has one channel")
        return shapes_image()[None], 2
    if values is not None:
        x = _values("input", values)
        c = x.shape[0] if x.ndim == 3 else 1
        _check(
            given is None or given == c,
            "in_channels",
            given,
            f"the input's values set the channels ({c}); leave --in-channels out",
        )
        _check(x.ndim in (1, 2, 3), "input", f"{x.ndim}-D", "expected N, H×W or C×H×W")
        if x.ndim == 1:
            return x[None, None, :], 1
        if x.ndim == 2:
            return x[None], dims or 2
        _check(dims != 1 or x.shape[1] == 1, "dims", dims, "a 1-D input has one row")
        return x, dims or 2
    size = tuple(size or (7, 7))
    _check(len(size) in (1, 2), "input", size, "expected HxW or a length")
    _sizes("input", size)
    shape = (channels, *size) if len(size) == 2 else (channels, 1, size[0])
    cells = int(np.prod(shape, dtype=np.int64))
    side = int((MAX_CELLS / channels) ** 0.5)
    _check(  # the spec holds every value: drawn before any cost estimate can run
        cells <= MAX_CELLS,
        "input",
        "x".join(map(str, size)),
        f"{cells:,} input values over {channels} channels; at most {MAX_CELLS:,} "
        f"(e.g. {side}x{side})",
    )
    x = np.ones(shape) if ones else seeded_integers(shape, seed, 0, 9)
    return x, len(size)


def _kernel(
    values, size, name: str, x: Array, dims: int, c_out, transposed: bool, pool: str, seed: int
) -> Array | None:
    c_in = x.shape[0]
    if values is not None and len(values) == 0:  # a replayed pooling spec: no kernel
        values = None
    if pool:
        _check(
            values is None and not name,
            "kernel",
            name or "…",
            "pooling takes a window size, e.g. 2x2",
        )
        return None
    if values is not None:
        return _given_kernel(values, c_in, c_out, dims, transposed)
    c_out = whole("out_channels", 1 if c_out is None else c_out, 1, MAX_CHANNELS)
    shape = (c_in, c_out) if transposed else (c_out, c_in)
    if name:
        _check(
            dims == 2 and c_in == 1, "kernel", name, "named filters apply to one-channel 2-D inputs"
        )
        try:
            filt = named_filter(name)
        except ValueError as exc:
            raise SpecError("kernel", name, f"{exc}; filters: {', '.join(FILTER_NAMES)}") from None
        return np.repeat(filt[None, None], c_out, axis=0)
    size = tuple(size or ((3, 3) if dims == 2 else (3,)))
    _check(
        len(size) == dims,
        "kernel",
        "x".join(map(str, size)),
        f"the input is {dims}-D: give {'KhxKw' if dims == 2 else 'a length'}",
    )
    _sizes("kernel", size)
    cells = int(np.prod((*shape, *size), dtype=np.int64))
    _check(  # the spec holds every weight
        cells <= MAX_CELLS,
        "kernel",
        "x".join(map(str, size)),
        f"{cells:,} weights over {shape[0]}×{shape[1]} channels; at most {MAX_CELLS:,}",
    )
    k = seeded_integers((*shape, *size), seed + 1, -1, 1)
    return k if dims == 2 else k[:, :, None, :]


def _given_kernel(values, c_in: int, c_out, dims: int, transposed: bool) -> Array:
    """A kernel given as values; its channels come from its shape (a typed
    out_channels must agree)."""
    k = _values("kernel", values)
    if k.ndim == 1:
        k = k[None, None, None, :]
    elif k.ndim == 2:
        k = k[None, None]
    _check(k.ndim == 4, "kernel", f"{k.ndim}-D", "expected kh×kw or C_out×C_in×kh×kw")
    if c_out is None:
        c_out = k.shape[1] if transposed else k.shape[0]
    shape = (c_in, c_out) if transposed else (c_out, c_in)
    size = "×".join(map(str, k.shape))
    _check(k.shape[:2] == shape, "kernel", size, f"expected {shape[0]}×{shape[1]}×kh×kw")
    _check(dims == 2 or k.shape[2] == 1, "kernel", size, "the input is 1-D: give a length")
    return k


def _sizes(param: str, size: tuple) -> None:
    ok = all(isinstance(n, int) and 1 <= n <= MAX_SIDE for n in size)
    _check(ok, param, "x".join(map(str, size)), f"sizes must be from 1 to {MAX_SIDE}")


def _bias(bias, out_c: int, seed: int) -> Array | None:
    if bias is True:
        _check(out_c > 0, "bias", True, "pooling has no bias")
        return seeded_integers((out_c,), seed + 2, -2, 2)
    if bias is False or bias is None or (not isinstance(bias, bool) and len(bias) == 0):
        return None
    b = _values("bias", bias).ravel()
    _check(len(b) == out_c, "bias", len(b), f"needs one value per output channel ({out_c})")
    return b


def _axes(param: str, value, dims: int, low: int) -> tuple[int, int]:
    """An int or (h, w) as (h, w); a 1-D case has (low or 1, n)."""
    values = (value,) if isinstance(value, (int, float)) else tuple(value)
    _check(
        len(values) in (1, 2)
        and not (dims == 1 and len(values) == 2 and values[0] != (1 if low else 0)),
        param,
        values,
        "one number, or H,W for a 2-D input",
    )
    for v in values:
        whole(param, v, low, 10**6)
    if dims == 1:
        return (1 if low >= 1 else 0, int(values[-1]))
    return (int(values[0]), int(values[-1]))


def _padding(value, dims: int, stride, kernel_size, dilation, transposed: bool):
    if value == "same":
        _check(stride == (1, 1), "padding", "same", "needs stride 1 (as in PyTorch)")
        _check(
            not transposed,
            "padding",
            "same",
            "a transposed convolution has no same padding (as in PyTorch)",
        )
        return same_padding(kernel_size, dilation)
    if value == "valid":
        return (0, 0, 0, 0)
    if not isinstance(value, (int, float)) and len(value) == 4:
        for v in value:
            whole("padding", v, 0, 10**6)
        return tuple(int(v) for v in value)
    ph, pw = _axes("padding", value, dims, 0)
    return (ph, ph, pw, pw) if dims == 2 else (0, 0, pw, pw)


def _step(op: ConvSpec, shape, step, at) -> int:
    _, h, w = shape
    if op.transposed:
        (kh, kw), (sh, sw), (dh, dw) = op.kernel_size, op.stride, op.dilation
        oh = transposed_output_size(h, kh, sh, op.padding[0], dh, op.output_padding[0])
        ow = transposed_output_size(w, kw, sw, op.padding[2], dw, op.output_padding[1])
    else:
        oh, ow = _out_shape(op, h, w)
    _check(min(oh, ow) >= 1, "padding", op.padding, f"leaves an empty output ({oh}×{ow})")
    if at is not None:
        r, c = (at[0], at[1]) if len(at) == 2 else (0, at[0])
        _check(
            0 <= r < oh and 0 <= c < ow, "at", ",".join(map(str, at)), f"the output is {oh}×{ow}"
        )
        return int(r) * ow + int(c)
    return whole("step", 0 if step is None else step, 0, oh * ow - 1)


def run(spec: ConvRunSpec, progress=None) -> ConvResult:
    """The convolution (or pooling) ``spec`` describes, holding ``spec``;
    ``progress(rows_done, rows)`` hears the output rows done."""
    from dataclasses import replace

    x = np.array(spec.input, float)
    if spec.pool:
        result = pool(x, spec.operation, spec.dims, progress)
    else:
        b = np.array(spec.bias, float) if spec.bias else None
        result = conv(x, np.array(spec.kernel, float), spec.operation, b, spec.dims, progress)
    formula = _formulas(
        spec.operation, x.shape[1:], result.output.shape[1:], spec.dims, spec.notation
    )
    return replace(result, run_spec=spec, formula=formula)


@dataclass(frozen=True)
class StackSpec:
    """A stack of 1-D layers for receptive fields: each layer (kernel, stride,
    dilation, padding) and the input's length."""

    layers: tuple[tuple[int, int, int, int], ...]
    length: int


def make_stack_spec(*, layers, length: int = 32) -> StackSpec:
    """The stack spec; a bad value raises ``SpecError``."""
    _check(len(layers) > 0, "layers", "", "name at least one layer, e.g. k3s2")
    out = []
    for layer in layers:
        k, s, d, p = (tuple(layer) + (1, 1, 0)[len(layer) - 1 :])[:4]
        for v, low in ((k, 1), (s, 1), (d, 1), (p, 0)):
            whole("layers", v, low, 10**6)
        out.append((int(k), int(s), int(d), int(p)))
    return StackSpec(tuple(out), whole("length", length, 1, 512))


def run_stack(spec: StackSpec) -> ReceptiveField:
    """The receptive field of the stack ``spec`` describes."""
    from dataclasses import replace

    return replace(
        receptive_field([Layer(*layer) for layer in spec.layers], spec.length), spec=spec
    )


def squeeze(array: Array, dims: int) -> Array:
    """H×W for one channel (a row for 1-D), C×H×W otherwise."""
    if dims == 1:
        array = array[:, 0, :]
    return array[0] if array.shape[0] == 1 else array


WINDOWS_UP_TO = 20_000  # tap indices written out in full; past this, rows and columns only


def window_axes(result: ConvResult) -> tuple[Array, Array]:
    """The windows' rows (OH, kh) and columns (OW, kw): output cell (i, j)'s
    tap (a, b) reads input (rows[i, a], cols[j, b]); a window grid is
    separable, so these two small tables hold every window."""
    spec, origin = result.window_spec, result.window_origin
    (kh, kw), (sh, sw), (dh, dw) = spec.kernel_size, spec.stride, spec.dilation
    top, left = origin if origin is not None else (spec.padding[0], spec.padding[2])
    oh, ow = result.output.shape[1:]
    rows = np.arange(oh)[:, None] * sh + np.arange(kh)[None, :] * dh - top
    cols = np.arange(ow)[:, None] * sw + np.arange(kw)[None, :] * dw - left
    return rows, cols


def conv_json(result: ConvResult) -> dict:
    """A convolution's input, kernel, output, its shape and each output
    cell's window: as the separable rows and columns always, and tap by tap
    while that stays small (a 512² input's taps alone were 80 MB)."""
    rows, cols = window_axes(result)
    oh, ow = result.output.shape[1:]
    full = oh * ow * rows.shape[1] * cols.shape[1] <= WINDOWS_UP_TO
    windows = result.windows if full else None
    if windows is not None and result.dims == 1:
        windows = windows[0, :, 0, :, 1]  # (OW, kw): input positions
    elif windows is not None:
        windows = windows.reshape(*windows.shape[:2], -1, 2)  # (OH, OW, taps, 2)
    kernel = result.kernel if result.kernel is not None else None
    if kernel is not None and result.dims == 1:
        kernel = kernel[:, :, 0, :]
    out = {
        "input": squeeze(result.input, result.dims),
        "kernel": None
        if kernel is None
        else (kernel[0, 0] if kernel.shape[:2] == (1, 1) else kernel),
        "output": squeeze(result.output, result.dims),
        "output_shape": list(squeeze(result.output, result.dims).shape),
        "window_rows": rows if result.dims == 2 else None,
        "window_cols": cols,
        "formula": result.formula,
    }
    if windows is not None:
        out["windows"] = windows
    if result.bias is not None:
        out["bias"] = result.bias
    return out


def result_json(result: ConvResult | ReceptiveField) -> dict:
    """What ``--data`` exports beside the parameters: a convolution's arrays
    and windows, or a stack's receptive field layer by layer."""
    if isinstance(result, ReceptiveField):
        return {
            "layers": [vars(layer) for layer in result.layers],
            "lengths": result.lengths,
            "seen": result.seen,
            "sizes": result.sizes,
            "jumps": result.jumps,
            "depends_on_input_cells": result.depends,
            "span_positions_in_padding": result.outside,
            "span_positions_skipped_by_dilation": result.skipped,
        }
    return conv_json(result)
