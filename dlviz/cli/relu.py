"""`dlviz relu`: a ReLU network's exact linear regions."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, parse_floats, read_json, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table, spec_errors
from dlviz.errors import BadInput
from dlviz.theme import text
from dlviz.topics import BY_NAME


class View(str, Enum):
    regions = "regions"
    surface = "surface"
    folding = "folding"


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

  dlviz relu --fit sin --widths 8

--fit sin|step|abs|FILE builds a shallow network of D = --widths units
(default 8) that interpolates the target at D + 1 equally spaced knots on
--domain (FILE: JSON {"x": [...], "y": [...]} or CSV with columns x,y), and
draws its largest error against D beside the bound h²/8·max|f″| (or L·h/2).
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "input_dim": "--input-dim",
    "widths": "--widths",
    "init": "--init",
    "seed": "--seed",
    "domain": "--domain",
    "network": "--weights",
    "kind": "--sweep",
    "budget": "--budget",
    "seeds": "--seeds",
    "steps": "--sweep",
    "view": "--view",
    "target": "--fit",
    "samples": "--fit",
    "units": "--widths",
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
    view: Annotated[
        View,
        typer.Option(
            help="2-D: the regions and the output, or the output as a 3-D surface; 1-D: "
            "folding composes two one-input networks (--widths A,B)"
        ),
    ] = View.regions,
    activation: Annotated[
        str | None,
        typer.Option(
            help="1-D, one hidden layer: the units' activation (sigmoid, tanh, leaky_relu, "
            "prelu, elu, gelu, maxout), drawn as UDL fig. 3.3 by dlviz activations"
        ),
    ] = None,
    fit: Annotated[
        str | None,
        typer.Option(
            metavar="sin|step|abs|FILE",
            help="Interpolate a target with a shallow network of --widths D units",
        ),
    ] = None,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "input_dim": input_dim,
            "widths": widths,
            "init": init,
            "weights": weights,
            "domain": domain,
            "sweep": sweep,
            "budget": budget,
            "seeds": seeds,
            "view": view,
            "fit": fit,
            "activation": activation,
        }
    )
    if typed.get("activation", "relu") != "relu":
        return run_activation(typed, common)
    typed.pop("activation", None)
    from dlviz.compute import relu as R
    from dlviz.output import progress_bar

    if "fit" in typed or "target" in common.replayed:
        return run_fit(typed, common)
    requests = parse_requests(typed)
    if "sweep" in typed or "kind" in common.replayed:
        return run_sweep(typed, requests, common)
    for name in ("budget", "seeds"):  # a sweep's options would change nothing here
        if name in typed:
            raise BadInput(OPTIONS[name], typed[name], "is for --sweep depth or --sweep width")
    spec = build_spec(R.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "relu", f"{spec.input_dim}d", typed)
    start = time.perf_counter()
    with spec_errors(common, requests, OPTIONS), progress_bar("cutting regions") as update:
        result = R.run(spec, cuts=common.animated, progress=update)
    seconds = time.perf_counter() - start
    written = publish("relu", spec, result, plan, common)
    rows = [["activation regions (exact)", result.regions.num_regions, f"{seconds * 1000:.0f} ms"]]
    rows.append(["linear pieces (equal maps merged)", result.regions.num_pieces, ""])
    rows += [[text(f"bound_{k}", "en"), v, ""] for k, v in result.bounds.items()]
    rows.append(["parameters", result.network.num_parameters, ""])
    widths = "×".join(map(str, spec.widths))
    report_table(f"relu {spec.input_dim}-D {widths}", ["", "count", "time"], rows, written)


def parse_requests(typed: dict) -> dict:
    """The options typed on the command line as spec requests."""
    requests = {k: v for k, v in typed.items() if k in ("input_dim", "init", "budget", "seeds")}
    if "view" in typed:
        requests["view"] = typed["view"].value if isinstance(typed["view"], Enum) else typed["view"]
    if "widths" in typed:
        requests["widths"] = parse_widths(typed["widths"])
    if "domain" in typed:
        requests["domain"] = parse_floats("--domain", typed["domain"])
    if "weights" in typed:
        requests["network"] = load_network(typed["weights"])
    if "sweep" in typed:
        requests["kind"] = typed["sweep"].value
    return requests


def parse_widths(text: str) -> list[int]:
    try:
        return [int(w) for w in text.split(",")]
    except ValueError:
        raise BadInput("--widths", text, "expected whole numbers, e.g. 8,8,8") from None


def load_network(path: Path) -> dict:
    """The JSON of a --weights file (checked by the spec)."""
    return read_json("--weights", path)


def run_sweep(typed: dict, requests: dict, common: Common) -> None:
    from dlviz.compute import relu as R
    from dlviz.output import progress_bar

    requests = {k: v for k, v in requests.items() if k != "widths"}
    if "network" in requests:
        raise BadInput("--sweep", typed.get("sweep", "…"), "sweeps random networks, not --weights")
    if "view" in requests:
        raise BadInput("--view", requests["view"], "a sweep draws one chart of counts")
    spec = build_spec(R.make_sweep_spec, common, requests, OPTIONS)
    named = {k: v for k, v in typed.items() if k != "sweep"}  # the name says it already
    plan = plan_outputs(common, "relu", f"sweep-{spec.kind}", named)
    if common.animated:
        raise BadInput("--sweep", spec.kind, "draws a figure: png, svg or pdf")
    with spec_errors(common, requests, OPTIONS), progress_bar("counting regions") as update:
        result = R.run_sweep(spec, progress=update)
    written = publish("relu", spec, result, plan, common)
    rows = [
        [result.label(k), p, f"{c.mean():.1f}", b]
        for k, (p, c, b) in enumerate(
            zip(result.parameters, result.counts, result.bounds, strict=True)
        )
    ]
    report_table(
        f"relu sweep ({spec.kind}, budget {spec.budget})",
        ["hidden widths", "parameters", "activation regions (mean)", "Serra et al. bound"],
        rows,
        written,
    )


def run_fit(typed: dict, common: Common) -> None:
    from dlviz.compute import relu_fit as F
    from dlviz.render.relu_fit import claim_lines

    refuse(typed, ("input_dim", "init", "weights", "sweep", "budget", "seeds", "view"),
           "does not apply to --fit (one layer of --widths D units)")  # fmt: skip
    requests: dict = {}
    if "fit" in typed:
        requests["target"] = typed["fit"] if typed["fit"] in F.TARGETS[:3] else "file"
        if requests["target"] == "file":
            requests["samples"] = read_samples(Path(typed["fit"]))
    if "widths" in typed:
        widths = parse_widths(typed["widths"])
        if len(widths) != 1:
            raise BadInput("--widths", typed["widths"], "--fit builds one hidden layer: --widths D")
        requests["units"] = widths[0]
    if "domain" in typed:
        requests["domain"] = parse_floats("--domain", typed["domain"], 2)
    spec = build_spec(F.make_fit_spec, common, requests, OPTIONS, _rebase_fit)
    named = {k: (Path(v).stem if k == "fit" and spec.target == "file" else v)
             for k, v in typed.items()}  # fmt: skip
    plan = plan_outputs(common, "relu", "fit", named)
    result = F.run_fit(spec)
    written = publish("relu", spec, result, plan, common)
    rows = [_cells(line) for line in claim_lines(result, "en")]
    report_table(f"relu fit: {spec.target}, D = {spec.units}", [], rows, written)


def refuse(typed: dict, names, why: str) -> None:
    """One line for the first of ``names`` typed: it does not apply here."""
    for name in names:
        if name in typed:
            shown = getattr(typed[name], "value", typed[name])
            raise BadInput(OPTIONS.get(name, "--" + name.replace("_", "-")), shown, why)


def run_activation(typed: dict, common: Common) -> None:
    """A one-input, one-hidden-layer network (random, or --weights) with
    another activation: its units, activations and sum, as ``dlviz
    activations --view shallow`` draws them (the regions are ReLU's alone)."""
    from dlviz.compute import activations as A
    from dlviz.compute import relu as R

    refuse(typed, ("sweep", "budget", "seeds", "view", "fit"), "does not apply to --activation")
    if common.params is not None:
        raise BadInput("--params", common.params, "replay with dlviz activations --params")
    requests = parse_requests(typed)
    requests.setdefault("input_dim", 1)
    requests.setdefault("widths", [3])  # UDL fig. 3.3's three units
    spec = build_spec(R.make_spec, common, requests, OPTIONS)
    if spec.input_dim != 1 or len(spec.widths) != 1:
        raise BadInput("--activation", typed["activation"], "draws one input and one hidden layer "
                       "(--input-dim 1 --widths D)")  # fmt: skip
    net = R.network_of(spec)
    theta = [[b, w] for b, w in zip(net.biases[0].tolist(), net.weights[0][:, 0].tolist(),
                                    strict=True)]  # fmt: skip
    phi = [float(net.biases[1][0]), *net.weights[1][0].tolist()]
    name = typed["activation"].strip().lower().replace("-", "_")
    options = {"activations": "--activation", "theta": "--widths", "phi": "--widths"}
    with spec_errors(common, {}, options):
        shallow = A.make_spec(view="shallow", activations=[name], theta=theta, phi=phi,
                              domain=spec.domain)  # fmt: skip
    plan = plan_outputs(common, "relu", "1d", typed)
    result = A.run(shallow)
    written = publish("activations", shallow, result, plan, common)
    out = result.shallow.output
    rows = [["units", len(theta)], ["activation", name],
            ["output range", f"{out.min():.6g} to {out.max():.6g}"]]  # fmt: skip
    report_table(f"relu 1-D {len(theta)} units, {name}", [], rows, written)


def _cells(line: str) -> list[str]:
    """'parameters: 3D + 1 = 25' → ['parameters', '3D + 1 = 25']."""
    head, _, rest = line.partition(": ")
    return [head, rest] if rest and len(head) < 30 else [line, ""]


def _rebase_fit(base: dict, requests: dict) -> dict:
    """A new target drops the replayed samples and domain."""
    if "target" in requests and requests["target"] != base.get("target"):
        return {k: v for k, v in base.items() if k not in ("samples", "domain", "target")}
    return base


def read_samples(path: Path) -> dict:
    """A --fit FILE: JSON {"x": [...], "y": [...]} or CSV rows x,y (a header allowed)."""
    from dlviz.cli.common import read_text

    if path.suffix.lower() == ".json":
        doc = read_json("--fit", path)
        if not isinstance(doc, dict):
            raise BadInput("--fit", path, 'expected a JSON object {"x": [...], "y": [...]}')
        return doc
    xs, ys = [], []
    for n, line in enumerate(read_text("--fit", path).splitlines()):
        cells = [c.strip() for c in line.replace(";", ",").split(",")]
        if not line.strip() or (n == 0 and not _numeric(cells[0])):
            continue  # a blank line or the header
        if len(cells) != 2 or not all(map(_numeric, cells)):
            raise BadInput("--fit", path, f"line {n + 1}: expected two numbers x,y")
        xs.append(float(cells[0]))
        ys.append(float(cells[1]))
    return {"x": xs, "y": ys}


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def register(app: typer.Typer) -> None:
    app.command("relu", help=HELP, short_help=BY_NAME["relu"].short_help)(relu)
