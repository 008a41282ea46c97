"""`dlviz backprop`: the forward and backward pass of a computational graph, with real numbers."""

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


class Network(str, Enum):
    chain = "chain"
    mlp = "mlp"


class Activation(str, Enum):
    relu = "relu"
    sigmoid = "sigmoid"
    tanh = "tanh"


class View(str, Enum):
    units = "units"
    layers = "layers"


class Loss(str, Enum):
    squared_error = "squared-error"
    cross_entropy = "cross-entropy"


HELP = """Backpropagation with this run's numbers: every node's forward value, each
edge's local derivative, every chain-rule step that gives ∂ℓ/∂node, and each
parameter's gradient beside its central finite difference.

--network chain (the default): Understanding Deep Learning's toy chain
(§7.3, notebook 7.1), f = β3 + ω3·cos(β2 + ω2·exp(β1 + ω1·sin(β0 + ω0·x))),
ℓ = (f − y)², at the notebook's parameters unless --beta/--omega/--x/--y.

--network mlp (implied by --widths, --activation, --loss, --batch,
--weights, --view or --seed): z[l] = W[l] a[l−1] + b[l], a[l] = σ(z[l]) in the hidden
layers, a linear output, the loss summed over a batch; its backward pass is
δ[l] = (W[l+1])ᵀ δ[l+1] ⊙ σ′(z[l]), ∂ℓ/∂W[l] = δ[l] (a[l−1])ᵀ. Weights, inputs
and targets are drawn from --seed (rounded to two decimals, so the printed
numbers are the numbers used), or given by --weights FILE.json:
{"layers": [{"weight": [[...]], "bias": [...]}, ...], "x": [[...]], "y": [...]}
(rows of a weight are its outputs; x has a column per example; y is the
targets, output width × examples, or one class index per example; x and y
are optional).

Examples:

  dlviz backprop

  dlviz backprop --beta 0,1,0,1 --omega 1,1,1,1 --x 0.5 --y 1

  dlviz backprop --widths 2,3,2

  dlviz backprop --widths 4,8,8,3 --batch 16 --loss cross-entropy --activation tanh

  dlviz backprop --widths 2,3,2 --view layers   (W, b, z, a above their gradients)

  dlviz backprop --weights net.json

  dlviz backprop --format gif            (forward left to right, then backward)

  dlviz backprop --engine manim --quality high
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "network": "--network",
    "beta": "--beta",
    "omega": "--omega",
    "x": "--x",
    "y": "--y",
    "widths": "--widths",
    "activation": "--activation",
    "loss": "--loss",
    "batch": "--batch",
    "seed": "--seed",
    "given": "--weights",
    "view": "--view",
}
MLP_ONLY = ("widths", "activation", "loss", "batch", "seed", "given", "view")
CHAIN_ONLY = ("beta", "omega", "x", "y")


@shared_options
def backprop(
    network: Annotated[
        Network | None,
        typer.Option(
            help="UDL's toy chain, or a small MLP (default: chain, or mlp when an "
            "MLP option is given)"
        ),
    ] = None,  # fmt: skip
    beta: Annotated[
        str | None, typer.Option(metavar="B0,B1,B2,B3", help="The chain's biases β")
    ] = None,
    omega: Annotated[
        str | None, typer.Option(metavar="W0,W1,W2,W3", help="The chain's weights ω")
    ] = None,
    x: Annotated[float | None, typer.Option("--x", help="The chain's input x")] = None,
    y: Annotated[float | None, typer.Option("--y", help="The chain's target y")] = None,
    widths: Annotated[
        str | None,
        typer.Option(metavar="D0,D1,…,DL", help="The MLP's input, hidden and output widths"),
    ] = None,
    activation: Annotated[
        Activation | None, typer.Option(help="The MLP's hidden units (default relu)")
    ] = None,
    loss: Annotated[
        Loss | None,
        typer.Option(help="Squared error, or softmax cross-entropy (default squared-error)"),
    ] = None,
    batch: Annotated[
        int | None, typer.Option(help="Examples the loss sums over (default 1)")
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option(metavar="FILE.json", help="The MLP's given weights (and x, y)"),
    ] = None,
    view: Annotated[
        View | None,
        typer.Option(
            help="The MLP's figure: its units (default), or its arrays W, b, z, a "
            "above their gradients"
        ),
    ] = None,  # fmt: skip
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "network": network,
            "beta": beta,
            "omega": omega,
            "x": x,
            "y": y,
            "widths": widths,
            "activation": activation,
            "loss": loss,
            "batch": batch,
            "weights": weights,
            "view": view,
        }
    )
    requests = parse_requests(typed)
    from dlviz.compute import backprop as B

    spec = build_spec(B.make_spec, common, requests, OPTIONS, rebase)
    plan = plan_outputs(common, "backprop", "", typed)
    from dlviz.output import progress_bar

    with progress_bar("checking gradients") as update:
        result = B.run(spec, progress=update)
    written = publish("backprop", spec, result, plan, common)
    worst = max(result.checks, key=lambda c: c.error)
    agree = sum(c.ok() for c in result.checks)
    rows = [["loss ℓ", f"{result.loss:.6g}"]]
    for name, grad in result.gradients().items():
        shown = f"{grad:.6g}" if spec.network == "chain" else _norm(grad)
        rows.append([f"∂ℓ/∂{name}", shown])
    rows.append(["finite differences agree", f"{agree} of {len(result.checks)}"])
    rows.append(["largest relative error", f"{worst.error:.2g} ({worst.name})"])
    title = "toy chain (UDL §7.3)" if spec.network == "chain" else (
        f"MLP {','.join(map(str, spec.widths))}, {spec.activation}, {spec.loss}, "
        f"batch {spec.batch}")  # fmt: skip
    report_table(f"backprop: {title}", [], rows, written)


def _norm(grad) -> str:
    import numpy as np

    return f"‖·‖ = {float(np.linalg.norm(grad)):.4g} ({'×'.join(map(str, np.shape(grad)))})"


def parse_requests(typed: Mapping) -> dict:
    """The options typed on the command line as spec requests."""
    requests = {k: (v.value if isinstance(v, Enum) else v) for k, v in typed.items()}
    for name in ("beta", "omega"):
        if name in requests:
            requests[name] = parse_floats(f"--{name}", requests[name], 4)
    if "widths" in requests:
        text = requests["widths"]
        try:
            requests["widths"] = tuple(int(w) for w in text.split(","))
        except ValueError:
            raise BadInput("--widths", text, "expected whole numbers, e.g. 2,3,2") from None
    if "weights" in requests:
        requests["given"] = read_json("--weights", requests.pop("weights"))
    return requests


def rebase(base: dict, requests: Mapping) -> dict:
    """A replayed run under new options: asking for the other network drops
    the replayed one's values; new widths, a new loss or batch drop its given
    arrays (they would no longer fit)."""
    if any(k in requests for k in MLP_ONLY) and base.get("network") == "chain":
        base = {k: v for k, v in base.items() if k not in (*CHAIN_ONLY, "network")}
    if any(k in requests for k in CHAIN_ONLY) and base.get("network") == "mlp":
        base = {k: v for k, v in base.items() if k not in (*MLP_ONLY, "network")}
    if requests.get("network") is not None:
        other = CHAIN_ONLY if requests["network"] == "mlp" else MLP_ONLY
        base = {k: v for k, v in base.items() if k not in other}
    if any(k in requests for k in ("widths", "loss", "batch")):
        base.pop("given", None)
    return {k: v for k, v in base.items() if v is not None}


def register(app: typer.Typer) -> None:
    app.command("backprop", help=HELP, short_help=BY_NAME["backprop"].short_help)(backprop)
