"""Helpers for differential tests against PyTorch (the oracle); importable from any test file.

Nothing here imports torch or autograd_tutor at import time.
(A separate module rather than ``conftest``: with several conftest.py files in the run,
``from conftest import ...`` may pick up the wrong one.)
"""

from __future__ import annotations

import numpy as np


def np_of(x):
    """The values of our Tensor, a torch tensor, or anything array-like, as an ndarray."""
    if x is None:
        return None
    if hasattr(x, "_data") and isinstance(getattr(x, "_data", None), np.ndarray):
        return x._data
    if type(x).__module__.startswith("torch"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def dtype_name(d) -> str:
    """'float32' for ``torch.float32`` as well as for ``autograd_tutor.float32``."""
    return str(d).rsplit(".", 1)[-1]


def to_torch(x, requires_grad: bool | None = None):
    """A torch leaf tensor with the same values and dtype as our tensor ``x``."""
    import torch

    t = torch.from_numpy(np.array(np_of(x), copy=True))
    rg = x.requires_grad if requires_grad is None else requires_grad
    return t.requires_grad_(bool(rg))


def assert_close(ours, theirs, rtol: float = 1e-5, atol: float = 1e-6, check_dtype: bool = True):
    """Same shape, same dtype name and (nearly) the same values; ``None`` only matches ``None``."""
    if ours is None or theirs is None:
        assert ours is None and theirs is None, f"ours={ours!r} theirs={theirs!r}"
        return
    a, b = np_of(ours), np_of(theirs)
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    if check_dtype and hasattr(ours, "dtype") and hasattr(theirs, "dtype"):
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), (
            f"dtype {ours.dtype} != {theirs.dtype}"
        )
    if a.dtype == np.bool_ or b.dtype == np.bool_:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(
            a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True
        )


def node_name(node) -> str | None:
    """PyTorch's node name without the C++ namespace ('torch::autograd::AccumulateGrad')."""
    return None if node is None else node.name().rsplit("::", 1)[-1]


def graph_signature(node, depth: int = 6):
    """The graph below ``node`` as nested (name, [children]) tuples, for comparing graphs."""
    if node is None:
        return None
    kids = [] if depth == 0 else [graph_signature(n, depth - 1) for n, _ in node.next_functions]
    return (node_name(node), kids)


def first_sentence(message: str) -> str:
    """A message up to its first sentence end ('. ' or a newline; without the full stop): where
    we may add our fix-it sentence."""
    import re

    return re.split(r"(?<=[.?!])\s|\n", str(message).strip(), maxsplit=1)[0].rstrip(".")


def raised(call) -> BaseException:
    """The exception ``call()`` raises (fails the test if it raises none)."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - any exception is the subject here
        return error
    raise AssertionError(f"{call} raised nothing")


def assert_same_error(make, ours_lib, torch_lib, whole: bool = True) -> None:
    """``make(lib)`` raises the same exception class in both libraries and our message begins
    with PyTorch's: its whole text (``whole``), or at least its first sentence."""
    ours, theirs = raised(lambda: make(ours_lib)), raised(lambda: make(torch_lib))
    assert type(ours).__name__ == type(theirs).__name__, f"ours {ours!r}, PyTorch {theirs!r}"
    if whole:
        assert str(ours).startswith(str(theirs)), f"\nours:    {ours}\nPyTorch: {theirs}"
    else:
        assert first_sentence(ours) == first_sentence(theirs), f"\nours: {ours}\nPyTorch: {theirs}"
