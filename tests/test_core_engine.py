"""Engine properties that the speed work relies on: graphs are freed by reference counting
alone (no cycles), the creation-number order is a valid backward order, and ``sum_to_size``
(the op behind every broadcast gradient) matches PyTorch."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import assert_close

torch = pytest.importorskip("torch", reason="PyTorch 2.13 is the oracle for these tests")

import autograd_tutor as at  # noqa: E402


def test_graph_is_freed_without_the_garbage_collector():
    """Ops that save their output (relu, exp, sigmoid, tanh, sqrt, log_softmax) and leaves'
    AccumulateGrad nodes must not form reference cycles: a training step would otherwise
    keep all its arrays alive until the collector runs."""
    gc.disable()
    try:
        w = at.tensor(np.ones((4, 3), np.float32), requires_grad=True)
        h = (w @ at.ones(3, 2)).relu()
        nodes = [weakref.ref(h.grad_fn), weakref.ref(h.grad_fn.next_functions[0][0])]
        loss = h.log_softmax(1).exp().sigmoid().tanh().sqrt().sum()
        nodes.append(weakref.ref(loss.grad_fn))
        loss.backward()
        accumulator = weakref.ref(nodes[1]().next_functions[0][0])
        del h, loss
        assert [n() for n in nodes] == [None, None, None]
        assert accumulator() is None  # the leaf alone does not keep its AccumulateGrad
        assert w.grad is not None
    finally:
        gc.enable()


def test_a_leaf_used_twice_shares_one_accumulate_grad():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]
    (a + b).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_saved_output_is_the_output_again():
    """For ops that save their result, backward sees it with the op's node as grad_fn, so
    double backward goes through it, as in PyTorch."""
    x = at.tensor([0.5, -1.0], dtype=at.float64, requires_grad=True)
    y = x.exp()
    (g,) = at.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = at.autograd.grad(g.sum(), x)
    assert_close(gg, np.exp([0.5, -1.0]))


def _change_base_then_use_view(lib, x):
    y = x * 1.0
    v = y[1:3]
    v.mul_(x[:2])
    y.add_(y.sum() * 0.5)  # the base changes: v's values change, so must its grad_fn
    return (y * y).sum() + (v * 2).sum()


def _change_one_view_then_use_another(lib, x):
    y = x * 2.0
    a, b = y[:2], y.view(2, 2)
    a.mul_(3.0)  # changes y, and so b
    return (b * b).sum()


def _views_of_views(lib, x):
    y = x * 3.0
    t = y.view(2, 2).t()
    row = t[0]
    y.mul_(x)  # t and row must now lead to the new y
    return (row * t[1]).sum() + y.sum()


@pytest.mark.parametrize(
    "build", [_change_base_then_use_view, _change_one_view_then_use_another, _views_of_views]
)
def test_views_follow_in_place_changes_of_their_base(build):
    """In-place ops re-point grad_fn at a newer node and views of the changed base replay
    their ops; the creation-number order must still run every node after its consumers."""
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64, requires_grad=True)
        build(lib, x).backward()
        return x.grad

    assert_close(run(at), run(torch).numpy())


shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@settings(max_examples=60, deadline=None)
@given(shapes, st.data())
def test_sum_to_size_matches_torch(shape, data):
    """Any shape the input could be broadcast from: values and gradient as PyTorch."""
    # build a target shape: drop some leading dims, set some of the rest to 1
    lead = data.draw(st.integers(0, len(shape)))
    target = tuple(n if data.draw(st.booleans()) else 1 for n in shape[lead:])
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) / 7
    ours = at.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    out, expected = ours.sum_to_size(target), theirs.sum_to_size(target)
    assert_close(out, expected.detach().numpy())
    weights = np.linspace(-1, 1, max(out.numel(), 1)).reshape(target)
    (out * at.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    assert_close(ours.grad, theirs.grad.numpy())


@pytest.mark.parametrize("target", [(3,), (2, 1, 3), (4, 1)])
def test_sum_to_size_rejects_shapes_it_cannot_come_from(target):
    x = at.zeros(2, 3)
    with pytest.raises(RuntimeError, match="is not expandable to size") as ours:
        x.sum_to_size(target) if target != (3,) else x.sum_to_size(2)
    with pytest.raises(RuntimeError) as theirs:
        torch.zeros(2, 3).sum_to_size(target if target != (3,) else (2,))
    assert str(ours.value).split(".")[0] == str(theirs.value).split(".")[0]


@pytest.mark.parametrize("size", [((1.0, 3),), (1, 3.0), ("13",)], ids=str)
def test_sum_to_size_wants_whole_numbers(size):
    with pytest.raises(TypeError, match="must be tuple of ints"):
        at.zeros(2, 3).sum_to_size(*size)
    with pytest.raises(TypeError, match="must be tuple of ints"):
        torch.zeros(2, 3).sum_to_size(*size)


def test_a_copied_leaf_collects_its_own_gradient():
    """The leaf -> AccumulateGrad link is per object: a deep copy (as in saving the best model)
    or an unpickled tensor must not send its gradient into the original."""
    import copy
    import pickle

    w = at.tensor([1.0, 2.0], requires_grad=True)
    keep = (w * 3).sum()  # w now has an AccumulateGrad in use
    for clone in (copy.deepcopy(w), pickle.loads(pickle.dumps(w))):
        (clone * 2).sum().backward()
        assert clone.grad.tolist() == [2.0, 2.0]
    assert w.grad is None
    keep.backward()
    assert w.grad.tolist() == [3.0, 3.0]


# One expression per built-in op (as users reach them), each recording exactly one node.
ONE_NODE = {
    "add": lambda m, x, y: x + y,
    "sub": lambda m, x, y: x - y,
    "rsub": lambda m, x, y: 2 - x,
    "mul": lambda m, x, y: x * y,
    "div": lambda m, x, y: x / y,
    "reciprocal": lambda m, x, y: x.reciprocal(),
    "neg": lambda m, x, y: -x,
    "pow": lambda m, x, y: x**3,
    "pow_tensor": lambda m, x, y: x**y,
    "rpow": lambda m, x, y: 2**x,
    "matmul": lambda m, x, y: x @ y.detach().T,
    "sum": lambda m, x, y: x.sum(),
    "sum_dim": lambda m, x, y: x.sum(1),
    "sum_to_size": lambda m, x, y: x.sum_to_size(1, 3),
    "mean": lambda m, x, y: x.mean(),
    "mean_dim": lambda m, x, y: x.mean(0, keepdim=True),
    "norm": lambda m, x, y: x.norm(),
    "max": lambda m, x, y: x.max(),
    "max_dim": lambda m, x, y: x.max(1).values,
    "exp": lambda m, x, y: x.exp(),
    "log": lambda m, x, y: x.log(),
    "sqrt": lambda m, x, y: x.sqrt(),
    "abs": lambda m, x, y: x.abs(),
    "sign": lambda m, x, y: x.sign(),
    "clamp": lambda m, x, y: x.clamp(0.5, 1.0),
    "relu": lambda m, x, y: x.relu(),
    "sigmoid": lambda m, x, y: x.sigmoid(),
    "tanh": lambda m, x, y: x.tanh(),
    "sin": lambda m, x, y: x.sin(),
    "cos": lambda m, x, y: x.cos(),
    "softmax": lambda m, x, y: x.softmax(1),
    "log_softmax": lambda m, x, y: x.log_softmax(1),
    "view": lambda m, x, y: x.view(3, 2),
    "transpose": lambda m, x, y: x.transpose(0, 1),
    "t": lambda m, x, y: x.t(),
    "permute": lambda m, x, y: x.permute(1, 0),
    "squeeze": lambda m, x, y: x.squeeze(),
    "unsqueeze": lambda m, x, y: x.unsqueeze(0),
    "expand": lambda m, x, y: x.expand(2, 2, 3),
    "index": lambda m, x, y: x[[0, 0]],
    "select": lambda m, x, y: x[0],
    "slice": lambda m, x, y: x[:, 1:],
    "cat": lambda m, x, y: m.cat([x, y]),
    "stack": lambda m, x, y: m.stack([x, y]),
    "where": lambda m, x, y: m.where(x > 1, x, y),
    "maximum": lambda m, x, y: m.maximum(x, y),
    "clone": lambda m, x, y: x.clone(),
    "to": lambda m, x, y: x.double(),
    "masked_fill": lambda m, x, y: x.masked_fill(x > 1, 0.0),
    "linear": lambda m, x, y: m.nn.functional.linear(x, y.detach(), y.detach()[0, :2]),
    "mse": lambda m, x, y: m.nn.functional.mse_loss(x, y),
    "nll": lambda m, x, y: m.nn.functional.nll_loss(x, m.tensor([0, 2])),
    "bce": lambda m, x, y: m.nn.functional.binary_cross_entropy(
        (x.detach() / 3).requires_grad_(), y.detach() / 3
    ),
    "bce_logits": lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, y.detach()),
}


@pytest.mark.parametrize("name", list(ONE_NODE))
def test_a_built_in_forward_records_nothing_inside(name, monkeypatch):
    """Built-in forwards run with recording on (only a Function you write gets it switched
    off): they must compute on arrays, so the op records its own node and nothing else."""
    from autograd_tutor.kernel.function import Node

    x = at.tensor([[0.5, 1.5, 2.0], [1.2, 0.7, 0.9]], requires_grad=True)
    y = at.tensor([[1.0, 2.0, 0.5], [0.3, 1.1, 1.4]], requires_grad=True)
    recorded = []
    record = Node._record
    monkeypatch.setattr(Node, "_record", lambda node, *a: recorded.append(node) or record(node, *a))
    out = ONE_NODE[name](at, x, y)
    assert recorded == [out.grad_fn], [n.name() for n in recorded]


def test_each_node_runs_once_after_all_its_gradient_arrived():
    """x reaches the loss by a short path and by a long one; the node where they meet must
    run once, with the sum of both gradients (hand-derived: d/dx of x·(x+1)³ + 2x at x=2 is
    (x+1)³ + 3x(x+1)² + 2 = 27 + 54 + 2 = 83)."""
    runs = []

    class Tag(at.autograd.Function):
        """The identity, noting each time its backward runs."""

        @staticmethod
        def forward(ctx, t, name):
            ctx.name = name
            return t.clone()

        @staticmethod
        def backward(ctx, grad):
            runs.append(ctx.name)
            return grad, None

    x = at.tensor(2.0, dtype=at.float64, requires_grad=True)
    shared = Tag.apply(x, "shared")
    long = Tag.apply(Tag.apply(shared + 1, "a") ** 3, "b")
    (Tag.apply(shared * long, "product") + 2 * shared).backward()
    assert x.grad.item() == 83.0
    assert sorted(runs) == ["a", "b", "product", "shared"]
    assert runs[-1] == "shared"
