"""Data types with PyTorch's names, backed by NumPy dtypes, and PyTorch's promotion rules."""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:
    """A tensor's element type, e.g. ``float32``. Prints as PyTorch does: ``torch.float32``."""

    __slots__ = ("name", "numpy", "is_floating_point", "_rank", "_scalar_name")

    def __init__(self, name: str, numpy_dtype: type, rank: int, scalar_name: str) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        # rank orders the categories used in promotion: bool < integers < floating point
        self._rank = rank
        self._scalar_name = scalar_name  # PyTorch's name in messages: "Float" (torch.FloatTensor)

    @property
    def itemsize(self) -> int:
        return self.numpy.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        """Copies and pickles of a dtype are the dtype itself (looked up by variable name)."""
        return "bool_" if self.name == "bool" else self.name


bool_ = dtype("bool", np.bool_, 0, "Bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte")
int8 = dtype("int8", np.int8, 1, "Char")
int16 = dtype("int16", np.int16, 1, "Short")
int32 = dtype("int32", np.int32, 1, "Int")
int64 = dtype("int64", np.int64, 1, "Long")
float16 = dtype("float16", np.float16, 2, "Half")
float32 = dtype("float32", np.float32, 2, "Float")
float64 = dtype("float64", np.float64, 2, "Double")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_BY_NUMPY = {d.numpy: d for d in ALL}

# How PyTorch's C++ messages name the dtypes ("expected ... but got: float != double").
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
              "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def cpp_name(d: dtype) -> str:
    """The C++ type name of ``d`` as PyTorch's messages write it: ``float``, ``long int``."""
    return _CPP_NAMES[d.name]


# The default dtypes PyTorch gives to Python floats and ints.
default_float = float32
default_int = int64


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """Our dtype for a NumPy dtype; TypeError (as PyTorch) for types a tensor cannot hold."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool. "
            "Convert your data to numbers first, e.g. with np.asarray(data, dtype=float)."
        ) from None


def of_array(array: np.ndarray) -> dtype:
    """The dtype of an array (fast path of ``from_numpy_dtype``)."""
    found = _BY_NUMPY.get(array.dtype)
    return found if found is not None else from_numpy_dtype(array.dtype)


def to_dtype(d: dtype | type | None) -> dtype | None:
    """A ``dtype=`` argument: one of ours, or a Python type (``float`` -> float64, as PyTorch).
    Strings and NumPy types are refused, as PyTorch refuses them."""
    if d is None or isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    shown = repr(d) if isinstance(d, str) else getattr(d, "__name__", repr(d))
    raise TypeError(
        f"argument 'dtype' must be torch.dtype, not {type(d).__name__}. Write torch.float32 "
        f"(or torch.float64, torch.int64, torch.bool), not {shown}."
    )


def promote(a: dtype, b: dtype) -> dtype:
    """Result type of a binary op between two tensors (PyTorch: the higher category wins)."""
    if a is b:
        return a
    if a._rank != b._rank:
        return a if a._rank > b._rank else b
    return _BY_NUMPY[np.promote_types(a.numpy, b.numpy)]


def promote_operands(a: dtype, a_is_0d: bool, b: dtype, b_is_0d: bool) -> dtype:
    """Result type of ``a op b`` for tensors: a 0-d tensor decides only when it is of a higher
    category than the other (``float32 vector + float64 0-d`` stays float32, as in PyTorch)."""
    if a_is_0d != b_is_0d and a._rank == b._rank:
        return b if a_is_0d else a
    return promote(a, b)


def promote_scalar(a: dtype, scalar: object) -> dtype:
    """Result type of ``tensor op number``: the number matters only if of a higher category."""
    if isinstance(scalar, bool):
        return a
    if isinstance(scalar, (int, np.integer)):
        return a if a._rank >= 1 else default_int
    return a if a._rank >= 2 else default_float


def type_string(t: Any) -> str:
    """PyTorch's name of a tensor's type, e.g. ``"torch.FloatTensor"``."""
    return f"torch.{t.dtype._scalar_name}Tensor"
