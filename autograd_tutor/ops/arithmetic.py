"""Elementwise arithmetic: + - * / ** % // and negation.

Each backward multiplies the upstream gradient ``grad`` by the local derivative, then
``unbroadcast`` sums it back to the input's shape.

The formulas (all but ``PowTensor``'s) use only operators, so they work on NumPy arrays as
well as on tensors (``array_backward``). A binary op also names its NumPy ``ufunc``: when
nothing is recorded (under ``no_grad``, and for the Tensor operations inside a backward pass
that records nothing) ``Tensor`` calls it directly.
"""

from __future__ import annotations

import numpy as np

from ..kernel.function import Function
from ._util import data, floor, keep_float, unbroadcast, zeros_like


class Add(Function):
    """z = a + b   dz/da = 1, dz/db = 1"""

    node_name = "AddBackward0"
    array_backward = True
    ufunc = np.add

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a._data.shape, b._data.shape)
        return a._data + b._data

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        return (
            unbroadcast(grad, a_shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(grad, b_shape) if ctx.needs_input_grad[1] else None,
        )


class Sub(Function):
    """z = a - b   dz/da = 1, dz/db = -1"""

    node_name = "SubBackward0"
    array_backward = True
    ufunc = np.subtract

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a._data.shape, b._data.shape)
        return a._data - b._data

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        return (
            unbroadcast(grad, a_shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-grad, b_shape) if ctx.needs_input_grad[1] else None,
        )


class Rsub(Function):
    """z = c - a for a number c (``3 - x``)   dz/da = -1"""

    node_name = "RsubBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, a, c):
        return c - data(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


class Mul(Function):
    """z = a * b   dz/da = b, dz/db = a

    Only what backward will use is saved (b for a's gradient, a for b's), as in PyTorch: so
    ``w -= lr * w.grad`` between forward and backward is fine for ``w * x`` with data ``x``.
    """

    node_name = "MulBackward0"
    array_backward = True
    ufunc = np.multiply

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        ctx.shapes = (a._data.shape, b._data.shape)
        return a._data * b._data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        return (
            unbroadcast(grad * b, a_shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(grad * a, b_shape) if ctx.needs_input_grad[1] else None,
        )


class Div(Function):
    """z = a / b   dz/da = 1/b, dz/db = -a/b²"""

    node_name = "DivBackward0"
    array_backward = True
    ufunc = np.true_divide

    @staticmethod
    def forward(ctx, a, b):
        need_b = (ctx.needs_input_grad or (False, False))[1]
        ctx.save_for_backward(a if need_b else None, b)  # a only matters for b's gradient
        ctx.shapes = (a._data.shape, b._data.shape)
        return a._data / b._data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        return (
            unbroadcast(grad / b, a_shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-grad * a / (b * b), b_shape) if ctx.needs_input_grad[1] else None,
        )


class Reciprocal(Function):
    """z = 1 / a   dz/da = -1/a² = -z²  (``2 / x`` is ``x.reciprocal() * 2``, as in PyTorch)"""

    node_name = "ReciprocalBackward0"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.reciprocal(data(a))

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        return -grad * z * z


class Neg(Function):
    """z = -a   dz/da = -1"""

    node_name = "NegBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, a):
        return -data(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """z = a ** n for a number n   dz/da = n · a^(n-1)"""

    node_name = "PowBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return keep_float(a._data ** n, a._data.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        n = ctx.n
        if n == 0:
            return zeros_like(grad), None
        local = a + a if n == 2 else n * a ** (n - 1)  # x² is common: 2a, as cheap as can be
        return grad * local, None


def power(a, b):
    """a ** b elementwise on arrays or numbers, with PyTorch's rule where NumPy raises: an
    integer to a negative integer power is 1/aⁿ rounded toward 0 (1 for 1, ±1 for -1, else 0)."""
    ints = np.asarray(a).dtype.kind == "i" and np.asarray(b).dtype.kind == "i"
    if not ints or not (np.asarray(b) < 0).any():
        return np.power(a, b)
    a, b = np.asarray(a), np.asarray(b)
    negative = b < 0
    inverse = np.where(a == 1, 1, np.where(a == -1, 1 - 2 * (b % 2), 0))
    return np.where(negative, inverse, np.power(a, np.where(negative, 0, b)))


class PowTensor(Function):
    """z = a ** b for tensors   dz/da = b · a^(b-1), dz/db = a^b · ln(a)"""

    node_name = "PowBackward1"
    ufunc = power
    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return power(data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        a, b, z = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            local = b * a ** (b - 1)
            if (data(b) == 0).any():  # 0 ** -1 is inf: PyTorch defines the term as 0 where b == 0
                local = local.masked_fill(b == 0, 0.0)
            grad_a = unbroadcast(grad * local, a.shape)
        if ctx.needs_input_grad[1]:
            # where a == 0 the log is -inf, but z is 0 there: PyTorch defines the term as 0
            log_a = a.log().masked_fill(a == 0, 0.0) if (data(a) == 0).any() else a.log()
            grad_b = unbroadcast(grad * z * log_a, b.shape)
        return grad_a, grad_b


class RPow(Function):
    """z = c ** b for a number c (``2 ** x``)   dz/db = c^b · ln(c)"""

    node_name = "PowBackward2"
    array_backward = True
    save_output = True

    @staticmethod
    def forward(ctx, b, c):
        ctx.c = c
        return power(c, data(b))

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        return grad * z * float(np.log(ctx.c)), None


def _integer_division(ufunc):
    """``ufunc`` (// or %), refusing to divide integers by 0 as PyTorch does (NumPy would warn
    and give 0). Floats divided by 0 give inf or nan, as in PyTorch."""

    def divide(a, b):
        if np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iub":
            if not np.all(b):
                raise RuntimeError(
                    "ZeroDivisionError. An integer was divided by 0: check the divisor, or "
                    "divide floats (x.float()), which gives inf."
                )
        return ufunc(a, b)

    return divide


floor_divide = _integer_division(np.floor_divide)
remainder = _integer_division(np.remainder)


class Remainder(Function):
    """z = a mod b, with the sign of b (Python's %)   dz/da = 1, dz/db = -floor(a / b)"""

    node_name = "RemainderBackward1"
    array_backward = True
    ufunc = remainder

    @staticmethod
    def forward(ctx, a, b):
        need_b = (ctx.needs_input_grad or (False, False))[1]
        ctx.save_for_backward(a if need_b else None, b if need_b else None)
        ctx.shapes = (a._data.shape, b._data.shape)
        return remainder(a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        return (
            unbroadcast(grad, a_shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-grad * floor(a / b), b_shape) if ctx.needs_input_grad[1] else None,
        )


class RemainderScalar(Function):
    """z = a mod c for a number c (``x % 2``)   dz/da = 1"""

    node_name = "RemainderBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, a, c):
        return remainder(data(a), c)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class FloorDivide(Function):
    """z = floor(a / b) (``a // b``). PyTorch gives it no derivative: it is recorded, and a
    backward through it is an error."""

    node_name = "NotImplemented"
    ufunc = floor_divide

    @staticmethod
    def forward(ctx, a, b):
        return floor_divide(data(a), data(b))

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(
            "derivative for aten::floor_divide is not implemented. A floor has no useful "
            "gradient: compute the loss from a / b instead, or detach() the quotient."
        )
