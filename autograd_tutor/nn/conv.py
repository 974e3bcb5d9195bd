"""``Conv2d``: the 2-D convolution layer of image models (``F.conv2d`` with learned filters)."""

from __future__ import annotations

from typing import Any, Union

from ..compat.tensor_api import Tensor
from . import functional as F
from . import init
from .module import Module

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pair(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class Conv2d(Module):
    """``out_channels`` filters of shape ``(in_channels / groups, *kernel_size)``, each slid
    over the input: ``weight`` is (out_channels, in_channels / groups, kh, kw).

    Initialised as in PyTorch: weights and biases uniform in ``[-1/sqrt(fan_in),
    1/sqrt(fan_in)]`` with ``fan_in = in_channels / groups · kh · kw``.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Union[str, Any] = 0, dilation: Any = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros") -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        if padding_mode != "zeros":
            raise NotImplementedError(
                f"padding_mode='{padding_mode}' is not available in autograd_tutor: only "
                "'zeros' (the default) is.")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding = padding if isinstance(padding, str) else _pair(padding)
        self.dilation, self.groups, self.padding_mode = _pair(dilation), groups, padding_mode
        init._add_weight_and_bias(
            self, (out_channels, in_channels // groups, *self.kernel_size), bias)
        self.reset_parameters()  # a subclass may override it, as in PyTorch

    def reset_parameters(self) -> None:
        """Draw fresh weights and biases, uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]."""
        init._reset_layer(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
