"""sort / argsort, index_select, index_add / index_add_ against PyTorch 2.13: values, indices
(ties and NaN included), gradients (also second derivatives), node names, printing, errors."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close, to_torch

import autograd_tutor as at

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)


def _ties_and_nan(shape):
    a = RNG.integers(0, 4, size=shape).astype(np.float32)  # many ties
    a.flat[RNG.integers(0, a.size)] = np.nan
    return a


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_values_indices_and_gradient_match_torch(dim, descending):
    for a in (_ties_and_nan((4, 6)), RNG.standard_normal((4, 6)).astype(np.float32)):
        x = at.tensor(a, requires_grad=True)
        tx = to_torch(x)
        values, indices = x.sort(dim=dim, descending=descending, stable=True)
        tvalues, tindices = tx.sort(dim=dim, descending=descending, stable=True)
        assert_close(values, tvalues)
        assert_close(indices, tindices)
        assert values.grad_fn.name() == tvalues.grad_fn.name() == "SortBackward1"  # stable=
        assert x.sort(dim).values.grad_fn.name() == tx.sort(dim).values.grad_fn.name()
        assert not indices.requires_grad
        g = RNG.standard_normal(a.shape).astype(np.float32)
        values.backward(at.tensor(g))
        tvalues.backward(torch.from_numpy(g))
        assert_close(x.grad, tx.grad)
        assert_close(x.argsort(dim=dim, descending=descending),
                     tx.argsort(dim=dim, descending=descending, stable=True))


def test_sort_prints_and_is_a_function_too():
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], np.float32)
    assert repr(at.sort(at.tensor(x), 1)) == repr(torch.sort(torch.tensor(x), 1))
    values, indices = at.sort(at.tensor(x), dim=0, descending=True)
    tvalues, tindices = torch.sort(torch.tensor(x), dim=0, descending=True)
    assert_close(values, tvalues) and assert_close(indices, tindices)
    assert_close(at.argsort(at.tensor(x)), torch.argsort(torch.tensor(x)))


def test_index_select_and_index_add_match_torch_with_gradients():
    x = at.tensor(RNG.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    src = at.tensor(RNG.standard_normal((4, 5)).astype(np.float32), requires_grad=True)
    tx, tsrc = to_torch(x), to_torch(src)
    index = [2, 0, 2, 1, 2]  # 2 three times: its gradients add up
    picked = x.index_select(1, at.tensor([2, 0, 2]))
    tpicked = tx.index_select(1, torch.tensor([2, 0, 2]))
    assert_close(picked, tpicked)
    assert picked.grad_fn.name() == tpicked.grad_fn.name()
    out = at.zeros(4, 3).index_add(1, at.tensor(index), src, alpha=2.0)
    tout = torch.zeros(4, 3).index_add(1, torch.tensor(index), tsrc, alpha=2.0)
    assert_close(out, tout)
    assert out.grad_fn.name() == tout.grad_fn.name() == "IndexAddBackward0"
    g = RNG.standard_normal((4, 3)).astype(np.float32)
    (out * at.tensor(g)).sum().backward()
    (tout * torch.from_numpy(g)).sum().backward()
    ((picked * picked).sum()).backward()
    ((tpicked * tpicked).sum()).backward()
    assert_close(src.grad, tsrc.grad)
    assert_close(x.grad, tx.grad)


def test_index_add_in_place_as_in_the_extending_notes():
    # notes_extending_setup_context: backward() builds the input's gradient in place
    values = np.array([0.5, -1.0, 2.0], np.float32)
    ours = at.zeros(3).index_add_(0, at.tensor([2, 0, 1]), at.tensor(values))
    theirs = torch.zeros(3).index_add_(0, torch.tensor([2, 0, 1]), torch.tensor(values))
    assert_close(ours, theirs)
    leaf = at.zeros(3, requires_grad=True)
    tleaf = torch.zeros(3, requires_grad=True)
    y, ty = leaf * 1, tleaf * 1
    src = at.tensor(values, requires_grad=True)
    tsrc = to_torch(src)
    y.index_add_(0, at.tensor([1, 1, 0]), src)
    ty.index_add_(0, torch.tensor([1, 1, 0]), tsrc)
    assert y.grad_fn.name() == ty.grad_fn.name() == "IndexAddBackward0"
    (y ** 2).sum().backward()
    (ty ** 2).sum().backward()
    assert_close(leaf.grad, tleaf.grad)
    assert_close(src.grad, tsrc.grad)


def test_second_derivatives_through_sort_and_index_add():
    a = RNG.standard_normal(5)
    x = at.tensor(a, requires_grad=True)
    tx = to_torch(x)

    def f(lib, t):
        values, _ = t.sort()
        return (values ** 3 * lib.arange(5.0, dtype=lib.float64)).sum()

    (g,) = at.autograd.grad(f(at, x), x, create_graph=True)
    (tg,) = torch.autograd.grad(f(torch, tx), tx, create_graph=True)
    g.sum().backward()
    tg.sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(3).index_add_(0, lib.tensor([0.0]), lib.ones(1)),
    lambda lib: lib.zeros(3).index_add_(0, lib.tensor([0, 1]), lib.ones(1)),
    lambda lib: lib.zeros(3).index_select(0, lib.tensor([5])),
    lambda lib: lib.zeros(3).index_add_(0, lib.tensor([5]), lib.ones(1)),
])
def test_errors_begin_with_torchs_text(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(at)
    assert str(ours.value).startswith(str(theirs.value).split("\n")[0])
