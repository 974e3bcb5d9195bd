"""Custom Functions with several outputs, ``ctx.set_materialize_grads``, and double backward
through a Function that saves its output: the same user code run with both libraries."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close, first_sentence, raised

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

X = np.array([0.5, 1.0, 2.0])


def _functions(lib, seen):
    Function = lib.autograd.Function

    class SinCos(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, g_sin, g_cos):
            (x,) = ctx.saved_tensors
            seen["grads"] = (g_sin, g_cos)
            return g_sin * x.cos() - g_cos * x.sin()

    class SinCosLazy(SinCos):
        """Asks for None (not zeros) where an output got no gradient."""

        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, g_sin, g_cos):
            (x,) = ctx.saved_tensors
            seen["grads"] = (g_sin, g_cos)
            total = 0
            if g_sin is not None:
                total = total + g_sin * x.cos()
            if g_cos is not None:
                total = total - g_cos * x.sin()
            return total

    class MaxWithIndex(Function):
        """Values and their (non-differentiable) int64 indices, as torch.max(x, dim)."""

        @staticmethod
        def forward(ctx, x):
            values, index = x.max(0)
            ctx.mark_non_differentiable(index)
            ctx.save_for_backward(x, index)
            return values, index

        @staticmethod
        def backward(ctx, g_values, g_index):
            x, index = ctx.saved_tensors
            grad = lib.zeros_like(x)
            grad[index] = g_values
            return grad

    class Exp(Function):
        """Saves its output: its backward must stay differentiable (double backward)."""

        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    return {"SinCos": SinCos, "SinCosLazy": SinCosLazy, "MaxWithIndex": MaxWithIndex,
            "Exp": Exp}


def both(code):
    """``code(lib, fns, seen)`` with each library: the results, ours then PyTorch's."""
    results = []
    for lib in (at, torch):
        seen = {}
        results.append((code(lib, _functions(lib, seen), seen), seen))
    return results


def _compare(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _compare(o, t)
    elif theirs is None or isinstance(theirs, (bool, str, int)):
        assert ours == theirs
    else:
        assert_close(ours, theirs)


CASES = {
    "first_output_only": lambda lib, f, seen: _backward(lib, f["SinCos"], lambda s, c: s.sum()),
    "second_output_only": lambda lib, f, seen: _backward(lib, f["SinCos"], lambda s, c: c.sum()),
    "both_outputs": lambda lib, f, seen: _backward(
        lib, f["SinCos"], lambda s, c: (s * c).sum() + 2 * c.sum()
    ),
    "lazy_first_only": lambda lib, f, seen: _backward(
        lib, f["SinCosLazy"], lambda s, c: s.sum()
    ),
    "lazy_both": lambda lib, f, seen: _backward(lib, f["SinCosLazy"], lambda s, c: (s + c).sum()),
    "root_is_second_output": lambda lib, f, seen: _backward(
        lib, f["SinCos"], lambda s, c: c, gradient=lib.tensor([1.0, 2.0, 3.0])
    ),
    "autograd_grad": lambda lib, f, seen: _grad(lib, f["SinCos"]),
    "double_backward": lambda lib, f, seen: _grad(lib, f["SinCos"], create_graph=True),
    "non_differentiable_index": lambda lib, f, seen: _max(lib, f["MaxWithIndex"]),
}


def _backward(lib, fn, loss, gradient=None):
    x = lib.tensor(X, requires_grad=True)
    s, c = fn.apply(x)
    loss(s, c).backward(gradient)
    return (x.grad, s.grad_fn is c.grad_fn, s.grad_fn.name(), s.requires_grad, c.requires_grad)


def _grad(lib, fn, create_graph=False):
    x = lib.tensor(X, requires_grad=True)
    s, c = fn.apply(x)
    (g,) = lib.autograd.grad((s * c).sum(), x, create_graph=create_graph)
    if not create_graph:
        return g
    (gg,) = lib.autograd.grad(g.sum(), x)
    return g, gg


def _max(lib, fn):
    x = lib.tensor(X, requires_grad=True)
    values, index = fn.apply(x)
    (values * 3).backward()
    return x.grad, values.requires_grad, index.requires_grad, index.grad_fn is None


@pytest.mark.parametrize("name", CASES)
def test_several_outputs(name):
    (ours, seen_o), (theirs, seen_t) = both(CASES[name])
    _compare(ours, theirs)
    _compare(seen_o.get("grads"), seen_t.get("grads"))


def test_next_functions_name_the_output():
    for lib in (at, torch):
        s, c = _functions(lib, {})["SinCos"].apply(lib.tensor(X, requires_grad=True))
        (node, nr), = (c * 2).grad_fn.next_functions[:1]
        assert node is c.grad_fn and nr == 1
        assert (s * 2).grad_fn.next_functions[0][1] == 0


def _double(lib, f, seen):
    x = lib.tensor(X, requires_grad=True)
    y = f["Exp"].apply(x)
    (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), x)
    return g, gg, g.requires_grad, g.grad_fn is not None


def _saved_output_modified(lib, f, seen):
    y = f["Exp"].apply(lib.tensor(X, requires_grad=True))
    y.add_(1)
    y.sum().backward()


def test_double_backward_through_a_saved_output():
    (ours, _), (theirs, _) = both(_double)
    _compare(ours, theirs)


def test_a_saved_output_changed_in_place_is_caught():
    ours = raised(lambda: _saved_output_modified(at, _functions(at, {}), {}))
    theirs = raised(lambda: _saved_output_modified(torch, _functions(torch, {}), {}))
    assert first_sentence(ours) == first_sentence(theirs)
