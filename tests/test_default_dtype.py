"""torch.set_default_dtype / get_default_dtype against PyTorch 2.13: what Python floats, the
creation functions, the layers and type promotion give, and how tensors print, under float64
(gradcheck tutorials switch to it) and float16; the errors for other dtypes."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import dtype_name

import autograd_tutor as at

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _restore_default():
    yield
    at.set_default_dtype(at.float32)
    torch.set_default_dtype(torch.float32)


MADE = {
    "tensor of floats": lambda lib: lib.tensor([1.5, 2.0]),
    "tensor of one float": lambda lib: lib.tensor(2.5),
    "nested floats": lambda lib: lib.tensor([[1.0], [2.0]]),
    "tensor of ints": lambda lib: lib.tensor([1, 2]),
    "float32 array": lambda lib: lib.tensor(np.float32(1.0)),
    "zeros": lambda lib: lib.zeros(2),
    "ones": lambda lib: lib.ones(2, 3),
    "full with a float": lambda lib: lib.full((2,), 1.5),
    "empty": lambda lib: lib.empty(1),
    "eye": lambda lib: lib.eye(2),
    "rand": lambda lib: lib.rand(1),
    "randn": lambda lib: lib.randn(1),
    "arange of floats": lambda lib: lib.arange(0.0, 2.0),
    "arange of ints": lambda lib: lib.arange(2),
    "linspace": lambda lib: lib.linspace(0, 1, 3),
    "int tensor times a float": lambda lib: lib.tensor([1, 2]) * 2.5,
    "int tensor divided": lambda lib: lib.tensor([1, 2]) / 2,
    "sqrt of ints": lambda lib: lib.sqrt(lib.tensor([4])),
    ".float()": lambda lib: lib.tensor([1, 2]).float(),
    "Linear's weight": lambda lib: lib.nn.Linear(2, 3).weight,
    "legacy Tensor(2)": lambda lib: lib.Tensor(2),
    "empty Parameter": lambda lib: lib.nn.Parameter(),
}


@pytest.mark.parametrize("default", ["float64", "float16"])
@pytest.mark.parametrize("what", sorted(MADE))
def test_what_each_way_of_making_a_tensor_gives(default, what):
    at.set_default_dtype(getattr(at, default))
    torch.set_default_dtype(getattr(torch, default))
    assert dtype_name(at.get_default_dtype()) == dtype_name(torch.get_default_dtype()) == default
    ours, theirs = MADE[what](at), MADE[what](torch)
    assert dtype_name(ours.dtype) == dtype_name(theirs.dtype)


def test_printing_follows_the_default():
    at.set_default_dtype(at.float64)
    torch.set_default_dtype(torch.float64)
    for make in (lambda lib: lib.tensor([1.5, 2.0]),
                 lambda lib: lib.tensor([1.5], dtype=lib.float32),
                 lambda lib: lib.tensor([1.5], requires_grad=True) * 2):
        assert repr(make(at)) == repr(make(torch))


def test_gradcheck_in_float64_without_dtype_arguments():
    # the reason tutorials switch: gradcheck wants float64 inputs
    at.set_default_dtype(at.float64)
    x = at.randn(3, requires_grad=True)
    assert x.dtype == at.float64
    assert at.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))


def test_adams_step_count_follows_the_default():
    at.set_default_dtype(at.float64)
    torch.set_default_dtype(torch.float64)
    for lib in (at, torch):
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.Adam([p])
        (p * 2).sum().backward()
        opt.step()
    assert repr(opt.state[p]["step"]) == "tensor(1.)"


@pytest.mark.parametrize("arg", ["int64", "bool", "a string"])
def test_only_floating_point_dtypes_are_accepted(arg):
    def call(lib):
        lib.set_default_dtype(getattr(lib, arg, "float64") if arg != "bool" else lib.bool)

    with pytest.raises(TypeError) as theirs:
        call(torch)
    with pytest.raises(TypeError) as ours:
        call(at)
    assert str(ours.value).startswith(str(theirs.value))
    assert at.get_default_dtype() == at.float32  # unchanged
