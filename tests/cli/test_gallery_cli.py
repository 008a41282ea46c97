"""`dlviz gallery`: every topic's figures, in parallel, with an index."""

from __future__ import annotations

import shlex

import pytest

from dlviz import gallery as G
from tests.util import files_under


def test_gallery_draws_what_each_shown_command_draws(dlviz, tmp_path):
    code, out, err = dlviz("gallery", "--topics", "conv,beam", "--jobs", "2", "--out", "g")
    assert code == 0, err
    items = G.select(["conv", "beam"], videos=False)
    index = (tmp_path / "g" / "index.md").read_text()
    html = (tmp_path / "g" / "index.html").read_text()
    for item in items:
        command = G.Settings().command(item)
        assert command in index and f'src="{item.stem}.png"' in html
        # the command shown reproduces the gallery's picture byte for byte
        argv = shlex.split(command)[1:] + ["--out", f"direct-{item.stem}.png"]
        assert dlviz(*argv)[0] == 0
        assert (tmp_path / f"direct-{item.stem}.png").read_bytes() == (
            tmp_path / "g" / f"{item.stem}.png"
        ).read_bytes()
    assert out.count("rendered") == len(items)


def test_unchanged_items_are_skipped_until_forced(dlviz, tmp_path):
    assert dlviz("gallery", "--topics", "beam", "--out", "g")[0] == 0
    picture = tmp_path / "g" / "beam.png"
    before = picture.stat().st_mtime_ns
    code, out, _ = dlviz("gallery", "--topics", "beam", "--out", "g")
    assert code == 0 and "skipped" in out and picture.stat().st_mtime_ns == before
    code, out, _ = dlviz("gallery", "--topics", "beam", "--out", "g", "--lang", "zh")
    assert code == 0 and "rendered" in out  # other settings: drawn again
    code, out, _ = dlviz("gallery", "--topics", "beam", "--out", "g", "--lang", "zh", "--force")
    assert code == 0 and "rendered" in out and "skipped" not in out
    index = (tmp_path / "g" / "index.md").read_text()
    assert "dlviz beam --lang zh" in index and "束搜索" in index


def test_a_failing_item_is_reported_and_the_rest_finish(dlviz, tmp_path, monkeypatch):
    bad = G.Item("conv", "conv-bad", ("conv", "--stride", "0"), {"stride": 0})
    monkeypatch.setattr(G, "FIGURES", (bad, *G.FIGURES))
    code, out, err = dlviz("gallery", "--topics", "conv", "--out", "g", "--jobs", "2")
    assert code == 1 and err.count("\n") == 1 and "1 of 3 gallery items failed: conv-bad" in err
    assert "failed: dlviz: error: stride = 0" in out
    assert {"conv.png", "conv-ng-edge.png"} <= set(files_under(tmp_path / "g"))
    assert "conv-bad" not in (tmp_path / "g" / "index.md").read_text()


BAD = [
    (["--topics", "convolution"], "--topics convolution: choose from optimizers"),
    (["--topics", ","], "choose from"),
    (["--jobs", "0"], "--jobs 0"),
    (["--format", "gif"], "png, svg or pdf"),
    (["--out", "9" * 300], "at most 255 bytes"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input(dlviz, tmp_path, args, message):
    code, _, err = dlviz("gallery", *args)
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert files_under(tmp_path) == []


def test_out_must_be_a_folder(dlviz, tmp_path):
    (tmp_path / "file").write_text("x")
    code, _, err = dlviz("gallery", "--out", "file")
    assert code == 2 and "needs a folder" in err
    assert files_under(tmp_path) == ["file"]


def test_every_topic_command_is_in_the_gallery():
    from dlviz.cli import app

    commands = {c.name for c in app.registered_commands} - {"gallery", "doctor"}
    assert commands == set(G.TOPICS)
    assert {i.topic for i in G.VIDEOS} == set(G.TOPICS)


@pytest.mark.parametrize("item", [*G.FIGURES, *G.VIDEOS], ids=lambda i: i.stem)
def test_each_items_requests_are_its_commands_spec(dlviz, monkeypatch, item):
    """The gallery builds specs in Python; the command shown beside each
    picture must resolve to the very same spec."""
    import importlib

    from dlviz.cli import job

    seen = []

    class Stop(Exception):
        pass

    def capture(make_spec, common, requests, options, rebase=None, _build=job.build_spec):
        seen.append(_build(make_spec, common, requests, options, rebase))
        raise Stop

    monkeypatch.setattr(job, "build_spec", capture)
    monkeypatch.setattr(importlib.import_module(f"dlviz.cli.{item.topic}"), "build_spec", capture)
    with pytest.raises(Stop):
        from dlviz.cli import app

        app(args=list(item.args), prog_name="dlviz", standalone_mode=False)
    compute = importlib.import_module(f"dlviz.compute.{item.topic}")
    assert seen == [compute.make_spec(**item.requests)]


def test_the_gallery_imports_no_command_line():
    """No cycle: the gallery builds specs itself and never imports dlviz.cli."""
    import subprocess
    import sys

    code = "import sys, dlviz.gallery; print(any(m.startswith('dlviz.cli') for m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_every_gallery_figure_is_a_16_by_9_slide_in_dark():
    import importlib

    from dlviz.theme import DARK

    for item in G.FIGURES:
        compute = importlib.import_module(f"dlviz.compute.{item.topic}")
        render = importlib.import_module(f"dlviz.render.{item.topic}")
        fig = render.figure(compute.run(compute.make_spec(**item.requests)), theme=DARK)
        w, h = fig.get_size_inches()
        assert abs(w / h - 16 / 9) < 0.01, item.stem


def test_each_language_and_theme_has_its_own_default_folder(dlviz):
    from pathlib import Path

    assert dlviz("gallery", "--topics", "conv", "--jobs", "1")[0] == 0
    assert dlviz("gallery", "--topics", "conv", "--jobs", "1", "--lang", "zh")[0] == 0
    assert dlviz("gallery", "--topics", "conv", "--jobs", "1", "--theme", "dark")[0] == 0
    folders = sorted(p.name for p in Path("outputs").iterdir())
    assert folders == ["gallery", "gallery-dark", "gallery-zh"]


def test_an_empty_figure_is_drawn_again(dlviz):
    from pathlib import Path

    assert dlviz("gallery", "--topics", "conv", "--jobs", "1", "--out", "g")[0] == 0
    figure = sorted(Path("g").glob("conv*.png"))[0]
    figure.write_bytes(b"")  # cut short by something else
    assert dlviz("gallery", "--topics", "conv", "--jobs", "1", "--out", "g")[0] == 0
    assert figure.stat().st_size > 0


def test_two_galleries_into_one_folder_keep_each_others_entries(tmp_path):
    """Two galleries at once (other topics, another language) into one
    folder: every picture keeps its own file, and the manifest and both
    indexes list all of them with their commands."""
    import subprocess
    import sys

    runs = [
        ["--topics", "beam"],
        ["--topics", "beam,conv", "--lang", "zh"],
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dlviz", "gallery", *args, "--out", "g", "--jobs", "1"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    beam = [i for i in G.FIGURES if i.topic == "beam"]
    conv = [i for i in G.FIGURES if i.topic == "conv"]
    en, zh = G.Settings(), G.Settings(lang="zh")
    expected = {en.file(i): en.command(i) for i in beam}
    expected |= {zh.file(i): zh.command(i) for i in (*beam, *conv)}
    assert len(set(expected)) == len(beam) * 2 + len(conv)  # no two share a file
    manifest = G.read_manifest(tmp_path / "g")
    assert {f: e["command"] for f, e in manifest.items()} == expected
    # a third gallery's index (whatever its settings) shows every one
    G.write_index(en, tmp_path / "g")
    index = (tmp_path / "g" / "index.md").read_text()
    for file, command in expected.items():
        assert (tmp_path / "g" / file).stat().st_size > 0
        assert f"({file})" in index and command in index
