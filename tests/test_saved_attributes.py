"""``grad_fn._saved_self``, ``_saved_other`` and ``_saved_result``: what a built-in node saved
for backward, as PyTorch 2.13 shows it."""

from __future__ import annotations

import pytest
from torch_oracle import assert_close, assert_same_error

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def make(m):
    x = m.tensor([0.5, 2.0], requires_grad=True)
    w = m.tensor([3.0, 4.0])
    return x, w


CASES = {  # name: (op, attribute)
    "mul_self_not_saved": (lambda x, w: x * w, "_saved_self"),
    "mul_other": (lambda x, w: x * w, "_saved_other"),
    "mul_self": (lambda x, w: w * x, "_saved_other"),
    "div_self": (lambda x, w: x / w, "_saved_self"),
    "div_other": (lambda x, w: x / w, "_saved_other"),
    "sin": (lambda x, w: x.sin(), "_saved_self"),
    "log": (lambda x, w: x.log(), "_saved_self"),
    "exp": (lambda x, w: x.exp(), "_saved_result"),
    "tanh": (lambda x, w: x.tanh(), "_saved_result"),
    "sigmoid": (lambda x, w: x.sigmoid(), "_saved_result"),
}


@pytest.mark.parametrize("name", CASES)
def test_saved_attribute(name):
    op, attr = CASES[name]
    found = []
    for m in (at, torch):
        x, w = make(m)
        y = op(x, w)
        saved = getattr(y.grad_fn, attr)
        found.append((saved, saved is x, saved is w, saved is None or saved.grad_fn is y.grad_fn))
    (ours, *o_flags), (theirs, *t_flags) = found
    assert o_flags == t_flags
    if theirs is not None:
        assert_close(ours, theirs)


ERRORS = {
    "add_has_none": lambda m: (make(m)[0] + 1).grad_fn._saved_self,
    "exp_has_no_self": lambda m: make(m)[0].exp().grad_fn._saved_self,
    "freed_by_backward": lambda m: _freed(m),
}


def _freed(m):
    y = make(m)[0].exp()
    y.sum().backward()
    return y.grad_fn._saved_result


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    assert_same_error(ERRORS[name], at, torch, whole=False)
