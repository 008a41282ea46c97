"""Helpers shared by the test modules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def recorder(name: str):
    """A fixture-recording script (tests/fixtures/NAME.py) as a module, for
    the live comparisons that run when torch is importable."""
    sys.path.insert(0, str(FIXTURES))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)
