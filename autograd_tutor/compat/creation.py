"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``arange``, ... with PyTorch's dtype rules:
Python floats give float32, ints give int64, bools give bool; NumPy arrays keep their dtype."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from ..kernel.tensor import Tensor
from . import dtype as _dtype
from .checks import _shape_args


def _python_dtype(data: Any) -> _dtype.dtype:
    """The dtype PyTorch infers from (nested lists of) Python numbers."""
    kinds = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Tensor):
            kinds.add(item.dtype._rank)
        elif isinstance(item, (bool, np.bool_)):
            kinds.add(0)
        elif isinstance(item, numbers.Integral):
            kinds.add(1)
        elif isinstance(item, numbers.Real):
            kinds.add(2)
        elif item is None:
            raise RuntimeError(
                "Could not infer dtype of NoneType. Every element must be a number; "
                "replace the None values (e.g. with float('nan'))."
            )
        elif isinstance(item, str):
            raise TypeError(
                f"new(): invalid data type '{type(item).__name__}'. A tensor holds numbers only: "
                "convert the data first (e.g. float(s) for a string)."
            )
        else:
            raise RuntimeError(
                f"Could not infer dtype of {type(item).__name__}. A tensor holds numbers only: "
                "convert the data to numbers or nested lists of numbers first."
            )
    top = max(kinds, default=2)
    return (_dtype.bool_, _dtype.default_int, _dtype.default_float)[top]


def _check_ragged(data: Any) -> None:
    """ValueError (as PyTorch) for lists whose rows have different lengths."""
    level = [data]
    dim = 0
    while level and all(isinstance(x, (list, tuple)) for x in level):
        lengths = {len(x) for x in level}
        if len(lengths) > 1:
            first = len(level[0])
            bad = next(len(x) for x in level if len(x) != first)
            raise ValueError(
                f"expected sequence of length {first} at dim {dim} (got {bad}). All rows of a "
                "nested list must have the same length."
            )
        level = [y for x in level for y in x]
        dim += 1
    if any(isinstance(x, (list, tuple)) for x in level):
        gist = (
            "not a sequence"
            if isinstance(level[0], (list, tuple))
            else "'list' object cannot be interpreted as an integer"
        )
        raise TypeError(
            f"{gist}. At dim {dim} some elements are lists and others numbers: all rows of a "
            "nested list must have the same depth."
        )


def _from_python(data: Any, dtype: _dtype.dtype | None) -> np.ndarray:
    """Numbers and nested lists: let NumPy parse them, then apply PyTorch's dtype defaults."""
    try:
        arr, error = np.array(data), None
    except ValueError as e:
        arr, error = None, e
    if error is not None:  # checked outside the except block: no chained NumPy traceback
        _check_ragged(data)
        raise error
    if arr.dtype.kind not in "fiub":  # None, strings, ...: explain what is wrong
        _check_ragged(data)
        if isinstance(data, (list, tuple)) and isinstance(_first_number(data), str):
            raise ValueError(
                "too many dimensions 'str'. A tensor holds numbers only: convert the strings "
                "first (e.g. [float(s) for s in strings])."
            )
        _python_dtype(data)
    default = {"f": _dtype.default_float, "b": _dtype.bool_}.get(arr.dtype.kind, _dtype.default_int)
    if arr.dtype == np.float64 and isinstance(_first_number(data), (np.float64, np.ndarray)):
        default = _dtype.float64  # NumPy float64 scalars keep their dtype, as in PyTorch
    return arr.astype((dtype or default).numpy, copy=False)


def _first_number(data: Any) -> Any:
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested list, array or tensor)."""
    if dtype is None and type(data) is list and all(type(v) is float for v in data):
        t = Tensor._make(np.array(data, _dtype.default_float.numpy))  # the common case, fast
        if requires_grad:
            t._requires_grad = True
        return t
    dtype = _dtype.to_dtype(dtype)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()"
            ".clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        arr = np.array(data._data, copy=True)
    elif isinstance(data, np.ndarray) or isinstance(data, np.generic):
        _dtype.from_numpy_dtype(data.dtype)
        arr = np.array(data, copy=True)
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        if any(isinstance(x, Tensor) and x._data.size != 1 for x in data):
            raise ValueError(
                "only one element tensors can be converted to Python scalars. To make one "
                "tensor of several, use torch.stack(tensors) (a new dim) or torch.cat(tensors)."
            )
        inferred = _python_dtype(data)
        items = [x._data.reshape(()) if isinstance(x, Tensor) else x for x in data]
        arr = np.array(items, dtype=(dtype or inferred).numpy)
    else:
        arr = _from_python(data, dtype)
    if dtype is not None and arr.dtype != dtype.numpy:
        arr = arr.astype(dtype.numpy)
    t = Tensor._make(arr)
    if requires_grad:
        _require_grad(t)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    dtype = _dtype.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.numpy):
        _dtype.from_numpy_dtype(data.dtype)
        return Tensor._make(data)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _dtype.from_numpy_dtype(array.dtype)
    return Tensor._make(array)


def _filled(
    size: tuple, value: Any, dtype: Any, requires_grad: bool, default: Any = None
) -> Tensor:
    dt = _dtype.to_dtype(dtype) or default or _dtype.default_float
    shape = _shape_args(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}. "
            "Sizes must be zero or positive."
        )
    t = Tensor._make(np.full(shape, value, dtype=dt.numpy))
    if requires_grad:
        _require_grad(t)
    return t


def zeros(
    *dims: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    return _filled(_size_argument("zeros", dims, size), 0, dtype, requires_grad)


def ones(
    *dims: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    return _filled(_size_argument("ones", dims, size), 1, dtype, requires_grad)


def empty(
    *dims: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uninitialised in PyTorch; zeros here, so results never depend on leftover memory."""
    return _filled(_size_argument("empty", dims, size), 0, dtype, requires_grad)


def _size_argument(name: str, dims: tuple, size: Any) -> tuple:
    """The shape, given as ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    if size is None:
        size_args = dims
    elif dims:
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got the size twice. "
            f"Pass it once: {name}(2, 3) or {name}(size=(2, 3))."
        )
    else:
        size_args = (size,)
    for a in size_args:
        if not isinstance(a, (int, np.integer, tuple, list, Tensor)):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                f"{type(a).__name__}. Sizes are whole numbers: use int(...) on computed sizes."
            )
    if name == "zeros" and any(isinstance(a, int) and a < 0 for a in size_args):
        raise RuntimeError(
            "zeros: Dimension size must be non-negative. Sizes must be zero or positive."
        )
    return size_args


def _require_grad(t: Tensor) -> None:
    """``requires_grad=True`` at creation (PyTorch's creation functions word the error on
    integer dtypes differently from ``x.requires_grad_()``)."""
    if t._data.dtype.kind != "f":
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients. This "
            f"tensor has dtype {t.dtype}: create it from floats (e.g. torch.tensor([2.0]) "
            "rather than torch.tensor([2])) or pass dtype=torch.float32."
        )
    t.requires_grad = True


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    default = _python_dtype(fill_value) if not isinstance(fill_value, np.generic) else None
    return _filled(
        (size,) if isinstance(size, int) else tuple(size), fill_value, dtype, requires_grad, default
    )


def _like(t: Tensor, value: Any, dtype: Any, requires_grad: bool) -> Tensor:
    return _filled(tuple(t.shape), value, dtype or t.dtype, requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    return _like(input, 1, dtype, requires_grad)


def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def full_like(
    input: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False, **_: Any
) -> Tensor:
    return _like(input, fill_value, dtype, requires_grad)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Numbers from ``start`` up to (not including) ``end`` in steps of ``step``."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError(
            "step must be nonzero. Use a positive step to count up, a negative one to count down."
        )
    if (end - start) * step < 0:
        raise RuntimeError(
            "upper bound and lower bound inconsistent with step sign. Use a negative step to "
            f"count down from {start} to {end}, or swap the bounds."
        )
    if type(start) is int and type(end) is int and type(step) is int:
        default = _dtype.default_int  # the common case, without inspecting the values
    else:
        default = _python_dtype([start, end, step])
    dt = _dtype.to_dtype(dtype) or default
    t = Tensor._make(np.arange(start, end, step).astype(dt.numpy, copy=False))
    if requires_grad:
        _require_grad(t)
    return t


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced numbers from ``start`` to ``end`` (both included)."""
    dt = _dtype.to_dtype(dtype) or _dtype.default_float
    t = Tensor._make(np.linspace(start, end, steps).astype(dt.numpy))
    if requires_grad:
        _require_grad(t)
    return t


def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (ones on the diagonal)."""
    dt = _dtype.to_dtype(dtype) or _dtype.default_float
    t = Tensor._make(np.eye(n, m, dtype=dt.numpy))
    if requires_grad:
        _require_grad(t)
    return t
