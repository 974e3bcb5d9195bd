"""Rounding, flip, var/std, % and //, all/any: values, gradients, node names and errors against
PyTorch 2.13 as the oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import assert_close

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

RNG = np.random.default_rng(7)


def compare(fn, *arrays, create_graph=False):
    """``fn(module, *leaves)`` in both libraries: values, node names, and the gradients of a
    random weighting of the output (and, with ``create_graph``, their own gradients)."""
    results = []
    for m in (at, torch):
        xs = [m.tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]
        out = fn(m, *xs)
        weights = m.tensor(np.random.default_rng(0).standard_normal(tuple(out.shape)))
        loss = (out * weights.to(out.dtype)).sum()
        leaves = [x for x in xs if x.requires_grad]
        grads = m.autograd.grad(loss, leaves, create_graph=create_graph, allow_unused=True)
        second = None
        if create_graph:
            total = sum((g * g).sum() for g in grads if g is not None and g.requires_grad)
            if isinstance(total, m.Tensor):
                second = m.autograd.grad(total, leaves, allow_unused=True)
        name = out.grad_fn.name() if out.grad_fn is not None else None
        results.append((out, name, grads, second))
    (o, name_o, g_o, s_o), (t, name_t, g_t, s_t) = results
    assert_close(o, t, rtol=1e-5, atol=1e-6)
    assert name_o == name_t
    for a, b in zip(g_o, g_t):
        assert_close(a, b, rtol=1e-5, atol=1e-6)
    if s_t is not None:
        for a, b in zip(s_o, s_t):
            assert_close(a, b, rtol=1e-4, atol=1e-5)


X = RNG.uniform(-3, 3, (3, 4))

ROUNDING = {
    "round": lambda m, x: x.round(),
    "round_decimals": lambda m, x: x.round(decimals=1),
    "floor": lambda m, x: x.floor(),
    "ceil": lambda m, x: m.ceil(x),
    "trunc": lambda m, x: x.trunc(),
    "halves_to_even": lambda m, x: (x * 0 + 2.5).round() + (x * 0 - 0.5).round(),
}


@pytest.mark.parametrize("name", ROUNDING)
def test_rounding_has_zero_gradient(name):
    compare(ROUNDING[name], X)


def test_rounding_integers_is_a_copy():
    for m in (at, torch):
        i = m.tensor([1, -2, 3])
        for f in ("round", "floor", "ceil", "trunc"):
            assert getattr(i, f)().tolist() == [1, -2, 3]
            assert str(getattr(i, f)().dtype) == "torch.int64"


FLIPS = {
    "dim0": lambda m, x: x.flip(0),
    "last": lambda m, x: x.flip(-1),
    "both": lambda m, x: x.flip(0, 1),
    "list": lambda m, x: m.flip(x, [1]) * x,
}


@pytest.mark.parametrize("name", FLIPS)
def test_flip(name):
    compare(FLIPS[name], X, create_graph=True)


def test_flip_is_a_copy():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0, 3.0])
        y = x.flip(0)
        y[0] = 9.0
        assert x.tolist() == [1.0, 2.0, 3.0]


SPREADS = {
    "var": lambda m, x: x.var(),
    "std": lambda m, x: x.std(),
    "var_dim": lambda m, x: x.var(0),
    "std_dim_keep": lambda m, x: x.std(dim=1, keepdim=True),
    "var_biased": lambda m, x: x.var(unbiased=False),
    "std_correction0": lambda m, x: x.std(1, correction=0),
    "var_dims": lambda m, x: x.var((0, 1)),
    "std_old_form": lambda m, x: x.std(False),
    "m.std": lambda m, x: m.std(x, 0),
    "normalise": lambda m, x: (x - x.mean(0)) / x.std(0),
}


@pytest.mark.parametrize("name", SPREADS)
def test_var_and_std(name):
    compare(SPREADS[name], X, create_graph=True)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4),
        elements=st.integers(-40, 40).map(lambda i: i / 4),  # exact sums: a constant row's
    ),  # mean is exactly its value, as in PyTorch (NumPy's sum/N can be off by one ulp)
    st.sampled_from(["var", "std"]),
    st.booleans(),
)
def test_var_std_gradients_property(x, op, keepdim):
    """Including constant rows, where std's gradient is 0 (as PyTorch), not 0/0."""
    compare(lambda m, t: getattr(t, op)(dim=-1 if keepdim else None, keepdim=keepdim), x)


def test_var_of_one_element_is_nan_as_in_pytorch():
    for m in (at, torch):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert np.isnan(m.tensor([2.0]).var().item())


REMAINDERS = {
    "tensor": lambda m, a, b: a % b,
    "number": lambda m, a, b: a % 2.5,
    "broadcast": lambda m, a, b: a % b[0],
    "method": lambda m, a, b: a.remainder(b),
    "function": lambda m, a, b: m.remainder(a, 1.5),
}


@pytest.mark.parametrize("name", REMAINDERS)
def test_remainder(name):
    a, b = X, RNG.choice([-2.0, -0.7, 1.3, 3.0], size=(3, 4))
    compare(REMAINDERS[name], a, b)


@pytest.mark.parametrize(
    "expr",
    [
        "a // 2",
        "a // b",
        "2 // a",
        "m.floor_divide(a, b)",
        "ai // 2",
        "ai // bi",
        "ai % -3",
        "ai % bi",
        "ai // 2.5",
        "ai % 2.5",
        "a // 0",
        "a % 0",
    ],
)
def test_floor_divide_and_remainder_values(expr):
    outs = []
    for m in (at, torch):
        env = {
            "m": m,
            "a": m.tensor([5.5, -5.5, 3.0]),
            "b": m.tensor([2.0, 2.0, -4.0]),
            "ai": m.tensor([7, -7, 3]),
            "bi": m.tensor([2, 2, -4]),
        }
        with np.errstate(all="ignore"):
            outs.append(eval(expr, env))
    assert repr(outs[0]) == repr(outs[1])


def test_floor_divide_is_recorded_but_has_no_derivative():
    for m in (at, torch):
        x = m.tensor([1.5, -2.5], requires_grad=True)
        y = x // 2
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not"):
            y.sum().backward()


def test_integer_division_by_zero_raises():
    for m in (at, torch):
        for expr in ("i // z", "i % z"):
            with pytest.raises(RuntimeError, match="ZeroDivisionError"):
                eval(expr, {"i": m.tensor([1, 2]), "z": m.tensor([1, 0])})


@pytest.mark.parametrize(
    "expr",
    [
        "x.all()",
        "x.any()",
        "m.all(x)",
        "m.any(x > 1)",
        "x.all(0)",
        "x.any(dim=1, keepdim=True)",
        "(x > 0).all(-1)",
        "m.tensor([]).all()",
        "m.tensor([]).any()",
    ],
)
def test_all_and_any(expr):
    outs = [eval(expr, {"m": m, "x": m.tensor([[1.0, 0.0], [2.0, 3.0]])}) for m in (at, torch)]
    assert repr(outs[0]) == repr(outs[1])


REPEATS = {
    "rows": lambda m, x: x.repeat(2, 1),
    "both": lambda m, x: x.repeat(2, 3),
    "new_dim": lambda m, x: x.repeat(3, 1, 2),
    "tuple": lambda m, x: x.repeat((1, 2)) * x.repeat(1, 2),
}


@pytest.mark.parametrize("name", REPEATS)
def test_repeat(name):
    compare(REPEATS[name], X, create_graph=True)


CUMSUMS = {
    "dim1": lambda m, x: x.cumsum(1),
    "dim0": lambda m, x: m.cumsum(x, 0),
    "last": lambda m, x: x.cumsum(-1) * x,
}


@pytest.mark.parametrize("name", CUMSUMS)
def test_cumsum(name):
    compare(CUMSUMS[name], X, create_graph=True)


@pytest.mark.parametrize(
    "expr",
    [
        "m.tensor([True, False, True]).cumsum(0)",
        "m.tensor([1, 2, 3]).cumsum(0)",
        "m.arange(4.0).repeat(2)",
        "m.zeros(size=(2, 3))",
        "m.ones(size=[1, 2]).shape",
        "m.randn(size=(2, 3)).shape",
        "m.rand(size=(4,)).shape",
        "m.empty(size=(0,)).shape",
    ],
)
def test_values_and_sizes(expr):
    outs = [eval(expr, {"m": m}) for m in (at, torch)]
    assert repr(outs[0]) == repr(outs[1])


def test_repeat_needs_a_count_per_dim():
    for m in (at, torch):
        with pytest.raises(RuntimeError, match="Number of dimensions of repeat dims can not be"):
            m.ones(2, 3).repeat(2)


@pytest.mark.parametrize("fill", ["uniform_", "normal_"])
def test_random_refills_follow_the_in_place_rules(fill):
    for m in (at, torch):
        m.manual_seed(0)
        t = getattr(m.empty(1000), fill)()
        assert t.shape == (1000,) and str(t.dtype) == "torch.float32"
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(m.ones(3, requires_grad=True), fill)()
    at.manual_seed(0)
    u = at.empty(10_000).uniform_(2.0, 3.0)
    assert 2.0 <= u.min().item() and u.max().item() < 3.0 and abs(u.mean().item() - 2.5) < 0.02
    n = at.empty(10_000).normal_(1.0, 2.0)
    assert abs(n.mean().item() - 1.0) < 0.1 and abs(n.std().item() - 2.0) < 0.1
    at.manual_seed(1)
    first = at.empty(3).uniform_().tolist()
    at.manual_seed(1)
    assert at.empty(3).uniform_().tolist() == first  # repeatable under manual_seed
