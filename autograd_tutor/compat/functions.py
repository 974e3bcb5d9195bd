"""Module-level functions (``torch.exp(x)``, ``torch.cat([a, b])``, ...).

Most are the tensor method of the same name called as a function; the rest take several
tensors at once.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..kernel.tensor import Tensor
from ..ops import movement
from .checks import _dim
from .tensor_api import _promoted, where  # noqa: F401 - torch.where is Tensor.where


def _from_method(name: str) -> Callable[..., Any]:
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}. "
                "Wrap it with torch.tensor(...)."
            )
        if out is None:
            return method(input, *args, **kwargs)
        return _into(name, out, method(input, *args, **kwargs))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = method.__doc__
    return function


def _into(name: str, out: Any, result: Any) -> Tensor:
    """``torch.add(x, y, out=result)``: write the result into ``out`` and return ``out``."""
    if not isinstance(out, Tensor) or not isinstance(result, Tensor):
        raise TypeError(
            f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}. "
            f"Or drop out= and write {name}(...)'s result yourself."
        )
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad. Drop out= and assign "
            "the result, or compute it under torch.no_grad()."
        )
    if out.shape != result.shape:  # resized, as in PyTorch (which warns unless out was empty)
        if out.numel() != 0:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).",
                UserWarning,
                stacklevel=3,
            )
        out.data = result.detach().to(out.dtype)
        return out
    with no_grad():
        out.copy_(result)
    return out


_METHODS = (
    "add sub mul div neg matmul mm dot exp log sqrt sin cos sin_ cos_ abs sign clamp clip relu "
    "sigmoid tanh "
    "softmax log_softmax sum mean norm max min argmax argmin reshape flatten transpose t permute "
    "squeeze unsqueeze maximum minimum clone detach numel eq ne lt le gt ge allclose equal "
    "split chunk unbind masked_fill reciprocal round floor ceil trunc floor_divide remainder "
    "var std all any flip cumsum sort argsort index_select index_add"
).split()
globals().update({name: _from_method(name) for name in _METHODS})


def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``; either one may be a number (``torch.pow(2, x)``)."""
    if isinstance(input, Tensor):
        return input.pow(exponent)
    if isinstance(exponent, Tensor):
        return exponent.__rpow__(input)
    raise TypeError(
        f"pow(): argument 'input' must be Tensor, not {type(input).__name__}. "
        "Wrap it with torch.tensor(...)."
    )


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def _check_list(tensors: Any, fn: str) -> list[Tensor]:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}. Pass a list of tensors, e.g. torch.{fn}([a, b])."
        )
    if len(tensors) == 0:
        raise (ValueError if fn == "cat" else RuntimeError)(  # PyTorch's classes
            f"torch.{fn}(): expected a non-empty list of Tensors. Pass a list of tensors, "
            f"e.g. torch.{fn}([a, b])."
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{fn}(): argument 'tensors' must be a sequence of Tensors, but element {i} is "
                f"{type(t).__name__}. Wrap numbers with torch.tensor(...)."
            )
    return _promoted(list(tensors))


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors end to end along an existing dimension."""
    ts = _check_list(tensors, "cat")
    for i, t in enumerate(ts):
        if t.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated. Use "
                "torch.stack for numbers, or make it 1-d first (t.reshape(1))."
            )
    d = _dim(dim, ts[0].ndim)
    for i, t in enumerate(ts[1:], start=1):
        if t.ndim != ts[0].ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ts[0].ndim} and {t.ndim}. "
                "Reshape them so that only the joined dimension differs."
            )
        for k in range(t.ndim):
            if k != d and t.shape[k] != ts[0].shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ts[0].shape[k]} but got size {t.shape[k]} for tensor number {i} in the "
                    "list. Make the shapes equal except along the dimension you join."
                )
    return movement.Cat.apply(d, *ts)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Put same-shaped tensors side by side along a new dimension."""
    ts = _check_list(tensors, "stack")
    for i, t in enumerate(ts[1:], start=1):
        if t.shape != ts[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ts[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}. Make all shapes equal first."
            )
    return movement.Stack.apply(_dim(dim, ts[0].ndim + 1), *ts)
