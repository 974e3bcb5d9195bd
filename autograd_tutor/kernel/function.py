"""``Function``: one differentiable operation, its forward and its backward side by side.

Every op in ``autograd_tutor.ops`` is a ``Function`` subclass, and so is any op you write
yourself, exactly as in PyTorch::

    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 2 * x

    y = Square.apply(x)      # y.grad_fn is a SquareBackward node

Calling ``apply`` runs ``forward`` and, when gradients are being recorded, creates a graph node
(the ``ctx``). The node remembers which nodes produced the inputs (``next_functions``) and the
tensors ``forward`` saved; ``backward()`` later walks these nodes in reverse.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

import numpy as np

from .grad_mode import _Mode
from .tensor import Tensor


class Node:
    """A node of the backward graph: the ``ctx`` of one ``Function`` call and the ``grad_fn``
    of its output."""

    _function: type[Function]
    # Class-level defaults: a node that records nothing costs one empty object.
    _edges: tuple = ()  # per input: the node its gradient goes to (None for non-tensors)
    needs_input_grad: tuple = ()
    _inputs: tuple = ()
    _value: np.ndarray | None = None
    _saved: tuple = ()
    _saved_versions: tuple = ()
    _released = False
    _non_differentiable = False
    _pre_hooks: dict | None = None
    _arrays = False  # in a plain backward(): saved_tensors gives the NumPy arrays
    _sequence_nr = 0  # creation order: a node is always newer than the nodes it sends to
    _forward_trace = ""  # in anomaly mode: where in your code the op was called
    _n_outputs = 1  # a Function you write may return several tensors
    _output_meta: tuple = ()  # then (shape, NumPy dtype) per output: zeros for the missing
    _materialize = True  # see set_materialize_grads
    _dirty: tuple = ()  # the inputs forward changed in place (mark_dirty)
    _node_hooks: dict | None = None  # register_hook: hook(grad_inputs, grad_outputs)
    _node_prehooks: dict | None = None  # register_prehook: hook(grad_outputs)
    _saved_outputs: dict | None = None  # a Function you write saved its output: index -> nr
    _packed: tuple = ()  # under saved_tensors_hooks: what pack_hook made of each saved tensor
    _unpack: Any = None  # ... and the unpack_hook that gives them back

    def name(self) -> str:
        """PyTorch's name for this node, e.g. ``"PowBackward0"``."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """One ``(node, output_nr)`` pair per tensor input, as PyTorch shows them: the input's
        ``grad_fn`` (and which of its outputs the input is), its ``AccumulateGrad`` if it is a
        leaf, or ``None`` for a constant."""
        return tuple(
            [(node, a._output_nr) for node, a in zip(self._edges, self._inputs)
             if isinstance(a, Tensor)]
        )

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    # -- what forward may call on ctx ------------------------------------------------------
    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors for ``backward``; they are checked for in-place changes when read."""
        self._saved = tensors  # apply() notes their versions if the node is kept

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

    @property
    def saved_tensors(self) -> tuple:
        """The tensors saved by ``forward``. Raises if a backward already freed them, or if one
        was changed in place after it was saved (its gradient would be wrong)."""
        if self._released:
            raise self._freed_error()  # PyTorch's error texts: compat/node_api.py
        for t, version in zip(self._saved, self._saved_versions):
            if t is not None and t._vc is not None and t._vc[0] != version:  # t._version
                raise self._modified_error(t, version)
        saved = self._saved
        if self._unpack is not None:  # saved under saved_tensors_hooks
            saved = tuple([p if p is None else self._unpack(p) for p in self._packed])
        if self._arrays:
            return tuple([t if t is None else t._data for t in saved])
        if self._function.save_output:  # the output again, with this node as its grad_fn
            out = _without_grad_fn(saved[-1])
            out.grad_fn = self
            return (*saved[:-1], out)
        if self._saved_outputs:  # the same for the outputs a Function you wrote saved
            return tuple(
                [self._as_output(t, self._saved_outputs[i]) if i in self._saved_outputs else t
                 for i, t in enumerate(saved)]
            )
        return saved

    def _as_output(self, saved: Any, nr: int) -> Any:
        """A saved output as ``backward`` reads it: with this node as its ``grad_fn``, so that
        a gradient computed from it can be differentiated again (double backward)."""
        out = _without_grad_fn(saved)
        out.grad_fn, out._output_nr = self, nr
        return out

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

    def _record(self, inputs: tuple, out: Any) -> None:
        """Make this node ``out.grad_fn``: remember the inputs, the edges to the nodes that
        produced them and the versions of the saved tensors."""
        self._inputs = inputs
        self._value = out._data
        edges = []
        for a in inputs:
            edges.append((a.grad_fn or grad_node(a)) if isinstance(a, Tensor) else None)
        self._edges = tuple(edges)
        self._sequence_nr = next(_created)
        if self._function.save_output:  # not `out` itself: its grad_fn is this node (a cycle)
            self._saved = (*self._saved, _without_grad_fn(out))
        if self._saved:
            versions = []
            for t in self._saved:
                versions.append(0 if t is None or t._vc is None else t._vc[0])  # t._version
            self._saved_versions = tuple(versions)
        for note in record_notes:
            note(self)
        out._requires_grad = True
        out.grad_fn = self
        if out._base is not None:  # a view: it must follow in-place changes of its base
            out._base._track_view(out)

    # -- what the engine calls -------------------------------------------------------------
    def _call_backward(self, grad: Any) -> tuple:
        """Run the op's ``backward`` on the gradient of its output (a node with several outputs:
        on one gradient per output); return one gradient per input.

        The gradients are NumPy arrays in a plain ``backward()`` and Tensors when the gradient
        itself is recorded (``create_graph=True``). An op whose ``backward`` works on both
        (``array_backward``) gets them as they are; any other gets Tensors.
        """
        function = self._function
        several = self._n_outputs != 1
        arrays = not (any(isinstance(g, Tensor) for g in grad) if several else
                      isinstance(grad, Tensor))
        if arrays and not function.array_backward:
            return _as_arrays(self._call_backward(_as_tensors(grad, several)))
        self._arrays = arrays  # what saved_tensors gives while backward runs
        try:
            grads = function.backward(self, *grad) if several else function.backward(self, grad)
        finally:
            self._arrays = False  # read from outside, saved_tensors gives Tensors again
        if type(grads) is not tuple:
            grads = (grads,)
        return grads if function._built_in else _checked(self, grads)

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


def _without_grad_fn(out: Any) -> Any:
    """``out`` as its node keeps it: the same values and version counter, no ``grad_fn``.
    Keeping ``out`` itself would make a reference cycle (node -> out -> node) that only the
    garbage collector frees, keeping every array of the graph alive until it runs."""
    if out._vc is None:
        out._vc = [0]
    alias = Tensor._make(out._data, True)
    alias._vc = out._vc
    return alias


_created = itertools.count(1)  # numbers the nodes in the order they are made
# Extensions that note something on every node recorded, called with it: anomaly mode (where
# in your code the op ran), saved_tensors_hooks (packs what the node saved), inference mode
# (refuses to save an inference tensor). Empty, the kernel records exactly what is above.
record_notes: list[Callable[[Node], None]] = []


def _as_tensors(grad: Any, several: bool) -> Any:
    """Gradient arrays as Tensors (one, or a tuple of them for a node with several outputs)."""
    if several:
        return tuple([g if g is None else Tensor._make(np.asarray(g)) for g in grad])
    return Tensor._make(np.asarray(grad))


def _as_arrays(grads: tuple) -> tuple:
    return tuple([g if g is None else g._data for g in grads])


def _checked(node: Node, grads: tuple) -> tuple:
    """What the backward of a Function you wrote returned, checked: one gradient per input
    (extra ``None``s are dropped), each of its input's shape (a broadcast one is summed back)."""
    inputs = node._inputs
    if len(grads) != len(inputs):
        if len(grads) > len(inputs) and all(g is None for g in grads[len(inputs):]):
            grads = grads[: len(inputs)]
        else:
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients (expected "
                f"{len(inputs)}, got {len(grads)}). backward() must return one gradient "
                "per input of forward(), using None for inputs that need none."
            )
    for i, (arg, g) in enumerate(zip(inputs, grads)):
        if g is not None and isinstance(arg, Tensor) and g.shape != arg._data.shape:
            grads = (*grads[:i], _sum_to_input(node, i, g, arg), *grads[i + 1 :])
    return grads


def _sum_to_input(node: Node, i: int, grad: Any, arg: Any) -> Any:
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


def grad_node(t: Tensor) -> Node | None:
    """The node gradients for ``t`` are sent to: its ``grad_fn``, or for a leaf that requires
    grad its ``AccumulateGrad`` (made on first use); None if it needs none."""
    if t.grad_fn is not None:
        return t.grad_fn
    if not t._requires_grad:
        return None
    # The leaf points to its AccumulateGrad only weakly, as in PyTorch: the graphs that use
    # it keep it alive, and no reference cycle (leaf <-> node) is left for the garbage
    # collector to find.
    node = t._accumulator() if t._accumulator is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accumulator = weakref.ref(node)
    return node


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: it adds the arriving gradient into ``.grad``."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self._sequence_nr = next(_created)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


class Function:
    """Base class of every differentiable op: subclass it, write ``forward`` and ``backward``
    as static methods, call ``YourOp.apply(...)``.

    ``forward(ctx, *inputs)`` computes the result (a Tensor or a NumPy array). It runs with
    recording off, so it may use tensor operations freely.
    ``backward(ctx, grad_output)`` gets the gradient of the loss with respect to the output and
    returns one gradient per input of ``forward`` (``None`` for inputs that need none): this is
    the chain rule, upstream gradient times local derivative.

    Class attributes a subclass may set:
    ``node_name``: the graph node's name (default ``<ClassName>Backward``);
    ``save_output``: append the output to ``ctx.saved_tensors`` (for ops whose derivative is
    easiest written from their result, like ``exp``);
    ``is_view``: the output shares memory with the first input (reshape, transpose, ...);
    ``array_backward``: ``backward`` works on NumPy arrays as well as on Tensors (it uses only
    operators, ``.shape``/``.reshape``/``.sum``, the helpers of ``ops/_util.py`` and
    ``ops.select.where_or_zero``). A plain
    ``backward()`` then runs it on the arrays, which skips building a Tensor for every
    intermediate gradient; with ``create_graph=True`` it still gets Tensors, so its work is
    recorded.
    """

    node_name: str | None = None
    save_output = False
    is_view = False
    array_backward = False
    _node_cls: type[Node]
    _built_in = False  # see __init_subclass__
    _own_setup_context = False  # forward(*args) without ctx, then setup_context (see there)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("node_name") or f"{cls.__name__}Backward"
        cls._node_cls = type(name, (Node,), {"_function": cls, "__module__": cls.__module__})
        # The built-in ops' formulas are tested against PyTorch and also work on plain arrays.
        # A Function you write gets Tensors, and what its backward returns is checked, so a
        # wrong backward gets a clear error.
        cls._built_in = cls.__module__.startswith(_BUILT_IN)
        # PyTorch's test for the newer style: a subclass that writes its own setup_context.
        cls._own_setup_context = cls.setup_context is not Function.setup_context

    @staticmethod
    def forward(ctx: Node, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("write forward(ctx, ...) in your Function subclass")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError("write backward(ctx, grad_output) in your Function subclass")

    @staticmethod
    def setup_context(ctx: Node, inputs: tuple, output: Any) -> Any:
        """The newer style (PyTorch 2.0): write ``forward(*args)`` without ``ctx`` and this
        static method, which gets the inputs and what forward returned and saves on ``ctx``
        what ``backward`` needs (``ctx.save_for_backward(*inputs)``)."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` and, if any input requires grad, record a node for ``backward``."""
        if not cls._built_in:
            return _apply_yours(cls, args)
        ctx = cls._node_cls()
        recording = _Mode.enabled
        if recording:  # forward reads it, to save only what backward will use
            needs = []
            for a in args:
                needs.append(isinstance(a, Tensor) and a._requires_grad)
            ctx.needs_input_grad = needs = tuple(needs)
        result = cls.forward(ctx, *args)  # a built-in forward computes on arrays
        if type(result) is tuple:
            return _several_outputs(ctx, args, result, recording and True in needs)
        out = Tensor._make(result if type(result) is np.ndarray else _array(result))
        if cls.is_view and isinstance(args[0], Tensor):
            out._share_version_with(args[0], view=(cls, args[1:]))
        if recording and True in needs:
            ctx._record(args, out)
        return out


def _array(result: Any) -> np.ndarray:
    """What a forward returned, as an array: a Tensor's, or the NumPy scalar a full reduction
    gives."""
    return result._data if isinstance(result, Tensor) else np.asarray(result)


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
    out = Tensor._make(_array(result))
    if recording and ctx._dirty and any(result is t for t in ctx._dirty):
        out = result  # changed in place: the output is the input itself (as in PyTorch)
    if cls.is_view and isinstance(args[0], Tensor):
        out._share_version_with(args[0], view=(cls, args[1:]))
    if recording and True in needs and not ctx._non_differentiable:
        ctx._record(args, out)
        if ctx._saved:
            ctx._keep_outputs((result,), (out,))
    return out


def _several_outputs(ctx: Node, args: tuple, results: tuple, record: bool) -> tuple:
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


def _forward_unrecorded(cls: type[Function], ctx: Node, args: tuple) -> Any:
    """``forward`` of a Function you wrote, with recording off: the tensor operations it uses
    are how it computes, not part of the graph."""
    _Mode.enabled = False
    try:
        if cls._own_setup_context:
            return _forward_then_setup_context(cls, ctx, args)
        return cls.forward(ctx, *args)
    finally:
        _Mode.enabled = True


def _forward_then_setup_context(cls: type[Function], ctx: Node, args: tuple) -> Any:
    """The newer style: ``forward`` gets no ``ctx``; ``setup_context`` gets it afterwards,
    with the inputs and what ``forward`` returned."""
    result = cls.forward(*args)
    cls.setup_context(ctx, args, result)
    return result


_BUILT_IN = ("autograd_tutor.ops.", "autograd_tutor.nn.")  # modules of the built-in ops
