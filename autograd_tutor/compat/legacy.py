"""Names that older tutorials still use, and the default-device switches.

* ``Variable(tensor, requires_grad=True)``: before PyTorch 0.4 (2018) a tensor could not record
  operations; it had to be wrapped in a ``Variable``. Tensors and Variables have since been
  merged: ``Variable(t)`` simply returns a tensor with ``t``'s values (shared, not copied), and
  every tensor counts as a Variable (``isinstance(t, Variable)`` is True).
* ``torch.FloatTensor([1, 2])``, ``torch.LongTensor(2, 3)``, ...: one constructor per dtype.
  Today write ``torch.tensor(data, dtype=...)`` or ``torch.empty(2, 3, dtype=...)``.
  ``isinstance(t, torch.FloatTensor)`` tests the dtype, as in PyTorch.
* ``set_default_device`` / ``get_default_device``: there is only the CPU here, so only
  ``"cpu"`` (or ``None``) can be set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtype as _dtype
from .creation import tensor
from .tensor_api import Size, Tensor, device


class _VariableMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: the pre-0.4 wrapper; returns a tensor that shares
    ``data``'s values, as a new leaf (no ``grad_fn``)."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Variable data has to be a tensor, but got {type(data).__name__}. Variable is "
                "no longer needed: write torch.tensor(data, requires_grad=True)."
            )
        return data.detach().requires_grad_(requires_grad)


class _TensorType(type):
    """The class of ``torch.FloatTensor`` and its siblings: calling one makes a tensor of its
    dtype; ``isinstance`` tests a tensor's dtype."""

    dtype: _dtype.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args: Any, device: Any = None, **kwargs: Any) -> Any:
        """``FloatTensor()`` (empty), ``FloatTensor(2, 3)`` or ``FloatTensor(torch.Size(...))``
        (uninitialised: zeros here), ``FloatTensor(data)``, ``FloatTensor(tensor)`` (shares it;
        the dtype must already match)."""
        if kwargs:
            got = ", ".join([type(a).__name__ for a in args] + [f"{k}=" + type(v).__name__
                                                                for k, v in kwargs.items()])
            raise TypeError(
                f"new() received an invalid combination of arguments - got ({got}), but "
                "expected one of:\n * (*, torch.device device = None)\nWrite "
                f"torch.tensor(data, dtype=torch.{cls.dtype.name}, ...) to pass other options."
            )
        if device is not None:
            _check_device(device)
        dt = cls.dtype
        if not args or all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return Tensor._make(np.zeros(args or (0,), dt.numpy))
        (data,) = args
        if isinstance(data, Size):
            return Tensor._make(np.zeros(tuple(data), dt.numpy))
        if isinstance(data, Tensor):
            if data.dtype is not dt:
                raise TypeError(
                    f"expected {_options(dt)} (got {_options(data.dtype)}). Convert it with "
                    f"t.to(torch.{dt.name})."
                )
            return data
        if isinstance(data, str):
            raise TypeError(
                "new(): invalid data type 'str'. Pass numbers: torch.tensor([1.0, 2.0])."
            )
        return tensor(data, dtype=dt)


def _options(dt: _dtype.dtype) -> str:
    return (
        f"TensorOptions(dtype={_dtype.cpp_name(dt)}, device=cpu, layout=Strided, "
        "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))"
    )


def _tensor_type(dt: _dtype.dtype) -> _TensorType:
    return _TensorType(f"{dt._scalar_name}Tensor", (), {"dtype": dt, "is_cuda": False})


FloatTensor = _tensor_type(_dtype.float32)
DoubleTensor = _tensor_type(_dtype.float64)
HalfTensor = _tensor_type(_dtype.float16)
ByteTensor = _tensor_type(_dtype.uint8)
CharTensor = _tensor_type(_dtype.int8)
ShortTensor = _tensor_type(_dtype.int16)
IntTensor = _tensor_type(_dtype.int32)
LongTensor = _tensor_type(_dtype.int64)
BoolTensor = _tensor_type(_dtype.bool_)

# PyTorch's device types, in the order its error message lists them.
_DEVICE_TYPES = (
    "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
    "vulkan, mps, meta, hpu, mtia, privateuseone"
)


def _check_device(where: Any) -> device:
    """``where`` as a device: the CPU, or PyTorch's error for a device this machine lacks."""
    if isinstance(where, device):
        return where
    kind = str(where).split(":")[0]
    if kind not in _DEVICE_TYPES.split(", "):
        raise RuntimeError(
            f"Expected one of {_DEVICE_TYPES} device type at start of device string: {where}. "
            "autograd_tutor computes on the CPU: use 'cpu'."
        )
    if kind == "cuda":
        raise AssertionError(
            "Torch not compiled with CUDA enabled. autograd_tutor computes on the CPU: use "
            "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')."
        )
    return device(kind)


def set_default_device(device: Any) -> None:
    """Where new tensors are created. Only ``"cpu"`` (or ``None``, the default) exists here;
    a GPU device raises the error PyTorch gives on a machine without one."""
    if device is not None:
        _check_device(device)


def get_default_device() -> device:
    """``device(type='cpu')``: the only device autograd_tutor computes on."""
    return device("cpu")


__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "Variable",
    "get_default_device",
    "set_default_device",
]
