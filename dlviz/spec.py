"""What every topic's spec shares: checks that raise ``SpecError`` naming the
parameter, and the conversion of a spec to the ``parameters`` of a ``--data``
JSON and back (a replay with ``--params``).

A spec is a frozen dataclass holding every effective value of a run. Its
``make_spec(**requests)`` resolves defaults; given a spec's own values back
(from JSON) it resolves to the same spec, so a run replays exactly.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

from dlviz.errors import SpecError


def check(ok: bool, param: str, value: object, allowed: str) -> None:
    """Raise ``SpecError(param, value, allowed)`` unless ``ok``."""
    if not ok:
        raise SpecError(param, value, allowed)


def unused(args: Mapping, owner: str) -> None:
    """A SpecError for the first of ``args`` that was given (not None): it
    applies to ``owner`` only. A whole given document is named by its option alone."""
    for name, value in args.items():
        shown = "…" if isinstance(value, Mapping) else value
        check(value is None, name, shown, f"applies to {owner}")


def whole(param: str, value: object, lo: int, hi: int | float) -> int:
    """``value`` as an int in [lo, hi], or a SpecError naming ``param``."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and float(value).is_integer() and lo <= value <= hi
    check(ok, param, value, f"must be a whole number from {lo} to {hi:g}")
    return int(value)


def number(
    param: str,
    value: object,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    open_lo: bool = False,
    open_hi: bool = False,
) -> float:
    """``value`` as a finite float in the interval, or a SpecError naming ``param``."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > lo if open_lo else value >= lo) and (value < hi if open_hi else value <= hi)
    if math.isinf(hi) and not open_lo:
        allowed = f"must be a finite number ≥ {lo:g}"
    elif math.isinf(hi):
        allowed = f"must be a finite number > {lo:g}"
    elif not (open_lo or open_hi):
        allowed = f"must be a finite number from {lo:g} to {hi:g}"
    else:
        left, right = "(" if open_lo else "[", ")" if open_hi else "]"
        allowed = f"must be a finite number in {left}{lo:g}, {hi:g}{right}"
    check(ok, param, value, allowed)
    return float(value)


def choice(param: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, or a SpecError naming ``param``."""
    check(value in choices, param, value, f"choose one of {', '.join(map(str, choices))}")
    return str(value)


def pair(param: str, value: object, *, increasing: bool = False) -> tuple[float, float]:
    """Two finite numbers (lo < hi when ``increasing``)."""
    ok = isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
    ok = ok and all(isinstance(v, (int, float)) and math.isfinite(v) for v in value)
    if ok and increasing:
        ok = value[0] < value[1]
    what = "expected two finite numbers" + (", the first below the second" if increasing else "")
    check(ok, param, value, what)
    return float(value[0]), float(value[1])


def as_dict(spec) -> dict:
    """The spec's fields as plain JSON-ready values (tuples → lists, nested
    specs and mappings → dicts)."""
    return {f.name: _plain(getattr(spec, f.name)) for f in dataclasses.fields(spec)}


def _plain(value):
    if dataclasses.is_dataclass(value):
        return as_dict(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def frozen(value):
    """Lists → tuples and dicts → sorted-key-preserving dicts, recursively, so a
    value read from JSON compares equal to the spec's own."""
    if isinstance(value, Mapping):
        return {k: frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


def merge(base: Mapping, override: Mapping) -> dict:
    """``override`` over ``base``; where both hold a mapping, merged one level
    down (so ``--lr adam=0.1`` changes one entry of a replayed table)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
