"""Convolution numbers against independent oracles: PyTorch (512 recorded
cases, and live when torch is importable), naive loops, the well-known 6×6
edge example, and brute-force receptive fields."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlviz.compute import conv as C
from tests.util import recorder as load_recorder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "torch_conv.npz"
DATA = np.load(FIXTURE)
META = json.loads(str(DATA["meta"]))


def compute_case(case: dict, arrays: dict) -> np.ndarray:
    """The recorded case through dlviz."""
    x = arrays["input"]
    op = case["op"]
    if op in ("conv1d", "conv2d"):
        w, b = arrays["weight"], arrays.get("bias")
        if op == "conv1d":
            x, w = x[:, None, :], w[:, :, None, :]
            p = case["padding"]
            spec = C.ConvSpec(
                (1, w.shape[-1]),
                (1, case["stride"]),
                (0, 0, p, p),
                (1, case["dilation"]),
                case["mode"],
            )
            return C.conv(x, w, spec, b, dims=1).output[:, 0, :]
        d = case["dilation"]
        p = case["padding"]
        padding = C.same_padding(w.shape[2:], (d, d)) if p == "same" else (p,) * 4
        spec = C.ConvSpec(w.shape[2:], (case["stride"],) * 2, padding, (d, d), case["mode"])
        return C.conv(x, w, spec, b).output
    if op == "conv_transpose2d":
        s, p, d, o = case["stride"], case["padding"], case["dilation"], case["output_padding"]
        spec = C.ConvSpec((3, 3), (s, s), (p,) * 4, (d, d), transposed=True, output_padding=(o, o))
        return C.conv(x, arrays["weight"], spec, arrays["bias"]).output
    k, s, p, d = case["kernel"], case["stride"], case["padding"], case["dilation"]
    spec = C.ConvSpec(
        (k, k),
        (s, s),
        (p,) * 4,
        (d, d),
        pool=op.split("_")[0],
        ceil_mode=case["ceil_mode"],
        count_include_pad=case["count_include_pad"],
    )
    return C.pool(x, spec).output


def case_arrays(i: int) -> dict:
    return {key.split("/")[1]: DATA[key] for key in DATA.files if key.startswith(f"{i}/")}


def test_the_fixture_covers_the_grid():
    ops = {c["op"] for c in META["cases"]}
    assert ops == {"conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d"}
    modes = {c["mode"] for c in META["cases"] if "mode" in c}
    assert modes == set(C.PADDING_MODES)
    assert len(META["cases"]) > 400


@pytest.mark.parametrize("op", ["conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d"])
def test_every_recorded_case_equals_pytorch(op):
    checked = 0
    for i, case in enumerate(META["cases"]):
        if case["op"] != op:
            continue
        arrays = case_arrays(i)
        got = compute_case(case, arrays)
        np.testing.assert_allclose(
            got, arrays["output"], rtol=1e-12, atol=1e-12, err_msg=json.dumps(case)
        )
        checked += 1
    assert checked >= 10


def test_live_pytorch_agrees_on_a_sample():
    pytest.importorskip("torch")
    recorder = load_recorder("record_torch_conv")
    cases = [*recorder.conv_cases(), *recorder.pool_cases(), *recorder.transposed_cases()]
    rng = np.random.default_rng(7)
    for case in cases[::7]:
        arrays = recorder.run(case, rng)
        np.testing.assert_allclose(compute_case(case, arrays), arrays["output"], atol=1e-12)


# ------------------------------------------------------------------ naive oracles


def naive_conv2d(x, w, stride, padding, dilation, bias=None):
    c_in, h, wd = x.shape
    top, bottom, left, right = padding
    xp = np.zeros((c_in, h + top + bottom, wd + left + right))
    xp[:, top : top + h, left : left + wd] = x
    c_out, _, kh, kw = w.shape
    oh = (h + top + bottom - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + left + right - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((c_out, oh, ow))
    for o in range(c_out):
        for r in range(oh):
            for c in range(ow):
                total = 0.0 if bias is None else bias[o]
                for ci in range(c_in):
                    for i in range(kh):
                        for j in range(kw):
                            total += (
                                w[o, ci, i, j]
                                * xp[
                                    ci,
                                    r * stride[0] + i * dilation[0],
                                    c * stride[1] + j * dilation[1],
                                ]
                            )
                out[o, r, c] = total
    return out


@pytest.mark.parametrize(
    ("stride", "padding", "dilation"),
    [
        ((1, 1), (0, 0, 0, 0), (1, 1)),
        ((2, 1), (1, 0, 2, 1), (1, 2)),
        ((3, 2), (2, 2, 0, 1), (2, 1)),
    ],
)
def test_conv_equals_a_naive_loop_with_asymmetric_settings(stride, padding, dilation):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 7, 8)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    spec = C.ConvSpec((3, 2), stride, padding, dilation)
    np.testing.assert_allclose(
        C.conv(x, w, spec, b).output, naive_conv2d(x, w, stride, padding, dilation, b), atol=1e-12
    )


def test_ng_vertical_edge_example():
    r = C.conv(
        C.NG_EDGE_INPUT[None], C.named_filter("vertical-edge")[None, None], C.ConvSpec((3, 3))
    )
    np.testing.assert_array_equal(
        r.output[0], [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]]
    )


def test_each_output_is_the_sum_over_its_window_indices():
    rng = np.random.default_rng(1)
    x = rng.integers(-3, 4, size=(1, 5, 6)).astype(float)
    k = rng.integers(-2, 3, size=(1, 1, 3, 3)).astype(float)
    for mode in C.PADDING_MODES:
        r = C.conv(x, k, C.ConvSpec((3, 3), (2, 1), (1, 1, 2, 2), (1, 2), mode))
        origin = np.array(r.origin)
        for (i, j), value in np.ndenumerate(r.output[0]):
            taps = r.windows[i, j] + origin  # indices into the padded input
            total = sum(
                k[0, 0, a, b] * r.padded[0, taps[a, b, 0], taps[a, b, 1]]
                for a in range(3)
                for b in range(3)
            )
            assert value == pytest.approx(total)
    # padding cells are indices outside the input
    r = C.conv(x, k, C.ConvSpec((3, 3), padding=(1, 1, 1, 1)))
    assert r.windows[0, 0, 0, 0].tolist() == [-1, -1] and r.windows[-1, -1, 2, 2].tolist() == [5, 6]


def test_output_size_matches_counting_window_starts():
    for n in range(1, 12):
        for k in range(1, 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    for d in (1, 2):
                        starts = [t for t in range(0, n + 2 * p) if t + d * (k - 1) < n + 2 * p]
                        expected = len(starts[::s])
                        assert C.output_size(n, k, s, p, p, d) == expected


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    # n = 5, k = 2, s = 2, p = 1: ceil((5 + 2 − 2)/2) + 1 = 4, but the 4th window
    # would start at 6 ≥ n + p = 6, so PyTorch keeps 3
    assert C.output_size(5, 2, 2, 1, 1, ceil_mode=True) == 3
    assert C.output_size(6, 3, 2, 0, 0, ceil_mode=True) == 3


def test_transposed_convolution_is_the_adjoint_of_convolution():
    # <conv(x), y> = <x, conv_transpose(y)> for the same kernel, stride, padding
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 7, 7)), rng.normal(size=(3, 2, 3, 3))
    spec = C.ConvSpec((3, 3), (2, 2), (1, 1, 1, 1))
    y = C.conv(x, w, spec).output
    g = rng.normal(size=y.shape)
    back = C.conv(g, w, C.ConvSpec((3, 3), (2, 2), (1, 1, 1, 1), transposed=True)).output
    assert np.sum(y * g) == pytest.approx(np.sum(x * back))


def test_formula_has_the_numbers_substituted():
    r = C.conv(np.ones((1, 7, 7)), np.ones((1, 1, 3, 3)), C.ConvSpec((3, 3), (2, 2), (1,) * 4))
    assert r.formula == "H, W: ⌊(7 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = 4"  # a square case, once
    assert r.output.shape == (1, 4, 4)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("shape", "spec", "message"),
    [
        ((1, 3, 3), C.ConvSpec((5, 5)), "larger than the padded input"),
        ((1, 3, 3), C.ConvSpec((3, 3), padding=(3,) * 4, padding_mode="reflect"), "reflect"),
        ((1, 3, 3), C.ConvSpec((3, 3), padding=(4,) * 4, padding_mode="circular"), "circular"),
        ((1, 6, 6), C.ConvSpec((2, 2), padding=(2,) * 4, pool="max"), "half the window"),
        (
            (1, 4, 4),
            C.ConvSpec((3, 3), (2, 2), transposed=True, output_padding=(2, 2)),
            "output padding",
        ),
        ((1, 4, 4), C.ConvSpec((3, 3), transposed=True, padding_mode="reflect"), "zeros only"),
        ((1, 2, 2), C.ConvSpec((3, 3), padding=(3,) * 4, transposed=True), "empty output"),
        ((1, 6, 6), C.ConvSpec((3, 3), pool="avg", dilation=(2, 2)), "no dilation"),
    ],
)
def test_pytorch_refusals_are_errors(shape, spec, message):
    kernel = np.ones((1, 1, *spec.kernel_size))
    with pytest.raises(ValueError, match=message):
        if spec.pool:
            C.pool(np.ones(shape), spec)
        else:
            C.conv(np.ones(shape), kernel, spec)


def test_reflect_padding_below_the_size_and_circular_at_the_size_are_fine():
    C.conv(
        np.ones((1, 3, 3)),
        np.ones((1, 1, 3, 3)),
        C.ConvSpec((3, 3), padding=(2,) * 4, padding_mode="reflect"),
    )
    C.conv(
        np.ones((1, 3, 3)),
        np.ones((1, 1, 3, 3)),
        C.ConvSpec((3, 3), padding=(3,) * 4, padding_mode="circular"),
    )


# ------------------------------------------------------------------ stacks, filters


def test_receptive_field_equals_brute_force_dependence():
    layers = [C.Layer(3), C.Layer(3, 2), C.Layer(3, 1, 2), C.Layer(2, 2)]
    rf = C.receptive_field(layers, 40)

    # brute force: perturb each input cell, see which final cell changes
    def forward(v):
        for layer in layers:
            spec = C.ConvSpec(
                (1, layer.kernel),
                (1, layer.stride),
                (0, 0, layer.padding, layer.padding),
                (1, layer.dilation),
            )
            v = C.conv(v[None, None, :], np.ones((1, 1, 1, layer.kernel)), spec).output[0, 0]
        return v

    base = forward(np.zeros(40))
    cell = len(base) // 2
    seen = [i for i in range(40) if forward(np.eye(40)[i])[cell] != base[cell]]
    assert rf.seen[0].tolist() == seen
    assert rf.sizes[-1] == seen[-1] - seen[0] + 1 == 1 + 2 + 2 * 2 * 2 + 1 * 4
    assert rf.jumps == (1, 1, 2, 2, 4)


def test_named_filters():
    np.testing.assert_array_equal(C.named_filter("sobel-x"), [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    g = C.named_filter("gaussian:5:1.0")
    assert g.shape == (5, 5) and g.sum() == pytest.approx(1) and np.allclose(g, g.T)
    assert g[2, 2] / g[2, 3] == pytest.approx(np.exp(0.5))
    np.testing.assert_allclose(C.named_filter("box:3"), np.full((3, 3), 1 / 9))
    with pytest.raises(ValueError):
        C.named_filter("emboss")


def test_filter_on_the_builtin_image_finds_its_edges():
    img = C.shapes_image(64)
    out = C.conv(img[None], C.named_filter("sobel-x")[None, None], C.ConvSpec((3, 3))).output[0]
    column = np.abs(out).mean(axis=0)
    # the bright square's left and right edges (x = 0.15 and 0.45 of the width)
    assert column.argmax() in range(int(0.1 * 64), int(0.5 * 64))


@pytest.mark.parametrize(
    ("layers", "n", "depends", "span", "outside", "skipped"),
    [
        ("k3d2,k3d4,k3d8", 64, 15, 29, 0, 14),  # dilation: 29 positions, 15 read
        ("k3p1,k3p1,k3p1,k3p1,k3p1", 8, 8, 11, 3, 0),  # padding: 8 real cells, 3 zeros
        ("k3s2,k3", 16, 7, 7, 0, 0),
    ],
)
def test_receptive_field_counts_real_cells_padding_and_gaps(
    layers, n, depends, span, outside, skipped
):
    """Every path of taps down the stack, enumerated one combination at a time."""
    import itertools

    parsed = [C.Layer(*t) for t in C.make_stack_spec(layers=_stack(layers), length=n).layers]
    rf = C.receptive_field(parsed, n)
    assert (rf.depends, rf.sizes[-1], rf.outside, rf.skipped) == (depends, span, outside, skipped)
    cell = rf.lengths[-1] // 2
    positions, real = set(), set()
    for taps in itertools.product(*(range(layer.kernel) for layer in parsed)):
        p, alive = cell, True  # walk down from the output cell, last layer first
        for layer, t, length in zip(
            reversed(parsed), reversed(taps), reversed(rf.lengths[:-1]), strict=True
        ):
            p = p * layer.stride + t * layer.dilation - layer.padding
            alive = alive and (0 <= p < length or layer is parsed[0])
        positions.add(p)
        if alive and 0 <= p < n:
            real.add(p)
    assert len(positions) == span - skipped
    assert sum(not 0 <= p < n for p in positions) == outside
    assert sorted(real) == rf.seen[0].tolist()


def _stack(text):
    from dlviz.cli.conv import parse_stack

    return parse_stack(text)


@pytest.mark.parametrize(
    "requests",
    [
        {},
        {"input_size": (9, 7), "kernel_size": (3, 2), "stride": (2, 1), "padding": 1},
        {"input_size": (8, 8), "dilation": 2, "stride": 3},
        {"input_size": (4, 4), "transposed": True, "stride": 2, "padding": 1},
        {"input_size": (6, 6), "pool": "max", "kernel_size": (2, 2), "stride": 2},
    ],
)
def test_window_rows_and_columns_hold_every_tap(requests):
    """The --data export's separable windows: tap (a, b) of output (i, j)
    reads (rows[i, a], cols[j, b]), the same index as the full table."""
    from dlviz.compute import conv as C

    r = C.run(C.make_spec(**requests))
    rows, cols = C.window_axes(r)
    w = r.windows
    np.testing.assert_array_equal(w[..., 0], np.broadcast_to(rows[:, None, :, None], w.shape[:4]))
    np.testing.assert_array_equal(w[..., 1], np.broadcast_to(cols[None, :, None, :], w.shape[:4]))


def test_a_large_export_writes_rows_and_columns_not_every_tap():
    from dlviz.compute import conv as C

    r = C.run(C.make_spec(input_size=(128, 128)))
    doc = C.conv_json(r)
    assert "windows" not in doc
    assert np.asarray(doc["window_rows"]).shape == (126, 3)
