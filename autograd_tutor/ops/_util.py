"""Helpers shared by the ops."""

from __future__ import annotations

from typing import Any


def data(x: Any) -> Any:
    """The NumPy array inside a tensor (numbers pass through unchanged)."""
    return getattr(x, "_data", x)


def keep_float(out: Any, dtype: Any) -> Any:
    """``out``, computed from a float array of ``dtype`` and Python numbers, in that ``dtype``.

    PyTorch (and NumPy 2, NEP 50) let the numbers take the tensor's dtype. NumPy 1.x treats a
    0-d array like a number, so there ``float32 0-d array ** 2.5`` comes out float64.
    """
    return out.astype(dtype) if dtype.kind == "f" and out.dtype != dtype else out


def unbroadcast(grad: Any, shape: tuple) -> Any:
    """Sum ``grad`` back to ``shape``, undoing broadcasting.

    If ``a`` (shape (3,)) was broadcast against ``b`` (shape (2, 3)), each element of ``a``
    was used twice, once per row, so its gradient is the sum over the rows.
    """
    return grad if grad._data.shape == shape else grad.sum_to_size(shape)
