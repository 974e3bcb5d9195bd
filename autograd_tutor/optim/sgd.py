"""Stochastic gradient descent, optionally with momentum (PyTorch's update rule)."""

from __future__ import annotations

from typing import Any, Dict

from .optimizer import Optimizer, ParamsT, _buffer_like, _check_flags, _invalid


class SGD(Optimizer):
    r"""Stochastic gradient descent: ``p -= lr * g``, optionally with momentum.

    Per step, with ``g = p.grad`` (negated when ``maximize=True``)::

        g = g + weight_decay * p                   # if weight_decay != 0
        b = g  (first step) | momentum * b + (1 - dampening) * g
        g = g + momentum * b  (nesterov)  | b      # if momentum != 0
        p = p - lr * g
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: Any = None,
        differentiable: bool = False,
        fused: Any = None,
    ) -> None:
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if value < 0.0:  # as PyTorch's SGD: a nan passes
                raise _invalid(name, value)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening. "
                "Pass momentum > 0 (e.g. momentum=0.9) and leave dampening at 0, "
                "or drop nesterov=True."
            )
        _check_flags(differentiable=differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def _update(self, group: Dict[str, Any]) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay, nesterov = group["weight_decay"], group["nesterov"]
        for p in group["params"]:
            if p.grad is None:
                continue
            value = p._data
            grad = -p.grad._data if group["maximize"] else p.grad._data
            if weight_decay != 0:
                grad = grad + weight_decay * value
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = _buffer_like(p, grad)
                else:
                    buf._data *= momentum
                    buf._data += (1 - dampening) * grad
                grad = grad + momentum * buf._data if nesterov else buf._data
            value -= lr * grad
            p._bump_version()
