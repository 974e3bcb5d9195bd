"""``Tensor``: a NumPy array plus what autograd needs to know about it.

- ``_data``: the numbers (a ``numpy.ndarray``);
- ``requires_grad``: should gradients flow back to this tensor?
- ``grad_fn``: the graph node that produced it (``None`` for leaves: tensors you created);
- ``grad``: where ``backward()`` leaves the gradient (leaves only, unless ``retain_grad()``);
- a version counter, bumped by every in-place change, so that backward can refuse to use a
  saved tensor whose values changed after it was saved;
- hooks: functions called with the gradient when it arrives.

That is all of it the kernel needs, in the fields ``Tensor._set_fields`` lists. Operators and
methods (``x * y``, ``x.sum()``) only translate PyTorch's calling conventions into
``Function.apply`` calls, and ``requires_grad``, ``grad`` and ``_version`` show these fields
with PyTorch's checks and warnings: all of them are attached to this class by
``autograd_tutor/compat/tensor_api.py``. The maths of every op is in ``autograd_tutor/ops``.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from .grad_mode import _Mode


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    This class holds what autograd needs; PyTorch's methods and operators (``+``, ``sum``,
    ``reshape``, printing, ...) are attached to it in one place, ``compat/tensor_api.py``."""

    _output_nr = 0  # which output of its grad_fn this is (a Function may return several)
    _inference = False  # made inside inference_mode(): never to be used by autograd

    def _set_fields(self, data: np.ndarray, requires_grad: bool = False) -> None:
        """Every field of a tensor, always set in this order: Python then reads them on its
        fastest path (an op reads a dozen of them)."""
        self._data = data
        self._requires_grad = requires_grad
        self.grad_fn: Any = None
        self._grad: Tensor | None = None
        self._vc: list | None = None  # version counter, shared with views
        self._base: Tensor | None = None
        self._view_of: tuple | None = None  # (parent, view op, its extra args) for views
        self._views: weakref.WeakSet | None = None  # recorded views of this base
        self._accumulator: weakref.ref | None = None  # to this leaf's AccumulateGrad
        self._hooks: dict | None = None
        self._retains_grad = False
        if _Mode.inference:
            self._inference = True

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool = False) -> Tensor:
        """Wrap an ndarray without copying or checking (internal fast path)."""
        t = object.__new__(Tensor)
        t._set_fields(data, requires_grad)
        return t

    @property
    def is_leaf(self) -> bool:
        """True for tensors you created (no ``grad_fn``); only leaves get ``.grad``."""
        return self.grad_fn is None

    def _bump_version(self) -> None:
        if self._vc is None:
            self._vc = [0]
        self._vc[0] += 1

    def _share_version_with(self, other: Tensor, view: tuple | None = None) -> None:
        """One version counter for both tensors. ``view=(op, args)``: this tensor is
        ``op(other, *args)`` and shares its memory."""
        if other._vc is None:
            other._vc = [0]
        self._vc = other._vc
        if view:
            self._base = other._base if other._base is not None else other
            self._view_of = (other, *view)

    def _track_view(self, view: Tensor) -> None:
        """Remember a recorded view of this base, to re-point its ``grad_fn`` when this base is
        changed in place (as PyTorch does)."""
        if self._views is None:
            self._views = weakref.WeakSet()
        self._views.add(view)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too when ``backward()`` runs."""
        if not self._requires_grad:
            raise RuntimeError(
                "can't retain_grad on Tensor that has requires_grad=False. Only tensors that "
                "are part of a graph have gradients to keep: compute this tensor from one "
                "created with requires_grad=True."
            )
        if self.is_leaf or self._retains_grad:
            return
        self._retains_grad = True
        me = weakref.ref(self)

        def keep(grad: Tensor) -> None:
            t = me()
            if t is not None:
                t._grad = grad.detach().clone() if t._grad is None else t._grad + grad.detach()

        self._register(self.grad_fn, keep, key="retain_grad")

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; if it returns a tensor,
        that replaces the gradient. Returns a handle with ``.remove()``."""
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient. Create the "
                "tensor with requires_grad=True first."
            )
        return self._register(self if self.is_leaf else self.grad_fn, hook)

    @staticmethod
    def _register(owner: Any, hook: Callable, key: Any = None) -> _RemovableHandle:
        attr = "_hooks" if isinstance(owner, Tensor) else "_pre_hooks"
        hooks = getattr(owner, attr)
        if hooks is None:
            hooks = {}
            setattr(owner, attr, hooks)
        handle = _RemovableHandle(hooks)
        hooks[handle.id if key is None else key] = hook
        if "retain_grad" in hooks:  # as in PyTorch, .grad of a retained tensor sees every hook
            hooks["retain_grad"] = hooks.pop("retain_grad")
        return handle


class _RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self.id = _RemovableHandle._next_id
        _RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> _RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
