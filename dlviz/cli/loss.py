"""`dlviz loss`: each loss as the negative log-likelihood of a model, with real numbers."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, parse_floats, read_json, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table
from dlviz.topics import BY_NAME


class Task(str, Enum):
    regression = "regression"
    binary = "binary"
    multiclass = "multiclass"
    information = "information"


class Model(str, Enum):
    network = "network"
    line = "line"
    poly = "poly"


class Sweep(str, Enum):
    offset = "offset"
    sigma = "sigma"
    mix = "mix"


class Units(str, Enum):
    nats = "nats"
    bits = "bits"


HELP = """From likelihood to loss (Understanding Deep Learning ch. 5, notebooks
5.1-5.3; d2l's information theory): each loss is the negative log-likelihood
of a probability model, written with this run's numbers.

--task regression (the default): a Gaussian of mean μ = f(x) and a fixed σ;
its −log L is the sum of squares scaled, plus constants. --heteroscedastic:
the network's second output gives σ(x) = |f₂(x)| (σ² = f₂², as UDL §5.3.2).
--task binary: λ = sigmoid(f(x)); −log L is binary cross-entropy.
--task multiclass: softmax(f(x)/T) as stacked bars; −log L is cross-entropy
(--temperature T, --smoothing ε for label smoothing as PyTorch does it).
--task information: two distributions p and q; H(p), H(p, q) and
KL(p‖q) = H(p, q) − H(p), swept from q to p.

The model f is UDL's notebook network for the task (1 input, 3 ReLU units),
a line or polynomial (--coef c0,c1,…: f = Σ ck·x^k), or a given ReLU network
(--weights FILE.json: {"layers": [{"weight": [[...]], "bias": [...]}, ...],
"x": [...], "y": [...]}, x and y optional). The data are UDL's 20 points, or
--points N drawn from the model itself with --seed. One parameter is swept
(--sweep offset: the output bias β₁[0] or c0; sigma; mix for information).

Examples:

  dlviz loss

  dlviz loss --sweep sigma

  dlviz loss --heteroscedastic

  dlviz loss --task binary

  dlviz loss --task multiclass --temperature 2

  dlviz loss --model poly --points 60 --seed 3

  dlviz loss --task information --p 0.5,0.25,0.125,0.125 --q 0.25,0.25,0.25,0.25 --units bits

  dlviz loss --format gif                (the parameter sweeping, the curves tracing)

  dlviz loss --engine manim --quality high
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "task": "--task",
    "model": "--model",
    "coef": "--coef",
    "given": "--weights",
    "layers": "--weights",
    "x": "--weights",
    "y": "--weights",
    "data": "--params",
    "points": "--points",
    "seed": "--seed",
    "sigma": "--sigma",
    "heteroscedastic": "--heteroscedastic",
    "temperature": "--temperature",
    "smoothing": "--smoothing",
    "sweep": "--sweep",
    "sweep_range": "--range",
    "steps": "--steps",
    "p": "--p",
    "q": "--q",
    "units": "--units",
}
MODEL_FIELDS = ("model", "layers", "coef", "sweep_range")
DATA_FIELDS = ("x", "y", "data")


@shared_options
def loss(
    task: Annotated[
        Task | None, typer.Option(help="The probability model (default regression)")
    ] = None,
    model: Annotated[
        Model | None, typer.Option(help="UDL's network (default), a line or a polynomial")
    ] = None,
    coef: Annotated[
        str | None, typer.Option(metavar="C0,C1,…", help="The line's or polynomial's coefficients")
    ] = None,
    weights: Annotated[
        Path | None, typer.Option(metavar="FILE.json", help="A given ReLU network (and x, y)")
    ] = None,
    points: Annotated[
        int | None, typer.Option(help="Points drawn from the model itself (with --seed)")
    ] = None,
    sigma: Annotated[float | None, typer.Option(help="The regression's σ (default 0.2)")] = None,
    heteroscedastic: Annotated[
        bool | None, typer.Option("--heteroscedastic", help="σ(x) from the network's 2nd output")
    ] = None,
    temperature: Annotated[
        float | None, typer.Option(help="Softmax temperature T (multiclass, default 1)")
    ] = None,
    smoothing: Annotated[
        float | None, typer.Option(help="Label smoothing ε (multiclass, default 0)")
    ] = None,
    sweep: Annotated[
        Sweep | None, typer.Option(help="The parameter swept: offset, sigma, or mix (information)")
    ] = None,
    range_: Annotated[
        str | None, typer.Option("--range", metavar="A,B", help="The sweep's range")
    ] = None,
    steps: Annotated[int | None, typer.Option(help="Values in the sweep")] = None,
    p: Annotated[str | None, typer.Option("--p", metavar="P0,P1,…", help="Distribution p")] = None,
    q: Annotated[str | None, typer.Option("--q", metavar="Q0,Q1,…", help="Distribution q")] = None,
    units: Annotated[Units | None, typer.Option(help="Information in nats or bits")] = None,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "task": task,
            "model": model,
            "coef": coef,
            "weights": weights,
            "points": points,
            "sigma": sigma,
            "heteroscedastic": heteroscedastic,
            "temperature": temperature,
            "smoothing": smoothing,
            "sweep": sweep,
            "range_": range_,
            "steps": steps,
            "p": p,
            "q": q,
            "units": units,
        }
    )
    typed = {("range" if k == "range_" else k): v for k, v in typed.items()}  # as typed
    requests = parse_requests(typed)
    from dlviz.compute import loss as L

    spec = build_spec(L.make_spec, common, requests, OPTIONS, rebase)
    plan = plan_outputs(common, "loss", "", typed)
    from dlviz.output import progress_bar

    with progress_bar(f"sweeping {spec.sweep}") as update:
        result = L.run(spec, progress=update)
    written = publish("loss", spec, result, plan, common)
    report_table(f"loss: {spec.task}", [], _rows(result), written)


def _rows(result) -> list[list[str]]:
    best = result.sweep.values[result.sweep.best]
    if result.spec.task == "information":
        units = result.spec.units
        return [["H(p)", f"{result.entropy:.6g} {units}"],
                ["H(p, q)", f"{result.cross_entropy:.6g} {units}"],
                ["KL(p‖q)", f"{result.kl:.6g} {units}"]]  # fmt: skip
    rows = [["likelihood L", f"{result.likelihood:.6g}" if result.likelihood else
             f"10^{result.log10_likelihood:.1f}"], ["−log L", f"{result.nll:.6g}"]]  # fmt: skip
    if result.sum_squares is not None:
        rows.append(["sum of squares", f"{result.sum_squares:.6g}"])
    from dlviz.render.loss import loss_name

    rows.append([f"loss ({loss_name(result, 'en')})", f"{result.loss:.6g}"])
    rows.append([f"best {result.spec.sweep} (largest L)", f"{best:.6g}"])
    return rows


def parse_requests(typed: Mapping) -> dict:
    """The options typed on the command line as spec requests."""
    requests = {k: (v.value if isinstance(v, Enum) else v) for k, v in typed.items()}
    for name in ("coef", "p", "q"):
        if name in requests:
            requests[name] = parse_floats(f"--{name}", requests[name])
    if "range" in requests:
        requests["sweep_range"] = parse_floats("--range", requests.pop("range"), 2)
    if "weights" in requests:
        requests["given"] = read_json("--weights", requests.pop("weights"))
    return requests


def rebase(base: dict, requests: Mapping) -> dict:
    """A replayed run under new options: another task starts afresh; a new
    model drops the replayed network or coefficients (and the sweep's range
    centred on them); new data (points, seed, a given file) drop the replayed points."""
    if requests.get("task") not in (None, base.get("task")):
        return {}
    drop = set()
    if any(k in requests for k in ("model", "coef", "given", "heteroscedastic")):
        drop |= set(MODEL_FIELDS)
    if any(k in requests for k in ("points", "seed", "given")):
        drop |= set(DATA_FIELDS)
    if "sweep" in requests or "sigma" in requests:
        drop |= {"sweep_range", "steps"}
    if "p" in requests or "q" in requests:
        drop |= {"sweep_range"}
    return {k: v for k, v in base.items() if k not in drop and v is not None}


def register(app: typer.Typer) -> None:
    app.command("loss", help=HELP, short_help=BY_NAME["loss"].short_help)(loss)
