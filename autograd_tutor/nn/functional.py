"""``torch.nn.functional``: layers, activations and losses as plain functions.

These functions check their arguments (with PyTorch's error messages) and then call
the core's ops or the ops in ``nn/_functions.py``, one graph node per loss as in
PyTorch. The formulas are the numerically stable ones PyTorch uses: ``log_softmax``
subtracts the row maximum before ``exp``, ``binary_cross_entropy_with_logits`` never
computes ``log(sigmoid(x))``, and ``binary_cross_entropy`` clamps its logs at -100.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from ..compat.dtype import cpp_name
from ..compat.random import rand  # the package's generator, seeded by manual_seed
from ..compat.tensor_api import Tensor, _check_broadcast
from . import _conv
from . import _functions as _ops

_REDUCTIONS = ("none", "mean", "sum")
_HEAPTYPE = 1 << 9  # type.__flags__ bit of classes written in Python


def _class_name(obj: Any) -> str:
    """The type name Python's own messages use: ``list``, ``numpy.ndarray``, ``MyClass``."""
    cls = type(obj)
    if cls.__module__ == "builtins" or cls.__flags__ & _HEAPTYPE:
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def _check_tensors(fn: str, method: str = "", **args: Any) -> None:
    """Raise PyTorch's error if one of ``args`` (``None`` = not given) is not a Tensor.

    PyTorch's C++ functions say ``fn(): argument 'x' (position 2) must be Tensor, not
    list``. Python-level ones (``method="size"``) first call ``x.size()``, which fails with
    an AttributeError, or with a TypeError for NumPy values, whose ``.size`` is a number.
    Either way the message then says how to make a tensor.
    """
    for position, (name, value) in enumerate(args.items(), 1):
        if value is None or isinstance(value, Tensor):
            continue
        kind = _class_name(value)
        if isinstance(value, np.ndarray):
            fix = f"{fn}() takes tensors: convert the array with torch.from_numpy({name})"
            if value.dtype == np.float64:  # NumPy's default; PyTorch models use float32
                fix += ".float() (NumPy makes float64 arrays, the layers hold float32)"
            fix += "."
        else:
            fix = f"{fn}() takes tensors: wrap the {kind} with torch.tensor(...)."
        attribute = getattr(value, method, None) if method else None
        if method and attribute is None:
            raise AttributeError(f"'{kind}' object has no attribute '{method}'. {fix}")
        if method and not callable(attribute):
            raise TypeError(
                f"'{_class_name(attribute)}' object is not callable ({name} is a {kind}, "
                f"whose .{method} is not a method). {fix}"
            )
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {kind}. {fix}"
        )


# -- linear ---------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """``input @ weight.T + bias``: each row of ``weight`` produces one output feature."""
    _check_tensors("linear", input=input, weight=weight, bias=bias)
    x, w = input._data, weight._data  # (checked on the arrays: this runs every step)
    if x.shape[-1] != w.shape[-1]:
        rows = int(np.prod(input.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[-1]}x{weight.shape[0]}). The last dimension of the input must "
            f"equal in_features={weight.shape[-1]}."
        )
    if x.dtype != w.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {input.dtype._scalar_name} and "
            f"{weight.dtype._scalar_name}. Convert the input, e.g. x.float() (NumPy arrays are "
            "float64 by default), or the model, e.g. model.double()."
        )
    if bias is None:
        return input @ weight.T
    if x.ndim == 2:
        return _ops.Addmm.apply(bias, input, weight)
    rows = input.reshape(-1, input.shape[-1])
    return _ops.Addmm.apply(bias, rows, weight).view(*input.shape[:-1], weight.shape[0])


# -- convolution and pooling ----------------------------------------------------------------


def _two(value: Any, name: str) -> tuple:
    """An int or a pair of ints, as (for rows, for columns)."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of 2 values to match the "
            f"convolution dimensions, but got {name}={list(pair)}"
        )
    return tuple(int(v) for v in pair)


def _shape(t: Tensor) -> str:
    return "[" + ", ".join(str(n) for n in t.shape) + "]"


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution: each output channel slides its ``kh × kw`` filter over the input and
    takes a dot product at every position (plus its bias). Input (N, C, H, W) or (C, H, W);
    weight (out_channels, C / groups, kh, kw)."""
    _check_tensors("conv2d", input=input, weight=weight, bias=bias)
    if input.ndim not in (3, 4):
        raise RuntimeError("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {_shape(input)}")
    if input.ndim == 3:  # one image: PyTorch adds the batch dim and removes it again
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
    stride, dilation = _two(stride, "stride"), _two(dilation, "dilation")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    kernel = tuple(d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:]))
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # "same": as many zeros as the kernel reaches past the edge; an odd one goes at the end
        pads = tuple(((k - 1) // 2, k - 1 - (k - 1) // 2) if padding == "same" else (0, 0)
                     for k in kernel)
    else:
        if min(_two(padding, "padding")) < 0:
            raise RuntimeError("negative padding is not supported")
        pads = tuple((p, p) for p in _two(padding, "padding"))
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{_shape(weight)}] instead")
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_shape(weight)}, expected input"
            f"{_shape(input)} to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead. Check in_channels of the layer against the "
            "channels (dim 1) of its input.")
    padded = tuple(n + a + b for n, (a, b) in zip(input.shape[2:], pads))
    if any(k > n for k, n in zip(kernel, padded)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel "
            f"size: ({kernel[0]} x {kernel[1]}). Kernel size can't be greater than actual input "
            "size")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._scalar_name} but found "
                           f"{weight.dtype._scalar_name}")
    if bias is not None:
        if bias.shape != (weight.shape[0],):
            raise RuntimeError(
                f"Given weight of size {_shape(weight)}, expected bias to be 1-dimensional with "
                f"{weight.shape[0]} elements, but got bias of size {_shape(bias)} instead")
        if bias.dtype != input.dtype:
            raise RuntimeError(f"Input type ({cpp_name(input.dtype)}) and bias type "
                               f"({cpp_name(bias.dtype)}) should be the same")
    return _conv.Convolution.apply(input, weight, bias, stride, pads, dilation, groups)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The largest value of each ``kernel_size`` window (moved by ``stride``, which defaults
    to the window size); ``return_indices=True`` also gives where each maximum was."""
    _check_tensors("max_pool2d", input=input)
    if input.ndim not in (3, 4) or input.numel() == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kernel = _two(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _two(stride, "stride")
    padding, dilation = _two(padding, "padding"), _two(dilation, "dilation")
    if min(stride) == 0:
        raise RuntimeError("stride should not be zero")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}")
    out_size = []
    for n, k, s, p, d in zip(input.shape[-2:], kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        out = -(-span // s) + 1 if ceil_mode else span // s + 1
        if ceil_mode and (out - 1) * s >= n + p:  # the last window would start in the padding
            out -= 1
        out_size.append(out)
    if min(out_size) <= 0:
        size = "x".join(str(n) for n in input.shape[-3:])
        raise RuntimeError(
            f"Given input size: ({size}). Calculated output size: ({input.shape[-3]}x"
            f"{out_size[0]}x{out_size[1]}). Output size is too small")
    pool = (kernel, stride, padding, dilation, tuple(out_size))
    out = _conv.MaxPool2d.apply(input, *pool)
    if not return_indices:
        return out
    _, rows, cols = _conv.max_positions(input._data, *pool)  # flat positions in each H x W
    return out, Tensor._make((rows * input.shape[-1] + cols).astype(np.int64))


# -- activations ----------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``: passes positives, zeroes negatives (gradient 0 at x <= 0)."""
    _check_tensors("relu_" if inplace else "relu", input=input)
    if inplace:  # overwrite input's values (PyTorch's rules for in-place ops apply)
        return input._inplace(lambda old: old.relu())
    return input.relu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope * x``: unlike relu, negatives keep a small
    gradient, so a unit that only sees negative inputs can still learn."""
    _check_tensors("leaky_relu_" if inplace else "leaky_relu", input=input)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"leaky_relu_cpu\" not implemented for '{input.dtype._scalar_name}'. leaky_relu "
            "works on floating point tensors: convert with .float() first."
        )
    if inplace:
        return input._inplace(lambda old: _ops.LeakyReluInplace.apply(old, negative_slope))
    return _ops.LeakyRelu.apply(input, negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``, squashing any number into (0, 1)."""
    _check_tensors("sigmoid", "sigmoid", input=input)  # PyTorch calls input.sigmoid()
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """``tanh(x)``, squashing any number into (-1, 1)."""
    _check_tensors("tanh", "tanh", input=input)
    return input.tanh()


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: Optional[int] = None, dtype: Optional[object] = None) -> Tensor:
    """``exp(x) / exp(x).sum(dim)``: turns scores into probabilities along ``dim``."""
    _check_tensors("softmax", "softmax", input=input)
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(dim)


def log_softmax(input: Tensor, dim: Optional[int] = None, dtype: Optional[object] = None) -> Tensor:
    """``log(softmax(x))`` computed stably as ``x - max - log(sum(exp(x - max)))``."""
    _check_tensors("log_softmax", "log_softmax", input=input)
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(dim)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the others by ``1 / (1 - p)``
    (only when ``training``; otherwise return ``input`` as it is)."""
    if not 0 <= p <= 1:
        raise ValueError(
            f"dropout probability has to be between 0 and 1, but got {p}. "
            "p is the fraction of elements to zero, e.g. dropout(x, 0.2)."
        )
    _check_tensors("dropout_" if inplace else "dropout", input=input)
    if not training or p == 0:
        return input
    keep = rand(*input.shape)._data >= p
    scale = Tensor._make((keep * (1 / (1 - p) if p < 1 else 0)).astype(input._data.dtype))
    return input.mul_(scale) if inplace else input * scale


# -- losses ---------------------------------------------------------------------------------


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{reduction} is not a valid value for reduction. "
            "Use reduction='mean' (the default), 'sum' or 'none'."
        )


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error ``((input - target) ** 2).mean()``."""
    _check_tensors("mse_loss", "size", target=target, input=input)
    _check_same_shape(input, target)
    _check_reduction(reduction)
    return _ops.MseLoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``(input - target).abs().mean()``: less swayed by outliers than MSE."""
    _check_tensors("l1_loss", "size", target=target, input=input)
    _check_same_shape(input, target)
    _check_reduction(reduction)
    return _reduce((input - target).abs(), reduction)


def _check_same_shape(input: Tensor, target: Tensor) -> None:
    """Warn when ``target``'s shape differs (it broadcasts, which is rarely what is meant), and
    raise PyTorch's RuntimeError when the shapes do not even broadcast."""
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )
        _check_broadcast(input.shape, target.shape)


def _check_fits(out: tuple, a: tuple, b: tuple) -> None:
    """PyTorch's errors for ``loss.mul_(w)``: shapes ``a`` and ``b`` must broadcast to ``out``."""
    _check_broadcast(a, b)
    full = list(np.broadcast_shapes(a, b))
    if full != list(out):
        raise RuntimeError(
            f"output with shape {list(out)} doesn't match the broadcast shape {full}. "
            "A weight may not add dimensions to the loss: give it the input's shape or fewer dims."
        )


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Optional[Tensor] = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood: ``-input[i, target[i]]`` averaged over the rows.

    ``input`` holds log-probabilities of shape ``(N, C)`` (or ``(C,)``, or ``(N, C, d1, ...)``),
    ``target`` the class index of each row. With ``weight``, row ``i`` counts
    ``weight[target[i]]`` times and the mean divides by the total weight.
    """
    _check_reduction(reduction)
    _check_tensors("nll_loss_nd", input=input, target=target, weight=weight)
    batch = target.shape[0] if target.ndim else 1  # PyTorch checks in this order
    if input.ndim >= 2 and input.shape[0] != batch:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({batch}). Give one target class per input row."
        )
    if target.ndim > 1 and input.ndim <= 2:
        raise RuntimeError(
            "0D or 1D target tensor expected, multi-target not supported. Pass one class index "
            "per row, shape (N,): e.g. target.view(-1) instead of a column of shape (N, 1) "
            "(cross_entropy also takes float class probabilities of the input's shape)."
        )
    if target.dtype.is_floating_point:
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype._scalar_name}. "
            "Class targets are integer indices: make them with torch.tensor([0, 2, 1]) "
            "(or target.long())."
        )
    expected = [input.shape[0], *input.shape[2:]]
    if input.ndim > 2 and list(target.shape) != expected:
        raise RuntimeError(
            f"Expected target size {expected}, got {list(target.shape)}. Scores of shape "
            "(N, C, d1, ...) need one class index per position: a target of shape (N, d1, ...)."
        )
    classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    _check_class_weight(weight, classes, "" if input.ndim <= 2 else None)
    if input.ndim != 2:  # (C,) or (N, C, d1, ...) -> (rows, C)
        dims = (0, *range(2, input.ndim), 1) if input.ndim > 2 else (0,)
        input = input.permute(*dims).reshape(-1, classes)
    t = target._data.reshape(-1)
    kept = t != ignore_index
    bad = t[kept & ((t < 0) | (t >= classes))]
    if bad.size:
        raise IndexError(
            f"Target {bad[0]} is out of bounds. Targets must be class indices in "
            f"[0, {classes - 1}] (or ignore_index={ignore_index})."
        )
    rows = None if kept.all() else np.flatnonzero(kept)  # the rows that count (None: all)
    if rows is not None:
        t = t[rows]
    row_weight = None if weight is None else weight._data[t].astype(input._data.dtype)
    total = t.size if row_weight is None else row_weight.sum()
    loss = _ops.NllLoss.apply(input, rows, t, row_weight, total, reduction)
    return loss.reshape(target.shape) if reduction == "none" else loss


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Optional[Tensor] = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """``nll_loss(log_softmax(input, 1), target)``: the classification loss on raw scores.

    ``target`` is either class indices (shape ``(N,)``) or class probabilities with the
    same shape as ``input``. ``label_smoothing`` mixes the target with the uniform
    distribution over the classes.
    """
    _check_reduction(reduction)
    _check_tensors("cross_entropy_loss", input=input, target=target, weight=weight)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}. "
            "It is the share of probability spread evenly over the classes, e.g. 0.1."
        )
    dim = 1 if input.ndim >= 2 else 0
    logp = input.log_softmax(dim)
    classes = input.shape[dim]
    if target.dtype.is_floating_point and target.shape == input.shape:  # probabilities
        _check_class_weight(weight, classes, "cross_entropy: ")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        weighted = _class_weighted(logp, weight) * target
        if reduction == "none":
            return -weighted.sum(dim)
        total = -weighted.sum()  # PyTorch's graph: Neg(Sum(...)), then a DivBackward1 for mean
        if reduction == "sum":
            return total
        return _ops.DivScalar.apply(total, input.numel() // classes)
    loss = nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return loss
    kept = target._data != ignore_index
    smooth = -_class_weighted(logp, weight).sum(dim)
    if reduction == "none":
        smooth = smooth.masked_fill(Tensor._make(~kept), 0.0)
    else:  # sum only the rows that count: the others get exactly 0 gradient, as in PyTorch
        smooth = smooth[Tensor._make(kept)].sum()
        if reduction == "mean":
            if weight is None:
                total = kept.sum()
            else:
                total = (weight._data[np.where(kept, target._data, 0)] * kept).sum()
            smooth = smooth / float(total)
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def _check_class_weight(weight: Optional[Tensor], classes: int, prefix: Optional[str]) -> None:
    """``weight`` must hold one number per class (PyTorch's N-d loss says less: ``prefix=None``)."""
    if weight is None or weight.shape == (classes,):
        return
    if prefix is None:
        start = "weight tensor should be defined either for all or no classes"
    else:
        start = (
            f"{prefix}weight tensor should be defined either for all {classes} classes or no "
            f"classes but got weight tensor of shape: {list(weight.shape)}"
        )
    raise RuntimeError(f"{start}. Give one weight per class, shape ({classes},), or none.")


def _class_weighted(logp: Tensor, weight: Optional[Tensor]) -> Tensor:
    """``logp`` times ``weight`` (one per class) along the class dimension."""
    if weight is None:
        return logp
    return logp * weight.reshape((-1,) + (1,) * max(logp.ndim - 2, 0))


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, reduction: str = "mean"
) -> Tensor:
    """BCE on probabilities in [0, 1]: ``-(t log p + (1 - t) log(1 - p))``, logs clamped at -100.

    Prefer ``binary_cross_entropy_with_logits`` on raw scores: it is exact where a
    saturated sigmoid is not.
    """
    _check_reduction(reduction)
    _check_tensors("binary_cross_entropy", "size", target=target, input=input)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None:  # PyTorch: torch.broadcast_shapes(target.size(), weight.size())
        _check_tensors("binary_cross_entropy", "size", weight=weight)
        common = [1] * (weight.ndim - target.ndim) + list(target.shape)
        for i in range(-1, -1 - weight.ndim, -1):
            if common[i] == 1:
                common[i] = weight.shape[i]
            elif weight.shape[i] not in (1, common[i]):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {weight.shape[i]} at {i}! "
                    f"Mismatching argument at index 1 had {weight.shape}; but expected shape "
                    f"should be broadcastable to {common}. Give the weight the input's shape "
                    "(or one that broadcasts to it)."
                )
        _check_fits(input.shape, input.shape, weight.shape)
    if target.dtype is not input.dtype:
        raise RuntimeError(
            f"Found dtype {target.dtype._scalar_name} but expected {input.dtype._scalar_name}. "
            "Targets must be floats like the input: use target.float()."
        )
    values = input._data
    if values.size and not ((values >= 0) & (values <= 1)).all():
        raise RuntimeError(
            "all elements of input should be between 0 and 1. binary_cross_entropy takes "
            "probabilities: apply torch.sigmoid first, or use binary_cross_entropy_with_logits "
            "on the raw scores."
        )
    return _ops.BinaryCrossEntropy.apply(input, target, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Optional[Tensor] = None,
    reduction: str = "mean",
    pos_weight: Optional[Tensor] = None,
) -> Tensor:
    """Sigmoid + BCE on raw scores ``x`` in one stable formula; its gradient is ``sigmoid(x) - t``.

    ``pos_weight`` (one per class) multiplies the loss of the positive targets.
    """
    _check_reduction(reduction)
    _check_tensors("binary_cross_entropy_with_logits", "size", target=target, input=input)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape}). "
            "Give one target per score (reshape the target, e.g. y.view(-1, 1))."
        )
    names = {"input": input, "target": target, "weight": weight, "pos_weight": pos_weight}
    _check_tensors("binary_cross_entropy_with_logits", **names)
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            "result type Float can't be cast to the desired output type "
            f"{target.dtype._scalar_name}. Targets must be floats: use target.float()."
        )
    if pos_weight is not None:
        _check_fits(input.shape, pos_weight.shape, target.shape)
    if weight is not None:
        _check_fits(input.shape, input.shape, weight.shape)
    return _ops.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)
