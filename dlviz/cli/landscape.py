"""`dlviz landscape NAME`: a loss surface over two parameters."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from dlviz.cli.common import Common, parse_floats, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report, spec_errors
from dlviz.topics import BY_NAME

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
        help="Colour by decades of loss (default: log for linear, rosenbrock, beale, himmelblau)",
    ),
]
Coeffs = Annotated[
    str | None, typer.Option(metavar="A,B", help="quadratic only: L = a·x² + b·y² (default: 0.1,2)")
]
Ridge = Annotated[
    float, typer.Option(metavar="λ", help="gabor, linear only: add λ‖φ‖² (L2 regularisation)")
]


# spec parameter → the option that sets it, for messages
OPTIONS = {
    "name": "NAME",
    "view": "--view",
    "x_range": "--x-range",
    "y_range": "--y-range",
    "resolution": "--resolution",
    "log_scale": "--log-scale",
    "coeffs": "--coeffs",
    "ridge": "--ridge",
}


def landscape_requests(common, x_range, y_range, resolution, log_scale, coeffs, ridge, **named):
    """The landscape options typed on the command line, parsed into spec values."""
    given = common.explicit(
        {
            "x_range": x_range,
            "y_range": y_range,
            "resolution": resolution,
            "log_scale": log_scale,
            "coeffs": coeffs,
            "ridge": ridge,
            **named,
        }
    )
    for key, value in given.items():
        if key in ("x_range", "y_range"):
            given[key] = parse_floats(OPTIONS[key], value, 2)
        elif key == "coeffs":
            given[key] = parse_floats("--coeffs", value, 2)
        elif isinstance(value, Enum):
            given[key] = value.value
    return given


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
    requests = landscape_requests(
        common, x_range, y_range, resolution, log_scale, coeffs, ridge, name=name, view=view
    )
    from dlviz.compute import landscape as L

    spec = build_spec(L.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "landscape", spec.name, requests)
    from dlviz.output import progress_bar

    with spec_errors(common, requests, OPTIONS), progress_bar("evaluating the grid") as update:
        result = L.run(spec, progress=update)
    written = publish("landscape", spec, result, plan, common)
    m = result.minimum
    report(
        f"landscape {spec.name}",
        {
            "grid": f"{spec.resolution} × {spec.resolution}",
            "loss range": f"{result.loss.min():.6g} … {result.loss.max():.6g}",
            "minimum": f"({m.x:.6g}, {m.y:.6g})  loss {m.loss:.6g}  [{m.method}]",
        },
        written,
    )


def register(app: typer.Typer) -> None:
    app.command("landscape", help=HELP, short_help=BY_NAME["landscape"].short_help)(landscape)
