"""Matmul's backward for every combination of operand ranks, against PyTorch: the first
derivatives and the second ones (the gradient built with ``create_graph=True`` differentiated
again). The nodes of that gradient graph are not compared: PyTorch builds it from its own
internal ops (mv, _unsafe_view, ...)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_close

import autograd_tutor as at

torch = pytest.importorskip("torch")

SHAPES = [
    ((2, 3), (3, 4)),  # mm
    ((3,), (3,)),  # dot
    ((2, 3), (3,)),  # mv
    ((3,), (3, 2)),  # vector @ matrix
    ((2, 2, 3), (3, 2)),  # batched @ matrix
    ((1, 2, 3), (2, 3, 2)),  # broadcast batch
    ((3,), (2, 3, 4)),  # vector @ batched
    ((2, 2, 3), (3,)),  # batched @ vector
]


@pytest.mark.parametrize("a_shape, b_shape", SHAPES)
@pytest.mark.parametrize("need", ["both", "a", "b"])
def test_matmul_first_and_second_derivatives_match_torch(a_shape, b_shape, need):
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal(a_shape), rng.standard_normal(b_shape)

    def run(m):
        a = m.tensor(a0, requires_grad=need in ("both", "a"))
        b = m.tensor(b0, requires_grad=need in ("both", "b"))
        out = a @ b
        weights = m.tensor(np.linspace(-1.0, 1.0, out.numel()).reshape(tuple(out.shape)))
        leaves = [t for t in (a, b) if t.requires_grad]
        grads = m.autograd.grad((out * out * weights).sum(), leaves, create_graph=True)
        second = m.autograd.grad(sum((g * g).sum() for g in grads), leaves)
        return out, grads, second

    ours, theirs = run(at), run(torch)
    assert_close(ours[0], theirs[0], rtol=1e-12)
    for o, t in zip(ours[1] + ours[2], theirs[1] + theirs[2]):
        assert_close(o, t, rtol=1e-10, atol=1e-12)
