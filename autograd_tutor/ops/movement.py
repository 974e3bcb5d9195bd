"""Ops that move elements around without changing them: reshape, transpose, squeeze,
expand, repeat, flip, indexing, cat, stack. Their backward moves the gradient back to where
each element came from."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..kernel.function import Function
from ._util import ARRAYS, data, scatter, scatter_add, unbroadcast, zeros_like
from .select import Where


class View(Function):
    """y = x with a new shape   dL/dx = dL/dy reshaped back"""

    node_name = "ViewBackward0"
    array_backward = True
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.reshape(data(x), shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class Transpose(Function):
    """y = x with dims d0 and d1 swapped   dL/dx = dL/dy swapped back"""

    node_name = "TransposeBackward0"
    array_backward = True
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return np.swapaxes(data(x), d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return grad.swapaxes(*ctx.dims), None, None


class T(Transpose):
    node_name = "TBackward0"


class Permute(Function):
    """y = x with its dims reordered   dL/dx = dL/dy with the inverse order"""

    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(data(x), dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(*ctx.inverse), None


class Squeeze(Function):
    """remove size-1 dims   dL/dx = dL/dy reshaped back"""

    node_name = "SqueezeBackward0"
    array_backward = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.shape = x.shape
        return np.squeeze(data(x), axis=dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class Unsqueeze(Function):
    """insert a size-1 dim   dL/dx = dL/dy with that dim removed"""

    node_name = "UnsqueezeBackward0"
    array_backward = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.expand_dims(data(x), dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


class Expand(Function):
    """repeat size-1 dims without copying   dL/dx = dL/dy summed over the repeats"""

    node_name = "ExpandBackward0"
    array_backward = True
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.broadcast_to(data(x), shape)

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape), None


def expand(grad, shape: tuple):
    """``grad`` (an array or a Tensor) repeated along its size-1 dims to ``shape``."""
    if isinstance(grad, ARRAYS):  # a copy: np.broadcast_to's view costs more to make
        out = np.empty(shape, grad.dtype)
        out[...] = grad
        return out
    return Expand.apply(grad, shape)


class Repeat(Function):
    """y = x tiled ``repeats`` times along each dim   dL/dx = the sum over the tiles of dL/dy
    (every element of x appears once in each tile)"""

    node_name = "RepeatBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, repeats):
        x = data(x)
        ctx.shape = x.shape
        return np.tile(x.reshape((1,) * (len(repeats) - x.ndim) + x.shape), repeats)

    @staticmethod
    def backward(ctx, grad):
        repeats = grad.shape[: grad.ndim - len(ctx.shape)]  # dims added in front
        padded = (1,) * len(repeats) + ctx.shape
        tiles = [n // size for n, size in zip(grad.shape, padded)]
        # split every dim into (tile, position within the tile), then add up the tiles
        split = grad.reshape(tuple(v for pair in zip(tiles, padded) for v in pair))
        return split.sum(tuple(range(0, split.ndim, 2))).reshape(ctx.shape), None


class Flip(Function):
    """y = x in reverse order along ``dims``   dL/dx = dL/dy reversed back the same way"""

    node_name = "FlipBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(data(x), dims).copy()  # a new tensor, as in PyTorch (not a view)

    @staticmethod
    def backward(ctx, grad):
        if isinstance(grad, ARRAYS):
            return np.flip(grad, ctx.dims), None
        return Flip.apply(grad, ctx.dims), None


class Index(Function):
    """y = x[index]   dL/dx = zeros with dL/dy added at the indexed places

    ``np.add.at`` adds, so an element picked twice (``x[[0, 0]]``) gets both gradients.
    """

    node_name = "IndexBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return data(x)[index]

    @staticmethod
    def backward(ctx, grad):
        return scatter_add(ctx.shape, ctx.index, grad), None


class Select(Index):
    """``x[1]``, ``x[:, 0]``: a basic index, which picks each element at most once (a view)"""

    node_name = "SelectBackward0"
    is_view = True

    @staticmethod
    def backward(ctx, grad):
        return scatter(ctx.shape, ctx.index, grad), None


class Slice(Select):
    node_name = "SliceBackward0"


class NewAxis(Select):
    node_name = "UnsqueezeBackward0"


def index_function(index: object) -> type[Index]:
    """PyTorch names the node by the kind of index: x[0] or x[:, 0] select, x[1:3] slice,
    x[None] unsqueeze, lists/tensors/masks index."""
    parts = index if isinstance(index, tuple) else (index,)
    if not all(isinstance(p, (int, slice)) or p is None or p is Ellipsis for p in parts):
        return Index
    active = [p for p in parts if p is not Ellipsis and p != slice(None)]
    if active and all(p is None for p in active):
        return NewAxis
    if active and all(isinstance(p, int) for p in active):
        return Select
    return Slice


class IndexPut(Function):
    """y = x with y[index] = values (or += values)
    dL/dx = dL/dy (zeroed at index unless accumulating),  dL/dvalues = dL/dy[index]"""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, index, values, accumulate):
        ctx.index, ctx.accumulate, ctx.values_shape = index, accumulate, values.shape
        out = np.array(data(x), copy=True)
        if accumulate:
            np.add.at(out, index, data(values))
        else:
            out[index] = data(values)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad_v = None
        if ctx.needs_input_grad[0]:
            grad_x = grad if ctx.accumulate else grad._index_put(ctx.index, grad.new_zeros(()))
        if ctx.needs_input_grad[2]:
            grad_v = unbroadcast(grad[ctx.index], ctx.values_shape)
        return grad_x, None, grad_v, None


class CopySlices(IndexPut):
    """``x[index] = values`` on a tensor in the graph: the in-place form of IndexPut."""

    node_name = "CopySlices"


def replay_view(x, path):
    """Apply the view ops in ``path`` to ``x``: recorded for a tensor, a NumPy view of an array."""
    for op, args in path:
        x = op.apply(x, *args) if hasattr(x, "_data") else op.forward(SimpleNamespace(), x, *args)
    return x


class ViewCopy(Function):
    """y = base with the view ``path`` overwritten by ``values`` (an in-place op on a view)
    dL/dbase = dL/dy with the view's elements zeroed,  dL/dvalues = the view of dL/dy"""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, values, path):
        ctx.path = path
        out = np.array(data(base), copy=True)
        replay_view(out, path)[...] = data(values)
        return out

    @staticmethod
    def backward(ctx, grad):
        in_view = np.zeros(grad.shape, dtype=bool)
        replay_view(in_view, ctx.path)[...] = True
        # The view's elements get their gradient through ``values``, which adds it at the base.
        # So -0.0 here, not 0.0: -0.0 + g is g for every g, -0.0 too (PyTorch copies g in).
        grad_base = Where.apply(in_view, grad.new_tensor(-0.0), grad)
        return grad_base, replay_view(grad, ctx.path), None


class Cat(Function):
    """y = x₁, x₂, ... joined along dim   dL/dxₖ = the slice of dL/dy that xₖ became"""

    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim, ctx.sizes = dim, [x.shape[dim] for x in xs]
        return np.concatenate([data(x) for x in xs], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *grad.split(ctx.sizes, ctx.dim))


class Stack(Function):
    """y = x₁, x₂, ... stacked along a new dim   dL/dxₖ = dL/dy[k] along that dim"""

    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return np.stack([data(x) for x in xs], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *grad.unbind(ctx.dim))


class Clone(Function):
    """y = a copy of x   dL/dx = dL/dy"""

    node_name = "CloneBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return np.array(data(x), copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Contiguous(Clone):
    """y = x copied into row order (``x.contiguous()`` of, e.g., a transpose)   dL/dx = dL/dy"""

    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ascontiguousarray(data(x))


class ToCopy(Function):
    """y = x converted to another dtype   dL/dx = dL/dy converted back"""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return data(x).astype(dtype.numpy)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.dtype), None


class Fill(Function):
    """y = a tensor of x's shape filled with a number   dL/dx = 0 (the old values are gone)"""

    node_name = "FillBackward2"
    array_backward = True

    @staticmethod
    def forward(ctx, x, value):
        out = np.empty_like(data(x))
        out.fill(value)
        return out

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


class Copy(Function):
    """y = src broadcast to x's shape (``x.copy_(src)``)   dL/dx = 0, dL/dsrc = dL/dy summed"""

    node_name = "CopyBackwards"
    array_backward = True

    @staticmethod
    def forward(ctx, x, src):
        ctx.src_shape = src.shape
        return np.broadcast_to(data(src), x.shape).astype(data(x).dtype)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), unbroadcast(grad, ctx.src_shape)
