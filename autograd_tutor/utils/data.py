"""Datasets and a DataLoader, as ``torch.utils.data``: feed a training loop in mini-batches.

The pieces, each a few lines:

* a **Dataset** answers ``len(ds)`` and ``ds[i]`` (one sample, e.g. ``(x, y)``);
* a **sampler** decides the order of the indices (in order, or shuffled each epoch);
* a **BatchSampler** groups those indices into lists of ``batch_size``;
* the **DataLoader** fetches the samples of each group and *collates* them into one batch:
  tensors are stacked along a new first dimension, so 16 samples ``(x, y)`` with ``x`` of
  shape ``(3,)`` become ``[xb, yb]`` with ``xb`` of shape ``(16, 3)``.

Typical use::

    ds = torch.utils.data.TensorDataset(X, y)
    loader = torch.utils.data.DataLoader(ds, batch_size=16, shuffle=True)
    for xb, yb in loader:
        ...

Shuffling uses this package's random generator (``torch.manual_seed`` makes it repeat, or pass
``generator=torch.Generator().manual_seed(0)``). The order differs from PyTorch's, whose
generator is a different one; every index still comes exactly once per epoch.

``num_workers`` is accepted but the samples are always loaded in this process, one after the
other: a NumPy engine gains nothing from worker processes, and tutorial code that passes
``num_workers=2`` runs unchanged (``worker_init_fn`` is then never called).
"""

from __future__ import annotations

import collections.abc
import copy
import math
import warnings
from itertools import accumulate
from typing import Any, Callable, Generic, Iterator, List, Optional, Sequence, TypeVar, Union

import numpy as np

from ..compat.creation import as_tensor, tensor
from ..compat.dtype import float64
from ..compat.functions import stack
from ..compat.random import Generator, default_generator, randperm
from ..compat.tensor_api import Tensor

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


# ---------------------------------------------------------------------------------- datasets


class Dataset(Generic[T_co]):
    """A collection of samples: subclass it and write ``__getitem__`` (and ``__len__``).

    ::

        class Squares(Dataset):
            def __len__(self):
                return 10
            def __getitem__(self, i):
                return torch.tensor([float(i)]), torch.tensor([float(i * i)])
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError(
            "Subclasses of Dataset should implement __getitem__. Write a method "
            "`def __getitem__(self, index):` that returns the sample at position `index`."
        )

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows: ``ds[i]`` is ``(tensors[0][i], tensors[1][i], ...)``.

    All tensors must have the same size in their first dimension (one row per sample).
    """

    def __init__(self, *tensors: Tensor) -> None:
        if tensors and not all(t.size(0) == tensors[0].size(0) for t in tensors):
            sizes = ", ".join(str(t.size(0)) for t in tensors)
            raise AssertionError(
                f"Size mismatch between tensors: their first dimensions are {sizes}. "
                "Each tensor needs one row per sample, so give tensors with the same number "
                "of rows (e.g. X of shape (N, features) and y of shape (N,))."
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order (what ``random_split`` gives)."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after the other (``ds1 + ds2`` builds one)."""

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable: give at least one.")
        self.cumulative_sizes = list(accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        for i, end in enumerate(self.cumulative_sizes):
            if idx < end:
                start = self.cumulative_sizes[i - 1] if i > 0 else 0
                return self.datasets[i][idx - start]
        raise IndexError(f"index {idx} is out of range for a dataset of length {len(self)}")


def random_split(
    dataset: Dataset,
    lengths: Sequence[Union[int, float]],
    generator: Optional[Generator] = default_generator,
) -> List[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given lengths.

    ``lengths`` are sizes (``[80, 20]``, summing to ``len(dataset)``) or fractions
    (``[0.8, 0.2]``, summing to 1; leftover samples go round-robin to the first splits).
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= n:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(
                    f"Fraction at index {i} is not between 0 and 1 (it is {frac}): give "
                    "fractions like [0.8, 0.2], or whole sizes like [80, 20]."
                )
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset! "
            f"The lengths {list(lengths)} add up to {sum(lengths)} but the dataset has {n} "
            "samples: give sizes that add up to len(dataset), or fractions that add up to 1."
        )
    indices = randperm(sum(lengths), generator=generator).tolist()
    return [
        Subset(dataset, indices[end - length : end])
        for end, length in zip(accumulate(lengths), lengths)
    ]


# ---------------------------------------------------------------------------------- samplers


class Sampler(Generic[T_co]):
    """Yields the indices (or lists of indices) a DataLoader fetches, in order."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, 2, ..., len(data_source) - 1: the order of ``shuffle=False``."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A fresh random order of all indices at every ``iter()`` (each epoch): ``shuffle=True``.

    With ``replacement=True`` it draws ``num_samples`` indices independently instead.
    """

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: Optional[int] = None,
        generator: Optional[Generator] = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        rng = (self.generator or default_generator)._rng
        if self.replacement:
            return iter(rng.integers(0, n, self.num_samples).tolist())
        # whole permutations until num_samples indices are out (usually exactly one)
        order: List[int] = []
        while len(order) < self.num_samples:
            order.extend(randperm(n, generator=self.generator).tolist())
        return iter(order[: self.num_samples])

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[List[int]]):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    The last list is shorter when the size does not divide evenly, unless ``drop_last=True``
    leaves it out.
    """

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(
                f"drop_last should be a boolean value, but got drop_last={drop_last}"
            )
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[List[int]]:
        batch: List[int] = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


# ---------------------------------------------------------------------------------- collate

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
    "found {}. Return one of these from your Dataset's __getitem__, or pass your own "
    "collate_fn= to the DataLoader."
)


def default_convert(data: Any) -> Any:
    """One sample as it is, except NumPy arrays and scalars become tensors (``batch_size=None``)."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and data.dtype.kind in "OSU":
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})  # type: ignore
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])  # type: ignore
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def default_collate(batch: Sequence[Any]) -> Any:
    """Turn a list of samples into one batch, keeping the samples' structure.

    * tensors -> ``stack(batch)`` (a new first dimension of size ``len(batch)``);
    * NumPy arrays -> tensors, stacked; Python floats -> a float64 tensor, ints -> int64
      (bools -> bool); strings stay a list;
    * a tuple or list of fields -> a list with each field collated, so ``(x, y)`` samples give
      ``[xb, yb]``; a dict -> a dict with each value collated.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OSU":
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(list(batch), dtype=float64)
    if isinstance(elem, int):
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            clone = copy.copy(elem)
            clone.update(fields)  # type: ignore[union-attr]
            return clone
        except (TypeError, AttributeError):
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError(
                "each element in list of batch should be of equal size. Make every sample "
                "returned by your Dataset have the same number of fields."
            )
        fields = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)  # type: ignore[call-arg]
        except TypeError:
            return fields
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


# ---------------------------------------------------------------------------------- loader


class DataLoader(Generic[T_co]):
    """Iterate over ``dataset`` in batches: ``for xb, yb in DataLoader(ds, batch_size=16):``.

    * ``batch_size`` samples per batch (``None``: no batching, one converted sample at a time);
    * ``shuffle=True``: a new random order every epoch, from ``generator`` or the package's
      seeded generator; ``shuffle=False``: the dataset's order;
    * ``drop_last=True`` leaves out a last, smaller batch;
    * ``sampler`` / ``batch_sampler`` replace the built-in order or grouping;
    * ``collate_fn`` turns a list of samples into a batch (default: ``default_collate``);
    * ``num_workers`` is accepted, but loading always happens in this process.

    ``len(loader)`` is the number of batches per epoch.
    """

    def __init__(
        self,
        dataset: Dataset[T_co],
        batch_size: Optional[int] = 1,
        shuffle: Optional[bool] = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Optional[Callable[[List[Any]], Any]] = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Optional[Callable[[int], None]] = None,
        multiprocessing_context: Any = None,
        generator: Optional[Generator] = None,
        *,
        prefetch_factor: Optional[int] = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last. The batch_sampler already decides the batches: "
                    "leave those arguments out."
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last. Give a batch_size, or leave out drop_last=True."
            )
        if sampler is not None and shuffle:
            raise ValueError(
                "sampler option is mutually exclusive with shuffle. The sampler decides the "
                "order: pass shuffle=False, or use sampler=RandomSampler(dataset)."
            )
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator) if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn

    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is None:  # no batching: one sample at a time
            for idx in self.sampler:
                yield self.collate_fn(self.dataset[idx])
        else:
            for indices in self.batch_sampler:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)
