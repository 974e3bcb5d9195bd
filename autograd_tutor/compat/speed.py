"""Optional shortcuts for when nothing is recorded (under ``no_grad``, and for the Tensor
operations inside a plain backward).

Each function here does, for one common case, exactly what the general path does, only with
less bookkeeping, and returns ``None`` for every other case, so that the general path (with all
of PyTorch's rules) runs. Setting ``enabled = False`` turns them all off;
``tests/test_speed.py`` checks that the results are the same either way.

Without them a training loop's update step (``w -= lr * w.grad``) costs about twice as much.

``cut_hook`` is the one hook a tool may set here: ``autograd.graph.watch`` (the visualiser)
sets it, to hear of results made without recording that ``Function.apply`` does not see (this
module's shortcut, and ``Tensor.detach``). ``None``, the default, costs one test.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..kernel.grad_mode import _Mode
from ..kernel.tensor import Tensor

enabled = True
cut_hook: Callable[[str, tuple, Tensor], None] | None = None  # (label, inputs, result)


def _fits_int64(n: Any) -> bool:
    """A Python number the general path accepts (a bigger int raises there: leave it to it)."""
    return type(n) is float or -(2**63) <= n < 2**64


def unrecorded_binary(op: Any, a: Tensor, other: Any) -> Tensor | None:
    """``op(a, other)`` as the op's NumPy ufunc alone, when nothing is recorded and the operands
    need no conversion: ``other`` is a Python number or a tensor of ``a``'s dtype, and the
    result keeps that dtype."""
    if not enabled or _Mode.enabled:
        return None
    if type(other) is float or type(other) is int:
        if not _fits_int64(other):
            return None
        values = op.ufunc(a._data, other)
    elif type(other) is Tensor and other._data.dtype is a._data.dtype:
        try:
            values = op.ufunc(a._data, other._data)
        except (ValueError, TypeError):  # shapes that do not broadcast, bool - bool
            return None
    else:
        return None
    if type(values) is not np.ndarray:
        values = np.asarray(values)  # a NumPy scalar, from 0-d operands
    if values.dtype is not a._data.dtype:
        return None  # int / int, or NumPy 1 on 0-d arrays: the general path has the dtype rules
    out = Tensor._make(values)
    if cut_hook is not None:  # only while the visualiser watches (autograd.graph.watch)
        cut_hook("no_grad", (a, other), out)
    return out


def update_in_place(t: Tensor, ufunc: Any, other: Any) -> bool:
    """``t = ufunc(t, other)`` in place for an optimizer step: under ``no_grad`` (so nothing is
    recorded and no in-place rule applies), with a tensor of ``t``'s dtype and shape or a
    number. Returns False in every other case, which the general in-place path handles."""
    if not enabled or _Mode.enabled or not t._data.flags.writeable:
        return False
    if type(other) is Tensor and other._data.dtype is t._data.dtype:
        other = other._data
    elif (type(other) is float or type(other) is int) and t._data.dtype.kind == "f":
        if not _fits_int64(other):
            return False
    else:
        return False
    try:
        result = ufunc(t._data, other)
    except (ValueError, TypeError):  # shapes that do not broadcast, bool - bool
        return False
    if type(result) is not np.ndarray or result.dtype is not t._data.dtype:
        return False  # int / int, or NumPy 1 on 0-d arrays: the general path has the dtype rules
    if result.shape != t._data.shape:
        return False
    t._data[...] = result  # not `out=`: slower than this on small arrays
    t._bump_version()
    return True
