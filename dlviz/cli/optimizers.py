"""`dlviz optimizers`: optimizer trajectories racing over a loss landscape."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from dlviz.cli.common import Common, parse_floats, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table, spec_errors
from dlviz.cli.landscape import OPTIONS as LANDSCAPE_OPTIONS
from dlviz.cli.landscape import (
    Coeffs,
    LandscapeName,
    LogScale,
    Resolution,
    Ridge,
    XRange,
    YRange,
    landscape_requests,
)
from dlviz.errors import BadInput
from dlviz.topics import BY_NAME


class Convention(str, Enum):
    udl = "udl"
    d2l = "d2l"
    pytorch = "pytorch"


HELP = """Optimizers racing over a loss landscape, in the course's exact update rules.

--convention udl (Understanding Deep Learning, default), d2l (Dive into Deep
Learning) or pytorch (torch.optim's rules and defaults). The rules that ran
are printed in the figure's legend.

Examples:

  dlviz optimizers --landscape gabor

  dlviz optimizers --landscape gabor --optimizer gd,momentum --format gif

  dlviz optimizers --landscape rosenbrock --optimizer adam --lr adam=0.05 --steps 500

  dlviz optimizers --landscape quadratic --convention d2l --start -5,-2 --steps 20

  dlviz optimizers --landscape himmelblau --optimizer adam --basins 60

  dlviz optimizers --landscape gabor --optimizer momentum --engine manim -q high
"""

# Hyperparameter options: key in the rules → option
FLOAT_FLAGS = {
    "momentum": "--momentum",
    "rho": "--rho",
    "beta1": "--beta1",
    "beta2": "--beta2",
    "dampening": "--dampening",
    "eps": "--eps",
    "weight_decay": "--weight-decay",
    "lr_decay": "--lr-decay",
    "initial_accumulator_value": "--initial-accumulator",
}
# spec parameter → the option that sets it, for messages
OPTIONS = {
    **LANDSCAPE_OPTIONS,
    "name": "--landscape",
    "landscape": "--landscape",
    "convention": "--convention",
    "optimizers": "--optimizer",
    "lr": "--lr",
    **FLOAT_FLAGS,
    "centered": "--centered",
    "amsgrad": "--amsgrad",
    "nesterov": "--optimizer",
    "batch_size": "--batch-size",
    "noise": "--noise",
    "starts": "--start",
    "steps": "--steps",
    "seed": "--seed",
    "tol": "--tol",
    "basins": "--basins",
    "seeds": "--seeds",
}


def _flag(name: str, text: str):
    return Annotated[float | None, typer.Option(FLOAT_FLAGS[name], help=text, show_default=False)]


@shared_options
def optimizers(
    landscape: Annotated[LandscapeName, typer.Option(help="Which landscape.")] = "gabor",
    optimizer: Annotated[
        list[str] | None,
        typer.Option(
            "--optimizer",
            metavar="NAME[,NAME]",
            help="gd, sgd, momentum, nesterov, normalized, adagrad, rmsprop, adadelta, adam, "
            "or all (every rule of the convention); repeatable (default: gd,sgd,momentum,adam)",
        ),
    ] = None,
    convention: Annotated[Convention, typer.Option(help="Whose update rules")] = Convention.udl,
    start: Annotated[
        list[str] | None,
        typer.Option(metavar="X,Y", help="Starting point; repeatable (default: per landscape)"),
    ] = None,
    steps: Annotated[int | None, typer.Option(help="Steps (default: per landscape)")] = None,
    lr: Annotated[
        list[str] | None,
        typer.Option(
            metavar="LR|NAME=LR",
            help="Learning rate for every optimizer that has one, or for one optimizer; "
            "repeatable (default: per landscape)",
        ),
    ] = None,
    momentum: _flag("momentum", "Momentum ρ (udl), γ (d2l), μ (pytorch)") = None,
    rho: _flag("rho", "Decay of RMSProp (γ, α in pytorch) and AdaDelta (ρ)") = None,
    beta1: _flag("beta1", "Adam's β₁ (β in udl)") = None,
    beta2: _flag("beta2", "Adam's β₂ (γ in udl)") = None,
    eps: _flag("eps", "ε of the adaptive methods") = None,
    dampening: _flag("dampening", "pytorch SGD dampening") = None,
    weight_decay: _flag("weight_decay", "pytorch SGD weight decay") = None,
    lr_decay: _flag("lr_decay", "pytorch Adagrad lr_decay") = None,
    initial_accumulator: _flag("initial_accumulator_value", "pytorch Adagrad start value") = None,
    centered: Annotated[bool, typer.Option(help="pytorch RMSprop centered")] = False,
    amsgrad: Annotated[bool, typer.Option(help="pytorch Adam amsgrad")] = False,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Minibatch size on gabor/linear (sgd default 5; others full batch)"),
    ] = None,
    noise: Annotated[
        float | None,
        typer.Option(
            metavar="σ", help="Gaussian gradient noise on analytic landscapes (sgd default 1)"
        ),
    ] = None,
    basins: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="Run one optimizer from an N×N grid of starts; colour by outcome"
        ),
    ] = None,
    seeds: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Seeds of a stochastic rule (sgd, --noise), drawn as a fan (default 20 when one "
            "runs)",
        ),
    ] = None,
    tol: Annotated[
        float | None,
        typer.Option(
            help="Loss gap to the minimum that counts as reached (default 0.01·max(1, |L*|))"
        ),
    ] = None,
    x_range: XRange = None,
    y_range: YRange = None,
    resolution: Resolution = 201,
    log_scale: LogScale = None,
    coeffs: Coeffs = None,
    ridge: Ridge = 0.0,
    *,
    common: Common,
) -> None:
    flags = {
        "momentum": momentum,
        "rho": rho,
        "beta1": beta1,
        "beta2": beta2,
        "eps": eps,
        "dampening": dampening,
        "weight_decay": weight_decay,
        "lr_decay": lr_decay,
        "initial_accumulator": initial_accumulator,
        "centered": centered,
        "amsgrad": amsgrad,
    }
    typed = common.explicit(
        {
            "optimizer": optimizer,
            "convention": convention,
            "start": start,
            "steps": steps,
            "lr": lr,
            "batch_size": batch_size,
            "noise": noise,
            "basins": basins,
            "tol": tol,
            "seeds": seeds,
            **flags,
        }
    )
    surface = landscape_requests(common, x_range, y_range, resolution, log_scale, coeffs, ridge)
    if "landscape" in common.given:
        surface["name"] = LandscapeName(landscape).value
    requests = parse_requests(typed, surface)
    from dlviz.compute import optimizers as O

    spec = build_spec(O.make_spec, common, requests, OPTIONS, rebase=another_landscape)
    plan = plan_outputs(common, "optimizers", spec.landscape.name, {**typed, **surface})
    if spec.basins and plan.animated:
        raise BadInput("--basins", spec.basins, "draws a figure: png, svg or pdf")
    from dlviz.output import progress_bar

    with spec_errors(common, requests, OPTIONS), progress_bar("running the optimizers") as update:
        result = O.run(spec, progress=update)
    if not spec.basins:
        warn_divergence(result)
    written = publish("optimizers", spec, result, plan, common)
    summarise(result, bool(spec.basins), written)


# --------------------------------------------------------------------------- parsing


def parse_requests(typed: dict, surface: dict) -> dict:
    """The options typed on the command line as spec requests."""
    requests: dict = {"landscape": surface} if surface else {}
    overrides: dict = {}
    for key, value in typed.items():
        if key == "optimizer":
            requests["optimizers"] = [n.strip() for v in value for n in v.split(",") if n.strip()]
        elif key == "start":
            requests["starts"] = [parse_floats("--start", s, 2) for s in value]
        elif key == "lr":
            for name, rate in parse_lr(value):
                overrides.setdefault(name or "*", {})["lr"] = rate
        elif key in ("centered", "amsgrad"):
            overrides.setdefault("*", {})[key] = bool(value)
        elif key in FLOAT_FLAGS or key == "initial_accumulator":
            name = "initial_accumulator_value" if key == "initial_accumulator" else key
            overrides.setdefault("*", {})[name] = value
        else:
            requests[key] = value.value if isinstance(value, Enum) else value
    if overrides:
        requests["overrides"] = overrides
    return requests


# replayed values that follow from the landscape, resolved again on another one
PER_LANDSCAPE = ("starts", "steps", "batch_size", "noise", "tol")


def another_landscape(base: dict, requests: dict) -> dict:
    """A replayed race moved to another landscape keeps its rules and their
    hyperparameters but not what the old landscape chose (view, starts, steps,
    learning rates, batch sizes, noise, tolerance)."""
    name = requests.get("landscape", {}).get("name")
    if name is None or name == base.get("landscape", {}).get("name"):
        return base
    base = {k: v for k, v in base.items() if k not in (*PER_LANDSCAPE, "landscape")}
    table = base.get("hyperparameters", {})
    base["hyperparameters"] = {
        n: {k: v for k, v in hp.items() if k != "lr"} for n, hp in table.items()
    }
    return base


def parse_lr(values: list[str]) -> list[tuple[str, float]]:
    """'0.1' sets every optimizer's learning rate, 'adam=0.05' one optimizer's."""
    rates = []
    for value in values:
        target, _, number = value.rpartition("=")
        try:
            rates.append((target, float(number)))
        except ValueError:
            raise BadInput(
                "--lr", value, "expected a number or NAME=NUMBER, e.g. adam=0.05"
            ) from None
    return rates


# --------------------------------------------------------------------------- output


def warn_divergence(race) -> None:
    for run in race.runs:
        for k, at in enumerate(run.diverged_at):
            if at >= 0:
                x, y = race.starts[k]
                sys.stderr.write(
                    f"dlviz: warning: {run.optimizer} from ({x:g}, {y:g}) diverged "
                    f"at step {at}; drawn up to there\n"
                )


def summarise(result, basins: bool, written) -> None:
    if basins:
        n = len(result.xs)
        rows = [
            ["starts", f"{n} × {n}"],
            ["diverged", int(result.diverged.sum())],
            [
                "best final loss",
                f"{result.final_loss[~result.diverged].min():.6g}"
                if (~result.diverged).any()
                else "–",
            ],
        ]
        if result.reached is not None:
            for i, p in enumerate(result.landscape.minima):
                rows.append([f"reach ({p.x:.3g}, {p.y:.3g})", int((result.reached == i).sum())])
        report_table(f"basins of {result.run.optimizer}", [], rows, written)
        return
    rows = []
    for run in result.runs:
        for k in range(len(result.starts)):
            last = run.path(k)[-1]
            at = run.diverged_at[k]
            reached = result.steps_to_tol(run, k)
            final_loss = run.loss[: at if at >= 0 else None, k][-1]
            rows.append(
                [
                    run.optimizer,
                    f"({last[0]:.4g}, {last[1]:.4g})",
                    f"{final_loss:.6g}",
                    "–" if reached is None else reached,
                    f"at step {at}" if at >= 0 else "no",
                ]
            )
    m = result.landscape.minimum
    title = (
        f"{result.runs[0].convention} optimizers; minimum ({m.x:.4g}, {m.y:.4g}), "
        f"loss {m.loss:.6g}; reached = within {result.tol:.3g}"
    )
    report_table(
        title,
        ["optimizer", "final point", "final loss", "steps to reach", "diverged"],
        rows,
        written,
    )


def register(app: typer.Typer) -> None:
    app.command("optimizers", help=HELP, short_help=BY_NAME["optimizers"].short_help)(optimizers)
