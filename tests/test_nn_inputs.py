"""nn with arguments that are not tensors (NumPy arrays, lists, numbers) or whose shapes do not
fit, against PyTorch 2.13: the same exception class, a message that starts like PyTorch's and
then says how to fix the code, and no error from inside our own code or NumPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_tutor as at

torch = pytest.importorskip("torch")


class _Custom:
    """A user's own class: PyTorch names it without its module ('_Custom')."""


# Values that are not tensors, as a user might pass them.
NOT_TENSORS = {
    "ndarray": lambda: np.ones(2, dtype=np.float32),
    "ndarray64": lambda: np.ones((1, 2)),
    "list": lambda: [1.0, 0.0],
    "float": lambda: 1.0,
    "numpy-scalar": lambda: np.float64(1.0),
    "custom": _Custom,
}


def _calls(lib):
    """name -> (call taking a list of arguments, the good arguments)."""
    F, nn = lib.nn.functional, lib.nn
    t, p = lib.ones(2), lib.ones(2) * 0.5
    rows, classes = lib.ones(1, 3), lib.tensor([0])
    return {
        "linear": (lambda a: F.linear(*a), [lib.ones(1, 2), lib.ones(1, 2), lib.ones(1)]),
        "Linear": (lambda a: nn.Linear(2, 1)(*a), [lib.ones(1, 2)]),
        "Sequential": (lambda a: nn.Sequential(nn.Linear(2, 1), nn.ReLU())(*a), [t]),
        "relu": (lambda a: F.relu(*a), [t]),
        "relu-inplace": (lambda a: F.relu(*a, inplace=True), [t]),
        "ReLU": (lambda a: nn.ReLU()(*a), [t]),
        "leaky_relu": (lambda a: F.leaky_relu(*a), [t]),
        "LeakyReLU-inplace": (lambda a: nn.LeakyReLU(inplace=True)(*a), [t]),
        "sigmoid": (lambda a: F.sigmoid(*a), [t]),
        "Sigmoid": (lambda a: nn.Sigmoid()(*a), [t]),
        "tanh": (lambda a: F.tanh(*a), [t]),
        "Tanh": (lambda a: nn.Tanh()(*a), [t]),
        "softmax": (lambda a: F.softmax(*a, dim=0), [t]),
        "LogSoftmax": (lambda a: nn.LogSoftmax(dim=0)(*a), [t]),
        "dropout": (lambda a: F.dropout(*a), [t]),
        "Dropout-eval": (lambda a: nn.Dropout().eval()(*a), [t]),
        "mse_loss": (lambda a: F.mse_loss(*a), [t, t]),
        "MSELoss": (lambda a: nn.MSELoss()(*a), [t, t]),
        "L1Loss": (lambda a: nn.L1Loss()(*a), [t, t]),
        "nll_loss": (lambda a: F.nll_loss(*a), [rows, classes, lib.ones(3)]),
        "cross_entropy": (lambda a: F.cross_entropy(*a), [rows, classes, lib.ones(3)]),
        "CrossEntropyLoss": (lambda a: nn.CrossEntropyLoss()(*a), [rows, classes]),
        "binary_cross_entropy": (lambda a: F.binary_cross_entropy(*a), [p, t, t]),
        "bce_with_logits": (
            lambda a: F.binary_cross_entropy_with_logits(*a[:3], pos_weight=a[3]),
            [t, t, t, t],
        ),
    }


CASES = [
    (name, position, kind)
    for name, (_, good) in _calls(torch).items()
    for position in range(len(good))
    for kind in NOT_TENSORS
]


@pytest.mark.parametrize("name,position,kind", CASES)
def test_not_a_tensor_raises_like_torch(name, position, kind):
    def run(lib):
        call, args = _calls(lib)[name]
        args[position] = NOT_TENSORS[kind]()
        return call(args)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as ref:
            run(torch)
        with pytest.raises(Exception) as ours:
            run(at)
    assert type(ours.value) is type(ref.value), f"ours: {ours.value!r}, torch: {ref.value!r}"
    msg = str(ours.value)
    assert msg.startswith(str(ref.value)), f"ours: {msg}\ntorch: {ref.value}"
    assert "torch.tensor(" in msg or "torch.from_numpy(" in msg, msg
    assert ours.value.__context__ is None, repr(ours.value.__context__)  # ours, not a side effect


def test_numpy_float64_hint_mentions_float():
    with pytest.raises(TypeError) as info:
        at.nn.Linear(2, 1)(np.ones((1, 2)))
    assert "torch.from_numpy(input).float()" in str(info.value)


# -- shapes that do not fit ------------------------------------------------------------------


def _shape_calls(lib):
    F, nn = lib.nn.functional, lib.nn
    p, rows = lib.ones(2, 3) * 0.5, lib.ones(2, 3)
    classes, grid = lib.tensor([0, 1]), lib.ones(2, 3, 4)
    return {
        "mse 3 vs 4": lambda: F.mse_loss(lib.ones(3), lib.zeros(4)),
        "MSELoss 3 vs 4": lambda: nn.MSELoss()(lib.ones(3), lib.zeros(4)),
        "mse (2,3) vs (2,) none": lambda: F.mse_loss(rows, lib.zeros(2), reduction="none"),
        "L1Loss 3 vs 4": lambda: nn.L1Loss()(lib.ones(3), lib.zeros(4)),
        "mse shape before reduction": lambda: F.mse_loss(
            lib.ones(3), lib.zeros(4), reduction="avg"
        ),
        "bce weight (4,)": lambda: F.binary_cross_entropy(p, p, weight=lib.ones(4)),
        "bce weight (5,2,4)": lambda: F.binary_cross_entropy(p, p, weight=lib.ones(5, 2, 4)),
        "bce weight adds dims": lambda: F.binary_cross_entropy(p, p, weight=lib.ones(1, 2, 1)),
        "logits weight (2,4)": lambda: F.binary_cross_entropy_with_logits(
            p, p, weight=lib.ones(2, 4)
        ),
        "logits weight adds dims": lambda: F.binary_cross_entropy_with_logits(
            p, p, weight=lib.ones(4, 1, 1)
        ),
        "logits pos_weight (5,3)": lambda: F.binary_cross_entropy_with_logits(
            p, p, pos_weight=lib.ones(5, 3)
        ),
        "logits pos_weight adds dims": lambda: F.binary_cross_entropy_with_logits(
            p, p, pos_weight=lib.ones(2, 2, 3)
        ),
        "cross_entropy weight (4,)": lambda: F.cross_entropy(rows, classes, lib.ones(4)),
        "CrossEntropyLoss weight (1,3)": lambda: nn.CrossEntropyLoss(lib.ones(1, 3))(rows, classes),
        "cross_entropy smoothing weight": lambda: F.cross_entropy(
            rows, classes, lib.ones(4), label_smoothing=0.1
        ),
        "cross_entropy probabilities weight": lambda: F.cross_entropy(rows, p, lib.ones(3, 1)),
        "nll weight (4,)": lambda: F.nll_loss(rows, classes, lib.ones(4)),
        "nll 1-d weight (4,)": lambda: F.nll_loss(lib.ones(3), lib.tensor(0), lib.ones(4)),
        "nll spatial weight": lambda: F.nll_loss(grid, lib.zeros(2, 4).long(), lib.ones(4)),
        "nll spatial target size": lambda: F.nll_loss(grid, lib.zeros(2, 5).long()),
        "nll batch before dtype": lambda: F.nll_loss(rows, lib.zeros(3)),
        "nll batch before dims": lambda: F.nll_loss(rows, lib.zeros(1, 2).long()),
        "cross_entropy dims before dtype": lambda: F.cross_entropy(rows, lib.ones(2, 4)),
    }


@pytest.mark.parametrize("case", list(_shape_calls(torch)))
def test_shapes_that_do_not_fit_raise_like_torch(case):
    with warnings.catch_warnings(record=True) as ref_warnings:
        warnings.simplefilter("always")
        with pytest.raises(Exception) as ref:
            _shape_calls(torch)[case]()
    with warnings.catch_warnings(record=True) as our_warnings:
        warnings.simplefilter("always")
        with pytest.raises(Exception) as ours:
            _shape_calls(at)[case]()
    assert type(ours.value) is type(ref.value), f"ours: {ours.value!r}, torch: {ref.value!r}"
    msg, gist = str(ours.value), str(ref.value)
    assert msg.startswith(gist), f"ours: {msg}\ntorch: {gist}"
    assert len(msg) > len(gist) + 15, f"add how to fix it: {msg}"
    assert "numpy" not in str(ours.traceback[-1].path), msg
    assert [str(w.message) for w in our_warnings] == [str(w.message) for w in ref_warnings]
