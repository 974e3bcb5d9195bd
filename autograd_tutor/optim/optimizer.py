"""``Optimizer``: the base class of SGD, Adam and AdamW.

An optimizer holds *parameter groups* (dicts with a ``"params"`` list and the
group's hyper-parameters such as ``"lr"``) and a per-parameter ``state`` dict
(momentum buffers, running averages). ``step()`` reads each parameter's
``.grad`` and changes the parameter *in place*, so the model keeps the very same
leaf tensors and the next forward pass builds a fresh graph from them.
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..compat.dtype import type_string
from ..compat.tensor_api import Tensor

ParamsT = Union[Iterable[Tensor], Iterable[Dict[str, Any]]]

_FIX_PARAMS = "Pass model.parameters() or a list of tensors created with requires_grad=True."


class _RequiredParameter:
    """Default for a hyper-parameter every group must set (``def __init__(self, params,
    lr=required)`` in an optimizer you write yourself), as ``torch.optim.optimizer.required``."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    """PyTorch's ``torch.typename``: ``"torch.FloatTensor"`` for a float32 tensor."""
    return type_string(obj) if isinstance(obj, Tensor) else type(obj).__name__


class Optimizer:
    """Base class: keeps ``param_groups`` and ``state``.

    ``params`` is an iterable of tensors (usually ``model.parameters()``) or of
    dicts, one per parameter group, whose keys override ``defaults``. To write your
    own optimizer, override ``step()`` as in PyTorch; the built-in ones implement
    ``_update(group)``, which ``step()`` calls once per group.
    """

    def __init__(self, params: ParamsT, defaults: Dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {_typename(params)}. Wrap a single tensor in a list: "
                "optim.SGD([w], lr=0.1)."
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: List[Dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(
                "optimizer got an empty parameter list. "
                "Check that the model has parameters (or that a generator such as "
                "model.parameters() was not already used up) before building the optimizer."
            )
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group: Dict[str, Any]) -> None:
        """Add a group of parameters (with its own hyper-parameters) to optimise."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"param_group must be a dict, but got {type(param_group)}. "
                'Pass e.g. {"params": layer.parameters(), "lr": 0.01}.'
            )
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{_typename(param)}. {_FIX_PARAMS}"
                )
            if not param.is_leaf:
                raise ValueError(
                    "can't optimize a non-leaf Tensor. An optimizer updates tensors you "
                    "created (leaves), not results of operations: create the parameter with "
                    "requires_grad=True, or use t.detach().requires_grad_() for a new leaf."
                )
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}. Pass it to the optimizer (e.g. {name}=0.1) or set it "
                    "in every parameter group."
                )
            param_group.setdefault(name, default)
        ids = [id(p) for p in param_group["params"]]
        if len(ids) != len(set(ids)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error",
                stacklevel=3,
            )
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if not seen.isdisjoint(ids):
            raise ValueError(
                "some parameters appear in more than one parameter group. "
                "Put each parameter in exactly one group."
            )
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters before the next ``backward()``.

        Gradients *accumulate* in ``.grad``; without this, each step would use the sum
        of all gradients so far. ``set_to_none=True`` (the default) sets ``.grad`` to
        ``None``; ``False`` fills the existing gradient tensors with zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Update every parameter that has a ``.grad``; subclasses implement ``_update``."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update(group)
        return loss

    def _update(self, group: Dict[str, Any]) -> None:
        raise NotImplementedError

    def state_dict(self) -> Dict[str, Any]:
        """The optimizer's state as ``{"state": {index: ...}, "param_groups": [...]}``.

        Parameters are replaced by their position (0, 1, 2, ...) across the groups, so
        the dict can be loaded into a new optimizer built over a new copy of the model.
        """
        index: Dict[int, int] = {}
        start = 0

        def pack_group(group: Dict[str, Any]) -> Dict[str, Any]:
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            index.update(
                {id(p): i for i, p in enumerate(group["params"], start) if id(p) not in index}
            )
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (tensors in it are copied)."""
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups. "
                "Build the optimizer with the same parameter groups as the one you saved."
            )
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size "
                "of optimizer's group. Build the optimizer over the same model as the one "
                "you saved."
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = {name: _copy_state(param, name, v) for name, v in value.items()}
            else:
                state[key] = value
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
        self.state = state
        self.param_groups = saved_groups


def _copy_state(param: Tensor, name: str, value: Any) -> Any:
    """A private copy of one state entry; buffers take the parameter's dtype (step stays)."""
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    data = value._data
    if name != "step" and np.issubdtype(param._data.dtype, np.floating):
        data = data.astype(param._data.dtype)
    return Tensor._make(data.copy())


def _buffer_like(param: Tensor, values: Optional[np.ndarray] = None) -> Tensor:
    """A state tensor shaped like ``param``: a copy of ``values``, or zeros."""
    if values is None:
        return Tensor._make(np.zeros_like(param._data))
    return Tensor._make(np.array(values, dtype=param._data.dtype))


def _step_counter() -> Tensor:
    """Adam's step count, a float32 0-d tensor as in PyTorch's state (``tensor(3.)``)."""
    return Tensor._make(np.zeros((), dtype=np.float32))


_MUST_BE_NON_NEGATIVE = {  # PyTorch's messages, then what to pass instead
    "lr": "Invalid learning rate: {}. The learning rate must be >= 0.",
    "eps": "Invalid epsilon value: {}. eps must be >= 0 (e.g. 1e-8).",
    "momentum": "Invalid momentum value: {}. Momentum must be >= 0.",
    "weight_decay": "Invalid weight_decay value: {}. Weight decay must be >= 0.",
    "alpha": "Invalid alpha value: {}. alpha (the smoothing constant) must be >= 0, e.g. "
    "alpha=0.99.",
}


def _invalid(name: str, value: float) -> ValueError:
    """PyTorch's ValueError for a setting that must be >= 0."""
    return ValueError(_MUST_BE_NON_NEGATIVE[name].format(value))


def _check_non_negative(**settings: float) -> None:
    """Each setting must be >= 0 (checked in the order given; nan is refused too)."""
    for name, value in settings.items():
        if not 0.0 <= value:
            raise _invalid(name, value)


def _check_flags(**flags: bool) -> None:
    """``foreach``/``fused`` only pick PyTorch's kernels and are accepted as no-ops; these
    flags change what ``step`` computes, which we do not support."""
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"{name}=True is not supported by autograd_tutor's optimizers. "
                f"Leave {name} at its default (False)."
            )
