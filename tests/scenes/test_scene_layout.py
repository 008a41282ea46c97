"""Every scene at every animation's end state, in Manim's dry-run mode (the
scene is built and animated, nothing is drawn): every mobject inside the
16:9 frame, no two texts overlapping, and no glyph under about 24 px at
1080p. Run for the defaults and for the largest inputs each scene takes, in
English and Chinese."""

from __future__ import annotations

import importlib
import itertools
import re

import numpy as np
import pytest

pytest.importorskip("manim")

from tests.scenes.dry import dry_run  # noqa: E402

pytestmark = pytest.mark.slow

MIN_GLYPH_PX = 23.0  # at 1080p: the capital letters, digits and CJK glyphs of the smallest text
MIN_SECONDS = 1.0  # every text stays at least this long (sped-up stretches change one in place)
TALL = re.compile(r"[A-Z0-9\u4e00-\u9fff]")


def _optimizers(**requests):
    from dlviz.compute import optimizers as O

    return O.run(O.make_spec("gabor", **requests))


def _every_rule() -> tuple[str, ...]:
    from dlviz.compute import optimizers as O

    return O.NAMES


def _backprop(**requests):
    from dlviz.compute import backprop as B

    return B.run(B.make_spec(**requests))


def _attention(**requests):
    from dlviz.compute import attention as A

    return A.run(A.make_spec(**requests))


def _beam(**requests):
    from dlviz.compute import beam as B

    return B.run(B.make_spec(**requests))


def _conv(**requests):
    from dlviz.compute import conv as C

    return C.run(C.make_spec(**requests))


def _relu(**requests):
    from dlviz.compute import relu as R

    return R.run(R.make_spec(**requests), cuts=requests.get("input_dim", 2) == 2)


def _loss(**requests):
    from dlviz.compute import loss as L

    return L.run(L.make_spec(**requests))


def _fit(**requests):
    from dlviz.compute import relu_fit as F

    return F.run_fit(F.make_fit_spec(**requests))


def _activations(**requests):
    from dlviz.compute import activations as A

    return A.run(A.make_spec(**requests))


def _residual(**requests):
    from dlviz.compute import residual as V

    return V.run(V.make_spec(**requests))


# (module, scene, the result it films: None for the scene's own default)
CASES = {
    "landscape": ("landscape", "LandscapeScene", None),
    "race": ("optimizers", "OptimizerRace", None),
    "race, every rule": (
        "optimizers",
        "OptimizerRace",
        lambda: _optimizers(optimizers=_every_rule()),
    ),
    "step": ("optimizers", "OptimizerStep", None),
    "step, adam": ("optimizers", "OptimizerStep", lambda: _optimizers(optimizers=("adam",))),
    "conv": ("conv", "ConvScene", None),
    "conv 9x9 stride 2": (
        "conv",
        "ConvScene",
        lambda: _conv(input_size=(9, 9), kernel_size=(3, 3), stride=2, padding=1),
    ),
    "channels": ("conv", "ConvChannelsScene", None),
    "3 → 3 channels": (
        "conv",
        "ConvChannelsScene",
        lambda: _conv(input_size=(5, 5), in_channels=3, out_channels=3),
    ),
    "relu regions": ("relu", "ReluRegionsScene", None),
    "relu 5 layers": ("relu", "ReluRegionsScene", lambda: _relu(widths=(5, 5, 5, 5, 5))),
    "relu sum": ("relu", "ReluSumScene", None),
    "relu sum, 16 units": ("relu", "ReluSumScene", lambda: _relu(input_dim=1, widths=(16,))),
    "relu fit": ("relu", "ReluFitScene", None),
    "relu fit, 10 units of a file": (
        "relu",
        "ReluFitScene",
        lambda: _fit(units=10, samples={"x": [-1e5, 0.0, 1e5], "y": [0.0, 1e5, -3.0]}),
    ),
    "residual": ("residual", "ResidualFlowScene", None),
    "attention": ("attention", "AttentionScene", None),
    "attention, 40 tokens": (
        "attention",
        "AttentionScene",
        lambda: _attention(tokens=" ".join(f"word{i}" for i in range(40))),
    ),
    "attention, 6 heads": (
        "attention",
        "AttentionScene",
        lambda: _attention(kind="multihead", heads=6, dim=12, causal=True),
    ),
    "beam": ("beam", "BeamScene", None),
    "beam k=4 L=6": ("beam", "BeamScene", lambda: _beam(beam_size=4, max_length=6)),
    "backprop chain": ("backprop", "BackpropScene", None),
    "backprop mlp": ("backprop", "BackpropScene", lambda: _backprop(widths=(2, 3, 2))),
    "backprop mlp, widest filmed": (
        "backprop",
        "BackpropScene",
        lambda: _backprop(widths=(8, 8, 8, 8, 8), batch=16, loss="cross-entropy"),
    ),
    "loss regression": ("loss", "LossScene", None),
    "loss multiclass, 10 classes": (
        "loss",
        "LossScene",
        lambda: _loss(task="multiclass", points=12, smoothing=0.1, given=_ten_classes()),
    ),
    "loss information, 10 outcomes": (
        "loss",
        "LossScene",
        lambda: _loss(task="information", p=(0.1,) * 10, q=(0.05,) * 5 + (0.15,) * 5),
    ),
    "activations curves": ("activations", "ActivationsScene", None),
    "activations, widest names": (
        "activations",
        "ActivationsScene",
        lambda: _activations(
            activations=("leaky_relu", "maxout", "gelu"),
            domain=(-1e5, 1e5),
            params={"leaky_slope": 0.123456},
        ),  # fmt: skip
    ),
    "activations shallow, 8 units": (
        "activations",
        "ActivationsScene",
        lambda: _activations(view="shallow", theta=[[1, -2]] * 8, phi=[0.5] * 9),
    ),
    "activations collapse": (
        "activations",
        "ActivationsScene",
        lambda: _activations(view="collapse", seed=3),
    ),
}


def _ten_classes() -> dict:
    rows = [[float(k - 5)] for k in range(10)]
    return {"layers": [{"weight": rows, "bias": [0.0] * 10}]}


def _is_text(mob) -> bool:
    import manim

    return isinstance(mob, (manim.Text, manim.MarkupText, manim.MathTex, manim.Tex))


def _seen(part) -> bool:
    """A part that draws something: points, and some opacity."""
    import manim

    if isinstance(part, manim.VMobject):
        if len(part.points) == 0:
            return False
        return part.get_fill_opacities().max() > 0.01 or part.get_stroke_opacities().max() > 0.01
    return isinstance(part, manim.ImageMobject)


def _visible(mob) -> bool:
    return any(_seen(part) for part in mob.get_family())


def _texts(mobjects) -> list:
    """The outermost texts on screen (a text's glyphs are not texts)."""
    found = []

    def walk(mob):
        if _is_text(mob):
            if _visible(mob):
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in mobjects:
        walk(mob)
    return found


def _box(mob):
    points = mob.get_all_points()
    (x0, y0), (x1, y1) = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    return x0, y0, x1, y1


def _name(mob) -> str:
    return getattr(mob, "text", None) or getattr(mob, "tex_string", None) or type(mob).__name__


def _problems(scene, when: str) -> list[str]:
    import manim

    w, h = manim.config.frame_width / 2 + 0.01, manim.config.frame_height / 2 + 0.01
    out = []
    for mob in scene.mobjects:
        for part in mob.get_family():
            if _seen(part):
                points = part.points if len(part.points) else part.get_all_points()
                if np.any(np.abs(points[:, 0]) > w) or np.any(np.abs(points[:, 1]) > h):
                    x0, y0, x1, y1 = _box(part)
                    where = f"({x0:.2f}, {y0:.2f}, {x1:.2f}, {y1:.2f})"
                    out.append(f"{when}: {_name(mob)}/{_name(part)} leaves the frame {where}")
                    break
    texts = _texts(scene.mobjects)
    boxes = np.array([_box(t) for t in texts]).reshape(-1, 4)
    for i, j in itertools.combinations(range(len(texts)), 2):
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[i], boxes[j]
        dx = min(ax1, bx1) - max(ax0, bx0)
        dy = min(ay1, by1) - max(ay0, by0)
        if dx > 0.02 and dy > 0.02:
            out.append(f"{when}: {_name(texts[i])!r} overlaps {_name(texts[j])!r}")
    return out


def _glyph_problems(texts) -> list[str]:
    """Texts whose tallest capital, digit or CJK glyph is under MIN_GLYPH_PX."""
    import manim

    px = 1080 / manim.config.frame_height
    out = []
    for mob in texts:
        chars = getattr(mob, "text", "")
        if isinstance(mob, manim.MathTex):
            if mob.font_size < 18:
                out.append(f"{_name(mob)!r} at font size {mob.font_size:.1f}")
            continue
        if len(chars) != len(mob.submobjects):  # transformed into another text, checked itself
            continue
        tall = [  # the larger side: a label may be turned
            max(g.height, g.width) * px
            for c, g in zip(chars, mob.submobjects, strict=True)
            if TALL.match(c)
        ]
        if tall and max(tall) < MIN_GLYPH_PX:
            out.append(f"{chars!r}: glyphs {max(tall):.0f} px tall at 1080p")
    return out


def _run(tmp_path, case: str, lang: str):
    import manim

    module_name, scene_name, build = CASES[case]
    cls = getattr(importlib.import_module(f"dlviz.scenes.{module_name}"), scene_name)
    params = {"lang": lang} if build is None else {"lang": lang, "result": build()}
    problems: list[str] = []
    counter = itertools.count(1)
    shown: dict[int, object] = {}  # every text on screen at some end state
    on_screen: dict[int, tuple[float, object]] = {}  # text → when it came
    brief: list[str] = []

    def gone(keys, at: float) -> None:
        """Texts off the screen by ``at``: each must have stayed MIN_SECONDS."""
        for key in keys:
            came, mob = on_screen.pop(key)
            if at - came < MIN_SECONDS:
                brief.append(f"{_name(mob)!r} on screen {at - came:.2f} s")

    def watch(scene) -> None:
        """Check the scene after each animation and wait."""

        def checked(method):
            def run(*args, **kwargs):
                start = scene.renderer.time
                gone(set(on_screen) - {id(t) for t in _texts(scene.mobjects)}, start)
                method(*args, **kwargs)
                problems.extend(_problems(scene, f"after {method.__name__} #{next(counter)}"))
                texts = {id(t): t for t in _texts(scene.mobjects)}
                shown.update(texts)
                gone(set(on_screen) - set(texts), scene.renderer.time)  # during this animation
                for key in set(texts) - set(on_screen):  # came during this animation
                    on_screen[key] = (start, texts[key])

            return run

        scene.play, scene.wait = checked(scene.play), checked(scene.wait)

    transform_init = manim.Transform.__init__

    def transform(self, mobject, target_mobject=None, **kwargs):
        transform_init(self, mobject, target_mobject, **kwargs)
        if target_mobject is not None:  # what a text becomes is on screen too
            shown.update((id(t), t) for t in _texts([target_mobject]))

    manim.Transform.__init__ = transform
    try:
        dry_run(cls, tmp_path, params, prepare=watch)
    finally:
        manim.Transform.__init__ = transform_init
    return problems, _glyph_problems(list(shown.values())), brief


# every case in English; Chinese (wider glyphs, other words) for each scene's defaults
RUNS = [(case, "en") for case in CASES] + [
    (case, "zh") for case, (_, _, build) in CASES.items() if build is None
]


@pytest.mark.parametrize(("case", "lang"), RUNS)
def test_every_end_state_fits_the_frame_without_overlaps(tmp_path, case, lang):
    problems, small, brief = _run(tmp_path, case, lang)
    first = {}  # each problem once, at the first end state it is seen
    for p in problems:
        first.setdefault(p.split(": ", 1)[1], p)
    assert not first, "\n".join(first.values())
    assert not small, "\n".join(dict.fromkeys(small))
    assert not brief, "\n".join(dict.fromkeys(brief))
