"""`dlviz optimizers`: optimizer trajectories racing over a loss landscape."""

from __future__ import annotations

import math
import sys
from enum import Enum
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, parse_floats, shared_options
from dlviz.cli.job import plan_outputs, report_table, write_matplotlib
from dlviz.cli.landscape import (
    Coeffs,
    LandscapeName,
    LogScale,
    Resolution,
    Ridge,
    XRange,
    YRange,
    check_log_scale,
    landscape_options,
)
from dlviz.errors import BadInput

# As in dlviz.compute.optimizers (kept here so `dlviz --help` stays light; a
# test checks they agree).
OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "normalized", "adagrad", "rmsprop",
              "adadelta", "adam")  # fmt: skip
OFFERED = {
    "udl": OPTIMIZERS,
    "d2l": ("gd", "sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam"),
    "pytorch": ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"),
}
MAX_STEPS = 100_000


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

# Hyperparameter options: key in the rules → (option, allowed range [lo, hi))
FLOAT_FLAGS = {
    "momentum": ("--momentum", 0.0, 1.0),
    "rho": ("--rho", 0.0, 1.0),
    "beta1": ("--beta1", 0.0, 1.0),
    "beta2": ("--beta2", 0.0, 1.0),
    "dampening": ("--dampening", 0.0, 1.0),
    "eps": ("--eps", 0.0, math.inf),
    "weight_decay": ("--weight-decay", 0.0, math.inf),
    "lr_decay": ("--lr-decay", 0.0, math.inf),
    "initial_accumulator_value": ("--initial-accumulator", 0.0, math.inf),
}
DEFAULTS = {"optimizer": None, "convention": "udl", "start": None, "steps": None, "lr": None,
            "batch_size": None, "noise": None, "basins": None, "x_range": None, "y_range": None,
            "resolution": 201, "log_scale": None, "coeffs": None, "ridge": 0.0, "tol": None,
            "centered": False, "amsgrad": False, **{k: None for k in FLOAT_FLAGS}}  # fmt: skip


def _flag(name: str, text: str):
    return Annotated[float | None, typer.Option(FLOAT_FLAGS[name][0], help=text,
                                                show_default=False)]  # fmt: skip


@shared_options
def optimizers(
    landscape: Annotated[LandscapeName, typer.Option(help="Which landscape.")] = "gabor",
    optimizer: Annotated[
        list[str] | None,
        typer.Option(
            "--optimizer",
            metavar="NAME[,NAME]",
            help="gd, sgd, momentum, nesterov, normalized, "
            "adagrad, rmsprop, adadelta, adam; repeatable (default: all the convention defines)",
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
            metavar="LR|NAME=LR", help="Learning rate for all, or for one optimizer; repeatable"
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
    flags = {"momentum": momentum, "rho": rho, "beta1": beta1, "beta2": beta2, "eps": eps,
             "dampening": dampening, "weight_decay": weight_decay, "lr_decay": lr_decay,
             "initial_accumulator_value": initial_accumulator}  # fmt: skip
    name, conv = LandscapeName(landscape).value, Convention(convention).value
    given = {"optimizer": optimizer, "convention": conv, "start": start, "steps": steps,
             "lr": lr, "batch_size": batch_size, "noise": noise, "basins": basins,
             "x_range": x_range, "y_range": y_range, "resolution": resolution,
             "log_scale": log_scale, "coeffs": coeffs, "ridge": ridge, "tol": tol,
             "centered": centered, "amsgrad": amsgrad, **flags}  # fmt: skip
    land, xr, yr = landscape_options(name, x_range, y_range, resolution, coeffs, ridge)
    names = parse_optimizers(optimizer, conv)
    hps = hyperparameters(names, conv, parse_lr(lr, names), flags, centered, amsgrad)
    run_args = check_run_options(land, names, start, steps, batch_size, noise, basins, tol, common)
    plan = plan_outputs(common, "optimizers", name, given, DEFAULTS)

    from dlviz.compute import optimizers as O

    rules = [O.get_rule(n, conv) for n in names]
    log = land.log_scale if log_scale is None else log_scale
    if basins:
        result = O.basins(land, rules[0], basins, hyperparameters=hps.get(names[0]),
                          x_range=xr, y_range=yr, resolution=resolution, seed=common.seed,
                          steps=run_args["steps"], batch_size=batch_size,
                          noise=noise or 0.0)  # fmt: skip
        check_log_scale(log, result.landscape, name)
    else:
        result = O.race(land, rules, run_args["starts"], steps=run_args["steps"],
                        hyperparameters=hps, batch_size=batch_size, noise=noise,
                        seed=common.seed, x_range=xr, y_range=yr, resolution=resolution,
                        tol=tol)  # fmt: skip
        check_log_scale(log, result.landscape, name)
        warn_divergence(result)
    parameters = {**given, "landscape": name, "optimizer": names, "start": run_args["starts"],
                  "steps": run_args["steps"], "lr": {n: hps[n].get("lr") for n in names},
                  "log_scale": log, **common.parameters(), "format": plan.format}  # fmt: skip
    render(plan, common, result, log, parameters, bool(basins))
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        payload = basins_json(result) if basins else race_json(result)
        written.append(write_json(plan.data, "optimizers", parameters, payload))
    summarise(result, bool(basins), written)


# --------------------------------------------------------------------------- checks


def parse_optimizers(values: list[str] | None, convention: str) -> list[str]:
    if not values:
        return list(OFFERED[convention])
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for n in names:
        if n not in OPTIMIZERS:
            raise BadInput("--optimizer", n, f"choose from {', '.join(OPTIMIZERS)}")
        if n not in OFFERED[convention]:
            raise BadInput("--optimizer", n, f"the {convention} convention does not define it; "
                           f"it offers {', '.join(OFFERED[convention])}")  # fmt: skip
    return list(dict.fromkeys(names))  # once each, in the order given


def parse_lr(values: list[str] | None, names: list[str]) -> dict[str, float]:
    """'0.1' sets every optimizer's learning rate, 'adam=0.05' one optimizer's."""
    rates: dict[str, float] = {}
    for value in values or []:
        target, _, number = value.rpartition("=")
        try:
            rate = float(number)
        except ValueError:
            raise BadInput(
                "--lr", value, "expected a number or NAME=NUMBER, e.g. adam=0.05"
            ) from None
        if not (math.isfinite(rate) and rate > 0):
            raise BadInput("--lr", value, "the learning rate must be a finite number > 0")
        if target and target not in names:
            raise BadInput("--lr", value, f"{target} is not among the optimizers drawn "
                           f"({', '.join(names)})")  # fmt: skip
        for n in [target] if target else names:
            rates[n] = rate
    return rates


def hyperparameters(names, convention, rates, flags, centered, amsgrad) -> dict[str, dict]:
    """Per optimizer, the hyperparameters set on the command line that it reads."""
    from dlviz.compute.optimizers import get_rule

    given = {k: v for k, v in flags.items() if v is not None}
    given.update({k: True for k, on in (("centered", centered), ("amsgrad", amsgrad)) if on})
    hps = {n: {} for n in names}
    for key, value in given.items():
        option, lo, hi = FLOAT_FLAGS.get(key, (f"--{key}", 0.0, math.inf))
        if not isinstance(value, bool) and not (lo <= value < hi and (key != "eps" or value > 0)):
            raise BadInput(option, value, f"must be in [{lo:g}, {hi:g})" + (
                " and > 0" if key == "eps" else ""))  # fmt: skip
        users = [n for n in names if key in get_rule(n, convention).defaults]
        if not users:
            raise BadInput(option, value, f"no optimizer drawn uses it under {convention}")
        for n in users:
            hps[n][key] = value
    for n, rate in rates.items():
        if "lr" not in get_rule(n, convention).defaults:
            raise BadInput("--lr", f"{n}={rate:g}", f"{n} has no learning rate under {convention}")
        hps[n]["lr"] = rate
    return hps


def check_run_options(land, names, start, steps, batch_size, noise, basins, tol, common) -> dict:
    from dlviz.compute.optimizers import SETTINGS

    setting = SETTINGS[land.name]
    starts = [parse_floats("--start", s, 2) for s in start] if start else [setting.start]
    steps = setting.steps if steps is None else check_int_range("--steps", steps, 1, MAX_STEPS)
    if batch_size is not None:
        if land.data is None:
            raise BadInput("--batch-size", batch_size, "applies only to gabor and linear")
        check_int_range("--batch-size", batch_size, 1, len(land.data.x))
    if noise is not None and (land.data is not None or not (noise >= 0 and math.isfinite(noise))):
        raise BadInput("--noise", noise, "a finite σ ≥ 0, on the analytic landscapes only")
    if tol is not None and not (tol > 0 and math.isfinite(tol)):
        raise BadInput("--tol", tol, "must be a finite number > 0")
    if basins is not None:
        check_int_range("--basins", basins, 2, 500)
        if len(names) != 1:
            raise BadInput("--basins", basins, "runs one optimizer: choose it with --optimizer")
        if start:
            raise BadInput("--start", start[0], "--basins chooses the starts itself")
        if common.format in ("gif", "mp4") or common.engine == "manim":
            raise BadInput("--basins", basins, "draws a figure: png, svg or pdf")
    return {"starts": starts, "steps": steps}


# --------------------------------------------------------------------------- output


def warn_divergence(race) -> None:
    for run in race.runs:
        for k, at in enumerate(run.diverged_at):
            if at >= 0:
                x, y = race.starts[k]
                sys.stderr.write(f"dlviz: warning: {run.optimizer} from ({x:g}, {y:g}) diverged "
                                 f"at step {at}; drawn up to there\n")  # fmt: skip


def render(plan, common: Common, result, log: bool, parameters: dict, basins: bool) -> None:
    from dlviz.theme import get_theme

    theme = get_theme(common.theme)
    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        scene = "OptimizerRace" if len(result.runs) > 1 else "OptimizerStep"
        keys = ("landscape", "optimizer", "convention", "start", "steps", "batch_size", "noise",
                "x_range", "y_range", "coeffs", "ridge", "theme", "lang", "seed")  # fmt: skip
        scene_params = {k: parameters[k] for k in keys}
        scene_params["hyperparameters"] = {r.optimizer: dict(r.hyperparameters)
                                           for r in result.runs}  # fmt: skip
        scene_params["log_scale"] = log
        scene_params["race"] = result  # the video shows exactly the numbers reported
        render_scene(load_scene("optimizers", scene), scene_params, quality=common.quality,
                     fmt=plan.format, out=plan.path, background=theme.background)  # fmt: skip
        return
    from dlviz.render import optimizers as R

    style = {"log_scale": log, "theme": theme, "lang": common.lang}
    if basins:
        write_matplotlib(plan, common, lambda: R.plot_basins(result, **style), None)
    else:
        write_matplotlib(plan, common, lambda: R.plot_optimizers(result, **style),
                         lambda: R.animate_optimizers(result, **style))  # fmt: skip


def race_json(race) -> dict:
    trajectories = []
    for run in race.runs:
        for k, s in enumerate(race.starts):
            rows = run.params[:, k]
            keep = slice(0, int(run.diverged_at[k]) if run.diverged_at[k] >= 0 else None)
            trajectories.append({
                "optimizer": run.optimizer, "convention": run.convention, "start": s,
                "params": rows[keep], "loss": run.loss[keep, k],
                "hyperparameters": dict(run.hyperparameters),
                "diverged": bool(run.diverged_at[k] >= 0),
                "diverged_at": int(run.diverged_at[k]) if run.diverged_at[k] >= 0 else None,
            })  # fmt: skip
    m = race.landscape.minimum
    return {"trajectories": trajectories, "minimum": {"x": m.x, "y": m.y, "loss": m.loss},
            "view": {"x": [race.landscape.x[0], race.landscape.x[-1]],
                     "y": [race.landscape.y[0], race.landscape.y[-1]]}}  # fmt: skip


def basins_json(b) -> dict:
    return {"basins": {"optimizer": b.run.optimizer, "convention": b.run.convention,
                       "hyperparameters": dict(b.run.hyperparameters), "x": b.xs, "y": b.ys,
                       "final": b.final, "final_loss": b.final_loss, "diverged": b.diverged,
                       "reached": b.reached,
                       "minima": [{"x": p.x, "y": p.y} for p in b.landscape.minima]}}  # fmt: skip


def summarise(result, basins: bool, written) -> None:
    if basins:
        n = len(result.xs)
        rows = [["starts", f"{n} × {n}"], ["diverged", int(result.diverged.sum())],
                ["best final loss", f"{result.final_loss[~result.diverged].min():.6g}"
                 if (~result.diverged).any() else "–"]]  # fmt: skip
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
            rows.append([run.optimizer, f"({last[0]:.4g}, {last[1]:.4g})", f"{final_loss:.6g}",
                         "–" if reached is None else reached,
                         f"at step {at}" if at >= 0 else "no"])  # fmt: skip
    m = result.landscape.minimum
    title = (f"{result.runs[0].convention} optimizers; minimum ({m.x:.4g}, {m.y:.4g}), "
             f"loss {m.loss:.6g}; reached = within {result.tol:.3g}")  # fmt: skip
    report_table(title, ["optimizer", "final point", "final loss", "steps to reach",
                         "diverged"], rows, written)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("optimizers", help=HELP, short_help="Optimizers racing over a loss landscape.  "
                "e.g. dlviz optimizers --landscape gabor")(optimizers)  # fmt: skip
