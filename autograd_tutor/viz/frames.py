"""The steps of an animation as plain data: what to show, what to say.

`build_frames(graph)` turns a `Graph` into a list of `Frame`s: the inputs, then the forward
pass one op at a time, then the backward pass one node at a time, each with a `State` for the
SVG and a narration in numbers (``y = x ** 2 = 4``, ``∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8``).

Every gradient is the engine's own: each op node's ``_replay`` recomputes its backward under
``no_grad`` (also after ``backward()`` freed the graph), so nothing here re-derives calculus
and nothing touches the student's tensors or their ``.grad``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from .. import tensor
from .graph import GNode, Graph, expression, label_number, paren
from .svg import State

# Tensors with at most this many elements are written out; larger ones by their shape.
_SMALL = 6
# Jacobians of ops with at most this many output elements are probed element by element.
_PROBE = 8
# A node used more often than this has its gradient's sum told, not written out.
_MAX_TERMS = 4


@dataclass(frozen=True)
class Frame:
    """One step: the picture's `state` and the narration (`text` plain, `html` for notebooks)."""

    phase: str  # "inputs", "forward" or "backward"
    node: Optional[int]  # the graph node this step is about (None for the inputs)
    state: State
    text: str
    html: str


def fmt(a: np.ndarray) -> str:
    """A tensor in a sentence: ``4``, ``[1, 2, 3]``; by its shape when large (``a 3×4 tensor``)."""
    a = np.asarray(a)
    if a.size == 1:
        return _num(a.reshape(()).item())
    if a.size > _SMALL or a.ndim > 2:
        if a.ndim == 1:
            return f"a {a.size}-element tensor"
        return "a " + "×".join(str(d) for d in a.shape) + " tensor"
    if a.ndim == 1:
        return "[" + ", ".join(_num(v) for v in a.tolist()) + "]"
    return "[" + ", ".join("[" + ", ".join(_num(v) for v in row) + "]" for row in a.tolist()) + "]"


def _num(v: float) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    s = f"{v:.4g}"
    return "0" if s == "-0" else s


def build_frames(graph: Graph) -> List[Frame]:
    """The frames of the animation of `graph` (see the module docstring)."""
    return _Narrator(graph).frames()


class _Narrator:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_id: Dict[int, GNode] = {g.id: g for g in graph.nodes}
        # consumer id and input slot, for every use of every node
        self.uses: Dict[int, List[Tuple[int, int]]] = {g.id: [] for g in graph.nodes}
        for g in graph.nodes:
            for slot, i in enumerate(g.inputs):
                self.uses[i].append((g.id, slot))
        self.names: Dict[int, str] = {g.id: self._name(g) for g in graph.nodes}

    # ---- names and expressions ------------------------------------------------------------

    def _name(self, g: GNode) -> str:
        """What the narration calls a node: the name on its box, numbers by their value."""
        if g.kind == "const" and label_number(g.label) is not None:
            return fmt(g.value)
        return g.label

    def _d(self, num: int, den: int) -> str:
        return f"∂{paren(self.names[num])}/∂{paren(self.names[den])}"

    # ---- frames -------------------------------------------------------------------------------

    def frames(self) -> List[Frame]:
        out: List[Frame] = [self._inputs_frame()]
        shown = {g.id for g in self.graph.nodes if not g.inputs}
        for g in self.graph.nodes:
            if g.inputs:
                shown.add(g.id)
                out.append(self._forward_frame(g, frozenset(shown)))
        out.extend(self._backward_frames())
        return out

    def _frame(self, phase: str, node: Optional[int], text: str, why: str,
               shown: Optional[frozenset] = None, grads: Optional[Dict[int, np.ndarray]] = None,
               edges: frozenset = frozenset()) -> Frame:
        state = State(shown=shown, grads=dict(grads or {}), highlight=node, active_edges=edges,
                      phase=phase, caption=text)
        body = (
            f'<div class="ag-narration" style="font-family:system-ui,sans-serif;'
            f'line-height:1.5">'
            f'<div class="ag-eq" style="font-size:1.25em;font-family:'
            f"'DejaVu Sans Mono',Menlo,Consolas,monospace\">{html.escape(text)}</div>"
            f'<div style="color:#444">{html.escape(why)}</div></div>'
        )
        return Frame(phase, node, state, text, body)

    def _inputs_frame(self) -> Frame:
        leaves = [g for g in self.graph.nodes if not g.inputs]
        parts = [f"{self.names[g.id]} = {fmt(g.value)}" for g in leaves if g.kind != "const"
                 or self.names[g.id] != fmt(g.value)]
        text = "Inputs: " + ("; ".join(parts) if parts else "constants only")
        params = [self.names[g.id] for g in leaves if g.kind == "param"]
        if params:
            why = (f"{', '.join(params)} {'has' if len(params) == 1 else 'have'} "
                   "requires_grad=True: autograd records every op done with "
                   f"{'it' if len(params) == 1 else 'them'}.")
        else:
            why = "No input requires grad, so there is nothing to differentiate."
        shown = frozenset(g.id for g in leaves)
        return self._frame("inputs", None, text, why, shown=shown)

    def _forward_frame(self, g: GNode, shown: frozenset) -> Frame:
        symbolic = expression(g, [self.names[i] for i in g.inputs])
        numeric = expression(g, [fmt(self.by_id[i].value) for i in g.inputs])
        small = all(self.by_id[i].value.size <= _SMALL for i in g.inputs)
        parts = [symbolic]
        if small and numeric not in (symbolic, fmt(g.value)):
            parts.append(numeric)
        parts.append(fmt(g.value))
        name = self.names[g.id]
        lhs = f"{name} = " if name != symbolic else ""
        text = lhs + " = ".join(parts)
        why = f"Forward: {g.grad_fn} remembers what its backward will need."
        if g.kind == "output":
            why = f"Forward: the output. {g.grad_fn} is its grad_fn, where backward starts."
        return self._frame("forward", g.id, text, why, shown=shown,
                           edges=frozenset((i, g.id) for i in g.inputs))

    # ---- backward -------------------------------------------------------------------------

    def _needs_grad(self, g: GNode) -> bool:
        return g.kind == "param" or (bool(g.inputs) and g.node is not None)

    def _backward_frames(self) -> List[Frame]:
        graph = self.graph
        out_g = self.by_id[graph.output]
        if not self._needs_grad(out_g):
            return []
        shown = frozenset(g.id for g in graph.nodes)
        seed = np.ones_like(out_g.value)
        grads: Dict[int, np.ndarray] = {out_g.id: seed}
        o = paren(self.names[out_g.id])
        if seed.size == 1:
            text = f"∂{o}/∂{o} = 1"
            why = "Backward starts at the output: its gradient with respect to itself is 1."
        else:
            text = f"∂{o}/∂{o} = {fmt(seed)}"
            why = ("The output is not a scalar, so backward starts from ones "
                   f"(as {o}.backward(torch.ones_like({o})) would).")
        frames = [self._frame("backward", out_g.id, text, why, shown=shown, grads=grads)]
        replays = _Replays(self.by_id)
        for g in reversed(graph.nodes):
            if g.id == out_g.id or not self._needs_grad(g):
                continue
            terms = []
            for c, slot in self.uses[g.id]:
                if c not in grads:
                    continue
                contribution = replays.vjp(c, grads[c], slot)
                if contribution is not None:
                    terms.append((c, slot, contribution))
            if not terms:
                continue
            grad = terms[0][2]
            for _, _, v in terms[1:]:
                grad = grad + v
            grads[g.id] = grad
            text, why = self._chain_rule(g, terms, grads, replays)
            frames.append(self._frame("backward", g.id, text, why, shown=shown, grads=grads,
                                      edges=frozenset((g.id, c) for c, _, _ in terms)))
        return frames

    def _chain_rule(self, g: GNode, terms, grads, replays: _Replays) -> Tuple[str, str]:
        out = self.graph.output
        lhs = self._d(out, g.id)
        symbolic, numeric, values = [], [], []
        for c, slot, v in terms:
            s, n = self._term(c, slot, g, grads[c], replays)
            symbolic.append(s)
            numeric.append(n)
            values.append(fmt(v))
        total = fmt(grads[g.id])
        if len(terms) == 1:
            parts = [lhs, symbolic[0], numeric[0], total]
            c = terms[0][0]
            why = (f"Chain rule: the gradient arriving from {self.names[c]} times the local "
                   f"derivative of {self.names[c]} with respect to {self.names[g.id]}.")
        else:
            if len(terms) <= _MAX_TERMS:
                parts = [lhs, " + ".join(symbolic), " + ".join(numeric), " + ".join(values),
                         total]
            else:
                parts = [lhs, f"the sum of {len(terms)} terms like {symbolic[0]}", total]
            why = (f"{self.names[g.id]} is used {len(terms)} times, so the gradients arriving "
                   "along each use add up.")
        if g.kind == "param":
            why += f" This is what backward() puts in {self.names[g.id]}.grad."
        # drop a part that repeats the one before it (e.g. "1 · 2 = 2 = 2")
        kept = [p for k, p in enumerate(parts) if p and (k == 0 or p != parts[k - 1])]
        return " = ".join(kept), why

    def _term(self, c: int, slot: int, g: GNode, upstream: np.ndarray,
              replays: _Replays) -> Tuple[str, str]:
        """Symbolic and numeric form of one chain-rule term: upstream times local derivative."""
        up_d, local_d = self._d(self.graph.output, c), self._d(c, g.id)
        x, y = g.value, self.by_id[c].value
        if y.size == 1:
            # a scalar output: the vector-Jacobian product is upstream times the gradient
            local = replays.vjp(c, np.ones_like(y), slot)
            return f"{up_d} · {local_d}", f"{fmt(upstream)} · {fmt(local)}"
        if x.shape == y.shape and replays.is_elementwise(c, slot):
            local = replays.vjp(c, np.ones_like(y), slot)
            return f"{up_d} ⊙ {local_d}", f"{fmt(upstream)} ⊙ {fmt(local)}"
        if x.size == 1 and y.size <= _PROBE:
            # x was broadcast over y: each element of y adds its share
            local = replays.jacobian(c, slot).reshape(y.shape)
            return f"Σ {up_d} ⊙ {local_d}", f"Σ {fmt(upstream)} ⊙ {fmt(local)}"
        return f"{up_d} · {local_d}", f"({self.by_id[c].grad_fn} applied to {fmt(upstream)})"


class _Replays:
    """The engine's backward of each op node, replayed (and cached) with given upstreams."""

    def __init__(self, by_id: Dict[int, GNode]) -> None:
        self.by_id = by_id
        self._cache: Dict[Tuple[int, bytes], tuple] = {}

    def vjp(self, c: int, upstream: np.ndarray, slot: int) -> Optional[np.ndarray]:
        """Gradient reaching input `slot` of node `c` when `upstream` arrives at `c`."""
        # np.array, not np.ascontiguousarray: that one turns a 0-d upstream into shape (1,)
        up = np.array(upstream, dtype=self.by_id[c].value.dtype, order="C")
        key = (c, up.tobytes())
        if key not in self._cache:
            self._cache[key] = _replay(self.by_id[c].node, up)
        result = self._cache[key][slot]
        return None if result is None else np.asarray(result._data)

    def jacobian(self, c: int, slot: int) -> np.ndarray:
        """Rows ∂y_k/∂x, one per output element of `c`, probed with one-hot upstreams."""
        y = self.by_id[c].value
        rows = []
        for k in range(y.size):
            e = np.zeros(y.size, dtype=y.dtype)
            e[k] = 1
            rows.append(self.vjp(c, e.reshape(y.shape), slot).reshape(-1))
        return np.stack(rows)

    def is_elementwise(self, c: int, slot: int) -> bool:
        """Whether ∂y/∂x is diagonal (y_k depends on x_k only), so that upstream ⊙ local works.

        Small ops are probed exactly; for large ones, the backward of a varied upstream must be
        that upstream times the backward of ones, which only a diagonal Jacobian satisfies
        for every upstream.
        """
        y = self.by_id[c].value
        if y.size <= _PROBE:
            jac = self.jacobian(c, slot)
            return not np.any(jac - np.diag(np.diagonal(jac)))
        pattern = (1 + np.arange(y.size) / y.size).reshape(y.shape).astype(y.dtype)
        local = self.vjp(c, np.ones_like(y), slot)
        return bool(np.allclose(self.vjp(c, pattern, slot), pattern * local, rtol=1e-4,
                                atol=1e-6))


def _replay(node, upstream: np.ndarray) -> tuple:
    return tuple(node._replay(tensor(upstream)))
