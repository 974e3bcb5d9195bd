"""Ops that choose between elements: where, masked_fill, maximum, minimum."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.function import Function
from ._util import ARRAYS, data, unbroadcast


class Where(Function):
    """y = a where cond else b   dL/da = dL/dy where cond (0 elsewhere), dL/db the rest

    ``cond`` comes as a boolean array: as in PyTorch, the graph has no edge for it.
    """

    node_name = "WhereBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond, ctx.shapes = data(cond), (a.shape, b.shape)
        return np.where(ctx.cond, data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        cond = _as_big_as(ctx.cond, grad)
        grad_a = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_a = unbroadcast(where_or_zero(cond, grad), a_shape)
        if ctx.needs_input_grad[2]:
            grad_b = unbroadcast(where_or_zero(~cond, grad), b_shape)
        return None, grad_a, grad_b


def _as_big_as(mask, grad):
    """``mask`` broadcast to ``grad``'s shape (``where_or_zero`` wants the result's shape)."""
    return mask if mask.shape == grad.shape else np.broadcast_to(mask, grad.shape)


class MaskedFill(Function):
    """y = value where mask else x   dL/dx = dL/dy where not mask, dL/dvalue = Σ dL/dy where mask

    ``value`` is a number, or a 0-d tensor (then it gets a gradient: every masked element
    is a copy of it). The result keeps ``x``'s dtype, and ``mask`` has no edge in the graph.
    """

    node_name = "MaskedFillBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask, ctx.shape = mask, x.shape
        x = data(x)
        return np.where(mask, data(value), x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        mask = _as_big_as(ctx.mask, grad)
        grad_x = grad_value = None
        if ctx.needs_input_grad[0]:
            grad_x = unbroadcast(where_or_zero(~mask, grad), ctx.shape)
        if ctx.needs_input_grad[2]:
            grad_value = unbroadcast(where_or_zero(mask, grad), ())
        return grad_x, None, grad_value


class MaskedFillTensor(MaskedFill):
    """``masked_fill`` with a 0-d tensor as the value: PyTorch names its node apart."""

    node_name = "MaskedFillBackward1"


def _split_between(ctx, grad, loses):
    """Send the gradient to whichever input was picked (half each where they tie).

    ``loses(a, b)`` is where ``a`` was not picked. Each input gets the gradient wherever it did
    not lose, as in PyTorch: so both get all of it where one of them is nan.
    """
    a, b = ctx.saved_tensors
    a, b = data(a), data(b)
    tie = a == b
    if tie.any():
        grad = grad * np.where(tie, 0.5, 1.0).astype(data(grad).dtype)
    grad_a = grad_b = None
    if ctx.needs_input_grad[0]:
        grad_a = unbroadcast(where_or_zero(~loses(a, b), grad), a.shape)
    if ctx.needs_input_grad[1]:
        grad_b = unbroadcast(where_or_zero(~loses(b, a), grad), b.shape)
    return grad_a, grad_b


class Maximum(Function):
    """y = max(a, b) elementwise   the gradient goes to the larger one"""

    node_name = "MaximumBackward0"
    array_backward = True
    ufunc = np.maximum

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        return _split_between(ctx, grad, np.less)


class Minimum(Function):
    """y = min(a, b) elementwise   the gradient goes to the smaller one"""

    node_name = "MinimumBackward0"
    array_backward = True
    ufunc = np.minimum

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        return _split_between(ctx, grad, np.greater)


_UINT = {n: np.dtype(f"u{n}") for n in (2, 4, 8)}  # unsigned integers, by size in bytes


def where_or_zero(mask: Any, grad: Any) -> Any:
    """``grad`` where ``mask`` is True, else 0 (``torch.where(mask, grad, 0)``): the gradient of
    an op that passes some elements through and drops the others (relu, clamp, max, ...).
    ``mask`` has the shape of the result: ``grad``'s, or one ``grad`` can be broadcast to.

    Not ``grad * mask``: a negative gradient times False is -0.0, and inf or nan times False is
    nan, where PyTorch's gradient is 0. ``np.where`` would be right, but on a random mask it is
    ten times slower than a product. So for arrays, each float's bits, read as an integer, are
    multiplied by 1 or 0: that keeps the float exactly, or gives all-zero bits, which is 0.0.
    """
    if not isinstance(grad, ARRAYS):
        return Where.apply(mask, grad, grad.new_zeros(()))
    uint = _UINT[grad.itemsize]
    bits = mask.astype(uint)  # 1 or 0
    bits *= grad.view(uint)  # in place: faster than making another array
    return bits.view(grad.dtype)
