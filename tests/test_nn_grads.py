"""nn gradients against PyTorch 2.13 in the corners: what a layer saves for backward (so that
an update between forward and backward is allowed exactly when PyTorch allows it), and the sign
of zero gradients at positions a loss ignores."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close, np_of

import autograd_tutor as at

torch = pytest.importorskip("torch")


def _same_layers(bias, in_features=2, out_features=3):
    ours = at.nn.Linear(in_features, out_features, bias=bias)
    theirs = torch.nn.Linear(in_features, out_features, bias=bias)
    with torch.no_grad():
        for p, tp in zip(ours.parameters(), theirs.parameters()):
            tp.copy_(torch.from_numpy(p.detach().numpy().copy()))
    return ours, theirs


def _update_then_backward(lib, layer, x):
    """Forward, an SGD-like update of the parameters under no_grad, then backward."""
    out = layer(x)
    with lib.no_grad():
        for p in layer.parameters():
            p -= 0.1
    out.sum().backward()
    return out


@pytest.mark.parametrize("shape", [(1, 2), (4, 2), (2,), (3, 1, 2)])
def test_linear_weight_update_before_backward_like_torch(shape):
    """The weight is saved only for the input's gradient: data inputs allow the update, inputs
    that require grad do not."""
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    for bias in (True, False):
        layer, tlayer = _same_layers(bias)
        out = _update_then_backward(at, layer, at.tensor(x))
        tout = _update_then_backward(torch, tlayer, torch.from_numpy(x))
        assert_close(out, tout)
        for p, tp in zip(layer.parameters(), tlayer.parameters()):
            assert_close(p.grad, tp.grad)
        for lib in (torch, at):
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                _update_then_backward(
                    lib, lib.nn.Linear(2, 3, bias=bias), lib.ones(*shape).requires_grad_()
                )


def test_linear_input_update_before_backward_like_torch():
    """The input is saved only for the weight's gradient: with a frozen layer, changing the
    input in place after the forward pass is fine; with a trainable one it is an error."""
    layers = _same_layers(bias=True)
    xs = []
    for lib, layer in zip((at, torch), layers):
        layer.requires_grad_(False)
        x = lib.ones(4, 2, requires_grad=True)
        h = x * 2
        out = layer(h)
        with lib.no_grad():
            h += 1
        out.sum().backward()
        xs.append(x)
    assert_close(xs[0].grad, xs[1].grad)
    for lib in (torch, at):
        x = lib.ones(4, 2)
        out = lib.nn.Linear(2, 3)(x)
        x += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            out.sum().backward()


# -- signed zeros: ignored and masked positions get +0.0 -------------------------------------


def _assert_same_zeros(ours, theirs):
    """Same values, and where both are exactly zero the same sign (-0.0 prints as ``-0.``)."""
    assert_close(ours, theirs, rtol=1e-4, atol=1e-6)
    a, b = np_of(ours), np_of(theirs)
    both = (a == 0) & (b == 0)
    np.testing.assert_array_equal(np.signbit(a[both]), np.signbit(b[both]))


def _loss_grads(name, logits, target, upstream, kwargs):
    grads = []
    for lib in (at, torch):
        x = lib.tensor(logits, requires_grad=True)
        t = lib.tensor(target)
        extra = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        out = getattr(lib.nn.functional, name)(x, t, **extra)
        out.backward(lib.tensor(np.broadcast_to(upstream, tuple(out.shape)).copy()))
        grads.append((out, x.grad))
    return grads


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(2, 4),
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(["mean", "sum", "none"]),
    sign=st.sampled_from([-1.0, 1.0]),
    weighted=st.booleans(),
    smoothing=st.sampled_from([0.0, 0.2]),
)
def test_property_ignored_rows_get_positive_zero_grads_like_torch(
    n, c, seed, reduction, sign, weighted, smoothing
):
    """cross_entropy / nll_loss with ignore_index (and class weights, some of them 0) under an
    upstream gradient of either sign: values, and the sign of every zero, as PyTorch."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, c)).astype(np.float32)
    target = rng.integers(0, c, size=n)
    target[rng.random(n) < 0.4] = -100
    upstream = np.float32(sign) * rng.uniform(0.5, 2, size=n if reduction == "none" else ())
    kwargs = {"reduction": reduction}
    if weighted:
        kwargs["weight"] = np.where(rng.random(c) < 0.3, 0, rng.uniform(0.5, 2, c)).astype(
            np.float32
        )
    cases = [("cross_entropy", dict(kwargs, label_smoothing=smoothing))]
    if smoothing == 0:
        cases.append(("nll_loss", kwargs))
    for name, options in cases:
        (out, grad), (tout, tgrad) = _loss_grads(name, logits, target, upstream, options)
        _assert_same_zeros(out, tout)
        _assert_same_zeros(grad, tgrad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_masked_losses_signed_zeros_like_torch(reduction, sign):
    """Zero-weight terms of the binary losses, MSE at equal values and the N-d NLL loss."""
    rng = np.random.default_rng(3)
    p = rng.uniform(0.1, 0.9, size=(3, 4)).astype(np.float32)
    y = rng.integers(0, 2, size=(3, 4)).astype(np.float32)
    w = np.array([1.0, 0.0, 2.0, 0.0], np.float32)
    grid = rng.normal(size=(2, 3, 4)).astype(np.float32)
    spots = np.array([[0, -100, 2, 1], [-100, -100, 1, 0]])
    up = np.float32(sign)
    options = {"reduction": reduction}
    for name, a, b, extra in [
        ("binary_cross_entropy", p, y, {"weight": w}),
        ("binary_cross_entropy_with_logits", p, y, {"weight": w}),
        ("binary_cross_entropy_with_logits", p, y, {"pos_weight": w}),
        ("mse_loss", p, p.copy(), {}),
        ("nll_loss", grid, spots, {}),
        ("cross_entropy", grid, spots, {"label_smoothing": 0.1}),
    ]:
        (out, grad), (tout, tgrad) = _loss_grads(name, a, b, up, dict(options, **extra))
        _assert_same_zeros(out, tout)
        _assert_same_zeros(grad, tgrad)
