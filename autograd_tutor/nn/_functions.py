"""The ops ``nn`` adds to the core: the linear layer, leaky_relu and the losses, one
``Function`` each.

Each could be written from smaller tensor ops, but PyTorch makes each one a single graph
node, so ``print(loss)`` shows ``grad_fn=<MseLossBackward0>`` and a training step stays
a handful of nodes. Their derivatives are the classic short formulas, side by side with
the forward pass, and ``tests/test_nn.py`` checks them against PyTorch and finite
differences:

* linear: ``dL/dx = g @ W``, ``dL/dW = gᵀ @ x``, ``dL/db = Σ_rows g``
* leaky_relu: ``dy/dx = 1`` where ``x > 0``, else the negative slope
* MSE: ``dL/dx = 2 (x - t)``
* NLL: ``dL/dlogp[i, c] = -1`` at each row's target class, 0 elsewhere
* BCE: ``dL/dx = (x - t) / (x (1 - x))``;  BCE with logits: ``dL/dx = sigmoid(x) - t``

``reduction="mean"`` divides the gradient by the number of terms, ``"sum"`` does not,
``"none"`` keeps one loss per element. The backward formulas use tensor operations, so
with ``create_graph=True`` they are recorded too and second derivatives work; those written
with operators only also run on plain arrays (``array_backward``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..compat.dtype import promote
from ..kernel.function import Function
from ..ops._util import ARRAYS, data, keep_float, unbroadcast


def _reduce(loss: np.ndarray, reduction: str, total: Any = None) -> np.ndarray:
    if reduction == "mean":
        with np.errstate(invalid="ignore"):  # every target ignored: 0 / 0 is nan, as in PyTorch
            return np.asarray(loss.sum() / (loss.size if total is None else total), loss.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), loss.dtype)
    return loss


def _upstream(ctx: Any, grad: Any) -> Any:
    """The upstream gradient of each unreduced loss term (it broadcasts in products)."""
    return grad / ctx.count if ctx.reduction == "mean" else grad


class Addmm(Function):
    """y = b + x @ Wᵀ  (what ``nn.Linear`` computes for a batch of rows)

    Only what backward will use is saved, as in PyTorch: ``W`` for x's gradient, ``x`` for
    W's. So with data ``x`` (no gradient), ``W -= lr * W.grad`` before ``backward()`` is fine.
    """

    node_name = "AddmmBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, bias, x, weight):
        need_x, need_weight = (ctx.needs_input_grad or (False,) * 3)[1:]
        ctx.save_for_backward(x if need_weight else None, weight if need_x else None)
        out = x._data @ weight._data.T
        out += bias._data
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad_bias = grad.sum(0) if ctx.needs_input_grad[0] else None
        grad_x = grad @ weight if ctx.needs_input_grad[1] else None
        grad_weight = grad.T @ x if ctx.needs_input_grad[2] else None
        return grad_bias, grad_x, grad_weight


def _leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # inf * 0 where the other branch is taken
        return keep_float(np.where(x > 0, x, x * slope), x.dtype)


class LeakyRelu(Function):
    """y = x if x > 0 else s·x   dy/dx = 1 if x > 0 else s   (s: the negative slope)"""

    node_name = "LeakyReluBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return _leaky_relu(x._data, slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # the input, or the output in place: both > 0 at the same spots
        local = np.where(data(x) > 0, 1, ctx.slope).astype(data(grad).dtype)
        return grad * local, None


class LeakyReluInplace(LeakyRelu):
    """``leaky_relu_(x)``: the input is overwritten, so backward reads the output's signs."""

    node_name = "LeakyReluBackward1"
    save_output = True

    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        return _leaky_relu(x._data, slope)

    @staticmethod
    def backward(ctx, grad):
        if ctx.slope < 0:  # then the output's sign is not the input's
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope which "
                "is not supported. Call the out-of-place version instead: "
                "F.leaky_relu(x, negative_slope) without inplace=True."
            )
        return LeakyRelu.backward(ctx, grad)


class DivScalar(Function):
    """y = x / n for a Python number n   dy/dx = 1 / n

    PyTorch's losses divide by a count this way (``div.Scalar``), so the node is
    ``DivBackward1`` where ``x / n`` written in Python gives ``DivBackward0``.
    """

    node_name = "DivBackward1"
    array_backward = True

    @staticmethod
    def forward(ctx, x, divisor):
        ctx.divisor = divisor
        return np.asarray(x._data / divisor, x._data.dtype)

    @staticmethod
    def backward(ctx, grad):
        g = grad / ctx.divisor
        if not hasattr(g, "_data"):  # an array: keep its float dtype (NumPy 1 would widen)
            g = np.asarray(g, np.asarray(data(grad)).dtype)
        return g, None


class MseLoss(Function):
    """L = (x - t)²   dL/dx = 2 (x - t),  dL/dt = -2 (x - t)"""

    node_name = "MseLossBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, t, reduction):
        ctx.save_for_backward(x, t)
        dtype = promote(x.dtype, t.dtype).numpy  # PyTorch's rule: float32 - int64 is float32
        diff = x._data.astype(dtype, copy=False) - t._data.astype(dtype, copy=False)
        ctx.reduction, ctx.count = reduction, diff.size
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        grad_diff = _upstream(ctx, grad) * 2 * (x - t)
        return (
            unbroadcast(grad_diff, x.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-grad_diff, t.shape) if ctx.needs_input_grad[1] else None,
            None,
        )


class NllLoss(Function):
    """L_i = -w_i logp[i, target_i]   dL/dlogp[i, c] = -w_i if c == target_i else 0

    ``rows`` (the rows that count: ignored ones are left out; ``None`` for all), their
    ``target`` classes and their ``weight`` (``None`` when every row counts once) are NumPy
    arrays; with ``reduction="mean"`` the sum is divided by ``total``, the summed weight.
    """

    node_name = "NllLossBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, logp, rows, target, weight, total, reduction):
        n = logp._data.shape[0]
        rows = np.arange(n) if rows is None else rows
        ctx.rows, ctx.target, ctx.weight, ctx.shape = rows, target, weight, logp.shape
        ctx.reduction, ctx.count = reduction, total
        losses = -logp._data[rows, target]
        if weight is not None:
            losses *= weight
        if reduction == "none" and rows.size < n:
            every = np.zeros(n, losses.dtype)  # ignored rows: loss 0
            every[rows] = losses
            return every
        return _reduce(losses, reduction, total)

    @staticmethod
    def backward(ctx, grad):
        coeff = np.full(ctx.rows.size, -1.0, data(grad).dtype)
        if ctx.weight is not None:
            coeff *= ctx.weight
        if ctx.reduction == "mean" and coeff.size:
            coeff /= ctx.count
        if ctx.reduction == "none":
            grad = grad[ctx.rows]
        grad_logp = _placed(ctx.shape, (ctx.rows, ctx.target), grad * coeff)
        return grad_logp, None, None, None, None, None


def _placed(shape: tuple, index: tuple, values: Any) -> Any:
    """Zeros of ``shape`` with ``values`` (an array or a Tensor) written at ``index``.

    Every other entry is exactly +0.0 whatever the upstream gradient, as in PyTorch; a 0/1 mask
    times a negative gradient would give -0.0, which prints as ``-0.``.
    """
    if isinstance(values, ARRAYS):
        out = np.zeros(shape, values.dtype)
        out[index] = values
        return out
    return values.new_zeros(shape)._index_put(index, values)


class BinaryCrossEntropy(Function):
    """L = -(t log x + (1-t) log(1-x))   dL/dx = (x - t) / (x (1 - x))

    As in PyTorch, each log is clamped at -100 and the denominator at 1e-12, so a
    sigmoid that saturated to exactly 0 or 1 (float32 does so for |z| > 17) still gives
    finite losses and gradients.
    """

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.reduction, ctx.count = weight, reduction, x._data.size
        xd, td = x._data, t._data
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(xd), -100)
            log_1mx = np.maximum(np.log1p(-xd), -100)
        loss = keep_float(-(td * log_x + (1 - td) * log_1mx), np.result_type(xd, td))
        return _reduce(loss if weight is None else loss * weight._data, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        grad_x = _upstream(ctx, grad) * (x - t) / (x * (1 - x)).clamp(min=1e-12)
        return grad_x if ctx.weight is None else grad_x * ctx.weight, None, None, None


class BinaryCrossEntropyWithLogits(Function):
    """L = (1-t) x + p log(1 + e^-x)   dL/dx = p σ(x) - pos_weight t   (σ(x) - t if p = 1)

    ``p = (pos_weight - 1) t + 1`` weights the positive examples. The forward pass uses
    ``log(1 + e^-x) = m + log(e^-m + e^(-x-m))`` with ``m = max(-x, 0)``, so no
    exponential overflows, whatever the sign and size of ``x``.
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight = weight, pos_weight
        ctx.reduction, ctx.count = reduction, x._data.size
        xd, td = x._data, t._data
        m = np.maximum(-xd, 0)
        softplus = m + np.log(np.exp(-m) + np.exp(-xd - m))
        if pos_weight is not None:
            softplus = softplus * ((pos_weight._data - 1) * td + 1)
        loss = keep_float((1 - td) * xd + softplus, np.result_type(xd, td))
        return _reduce(loss if weight is None else loss * weight._data, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        s = x.sigmoid()
        if ctx.pos_weight is None:
            local = s - t
        else:
            local = ((ctx.pos_weight - 1) * t + 1) * s - ctx.pos_weight * t
        if ctx.weight is not None:
            local = local * ctx.weight
        return _upstream(ctx, grad) * local, None, None, None, None
