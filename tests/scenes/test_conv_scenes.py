"""The convolution lecture scenes, rendered small."""

from __future__ import annotations

import pytest

pytest.importorskip("manim")


def test_scene_grids_hold_the_numbers_of_the_result():
    import numpy as np

    from dlviz.compute import conv as C
    from dlviz.scenes.conv import ConvScene, Grid
    from dlviz.theme import DARK

    r = C.conv(np.arange(9.0).reshape(1, 3, 3), np.ones((1, 1, 2, 2)), C.ConvSpec((2, 2)))
    grid = Grid(r.output[0], DARK, "en", 0.5)
    assert [t.text for t in grid.numbers] == ["8", "12", "20", "24"]
    scene = type("S", (ConvScene,), {"params": {**ConvScene.params, "result": r}})()
    scene.setup()
    assert scene.result is r


def test_channel_video_writes_true_partial_sums_and_fills_every_output_channel(tmp_path):
    """The channel scene's per-channel sums and totals against a naive loop
    over the taps, and every output channel's every cell written."""
    from dlviz.compute import conv as C
    from dlviz.scenes import conv as S
    from tests.scenes.dry import dry_run

    r = C.run(C.make_spec(input_size=(5, 5), in_channels=3, out_channels=2))
    written = []
    real = S.label

    def recording(words, theme, lang, font_size=32, **kwargs):
        written.append(words)
        return real(words, theme, lang, font_size=font_size, **kwargs)

    scene = dry_run(S.ConvChannelsScene, tmp_path, {"result": r}, label=recording)
    x, w = r.padded, r.slid_kernel
    kh, kw = w.shape[2:]
    for step in range(scene.params["explained"]):  # the explained windows of channel 1
        i, j = divmod(step, r.output.shape[2])
        si, sj = r.spec.stride
        partial = [
            sum(x[c, i * si + a, j * sj + b] * w[0, c, a, b] for a in range(kh) for b in range(kw))
            for c in range(3)
        ]
        for p in partial:
            assert f"= {C.number(p)}" in written
        assert any(w_.endswith(f"= {C.number(sum(partial))}") for w_ in written)
    grids = [block[1] for block in scene.outputs]
    assert len(grids) == 2  # every output channel
    oh, ow = r.output.shape[1:]
    si, sj = r.spec.stride
    on_screen = {id(m) for top in scene.mobjects for m in top.get_family()}
    for k, grid in enumerate(grids):
        naive = [
            sum(
                x[c, i * si + a, j * sj + b] * w[k, c, a, b]
                for c in range(3)
                for a in range(kh)
                for b in range(kw)
            )
            for i in range(oh)
            for j in range(ow)
        ]
        shown = [n.text for n in grid.numbers if id(n) in on_screen]
        assert shown == [C.number(v).replace(" ", "") for v in naive]
