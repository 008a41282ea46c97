"""A scene built and animated under Manim's dry run: each animation jumps to
its end state and no frame is drawn, so a test sees the scene's every step
in a fraction of a render."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping


def dry_run(
    scene_class,
    tmp_path,
    params: Mapping | None = None,
    *,
    label: Callable | None = None,
    prepare: Callable | None = None,
    **settings,
):
    """``scene_class`` with ``params`` over its own, rendered dry; ``label``
    stands in for its module's ``label`` meanwhile; ``prepare(scene)`` runs
    before ``construct``; ``settings`` add to Manim's config. The scene."""
    import manim

    configured = type(
        scene_class.__name__, (scene_class,), {"params": {**scene_class.params, **(params or {})}}
    )
    config = {
        "dry_run": True,
        "disable_caching": True,  # hashing every play call for the cache: half the time
        "write_to_movie": False,
        "quality": "low_quality",
        "media_dir": str(tmp_path),
        "verbosity": "ERROR",
        "progress_bar": "none",
        **settings,
    }
    module = sys.modules[scene_class.__module__]
    real = module.label
    with manim.tempconfig(config):
        scene = configured(skip_animations=True)  # built under the dry run: no frames drawn
        if prepare is not None:
            prepare(scene)
        module.label = label or real
        try:
            scene.render()
        finally:
            module.label = real
    return scene
