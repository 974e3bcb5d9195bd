"""``torch.autograd.function``: the contract of a ``Function`` you write, as PyTorch keeps it.

The kernel's ``Function.apply`` (``kernel/function.py``) runs the built-in ops. A Function you
write goes through ``_apply_yours`` below instead, which adds what PyTorch promises such a
Function: ``ctx.needs_input_grad`` even under ``no_grad``, ``forward`` run with recording off
(its tensor operations are how it computes, not part of the graph), the newer style with
``setup_context``, ``ctx.mark_dirty`` (an input changed in place), ``mark_non_differentiable``,
several outputs (one node, ``output_nr`` tells them apart), saved outputs, and a check of what
its ``backward`` returns (one gradient per input, of the input's shape). The methods below
are attached to the kernel's ``Node`` and ``Function`` by ``_attach`` at the end.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.function import Function, Node, _without_grad_fn, as_array
from ..kernel.grad_mode import _Mode
from ..kernel.tensor import Tensor

__all__ = ["Function"]


class _YourCtx:
    """What ``forward`` of a Function you write may call on ``ctx``, besides
    ``save_for_backward``; and what the kernel's ``Node`` asks of such a node."""

    _non_differentiable: Any = False  # mark_non_differentiable: True, or the outputs
    _dirty: tuple = ()  # the inputs forward changed in place (mark_dirty)
    _materialize = True  # see set_materialize_grads
    _output_meta: tuple = ()  # of several outputs: (shape, NumPy dtype) each, for zeros

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """These outputs (e.g. integer indices) get no gradient and no ``grad_fn``."""
        self._non_differentiable = tensors or True

    def mark_dirty(self, *tensors: Any) -> None:
        """``forward`` changed these inputs in place and returns them: each gets a new version
        (so the nodes that saved it refuse it) and, as an output, this node as its
        ``grad_fn``."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Of a Function with several outputs, ``backward`` gets one gradient per output:
        zeros for an output the loss does not depend on (the default), or ``None`` after
        ``set_materialize_grads(False)`` (skip the work for it)."""
        self._materialize = value

    def _as_outputs(self, saved: tuple) -> tuple:
        """The saved outputs as ``backward`` reads them: with this node as their ``grad_fn``,
        so that a gradient computed from them can be differentiated again (double backward)."""
        return tuple([_as_output(self, t, self._saved_outputs[i]) if i in self._saved_outputs
                      else t for i, t in enumerate(saved)])

    def _keep_outputs(self, returned: tuple, outs: tuple) -> None:
        """Of the tensors ``forward`` saved, those it also returned are kept as the outputs
        (without their ``grad_fn``: no reference cycle), so that an in-place change of an
        output is caught and ``saved_tensors`` can give them back with this node as
        ``grad_fn``."""
        saved, kept = list(self._saved), {}
        for i, t in enumerate(saved):
            for nr, r in enumerate(returned):
                if t is r and isinstance(outs[nr], Tensor) and outs[nr].grad_fn is self:
                    saved[i], kept[i] = _without_grad_fn(outs[nr]), nr
        if kept:
            self._saved, self._saved_outputs = tuple(saved), kept

    def _complete(self, slots: list) -> tuple:
        """The gradients of a node with several outputs, one per output: zeros (or ``None``,
        see ``set_materialize_grads``) where none arrived, Tensors if the others are."""
        if not self._materialize:
            return tuple(slots)
        tensors = any(isinstance(g, Tensor) for g in slots)  # with create_graph
        return tuple(
            g if g is not None else
            (Tensor._make(np.zeros(*meta)) if tensors else np.zeros(*meta))
            for g, meta in zip(slots, self._output_meta)
        )

    def _checked(self, grads: tuple) -> tuple:
        """What the backward of a Function you wrote returned, checked: one gradient per input
        (extra ``None``s are dropped), each of its input's shape (a broadcast one is summed
        back)."""
        inputs = self._inputs
        if len(grads) != len(inputs):
            if len(grads) > len(inputs) and all(g is None for g in grads[len(inputs):]):
                grads = grads[: len(inputs)]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients (expected "
                    f"{len(inputs)}, got {len(grads)}). backward() must return one gradient "
                    "per input of forward(), using None for inputs that need none."
                )
        for i, (arg, g) in enumerate(zip(inputs, grads)):
            if g is not None and isinstance(arg, Tensor) and g.shape != arg._data.shape:
                grads = (*grads[:i], _sum_to_input(self, i, g, arg), *grads[i + 1 :])
        return grads


def _as_output(node: Any, saved: Any, nr: int) -> Any:
    """A saved output, with ``node`` as its ``grad_fn`` (and ``nr``: which output it is)."""
    out = _without_grad_fn(saved)
    out.grad_fn, out._output_nr = node, nr
    return out


def _sum_to_input(node: Any, i: int, grad: Any, arg: Any) -> Any:
    """A gradient of a broadcast shape is summed back to the input's shape (as PyTorch does);
    any other shape is a bug in the backward formula."""
    shape = tuple(grad.shape)
    try:
        expandable = np.broadcast_shapes(arg._data.shape, shape) == shape
    except ValueError:
        expandable = False
    if not expandable:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i} - got "
            f"{list(shape)} but expected shape compatible with {list(arg.shape)}. "
            "The gradient for an input must have that input's shape."
        )
    if isinstance(grad, Tensor):
        return grad.sum_to_size(arg._data.shape)  # recorded: its backward is expand
    lead = len(shape) - arg._data.ndim  # dims broadcasting added in front, then stretched ones
    dims = [lead + d for d, n in enumerate(arg._data.shape) if n == 1 and shape[lead + d] != 1]
    return grad.sum(axis=(*range(lead), *dims), keepdims=True).reshape(arg._data.shape)


def _apply_yours(cls: type[Function], args: tuple) -> Any:
    """``apply`` of a Function you write, with PyTorch's whole contract: ``needs_input_grad``
    even under ``no_grad``, ``forward`` run with recording off, ``setup_context``,
    ``mark_dirty``, ``mark_non_differentiable``, several outputs, saved outputs."""
    ctx = cls._node_cls()
    recording = _Mode.enabled
    ctx.needs_input_grad = needs = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
    if recording:
        result = _forward_unrecorded(cls, ctx, args)
    elif cls._own_setup_context:
        result = _forward_then_setup_context(cls, ctx, args)
    else:
        result = cls.forward(ctx, *args)
    if ctx._dirty:
        _bump_dirty(ctx._dirty)
    if type(result) is tuple:
        return _several_outputs(ctx, args, result, recording and True in needs)
    out = Tensor._make(as_array(result))
    if recording and ctx._dirty and any(result is t for t in ctx._dirty):
        out = result  # changed in place: the output is the input itself (as in PyTorch)
    if cls.is_view and isinstance(args[0], Tensor):
        out._share_version_with(args[0], view=(cls, args[1:]))
    if recording and True in needs and not ctx._non_differentiable:
        ctx._record(args, out)
        if ctx._saved:
            ctx._keep_outputs((result,), (out,))
    return out


def _several_outputs(ctx: Any, args: tuple, results: tuple, record: bool) -> tuple:
    """The outputs of a ``forward`` that returned a tuple: each tensor becomes a new output
    whose ``grad_fn`` is this one node (``output_nr`` tells them apart); numbers pass through.
    Outputs passed to ``mark_non_differentiable`` are not recorded."""
    outs = tuple(
        Tensor._make(np.asarray(r._data if isinstance(r, Tensor) else r))
        if isinstance(r, (Tensor, np.ndarray)) else r
        for r in results
    )
    marked = ctx._non_differentiable if isinstance(ctx._non_differentiable, tuple) else ()
    recorded = [
        k for k, (r, out) in enumerate(zip(results, outs))
        if isinstance(out, Tensor) and not any(r is m for m in marked)
    ]
    if record and recorded and ctx._non_differentiable is not True:
        ctx._n_outputs = len(outs)
        ctx._output_meta = tuple(
            (out._data.shape, out._data.dtype) if isinstance(out, Tensor) else ((), np.float32)
            for out in outs
        )
        ctx._record(args, outs[recorded[0]])
        for k in recorded:
            outs[k]._requires_grad = True
            outs[k].grad_fn = ctx
            outs[k]._output_nr = k
        if ctx._saved:
            ctx._keep_outputs(results, outs)
    return outs


def _bump_dirty(dirty: tuple) -> None:
    """The inputs ``forward`` marked dirty (changed in place) get a new version. With recording
    on, a leaf that requires grad cannot have been changed (PyTorch's error)."""
    for t in dirty:
        t._bump_version()
        if _Mode.enabled and t._requires_grad and t.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad has been used in an in-place operation. "
                "Pass a clone() of it to the Function, or change it under `torch.no_grad()`."
            )


def _forward_unrecorded(cls: type[Function], ctx: Any, args: tuple) -> Any:
    """``forward`` of a Function you wrote, with recording off: the tensor operations it uses
    are how it computes, not part of the graph."""
    _Mode.enabled = False
    try:
        if cls._own_setup_context:
            return _forward_then_setup_context(cls, ctx, args)
        return cls.forward(ctx, *args)
    finally:
        _Mode.enabled = True


def _forward_then_setup_context(cls: type[Function], ctx: Any, args: tuple) -> Any:
    """The newer style: ``forward`` gets no ``ctx``; ``setup_context`` gets it afterwards,
    with the inputs and what ``forward`` returned."""
    result = cls.forward(*args)
    cls.setup_context(ctx, args, result)
    return result


def _attach() -> None:
    """Give the kernel's ``Node`` the methods above, and ``Function`` its ``_apply_yours``."""
    for name, value in vars(_YourCtx).items():
        if name not in ("__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"):
            setattr(Node, name, value)
    Function._apply_yours = classmethod(_apply_yours)


_attach()
