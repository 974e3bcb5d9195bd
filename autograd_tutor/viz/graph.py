"""What to draw: the computational graph behind a tensor, as plain data.

`build_graph(z)` walks backwards from `z` through `grad_fn` and each node's inputs
(exactly what `z.backward()` would walk, read through `autograd.graph`) and returns a `Graph`:
a list of `GNode`s in topological order (inputs first) that the layout, the SVG renderer and
the animation read. It also follows the cuts: a tensor made by `detach()` or under `no_grad`
from one that requires grad points back to where it was cut from, so the picture shows where
the gradient stops. Nothing here draws and nothing touches the student's tensors.
"""

from __future__ import annotations

import re
import sys
import warnings
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import Tensor
from ..autograd import graph as ag
from ..nn import Module

# `import autograd_tutor.viz` switches on the engine's notes of cuts and input versions
ag.watch(True)


@dataclass(frozen=True)
class GNode:
    """One box of the drawing: a leaf, a constant, an intermediate result or the output."""

    id: int
    label: str
    kind: str
    op: str | None
    grad_fn: str | None
    value: np.ndarray
    grad: np.ndarray | None
    inputs: tuple[int, ...]
    node: object = None
    # "detach()", "no_grad" or "not recorded" (computed from a cut tensor, e.g. w.detach() ** 2):
    # this tensor's numbers were cut from the graph, from node cut_from
    cut: Optional[str] = None
    cut_from: Optional[int] = None
    # (version when the graph recorded it, version now): changed in place since, e.g. by an
    # optimizer step. `value` is then what the graph computed with (copied when it was
    # recorded) and `current` the tensor's numbers now; without a copy (the graph was recorded
    # before viz was imported) `value` is the numbers now and `current` is None.
    stale: Optional[Tuple[int, int]] = None
    retains_grad: bool = False  # a non-leaf whose .grad backward() fills (retain_grad())
    current: Optional[np.ndarray] = None
    # False if a leaf input of this op had other numbers when it ran than its box shows (the
    # leaf was changed in place between two uses, or its recorded numbers are unknown)
    inputs_as_shown: bool = True


@dataclass
class Graph:
    """The nodes (topological order, inputs first) and the id of the output node."""

    nodes: list[GNode]
    output: int

    def edges(self) -> list[tuple[int, int]]:
        """`(input_id, consumer_id)` per input slot; `x * x` gives the edge twice."""
        return [(i, n.id) for n in self.nodes for i in n.inputs]

    def cut_edges(self) -> list[tuple[int, int, str]]:
        """`(source_id, cut_node_id, label)`: no gradient flows along these (drawn dashed)."""
        return [(n.cut_from, n.id, n.cut) for n in self.nodes
                if n.cut is not None and n.cut_from is not None]


# grad_fn stem -> (label of an unnamed result, math symbol of the op)
_OPS: Dict[str, Tuple[str, str]] = {
    "Add": ("add", "+"),
    "Sub": ("sub", "-"),
    "Rsub": ("rsub", "-"),
    "Mul": ("mul", "*"),
    "Div": ("div", "/"),
    "Neg": ("neg", "-"),
    "Pow": ("pow", "**"),
    "Mm": ("matmul", "@"),
    "Mv": ("matmul", "@"),
    "Dot": ("matmul", "@"),
    "Bmm": ("matmul", "@"),
    "Matmul": ("matmul", "@"),
    "Addmm": ("linear", "addmm"),  # written as x @ W.T + b (see expression)
    "Relu": ("relu", "relu"),
    "Exp": ("exp", "exp"),
    "Log": ("log", "log"),
    "Sqrt": ("sqrt", "sqrt"),
    "Abs": ("abs", "abs"),
    "Sigmoid": ("sigmoid", "sigmoid"),
    "Tanh": ("tanh", "tanh"),
    "Sum": ("sum", "sum"),
    "Mean": ("mean", "mean"),
    "T": ("t", ".T"),
    "Transpose": ("transpose", ".T"),
    "Maximum": ("maximum", "maximum"),
    "MaskedFill": ("masked_fill", "masked_fill"),
    "Minimum": ("minimum", "minimum"),
    "Reciprocal": ("reciprocal", "1/"),
    "LogSoftmax": ("log_softmax", "log_softmax"),
    "BinaryCrossEntropy": ("bce", "binary_cross_entropy"),
    "Index": ("index", "[]"),
    "Select": ("select", "[]"),
    "Slice": ("slice", "[]"),
    "CopySlices": ("setitem", "[]="),
    "ToCopy": ("to", "to"),
    "MseLoss": ("mse_loss", "mse_loss"),
    "NllLoss": ("nll_loss", "nll_loss"),
}
# ops whose Python-number arguments are operands (`2 * y`), not settings (`sum(dim=0)`)
_ARITHMETIC = {"Add", "Sub", "Rsub", "Mul", "Div", "Pow", "Maximum", "Minimum"}
_BACKWARD = re.compile(r"Backward\d*$")
_INFIX = {"+", "-", "*", "/", "@", "**"}
# ops whose tensor is recorded first although the student wrote it second (3 - x, 2 ** x)
_REVERSED = {"RsubBackward1", "PowBackward2"}


def _op_names(grad_fn_name: str) -> Tuple[str, str]:
    stem = _BACKWARD.sub("", grad_fn_name)
    if stem in _OPS:
        return _OPS[stem]
    short = stem.lower() or grad_fn_name
    return short, short


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))


def _operands(node: Any) -> List[Any]:
    """The inputs drawn as boxes: tensors, and numbers of arithmetic ops except a `**` exponent."""
    name = node.name()
    numbers = _BACKWARD.sub("", name) in _ARITHMETIC and name != "PowBackward0"
    return [a for a in ag.inputs(node) if _is_tensor(a) or (numbers and _is_number(a))]


def _number_text(v: Any) -> str:
    """`2` for 2 or 2.0 (as the student most likely typed it), else 4 significant digits."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else f"{f:.4g}"


def _snapshot(a: Any) -> np.ndarray:
    # A frozen copy: later in-place updates (optimizer steps, grad accumulation) must not
    # change a drawing that was already made.
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


def _is_tensor(v: Any) -> bool:
    return isinstance(v, Tensor)


def _array(t: Any) -> np.ndarray:
    return t.data.numpy()  # .data: the numbers without history (no cut is noted)


def _scope_names(depth: int) -> Dict[str, Any]:
    """Tensors visible in the caller's scope: locals first, then globals; `_`-names skipped.

    Modules contribute their parameters as `model.fc1.weight`, or `model[0].weight` for
    the layers of a `Sequential` (as the student indexes them).
    """
    frame = sys._getframe(depth + 1)
    found: Dict[str, Any] = {}
    for scope in (frame.f_locals, frame.f_globals):
        _add_names(found, [(n, v) for n, v in list(scope.items()) if not n.startswith("_")])
    return found


def _add_names(found: Dict[str, Any], items: Sequence[Tuple[str, Any]]) -> None:
    """Add tensors by name, and each module's parameters by their path; first name wins."""
    for name, v in items:
        if name in found:
            continue
        if _is_tensor(v):
            found[name] = v
        elif isinstance(v, Module):
            for pname, p in v.named_parameters():
                found.setdefault(name + _attribute_path(pname), p)


def _attribute_path(dotted: str) -> str:
    """`.0.weight` -> `[0].weight`: how Python code reaches a submodule's parameter."""
    return "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in dotted.split("."))


def build_graph(t: Any, names: Optional[Dict[str, Any]] = None, *, _depth: int = 1) -> Graph:
    """The graph that produced tensor `t`.

    Variable names come from `names` (`{"x": x}`) when given, otherwise from the calling
    scope (`_depth` frames above this function): a leaf is matched by identity, an
    intermediate by `tensor.grad_fn is node`. Unnamed results are labelled by their op
    (`"pow"`, `"mul"`, a second one `"mul_2"`), the output of a layer by the layer
    (`"model[0]"` for `model[0]`'s `x @ W.T + b`), Python numbers by their value (`"2"`). A
    number exponent is folded into the op (`x ** 2` is one node with op `"**2"`), every other
    operand is a node. A tensor cut from the graph (`detach()`, `no_grad`) gets `cut` and
    `cut_from`; the graph it was cut from is drawn too.
    """
    if not _is_tensor(t):
        raise TypeError(f"expected a Tensor, but got {type(t).__name__}. Pass the tensor whose "
                        "graph you want to see, e.g. draw(loss).")
    if names is not None:
        scope: Dict[str, Any] = {}
        _add_names(scope, list(names.items()))
    else:
        scope = _scope_names(_depth)
    leaf_name: Dict[int, str] = {}
    node_name: Dict[int, str] = {}
    node_tensor: Dict[int, Any] = {id(t.grad_fn): t} if t.grad_fn is not None else {}
    for name, v in scope.items():
        if not _is_tensor(v):
            continue
        if v.grad_fn is None:
            leaf_name.setdefault(id(v), name)
        else:
            node_name.setdefault(id(v.grad_fn), name)
            node_tensor.setdefault(id(v.grad_fn), v)

    def key_of(v: Any) -> Tuple[str, int]:
        return ("op", id(v.grad_fn)) if v.grad_fn is not None else ("leaf", id(v))

    def shared(v: Any) -> bool:
        """Drawn once however often it is used. Not so an unnamed constant: the numbers of
        `x * 2 + y * 2` are one cached tensor, but the student wrote two 2s."""
        return (v.grad_fn is not None or v.requires_grad or id(v) in leaf_name
                or ag.cut_of(v) is not None)

    def operands(obj: Any) -> List[Any]:
        """What `obj` was computed from: its op's operands, or the tensor it was cut from."""
        if not _is_tensor(obj):
            return []
        if obj.grad_fn is not None:
            return _operands(obj.grad_fn)
        cut = ag.cut_of(obj)
        return [cut[1]] if cut is not None and cut[1] is not None else []

    # Iterative depth-first post-order from the output: inputs come out before consumers,
    # the first argument's subgraph before the second's. A frame is
    # [object, its operands, next operand index, ids of the operands done so far].
    ids: Dict[Tuple[str, int], int] = {}
    nodes: List[GNode] = []
    stack: List[List[Any]] = [[t, operands(t), 0, []]]
    unnamed_detached: List[int] = []
    while stack:
        frame = stack[-1]
        obj, ins, i, done = frame
        if i < len(ins):
            frame[2] = i + 1
            child = ins[i]
            if _is_tensor(child) and shared(child) and key_of(child) in ids:
                done.append(ids[key_of(child)])
            else:
                stack.append([child, operands(child), 0, []])
            continue
        stack.pop()
        nid = len(nodes)
        nodes.append(_make_node(obj, nid, tuple(done), obj is t, leaf_name, node_name,
                                node_tensor))
        if nodes[-1].cut == "detach()" and done and id(obj) not in leaf_name:
            unnamed_detached.append(nid)
        if _is_tensor(obj) and shared(obj):
            ids[key_of(obj)] = nid
        if stack:
            stack[-1][3].append(nid)
    return Graph(nodes=_finish(nodes, node_name, unnamed_detached), output=len(nodes) - 1)


def _finish(nodes: List[GNode], node_name: Dict[int, str],
            unnamed_detached: Sequence[int] = ()) -> List[GNode]:
    """Unnamed results get distinct labels: a layer's output is called by the layer, a
    repeated op label is numbered (`mul`, `mul_2`), an unnamed `detach()` result is written
    as such (`q.detach()`, not its value). Leaves changed in place since an op used
    them are marked `stale` and show the numbers of their first recorded use."""
    labels = {g.label for g in nodes}
    count: Dict[str, int] = {}
    out = []
    # per leaf node id: its version now, and per use: the version and numbers the op saw, the
    # op's node id
    now: Dict[int, int] = {}
    uses: Dict[int, List[Tuple[int, Optional[np.ndarray], int]]] = {}
    for g in nodes:
        if g.node is not None:
            label = g.label
            if id(g.node) not in node_name:
                if g.grad_fn == "AddmmBackward0":
                    weight = nodes[g.inputs[2]].label
                    if weight.endswith(".weight"):
                        label = weight[: -len(".weight")]
                count[label] = count.get(label, 0) + 1
                if count[label] > 1:
                    while f"{label}_{count[label]}" in labels:
                        count[label] += 1
                    label = f"{label}_{count[label]}"
            recorded = {id(a): (v, d) for a, v, d in zip(ag.inputs(g.node),
                                                         ag.input_versions(g.node),
                                                         ag.input_data(g.node))
                        if v is not None}
            for i, a in zip(g.inputs, _operands(g.node)):
                if id(a) in recorded and a.grad_fn is None:
                    now[i] = ag.version(a)
                    uses.setdefault(i, []).append((*recorded[id(a)], g.id))
            g = replace(g, label=label)
        out.append(g)
    for i in unnamed_detached:
        out[i] = replace(out[i], label=f"{paren(out[out[i].cut_from].label)}.detach()")
    shown: Dict[int, int] = {}  # leaf node id -> version of the numbers its box shows
    not_as_shown = set()  # op node ids
    for i, recs in uses.items():
        if all(v == now[i] for v, _, _ in recs):
            continue
        first = min(recs, key=lambda r: r[0])
        if first[1] is not None:
            out[i] = replace(out[i], value=first[1], current=out[i].value)
            shown[i] = first[0]
        else:
            shown[i] = now[i]
        out[i] = replace(out[i], stale=(first[0], now[i]))
        not_as_shown.update(c for v, _, c in recs if v != shown[i])
    return [replace(g, inputs_as_shown=False) if g.id in not_as_shown else g for g in out]


def _make_node(obj: Any, nid: int, inputs: Tuple[int, ...], is_output: bool,
               leaf_name: Dict[int, str], node_name: Dict[int, str],
               node_tensor: Dict[int, Any]) -> GNode:
    if not _is_tensor(obj):
        return GNode(nid, _number_text(obj), "const", None, None, _snapshot(obj), None, ())
    node = obj.grad_fn
    if node is None:
        kind = "output" if is_output else ("param" if obj.requires_grad else "const")
        label = leaf_name.get(id(obj)) or ("param" if kind == "param" else _tensor_label(obj))
        grad = obj.grad if obj.requires_grad else None
        cut = ag.cut_of(obj)
        return GNode(nid, label, kind, None, None, _snapshot(_array(obj)),
                     None if grad is None else _snapshot(_array(grad)), (), None,
                     cut and cut[0], inputs[0] if cut and inputs else None)
    gname = node.name()
    label, op = _op_names(gname)
    if gname == "PowBackward0":  # x ** 2: the exponent is part of the op, not a box
        op = "**" + _number_text(ag.inputs(node)[1])
    tensor = node_tensor.get(id(node))
    grad = None
    retains = tensor is not None and tensor.retains_grad
    if retains:
        with warnings.catch_warnings():  # .grad of a non-leaf warns unless retain_grad()
            warnings.simplefilter("ignore")
            retained = tensor.grad
        grad = None if retained is None else _snapshot(_array(retained))
    return GNode(nid, node_name.get(id(node), label), "output" if is_output else "op", op,
                 gname, _snapshot(ag.output(node)), grad, inputs, node, retains_grad=retains)


def expression(g: GNode, names: Sequence[str]) -> str:
    """``x ** 2``, ``3 - x``, ``relu(h)``, ``W.T``: the op of `g` applied to `names` of its inputs.

    A name with a space in it (``a 3×4 tensor``) is put in parentheses next to an operator.
    """
    op = g.op or "?"
    if g.grad_fn == "AddmmBackward0" and len(names) == 3:  # addmm(b, x, W), as written
        b, x, w = (paren(n) for n in names)
        return f"{x} @ {w}.T + {b}"
    if len(names) == 1:
        a = paren(names[0])
        if op.startswith("**"):
            return f"{a} ** {op[2:]}"
        if op == "-":
            return f"-{a}"
        if op.startswith("."):
            return f"{a}{op}"
    if len(names) == 2 and op in _INFIX:
        a, b = (paren(n) for n in names)
        if g.grad_fn in _REVERSED:
            a, b = b, a
        return f"{a} {op} {b}"
    return f"{op}({', '.join(names)})"


def label_number(label: str) -> Optional[float]:
    """The number a box's label spells (``"2"``, ``"-0.5"``), or None for a name."""
    try:
        return float(label)
    except ValueError:
        return None


def paren(text: str) -> str:
    """`text` in parentheses if it has a space and is not already bracketed."""
    return f"({text})" if " " in text and text[0] not in "([" else text


def _tensor_label(t: Any) -> str:
    return _number_text(t.item()) if t.numel() == 1 else "tensor"
