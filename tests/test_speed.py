"""The speed layer (``autograd_tutor/compat/speed.py``) is optional: with its shortcuts off the
general path must give the same tensors, bit for bit, with the same dtype and the same errors."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import autograd_tutor as at
from autograd_tutor.compat import speed

OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
       operator.floordiv, operator.mod]
IN_PLACE = [operator.iadd, operator.isub, operator.imul, operator.itruediv]
OPERANDS = [
    lambda: at.tensor([1.5, -2.0, 0.0]),
    lambda: at.tensor([[1.0], [3.0]]),
    lambda: at.tensor([1.5, -2.0, 0.0], dtype=at.float64),
    lambda: at.tensor([2, -3, 5]),
    lambda: at.tensor(2.5),
    lambda: 2,
    lambda: 0.5,
    lambda: True,
    lambda: 2**70,
]


def _run(fn):
    try:
        out = fn()
    except Exception as e:  # the same error either way
        return type(e), str(e)
    return out.dtype, out.shape, out.detach().numpy().tobytes()


@pytest.fixture
def without_speed():
    def run(fn):
        speed.enabled = False
        try:
            return _run(fn)
        finally:
            speed.enabled = True

    return run


@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("left", range(5))
@pytest.mark.parametrize("right", range(len(OPERANDS)))
def test_unrecorded_binary_ops_match_the_general_path(op, left, right, without_speed):
    def compute():
        with at.no_grad(), np.errstate(all="ignore"):
            return op(OPERANDS[left](), OPERANDS[right]())

    assert _run(compute) == without_speed(compute)


@pytest.mark.parametrize("op", IN_PLACE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("right", range(len(OPERANDS)))
@pytest.mark.parametrize("grad", [False, True])
def test_in_place_updates_match_the_general_path(op, right, grad, without_speed):
    def compute():
        w = at.tensor([1.5, -2.0, 4.0], requires_grad=grad)
        with at.no_grad(), np.errstate(all="ignore"):
            out = op(w, OPERANDS[right]())
        assert out is w and w._version == 1
        return w

    assert _run(compute) == without_speed(compute)
