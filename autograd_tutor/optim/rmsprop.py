"""RMSprop (PyTorch's update rule, step for step)."""

from __future__ import annotations

from typing import Any, Dict

import numpy as np

from .adam import _lerp_
from .optimizer import (
    Optimizer,
    ParamsT,
    _buffer_like,
    _check_flags,
    _check_non_negative,
    _step_counter,
)


class RMSprop(Optimizer):
    r"""RMSprop: steps divided by a running root-mean-square of the gradient.

    Per step, with ``g = p.grad`` (negated when ``maximize=True``)::

        g = g + weight_decay * p                     # if weight_decay != 0
        v = alpha * v + (1 - alpha) * g * g          # state["square_avg"]
        m = alpha * m + (1 - alpha) * g              # state["grad_avg"], if centered
        avg = sqrt(v - m * m) + eps  (centered)  |  sqrt(v) + eps
        b = momentum * b + g / avg;  p = p - lr * b  # if momentum > 0
        p = p - lr * g / avg                         # otherwise
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: Any = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_non_negative(
            lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha
        )
        _check_flags(capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, group: Dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        for p in group["params"]:
            if p.grad is None:
                continue
            value = p._data
            grad = -p.grad._data if group["maximize"] else p.grad._data
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _step_counter()
                state["square_avg"] = _buffer_like(p)
                if momentum > 0:
                    state["momentum_buffer"] = _buffer_like(p)
                if group["centered"]:
                    state["grad_avg"] = _buffer_like(p)
            state["step"]._data += 1
            if weight_decay != 0:
                grad = grad + weight_decay * value
            square_avg = state["square_avg"]._data
            square_avg *= alpha
            square_avg += (1 - alpha) * grad * grad
            if group["centered"]:
                grad_avg = state["grad_avg"]._data
                _lerp_(grad_avg, grad, 1 - alpha)
                avg = np.sqrt(square_avg - grad_avg * grad_avg)
            else:
                avg = np.sqrt(square_avg)
            avg += eps
            if momentum > 0:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                buf += grad / avg
                value -= lr * buf
            else:
                value -= lr * (grad / avg)
            p._bump_version()
