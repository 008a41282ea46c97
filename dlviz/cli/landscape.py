"""`dlviz landscape NAME`: a loss surface over two parameters."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, parse_floats, parse_range, shared_options
from dlviz.cli.job import plan_outputs, progress_bar, report, write_matplotlib
from dlviz.errors import BadInput

# Kept here rather than imported from dlviz.compute so that `dlviz --help`
# does not import numpy; a test checks both lists agree.
NAMES = ("gabor", "linear", "rosenbrock", "rastrigin", "beale", "himmelblau", "quadratic", "saddle")
LandscapeName = Enum("LandscapeName", {n: n for n in NAMES}, type=str)


class View(str, Enum):
    contour = "contour"
    heatmap = "heatmap"
    surface = "surface"


HELP = """Loss surfaces over two parameters, with the minimum marked.

gabor and linear are the course's models fitted to their training data
(L(φ) = Σ (f(x_i; φ) − y_i)²); the others are the classic test functions.

Examples:

  dlviz landscape gabor

  dlviz landscape rosenbrock --view surface --theme dark

  dlviz landscape linear --ridge 0.5 --data outputs/linear.json

  dlviz landscape himmelblau --format svg --lang zh

  dlviz landscape gabor --engine manim --quality high
"""

DEFAULTS = {
    "view": "contour",
    "resolution": 201,
    "x_range": None,
    "y_range": None,
    "log_scale": None,
    "coeffs": None,
    "ridge": 0.0,
}


# The landscape options, shared with every command that draws on a landscape.
XRange = Annotated[
    str | None,
    typer.Option(
        "--x-range", metavar="A,B", help="First parameter's range (default: per landscape)"
    ),
]
YRange = Annotated[
    str | None,
    typer.Option(
        "--y-range", metavar="C,D", help="Second parameter's range (default: per landscape)"
    ),
]
Resolution = Annotated[
    int, typer.Option(help="Grid points per axis, endpoints included (2 to 4096)")
]
LogScale = Annotated[
    bool | None,
    typer.Option(
        "--log-scale/--linear-scale",
        show_default=False,
        help="Colour by decades of loss (default: log for rosenbrock, beale, himmelblau)",
    ),
]
Coeffs = Annotated[
    str | None, typer.Option(metavar="A,B", help="quadratic only: L = a·x² + b·y² (default: 0.1,2)")
]
Ridge = Annotated[float, typer.Option(
    metavar="λ", help="gabor, linear only: add λ‖φ‖² (L2 regularisation)")]  # fmt: skip


def landscape_options(name: str, x_range, y_range, resolution: int, coeffs, ridge):
    """Check the landscape options (exit 2 on bad input) and build the landscape:
    (landscape, x range or None, y range or None)."""
    xr, yr = parse_range("--x-range", x_range), parse_range("--y-range", y_range)
    check_int_range("--resolution", resolution, 2, 4096)
    coeff_values = _check_model_options(name, coeffs, ridge)
    from dlviz.compute.landscape import make_landscape

    return make_landscape(name, coeffs=coeff_values, ridge=ridge), xr, yr


@shared_options
def landscape(
    name: Annotated[LandscapeName, typer.Argument(help="Which landscape.")] = "gabor",
    x_range: XRange = None,
    y_range: YRange = None,
    resolution: Resolution = 201,
    view: Annotated[View, typer.Option(help="contour, heatmap or 3-D surface")] = View.contour,
    log_scale: LogScale = None,
    coeffs: Coeffs = None,
    ridge: Ridge = 0.0,
    *,
    common: Common,
) -> None:
    name, view = LandscapeName(name).value, View(view).value
    given = {"x_range": x_range, "y_range": y_range, "resolution": resolution, "view": view,
             "log_scale": log_scale, "coeffs": coeffs, "ridge": ridge}  # fmt: skip
    land, xr, yr = landscape_options(name, x_range, y_range, resolution, coeffs, ridge)
    plan = plan_outputs(common, "landscape", name, given, DEFAULTS)
    log = land.log_scale if log_scale is None else log_scale
    result = _compute(land, xr, yr, resolution)
    check_log_scale(log, result, name)
    parameters = {
        **given,
        "name": name,
        "x_range": [result.x[0], result.x[-1]],
        "y_range": [result.y[0], result.y[-1]],
        "log_scale": log,
        "coeffs": land.options.get("coeffs"),
        **common.parameters(),
        "format": plan.format,
    }
    _render(plan, common, result, view, log, parameters)
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(write_json(plan.data, "landscape", parameters, _json_result(result)))
    m = result.minimum
    report(f"landscape {name}", {
        "grid": f"{resolution} × {resolution}",
        "loss range": f"{result.loss.min():.6g} … {result.loss.max():.6g}",
        "minimum": f"({m.x:.6g}, {m.y:.6g})  loss {m.loss:.6g}  [{m.method}]",
    }, written)  # fmt: skip


def check_log_scale(log: bool, result, name: str) -> None:
    if log and result.loss.min() < 0:
        raise BadInput("--log-scale", name, "needs a positive loss; this landscape goes "
                       "below zero (use --linear-scale)")  # fmt: skip


def _compute(land, x_range, y_range, resolution: int):
    """The grid, with a progress bar when it is large."""
    from dlviz.compute.landscape import compute_landscape

    examples = len(land.data.x) if land.data is not None else 1
    large = resolution**2 * examples > 20_000_000
    with progress_bar("evaluating the grid", enabled=large) as update:
        return compute_landscape(
            land, x_range=x_range, y_range=y_range, resolution=resolution, progress=update
        )


def _check_model_options(name: str, coeffs: str | None, ridge: float):
    if coeffs is not None and name != "quadratic":
        raise BadInput("--coeffs", coeffs, "applies only to the quadratic landscape")
    if ridge != 0.0 and name not in ("gabor", "linear"):
        raise BadInput("--ridge", ridge, "applies only to the data models gabor and linear")
    if not ridge >= 0 or ridge == float("inf"):
        raise BadInput("--ridge", ridge, "must be a finite number ≥ 0")
    return None if coeffs is None else parse_floats("--coeffs", coeffs, 2)


def _render(plan, common: Common, result, view: str, log: bool, parameters: dict) -> None:
    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene
        from dlviz.theme import get_theme

        scene_params = {
            k: parameters[k]
            for k in (
                "name",
                "resolution",
                "ridge",
                "theme",
                "lang",
                "x_range",
                "y_range",
                "coeffs",
            )
        }
        scene_params["log_scale"] = log
        render_scene(
            load_scene("landscape", "LandscapeScene"),
            scene_params,
            quality=common.quality,
            fmt=plan.format,
            out=plan.path,
            background=get_theme(common.theme).background,
        )
        return
    from dlviz.render.landscape import animate_landscape, plot_landscape
    from dlviz.theme import get_theme

    style = {"view": view, "log_scale": log, "theme": get_theme(common.theme), "lang": common.lang}
    write_matplotlib(
        plan,
        common,
        lambda: plot_landscape(result, **style),
        lambda: animate_landscape(result, **style),
    )


def _json_result(result) -> dict:
    m = result.minimum
    out = {
        "x": result.x,
        "y": result.y,
        "loss": result.loss,
        "minimum": {"x": m.x, "y": m.y, "loss": m.loss, "method": m.method},
        "minima": [{"x": p.x, "y": p.y, "loss": p.loss} for p in result.minima],
        "saddles": [{"x": p.x, "y": p.y, "loss": p.loss} for p in result.saddles],
        "formula": result.formula,
    }
    if result.data is not None:
        out["training_data"] = {"x": result.data[0], "y": result.data[1]}
    return out


def register(app: typer.Typer) -> None:
    app.command(
        "landscape",
        help=HELP,
        short_help="Loss surfaces over two parameters.  e.g. dlviz landscape gabor",
    )(landscape)
