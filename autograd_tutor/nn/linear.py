"""``Linear``: the fully connected layer ``y = x @ W.T + b`` (and ``Identity``, which does
nothing, handy as a placeholder)."""

from __future__ import annotations

from typing import Any

from ..compat.tensor_api import Tensor
from . import functional as F
from . import init
from .module import Module


class Linear(Module):
    """``y = x @ weight.T + bias`` with ``weight`` of shape ``(out_features, in_features)``.

    Initialised as in PyTorch: every weight and bias drawn uniformly from
    ``[-1/sqrt(in_features), 1/sqrt(in_features)]`` (``torch.manual_seed`` makes it
    repeatable; the numbers differ from PyTorch's own generator).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        init._add_weight_and_bias(self, (out_features, in_features), bias)
        self.reset_parameters()  # a subclass may override it, as in PyTorch

    def reset_parameters(self) -> None:
        """Draw fresh weights and biases, uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]."""
        init._reset_layer(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input
