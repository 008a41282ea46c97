"""`dlviz doctor`: the table, and exit 1 when the default commands cannot run."""

from __future__ import annotations

import importlib.util

from dlviz.cli import doctor


def test_doctor_reports_every_component(dlviz):
    code, out, _ = dlviz("doctor")
    names = [c.name for c in doctor.checks()]
    for name in (
        "numpy",
        "matplotlib",
        "manim",
        "ffmpeg",
        "LaTeX + dvisvgm",
        "cairo / pango",
        "CJK font",
    ):
        assert name in names and name in out
    required_ok = all(c.found for c in doctor.checks() if c.required)
    assert code == (0 if required_ok else 1)


def test_doctor_fails_when_matplotlib_is_missing(dlviz, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    code, out, _ = dlviz("doctor")
    assert code == 1
    assert "missing" in out and "pip install matplotlib" in out


def test_missing_system_tools_are_reported_with_their_package(dlviz, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    checks = {c.name: c for c in doctor.checks()}
    assert not checks["ffmpeg"].found and "apt-get install ffmpeg" in checks["ffmpeg"].fix
    assert not checks["LaTeX + dvisvgm"].found and "dvisvgm" in checks["LaTeX + dvisvgm"].fix
    code, out, _ = dlviz("doctor")
    assert code == 0  # optional pieces: figures still work
    assert "to fix ffmpeg" in out
