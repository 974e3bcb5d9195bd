"""Matrix multiplication, ``a @ b``."""

from __future__ import annotations

import numpy as np

from ..kernel.function import Function
from ._util import data, unbroadcast


class Matmul(Function):
    """Z = A @ B   dL/dA = dL/dZ @ Bᵀ,  dL/dB = Aᵀ @ dL/dZ

    1-D operands are treated as a row (on the left) or a column (on the right) and the added
    dimension is removed again, as NumPy and PyTorch do.
    """

    node_name = "MmBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)  # as in PyTorch
        ctx.shapes = (a.shape, b.shape)
        return np.matmul(data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        # promote vectors to matrices so one pair of formulas covers every case
        a2_shape = (1, *a_shape) if len(a_shape) == 1 else a_shape
        b2_shape = (*b_shape, 1) if len(b_shape) == 1 else b_shape
        g_shape = tuple(grad.shape)
        if len(b_shape) == 1:
            g_shape = (*g_shape, 1)
        if len(a_shape) == 1:
            g_shape = (*g_shape[:-1], 1, g_shape[-1])
        g = _reshaped(grad, g_shape)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            b_t = _reshaped(b, b2_shape).swapaxes(-1, -2)
            grad_a = _reshaped(unbroadcast(g @ b_t, a2_shape), a_shape)
        if ctx.needs_input_grad[1]:
            a_t = _reshaped(a, a2_shape).swapaxes(-1, -2)
            grad_b = _reshaped(unbroadcast(a_t @ g, b2_shape), b_shape)
        return grad_a, grad_b


def _reshaped(t, shape):
    """``t.reshape(shape)``, or ``t`` itself when it has that shape already (matrices)."""
    return t if t.shape == shape else t.reshape(shape)


class Mv(Matmul):
    node_name = "MvBackward0"


class Dot(Matmul):
    node_name = "DotBackward0"


class Bmm(Matmul):
    node_name = "BmmBackward0"


def matmul_function(a_ndim: int, b_ndim: int) -> type[Matmul]:
    """PyTorch's node name depends on the operand ranks (mm, mv, dot, batched)."""
    if a_ndim == 1 and b_ndim == 1:
        return Dot
    if a_ndim == 2 and b_ndim == 1:
        return Mv
    if a_ndim <= 2 and b_ndim <= 2:
        return Matmul
    return Bmm
