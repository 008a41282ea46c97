"""The lecture pack: every topic's default figures (and videos) in one folder,
rendered in parallel processes, with an index that shows each one beside
the exact command that reproduces it.

Each item comes from the topic registry (``dlviz.topics``): a worker builds
its spec in Python from the item's requests, runs it and writes it through
the same output code as the command line, so a gallery picture is byte for
byte what the command shown beside it draws. A manifest in the folder
remembers each item's command line and the dlviz version: an item whose
file exists and whose command did not change is skipped.
"""

from __future__ import annotations

import html
import json
import os
import shlex
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dlviz import __version__
from dlviz.topics import TOPICS as REGISTRY
from dlviz.topics import Item, title

MANIFEST = ".dlviz-gallery.json"
LOCK = ".dlviz-gallery.lock"

# Every topic's default figures, then (with --videos) its default lecture scenes.
FIGURES = tuple(item for topic in REGISTRY for item in topic.figures)
VIDEOS = tuple(topic.video for topic in REGISTRY)
TOPICS = tuple(topic.name for topic in REGISTRY)


def select(topics: Iterable[str] | None, videos: bool) -> list[Item]:
    chosen = set(topics or TOPICS)
    items = [i for i in FIGURES if i.topic in chosen]
    if videos:
        items += [i for i in VIDEOS if i.topic in chosen]
    return items


@dataclass(frozen=True)
class Settings:
    theme: str = "light"
    lang: str = "en"
    quality: str = "medium"
    format: str = "png"

    def options(self, item: Item) -> list[str]:
        """The shared options that differ from the defaults, for this item."""
        out = []
        if self.theme != "light":
            out += ["--theme", self.theme]
        if self.lang != "en":
            out += ["--lang", self.lang]
        if item.video:
            out += ["--engine", "manim"]
            if self.quality != "medium":
                out += ["--quality", self.quality]
        elif self.format != "png":
            out += ["--format", self.format]
        return out

    def file(self, item: Item) -> str:
        """The item's file: its stem, then the settings that differ from the
        defaults (so galleries of other settings share a folder safely)."""
        tags = [v for v in (self.lang, self.theme) if v not in ("en", "light")]
        if item.video and self.quality != "medium":
            tags.append(self.quality)
        return f"{'-'.join((item.stem, *tags))}.{'mp4' if item.video else self.format}"

    def command(self, item: Item) -> str:
        """What a user types to draw the same picture (into outputs/)."""
        return shlex.join(["dlviz", *item.args, *self.options(item)])


@dataclass(frozen=True)
class Outcome:
    item: Item
    file: str
    status: str  # rendered, skipped, failed
    seconds: float
    message: str = ""


def _start_worker(slots, jobs: int) -> None:
    """Each worker process gets its own Manim text cache (two processes
    typesetting the same string into one folder could read each other's
    half-written files) and, when several run, one BLAS thread each."""
    from dlviz.manim_bridge import cache_dir
    from dlviz.signals import ignore_in_worker

    ignore_in_worker()  # the parent hears Ctrl-C and ends its workers
    os.environ.setdefault("MPLBACKEND", "Agg")
    with slots.get_lock():
        slot = slots.value
        slots.value += 1
    os.environ["DLVIZ_CACHE"] = str(cache_dir() / f"worker-{slot}")
    if jobs > 1:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"


def _run(item: Item, settings: Settings, path: Path) -> tuple[int, float, str]:
    """In a worker: the item's spec built, run and written; (exit status, seconds, error)."""
    import importlib

    from dlviz.errors import DlvizError
    from dlviz.output import write_run
    from dlviz.signals import Terminated

    start = time.perf_counter()
    compute = importlib.import_module(f"dlviz.compute.{item.topic}")
    try:
        result = compute.run(compute.make_spec(**item.requests))
        write_run(
            item.topic,
            result,
            path=path,
            fmt="mp4" if item.video else settings.format,
            engine="manim" if item.video else "matplotlib",
            quality=settings.quality,
            theme=settings.theme,
            lang=settings.lang,
        )
        if item.video:  # and its contact sheet, beside it
            from dlviz.output import contact_sheet

            contact_sheet(path, sheet_path(path))
    except (DlvizError, ValueError) as exc:
        code = getattr(exc, "exit_code", 2)
        return code, time.perf_counter() - start, f"dlviz: error: {exc}"
    except Terminated:  # ended by the parent: its temporary files are gone, so is it
        os._exit(143)
    return 0, time.perf_counter() - start, ""


def sheet_path(video: Path) -> Path:
    """Where a video's contact sheet goes: NAME.sheet.png beside NAME.mp4."""
    return video.with_name(video.stem + ".sheet.png")


def read_manifest(folder: Path) -> dict:
    try:
        doc = json.loads((folder / MANIFEST).read_text())
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def _key(settings: Settings, item: Item) -> dict:
    """What decides an item's picture (its command and the dlviz version),
    and where the index shows it (topic, item, language)."""
    return {
        "command": settings.command(item),
        "dlviz": __version__,
        "topic": item.topic,
        "stem": item.stem,
        "video": item.video,
        "lang": settings.lang,
    }


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One gallery at a time reads and writes the folder's manifest and
    index: two galleries into one folder keep each other's entries."""
    import fcntl

    with open(folder / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _update_manifest(folder: Path, changes: dict) -> None:
    """The manifest as it is now (another gallery may have written it),
    with this run's ``changes`` (file → entry, or None: gone)."""
    with _locked(folder):
        manifest = read_manifest(folder)
        for file, entry in changes.items():
            if entry is None:
                manifest.pop(file, None)
            else:
                manifest[file] = entry
        _write_text(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _drawn(path: Path) -> bool:
    """A file is there (an empty one, a crash mid-write elsewhere, is not)."""
    return path.is_file() and path.stat().st_size > 0


def _current(item: Item, settings: Settings, folder: Path, manifest: dict) -> bool:
    """The item's file is there, drawn by the same command and dlviz version."""
    file = settings.file(item)
    return manifest.get(file) == _key(settings, item) and _drawn(folder / file)


def render(
    items: list[Item],
    settings: Settings,
    folder: Path,
    *,
    jobs: int,
    force: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Render every item (skipping unchanged ones unless ``force``) in
    ``jobs`` worker processes; a failed item is reported, the rest go on."""
    progress = progress or (lambda done, total: None)
    manifest = read_manifest(folder)
    changes: dict = {}  # this run's entries, merged into the manifest at the end
    outcomes: dict[Item, Outcome] = {}
    todo = []
    for item in items:
        if not force and _current(item, settings, folder, manifest):
            outcomes[item] = Outcome(item, settings.file(item), "skipped", 0.0)
        else:
            todo.append(item)
    done = len(outcomes)
    progress(done, len(items))
    if todo:
        import multiprocessing

        workers = max(1, min(jobs, len(todo)))
        slots = multiprocessing.Value("i", 0)
        todo.sort(key=lambda i: not i.video)  # the long ones first
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(slots, workers)
        ) as pool:
            futures = {pool.submit(_run, i, settings, folder / settings.file(i)): i for i in todo}
            try:
                _collect(futures, settings, changes, outcomes, done, len(items), progress)
            except BaseException:  # Ctrl-C, SIGTERM: the workers are ended, nothing waits
                pool.shutdown(wait=False, cancel_futures=True)
                _update_manifest(folder, changes)
                raise
    _update_manifest(folder, changes)
    return [outcomes[item] for item in items]


def _collect(futures, settings, changes, outcomes, done: int, total: int, progress) -> None:
    """Each finished item's outcome, as the workers finish them; ``changes``
    gets its manifest entry (None: failed, no current file)."""
    for future in as_completed(futures):
        item = futures[future]
        file = settings.file(item)
        try:
            code, seconds, message = future.result()
        except Exception as exc:  # a worker that died
            code, seconds, message = 1, 0.0, f"{type(exc).__name__}: {exc}"
        if code == 0:
            changes[file] = _key(settings, item)
            outcomes[item] = Outcome(item, file, "rendered", seconds)
        else:
            changes[file] = None
            outcomes[item] = Outcome(
                item, file, "failed", seconds, message or f"exit status {code}"
            )
        done += 1
        progress(done, total)


def _write_text(path: Path, content: str) -> None:
    from dlviz.output import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(content, encoding="utf-8")


def _title(topic: str, lang: str) -> str:
    return title(topic, lang)


def write_index(settings: Settings, folder: Path) -> list[Path]:
    """index.html and index.md: every figure and video in the folder drawn by
    this dlviz (by this run, an earlier one, or a gallery of other settings
    into the same folder), with the command that reproduces it, grouped by
    topic. The page's language and theme are these settings'."""
    with _locked(folder):
        manifest = read_manifest(folder)
        entries = [
            (file, entry)
            for file, entry in manifest.items()
            if isinstance(entry, dict)
            and entry.get("dlviz") == __version__
            and entry.get("topic") in TOPICS
            and _drawn(folder / file)
        ]
        order = {item.stem: k for k, item in enumerate((*FIGURES, *VIDEOS))}
        entries.sort(key=lambda e: (order.get(e[1].get("stem"), len(order)), e[0]))
        _write_index(settings, folder, entries)
    return [folder / "index.html", folder / "index.md"]


def _write_index(settings: Settings, folder: Path, entries: list) -> None:
    heading = "dlviz 图库" if settings.lang == "zh" else "dlviz gallery"
    md, cards = [f"# {heading}", ""], []
    for topic in TOPICS:
        shown = [(f, e) for f, e in entries if e["topic"] == topic]
        if not shown:
            continue
        md += [f"## {_title(topic, settings.lang)}", ""]
        cards.append(f"<h2>{html.escape(_title(topic, settings.lang))}</h2>")
        for file, entry in shown:
            command = entry["command"]
            if entry.get("video"):
                sheet = sheet_path(Path(file)).name
                md += [f"[{file}]({file}) · [contact sheet]({sheet})", ""]
                media = (
                    f'<video src="{html.escape(file)}" controls loop muted></video>'
                    f'<a href="{html.escape(sheet)}">'
                    f'<img src="{html.escape(sheet)}" alt="contact sheet: {html.escape(file)}"></a>'
                )
            else:
                md += [f"![{Path(file).stem}]({file})", ""]
                media = f'<img src="{html.escape(file)}" alt="{html.escape(Path(file).stem)}">'
            md += ["```bash", command, "```", ""]
            caption = f"<figcaption><code>{html.escape(command)}</code></figcaption>"
            cards.append(f"<figure>{media}{caption}</figure>")
    dark = settings.theme == "dark"
    page = _HTML.format(
        title=html.escape(heading),
        body="\n".join(cards),
        lang="zh-CN" if settings.lang == "zh" else "en",
        background="#14161a" if dark else "#ffffff",
        foreground="#e8e8e8" if dark else "#1a1a1a",
    )
    _write_text(folder / "index.html", page)
    _write_text(folder / "index.md", "\n".join(md))


_HTML = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", system-ui, sans-serif; margin: 2rem;
       background: {background}; color: {foreground}; }}
figure {{ margin: 0 0 2.5rem 0; }}
img, video {{ max-width: 100%; border: 1px solid #8884; }}
code {{ font-size: 0.95rem; user-select: all; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""
