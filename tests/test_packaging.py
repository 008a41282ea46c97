"""The wheel ships the scenes, so an installed dlviz can render videos."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_scenes_and_the_console_script(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dlviz-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "dlviz/scenes/landscape.py" in names
    assert "dlviz/scenes/_common.py" in names
    assert "dlviz/compute/landscape.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dlviz = dlviz.cli:run" in zipfile.ZipFile(wheel).read(entry).decode()
