"""Adam and AdamW (PyTorch's update rules, step for step)."""

from __future__ import annotations

import math
from typing import Any, Dict, Tuple

import numpy as np

from .optimizer import (
    Optimizer,
    ParamsT,
    _buffer_like,
    _check_flags,
    _check_non_negative,
    _step_counter,
)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start += weight * (end - start)`` in place, rounded the way PyTorch's lerp is."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)


class Adam(Optimizer):
    r"""Adam: steps scaled by running averages of the gradient and of its square.

    Per step ``t``, with ``g = p.grad`` (negated when ``maximize=True``)::

        g = g + weight_decay * p          # L2 penalty (Adam)
        p = p * (1 - lr * weight_decay)   # decoupled decay instead (AdamW)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_hat = max(v_hat, v) if amsgrad else v
        p = p - lr / (1 - beta1**t) * m / (sqrt(v_hat) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: Any = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: Any = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_non_negative(lr=lr, eps=eps)
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(
                    f"Invalid beta parameter at index {i}: {betas[i]}. "
                    "Both betas must be in [0, 1), e.g. betas=(0.9, 0.999)."
                )
        _check_non_negative(weight_decay=weight_decay)
        _check_flags(capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, group: Dict[str, Any]) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p in group["params"]:
            if p.grad is None:
                continue
            value = p._data
            grad = -p.grad._data if group["maximize"] else p.grad._data
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _step_counter()
                state["exp_avg"] = _buffer_like(p)
                state["exp_avg_sq"] = _buffer_like(p)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = _buffer_like(p)
            state["step"]._data += 1
            step = float(state["step"]._data)
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    value *= 1 - lr * weight_decay
                else:
                    grad = grad + weight_decay * value
            exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
            _lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * grad * grad
            if group["amsgrad"]:
                np.maximum(
                    state["max_exp_avg_sq"]._data, exp_avg_sq, out=state["max_exp_avg_sq"]._data
                )
                exp_avg_sq = state["max_exp_avg_sq"]._data
            step_size = lr / (1 - beta1**step)
            denom = np.sqrt(exp_avg_sq)
            denom /= math.sqrt(1 - beta2**step)
            denom += eps
            update = step_size * exp_avg
            update /= denom
            value -= update
            p._bump_version()


class AdamW(Adam):
    """Adam with *decoupled* weight decay: ``p *= 1 - lr * weight_decay`` each step.

    Plain Adam adds ``weight_decay * p`` to the gradient, so the decay is rescaled by
    the adaptive denominator; AdamW shrinks the weights directly. Default decay 1e-2.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: Any = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: Any = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
