"""Switches for recording the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``,
``inference_mode``.

Recording is one global flag. Every op asks ``is_grad_enabled()`` before it builds a graph node;
when it is off, ops just compute numbers, which is what you want for evaluation and for updating
parameters (``w -= lr * w.grad``).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode:
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


# An instance, not a class attribute: writing a class attribute invalidates Python's
# attribute caches, and the flag is flipped twice per op (forward runs with recording off).
_Mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the graph."""
    return _Mode.enabled


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
    """Like ``no_grad`` (PyTorch adds more speed-ups; here it is the same switch).
    ``inference_mode(False)`` switches recording on, as PyTorch's does."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._target = not mode


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
