"""``autograd.gradcheck`` gives PyTorch's verdicts on right and deliberately wrong backwards."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_tutor as at
from autograd_tutor.autograd.gradcheck import GradcheckError

torch = pytest.importorskip("torch")
from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError  # noqa: E402


def _functions(lib):
    Function = lib.autograd.Function

    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class SquareForgotTwo(Square):
        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return x * g

    class MulSum(Function):
        """x * y.sum(): the gradient for y is x.sum() for every element."""

        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y.sum()

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y.sum(), (g * x).sum() * lib.ones_like(y)

    class MulSumWrongY(MulSum):
        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y.sum(), (g * x).sum() * 2 * lib.ones_like(y)

    class SigmoidWrongSign(Function):
        @staticmethod
        def forward(ctx, x):
            s = 1 / (1 + (-x).exp())
            ctx.save_for_backward(s)
            return s

        @staticmethod
        def backward(ctx, g):
            (s,) = ctx.saved_tensors
            return g * s * (s - 1)

    return {
        "Square": Square,
        "SquareForgotTwo": SquareForgotTwo,
        "MulSum": MulSum,
        "MulSumWrongY": MulSumWrongY,
        "SigmoidWrongSign": SigmoidWrongSign,
    }


OURS, THEIRS = _functions(at), _functions(torch)
RNG = np.random.default_rng(3)


def _inputs(lib, name):
    n_inputs = 2 if name.startswith("MulSum") else 1
    shapes = [(2, 3), (3,)][:n_inputs]
    return tuple(
        lib.tensor(RNG.normal(size=s), dtype=lib.float64, requires_grad=True) for s in shapes
    )


def _same_values(lib_inputs):
    return tuple(torch.tensor(x.detach().numpy().copy(), requires_grad=True) for x in lib_inputs)


@pytest.mark.parametrize("name", list(OURS))
def test_verdict_matches_torch(name):
    xs = _inputs(at, name)
    txs = _same_values(xs)
    theirs = torch.autograd.gradcheck(THEIRS[name].apply, txs, raise_exception=False)
    ours = at.autograd.gradcheck(OURS[name].apply, xs, raise_exception=False)
    assert ours is theirs
    assert ours is ("Wrong" not in name and "Forgot" not in name)


@pytest.mark.parametrize("name", ["SquareForgotTwo", "MulSumWrongY", "SigmoidWrongSign"])
def test_failure_raises_gradcheck_error_pointing_at_the_entry(name):
    xs = _inputs(at, name)
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError

    with pytest.raises(TorchGradcheckError) as ref:
        torch.autograd.gradcheck(THEIRS[name].apply, _same_values(xs))
    with pytest.raises(GradcheckError) as ours:
        at.autograd.gradcheck(OURS[name].apply, xs)
    assert isinstance(ours.value, RuntimeError)
    message = str(ours.value)
    assert message.startswith(str(ref.value).split("\n")[0])
    assert "numerical:tensor(" in message and "analytical:tensor(" in message
    assert "First wrong entry" in message
    if name == "MulSumWrongY":  # wrong only for input 1, first at output element [0, 0]
        assert "with respect to input 1" in message and "d(input 1)[0]" in message
        assert "d(output 0)[0, 0]" in message


def test_jacobians_printed_like_torch():
    xs = _inputs(at, "SquareForgotTwo")
    with pytest.raises(RuntimeError) as ref:
        torch.autograd.gradcheck(THEIRS["SquareForgotTwo"].apply, _same_values(xs))
    with pytest.raises(RuntimeError) as ours:
        at.autograd.gradcheck(OURS["SquareForgotTwo"].apply, xs)
    # same text up to the explanation we add (the Jacobians agree to printed precision)
    assert str(ours.value).startswith(str(ref.value).rstrip("\n"))


def test_core_ops_pass_and_multiple_outputs():
    x = at.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    w = at.tensor(RNG.normal(size=(4, 2)), requires_grad=True)
    assert at.autograd.gradcheck(lambda a, b: ((a @ b).tanh() * 3).exp(), (x, w))
    assert at.autograd.gradcheck(lambda a: (a.sum(0), a.log_softmax(1)), (x,))
    assert at.autograd.gradcheck(lambda a, k: a * k, (x, 2.0))  # non-tensor input
    assert at.autograd.gradcheck(lambda a: a.sum(), x)  # a single tensor, not a tuple
    assert at.autograd.gradcheck(lambda a: a.max(1), (x,))  # (values, int64 indices)


def test_inputs_without_grad_are_not_checked():
    x = at.tensor(RNG.normal(size=3), requires_grad=True)
    c = at.tensor(RNG.normal(size=3))  # constant: its (wrong) gradient is never asked
    assert at.autograd.gradcheck(OURS["MulSum"].apply, (x, c))


def test_float32_warns_like_torch():
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    x = at.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning) as ref:
        torch.autograd.gradcheck(THEIRS["Square"].apply, (tx,), raise_exception=False)
    with pytest.warns(UserWarning) as ours:
        at.autograd.gradcheck(OURS["Square"].apply, (x,), raise_exception=False)
    assert str(ours[0].message).startswith(str(ref[0].message).strip())


def test_no_input_requires_grad_raises_like_torch():
    with pytest.raises(ValueError) as ref:
        torch.autograd.gradcheck(lambda a: a * 2, (torch.ones(2, dtype=torch.float64),))
    with pytest.raises(ValueError) as ours:
        at.autograd.gradcheck(lambda a: a * 2, (at.ones(2, dtype=at.float64),))
    assert str(ours.value).startswith(str(ref.value))


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(GradcheckError, RuntimeError)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    scale=st.floats(0.1, 3.0),
    wrong=st.floats(1.2, 5.0),
)
def test_property_right_passes_scaled_wrong_fails(shape, scale, wrong):
    """For any shape: the true derivative of x*x passes, any rescaled one fails."""
    values = RNG.uniform(0.5, 2.0, size=shape) * scale
    x = at.tensor(values, requires_grad=True)

    class Scaled(OURS["Square"]):
        @staticmethod
        def backward(ctx, g):
            return OURS["Square"].backward(ctx, g) * factor

    factor = 1.0
    assert at.autograd.gradcheck(Scaled.apply, (x,))
    factor = wrong
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert at.autograd.gradcheck(Scaled.apply, (x,), raise_exception=False) is False


# -- gradgradcheck: is backward itself differentiable? -----------------------------------------


def _double_functions(lib):
    Function = lib.autograd.Function

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    class CubeDetached(Cube):
        """backward is right, but computed from a detached x: no second derivative."""

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x.detach() ** 2 * g

    class ExpSavesOutput(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    return {"Cube": Cube, "CubeDetached": CubeDetached, "ExpSavesOutput": ExpSavesOutput}


DOUBLE_OURS, DOUBLE_THEIRS = _double_functions(at), _double_functions(torch)
GRADGRAD = {  # name: (function, shapes of its outputs)
    "Cube": (lambda lib, fns: fns["Cube"].apply, [(2, 3)]),
    "CubeDetached": (lambda lib, fns: fns["CubeDetached"].apply, [(2, 3)]),
    "ExpSavesOutput": (lambda lib, fns: fns["ExpSavesOutput"].apply, [(2, 3)]),
    "built_in_ops": (lambda lib, fns: lambda x: (x.tanh() * x.exp()).sum(), [()]),
    "two_outputs": (lambda lib, fns: lambda x: (x.sin(), (x**2).sum()), [(2, 3), ()]),
}


@pytest.mark.parametrize("name", GRADGRAD)
def test_gradgradcheck_verdict_matches_torch(name):
    xs = (at.tensor(RNG.normal(size=(2, 3)), requires_grad=True),)
    make, shapes = GRADGRAD[name]
    gs = tuple(at.tensor(RNG.normal(size=s), requires_grad=True) for s in shapes)
    ours = at.autograd.gradgradcheck(make(at, DOUBLE_OURS), xs, gs, raise_exception=False)
    theirs = torch.autograd.gradgradcheck(
        make(torch, DOUBLE_THEIRS), _same_values(xs), _same_values(gs),
        raise_exception=False,
    )
    assert ours is theirs
    assert ours is ("Detached" not in name)


def test_gradgradcheck_random_grad_outputs_and_error_text():
    x = at.tensor(RNG.normal(size=3), requires_grad=True)
    assert at.autograd.gradgradcheck(DOUBLE_OURS["Cube"].apply, x)
    with pytest.raises(TorchGradcheckError) as ref:
        torch.autograd.gradgradcheck(DOUBLE_THEIRS["CubeDetached"].apply, _same_values((x,)))
    with pytest.raises(GradcheckError) as ours:
        at.autograd.gradgradcheck(DOUBLE_OURS["CubeDetached"].apply, (x,))
    assert str(ours.value).startswith(str(ref.value).split("\n")[0])
