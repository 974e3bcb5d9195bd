"""Where to draw: a layered ("Sugiyama") layout of a computational graph, in pure Python.

Values flow top to bottom: inputs at the top, the output at the bottom. Notebooks are narrow
and tall, so a graph grows downwards (where the page scrolls anyway) and a graph of some 40
nodes still fits an 800 px wide output. The forward pass reads downwards and the backward
pass climbs back up. The four classic steps:

1. layering   -- a node sits one row below its furthest input (longest path), then every
                 node moves down until it sits just above its first consumer (so the
                 products of a long sum join it one by one instead of filling one row);
   In a graph of up to 100 nodes, a row that would be wider than an 800 px output moves
   some of its leaves (parameters, constants) to extra rows just above it;
2. dummies    -- an edge that skips rows gets one invisible point per skipped row, so it is
                 routed between boxes instead of through them;
3. ordering   -- within each row, nodes are sorted by the mean position of their
                 neighbours (barycenter), sweeping up and down, keeping the order with the
                 fewest edge crossings;
4. placement  -- each row's nodes are pulled towards their neighbours' places, with the
                 closest non-overlapping positions found exactly (isotonic regression).

Edges cut by ``detach()`` or ``no_grad`` (``graph.cut_edges()``, where the graph has them)
take part in the layout like other edges and are routed in `Layout.cut_routes`.
Everything is deterministic: the same graph always gives the same coordinates.
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .graph import GNode, Graph, expression, label_number

# Text metrics (px). Boxes use a monospace font, whose advance is 0.6 em everywhere.
TITLE_PX = 15
TEXT_PX = 12
NOTE_PX = 11
BADGE_PX = 10
MONO_EM = 0.6
TITLE_EM = 0.68  # bold sans-serif, a generous average
TITLE_LINE = 20
TEXT_LINE = 15
PAD_X = 12
PAD_Y = 9
BADGE_H = 14
MIN_W = 76
MAX_ELEMENTS = 6  # tensors with more elements show their shape instead of numbers
LINE_CHARS = 30  # a line of numbers wraps before this many characters

LAYER_GAP = 52  # between rows: room for the edges' S-curves and the badges
NODE_GAP = 20  # between the boxes of a row
DUMMY_W = 12
MARGIN = 24
ROW_BUDGET = 800 - 2 * MARGIN  # widest row (px) before leaves move to rows of their own
# Bigger graphs scroll anyway; there, extra rows would only lengthen edges (and the layout).
WRAP_MAX_NODES = 100
_SWEEPS = 8
_LEAF_WEIGHT = 1e-6  # when boxes collide, the leaf gives way


class _BoxText(NamedTuple):
    """What a box says, apart from the (state-dependent) data and grad lines."""

    badge: Optional[str]
    title: str
    notes: Tuple[str, ...]  # expression, grad_fn name
    value: Optional[Tuple[str, ...]]  # formatted value; None for number constants
    grad_rows: int  # lines reserved for the gradient (0: never has one)
    value_width: int  # characters reserved for "data ..."/"grad ..." lines
    now: Tuple[str, ...] = ()  # a leaf changed in place since: its numbers now


@dataclass
class Layout:
    """Box centres and sizes (px), the canvas size, and the route of every edge."""

    pos: Dict[int, Tuple[float, float]]
    size: Dict[int, Tuple[float, float]]
    width: float
    height: float
    layer: Dict[int, int] = field(default_factory=dict)
    # one polyline per entry of graph.edges(), from the source's bottom side to the
    # target's top side; consecutive points at different x are joined by an S-curve
    routes: List[List[Tuple[float, float]]] = field(default_factory=list)
    # likewise per entry of graph.cut_edges(): (source, cut node, label) and its polyline
    cut_routes: List[Tuple[int, int, str, List[Tuple[float, float]]]] = field(
        default_factory=list)
    crossings: int = 0
    text: List[_BoxText] = field(default_factory=list)


# ---------------------------------------------------------------- text of the boxes


def _number_format(vals: List, kind: str):
    """PyTorch's print rule: integers as `2.`, else 4 decimals, scientific for wide ranges."""
    if kind == "b":
        return str
    if kind in "iu":
        return lambda v: str(int(v))
    finite = [abs(v) for v in vals if v == v and abs(v) != float("inf")]
    nonzero = [v for v in finite if v != 0]
    if all(v == round(v) for v in finite):
        if finite and max(finite) > 1e8:
            return lambda v: f"{v:.4e}"
        return lambda v: f"{v:.0f}." if v == v and abs(v) != float("inf") else str(v)
    if nonzero and (max(nonzero) / min(nonzero) > 1000 or max(nonzero) > 1e8
                    or min(nonzero) < 1e-4):
        return lambda v: f"{v:.4e}"
    return lambda v: f"{v:.4f}" if v == v and abs(v) != float("inf") else str(v)


def format_array(a: np.ndarray) -> List[str]:
    """The lines that show tensor `a` in a box: its numbers if small, else its shape."""
    a = np.asarray(a)
    if a.size > MAX_ELEMENTS or a.ndim > 2 or a.size == 0:
        return ["shape [" + ", ".join(str(d) for d in a.shape) + "]"]
    vals = a.ravel().tolist()
    fmt = _number_format(vals, a.dtype.kind)
    texts = [fmt(v) for v in vals]
    width = max(len(s) for s in texts)
    texts = [s.rjust(width) for s in texts]
    if a.ndim == 0:
        return [texts[0].strip()]
    # wrapped like PyTorch with a narrow `linewidth`: boxes stay narrow, the graph fits
    per_line = max(1, (LINE_CHARS - 4) // (width + 2))
    rows = [texts] if a.ndim == 1 else [texts[r * a.shape[1]:(r + 1) * a.shape[1]]
                                        for r in range(a.shape[0])]
    lead = "[" if a.ndim == 1 else "[["
    lines: List[str] = []
    for r, row in enumerate(rows):
        chunks = [row[k:k + per_line] for k in range(0, len(row), per_line)]
        for c, chunk in enumerate(chunks):
            start = (lead if r == 0 else " " * (len(lead) - 1) + "[") if c == 0 else " " * len(lead)
            end = ("]" if r == len(rows) - 1 else "],") if c == len(chunks) - 1 else ","
            if c == len(chunks) - 1 and r == len(rows) - 1 and a.ndim == 2:
                end += "]"
            lines.append(start + ", ".join(chunk) + end)
    return lines


def _box_text(n: GNode, graph: Graph) -> _BoxText:
    """Badge, title, notes and value of node `n`'s box. A leaf changed in place since the
    graph was recorded says so, and shows its numbers now below those the graph used."""
    value = tuple(format_array(n.value))
    now = tuple(format_array(n.current)) if n.current is not None else ()
    width = max(len(s) for s in value + now)
    notes: Tuple[str, ...] = ()
    if n.stale:
        notes = (f"changed: _version {n.stale[0]} → {n.stale[1]}",)
    if n.kind == "const":
        is_number = n.value.ndim == 0 and label_number(n.label) == n.value.item()
        # a cut tensor is no constant: its numbers came from the graph, its gradient stops
        badge = "constant" if n.cut is None else cut_badge(n.cut)
        return _BoxText(badge, n.label, notes, None if is_number else value, 0,
                        0 if is_number else width + 5, now)
    # Only leaves that require grad, and results after retain_grad(), ever get a .grad; it
    # has the value's shape: leave room for it (4-decimal numbers), so boxes keep their size
    # from step to step. Every other box only ever says "grad None".
    grad_rows = 1
    if n.kind == "param" or n.retains_grad:
        grad = format_array(np.full(n.value.shape, -0.5))
        grad_rows = len(grad)
        width = max(width, max(len(s) for s in grad))
    if n.grad_fn is not None:
        notes = (expression(n, [graph.nodes[i].label for i in n.inputs]), n.grad_fn)
    badge = {"param": "requires_grad=True", "output": "output"}.get(n.kind)
    return _BoxText(badge, n.label, notes, value, grad_rows, width + 5, now)


def cut_badge(label: str) -> str:
    """The badge of a tensor cut from the graph by `label` (``detach()`` or ``no_grad``)."""
    return f"{label}: gradient stops"


def _text_width(s: str, px: float, em: float = MONO_EM) -> float:
    """Estimated width of `s` in px (no font metrics needed)."""
    return len(s) * px * em


def _box_size(t: _BoxText) -> Tuple[float, float]:
    w = max(_text_width(t.title, TITLE_PX, TITLE_EM),
            max((_text_width(s, NOTE_PX) for s in t.notes), default=0),
            _text_width("x" * t.value_width, TEXT_PX),
            _text_width(t.badge or "", BADGE_PX) + 24)
    rows = len(t.value or ()) + len(t.now) + t.grad_rows
    h = TITLE_LINE + TEXT_LINE * (len(t.notes) + rows)
    return max(MIN_W, round(w + 2 * PAD_X)), h + 2 * PAD_Y + (4 if t.badge else 0)


# ---------------------------------------------------------------- the layout


def _port_offset(port: int, k: int) -> float:
    """Where input `port` of `k` enters its box, as a fraction of the width from the centre."""
    return (port + 1) / (k + 1) - 0.5


def _layers(inputs: Sequence[Sequence[int]], consumers: Sequence[Sequence[int]]) -> List[int]:
    n = len(inputs)
    layer = [0] * n
    for v in range(n):
        for u in inputs[v]:
            if u >= v:
                raise ValueError("graph nodes must be in topological order (inputs first)")
            layer[v] = max(layer[v], layer[u] + 1)
    for v in range(n - 1, -1, -1):  # consumers first: a result sits just above its first use
        if consumers[v]:
            layer[v] = min(layer[c] for c in consumers[v]) - 1
    return layer


def _wrap_rows(layer: List[int], inputs: Sequence[Sequence[int]],
               widths: Sequence[float]) -> List[int]:
    """Rows wider than `ROW_BUDGET` put leaves in extra rows above them (bottom row first,
    counting the edges of the leaves above that will pass through each row)."""
    by_layer: List[List[int]] = [[] for _ in range(max(layer, default=-1) + 1)]
    for v, lay in enumerate(layer):
        by_layer[lay].append(v)
    step = DUMMY_W + NODE_GAP  # room an edge passing through a row takes
    out = list(layer)
    base = 0
    for members in by_layer:
        others = [v for v in members if inputs[v]]
        leaves = [v for v in members if not inputs[v]]
        rows: List[List[int]] = [[]]  # bottom up
        used = sum(widths[v] + NODE_GAP for v in others)
        for k, v in enumerate(reversed(leaves)):
            rest = len(leaves) - k - 1
            if (rows[-1] or others and len(rows) == 1) and \
                    used + widths[v] + step * rest > ROW_BUDGET:
                rows.append([])
                used = 0.0
            rows[-1].append(v)
            used += widths[v] + NODE_GAP
        top = base + len(rows) - 1
        for v in others:
            out[v] = top
        for j, row in enumerate(rows):
            for v in row:
                out[v] = top - j
        base += len(rows)
    return out


def _count(order_top: Dict[int, int], segs: List[Tuple[int, int, float]],
           order_bot: Dict[int, int]) -> int:
    """Crossings among segments between two adjacent layers (inversion count)."""
    keyed = sorted((order_top[a], order_bot[b] + f) for a, b, f in segs)
    seen: List[float] = []
    crossings = 0
    top_prev = None
    pending: List[float] = []
    for top, bot in keyed:
        if top != top_prev:
            # segments from the same node never cross each other: add them as a group
            for p in pending:
                insort(seen, p)
            pending = []
            top_prev = top
        crossings += len(seen) - bisect_right(seen, bot)
        pending.append(bot)
    return crossings


def layout(graph: Graph) -> Layout:
    """Positions every box of `graph` (px), top to bottom, without overlaps."""
    nodes = graph.nodes
    n = len(nodes)
    # a cut edge is laid out as one more input of the cut node, after its real inputs
    cuts = [(u, v, label) for u, v, label in getattr(graph, "cut_edges", lambda: [])()
            if 0 <= u < v < n]
    inputs = [tuple(nd.inputs) + tuple(u for u, w, _ in cuts if w == nd.id) for nd in nodes]
    consumers: List[List[int]] = [[] for _ in range(n)]
    for v in range(n):
        for u in inputs[v]:
            consumers[u].append(v)
    texts = [_box_text(nd, graph) for nd in nodes]
    size: Dict[int, Tuple[float, float]] = {v: _box_size(texts[v]) for v in range(n)}
    layer = _layers(inputs, consumers)
    if n <= WRAP_MAX_NODES:
        layer = _wrap_rows(layer, inputs, [size[v][0] for v in range(n)])
    depth = max(layer, default=0) + 1 if n else 0

    # Elements are nodes (0..n-1) and dummies (n, n+1, ...). Each edge is a chain of
    # segments between adjacent layers; `frac` is where the last one enters its target.
    chains: List[Tuple[List[int], int, int]] = []  # per edge: [source, dummies.., target], port, k
    elem_layer = list(layer)
    seg_in: Dict[int, List[Tuple[int, float]]] = {}  # element -> [(source, frac)]
    seg_out: Dict[int, List[Tuple[int, float]]] = {}  # element -> [(target, frac)]
    # Long edges from one node share their dummies (one lane per row: a tensor used at many
    # depths sends one line down, branching off to each use, not a bundle as wide as its uses).
    lane: Dict[Tuple[int, int], int] = {}  # (source, layer) -> its dummy there
    segments = set()
    for v in range(n):
        k = len(inputs[v])
        for port, u in enumerate(inputs[v]):
            chain = [u]
            for lay in range(layer[u] + 1, layer[v]):
                if (u, lay) not in lane:
                    lane[(u, lay)] = len(elem_layer)
                    elem_layer.append(lay)
                chain.append(lane[(u, lay)])
            chain.append(v)
            chains.append((chain, port, k))
            for a, b in zip(chain, chain[1:]):
                frac = _port_offset(port, k) if b == v else 0.0
                if b >= n and (a, b) in segments:
                    continue
                segments.add((a, b))
                seg_in.setdefault(b, []).append((a, frac))
                seg_out.setdefault(a, []).append((b, frac))

    # Initial order: depth-first from the sinks, inputs in argument order. For a tree this
    # is already crossing-free.
    layers: List[List[int]] = [[] for _ in range(depth)]
    placed = [False] * len(elem_layer)
    edge_of = {}  # (consumer, port) -> chain
    idx = 0
    for v in range(n):
        for port in range(len(inputs[v])):
            edge_of[(v, port)] = chains[idx][0]
            idx += 1
    for sink in sorted((v for v in range(n) if not consumers[v]), reverse=True):
        stack = [sink]
        while stack:
            v = stack.pop()
            if placed[v]:
                continue
            placed[v] = True
            layers[layer[v]].append(v)
            for port in range(len(inputs[v]) - 1, -1, -1):
                stack.append(edge_of[(v, port)][0])
            for port in range(len(inputs[v])):
                for d in reversed(edge_of[(v, port)][1:-1]):
                    if not placed[d]:  # a shared lane is placed once
                        placed[d] = True
                        layers[elem_layer[d]].append(d)

    segs_between: List[List[Tuple[int, int, float]]] = [[] for _ in range(max(depth - 1, 0))]
    for b, ins in seg_in.items():
        for a, frac in ins:
            segs_between[elem_layer[a]].append((a, b, frac))

    def crossings_of(lays: List[List[int]]) -> int:
        order = {e: i for lay in lays for i, e in enumerate(lay)}
        return sum(_count(order, segs, order) for segs in segs_between)

    best = [list(lay) for lay in layers]
    best_cross = crossings_of(best)
    for sweep in range(_SWEEPS):
        if best_cross == 0:
            break
        down = sweep % 2 == 0
        rng = range(1, depth) if down else range(depth - 2, -1, -1)
        for li in rng:
            ref = layers[li - 1] if down else layers[li + 1]
            ref_pos = {e: i for i, e in enumerate(ref)}
            keyed = []
            for i, e in enumerate(layers[li]):
                if down:
                    nb = [ref_pos[a] for a, _ in seg_in.get(e, ())]
                else:
                    nb = [ref_pos[b] + f for b, f in seg_out.get(e, ())]
                keyed.append((sum(nb) / len(nb) if nb else float(i), i, e))
            keyed.sort()
            layers[li] = [e for _, _, e in keyed]
        c = crossings_of(layers)
        if c < best_cross:
            best_cross, best = c, [list(lay) for lay in layers]
    layers = best
    if best_cross:
        _transpose(layers, seg_in, seg_out)
        best_cross = crossings_of(layers)

    # Vertical placement: each layer is a row as tall as its tallest box.
    row_h = [0.0] * depth
    for v in range(n):
        row_h[layer[v]] = max(row_h[layer[v]], size[v][1])
    # Busy gaps get taller, so that a bundle of edges fans out instead of merging.
    gaps = [LAYER_GAP + min(72.0, 2.0 * max(0, len(segs) - 4)) for segs in segs_between] + [0]
    row_y = []
    y = MARGIN + BADGE_H / 2
    for h, gap in zip(row_h, gaps):
        row_y.append(y + h / 2)
        y += h + gap
    height = y + MARGIN + BADGE_H / 2 if depth else 2 * MARGIN

    # Horizontal placement: alternately pull each row towards the row above and the row
    # below, solving exactly for the closest non-overlapping places. Leaves follow their
    # consumers but do not pull them: the path of computed values stays straight.
    source = {d: u for (u, _), d in lane.items()}

    def is_leaf(e: int) -> bool:
        """A leaf, or a point of a leaf's lane: it follows the boxes and does not pull them."""
        return not inputs[e] if e < n else not inputs[source[e]]

    def width_of(e: int) -> float:
        return size[e][0] if e < n else DUMMY_W

    x: Dict[int, float] = {}
    for lay in layers:
        left = 0.0
        for e in lay:
            x[e] = left + width_of(e) / 2
            left += width_of(e) + NODE_GAP
        shift = (left - NODE_GAP) / 2
        for e in lay:
            x[e] -= shift
    for sweep in range(_SWEEPS):
        down = sweep % 2 == 0
        rng = range(1, depth) if down else range(depth - 2, -1, -1)
        for li in rng:
            lay = layers[li]
            want = []
            for e in lay:
                if down:
                    ins = seg_in.get(e, ())
                    nb = [x[a] for a, _ in ins if not is_leaf(a)] or [x[a] for a, _ in ins]
                elif is_leaf(e):  # a leaf sits above the port it feeds
                    nb = [x[b] + f * width_of(b) for b, f in seg_out.get(e, ())]
                else:
                    nb = [x[b] for b, _ in seg_out.get(e, ())]
                want.append(sum(nb) / len(nb) if nb else x[e])
            spacing = [(width_of(a) + width_of(b)) / 2 + NODE_GAP for a, b in zip(lay, lay[1:])]
            weight = [_LEAF_WEIGHT if is_leaf(e) else 1.0 for e in lay]
            for e, xx in zip(lay, _closest_spaced(want, spacing, weight)):
                x[e] = xx
    # Rows whose leaves spread sideways are pushed back inside a frame as wide as the widest
    # row (at least ROW_BUDGET) around the computed values, so no row widens the picture.
    extent = [(min(x[e] - width_of(e) / 2 for e in lay), max(x[e] + width_of(e) / 2 for e in lay))
              for lay in layers if lay]
    spine = [x[e] for e in x if e < n and inputs[e]] or [x[e] for e in x]
    frame = max([ROW_BUDGET] + [b - a for a, b in extent])
    lo = (min(spine) + max(spine)) / 2 - frame / 2
    for lay, (a, b) in zip([lay for lay in layers if lay], extent):
        shift = max(lo - a, min(0.0, lo + frame - b))
        for e in lay:
            x[e] += shift
    left_edge = min((x[e] - width_of(e) / 2 for e in x), default=0.0)
    right_edge = max((x[e] + width_of(e) / 2 for e in x), default=0.0)
    for e in x:
        x[e] = x[e] - left_edge + MARGIN
    width = right_edge - left_edge + 2 * MARGIN

    pos = {v: (x[v], row_y[layer[v]]) for v in range(n)}
    routes = []
    for chain, port, k in chains:
        u, v = chain[0], chain[-1]
        lu, lv = layer[u], layer[v]
        pts = [(x[u], row_y[lu] + size[u][1] / 2)]
        if size[u][1] < row_h[lu]:
            pts.append((x[u], row_y[lu] + row_h[lu] / 2))
        for d in chain[1:-1]:
            ly, lh = row_y[elem_layer[d]], row_h[elem_layer[d]]
            pts += [(x[d], ly - lh / 2), (x[d], ly + lh / 2)]
        end_x = x[v] + _port_offset(port, k) * size[v][0]
        if size[v][1] < row_h[lv]:
            pts.append((end_x, row_y[lv] - row_h[lv] / 2))
        pts.append((end_x, row_y[lv] - size[v][1] / 2))
        routes.append(pts)
    # chains run node by node, real inputs before cut ones: split them apart again
    real, cut_pts = [], {}
    for (chain, port, _), pts in zip(chains, routes):
        if port < len(nodes[chain[-1]].inputs):
            real.append(pts)
        else:
            cut_pts[(chain[0], chain[-1])] = pts
    cut_routes = [(u, v, label, cut_pts[(u, v)]) for u, v, label in cuts]
    return Layout(pos=pos, size=size, width=float(math.ceil(width)),
                  height=float(math.ceil(height)),
                  layer={v: layer[v] for v in range(n)}, routes=real,
                  crossings=best_cross, text=texts, cut_routes=cut_routes)


def _transpose(layers: List[List[int]], seg_in: Dict[int, List[Tuple[int, float]]],
               seg_out: Dict[int, List[Tuple[int, float]]]) -> None:
    """Swap neighbours in a layer while that removes crossings (a local clean-up)."""
    pos = {e: i for lay in layers for i, e in enumerate(lay)}

    def cost(v: int, w: int) -> int:
        """Crossings between the edges of v and of w when v sits above w."""
        c = 0
        for edges, key in ((seg_in, lambda a, f: pos[a]), (seg_out, lambda b, f: pos[b] + f)):
            kv = [key(*e) for e in edges.get(v, ())]
            kw = [key(*e) for e in edges.get(w, ())]
            c += sum(1 for a in kv for b in kw if a > b)
        return c

    for _ in range(_SWEEPS):
        improved = False
        for lay in layers:
            for i in range(len(lay) - 1):
                v, w = lay[i], lay[i + 1]
                if cost(v, w) > cost(w, v):
                    lay[i], lay[i + 1] = w, v
                    pos[v], pos[w] = i + 1, i
                    improved = True
        if not improved:
            break


def _closest_spaced(want: List[float], gaps: List[float], weight: List[float]) -> List[float]:
    """Places closest to `want` (weighted least squares) with `p[i+1] - p[i] >= gaps[i]`.

    Subtracting the cumulative gaps turns this into isotonic regression, solved by
    pooling adjacent violators.
    """
    offset = [0.0]
    for g in gaps:
        offset.append(offset[-1] + g)
    blocks: List[List[float]] = []  # [weighted mean, total weight, count]
    for w, o, k in zip(want, offset, weight):
        blocks.append([w - o, k, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, k2, c2 = blocks.pop()
            m1, k1, c1 = blocks[-1]
            blocks[-1] = [(m1 * k1 + m2 * k2) / (k1 + k2), k1 + k2, c1 + c2]
    out = []
    for m, _, c in blocks:
        out.extend([m] * int(c))
    return [q + o for q, o in zip(out, offset)]
