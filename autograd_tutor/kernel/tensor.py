"""``Tensor``: a NumPy array plus what autograd needs to know about it.

- ``_data``: the numbers (a ``numpy.ndarray``);
- ``requires_grad``: should gradients flow back to this tensor?
- ``grad_fn``: the graph node that produced it (``None`` for leaves: tensors you created);
- ``grad``: where ``backward()`` leaves the gradient (leaves only, unless ``retain_grad()``);
- a version counter, bumped by every in-place change, so that backward can refuse to use a
  saved tensor whose values changed after it was saved;
- hooks: functions called with the gradient when it arrives.

That is all of it the kernel needs. Operators and methods (``x * y``, ``x.sum()``) only
translate PyTorch's calling conventions into ``Function.apply`` calls: they are attached to
this class by ``autograd_tutor/compat/tensor_api.py``, and the maths of every op is in
``autograd_tutor/ops``.
"""

from __future__ import annotations

import copy
import warnings
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

    def __init__(self, *args: Any) -> None:
        """``Tensor([1, 2])`` or ``Tensor(2, 3)`` (uninitialised), as the legacy PyTorch
        constructor; prefer ``torch.tensor(data)``."""
        if len(args) == 1 and not isinstance(args[0], int):
            self._set_fields(np.asarray(args[0], dtype=np.float32))
        else:  # Tensor() is empty: tensor([])
            self._set_fields(np.zeros(args or (0,), dtype=np.float32))

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

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool = False) -> Tensor:
        """Wrap an ndarray without copying or checking (internal fast path)."""
        t = object.__new__(Tensor)
        t._set_fields(data, requires_grad)
        return t

    # ---------------------------------------------------------------- autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not self.is_leaf:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
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
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
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
    def is_leaf(self) -> bool:
        """True for tensors you created (no ``grad_fn``); only leaves get ``.grad``."""
        return self.grad_fn is None

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
            self._check_grad(value)  # a Tensor of this shape and dtype (compat/checks.py)
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

    def _view_path(self) -> list:
        """The view ops that turn ``self._base`` into this tensor, first op first."""
        path, t = [], self
        while t._view_of is not None:
            parent, op, args = t._view_of
            path.append((op, args))
            t = parent
        return path[::-1]

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
