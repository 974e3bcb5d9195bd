"""Ops that move elements to other places by index: sort, index_select, index_add.

Each backward sends every gradient back to the place its element came from. The same
indexing expression works on NumPy arrays and on Tensors, so these backwards are recorded too
(``create_graph=True``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.function import Function
from ._util import data, scatter_add


def along(dim: int, index: Any) -> tuple:
    """The index that picks ``index`` (an int array) along dim ``dim`` and everything of the
    dims before it: ``x[along(1, i)]`` is ``x[:, i]``."""
    return (slice(None),) * dim + (index,)


def sort_order(a: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Where each element of the sorted ``a`` comes from, along ``dim`` (int64). NaN counts as
    the largest value, as in PyTorch; equal values keep their order."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    if a.dtype.kind != "f":
        return np.argsort(-a.astype(np.int64), axis=dim, kind="stable")
    nan = np.isnan(a)  # first NaNs, then the others from the largest down
    return np.lexsort((np.where(nan, 0, -a), ~nan), axis=dim)


class Sort(Function):
    """values = x reordered by ``order`` along ``dim`` (see ``sort_order``)
    dL/dx at position ``order[k]`` = dL/dvalues[k] (a permutation, undone by its inverse)"""

    node_name = "SortBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dim, order):
        ctx.dim, ctx.order = dim, order
        return np.take_along_axis(data(x), order, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        inverse = np.argsort(ctx.order, axis=ctx.dim)
        return grad[_take_along(inverse, ctx.dim)], None, None


class SortStable(Sort):
    """``sort(..., stable=...)``: the same op, under the name PyTorch gives that overload."""

    node_name = "SortBackward1"


def _take_along(order: np.ndarray, dim: int) -> tuple:
    """The advanced index equal to ``np.take_along_axis(x, order, dim)``, as ``x[...]``."""
    grid = list(np.indices(order.shape, sparse=True))
    grid[dim] = order
    return tuple(grid)


class IndexSelect(Function):
    """y = x.index_select(dim, i)   dL/dx = zeros with dL/dy added back at ``i``"""

    node_name = "IndexSelectBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.where = x.shape, along(dim, data(index))
        return data(x)[ctx.where]

    @staticmethod
    def backward(ctx, grad):
        return scatter_add(ctx.shape, ctx.where, grad), None, None


class IndexAdd(Function):
    """y = x with ``alpha · source`` added at ``index`` along ``dim``
    dL/dx = dL/dy,   dL/dsource = alpha · dL/dy picked at ``index``"""

    node_name = "IndexAddBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dim, index, source, alpha):
        ctx.where, ctx.alpha = along(dim, data(index)), alpha
        out = data(x).copy()
        np.add.at(out, ctx.where, data(source) * alpha if alpha != 1 else data(source))
        return out

    @staticmethod
    def backward(ctx, grad):
        picked = grad[ctx.where]
        return grad, None, None, picked * ctx.alpha if ctx.alpha != 1 else picked, None
