"""``torch.nn.init``: fill a parameter in place with starting values.

Good starting values keep signals from growing or shrinking layer after layer:
the ``kaiming_*`` and ``xavier_*`` schemes scale the random numbers by the
layer's fan-in (inputs per output) and fan-out.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple

import numpy as np

from ..compat.dtype import float64
from ..compat.random import rand, randn  # the package's generator, seeded by manual_seed
from ..compat.tensor_api import Tensor
from .parameter import Parameter


def _empty(shape: Tuple[int, ...]) -> Tensor:
    """A float32 tensor of ``shape`` whose values are about to be overwritten."""
    return Tensor._make(np.zeros(shape, dtype=np.float32))


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write ``values`` into ``tensor`` in place (it stays the same object)."""
    tensor._data[...] = values
    tensor._bump_version()
    return tensor


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The factor that keeps the spread of activations steady through ``nonlinearity``."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity}. "
        "Use one of 'linear', 'sigmoid', 'tanh', 'relu' or 'leaky_relu'."
    )


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> Tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions. "
            "Use this scheme on weight matrices; initialise a bias with zeros_ or uniform_."
        )
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _uniform(shape: Tuple[int, ...], low: float, high: float) -> np.ndarray:
    return low + (high - low) * rand(*shape, dtype=float64)._data


def _normal(shape: Tuple[int, ...], mean: float, std: float) -> np.ndarray:
    return mean + std * randn(*shape, dtype=float64)._data


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with numbers drawn uniformly from ``[a, b)``."""
    return _fill(tensor, _uniform(tensor.shape, a, b))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with numbers drawn from the normal distribution N(mean, std²)."""
    return _fill(tensor, _normal(tensor.shape, mean, std))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """U(-b, b) with ``b = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """N(0, std²) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(
            f"Mode {mode} not supported, please use one of fan_in, fan_out. "
            "fan_in keeps the forward signal steady, fan_out the gradients."
        )
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """U(-b, b) with ``b = gain * sqrt(3 / fan)`` (He et al., 2015).

    ``nn.Linear`` uses ``a=sqrt(5)``, for which ``b`` is exactly ``1 / sqrt(fan_in)``.
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """N(0, std²) with ``std = gain / sqrt(fan)`` (He et al., 2015)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def _reset_layer(weight: Tensor, bias: Optional[Tensor]) -> None:
    """PyTorch's default for ``Linear`` and ``Conv2d``: kaiming_uniform(a=sqrt(5)) for the
    weight, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same range for the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)


def _add_weight_and_bias(layer: Any, weight_shape: tuple, bias: bool) -> None:
    """Give ``layer`` a ``weight`` of ``weight_shape`` and a ``bias`` with one number per output
    (``None`` without one), uninitialised: the layer's ``reset_parameters`` draws them."""
    layer.weight = Parameter(_empty(weight_shape))
    if bias:
        layer.bias = Parameter(_empty(weight_shape[:1]))
    else:
        layer.register_parameter("bias", None)
