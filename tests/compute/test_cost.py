"""Work too big for a laptop is known from the spec before it starts: the
estimate, and a cheaper request that is within the limit."""

from __future__ import annotations

import pytest

from dlviz.compute import conv as C
from dlviz.compute import optimizers as O
from dlviz.compute import relu as R
from dlviz.compute import residual as V


def _cheaper(make_spec, requests, too_big):
    """The spec of the suggested request, parsed as the command line would."""
    fixes = dict(too_big.cheaper)
    for name in ("input_size", "kernel_size"):
        if name in fixes:
            fixes[name] = tuple(int(v) for v in str(fixes[name]).split("x"))
    if "optimizers" in requests and "optimizers" in fixes:
        fixes.pop("optimizers")
    if "widths" in fixes:
        fixes["widths"] = tuple(int(v) for v in fixes["widths"].split(","))
    return make_spec(**{**requests, **fixes})


@pytest.mark.parametrize(
    ("make_spec", "requests"),
    [
        (R.make_spec, {}),
        (R.make_spec, {"widths": (100,) * 5}),
        (R.make_spec, {"input_dim": 1, "widths": (2048,)}),  # 1-D pieces: at most N + 1 per layer
        (C.make_spec, {}),
        (C.make_spec, {"input_size": (2048, 2048), "kernel_size": (64, 64)}),
        (V.make_spec, {}),
        (V.make_spec, {"backward": True}),
        (O.make_spec, {}),
        (O.make_spec, {"steps": 100_000}),  # the default race, 100 000 steps: 33 s
        (O.make_spec, {"optimizers": ["adam"], "basins": 500}),  # 250 000 starts: 43 s
        (O.make_spec, {"landscape": {"name": "gabor", "resolution": 4096}}),
    ],
)
def test_what_a_laptop_does_in_a_minute_is_not_refused(make_spec, requests):
    assert make_spec(**requests).cost() is None


@pytest.mark.parametrize(
    ("make_spec", "requests", "param"),
    [
        (R.make_spec, {"widths": (2048,)}, "widths"),
        (R.make_spec, {"widths": (1024, 1024)}, "widths"),
        (C.make_spec, {"input_size": (64, 64), "padding": 20000}, "padding"),
        (
            C.make_spec,
            {"input_size": (2048, 2048), "in_channels": 4, "out_channels": 64},
            "input_size",
        ),  # fmt: skip
        (C.make_spec, {"input_size": (2048, 2048), "kernel_size": (150, 150)}, "kernel_size"),
        (
            C.make_spec,
            {"input_size": (2048, 2048), "kernel_size": (150, 150), "pool": "max"},
            "kernel_size",
        ),  # fmt: skip
        (V.make_spec, {"width": 4096, "batch": 20000}, "width"),  # its weights alone: 2 min
        (V.make_spec, {"width": 1024, "batch": 2000}, "batch"),
        (V.make_spec, {"width": 2048, "depth": 100, "backward": True}, "width"),
        (O.make_spec, {"optimizers": ["all"], "steps": 100_000}, "steps"),  # 70 s
        (O.make_spec, {"optimizers": ["adam"], "basins": 500, "steps": 2000}, "basins"),
        (
            O.make_spec,
            {"landscape": "quadratic", "optimizers": ["adam"], "basins": 500, "steps": 100_000},
            "basins",
        ),  # fmt: skip
    ],
)
def test_too_big_names_its_parameter_and_a_cheaper_request_that_fits(make_spec, requests, param):
    too_big = make_spec(**requests).cost()
    assert too_big is not None and too_big.param == param
    assert _cheaper(make_spec, requests, too_big).cost() is None


def test_the_region_estimate_is_the_arrangement_count_for_one_layer():
    """n lines in general position cut the plane into 1 + n + n(n−1)/2
    regions; the estimate is that count's order (1 + n + n²/2)."""
    from dlviz.compute.cost import amount

    n = 2048
    too_big = R.make_spec(widths=(n,)).cost()
    assert too_big.what.startswith(f"about {amount(1 + n + n * n / 2)} regions")
    exact = 1 + n + n * (n - 1) // 2
    assert abs((1 + n + n * n / 2) - exact) / exact < 1e-3


def test_spec_refuses_an_input_too_big_to_hold():
    from dlviz.errors import SpecError

    with pytest.raises(SpecError) as err:
        C.make_spec(input_size=(2048, 2048), in_channels=64)
    assert err.value.param == "input"
    with pytest.raises(SpecError) as err:
        C.make_spec(in_channels=64, out_channels=64, kernel_size=(2048, 2048))
    assert err.value.param == "kernel"


def _uniform_model(n: int) -> dict:
    vocab = [f"t{i}" for i in range(n - 1)] + ["<eos>"]
    row = {t: 1 / n for t in vocab}
    return {"vocab": vocab, "eos": "<eos>", "next": {"": row, **{t: row for t in vocab[:-1]}}}


def test_a_beam_tree_is_estimated_from_above_and_a_huge_one_refused():
    from dlviz.compute import beam as B

    for k, length in ((2, 4), (3, 5), (4, 6)):
        spec = B.make_spec(model=_uniform_model(5), beam_size=k, max_length=length)
        nodes = len(B.run(spec).nodes)  # the tree the search grew
        v = 5
        assert nodes <= sum(min(k, v ** (t - 1)) * v for t in range(1, length + 1)) + 1
        assert spec.cost() is None
    spec = B.make_spec(model=_uniform_model(100), beam_size=64, max_length=32)
    too_big = spec.cost()
    assert too_big.param == "max_length"
    fixed = B.make_spec(model=_uniform_model(100), beam_size=64, **too_big.cheaper)
    assert fixed.cost() is None


def test_long_work_reports_its_progress_to_the_end():
    """Residual blocks, ReLU cuts and sweep networks tell (done, total) as
    they go: steadily up to the total, which is known from the start."""
    calls = []

    def told(done, total):
        calls.append((done, total))

    def check():
        done = [d for d, _ in calls]
        assert done == sorted(done) and done[-1] == calls[0][1] == calls[-1][1]
        calls.clear()

    V.run(V.make_spec(depth=3, width=8, batch=8, repeats=2, backward=True), progress=told)
    assert calls[-1] == (2 * 4 * 3 * 3, 2 * 4 * 3 * 3)
    check()
    R.run(R.make_spec(widths=(4, 3)), progress=told)
    assert len(calls) == 7
    check()
    R.run_sweep(R.make_sweep_spec(input_dim=1, kind="depth", budget=60, seeds=2), progress=told)
    check()


def test_the_optimizer_estimate_counts_every_run_and_start_that_steps(monkeypatch):
    """The work estimate's runs and starts are the ones that run: counted by
    stepping each rule with a counting gradient."""
    import numpy as np

    rows, runs = [], []
    real = O.run_optimizer

    def counting(land, rule, starts, **kw):
        runs.append(rule.name)
        rows.append(len(np.asarray(starts).reshape(-1, 2)))
        return real(land, rule, starts, **kw)

    monkeypatch.setattr(O, "run_optimizer", counting)
    for requests in (
        {"steps": 3},
        {"steps": 3, "optimizers": ["all"], "starts": [(1.0, 2.0), (0.5, 0.5)]},
        {"steps": 3, "optimizers": ["sgd", "adam"], "seeds": 7},
        {"steps": 3, "optimizers": ["adam"], "basins": 12},
    ):
        spec = O.make_spec(**requests)
        rows.clear(), runs.clear()
        O.run(spec)
        point, per_step, once = spec.work()
        data = len(O.landscape_of(spec.landscape).data.x)
        assert point == 1 + data
        assert once == spec.landscape.resolution**2 * point
        assert per_step + spec.basins**2 * point == len(runs) * O.STEP_OVERHEAD + sum(rows) * point


def test_optimizer_progress_hears_every_step_of_every_run():
    calls = []
    spec = O.make_spec(steps=400, optimizers=["sgd", "adam"], seeds=3)
    O.run(spec, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (400 * 3, 400 * 3)  # sgd, its fan of 2 more seeds, adam


def test_sliding_by_blocks_of_rows_is_the_same_sum_and_reports_every_row(monkeypatch):
    """The output computed a block of rows at a time (to report progress)
    equals the naive loop over windows."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 40, 30))
    k = rng.normal(size=(3, 2, 3, 4))
    spec = C.ConvSpec((3, 4), stride=(2, 1), padding=(1, 1, 0, 2))
    calls = []
    monkeypatch.setattr(C, "BLOCK_TAPS", 2 * 29 * 12 * 3)  # a few rows a block
    got = C.conv(x, k, spec, progress=lambda d, t: calls.append((d, t))).output
    pooled = C.pool(x, C.ConvSpec((3, 3), stride=(3, 3), pool="max"), progress=lambda d, t: None)
    padded = np.pad(x, ((0, 0), (1, 1), (0, 2)))
    oh, ow = (40 + 2 - 3) // 2 + 1, (30 + 2 - 4) + 1
    naive = np.zeros((3, oh, ow))
    for o in range(3):
        for i in range(oh):
            for j in range(ow):
                naive[o, i, j] = (padded[:, 2 * i : 2 * i + 3, j : j + 4] * k[o]).sum()
    np.testing.assert_allclose(got, naive, atol=1e-12)
    assert len(calls) > 3 and calls[-1] == (oh, oh)
    for i in range(13):
        for j in range(10):
            assert pooled.output[1, i, j] == x[1, 3 * i : 3 * i + 3, 3 * j : 3 * j + 3].max()


@pytest.mark.parametrize(
    ("make_spec", "requests", "param"),
    [
        (R.make_spec, {"widths": (100, 100)}, "widths"),
        (R.make_spec, {"widths": (30, 30)}, "widths"),  # 60 units, but ~1.9 k regions
        (R.make_spec, {"input_dim": 1, "widths": (500, 500)}, "widths"),
        (V.make_spec, {"depth": 60}, "depth"),
    ],
)
def test_a_video_is_refused_past_what_it_films_in_a_minute(make_spec, requests, param):
    """A figure of the same run is affordable; its video is not, and the
    cheaper request is within both limits."""
    spec = make_spec(**requests)
    assert spec.cost() is None
    too_big = spec.animation_cost()
    assert too_big is not None and too_big.param == param
    fixed = _cheaper(make_spec, requests, too_big)
    assert fixed.animation_cost() is None and fixed.cost() is None


def test_the_largest_filmed_scenes_are_within_the_video_limits():
    """What the scene tests film at their largest is not refused."""
    from dlviz.compute import beam as B

    assert R.make_spec(widths=(4,) * 5).animation_cost() is None
    assert R.make_spec(widths=(16,)).animation_cost() is None
    assert R.make_spec(input_dim=1, widths=(16, 16, 16)).animation_cost() is None
    assert V.make_spec(depth=40).animation_cost() is None
    assert B.make_spec(beam_size=4, max_length=6).animation_cost() is None
    long = B.make_spec(beam_size=16, max_length=12)
    assert long.cost() is None and long.animation_cost().cheaper == {"max_length": 6}
    assert B.make_spec(beam_size=16, max_length=6).animation_cost() is None


@pytest.mark.parametrize(
    "requests",
    [{}, {"variants": ("plain", "residual")}, {"branch": "deep"}],
)
def test_the_residual_estimate_counts_the_draws_the_run_makes(monkeypatch, requests):
    """The forward pass draws each block's weights once for every variant:
    counted by wrapping the weight maker."""
    drawn = []
    real = V._weights_maker

    def counting(width, sigma, branch):
        make = real(width, sigma, branch)

        def counted(seed):
            weights = make(seed)
            drawn.append(sum(w.size for w in weights))
            return weights

        return counted

    monkeypatch.setattr(V, "_weights_maker", counting)
    spec = V.make_spec(depth=5, width=12, batch=7, repeats=3, **requests)
    V.run(spec)
    flops, draws = spec.work()
    assert sum(drawn) == draws
    per_block = 2 * 12 * 12 * 7 * (2 if spec.branch == "deep" else 1)
    assert flops == per_block * 5 * 3 * len(spec.variants)
