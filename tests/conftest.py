from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")
if os.environ.get("PYTEST_XDIST_WORKER"):  # one typesetting cache per parallel worker
    import tempfile

    os.environ.setdefault(
        "DLVIZ_CACHE",
        os.path.join(tempfile.gettempdir(), f"dlviz-tests-{os.environ['PYTEST_XDIST_WORKER']}"),
    )

import pytest  # noqa: E402


@pytest.fixture
def dlviz(capsys, monkeypatch, tmp_path):
    """Run the dlviz command line in-process in a fresh folder:
    dlviz("landscape", "gabor") → (exit status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping of paths in the summary table

    from dlviz.cli import main

    def run(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_collection_modifyitems(config, items):
    """Everything under tests/scenes renders Manim, and the packaging test
    builds a wheel: both are slow."""
    for item in items:
        path = str(item.path)
        if "/tests/scenes/" in path or path.endswith("test_packaging.py"):
            item.add_marker(pytest.mark.slow)
