"""nn gradients against PyTorch 2.13 in the corners: what a layer saves for backward (so that
an update between forward and backward is allowed exactly when PyTorch allows it), and the sign
of zero gradients at positions a loss ignores."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close

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
