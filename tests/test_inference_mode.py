"""``inference_mode`` is more than ``no_grad``: the tensors it creates are inference tensors,
which cannot be saved for backward, changed in place outside the mode, or asked for a version
(PyTorch 2.13 as the oracle)."""

from __future__ import annotations

import pytest
from torch_oracle import assert_close, assert_same_error

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def made_in_inference_mode(m):
    with m.inference_mode():
        t = m.ones(3) * 2
    return t


STATES = {
    "flags": lambda m: (
        made_in_inference_mode(m).is_inference(),
        m.ones(1).is_inference(),
        m.is_inference_mode_enabled(),
        made_in_inference_mode(m).requires_grad,
    ),
    "inside": lambda m: _inside(m),
    "nested_false": lambda m: _nested_false(m),
    "normal_ops_outside": lambda m: _outside_ops(m),
    "decorator": lambda m: m.inference_mode()(lambda: (m.ones(1).is_inference(),
                                                        m.is_grad_enabled()))(),
}


def _inside(m):
    w = m.ones(3, requires_grad=True)
    with m.inference_mode():
        y = w * 2
        y.add_(1)  # in place inside the mode is allowed
        return (y.requires_grad, y.is_inference(), m.is_inference_mode_enabled(),
                m.is_grad_enabled(), y.grad_fn is None)


def _nested_false(m):
    with m.inference_mode():
        with m.inference_mode(False):
            inner = (m.is_inference_mode_enabled(), m.ones(1).is_inference(), m.is_grad_enabled())
        return inner + (m.is_inference_mode_enabled(),)


def _outside_ops(m):
    t = made_in_inference_mode(m)
    w = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w + t).sum() + (w * t.exp()).sum() + (w * t.clone()).sum()
    y.backward()
    return w.grad, t.sin().is_inference(), t.clone().is_inference()


@pytest.mark.parametrize("name", STATES)
def test_like_torch(name):
    ours, theirs = STATES[name](at), STATES[name](torch)
    for o, t in zip(ours, theirs):
        if isinstance(t, bool):
            assert o == t
        else:
            assert_close(o, t)


def _saved(m):
    w = m.ones(3, requires_grad=True)
    return w * made_in_inference_mode(m)


def _no_grad_update(m):
    t = made_in_inference_mode(m)
    with m.no_grad():
        t.add_(1)


ERRORS = {
    "saved_for_backward": _saved,
    "saved_by_matmul": lambda m: m.ones(3, requires_grad=True) @ made_in_inference_mode(m),
    "add_": lambda m: made_in_inference_mode(m).add_(1),
    "mul_": lambda m: made_in_inference_mode(m).mul_(2),
    "setitem": lambda m: made_in_inference_mode(m).__setitem__(0, 1.0),
    "zero_": lambda m: made_in_inference_mode(m).zero_(),
    "under_no_grad": _no_grad_update,
    "version": lambda m: made_in_inference_mode(m)._version,
    "requires_grad_": lambda m: made_in_inference_mode(m).requires_grad_(),
}


@pytest.mark.parametrize("name", ERRORS)
def test_raises_like_torch(name):
    assert_same_error(ERRORS[name], at, torch)


def test_a_failed_update_leaves_the_values():
    t = made_in_inference_mode(at)
    with pytest.raises(RuntimeError):
        t.add_(1)
    assert t.tolist() == [2.0, 2.0, 2.0]
