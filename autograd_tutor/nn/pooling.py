"""``MaxPool2d``: keeps the largest value of each window (``F.max_pool2d`` as a layer)."""

from __future__ import annotations

from typing import Any, Optional

from ..compat.tensor_api import Tensor
from . import functional as F
from .module import Module


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window, moved by ``stride`` (default: the window
    size, so windows do not overlap). No parameters."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")
