"""The ops of convolutional networks: 2-D convolution and max pooling, one ``Function`` each.

Both look at the input through *windows*: ``_windows`` gives, for every output position, the
``kh × kw`` patch of the (padded) input it is computed from, as a NumPy view (no copy).

* convolution: ``out[n, o, i, j] = b[o] + Σ_{c,k,l} w[o, c, k, l] · patch[n, c, i, j, k, l]``,
  so ``dL/dw[o, c, k, l] = Σ_{n,i,j} g[n, o, i, j] · patch[n, c, i, j, k, l]``,
  ``dL/db[o] = Σ_{n,i,j} g[n, o, i, j]``, and each input element receives ``g · w`` from every
  window it appears in (``dL/dx``, added back one kernel offset ``(k, l)`` at a time).
* max pooling: ``out = max(patch)``; the gradient goes to the element that was the maximum
  (the first one, on a tie), summed where windows overlap.

Their backward runs on NumPy arrays only: a gradient of these gradients
(``create_graph=True``) is not available, and asking for one raises an error that says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..compat.tensor_api import Tensor
from ..kernel.function import Function
from ..kernel.grad_mode import is_grad_enabled
from ..ops._util import ARRAYS, data


def _windows(x: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """The patches of ``x`` (..., H, W) seen by a ``kernel`` moved by ``stride``, with
    ``dilation`` between its taps: shape (..., out_h, out_w, kh, kw), a view of ``x``."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = sliding_window_view(x, span, axis=(-2, -1))
    return view[..., ::sh, ::sw, ::dh, ::dw]


def _given_tensors(name: str, grad: Any) -> bool:
    """True if ``grad`` is a Tensor rather than an array (``grad_fn(...)`` called by hand);
    raises if the gradient is being recorded (``create_graph=True``), which these ops cannot
    do."""
    if isinstance(grad, ARRAYS):
        return False
    if is_grad_enabled():
        raise RuntimeError(
            f"autograd_tutor computes the gradient of {name} without recording it, so it cannot "
            "be differentiated again: create_graph=True (double backward) through this layer is "
            "not supported here (PyTorch supports it)."
        )
    return True


def _as_given(grads: tuple, tensors: bool) -> tuple:
    """The computed gradient arrays, as Tensors if Tensors came in."""
    if not tensors:
        return grads
    return tuple(g if g is None else Tensor._make(g) for g in grads)


class Convolution(Function):
    """out = conv2d(x, w) + b (see the module docstring for the gradients)

    ``padding`` is ``((top, bottom), (left, right))``; the input is (N, C, H, W) and the weight
    (O, C / groups, kh, kw): channel group ``g`` of the input meets output channels group ``g``.
    """

    node_name = "ConvolutionBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        ctx.save_for_backward(x, weight)
        ctx.conv = (stride, padding, dilation, groups)
        padded = np.pad(data(x), ((0, 0), (0, 0), *padding))
        patches = _grouped(_windows(padded, weight.shape[2:], stride, dilation), groups)
        w = _grouped_weight(data(weight), groups)
        out = np.einsum("ngcijkl,gockl->ngoij", patches, w, optimize=True)
        out = out.reshape(out.shape[0], -1, *out.shape[3:])
        if bias is not None:
            out += data(bias)[:, None, None]
        return out.astype(data(x).dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        tensors = _given_tensors("conv2d", grad)
        x, weight = (data(t) for t in ctx.saved_tensors)
        stride, padding, dilation, groups = ctx.conv
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        g = _grouped(data(grad), groups)  # (N, G, O/G, out_h, out_w)
        w = _grouped_weight(weight, groups)
        padded = np.pad(x, ((0, 0), (0, 0), *padding))
        grad_x = grad_w = grad_b = None
        if need_w:
            patches = _grouped(_windows(padded, weight.shape[2:], stride, dilation), groups)
            grad_w = np.einsum("ngoij,ngcijkl->gockl", g, patches, optimize=True)
            grad_w = grad_w.reshape(weight.shape).astype(weight.dtype, copy=False)
        if need_x:
            grad_padded = np.zeros_like(padded)
            out_h, out_w = g.shape[-2:]
            for k in range(weight.shape[2]):
                for j in range(weight.shape[3]):
                    # tap (k, j) of every window read these input elements: each gets g · w
                    rows = slice(k * dilation[0], k * dilation[0] + stride[0] * (out_h - 1) + 1,
                                 stride[0])
                    cols = slice(j * dilation[1], j * dilation[1] + stride[1] * (out_w - 1) + 1,
                                 stride[1])
                    part = np.einsum("ngoab,goc->ngcab", g, w[..., k, j], optimize=True)
                    grad_padded[:, :, rows, cols] += part.reshape(part.shape[0], -1, out_h, out_w)
            (top, _), (left, _) = padding
            grad_x = grad_padded[:, :, top:top + x.shape[2], left:left + x.shape[3]]
        if need_b:
            grad_b = data(grad).sum((0, 2, 3))
        return (*_as_given((grad_x, grad_w, grad_b), tensors), None, None, None, None)


def _grouped(a: np.ndarray, groups: int) -> np.ndarray:
    """(N, C, ...) split into (N, groups, C / groups, ...): channel group ``g`` on its own."""
    return a.reshape(a.shape[0], groups, -1, *a.shape[2:])


def _grouped_weight(weight: np.ndarray, groups: int) -> np.ndarray:
    """(O, C / G, kh, kw) split into (groups, O / groups, C / G, kh, kw)."""
    return weight.reshape(groups, -1, *weight.shape[1:])


class MaxPool2d(Function):
    """out = max(patch)   dL/dx = g at the patch's maximum, 0 elsewhere (summed over patches)"""

    node_name = "MaxPool2DWithIndicesBackward0"
    array_backward = True

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_size):
        ctx.save_for_backward(x)
        ctx.pool = (kernel, stride, padding, dilation, out_size)
        return max_positions(data(x), *ctx.pool)[0]

    @staticmethod
    def backward(ctx, grad):
        tensors = _given_tensors("max_pool2d", grad)
        (x,) = (data(t) for t in ctx.saved_tensors)
        _, rows, cols = max_positions(x, *ctx.pool)
        grad_x = np.zeros(x.shape, x.dtype)
        lead = np.indices(rows.shape[:-2], sparse=True)  # batch and channel of each window
        valid = (rows >= 0) & (rows < x.shape[-2]) & (cols >= 0) & (cols < x.shape[-1])
        np.add.at(grad_x, (*(i[..., None, None] for i in lead), rows * valid, cols * valid),
                  np.where(valid, data(grad), 0))
        return (*_as_given((grad_x,), tensors), None, None, None, None, None)


def max_positions(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                  dilation: tuple, out_size: tuple) -> tuple:
    """The maximum of each window of ``x`` (..., H, W) and its row and column in ``x``: the
    first maximum on a tie, NaN counting as the largest, as in PyTorch."""
    # pad with -inf, and at the bottom and right as far as the last window reaches
    # (with ``ceil_mode`` it may hang over the edge)
    after = [max(p, (n_out - 1) * s + d * (k - 1) + 1 - n - p)
             for n_out, s, d, k, n, p in zip(out_size, stride, dilation, kernel, x.shape[-2:],
                                              padding)]
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    pads = [(0, 0)] * (x.ndim - 2) + [(padding[0], after[0]), (padding[1], after[1])]
    patches = _windows(np.pad(x, pads, constant_values=fill), kernel, stride, dilation)
    patches = patches[..., : out_size[0], : out_size[1], :, :]
    flat = patches.reshape(*patches.shape[:-2], -1)
    best = flat.argmax(-1)
    out_rows, out_cols = np.indices(out_size, sparse=True)
    rows = out_rows * stride[0] + (best // kernel[1]) * dilation[0] - padding[0]
    cols = out_cols * stride[1] + (best % kernel[1]) * dilation[1] - padding[1]
    return np.take_along_axis(flat, best[..., None], -1)[..., 0], rows, cols
