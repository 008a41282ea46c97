"""The README's Python example runs, and its tour shows every topic with the
command that drew the picture."""

from __future__ import annotations

import re
from pathlib import Path

from dlviz import gallery as G

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_the_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert {
        "gabor.png",
        "race.png",
        "conv.png",
        "relu.png",
        "residual.png",
        "attention.png",
        "b.png",
    } <= {p.name for p in tmp_path.iterdir()}


def test_the_tour_has_one_small_image_per_topic_with_its_command():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tour", ROOT / "outputs/tour/regenerate.py")
    tour = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tour)
    items = tour.tour_items()
    assert [i.topic for i in items] == list(G.TOPICS)
    for item in items:
        image = ROOT / "outputs" / "tour" / f"{item.topic}.png"
        assert image.stat().st_size < 150_000, image
        block = f"![{item.topic}](outputs/tour/{item.topic}.png)\n\n```bash\n"
        assert block + G.Settings().command(item) + "\n```" in README, item.topic


def test_every_readme_command_that_reads_examples_runs(tmp_path, monkeypatch):
    """The README's commands that read files read them from examples/, and
    run from the top of the repository."""
    import shlex

    from dlviz.cli import main

    text = README.replace("\\\n", " ")
    commands = [
        line.split("#")[0].strip() for line in re.findall(r"^dlviz .*examples/.*$", text, re.M)
    ]
    assert len(commands) >= 4
    monkeypatch.chdir(ROOT)
    for command in commands:
        args = shlex.split(command)[1:] + ["--out", str(tmp_path)]
        assert main(args) == 0, command
