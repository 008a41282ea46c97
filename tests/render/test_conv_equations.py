"""Every equation a conv figure prints is built from structured terms: the
text on the figure is the equation's text, its left side evaluates to its
right side, and the right side is what was computed (itself checked against
PyTorch and brute force in tests/compute/test_conv.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dlviz.compute import conv as C
from dlviz.render import conv as R

NEG = [[-3, -1, -4, -2], [-5, -9, -2, -6], [-5, -3, -5, -8], [-9, -7, -9, -3]]

CASES = {
    "max pool, −∞ padding": dict(input=NEG, pool="max", kernel_size=(3, 3), stride=2, padding=1),
    "avg pool, ceil mode": dict(
        input_size=(5, 5), pool="avg", kernel_size=(2, 2), stride=2, padding=1, ceil_mode=True,
        at=(2, 2),
    ),
    "avg pool, padding excluded": dict(
        input_size=(5, 5), pool="avg", kernel_size=(3, 3), stride=2, padding=1,
        count_include_pad=False,
    ),
    "avg pool, padding counted": dict(
        input_size=(5, 5), pool="avg", kernel_size=(3, 3), stride=2, padding=1
    ),
    "long sum with bias": dict(input_size=(20, 20), kernel_size=(9, 9), padding=2, bias=True),
    "two input channels": dict(input_size=(5, 5), in_channels=2, bias=True, step=4),
    "transposed": dict(input_size=(3, 3), transposed=True, stride=2, padding=1, output_padding=1),
    "dilated, udl notation": dict(input_size=(9, 9), dilation=2, notation="udl", step=3),
    "d2l notation": dict(input_size=(7, 7), stride=2, padding=(1, 1, 2, 0), notation="d2l"),
    "1-D": dict(input_size=(9,), kernel_size=(3,), stride=2, padding=1),
    "filter": dict(input="image", filter="gaussian:31:5", padding="same"),
}  # fmt: skip


def _text(fig, gid):
    (found,) = [t for t in fig.texts if t.get_gid() == gid]
    return found.get_text()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", list(CASES))
def test_every_printed_equation_holds_and_is_what_ran(name):
    spec = C.make_spec(**CASES[name])
    result = C.run(spec)
    fig = R.figure(result)
    # the output-size equations: each holds, the last of each axis is the output's size
    equations = C.formula_equations(
        result.spec, result.input.shape[1:], result.output.shape[1:], result.dims, spec.notation
    )
    assert equations and all(eq.holds() for eq in equations), [eq.text() for eq in equations]
    sizes = result.output.shape[2:] if result.dims == 1 else result.output.shape[1:]
    finals = [list(eqs)[-1].rhs for _, eqs in itertools.groupby(equations, lambda e: e.prefix)]
    assert finals == list(sizes) or finals == [sizes[0]]  # a square case writes both at once
    printed = _flat(_text(fig, "formula"))
    for eq in equations:
        assert _flat(eq.text().partition(": ")[2]) in printed
    if result.padded[0].size > R.MAX_CELLS:
        return  # an image filter: no window is written out
    # the highlighted window: printed as built, holds, equals the output cell
    window = C.window_equation(result, spec.step)
    cell, _ = result.taps(spec.step)
    assert window.holds(), window.text()
    assert window.rhs == result.output[0, cell[0], cell[1]]
    assert _flat(window.text()) == _flat(_text(fig, "products"))


def test_max_pooling_writes_padding_as_minus_infinity():
    result = C.run(C.make_spec(**CASES["max pool, −∞ padding"]))
    text = C.window_text(result, 0)
    assert text == "max(−∞, −∞, −∞, −∞, −3, −1, −∞, −5, −9) = −1"
    fig = R.figure(result)
    drawn = [t.get_text() for t in fig.axes[0].texts]
    assert drawn.count("−∞") == 6 * 6 - 4 * 4  # every padding cell


def test_ceil_mode_says_why_the_last_window_is_dropped():
    result = C.run(C.make_spec(**CASES["avg pool, ceil mode"]))
    assert result.output.shape[1:] == (3, 3)
    assert result.formula == (
        "H, W: ⌈(5 + 2·1 − 1·(2 − 1) − 1)/2⌉ + 1 = 4;  (4 − 1)·2 = 6  "
        "(≥ 5 + 1: window 4 would start in the padding, so it is dropped);  4 − 1 = 3"
    )
    kept = C.run(C.make_spec(**{**CASES["avg pool, ceil mode"], "padding": 0}))
    assert kept.formula == "H, W: ⌈(5 + 2·0 − 1·(2 − 1) − 1)/2⌉ + 1 = 3"


def _brute_avg_divisor(h, w, k, s, p, include_pad, r, c):
    """Count the window's cells by looping over them (PyTorch's rule: clip
    to input + padding, then to the input alone when padding is excluded)."""
    count = 0
    for i in range(r * s - p, r * s - p + k):
        for j in range(c * s - p, c * s - p + k):
            inside_pad = -p <= i < h + p and -p <= j < w + p
            inside = 0 <= i < h and 0 <= j < w
            count += inside if not include_pad else inside_pad
    return count


@pytest.mark.parametrize("include", [True, False])
def test_average_pooling_writes_its_divisor(include):
    key = "avg pool, padding counted" if include else "avg pool, padding excluded"
    result = C.run(C.make_spec(**CASES[key]))
    oh, ow = result.output.shape[1:]
    for step in range(oh * ow):
        eq = C.window_equation(result, step)
        r, c = divmod(step, ow)
        divisor = _brute_avg_divisor(5, 5, 3, 2, 1, include, r, c)
        assert eq.text().split(" / ")[1].startswith(f"{divisor} =")
        assert eq.holds()
    assert C.window_text(result, 0).split(" / ")[1].startswith("9" if include else "4")


def test_a_long_sum_is_abbreviated_but_counts_every_term():
    result = C.run(C.make_spec(**CASES["long sum with bias"]))
    eq = C.window_equation(result, 0)
    assert "… (73 terms) …" in eq.text() and "bias" in eq.text()
    window = result.padded[0, :9, :9]
    naive = (
        sum(window[i, j] * result.kernel[0, 0, i, j] for i in range(9) for j in range(9))
        + result.bias[0]
    )
    assert eq.lhs.value() == pytest.approx(naive) == eq.rhs


def test_the_bias_is_named_in_the_sum():
    result = C.run(C.make_spec(input_size=(4, 4), bias=True))
    text = C.window_text(result, 0, bias_word="偏置")
    bias = result.bias[0]
    assert f"+ 偏置 {C.number(bias) if bias >= 0 else '(' + C.number(bias) + ')'} =" in text


@pytest.mark.parametrize("notation", C.NOTATIONS)
def test_each_notation_gives_the_same_size(notation):
    for case in ("d2l notation", "dilated, udl notation", "avg pool, ceil mode"):
        spec = C.make_spec(**{**CASES[case], "notation": notation})
        result = C.run(spec)
        eqs = C.formula_equations(
            result.spec, result.input.shape[1:], result.output.shape[1:], 2, notation
        )
        assert all(eq.holds() for eq in eqs)
        assert [eqs[-1].rhs] == [result.output.shape[2]]
    d2l = C.run(C.make_spec(**CASES["d2l notation"]))
    assert d2l.formula == "H, W: ⌊(7 − 3 + 2 + 2)/2⌋ = 4"  # p: the total padding, 1 + 1 and 2 + 0
    torch = C.run(C.make_spec(**{**CASES["d2l notation"], "notation": "pytorch"}))
    assert torch.formula.splitlines() == [
        "H: ⌊(7 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = 4",
        "W: ⌊(7 + 2 + 0 − 1·(3 − 1) − 1)/2⌋ + 1 = 4",
    ]
    udl = C.run(C.make_spec(**CASES["dilated, udl notation"]))
    assert udl.formula == "H, W: ⌊(9 + 2·0 − 3 − (3 − 1)·1)/1⌋ + 1 = 5"


def test_kernel_files_give_their_own_shape():
    two = [[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]  # 2 output channels, 1 input channel
    spec = C.make_spec(input_size=(5, 5), kernel=two)
    assert C.run(spec).output.shape == (2, 4, 4)
    line = C.run(C.make_spec(input=[1, 2, 3, 4, 5, 6], kernel=[1, 0, -1]))
    np.testing.assert_array_equal(line.output[0, 0], [-2, -2, -2, -2])
