"""Reductions: sum, mean, var, std, max, min over all elements or along ``dim``.

A reduction maps many inputs to one output, so its backward copies (broadcasts) the upstream
gradient back to every input that contributed.
"""

from __future__ import annotations

import math

import numpy as np

from ..kernel.function import Function
from ._util import ARRAYS, data, keep_float, sum_keepdim, sum_to_size
from .movement import expand
from .select import where_or_zero


def _keepdim_shape(shape: tuple, dims: tuple) -> tuple:
    """The output shape as if keepdim=True: reduced dims become 1."""
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _spread(grad, shape: tuple, dims: tuple):
    """The upstream gradient copied back to every one of the ``shape`` input elements."""
    if grad.ndim not in (0, len(shape)):  # keepdim=False dropped the summed dims
        grad = grad.reshape(_keepdim_shape(shape, dims))
    return expand(grad, shape)


class Sum(Function):
    """y = Σ x   dy/dx_i = 1: every element gets the upstream gradient"""

    node_name = "SumBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):  # dims: a tuple, or None for all of them
        x = data(x)
        ctx.shape, ctx.dims = x.shape, dims
        return np.add.reduce(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.shape, ctx.dims), None, None


class SumDim(Sum):
    """``x.sum(dim)``: the same rule; PyTorch gives it its own node name."""

    node_name = "SumBackward1"


class SumToSize(Function):
    """y = x summed down to ``shape``, a shape x can be broadcast from (this undoes
    broadcasting: ``unbroadcast`` uses it)   dL/dx = dL/dy expanded back, as for a sum"""

    node_name = "SumBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return sum_to_size(data(x), shape)

    @staticmethod
    def backward(ctx, grad):
        return expand(grad, ctx.shape), None


class Norm(Function):
    """y = (Σ |x|ᵖ)^(1/p), the length of x for p = 2
    dy/dx = sign(x)·|x|ᵖ⁻¹ / yᵖ⁻¹, which is x / y for p = 2 (0 where the norm is 0, as PyTorch)
    """

    node_name = "LinalgVectorNormBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        dims = tuple(range(x.ndim)) if dims is None else dims
        ctx.p, ctx.dims = p, dims
        ctx.save_for_backward(x)
        a = np.abs(data(x))
        if p == 2:
            return np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
        return keep_float(np.sum(a**p, axis=dims, keepdims=keepdim) ** (1.0 / p), a.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        shape = _keepdim_shape(x.shape, ctx.dims)
        y, grad = y.reshape(shape), grad.reshape(shape)
        p = ctx.p
        if p == 2:
            local = x / y
        else:
            local = x.sign() * x.abs() ** (p - 1) / y ** (p - 1)
        return (grad * local).masked_fill(y == 0, 0.0), None, None, None


class Mean(Function):
    """y = (1/N) Σ x   dy/dx_i = 1/N"""

    node_name = "MeanBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):  # dims: a tuple, or None for all of them
        x = data(x)
        ctx.count = x.size if dims is None else math.prod([x.shape[d] for d in dims])
        ctx.shape, ctx.dims = x.shape, dims
        # what np.mean computes, without its Python-level overhead
        return keep_float(np.add.reduce(x, axis=dims, keepdims=keepdim) / ctx.count, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad / ctx.count, ctx.shape, ctx.dims), None, None


class MeanDim(Mean):
    node_name = "MeanBackward1"


class Cumsum(Function):
    """y_i = x_0 + ... + x_i along ``dim``   dL/dx_j = dL/dy_j + ... + dL/dy_last, a cumulative
    sum from the end (each x_j appears in every y_i with i >= j)"""

    node_name = "CumsumBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.cumsum(data(x), axis=dim)

    @staticmethod
    def backward(ctx, grad):
        d = ctx.dim
        if isinstance(grad, ARRAYS):
            return np.flip(np.cumsum(np.flip(grad, d), axis=d), d), None
        return grad.flip(d).cumsum(d).flip(d), None


class Var(Function):
    """y = Σ (x - mean)² / (N - correction)   dy/dx_i = 2 (x_i - mean) / (N - correction)

    (The mean depends on every x_i too, but its terms cancel: Σ (x - mean) = 0.)
    ``correction=1`` (the default) divides by N - 1: the unbiased estimate of a sample.
    """

    node_name = "VarBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):  # dims: a tuple, or None for all of them
        ctx.save_for_backward(x)
        x = data(x)
        count = x.size if dims is None else math.prod([x.shape[d] for d in dims])
        ctx.divisor, ctx.dims = max(count - correction, 0), dims
        centred = x - np.add.reduce(x, axis=dims, keepdims=True) / count
        with np.errstate(divide="ignore", invalid="ignore"):  # N <= correction: nan, as PyTorch
            squares = np.add.reduce(centred * centred, axis=dims, keepdims=keepdim)
            return keep_float(squares / ctx.divisor, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.saved_tensors[0]
        return _spread_centred(ctx, x, grad) * 2, None, None, None


class Std(Function):
    """y = √var(x)   dy/dx_i = (x_i - mean) / ((N - correction) · y), and 0 where y = 0
    (constant data: PyTorch's choice where the derivative does not exist)"""

    node_name = "StdBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        return np.sqrt(Var.forward(ctx, x, dims, correction, keepdim))

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            grad = where_or_zero(y != 0, grad / y)
        return _spread_centred(ctx, x, grad), None, None, None


def _spread_centred(ctx, x, grad):
    """grad · (x - mean) / (N - correction), with ``grad`` spread back over the reduced dims."""
    dims = tuple(range(x.ndim)) if ctx.dims is None else ctx.dims
    count = math.prod([x.shape[d] for d in dims])
    if grad.ndim not in (0, x.ndim):  # keepdim=False dropped the reduced dims
        grad = grad.reshape(_keepdim_shape(x.shape, dims))
    centred = x - sum_keepdim(x, dims) / count
    with np.errstate(divide="ignore", invalid="ignore"):
        return grad * centred / ctx.divisor


class Max(Function):
    """y = max x   dy/dx_i = 1 for the largest element (shared evenly between ties), else 0"""

    node_name = "MaxBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.max(data(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        x, y = data(x), ctx._value
        winners = np.isnan(x) if np.isnan(y) else x == y  # a nan is the max, as in PyTorch
        return where_or_zero(winners, grad / int(winners.sum()))


class Min(Max):
    """y = min x: the same rule as max, for the smallest element"""

    node_name = "MinBackward1"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.min(data(x))


class MaxDim(Function):
    """``values, indices = x.max(dim)``: each row's gradient goes to the index it picked"""

    node_name = "MaxBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dim, keepdim, indices):
        index = np.expand_dims(indices, dim)
        # one-hot mask of the picked positions, shape of x
        ctx.mask = np.arange(x.shape[dim]).reshape([-1] + [1] * (x.ndim - dim - 1)) == index
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        picked = np.take_along_axis(data(x), index, axis=dim)
        return picked if keepdim else picked.squeeze(dim)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.keepdim:
            grad = grad.reshape(_keepdim_shape(ctx.shape, (ctx.dim,)))
        return where_or_zero(ctx.mask, grad), None, None, None  # grad is broadcast to x's shape


class MinDim(MaxDim):
    node_name = "MinBackward0"
