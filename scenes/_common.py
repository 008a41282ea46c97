"""What the scenes share: themed text (with a CJK font for Chinese), LaTeX
formulas with a plain-text fallback, and colour maps as images."""

from __future__ import annotations

import re
import shutil
import sys

import numpy as np
from manim import DOWN, LEFT, PI, Axes, ImageMobject, MathTex, Rectangle, Text, VGroup, VMobject

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


_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "Delta": "Δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "rho": "ρ",
    "sigma": "σ",
    "pi": "π",
    "phi": "φ",
    "nabla": "∇",
    "leftarrow": "←",
    "gets": "←",
    "rightarrow": "→",
    "to": "→",
    "odot": "⊙",
    "cdot": "·",
    "times": "×",
    "in": "∈",
    "sum": "Σ",
    "prod": "∏",
    "infty": "∞",
    "approx": "≈",
    "leq": "≤",
    "geq": "≥",
    "neq": "≠",
    "sin": "sin",
    "cos": "cos",
    "exp": "exp",
    "log": "log",
    "max": "max",
    "min": "min",
    "left": "",
    "right": "",
    "quad": "  ",
    "qquad": "    ",
    "lVert": "‖",
    "rVert": "‖",
}
_SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307"}


def _script(body: str, table: dict, mark: str) -> str:
    """Sub- or superscript ``body`` in Unicode when every character has one,
    else written out as _(…) or ^(…)."""
    body = body.strip()
    shifted = body.translate(table)
    if all(c != o or c == " " for c, o in zip(shifted, body, strict=True)):
        return shifted
    return f"{mark}{body}" if len(body) == 1 else f"{mark}({body})"


def tex_to_plain(tex: str) -> str:
    """The simple LaTeX the scenes use as readable Unicode text: Greek letters
    and operators as symbols, √(…), accents as combining marks, fractions as
    (a)/(b), sub- and superscripts as Unicode where they exist. For when no
    LaTeX is installed: nothing of the markup reaches the screen."""
    group = r"\{([^{}]*)\}"
    for _ in range(3):  # a few levels of nesting
        tex = re.sub(r"\\frac" + group + group, r"(\1)/(\2)", tex)
        tex = re.sub(r"\\(?:mathrm|mathbb|text|operatorname|mathbf|mathit)" + group, r"\1", tex)
        tex = re.sub(
            r"\\(" + "|".join(_ACCENTS) + r")" + group,
            lambda m: m.group(2) + _ACCENTS[m.group(1)],
            tex,
        )
        tex = re.sub(
            r"\\sqrt" + group,
            lambda m: (
                "√" + (m.group(1) if re.fullmatch(r"\w\S?", m.group(1)) else f"({m.group(1)})")
            ),
            tex,
        )
        tex = re.sub(r"_" + group, lambda m: _script(m.group(1), _SUB, "_"), tex)
        tex = re.sub(r"\^" + group, lambda m: _script(m.group(1), _SUP, "^"), tex)
    tex = tex.replace("\\{", "\x00").replace("\\}", "\x01")  # set braces, kept
    tex = tex.replace("\\|", "‖")
    tex = re.sub(r"\\[ ,;:!]", " ", tex)
    tex = re.sub(r"\\([A-Za-z]+)", lambda m: _SYMBOLS.get(m.group(1), m.group(1)), tex)
    tex = re.sub(r"_([A-Za-z0-9])", lambda m: _script(m.group(1), _SUB, "_"), tex)
    tex = re.sub(r"\^([A-Za-z0-9])", lambda m: _script(m.group(1), _SUP, "^"), tex)
    tex = tex.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")
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


def span(lo: float, hi: float, ticks: int = 6) -> list[float]:
    """An Axes range [lo, hi, step] with about ``ticks`` ticks: Manim's
    default step of 1 would draw a million ticks over a wide domain."""
    width = max(float(hi) - float(lo), 1e-12)
    power = 10.0 ** np.floor(np.log10(width / ticks))
    step = next(k * power for k in (1, 2, 5, 10) if width / (k * power) <= ticks)
    return [float(lo), float(hi), step]


def polyline(axes: Axes, xs: np.ndarray, ys: np.ndarray, colour: str, width: float) -> VMobject:
    """The points (xs, ys) of ``axes`` joined by straight segments."""
    line = VMobject(stroke_color=colour, stroke_width=width)
    line.set_points_as_corners(np.array(axes.c2p(xs, ys)).T.reshape(-1, 3))
    return line


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
