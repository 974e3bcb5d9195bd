"""``autograd.functional.jacobian`` and ``hessian`` against PyTorch 2.13 as the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import assert_close

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

RNG = np.random.default_rng(11)
A = RNG.standard_normal((3, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal(4)


def both(make):
    """``make(module)`` in both libraries; the results compared (tuples element by element)."""
    ours, theirs = make(at), make(torch)

    def walk(o, t):
        if isinstance(t, tuple):
            assert isinstance(o, tuple) and len(o) == len(t)
            for a, b in zip(o, t):
                walk(a, b)
        else:
            assert_close(o, t, rtol=1e-6, atol=1e-9)
            assert o.requires_grad == t.requires_grad

    walk(ours, theirs)


JACOBIANS = {
    "elementwise": lambda m: m.autograd.functional.jacobian(lambda x: x.sin() * x, m.tensor(X)),
    "matrix": lambda m: m.autograd.functional.jacobian(
        lambda x: (m.tensor(A) @ x).tanh(), m.tensor(X)
    ),
    "to_scalar": lambda m: m.autograd.functional.jacobian(lambda x: (x**2).sum(), m.tensor(X)),
    "scalar_in": lambda m: m.autograd.functional.jacobian(lambda x: x * 3, m.tensor(2.0)),
    "softmax": lambda m: m.autograd.functional.jacobian(lambda x: x.softmax(0), m.tensor(X)),
    "two_inputs": lambda m: m.autograd.functional.jacobian(
        lambda a, b: a * b + a, (m.tensor(X), m.tensor(Y))
    ),
    "two_outputs": lambda m: m.autograd.functional.jacobian(
        lambda x: (x.sum(), x.exp()), m.tensor(X)
    ),
    "matrix_in": lambda m: m.autograd.functional.jacobian(lambda w: w @ m.tensor(X), m.tensor(A)),
    "unused": lambda m: m.autograd.functional.jacobian(
        lambda a, b: a * 2, (m.tensor(X), m.tensor(Y))
    ),
    "create_graph": lambda m: m.autograd.functional.jacobian(
        lambda x: x**3, m.tensor(X), create_graph=True
    ),
}


@pytest.mark.parametrize("name", JACOBIANS)
def test_jacobian(name):
    both(JACOBIANS[name])


HESSIANS = {
    "cubic": lambda m: m.autograd.functional.hessian(lambda x: (x**3).sum(), m.tensor(X)),
    "quadratic_form": lambda m: m.autograd.functional.hessian(
        lambda x: x @ (m.tensor(A).T @ m.tensor(A)) @ x, m.tensor(X)
    ),
    "logsumexp": lambda m: m.autograd.functional.hessian(
        lambda x: x.exp().sum().log(), m.tensor(X)
    ),
    "two_inputs": lambda m: m.autograd.functional.hessian(
        lambda a, b: (a * b).sum() + (a**2).sum(), (m.tensor(X), m.tensor(Y))
    ),
}


@pytest.mark.parametrize("name", HESSIANS)
def test_hessian(name):
    both(HESSIANS[name])


def test_create_graph_lets_the_jacobian_be_differentiated():
    def make(m):
        x = m.tensor(X, requires_grad=True)
        jac = m.autograd.functional.jacobian(lambda t: t**3, x, create_graph=True)
        return m.autograd.grad(jac.sum(), x)

    both(make)


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.floats(-2, 2)
    ),
    st.data(),
)
def test_jacobian_of_a_layer_property(w, data):
    x = data.draw(hnp.arrays(np.float64, (w.shape[1],), elements=st.floats(-2, 2)))
    both(
        lambda m: m.autograd.functional.jacobian(lambda v: (m.tensor(w) @ v).sigmoid(), m.tensor(x))
    )


@pytest.mark.parametrize(
    "call, gist",
    [
        (
            lambda m: m.autograd.functional.jacobian(lambda x: m.ones(2), m.ones(3), strict=True),
            "Output 0 of the user-provided function does not require gradients",
        ),
        (
            lambda m: m.autograd.functional.jacobian(
                lambda a, b: a * 2, (m.ones(2), m.ones(2)), strict=True
            ),
            "Output 0 of the user-provided function is independent of input 1",
        ),
        (
            lambda m: m.autograd.functional.jacobian(lambda x: x, [1.0, 2.0]),
            "The inputs given to jacobian must be either a Tensor or a tuple of Tensors",
        ),
        (
            lambda m: m.autograd.functional.hessian(lambda x: x * 2, m.ones(3)),
            "The Tensor returned by the function given to hessian should contain a single",
        ),
    ],
)
def test_errors(call, gist):
    classes = []
    for m in (at, torch):
        with pytest.raises((RuntimeError, TypeError), match=gist) as error:
            call(m)
        classes.append(type(error.value))
    assert classes[0] is classes[1]
