"""The two ways a gradient travels: as NumPy arrays in a plain ``backward()`` (for ops marked
``array_backward``) and as Tensors when ``create_graph=True``. Both must give PyTorch's
gradients, hooks and custom Functions must still see Tensors, and every gradient must have
its tensor's dtype."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close

torch = pytest.importorskip("torch", reason="PyTorch 2.13 is the oracle for these tests")

import autograd_tutor as at  # noqa: E402
from autograd_tutor.kernel.function import Function  # noqa: E402

rng = np.random.default_rng(7)
A = rng.uniform(0.5, 1.5, (3, 4))
B = rng.uniform(0.5, 1.5, (4,))
M = rng.uniform(-1, 1, (4, 2))
LABELS = np.array([1, 0, 3])

# Each expression uses one or more of the ops whose backward runs on arrays, in the way a
# tutorial uses them (broadcasting, dims, keepdim, ranks of matmul). `lib` is torch or ours.
EXPRESSIONS = {
    "add_sub_broadcast": lambda lib, a, b: ((a + b) - b * 2 - 1.5).sum(),
    "rsub_neg": lambda lib, a, b: (3 - a - (-b)).sum(),
    "mul_div": lambda lib, a, b: (a * b / (b + a)).sum(),
    "reciprocal_pow": lambda lib, a, b: (2 / a + a**2 + a**0.5 + 2**b).sum(),
    "exp_log_sqrt": lambda lib, a, b: (a.exp() + a.log() * b.sqrt()).sum(),
    "activations": lambda lib, a, b: (a.relu() + (a - 1).sigmoid() * (b - 1).tanh()).sum(),
    "clamp_sign": lambda lib, a, b: (a.clamp(0.7, 1.2) * 2 + (a - 1).sign()).sum(),
    "mean_and_sum_dims": lambda lib, a, b: a.mean(1).sum() + a.sum(0, keepdim=True).mean(),
    "max_min": lambda lib, a, b: a.max() + a.max(1).values.sum() + a.min(0)[0].sum(),
    "views": lambda lib, a, b: (a.view(2, 6).transpose(0, 1).unsqueeze(0).squeeze(0) * 2).sum(),
    "expand_index": lambda lib, a, b: (b.unsqueeze(0).expand(3, 4)[[0, 2, 2]] * a[[1, 1, 0]]).sum(),
    "clone": lambda lib, a, b: (a.clone() * b).sum(),
    "softmax": lambda lib, a, b: (a.softmax(1) * a.log_softmax(0)).sum(),
    "where_max_min": lambda lib, a, b: (
        lib.where(a > 1, a, b) + lib.maximum(a, b) * lib.minimum(a, b)
    ).sum(),
    "matmul_ranks": lambda lib, a, b: (a @ b).sum() + (b @ a.T).sum() + (b @ b) + (a @ a.T).sum(),
    "losses": lambda lib, a, b: (
        lib.nn.functional.mse_loss(a, b.expand(3, 4))
        + lib.nn.functional.cross_entropy(a, lib.tensor(LABELS))
        + lib.nn.functional.linear(a, a, b[:3]).sum()
    ),
}


def _grads(lib, name, dtype, create_graph):
    a = lib.tensor(A.astype(dtype), requires_grad=True)
    b = lib.tensor(B.astype(dtype), requires_grad=True)
    out = EXPRESSIONS[name](lib, a, b)
    return lib.autograd.grad(out, (a, b), create_graph=create_graph, allow_unused=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("create_graph", [False, True], ids=["arrays", "tensors"])
@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_both_paths_give_torchs_gradients(name, create_graph, dtype):
    ours = _grads(at, name, dtype, create_graph)
    theirs = _grads(torch, name, dtype, create_graph)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=1e-4, atol=1e-5)
        if o is not None:
            assert type(o) is at.Tensor
            assert (o.grad_fn is not None) == (t.grad_fn is not None)


def test_second_derivative_through_array_ops_matches_torch():
    """create_graph=True runs the same formulas on Tensors: their work is recorded."""
    results = []
    for lib in (at, torch):
        x = lib.tensor(A, requires_grad=True)
        y = ((x * 2).exp().log_softmax(1) @ lib.tensor(M)).relu().pow(2).mean()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((g, gg))
    for o, t in zip(*results):
        assert_close(o, t, rtol=1e-6)


class _Cube(Function):
    """y = x³, recording which types its backward is given."""

    seen: list = []

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        _Cube.seen.append((type(grad), type(x)))
        return grad * 3 * x * x


class _ArrayCube(_Cube):
    array_backward = True


@pytest.mark.parametrize(
    "fn, plain",
    [(_Cube, (at.Tensor, at.Tensor)), (_ArrayCube, (np.ndarray, np.ndarray))],
    ids=["default", "array_backward"],
)
def test_custom_function_gets_tensors_unless_it_asks_for_arrays(fn, plain):
    x = at.tensor([1.0, 2.0, -3.0], requires_grad=True)
    _Cube.seen.clear()
    fn.apply(x).sum().backward()
    assert _Cube.seen == [plain]
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.array([1.0, 4.0, 9.0]))  # d x³ = 3x²
    _Cube.seen.clear()
    (g,) = at.autograd.grad(fn.apply(x).sum(), x, create_graph=True)
    assert _Cube.seen == [(at.Tensor, at.Tensor)]
    assert g.grad_fn is not None


def test_saved_tensors_read_after_a_plain_backward_are_tensors():
    """Arrays are what an opted-in backward sees while it runs, not what ctx shows later."""
    x = at.tensor([1.0, 2.0], requires_grad=True)
    y = _ArrayCube.apply(x)
    y.sum().backward(retain_graph=True)
    (saved,) = y.grad_fn.saved_tensors
    assert type(saved) is at.Tensor
    assert saved.tolist() == [1.0, 2.0]


def test_hooks_and_retain_grad_see_tensors_in_a_plain_backward():
    seen = []
    results = []
    for lib in (at, torch):
        x = lib.tensor(A, requires_grad=True)
        h = x * 3
        h.retain_grad()
        h.register_hook(lambda g: seen.append(type(g).__module__.split(".")[0]) or g * 2)
        x.register_hook(lambda g: g + 1)
        (h.exp() * 0.1).sum().backward()
        results.append((x.grad, h.grad))
    assert seen == ["autograd_tutor", "torch"]
    for o, t in zip(*results):
        assert_close(o, t)


def test_a_gradient_has_its_tensors_dtype():
    """float32 * float64 is float64: the gradient flowing back to the float32 side is cast
    back to float32, as PyTorch does (also where NumPy 1 would compute a 0-d float32 gradient
    with a Python number in float64)."""
    results, hooked = [], []
    for lib in (at, torch):
        x = lib.tensor(A.astype(np.float32), requires_grad=True)
        z = x * 2
        for t in (x, z):
            t.register_hook(lambda g: hooked.append(str(g.dtype)))
        y = lib.tensor(B)  # float64
        out = (z * y).mean() + (x.sum() / 3) ** 2
        results.append(lib.autograd.grad(out, (x, z)))
    for o, t in zip(*results):
        assert_close(o, t, rtol=1e-5)
    assert hooked == ["torch.float32"] * 4


def test_a_plain_backward_does_not_change_the_root_gradient():
    """The arrays of a plain backward are never written in place: the gradient passed in
    (here also returned unchanged by add and clone) must survive."""
    x = at.tensor(A, requires_grad=True)
    out = x.clone() + 0
    seed = at.ones(3, 4, dtype=at.float64) * 2
    out.backward(seed)
    out2 = x * 1
    out2.backward(seed)
    assert_close(seed, torch.full((3, 4), 2.0, dtype=torch.float64))
    assert_close(x.grad, torch.full((3, 4), 4.0, dtype=torch.float64))
    x.grad += 1  # .grad is its own array, not the seed
    assert_close(seed, torch.full((3, 4), 2.0, dtype=torch.float64))
