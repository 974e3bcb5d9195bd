"""PyTorch's API of a graph node, attached to the kernel's ``Node`` by ``_attach`` at the end.

- What a built-in node saved for backward, under PyTorch's names: ``y.grad_fn._saved_self``,
  ``_saved_other`` and ``_saved_result``. PyTorch generates one such attribute per saved value
  of each op; here three properties cover the ops' inputs and output. ``None`` when the op did
  not save that value; an ``AttributeError`` where PyTorch's node has no such attribute (a
  Function you wrote, an op that saved nothing); after a backward without ``retain_graph``,
  the freed-graph error.
- ``grad_fn(*grad_outputs)`` and ``_replay`` (what ``autograd.graph.replay`` calls): a node's
  backward called by hand.
- PyTorch's error texts for a saved tensor that is gone or was changed in place (the kernel's
  ``Node.saved_tensors`` raises them).
- Hooks on a node: ``grad_fn.register_hook(fn(grad_inputs, grad_outputs))`` and
  ``register_prehook(fn(grad_outputs))``. The first one registered adds ``_with_node_hooks``
  to the engine's ``call_wrappers``: until then they cost the engine nothing.
"""

from __future__ import annotations

from typing import Any, Callable

from ..autograd.anomaly_mode import is_anomaly_enabled
from ..kernel import engine
from ..kernel.function import Node
from ..kernel.grad_mode import _Mode
from ..kernel.tensor import Tensor, _RemovableHandle
from .dtype import type_string


class _NodeAPI:
    _node_hooks: dict | None = None  # register_hook: hook(grad_inputs, grad_outputs)
    _node_prehooks: dict | None = None  # register_prehook: hook(grad_outputs)

    def __call__(self, *grad_outputs: Any) -> Any:
        """Apply this node's backward to ``grad_outputs`` (as PyTorch's ``grad_fn(...)``)."""
        grads = self._call_backward(grad_outputs if self._n_outputs != 1 else grad_outputs[0])
        return grads if len(grads) != 1 else grads[0]

    def _replay(self, *grad_outputs: Any) -> tuple:
        """Gradients for each input given ``grad_outputs``, computed without recording and even
        after a backward freed the saved tensors. Used by the visualiser; touches no ``.grad``."""
        released, self._released = self._released, False
        prev, _Mode.enabled = _Mode.enabled, False
        try:
            return self._call_backward(grad_outputs if self._n_outputs != 1 else grad_outputs[0])
        finally:
            _Mode.enabled = prev
            self._released = released

    def _freed_error(self) -> RuntimeError:
        return RuntimeError(
            "Trying to backward through the graph a second time (or directly access saved "
            "tensors after they have already been freed). Saved intermediate values of the "
            "graph are freed when you call .backward() or autograd.grad(). Specify "
            "retain_graph=True if you need to backward through the graph a second time or "
            "if you need to access saved tensors after calling backward. To fix it, pass "
            "retain_graph=True to the first backward() call, or recompute the forward pass "
            "before calling backward() again."
        )

    def _modified_error(self, t: Tensor, version: int) -> RuntimeError:
        return RuntimeError(
            "one of the variables needed for gradient computation has been modified by "
            f"an inplace operation: [{type_string(t)} {list(t.shape)}]{_origin(self, t)} "
            f"is at version {t._version}; expected version {version} "
            f"instead. {_version_hint()} To fix it, use the out-of-place form "
            "(y = y + 1 instead of y += 1, "
            "x.add(1) instead of x.add_(1)) or clone() the tensor before changing it."
        )

    def register_hook(self, hook: Callable) -> _RemovableHandle:
        """Call ``hook(grad_inputs, grad_outputs)`` after this node's backward ran: the
        gradients it computed for its inputs and those it received, tuples of Tensors. If the
        hook returns a tuple, that replaces ``grad_inputs``. Returns a handle with
        ``.remove()``."""
        return _add_node_hook(self, "_node_hooks", hook)

    def register_prehook(self, hook: Callable) -> _RemovableHandle:
        """Call ``hook(grad_outputs)`` before this node's backward runs; if it returns a
        tuple, that replaces ``grad_outputs``."""
        return _add_node_hook(self, "_node_prehooks", hook)

    @property
    def _saved_self(self: Any) -> Any:
        """The op's first input, if it was saved for backward (else None)."""
        return _saved_input(self, 0, "_saved_self")

    @property
    def _saved_other(self: Any) -> Any:
        """The op's second input, if it was saved for backward (else None)."""
        return _saved_input(self, 1, "_saved_other")

    @property
    def _saved_result(self: Any) -> Any:
        """The op's output, for the ops whose derivative is written from it (exp, tanh, ...)."""
        if not (self._function._built_in and self._function.save_output):
            raise AttributeError(f"'{self.name()}' object has no attribute '_saved_result'")
        return self.saved_tensors[-1]


def _saved_input(node: Any, i: int, attr: str) -> Any:
    inputs_saved = [a for a in node._inputs if any(a is t for t in node._saved)]
    if not (node._function._built_in and inputs_saved):
        raise AttributeError(f"'{node.name()}' object has no attribute '{attr}'")
    node.saved_tensors  # noqa: B018 - raises if freed by backward, or changed in place
    arg = node._inputs[i] if i < len(node._inputs) else None
    return arg if any(arg is a for a in inputs_saved) else None


def _origin(node: Any, saved: Any) -> str:
    """PyTorch's ", which is output 0 of Mul," for a saved non-leaf tensor: the node itself for
    its own saved output, else the tensor's current ``grad_fn`` (after the in-place change
    that broke it: ``Add`` for ``y += 1``), named without ``Backward0``."""
    own = node._function.save_output and saved is node._saved[-1]
    own = own or any(saved is node._saved[i] for i in node._saved_outputs or ())
    producer = node if own else None
    if producer is None and isinstance(saved, Tensor):
        producer = saved.grad_fn
    if producer is None:
        return ""
    name = producer.name().replace("Backward0", "").replace("Backward", "")
    return f", which is output 0 of {name},"


def _version_hint() -> str:
    """PyTorch's hint after the in-place error: it depends on anomaly mode."""
    if is_anomaly_enabled():
        return ("Hint: the backtrace further above shows the operation that failed to compute "
                "its gradient. The variable in question was changed in there or anywhere "
                "later. Good luck!")
    return ("Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _add_node_hook(node: Any, attr: str, hook: Callable) -> _RemovableHandle:
    if getattr(node, attr) is None:
        setattr(node, attr, {})
    hooks = getattr(node, attr)
    handle = _RemovableHandle(hooks)
    hooks[handle.id] = hook
    if _with_node_hooks not in engine.call_wrappers:  # from now on the engine runs them
        engine.call_wrappers.append(_with_node_hooks)
    return handle


def _with_node_hooks(call_backward: Callable) -> Callable:
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
    return tuple([g if g is None or isinstance(g, Tensor) else engine.as_tensor(g) for g in grads])


def _hook_grads(grads: tuple, arrays: bool) -> tuple:
    """What a hook returned, back as the engine's gradients (arrays in a plain backward)."""
    if not arrays:
        return grads
    return tuple([g._data if isinstance(g, Tensor) else g for g in grads])


def _attach(cls: type, api: type) -> None:
    """Give ``cls`` (the kernel's Node) every method and property defined in ``api``."""
    for name, value in vars(api).items():
        if name not in ("__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"):
            setattr(cls, name, value)


_attach(Node, _NodeAPI)
