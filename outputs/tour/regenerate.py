"""Redraw the README's tour: one small image per topic, each the topic's
first gallery figure (the command beside it in the README draws it full size).

    .venv/bin/python outputs/tour/regenerate.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image

from dlviz import gallery as G

HERE = Path(__file__).resolve().parent
WIDTH = 900  # pixels: sharp on GitHub's page, small in the repository


def tour_items() -> list[G.Item]:
    """The first figure of every topic, in the gallery's order."""
    first: dict[str, G.Item] = {}
    for item in G.FIGURES:
        first.setdefault(item.topic, item)
    return list(first.values())


def main() -> None:
    settings = G.Settings()
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = G.render(tour_items(), settings, Path(tmp), jobs=os.cpu_count() or 1, force=True)
        for o in outcomes:
            if o.status != "rendered":
                raise SystemExit(f"{o.item.stem}: {o.message}")
            with Image.open(Path(tmp) / o.file) as image:
                image = image.convert("RGB")
                height = round(image.height * WIDTH / image.width)
                small = image.resize((WIDTH, height), Image.Resampling.LANCZOS)
                small = small.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
                target = HERE / f"{o.item.topic}.png"
                small.save(target, optimize=True)
            print(
                f"{target.relative_to(HERE.parents[1])}: {target.stat().st_size // 1024} KB"
                f"   {settings.command(o.item)}"
            )


if __name__ == "__main__":
    main()
