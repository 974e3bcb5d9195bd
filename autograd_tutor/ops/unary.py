"""Elementwise functions of one tensor: exp, log, sqrt, abs, rounding, clamp and the
activations."""

from __future__ import annotations

import numpy as np

from ..kernel.function import Function
from ._util import ARRAYS, data, keep_float, zeros_like
from .select import where_or_zero


class Exp(Function):
    """y = e^x   dy/dx = e^x = y, so the output is saved, not the input"""

    node_name = "ExpBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return np.exp(data(x))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Log(Function):
    """y = ln x   dy/dx = 1/x"""

    node_name = "LogBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(data(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """y = √x   dy/dx = 1 / (2√x) = 1 / (2y)"""

    node_name = "SqrtBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            return np.sqrt(data(x))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (2 * y)


class Abs(Function):
    """y = |x|   dy/dx = sign(x)  (0 at x = 0, as in PyTorch)"""

    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(data(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sign(Function):
    """y = sign(x)   dy/dx = 0 everywhere it is defined"""

    node_name = "SignBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return np.sign(data(x))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class Round(Function):
    """y = x rounded to the nearest integer (halves to even)   dy/dx = 0: a step function is
    flat everywhere it is defined, so rounding passes no gradient on (as in PyTorch)"""

    node_name = "RoundBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return np.round(data(x))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class RoundDecimals(Function):
    """``x.round(decimals=n)``: the same rule, rounding to n decimal places"""

    node_name = "RoundBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, x, decimals):
        return np.round(data(x), decimals)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


class Floor(Round):
    """y = the largest integer <= x   dy/dx = 0"""

    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.floor(data(x))


class Ceil(Round):
    """y = the smallest integer >= x   dy/dx = 0"""

    node_name = "CeilBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ceil(data(x))


class Trunc(Round):
    """y = x without its fractional part (towards 0)   dy/dx = 0"""

    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.trunc(data(x))


class Clamp(Function):
    """y = min(max(x, lo), hi)   dy/dx = 1 where x is inside [lo, hi], else 0"""

    node_name = "ClampBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        return keep_float(np.clip(data(x), lo, hi), data(x).dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= data(x) >= lo
        if hi is not None:
            inside &= data(x) <= hi
        return where_or_zero(inside, grad), None, None


class Relu(Function):
    """y = max(x, 0)   dy/dx = 1 where x > 0, else 0"""

    node_name = "ReluBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return keep_float(np.maximum(data(x), 0), data(x).dtype)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        if isinstance(grad, ARRAYS):  # a plain backward: only the numbers are needed
            return where_or_zero(y.astype(bool), grad)  # what ReluGrad computes
        return ReluGrad.apply(grad, y)  # recorded (create_graph=True), so g depends on y


class ReluGrad(Function):
    """relu's backward as an op of its own: g = grad where y > 0, else 0 (y = relu(x))
    dg/dgrad = 1 where y > 0, else 0;  dg/dy = 0 (moving y a little does not change the mask)

    Used when the backward itself is recorded (create_graph=True). As in PyTorch, g is computed
    from y, so it stays in x's graph: differentiating g again gives 0 (relu's slope is constant
    on each side of 0), not an error.
    """

    node_name = "ThresholdBackwardBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, grad, y):
        # y != 0, the cheapest way: y > 0, or y is nan (PyTorch passes a nan's gradient on)
        ctx.mask = data(y).astype(bool)
        return where_or_zero(ctx.mask, data(grad))

    @staticmethod
    def backward(ctx, grad):
        return where_or_zero(ctx.mask, grad), zeros_like(grad)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x)   dy/dx = y (1 - y)"""

    node_name = "SigmoidBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x):
        x = data(x)
        # written so that exp never overflows: for x < 0 use e^x / (1 + e^x)
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)


class Sin(Function):
    """y = sin x   dy/dx = cos x"""

    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(data(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Function):
    """y = cos x   dy/dx = -sin x"""

    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(data(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * x.sin()


class Tanh(Function):
    """y = tanh x   dy/dx = 1 - y²"""

    node_name = "TanhBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return np.tanh(data(x))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)
