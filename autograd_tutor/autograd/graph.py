"""``torch.autograd.graph``: look at a recorded graph from the outside.

``Node`` is the class of every ``grad_fn`` (as in PyTorch). The functions below are
autograd_tutor's additions: what the visualiser and the exercise checker read, and what a
curious student can call to see what the engine recorded::

    y = x * 3
    node = y.grad_fn                      # MulBackward0
    graph.inputs(node)                    # (x, 3): the op's inputs as passed
    graph.output(node)                    # the numbers the forward pass computed
    graph.replay(node, torch.tensor(1.))  # (∂y/∂x · 1, None): gradient per input, .grad untouched
    graph.input_versions(node)            # version of each tensor input when the op ran
    graph.cut_of(y.detach())              # ("detach()", y): where the gradient stops

The last two need ``watch(True)`` (``import autograd_tutor.viz`` switches it on): only then
does the engine note input versions and where a tensor was cut from the graph. Off, they
cost nothing.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from . import function
from .function import Node

__all__ = ["Node", "cut_of", "input_versions", "inputs", "output", "replay", "watch"]


def inputs(node: Node) -> tuple:
    """The inputs of the op that made ``node``, as passed: Tensors, or Python numbers.

    Unlike ``next_functions`` this includes constants (tensors that need no gradient)."""
    return node._inputs


def output(node: Node) -> np.ndarray | None:
    """The values the op computed in the forward pass (``None`` for ``AccumulateGrad``)."""
    return node._value


def input_versions(node: Node) -> tuple:
    """Per input, the tensor's version counter when the op ran (``None`` for a number).

    A version that has moved since means the tensor was changed in place after the graph was
    recorded: the values the graph holds were computed from its older numbers."""
    versions = getattr(node, "_input_versions", None)
    if versions is None or versions is _ALL_ZERO:
        zero = 0 if versions is _ALL_ZERO else None
        return tuple([zero if isinstance(a, function.Tensor) else None for a in node._inputs])
    return versions


def replay(node: Node, *grad_outputs: Any) -> tuple:
    """One gradient per input (``None`` where there is none) for the given ``grad_outputs``,
    computed without recording and without touching any ``.grad``, even after ``backward``
    freed the node's saved tensors."""
    return node._replay(*grad_outputs)


# ---- the cut-recording hook --------------------------------------------------------------
# Where a tensor left the graph (``detach()``, or an op run under ``no_grad`` on a tensor that
# requires grad) is only noted while watching, in a side table keyed by id: tensors carry no
# extra field, and nothing here keeps a tensor alive.


class _Watching:
    __slots__ = ("on",)

    def __init__(self) -> None:
        self.on = False


_WATCH = _Watching()  # read by Function.apply, Node._record and Tensor.detach
_ALL_ZERO = ("every tensor input at version 0",)  # Node._input_versions of most nodes
_cuts: dict = {}  # id(cut tensor) -> (weakref to it, label, weakref to the source)


def watch(on: bool = True) -> None:
    """Start (or stop) noting cuts and input versions for ``cut_of`` and ``input_versions``."""
    _WATCH.on = on


def cut_of(t: Any) -> tuple | None:
    """``(label, source)`` if ``t`` was cut from the graph while watching, else ``None``.

    ``label`` is ``"detach()"`` or ``"no_grad"``; ``source`` is the tensor it was cut from, or
    ``None`` if that tensor no longer exists."""
    entry = _cuts.get(id(t))
    if entry is None or entry[0]() is not t:
        return None
    return entry[1], entry[2]()


def _note_cut(label: str, args: tuple, out: Any) -> None:
    """Note that ``out`` was computed from ``args`` without recording (hook, watching only)."""
    for a in args:
        if hasattr(a, "_vc") and (a._requires_grad or id(a) in _cuts):
            key = id(out)
            _cuts[key] = (weakref.ref(out, lambda _, key=key: _cuts.pop(key, None)), label,
                          weakref.ref(a))
            return
