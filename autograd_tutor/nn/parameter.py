"""``Parameter``: a tensor that a ``Module`` registers as trainable."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..compat import dtype as _dtype
from ..compat.printing import parameter_repr
from ..compat.tensor_api import Tensor


class Parameter(Tensor):
    """A tensor marked as a weight of a module: ``requires_grad=True`` by default, and
    assigning one to a ``Module`` attribute adds it to ``module.parameters()``.

    ``Parameter(t)`` shares ``t``'s values (no copy) and is a new leaf.
    """

    def __init__(self, data: Optional[Tensor] = None, requires_grad: bool = True) -> None:
        if data is None:
            self._set_fields(np.zeros(0, dtype=_dtype.default_float.numpy))
        else:
            self._set_fields(data._data)
            self._share_version_with(data)
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return parameter_repr(self)
