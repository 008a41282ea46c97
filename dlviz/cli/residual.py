"""`dlviz residual`: activation statistics through depth, measured and theory."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from dlviz.cli.common import Common, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report_table, spec_errors
from dlviz.topics import BY_NAME


class Branch(str, Enum):
    single = "single"
    deep = "deep"


class Statistic(str, Enum):
    second_moment = "second-moment"
    batch_variance = "batch-variance"


HELP = """Why residual networks need care at initialisation: the statistic of the
activations block by block, measured (band over repeats) beside the theory
(residual doubles E[h²], scaled stays at 1, batchnorm grows as 1 + k, plain
stays constant under He).

Examples:

  dlviz residual

  dlviz residual --variant residual --variant scaled --depth 30

  dlviz residual --statistic batch-variance --width 1000 --batch 2000

  dlviz residual --variant plain --init normal:0.02
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    "variants": "--variant",
    "depth": "--depth",
    "width": "--width",
    "batch": "--batch",
    "init": "--init",
    "statistic": "--statistic",
    "repeats": "--repeats",
    "seed": "--seed",
    "backward": "--backward",
    "branch": "--branch",
}


@shared_options
def residual(
    variant: Annotated[
        list[str] | None,
        typer.Option(help="plain, residual, scaled, batchnorm; repeatable (default: all)"),
    ] = None,
    depth: Annotated[int, typer.Option(help="Blocks")] = 20,
    width: Annotated[int, typer.Option(help="Features D")] = 256,
    batch: Annotated[int, typer.Option(help="Batch size B")] = 256,
    init: Annotated[str, typer.Option(help="he, xavier or normal:σ")] = "he",
    statistic: Annotated[Statistic, typer.Option(help="Which statistic")] = (
        Statistic.second_moment
    ),
    repeats: Annotated[
        int, typer.Option(help="Runs with fresh weights and inputs (the band is their range)")
    ] = 16,
    branch: Annotated[
        Branch, typer.Option(help="single: W·ReLU(h); deep: W2·ReLU(W1·h) (Linear → ReLU → Linear)")
    ] = Branch.single,
    backward: Annotated[
        bool, typer.Option(help="Also the gradient through the blocks (loss Σ R⊙h at the output)")
    ] = False,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "variant": variant,
            "depth": depth,
            "width": width,
            "batch": batch,
            "init": init,
            "statistic": statistic,
            "repeats": repeats,
            "branch": branch,
            "backward": backward,
        }
    )
    requests = {k: (v.value if isinstance(v, Enum) else v) for k, v in typed.items()}
    if "variant" in requests:
        requests["variants"] = [n.strip() for v in variant for n in v.split(",") if n.strip()]
        del requests["variant"]
    from dlviz.compute import residual as V

    spec = build_spec(V.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "residual", "", typed)
    from dlviz.output import progress_bar

    with spec_errors(common, requests, OPTIONS), progress_bar("residual blocks") as update:
        result = V.run(spec, progress=update)
    written = publish("residual", spec, result, plan, common)
    rows = []
    for v in result.forward:
        mean = result.mean(v)
        theory = result.theory[v]
        rows.append(
            [
                v,
                f"{mean[1] / mean[0]:.3f}",
                f"{mean[-1]:.4g}",
                "–" if theory is None else f"{theory[-1]:.4g}",
            ]
        )
    report_table(
        f"residual, {spec.statistic}, depth {spec.depth}",
        ["variant", "first-block ratio", f"after {spec.depth} blocks", "theory"],
        rows,
        written,
    )


def register(app: typer.Typer) -> None:
    app.command("residual", help=HELP, short_help=BY_NAME["residual"].short_help)(residual)
