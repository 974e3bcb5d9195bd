"""softmax and log_softmax along a dim, computed stably (shifted by the max)."""

from __future__ import annotations

import numpy as np

from ..kernel.function import Function
from ._util import data, exp, sum_keepdim


def _log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


class Softmax(Function):
    """yᵢ = e^xᵢ / Σⱼ e^xⱼ   dL/dxᵢ = yᵢ (gᵢ - Σⱼ gⱼ yⱼ)  where g = dL/dy"""

    node_name = "SoftmaxBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.exp(_log_softmax(data(x), dim))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - sum_keepdim(grad * y, ctx.dim)), None


class LogSoftmax(Function):
    """yᵢ = xᵢ - log Σⱼ e^xⱼ   dL/dxᵢ = gᵢ - softmax(x)ᵢ Σⱼ gⱼ"""

    node_name = "LogSoftmaxBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return _log_softmax(data(x), dim)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - exp(y) * sum_keepdim(grad, ctx.dim), None
