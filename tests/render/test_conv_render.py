"""The drawn artists of the convolution figures."""

from __future__ import annotations

import numpy as np

from dlviz.compute import conv as C
from dlviz.render import conv as R
from dlviz.theme import DARK


def cell_texts(ax):
    return [t.get_text() for t in ax.texts]


def test_grids_show_the_numbers_and_the_window():
    x = np.arange(16, dtype=float).reshape(1, 4, 4)
    r = C.conv(x, np.ones((1, 1, 2, 2)), C.ConvSpec((2, 2), padding=(1, 1, 1, 1)))
    fig = R.plot_conv(r, step=7)  # output (1, 2) of a 5×5 output
    ax_in, ax_k, ax_out = fig.axes
    assert len(ax_in.texts) == 36 and "15" in cell_texts(ax_in)
    assert cell_texts(ax_out) == [C.number(v) for v in r.output[0].ravel()]
    outlined = [p for p in ax_in.patches if not p.get_fill()]
    assert sorted((int(p.get_y()), int(p.get_x())) for p in outlined) == [
        (1, 2),
        (1, 3),
        (2, 2),
        (2, 3),
    ]
    products = [t.get_text() for t in fig.texts if t.get_gid() == "products"]
    # window of output (1, 2): input rows 0..1, columns 1..2 → 1 + 2 + 5 + 6
    assert products[0].endswith(f"= {C.number(r.output[0, 1, 2])}") and r.output[0, 1, 2] == 14


def test_padding_is_shaded_and_written_in_the_mode_colour():
    r = C.conv(
        np.ones((1, 3, 3)),
        np.ones((1, 1, 3, 3)),
        C.ConvSpec((3, 3), padding=(1,) * 4, padding_mode="reflect"),
    )
    ax_in = R.plot_conv(r, theme=DARK).axes[0]
    hatched = [p for p in ax_in.patches if p.get_hatch()]
    assert len(hatched) == 25 - 9
    colours = {t.get_color() for t in ax_in.texts}
    assert DARK.palette[R.MODE_COLOURS["reflect"]] in colours


def test_large_inputs_are_drawn_as_images():
    img = C.shapes_image(48)
    r = C.conv(img[None], C.named_filter("laplacian")[None, None], C.ConvSpec((3, 3)))
    fig = R.plot_conv(r, lang="zh")
    assert len(fig.axes[0].images) == 1 and len(fig.axes[2].images) == 1
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), r.output[0])


def test_animation_fills_the_output_in_raster_order():
    r = C.conv(np.ones((1, 4, 4)), np.ones((1, 1, 2, 2)), C.ConvSpec((2, 2)))
    anim = R.animate_conv(r)
    anim._func(4)
    ax_out = anim._fig.axes[-1]
    visible = [t.get_visible() for t in ax_out.texts]
    assert visible == [True] * 5 + [False] * 4
    (products,) = [t for t in anim._fig.texts if t.get_gid() == "products"]
    assert products.get_text() == C.window_text(r, 4)
    assert "Convolution" in anim._fig.get_suptitle()


def test_receptive_field_figure_fills_the_seen_cells():
    rf = C.receptive_field([C.Layer(3), C.Layer(3, 2)], 16)
    fig = R.plot_receptive_field(rf)
    filled = [p for p in fig.axes[0].patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(filled) == sum(len(s) for s in rf.seen)


def test_receptive_field_title_counts_what_it_fills():
    rf = C.receptive_field([C.Layer(3, 1, 2), C.Layer(3, 1, 4), C.Layer(3, 1, 8)], 64)
    fig = R.plot_receptive_field(rf)
    title = fig._suptitle.get_text()
    assert title == (
        "Receptive field: one output cell depends on 15 input cells; "
        "its field spans 29 positions: 14 skipped by dilation"
    )
    filled = [p for p in fig.axes[0].patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(filled) == sum(len(s) for s in rf.seen) and len(rf.seen[0]) == 15


def test_every_output_channel_is_drawn_and_the_title_names_the_channels():
    r = C.run(C.make_spec(input_size=(5, 5), in_channels=2, out_channels=3, bias=True))
    fig = R.plot_conv(r)
    outs = [ax for ax in fig.axes if ax.get_title().startswith("output channel")]
    assert [ax.get_title() for ax in outs] == [f"output channel {k}" for k in (1, 2, 3)]
    for k, ax in enumerate(outs):
        assert cell_texts(ax) == [C.number(v) for v in r.output[k].ravel()]
    assert fig._suptitle.get_text().endswith("(2 → 3 channels)")
    (products,) = [t.get_text() for t in fig.texts if t.get_gid() == "products"]
    assert products.startswith("output channel 1: Σ per input channel: ") and "bias" in products


def test_transposed_convolution_tells_inserted_zeros_from_padding():
    r = C.run(C.make_spec(input_size=(3, 3), transposed=True, stride=2))
    inserted, inside = r.inserted_mask(), r.input_mask()
    assert inserted.sum() == 5 * 5 - 3 * 3 and not (inserted & inside).any()
    pad = ~(inserted | inside)
    assert pad.sum() == 9 * 9 - 5 * 5  # d(k − 1) − p = 2 zeros on every side
    fig = R.plot_conv(r)
    hatches = {p.get_hatch() for p in fig.axes[0].patches if p.get_fill()}
    assert {"..", "//"} <= hatches
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["inserted zero (stride − 1 between values)", "padding"]


def test_a_large_kernel_beside_an_image_is_drawn_as_colours_with_a_bar():
    r = C.run(C.make_spec(input="image", filter="gaussian:31:5"))
    fig = R.figure(r)
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 3 and not images[1].texts  # no 961 numbers written
    np.testing.assert_array_equal(images[1].images[0].get_array(), r.slid_kernel[0, 0])
    bars = [ax for ax in fig.axes if not ax.images and ax.get_label() == "<colorbar>"]
    assert len(bars) == 3  # input, kernel and output each have a scale
