"""The backward pass: walk the graph from the output back to the leaves, applying the chain rule.

1. Start with d(output)/d(output) = 1 at the output's node.
2. Each node must wait until every node that sends it gradient has run. A node is always
   created after the nodes of its inputs (an op can only use tensors that already exist), so
   the rule is simple: of the nodes that have received some gradient, run the newest one.
   (PyTorch's engine orders its "ready queue" by the same creation number; it also counts
   each node's senders beforehand, which this rule makes unnecessary.) A node that runs
   gets the sum of the gradients sent to it, calls its op's ``backward`` and sends one
   gradient to each input's node. A tensor used twice simply receives two gradients, which
   are added. No recursion, so graphs thousands of ops deep work.
3. What is left over then is the leaves' gradients (sent to their ``AccumulateGrad`` nodes),
   now complete: they are added into ``.grad``.

Leaves are written only after the whole pass succeeded, so an error leaves every ``.grad`` and
the graph as they were.
"""

from __future__ import annotations

import functools
import heapq
import operator
from typing import Any, Sequence

import numpy as np

from .anomaly_mode import _Anomaly, _call_checked
from .function import Node, grad_node
from .grad_mode import _Mode
from .tensor import Tensor


def _nodes_leading_to(roots: Sequence[Node], targets: set[Node]) -> set[Node]:
    """The targets and the op nodes from which some target can be reached: when only some
    gradients are asked for (``autograd.grad``), only these nodes need to run."""
    found = {node for node in roots if node._edges}  # an AccumulateGrad has no edges
    stack = list(found)
    while stack:  # every op node reachable from the roots (a stack: no recursion)
        for child in stack.pop()._edges:
            if child is not None and child not in found and child._edges:
                found.add(child)
                stack.append(child)
    needed = set(targets)
    for node in sorted(found, key=operator.attrgetter("_sequence_nr")):  # oldest first
        if any(n in needed for n in node._edges):
            needed.add(node)
    return needed


def _roots(
    outputs: Sequence[Any], grad_outputs: Sequence[Any], create_graph: bool
) -> list[tuple[Node, Any, Any]]:
    """Where the backward pass starts: each output's node with d(output)/d(output), which is
    ones or the gradient passed in (Tensors with ``create_graph``, else their arrays: see
    ``_run_backward``)."""
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"got {len(outputs)} tensors and {len(grad_outputs)} gradients. Pass one gradient "
            "(or None) per output tensor."
        )
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn. "
                "Create the inputs with requires_grad=True (and not inside torch.no_grad()) "
                "before computing this tensor, then call backward() on it."
            )
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs. This tensor has "
                    f"shape {list(out.shape)}: reduce it to one number first (e.g. "
                    "out.sum().backward() or out.mean().backward()), or pass the gradient "
                    "explicitly: out.backward(gradient=torch.ones_like(out))."
                )
            if out._data.ndim == 0 and not create_graph:  # a loss: d(loss)/d(loss) = 1 as a
                roots.append((grad_node(out), _one(out._data.dtype), out))  # NumPy scalar,
                continue  # the cheapest to compute with
            ones = np.empty(out._data.shape, out._data.dtype)
            ones.fill(1)  # np.ones, without its Python-level overhead
            roots.append((grad_node(out), Tensor._make(ones) if create_graph else ones, out))
            continue
        elif not isinstance(g, Tensor):
            raise TypeError(
                f"gradient must be a Tensor, not {type(g).__name__}. "
                "Wrap it with torch.tensor(...) first."
            )
        if g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}. The gradient you pass must have exactly the shape "
                "of the tensor you call backward() on."
            )
        if g._data.dtype != out._data.dtype:
            g = g.to(out.dtype)  # as in PyTorch, the gradient takes the output's dtype
        roots.append((grad_node(out), g if create_graph else g._data, out))
    return roots


@functools.cache
def _one(dtype: np.dtype) -> np.generic:
    """1 as a NumPy scalar of ``dtype`` (made once: making one costs more than reading it)."""
    return dtype.type(1)


def _run_backward(
    roots: list[tuple[Node, Any, Any]],
    retain_graph: bool,
    create_graph: bool,
    targets: set[Node] | None = None,
) -> dict[Node, Any]:
    """Propagate gradients from ``roots``; return the complete gradient of each leaf's
    ``AccumulateGrad`` node (and, for ``autograd.grad``, of each node in ``targets``).

    The gradients are NumPy arrays in a plain ``backward()`` and Tensors with
    ``create_graph=True``, so that the gradient's own computation is recorded."""
    found: dict[Node, Any] = {}  # node -> its complete gradient (leaves, grad()'s inputs)
    wanted = None if targets is None else _Wanted(roots, targets, found)  # grad(inputs=)
    call_backward = _call_checked if _Anomaly.enabled else Node._call_backward
    if Node._hooked:  # grad_fn.register_hook / register_prehook was used
        call_backward = _with_node_hooks(call_backward)
    received: dict[Node, Any] = {}  # node -> the sum of the gradients sent to it so far
    ready: list[tuple[int, Node]] = []  # op nodes that received a gradient: newest first
    for node, grad, out in roots:
        _send(received, ready, node, grad, out)
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


def _with_node_hooks(call_backward: Any) -> Any:
    """``call_backward`` that also runs the hooks registered on the node (PyTorch's order: the
    pre-hooks see, and may replace, the gradients the node received; the hooks see those and
    the gradients it computed for its inputs, and may replace the latter)."""

    def call(node: Node, grad: Any) -> tuple:
        if not (node._node_prehooks or node._node_hooks):
            return call_backward(node, grad)
        several = node._n_outputs != 1
        arrays = not any(isinstance(g, Tensor) for g in (grad if several else (grad,)))
        grad_outputs = _hook_tensors(grad if several else (grad,))
        for hook in tuple((node._node_prehooks or {}).values()):
            grad_outputs = tuple(hook(grad_outputs) or grad_outputs)
        grad = _hook_grads(grad_outputs, arrays)
        grad_inputs = call_backward(node, grad if several else grad[0])
        for hook in tuple((node._node_hooks or {}).values()):
            new = hook(_hook_tensors(grad_inputs), grad_outputs)
            grad_inputs = grad_inputs if new is None else _hook_grads(tuple(new), arrays)
        return grad_inputs

    return call


def _hook_tensors(grads: Any) -> tuple:
    """Gradients as a node hook sees them: a tuple of Tensors (or None)."""
    return tuple([g if g is None or isinstance(g, Tensor) else _as_tensor(g) for g in grads])


def _hook_grads(grads: tuple, arrays: bool) -> tuple:
    """What a hook returned, back as the engine's gradients (arrays in a plain backward)."""
    if not arrays:
        return grads
    return tuple([g._data if isinstance(g, Tensor) else g for g in grads])


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


class _Wanted:
    """``autograd.grad(inputs=...)`` wants only the gradients of ``targets``: it skips the
    nodes that lead to none of them and keeps each target's gradient as it goes by."""

    def __init__(self, roots: list[tuple[Node, Any, Any]], targets: set[Node], found: dict) -> None:
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


def _free(ran: list[Node]) -> None:
    """Without ``retain_graph``, the saved tensors of the nodes that ran are given up: a second
    backward through them raises."""
    for node in ran:
        node._released = True


def _run_hooks(hooks: dict, grad: Any) -> Any:
    """Call each hook with the gradient (as a Tensor); one that returns a tensor replaces the
    gradient."""
    if not isinstance(grad, Tensor):
        return _run_hooks(hooks, _as_tensor(grad))._data
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


def _accumulate(leaf: Any, grad: Any, create_graph: bool) -> None:
    """``leaf.grad += grad``, creating ``.grad`` the first time."""
    if create_graph:
        grad = grad if grad._data.dtype is leaf._data.dtype else grad.to(leaf.dtype)
        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
    elif leaf._grad is None:
        leaf._grad = Tensor._make(np.array(grad, dtype=leaf._data.dtype))  # a copy
    elif leaf._grad.grad_fn is not None:
        leaf._grad = leaf._grad + _as_tensor(grad)
    else:  # in place: whoever holds .grad sees it change (`+=` is slower on tiny arrays)
        leaf._grad._data[...] = leaf._grad._data + grad


def _as_tensor(grad: Any) -> Any:
    """A gradient array (or NumPy scalar) as a Tensor."""
    return Tensor._make(np.asarray(grad))


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Compute the gradient of ``tensors`` with respect to the graph leaves and add it into
    their ``.grad`` (what ``loss.backward()`` calls)."""
    outputs = _as_sequence(tensors)
    grad_outputs = _as_sequence(grad_tensors) if grad_tensors is not None else [None] * len(outputs)
    roots = _roots(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        chosen = _as_sequence(inputs)
        if not chosen:
            raise RuntimeError(
                "`inputs` argument to `backward()` cannot be empty. Leave it out to compute the "
                "gradients of all leaves."
            )
        nodes = [_input_node(t, "inputs") for t in chosen]
        arrived = _run_backward(roots, retain_graph, create_graph, set(nodes))
        for t, node in zip(chosen, nodes):
            if node in arrived:
                _accumulate(t, arrived[node], create_graph)
        return
    arrived = _run_backward(roots, retain_graph, create_graph)
    for node, grad in arrived.items():
        _accumulate(node.variable, grad, create_graph)  # type: ignore[attr-defined]


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    outs = _as_sequence(outputs)
    ins = _as_sequence(inputs)
    if not ins:
        raise RuntimeError(
            "`inputs` argument to `grad()` cannot be empty. Pass the tensors you want the "
            "gradients of."
        )
    grad_outs = _as_sequence(grad_outputs) if grad_outputs is not None else [None] * len(outs)
    roots = _roots(outs, grad_outs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    nodes = [_input_node(t, "inputs") for t in ins]
    arrived = _run_backward(roots, retain_graph, create_graph, set(nodes))
    result = []
    for i, (t, node) in enumerate(zip(ins, nodes)):
        g = arrived.get(node)
        if g is not None and not create_graph:
            g = _as_tensor(g).to(t.dtype)
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior; its "
                    "gradient is then None."
                )
            if materialize_grads:
                g = Tensor._make(np.zeros_like(t._data))
        result.append(g)
    return tuple(result)


def _input_node(t: Any, what: str) -> Node:
    if not isinstance(t, Tensor):
        raise RuntimeError(
            f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}. Pass "
            "the tensors (created with requires_grad=True) you want the gradients of."
        )
    if not t.requires_grad:
        raise RuntimeError(
            f"One of the differentiated Tensors does not require grad. Every tensor in {what} "
            "must have requires_grad=True (create it with requires_grad=True)."
        )
    return grad_node(t)


def _as_sequence(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]
