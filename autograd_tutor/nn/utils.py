"""``torch.nn.utils``: ``clip_grad_norm_``, which shrinks gradients that grew too large.

Call it between ``loss.backward()`` and ``optimizer.step()``: a single huge gradient (an
"exploding gradient") then cannot throw the parameters far away in one step.
"""

from __future__ import annotations

import math
import types
import warnings
from typing import Iterable, Optional, Union

import numpy as np

from ..autograd.grad_mode import no_grad
from ..compat.tensor_api import Tensor


def _vector_norm(x: np.ndarray, p: float) -> np.ndarray:
    """``torch.linalg.vector_norm(x, p)``: ``(Σ |x|^p)^(1/p)``; the largest ``|x|`` for p = inf."""
    a = np.abs(x)
    if p == math.inf:
        norm = a.max()
    elif p == -math.inf:
        norm = a.min()
    elif p == 0:  # how many are not zero
        norm = (a != 0).sum(dtype=a.dtype)
    elif p == 1:
        norm = a.sum()
    elif p == 2:
        norm = np.sqrt((a * a).sum())
    else:
        norm = (a**p).sum() ** (1 / p)
    return np.asarray(norm, a.dtype)  # NumPy 1 computes float32 scalar ** float in float64


def clip_grad_norm_(
    parameters: Union[Tensor, Iterable[Tensor]],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: Optional[bool] = None,
) -> Tensor:
    """Scale every ``p.grad`` in place so that all of them, seen as one long vector, have a
    norm of at most ``max_norm``; return that total norm as it was before clipping.

    As in PyTorch: ``total = norm([norm(g) for g in grads])`` and each gradient is multiplied
    by ``min(max_norm / (total + 1e-6), 1)`` (the 1e-6 avoids dividing by zero). Gradients
    keep their direction; only their length changes. ``foreach`` is accepted and ignored.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)  # a generator (model.parameters()) can be read only once
        if is_generator and not parameters:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.",
                stacklevel=2,
            )
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return Tensor._make(np.array(0.0, np.float32))
    norm_type = float(norm_type)
    norms = np.stack([_vector_norm(g._data, norm_type) for g in grads])
    total_norm = Tensor._make(np.asarray(_vector_norm(norms, norm_type)))
    if error_if_nonfinite and not np.isfinite(total_norm._data):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`. A nan or inf "
            "gradient usually comes from the loss: check it (and the learning rate) first."
        )
    with no_grad():
        clip_coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(clip_coef)
    return total_norm
