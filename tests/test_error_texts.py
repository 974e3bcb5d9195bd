"""Every error our tests reach begins with PyTorch's own first sentence, word for word.

The error paths come from the differential tests' tables (each runs the same code with both
libraries): test_core_errors.CASES, the loss, layer and state-dict errors of test_nn*, the
autograd.functional and legacy-API errors. Here each is run with both libraries and the
first sentence of our message (up to '. ' or a newline) is compared with PyTorch's exactly;
the fix-it sentence we add comes after it (see docs/differences.md). Where the first sentence
holds a memory address or a module path that cannot agree, the case says what to compare.
"""

from __future__ import annotations

import re

import pytest
import test_autograd_functional
import test_core_errors
import test_legacy_api
import test_nn
import test_nn_added
from torch_oracle import first_sentence, raised

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402


def _core_case(case):
    return lambda m: case.bad(m, case.setup(m))


def _from_dict_factory(factory, key):
    return lambda m: factory(m)[key]()


def _load_error(key):
    def make(m):
        model, bad = test_nn._load_errors(m)
        model.load_state_dict(bad[key])

    return make


ERRORS = {
    **{f"core/{c.name}": _core_case(c) for c in test_core_errors.CASES if not c.python_message},
    **{f"functional/{k}": v for k, v in test_autograd_functional.PRODUCT_ERRORS.items()},
    **{f"legacy/{k}": v for k, v in test_legacy_api.TYPED_ERRORS.items()},
    **{f"nn/{k}": _from_dict_factory(test_nn._bad_losses, k) for k in test_nn._bad_losses(torch)},
    **{f"nn_added/{k}": _from_dict_factory(test_nn_added._leaky_errors, k)
       for k in test_nn_added._leaky_errors(torch)},
    **{f"nn/load_state_dict_{k}": _load_error(k) for k in ("missing", "unexpected", "size")},
}


@pytest.mark.parametrize("name", ERRORS)
def test_first_sentence_is_pytorchs(name):
    make = ERRORS[name]
    try:
        theirs = raised(lambda: make(torch))
        ours = raised(lambda: make(at))
    finally:
        torch.set_default_device(None)
    assert type(ours).__name__ == type(theirs).__name__, f"ours {ours!r}\nPyTorch {theirs!r}"
    assert _unpathed(first_sentence(ours)) == _unpathed(first_sentence(theirs)), (
        f"\nours:    {ours}\nPyTorch: {theirs}"
    )


def _unpathed(sentence: str) -> str:
    """'ReLU is not a Module subclass' for 'torch.nn.modules.activation.ReLU is not ...': the
    module path of a class or function names the library, so it cannot agree."""
    return re.sub(r"^[\w.]+\.(\w+) is not", r"\1 is not", sentence)
