"""The steps of an animation as plain data: what to show, what to say.

`build_frames(graph)` turns a `Graph` into a list of `Frame`s: the inputs, then the forward
pass one op at a time, then the backward pass one edge at a time, each with a `State` for the
SVG and a narration in numbers (``y = x ** 2 = 4``, ``x.grad = ∂z/∂x = ∂z/∂y · ∂y/∂x =
2 · 4 = 8``).

Two gradients are kept apart, as in PyTorch: the gradient flowing back through the graph
(``∂z/∂y``, `Frame.flowing`) and what ``backward()`` stores in ``.grad`` (`State.grads`): only
leaves that require grad, and non-leaves after ``retain_grad()``, get a ``.grad``; a leaf has
it from the step at which its last contribution arrives.

Every gradient is the engine's own: `autograd.graph.replay` recomputes an op's backward under
``no_grad`` (also after ``backward()`` freed the graph), so nothing here re-derives calculus
and nothing touches the student's tensors or their ``.grad``. Where a caption writes a
formula (``∂L/∂y @ W``), the formula is checked against the engine's numbers before it is
shown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np

from .. import tensor
from ..autograd import graph as ag
from .graph import GNode, Graph, expression, label_number, paren
from .svg import State

# Tensors with at most this many elements are written out; larger ones are summarised.
_SMALL = 6
# Jacobians of ops with at most this many output elements are probed element by element.
_PROBE = 8
# A node used more often than this has its gradient's sum told, not written out.
_MAX_TERMS = 4
_ORDINAL = {0: "1st", 1: "2nd", 2: "3rd"}


@dataclass(frozen=True)
class Frame:
    """One step: the picture's `state` and the narration (`text` plain, `html` for notebooks).

    `flowing` holds ∂output/∂node for every node the backward pass has reached so far (the
    gradient travelling through the graph); `state.grads` only what ``.grad`` would hold."""

    phase: str  # "inputs", "forward" or "backward"
    node: Optional[int]  # the graph node this step is about (None for the inputs)
    state: State
    text: str
    html: str
    flowing: Mapping[int, np.ndarray] = field(default_factory=dict)
    # a backward step's edge: (input, consumer, input slot); `x * x` has two edges x -> mul
    edge: Optional[Tuple[int, int, int]] = None


def fmt(a: np.ndarray) -> str:
    """A tensor in a sentence: ``4``, ``[1, 2, 3]``; large ones by shape and range
    (``a 3×4 tensor (min -1, max 2.5)``, ``a 3×4 tensor (all 0)``, with how many NaNs there
    are: ``(min 0, max 7; 1 nan)``)."""
    a = np.asarray(a)
    if a.size == 1:
        return _num(a.reshape(()).item())
    if a.size > _SMALL or a.ndim > 2 or a.size == 0:
        shape = f"{a.size}-element" if a.ndim == 1 else "×".join(str(d) for d in a.shape)
        if a.size == 0:
            return f"an empty {shape} tensor"
        nan = np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, dtype=bool)
        if nan.all():
            return f"a {shape} tensor (all nan)"
        lo, hi = a[~nan].min(), a[~nan].max()
        values = f"all {_num(lo)}" if lo == hi else f"min {_num(lo)}, max {_num(hi)}"
        if nan.any():
            values += f"; {int(nan.sum())} nan"
        return f"a {shape} tensor ({values})"
    if a.ndim == 1:
        return "[" + ", ".join(_num(v) for v in a.tolist()) + "]"
    return "[" + ", ".join("[" + ", ".join(_num(v) for v in row) + "]" for row in a.tolist()) + "]"


def _num(v: float) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    s = f"{v:.4g}"
    return "0" if s == "-0" else s


def _shape(shape: Tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def summed_dims(small: Tuple[int, ...], big: Tuple[int, ...]) -> Optional[List[int]]:
    """Dims of `big` that broadcasting `small` to `big` repeated it along (None if it can't)."""
    if len(small) > len(big):
        return None
    padded = (1,) * (len(big) - len(small)) + tuple(small)
    if any(s not in (1, b) for s, b in zip(padded, big)):
        return None
    return [k for k, (s, b) in enumerate(zip(padded, big))
            if k < len(big) - len(small) or (s == 1 and b != 1)]


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

    def _expr(self, c: GNode) -> str:
        return expression(c, [self.names[i] for i in c.inputs])

    def _local(self, c: GNode, g: GNode, slot: int) -> str:
        """The local derivative of `c` with respect to its input `slot` (which is `g`).

        Written with the consumer's name (``∂mul/∂a``), except for the output, whose name
        already stands for the gradient flowing back (``∂b/∂a``, the total derivative): there
        the op itself is written (``∂(mul + a)/∂a``). An input used twice by the same op
        names the slot (``(1st input of a * a)``)."""
        output = c.id == self.graph.output
        num = paren(self._expr(c)) if output else paren(self.names[c.id])
        text = f"∂{num}/∂{paren(self.names[g.id])}"
        if c.inputs.count(g.id) > 1:
            text += f" ({_ORDINAL.get(slot, f'{slot + 1}th')} input"
            text += ")" if output else f" of {self._expr(c)})"
        return text

    # ---- frames -------------------------------------------------------------------------------

    def frames(self) -> List[Frame]:
        out: List[Frame] = [self._leaves_frame()]
        shown = {g.id for g in self.graph.nodes if not self._computed(g)}
        for g in self.graph.nodes:
            if self._computed(g):
                shown.add(g.id)
                out.append(self._forward_frame(g, frozenset(shown)))
        out.extend(self._backward_frames())
        return out

    @staticmethod
    def _computed(g: GNode) -> bool:
        """Made in the forward pass: by a recorded op, or cut from a node of the graph."""
        return bool(g.inputs) or g.cut_from is not None

    def _frame(self, phase: str, node: Optional[int], text: str, why: str,
               shown: Optional[frozenset] = None, grads: Optional[Dict[int, np.ndarray]] = None,
               edges: frozenset = frozenset(),
               flowing: Optional[Dict[int, np.ndarray]] = None,
               edge: Optional[Tuple[int, int, int]] = None) -> Frame:
        state = State(shown=shown, grads=dict(grads or {}), highlight=node, active_edges=edges,
                      phase=phase, caption=text)
        body = (
            f'<div class="ag-narration" style="font-family:system-ui,sans-serif;'
            f'line-height:1.5">'
            f'<div class="ag-eq" style="font-size:1.25em;font-family:'
            f"'DejaVu Sans Mono',Menlo,Consolas,monospace\">{html.escape(text)}</div>"
            f'<div style="color:#444">{html.escape(why)}</div></div>'
        )
        return Frame(phase, node, state, text, body, dict(flowing or {}), edge)

    def _stale_note(self, g: GNode) -> str:
        before, now = g.stale or (0, 0)
        name = self.names[g.id]
        head = (f"{name} was changed in place after this graph was recorded ({name}._version "
                f"went from {before} to {now}): ")
        if g.current is None:
            return head + ("it shows its numbers now, while the graph's values were computed "
                           "from its earlier numbers.")
        return head + (f"the graph shows the numbers it was computed from; {name} is "
                       f"{fmt(g.current)} now.")

    def _leaves_frame(self) -> Frame:
        leaves = [g for g in self.graph.nodes if not self._computed(g)]
        parts = []
        for g in leaves:
            if g.kind == "const" and self.names[g.id] == fmt(g.value):
                continue
            note = ""
            if g.stale:
                note = (" (changed since recorded)" if g.current is None
                        else f" (as recorded; {fmt(g.current)} now)")
            parts.append(f"{self.names[g.id]} = {fmt(g.value)}{note}")
        text = "Inputs: " + ("; ".join(parts) if parts else "constants only")
        params = [self.names[g.id] for g in leaves if g.kind == "param"]
        if params:
            why = (f"{', '.join(params)} {'has' if len(params) == 1 else 'have'} "
                   "requires_grad=True: autograd records every op done with "
                   f"{'it' if len(params) == 1 else 'them'}.")
        else:
            why = "No input requires grad, so there is nothing to differentiate."
        for g in leaves:
            if g.stale:
                why += " " + self._stale_note(g)
            if g.cut:  # cut from a tensor that no longer exists
                why += (f" {self.names[g.id]} was cut from the graph ({g.cut}) of a tensor that "
                        "no longer exists: no gradient flows back from it.")
        shown = frozenset(g.id for g in leaves)
        return self._frame("inputs", None, text, why, shown=shown)

    def _forward_frame(self, g: GNode, shown: frozenset) -> Frame:
        if not g.inputs:  # cut from the graph: no op was recorded
            return self._cut_frame(g, shown)
        symbolic = self._expr(g)
        numeric = expression(g, [fmt(self.by_id[i].value) for i in g.inputs])
        small = all(self.by_id[i].value.size <= _SMALL for i in g.inputs)
        stale = [i for i in g.inputs if self.by_id[i].stale]
        parts = [symbolic]
        if small and g.inputs_as_shown and numeric not in (symbolic, fmt(g.value)):
            parts.append(numeric)
        parts.append(fmt(g.value))
        name = self.names[g.id]
        lhs = f"{name} = " if name != symbolic else ""
        text = lhs + " = ".join(parts)
        why = f"Forward: {g.grad_fn} remembers what its backward will need."
        if g.kind == "output":
            why = f"Forward: the output. {g.grad_fn} is its grad_fn, where backward starts."
        if stale:
            why += " " + " ".join(self._stale_note(self.by_id[i]) for i in dict.fromkeys(stale))
        return self._frame("forward", g.id, text, why, shown=shown,
                           edges=frozenset((i, g.id) for i in g.inputs))

    def _cut_frame(self, g: GNode, shown: frozenset) -> Frame:
        src = self.names[g.cut_from]
        name = self.names[g.id]
        if g.cut == "detach()":
            lhs = "" if name == f"{paren(src)}.detach()" else f"{name} = "
            text = f"{lhs}{paren(src)}.detach() = {fmt(g.value)}"
            why = (f"detach() gives {src}'s numbers as a new tensor with no history: no "
                   f"gradient flows from {name} back to {src}. The gradient stops here.")
        elif g.cut == "not recorded":
            text = f"{name} = {fmt(g.value)}, computed from {src} without recording"
            why = (f"Autograd records an op only when an input requires grad, and {src} does "
                   f"not: {name} has no history, so no gradient flows from it back to {src}. "
                   "The gradient stops here.")
        else:
            text = f"{name} = {fmt(g.value)}, computed from {src} under no_grad()"
            why = (f"With recording off (torch.no_grad()) nothing was recorded: {name} has "
                   f"{src}'s numbers in it but no history, so no gradient flows from it back "
                   f"to {src}. The gradient stops here.")
        return self._frame("forward", g.id, text, why, shown=shown,
                           edges=frozenset({(g.cut_from, g.id)}))

    # ---- backward -------------------------------------------------------------------------

    def _needs_grad(self, g: GNode) -> bool:
        return g.kind == "param" or (bool(g.inputs) and g.node is not None)

    def _gets_grad_attr(self, g: GNode) -> bool:
        """Whether backward() stores this node's gradient in its .grad."""
        return g.kind == "param" or g.retains_grad

    def _backward_frames(self) -> List[Frame]:
        graph = self.graph
        out_g = self.by_id[graph.output]
        if not self._needs_grad(out_g):
            return []
        shown = frozenset(g.id for g in graph.nodes)
        replays = _Replays(self.by_id)
        try:
            edges = self._edges(replays)
        except RuntimeError as err:  # e.g. a saved tensor was changed in place since
            stale = [self.names[g.id] for g in graph.nodes if g.stale]
            text = "Backward cannot be replayed on this graph"
            why = f"The engine says: {err}"
            if stale:
                text += f": {', '.join(stale)} changed since it was recorded"
                why = (f"{', '.join(stale)} {'was' if len(stale) == 1 else 'were'} changed in "
                       "place after this graph was recorded (by an optimizer step, say), and "
                       "the backward of the ops that used them needs their earlier numbers. "
                       "Show the graph before the update, or run the forward pass again. " + why)
            return [self._frame("backward", out_g.id, text, why, shown=shown)]
        seed = np.ones_like(out_g.value)
        flowing: Dict[int, np.ndarray] = {out_g.id: seed}
        grads: Dict[int, np.ndarray] = {}
        o = paren(self.names[out_g.id])
        if seed.size == 1:
            text = f"∂{o}/∂{o} = 1"
            why = "Backward starts at the output: its gradient with respect to itself is 1."
        else:
            text = f"∂{o}/∂{o} = {fmt(seed)}"
            why = ("The output is not a scalar, so backward starts from ones "
                   f"(as {o}.backward(torch.ones_like({o})) would).")
        if out_g.retains_grad:
            grads[out_g.id] = seed
        else:
            why += f" ({o} is not a leaf: {o}.grad stays None.)"
        frames = [self._frame("backward", out_g.id, text, why, shown=shown, grads=grads,
                              flowing=flowing)]
        arrived: Dict[int, List[np.ndarray]] = {}
        total_uses = {g: sum(1 for e in edges if e[1] == g) for g in self.by_id}
        for c, g, slot, v in edges:
            terms = arrived.setdefault(g, [])
            terms.append(v)
            flowing[g] = v if len(terms) == 1 else flowing[g] + v
            complete = len(terms) == total_uses[g]
            if complete and self._gets_grad_attr(self.by_id[g]):
                grads[g] = flowing[g]
            text, why = self._edge_text(c, g, slot, terms, total_uses[g], flowing, replays)
            frames.append(self._frame("backward", g, text, why, shown=shown, grads=grads,
                                      edges=frozenset({(g, c)}), flowing=flowing,
                                      edge=(g, c, slot)))
        return frames

    def _edges(self, replays: _Replays) -> List[Tuple[int, int, int, np.ndarray]]:
        """`(consumer, input, slot, gradient along the edge)` in the order backward sends
        them: consumers from the output back, each once its own gradient is complete."""
        out = self.graph.output
        flowing: Dict[int, np.ndarray] = {out: np.ones_like(self.by_id[out].value)}
        edges = []
        for c in reversed(self.graph.nodes):
            if c.id not in flowing or not c.inputs or c.node is None:
                continue
            for slot, g in enumerate(c.inputs):
                if not self._needs_grad(self.by_id[g]):
                    continue
                v = replays.vjp(c.id, flowing[c.id], slot)
                if v is None:
                    continue
                edges.append((c.id, g, slot, v))
                flowing[g] = v if g not in flowing else flowing[g] + v
        return edges

    def _edge_text(self, c: int, g: int, slot: int, terms: List[np.ndarray], uses: int,
                   flowing: Dict[int, np.ndarray], replays: _Replays) -> Tuple[str, str]:
        """The caption of one backward edge `c -> g`; `terms` arrived so far out of `uses`."""
        gn, cn = self.by_id[g], self.by_id[c]
        name, cname = self.names[g], self.names[c]
        lhs = self._d(self.graph.output, g)
        symbolic, numeric, note = self._term(cn, gn, slot, flowing[c], replays)
        v = terms[-1]
        parts = [symbolic, numeric, fmt(v)]
        # drop a part that repeats the one before it (e.g. "1 · 2 = 2 = 2")
        chain = " = ".join(p for k, p in enumerate(parts) if p and (k == 0 or p != parts[k - 1]))
        complete = len(terms) == uses
        if uses == 1:
            head = f"{name}.grad = {lhs}" if self._gets_grad_attr(gn) else lhs
            text = f"{head} = {chain}"
            why = (f"Chain rule: the gradient arriving from {cname} times the local "
                   f"derivative of {cname} with respect to {name}.")
        else:
            text = f"{lhs} += {chain}"
            why = (f"{name} is used {uses} times: the gradients arriving along each use add "
                   f"up. This is use {len(terms)} of {uses}, from {cname}.")
            if len(terms) > 1:
                values = " + ".join(fmt(t) for t in terms)
                if len(terms) > _MAX_TERMS:
                    values = f"the sum of {len(terms)} terms"
                total = f"{lhs} = {values} = {fmt(flowing[g])}"
                if complete and self._gets_grad_attr(gn):
                    total = f"{name}.grad = {total}"
                text += ("; so far " if not complete else "; ") + total
        if note:
            text += f"  ({note})"
        if complete:
            why += " " + self._where_it_goes(gn)
        return text, why

    def _where_it_goes(self, g: GNode) -> str:
        name = self.names[g.id]
        if g.kind == "param":
            return f"Every use of {name} is in: this is what backward() stores in {name}.grad."
        if g.retains_grad:
            return (f"{name}.retain_grad() was called, so backward() also stores this in "
                    f"{name}.grad.")
        return (f"{name} is not a leaf: backward() passes this gradient on and leaves "
                f"{name}.grad as None (call {name}.retain_grad() before backward() to keep it).")

    def _term(self, c: GNode, g: GNode, slot: int, upstream: np.ndarray,
              replays: _Replays) -> Tuple[str, str, str]:
        """One edge of the chain rule: symbolic, in numbers, and a note on what was summed."""
        up_d, local_d = self._d(self.graph.output, c.id), self._local(c, g, slot)
        x, y = g.value, c.value
        if y.size == 1:
            # a scalar output: the vector-Jacobian product is upstream times the gradient
            local = replays.vjp(c.id, np.ones_like(y), slot)
            return f"{up_d} · {local_d}", f"{fmt(upstream)} · {fmt(local)}", ""
        if x.shape == y.shape and replays.is_elementwise(c.id, slot):
            local = replays.vjp(c.id, np.ones_like(y), slot)
            return f"{up_d} ⊙ {local_d}", f"{fmt(upstream)} ⊙ {fmt(local)}", ""
        dims = summed_dims(x.shape, y.shape)
        if dims:
            which = "dim" + ("s " if len(dims) > 1 else " ") + ", ".join(map(str, dims))
            note = f"summed over {which}: {_shape(y.shape)} → {_shape(x.shape)}"
            local = replays.broadcast_local(c.id, slot, x.shape)
            numeric = "" if local is None else f"Σ {fmt(upstream)} ⊙ {fmt(local)}"
            return f"Σ {up_d} ⊙ {local_d}", numeric, note
        formula = _matmul_formula(c, slot, upstream, [self.by_id[i].value for i in c.inputs],
                                  up_d, [self.names[i] for i in c.inputs])
        if formula is not None and np.allclose(formula[1], replays.vjp(c.id, upstream, slot),
                                               rtol=1e-4, atol=1e-6):
            return formula[0], "", ""
        return (f"{up_d} · {local_d}", f"({c.grad_fn}'s backward applied to {fmt(upstream)})",
                "")


def _matmul_formula(c: GNode, slot: int, up: np.ndarray, values: List[np.ndarray],
                    up_d: str, names: List[str]) -> Optional[Tuple[str, np.ndarray]]:
    """The textbook gradient of a matrix product along one input, and its value.

    ``y = A @ B``: ∂L/∂A = ∂L/∂y @ B.T, ∂L/∂B = A.T @ ∂L/∂y; ``y = x @ W.T + b`` (addmm):
    ∂L/∂x = ∂L/∂y @ W, ∂L/∂W = (∂L/∂y).T @ x. The caller checks it against the engine."""
    u = paren(up_d)
    if c.grad_fn == "MmBackward0" and len(values) == 2:
        a, b = values
        if slot == 0:
            return f"{u} @ {paren(names[1])}.T", up @ b.T
        return f"{paren(names[0])}.T @ {u}", a.T @ up
    if c.grad_fn == "AddmmBackward0" and len(values) == 3 and slot in (1, 2):
        _, x, w = values
        if slot == 1:
            return f"{u} @ {paren(names[2])}", up @ w
        return f"({up_d}).T @ {paren(names[1])}", up.T @ x
    return None


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
            self._cache[key] = tuple(ag.replay(self.by_id[c].node, tensor(up)))
        result = self._cache[key][slot]
        return None if result is None else np.asarray(result.data.numpy())

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

    def broadcast_local(self, c: int, slot: int, shape: Tuple[int, ...]) -> Optional[np.ndarray]:
        """For an input of `shape` broadcast over the output of a small op `c`: ∂y_k/∂x at the
        element x that y_k was computed from, in y's shape (None if y_k depends on others)."""
        y = self.by_id[c].value
        if y.size > _PROBE:
            return None
        jac = self.jacobian(c, slot)
        source = np.broadcast_to(np.arange(int(np.prod(shape))).reshape(shape), y.shape)
        source = source.reshape(-1)
        local = jac[np.arange(y.size), source]
        mask = np.zeros_like(jac, dtype=bool)
        mask[np.arange(y.size), source] = True
        if np.any(jac[~mask]):
            return None
        return local.reshape(y.shape)
