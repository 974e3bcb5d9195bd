"""Argument checks with PyTorch's error texts (each with a hint at the fix).

NumPy would often accept what PyTorch refuses, or refuse it with another message: these
functions make the package fail where PyTorch fails, and say so in PyTorch's words.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..kernel.tensor import Tensor
from ..ops import arithmetic as A
from . import dtype as _dtype


def _check_grad(tensor: Tensor, value: Any) -> None:
    """``tensor.grad = value``: a Tensor of ``tensor``'s shape and dtype, or PyTorch's error."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}. Wrap it with torch.tensor(...)."
        )
    if value.shape != tensor.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
            f"of size '{list(tensor.shape)}'. Please ensure that the gradient and the "
            "tensor are the same size"
        )
    if value.dtype is not tensor.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{_dtype.cpp_name(value.dtype)}' "
            f"to a tensor with grad_dtype '{tensor.dtype._scalar_name}'. The gradient must "
            "match the tensor's grad_dtype (defaults to the tensor's dtype). Convert it "
            "first, e.g. grad.to(x.dtype)."
        )


def _view_of_leaf_error() -> RuntimeError:
    return RuntimeError(
        "a view of a leaf Variable that requires grad is being used in an in-place operation. "
        "Change it inside `with torch.no_grad():`, or work on a copy (x.clone())."
    )


def _array_on_left(symbol: str) -> TypeError:
    """``array * t`` is a TypeError in PyTorch (``t * array`` is allowed)."""
    return TypeError(
        f"unsupported operand type(s) for {symbol}: 'numpy.ndarray' and 'Tensor'. Make the "
        f"array a tensor first: torch.tensor(array) {symbol} t."
    )


def _check_int(n: Any) -> None:
    """PyTorch first turns a Python int operand into a 64-bit integer, so a larger one is an
    error (NumPy would quietly make it inf)."""
    if type(n) is int and not -(2**63) <= n < 2**64:
        gist = "int too big to convert" if n > 0 else "can't convert negative int to unsigned"
        raise OverflowError(
            f"{gist}. A tensor operand must fit in 64 bits: use a float (1e40) for a huge "
            "value, which becomes inf if the tensor's dtype cannot hold it."
        )


def _check_index(index: Any, size: int, fn: str) -> np.ndarray:
    """The int64 array of an ``index`` tensor for ``index_select`` / ``index_add_`` along a dim
    of ``size`` elements, or PyTorch's error: integers only, each in ``0 <= i < size``."""
    values = index._data if isinstance(index, Tensor) else np.asarray(index)
    if values.dtype.kind not in "iu":
        expected = "int32 or int64" if fn == "index_select" else "int32/int64"
        got = "" if fn == "index_select" else f" but got: {_dtype.of_array(values)._scalar_name}"
        raise RuntimeError(
            f"{fn}(): Expected dtype {expected} for index{got}. Make the index an integer "
            "tensor: torch.tensor([0, 2]) or index.long()."
        )
    if values.size and (values.min() < 0 or values.max() >= size):
        raise IndexError(
            f"index out of range in self. Every index must be in 0..{size - 1}, the length "
            "of that dimension."
        )
    return values.astype(np.int64, copy=False)


def _dim(d: int, ndim: int) -> int:
    """Normalise a possibly negative dim; IndexError (as PyTorch) when out of range."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d}). "
            f"This tensor has {ndim} dimension(s): use a dim from {-n} to {n - 1}."
        )
    return d % n


def _check_subtraction(fn: Any, a: np.dtype, b: np.dtype) -> None:
    """PyTorch refuses ``-`` on bools (NumPy computes some of it, or raises a TypeError)."""
    bools = [a.kind, b.kind].count("b")
    if fn is not A.Sub or not bools:
        return
    if bools == 2:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    raise RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
        "to invert a mask, use the `~` or `logical_not()` operator instead."
    )


def _dims(dim: Any, ndim: int) -> tuple:
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    normalised = [_dim(d, ndim) for d in dims]
    for d in normalised:
        if normalised.count(d) > 1:
            raise RuntimeError(
                f"dim {d} appears multiple times in the list of dims. Give each dim once "
                "(dim=-1 and dim=ndim-1 are the same dim)."
            )
    return tuple(sorted(normalised))


def _shape_args(args: tuple) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):  # Size is a tuple
        args = tuple(args[0])
    sizes = []
    for a in args:
        try:
            sizes.append(operator.index(a))
        except TypeError:
            raise TypeError(
                f"argument 'size' must be tuple of ints, but found element of type "
                f"{type(a).__name__}. Sizes are whole numbers: use int(...) on computed sizes."
            ) from None
    return tuple(sizes)


def _check_reshape(shape: tuple, numel: int) -> tuple:
    if shape.count(-1) > 1:
        raise RuntimeError(
            "only one dimension can be inferred. Give every size but one (which may be -1)."
        )
    known = math.prod(s for s in shape if s != -1)
    if (-1 not in shape and known != numel) or (-1 in shape and (known == 0 or numel % known)):
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {numel}. The new shape must "
            "have the same number of elements (at most one dimension may be -1)."
        )
    return shape


def _check_broadcast(a: tuple, b: tuple, expand: bool = False) -> None:
    for i in range(1, min(len(a), len(b)) + 1):
        x, y = a[-i], b[-i]
        if x != y and x != 1 and (y != 1 or expand):
            if expand:
                raise RuntimeError(
                    f"The expanded size of the tensor ({y}) must match the existing size ({x}) "
                    f"at non-singleton dimension {len(b) - i}.  Target sizes: {list(b)}.  "
                    f"Tensor sizes: {list(a)}. Only dimensions of size 1 can be expanded: make the "
                    "shapes match (reshape or unsqueeze)."
                )
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {max(len(a), len(b)) - i}. Shapes {list(a)} and "
                f"{list(b)} cannot be broadcast: line up the shapes from the right; each pair "
                "of sizes must be equal or one of them 1 (reshape or unsqueeze one tensor)."
            ) from None  # called while handling NumPy's error: this one replaces it


def _check_matmul(a: tuple, b: tuple) -> None:
    if len(a) == 0 or len(b) == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(a)}D and "
            f"{len(b)}D. Use * to multiply by a scalar."
        )
    if len(a) == 1 and len(b) == 1:
        if a[0] != b[0]:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have "
                f"the same number of elements, but got {a[0]} and {b[0]} elements respectively. "
                "A dot product needs two vectors of the same length."
            )
        return
    inner_b = b[0] if len(b) == 1 else b[-2]
    if len(a) == 2 and len(b) == 1 and a[-1] != b[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec ({b[0]}). For "
            "matrix @ vector the vector's length must equal the matrix's number of columns."
        )
    if a[-1] != inner_b:
        rows = a[-2] if len(a) > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a[-1]} and "
            f"{inner_b}x{b[-1] if len(b) > 1 else 1}). For A @ B the number of columns of A "
            "must equal the number of rows of B: transpose one of them (.T) or fix the shapes."
        )


def _np_index(index: Any, shape: tuple) -> Any:
    """Translate a PyTorch index into a NumPy one (tensors become arrays) and check bounds."""
    parts = index if isinstance(index, tuple) else (index,)
    if not shape and any(isinstance(p, (int, np.integer)) for p in parts):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number: it holds one "
            "value and has no elements to index."
        )
    out = []
    dim = 0
    for p in parts:
        if isinstance(p, Tensor):
            p = p._data
        elif isinstance(p, list):
            p = np.asarray(p)
        if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
            if dim >= len(shape):
                raise IndexError(
                    f"too many indices for tensor of dimension {len(shape)}. "
                    "Use as many indices as the tensor has dimensions, or fewer."
                )
            if not -shape[dim] <= p < shape[dim]:
                raise IndexError(
                    f"index {p} is out of bounds for dimension {dim} with size {shape[dim]}. "
                    f"Valid indices are 0..{shape[dim] - 1} (or negative from the end)."
                )
        elif isinstance(p, np.ndarray) and p.dtype.kind in "iu" and p.size and dim < len(shape):
            if p.max() >= shape[dim] or p.min() < -shape[dim]:
                bad = p[(p >= shape[dim]) | (p < -shape[dim])]
                raise IndexError(
                    f"index {bad.flat[0]} is out of bounds for dimension {dim} with size "
                    f"{shape[dim]}. Valid indices are 0..{shape[dim] - 1} (or negative from the "
                    "end)."
                )
        if isinstance(p, slice) and p.step is not None and p.step <= 0:
            gist = "step must be greater than zero" if p.step else "slice step cannot be zero"
            raise ValueError(
                f"{gist}. Tensors cannot be sliced backwards as NumPy arrays can: use "
                "x.flip(dim) to reverse."
            )
        if p is not None and p is not Ellipsis:
            dim += p.ndim if isinstance(p, np.ndarray) and p.dtype == bool else 1
        out.append(p)
    return tuple(out) if isinstance(index, tuple) else out[0]
