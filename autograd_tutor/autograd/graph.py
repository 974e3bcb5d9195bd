"""``torch.autograd.graph``: look at a recorded graph from the outside.

``Node`` is the class of every ``grad_fn`` (as in PyTorch). The functions below are
autograd_tutor's additions: what the visualiser and the exercise checker read, and what a
curious student can call to see what the engine recorded::

    y = x * 3
    node = y.grad_fn                      # MulBackward0
    graph.inputs(node)                    # (x, 3): the op's inputs as passed
    graph.output(node)                    # the numbers the forward pass computed
    graph.replay(node, torch.tensor(1.))  # (∂y/∂x · 1, None): gradient per input, .grad untouched
    graph.array(x)                        # the NumPy array holding x's numbers (not a copy)
    graph.version(x)                      # x's version counter now (PyTorch's x._version)
    graph.input_versions(node)            # version of each tensor input when the op ran
    graph.input_data(node)                # each leaf input's numbers as the op saw them
    graph.cut_of(y.detach())              # ("detach()", y): where the gradient stops

The last three need ``watch(True)`` (``import autograd_tutor.viz`` switches it on): only then
are input versions, leaf inputs' numbers and cuts from the graph noted. Off (the default), they
cost nothing: the kernel has no hook at all, and the compat layer tests one field
(``speed.cut_hook``) in ``detach()`` and in the no-grad shortcut.

``saved_tensors_hooks(pack_hook, unpack_hook)`` is PyTorch's: inside the block, every tensor an
op saves for backward goes through ``pack_hook`` (which may return anything, e.g. a compressed
copy), and backward gets it back through ``unpack_hook``.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any, Callable

import numpy as np

from ..compat import speed
from ..kernel import function
from ..kernel.function import Function, Node
from ..kernel.grad_mode import _Mode
from ..kernel.tensor import Tensor

__all__ = [
    "Node",
    "array",
    "cut_of",
    "input_data",
    "input_versions",
    "inputs",
    "output",
    "replay",
    "save_on_cpu",
    "saved_tensors_hooks",
    "version",
    "watch",
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
        _saved_hooks.append((self.pack_hook, self.unpack_hook))
        if _pack_saved not in function.record_notes:
            function.record_notes.append(_pack_saved)

    def __exit__(self, *exc: object) -> None:
        _saved_hooks.pop()
        if not _saved_hooks:
            function.record_notes.remove(_pack_saved)


_saved_hooks: list = []  # (pack_hook, unpack_hook) pairs of the blocks we are in, innermost last


def _pack_saved(node: Node) -> None:
    """Store ``pack_hook(t)`` of each tensor ``node`` saved (the innermost block's);
    ``saved_tensors`` gives them back through its ``unpack_hook``."""
    if node._saved:
        pack, node._unpack = _saved_hooks[-1]
        node._packed = tuple([t if t is None else pack(t) for t in node._saved])


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
    versions = getattr(node, "_input_versions", None)
    if versions is None or versions is _ALL_ZERO:
        zero = 0 if versions is _ALL_ZERO else None
        return tuple([zero if isinstance(a, Tensor) else None for a in node._inputs])
    return versions


def input_data(node: Node) -> tuple:
    """Per input, a read-only copy of a leaf tensor's numbers taken when the op ran (watching
    only), else ``None`` (a number, a non-leaf, or not watched).

    After ``w -= lr * w.grad`` the graph's values were still computed from these numbers, not
    from ``w``'s numbers now. Tensors at the same version share one copy."""
    return getattr(node, "_input_data", None) or (None,) * len(node._inputs)


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


def version(tensor: Tensor) -> int:
    """``tensor``'s version counter (PyTorch's ``tensor._version``): how many in-place changes
    it (or a tensor sharing its memory) has had. Compare it with ``input_versions``."""
    return tensor._version


# ---- watching: input versions and cuts ---------------------------------------------------
# While watching, ``Function.apply`` is ``_watched_apply`` (the kernel's own ``apply`` plus two
# notes), and ``speed.cut_hook`` is ``_note_cut`` (read by ``Tensor.detach`` and the no-grad
# shortcut ``speed.unrecorded_binary``, which do not go through ``apply``). Where a tensor left
# the graph (``detach()``, or an op run under ``no_grad`` on a tensor that requires grad) is
# noted in a side table keyed by id: tensors carry no extra field, and nothing here keeps a
# tensor alive (but the source of a "not recorded" result, while that result lives).

_ALL_ZERO = ("every tensor input at version 0",)  # Node._input_versions of most nodes
_cuts: dict = {}  # id(cut tensor) -> (weakref to it, label, callable giving the source)
# id(leaf) -> (weakref to it, its version, weakref to the copy of its numbers at that version):
# one copy per version however many ops use it. Recorded nodes keep the copies alive.
_copies: dict = {}
_plain_apply = Function.__dict__["apply"]  # the kernel's classmethod


def watch(on: bool = True) -> None:
    """Start (or stop) noting cuts and input versions for ``cut_of`` and ``input_versions``."""
    speed.cut_hook = _note_cut if on else None
    Function.apply = _WATCHED_APPLY if on else _plain_apply
    if not on:
        _copies.clear()


def cut_of(t: Any) -> tuple | None:
    """``(label, source)`` if ``t`` was cut from the graph while watching, else ``None``.

    ``label`` is ``"detach()"``, ``"no_grad"``, or ``"not recorded"`` for a result computed
    (with recording on) from a tensor that was itself cut, like ``w.detach() ** 2``: no input
    required grad, so nothing was recorded. ``source`` is the tensor it was cut from, or
    ``None`` if that tensor no longer exists (the source of a ``"not recorded"`` result is kept
    alive with it: it is often a temporary such as ``w.detach()``)."""
    entry = _cuts.get(id(t))
    if entry is None or entry[0]() is not t:
        return None
    return entry[1], entry[2]()


def _note_cut(label: str, args: tuple, out: Any, keep: bool = False) -> None:
    """Note that ``out`` was computed from ``args`` without recording (watching only); with
    `keep`, the table holds the source alive as long as ``out`` lives."""
    for a in args:
        if isinstance(a, Tensor) and (a._requires_grad or id(a) in _cuts) and a is not out:
            key = id(out)
            _cuts[key] = (weakref.ref(out, lambda _, key=key: _cuts.pop(key, None)), label,
                          (lambda a=a: a) if keep else weakref.ref(a))
            return


def _recorded_copies(args: tuple, counters: list) -> tuple:
    """Per input, a read-only copy of a leaf tensor's numbers (else ``None``): one copy per
    tensor and version, shared by every op that uses it."""
    out = []
    for a, version in zip(args, counters):
        copy = None
        if isinstance(a, Tensor) and a.grad_fn is None:
            version = version or 0
            entry = _copies.get(id(a))
            if entry is not None and entry[1] == version and entry[0]() is a:
                copy = entry[2]()
            if copy is None:
                copy = a._data.copy()
                copy.flags.writeable = False
                key = id(a)
                _copies[key] = (weakref.ref(a, lambda _, key=key: _copies.pop(key, None)),
                                version, weakref.ref(copy))
        out.append(copy)
    return tuple(out)


# ``Function.apply`` while watching: the node it records also keeps its inputs' versions (one
# shared marker when all are at version 0, the common case) and a copy of each leaf input's
# numbers, and a result computed without recording notes where it was cut from the graph.
# (The copies are taken after the op ran: an op that changes an input in place and records a
# node makes that input a non-leaf, so every leaf input still has the numbers the op saw.)
# ``wraps``: ``help`` and ``inspect.getsource`` of ``Function.apply`` still show the kernel's
# own (notebooks/04_read_the_engine reads it).
@functools.wraps(_plain_apply.__func__)
def _watched_apply(cls: type[Function], *args: Any) -> Any:
    versions = _ALL_ZERO
    counters = [a._vc[0] if isinstance(a, Tensor) and a._vc is not None else None for a in args]
    if any(counters):
        versions = tuple(c if c is not None or not isinstance(a, Tensor) else 0
                         for a, c in zip(args, counters))
    recording = _Mode.enabled
    out = _plain_apply.__func__(cls, *args)
    for o in out if isinstance(out, tuple) else (out,):  # a Function may return several
        if not isinstance(o, Tensor):
            continue
        if not recording:
            _note_cut("no_grad", args, o)
        elif o.grad_fn is not None:  # recorded just now: o is a new tensor
            o.grad_fn._input_versions = versions
            o.grad_fn._input_data = _recorded_copies(args, counters)
        elif _cuts:  # nothing required grad; computed from a cut tensor, say w.detach() ** 2?
            _note_cut("not recorded", args, o, keep=True)
    return out


_WATCHED_APPLY = classmethod(_watched_apply)
