"""``autograd_tutor.autograd.graph``: the public inspection API that viz and exercises read."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_tutor as at
from autograd_tutor.autograd import graph


def test_inputs_output_and_array():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    node = y.grad_fn
    assert isinstance(node, graph.Node)
    assert node.name() == "MulBackward0"
    a, b = graph.inputs(node)
    assert a is x and b.item() == 3  # the number, as the constant tensor the op used
    assert np.array_equal(graph.output(node), [3.0, 6.0])
    assert graph.array(y) is graph.output(node)  # the numbers the op computed, not a copy
    assert np.may_share_memory(graph.array(x[0:1]), graph.array(x))  # a view shares them
    leaf = node.next_functions[0][0]
    assert leaf.name() == "torch::autograd::AccumulateGrad" and graph.output(leaf) is None


def test_replay_gives_each_input_its_gradient_without_touching_grad():
    x = at.tensor(2.0, requires_grad=True)
    y = at.tensor(3.0, requires_grad=True)
    z = x * y
    z.backward()  # frees the saved tensors; replay still works
    assert [g.item() for g in graph.replay(z.grad_fn, at.tensor(1.0))] == [3.0, 2.0]
    assert (x.grad.item(), y.grad.item()) == (3.0, 2.0)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()


def test_input_versions_has_one_entry_per_input():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    node = (x * 2).grad_fn
    assert len(graph.input_versions(node)) == len(graph.inputs(node))
