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

from . import function
from .anomaly_mode import _Anomaly, _call_checked
from .function import Node
from .grad_mode import _Mode


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
    Tensor = function.Tensor
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
                roots.append((out._grad_node(), _one(out._data.dtype), out))  # NumPy scalar, the
                continue  # cheapest to compute with
            ones = np.empty(out._data.shape, out._data.dtype)
            ones.fill(1)  # np.ones, without its Python-level overhead
            roots.append((out._grad_node(), Tensor._make(ones) if create_graph else ones, out))
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
        roots.append((out._grad_node(), g if create_graph else g._data, out))
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
    """Propagate gradients from ``roots``. Returns the gradient that reached each leaf's
    ``AccumulateGrad`` node, and each node in ``targets``.

    With ``create_graph`` the gradients are Tensors, so that their computation is recorded.
    Otherwise nothing is recorded and they travel as plain NumPy arrays, which skips building
    a Tensor for each one (ops that need Tensors get them: ``Node._call_backward``)."""
    needed = None if targets is None else _nodes_leading_to([node for node, *_ in roots], targets)
    pending: dict[Node, Any] = {}  # node -> the sum of the gradients sent to it so far
    ready: list[tuple[int, Node]] = []  # op nodes that got a gradient, as a heap: newest first
    for node, grad, out in roots:
        _send(pending, ready, node, grad, out)
    arrived: dict[Node, Any] = {}
    executed: list[Node] = []
    prev, _Mode.enabled = _Mode.enabled, create_graph
    try:
        while ready:
            node = heapq.heappop(ready)[1]
            grad = pending.pop(node)
            if needed is not None and node not in needed:
                continue
            if node._n_outputs != 1:  # a Function with several outputs: a gradient for each
                grad = node._complete(grad, create_graph)
            elif not create_graph and grad.dtype is not node._value.dtype:
                grad = grad.astype(node._value.dtype)  # as in PyTorch: its tensor's dtype
            if node._pre_hooks:  # hooks registered on the node's tensor
                grad = _run_hooks(node._pre_hooks, grad)
            if targets is not None and node in targets:  # asked for by autograd.grad(inputs=)
                arrived[node] = grad
                if not any(n in needed for n in node._edges):  # type: ignore[operator]
                    continue  # nothing further down is asked for
            if _Anomaly.enabled:  # a nan or an error names the forward line behind it
                input_grads = _call_checked(node, grad)
            else:
                input_grads = node._call_backward(grad)
            executed.append(node)
            for next_node, g, arg in zip(node._edges, input_grads, node._inputs):  # per input
                if next_node is not None and g is not None:
                    _send(pending, ready, next_node, g, arg)
        for leaf, grad in pending.items():  # what is left: the leaves' complete gradients
            if targets is not None and leaf not in targets:
                continue
            tensor = leaf.variable  # type: ignore[attr-defined]
            if not create_graph and grad.dtype is not tensor._data.dtype:
                grad = grad.astype(tensor._data.dtype)
            if tensor._hooks:
                grad = _run_hooks(tensor._hooks, grad)
            arrived[leaf] = grad
    finally:
        _Mode.enabled = prev
    if not retain_graph:
        for node in executed:
            node._released = True  # later reads of its saved tensors raise
    return arrived


def _send(pending: dict[Node, Any], ready: list, node: Node, grad: Any, tensor: Any) -> None:
    """Add ``grad`` (the gradient of ``tensor``) to what ``node`` has received. An op node
    that receives its first gradient joins the ``ready`` heap, keyed by creation number
    (negated: ``heapq`` pops the smallest). A node with several outputs keeps one sum per
    output."""
    if node._n_outputs != 1:
        if node not in pending:
            pending[node] = [None] * node._n_outputs
            heapq.heappush(ready, (-node._sequence_nr, node))
        slots, k = pending[node], tensor._output_nr
        slots[k] = grad if slots[k] is None else slots[k] + grad
        return
    if node in pending:
        pending[node] = pending[node] + grad
    else:
        pending[node] = grad
        if node._edges:  # an op node, not a leaf's AccumulateGrad
            heapq.heappush(ready, (-node._sequence_nr, node))


def _run_hooks(hooks: dict, grad: Any) -> Any:
    """Call each hook with the gradient (as a Tensor); one that returns a tensor replaces the
    gradient."""
    if not isinstance(grad, function.Tensor):
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
        leaf._grad = function.Tensor._make(np.array(grad, dtype=leaf._data.dtype))  # a copy
    elif leaf._grad.grad_fn is not None:
        leaf._grad = leaf._grad + _as_tensor(grad)
    else:  # in place: whoever holds .grad sees it change (`+=` is slower on tiny arrays)
        leaf._grad._data[...] = leaf._grad._data + grad


def _as_tensor(grad: Any) -> Any:
    """A gradient array (or NumPy scalar) as a Tensor."""
    return function.Tensor._make(np.asarray(grad))


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
                from .._creation import zeros_like

                g = zeros_like(t)
        result.append(g)
    return tuple(result)


def _input_node(t: Any, what: str) -> Node:
    if not hasattr(t, "_grad_node"):
        raise RuntimeError(
            f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}. Pass "
            "the tensors (created with requires_grad=True) you want the gradients of."
        )
    if not t.requires_grad:
        raise RuntimeError(
            f"One of the differentiated Tensors does not require grad. Every tensor in {what} "
            "must have requires_grad=True (create it with requires_grad=True)."
        )
    return t._grad_node()


def _as_sequence(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]
