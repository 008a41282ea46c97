"""Without LaTeX the scenes write formulas as Unicode text: no markup on screen."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("manim")

from dlviz.compute import optimizers as O  # noqa: E402
from dlviz.compute.landscape import make_landscape  # noqa: E402
from dlviz.scenes._common import tex_to_plain  # noqa: E402

MARKUP = re.compile(r"\\|arrow|mathrm|sqrt|odot|alpha|beta|gamma|epsilon|rho|hat|frac|[{}]")


def _formulas():
    for convention in O.CONVENTIONS:
        for name in O.NAMES:
            try:
                rule = O.get_rule(name, convention)
            except (KeyError, ValueError):
                continue
            yield f"{convention} {name}", rule.formula(rule.defaults)
    for name in ("gabor", "linear", "rosenbrock", "himmelblau", "beale", "quadratic", "saddle"):
        yield name, make_landscape(name).formula
    yield "residual", r"\mathrm{Var}(h + f(h)) = \mathrm{Var}(h) + \mathrm{Var}(f(h))"


@pytest.mark.parametrize(("name", "tex"), list(_formulas()))
def test_the_fallback_is_readable_text(name, tex):
    plain = tex_to_plain(tex)
    assert not MARKUP.search(plain), (name, plain)


def test_symbols_scripts_and_accents():
    assert tex_to_plain(r"m \leftarrow \rho m + (1-\rho) g;\ \phi \leftarrow \phi - \alpha m") == (
        "m ← ρ m + (1-ρ) g; φ ← φ - α m"
    )
    assert tex_to_plain(r"\hat{m} / (\sqrt{\hat{v}} + \epsilon)") == "m̂ / (√v̂ + ε)"
    assert tex_to_plain(r"\beta_1 + x^2 + \frac{a}{b} + e^{-z}") == "β₁ + x² + (a)/(b) + e^(-z)"
    assert tex_to_plain(r"e^{-2}") == "e⁻²"  # scripted where Unicode has every glyph
    assert tex_to_plain(r"\sum_i (x_i - y_i)^2") == "Σᵢ (xᵢ - yᵢ)²"
