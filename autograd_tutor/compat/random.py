"""Random tensors from one seeded generator: ``manual_seed(0)`` makes every run repeat.

The numbers differ from PyTorch's (a different generator) but the distributions are the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.tensor import Tensor
from . import dtype as _dtype
from .checks import _shape_args
from .creation import _size_argument


class Generator:
    """Holds the random state; ``default_generator`` is the one the functions use."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng()
        self._seed: int | None = None

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int | None:
        return self._seed


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the generator so that rand/randn/randint and nn init repeat exactly."""
    return default_generator.manual_seed(seed)


def _make(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    dt = _dtype.to_dtype(dtype) or _dtype.default_float
    t = Tensor._make(values.astype(dt.numpy))
    if requires_grad:
        t.requires_grad = True
    return t


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def rand(
    *dims: Any,
    size: Any = None,
    dtype: Any = None,
    generator: Generator | None = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Uniform numbers in [0, 1)."""
    shape = _shape_args(_size_argument("rand", dims, size))
    return _make(_rng(generator).random(shape), dtype, requires_grad)


def randn(
    *dims: Any,
    size: Any = None,
    dtype: Any = None,
    generator: Generator | None = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Standard normal numbers (mean 0, standard deviation 1)."""
    shape = _shape_args(_size_argument("randn", dims, size))
    return _make(_rng(generator).standard_normal(shape), dtype, requires_grad)


def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    dtype: Any = None,
    generator: Generator | None = None,
    device: Any = None,
) -> Tensor:
    """Integers in [low, high): ``randint(10, (3,))`` or ``randint(0, 10, (3,))``."""
    if size is None:
        if not isinstance(high, (tuple, list)):  # randint(0, 10): the size is missing
            raise TypeError(
                f"randint(): argument 'size' (position 2) must be tuple of ints, not "
                f"{type(high).__name__}. Give the shape as a tuple: randint(0, 10, (3,))."
            )
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size' (e.g. size=(3,))")
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}. "
            "The upper bound is excluded: use randint(low, high, size) with low < high."
        )
    values = _rng(generator).integers(low, high, _shape_args((size,)))
    return _make(values, dtype or _dtype.int64, False)


def randperm(n: int, dtype: Any = None, generator: Generator | None = None) -> Tensor:
    """A random ordering of 0..n-1 (for shuffling a dataset)."""
    return _make(_rng(generator).permutation(n), dtype or _dtype.int64, False)


def rand_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def normal(mean: float, std: float, size: Any, generator: Generator | None = None) -> Tensor:
    return _make(_rng(generator).normal(mean, std, _shape_args((size,))), None, False)
