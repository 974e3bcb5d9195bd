"""``autograd.graph.saved_tensors_hooks``: pack each tensor an op saves for backward, unpack it
when backward reads it (PyTorch 2.13 as the oracle)."""

from __future__ import annotations

import pytest
from torch_oracle import assert_close

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def run(m, make):
    log = []

    def pack(t):
        log.append(("pack", [round(v, 5) for v in t.tolist()]))
        return ("packed", t)

    def unpack(packed):
        log.append(("unpack", [round(v, 5) for v in packed[1].tolist()]))
        return packed[1]

    a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = m.tensor([8.0, 10.0, 12.0], requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = make(m, a, b)
    packed_inside = len(log)
    y.sum().backward()
    z = make(m, a, b)  # outside the block: no hooks
    z.sum().backward()
    return log, packed_inside, a.grad


CASES = {
    "mul": lambda m, a, b: a * b,
    "mul_constant": lambda m, a, b: a * b.detach(),
    "pow": lambda m, a, b: a.pow(2),
    "exp_saves_output": lambda m, a, b: a.exp(),
    "custom_function": lambda m, a, b: _Cube(m).apply(a),
}


def _Cube(m):
    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    return Cube


@pytest.mark.parametrize("name", CASES)
def test_hooks_like_torch(name):
    (ours, o_inside, o_grad), (theirs, t_inside, t_grad) = (
        run(m, CASES[name]) for m in (at, torch)
    )
    # the same calls; within one op PyTorch may save its inputs in another order (mul: other
    # first), so the log is compared sorted
    assert sorted(ours) == sorted(theirs)
    assert o_inside == t_inside
    assert_close(o_grad, t_grad)


def _nested(m):
    seen = []

    def note(where):
        return lambda t: seen.append(where) or t

    a = m.tensor([1.0, 2.0], requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(note("outer"), lambda t: t):
        with m.autograd.graph.saved_tensors_hooks(note("inner"), lambda t: t):
            y = a.sin()
        z = a.cos()
    with m.autograd.graph.save_on_cpu():
        w = a.log()
    (y + z + w).sum().backward()
    return seen


def test_nested_hooks_use_the_innermost_and_save_on_cpu_is_a_no_op_here():
    assert _nested(at) == _nested(torch) == ["inner", "outer"]
