"""The legacy constructors (``Variable``, ``torch.FloatTensor``, ...), the default-device switches
and ``torch.accelerator``, against PyTorch 2.13 as the oracle."""

from __future__ import annotations

import pytest
from torch_oracle import assert_close, assert_same_error

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor",
         "IntTensor", "LongTensor", "BoolTensor"]


@pytest.mark.parametrize("name", TYPES)
def test_typed_constructors(name):
    for args in ([[1, 0, 2]], [[[1.0, 2.0]]], [(3, 1)], []):
        assert_close(getattr(at, name)(*args), getattr(torch, name)(*args))
    # uninitialised in PyTorch (zeros here): only the shape and dtype are compared
    for make in (lambda m: getattr(m, name)(2, 3), lambda m: getattr(m, name)(m.Size([4]))):
        ours, theirs = make(at), make(torch)
        assert ours.shape == theirs.shape and str(ours.dtype) == str(theirs.dtype)
    assert repr(getattr(at, name)) == repr(getattr(torch, name))
    for dtype in ("float32", "int64", "bool"):
        made = [lib.ones(2, dtype=getattr(lib, dtype)) for lib in (at, torch)]
        assert isinstance(made[0], getattr(at, name)) == isinstance(made[1], getattr(torch, name))
        assert made[0].type() == made[1].type()


def test_typed_constructor_of_a_tensor_shares_it_and_checks_the_dtype():
    x = at.tensor([1.0, 2.0])
    assert at.FloatTensor(x) is x
    assert at.FloatTensor([1.0], device="cpu").device == torch.FloatTensor([1.0]).device


TYPED_ERRORS = {
    "tensor_of_other_dtype": lambda m: m.LongTensor(m.tensor([1.5])),
    "long_to_float": lambda m: m.FloatTensor(m.tensor([1, 2])),
    "string": lambda m: m.FloatTensor("a"),
    "variable_of_list": lambda m: m.autograd.Variable([1.0, 2.0]),
    "bad_device_string": lambda m: m.set_default_device("blah"),
    "cuda_default_device": lambda m: (m.set_default_device("cuda"), m.ones(2)),
}


@pytest.mark.parametrize("name", TYPED_ERRORS)
def test_errors_begin_with_torchs_whole_message(name):
    try:
        assert_same_error(TYPED_ERRORS[name], at, torch)
    finally:
        torch.set_default_device(None)


def test_requires_grad_keyword_is_refused_like_torch():
    assert_same_error(lambda m: m.FloatTensor([1.0], requires_grad=True), at, torch, whole=False)


def test_variable_is_a_new_leaf_sharing_the_values():
    for m in (at, torch):
        x = m.tensor([1.0, 2.0])
        v = m.autograd.Variable(x, requires_grad=True)
        assert v is not x and v.is_leaf and v.requires_grad and not x.requires_grad
        assert isinstance(x, m.autograd.Variable)
        (v * v).sum().backward()
        assert v.grad.tolist() == [2.0, 4.0]
        y = m.tensor([1.0], requires_grad=True) * 2
        w = m.autograd.Variable(y)
        assert w.grad_fn is None and not w.requires_grad
        w.data[0] = 5.0  # shares y's values
        assert y.tolist() == [5.0]


def test_default_device_and_accelerator_tell_the_truth():
    for m in (at, torch):
        assert str(m.get_default_device()) == "cpu"
        m.set_default_device("cpu")
        assert str(m.ones(2).device) == "cpu"
        m.set_default_device(None)
        assert m.accelerator.is_available() is False
        assert m.accelerator.current_accelerator() is None
        assert m.accelerator.device_count() == 0
        assert m.ones(1).cpu().to("cpu").device == m.get_default_device()
