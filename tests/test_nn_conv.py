"""Conv2d / conv2d and MaxPool2d / max_pool2d against PyTorch 2.13: values, gradients of every
input, node names, reprs, defaults, initialisation bounds and errors (the 60-minute blitz's
LeNet needs them)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from torch_oracle import assert_close, np_of, to_torch

import autograd_tutor as at

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(11)


def _pair(shape, dtype=np.float32):
    x = at.tensor(RNG.standard_normal(shape).astype(dtype), requires_grad=True)
    return x, to_torch(x)


CONV_CASES = [
    # (input shape, weight shape, bias, kwargs)
    ((1, 1, 8, 8), (2, 1, 3, 3), True, {}),
    ((2, 3, 7, 9), (4, 3, 3, 2), True, {"stride": 2}),
    ((2, 3, 7, 9), (4, 3, 3, 3), False, {"padding": 1}),
    ((1, 2, 9, 9), (3, 2, 3, 3), True, {"stride": (2, 1), "padding": (0, 2), "dilation": 2}),
    ((2, 4, 6, 6), (6, 2, 3, 3), True, {"groups": 2}),
    ((2, 4, 6, 6), (4, 1, 3, 3), True, {"groups": 4, "padding": "same"}),
    ((1, 2, 5, 6), (3, 2, 2, 3), True, {"padding": "valid"}),
    ((2, 5, 5), (3, 2, 3, 3), True, {}),  # unbatched input (C, H, W)
    ((1, 1, 32, 32), (6, 1, 5, 5), True, {}),  # LeNet's first layer
]


@pytest.mark.parametrize("x_shape, w_shape, bias, kwargs", CONV_CASES)
def test_conv2d_values_and_gradients_match_torch(x_shape, w_shape, bias, kwargs):
    x, tx = _pair(x_shape)
    w, tw = _pair(w_shape)
    b, tb = _pair((w_shape[0],)) if bias else (None, None)
    out = at.nn.functional.conv2d(x, w, b, **kwargs)
    tout = torch.nn.functional.conv2d(tx, tw, tb, **kwargs)
    assert_close(out, tout, rtol=1e-4, atol=1e-5)
    assert out.grad_fn.name() == tout.grad_fn.name()  # SqueezeBackward1 for one image
    assert "ConvolutionBackward0" in (out.grad_fn.name(), out.grad_fn.next_functions[0][0].name())
    g = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        if ours is not None:
            assert_close(ours.grad, theirs.grad, rtol=1e-4, atol=1e-4)


def test_conv2d_gradient_only_where_asked():
    x = at.tensor(RNG.standard_normal((1, 2, 5, 5)).astype(np.float32))  # data: no gradient
    w, tw = _pair((3, 2, 3, 3))
    out = at.nn.functional.conv2d(x, w)
    out.sum().backward()
    torch.nn.functional.conv2d(to_torch(x), tw).sum().backward()
    assert x.grad is None
    assert_close(w.grad, tw.grad, rtol=1e-4, atol=1e-4)


def test_conv2d_in_float64_is_checked_by_gradcheck():
    x = at.tensor(RNG.standard_normal((1, 2, 5, 4)), requires_grad=True)
    w = at.tensor(RNG.standard_normal((2, 1, 2, 3)), requires_grad=True)
    b = at.tensor(RNG.standard_normal(2), requires_grad=True)
    assert at.autograd.gradcheck(
        lambda x, w, b: at.nn.functional.conv2d(x, w, b, stride=(1, 2), padding=1, groups=2),
        (x, w, b))


POOL_CASES = [
    ((1, 1, 8, 8), {"kernel_size": 2}),
    ((2, 3, 7, 9), {"kernel_size": (2, 3)}),
    ((2, 3, 7, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 9, 9), {"kernel_size": 2, "stride": 1, "dilation": 2}),
    ((1, 2, 7, 7), {"kernel_size": 2, "ceil_mode": True}),
    ((2, 6, 6), {"kernel_size": 2}),  # unbatched
]


@pytest.mark.parametrize("x_shape, kwargs", POOL_CASES)
def test_max_pool2d_values_and_gradients_match_torch(x_shape, kwargs):
    x, tx = _pair(x_shape)
    out = at.nn.functional.max_pool2d(x, **kwargs)
    tout = torch.nn.functional.max_pool2d(tx, **kwargs)
    assert_close(out, tout)
    assert out.grad_fn.name() == tout.grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    g = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
    out.backward(at.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_close(x.grad, tx.grad)


def test_max_pool2d_overlapping_windows_sum_their_gradients_like_torch():
    # 3x3 windows at stride 1 over 4x4: the four windows all hold element (2, 2), the largest
    values = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    values[0, 0, 2, 2] = 100
    x = at.tensor(values, requires_grad=True)
    tx = to_torch(x)
    at.nn.functional.max_pool2d(x, 3, stride=1).sum().backward()
    torch.nn.functional.max_pool2d(tx, 3, stride=1).sum().backward()
    assert_close(x.grad, tx.grad)
    assert np_of(x.grad)[0, 0, 2, 2] == 4 and np_of(x.grad).sum() == 4  # counted by hand


def test_modules_print_and_initialise_like_torch():
    for args, kwargs in [((1, 6, 5), {}), ((6, 16, (3, 5)), {"stride": 2, "padding": 1}),
                         ((4, 8, 3), {"groups": 2, "bias": False, "dilation": 2}),
                         ((3, 3, 3), {"padding": "same"})]:
        ours, theirs = at.nn.Conv2d(*args, **kwargs), torch.nn.Conv2d(*args, **kwargs)
        assert repr(ours) == repr(theirs)
        assert ours.weight.shape == theirs.weight.shape
        assert (ours.bias is None) == (theirs.bias is None)
        fan_in = theirs.weight[0].numel()
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(np_of(ours.weight)).max() <= bound
        if ours.bias is not None:
            assert np.abs(np_of(ours.bias)).max() <= bound
    for args, kwargs in [((2,), {}), ((3,), {"stride": 2, "padding": 1}),
                         ((2,), {"ceil_mode": True, "dilation": 2})]:
        assert repr(at.nn.MaxPool2d(*args, **kwargs)) == repr(torch.nn.MaxPool2d(*args, **kwargs))
    assert [n for n, _ in at.nn.Conv2d(1, 2, 3).named_parameters()] == ["weight", "bias"]


def test_lenet_forward_and_backward_match_torch():
    def net(lib, params, x):
        F = lib.nn.functional
        c1, c1b, c2, c2b, f1, f1b = params
        h = F.max_pool2d(F.relu(F.conv2d(x, c1, c1b)), (2, 2))
        h = F.max_pool2d(F.relu(F.conv2d(h, c2, c2b)), 2)
        return F.linear(lib.flatten(h, 1), f1, f1b)

    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (10, 400), (10,)]
    pairs = [_pair(s) for s in shapes]
    x = at.tensor(RNG.standard_normal((2, 1, 32, 32)).astype(np.float32))
    net(at, [p for p, _ in pairs], x).sum().backward()
    net(torch, [t for _, t in pairs], to_torch(x)).sum().backward()
    for ours, theirs in pairs:
        assert_close(ours.grad, theirs.grad, rtol=1e-4, atol=1e-4)


def _torch_error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("x_shape, w_shape, kwargs", [
    ((1, 3, 8, 8), (2, 1, 3, 3), {}),  # channels do not match
    ((8, 8), (2, 1, 3, 3), {}),  # neither 3-D nor 4-D
    ((1, 1, 4, 4), (2, 1, 5, 5), {}),  # kernel larger than the input
    ((1, 4, 6, 6), (4, 4, 3, 3), {"groups": 3}),  # channels not divisible by groups
    ((1, 1, 6, 6), (2, 1, 3, 3), {"padding": "same", "stride": 2}),
    ((1, 1, 6, 6), (2, 1, 3, 3), {"padding": "full"}),
])
def test_conv2d_errors_begin_with_torchs_text(x_shape, w_shape, kwargs):
    x, tx = _pair(x_shape)
    w, tw = _pair(w_shape)
    kind, text = _torch_error(lambda: torch.nn.functional.conv2d(tx, tw, **kwargs))
    with pytest.raises(kind) as info:
        at.nn.functional.conv2d(x, w, **kwargs)
    assert str(info.value).startswith(text.split("\n")[0]), (str(info.value), text)


@pytest.mark.parametrize("x_shape, kwargs", [
    ((1, 1, 4, 4), {"kernel_size": 2, "padding": 2}),  # pad larger than half the kernel
    ((1, 1, 2, 2), {"kernel_size": 3}),  # output would be empty
    ((4, 4), {"kernel_size": 2}),
])
def test_max_pool2d_errors_begin_with_torchs_text(x_shape, kwargs):
    x, tx = _pair(x_shape)
    kind, text = _torch_error(lambda: torch.nn.functional.max_pool2d(tx, **kwargs))
    with pytest.raises(kind) as info:
        at.nn.functional.max_pool2d(x, **kwargs)
    assert str(info.value).startswith(text.split("\n")[0]), (str(info.value), text)


def test_double_backward_through_conv2d_says_it_is_not_supported():
    x, _ = _pair((1, 1, 4, 4))
    w, _ = _pair((1, 1, 2, 2))
    out = at.nn.functional.conv2d(x, w).sum()
    with pytest.raises(RuntimeError, match="create_graph"):
        at.autograd.grad(out, w, create_graph=True)


def test_a_subclass_that_overrides_reset_parameters_is_initialised_by_it():
    class Zeroed(at.nn.Conv2d):
        def reset_parameters(self):
            at.nn.init.zeros_(self.weight)

    class ZeroedLinear(at.nn.Linear):
        def reset_parameters(self):
            at.nn.init.zeros_(self.weight)

    assert not Zeroed(1, 2, 3).weight.any() and not ZeroedLinear(2, 3).weight.any()
