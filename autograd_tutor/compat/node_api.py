"""What a built-in node saved for backward, under PyTorch's names: ``y.grad_fn._saved_self``,
``_saved_other`` and ``_saved_result``. PyTorch generates one such attribute per saved value of
each op; here three properties, attached to the kernel's ``Node`` by ``_attach`` at the end,
cover the ops' inputs and output. ``None`` when the op did not save that value; an
``AttributeError`` where PyTorch's node has no such attribute (a Function you wrote, an op that
saved nothing); after a backward without ``retain_graph``, the freed-graph error."""

from __future__ import annotations

from typing import Any

from ..kernel.function import Node


class _NodeAPI:
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


def _attach(cls: type, api: type) -> None:
    """Give ``cls`` (the kernel's Node) every property defined in ``api``."""
    for name, value in vars(api).items():
        if isinstance(value, property):
            setattr(cls, name, value)


_attach(Node, _NodeAPI)
