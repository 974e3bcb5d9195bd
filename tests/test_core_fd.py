"""Finite-difference gradient checks in float64 for every differentiable op (no torch needed).

For an op ``f`` and a fixed random weight ``R``, the scalar ``L(x) = sum(f(x) * R)`` has
``dL/dx_j ~ (L(x + eps e_j) - L(x - eps e_j)) / (2 eps)``. The engine's ``x.grad`` must match.
The same idea, applied to the gradient itself (built with ``create_graph=True``), checks
second derivatives.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import np_of

import autograd_tutor as at

EPS = 1e-6


def _leaves(arrays):
    return [at.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]


def _weighted_sum(fn, arrays, weights):
    """sum_k sum(out_k * R_k) for the (possibly tuple-valued) float output of ``fn``."""
    with at.no_grad():
        outs = fn(*[at.tensor(np.array(a, dtype=np.float64)) for a in arrays])
    outs = [o for o in (outs if isinstance(outs, tuple) else (outs,)) if o.dtype == at.float64]
    return sum(float(np.sum(np_of(o) * r)) for o, r in zip(outs, weights))


def numeric_grads(fn, arrays, weights, eps=EPS):
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a, dtype=np.float64)
        for j in np.ndindex(*a.shape):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[i][j] += eps
            minus[i][j] -= eps
            g[j] = (_weighted_sum(fn, plus, weights) - _weighted_sum(fn, minus, weights)) / (
                2 * eps
            )
        grads.append(g)
    return grads


def fd_check(fn, *arrays, rtol=1e-5, atol=1e-6, seed=0, none_is_zero=False):
    """Compare the engine's gradients of ``sum(fn(*x) * R)`` with central differences.

    ``none_is_zero``: an input the output does not depend on may keep ``grad=None``
    (as in PyTorch, e.g. the second derivative of relu).
    """
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    rng = np.random.default_rng(seed)
    xs = _leaves(arrays)
    outs = fn(*xs)
    outs = [o for o in (outs if isinstance(outs, tuple) else (outs,)) if o.dtype == at.float64]
    weights = [rng.standard_normal(tuple(o.shape)) for o in outs]
    loss = sum((o * at.tensor(r)).sum() for o, r in zip(outs, weights))
    loss.backward()
    for x, g in zip(xs, numeric_grads(fn, arrays, weights)):
        if x.grad is None and none_is_zero:
            np.testing.assert_allclose(g, 0.0, atol=atol)
            continue
        assert x.grad is not None, "no gradient reached an input"
        np.testing.assert_allclose(np_of(x.grad), g, rtol=rtol, atol=atol)


def fd_check_second(fn, *arrays, rtol=1e-4, atol=1e-5, seed=1):
    """Second derivatives: FD-check the map x -> d/dx sum(fn(x) * R) built with create_graph."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    rng = np.random.default_rng(seed)
    with at.no_grad():
        shape = tuple(fn(*[at.tensor(a) for a in arrays]).shape)
    r = at.tensor(rng.standard_normal(shape))

    def gradient(*xs):
        with at.enable_grad():
            xs = [x if x.requires_grad else x.detach().requires_grad_() for x in xs]
            out = (fn(*xs) * r).sum()
            return at.autograd.grad(out, xs, create_graph=True)

    fd_check(gradient, *arrays, rtol=rtol, atol=atol, seed=seed, none_is_zero=True)


RNG = np.random.default_rng(7)


def rn(*shape):
    return RNG.standard_normal(shape)


def pos(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def away(*shape):
    """Normal data pushed away from 0 (for abs/relu kinks)."""
    v = RNG.standard_normal(shape)
    return v + 0.2 * np.sign(v)


OPS = [
    ("add", lambda a, b: a + b, [rn(2, 3), rn(3)]),
    ("sub", lambda a, b: a - b, [rn(2, 1), rn(1, 3)]),
    ("mul", lambda a, b: a * b, [rn(2, 3), rn(2, 3)]),
    ("div", lambda a, b: a / b, [rn(3), pos(2, 3)]),
    ("radd", lambda a: 2.5 + a, [rn(3)]),
    ("rsub", lambda a: 1 - a, [rn(3)]),
    ("rmul", lambda a: 3 * a, [rn(3)]),
    ("rdiv", lambda a: 2 / a, [pos(3)]),
    ("neg", lambda a: -a, [rn(2, 2)]),
    ("pow_scalar", lambda a: a**3, [rn(4)]),
    ("pow_frac", lambda a: a**1.5, [pos(4)]),
    ("pow_neg", lambda a: a**-2, [pos(4)]),
    ("pow_tensor", lambda a, b: a**b, [pos(2, 3), rn(3)]),
    ("rpow", lambda a: 2**a, [rn(4)]),
    ("pow_method", lambda a: a.pow(2), [rn(3)]),
    ("matmul_mm", lambda a, b: a @ b, [rn(2, 3), rn(3, 4)]),
    ("matmul_dot", lambda a, b: a @ b, [rn(3), rn(3)]),
    ("matmul_mv", lambda a, b: a @ b, [rn(2, 3), rn(3)]),
    ("matmul_vm", lambda a, b: at.matmul(a, b), [rn(3), rn(3, 2)]),
    ("matmul_batched", lambda a, b: a @ b, [rn(2, 2, 3), rn(3, 2)]),
    ("matmul_bcast_batch", lambda a, b: a @ b, [rn(1, 2, 3), rn(2, 3, 2)]),
    ("sum", lambda a: a.sum(), [rn(2, 3)]),
    ("sum_dim", lambda a: a.sum(1), [rn(2, 3)]),
    ("sum_keepdim", lambda a: a.sum(0, keepdim=True), [rn(2, 3)]),
    ("mean", lambda a: a.mean(), [rn(2, 3)]),
    ("mean_dim", lambda a: a.mean(-1, keepdim=True), [rn(2, 3)]),
    ("max", lambda a: a.max(), [rn(2, 3)]),
    ("min", lambda a: a.min(), [rn(2, 3)]),
    ("max_dim", lambda a: a.max(1), [rn(3, 4)]),
    ("min_dim", lambda a: a.min(0, keepdim=True)[0], [rn(3, 4)]),
    ("norm", lambda a: a.norm(), [rn(2, 3)]),
    ("norm_dim_p3", lambda a: a.norm(p=3, dim=0), [away(2, 3)]),
    ("exp", lambda a: a.exp(), [rn(3)]),
    ("sin", lambda a: a.sin(), [rn(3)]),
    ("cos", lambda a: a.cos(), [rn(3)]),
    ("log", lambda a: a.log(), [pos(3)]),
    ("sqrt", lambda a: a.sqrt(), [pos(3)]),
    ("abs", lambda a: a.abs(), [away(5)]),
    ("clamp", lambda a: a.clamp(-0.5, 0.5), [np.array([-1.0, -0.3, 0.1, 0.4, 2.0])]),
    ("clamp_min", lambda a: a.clamp(min=0.0), [np.array([-1.0, 0.3, 2.0])]),
    ("relu", lambda a: a.relu(), [away(6)]),
    ("sigmoid", lambda a: a.sigmoid(), [rn(4)]),
    ("tanh", lambda a: a.tanh(), [rn(4)]),
    ("softmax", lambda a: a.softmax(-1), [rn(2, 4)]),
    ("softmax0", lambda a: at.softmax(a, dim=0), [rn(3, 2)]),
    ("log_softmax", lambda a: a.log_softmax(1), [rn(2, 4)]),
    (
        "reshape",
        lambda a: a.reshape(3, 2) * at.arange(6.0, dtype=at.float64).reshape(3, 2),
        [rn(2, 3)],
    ),
    ("view", lambda a: a.view(-1), [rn(2, 3)]),
    ("flatten", lambda a: a.flatten(), [rn(2, 1, 3)]),
    ("transpose", lambda a: a.transpose(0, 1), [rn(2, 3)]),
    ("T", lambda a: a.T, [rn(2, 3)]),
    ("permute", lambda a: a.permute(2, 0, 1), [rn(2, 3, 2)]),
    ("squeeze", lambda a: a.squeeze(), [rn(1, 3, 1)]),
    ("unsqueeze", lambda a: a.unsqueeze(1), [rn(3)]),
    ("getitem_int", lambda a: a[1], [rn(3, 2)]),
    ("getitem_slice", lambda a: a[:, 1:], [rn(3, 3)]),
    ("getitem_repeat", lambda a: a[[0, 2, 2, 2]], [rn(3)]),
    ("getitem_mask", lambda a: a[at.tensor([True, False, True])], [rn(3)]),
    ("getitem_pairs", lambda a: a[[0, 0, 1], [1, 1, 0]], [rn(2, 2)]),
    ("cat", lambda a, b: at.cat([a, b, a], dim=1), [rn(2, 1), rn(2, 3)]),
    ("stack", lambda a, b: at.stack([a, b, b]), [rn(3), rn(3)]),
    ("where", lambda a, b: at.where(a > 0, a * 2, b), [away(2, 3), rn(3)]),
    ("maximum", lambda a, b: at.maximum(a, b), [rn(4), rn(4)]),
    ("minimum", lambda a, b: at.minimum(a, b), [rn(2, 2), rn(2)]),
    ("clone", lambda a: a.clone(), [rn(3)]),
    ("mlp", lambda x, w: (x @ w).relu().sum(1).sigmoid(), [rn(4, 3), rn(3, 2)]),
    ("mse", lambda p, y: ((p - y) ** 2).mean(), [rn(5), rn(5)]),
    ("cross_entropy", lambda z: -z.log_softmax(1)[[0, 1], [2, 0]].mean(), [rn(2, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", OPS, ids=[o[0] for o in OPS])
def test_first_derivatives_match_finite_differences(name, fn, arrays):
    fd_check(fn, *arrays)


SECOND = [
    "sin",
    "cos",
    "norm",
    "mul",
    "div",
    "rdiv",
    "pow_scalar",
    "pow_frac",
    "pow_tensor",
    "rpow",
    "matmul_mm",
    "matmul_dot",
    "mean",
    "exp",
    "log",
    "sqrt",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "getitem_repeat",
    "cat",
    "where",
    "maximum",
    "mse",
    "mlp",
    "abs",
    "relu",
    "clamp",
    "max_dim",
]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivatives_match_finite_differences(name):
    """Squaring the op's output makes even the linear ops have a non-zero second derivative."""
    _, fn, arrays = next(o for o in OPS if o[0] == name)

    def squared(*xs):
        out = fn(*xs)
        return (out[0] if isinstance(out, tuple) else out) ** 2

    fd_check_second(squared, *arrays)


@settings(max_examples=20, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    op=st.sampled_from(["add", "sub", "mul", "div", "pow", "maximum"]),
    data=st.data(),
)
def test_hypothesis_broadcast_gradients_match_finite_differences(shapes, op, data):
    elements = st.floats(0.5, 2.0, allow_nan=False, width=64)
    a = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=elements, unique=True))
    b = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=elements, unique=True))
    if op == "maximum":
        b = b + 1.7e-3  # keep the two sides apart: no ties, no kinks in reach of eps
    fn = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: x / y,
        "pow": lambda x, y: x**y,
        "maximum": lambda x, y: at.maximum(x, y),
    }[op]
    fd_check(fn, a, b)
