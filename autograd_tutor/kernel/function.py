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
    _pre_hooks: dict | None = None
    _arrays = False  # in a plain backward(): saved_tensors gives the NumPy arrays
    _sequence_nr = 0  # creation order: a node is always newer than the nodes it sends to
    _n_outputs = 1  # a Function you write may return several tensors
    _saved_outputs: dict | None = None  # ... and save some of them: index -> output nr
    _unpack: Any = None  # under saved_tensors_hooks: gives back what pack_hook made (_packed)

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
            return self._as_outputs(saved)
        return saved

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
        return grads if function._built_in else self._checked(grads)  # autograd/function.py


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
    """Gradient Tensors back as the arrays a plain ``backward()`` sends on."""
    return tuple([g if g is None else g._data for g in grads])


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
        # A node class per op, for PyTorch's names alone: type(y.grad_fn).__name__, its repr
        # and y.grad_fn.name() say "MulBackward0". It holds nothing but the op it belongs to.
        name = cls.__dict__.get("node_name") or f"{cls.__name__}Backward"
        cls._node_cls = type(name, (Node,), {"_function": cls, "__module__": cls.__module__})
        # The built-in ops' formulas are tested against PyTorch. A Function you write goes
        # through PyTorch's whole contract, and what its backward returns is checked.
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
        if not cls._built_in:  # a Function you write: PyTorch's whole contract for it
            return cls._apply_yours(args)  # (autograd/function.py)
        ctx = cls._node_cls()
        recording = _Mode.enabled
        if recording:  # forward reads it, to save only what backward will use
            needs = []
            for a in args:
                needs.append(isinstance(a, Tensor) and a._requires_grad)
            ctx.needs_input_grad = needs = tuple(needs)
        result = cls.forward(ctx, *args)  # a built-in forward computes on arrays
        out = Tensor._make(result if type(result) is np.ndarray else as_array(result))
        if cls.is_view and isinstance(args[0], Tensor):
            out._share_version_with(args[0], view=(cls, args[1:]))
        if recording and True in needs:
            ctx._record(args, out)
        return out


def as_array(result: Any) -> np.ndarray:
    """What a forward returned, as an array: a Tensor's, or the NumPy scalar a full reduction
    gives."""
    return result._data if isinstance(result, Tensor) else np.asarray(result)


_BUILT_IN = ("autograd_tutor.ops.", "autograd_tutor.nn.")  # modules of the built-in ops
