"""PyTorch's Tensor API around the kernel's ``Tensor``: operators, methods, properties.

The kernel (``kernel/tensor.py``) holds a tensor's autograd state. Everything a PyTorch user
calls on a tensor (``x * y``, ``x.sum()``, ``x.reshape(...)``, ``x.shape``, ``repr(x)``) is
written here, in the class ``_TensorAPI``, and attached to the kernel's ``Tensor`` at the end
of this module (``_attach``): one class, as in PyTorch, built in two readable parts.

Methods only translate PyTorch's calling conventions (dtype rules, argument checks and
PyTorch's error texts, views and in-place rules) into ``Function.apply`` calls; the maths of
every op is in ``autograd_tutor/ops``.
"""

from __future__ import annotations

import copy
import functools
import types
import warnings
from collections import namedtuple
from typing import Any, Callable, Sequence

import numpy as np

from ..kernel.function import Function
from ..kernel.grad_mode import _Mode
from ..kernel.tensor import Tensor
from ..ops import arithmetic as A
from ..ops import indexing, linalg, movement, reduce, select, softmax, unary
from . import autograd_api, speed
from . import dtype as _dtype
from . import printing as _printing
from .checks import (
    _array_on_left,
    _check_broadcast,
    _check_grad,
    _check_index,
    _check_int,
    _check_matmul,
    _check_reshape,
    _check_subtraction,
    _dim,
    _dims,
    _np_index,
    _shape_args,
    _view_of_leaf_error,
)
from .random import rand, randn  # the package's generator, seeded by manual_seed

_MinMax = namedtuple("_MinMax", ["values", "indices"])


class Size(tuple):
    """A tensor's shape; a tuple that prints like PyTorch's ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def __getitem__(self, index: Any) -> Any:
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


class device:
    """Where a tensor lives. Always the CPU here; kept so that ``.to("cpu")`` code runs."""

    def __init__(self, type: str = "cpu") -> None:
        if str(type).split(":")[0] != "cpu":
            raise RuntimeError(
                f"autograd_tutor runs on the CPU only; got device '{type}'. "
                "Remove the .to(device)/.cuda() call or use device='cpu'."
            )
        self.type = "cpu"

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        return str(other) == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


_CPU = device()


class _AllDims:
    """The default ``dim`` of ``sum`` and ``mean``: PyTorch tells ``x.sum()`` from
    ``x.sum(dim=None)`` (same values, different node names), so the default cannot be None."""

    def __repr__(self) -> str:
        return "all"


_ALL = _AllDims()


_warned_float = False  # float(t) of a tensor that requires grad warns once


@functools.cache
def _binary_method(op: type[Function], reflected: str | None = None) -> Callable[..., Tensor]:
    """The method of a binary operator, made for its op: ``Tensor.__mul__`` is
    ``_binary_method(Mul)``, and calls ``Mul.apply`` itself. Around that call it applies
    PyTorch's rules: a number becomes a constant tensor, and the result gets PyTorch's dtype.
    ``reflected``: the operator's symbol, for ``2 * x`` (``x.__rmul__(2)``), where an array on
    the left is refused."""

    def method(self: Tensor, other: Any) -> Tensor:
        if reflected is not None and isinstance(other, np.ndarray):
            raise _array_on_left(reflected)
        if not _Mode.enabled:  # nothing to record: the op's NumPy ufunc alone may do (speed.py)
            out = speed.unrecorded_binary(op, self, other)
            if out is not None:
                return out
        b = other if isinstance(other, Tensor) else self._operand(other)
        try:
            out = op.apply(self, b)
        except ValueError:  # NumPy could not broadcast the shapes: say why, as PyTorch does
            _check_broadcast(self.shape, b.shape)
            raise
        except TypeError:  # NumPy has no bool - bool
            _check_subtraction(op, self._data.dtype, b._data.dtype)
            raise
        if self._data.dtype is b._data.dtype is out._data.dtype:  # the common case
            return out
        return _promoted_result(op, self, b, out)

    return method


def _promoted_result(op: type[Function], a: Tensor, b: Tensor, out: Tensor) -> Tensor:
    """``out = op(a, b)`` in the dtype PyTorch gives it (NumPy's promotion differs)."""
    _check_subtraction(op, a._data.dtype, b._data.dtype)
    want = _dtype.promote_operands(a.dtype, a._data.ndim == 0, b.dtype, b._data.ndim == 0)
    if op is A.Div and want._rank < 2:  # true division of integers gives floats
        want = _dtype.default_float
    return _cast_result(out, want)


class _TensorAPI:
    """PyTorch's Tensor API: attached to the kernel's ``Tensor`` by ``_attach`` at the end."""

    __hash__ = object.__hash__
    # NumPy defers to our reflected operators: np.float64(0.5) * t is a Tensor, as in PyTorch
    __array_priority__ = 1000

    def __init__(self, *args: Any) -> None:
        """``Tensor([1, 2])`` or ``Tensor(2, 3)`` (uninitialised), as the legacy PyTorch
        constructor; prefer ``torch.tensor(data)``."""
        if len(args) == 1 and not isinstance(args[0], int):
            self._set_fields(np.asarray(args[0], dtype=np.float32))
        else:  # Tensor() is empty: tensor([])
            self._set_fields(np.zeros(args or (0,), dtype=np.float32))

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A copy with its own values and ``.grad``; only leaves can be copied (a copy of a
        computed tensor would have to copy the graph behind it too)."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment. Copy the values with x.detach().clone(), "
                "or deepcopy the leaves (e.g. the model) before computing with them."
            )
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__getstate__(), memo))
        return new

    def __getstate__(self) -> dict:
        """What ``copy.deepcopy`` and ``pickle`` keep: every field but the two that belong to
        this very object (its leaf's AccumulateGrad, the views registered with it)."""
        return {**self.__dict__, "_accumulator": None, "_views": None}

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not self.is_leaf:
            raise RuntimeError(_LEAF_FLAGS_ONLY)
        if flag and self._data.dtype.kind != "f":
            self._refuse_grad("floating point and complex dtype")
        self._requires_grad = bool(flag)

    def _refuse_grad(self, kinds: str) -> None:
        """PyTorch's error for an integer tensor asked to require grad (the attribute says
        "floating point and complex dtype", ``requires_grad_()`` "floating point dtype")."""
        raise RuntimeError(
            f"only Tensors of {kinds} can require gradients. This tensor has dtype "
            f"{self.dtype}: create it from floats (e.g. torch.tensor([2.0]) rather than "
            "torch.tensor([2])) or convert it with .float()."
        )

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return the tensor."""
        if not self.is_leaf and not requires_grad:
            raise RuntimeError(_LEAF_FLAGS_ONLY)
        if requires_grad and self._data.dtype.kind != "f":
            self._refuse_grad("floating point dtype")
        if requires_grad and self._inference and not _Mode.inference:
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed. Make a normal tensor first: t = t.clone()."
            )
        if self.is_leaf:
            self.requires_grad = requires_grad
        return self

    @property
    def retains_grad(self) -> bool:
        """True once ``retain_grad()`` was called on this non-leaf tensor."""
        return self._retains_grad

    @property
    def grad(self) -> Tensor | None:
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)  # a Tensor of this shape and dtype
        self._grad = value

    @property
    def _version(self) -> int:
        if self._inference:
            raise RuntimeError(
                "Inference tensors do not track version counter. Use t.clone() (a normal "
                "tensor) if you need one."
            )
        return self._vc[0] if self._vc is not None else 0

    def is_inference(self) -> bool:
        """True for a tensor made inside ``inference_mode()``."""
        return self._inference

    def _check_inference_update(self) -> None:
        """Outside ``inference_mode()`` an inference tensor cannot be changed in place."""
        if self._inference and not _Mode.inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                "can make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details. Write "
                "t = t.clone() first, or make t outside inference_mode()."
            )

    def _view_path(self) -> list:
        """The view ops that turn ``self._base`` into this tensor, first op first."""
        path, t = [], self
        while t._view_of is not None:
            parent, op, args = t._view_of
            path.append((op, args))
            t = parent
        return path[::-1]

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph in place: it becomes a leaf."""
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead: v = v.detach() gives a new "
                "tensor with the same values, cut off from the graph."
            )
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The numbers without the autograd history (a tensor sharing memory)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data


    # ---------------------------------------------------------------- basic properties
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.of_array(self._data)

    @property
    def device(self) -> device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the length of one dimension."""
        return self.shape if dim is None else self._data.shape[_dim(dim, self.ndim)]

    def numel(self) -> int:
        return int(self._data.size)

    def dim(self) -> int:
        return self._data.ndim

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]
    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Compute d(self)/d(leaf) for every leaf and add it into ``leaf.grad``."""
        autograd_api.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """The same numbers, cut off from the graph (shares memory and version counter)."""
        t = Tensor._make(self._data)
        t._share_version_with(self)
        if speed.cut_hook is not None:  # only while the visualiser watches (autograd.graph)
            speed.cut_hook("detach()", (self,), t)
        return t

    # ---------------------------------------------------------------- conversions
    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar. "
                "item() works on one-element tensors only: index one element first (x[0]) "
                "or reduce (x.sum())."
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The underlying array (shares memory). Refused for a tensor that requires grad,
        unless gradients are off (``no_grad``)."""
        if self._requires_grad and _Mode.enabled:  # under no_grad PyTorch allows it
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __array_wrap__(
        self, array: Any, context: Any = None, return_scalar: bool = False
    ) -> Tensor:
        """A NumPy function applied to a tensor (``np.exp(t)``) gives a tensor back."""
        return Tensor._make(np.asarray(array))

    def _to_number(self, kind: type) -> Any:
        if self._data.size != 1:
            if kind is bool:
                many = "no values" if self._data.size == 0 else "more than one value"
                raise RuntimeError(
                    f"Boolean value of Tensor with {many} is ambiguous. "
                    "Use .any() or .all(), or compare a single element."
                )
            raise ValueError(
                "only one element tensors can be converted to Python scalars. "
                "Index one element (x[0]) or reduce (x.sum()) first."
            )
        return kind(self._data.reshape(()).item())

    def __float__(self) -> float:
        global _warned_float
        if self._requires_grad and not _warned_float:  # once per process, as PyTorch
            _warned_float = True
            warnings.warn(
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                "behavior.\nConsider using tensor.detach() first.",
                UserWarning,
                stacklevel=2,
            )
        return self._to_number(float)

    def __int__(self) -> int:
        return self._to_number(int)

    def __bool__(self) -> bool:
        return self._to_number(bool)

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert to a dtype (``x.to(torch.float64)``); devices other than the CPU are refused."""
        target = kwargs.get("dtype")
        for a in (*args, kwargs.get("device")):
            if isinstance(a, _dtype.dtype):
                target = a
            elif isinstance(a, Tensor):
                target = a.dtype
            elif a is not None:
                device(str(a))
        if target is None or target is self.dtype:
            return self
        if not target.is_floating_point:  # integers and bools have no gradient
            return Tensor._make(self._data.astype(target.numpy))
        return movement.ToCopy.apply(self, target)

    def type(self, dtype: Any = None) -> Any:
        """``x.type()`` names the type (``'torch.FloatTensor'``); ``x.type(torch.float64)`` or
        ``x.type('torch.DoubleTensor')`` converts."""
        if dtype is None:
            return _dtype.type_string(self)
        if isinstance(dtype, str):
            by_name = {f"torch.{d._scalar_name}Tensor": d for d in _dtype.ALL}
            if dtype not in by_name:
                raise ValueError(
                    f"invalid type: {dtype!r}. Use a dtype (x.type(torch.float64)) or a name "
                    "such as 'torch.FloatTensor' or 'torch.LongTensor'."
                )
            return self.to(by_name[dtype])
        return self.to(_dtype.to_dtype(dtype))

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def cpu(self) -> Tensor:
        return self

    def contiguous(self) -> Tensor:
        """The tensor with its elements in row order (a copy if, e.g., it was transposed)."""
        return self if self._data.flags.c_contiguous else movement.Contiguous.apply(self)

    def __repr__(self) -> str:
        return _printing.tensor_repr(self)

    def __format__(self, spec: str) -> str:
        return _printing.tensor_format(self, spec)

    # ---------------------------------------------------------------- arithmetic
    def _operand(self, other: Any) -> Tensor:
        """Numbers and arrays become constant tensors (numbers keep this tensor's dtype
        unless they are of a higher kind: ``int_tensor * 2.5`` is float32, as in PyTorch)."""
        if (type(other) is float or type(other) is int) and self._data.dtype.kind == "f":
            _check_int(other)
            if other:  # the common case; not 0: 0.0 and -0.0 would share one cache entry
                return _constant(other, self._data.dtype)
            return Tensor._make(np.asarray(other, self._data.dtype))
        if isinstance(other, Tensor):
            return other
        if isinstance(other, np.ndarray):
            return Tensor._make(other)
        _check_int(other)
        if isinstance(other, (bool, int, float, np.number, np.bool_)):
            return Tensor._make(np.asarray(other, _dtype.promote_scalar(self.dtype, other).numpy))
        raise TypeError(
            f"unsupported operand type for a tensor operation: '{type(other).__name__}'. "
            "Use a number or a tensor (torch.tensor(...))."
        )

    def _binary(self, op: type[Function], other: Any) -> Tensor:
        """``op.apply(self, other)`` with PyTorch's operand and dtype rules (for the operators
        that first reorder or check their operands)."""
        return _binary_method(op)(self, other)

    __add__ = _binary_method(A.Add)
    __radd__ = _binary_method(A.Add, "+")  # 2 + x is add(x, 2) in PyTorch's graph

    def __sub__(self, other: Any) -> Tensor:
        if type(other) is bool:  # becomes a number of this tensor's dtype: check it first
            _check_subtraction(A.Sub, self._data.dtype, np.dtype(bool))
        return self._binary(A.Sub, other)

    def __rsub__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor):
            return other._binary(A.Sub, self)
        if isinstance(other, np.ndarray):
            raise _array_on_left("-")
        _check_int(other)
        _check_subtraction(A.Sub, self._data.dtype, np.asarray(other).dtype)
        return _cast_result(A.Rsub.apply(self, other), _dtype.promote_scalar(self.dtype, other))

    __mul__ = _binary_method(A.Mul)
    __rmul__ = _binary_method(A.Mul, "*")  # 2 * x is mul(x, 2) in PyTorch's graph
    __floordiv__ = _binary_method(A.FloorDivide)

    def __rfloordiv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            raise _array_on_left("//")
        return self._operand(other)._binary(A.FloorDivide, self)

    def __mod__(self, other: Any) -> Tensor:
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            _check_int(other)
            want = _dtype.promote_scalar(self.dtype, other)
            return _cast_result(A.RemainderScalar.apply(self, other), want)
        return self._binary(A.Remainder, other)

    def __rmod__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            raise _array_on_left("%")
        return self._operand(other)._binary(A.Remainder, self)

    def floor_divide(self, other: Any) -> Tensor:
        """``self // other``: the quotient rounded down (no gradient, as in PyTorch)."""
        return self // other

    def remainder(self, other: Any) -> Tensor:
        """``self % other``: what is left after ``self // other``, with ``other``'s sign."""
        return self % other

    __truediv__ = _binary_method(A.Div)

    def __rtruediv__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor):
            return other._binary(A.Div, self)
        return self._as_float().reciprocal() * other  # array / t works in PyTorch too

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, Tensor):
            return self._binary(A.PowTensor, exponent)
        if isinstance(exponent, (int, float, np.number)):
            _check_int(exponent)
            if self._data.dtype.kind == "f":
                return A.Pow.apply(self, exponent)
            if isinstance(exponent, (int, np.integer)) and exponent < 0:
                raise RuntimeError(
                    "Integers to negative integer powers are not allowed. Use a float tensor "
                    "(x.float() ** -1) or a float exponent (x ** -1.0)."
                )
            want = _dtype.promote_scalar(self.dtype, exponent)
            return _cast_result(A.Pow.apply(self, exponent), want)
        return self._binary(A.PowTensor, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        if isinstance(base, Tensor):
            return base._binary(A.PowTensor, self)
        if isinstance(base, np.ndarray):
            raise _array_on_left("**")
        _check_int(base)
        return _cast_result(A.RPow.apply(self, base), _dtype.promote_scalar(self.dtype, base))

    def __neg__(self) -> Tensor:
        if self._data.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return A.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: Any) -> Tensor:
        if not isinstance(other, (Tensor, np.ndarray)):
            return NotImplemented  # Python then raises TypeError, as PyTorch does
        return self.matmul(other)

    def matmul(self, other: Any) -> Tensor:
        if not isinstance(other, (Tensor, np.ndarray)):
            raise TypeError(
                f"matmul(): argument 'other' (position 1) must be Tensor, not "
                f"{type(other).__name__}. Use * to multiply by a number."
            )
        other = self._operand(other)
        _check_matmul(self._data.shape, other._data.shape)
        if other._data.dtype != self._data.dtype:
            fix = "Convert one of them first, e.g. x.float() @ w or x @ w.double()."
            if self.ndim == other.ndim == 1:
                raise RuntimeError(
                    "dot : expected both vectors to have same dtype, but found "
                    f"{self.dtype._scalar_name} and {other.dtype._scalar_name}. {fix}"
                )
            a, b = (_dtype.cpp_name(t.dtype) for t in (self, other))
            raise RuntimeError(
                f"expected m1 and m2 to have the same dtype, but got: {a} != {b}. {fix}"
            )
        return linalg.matmul_function(self._data.ndim, other._data.ndim).apply(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            raise _array_on_left("@")
        return self._operand(other).__matmul__(self)

    def add(self, other: Any, alpha: Any = 1) -> Tensor:
        """``self + alpha * other``."""
        return self + (other if alpha == 1 else self._operand(other) * alpha)

    def sub(self, other: Any, alpha: Any = 1) -> Tensor:
        """``self - alpha * other``."""
        return self - (other if alpha == 1 else self._operand(other) * alpha)

    subtract = sub
    mul = __mul__
    multiply = __mul__
    div = __truediv__
    divide = __truediv__
    neg = __neg__
    negative = __neg__

    def pow(self, exponent: Any) -> Tensor:
        return self.__pow__(exponent)

    def mm(self, other: Tensor) -> Tensor:
        """Matrix times matrix (both 2-D; ``@`` accepts other shapes)."""
        for name, t in (("self", self), ("mat2", other)):
            if isinstance(t, Tensor) and t.ndim != 2:
                raise RuntimeError(
                    f"{name} must be a matrix. mm takes two 2-D tensors: use @ (torch.matmul) "
                    "for vectors and batches."
                )
        return self @ other

    def dot(self, other: Tensor) -> Tensor:
        """Vector dot vector (both 1-D)."""
        if isinstance(other, Tensor) and (self.ndim != 1 or other.ndim != 1):
            raise RuntimeError(
                f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors. dot takes "
                "two vectors: use @ (torch.matmul) for matrices."
            )
        return self @ other

    def reciprocal(self) -> Tensor:
        return A.Reciprocal.apply(self._as_float())

    def _as_float(self) -> Tensor:
        """Integers and bools become float32 (for ops whose result is fractional)."""
        return self if self._data.dtype.kind == "f" else self.to(_dtype.default_float)

    # ---------------------------------------------------------------- comparisons (no grad)
    def _compare(self, op: Callable, other: Any) -> Tensor:
        _check_int(other)
        b = other._data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor) and self._data.shape != other._data.shape:
            _check_broadcast(self.shape, other.shape)
        return Tensor._make(np.asarray(op(self._data, b)))

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        if not isinstance(other, _COMPARABLE):
            return NotImplemented  # t == None is False, as in PyTorch (`if x.grad == None:`)
        return self._compare(np.equal, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        if not isinstance(other, _COMPARABLE):
            return NotImplemented
        return self._compare(np.not_equal, other)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(np.less, other)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(np.less_equal, other)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(np.greater, other)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(np.greater_equal, other)

    def __invert__(self) -> Tensor:
        return Tensor._make(~self._data)

    def __and__(self, other: Any) -> Tensor:
        return self._compare(np.bitwise_and, other)

    def __or__(self, other: Any) -> Tensor:
        return self._compare(np.bitwise_or, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def allclose(self, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
        return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol))

    def isnan(self) -> Tensor:
        return Tensor._make(np.isnan(self._data))

    def argmax(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        return self._arg(np.argmax, dim if axis is None else axis, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        return self._arg(np.argmin, dim if axis is None else axis, keepdim)

    def _arg(self, fn: Callable, dim: int | None, keepdim: bool) -> Tensor:
        if dim is None:
            return Tensor._make(np.asarray(fn(self._data), dtype=np.int64))
        d = _dim(dim, self.ndim)
        return Tensor._make(fn(self._data, axis=d, keepdims=keepdim).astype(np.int64))

    # ---------------------------------------------------------------- elementwise functions
    def exp(self) -> Tensor:
        return unary.Exp.apply(self._as_float())

    def log(self) -> Tensor:
        return unary.Log.apply(self._as_float())

    def sqrt(self) -> Tensor:
        return unary.Sqrt.apply(self._as_float())

    def abs(self) -> Tensor:
        return unary.Abs.apply(self)

    __abs__ = abs

    def sign(self) -> Tensor:
        return unary.Sign.apply(self)

    def relu(self) -> Tensor:
        return unary.Relu.apply(self)

    def round(self, decimals: int = 0) -> Tensor:
        """Nearest integer (halves to the even one), or ``decimals`` places; no gradient."""
        if decimals:
            return self._rounded(unary.RoundDecimals, decimals)
        return self._rounded(unary.Round)

    def floor(self) -> Tensor:
        return self._rounded(unary.Floor)

    def ceil(self) -> Tensor:
        return self._rounded(unary.Ceil)

    def trunc(self) -> Tensor:
        return self._rounded(unary.Trunc)

    def _rounded(self, op: type[Function], *args: Any) -> Tensor:
        """``op`` on a float tensor; an integer tensor is whole already, so it is copied."""
        return op.apply(self, *args) if self._data.dtype.kind == "f" else self.clone()

    def square(self) -> Tensor:
        return self.pow(2)

    def sigmoid(self) -> Tensor:
        return unary.Sigmoid.apply(self._as_float())

    def tanh(self) -> Tensor:
        return unary.Tanh.apply(self._as_float())

    def sin(self) -> Tensor:
        return unary.Sin.apply(self._as_float())

    def cos(self) -> Tensor:
        return unary.Cos.apply(self._as_float())

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit every element to [min, max] (either bound may be None)."""
        if min is None and max is None:
            raise RuntimeError(
                "torch.clamp: At least one of 'min' or 'max' must not be None. "
                "Pass a lower bound, an upper bound or both."
            )
        lo, hi = _number(min), _number(max)
        x = self._as_float() if isinstance(lo, float) or isinstance(hi, float) else self
        return unary.Clamp.apply(x, lo, hi)  # an int tensor with float bounds becomes float32

    clip = clamp

    def softmax(self, dim: int) -> Tensor:
        return softmax.Softmax.apply(self._as_float(), _dim(dim, self.ndim))

    def log_softmax(self, dim: int) -> Tensor:
        return softmax.LogSoftmax.apply(self._as_float(), _dim(dim, self.ndim))

    maximum = _binary_method(select.Maximum)
    minimum = _binary_method(select.Minimum)

    def masked_fill(self, mask: Tensor, value: Any) -> Tensor:
        """A copy with ``value`` (a number or a 0-d tensor) wherever ``mask`` is True."""
        if not isinstance(mask, Tensor):
            raise TypeError(
                "masked_fill() received an invalid combination of arguments - got "
                f"({type(mask).__name__}, {type(value).__name__}), but expected one of:\n"
                "The mask must be a bool tensor, e.g. x.masked_fill(x > 0, 0.0)."
            )
        if mask._data.dtype != np.bool_:
            raise RuntimeError(
                "masked_fill_ only supports boolean masks, but got mask with dtype "
                f"{_dtype.cpp_name(mask.dtype)}. Make the mask with a comparison (x > 0) or "
                "use mask.bool()."
            )
        _check_broadcast(mask.shape, self.shape)
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value.ndim} dimension(s). Use a number or a 0-d tensor "
                    "(torch.tensor(2.0)); for a value per element use torch.where(mask, v, x)."
                )
            return select.MaskedFillTensor.apply(self, mask._data, value)
        if not isinstance(value, (bool, int, float, np.number, np.bool_)):
            raise TypeError(
                f"masked_fill(): argument 'value' must be a number or a 0-d tensor, not "
                f"{type(value).__name__}."
            )
        _check_int(value)
        return select.MaskedFill.apply(self, mask._data, value)

    def where(self, condition: Tensor, other: Any) -> Tensor:
        """``self`` where ``condition`` is True, else ``other`` (as ``torch.where``)."""
        return where(condition, self, other)

    # ---------------------------------------------------------------- reductions
    def sum(
        self, dim: Any = _ALL, keepdim: bool = False, dtype: Any = None, *, axis: Any = _ALL
    ) -> Tensor:
        """Σ of every element, or along ``dim`` (an int or a tuple of them)."""
        x = self if dtype is None else self.to(dtype)
        return x._reduce(reduce.Sum, reduce.SumDim, axis if dim is _ALL else dim, keepdim)

    def var(
        self,
        dim: Any = None,
        unbiased: bool = True,
        keepdim: bool = False,
        *,
        correction: Any = None,
    ) -> Tensor:
        """The spread around the mean: Σ (x - mean)² / (N - 1) (``correction=0``: / N)."""
        return self._spread_statistic(reduce.Var, dim, unbiased, keepdim, correction)

    def std(
        self,
        dim: Any = None,
        unbiased: bool = True,
        keepdim: bool = False,
        *,
        correction: Any = None,
    ) -> Tensor:
        """The standard deviation, √var."""
        return self._spread_statistic(reduce.Std, dim, unbiased, keepdim, correction)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        """Running totals along ``dim``: ``[1, 2, 3]`` gives ``[1, 3, 6]``."""
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind == "b":  # bools are counted as integers, as in PyTorch
            x = x.to(_dtype.int64)
        return reduce.Cumsum.apply(x, _dim(dim, self.ndim))

    def uniform_(self, a: float = 0.0, b: float = 1.0, **kwargs: Any) -> Tensor:
        """Refill in place with numbers drawn uniformly from [a, b) (``from``/``to`` too)."""
        a, b = kwargs.pop("from", a), kwargs.pop("to", b)
        values = a + (b - a) * rand(*self.shape, dtype=_dtype.float64)._data
        return self.copy_(Tensor._make(values.astype(self._data.dtype)))

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Tensor:
        """Refill in place with numbers drawn from N(mean, std²)."""
        values = mean + std * randn(*self.shape, dtype=_dtype.float64)._data
        return self.copy_(Tensor._make(values.astype(self._data.dtype)))

    def _spread_statistic(
        self, op: type[Function], dim: Any, unbiased: Any, keepdim: bool, correction: Any
    ) -> Tensor:
        if isinstance(dim, bool):  # x.var(False): PyTorch's older form, unbiased first
            dim, unbiased = None, dim
        if correction is None:
            correction = 1 if unbiased else 0
        name = op.__name__.lower()
        if self._data.dtype.kind != "f":
            raise RuntimeError(
                f"{name}(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self.dtype._scalar_name}. Convert with .float() "
                "first."
            )
        dims = None if dim is None else _dims(dim, self.ndim)
        return op.apply(self, dims, correction, keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where every element (along ``dim``) is nonzero."""
        axis = None if dim is None else _dims(dim, self.ndim)
        return Tensor._make(np.asarray(np.all(self._data, axis=axis, keepdims=keepdim)))

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where some element (along ``dim``) is nonzero."""
        axis = None if dim is None else _dims(dim, self.ndim)
        return Tensor._make(np.asarray(np.any(self._data, axis=axis, keepdims=keepdim)))

    def sum_to_size(self, *size: Any) -> Tensor:
        """Sum this tensor down to ``size``, a shape it could have been broadcast from."""
        return reduce.SumToSize.apply(self, _shape_args(size))

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        """The length of the tensor seen as one vector, sqrt(Σ x²) (``p=2``), or along ``dim``."""
        if self._data.dtype.kind != "f":
            raise RuntimeError(
                "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                f"{self.dtype._scalar_name}. Convert with .float() first."
            )
        p = 2 if p in ("fro", None) else p
        if not (isinstance(p, (int, float)) and 0 < p < float("inf")):
            raise NotImplementedError(f"norm(p={p!r}) is not supported here; use p=2 or p=1.")
        dims = None if dim is None else _dims(dim, self.ndim)
        return reduce.Norm.apply(self, p, dims, keepdim)

    def mean(
        self, dim: Any = _ALL, keepdim: bool = False, dtype: Any = None, *, axis: Any = _ALL
    ) -> Tensor:
        """The average of every element, or along ``dim`` (an int or a tuple of them)."""
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self.dtype._scalar_name}. "
                "Convert with .float() first."
            )
        return x._reduce(reduce.Mean, reduce.MeanDim, axis if dim is _ALL else dim, keepdim)

    def _reduce(
        self, whole: type[Function], along: type[Function], dim: Any, keepdim: bool
    ) -> Tensor:
        """``x.sum()`` reduces everything (``whole``). Given a ``dim`` the op is ``along``,
        another node name in PyTorch, even when the dims are all of them: ``dim=None`` and
        ``dim=()`` mean all."""
        if dim is _ALL:
            if keepdim:
                name = whole.__name__.lower()
                raise TypeError(
                    f"{name}() received an invalid combination of arguments - got (keepdim=bool, "
                    "), but expected one of:\nkeepdim needs a dim. Pass the dims to keep: "
                    f"x.{name}(dim=None, keepdim=True) keeps all of them, as size 1."
                )
            return whole.apply(self, None, False)
        if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
            return along.apply(self, tuple(range(self.ndim)), keepdim)
        return along.apply(self, _dims(dim, self.ndim), keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The largest element, or ``(values, indices)`` along ``dim``."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return self._extreme(reduce.Max, reduce.MaxDim, np.argmax, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The smallest element, or ``(values, indices)`` along ``dim``."""
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return self._extreme(reduce.Min, reduce.MinDim, np.argmin, dim, keepdim)

    def _extreme(self, whole: Any, along: Any, arg: Callable, dim: Any, keepdim: bool) -> Any:
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(
                    "max(): Expected reduction dim to be specified for input.numel() == 0. "
                    "The tensor is empty: there is no largest element."
                )
            return whole.apply(self)
        d = _dim(dim, self.ndim)
        indices = np.asarray(arg(self._data, axis=d), dtype=np.int64)  # 1-d input: 0-d array
        values = along.apply(self, d, keepdim, indices)
        idx = Tensor._make(np.expand_dims(indices, d) if keepdim else indices)
        return _ReturnTypes.make(whole.__name__.lower(), values, idx)

    # ---------------------------------------------------------------- sort, pick, add by index
    def sort(self, dim: int = -1, descending: bool = False, stable: bool | None = None) -> Any:
        """``(values, indices)``: the elements in order along ``dim``, and where each came from
        (NaN counts as the largest; equal values keep their order, ``stable`` or not)."""
        if self.ndim == 0:
            return _ReturnTypes.make("sort", self.clone(), Tensor._make(np.zeros((), np.int64)))
        d = _dim(dim, self.ndim)
        order = indexing.sort_order(self._data, d, descending)
        op = indexing.Sort if stable is None else indexing.SortStable  # PyTorch's two names
        return _ReturnTypes.make("sort", op.apply(self, d, order), Tensor._make(order))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The indices that sort the elements along ``dim`` (``sort``'s second result)."""
        return self.sort(dim, descending).indices

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        """The slices at ``index`` (an integer tensor) along ``dim``, in that order."""
        d = _dim(dim, self.ndim)
        _check_index(index, self._data.shape[d] if self.ndim else 1, "index_select")
        return indexing.IndexSelect.apply(self, d, index)

    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """A copy with ``alpha * source`` added at ``index`` along ``dim`` (an index that comes
        twice gets both slices)."""
        d = _dim(dim, self.ndim)
        values = _check_index(index, self._data.shape[d] if self.ndim else 1, "index_add_")
        if values.size != (source._data.shape[d] if source.ndim else 1):
            raise RuntimeError(
                f"index_add_(): Number of indices ({values.size}) should be equal to "
                f"source.size(dim): ({source._data.shape[d] if source.ndim else 1}), for dim: "
                f"{d}. Pass one slice of source per index."
            )
        return indexing.IndexAdd.apply(self, d, index, source, alpha)

    def index_add_(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """``index_add`` in place."""
        return self._inplace(lambda old: old.index_add(dim, index, source, alpha=alpha), source)

    # ---------------------------------------------------------------- shapes
    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one dim may be -1: inferred)."""
        new = _check_reshape(_shape_args(shape), self.numel())
        return movement.View.apply(self, new)

    def view(self, *shape: Any) -> Tensor:
        if self._data.ndim > 1 and not self._data.flags.c_contiguous:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        return self.reshape(*shape)

    def view_as(self, other: Tensor) -> Tensor:
        return self.view(*other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(*other.shape)

    def repeat(self, *repeats: Any) -> Tensor:
        """The tensor tiled: ``x.repeat(2, 1)`` stacks two copies along dim 0."""
        repeats = _shape_args(repeats)
        if len(repeats) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of "
                f"dimensions of tensor. Give one count per dim ({self.ndim} here), e.g. "
                f"x.repeat({', '.join(['1'] * self.ndim)})."
            )
        return movement.Repeat.apply(self, repeats)

    def flip(self, *dims: Any) -> Tensor:
        """The elements in reverse order along ``dims`` (a copy; tensors have no negative
        slice steps)."""
        return movement.Flip.apply(self, _dims(_shape_args(dims), self.ndim))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        dims = self.shape
        return self.reshape(*dims[:s], -1, *dims[e + 1 :])

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        if self.ndim == 0:
            return self
        return movement.Transpose.apply(self, _dim(dim0, self.ndim), _dim(dim1, self.ndim))

    swapaxes = transpose

    def t(self) -> Tensor:
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D. "
                "Use .transpose(dim0, dim1) or .permute(...) for more dimensions."
            )
        return movement.T.apply(self, 0, 1) if self.ndim == 2 else self

    @property
    def T(self) -> Tensor:
        return self.permute(*reversed(range(self.ndim))) if self.ndim > 1 else self

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def permute(self, *dims: Any) -> Tensor:
        dims = _shape_args(dims)
        if len(dims) == self.ndim and len({_dim(d, self.ndim) for d in dims}) < len(dims):
            raise RuntimeError(
                "permute(): duplicate dims are not allowed. Give each dimension exactly once."
            )
        if sorted(_dim(d, self.ndim) for d in dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                f"the length of the desired ordering of dimensions i.e. input.dim() = "
                f"{self.ndim} is not equal to len(dims) = {len(dims)}. Give each dimension "
                "exactly once."
            )
        return movement.Permute.apply(self, tuple(_dim(d, self.ndim) for d in dims))

    def squeeze(self, dim: Any = None) -> Tensor:
        if dim is None:
            return movement.Squeeze.apply(self, None)
        dims = tuple(d for d in _dims(dim, max(self.ndim, 1)) if self._data.shape[d] == 1)
        return movement.SqueezeDim.apply(self, dims)

    def unsqueeze(self, dim: int) -> Tensor:
        return movement.Unsqueeze.apply(self, _dim(dim, self.ndim + 1))

    def expand(self, *sizes: Any) -> Tensor:
        sizes = _shape_args(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise RuntimeError(
                f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal "
                f"to the number of dimensions in the tensor ({self.ndim})."
            )
        target = tuple((self._data.shape[i - lead] if s == -1 else s) for i, s in enumerate(sizes))
        _check_broadcast(self.shape, Size(target), expand=True)
        return movement.Expand.apply(self, target)

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(*other.shape)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        d = _dim(dim, self.ndim)
        n = self._data.shape[d]
        sizes = (
            [split_size] * (n // split_size) + ([n % split_size] if n % split_size else [])
            if isinstance(split_size, int)
            else list(split_size)
        )
        starts = np.cumsum([0, *sizes[:-1]])
        lead = (slice(None),) * d
        return tuple(self[(*lead, slice(int(s), int(s + k)))] for s, k in zip(starts, sizes))

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        n = self._data.shape[_dim(dim, self.ndim)]
        return self.split(-(-n // chunks), dim)

    def unbind(self, dim: int = 0) -> tuple:
        d = _dim(dim, self.ndim)
        lead = (slice(None),) * d
        return tuple(self[(*lead, i)] for i in range(self._data.shape[d]))

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def clone(self) -> Tensor:
        return movement.Clone.apply(self)

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Zeros of ``size`` (``new_zeros(2, 3)`` or ``new_zeros((2, 3))``), in this dtype."""
        return self._new(np.zeros, size, dtype, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Ones of ``size`` (``new_ones(2, 3)`` or ``new_ones((2, 3))``), in this dtype."""
        return self._new(np.ones, size, dtype, requires_grad)

    def _new(self, fill: Callable, size: tuple, dtype: Any, requires_grad: bool) -> Tensor:
        shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        t = Tensor._make(fill(tuple(shape), (dtype or self.dtype).numpy))
        return t.requires_grad_(requires_grad) if requires_grad else t

    def new_tensor(self, data: Any) -> Tensor:
        return Tensor._make(np.array(data, self._data.dtype))

    # ---------------------------------------------------------------- indexing
    def __getitem__(self, index: Any) -> Tensor:
        idx = _np_index(index, self.shape)
        return movement.index_function(idx).apply(self, idx)

    def _index_put(self, index: Any, values: Tensor, accumulate: bool = False) -> Tensor:
        """A copy with ``values`` written (or, with ``accumulate``, added) at ``index``."""
        return movement.IndexPut.apply(self, index, self._operand(values), accumulate)

    def __setitem__(self, index: Any, value: Any) -> None:
        idx = _np_index(index, self.shape)
        if _Mode.enabled and self._requires_grad and self.grad_fn is None:
            raise _view_of_leaf_error()  # x[i] = v writes through a view of x, in PyTorch
        value = self._operand(value)
        target = self._data[idx].shape
        extra = value._data.ndim - len(target)
        if extra > 0:  # PyTorch drops leading 1s: x[0] = t works for t of shape (1,)
            if any(n != 1 for n in value._data.shape[:extra]):
                raise RuntimeError(
                    f"expand({_dtype.type_string(value)}{{{list(value.shape)}}}, "
                    f"size={list(target)}): the number of sizes provided ({len(target)}) must be "
                    f"greater or equal to the number of dimensions in the tensor "
                    f"({value.ndim}). The value has more elements than x[index] has places: "
                    "index fewer dimensions, or pass a smaller value."
                )
            value = value.reshape(value._data.shape[extra:])
        if value._data.ndim:
            _check_broadcast(value.shape, Size(target), expand=True)
        self._inplace(lambda old: movement.CopySlices.apply(old, idx, value, False), value)

    # ---------------------------------------------------------------- in-place ops
    def _inplace(
        self, compute: Callable[[Tensor], Tensor], *others: Any, ufunc: Any = None
    ) -> Tensor:
        """Change this tensor's values in place, following PyTorch's rules.

        A leaf that requires grad may only be changed with recording off (``torch.no_grad()``):
        otherwise its gradient would describe values that no longer exist. When recording, the
        op is applied out of place to a snapshot of the old tensor and the result is copied in,
        so the graph sees "new self = op(old self)" and ``grad_fn`` moves to the new node.
        A view's change is recorded on its base (``_inplace_on_view``). ``ufunc``, when the op
        is one, lets an optimizer step under ``no_grad`` skip all that (``speed.update_in_place``).
        """
        self._check_inference_update()
        if ufunc is not None and speed.update_in_place(self, ufunc, others[0]):
            return self  # an optimizer step under no_grad: nothing to record or check
        recording = (
            _Mode.enabled
            and self._data.dtype.kind == "f"  # an integer tensor takes values, not gradients
            and (
                self._requires_grad
                or any([isinstance(o, Tensor) and o._requires_grad for o in others])
            )
        )
        if not self._data.flags.writeable:  # an expand()ed tensor: one element, many places
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers to "
                "a single memory location. Please clone() the tensor before performing the "
                "operation."
            )
        base = self._base
        if _Mode.enabled and base is not None and base._requires_grad and not self._requires_grad:
            raise RuntimeError(  # the view was made under no_grad()
                "A view was created in no_grad mode and is being modified inplace with grad "
                "mode enabled. Move both the view and the in-place change inside the no_grad "
                "block (not tracked), or both outside it (tracked)."
            )
        if _Mode.enabled and self._requires_grad:
            if self._base is not None and self._base._requires_grad and self._base.is_leaf:
                raise _view_of_leaf_error()
            if self.is_leaf:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place operation. "
                    "To update parameters, do it inside `with torch.no_grad():` (as in "
                    "`w -= lr * w.grad`); otherwise use the out-of-place form (w = w + 1)."
                )
        if recording:
            old = Tensor._make(self._data.copy(), self._requires_grad)
            old.grad_fn = self.grad_fn
            result = compute(old)
        elif not _Mode.enabled:
            result = compute(self)
        else:
            _Mode.enabled = False  # as `with no_grad():`, but cheaper
            try:
                result = compute(self)
            finally:
                _Mode.enabled = True
        if result._data.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                f"{list(result.shape)}. An in-place op cannot change a tensor's shape: use the "
                "out-of-place form (x = x + y)."
            )
        if result._data.dtype is not self._data.dtype and result.dtype._rank > self.dtype._rank:
            raise RuntimeError(
                f"result type {result.dtype._scalar_name} can't be cast to the desired output "
                f"type {self.dtype._scalar_name}. Convert the tensor first (x = x.float()) or "
                "use the out-of-place form."
            )
        if recording and self._base is not None:
            return self._inplace_on_view(result)
        self._data[...] = result._data
        if recording:
            self._set_grad_fn(result.grad_fn)
            self._requires_grad = True
            self.grad_fn._value = self._data
            for view in list(self._views or ()):  # a view's values changed too: so must its node
                view._set_grad_fn(movement.replay_view(self, view._view_path()).grad_fn)
                view._requires_grad = True
        self._bump_version()
        return self

    def _inplace_on_view(self, result: Tensor) -> Tensor:
        """An in-place change of a view is a change of its base: the base gets the node
        ``CopySlices(old base, new view values)`` and this view becomes a view of the new base."""
        path, base = self._view_path(), self._base
        base._inplace(lambda old: movement.ViewCopy.apply(old, result, path), result)
        self._set_grad_fn(movement.replay_view(base, path).grad_fn)
        self._requires_grad = True
        return self

    def _set_grad_fn(self, node: Any) -> None:
        """Point this tensor at the node of its new value; ``retain_grad()`` moves along."""
        old = self.grad_fn
        if self._retains_grad and old is not None and old._pre_hooks:
            keep = old._pre_hooks.pop("retain_grad", None)
            if keep is not None:
                self._register(node, keep, key="retain_grad")
        self.grad_fn = node

    def add_(self, other: Any, alpha: Any = 1) -> Tensor:
        other = other if alpha == 1 else self._operand(other) * alpha
        return self._inplace(lambda old: old + other, other, ufunc=np.add)

    def sub_(self, other: Any, alpha: Any = 1) -> Tensor:
        other = other if alpha == 1 else self._operand(other) * alpha
        return self._inplace(lambda old: old - other, other, ufunc=np.subtract)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(lambda old: old * other, other, ufunc=np.multiply)

    def div_(self, other: Any) -> Tensor:
        return self._inplace(lambda old: old / other, other, ufunc=np.true_divide)

    def relu_(self) -> Tensor:
        return self._inplace(lambda old: old.relu())

    def exp_(self) -> Tensor:
        return self._inplace(lambda old: old.exp())

    def sqrt_(self) -> Tensor:
        return self._inplace(lambda old: old.sqrt())

    def abs_(self) -> Tensor:
        return self._inplace(lambda old: old.abs())

    def neg_(self) -> Tensor:
        return self._inplace(lambda old: -old)

    def pow_(self, exponent: Any) -> Tensor:
        return self._inplace(lambda old: old.pow(exponent), exponent)

    def sigmoid_(self) -> Tensor:
        return self._inplace(lambda old: old.sigmoid())

    def tanh_(self) -> Tensor:
        return self._inplace(lambda old: old.tanh())

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._inplace(lambda old: old.clamp(min, max))

    def sin_(self) -> Tensor:
        return self._inplace(lambda old: old.sin())

    def cos_(self) -> Tensor:
        return self._inplace(lambda old: old.cos())

    def zero_(self) -> Tensor:
        self._check_inference_update()
        if self._base is None and not self._requires_grad and self._data.flags.writeable:
            self._data.fill(0)  # the common case, w.grad.zero_(): nothing to record or check
            self._bump_version()
            return self
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        expanded = self._view_of is not None and self._view_of[1] is movement.Expand
        if expanded and not (_Mode.enabled and self._requires_grad):
            # Every element of an expand()ed tensor is one of its source's: filling the
            # source fills it. (PyTorch allows this one in-place op on it; recorded, its
            # backward fails with the error _inplace gives right away.)
            self._view_of[0].fill_(value)
            return self
        return self._inplace(lambda old: movement.Fill.apply(old, _number(value)))

    def copy_(self, src: Tensor) -> Tensor:
        src = self._operand(src)
        return self._inplace(lambda old: movement.Copy.apply(old, src), src)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_


def shape_ops_view(t: Tensor, new_shape: tuple) -> Tensor:
    return movement.View.apply(t, new_shape)


class _ReturnTypes:
    """``(values, indices)`` results that print like PyTorch's ``torch.return_types.max``."""

    _types: dict[str, type] = {}

    @classmethod
    def make(cls, name: str, values: Tensor, indices: Tensor) -> Any:
        if name not in cls._types:

            def __repr__(self: Any) -> str:
                values, indices = repr(self.values), repr(self.indices)
                return f"torch.return_types.{name}(\nvalues={values},\nindices={indices})"

            cls._types[name] = type(name, (_MinMax,), {"__repr__": __repr__, "__slots__": ()})
        return cls._types[name](values, indices)


# -------------------------------------------------------------------- argument helpers
# what == and != compare element by element; anything else (None, a str, a list) is not equal
_COMPARABLE = (Tensor, int, float, bool, complex, np.ndarray, np.generic)


_LEAF_FLAGS_ONLY = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)


def _cast_result(out: Tensor, want: _dtype.dtype) -> Tensor:
    """NumPy's promotion differs from PyTorch's in a few mixed int/float cases: fix the dtype."""
    if out._data.dtype != want.numpy:
        out._data = out._data.astype(want.numpy)
        if out.grad_fn is not None:
            out.grad_fn._value = out._data
    return out


def _number(x: Any) -> Any:
    _check_int(x)
    return x.item() if isinstance(x, Tensor) else x


@functools.lru_cache(maxsize=256)
def _constant(value: float, dtype: np.dtype) -> Tensor:
    """A number as a constant 0-d tensor of a float ``dtype``. Cached, because a loop like
    ``y = y * 1.0001`` uses the same few numbers again and again."""
    value = np.array(value, dtype)
    value.flags.writeable = False  # shared: nothing may change it
    return Tensor._make(value)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """Elementwise choice: ``input`` where ``condition`` is True, else ``other``."""
    if input is None and other is None:
        return tuple(Tensor._make(i.astype(np.int64)) for i in np.nonzero(condition._data))
    ref = input if isinstance(input, Tensor) else other
    if not isinstance(ref, Tensor):  # two numbers: PyTorch's default dtypes (float32, int64)
        ref = Tensor._make(np.asarray(input, _dtype.promote_scalar(_dtype.bool_, input).numpy))
    a, b = ref._operand(input), ref._operand(other)
    a, b = _promoted([a, b])
    shapes = [condition.shape, a.shape, b.shape]
    for s in shapes[1:]:
        _check_broadcast(shapes[0], s)
    return select.Where.apply(condition._data, a, b)  # no graph edge for the condition


def _promoted(tensors: Sequence[Tensor]) -> list[Tensor]:
    want = tensors[0].dtype
    for t in tensors[1:]:
        want = _dtype.promote(want, t.dtype)
    return [t.to(want) for t in tensors]


def _attach(cls: type, api: type) -> None:
    """Give ``cls`` (the kernel's Tensor) every method and property defined in ``api``."""
    for name, value in vars(api).items():
        if name not in ("__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"):
            if isinstance(value, types.FunctionType):  # its errors say Tensor.x(), as before
                value.__name__, value.__qualname__ = name, f"{cls.__name__}.{name}"
            setattr(cls, name, value)


_attach(Tensor, _TensorAPI)
