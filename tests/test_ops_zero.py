"""Gradients of the ops that pass some elements through and drop the others (relu, clamp, max,
where, masked_fill, indexing, ...), against PyTorch 2.13 as the oracle.

A dropped element's gradient is +0.0 (not the -0.0 of "negative gradient times 0", nor the
nan of "inf times 0"), and relu's gradient stays in the graph, so that its second derivative
is 0 rather than an error. Signed zeros print differently (``tensor([-0., 1.])``), so every
comparison checks ``np.signbit`` as well as the values, in both ways a gradient travels: as
arrays in a plain backward and as Tensors with ``create_graph=True``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import np_of

torch = pytest.importorskip("torch", reason="PyTorch 2.13 is the oracle for these tests")

import autograd_tutor as at  # noqa: E402

NAN, INF = float("nan"), float("inf")
X = [-1.5, -0.0, 0.0, 2.0, 3.0, 3.0]  # zeros of both signs, a tie for max
Y = [0.5, -0.0, 0.0, 3.0, -1.0, 3.0]  # ties with X at 1, 2 and 5
UPSTREAM = {
    "negative": [-1.0, -0.0, -2.0, 0.5, -3.0, 0.0],
    "positive": [1.0, -0.0, 2.0, -0.5, 3.0, 0.0],
    "nonfinite": [INF, NAN, -INF, -0.0, -1.0, 2.0],
}
# (Not -0.0 at 0, 4 or 5, outside the view [1:4] of the in-place cases: there PyTorch keeps
# -0.0, we give 0.0; the view's gradient is added to the base's, not copied in.)


def assert_same(ours, theirs):
    """Same dtype, shape and values, nan where torch has nan, and the same sign of each zero."""
    a, b = np_of(ours), theirs.detach().numpy(force=True)  # force: torch may give a ZeroTensor
    assert (a.dtype, a.shape) == (b.dtype, b.shape), f"ours {ours!r}\ntorch {theirs!r}"
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=0, equal_nan=True)
    numbers = ~np.isnan(b)
    assert (np.signbit(a) == np.signbit(b))[numbers].all(), f"ours {ours!r}\ntorch {theirs!r}"


def _in_place_on_view(op):
    def fn(m, x, y):
        out = x * 1
        op(m, out[1:4])  # changes out through the view
        return out

    return fn


# (lib, x, y) -> output; x and y are leaves built from X and Y
MASKING = {
    "relu": lambda m, x, y: x.relu(),
    "relu_module": lambda m, x, y: m.nn.ReLU()(x.reshape(2, 3)),
    "relu_inplace": lambda m, x, y: m.nn.functional.relu(x * 1, inplace=True),
    "clamp": lambda m, x, y: x.clamp(-0.5, 2.5),
    "clamp_min": lambda m, x, y: x.clamp(min=0.0),
    "clamp_max": lambda m, x, y: x.clamp(max=0.0),
    "max": lambda m, x, y: x.max(),
    "min": lambda m, x, y: y.min(),
    "max_dim": lambda m, x, y: x.reshape(2, 3).max(1).values,
    "min_dim_keepdim": lambda m, x, y: y.reshape(3, 2).min(0, keepdim=True)[0],
    "where": lambda m, x, y: m.where(x > 0, x, y),
    "where_broadcast": lambda m, x, y: m.where(x.reshape(2, 3) > 0, y[:3], y[4]),
    "maximum": lambda m, x, y: m.maximum(x, y),
    "minimum": lambda m, x, y: m.minimum(x, y),
    "maximum_broadcast": lambda m, x, y: m.maximum(x.reshape(3, 2), y[1:3]),
    "minimum_0d": lambda m, x, y: m.minimum(y[2], x),
    "masked_fill": lambda m, x, y: x.masked_fill(y > 0, 5.0),
    "masked_fill_tensor": lambda m, x, y: x.masked_fill(x > 0, y[0]),
    "masked_fill_nothing": lambda m, x, y: x.masked_fill(x > 9, y[0]),
    "sign": lambda m, x, y: x.sign(),
    "pow_0": lambda m, x, y: x**0,
    "fill_": lambda m, x, y: (x * 1).fill_(2.0),
    "zero_": lambda m, x, y: (x * 1).zero_(),
    "copy_": lambda m, x, y: (x * 1).copy_(y.detach()),
    "select": lambda m, x, y: x.reshape(2, 3)[1],
    "slice": lambda m, x, y: x[1:5],
    "newaxis": lambda m, x, y: x[None],
    "view_mul_0": _in_place_on_view(lambda m, v: v.mul_(0)),
    "view_mul_neg_0": _in_place_on_view(lambda m, v: v.mul_(-0.0)),
    "view_relu_": _in_place_on_view(lambda m, v: v.relu_()),
}


def _grads(m, name, dtype, upstream, create_graph):
    x = m.tensor(np.array(X, dtype), requires_grad=True)
    y = m.tensor(np.array(Y, dtype), requires_grad=True)
    out = MASKING[name](m, x, y)
    g = np.resize(np.array(UPSTREAM[upstream], dtype), tuple(out.shape))
    grads = m.autograd.grad(out, (x, y), m.tensor(g), create_graph=create_graph, allow_unused=True)
    return [m.zeros_like(x) if g is None else g for g in grads]  # unused: torch's zeros


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf; pytest drops our filter
@pytest.mark.parametrize("create_graph", [False, True], ids=["arrays", "tensors"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("upstream", list(UPSTREAM))
@pytest.mark.parametrize("name", list(MASKING))
def test_dropped_elements_get_a_positive_zero(name, upstream, dtype, create_graph):
    ours = _grads(at, name, dtype, upstream, create_graph)
    theirs = _grads(torch, name, dtype, upstream, create_graph)
    for o, t in zip(ours, theirs):
        assert_same(o, t)
        assert o.requires_grad == t.requires_grad


def test_relu_gradient_prints_as_pytorch():
    """The example of the report: -x.relu() sends -1 back, and x = -1 was dropped."""
    shown = []
    for m in (at, torch):
        x = m.tensor([-1.0, 3.0], requires_grad=True)
        (-x.relu()).sum().backward()
        shown.append(repr(x.grad))
    assert shown[0] == shown[1] == "tensor([ 0., -1.])"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_inputs_keep_the_gradient_where_pytorch_does(dtype):
    """relu passes a nan's gradient on; max() of a tensor with a nan sends the gradient to the
    nan; maximum/minimum give it to both inputs where one is nan."""

    def run(m):
        x = m.tensor(np.array([NAN, -1.0, 2.0, 2.0], dtype), requires_grad=True)
        y = m.tensor(np.array([1.0, NAN, 2.0, 0.0], dtype), requires_grad=True)
        outs = [x.relu().sum(), x.max(), y.min(), m.maximum(x, y).sum(), m.minimum(y, x).sum()]
        return [g for out in outs for g in m.autograd.grad(out, (x, y), allow_unused=True)]

    for o, t in zip(run(at), run(torch)):
        if t is None:
            assert o is None
        else:
            assert_same(o, t)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(MASKING)),
    upstream=st.sampled_from(sorted(UPSTREAM)),
    create_graph=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_hypothesis_masking_ops_match_torch(name, upstream, create_graph, dtype):
    """A random pick of the table above (each example is the same check as the parametrized
    test; hypothesis shrinks a failure to the simplest op, upstream and path)."""
    ours = _grads(at, name, dtype, upstream, create_graph)
    theirs = _grads(torch, name, dtype, upstream, create_graph)
    for o, t in zip(ours, theirs):
        assert_same(o, t)


def _finite(v):
    return bool(np.isfinite(v))


special = st.sampled_from([-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, INF, -INF, NAN])


def mixed(dtype):
    """Special values and ordinary ones that ``dtype`` holds exactly (no subnormals: a NumPy
    built to flush them to zero would change the drawn value)."""
    width = np.dtype(dtype).itemsize * 8
    return st.one_of(special, st.floats(-3, 3, width=width, allow_subnormal=False))

# ops of random data x (and y, broadcast against it), with elementwise random upstream
RANDOM_OPS = {
    "relu": lambda m, x, y: x.relu(),
    "clamp": lambda m, x, y: x.clamp(-1.0, 1.0),
    "where": lambda m, x, y: m.where(x > y, x, y),
    "maximum": lambda m, x, y: m.maximum(x, y),
    "minimum": lambda m, x, y: m.minimum(x, y),
    "masked_fill": lambda m, x, y: x.masked_fill(y < 0, 1.0),
    "relu_sqrt": lambda m, x, y: x.relu().sqrt(),  # sqrt'(0) = inf meets relu's dropped 0
    "max_last_dim": lambda m, x, y: x.max(-1).values,
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=80, deadline=None)
@given(
    op=st.sampled_from(sorted(RANDOM_OPS)),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3),
    create_graph=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
    data=st.data(),
)
def test_hypothesis_random_data_with_signed_zeros_and_infinities(
    op, shapes, create_graph, dtype, data
):
    x = data.draw(hnp.arrays(dtype, shapes.input_shapes[0], elements=mixed(dtype).filter(_finite)))
    y = data.draw(hnp.arrays(dtype, shapes.input_shapes[1], elements=mixed(dtype).filter(_finite)))

    def run(m, g=None):
        a, b = m.tensor(x, requires_grad=True), m.tensor(y, requires_grad=True)
        out = RANDOM_OPS[op](m, a, b)
        if g is None:
            return out
        grads = m.autograd.grad(
            out, (a, b), m.tensor(g), create_graph=create_graph, allow_unused=True
        )
        return [m.zeros_like(a if i == 0 else b) if d is None else d for i, d in enumerate(grads)]

    if op == "max_last_dim" and len(set(x.ravel().tolist())) < x.size:
        return  # max(dim) picks one of several equal values; which one is not specified
    shape = tuple(run(torch).shape)
    g = data.draw(hnp.arrays(dtype, shape, elements=mixed(dtype)))
    for o, t in zip(run(at, g), run(torch, g)):
        assert_same(o, t)


@settings(max_examples=60, deadline=None)
@given(
    mask_shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    tensors=st.booleans(),
    data=st.data(),
)
def test_hypothesis_where_or_zero_is_torch_where_with_zero(mask_shape, dtype, tensors, data):
    """The helper the masking ops share, on arrays (and NumPy scalars) and on Tensors. The mask
    has the result's shape; the gradient may be broadcast to it (as max's and max(dim)'s)."""
    from autograd_tutor.ops.select import where_or_zero

    lead = data.draw(st.integers(0, len(mask_shape)))  # dims the gradient does not have
    grad_shape = tuple(n if data.draw(st.booleans()) else 1 for n in mask_shape[lead:])
    mask = data.draw(hnp.arrays(np.bool_, mask_shape))
    grad = data.draw(hnp.arrays(dtype, grad_shape, elements=mixed(dtype)))
    if grad.ndim == 0 and not tensors:
        grad = grad[()]  # a NumPy scalar, as the gradient of a 0-d loss is
    theirs = torch.where(torch.from_numpy(mask), torch.tensor(grad), 0)
    ours = where_or_zero(mask, at.tensor(grad) if tensors else grad)
    assert isinstance(ours, at.Tensor if tensors else (np.ndarray, np.generic))
    assert_same(ours, theirs)


# ---------------------------------------------------------------- relu's second derivative


def test_relu_gradient_stays_differentiable_as_in_pytorch():
    """The example of the report: in PyTorch the gradient of relu is computed from x's graph
    (by an op whose derivative is 0), so it requires grad and its own gradient is zeros."""
    shown = []
    for m in (at, torch):
        x = m.tensor([-1.0, 2.0, 3.0], requires_grad=True)
        (g,) = m.autograd.grad(x.relu().sum(), x, create_graph=True)
        shown.append((g.requires_grad, repr(g.detach()), repr(m.autograd.grad(g.sum(), x))))
    assert shown[0] == shown[1] == (True, "tensor([0., 1., 1.])", "(tensor([0., 0., 0.]),)")


# expressions with a piecewise-linear op; whether the gradient stays connected is PyTorch's
SECOND = {
    "relu": lambda m, x: x.relu().sum(),
    "relu_neg": lambda m, x: (-x.relu()).sum(),
    "relu_module": lambda m, x: m.nn.ReLU()(x).sum(),
    "relu_inplace": lambda m, x: m.nn.functional.relu(x * 2, inplace=True).sum(),
    "relu_relu": lambda m, x: (x.relu().relu() * 3).sum(),
    "relu_squared": lambda m, x: (-(x.relu() ** 2)).sum(),
    "relu_times_x": lambda m, x: (x.relu() * x).sum(),
    "relu_mlp": lambda m, x: (m.tensor([[1.0, -2.0], [0.5, 1.0]]) @ x[1:3].relu()).relu().sum(),
    "abs": lambda m, x: (-x.abs()).sum(),
    "abs_times_x": lambda m, x: (x.abs() * x).sum(),
    "clamp": lambda m, x: x.clamp(-0.5, 2.5).sum(),
    "maximum": lambda m, x: m.maximum(x, m.zeros(4)).sum(),
    "max": lambda m, x: x.max(),
    "where": lambda m, x: m.where(x > 0, x, m.zeros(4)).sum(),
    "masked_fill": lambda m, x: x.masked_fill(x > 0, 1.0).sum(),
}


@pytest.mark.parametrize("name", list(SECOND))
def test_second_derivatives_of_piecewise_linear_ops(name):
    """The gradient's values (signed zeros too) and requires_grad, then either its gradient
    (zeros for the kinks' flat slopes) or the same RuntimeError as PyTorch."""
    results = []
    for m in (at, torch):
        x = m.tensor([-1.0, -0.0, 2.0, 3.0], requires_grad=True)
        (g,) = m.autograd.grad(SECOND[name](m, x), x, create_graph=True)
        try:
            gg = m.autograd.grad(g.sum(), x, allow_unused=True)[0]
        except RuntimeError as e:
            gg = str(e).split(" and ")[0]
        results.append((g, g.requires_grad, gg))
    (g, rg, gg), (tg, trg, tgg) = results
    assert_same(g.detach(), tg.detach())
    assert rg == trg
    if isinstance(tgg, str) or tgg is None:
        assert gg == tgg
    else:
        assert_same(gg, tgg)


def test_third_derivative_through_relu():
    results = []
    for m in (at, torch):
        x = m.tensor([-1.0, 0.5, 2.0], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad((-(x.relu() ** 3)).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = m.autograd.grad(gg.sum(), x)
        results.append((g, gg, ggg))
    for o, t in zip(*results):
        assert_same(o.detach(), t.detach())


@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
        elements=st.one_of(st.sampled_from([-1.0, -0.0, 0.0, 1.0]), st.floats(-3, 3)),
    ),
    name=st.sampled_from(["relu", "relu_neg", "relu_relu", "relu_squared", "relu_times_x"]),
)
def test_hypothesis_relu_second_derivatives(x, name):
    results = []
    for m in (at, torch):
        t = m.tensor(x, requires_grad=True)
        (g,) = m.autograd.grad(SECOND[name](m, t), t, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum() + g.sum(), t)
        results.append((g.detach(), g.requires_grad, gg))
    (g, rg, gg), (tg, trg, tgg) = results
    assert_same(g, tg)
    assert rg == trg
    assert_same(gg, tgg)
