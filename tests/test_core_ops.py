"""Values and gradients of every op in issue 2's list, against PyTorch 2.13 as the oracle."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import assert_close, dtype_name, np_of

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

RNG = np.random.default_rng(2024)


def rn(*shape):
    """Standard-normal float64 data."""
    return RNG.standard_normal(shape)


def pos(*shape):
    """Positive float64 data away from 0 (for log, sqrt, division, fractional powers)."""
    return RNG.uniform(0.5, 2.0, shape)


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def check(fn, *arrays, grad=True, rtol=1e-6, atol=1e-9, seed=0):
    """Run ``fn(module, *tensors)`` with ours and torch; compare outputs and input gradients.

    Float inputs become leaves that require grad; the outputs are pulled back with the same
    random upstream gradient in both libraries.
    """
    arrays = [np.asarray(a) for a in arrays]
    needs = [grad and a.dtype.kind == "f" for a in arrays]
    xs = [at.tensor(a.copy(), requires_grad=r) for a, r in zip(arrays, needs)]
    ts = [torch.tensor(a.copy(), requires_grad=r) for a, r in zip(arrays, needs)]
    outs_o, outs_t = _flat(fn(at, *xs)), _flat(fn(torch, *ts))
    assert len(outs_o) == len(outs_t)
    for o, t in zip(outs_o, outs_t):
        assert_close(o, t, rtol=rtol, atol=atol)
        assert bool(o.requires_grad) == bool(t.requires_grad)
    if not any(needs):
        return outs_o, outs_t
    rng = np.random.default_rng(seed)
    pairs = [(o, t) for o, t in zip(outs_o, outs_t) if t.requires_grad]
    gs = [rng.standard_normal(tuple(t.shape)).astype(np_of(t).dtype) for _, t in pairs]
    at.autograd.backward([o for o, _ in pairs], [at.tensor(g) for g in gs])
    torch.autograd.backward([t for _, t in pairs], [torch.tensor(g) for g in gs])
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad, rtol=rtol, atol=atol)
    return outs_o, outs_t


# ---------------------------------------------------------------- arithmetic with broadcasting

BCAST = [
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
    ((4, 1, 3), (2, 3)),
    ((3,), ()),
    ((1,), (2, 2)),
]


@pytest.mark.parametrize("sa,sb", BCAST, ids=str)
@pytest.mark.parametrize(
    "name,fn",
    [
        ("add", lambda m, a, b: a + b),
        ("sub", lambda m, a, b: a - b),
        ("mul", lambda m, a, b: a * b),
        ("div", lambda m, a, b: a / b),
        ("m.add", lambda m, a, b: m.add(a, b)),
        ("m.sub", lambda m, a, b: m.sub(a, b)),
        ("m.mul", lambda m, a, b: m.mul(a, b)),
        ("m.div", lambda m, a, b: m.div(a, b)),
        ("a.add", lambda m, a, b: a.add(b)),
        ("a.sub", lambda m, a, b: a.sub(b)),
        ("a.mul", lambda m, a, b: a.mul(b)),
        ("a.div", lambda m, a, b: a.div(b)),
        ("pow", lambda m, a, b: a**b),
        ("m.pow", lambda m, a, b: m.pow(a, b)),
        ("maximum", lambda m, a, b: m.maximum(a, b)),
        ("minimum", lambda m, a, b: m.minimum(a, b)),
        ("a.maximum", lambda m, a, b: a.maximum(b)),
        ("a.minimum", lambda m, a, b: a.minimum(b)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_binary_broadcasting(name, fn, sa, sb):
    a = pos(*sa) if name.endswith("pow") else rn(*sa)
    b = pos(*sb)
    check(fn, a, b)


SCALAR_CASES = [
    ("x+2", lambda m, x: x + 2),
    ("2+x", lambda m, x: 2 + x),
    ("x+2.5", lambda m, x: x + 2.5),
    ("2.5+x", lambda m, x: 2.5 + x),
    ("x-2", lambda m, x: x - 2),
    ("2-x", lambda m, x: 2 - x),
    ("1.5-x", lambda m, x: 1.5 - x),
    ("x*3", lambda m, x: x * 3),
    ("3*x", lambda m, x: 3 * x),
    ("0.5*x", lambda m, x: 0.5 * x),
    ("x/4", lambda m, x: x / 4),
    ("4/x", lambda m, x: 4 / x),
    ("1.5/x", lambda m, x: 1.5 / x),
    ("x**2", lambda m, x: x**2),
    ("x**3", lambda m, x: x**3),
    ("x**0.5", lambda m, x: x**0.5),
    ("x**-1", lambda m, x: x**-1),
    ("x**0", lambda m, x: x**0),
    ("x**1", lambda m, x: x**1),
    ("2**x", lambda m, x: 2**x),
    ("2.5**x", lambda m, x: 2.5**x),
    ("x.pow(2)", lambda m, x: x.pow(2)),
    ("m.pow(x,3)", lambda m, x: m.pow(x, 3)),
    ("m.pow(2,x)", lambda m, x: m.pow(2, x)),
    ("-x", lambda m, x: -x),
    ("x.add(1)", lambda m, x: x.add(1)),
    ("x.mul(2.5)", lambda m, x: x.mul(2.5)),
    ("x.sub(1)", lambda m, x: x.sub(1)),
    ("x.div(2)", lambda m, x: x.div(2)),
    ("m.add(x,1)", lambda m, x: m.add(x, 1)),
    ("m.mul(x,2)", lambda m, x: m.mul(x, 2)),
    ("2*x**2+3", lambda m, x: 2 * x**2 + 3),
]


@pytest.mark.parametrize("name,fn", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
@pytest.mark.parametrize("shape", [(3,), (), (2, 2)], ids=str)
def test_scalar_on_either_side(name, fn, shape):
    check(fn, pos(*shape))


def test_pow_of_negative_base_with_integer_exponent():
    check(lambda m, x: x**3, np.array([-2.0, -0.5, 0.0, 1.5]))
    check(lambda m, x: x**2, np.array([-2.0, 0.0, 3.0]))


@pytest.mark.parametrize(
    "expr",
    [
        lambda m, b, e: b**e,
        lambda m, b, e: 2**e,
        lambda m, b, e: (-1) ** e,
        lambda m, b, e: b.reshape(-1, 1) ** e,  # broadcast
        lambda m, b, e: m.pow(b, e),
    ],
    ids=["tensor**tensor", "2**tensor", "-1**tensor", "broadcast", "pow"],
)
@pytest.mark.parametrize("grad_mode", [True, False], ids=["recording", "no_grad"])
def test_integer_tensor_to_negative_integer_powers(expr, grad_mode):
    """Where NumPy raises, PyTorch rounds 1/bⁿ toward 0: 1 for 1, ±1 for -1, else 0."""
    base, exps = [2, 1, -1, 0, -3, 5], [-1, -2, -3, 0, 2, -5]
    results = []
    for m in (at, torch):
        with m.set_grad_enabled(grad_mode):
            results.append(expr(m, m.tensor(base), m.tensor(exps)))
    assert_close(*results)


# ---------------------------------------------------------------- matmul


@pytest.mark.parametrize(
    "sa,sb",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 4)),
        ((5, 2, 3), (5, 3, 4)),
        ((1, 2, 3), (4, 3, 2)),
        ((3,), (5, 3, 4)),
        ((2, 5, 2, 3), (3,)),
    ],
    ids=str,
)
@pytest.mark.parametrize(
    "fn",
    [lambda m, a, b: a @ b, lambda m, a, b: m.matmul(a, b), lambda m, a, b: a.matmul(b)],
    ids=["@", "m.matmul", "a.matmul"],
)
def test_matmul(fn, sa, sb):
    check(fn, rn(*sa), rn(*sb))


# ---------------------------------------------------------------- reductions

REDUCTIONS = [
    ("sum", lambda m, x: x.sum()),
    ("sum0", lambda m, x: x.sum(0)),
    ("sum-1", lambda m, x: x.sum(dim=-1)),
    ("sumk", lambda m, x: x.sum(1, keepdim=True)),
    ("sum01", lambda m, x: x.sum(dim=(0, 1))),
    ("m.sum", lambda m, x: m.sum(x)),
    ("m.sum1", lambda m, x: m.sum(x, dim=1)),
    ("m.sumk", lambda m, x: m.sum(x, 0, keepdim=True)),
    ("sum_none", lambda m, x: x.sum(None)),
    ("sum_none_k", lambda m, x: x.sum(dim=None, keepdim=True)),
    ("sum_empty", lambda m, x: x.sum(())),
    ("m.sum_axis_none", lambda m, x: m.sum(x, axis=None)),
    ("mean", lambda m, x: x.mean()),
    ("mean0", lambda m, x: x.mean(0)),
    ("meank", lambda m, x: x.mean(dim=-1, keepdim=True)),
    ("mean02", lambda m, x: x.mean((0, 2))),
    ("m.mean", lambda m, x: m.mean(x)),
    ("m.mean1", lambda m, x: m.mean(x, 1)),
    ("mean_none", lambda m, x: x.mean(dim=None)),
    ("mean_empty_k", lambda m, x: x.mean([], keepdim=True)),
    ("m.mean_none_k", lambda m, x: m.mean(x, None, True)),
    ("max", lambda m, x: x.max()),
    ("min", lambda m, x: x.min()),
    ("m.max", lambda m, x: m.max(x)),
    ("m.min", lambda m, x: m.min(x)),
    ("max1", lambda m, x: x.max(1)),
    ("min0", lambda m, x: x.min(0)),
    ("max-1k", lambda m, x: x.max(dim=-1, keepdim=True)),
    ("min2k", lambda m, x: x.min(2, True)),
    ("norm", lambda m, x: x.norm()),
    ("norm_p1", lambda m, x: x.norm(1)),
    ("norm_p3", lambda m, x: x.norm(p=3, dim=1)),
    ("norm_dim", lambda m, x: x.norm(dim=-1, keepdim=True)),
    ("m.norm", lambda m, x: m.norm(x, dim=(0, 2))),
    ("m.max1", lambda m, x: m.max(x, 1)),
    ("m.min-1", lambda m, x: m.min(x, dim=-1)),
    ("max.values", lambda m, x: x.max(1).values),
    ("min.indices", lambda m, x: x.min(0).indices),
]


@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[c[0] for c in REDUCTIONS])
def test_reductions(name, fn):
    ours, theirs = check(fn, rn(2, 3, 4))
    for o, t in zip(ours, theirs):  # x.sum() and x.sum(dim=None) are different nodes
        if t.grad_fn is not None:
            assert o.grad_fn.name() == t.grad_fn.name()


def test_max_min_with_dim_return_values_and_indices():
    data = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    for m in (at, torch):
        x = m.tensor(data)
        r = x.max(dim=1)
        values, indices = r  # unpacks like a tuple
        assert r.values is not None and r.indices is not None
        assert values.tolist() == [5.0, 6.0] and indices.tolist() == [1, 2]
        assert dtype_name(indices.dtype) == "int64"
        assert r[0].tolist() == [5.0, 6.0] and r[1].tolist() == [1, 2]
        v, i = m.min(x, 0)
        assert v.tolist() == [1.0, 2.0, 3.0] and i.tolist() == [0, 1, 0]


def test_max_with_dim_ties_pick_first_index_and_route_gradient_there():
    check(lambda m, x: x.max(1), np.array([[2.0, 7.0, 7.0], [3.0, 3.0, 1.0]]))
    check(lambda m, x: x.min(0), np.array([[1.0, 2.0], [1.0, 0.0]]))


def test_full_max_min_with_ties_split_the_gradient_evenly():
    check(lambda m, x: x.max(), np.array([3.0, 1.0, 3.0, 3.0]))
    check(lambda m, x: x.min(), np.array([[0.0, 1.0], [0.0, 2.0]]))


def test_reductions_on_integer_tensors():
    for fn in (
        lambda m: m.tensor([[1, 2], [3, 4]]).sum(),
        lambda m: m.tensor([[1, 2], [3, 4]]).sum(0),
        lambda m: m.tensor([[1, 2], [3, 4]]).max(),
        lambda m: m.tensor([[1, 2], [3, 4]]).max(1).values,
        lambda m: m.tensor([True, True, False]).sum(),
    ):
        assert_close(fn(at), fn(torch), rtol=0, atol=0)


def test_reductions_of_float32_stay_float32():
    for fn in (lambda m, x: x.sum(), lambda m, x: x.mean(1), lambda m, x: x.max(0).values):
        check(fn, rn(3, 4).astype(np.float32), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- elementwise functions

UNARY = [
    ("exp", lambda m, x: x.exp(), rn),
    ("m.exp", lambda m, x: m.exp(x), rn),
    ("log", lambda m, x: x.log(), pos),
    ("m.log", lambda m, x: m.log(x), pos),
    ("sqrt", lambda m, x: x.sqrt(), pos),
    ("m.sqrt", lambda m, x: m.sqrt(x), pos),
    ("abs", lambda m, x: x.abs(), rn),
    ("m.abs", lambda m, x: m.abs(x), rn),
    ("abs()", lambda m, x: abs(x), rn),
    ("clamp", lambda m, x: x.clamp(-0.5, 0.5), rn),
    ("clamp_min", lambda m, x: x.clamp(min=0.1), rn),
    ("clamp_max", lambda m, x: x.clamp(max=-0.1), rn),
    ("m.clamp", lambda m, x: m.clamp(x, min=-0.3, max=0.3), rn),
    ("relu", lambda m, x: x.relu(), rn),
    ("m.relu", lambda m, x: m.relu(x), rn),
    ("sigmoid", lambda m, x: x.sigmoid(), rn),
    ("m.sigmoid", lambda m, x: m.sigmoid(x), rn),
    ("tanh", lambda m, x: x.tanh(), rn),
    ("m.tanh", lambda m, x: m.tanh(x), rn),
    ("softmax0", lambda m, x: x.softmax(0), rn),
    ("softmax1", lambda m, x: x.softmax(dim=1), rn),
    ("softmax-1", lambda m, x: m.softmax(x, dim=-1), rn),
    ("log_softmax0", lambda m, x: x.log_softmax(0), rn),
    ("log_softmax1", lambda m, x: x.log_softmax(dim=1), rn),
    ("m.log_softmax", lambda m, x: m.log_softmax(x, -1), rn),
    ("neg", lambda m, x: m.neg(x), rn),
    ("sin", lambda m, x: x.sin(), rn),
    ("m.sin", lambda m, x: m.sin(x), rn),
    ("cos", lambda m, x: x.cos(), rn),
    ("m.cos", lambda m, x: m.cos(x), rn),
    ("sin_", lambda m, x: (x * 1).sin_(), rn),
    ("m.cos_", lambda m, x: m.cos_(x * 1), rn),
]


@pytest.mark.parametrize("name,fn,data", UNARY, ids=[c[0] for c in UNARY])
@pytest.mark.parametrize("shape", [(2, 3), (4,)], ids=str)
def test_unary(name, fn, data, shape):
    if name.startswith(("softmax", "log_softmax")) and len(shape) == 1 and "1" in name:
        shape = (2, 4)
    check(fn, data(*shape))


def test_unary_on_float32_keep_float32():
    for fn in (
        lambda m, x: x.exp(),
        lambda m, x: x.sigmoid(),
        lambda m, x: x.softmax(0),
        lambda m, x: x.tanh(),
        lambda m, x: x.abs(),
        lambda m, x: x.relu(),
        lambda m, x: x.clamp(0, 1),
        lambda m, x: x.log_softmax(0),
    ):
        check(fn, rn(5).astype(np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # see the test below
def test_kink_points_match_torch():
    """abs, relu and clamp at their corners; sqrt at 0 (infinite slope)."""
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    check(lambda m, t: t.abs(), x)
    check(lambda m, t: t.relu(), x)
    check(lambda m, t: t.clamp(0.0, 1.0), x)
    check(lambda m, t: t.clamp(min=0.5), x)
    check(lambda m, t: t.sqrt(), np.array([0.0, 4.0]))


def test_numerically_extreme_inputs():
    big = np.array([[1000.0, 0.0, -1000.0]])
    check(lambda m, x: x.softmax(1), big)
    check(lambda m, x: x.log_softmax(1), big)
    check(lambda m, x: x.sigmoid(), np.array([-1000.0, 0.0, 1000.0]))
    check(lambda m, x: x.tanh(), np.array([-1000.0, 1000.0]))
    check(lambda m, x: x.exp(), np.array([-1000.0]))


def test_integer_inputs_to_float_functions():
    for fn in (
        lambda m: m.tensor([1, 2]).exp(),
        lambda m: m.tensor([4, 9]).sqrt(),
        lambda m: m.tensor([1, 2]).sigmoid(),
        lambda m: m.tensor([1, 2]) / 2,
        lambda m: m.tensor([1, 2]) / m.tensor([2, 4]),
        lambda m: m.tensor([-2, 3]).abs(),
        lambda m: m.tensor([-2, 3]).relu(),
        lambda m: m.tensor([-2, 3]).clamp(0, 1),
        lambda m: m.tensor([1, 2]).clamp(0.5, 1.5),
        lambda m: m.tensor([1, 2]).clamp(min=0.5),
        lambda m: -m.tensor([1, 2]),
    ):
        assert_close(fn(at), fn(torch), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- type promotion

PROMOTION = [
    lambda m: m.tensor([1, 2]) + 1.5,
    lambda m: m.tensor([1, 2]) * 2,
    lambda m: 2 * m.tensor([1, 2]),
    lambda m: m.tensor([1.0, 2.0]) * 2.5,
    lambda m: m.tensor([1.0, 2.0]) + 10**10,
    lambda m: m.tensor([1.0, 2.0]) + m.tensor([1.0], dtype=m.float64),
    lambda m: m.tensor([1.0, 2.0]) + m.tensor(1.0, dtype=m.float64),
    lambda m: m.tensor([1, 2]) + m.tensor(1.5, dtype=m.float64),
    lambda m: m.tensor([1, 2]) + m.tensor([0.5, 1.0]),
    lambda m: m.tensor([True, False]) + 1,
    lambda m: m.tensor([True, False]) * 1.5,
    lambda m: m.tensor([True, False]) + m.tensor([1, 2]),
    lambda m: m.tensor([1, 2]) ** 2,
    lambda m: m.tensor([1, 4]) ** 0.5,
    lambda m: 2 ** m.tensor([1, 2]),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float64) * 3,
    lambda m: m.tensor([1, 2]) @ m.tensor([3, 4]),
    lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2]), m.tensor([0.5, 1.5])),
    lambda m: m.where(m.tensor([True, False]), m.tensor([1.0, 2.0]), 0),
    lambda m: m.cat([m.tensor([1, 2]), m.tensor([0.5])]),
    lambda m: m.maximum(m.tensor([1, 5]), m.tensor([2.0, 3.0])),
]


@pytest.mark.parametrize("fn", PROMOTION, ids=[str(i) for i in range(len(PROMOTION))])
def test_type_promotion(fn):
    assert_close(fn(at), fn(torch), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- shape ops

SHAPE_OPS = [
    ("reshape", lambda m, x: x.reshape(3, 2, 4)),
    ("reshape_t", lambda m, x: x.reshape((4, 6))),
    ("reshape-1", lambda m, x: x.reshape(-1)),
    ("reshape1-1", lambda m, x: x.reshape(1, -1, 2)),
    ("m.reshape", lambda m, x: m.reshape(x, (6, 4))),
    ("view", lambda m, x: x.view(24)),
    ("view-1", lambda m, x: x.view(-1, 4)),
    ("view_t", lambda m, x: x.view((4, 3, 2))),
    ("flatten", lambda m, x: x.flatten()),
    ("flatten1", lambda m, x: x.flatten(1)),
    ("flatten01", lambda m, x: x.flatten(0, 1)),
    ("m.flatten", lambda m, x: m.flatten(x)),
    ("transpose", lambda m, x: x.transpose(0, 1)),
    ("transpose-", lambda m, x: x.transpose(-1, -3)),
    ("m.transpose", lambda m, x: m.transpose(x, 1, 2)),
    ("permute", lambda m, x: x.permute(2, 0, 1)),
    ("permute_t", lambda m, x: x.permute((1, 2, 0))),
    ("m.permute", lambda m, x: m.permute(x, (2, 1, 0))),
    ("permute-", lambda m, x: x.permute(-1, 0, 1)),
    ("unsqueeze0", lambda m, x: x.unsqueeze(0)),
    ("unsqueeze-1", lambda m, x: x.unsqueeze(-1)),
    ("m.unsqueeze", lambda m, x: m.unsqueeze(x, 2)),
    ("squeeze", lambda m, x: x.unsqueeze(0).unsqueeze(3).squeeze()),
    ("squeeze0", lambda m, x: x.unsqueeze(0).squeeze(0)),
    ("squeeze_non1", lambda m, x: x.squeeze(1)),
    ("m.squeeze", lambda m, x: m.squeeze(x.unsqueeze(1), 1)),
    ("T", lambda m, x: x[0].T),
    ("clone", lambda m, x: x.clone()),
    ("chain", lambda m, x: x.permute(2, 0, 1).reshape(4, 6).T.unsqueeze(0)),
]


@pytest.mark.parametrize("name,fn", SHAPE_OPS, ids=[c[0] for c in SHAPE_OPS])
def test_shape_ops(name, fn):
    check(fn, rn(2, 3, 4))


def test_squeeze_and_unsqueeze_on_size_one_tensors():
    check(lambda m, x: x.squeeze(), rn(1, 1))
    check(lambda m, x: x.squeeze(), rn(1))
    check(lambda m, x: x.unsqueeze(0), np.array(2.0))


def test_view_shares_memory_with_its_base():
    for m in (at, torch):
        a = m.zeros(2, 3)
        v = a.view(6)
        v[0] = 5.0
        r = a.reshape(3, 2)
        r[2, 1] = 7.0
        assert a.tolist() == [[5.0, 0.0, 0.0], [0.0, 0.0, 7.0]]


# ---------------------------------------------------------------- indexing

INDEXING = [
    ("int", lambda m, x: x[0]),
    ("neg", lambda m, x: x[-1]),
    ("slice", lambda m, x: x[1:]),
    ("step", lambda m, x: x[::2]),
    ("col", lambda m, x: x[:, 1]),
    ("ellipsis", lambda m, x: x[..., 0]),
    ("none", lambda m, x: x[None]),
    ("scalar", lambda m, x: x[1, 2]),
    ("pair_slices", lambda m, x: x[1:3, 0:2]),
    ("mixed", lambda m, x: x[:, None, 1:]),
    ("list_repeat", lambda m, x: x[[0, 0, 2, 0]]),
    ("tensor_repeat", lambda m, x: x[m.tensor([3, 1, 3])]),
    ("2d_tensor_index", lambda m, x: x[m.tensor([[0, 1], [1, 1]])]),
    ("col_list", lambda m, x: x[:, [2, 2, 0]]),
    ("advanced_pair", lambda m, x: x[[0, 1, 1], [2, 0, 0]]),
    ("mask", lambda m, x: x[x > 0]),
    ("row_mask", lambda m, x: x[m.tensor([True, False, True, True])]),
    ("neg_list", lambda m, x: x[[-1, -1]]),
]


@pytest.mark.parametrize("name,fn", INDEXING, ids=[c[0] for c in INDEXING])
def test_indexing(name, fn):
    check(fn, rn(4, 3))


def test_indexing_values_of_integer_tensor():
    for fn in (
        lambda m: m.arange(10)[2:8:3],
        lambda m: m.arange(6).reshape(2, 3)[1],
        lambda m: m.arange(6)[m.tensor([5, 5, 0])],
    ):
        assert_close(fn(at), fn(torch), rtol=0, atol=0)


def test_repeated_index_gradients_accumulate():
    check(lambda m, x: x[[1, 1, 1, 0]], np.array([1.0, 2.0, 3.0]))
    x = at.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[1, 1, 1, 0]].sum().backward()
    assert x.grad.tolist() == [1.0, 3.0, 0.0]


# ---------------------------------------------------------------- cat, stack, where


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (lambda m, a, b: m.cat([a, b]), [(2, 3), (4, 3)]),
        (lambda m, a, b: m.cat((a, b), dim=1), [(2, 3), (2, 1)]),
        (lambda m, a, b: m.cat([a, b], -1), [(2, 2), (2, 3)]),
        (lambda m, a, b: m.cat([a, b, a]), [(3,), (1,)]),
        (lambda m, a, b: m.cat([a]), [(2,), (1,)]),
        (lambda m, a, b: m.stack([a, b]), [(2, 3), (2, 3)]),
        (lambda m, a, b: m.stack((a, b), dim=1), [(2, 3), (2, 3)]),
        (lambda m, a, b: m.stack([a, b, a], dim=-1), [(3,), (3,)]),
        (lambda m, a, b: m.stack([a, b]), [(), ()]),
    ],
    ids=["cat0", "cat1", "cat-1", "cat3", "cat1tensor", "stack0", "stack1", "stack-1", "stack0d"],
)
def test_cat_stack(fn, shapes):
    check(fn, *(rn(*s) for s in shapes))


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (lambda m, c, a, b: m.where(c > 0, a, b), [(2, 3), (2, 3), (2, 3)]),
        (lambda m, c, a, b: m.where(c > 0, a, b), [(2, 3), (3,), (2, 1)]),
        (lambda m, c, a, b: m.where(c > 0, a, 0.0), [(2, 3), (2, 3), ()]),
        (lambda m, c, a, b: m.where(c > 0, 1.0, b), [(3,), (), (3,)]),
        (lambda m, c, a, b: a.where(c > 0, b), [(3,), (3,), (3,)]),
        (lambda m, c, a, b: m.where(c > 0, a, a * b), [(4,), (4,), (4,)]),
    ],
    ids=["same", "bcast", "scalar_other", "scalar_input", "method", "both_paths"],
)
def test_where(fn, shapes):
    c, a, b = (rn(*s) for s in shapes)
    xs = [at.tensor(c)] + [at.tensor(v, requires_grad=True) for v in (a, b)]
    ts = [torch.tensor(c)] + [torch.tensor(v, requires_grad=True) for v in (a, b)]
    o, t = fn(at, *xs), fn(torch, *ts)
    assert_close(o, t)
    g = rn(*t.shape)
    o.backward(at.tensor(g))
    t.backward(torch.tensor(g))
    for x, y in zip(xs[1:], ts[1:]):
        assert_close(x.grad, y.grad)


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (lambda m, c, x, v: x.masked_fill(c > 0, 0.0), [(2, 3), (2, 3), ()]),
        (lambda m, c, x, v: x.masked_fill(c > 0, -2), [(3,), (2, 3), ()]),  # mask broadcast
        (lambda m, c, x, v: x.masked_fill(c > 0, v), [(2, 3), (2, 3), ()]),  # tensor value
        (lambda m, c, x, v: x.masked_fill(c > 0, v * 3), [(2, 1), (3,), ()]),  # output grows
        (lambda m, c, x, v: m.masked_fill(x, c > 0, v), [(4,), (4,), ()]),
    ],
    ids=["number", "int", "tensor_value", "mask_grows_output", "function"],
)
def test_masked_fill(fn, shapes):
    """Values, gradients (the value's is the sum over the masked places) and node names."""
    c, x, v = (rn(*s) for s in shapes)
    ours = [at.tensor(c)] + [at.tensor(a, requires_grad=True) for a in (x, v)]
    theirs = [torch.tensor(c)] + [torch.tensor(a, requires_grad=True) for a in (x, v)]
    o, t = fn(at, *ours), fn(torch, *theirs)
    assert_close(o, t)
    assert o.grad_fn.name() == t.grad_fn.name()
    assert len(o.grad_fn.next_functions) == len(t.grad_fn.next_functions)
    g = rn(*t.shape)
    o.backward(at.tensor(g))
    t.backward(torch.tensor(g))
    for a, b in zip(ours[1:], theirs[1:]):
        assert (a.grad is None) == (b.grad is None)
        if b.grad is not None:
            assert_close(a.grad, b.grad)


def test_masked_fill_second_derivative():
    def run(m):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        v = m.tensor(0.5, requires_grad=True)
        y = (x.masked_fill(x > 0, v) ** 3).sum()
        gx, gv = m.autograd.grad(y, (x, v), create_graph=True)
        (gx.sum() + gv).backward()
        return gx, gv, x.grad, v.grad

    for o, t in zip(run(at), run(torch)):
        assert_close(o, t)


@pytest.mark.parametrize("value", [2.7, -2.7, True, 3])
def test_masked_fill_keeps_the_dtype_of_the_tensor(value):
    for dtype in ("int64", "float32", "bool"):
        mask = [True, False, True]
        o = at.tensor([1, 0, 3], dtype=getattr(at, dtype)).masked_fill(at.tensor(mask), value)
        t = torch.tensor([1, 0, 3], dtype=getattr(torch, dtype)).masked_fill(
            torch.tensor(mask), value
        )
        assert_close(o, t)


def test_maximum_minimum_with_ties_share_the_gradient():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])
    check(lambda m, x, y: m.maximum(x, y), a, b)
    check(lambda m, x, y: m.minimum(x, y), a, b)


def test_binary_max_min_are_maximum_minimum():
    check(lambda m, x, y: m.max(x, y), rn(3), rn(3))
    check(lambda m, x, y: m.min(x, y), rn(2, 3), rn(3))


# ---------------------------------------------------------------- comparisons

CMP = [
    ("<", lambda a, b: a < b),
    ("<=", lambda a, b: a <= b),
    (">", lambda a, b: a > b),
    (">=", lambda a, b: a >= b),
    ("==", lambda a, b: a == b),
    ("!=", lambda a, b: a != b),
]


@pytest.mark.parametrize("name,op", CMP, ids=[c[0] for c in CMP])
@pytest.mark.parametrize("kind", ["tensor", "bcast", "scalar_right", "scalar_left", "int"])
def test_comparisons(name, op, kind):
    x = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    for requires_grad in (True, False):
        results = []
        for m in (at, torch):
            a = m.tensor(x, requires_grad=requires_grad)
            if kind == "tensor":
                r = op(a, m.tensor(x[::-1].copy()))
            elif kind == "bcast":
                r = op(a, m.tensor([2.0, 2.0, 1.0]))
            elif kind == "scalar_right":
                r = op(a, 2)
            elif kind == "scalar_left":
                r = op(2.0, a)
            else:
                r = op(m.tensor([[1, 2, 3]]), m.tensor([[2], [2]]))
            assert not r.requires_grad and r.grad_fn is None and r.is_leaf
            results.append(r)
        assert_close(*results, rtol=0, atol=0)


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge"])
def test_comparison_functions_and_methods(name):
    x, y = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    for form in (
        lambda m, a, b: getattr(m, name)(a, b),
        lambda m, a, b: getattr(a, name)(b),
        lambda m, a, b: getattr(a, name)(2.0),
    ):
        assert_close(
            form(at, at.tensor(x), at.tensor(y)),
            form(torch, torch.tensor(x), torch.tensor(y)),
            rtol=0,
            atol=0,
        )


def test_results_of_float32_ops_with_python_floats_stay_float32():
    check(
        lambda m, x: (x * 0.1 + 1e-3) / 3.0 - 2**x, rn(4).astype(np.float32), rtol=1e-5, atol=1e-6
    )


# ---------------------------------------------------------------- hypothesis: shapes and chains

BINARY_FOR_HYP = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / (b.abs() + 0.5),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "pow": lambda m, a, b: (a.abs() + 0.5) ** b,
    "where": lambda m, a, b: m.where(a > b, a * 2, b),
}

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=40, deadline=None)
@given(
    op=st.sampled_from(sorted(BINARY_FOR_HYP)),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    data=st.data(),
)
def test_hypothesis_broadcasting_binary_ops(op, shapes, data):
    a = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=finite))
    b = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=finite))
    check(BINARY_FOR_HYP[op], a, b, rtol=1e-6, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    data=st.data(),
)
def test_hypothesis_reductions_over_dims(shape, data):
    x = data.draw(hnp.arrays(np.float64, shape, elements=finite, unique=True))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    red = data.draw(st.sampled_from(["sum", "mean", "max", "min", "softmax", "log_softmax"]))
    if red in ("softmax", "log_softmax"):
        check(lambda m, t: getattr(t, red)(dim), x)
    else:
        check(lambda m, t: getattr(t, red)(dim=dim, keepdim=keepdim), x)


CHAIN_UNARY = [
    lambda m, a, y: a * y,
    lambda m, a, y: a + y,
    lambda m, a, y: a - 0.5 * y,
    lambda m, a, y: a.tanh(),
    lambda m, a, y: a.sigmoid(),
    lambda m, a, y: (a * a + 1).sqrt(),
    lambda m, a, y: (a * a + 1).log(),
    lambda m, a, y: a.tanh().exp(),
    lambda m, a, y: a.relu() + a,
    lambda m, a, y: a.abs() - a,
    lambda m, a, y: a**2 / 4,
    lambda m, a, y: 2 * a - 1,
    lambda m, a, y: a.clamp(-1, 1),
    lambda m, a, y: m.maximum(a, y),
    lambda m, a, y: m.where(a > 0, a, y),
    lambda m, a, y: a.softmax(-1),
    lambda m, a, y: a.log_softmax(-1),
    lambda m, a, y: a / (y.abs() + 1),
    lambda m, a, y: a * a.mean(-1, keepdim=True),
    lambda m, a, y: a - a.max(-1, keepdim=True).values,
    lambda m, a, y: -a,
    lambda m, a, y: 1 - a,
    lambda m, a, y: a.reshape(-1).reshape(a.shape),
    lambda m, a, y: m.cat([a, a * 2], dim=-1)[..., : a.shape[-1]] * 2,
    lambda m, a, y: m.stack([a, a.exp().clamp(max=3.0)]).mean(0),
    lambda m, a, y: a[..., [0] * a.shape[-1]] + a,
    lambda m, a, y: a @ (m.ones(a.shape[-1], a.shape[-1], dtype=a.dtype) * 0.3),
    lambda m, a, y: (a.abs() + 0.5) ** y.tanh(),
    lambda m, a, y: a.unsqueeze(0).squeeze(0).flatten().reshape(a.shape).clone(),
]


@settings(max_examples=40, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3),
    ops=st.lists(st.integers(0, len(CHAIN_UNARY) - 1), min_size=1, max_size=8),
    data=st.data(),
)
def test_hypothesis_random_chains_of_ops(shapes, ops, data):
    x = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=finite))
    y = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=finite))

    def chain(m, a, b):
        for i in ops:
            a = CHAIN_UNARY[i](m, a, b)
        return a

    check(chain, x, y, rtol=1e-6, atol=1e-8)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pytest drops our filter
def test_inf_and_nan_results_without_numpy_warnings():
    """PyTorch computes 1/0, 0/0, log(0) and sqrt'(0) silently; so must we. (Warnings are checked
    in a fresh interpreter: pytest resets warning filters set while it imports modules.)"""

    def code(m):
        x = m.tensor([0.0, 1.0, -1.0], requires_grad=True)
        y = (1 / x) + x / 0 + x.abs().sqrt() + x.abs().log() + (x - x) / (x - x)
        y.sum().backward()
        return y, x.grad

    for o, t in zip(code(at), code(torch)):
        assert_close(o, t)
    source = inspect.getsource(code).replace("    ", "", 1).replace("\n    ", "\n")
    script = f"import autograd_tutor as m\n{source}\ncode(m)\n"
    root = str(Path(at.__file__).resolve().parents[1])
    run = subprocess.run(
        [sys.executable, "-W", "default", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert run.returncode == 0 and "Warning" not in run.stderr, run.stderr


@settings(max_examples=25, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3),
    ops=st.lists(st.integers(0, len(CHAIN_UNARY) - 1), min_size=1, max_size=5),
    data=st.data(),
)
def test_hypothesis_second_derivatives_of_random_chains(shapes, ops, data):
    """Double backward: the gradient built with create_graph=True is differentiated again."""
    x = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=finite))
    y = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=finite))

    def run(m):
        a = m.tensor(x, requires_grad=True)
        b = m.tensor(y, requires_grad=True)
        out = a
        for i in ops:
            out = CHAIN_UNARY[i](m, out, b)
        ga, gb = m.autograd.grad((out * out).sum(), [a, b], create_graph=True, allow_unused=True)
        terms = [g.tanh().sum() for g in (ga, gb) if g is not None and g.requires_grad]
        if not terms:
            return [ga, gb]
        return [ga, gb, *m.autograd.grad(sum(terms), [a, b], allow_unused=True)]

    ours, theirs = run(at), run(torch)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=1e-6, atol=1e-8)


def test_mixed_precision_leaves_get_gradients_in_their_own_dtype():
    def run(m):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor([0.5, -1.5], dtype=m.float64, requires_grad=True)
        out = (a * b).exp().sum() + (a.double() @ b)
        out.backward()
        return out, a.grad, b.grad

    for o, t in zip(run(at), run(torch)):
        assert_close(o, t, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_norm_of_zero_vector_has_zero_gradient():
    check(lambda m, x: x.norm(), np.zeros(3))
    check(lambda m, x: x.norm(dim=1), np.array([[0.0, 0.0], [3.0, 4.0]]))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pytest drops our filter
def test_pow_with_zero_exponent_tensor():
    """PyTorch defines d(x ** y)/dx as 0 where y == 0 (also at x == 0, where the formula is nan),
    and its double backward follows that definition."""
    check(lambda m, x, y: x**y, np.array([0.0, 2.0, 1.5]), np.array([0.0, 0.0, 1.0]))

    def run(m):
        a = m.tensor([1.0], dtype=m.float64, requires_grad=True)
        b = m.tensor([0.0], dtype=m.float64, requires_grad=True)
        out = (a.abs() + 0.5) ** b.tanh()
        ga, gb = m.autograd.grad((out * out).sum(), [a, b], create_graph=True)
        return [ga, gb, *m.autograd.grad(ga.tanh().sum() + gb.tanh().sum(), [a, b])]

    for o, t in zip(run(at), run(torch)):
        assert_close(o, t, rtol=1e-9)


CONVENIENCES = [
    ("contiguous_view", lambda m, x: x.T.contiguous().view(-1)),
    ("contiguous_noop", lambda m, x: x.contiguous() * 2),
    ("add_alpha", lambda m, x: m.add(x, x * x, alpha=2)),
    ("sub_alpha", lambda m, x: x.sub(x.exp(), alpha=0.5)),
    ("sum_axis", lambda m, x: x.sum(axis=0)),
    ("mean_axis", lambda m, x: m.mean(x, axis=1)),
    ("square", lambda m, x: x.square()),
    ("exp_", lambda m, x: (x * 1).exp_()),
    ("sqrt_", lambda m, x: (x * x + 1).sqrt_()),
    ("abs_", lambda m, x: (x * 1).abs_()),
    ("neg_", lambda m, x: (x * 1).neg_()),
    ("pow_", lambda m, x: (x * 1).pow_(3)),
    ("sigmoid_", lambda m, x: (x * 1).sigmoid_()),
    ("tanh_", lambda m, x: (x * 1).tanh_()),
    ("relu_", lambda m, x: (x * 1).relu_()),
    ("where_numbers", lambda m, x: m.where(x > 0, 1.0, 0.0) * x),
    ("where_int_numbers", lambda m, x: m.where(x > 0, 2, 0) * x),
]


@pytest.mark.parametrize("name,fn", CONVENIENCES, ids=[c[0] for c in CONVENIENCES])
def test_everyday_conveniences(name, fn):
    check(fn, rn(2, 3).astype(np.float32), rtol=1e-5, atol=1e-6)
