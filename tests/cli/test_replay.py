"""A --data JSON replays with --params: the same spec, the same bytes.

Every value in ``parameters`` is the one that ran (nothing null standing for
"default"), and giving the file back reproduces the figure and the JSON byte
for byte; an option typed beside --params overrides the file.
"""

from __future__ import annotations

import json

import pytest

# (this table keeps its alignment: fmt: skip)
CASES = {
    "landscape": ["landscape", "linear", "--ridge", "0.5", "--resolution", "41"],
    "optimizers": ["optimizers", "--optimizer", "gd,sgd,momentum", "--steps", "60"],
    "optimizers-seeds": ["optimizers", "--optimizer", "sgd", "--seeds", "4", "--batch-size", "3",
                         "--steps", "30"],
    "optimizers-pytorch": [
        "optimizers", "--landscape", "rosenbrock", "--convention", "pytorch",
        "--optimizer", "momentum,rmsprop,adam", "--momentum", "0.5", "--centered",
        "--amsgrad", "--noise", "0.3", "--steps", "50", "--seed", "3",
    ],
    "optimizers-basins": [
        "optimizers", "--landscape", "himmelblau", "--optimizer", "adam", "--basins", "6",
        "--steps", "30",
    ],
    "conv": ["conv", "--stride", "2", "--padding", "1", "--seed", "4"],
    "conv-channels": ["conv", "--input", "5x5", "--in-channels", "3", "--out-channels", "2",
                      "--bias", "--at", "1,2"],
    "conv-pool": ["conv", "--input", "6x6", "--pool", "avg", "--kernel", "3x3", "--stride", "2",
                  "--padding", "1", "--exclude-pad", "--ceil-mode"],
    "conv-transposed": ["conv", "--input", "3x3", "--transposed", "--stride", "2"],
    "conv-1d": ["conv", "--input", "9", "--kernel", "3", "--dilation", "2"],
    "conv-filter": ["conv", "--input", "image", "--kernel", "sobel-x", "--padding", "same"],
    "conv-stack": ["conv", "--stack", "k3s1,k3s2,k3d2", "--input", "40"],
    "residual": ["residual", "--variant", "residual,scaled", "--depth", "6", "--width", "32",
                 "--batch", "64", "--repeats", "2", "--backward", "--seed", "5"],
    "attention": ["attention", "--tokens", "我 爱 深度 学习", "--kind", "self", "--causal",
                  "--seed", "2"],
    "attention-multihead": ["attention", "--kind", "multihead", "--heads", "4", "--dim", "16",
                            "--mask-padding", "2"],
    "attention-additive": ["attention", "--kind", "additive", "--query-tokens", "a b c"],
    "beam": ["beam", "--beam-size", "3", "--max-length", "5"],
    "beam-hf": ["beam", "--convention", "hf", "--early-stopping", "never", "--length-penalty",
                "0.5"],
    "beam-corpus": ["beam", "--corpus", "builtin", "--order", "2", "--prompt", "the",
                    "--max-length", "4", "--collapse", "always"],
    "relu": ["relu", "--widths", "6,5", "--seed", "2", "--domain", "-1,1"],
    "relu-1d": ["relu", "--input-dim", "1", "--widths", "4,4", "--init", "normal:0.7"],
    "relu-sweep": ["relu", "--input-dim", "1", "--sweep", "width", "--budget", "60",
                   "--seeds", "2"],
}  # fmt: skip


def nulls(value, where="parameters") -> list[str]:
    """Where in ``value`` a null stands."""
    if value is None:
        return [where]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("case", CASES)
def test_data_then_params_replays_byte_identically(dlviz, tmp_path, case):
    args = CASES[case]
    code, _, err = dlviz(*args, "--out", "a.png", "--data", "a.json")
    assert code == 0, err
    document = json.loads((tmp_path / "a.json").read_text())
    assert nulls(document["parameters"]) == []
    code, _, err = dlviz(args[0], "--params", "a.json", "--out", "b.png", "--data", "b.json")
    assert code == 0, err
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_an_option_beside_params_overrides_the_file(dlviz, tmp_path):
    assert dlviz(*CASES["optimizers"], "--out", "a.png", "--data", "a.json")[0] == 0
    code, _, err = dlviz("optimizers", "--params", "a.json", "--lr", "gd=0.01", "--data", "b.json")
    assert code == 0, err
    a = json.loads((tmp_path / "a.json").read_text())["parameters"]
    b = json.loads((tmp_path / "b.json").read_text())["parameters"]
    assert b["hyperparameters"]["gd"]["lr"] == 0.01
    assert b["hyperparameters"]["momentum"] == a["hyperparameters"]["momentum"]
    assert b["steps"] == a["steps"] == 60


def test_params_from_another_topic_is_refused(dlviz, tmp_path):
    assert dlviz(*CASES["landscape"], "--out", "a.png", "--data", "a.json")[0] == 0
    code, _, err = dlviz("optimizers", "--params", "a.json", "--out", "b.png")
    assert code == 2 and err.startswith("dlviz: error: --params a.json") and "landscape" in err
    assert not (tmp_path / "b.png").exists()


def test_a_bad_value_in_the_file_is_blamed_on_the_file(dlviz, tmp_path):
    assert dlviz(*CASES["optimizers"], "--out", "a.png", "--data", "a.json")[0] == 0
    document = json.loads((tmp_path / "a.json").read_text())
    document["parameters"]["steps"] = -4
    (tmp_path / "a.json").write_text(json.dumps(document))
    code, _, err = dlviz("optimizers", "--params", "a.json", "--out", "b.png")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("dlviz: error: --params a.json: steps = -4")


def test_relu_replays_a_given_network(dlviz, tmp_path):
    net = {
        "layers": [
            {"weight": [[1.0, -1.0], [0.5, 2.0]], "bias": [0.1, -0.2]},
            {"weight": [[1.0, -1.0]], "bias": [0.0]},
        ]
    }
    (tmp_path / "net.json").write_text(json.dumps(net))
    assert dlviz("relu", "--weights", "net.json", "--out", "a.png", "--data", "a.json")[0] == 0
    (tmp_path / "net.json").unlink()  # the replay needs only the --data file
    code, _, err = dlviz("relu", "--params", "a.json", "--out", "b.png", "--data", "b.json")
    assert code == 0, err
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert json.loads((tmp_path / "a.json").read_text())["parameters"]["init"] == "given"


def test_attention_replays_given_matrices(dlviz, tmp_path):
    (tmp_path / "q.json").write_text("[[1, 0], [0, 2], [1, 1]]")
    (tmp_path / "k.json").write_text("[[1, 1], [0, 1]]")
    args = ["attention", "--kind", "dot", "--queries", "q.json", "--keys", "k.json"]
    assert dlviz(*args, "--out", "a.png", "--data", "a.json")[0] == 0
    code, _, err = dlviz("attention", "--params", "a.json", "--out", "b.png", "--data", "b.json")
    assert code == 0, err
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    parameters = json.loads((tmp_path / "a.json").read_text())["parameters"]
    assert parameters["queries"] == [[1, 0], [0, 2], [1, 1]] and parameters["key_tokens"] == [
        "0",
        "1",
    ]


def test_a_race_replayed_on_another_landscape_resolves_its_defaults_again(dlviz, tmp_path):
    args = ["optimizers", "--optimizer", "gd,adam", "--beta1", "0.8", "--steps", "30"]
    assert dlviz(*args, "--out", "a.png", "--data", "a.json")[0] == 0
    code, _, err = dlviz(
        "optimizers",
        "--params",
        "a.json",
        "--landscape",
        "rosenbrock",
        "--out",
        "b.png",
        "--data",
        "b.json",
    )
    assert code == 0, err
    b = json.loads((tmp_path / "b.json").read_text())["parameters"]
    assert b["landscape"]["name"] == "rosenbrock" and b["starts"] == [[-1.5, 2.5]]
    assert b["batch_size"] == {"gd": 0, "adam": 0}  # no data set: exact gradients
    assert b["hyperparameters"]["adam"]["beta1"] == 0.8  # the rule's own settings stay
    assert b["hyperparameters"]["gd"]["lr"] == 1e-3  # rosenbrock's learning rate
