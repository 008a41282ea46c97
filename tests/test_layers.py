"""The layer rules of DESIGN.md, enforced."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)


def imported_modules(path: Path, depth: int = 1) -> set[str]:
    """Top-level (depth 1) or dotted names of every module ``path`` imports."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return {".".join(n.split(".")[:depth]) for n in names}


def test_importing_the_cli_pulls_in_no_heavy_library():
    code = (
        "import sys, dlviz.cli; "
        "print(','.join(m for m in ('numpy', 'matplotlib', 'manim') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_compute_imports_only_numpy_and_the_standard_library():
    for path in (ROOT / "dlviz/compute").glob("*.py"):
        extra = imported_modules(path) - STDLIB - {"numpy", "dlviz"}
        assert not extra, f"{path.name} imports {extra}"


def test_theme_imports_nothing_heavy():
    # the topic registry (standard library only) gives each topic's labels
    theme = imported_modules(ROOT / "dlviz/theme.py", depth=3)
    assert {n.split(".")[0] for n in theme} <= STDLIB | {"dlviz"}
    assert {n for n in theme if n.startswith("dlviz")} <= {"dlviz.topics", "dlviz.topics.TOPICS"}
    assert imported_modules(ROOT / "dlviz/topics.py") <= STDLIB


def test_figures_never_use_pyplot_or_manim():
    for path in (ROOT / "dlviz/render").glob("*.py"):
        dotted = imported_modules(path, depth=2)
        assert "matplotlib.pyplot" not in dotted, path.name
        assert "manim" not in imported_modules(path), path.name


def test_scenes_use_setup_not_init_and_no_matplotlib():
    for path in (ROOT / "scenes").glob("*.py"):
        assert "matplotlib" not in imported_modules(path), path.name
        tree = ast.parse(path.read_text())
        classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        scenes = {"Scene"}
        for cls in classes:  # scene classes: Scene and whatever derives from one
            if any(isinstance(b, ast.Name) and b.id in scenes for b in cls.bases):
                scenes.add(cls.name)
                methods = {f.name for f in cls.body if isinstance(f, ast.FunctionDef)}
                assert "__init__" not in methods, f"{path.name}:{cls.name} overrides __init__"
        if not path.name.startswith("_"):
            assert len(scenes) > 1, f"{path.name} defines no scene"


def test_every_public_compute_and_figure_function_is_documented():
    """They are the Python interface (README, "From Python and Jupyter")."""
    missing = []
    for folder in ("dlviz/compute", "dlviz/render"):
        for path in (ROOT / folder).glob("[!_]*.py"):
            for node in ast.parse(path.read_text()).body:
                public = isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not (
                    node.name.startswith("_")
                )
                if public and not ast.get_docstring(node):
                    missing.append(f"{path.name}:{node.name}")
    assert not missing, missing


# What a figure module may take from compute besides types and constants:
# table look-ups and the formatting of numbers into text.
FORMATTERS = {"get_rule", "number", "window_text", "log_floor"}


def test_figure_modules_call_no_computation():
    """Figures draw what the result holds: no forward passes, no region
    enumeration, no bounds computed while drawing."""
    import importlib

    offenders = []
    for path in (ROOT / "dlviz/render").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                bad = [a.name for a in node.names if a.name.startswith("dlviz.compute")]
                offenders += [f"{path.name}: import {name}" for name in bad]
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlviz.compute"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name)
                    if callable(value) and not isinstance(value, type):
                        if alias.name not in FORMATTERS:
                            offenders.append(f"{path.name}: {node.module}.{alias.name}")
    assert offenders == []


def test_the_layer_checks_can_fail(tmp_path, monkeypatch):
    """The check above catches a figure module that runs a computation."""
    (tmp_path / "dlviz/render").mkdir(parents=True)
    (tmp_path / "dlviz/render/bad.py").write_text("from dlviz.compute.relu import regions_2d\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    try:
        test_figure_modules_call_no_computation()
    except AssertionError as exc:
        assert "regions_2d" in str(exc)
    else:
        raise AssertionError("a figure module calling regions_2d passed the check")
