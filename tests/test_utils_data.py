"""torch.utils.data against PyTorch 2.13: datasets, batches, collate, errors, a training loop.

Shuffled orders come from our own generator, so they are not compared with PyTorch's; shuffled
loaders are checked for structure, coverage (each index once per epoch) and repeatability.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close, dtype_name

import autograd_tutor as at
from autograd_tutor.utils import data as atd

torch = pytest.importorskip("torch")
tud = torch.utils.data


def _xy(lib, n=10, features=3):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, features)).astype(np.float32)
    y = np.arange(n, dtype=np.int64)
    return lib.tensor(X), lib.tensor(y)


def _same_batches(ours, theirs):
    """Two iterables of batches have the same structure, shapes, dtypes and values."""
    ours, theirs = list(ours), list(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        _same(a, b)


def _same(a, b):
    if isinstance(b, torch.Tensor):
        assert isinstance(a, at.Tensor)
        assert_close(a, b, rtol=0, atol=0)
    elif isinstance(b, dict):
        assert type(a) is type(b) and a.keys() == b.keys()
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


class Squares:
    """A custom dataset (defined per library so it returns that library's tensors)."""

    @staticmethod
    def make(lib):
        class _Squares(lib.utils.data.Dataset):
            def __len__(self):
                return 7

            def __getitem__(self, i):
                return lib.tensor([float(i)]), lib.tensor([float(i * i)])

        return _Squares()


# --------------------------------------------------------------------------- datasets


def test_import_paths():
    assert at.utils.data.DataLoader is atd.DataLoader
    from autograd_tutor.utils.data import DataLoader, TensorDataset  # noqa: F401

    assert "utils" in at.__all__


def test_tensor_dataset_len_and_items():
    ours, theirs = atd.TensorDataset(*_xy(at)), tud.TensorDataset(*_xy(torch))
    assert len(ours) == len(theirs) == 10
    for i in (0, 3, -1):
        assert isinstance(ours[i], tuple)
        _same(ours[i], theirs[i])
    _same(ours[2:5], theirs[2:5])


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="^Size mismatch between tensors"):
        tud.TensorDataset(torch.zeros(3, 2), torch.zeros(4))
    with pytest.raises(AssertionError, match="^Size mismatch between tensors") as e:
        atd.TensorDataset(at.zeros(3, 2), at.zeros(4))
    assert "same number of rows" in str(e.value)


def test_dataset_without_getitem():
    for lib in (at, torch):
        with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
            lib.utils.data.Dataset()[0]


def test_concat_and_subset():
    a, b = atd.TensorDataset(*_xy(at, 4)), atd.TensorDataset(*_xy(at, 3))
    ta, tb = tud.TensorDataset(*_xy(torch, 4)), tud.TensorDataset(*_xy(torch, 3))
    ours, theirs = a + b, ta + tb
    assert len(ours) == len(theirs) == 7
    for i in (0, 3, 4, 6, -1, -7):
        _same(ours[i], theirs[i])
    _same(atd.Subset(a, [3, 1])[1], tud.Subset(ta, [3, 1])[1])
    assert len(atd.Subset(a, [3, 1])) == 2


# --------------------------------------------------------------------------- loader, in order


@pytest.mark.parametrize("batch_size", [1, 3, 4, 10, 16])
@pytest.mark.parametrize("drop_last", [False, True])
def test_loader_matches_torch_in_order(batch_size, drop_last):
    ours = atd.DataLoader(atd.TensorDataset(*_xy(at)), batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(
        tud.TensorDataset(*_xy(torch)), batch_size=batch_size, drop_last=drop_last
    )
    assert len(ours) == len(theirs)
    _same_batches(ours, theirs)
    assert all(isinstance(b, list) for b in ours)  # tuples of fields become lists, as in torch


def test_custom_dataset_and_unpacking():
    ours = atd.DataLoader(Squares.make(at), batch_size=3)
    theirs = tud.DataLoader(Squares.make(torch), batch_size=3)
    _same_batches(ours, theirs)
    for xb, yb in ours:
        assert xb.shape[1:] == (1,) and yb.shape == xb.shape


@pytest.mark.parametrize(
    "samples",
    [
        [1.5, 2.0, -3.25],
        [1, 2, 3],
        [True, False, True],
        [(1, 2.0), (3, 4.0), (5, 6.0)],
        [[1, 2], [3, 4], [5, 6]],
        [{"a": 1, "b": 2.0}, {"a": 3, "b": 4.0}, {"a": 5, "b": 6.0}],
        ["x", "y", "z"],
        "numpy",
        "numpy_scalar",
        "namedtuple",
    ],
)
def test_default_collate_matches_torch(samples):
    Point = namedtuple("Point", ["x", "y"])
    if samples == "numpy":
        samples = [np.arange(3, dtype=np.float32) + i for i in range(3)]
    elif samples == "numpy_scalar":
        samples = [np.int32(i) for i in range(3)]
    elif samples == "namedtuple":
        samples = [Point(i, float(i)) for i in range(3)]
    for bs in (2, None):
        ours = list(atd.DataLoader(samples, batch_size=bs))
        theirs = list(tud.DataLoader(samples, batch_size=bs))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            if isinstance(b, tuple) and hasattr(b, "_fields"):
                assert type(a) is type(b)
                a, b = list(a), list(b)
                _same(a, b)
            else:
                _same(a, b)
    _same(atd.default_collate(samples), tud.default_collate(samples))


def test_collate_dtypes_match_torch():
    for samples in ([1.0, 2.0], [1, 2], [True, False]):
        a, b = atd.default_collate(samples), tud.default_collate(samples)
        assert dtype_name(a.dtype) == dtype_name(b.dtype)


def test_collate_errors():
    for lib in (at, torch):
        with pytest.raises(TypeError, match="^default_collate: batch must contain tensors"):
            lib.utils.data.default_collate([object(), object()])
        with pytest.raises(RuntimeError, match="^each element in list of batch should be of"):
            lib.utils.data.default_collate([[1, 2], [3]])


def test_batch_size_none_gives_single_samples():
    ours = atd.DataLoader(atd.TensorDataset(*_xy(at, 4)), batch_size=None)
    theirs = tud.DataLoader(tud.TensorDataset(*_xy(torch, 4)), batch_size=None)
    assert len(ours) == len(theirs) == 4
    _same_batches(ours, theirs)  # samples stay tuples: nothing is collated


def test_collated_tensors_keep_the_graph():
    w = at.tensor([1.0, 2.0], requires_grad=True)
    batch = atd.default_collate([w * 2, w * 3])
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    tbatch = tud.default_collate([tw * 2, tw * 3])
    assert type(batch.grad_fn).__name__ == type(tbatch.grad_fn).__name__
    batch.sum().backward()
    tbatch.sum().backward()
    assert_close(w.grad, tw.grad)


def test_samplers_and_batch_sampler():
    ds = list(range(10))
    assert list(atd.SequentialSampler(ds)) == list(tud.SequentialSampler(ds))
    for bs, dl in [(3, False), (3, True), (5, True)]:
        ours = atd.BatchSampler(atd.SequentialSampler(ds), bs, dl)
        theirs = tud.BatchSampler(tud.SequentialSampler(ds), bs, dl)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    batches = [[0, 1], [5, 6, 7], [9]]
    _same_batches(
        atd.DataLoader(ds, batch_sampler=batches), tud.DataLoader(ds, batch_sampler=batches)
    )
    _same_batches(atd.DataLoader(ds, sampler=[3, 1, 2]), tud.DataLoader(ds, sampler=[3, 1, 2]))
    r = atd.RandomSampler(ds, replacement=True, num_samples=25, generator=at.Generator())
    drawn = list(r)
    assert len(drawn) == len(r) == 25 and all(0 <= i < 10 for i in drawn)
    assert len(list(atd.RandomSampler(ds, num_samples=23))) == 23
    assert sorted(list(atd.RandomSampler(ds, num_samples=20))) == sorted(ds * 2)


@pytest.mark.parametrize(
    "kwargs, exc, start",
    [
        ({"batch_size": None, "drop_last": True}, ValueError, "batch_size=None option disables"),
        ({"sampler": [0, 1], "shuffle": True}, ValueError, "sampler option is mutually excl"),
        ({"batch_sampler": [[0]], "batch_size": 2}, ValueError, "batch_sampler option is mut"),
        ({"batch_sampler": [[0]], "shuffle": True}, ValueError, "batch_sampler option is mut"),
        ({"num_workers": -1}, ValueError, "num_workers option should be non-negative"),
        ({"batch_size": 0}, ValueError, "batch_size should be a positive integer value"),
        ({"batch_size": 2, "drop_last": 1}, ValueError, "drop_last should be a boolean value"),
    ],
)
def test_loader_errors_match_torch(kwargs, exc, start):
    with pytest.raises(exc, match="^" + start):
        tud.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(exc, match="^" + start):
        atd.DataLoader(list(range(4)), **kwargs)


def test_num_workers_runs_in_process():
    ours = atd.DataLoader(atd.TensorDataset(*_xy(at)), batch_size=4, num_workers=2)
    theirs = tud.DataLoader(tud.TensorDataset(*_xy(torch)), batch_size=4)
    _same_batches(ours, theirs)


# --------------------------------------------------------------------------- shuffling


def _epoch_indices(loader):
    return [int(i) for _, yb in loader for i in yb.tolist()]


def test_shuffle_covers_every_index_and_repeats_under_seed():
    ds = atd.TensorDataset(*_xy(at, 37))
    at.manual_seed(0)
    loader = atd.DataLoader(ds, batch_size=8, shuffle=True)
    first, second = _epoch_indices(loader), _epoch_indices(loader)
    assert sorted(first) == sorted(second) == list(range(37))
    assert first != second  # a new order each epoch
    assert first != list(range(37))
    shapes = [tuple(xb.shape) for xb, _ in loader]
    assert shapes == [(8, 3)] * 4 + [(5, 3)]
    at.manual_seed(0)
    again = atd.DataLoader(ds, batch_size=8, shuffle=True)
    assert _epoch_indices(again) == first and _epoch_indices(again) == second


def test_shuffle_with_generator_and_drop_last():
    ds = atd.TensorDataset(*_xy(at, 37))
    runs = []
    for _ in range(2):
        g = at.Generator().manual_seed(123)
        loader = atd.DataLoader(ds, batch_size=8, shuffle=True, drop_last=True, generator=g)
        at.manual_seed(99 + len(runs))  # the global seed does not matter with generator=
        runs.append(_epoch_indices(loader))
        assert len(loader) == 4
    assert runs[0] == runs[1] and len(runs[0]) == 32 and len(set(runs[0])) == 32


# --------------------------------------------------------------------------- random_split


def test_random_split_sizes_and_coverage():
    ds = atd.TensorDataset(*_xy(at, 10))
    tds = tud.TensorDataset(*_xy(torch, 10))
    for lengths in ([7, 3], [0.7, 0.3], [0.34, 0.33, 0.33], [0.5, 0.5]):
        ours = atd.random_split(ds, lengths, generator=at.Generator().manual_seed(0))
        theirs = tud.random_split(tds, lengths, generator=torch.Generator().manual_seed(0))
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert all(isinstance(s, atd.Subset) for s in ours)
        assert sorted(i for s in ours for i in s.indices) == list(range(10))
    a = atd.random_split(ds, [5, 5], generator=at.Generator().manual_seed(1))
    b = atd.random_split(ds, [5, 5], generator=at.Generator().manual_seed(1))
    assert [s.indices for s in a] == [s.indices for s in b]
    at.manual_seed(3)
    c = atd.random_split(ds, [5, 5])
    at.manual_seed(3)
    assert [s.indices for s in atd.random_split(ds, [5, 5])] == [s.indices for s in c]
    for got, want in zip(a[0][0], ds[a[0].indices[0]]):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_random_split_errors_match_torch():
    for lib in (at, torch):
        ds = list(range(10))
        with pytest.raises(ValueError, match="^Sum of input lengths does not equal"):
            lib.utils.data.random_split(ds, [3, 3])
        with pytest.raises(ValueError, match="^Fraction at index 1 is not between 0 and 1"):
            lib.utils.data.random_split(ds, [0.5, 1.5, -1.0])
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
            lib.utils.data.random_split(ds, [1.0, 0.0])


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 40),
    batch_size=st.integers(1, 12),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_batches_cover_indices_like_torch(n, batch_size, drop_last, seed):
    ds, tds = atd.TensorDataset(at.arange(n)), tud.TensorDataset(torch.arange(n))
    ours = atd.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(tds, batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs) == (
        n // batch_size if drop_last else math.ceil(n / batch_size)
    )
    _same_batches(ours, theirs)
    # shuffled: the same batch sizes, each index at most once, all of them unless dropped
    g = at.Generator().manual_seed(seed)
    shuffled = [b[0].tolist() for b in atd.DataLoader(ds, batch_size, True, drop_last=drop_last,
                                                       generator=g)]
    assert [len(b) for b in shuffled] == [len(b[0]) for b in theirs]
    flat = [i for b in shuffled for i in b]
    assert len(set(flat)) == len(flat)
    if not drop_last:
        assert sorted(flat) == list(range(n))


# --------------------------------------------------------------------------- training loop


def _train(lib, X, y, init):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
    with lib.no_grad():
        for p, v in zip(model.parameters(), init):
            p.copy_(lib.tensor(v))
    loader = lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.tensor(X), lib.tensor(y)), batch_size=16, shuffle=False
    )
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = lib.nn.MSELoss()
    losses = []
    for _epoch in range(3):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return np.array(losses), [p.detach().numpy() for p in model.parameters()]


def test_training_loop_matches_torch():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    y = (X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1).astype(np.float32)
    init = [
        rng.normal(size=s).astype(np.float32) * 0.5 for s in [(4, 3), (4,), (1, 4), (1,)]
    ]
    ours, ours_w = _train(at, X, y, init)
    theirs, theirs_w = _train(torch, X, y, init)
    assert len(ours) == 3 * 4  # 50 samples in batches of 16: 16, 16, 16, 2
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    for a, b in zip(ours_w, theirs_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
