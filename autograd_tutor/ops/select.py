"""Ops that choose between elements: where, masked_fill, maximum, minimum."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ._util import data, unbroadcast


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
        grad_a = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_a = unbroadcast(grad * ctx.cond, a_shape)
        if ctx.needs_input_grad[2]:
            grad_b = unbroadcast(grad * ~ctx.cond, b_shape)
        return None, grad_a, grad_b


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
        return (
            unbroadcast(grad * ~ctx.mask, ctx.shape) if ctx.needs_input_grad[0] else None,
            None,
            unbroadcast(grad * ctx.mask, ()) if ctx.needs_input_grad[2] else None,
        )


class MaskedFillTensor(MaskedFill):
    """``masked_fill`` with a 0-d tensor as the value: PyTorch names its node apart."""

    node_name = "MaskedFillBackward1"


def _split_between(ctx, grad, a_wins):
    """Send the gradient to whichever input was picked (half each where they tie)."""
    a, b = ctx.saved_tensors
    share_a = (a_wins(data(a), data(b)) + 0.5 * (data(a) == data(b))).astype(data(grad).dtype)
    return (
        unbroadcast(grad * share_a, a.shape) if ctx.needs_input_grad[0] else None,
        unbroadcast(grad * (1 - share_a), b.shape) if ctx.needs_input_grad[1] else None,
    )


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
        return _split_between(ctx, grad, np.greater)


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
        return _split_between(ctx, grad, np.less)
