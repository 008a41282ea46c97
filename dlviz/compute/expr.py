"""Equations a figure prints, built from structured terms.

A figure that writes ``max(−∞, −3, −1) = −1`` or ``⌊(5 + 2·1 − 1·(2 − 1) − 1)/2⌋ + 1
= 3`` makes a claim. Each such line is an ``Equation``: a left side of terms
(numbers, sums, products, max, floor, …) and the value it must equal. The
text on the figure is ``Equation.text()``; a test evaluates ``lhs.value()``
and compares it with ``rhs`` and with what was computed, so a printed line
cannot say one thing while the numbers say another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def number(v: float, sig: int = 0) -> str:
    """3, −1.5, 0.25, −∞: integers without a point, others to two places;
    with ``sig``, to that many significant digits (0.004213, −17.06)."""
    v = float(v)
    if math.isinf(v):
        return "−∞" if v < 0 else "∞"
    sign = "−" if v < 0 else ""  # the minus sign, as the axes and −∞ write it
    v = abs(v)
    if sig:
        body = f"{v:.{sig}g}"
        if "e" in body:  # 1.2e-05 → 1.2×10⁻⁵
            mantissa, power = body.split("e")
            body = f"{mantissa}×10{str(int(power)).translate(_SUPERSCRIPT)}"
        return "0" if v == 0 else sign + body
    if v.is_integer():
        return f"{sign}{v:.0f}"
    body = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if body == "0" else sign + body


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class Term:
    """A term of an equation: ``value()`` evaluates it, ``text()`` writes it."""

    def value(self) -> float:  # pragma: no cover - every term overrides it
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def wrapped(self) -> str:
        """The text, in brackets when it is a sum (for use as a factor)."""
        return self.text()


@dataclass(frozen=True)
class Num(Term):
    """A number as written: a negative one is bracketed where it is a factor."""

    v: float
    name: str = ""  # a symbol to write instead of the number (e.g. "b" for the bias)
    sig: int = 0  # significant digits to write (0: two places)

    def value(self) -> float:
        return float(self.v)

    def text(self) -> str:
        return self.name or number(self.v, self.sig)

    def wrapped(self) -> str:
        return f"({self.text()})" if self.v < 0 and not self.name else self.text()


@dataclass(frozen=True)
class Sum(Term):
    """a + b + c; ``sign[i]`` −1 writes " − " and subtracts. With ``keep`` > 0
    a long sum is written as its first and last ``keep`` terms around "…"
    (the value still counts every term)."""

    terms: tuple[Term, ...]
    signs: tuple[int, ...] = ()
    keep: int = 0

    def _signs(self) -> tuple[int, ...]:
        return self.signs or (1,) * len(self.terms)

    def value(self) -> float:
        return math.fsum(s * t.value() for s, t in zip(self._signs(), self.terms, strict=True))

    def text(self) -> str:
        pairs = list(zip(self._signs(), self.terms, strict=True))
        skipped = self.keep and len(pairs) > 2 * self.keep + 1
        shown = pairs[: self.keep] + [None] + pairs[-self.keep :] if skipped else pairs
        out = []
        for i, pair in enumerate(shown):
            if pair is None:
                out.append(f" + … ({len(pairs) - 2 * self.keep} terms) …")
                continue
            sign, term = pair
            body = term.wrapped() if sign < 0 or i > 0 else term.text()  # + (−10), not + −10
            if i == 0:
                out.append(("−" if sign < 0 else "") + body)
            else:
                out.append((" − " if sign < 0 else " + ") + body)
        return "".join(out)

    def wrapped(self) -> str:
        return f"({self.text()})" if len(self.terms) > 1 else self.text()


@dataclass(frozen=True)
class Product(Term):
    """a·b·c; with ``keep`` > 0 a long product is written as its first and
    last ``keep`` factors around "…" (the value still counts every factor)."""

    factors: tuple[Term, ...]
    keep: int = 0

    def value(self) -> float:
        out = 1.0
        for f in self.factors:
            out *= f.value()
        return out

    def text(self) -> str:
        shown = [f.wrapped() for f in self.factors]
        if self.keep and len(shown) > 2 * self.keep + 1:
            hidden = len(shown) - 2 * self.keep
            shown = [*shown[: self.keep], f"… ({hidden} factors) …", *shown[-self.keep :]]
        return "·".join(shown)


@dataclass(frozen=True)
class Quotient(Term):
    """a/b, the numerator bracketed when it is a sum."""

    numerator: Term
    denominator: Term
    spaced: bool = False  # "(…) / 4" rather than "(…)/4"

    def value(self) -> float:
        return self.numerator.value() / self.denominator.value()

    def text(self) -> str:
        slash = " / " if self.spaced else "/"
        below = self.denominator.wrapped()
        if isinstance(self.denominator, Product) and len(self.denominator.factors) > 1:
            below = f"({below})"  # a/(2·b), not a/2·b
        return f"{self.numerator.wrapped()}{slash}{below}"


@dataclass(frozen=True)
class Max(Term):
    """max(a, b, …)."""

    args: tuple[Term, ...]

    def value(self) -> float:
        return max(a.value() for a in self.args)

    def text(self) -> str:
        return f"max({', '.join(a.text() for a in self.args)})"


@dataclass(frozen=True)
class Floor(Term):
    """⌊x⌋, or ⌈x⌉ with ``ceil``."""

    arg: Term
    ceil: bool = False

    def value(self) -> float:
        x = self.arg.value()
        return float(math.ceil(x) if self.ceil else math.floor(x))

    def text(self) -> str:
        return f"⌈{self.arg.text()}⌉" if self.ceil else f"⌊{self.arg.text()}⌋"


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs`` (``note``: words after it, e.g. why a window is dropped)."""

    lhs: Term
    rhs: float
    prefix: str = ""  # e.g. "H: "
    note: str = ""
    sig: int = 0  # significant digits of the right side (0: two places)

    def text(self) -> str:
        note = f"  ({self.note})" if self.note else ""
        return f"{self.prefix}{self.lhs.text()} = {number(self.rhs, self.sig)}{note}"

    def holds(self, tol: float = 1e-9) -> bool:
        """Whether the left side evaluates to the right side."""
        left = self.lhs.value()
        if math.isinf(self.rhs) or math.isinf(left):
            return left == self.rhs
        return abs(left - self.rhs) <= tol * max(1.0, abs(self.rhs))


def sum_of(values, signs=(), keep: int = 0) -> Sum:
    """A Sum of plain numbers."""
    return Sum(tuple(Num(v) for v in values), tuple(signs), keep)
