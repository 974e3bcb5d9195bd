"""The switch for recording the graph.

Recording is one global flag. ``Function.apply`` reads it before it builds a graph node: when
it is off, ops just compute numbers, which is what you want for evaluation and for updating
parameters (``w -= lr * w.grad``). ``no_grad`` and its kin, which flip it, are in
``autograd/grad_mode.py``.
"""

from __future__ import annotations


class _GradMode:
    __slots__ = ("enabled", "inference")

    def __init__(self) -> None:
        self.enabled = True
        self.inference = False  # inside inference_mode(): new tensors are inference tensors


# An instance, not a class attribute: writing a class attribute invalidates Python's
# attribute caches, and the flag is flipped twice per op (forward runs with recording off).
_Mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the graph."""
    return _Mode.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return _Mode.inference
