"""Shared fixtures for the test suite. The comparison helpers live in ``torch_oracle.py``
(re-exported here for older imports)."""

from __future__ import annotations

import sys

import pytest
from torch_oracle import (  # noqa: F401 - re-exported
    assert_close,
    dtype_name,
    graph_signature,
    node_name,
    np_of,
    to_torch,
)


@pytest.fixture(autouse=True)
def _restore_grad_mode():
    """A test that switches gradients off globally must not leak that into the next test."""
    yield
    for name in ("autograd_tutor", "torch"):
        mod = sys.modules.get(name)
        if mod is not None and hasattr(mod, "set_grad_enabled"):
            mod.set_grad_enabled(True)
