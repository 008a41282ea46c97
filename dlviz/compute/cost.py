"""The size of a run's work, known from its spec before any of it is done.

A spec whose ``cost()`` returns a ``TooBig`` is refused before computing:
the estimate, the limit (what a 2-core laptop does in about a minute, in a
few GB), and the nearest cheaper request, as spec parameters; the command
line names the options (and ``--no-limit`` goes on anyway)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

GB = 1024**3


@dataclass(frozen=True)
class TooBig:
    """param: the parameter to blame; what: the estimate ('about 2.1 M
    regions'); limit: the limit in the same terms; cheaper: parameter →
    value of a request within it."""

    param: str
    value: object
    what: str
    limit: str
    cheaper: Mapping = field(default_factory=dict)


def amount(n: float, unit: str = "") -> str:
    """2100000 → '2.1 M', 9.6e9 bytes (unit 'B') → '8.9 GB'."""
    if unit == "B":
        for size, name in ((GB * 1024, "TB"), (GB, "GB"), (1024**2, "MB"), (1024, "kB")):
            if n >= size:
                return f"{n / size:.3g} {name}"
        return f"{n:.0f} B"
    for size, name in ((1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= size:
            return f"{n / size:.3g}{name}{unit}"
    return f"{n:.3g}{unit}"


def duration(seconds: float) -> str:
    """75 → '75 s', 750 → '12 min', 90000 → '25 h'."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.3g} h"
