"""What the scenes share: themed text (with a CJK font for Chinese), LaTeX
formulas with a plain-text fallback, and colour maps as images."""

from __future__ import annotations

import re
import shutil
import sys

import numpy as np
from manim import DOWN, LEFT, PI, Axes, ImageMobject, MathTex, Rectangle, Text, VGroup

from dlviz.compute.landscape import LandscapeResult, unit_scale
from dlviz.theme import CMAP_ANCHORS, Theme, landscape_axis_names, manim_font

BANDS = 24  # colour bands of the loss image: reads like a filled contour plot

_warned: set[str] = set()


def latex_available() -> bool:
    return shutil.which("latex") is not None and shutil.which("dvisvgm") is not None


def warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        sys.stderr.write(f"dlviz: warning: {message}\n")


def label(text: str, theme: Theme, lang: str, font_size: float = 32, **kwargs) -> Text:
    """Plain text in the theme colour; Chinese gets the CJK font."""
    kwargs.setdefault("color", theme.foreground)
    return Text(text, font=manim_font(lang), font_size=font_size, **kwargs)


_PLAIN = [
    (r"\left", ""),
    (r"\right", ""),
    (r"\,", " "),
    (r"\sum_i", "Σᵢ "),
    (r"\sum", "Σ"),
    (r"\phi_0", "φ₀"),
    (r"\phi_1", "φ₁"),
    (r"\phi", "φ"),
    (r"\lambda", "λ"),
    (r"\pi", "π"),
    (r"\sin", "sin"),
    (r"\cos", "cos"),
    (r"\|", "‖"),
    (r"\in", "∈"),
    (r"\{", "{"),
    (r"\}", "}"),
    ("^2", "²"),
    ("^3", "³"),
    ("x_i", "xᵢ"),
    ("y_i", "yᵢ"),
]


def tex_to_plain(tex: str) -> str:
    """A readable Unicode rendering of the simple LaTeX the scenes use."""
    for old, new in _PLAIN:
        tex = tex.replace(old, new)
    tex = re.sub(r"\^\{([^{}]*)\}", r"^(\1)", tex)
    tex = re.sub(r"_\{([^{}]*)\}", r"_\1", tex)
    return re.sub(r"\s+", " ", tex).strip()


def formula(tex: str, theme: Theme, font_size: float = 36):
    """MathTex when LaTeX is installed; otherwise plain text and a one-line warning."""
    if latex_available():
        try:
            return MathTex(tex, color=theme.foreground, font_size=font_size)
        except (OSError, ValueError, RuntimeError) as exc:  # a LaTeX install that fails
            warn_once(f"LaTeX failed ({type(exc).__name__}); formulas drawn as plain text")
    else:
        warn_once(
            "LaTeX not found (sudo apt-get install texlive-latex-base "
            "texlive-latex-extra dvisvgm); formulas drawn as plain text"
        )
    return Text(tex_to_plain(tex), color=theme.foreground, font_size=font_size * 0.8)


def colormap_image(values: np.ndarray, cmap: str, levels: int | None = None) -> np.ndarray:
    """Values in [0, 1] (row 0 at the top) → uint8 RGB through the theme's
    colour map; ``levels`` quantises into bands so the image reads like a
    filled contour plot."""
    v = np.clip(np.nan_to_num(values, nan=1.0), 0.0, 1.0)
    if levels:
        v = np.minimum(np.floor(v * levels), levels - 1) / max(1, levels - 1)
    anchors = np.array(
        [[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in CMAP_ANCHORS[cmap]], float
    )
    pos = v * (len(anchors) - 1)
    lo = np.minimum(np.floor(pos).astype(int), len(anchors) - 2)
    frac = (pos - lo)[..., None]
    rgb = anchors[lo] * (1 - frac) + anchors[lo + 1] * frac
    return np.round(rgb).astype(np.uint8)


def plot_frame(
    result: LandscapeResult,
    theme: Theme,
    lang: str,
    *,
    center,
    width: float = 9.0,
    height: float = 4.3,
) -> tuple[Axes, VGroup]:
    """Coordinates (an invisible Axes: its own lines would cross the plot at
    zero) and the visible frame with ticks and axis names."""
    (x0, x1), (y0, y1) = (result.x[0], result.x[-1]), (result.y[0], result.y[-1])
    axes = Axes(
        x_range=[x0, x1, (x1 - x0) / 4],
        y_range=[y0, y1, (y1 - y0) / 4],
        x_length=width,
        y_length=height,
        tips=False,
    ).move_to(center)
    box = Rectangle(width=width, height=height, color=theme.foreground, stroke_width=2)
    frame = VGroup(box.move_to(axes))
    for value in (x0, (x0 + x1) / 2, x1):
        tick = label(f"{value:.3g}", theme, lang, font_size=20)
        frame.add(tick.next_to(axes.c2p(value, y0), DOWN, buff=0.12))
    for value in (y0, (y0 + y1) / 2, y1):
        tick = label(f"{value:.3g}", theme, lang, font_size=20)
        frame.add(tick.next_to(axes.c2p(x0, value), LEFT, buff=0.12))
    x_name, y_name = landscape_axis_names(result.name, lang)
    frame.add(label(x_name, theme, lang, font_size=24).next_to(box, DOWN, buff=0.45))
    frame.add(label(y_name, theme, lang, font_size=24).rotate(PI / 2).next_to(box, LEFT, buff=0.75))
    return axes, frame


def loss_image(result: LandscapeResult, axes: Axes, theme: Theme, log_scale: bool) -> ImageMobject:
    """The loss grid as a banded colour image filling ``axes``."""
    values = unit_scale(result.loss, log_scale)[::-1]  # row 0 = top of the image
    image = ImageMobject(colormap_image(values, theme.cmap, levels=BANDS))
    image.stretch_to_fit_width(axes.x_length).stretch_to_fit_height(axes.y_length)
    centre = ((result.x[0] + result.x[-1]) / 2, (result.y[0] + result.y[-1]) / 2)
    return image.move_to(axes.c2p(*centre))
