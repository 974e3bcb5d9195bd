"""``autograd.functional.jacobian`` and ``hessian`` against PyTorch 2.13 as the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_oracle import assert_close, assert_same_error

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

RNG = np.random.default_rng(11)
A = RNG.standard_normal((3, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal(4)


def both(make, check_requires_grad=True):
    """``make(module)`` in both libraries; the results compared (tuples element by element)."""
    ours, theirs = make(at), make(torch)

    def walk(o, t):
        if isinstance(t, tuple):
            assert isinstance(o, tuple) and len(o) == len(t)
            for a, b in zip(o, t):
                walk(a, b)
        else:
            assert_close(o, t, rtol=1e-6, atol=1e-9)
            assert o.requires_grad == t.requires_grad or not check_requires_grad

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


# -- vjp, jvp, vhp, hvp; jacobian's vectorize= and strategy= ----------------------------------


def cube_sum(x):
    return (x**3).sum()


PRODUCTS = {
    "vjp": lambda m: m.autograd.functional.vjp(
        lambda x: (m.tensor(A) @ x).tanh(), m.tensor(X), m.ones(3)
    ),
    "vjp_scalar_no_v": lambda m: m.autograd.functional.vjp(cube_sum, m.tensor(X)),
    "vjp_two_inputs": lambda m: m.autograd.functional.vjp(
        lambda a, b: 2 * a + 3 * b * a, (m.tensor(X), m.tensor(Y)), m.tensor(Y)
    ),
    "vjp_unused": lambda m: m.autograd.functional.vjp(
        lambda a, b: a.exp(), (m.tensor(X), m.tensor(Y)), m.tensor(X)
    ),
    "vjp_two_outputs": lambda m: m.autograd.functional.vjp(
        lambda x: (x.sum(), x.exp()), m.tensor(X), (m.tensor(1.0), m.tensor(Y))
    ),
    "vjp_create_graph": lambda m: m.autograd.functional.vjp(
        lambda x: x**3, m.tensor(X, requires_grad=True), m.tensor(Y), create_graph=True
    ),
    "jvp": lambda m: m.autograd.functional.jvp(
        lambda x: (m.tensor(A) @ x).tanh(), m.tensor(X), m.tensor(Y)
    ),
    "jvp_one_element_no_v": lambda m: m.autograd.functional.jvp(
        lambda x: x.exp() * 2, m.tensor([0.5])
    ),
    "jvp_two_inputs": lambda m: m.autograd.functional.jvp(
        lambda a, b: a * b, (m.tensor(X), m.tensor(Y)), (m.ones(4), m.tensor(X))
    ),
    "jvp_constant_output": lambda m: m.autograd.functional.jvp(
        lambda x: (x.exp(), m.ones(2)), m.tensor(X), m.tensor(Y)
    ),
    "jvp_create_graph": lambda m: m.autograd.functional.jvp(
        lambda x: x.sin(), m.tensor(X, requires_grad=True), m.tensor(Y), create_graph=True
    ),
    "vhp": lambda m: m.autograd.functional.vhp(cube_sum, m.tensor(X), m.tensor(Y)),
    "hvp": lambda m: m.autograd.functional.hvp(cube_sum, m.tensor(X), m.tensor(Y)),
    "vhp_two_inputs": lambda m: m.autograd.functional.vhp(
        lambda a, b: (a * b.exp()).sum(), (m.tensor(X), m.tensor(Y)), (m.tensor(Y), m.tensor(X))
    ),
    "hvp_two_inputs": lambda m: m.autograd.functional.hvp(
        lambda a, b: (a * b.exp()).sum(), (m.tensor(X), m.tensor(Y)), (m.tensor(Y), m.tensor(X))
    ),
    "hvp_linear": lambda m: m.autograd.functional.hvp(
        lambda x: (2 * x).sum(), m.tensor(X), m.tensor(Y)
    ),
    "vhp_one_element_no_v": lambda m: m.autograd.functional.vhp(cube_sum, m.tensor([2.0])),
    "hvp_create_graph": lambda m: m.autograd.functional.hvp(
        cube_sum, m.tensor(X, requires_grad=True), m.tensor(Y), create_graph=True
    ),
    "jacobian_vectorize": lambda m: m.autograd.functional.jacobian(
        lambda a, b: (a * b, a.sum()), (m.tensor(X), m.tensor(Y)), vectorize=True
    ),
    "jacobian_forward_mode": lambda m: m.autograd.functional.jacobian(
        lambda x: x.exp(), m.tensor(X), vectorize=True, strategy="forward-mode"
    ),
    "hessian_vectorize": lambda m: m.autograd.functional.hessian(
        cube_sum, m.tensor(X), vectorize=True
    ),
}


@pytest.mark.parametrize("name", PRODUCTS)
def test_products(name):
    both(PRODUCTS[name])


def test_forward_over_reverse_hessian_values():
    """PyTorch's forward-over-reverse Hessian comes back attached to a graph (its forward-mode
    tangents were computed from inputs it set to require grad); ours is computed in reverse
    mode and comes back detached. The numbers are the same (docs/differences.md)."""
    both(
        lambda m: m.autograd.functional.hessian(
            cube_sum, m.tensor(X), vectorize=True, outer_jacobian_strategy="forward-mode"
        ),
        check_requires_grad=False,
    )


def test_products_agree_with_the_jacobian():
    f = lambda x: (at.tensor(A) @ x).sin()  # noqa: E731
    x, v, u = at.tensor(X), at.tensor(Y), at.tensor(np.ones(3))
    jac = at.autograd.functional.jacobian(f, x)
    assert_close(at.autograd.functional.jvp(f, x, v)[1], jac @ v)
    assert_close(at.autograd.functional.vjp(f, x, u)[1], u @ jac)


PRODUCT_ERRORS = {
    "vjp_no_v": lambda m: m.autograd.functional.vjp(lambda x: x * 2, m.ones(3)),
    "vjp_v_size": lambda m: m.autograd.functional.vjp(lambda x: x * 2, m.ones(3), m.ones(2)),
    "vjp_v_tuple_length": lambda m: m.autograd.functional.vjp(
        lambda x: (x, x), m.ones(3), (m.ones(3),)
    ),
    "vjp_v_entry_size": lambda m: m.autograd.functional.vjp(
        lambda x: (x, x), m.ones(3), (m.ones(3), m.ones(2))
    ),
    "vjp_v_not_single": lambda m: m.autograd.functional.vjp(
        lambda x: x, m.ones(3), (m.ones(3), m.ones(3))
    ),
    "vjp_list_inputs": lambda m: m.autograd.functional.vjp(lambda x: x, [m.ones(3)]),
    "vjp_tuple_with_number": lambda m: m.autograd.functional.vjp(lambda x, y: x, (m.ones(3), 2)),
    "vjp_output_not_tensor": lambda m: m.autograd.functional.vjp(lambda x: 3.0, m.ones(1)),
    "vjp_strict_independent": lambda m: m.autograd.functional.vjp(
        lambda a, b: a * 2, (m.ones(2), m.ones(2)), m.ones(2), strict=True
    ),
    "vjp_strict_constant": lambda m: m.autograd.functional.vjp(
        lambda x: m.ones(2), m.ones(2), m.ones(2), strict=True
    ),
    "jvp_no_v": lambda m: m.autograd.functional.jvp(lambda x: x * 2, m.ones(3)),
    "jvp_v_size": lambda m: m.autograd.functional.jvp(lambda x: x * 2, m.ones(3), m.ones(2)),
    "jvp_strict_constant": lambda m: m.autograd.functional.jvp(
        lambda x: m.ones(2), m.ones(2), m.ones(2), strict=True
    ),
    "jvp_strict_independent": lambda m: m.autograd.functional.jvp(
        lambda a, b: a * 2, (m.ones(2), m.ones(2)), (m.ones(2), m.ones(2)), strict=True
    ),
    "vhp_not_scalar": lambda m: m.autograd.functional.vhp(lambda x: x**3, m.ones(3), m.ones(3)),
    "hvp_tuple_output": lambda m: m.autograd.functional.hvp(
        lambda x: (x.sum(), x.sum()), m.ones(3), m.ones(3)
    ),
    "vhp_no_v": lambda m: m.autograd.functional.vhp(cube_sum, m.ones(3)),
    "vhp_strict_linear": lambda m: m.autograd.functional.vhp(
        lambda x: (2 * x).sum(), m.ones(3), m.ones(3), strict=True
    ),
    "hvp_strict_linear": lambda m: m.autograd.functional.hvp(
        lambda x: (2 * x).sum(), m.ones(3), m.ones(3), strict=True
    ),
    "hessian_not_scalar": lambda m: m.autograd.functional.hessian(lambda x: x * 2, m.ones(3)),
    "hessian_tuple_output": lambda m: m.autograd.functional.hessian(
        lambda x: (x.sum(), x.sum()), m.ones(3)
    ),
    "hessian_strategy": lambda m: m.autograd.functional.hessian(
        cube_sum, m.ones(3), outer_jacobian_strategy="sideways"
    ),
    "jacobian_strategy": lambda m: m.autograd.functional.jacobian(
        cube_sum, m.ones(3), strategy="sideways"
    ),
    "jacobian_forward_needs_vectorize": lambda m: m.autograd.functional.jacobian(
        cube_sum, m.ones(3), strategy="forward-mode"
    ),
    "jacobian_forward_create_graph": lambda m: m.autograd.functional.jacobian(
        cube_sum, m.ones(3), strategy="forward-mode", vectorize=True, create_graph=True
    ),
    "jacobian_forward_strict": lambda m: m.autograd.functional.jacobian(
        cube_sum, m.ones(3), strategy="forward-mode", vectorize=True, strict=True
    ),
    "jacobian_vectorize_strict": lambda m: m.autograd.functional.jacobian(
        cube_sum, m.ones(3), vectorize=True, strict=True
    ),
}


@pytest.mark.parametrize("name", PRODUCT_ERRORS)
def test_product_errors_begin_with_torchs_whole_message(name):
    assert_same_error(PRODUCT_ERRORS[name], at, torch)
