"""`dlviz conv`: a kernel sliding over an input, every number checked."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, read_json, read_text, shared_options
from dlviz.cli.job import build_spec, plan_outputs, publish, report, spec_errors
from dlviz.errors import BadInput
from dlviz.topics import BY_NAME

MAX_ANIMATED_CELLS = 400


class PaddingMode(str, Enum):
    zeros = "zeros"
    reflect = "reflect"
    replicate = "replicate"
    circular = "circular"


class Notation(str, Enum):
    pytorch = "pytorch"
    d2l = "d2l"
    udl = "udl"


class Pool(str, Enum):
    max = "max"
    avg = "avg"


class Example(str, Enum):
    ng_edge = "ng-edge"


HELP = """A kernel sliding over an input: every window, every product, the output.

Convolution (cross-correlation, as deep-learning libraries compute it) in 1-D
or 2-D with stride, padding (and its mode), dilation, channels and bias;
max and average pooling; transposed convolution; receptive fields of a stack.

Examples:

  dlviz conv

  dlviz conv --input 7x7 --kernel 3x3 --stride 2 --padding 1 --format gif

  dlviz conv --example ng-edge

  dlviz conv --input image --kernel sobel-x --padding same

  dlviz conv --input 6x6 --pool max --kernel 2x2 --stride 2

  dlviz conv --input 3x3 --kernel 3x3 --transposed --stride 2

  dlviz conv --stack k3s1,k3s2,k3d2 --input 32

  dlviz conv --input 5x5 --in-channels 3 --engine manim
"""

# spec parameter → the option that sets it, for messages
OPTIONS = {
    name: f"--{name.replace('_', '-')}"
    for name in (
        "input",
        "kernel",
        "stride",
        "padding",
        "padding_mode",
        "dilation",
        "in_channels",
        "out_channels",
        "bias",
        "pool",
        "ceil_mode",
        "transposed",
        "output_padding",
        "stack",
        "example",
        "step",
        "at",
        "seed",
        "notation",
    )
}
OPTIONS.update(
    {
        "input_size": "--input",
        "kernel_size": "--kernel",
        "filter": "--kernel",
        "dims": "--input",
        "count_include_pad": "--exclude-pad",  # refused only when typed off
        "layers": "--stack",
        "length": "--input",
    }
)


@shared_options
def conv(
    input: Annotated[
        str,
        typer.Option(
            "--input",
            metavar="HxW|N|ones:HxW|FILE|image",
            help="Seeded small integers of that size, ones, a JSON/CSV file (H×W or C×H×W), "
            "or the built-in image",
        ),
    ] = "7x7",
    kernel: Annotated[
        str | None,
        typer.Option(
            metavar="KhxKw|FILE|NAME",
            help="Seeded small integers of that size, a file, or a "
            "filter: vertical-edge, horizontal-edge, sobel-x, sobel-y, prewitt-x, prewitt-y, "
            "laplacian, sharpen, identity, gaussian:SIZE:SIGMA, box:SIZE [default: 3x3]",
        ),
    ] = None,
    stride: Annotated[str, typer.Option(metavar="S|SH,SW")] = "1",
    padding: Annotated[str, typer.Option(metavar="P|PH,PW|same|valid")] = "0",
    padding_mode: Annotated[PaddingMode, typer.Option(help="How padding is filled")] = (
        PaddingMode.zeros
    ),
    dilation: Annotated[str, typer.Option(metavar="D|DH,DW")] = "1",
    in_channels: Annotated[int, typer.Option(help="Input channels (seeded inputs)")] = 1,
    out_channels: Annotated[int, typer.Option(help="Output channels (seeded kernels)")] = 1,
    bias: Annotated[bool, typer.Option(help="Add a seeded bias per output channel")] = False,
    pool: Annotated[Pool | None, typer.Option(help="Pool instead of convolving")] = None,
    ceil_mode: Annotated[bool, typer.Option(help="Pooling: round the output size up")] = False,
    count_include_pad: Annotated[
        bool,
        typer.Option(
            "--count-include-pad/--exclude-pad",
            help="Average pooling: divide by the window including padding",
        ),
    ] = True,
    transposed: Annotated[bool, typer.Option(help="Transposed convolution (upsampling)")] = False,
    output_padding: Annotated[str, typer.Option(metavar="P|PH,PW")] = "0",
    stack: Annotated[
        str | None,
        typer.Option(
            metavar="k3s1,k3s2,k3d2",
            help="Receptive field through a stack of 1-D layers "
            "(k kernel, s stride, d dilation, p padding); --input N sets the length",
        ),
    ] = None,
    example: Annotated[Example | None, typer.Option(help="A well-known worked example")] = None,
    step: Annotated[
        int | None, typer.Option(help="Window to highlight, raster order from 0")
    ] = None,
    at: Annotated[str | None, typer.Option(metavar="R,C", help="Output cell to highlight")] = None,
    notation: Annotated[
        Notation,
        typer.Option(
            help="How the output-size formula is written: pytorch (padding per side), d2l "
            "(p the total padding), udl (dilation rate r = zeros between taps)"
        ),
    ] = Notation.pytorch,
    *,
    common: Common,
) -> None:
    typed = common.explicit(
        {
            "input": input,
            "kernel": kernel,
            "stride": stride,
            "padding": padding,
            "padding_mode": padding_mode,
            "dilation": dilation,
            "in_channels": in_channels,
            "out_channels": out_channels,
            "bias": bias,
            "pool": pool,
            "ceil_mode": ceil_mode,
            "count_include_pad": count_include_pad,
            "transposed": transposed,
            "output_padding": output_padding,
            "example": example,
            "step": step,
            "at": at,
            "stack": stack,
            "notation": notation,
        }
    )
    typed = {k: (v.value if isinstance(v, Enum) else v) for k, v in typed.items()}
    if "stack" in typed or "layers" in common.replayed:
        return _stack(typed, common)
    from dlviz.compute import conv as C

    requests = parse_requests(typed)
    spec = build_spec(C.make_spec, common, requests, OPTIONS)
    plan = plan_outputs(common, "conv", _name(spec), typed)
    _, (oh, ow) = spec.grid_shapes()  # known before any window slides
    if plan.animated and oh * ow > MAX_ANIMATED_CELLS:
        raise BadInput(
            "--format",
            plan.format,
            f"animates up to {MAX_ANIMATED_CELLS} output "
            f"cells; this has {oh * ow} (use png, svg or pdf)",
        )
    from dlviz.output import progress_bar

    with spec_errors(common, requests, OPTIONS), progress_bar("sliding the window") as update:
        result = C.run(spec, progress=update)
    written = publish("conv", spec, result, plan, common)
    report(
        "conv",
        {
            "input": "×".join(map(str, C.squeeze(result.input, result.dims).shape)),
            "output": "×".join(map(str, C.squeeze(result.output, result.dims).shape)),
            "output size": result.formula.replace("\n", "   "),
        },
        written,
    )


# --------------------------------------------------------------------------- parsing


def _name(spec) -> str:
    if spec.pool:
        return f"{spec.pool}pool"
    return "transposed" if spec.transposed else ""


SIZE = re.compile(r"(\d+)(?:x(\d+))?")


def parse_requests(typed: dict) -> dict:
    """The options typed on the command line as spec requests."""
    requests = {k: v for k, v in typed.items() if k not in ("input", "kernel")}
    if "input" in typed:
        requests.update(_input_request(typed["input"]))
    if "kernel" in typed:
        requests.update(_kernel_request(typed["kernel"]))
    for key in ("stride", "dilation", "output_padding", "at"):
        if key in typed:
            requests[key] = _ints(OPTIONS[key], typed[key])
    if "padding" in typed and typed["padding"] not in ("same", "valid"):
        requests["padding"] = _ints("--padding", typed["padding"])
    return requests


def _ints(option: str, value: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in str(value).split(","))
    except ValueError:
        raise BadInput(option, value, "expected a whole number or two (H,W)") from None


def _input_request(value: str) -> dict:
    if value == "image":
        return {"input": "image"}
    ones = value.startswith("ones:")
    text = value[5:] if ones else value
    match = SIZE.fullmatch(text)
    if match:
        return {"input_size": tuple(int(g) for g in match.groups() if g), "ones": ones}
    if ones:
        raise BadInput("--input", value, "expected ones:HxW (e.g. ones:5x5) or ones:N")
    return {"input": load_array("--input", Path(value))}


def _kernel_request(value: str) -> dict:
    match = SIZE.fullmatch(value)
    if match:
        return {"kernel_size": tuple(int(g) for g in match.groups() if g)}
    if Path(value).suffix.lower() in (".json", ".csv"):
        return {"kernel": load_array("--kernel", Path(value))}
    return {"filter": value}


def load_array(option: str, path: Path) -> list:
    """A JSON or CSV file's numbers, as nested lists."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(option, path)
    text = read_text(option, path)
    if suffix != ".csv":
        raise BadInput(option, path, "a file must be .json or .csv")
    import io

    import numpy as np

    try:
        return np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2).tolist()
    except ValueError as exc:
        raise BadInput(option, path, f"not a numeric array ({exc})") from None


# --------------------------------------------------------------------------- output


def _stack(typed: dict, common: Common) -> None:
    from dlviz.compute import conv as C

    requests = {}
    if "stack" in typed:
        requests["layers"] = parse_stack(typed["stack"])
    if "input" in typed:
        if not re.fullmatch(r"\d+", typed["input"]):
            raise BadInput("--input", typed["input"], "--stack takes a 1-D length from 1 to 512")
        requests["length"] = int(typed["input"])
    spec = build_spec(C.make_stack_spec, common, requests, OPTIONS)
    with spec_errors(common, requests, OPTIONS):
        rf = C.run_stack(spec)
    plan = plan_outputs(common, "conv", "stack", typed)
    if common.animated:
        raise BadInput("--stack", typed.get("stack", "…"), "draws a figure: png, svg or pdf")
    written = publish("conv", spec, rf, plan, common)
    report(
        "conv --stack",
        {
            "depends on": f"{rf.depends} input cells",
            "receptive field": f"spans {rf.sizes[-1]} positions ({rf.outside} in the padding, "
            f"{rf.skipped} skipped by dilation)",
            "jump": rf.jumps[-1],
            "lengths": " → ".join(map(str, rf.lengths)),
        },
        written,
    )


def parse_stack(text: str) -> list[tuple[int, int, int, int]]:
    """'k3s2,k3d2' → [(kernel, stride, dilation, padding), ...]."""
    layers = []
    for part in text.split(","):
        match = re.fullmatch(r"k(\d+)((?:[sdp]\d+)*)", part.strip())
        if not match:
            raise BadInput(
                "--stack", text, f"cannot read {part!r}; layers look like k3, k3s2, k3d2, k5s2p2"
            )
        extra = dict(re.findall(r"([sdp])(\d+)", match.group(2)))
        layers.append(
            (
                int(match.group(1)),
                int(extra.get("s", 1)),
                int(extra.get("d", 1)),
                int(extra.get("p", 0)),
            )
        )
    return layers


def register(app: typer.Typer) -> None:
    app.command("conv", help=HELP, short_help=BY_NAME["conv"].short_help)(conv)
