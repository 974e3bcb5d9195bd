"""``torch.autograd.grad_mode``: ``no_grad``, ``enable_grad``, ``set_grad_enabled`` and
``inference_mode`` switch recording off and on (the flag they flip is the kernel's:
``kernel/grad_mode.py``). Each is a ``with`` block and a decorator.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

from ..kernel import function
from ..kernel.grad_mode import _Mode, is_grad_enabled, is_inference_mode_enabled

__all__ = [
    "enable_grad",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_grad_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


def _decorate(func: F, mode: bool) -> F:
    """``func`` running with recording set to ``mode`` (for a generator function: each step)."""
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            steps, sent = func(*args, **kwargs), None
            while True:
                prev, _Mode.enabled = _Mode.enabled, mode
                try:
                    item = steps.send(sent)
                except StopIteration as stop:
                    return stop.value
                finally:
                    _Mode.enabled = prev
                sent = yield item

        return generator  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        prev, _Mode.enabled = _Mode.enabled, mode
        try:
            return func(*args, **kwargs)
        finally:
            _Mode.enabled = prev

    return wrapper  # type: ignore[return-value]


class _GradModeContext:
    """A context manager that is also a decorator (``@no_grad()`` or bare ``@no_grad``)."""

    _target = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = object.__new__(cls)
        if args and callable(args[0]) and len(args) == 1:  # bare decorator: @no_grad
            self.__init__()
            return self(args[0])
        return self

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_Mode.enabled)
        _Mode.enabled = self._target

    def __exit__(self, *exc: object) -> None:
        _Mode.enabled = self._prev.pop()

    def __call__(self, func: F) -> F:
        return _decorate(func, self._target)


class no_grad(_GradModeContext):
    """Do not record operations: results have ``requires_grad=False`` and no ``grad_fn``."""

    _target = False


class enable_grad(_GradModeContext):
    """Record operations again, e.g. inside a ``no_grad`` block."""

    _target = True


class inference_mode(_GradModeContext):
    """``no_grad``, and a promise: the tensors made inside are *inference tensors*, never to
    be used by autograd. So, as in PyTorch, outside the mode an inference tensor cannot be
    saved for backward (``w * t`` with ``w`` requiring grad), changed in place, or asked for
    its ``_version``; clone it to get a normal tensor. (PyTorch skips the version counting
    for them, which makes inference faster.) ``inference_mode(False)`` switches it off."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._target = not mode
        self._inference = mode
        self._prev_inference: list[bool] = []

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inference.append(_Mode.inference)
        _Mode.inference = self._inference
        if self._inference and _refuse_inference_tensors not in function.record_notes:
            function.record_notes.append(_refuse_inference_tensors)  # inference tensors exist

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        _Mode.inference = self._prev_inference.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(self._inference):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _refuse_inference_tensors(node: Any) -> None:
    """A tensor made in ``inference_mode()`` cannot be saved for backward (PyTorch's error)."""
    for t in node._saved:
        if t is not None and t._inference:
            raise RuntimeError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors "
                "created in inference mode in computation tracked by autograd. To work "
                "around this, you can make a clone to get a normal tensor and use it in "
                "autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
            )


class set_grad_enabled:
    """Turn recording on or off: as a call (``set_grad_enabled(False)``), a ``with`` block,
    or a decorator. As a call the change stays until you switch it back."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(
                f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}. "
                "Pass True or False."
            )
        self._prev = _Mode.enabled
        self._mode = mode
        _Mode.enabled = mode

    def __enter__(self) -> None:
        _Mode.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        _Mode.enabled = self._prev

    def __call__(self, func: F) -> F:
        _Mode.enabled = self._prev  # the decorator form must not switch anything now
        return _decorate(func, self._mode)
