"""``torch.autograd.backward`` and ``torch.autograd.grad`` as PyTorch calls them: their
arguments, checked with PyTorch's error texts, become the roots the kernel's engine starts from
(``kernel/engine.py``: ``run_backward``)."""

from __future__ import annotations

import functools
from typing import Any, Sequence

import numpy as np

from ..kernel import engine
from ..kernel.function import Node, grad_node
from ..kernel.tensor import Tensor


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
    grad_outputs = [None] * len(outputs) if grad_tensors is None else _as_sequence(grad_tensors)
    roots = _roots(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        arrived = engine.run_backward(roots, retain_graph, create_graph)
        for node, grad in arrived.items():
            engine.accumulate(node.variable, grad, create_graph)  # type: ignore[attr-defined]
        return
    chosen = _as_sequence(inputs)
    if not chosen:
        raise RuntimeError(
            "`inputs` argument to `backward()` cannot be empty. Leave it out to compute the "
            "gradients of all leaves."
        )
    nodes = [_input_node(t) for t in chosen]
    arrived = engine.run_backward(roots, retain_graph, create_graph, set(nodes))
    for t, node in zip(chosen, nodes):
        if node in arrived:
            engine.accumulate(t, arrived[node], create_graph)


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
    grad_outs = [None] * len(outs) if grad_outputs is None else _as_sequence(grad_outputs)
    roots = _roots(outs, grad_outs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    nodes = [_input_node(t) for t in ins]
    arrived = engine.run_backward(roots, retain_graph, create_graph, set(nodes))
    result = []
    for i, (t, node) in enumerate(zip(ins, nodes)):
        g = arrived.get(node)
        if g is not None and not create_graph:
            g = engine.as_tensor(g).to(t.dtype)
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


def _roots(
    outputs: Sequence[Any], grad_outputs: Sequence[Any], create_graph: bool
) -> list[tuple[Node, Any, Any]]:
    """Where the backward pass starts: each output's node with d(output)/d(output), which is
    ones or the gradient passed in (Tensors with ``create_graph``, else their arrays)."""
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
            g = _ones(out, create_graph)
        elif not isinstance(g, Tensor):
            raise TypeError(
                f"gradient must be a Tensor, not {type(g).__name__}. "
                "Wrap it with torch.tensor(...) first."
            )
        else:
            g = _given(g, i, out, create_graph)
        roots.append((grad_node(out), g, out))
    return roots


def _ones(out: Tensor, create_graph: bool) -> Any:
    """d(out)/d(out) when no gradient is passed: only for an output of one element."""
    if out._data.size != 1:
        raise RuntimeError(
            "grad can be implicitly created only for scalar outputs. This tensor has "
            f"shape {list(out.shape)}: reduce it to one number first (e.g. "
            "out.sum().backward() or out.mean().backward()), or pass the gradient "
            "explicitly: out.backward(gradient=torch.ones_like(out))."
        )
    if out._data.ndim == 0 and not create_graph:  # a loss: a NumPy scalar, the cheapest
        return _one(out._data.dtype)
    ones = np.empty(out._data.shape, out._data.dtype)
    ones.fill(1)  # np.ones, without its Python-level overhead
    return Tensor._make(ones) if create_graph else ones


@functools.cache
def _one(dtype: np.dtype) -> np.generic:
    """1 as a NumPy scalar of ``dtype``."""
    return dtype.type(1)


def _given(g: Tensor, i: int, out: Tensor, create_graph: bool) -> Any:
    """A gradient passed for output ``i``: of its shape, in its dtype (as in PyTorch)."""
    if g._data.shape != out._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
            f"has a shape of {out.shape}. The gradient you pass must have exactly the shape "
            "of the tensor you call backward() on."
        )
    if g._data.dtype != out._data.dtype:
        g = g.to(out.dtype)
    return g if create_graph else g._data


def _input_node(t: Any) -> Node:
    """The node whose gradient ``grad(inputs=...)`` or ``backward(inputs=...)`` returns."""
    if not isinstance(t, Tensor):
        raise RuntimeError(
            f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}. Pass "
            "the tensors (created with requires_grad=True) you want the gradients of."
        )
    if not t.requires_grad:
        raise RuntimeError(
            "One of the differentiated Tensors does not require grad. Every tensor in inputs "
            "must have requires_grad=True (create it with requires_grad=True)."
        )
    return grad_node(t)


def _as_sequence(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]
