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
    graph.array(x)                        # the NumPy array holding x's numbers (not a copy)

``saved_tensors_hooks(pack_hook, unpack_hook)`` is PyTorch's: inside the block, every tensor an
op saves for backward goes through ``pack_hook`` (which may return anything, e.g. a compressed
copy), and backward gets it back through ``unpack_hook``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..kernel import function
from ..kernel.function import Node
from ..kernel.tensor import Tensor

__all__ = [
    "Node",
    "array",
    "input_versions",
    "inputs",
    "output",
    "replay",
    "save_on_cpu",
    "saved_tensors_hooks",
]


class saved_tensors_hooks:
    """``with saved_tensors_hooks(pack_hook, unpack_hook):`` each tensor saved for backward
    inside the block is stored as ``pack_hook(tensor)``; when backward (or ``saved_tensors``)
    reads it, it gets ``unpack_hook(packed)``. Blocks nest: the innermost pair is used."""

    def __init__(
        self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]
    ) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> None:
        function._saved_hooks.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc: object) -> None:
        function._saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """PyTorch moves saved tensors to the CPU in this block (to save GPU memory). Everything is
    on the CPU here already, so it keeps them as they are."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


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
    return getattr(node, "_input_versions", tuple(None for _ in node._inputs))


def replay(node: Node, *grad_outputs: Any) -> tuple:
    """One gradient per input (``None`` where there is none) for the given ``grad_outputs``,
    computed without recording and without touching any ``.grad``, even after ``backward``
    freed the node's saved tensors."""
    return node._replay(*grad_outputs)


def array(tensor: Tensor) -> np.ndarray:
    """The NumPy array that holds ``tensor``'s numbers: the very array the ops computed with
    (not a copy, so ``np.may_share_memory`` tells views apart; do not write to it). Unlike
    ``tensor.numpy()`` it also works on a tensor that requires grad."""
    return tensor._data
