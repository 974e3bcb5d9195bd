"""The backward pass: walk the graph from the output back to the leaves, applying the chain rule.

1. Start with d(output)/d(output) = 1 at the output's node.
2. Each node must wait until every node that sends it gradient has run. A node is always
   created after the nodes of its inputs (an op can only use tensors that already exist), so
   the rule is simple: of the nodes that have received some gradient, run the newest one.
   (PyTorch's engine orders its "ready queue" by the same creation number.) A node that runs
   gets the sum of the gradients sent to it, calls its op's ``backward`` and sends one
   gradient to each input's node. A tensor used twice simply receives two gradients, which
   are added. No recursion, so graphs thousands of ops deep work.
3. What is left over then is the leaves' gradients (sent to their ``AccumulateGrad`` nodes),
   now complete: they are added into ``.grad``.

Leaves are written only after the whole pass succeeded, so an error leaves every ``.grad`` as
it was. PyTorch's ``backward()`` and ``grad()`` (their arguments and error texts) are in
``compat/autograd_api.py``; they call ``run_backward`` and ``accumulate``.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable

import numpy as np

from .function import Node
from .grad_mode import _Mode
from .tensor import Tensor

# Extensions that change how a node's backward is called: each gets the call and returns it,
# wrapped or as it was (anomaly mode: autograd/anomaly_mode.py; hooks on a node:
# compat/node_api.py). With none, the engine calls ``Node._call_backward``.
call_wrappers: list[Callable[[Callable], Callable]] = []


def run_backward(
    roots: list[tuple[Node, Any, Tensor]],
    retain_graph: bool,
    create_graph: bool,
    targets: set[Node] | None = None,
) -> dict[Node, Any]:
    """Propagate gradients from ``roots`` (node, d(output)/d(output), output); return the
    complete gradient of each leaf's ``AccumulateGrad`` node (with ``targets``: of each target).

    Gradients are NumPy arrays in a plain ``backward()`` and Tensors with ``create_graph=True``:
    only then must the gradient's own computation be recorded, and arrays save building a
    Tensor for every intermediate gradient."""
    received: dict[Node, Any] = {}  # node -> the sum of the gradients sent to it so far
    ready: list[tuple[int, Node]] = []  # op nodes that received a gradient: newest first
    for node, grad, tensor in roots:
        _send(received, ready, node, grad, tensor)
    found: dict[Node, Any] = {}  # node -> its complete gradient (leaves, or the targets)
    wanted = None if targets is None else _Wanted(roots, targets, found)
    call_backward = Node._call_backward
    for wrap in call_wrappers:
        call_backward = wrap(call_backward)
    ran: list[Node] = []
    prev, _Mode.enabled = _Mode.enabled, create_graph  # record the formulas' own ops or not
    try:
        while ready:
            node = heapq.heappop(ready)[1]  # 1. the newest node that received a gradient
            grad = received.pop(node)  # 2. the sum of what it received
            if wanted and wanted.skips(node):
                continue
            grad = _arrive(node, grad, node._value, node._pre_hooks)
            if wanted and wanted.stops_at(node, grad):
                continue
            input_grads = call_backward(node, grad)  # 3. the op's backward: the chain rule
            ran.append(node)
            for next_node, g, arg in zip(node._edges, input_grads, node._inputs):  # 4. one
                if next_node is not None and g is not None:  # gradient per edge (per input)
                    _send(received, ready, next_node, g, arg)
        for leaf, grad in received.items():  # what is left: the leaves' complete gradients
            if wanted is None or leaf in wanted.targets:
                tensor = leaf.variable  # type: ignore[attr-defined]
                found[leaf] = _arrive(leaf, grad, tensor._data, tensor._hooks)
    finally:
        _Mode.enabled = prev
    if not retain_graph:
        _free(ran)
    return found


def _send(received: dict[Node, Any], ready: list, node: Node, grad: Any, tensor: Any) -> None:
    """Add ``grad`` (the gradient of ``tensor``) to what ``node`` has received. An op node
    that receives its first gradient joins the ``ready`` heap, keyed by creation number
    (negated: ``heapq`` pops the smallest)."""
    if node._n_outputs != 1:  # a Function with several outputs: one sum per output
        _send_to_output(received, ready, node, grad, tensor._output_nr)
    elif node in received:
        received[node] = received[node] + grad
    else:
        received[node] = grad
        if node._edges:  # an op node, not a leaf's AccumulateGrad
            heapq.heappush(ready, (-node._sequence_nr, node))


def _send_to_output(received: dict[Node, Any], ready: list, node: Node, grad: Any, k: int) -> None:
    """``_send`` to output ``k`` of a node with several outputs: it keeps one sum per output."""
    if node not in received:
        received[node] = [None] * node._n_outputs
        heapq.heappush(ready, (-node._sequence_nr, node))
    slots = received[node]
    slots[k] = grad if slots[k] is None else slots[k] + grad


def _arrive(node: Node, grad: Any, value: Any, hooks: dict | None) -> Any:
    """A node's complete gradient, as its tensor sees it: in the tensor's dtype (as in
    PyTorch), then passed through the hooks registered on the tensor. A node with several
    outputs gets one gradient per output (``Node._complete``)."""
    if node._n_outputs != 1:
        return node._complete(grad)
    if grad.dtype is not value.dtype and not isinstance(grad, Tensor):
        grad = grad.astype(value.dtype)
    return _run_hooks(hooks, grad) if hooks else grad


def _run_hooks(hooks: dict, grad: Any) -> Any:
    """Call each hook with the gradient (as a Tensor); one that returns a tensor replaces the
    gradient."""
    if not isinstance(grad, Tensor):
        return _run_hooks(hooks, as_tensor(grad))._data
    for hook in tuple(hooks.values()):
        new = hook(grad)
        if new is not None:
            if new.shape != grad.shape:
                raise RuntimeError(
                    f"hook '{getattr(hook, '__name__', 'hook')}' has changed the size of value. "
                    f"It went from {list(grad.shape)} to {list(new.shape)}: a hook must return "
                    "None or a gradient of the same shape."
                )
            grad = new
    return grad


class _Wanted:
    """``autograd.grad(inputs=...)`` wants only the gradients of ``targets``: it skips the
    nodes that lead to none of them and keeps each target's gradient as it goes by."""

    def __init__(self, roots: list, targets: set[Node], found: dict) -> None:
        self.targets = targets
        self.found = found
        self.needed = _nodes_leading_to([node for node, *_ in roots], targets)

    def skips(self, node: Node) -> bool:
        """True for a node that leads to no target (it does not run)."""
        return node not in self.needed

    def stops_at(self, node: Node, grad: Any) -> bool:
        """Keep a target's gradient; True if nothing further down is wanted."""
        if node not in self.targets:
            return False
        self.found[node] = grad
        return not any(n in self.needed for n in node._edges)


def _nodes_leading_to(roots: list[Node], targets: set[Node]) -> set[Node]:
    """The targets and the op nodes from which some target can be reached."""
    found = {node for node in roots if node._edges}  # an AccumulateGrad has no edges
    stack = list(found)
    while stack:  # every op node reachable from the roots (a stack: no recursion)
        for child in stack.pop()._edges:
            if child is not None and child not in found and child._edges:
                found.add(child)
                stack.append(child)
    needed = set(targets)
    for node in sorted(found, key=lambda n: n._sequence_nr):  # oldest first
        if any(n in needed for n in node._edges):
            needed.add(node)
    return needed


def _free(ran: list[Node]) -> None:
    """Without ``retain_graph``, the saved tensors of the nodes that ran are given up: a second
    backward through them raises."""
    for node in ran:
        node._released = True


def accumulate(leaf: Tensor, grad: Any, create_graph: bool) -> None:
    """``leaf.grad += grad``, creating ``.grad`` the first time."""
    if create_graph:
        grad = grad if grad._data.dtype is leaf._data.dtype else grad.to(leaf.dtype)
        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
    elif leaf._grad is None:
        leaf._grad = Tensor._make(np.array(grad, dtype=leaf._data.dtype))  # a copy
    elif leaf._grad.grad_fn is not None:
        leaf._grad = leaf._grad + as_tensor(grad)
    else:  # in place: whoever holds .grad sees it change
        leaf._grad._data[...] = leaf._grad._data + grad


def as_tensor(grad: Any) -> Tensor:
    """A gradient array (or NumPy scalar) as a Tensor."""
    return Tensor._make(np.asarray(grad))
