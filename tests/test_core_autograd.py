"""Backward semantics against PyTorch 2.13: accumulation, graphs, hooks, grad modes, in-place."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close, dtype_name, graph_signature, node_name, np_of

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

LIBS = [pytest.param(at, id="ours"), pytest.param(torch, id="torch")]


def both(code):
    """``code(m)`` with our package and with torch; the results are compared by the caller."""
    return code(at), code(torch)


def grads_equal(code, rtol=1e-6, atol=1e-7):
    """``code(m)`` returns tensors/gradients; they must match torch's element by element."""
    ours, theirs = both(code)
    ours = ours if isinstance(ours, (tuple, list)) else [ours]
    theirs = theirs if isinstance(theirs, (tuple, list)) else [theirs]
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- backward basics


def test_seed_example():
    def code(m):
        x = m.tensor([2.0], requires_grad=True)
        y = x**2
        z = 2 * y + 3
        z.backward()
        return x.grad, z

    grads_equal(code)
    x = at.tensor([2.0], requires_grad=True)
    (2 * x**2 + 3).backward()
    assert x.grad.tolist() == [8.0]


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (1, 1, 1)], ids=str)
def test_implicit_gradient_for_one_element_outputs(shape):
    def code(m):
        x = m.tensor(np.full(shape, 3.0), requires_grad=True)
        (x * x).backward()
        return x.grad

    grads_equal(code)


def test_explicit_gradient_argument():
    def code(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x**2
        y.backward(m.tensor([[1.0, 0.5], [0.0, -1.0]]))
        s = (x * 3).sum()
        s.backward(m.tensor(2.0))
        return x.grad

    grads_equal(code)


def test_gradients_accumulate_until_zeroed():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (x * 3).sum().backward()
        first = x.grad.clone()
        (x * x).sum().backward()
        second = x.grad.clone()
        x.grad.zero_()
        (x * 5).sum().backward()
        third = x.grad.clone()
        x.grad = None
        x.sum().backward()
        return first, second, third, x.grad

    grads_equal(code)


def test_grad_object_is_updated_in_place_on_accumulation():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * 2).sum().backward()
    assert x.grad is g and g.tolist() == [4.0, 4.0]
    assert not g.requires_grad and g.grad_fn is None


def test_diamond_gets_the_sum():
    def code(m):
        x = m.tensor([1.5, -2.0], requires_grad=True)
        y = x * 2
        a, b = y.exp(), y**2
        z = (a * b + y).sum()
        z.backward()
        return x.grad

    grads_equal(code)


def test_tensor_used_twice_in_one_op():
    def code(m):
        x = m.tensor([3.0], requires_grad=True)
        (x * x).backward()
        g1 = x.grad.clone()
        x.grad = None
        (x + x + x).backward()
        return g1, x.grad

    grads_equal(code)


def test_shared_subgraph_and_two_leaves():
    def code(m):
        w = m.tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
        b = m.tensor([0.1, -0.2], requires_grad=True)
        x = m.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]])
        h = (x @ w + b).tanh()
        loss = ((h @ w).sigmoid() * h).mean() + (h**2).sum()
        loss.backward()
        return loss, w.grad, b.grad

    grads_equal(code, rtol=1e-5, atol=1e-6)  # float32


def test_deep_chain_of_thousands_of_ops_has_no_recursion_error():
    depth = 6000
    x = at.tensor([0.5, 1.0], requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0001 + 0.0
    y.sum().backward()
    np.testing.assert_allclose(np_of(x.grad), 1.0001**depth, rtol=1e-4)
    del y  # freeing a deep graph must not overflow the stack either


def test_deep_graph_with_create_graph_and_autograd_grad():
    x = at.tensor(0.3, dtype=at.float64, requires_grad=True)
    y = x
    for _ in range(2000):  # 6,000 ops deep
        y = y.tanh() * 0.5 + y * 0.5
    (g,) = at.autograd.grad(y, x, create_graph=True)
    t = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    u = t
    for _ in range(2000):  # 6,000 ops deep
        u = u.tanh() * 0.5 + u * 0.5
    (h,) = torch.autograd.grad(u, t, create_graph=True)
    assert_close(g, h, rtol=1e-8)
    g.backward()
    h.backward()
    assert_close(x.grad, t.grad, rtol=1e-6)


def test_wide_graph_sum_of_many_terms():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        total = x * 0
        for i in range(3000):
            total = total + x * (i % 7)
        total.sum().backward()
        return x.grad

    grads_equal(code)


def test_backward_through_integer_and_comparison_branches():
    def code(m):
        x = m.tensor([-1.0, 2.0, 3.0], requires_grad=True)
        mask = x > 0
        y = (x * mask).sum() + (x * m.tensor([1, 2, 3])).sum()
        y.backward()
        return y, x.grad

    grads_equal(code)


def test_leaves_that_do_not_require_grad_get_no_grad():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        c = m.tensor([3.0, 4.0])
        (x * c).sum().backward()
        return x.grad, c.grad

    grads_equal(code)


# ---------------------------------------------------------------- freeing, retain_graph


def test_second_backward_without_retain_graph_raises_then_retain_graph_allows_it():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward(retain_graph=True)
        y.backward()
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()
    grads_equal(lambda m: _three_backwards(m))


def _three_backwards(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def test_second_backward_through_nodes_that_saved_nothing_is_allowed():
    """AddBackward0 and SumBackward0 save no tensors, so PyTorch does not complain."""

    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return x.grad

    grads_equal(code)


def test_autograd_grad_also_frees_the_graph():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x**2).sum()
        m.autograd.grad(y, x)
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()
        z = (x**2).sum()
        m.autograd.grad(z, x, retain_graph=True)
        z.backward()
        assert x.grad.tolist() == [2.0, 4.0]


def test_partially_shared_graph_second_backward():
    """After backward through z1, a new output sharing y's freed part must raise too."""
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.sum().backward()
        with pytest.raises(RuntimeError, match="second time"):
            (y * 2).sum().backward()


# ---------------------------------------------------------------- create_graph, higher order


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_create_graph_makes_grad_differentiable():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x**3).sum()
        y.backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        first = g.detach().clone()
        x.grad = None
        g.sum().backward()
        return first, x.grad

    grads_equal(code)


@pytest.mark.parametrize(
    "f",
    [
        lambda x: x**3,
        lambda x: x.exp() * x,
        lambda x: x.tanh(),
        lambda x: x.sigmoid(),
        lambda x: 1 / x,
        lambda x: x.log() * x,
        lambda x: x.sqrt(),
        lambda x: x.softmax(0),
        lambda x: x.log_softmax(0),
        lambda x: (x @ x) * x,
        lambda x: x.max() * x,
        lambda x: x.clamp(0.5, 1.5) ** 2,
        lambda x: x.abs() ** 3,
        lambda x: x.relu() * x,
    ],
    ids=[
        "cube",
        "xexp",
        "tanh",
        "sigmoid",
        "inv",
        "xlog",
        "sqrt",
        "softmax",
        "log_softmax",
        "dot",
        "max",
        "clamp",
        "abs",
        "relu",
    ],
)
def test_second_derivatives_vs_torch(f):
    def code(m):
        x = m.tensor([0.7, 1.3, 2.0], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad(f(x).sum(), x, create_graph=True)
        (h,) = m.autograd.grad((g * m.tensor([1.0, -2.0, 0.5], dtype=m.float64)).sum(), x)
        return g, h

    grads_equal(code, rtol=1e-9, atol=1e-12)


def test_third_derivative():
    def code(m):
        x = m.tensor(0.5, dtype=m.float64, requires_grad=True)
        y = x.tanh()
        (d1,) = m.autograd.grad(y, x, create_graph=True)
        (d2,) = m.autograd.grad(d1, x, create_graph=True)
        (d3,) = m.autograd.grad(d2, x)
        return d1, d2, d3

    grads_equal(code, rtol=1e-9)


def test_hessian_vector_product():
    def code(m):
        w = m.tensor([[0.3, -0.7], [1.1, 0.2]], dtype=m.float64, requires_grad=True)
        x = m.tensor([[1.0, 2.0], [-0.5, 0.4]], dtype=m.float64)
        loss = ((x @ w).tanh() ** 2).mean()
        (g,) = m.autograd.grad(loss, w, create_graph=True)
        v = m.tensor([[1.0, 0.0], [0.5, -1.0]], dtype=m.float64)
        (hv,) = m.autograd.grad((g * v).sum(), w)
        return g, hv

    grads_equal(code, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- autograd.grad / backward


def test_autograd_grad_basic_forms():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([3.0], requires_grad=True)
        out = (x * y).sum()
        gx, gy = m.autograd.grad(out, [x, y], retain_graph=True)
        (gx2,) = m.autograd.grad([out], (x,), retain_graph=True)
        single = m.autograd.grad(out, x)
        assert isinstance(single, tuple) and len(single) == 1
        assert x.grad is None and y.grad is None  # autograd.grad does not touch .grad
        return gx, gy, gx2, single[0]

    grads_equal(code)


def test_autograd_grad_grad_outputs_and_several_outputs():
    def code(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a, b = x * 2, x**2
        g = m.autograd.grad([a, b], x, grad_outputs=[m.ones(3), m.tensor([1.0, 0.0, -1.0])])
        h = m.autograd.grad(x.exp(), x, grad_outputs=m.tensor([0.5, 0.5, 0.5]))
        k = m.autograd.grad([(x * 3).sum(), (x * x).sum()], x, grad_outputs=[None, None])
        return g + h + k

    grads_equal(code)


def test_autograd_grad_allow_unused():
    def code(m):
        x = m.tensor([1.0], requires_grad=True)
        unused = m.tensor([2.0], requires_grad=True)
        gx, gu = m.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
        assert gu is None
        return gx

    grads_equal(code)


def test_autograd_grad_with_respect_to_intermediate():
    def code(m):
        x = m.tensor([1.0, -2.0], requires_grad=True)
        h = x * 3
        out = (h**2).sum()
        (gh,) = m.autograd.grad(out, h)
        return gh, x.grad

    grads_equal(code)


def test_autograd_grad_create_graph_false_returns_plain_tensors():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (g,) = m.autograd.grad((x**2).sum(), x)
        assert not g.requires_grad and g.grad_fn is None
        (g,) = m.autograd.grad((x**2).sum(), x, create_graph=True)
        assert g.requires_grad and g.grad_fn is not None


def test_autograd_backward():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([0.5], requires_grad=True)
        m.autograd.backward((x * y).sum())
        m.autograd.backward([x * 2, y**2], [m.ones(2), m.tensor([3.0])])
        m.autograd.backward(x.exp().sum(), retain_graph=False)
        m.autograd.backward([(x * y).sum()], grad_tensors=[m.tensor(2.0)], inputs=[y])
        return x.grad, y.grad

    grads_equal(code)


def test_backward_inputs_argument():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, 4.0], requires_grad=True)
        h = x * w
        z = (h**2).sum()
        z.backward(inputs=[x], retain_graph=True)
        assert w.grad is None
        z.backward(inputs=w, retain_graph=True)
        z.backward(inputs=[h])  # a non-leaf in inputs gets its .grad filled
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x.grad, w.grad, h.grad

    grads_equal(code)


# ---------------------------------------------------------------- hooks


def test_hook_on_leaf_changes_accumulated_gradient():
    def code(m):
        seen = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: seen.append(g.clone()))
        x.register_hook(lambda g: g * 10)
        (x * 3).sum().backward()
        return seen[0], x.grad

    grads_equal(code)


def test_hook_on_intermediate_changes_downstream_gradient():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.register_hook(lambda g: g * 2)
        y.register_hook(lambda g: g + 1)  # hooks run in registration order
        y.register_hook(lambda g: None)  # returning None keeps the gradient
        (y * 3).sum().backward()
        return x.grad

    grads_equal(code)


def test_hook_handle_remove():
    def code(m):
        calls = []
        x = m.tensor([1.0], requires_grad=True)
        h = x.register_hook(lambda g: calls.append(1) or g * 100)
        h.remove()
        (x * 2).sum().backward()
        assert calls == []
        return x.grad

    grads_equal(code)
    x = at.tensor([1.0], requires_grad=True)
    h = x.register_hook(lambda g: g)
    assert hasattr(h, "remove")
    h.remove()
    h.remove()  # removing twice is harmless, as in PyTorch


def test_hook_as_context_manager_handle():
    x = at.tensor([1.0], requires_grad=True)
    with x.register_hook(lambda g: g * 0):
        pass
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0]


def test_hook_gets_gradient_under_autograd_grad():
    def code(m):
        seen = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x**2
        y.register_hook(lambda g: seen.append(g) or g * 2)
        (g,) = m.autograd.grad(y.sum(), x)
        return seen[0], g

    grads_equal(code)


def test_retain_grad_on_intermediates():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        z = y**2
        z.retain_grad()
        out = z.sum()
        out.retain_grad()
        out.backward(retain_graph=True)
        g1 = y.grad.clone()
        out.backward()
        x.retain_grad()  # no-op on a leaf
        return g1, y.grad, z.grad, out.grad, x.grad

    grads_equal(code)
    x = at.tensor([1.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad


def test_retain_grad_sees_the_hook_modified_gradient():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 5)
        y.sum().backward()
        return y.grad, x.grad

    grads_equal(code)


# ---------------------------------------------------------------- leaves and graph structure


def test_is_leaf_and_requires_grad_rules():
    for m in (at, torch):
        a = m.tensor([1.0])
        b = m.tensor([1.0], requires_grad=True)
        c = a * 2
        d = b * 2
        e = d.detach()
        with m.no_grad():
            f = b * 2
        assert a.is_leaf and b.is_leaf and c.is_leaf and not d.is_leaf and e.is_leaf and f.is_leaf
        assert not c.requires_grad and d.requires_grad and not e.requires_grad
        assert not f.requires_grad
        assert a.grad_fn is None and b.grad_fn is None and c.grad_fn is None
        assert d.grad_fn is not None and e.grad_fn is None and f.grad_fn is None


GRAPHS = {
    "x+2": lambda m, x, X, B: x + 2,
    "2+x": lambda m, x, X, B: 2 + x,
    "x+x": lambda m, x, X, B: x + x,
    "x-2": lambda m, x, X, B: x - 2,
    "2-x": lambda m, x, X, B: 2 - x,
    "x-x": lambda m, x, X, B: x - x,
    "x*2": lambda m, x, X, B: x * 2,
    "2*x": lambda m, x, X, B: 2 * x,
    "x*x": lambda m, x, X, B: x * x,
    "x/2": lambda m, x, X, B: x / 2,
    "x/x": lambda m, x, X, B: x / x,
    "x**2": lambda m, x, X, B: x**2,
    "2**x": lambda m, x, X, B: 2**x,
    "x**x": lambda m, x, X, B: x**x,
    "-x": lambda m, x, X, B: -x,
    "x@x": lambda m, x, X, B: x @ x,
    "X@x": lambda m, x, X, B: X @ x,
    "X@X.T": lambda m, x, X, B: X @ X.T,
    "sum": lambda m, x, X, B: x.sum(),
    "sum(0)": lambda m, x, X, B: X.sum(0),
    "mean": lambda m, x, X, B: x.mean(),
    "mean(1)": lambda m, x, X, B: X.mean(1),
    "max": lambda m, x, X, B: x.max(),
    "max(1)": lambda m, x, X, B: X.max(1)[0],
    "min": lambda m, x, X, B: x.min(),
    "min(1)": lambda m, x, X, B: X.min(1).values,
    "exp": lambda m, x, X, B: x.exp(),
    "log": lambda m, x, X, B: x.log(),
    "sqrt": lambda m, x, X, B: x.sqrt(),
    "abs": lambda m, x, X, B: x.abs(),
    "pow(3)": lambda m, x, X, B: x.pow(3),
    "clamp": lambda m, x, X, B: x.clamp(0, 1),
    "clamp(min)": lambda m, x, X, B: x.clamp(min=0),
    "relu": lambda m, x, X, B: x.relu(),
    "sigmoid": lambda m, x, X, B: x.sigmoid(),
    "tanh": lambda m, x, X, B: x.tanh(),
    "softmax": lambda m, x, X, B: x.softmax(0),
    "log_softmax": lambda m, x, X, B: x.log_softmax(0),
    "reshape": lambda m, x, X, B: X.reshape(3, 2),
    "view": lambda m, x, X, B: X.view(6),
    "flatten": lambda m, x, X, B: X.flatten(),
    "transpose": lambda m, x, X, B: X.transpose(0, 1),
    "T": lambda m, x, X, B: X.T,
    "permute": lambda m, x, X, B: B.permute(2, 0, 1),
    "squeeze": lambda m, x, X, B: x[None].squeeze(),
    "unsqueeze": lambda m, x, X, B: x.unsqueeze(0),
    "x[0]": lambda m, x, X, B: x[0],
    "x[1:]": lambda m, x, X, B: x[1:],
    "x[[0,0]]": lambda m, x, X, B: x[[0, 0]],
    "x[mask]": lambda m, x, X, B: x[x > 1],
    "X[:,0]": lambda m, x, X, B: X[:, 0],
    "cat": lambda m, x, X, B: m.cat([x, x]),
    "stack": lambda m, x, X, B: m.stack([x, x]),
    "where": lambda m, x, X, B: m.where(x > 1, x, 0.0),
    "maximum": lambda m, x, X, B: m.maximum(x, x * 2),
    "minimum": lambda m, x, X, B: m.minimum(x, x * 2),
    "clone": lambda m, x, X, B: x.clone(),
    "norm": lambda m, x, X, B: x.norm(),
    "sin": lambda m, x, X, B: m.sin(x),
    "cos": lambda m, x, X, B: x.cos(),
    "seed": lambda m, x, X, B: 2 * x**2 + 3,
    "mse": lambda m, x, X, B: ((X @ x - 1.0) ** 2).mean(),
}


@pytest.mark.parametrize("expr", list(GRAPHS))
def test_grad_fn_names_and_next_functions_match_torch(expr):
    def build(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        X = m.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)
        B = m.ones(2, 3, 4, requires_grad=True)
        return GRAPHS[expr](m, x, X, B)

    ours, theirs = both(build)
    assert graph_signature(ours.grad_fn) == graph_signature(theirs.grad_fn)
    assert [i for _, i in ours.grad_fn.next_functions] == [
        i for _, i in theirs.grad_fn.next_functions
    ]


def test_accumulate_grad_node():
    x = at.tensor([1.0], requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    assert node_name(acc) == "AccumulateGrad" and acc.variable is x
    assert acc.next_functions == ()
    z = x * 3
    assert z.grad_fn.next_functions[0][0] is acc  # one AccumulateGrad per leaf, as in PyTorch


def test_grad_fn_after_in_place_on_non_leaf():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y += 1
        y.mul_(3)
        return graph_signature(y.grad_fn)

    ours, theirs = both(code)
    assert ours == theirs


# ---------------------------------------------------------------- .grad on non-leaves


def test_reading_grad_of_non_leaf_warns_and_is_none():
    for m in (at, torch):
        x = m.tensor([1.0], requires_grad=True)
        y = x * 2
        y.backward()
        with pytest.warns(UserWarning, match="not a leaf"):
            assert y.grad is None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert x.grad is not None  # leaves: no warning
            z = x * 3
            z.retain_grad()
            assert z.grad is None  # retained: no warning
            assert m.tensor([1.0]).grad is None


def test_grad_setter():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.grad = m.tensor([0.5, 0.5])
        (x * 2).sum().backward()
        assert x.grad.tolist() == [2.5, 2.5]
        x.grad = None
        assert x.grad is None


# ---------------------------------------------------------------- grad modes


@pytest.mark.parametrize("m", LIBS)
def test_no_grad_context_manager(m):
    x = m.tensor([1.0], requires_grad=True)
    assert m.is_grad_enabled()
    with m.no_grad():
        assert not m.is_grad_enabled()
        y = x * 2
        with m.enable_grad():
            assert m.is_grad_enabled()
            z = x * 2
        assert not m.is_grad_enabled()
    assert m.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert z.requires_grad and z.grad_fn is not None
    with pytest.raises(ValueError):
        with m.no_grad():
            raise ValueError("an error inside the block")
    assert m.is_grad_enabled()


@pytest.mark.parametrize("m", LIBS)
def test_grad_mode_decorators(m):
    x = m.tensor([1.0], requires_grad=True)

    @m.no_grad()
    def f(t):
        return t * 2

    @m.no_grad
    def f_bare(t):
        return t * 2

    @m.enable_grad()
    def g(t):
        return t * 2

    @m.set_grad_enabled(False)
    def h(t):
        return t * 2

    @m.inference_mode()
    def i(t):
        return t * 2

    assert m.is_grad_enabled()  # building the decorators switched nothing
    assert not f(x).requires_grad and not f_bare(x).requires_grad and not h(x).requires_grad
    assert not i(x).requires_grad
    with m.no_grad():
        assert g(x).requires_grad
    assert f.__name__ == "f" and m.is_grad_enabled()


@pytest.mark.parametrize("m", LIBS)
def test_set_grad_enabled_call_and_context_manager(m):
    x = m.tensor([1.0], requires_grad=True)
    m.set_grad_enabled(False)
    assert not m.is_grad_enabled() and not (x * 2).requires_grad
    m.set_grad_enabled(True)
    assert m.is_grad_enabled() and (x * 2).requires_grad
    with m.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert m.is_grad_enabled()
    with m.no_grad():
        with m.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not m.is_grad_enabled()
    is_train = False
    with m.set_grad_enabled(is_train):
        assert not m.is_grad_enabled()
    assert m.is_grad_enabled()


@pytest.mark.parametrize("m", LIBS)
def test_inference_mode(m):
    x = m.tensor([1.0], requires_grad=True)
    with m.inference_mode():
        assert not m.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert m.is_grad_enabled()
    with m.inference_mode(False):
        assert (x * 2).requires_grad
    with m.inference_mode(mode=False):
        assert (x * 2).requires_grad
    with m.no_grad(), m.inference_mode(False):  # switches recording on, even here
        assert m.is_grad_enabled() and (x * 2).requires_grad
    with m.set_grad_enabled(mode=False):
        assert not (x * 2).requires_grad
    assert y.tolist() == [2.0]


@pytest.mark.parametrize("m", LIBS)
def test_backward_inside_no_grad_still_works(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = (x**2).sum()
    with m.no_grad():
        y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_backward_create_graph_inside_no_grad_matches_torch():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x**3).sum()
        with m.no_grad():
            (g,) = m.autograd.grad(y, x, create_graph=True)
        return g, g.requires_grad

    (ours, og), (theirs, tg) = both(code)
    assert_close(ours, theirs)
    assert og == tg


# ---------------------------------------------------------------- in-place ops and versions

INPLACE = [
    ("+=t", lambda m, y: y.__iadd__(m.tensor([1.0, 2.0, 3.0]))),
    ("+=s", lambda m, y: y.__iadd__(2)),
    ("-=", lambda m, y: y.__isub__(0.5)),
    ("*=", lambda m, y: y.__imul__(m.tensor([2.0, 3.0, 4.0]))),
    ("/=", lambda m, y: y.__itruediv__(4)),
    ("add_", lambda m, y: y.add_(m.tensor([1.0]))),
    ("add_alpha", lambda m, y: y.add_(m.tensor([1.0, 2.0, 3.0]), alpha=-0.5)),
    ("sub_", lambda m, y: y.sub_(1.5)),
    ("mul_", lambda m, y: y.mul_(-2)),
    ("div_", lambda m, y: y.div_(m.tensor([2.0, 4.0, 8.0]))),
    ("zero_", lambda m, y: y.zero_()),
    ("fill_", lambda m, y: y.fill_(7.5)),
    ("copy_", lambda m, y: y.copy_(m.tensor([9.0, 8.0, 7.0]))),
    ("copy_bcast", lambda m, y: y.copy_(m.tensor(4.0))),
    ("clamp_", lambda m, y: y.clamp_(0.0, 2.5)),
    ("clamp_min", lambda m, y: y.clamp_(min=1.5)),
    ("setitem", lambda m, y: y.__setitem__(0, 5.0)),
    ("setitem_slice", lambda m, y: y.__setitem__(slice(1, None), m.tensor([7.0, 8.0]))),
    ("setitem_mask", lambda m, y: y.__setitem__(y > 1.5, 0.0)),
    ("setitem_list", lambda m, y: y.__setitem__([0, 2], m.tensor([1.5, 2.5]))),
]


@pytest.mark.parametrize("name,op", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_on_plain_tensor(name, op):
    def code(m):
        y = m.tensor([1.0, 2.0, 3.0])
        v0 = y._version
        r = op(m, y)
        if not name.startswith("setitem"):
            assert r is y  # in-place ops return the tensor itself
        return y, y._version - v0

    (ours, ov), (theirs, tv) = both(code)
    assert_close(ours, theirs)
    assert ov == tv


@pytest.mark.parametrize("name,op", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_on_non_leaf_gradients(name, op):
    def code(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        op(m, y)
        (y * m.tensor([1.0, 10.0, 100.0])).sum().backward()
        return y, x.grad

    grads_equal(code)


NO_GRAD_UPDATES = [
    ("sub_tensor", lambda m: m.ones(3), lambda m: m.tensor([0.5, 1.0, 2.0])),
    ("add_number", lambda m: m.ones(3), lambda m: 2.5),
    ("mul_int_number", lambda m: m.ones(2, 2), lambda m: 3),
    ("div_broadcast", lambda m: m.ones(2, 3), lambda m: m.tensor([2.0, 4.0, 8.0])),
    ("zero_d", lambda m: m.tensor(3.0), lambda m: m.tensor(2.0)),
    ("float64_into_float32", lambda m: m.ones(2), lambda m: m.tensor([0.1, 0.2], dtype=m.float64)),
    ("int_into_float", lambda m: m.ones(2), lambda m: m.tensor([1, 2])),
    ("bool_into_int", lambda m: m.tensor([1, 2]), lambda m: m.tensor([True, False])),
    ("float_number_into_int", lambda m: m.tensor([1, 2]), lambda m: 1.5),
    ("does_not_broadcast", lambda m: m.ones(2), lambda m: m.ones(3)),
    ("would_grow", lambda m: m.ones(2), lambda m: m.ones(2, 2)),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # int / bool: pytest drops our filter
@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_"])
@pytest.mark.parametrize(
    "name,target,operand", NO_GRAD_UPDATES, ids=[c[0] for c in NO_GRAD_UPDATES]
)
def test_in_place_arithmetic_under_no_grad(name, target, operand, op):
    """The optimizer-step path (``w -= lr * w.grad`` under no_grad): values, dtype, version
    and the errors of every case it must hand on to the general rules."""

    def code(m):
        w = target(m).requires_grad_() if target(m).dtype.is_floating_point else target(m)
        with m.no_grad():
            try:
                r = getattr(w, op)(operand(m))
            except RuntimeError as e:
                return w, m.tensor(w._version), str(e).split(".")[0]
        assert r is w
        return w, m.tensor(w._version)

    ours, theirs = both(code)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if isinstance(o, str):
            assert o == t
        else:
            assert_close(o, t)


@pytest.mark.parametrize("fill", ["zero_", "fill_"])
def test_fill_of_an_expanded_tensor_fills_its_source(fill):
    """PyTorch allows zero_/fill_ (only these) on an expand()ed tensor."""

    def code(m):
        t = m.ones(2, 1)
        e = t.expand(2, 3)
        getattr(e, fill)(*([] if fill == "zero_" else [4.0]))
        x = m.tensor([[1.0], [2.0]], requires_grad=True)
        with m.no_grad():
            ex = x.expand(2, 3)
            getattr(ex, fill)(*([] if fill == "zero_" else [-1.0]))
            after = (x.clone(), ex.clone())
        return t, e, *after, m.tensor([t._version, e._version, x._version])

    grads_equal(code)


def test_recorded_fill_of_an_expanded_tensor_raises():
    """Recorded, PyTorch fails in backward; here the fill itself raises the same error."""
    message = "more than one element of the written-to tensor refers to a single memory location"
    x = torch.ones(2, 1, requires_grad=True)
    e = (x * 1).expand(2, 3)
    e.fill_(4.0)
    with pytest.raises(RuntimeError, match=message):
        e.sum().backward()
    e = (at.ones(2, 1, requires_grad=True) * 1).expand(2, 3)
    with pytest.raises(RuntimeError, match=message):
        e.fill_(4.0)


def test_in_place_with_a_tensor_that_requires_grad():
    def code(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 1
        y *= w
        y += w**2
        y[0] = w[1] * 3
        y.sum().backward()
        return y, x.grad, w.grad

    grads_equal(code)


def test_augmented_assignment_keeps_object_identity():
    for m in (at, torch):
        y = m.tensor([1.0, 2.0])
        ident = id(y)
        y += 1
        y *= 2
        y -= 1
        y /= 2
        assert id(y) == ident and y.tolist() == [1.5, 2.5]


def test_integer_tensor_in_place_with_integer_and_true_division_rules():
    def code(m):
        y = m.tensor([1, 2, 3])
        y += 2
        y *= 3
        return y

    grads_equal(code)


def test_version_counter():
    def code(m):
        x = m.tensor([1.0, 2.0])
        versions = [x._version]
        x.add_(1)
        versions.append(x._version)
        x[0] = 3.0
        versions.append(x._version)
        x += 1
        versions.append(x._version)
        _ = x + 1  # out-of-place: no bump
        versions.append(x._version)
        with m.no_grad():
            x.mul_(2)
        versions.append(x._version)
        return versions

    ours, theirs = both(code)
    assert ours == theirs


def test_modifying_a_saved_tensor_makes_backward_raise():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        b = a * a  # saves a
        a.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            b.sum().backward()
        assert x.grad is None
        e = x.exp()  # saves its output
        e.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            e.sum().backward()


def test_modifying_an_unsaved_tensor_is_fine():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        b = a + 1  # AddBackward saves nothing
        a.mul_(2)
        c = a * 3
        (b.sum() + c.sum()).backward()
        return x.grad

    grads_equal(code)


def test_seed_update_under_no_grad_keeps_the_same_leaf():
    def code(m):
        w = m.tensor([1.0], requires_grad=True)
        b = m.tensor([0.0], requires_grad=True)
        x = m.tensor([1.0, 2.0, 3.0])
        y_true = m.tensor([2.0, 4.0, 6.0])
        history = []
        for _ in range(3):
            loss = ((w * x + b - y_true) ** 2).mean()
            loss.backward()
            ident = (id(w), id(b))
            with m.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
            assert (id(w), id(b)) == ident
            assert w.is_leaf and w.requires_grad and w.grad_fn is None
            assert b.is_leaf and b.requires_grad and b.grad_fn is None
            history += [loss.detach(), w.detach().clone(), b.detach().clone()]
            w.grad.zero_()
            b.grad.zero_()
        history.append(w._version)
        return history

    ours, theirs = both(code)
    assert ours[-1] == theirs[-1]
    for o, t in zip(ours[:-1], theirs[:-1]):
        assert_close(o, t)


def test_in_place_through_a_view_of_a_non_leaf():
    def code(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * 1
        y[0] *= 10
        y[:, 1] = 0.0
        (y * m.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        return y, x.grad

    grads_equal(code)


def test_step_on_leaf_under_no_grad_with_all_in_place_ops():
    def code(m):
        w = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        with m.no_grad():
            w.add_(1)
            w.sub_(m.tensor([0.5, 0.5, 0.5]))
            w.mul_(2)
            w.div_(4)
            w.clamp_(-0.5, 1.5)
            w[0] = 0.25
        (w * w).sum().backward()
        return w, w.grad, w.is_leaf, w.requires_grad

    (o, og, ol, orq), (t, tg, tl, trq) = both(code)
    assert_close(o, t)
    assert_close(og, tg)
    assert (ol, orq) == (tl, trq) == (True, True)


# ---------------------------------------------------------------- detach, requires_grad_


def test_detach_shares_memory_and_cuts_the_graph():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        d = y.detach()
        assert d.is_leaf and not d.requires_grad and d.grad_fn is None
        d[0] = 100.0  # shares storage with y
        z = (y.detach() * x).sum()
        z.backward()
        return y, x.grad

    grads_equal(code)


def test_detach_in_place():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        r = y.detach_()
        assert r is y and y.is_leaf and not y.requires_grad and y.grad_fn is None
        assert y.tolist() == [2.0, 4.0]


def test_requires_grad_setters():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0])
        r = x.requires_grad_()
        assert r is x and x.requires_grad and x.is_leaf
        x.requires_grad_(False)
        assert not x.requires_grad
        x.requires_grad = True
        assert x.requires_grad
        y = x * 2
        y.requires_grad_(True)  # fine on a non-leaf that already requires grad
        assert y.requires_grad
        (y.sum()).backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_detach_then_requires_grad_makes_a_new_leaf():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        h = (x * 3).detach().requires_grad_()
        (h**2).sum().backward()
        return h.grad, x.grad

    grads_equal(code)


def test_custom_function():
    def make(m):
        class Cube(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x**3

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return grad_output * 3 * x**2

        x = m.tensor([1.0, -2.0], requires_grad=True)
        y = Cube.apply(x)
        y.sum().backward()
        assert dtype_name(y.dtype) == "float32"
        return y, x.grad

    grads_equal(make)


def test_numpy_after_detach_and_grad_values():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.detach().numpy(), np.array([1.0, 2.0], dtype=np.float32))
    np.testing.assert_array_equal(np_of(x.grad), [2.0, 4.0])


def test_leaf_hooks_run_for_inputs_and_autograd_grad():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        (x * 3).sum().backward(inputs=[x])
        (g,) = m.autograd.grad((x * 3).sum(), x)
        h = x * 2
        h.register_hook(lambda g: g + 1)
        (gh,) = m.autograd.grad((h * 3).sum(), h)
        return x.grad, g, gh

    grads_equal(code)


def test_non_leaf_in_inputs_gets_grad_without_warning():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 10)
        y.sum().backward(inputs=[y])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert y.grad.tolist() == [10.0, 10.0]
        assert x.grad is None


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_create_graph_implies_retain_graph():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x**2).sum()
        y.backward(create_graph=True)
        y.backward()  # the graph was kept
        return x.grad.detach()

    grads_equal(code)


def test_backward_on_a_leaf():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.backward(m.tensor([1.0, 3.0]))
        x.sum().backward()
        return x.grad

    grads_equal(code)


def test_detach_and_views_share_the_version_counter():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        s = y.exp()  # saves its output
        d = s.detach()
        d.add_(1)  # same memory, same version counter: the saved value is stale
        assert s._version == 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            s.sum().backward()
        a = m.zeros(2, 3)
        v = a.view(6)
        v.add_(1)
        a[0].mul_(2)
        assert a._version == v._version == 2


def test_data_changes_are_not_tracked():
    """``x.data`` is the escape hatch: in-place changes through it bump no version counter."""

    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        x.data.mul_(10)
        y.sum().backward()  # uses the changed x: 2 * 10x
        return x.grad, x._version

    (og, ov), (tg, tv) = both(code)
    assert_close(og, tg)
    assert ov == tv


@settings(max_examples=30, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 100), st.integers(0, 100)),
        min_size=1,
        max_size=12,
    ),
    use=st.lists(st.integers(0, 100), min_size=1, max_size=4),
)
def test_hypothesis_random_dags_with_reuse(plan, use):
    """Random graphs where intermediate tensors feed several later ops (diamonds)."""
    ops = [
        lambda a, b: a * b,
        lambda a, b: a + b,
        lambda a, b: a - b.tanh(),
        lambda a, b: (a * 0.5).sigmoid() * b,
        lambda a, b: a / (b * b + 1),
        lambda a, b: a.exp().clamp(max=5.0) + b,
        lambda a, b: (a + b).relu() - a,
    ]

    def code(m):
        x = m.tensor([0.3, -1.2, 0.8], dtype=m.float64, requires_grad=True)
        w = m.tensor([1.5, 0.4, -0.7], dtype=m.float64, requires_grad=True)
        nodes = [x, w]
        for op, i, j in plan:
            nodes.append(ops[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
        loss = sum(nodes[k % len(nodes)].sum() for k in use)
        loss.backward()
        return [loss, x.grad, w.grad]

    grads_equal(code, rtol=1e-9, atol=1e-12)


VIEW_INPLACE = {
    "select_imul": lambda m, y, w: y[0].mul_(10),
    "transpose_setitem": lambda m, y, w: y.T.__setitem__(0, w[:2] * 2),
    "view_of_view": lambda m, y, w: y[1][1:].mul_(w[1:]),
    "reshape_step_slice": lambda m, y, w: y.view(6)[::2].zero_(),
    "column_add_": lambda m, y, w: y[:, 2].add_(w[:2]),
    "unsqueeze_copy_": lambda m, y, w: y[0].unsqueeze(0).copy_(w.exp()),
    "twice": lambda m, y, w: (y[0].mul_(w), y[:, 0].add_(1)),
}


@pytest.mark.parametrize("name", list(VIEW_INPLACE))
@pytest.mark.parametrize("base_requires_grad", [True, False], ids=["graph_base", "plain_base"])
def test_in_place_on_views_record_on_the_base(name, base_requires_grad):
    def code(m):
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        w = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 1 if base_requires_grad else m.zeros(2, 3)
        VIEW_INPLACE[name](m, y, w)
        z = y * m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        (z.sum() + (x * w).sum()).backward()
        return y, x.grad, w.grad, graph_signature(y.grad_fn, depth=1)

    ours, theirs = both(code)
    for o, t in zip(ours[:3], theirs[:3]):
        assert_close(o, t)
    # Only the node's name: PyTorch's CopySlices wraps the in-place op's node (its
    # next_functions are those of the op), ours takes the op's result as its second input.
    assert (ours[3] or [None])[0] == (theirs[3] or [None])[0]


def test_retain_grad_follows_in_place_ops_but_hooks_stay():
    def code(m):
        seen = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: seen.append(g.clone()))
        y.mul_(3)
        y[0] = y[0] * 5
        (y * m.tensor([1.0, 10.0])).sum().backward()
        return y.grad, seen[0], x.grad

    grads_equal(code)


@pytest.mark.parametrize(
    "expr",
    ["w * x", "x * w", "x @ W", "W.T @ x[0]", "w / 2", "x / w", "2 * w + x * w"],
)
def test_which_in_place_updates_before_backward_raise_matches_torch(expr):
    """PyTorch saves only what a backward needs: ``w * x`` with data ``x`` keeps ``x``, not ``w``,
    so updating ``w`` in place before ``backward()`` is allowed there but not for ``x / w``."""

    def code(m):
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        w = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        W = m.ones(3, 2, requires_grad=True)
        loss = eval(expr, {"x": x, "w": w, "W": W}).sum()
        with m.no_grad():
            w -= 0.1
            W -= 0.1
        try:
            loss.backward()
        except RuntimeError as e:
            return type(e).__name__
        return w.grad, W.grad

    ours, theirs = both(code)
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        for o, t in zip(ours, theirs):
            assert_close(o, t)


IN_PLACE_STEPS = [
    lambda m, y, w, k: y.add_(w * k),
    lambda m, y, w, k: y.mul_(w.tanh()),
    lambda m, y, w, k: y[k % 2].mul_(w),
    lambda m, y, w, k: y[:, k % 3].add_(w[:2]),
    lambda m, y, w, k: y.__setitem__((k % 2, slice(None)), w * 2),
    lambda m, y, w, k: y.T[k % 3].sub_(w[1:]),
    lambda m, y, w, k: y.view(6)[k % 6 :].div_(2.0),
    lambda m, y, w, k: y.clamp_(-3.0, 3.0),
    lambda m, y, w, k: y[y > 1.0].sum(),  # reads only
    lambda m, y, w, k: y.unsqueeze(0)[0, k % 2].copy_(w.sigmoid()),
]


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5)), min_size=1, max_size=6))
def test_hypothesis_random_in_place_sequences(steps):
    """Random mixes of in-place ops on a non-leaf and on views of it, against torch."""

    def code(m):
        x = m.tensor([[1.0, -2.0, 0.5], [0.3, 2.5, -1.0]], dtype=m.float64, requires_grad=True)
        w = m.tensor([0.7, -0.4, 1.3], dtype=m.float64, requires_grad=True)
        y = x * 1
        for i, k in steps:
            IN_PLACE_STEPS[i](m, y, w, k)
        loss = (y * m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=m.float64)).sum()
        loss.backward()
        return [y, x.grad, w.grad, y._version]

    ours, theirs = both(code)
    assert ours[3] == theirs[3]
    for o, t in zip(ours[:3], theirs[:3]):
        assert_close(o, t, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("m", LIBS)
def test_grad_mode_decorators_on_generator_functions(m):
    x = m.tensor([1.0], requires_grad=True)

    @m.no_grad()
    def batches():
        for _ in range(2):
            yield (x * 2).requires_grad, m.is_grad_enabled()
        return "done"

    @m.set_grad_enabled(False)
    def more():
        yield (x * 2).requires_grad

    assert list(batches()) == [(False, False), (False, False)]
    assert list(more()) == [False]
    assert m.is_grad_enabled() and (x * 2).requires_grad


def test_gradients_passed_in_another_dtype_take_the_outputs_dtype():
    def code(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (g,) = m.autograd.grad(x * 2, x, grad_outputs=m.ones(2, dtype=m.float64))
        (x * 3).backward(m.tensor([1, 2]))
        return g, x.grad

    grads_equal(code)


@pytest.mark.parametrize("make", ["slice", "view_of_graph", "no_grad_view"])
def test_detach_in_place_on_a_view_raises_like_torch(make):
    torch = pytest.importorskip("torch")

    def build(lib):
        if make == "slice":
            return lib.zeros(3)[1:]
        x = lib.zeros(3, requires_grad=True)
        if make == "view_of_graph":
            return (x * 2)[1:]
        with lib.no_grad():
            return x[1:]

    with pytest.raises(RuntimeError) as theirs:
        build(torch).detach_()
    with pytest.raises(RuntimeError, match="Can't detach views in-place") as ours:
        build(at).detach_()
    assert str(theirs.value).startswith("Can't detach views in-place. Use detach() instead")
    assert "v.detach()" in str(ours.value)


def test_detach_in_place_on_a_non_view_makes_a_leaf():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).detach_()
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None
