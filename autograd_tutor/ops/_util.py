"""Helpers shared by the ops."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

ARRAYS = (np.ndarray, np.generic)  # what gradients are in a plain backward() (not Tensors)


def data(x: Any) -> Any:
    """The NumPy array inside a tensor (numbers pass through unchanged)."""
    return getattr(x, "_data", x)


def keep_float(out: Any, dtype: Any) -> Any:
    """``out``, computed from a float array of ``dtype`` and Python numbers, in that ``dtype``.

    PyTorch (and NumPy 2, NEP 50) let the numbers take the tensor's dtype. NumPy 1.x treats a
    0-d array like a number, so there ``float32 0-d array ** 2.5`` comes out float64.
    """
    if out.dtype is dtype:  # `is`: NumPy's built-in dtypes are single objects
        return out
    return out.astype(dtype) if dtype.kind == "f" and out.dtype != dtype else out


def unbroadcast(grad: Any, shape: tuple) -> Any:
    """Sum ``grad`` (an array or a Tensor) back to ``shape``, undoing broadcasting.

    If ``a`` (shape (3,)) was broadcast against ``b`` (shape (2, 3)), each element of ``a``
    was used twice, once per row, so its gradient is the sum over the rows.
    """
    if isinstance(grad, ARRAYS):
        return grad if grad.shape == shape else sum_to_size(grad, shape)
    return grad if grad._data.shape == shape else grad.sum_to_size(shape)


def sum_to_size(x: np.ndarray, shape: tuple) -> np.ndarray:
    """``x`` summed over the dims that broadcasting ``shape`` to ``x.shape`` stretched."""
    dims = broadcast_dims(x.shape, shape)
    if dims is None:
        raise RuntimeError(
            f"size {{{list(shape)}}} is not expandable to size {{{list(x.shape)}}}. "
            "sum_to_size needs a shape this tensor could have been broadcast from."
        )
    summed = np.add.reduce(x, axis=dims, keepdims=True)
    return summed if x.ndim == len(shape) else summed.reshape(shape)  # drop the added dims


@functools.lru_cache(maxsize=1024)  # the same few shape pairs come back at every step
def broadcast_dims(big: tuple, small: tuple) -> tuple | None:
    """The dims of ``big`` that broadcasting ``small`` to it added or stretched; None if
    ``small`` cannot be broadcast to ``big``."""
    lead = len(big) - len(small)  # dims added in front
    if lead < 0 or any(n != 1 and n != m for n, m in zip(small, big[lead:])):
        return None
    stretched = [lead + i for i, n in enumerate(small) if n == 1 and big[lead + i] != 1]
    return (*range(lead), *stretched)


def scatter_add(shape: tuple, index: Any, values: Any) -> Any:
    """Zeros of ``shape`` with ``values`` added at ``index`` (an array or a Tensor, as
    ``values``). Adding, not assigning: an element indexed twice gets both values."""
    if isinstance(values, ARRAYS):
        out = np.zeros(shape, values.dtype)
        np.add.at(out, index, values)
        return out
    return values.new_zeros(shape)._index_put(index, values, accumulate=True)


def scatter(shape: tuple, index: Any, values: Any) -> Any:
    """Zeros of ``shape`` with ``values`` written at ``index``, a basic index (ints, slices,
    None) that picks each element at most once, as a view does. Written, not added to 0, so
    that a gradient of -0.0 stays -0.0, as in PyTorch."""
    if isinstance(values, ARRAYS):
        out = np.zeros(shape, values.dtype)
        out[index] = values
        return out
    return values.new_zeros(shape)._index_put(index, values)


def zeros_like(x: Any) -> Any:
    """Zeros of ``x``'s shape and dtype (an array or a Tensor, as ``x``): the gradient of an
    input the output does not depend on. (``grad * 0`` would be -0.0 where ``grad`` < 0.)"""
    if isinstance(x, ARRAYS):
        return np.zeros_like(x)
    return x.new_zeros(x.shape)


def floor(x: Any) -> Any:
    """The largest integer <= x, of an array or a Tensor."""
    return np.floor(x) if isinstance(x, ARRAYS) else x.floor()


def exp(x: Any) -> Any:
    """e^x of an array or a Tensor."""
    return np.exp(x) if isinstance(x, ARRAYS) else x.exp()


def sum_keepdim(x: Any, dim: int) -> Any:
    """``x`` (an array or a Tensor) summed along ``dim``, which stays as size 1."""
    if isinstance(x, ARRAYS):
        return np.add.reduce(x, axis=dim, keepdims=True)
    return x.sum(dim, keepdim=True)
