"""`dlviz conv`: a kernel sliding over an input, every number checked."""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dlviz.cli.common import Common, check_int_range, shared_options
from dlviz.cli.job import plan_outputs, report, write_matplotlib
from dlviz.errors import BadInput

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")  # as in dlviz.compute.conv
MAX_ANIMATED_CELLS = 400
MAX_SIDE = 2048


class PaddingMode(str, Enum):
    zeros = "zeros"
    reflect = "reflect"
    replicate = "replicate"
    circular = "circular"


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

DEFAULTS = {
    "input": "7x7",
    "kernel": None,
    "stride": "1",
    "padding": "0",
    "padding_mode": "zeros",
    "dilation": "1",
    "in_channels": 1,
    "out_channels": 1,
    "bias": False,
    "pool": None,
    "ceil_mode": False,
    "count_include_pad": True,
    "transposed": False,
    "output_padding": "0",
    "stack": None,
    "example": None,
    "step": None,
    "at": None,
}


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
    *,
    common: Common,
) -> None:
    given = {
        "input": input,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "padding_mode": PaddingMode(padding_mode).value,
        "dilation": dilation,
        "in_channels": in_channels,
        "out_channels": out_channels,
        "bias": bias,
        "pool": pool.value if pool else None,
        "ceil_mode": ceil_mode,
        "count_include_pad": count_include_pad,
        "transposed": transposed,
        "output_padding": output_padding,
        "stack": stack,
        "example": example.value if example else None,
        "step": step,
        "at": at,
    }
    if stack is not None:
        return _stack(given, common)
    result, cell = build(given, common.seed)
    plan = plan_outputs(common, "conv", _name(given), given, DEFAULTS)
    oh, ow = result.output.shape[1:]
    if plan.animated and oh * ow > MAX_ANIMATED_CELLS:
        raise BadInput(
            "--format",
            plan.format,
            f"animates up to {MAX_ANIMATED_CELLS} output "
            f"cells; this has {oh * ow} (use png, svg or pdf)",
        )
    parameters = {
        **given,
        **common.parameters(),
        "format": plan.format,
        "output_shape": list(_squeeze(result.output, result.dims).shape),
    }
    render(plan, common, result, cell, parameters)
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(write_json(plan.data, "conv", parameters, conv_json(result)))
    report(
        "conv",
        {
            "input": "×".join(map(str, _squeeze(result.input, result.dims).shape)),
            "output": "×".join(map(str, parameters["output_shape"])),
            "output size": result.formula.replace("\n", "   "),
        },
        written,
    )


# --------------------------------------------------------------------------- parsing


def _name(given: dict) -> str:
    if given["example"]:
        return given["example"]
    if given["pool"]:
        return f"{given['pool']}pool"
    return "transposed" if given["transposed"] else ""


def _pair(option: str, value: str, dims: int, low: int = 1, allow=()) -> tuple[int, int]:
    parts = str(value).split(",")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise BadInput(option, value, "expected a whole number or two (H,W)") from None
    if len(numbers) not in (1, 2) or (dims == 1 and len(numbers) == 2):
        raise BadInput(option, value, "one number, or H,W for a 2-D input")
    if min(numbers) < low:
        raise BadInput(option, value, f"must be at least {low}")
    return (numbers[0], numbers[-1]) if dims == 2 else (1 if low >= 1 else 0, numbers[0])


def _size(option: str, value: str) -> tuple[int, ...]:
    match = re.fullmatch(r"(\d+)(?:x(\d+))?", value)
    if not match:
        raise BadInput(option, value, "expected HxW (e.g. 7x7) or a length (e.g. 9)")
    size = tuple(int(g) for g in match.groups() if g is not None)
    if min(size) < 1 or max(size) > MAX_SIDE:
        raise BadInput(option, value, f"sizes must be from 1 to {MAX_SIDE}")
    return size


def load_array(option: str, path: Path):
    import numpy as np

    if not path.is_file():
        raise BadInput(option, path, "no such file")
    try:
        if path.suffix.lower() == ".json":
            array = np.array(json.loads(path.read_text()), float)
        elif path.suffix.lower() == ".csv":
            array = np.loadtxt(path, delimiter=",", ndmin=2)
        else:
            raise BadInput(option, path, "a file must be .json or .csv")
    except (ValueError, json.JSONDecodeError) as exc:
        raise BadInput(option, path, f"not a numeric array ({exc})") from None
    if array.ndim not in (1, 2, 3, 4) or array.size == 0 or not np.isfinite(array).all():
        raise BadInput(option, path, "needs a non-empty array of finite numbers")
    return array


def parse_input(value: str, channels: int, seed: int):
    """(C, H, W) and the number of spatial dims."""
    import numpy as np

    from dlviz.compute import conv as C

    if value == "image":
        return C.shapes_image()[None], 2
    if value.startswith("ones:"):
        size = _size("--input", value[5:])
        return _as_chw(np.ones((channels, *size))), len(size)
    if re.fullmatch(r"\d+(x\d+)?", value):
        size = _size("--input", value)
        return _as_chw(C.seeded_integers((channels, *size), seed, 0, 9)), len(size)
    array = load_array("--input", Path(value))
    if array.ndim == 1:
        return array[None, None, :], 1
    if array.ndim > 3:
        raise BadInput("--input", value, "expected H×W or C×H×W")
    return (array[None] if array.ndim == 2 else array), 2


def _as_chw(x):
    return x if x.ndim == 3 else x[:, None, :]


def parse_kernel(value: str | None, dims: int, c_in: int, c_out: int, transposed: bool, seed: int):
    import numpy as np

    from dlviz.compute import conv as C

    value = value or ("3x3" if dims == 2 else "3")
    shape = (c_in, c_out) if transposed else (c_out, c_in)
    if re.fullmatch(r"\d+(x\d+)?", value):
        size = _size("--kernel", value)
        if len(size) != dims:
            raise BadInput(
                "--kernel",
                value,
                f"the input is {dims}-D: give {'KhxKw' if dims == 2 else 'a length'}",
            )
        k = C.seeded_integers((*shape, *size), seed + 1, -1, 1)
        return k if dims == 2 else k[:, :, None, :]
    if Path(value).suffix.lower() in (".json", ".csv"):
        k = load_array("--kernel", Path(value))
        if k.ndim == 2 and shape == (1, 1):
            return k[None, None]
        if k.ndim == 4 and k.shape[:2] == shape:
            return k
        raise BadInput("--kernel", value, f"expected kh×kw, or {shape[0]}×{shape[1]}×kh×kw")
    if dims != 2 or c_in != 1:
        raise BadInput("--kernel", value, "named filters apply to one-channel 2-D inputs")
    try:
        filt = C.named_filter(value)
    except ValueError as exc:
        raise BadInput("--kernel", value, f"{exc}; filters: {', '.join(C.FILTER_NAMES)}") from None
    return np.repeat(filt[None, None], c_out, axis=0)


def build(given: dict, seed: int):
    """Everything parsed and computed: (ConvResult, highlighted step)."""
    from dlviz.compute import conv as C

    check_int_range("--in-channels", given["in_channels"], 1, 64)
    check_int_range("--out-channels", given["out_channels"], 1, 64)
    if given["example"] == "ng-edge":
        x, dims = C.NG_EDGE_INPUT[None], 2
        k = C.named_filter("vertical-edge")[None, None]
    else:
        x, dims = parse_input(given["input"], given["in_channels"], seed)
        k = (
            None
            if given["pool"]
            else parse_kernel(
                given["kernel"], dims, x.shape[0], given["out_channels"], given["transposed"], seed
            )
        )
    if given["pool"] and given["kernel"] and not re.fullmatch(r"\d+(x\d+)?", given["kernel"]):
        raise BadInput("--kernel", given["kernel"], "pooling takes a window size, e.g. 2x2")
    if given["pool"] and given["transposed"]:
        raise BadInput(
            "--transposed", True, "pooling and transposed convolution exclude each other"
        )
    spec = _spec(given, dims, x, k)
    out_c = k.shape[1] if given["transposed"] else (k.shape[0] if k is not None else 0)
    b = C.seeded_integers((out_c,), seed + 2, -2, 2) if given["bias"] and k is not None else None
    try:
        if given["pool"]:
            result = C.pool(x, spec, dims)
        else:
            result = C.conv(x, k, spec, b, dims)
    except ValueError as exc:
        raise BadInput(*_blame(given, str(exc)), str(exc)) from None
    return result, _step(given, result)


def _spec(given: dict, dims: int, x, k):
    from dlviz.compute import conv as C

    if given["pool"]:
        size = _size("--kernel", given["kernel"] or ("2x2" if dims == 2 else "2"))
        if len(size) != dims:
            raise BadInput("--kernel", given["kernel"], f"the input is {dims}-D")
        kernel_size = size if dims == 2 else (1, size[0])
    else:
        kernel_size = tuple(k.shape[2:])
    stride = _pair("--stride", given["stride"], dims)
    dilation = _pair("--dilation", given["dilation"], dims)
    output_padding = _pair("--output-padding", given["output_padding"], dims, low=0)
    text = str(given["padding"])
    if text == "same":
        if stride != (1, 1):
            raise BadInput("--padding", "same", "needs stride 1 (as in PyTorch)")
        padding = C.same_padding(kernel_size, dilation)
    elif text == "valid":
        padding = (0, 0, 0, 0)
    else:
        ph, pw = _pair("--padding", text, dims, low=0)
        padding = (ph, ph, pw, pw) if dims == 2 else (0, 0, pw, pw)
    mode = given["padding_mode"]
    return C.ConvSpec(
        kernel_size,
        stride,
        padding,
        dilation,
        mode,
        given["pool"],
        given["ceil_mode"],
        given["count_include_pad"],
        given["transposed"],
        output_padding,
    )


def _blame(given: dict, message: str) -> tuple[str, object]:
    """The option a refusal is about, for the one-line error."""
    for key, option in (
        ("reflect", "--padding-mode"),
        ("circular", "--padding-mode"),
        ("pooling padding", "--padding"),
        ("output padding", "--output-padding"),
        ("zeros only", "--padding-mode"),
        ("dilation", "--dilation"),
        ("empty output", "--padding"),
    ):
        if key in message:
            name = option.lstrip("-").replace("-", "_")
            return option, given.get(name, "")
    return "--kernel", given["kernel"] or "3x3"


def _step(given: dict, result) -> int:
    oh, ow = result.output.shape[1:]
    if given["at"] is not None:
        parts = str(given["at"]).split(",")
        try:
            r, c = (int(parts[0]), int(parts[1])) if len(parts) == 2 else (0, int(parts[0]))
        except ValueError:
            raise BadInput("--at", given["at"], "expected R,C (or an index for 1-D)") from None
        if not (0 <= r < oh and 0 <= c < ow):
            raise BadInput("--at", given["at"], f"the output is {oh}×{ow}")
        return r * ow + c
    if given["step"] is not None:
        check_int_range("--step", given["step"], 0, oh * ow - 1)
        return given["step"]
    return 0


# --------------------------------------------------------------------------- output


def render(plan, common: Common, result, step: int, parameters: dict) -> None:
    from dlviz.theme import get_theme

    theme = get_theme(common.theme)
    if common.engine == "manim":
        from dlviz.manim_bridge import load_scene, render_scene

        scene = "ConvChannelsScene" if result.input.shape[0] > 1 else "ConvScene"
        render_scene(
            load_scene("conv", scene),
            {"result": result, "theme": common.theme, "lang": common.lang},
            quality=common.quality,
            fmt=plan.format,
            out=plan.path,
            background=theme.background,
        )
        return
    from dlviz.render import conv as R

    style = {"theme": theme, "lang": common.lang}
    write_matplotlib(
        plan,
        common,
        lambda: R.plot_conv(result, step=step, **style),
        lambda: R.animate_conv(result, **style),
    )


def _squeeze(array, dims: int):
    """H×W for one channel (a row for 1-D), C×H×W otherwise."""
    if dims == 1:
        array = array[:, 0, :]
    return array[0] if array.shape[0] == 1 else array


def conv_json(result) -> dict:
    windows = result.windows
    if result.dims == 1:
        windows = windows[0, :, 0, :, 1]  # (OW, kw): input positions
    else:
        windows = windows.reshape(*windows.shape[:2], -1, 2)  # (OH, OW, taps, 2)
    kernel = result.kernel if result.kernel is not None else None
    if kernel is not None and result.dims == 1:
        kernel = kernel[:, :, 0, :]
    out = {
        "input": _squeeze(result.input, result.dims),
        "kernel": None
        if kernel is None
        else (kernel[0, 0] if kernel.shape[:2] == (1, 1) else kernel),
        "output": _squeeze(result.output, result.dims),
        "output_shape": list(_squeeze(result.output, result.dims).shape),
        "windows": windows,
        "formula": result.formula,
    }
    if result.bias is not None:
        out["bias"] = result.bias
    return out


def _stack(given: dict, common: Common) -> None:
    from dlviz.compute import conv as C

    layers = []
    for part in given["stack"].split(","):
        match = re.fullmatch(r"k(\d+)((?:[sdp]\d+)*)", part.strip())
        if not match:
            raise BadInput(
                "--stack",
                given["stack"],
                f"cannot read {part!r}; layers look like k3, k3s2, k3d2, k5s2p2",
            )
        extra = dict(re.findall(r"([sdp])(\d+)", match.group(2)))
        layer = C.Layer(
            int(match.group(1)),
            int(extra.get("s", 1)),
            int(extra.get("d", 1)),
            int(extra.get("p", 0)),
        )
        if min(layer.kernel, layer.stride, layer.dilation) < 1:
            raise BadInput("--stack", part, "kernel, stride and dilation must be ≥ 1")
        layers.append(layer)
    length = given["input"]
    if not re.fullmatch(r"\d+", length):
        length = "32" if length == DEFAULTS["input"] else length
    if not re.fullmatch(r"\d+", length) or not 1 <= int(length) <= 512:
        raise BadInput("--input", length, "--stack takes a 1-D length from 1 to 512")
    try:
        rf = C.receptive_field(layers, int(length))
    except ValueError as exc:
        raise BadInput("--input", length, str(exc)) from None
    plan = plan_outputs(common, "conv", "stack", given, DEFAULTS)
    if plan.animated or common.engine == "manim":
        raise BadInput("--stack", given["stack"], "draws a figure: png, svg or pdf")
    from dlviz.render.conv import plot_receptive_field
    from dlviz.theme import get_theme

    write_matplotlib(
        plan,
        common,
        lambda: plot_receptive_field(rf, theme=get_theme(common.theme), lang=common.lang),
        None,
    )
    parameters = {**given, **common.parameters(), "format": plan.format}
    written = [plan.path]
    if plan.data is not None:
        from dlviz.output import write_json

        written.append(
            write_json(
                plan.data,
                "conv",
                parameters,
                {
                    "layers": [vars(layer) for layer in layers],
                    "lengths": rf.lengths,
                    "seen": rf.seen,
                    "sizes": rf.sizes,
                    "jumps": rf.jumps,
                },
            )
        )
    report(
        "conv --stack",
        {
            "receptive field": rf.sizes[-1],
            "jump": rf.jumps[-1],
            "lengths": " → ".join(map(str, rf.lengths)),
        },
        written,
    )


def register(app: typer.Typer) -> None:
    app.command(
        "conv",
        help=HELP,
        short_help="Convolution sliding windows.  e.g. dlviz conv "
        "--input 7x7 --kernel 3x3 --stride 2",
    )(conv)
