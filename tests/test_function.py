"""Custom ``autograd.Function`` s behave as in PyTorch 2.13 (same user code, both libraries)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close, node_name, to_torch

import autograd_tutor as at

torch = pytest.importorskip("torch")


def _functions(lib):
    """The same user-written Functions, subclassing ``lib.autograd.Function``."""
    Function = lib.autograd.Function
    seen = {}

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 3 * x**2

    class ScaledMul(Function):
        """x * y * k with a Python number k; records needs_input_grad seen in forward."""

        @staticmethod
        def forward(ctx, x, y, k):
            seen["forward"] = ctx.needs_input_grad
            ctx.save_for_backward(x, y)
            ctx.k = k
            return x * y * k

        @staticmethod
        def backward(ctx, grad_output):
            x, y = ctx.saved_tensors
            seen["backward"] = ctx.needs_input_grad
            gx = grad_output * y * ctx.k if ctx.needs_input_grad[0] else None
            gy = grad_output * x * ctx.k if ctx.needs_input_grad[1] else None
            return gx, gy, None

    class TooFew(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2, grad_output

    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.reshape(1).expand(3)

    class ExtraNones(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2, None

    return {
        "Cube": Cube,
        "ScaledMul": ScaledMul,
        "TooFew": TooFew,
        "TooMany": TooMany,
        "WrongShape": WrongShape,
        "ExtraNones": ExtraNones,
        "seen": seen,
    }


OURS, THEIRS = _functions(at), _functions(torch)


def _x(values, requires_grad=True):
    x = at.tensor(np.asarray(values, dtype=np.float32), requires_grad=requires_grad)
    return x, to_torch(x)


def test_forward_backward_and_grad_fn_name():
    x, tx = _x([1.0, -2.0, 0.5])
    y, ty = OURS["Cube"].apply(x), THEIRS["Cube"].apply(tx)
    assert_close(y, ty)
    assert node_name(y.grad_fn) == node_name(ty.grad_fn) == "CubeBackward"
    assert repr(y).split("grad_fn=")[1].startswith("<CubeBackward")
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    assert_close(x.grad, tx.grad)
    assert [node_name(n) for n, _ in y.grad_fn.next_functions] == [
        node_name(n) for n, _ in ty.grad_fn.next_functions
    ]


def test_function_inside_a_larger_graph_accumulates():
    x, tx = _x([0.5, 1.5])
    out = OURS["Cube"].apply(x * 2) + OURS["Cube"].apply(x).exp()
    tout = THEIRS["Cube"].apply(tx * 2) + THEIRS["Cube"].apply(tx).exp()
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-5)


@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
def test_needs_input_grad_and_non_tensor_args(needs):
    x, tx = _x([1.0, 2.0], requires_grad=needs[0])
    y, ty = _x([3.0, 4.0], requires_grad=needs[1])
    out, tout = OURS["ScaledMul"].apply(x, y, 0.5), THEIRS["ScaledMul"].apply(tx, ty, 0.5)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert OURS["seen"] == THEIRS["seen"]
    assert OURS["seen"]["backward"] == (*needs, False)
    assert_close(x.grad, tx.grad)
    assert_close(y.grad, ty.grad)


@pytest.mark.parametrize("needs", [(True, False), (False, True)])
def test_needs_input_grad_in_forward_under_no_grad(needs):
    """Under no_grad nothing is recorded, but forward still sees which inputs require grad."""
    x, tx = _x([1.0, 2.0], requires_grad=needs[0])
    y, ty = _x([3.0, 4.0], requires_grad=needs[1])
    with at.no_grad():
        OURS["ScaledMul"].apply(x, y, 0.5)
    with torch.no_grad():
        THEIRS["ScaledMul"].apply(tx, ty, 0.5)
    assert OURS["seen"]["forward"] == THEIRS["seen"]["forward"] == (*needs, False)


def test_no_graph_when_nothing_requires_grad_or_under_no_grad():
    x, tx = _x([1.0], requires_grad=False)
    assert OURS["Cube"].apply(x).grad_fn is None and THEIRS["Cube"].apply(tx).grad_fn is None
    x, tx = _x([1.0])
    with at.no_grad():
        y = OURS["Cube"].apply(x)
    with torch.no_grad():
        ty = THEIRS["Cube"].apply(tx)
    assert (y.grad_fn, y.requires_grad) == (ty.grad_fn, ty.requires_grad) == (None, False)


@pytest.mark.parametrize("name", ["TooFew", "TooMany", "WrongShape"])
def test_bad_backward_raises_runtime_error_naming_the_function(name):
    x, tx = _x([1.0, 2.0])
    args, targs = ((x, x * 1), (tx, tx * 1)) if name == "TooFew" else ((x,), (tx,))
    with pytest.raises(RuntimeError) as ref:
        THEIRS[name].apply(*targs).sum().backward()
    with pytest.raises(RuntimeError) as ours:
        OURS[name].apply(*args).sum().backward()
    assert f"{name}Backward" in str(ours.value)
    gist = str(ref.value).split(" - got")[0]
    assert str(ours.value).startswith(gist)
    assert x.grad is None  # nothing was accumulated


def test_extra_none_gradients_are_allowed():
    x, tx = _x([1.0, 2.0])
    OURS["ExtraNones"].apply(x).sum().backward()
    THEIRS["ExtraNones"].apply(tx).sum().backward()
    assert_close(x.grad, tx.grad)


def test_saved_tensors_are_freed_after_backward():
    x, tx = _x([1.0, 2.0])
    y, ty = OURS["Cube"].apply(x), THEIRS["Cube"].apply(tx)
    y.sum().backward(retain_graph=True)
    ty.sum().backward(retain_graph=True)
    y.sum().backward()
    ty.sum().backward()
    assert_close(x.grad, tx.grad)
    with pytest.raises(RuntimeError) as ref:
        ty.sum().backward()
    with pytest.raises(RuntimeError) as ours:
        y.sum().backward()
    assert str(ours.value).startswith(str(ref.value).split(".")[0])


def test_modified_saved_input_raises_like_torch():
    x, tx = _x([1.0, 2.0])
    a, ta = x * 1, tx * 1
    y, ty = OURS["Cube"].apply(a), THEIRS["Cube"].apply(ta)
    with at.no_grad():
        a.add_(1)
    with torch.no_grad():
        ta.add_(1)
    with pytest.raises(RuntimeError) as ref:
        ty.sum().backward()
    with pytest.raises(RuntimeError) as ours:
        y.sum().backward()
    gist = str(ref.value).split(":")[0]
    assert str(ours.value).startswith(gist)


def test_create_graph_through_a_function():
    x, tx = _x([1.5])
    (g,) = at.autograd.grad(OURS["Cube"].apply(x), x, create_graph=True)
    (tg,) = torch.autograd.grad(THEIRS["Cube"].apply(tx), tx, create_graph=True)
    assert_close(g, tg)
    g.backward()
    tg.backward()
    assert_close(x.grad, tx.grad)
