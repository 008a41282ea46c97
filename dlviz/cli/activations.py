"""`dlviz activations`: activation functions, their derivatives, and why a network needs one."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, parse_floats, read_json, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table
from dlviz.errors import BadInput
from dlviz.topics import BY_NAME


class View(str, Enum):
    curves = "curves"
    shallow = "shallow"
    collapse = "collapse"


HELP = """Activation functions (UDL §3.1, d2l §5.1): sigmoid, tanh, ReLU, leaky
ReLU, PReLU, ELU, GELU and maxout, each beside its derivative, the saturated
ends shaded (|a′| ≤ --saturation) and the largest slope marked: σ′ ≤ 1/4 is
why deep sigmoid networks' gradients vanish. Values and derivatives are
PyTorch's (autograd's at the kinks).

--view shallow: UDL fig. 3.3 with any one --activation: each hidden unit's
pre-activation θ₀ + θ₁x, its activation, φ times it, and the output, their
sum (UDL notebook 3.1's network, or --weights FILE.json in dlviz relu's
format with one input, one hidden layer and one output).

--view collapse: two linear layers are one matrix, W₂(W₁x + b₁) + b₂ =
(W₂W₁)x + (W₂b₁ + b₂), with the numbers (--seed draws them); with the
--activation between them a grid's image bends.

Examples:

  dlviz activations

  dlviz activations --activation sigmoid,tanh,relu --domain -8,8

  dlviz activations --view shallow --activation tanh

  dlviz activations --view collapse --seed 3 --theme dark
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "view": "--view",
    "activations": "--activation",
    "domain": "--domain",
    "params": "--activation",
    "leaky_slope": "--leaky-slope",
    "prelu_weight": "--prelu-weight",
    "elu_alpha": "--elu-alpha",
    "maxout": "--maxout",
    "saturation": "--saturation",
    "network": "--weights",
    "theta": "--weights",
    "phi": "--weights",
    "seed": "--seed",
}


@shared_options
def activations(
    view: Annotated[
        View | None,
        typer.Option(help="curves (default), shallow (UDL fig. 3.3) or collapse"),
    ] = None,
    activation: Annotated[
        str | None,
        typer.Option(
            metavar="NAME[,NAME…]",
            help="sigmoid, tanh, relu, leaky_relu, prelu, elu, gelu, maxout "
            "(default: all; shallow and collapse: relu)",
        ),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(metavar="A,B", help="The z (or x) range (default -6,6; shallow 0,1)"),
    ] = None,
    leaky_slope: Annotated[
        float | None, typer.Option(help="Leaky ReLU's slope for z < 0 (default 0.01)")
    ] = None,
    prelu_weight: Annotated[
        float | None, typer.Option(help="PReLU's learned slope for z < 0 (default 0.25)")
    ] = None,
    elu_alpha: Annotated[float | None, typer.Option(help="ELU's α (default 1)")] = None,
    maxout: Annotated[
        str | None,
        typer.Option(
            metavar="W:B,W:B,…",
            help="Maxout's lines w·z + b (default -0.5:-1,0.25:0,1:-1.5; write --maxout=…)",
        ),
    ] = None,
    saturation: Annotated[
        float | None, typer.Option(help="Shade where |a′(z)| is at most this (default 0.05)")
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option(metavar="FILE.json", help="--view shallow: a given one-hidden-layer network"),
    ] = None,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "view": view,
            "activation": activation,
            "domain": domain,
            "leaky_slope": leaky_slope,
            "prelu_weight": prelu_weight,
            "elu_alpha": elu_alpha,
            "maxout": maxout,
            "saturation": saturation,
            "weights": weights,
        }
    )
    requests = parse_requests(typed)
    from dlviz.compute import activations as A

    spec = build_spec(A.make_spec, common, requests, OPTIONS, rebase)
    plan = plan_outputs(common, "activations", "", typed)
    result = A.run(spec)
    written = publish("activations", spec, result, plan, common)
    report_table(f"activations: {spec.view}", [], _rows(result), written)


def _rows(result) -> list[list[str]]:
    from dlviz.render.activations import peak_text

    if result.collapse is not None:
        c = result.collapse
        return [["W = W₂W₁", str(c.w.tolist())], ["b = W₂b₁ + b₂", str(c.b.tolist())],
                ["y for x = " + str(c.x.tolist()), str(c.y.tolist())]]  # fmt: skip
    rows = [[c.name, peak_text(c.peak, "en")] for c in result.curves]
    if result.shallow is not None:
        out = result.shallow.output
        rows.append(["output range", f"{out.min():.6g} to {out.max():.6g}"])
    return rows


def parse_requests(typed: Mapping) -> dict:
    """The options typed on the command line as spec requests."""
    requests: dict = {}
    if "view" in typed:
        requests["view"] = typed["view"].value
    if "activation" in typed:
        names = [n.strip().lower().replace("-", "_") for n in typed["activation"].split(",")]
        requests["activations"] = names
    if "domain" in typed:
        requests["domain"] = parse_floats("--domain", typed["domain"], 2)
    if "saturation" in typed:
        requests["saturation"] = typed["saturation"]
    params = {k: typed[k] for k in ("leaky_slope", "prelu_weight", "elu_alpha") if k in typed}
    if "maxout" in typed:
        params["maxout"] = parse_lines(typed["maxout"])
    if params:
        requests["params"] = params
    if "weights" in typed:
        requests["network"] = read_json("--weights", typed["weights"])
    return requests


def parse_lines(value: str) -> list[tuple[float, float]]:
    """'-1:0,1:0' → [(-1, 0), (1, 0)]."""
    import math

    lines = []
    for part in str(value).split(","):
        try:
            w, b = (float(v) for v in part.split(":"))
        except ValueError:
            w = b = math.nan
        if not (math.isfinite(w) and math.isfinite(b)):
            raise BadInput(
                "--maxout", value, "expected lines W:B separated by commas, e.g. -1:0,1:0"
            )
        lines.append((w, b))
    return lines


def rebase(base: dict, requests: Mapping) -> dict:
    """A replayed run under a new view starts afresh but for the activation's
    parameters; a given network replaces the replayed θ and φ."""
    if requests.get("view") not in (None, base.get("view")):
        return {k: v for k, v in base.items() if k in ("params", "saturation")}
    if "network" in requests:
        return {k: v for k, v in base.items() if k not in ("theta", "phi")}
    return base


def register(app: typer.Typer) -> None:
    app.command("activations", help=HELP, short_help=BY_NAME["activations"].short_help)(activations)
