"""`dlviz relu`: a ReLU network's exact linear regions."""

from __future__ import annotations

import json
import time
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, parse_floats, shared_options
from dlviz.cli.job import plan_outputs, report_table, write_matplotlib
from dlviz.errors import BadInput

MAX_UNITS = 2048


class SweepKind(str, Enum):
    depth = "depth"
    width = "width"


HELP = """A ReLU network is piecewise linear: every region, exactly.

Random networks (--input-dim 1 or 2, --widths, --init) or a given one
(--weights FILE.json with {"layers": [{"weight": [[...]], "bias": [...]}]},
rows = outputs, ReLU after every layer but the last). The regions are
computed exactly (not sampled), with their counts against the known bounds.

Examples:

  dlviz relu

  dlviz relu --input-dim 1 --widths 8,8,8

  dlviz relu --widths 32,32,32 --domain -2,2 --theme dark

  dlviz relu --weights net.json --domain 0,1

  dlviz relu --input-dim 1 --sweep depth --budget 200
"""

DEFAULTS = {
    "input_dim": 2,
    "widths": "16,16",
    "init": "he",
    "weights": None,
    "domain": None,
    "sweep": None,
    "budget": None,
    "seeds": 5,
}


@shared_options
def relu(
    input_dim: Annotated[int, typer.Option(help="1 or 2 inputs")] = 2,
    widths: Annotated[str, typer.Option(metavar="D1,D2,…", help="Hidden-layer widths")] = "16,16",
    init: Annotated[str, typer.Option(help="he, xavier, uniform or normal:σ")] = "he",
    weights: Annotated[
        Path | None,
        typer.Option(metavar="FILE.json", help="A given network instead of a random one"),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            metavar="A,B|X0,X1,Y0,Y1", help="Interval or square (default: -3,3 in 1-D, -2,2 in 2-D)"
        ),
    ] = None,
    sweep: Annotated[
        SweepKind | None,
        typer.Option(help="Count regions as depth (or width) varies at a fixed parameter budget"),
    ] = None,
    budget: Annotated[
        int | None, typer.Option(help="Parameters for --sweep (default 200 / 400)")
    ] = None,
    seeds: Annotated[int, typer.Option(help="Random networks per point of --sweep")] = 5,
    *,
    common: Common,
) -> None:
    given = {
        "input_dim": input_dim,
        "widths": widths,
        "init": init,
        "weights": str(weights) if weights else None,
        "domain": domain,
        "sweep": sweep.value if sweep else None,
        "budget": budget,
        "seeds": seeds,
    }
    from dlviz.compute import relu as R

    net = load_network(weights) if weights else None
    dims = net.input_dim if net else check_int_range("--input-dim", input_dim, 1, 2)
    box = parse_domain(domain, dims)
    if sweep and (common.format in ("gif", "mp4") or common.engine == "manim"):
        raise BadInput("--sweep", sweep.value, "draws a figure: png, svg or pdf")
    if sweep:
        return run_sweep(sweep.value, budget, seeds, dims, box, init, given, common)
    if net is None:
        layer_widths = parse_widths(widths)
        try:
            net = R.random_network(dims, layer_widths, init=init, seed=common.seed)
        except ValueError as exc:
            raise BadInput("--init", init, str(exc)) from None
    plan = plan_outputs(common, "relu", f"{dims}d", given, DEFAULTS)
    start = time.perf_counter()
    result = R.pieces_1d(net, box) if dims == 1 else R.regions_2d(net, box)
    seconds = time.perf_counter() - start
    parameters = {
        **given,
        "input_dim": dims,
        "widths": list(net.widths),
        "domain": list(box),
        **common.parameters(),
        "format": plan.format,
    }
    render(plan, common, net, result, dims, box)
    payload = regions_json(net, result, dims)
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(write_json(plan.data, "relu", parameters, payload))
    rows = [["regions (exact)", result.num_regions, f"{seconds * 1000:.0f} ms"]]
    rows += [[f"bound: {k}", v, ""] for k, v in payload["bounds"].items()]
    rows.append(["parameters", net.num_parameters, ""])
    report_table(
        f"relu {dims}-D {'×'.join(map(str, net.widths))}", ["", "count", "time"], rows, written
    )


def render(plan, common: Common, net, result, dims: int, box) -> None:
    from dlviz.theme import get_theme

    theme = get_theme(common.theme)
    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        scene = "ReluSumScene" if dims == 1 else "ReluRegionsScene"
        render_scene(
            load_scene("relu", scene),
            {"network": net, "domain": box, "theme": common.theme, "lang": common.lang},
            quality=common.quality,
            fmt=plan.format,
            out=plan.path,
            background=theme.background,
        )
        return
    from dlviz.render import relu as P

    style = {"theme": theme, "lang": common.lang}
    draw = P.plot_relu_1d if dims == 1 else P.plot_relu_2d
    animate = P.animate_relu_1d if dims == 1 else P.animate_relu_2d
    write_matplotlib(
        plan, common, lambda: draw(net, result, **style), lambda: animate(net, box, **style)
    )


def parse_widths(text: str) -> list[int]:
    try:
        widths = [int(w) for w in text.split(",")]
    except ValueError:
        raise BadInput("--widths", text, "expected whole numbers, e.g. 8,8,8") from None
    if not widths or min(widths) < 1 or sum(widths) > MAX_UNITS:
        raise BadInput("--widths", text, f"widths ≥ 1, at most {MAX_UNITS} units in all")
    return widths


def parse_domain(text: str | None, dims: int) -> tuple[float, ...]:
    if text is None:
        return (-3.0, 3.0) if dims == 1 else (-2.0, 2.0, -2.0, 2.0)
    values = parse_floats("--domain", text)
    if dims == 2 and len(values) == 2:
        values = values * 2
    if len(values) != 2 * dims or values[0] >= values[1] or (dims == 2 and values[2] >= values[3]):
        raise BadInput("--domain", text, "A,B with A < B (a square in 2-D) or X0,X1,Y0,Y1")
    return values


def load_network(path: Path):
    from dlviz.compute.relu import network_from_dict

    if not path.is_file():
        raise BadInput("--weights", path, "no such file")
    try:
        net = network_from_dict(json.loads(path.read_text()))
    except (json.JSONDecodeError, ValueError) as exc:
        raise BadInput("--weights", path, str(exc).splitlines()[0]) from None
    if net.input_dim not in (1, 2):
        raise BadInput("--weights", path, f"the network takes {net.input_dim} inputs; 1 or 2")
    return net


def regions_json(net, result, dims: int) -> dict:
    from dlviz.compute import relu as R

    if dims == 1:
        regions = [
            {"interval": iv, "pattern": p.astype(int), "slope": s, "intercept": c}
            for iv, p, s, c in zip(
                result.intervals, result.patterns, result.slopes, result.intercepts, strict=True
            )
        ]
    else:
        regions = [
            {
                "vertices": result.polygon(r),
                "pattern": result.patterns[r].astype(int),
                "affine": result.affine[r],
            }
            for r in range(result.num_regions)
        ]
    bounds = {
        "deep (product of per-layer Zaslavsky)": R.deep_bound(net.widths, dims),
        "shallow with as many units": R.shallow_bound(sum(net.widths), dims),
    }
    return {
        "num_regions": result.num_regions,
        "regions": regions,
        "bounds": bounds,
        "num_parameters": net.num_parameters,
    }


def run_sweep(kind: str, budget, seeds, dims, box, init, given, common) -> None:
    from dlviz.compute import relu as R

    budget = budget or (200 if dims == 1 else 400)
    check_int_range("--budget", budget, 10, 20000)
    check_int_range("--seeds", seeds, 1, 50)
    if kind == "depth":
        steps = [k for k in range(1, 9) if R.width_for_budget(k, budget, dims) >= 2]
    else:
        top = R.width_for_budget(1, budget, dims)
        steps = sorted({max(2, round(top / 2**k)) for k in range(0, 6)})
    plan = plan_outputs(common, "relu", f"sweep-{kind}", given, DEFAULTS)
    result = R.sweep(
        kind, budget=budget, input_dim=dims, domain=box, steps=steps, seeds=seeds, init=init
    )
    from dlviz.render.relu import plot_sweep
    from dlviz.theme import get_theme

    write_matplotlib(
        plan,
        common,
        lambda: plot_sweep(result, dims, theme=get_theme(common.theme), lang=common.lang),
        None,
    )
    written = [plan.path]
    parameters = {
        **given,
        "budget": budget,
        "domain": list(box),
        **common.parameters(),
        "format": plan.format,
    }
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(
            write_json(
                plan.data,
                "relu",
                parameters,
                {
                    "sweep": kind,
                    "depths": result.depths,
                    "widths": result.widths,
                    "parameters": result.parameters,
                    "counts": result.counts,
                },
            )
        )
    rows = [
        [f"{d}×{w}", p, f"{c.mean():.1f}", R.deep_bound([w] * d, dims)]
        for d, w, p, c in zip(
            result.depths, result.widths, result.parameters, result.counts, strict=True
        )
    ]
    report_table(
        f"relu sweep ({kind}, budget {budget})",
        ["depth×width", "parameters", "regions (mean)", "bound"],
        rows,
        written,
    )


def register(app: typer.Typer) -> None:
    app.command(
        "relu",
        help=HELP,
        short_help="ReLU networks' exact linear regions.  e.g. dlviz relu --widths 16,16",
    )(relu)
