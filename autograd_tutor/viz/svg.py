"""How it looks: a laid-out graph as a self-contained SVG string.

The drawing is first described as a flat list of primitives (rectangles, texts, edge
paths, arrowheads) by `_scene`; `render` writes them as SVG and `draw.py` paints the
very same list with matplotlib for PNGs, so both always agree.

Kinds of node are told apart by shape, not only by colour: parameters (leaves that
require grad) have a double border and a `requires_grad=True` badge, constants a dashed
grey border, the output a bold border and an `output` badge. Forward edges are grey (green
and thick while active); an active backward edge is pink, thick, and its arrow points back
up to the input the gradient flows into. An edge cut by ``detach()`` or ``no_grad`` is
dashed and labelled. The box of the current step is wrapped in ``<g class="ag-current">``.

In an SVG every colour is a CSS variable (``--ag-text``, ...) set by the SVG's own style
sheet: light by default, dark in JupyterLab's and Notebook's dark themes, VS Code's and
Colab's dark themes, and (outside a notebook) when the system prefers dark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple

import numpy as np

from .graph import Graph
from .layout import (
    BADGE_H,
    BADGE_PX,
    MONO_EM,
    NOTE_PX,
    PAD_X,
    PAD_Y,
    TEXT_LINE,
    TEXT_PX,
    TITLE_EM,
    TITLE_LINE,
    TITLE_PX,
    Layout,
    _text_width,
    format_array,
)


@dataclass(frozen=True)
class State:
    """What one frame shows; the default shows every value and each node's `.grad`."""

    shown: frozenset[int] | None = None
    grads: Mapping[int, np.ndarray] | None = None
    highlight: int | None = None
    active_edges: frozenset[tuple[int, int]] = frozenset()
    phase: str | None = None
    caption: str | None = None


SANS = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"

LIGHT: Dict[str, str] = {
    "background": "#ffffff",
    "text": "#1f2937",
    "note": "#4b5563",
    "grad": "#c2185b",
    "param_fill": "#e8f5e9", "param_line": "#2e7d32",
    "const_fill": "#f3f4f6", "const_line": "#6b7280",
    "op_fill": "#e3f2fd", "op_line": "#1565c0",
    "output_fill": "#fff1e6", "output_line": "#c62828",
    "badge_text": "#ffffff",
    "edge": "#94a3b8",
    "forward": "#16a34a",
    "backward": "#db2777",
    "highlight": "#f59e0b",
}
DARK: Dict[str, str] = {
    "background": "#111111",
    "text": "#f8fafc",
    "note": "#cbd5e1",
    "grad": "#fde047",
    "param_fill": "#14532d", "param_line": "#4ade80",
    "const_fill": "#334155", "const_line": "#94a3b8",
    "op_fill": "#1e3a8a", "op_line": "#93c5fd",
    "output_fill": "#7f1d1d", "output_line": "#fca5a5",
    "badge_text": "#0f172a",
    "edge": "#94a3b8",
    "forward": "#22c55e",
    "backward": "#ec4899",
    "highlight": "#fbbf24",
}

# colours as the SVG writes them: variables of its style sheet (see `_STYLE`)
THEMED: Dict[str, str] = {k: f"var(--ag-{k.replace('_', '-')})" for k in LIGHT}


def _vars(theme: Mapping[str, str]) -> str:
    return ";".join(f"--ag-{k.replace('_', '-')}:{v}" for k, v in theme.items())


# JupyterLab and Notebook 7 mark the theme on <body data-jp-theme-light>; VS Code sets
# body.vscode-dark, Colab html[theme=dark]; elsewhere (a saved page, an .svg file, an <img>)
# the system's preference decides.
_DARK_SELECTORS = ('body[data-jp-theme-light="false"] .ag-graph', "body.vscode-dark .ag-graph",
                   'html[theme="dark"] .ag-graph')
STYLE = (f".ag-graph{{{_vars(LIGHT)}}}"
         f"@media (prefers-color-scheme:dark){{.ag-graph:root,"
         f"body:not([data-jp-theme-light]) .ag-graph{{{_vars(DARK)}}}}}"
         f"{','.join(_DARK_SELECTORS)}{{{_vars(DARK)}}}"
         'body[data-jp-theme-light="true"] .ag-graph{' + _vars(LIGHT) + "}")

ARROW = 9.0
CAPTION_PX = 14
CAPTION_LINE = 20


class Rect(NamedTuple):
    x: float
    y: float
    w: float
    h: float
    rx: float
    fill: str
    stroke: str
    width: float
    dash: str = ""
    opacity: float = 1.0


class Text(NamedTuple):
    x: float
    y: float  # baseline
    s: str
    px: float
    fill: str
    bold: bool = False
    mono: bool = True
    anchor: str = "start"  # or "middle"
    fit: float = 0.0  # squeeze into this width when the estimate is wider


class Curve(NamedTuple):
    points: Tuple[Tuple[float, float], ...]  # S-curves between points at different heights
    stroke: str
    width: float
    dash: str = ""


class Poly(NamedTuple):
    points: Tuple[Tuple[float, float], ...]
    fill: str


class Group(NamedTuple):
    """Starts a group of items with a hover text; `Group(None)` ends it. PNGs ignore both."""

    tip: Optional[str]
    current: bool = False  # the box the current step is about


_KIND_TIP = {"param": "leaf, requires_grad=True", "const": "constant (no gradient)",
             "op": "intermediate result", "output": "output"}


def _tip(g) -> str:
    dtype = str(g.value.dtype)
    shape = "[" + ", ".join(str(d) for d in g.value.shape) + "]"
    made = f", made by {g.grad_fn}" if g.grad_fn else ""
    kind = _KIND_TIP[g.kind]
    if g.cut:
        kind = (f"cut from the graph by {g.cut}: a value the gradient does not flow back "
                "through")
    changed = ""
    if g.stale:
        changed = (f"; changed in place since the graph was recorded (version {g.stale[0]} → "
                   f"{g.stale[1]}): data as recorded" + (", now as it is" if
                                                          g.current is not None else ""))
    return f"{g.label}: {kind}{made}; shape {shape}, {dtype}{changed}"


def _wrap(text: str, chars: int) -> List[str]:
    out: List[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            if line and len(line) + 1 + len(word) > chars:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return out


_PHASE_TITLE = {"forward": "Forward pass", "backward": "Backward pass"}


def _caption_lines(state: State, width: float) -> List[Tuple[str, bool]]:
    lines: List[Tuple[str, bool]] = []
    if state.phase in _PHASE_TITLE:
        lines.append((_PHASE_TITLE[state.phase], True))
    if state.caption:
        chars = max(20, int((width - 2 * PAD_X - 24) / (CAPTION_PX * MONO_EM)))
        lines += [(s, False) for s in _wrap(state.caption, chars)]
    return lines


def _scene(graph: Graph, layout: Layout, state: State, theme: Mapping[str, str] = LIGHT,
           dy: float = 0.0, caption: bool = True) -> Tuple[float, float, list]:
    """Primitives of one frame, and the canvas size. `dy` shifts everything down;
    `caption=False` leaves out the phase/caption band."""
    items: list = []
    width = layout.width
    lines = _caption_lines(state, width) if caption else []
    band = CAPTION_LINE * len(lines) + 16 if lines else 0.0
    for i, (s, is_title) in enumerate(lines):
        color = theme.get(state.phase or "", theme["text"]) if is_title else theme["text"]
        room = width - 48
        est = _text_width(s, CAPTION_PX, TITLE_EM if is_title else MONO_EM)
        items.append(Text(24, dy + 22 + i * CAPTION_LINE, s, CAPTION_PX, color,
                          bold=is_title, mono=not is_title, fit=room if est > room else 0))
    dy += band

    active = state.active_edges
    backward = state.phase == "backward"
    highlighted: List = []
    for (u, v), pts in zip(graph.edges(), layout.routes):
        on = (u, v) in active
        color = theme["backward" if backward else "forward"] if on else theme["edge"]
        curve, arrow = _arrowed([(x, y + dy) for x, y in pts], backward and on)
        group = highlighted if on else items
        group.append(Curve(curve, color, 3.0 if on else 1.4))
        group.append(Poly(arrow, color))
    # detach() / no_grad: dashed, ending on the cut box's badge, which names the cut (one
    # badge per cut box, so labels of cuts leaving the same node never overlap)
    for _, _, _, pts in layout.cut_routes:
        pts = [(x, y + dy) for x, y in pts]
        pts[-1] = (pts[-1][0], pts[-1][1] - BADGE_H / 2)
        curve, arrow = _arrowed(pts, False)
        items.append(Curve(curve, theme["note"], 1.4, "5 4"))
        items.append(Poly(arrow, theme["note"]))
    items += highlighted  # active edges on top

    shown, grads = state.shown, state.grads
    for g in graph.nodes:
        (cx, cy), (w, h) = layout.pos[g.id], layout.size[g.id]
        cy += dy
        t = layout.text[g.id]
        x0, y0 = cx - w / 2, cy - h / 2
        visible = shown is None or g.id in shown
        op = 1.0 if visible else 0.45
        kind = g.kind
        fill, line = theme[kind + "_fill"], theme[kind + "_line"]
        items.append(Group(_tip(g), current=state.highlight == g.id))
        if state.highlight == g.id:
            items.append(Rect(x0 - 7, y0 - 7 - BADGE_H / 2, w + 14, h + 14 + BADGE_H / 2, 14,
                              theme["highlight"], theme["highlight"], 2.0, opacity=0.45))
        if kind == "param":
            items.append(Rect(x0, y0, w, h, 9, fill, line, 1.6, opacity=op))
            items.append(Rect(x0 + 3.5, y0 + 3.5, w - 7, h - 7, 6, "none", line, 1.2,
                              opacity=op))
        elif kind == "const":
            items.append(Rect(x0, y0, w, h, 9, fill, line, 1.4, "5 3", op))
        else:
            items.append(Rect(x0, y0, w, h, 9, fill, line, 3.5 if kind == "output" else 1.4,
                              opacity=op))
        # Text keeps full contrast even in a faded (not yet computed) box: "data ?" says so.
        if t.badge:  # on the side without edges: above a leaf, below the others; a cut
            # box's badge is centred on top, where the dashed edge of the cut arrives
            bw = _text_width(t.badge, BADGE_PX) + 12
            by = y0 if not g.inputs else y0 + h
            bx = cx - bw / 2 if g.cut else x0 + 10
            items.append(Rect(bx, by - BADGE_H / 2, bw, BADGE_H, BADGE_H / 2, line, line, 1.0))
            items.append(Text(bx + 6, by + BADGE_PX / 2 - 1, t.badge, BADGE_PX,
                              theme["badge_text"], bold=True))
        y = y0 + PAD_Y + (4 if t.badge and not g.inputs else 0)
        inner = w - 2 * PAD_X
        items.append(Text(cx, y + TITLE_PX, t.title, TITLE_PX, theme["text"], bold=True,
                          mono=False, anchor="middle",
                          fit=inner if _text_width(t.title, TITLE_PX, TITLE_EM) > inner else 0))
        y += TITLE_LINE
        for note in t.notes:
            items.append(Text(cx, y + NOTE_PX, note, NOTE_PX, theme["note"], anchor="middle",
                              fit=inner if _text_width(note, NOTE_PX) > inner else 0))
            y += TEXT_LINE
        left = x0 + PAD_X
        if t.value is not None:
            y = _rows(items, "data", t.value if visible else ("?",), left, y, inner,
                      theme["text"] if visible else theme["note"], theme)
        if t.now:
            y = _rows(items, "now ", t.now, left, y, inner, theme["note"], theme)
        if t.grad_rows:
            grad = g.grad if grads is None else grads.get(g.id)
            rows = tuple(format_array(grad)) if grad is not None else ("None",)
            _rows(items, "grad", rows, left, y, inner,
                  theme["grad"] if grad is not None else theme["note"], theme)
        items.append(Group(None))
    return width, layout.height + band, items


def _arrowed(pts: List[Tuple[float, float]], back: bool
             ) -> Tuple[Tuple[Tuple[float, float], ...], Tuple[Tuple[float, float], ...]]:
    """The edge through `pts` (downwards) shortened for its arrowhead, and the arrowhead:
    at the target's top, or with `back` pointing up into the source's bottom."""
    if back:
        (ax, ay), sign = pts[0], 1.0
        pts[0] = (ax, ay + ARROW - 1)
    else:
        (ax, ay), sign = pts[-1], -1.0
        pts[-1] = (ax, ay - ARROW + 1)
    arrow = ((ax, ay), (ax - ARROW / 2, ay + sign * ARROW), (ax + ARROW / 2, ay + sign * ARROW))
    return tuple(pts), arrow


def _rows(items: list, head: str, rows: Tuple[str, ...], left: float, y: float, inner: float,
          color: str, theme: Mapping[str, str]) -> float:
    items.append(Text(left, y + TEXT_PX, head, TEXT_PX, theme["note"]))
    indent = _text_width(head + " ", TEXT_PX)
    room = inner - indent
    for s in rows:
        items.append(Text(left + indent, y + TEXT_PX, s, TEXT_PX, color, bold=head == "grad",
                          fit=room if _text_width(s, TEXT_PX) > room else 0))
        y += TEXT_LINE
    return y


# ---------------------------------------------------------------- SVG writing


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _curve_commands(points) -> List[Tuple[str, Tuple[float, ...]]]:
    """`M`/`L`/`C` commands through `points`; sideways moves become vertical S-curves."""
    (px, py) = points[0]
    cmds: List[Tuple[str, Tuple[float, ...]]] = [("M", (px, py))]
    for x, y in points[1:]:
        if abs(x - px) < 0.5:
            cmds.append(("L", (x, y)))
        else:
            my = (py + y) / 2
            cmds.append(("C", (px, my, x, my, x, y)))
        px, py = x, y
    return cmds


def _fill(fill: str, stroke: Optional[str] = None) -> str:
    """Paint attributes; CSS variables go in a style attribute, where browsers resolve them."""
    paint = [("fill", fill)] + ([("stroke", stroke)] if stroke else [])
    if any(v.startswith("var(") for _, v in paint):
        return 'style="' + ";".join(f"{k}:{v}" for k, v in paint) + '"'
    return " ".join(f'{k}="{v}"' for k, v in paint)


def _svg_item(it) -> str:
    if isinstance(it, Group):
        if it.tip is None:
            return "</g>"
        cls = ' class="ag-current"' if it.current else ""
        return f"<g{cls}><title>{_esc(it.tip)}</title>"
    if isinstance(it, Text):
        weight = ' font-weight="bold"' if it.bold else ""
        family = "" if it.mono else f' font-family="{SANS}"'
        anchor = ' text-anchor="middle"' if it.anchor == "middle" else ""
        fit = (f' textLength="{it.fit:.1f}" lengthAdjust="spacingAndGlyphs"' if it.fit else "")
        return (f'<text x="{it.x:.1f}" y="{it.y:.1f}" font-size="{it.px:g}" {_fill(it.fill)}'
                f'{weight}{family}{anchor}{fit} xml:space="preserve">{_esc(it.s)}</text>')
    if isinstance(it, Rect):
        dash = f' stroke-dasharray="{it.dash}"' if it.dash else ""
        op = f' opacity="{it.opacity}"' if it.opacity != 1.0 else ""
        return (f'<rect x="{it.x:.1f}" y="{it.y:.1f}" width="{it.w:.1f}" height="{it.h:.1f}" '
                f'rx="{it.rx:g}" {_fill(it.fill, it.stroke)} '
                f'stroke-width="{it.width:g}"{dash}{op}/>')
    if isinstance(it, Curve):
        d = " ".join(c + " " + " ".join(f"{v:.1f}" for v in vals)
                     for c, vals in _curve_commands(it.points))
        dash = f' stroke-dasharray="{it.dash}"' if it.dash else ""
        return (f'<path d="{d}" {_fill("none", it.stroke)} stroke-width="{it.width:g}"{dash} '
                f'stroke-linecap="round"/>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in it.points)
    return f'<polygon points="{pts}" {_fill(it.fill)}/>'


def render(graph: Graph, layout: Layout, state: Optional[State] = None) -> str:
    """One frame of `graph` as a self-contained SVG document (same input, same bytes).

    Its colours follow the page's light or dark theme (see the module docstring)."""
    width, height, items = _scene(graph, layout, state or State(), THEMED)
    w, h = f"{width:.0f}", f"{height:.0f}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ag-graph" width="{w}" '
           f'height="{h}" viewBox="0 0 {w} {h}" font-family="{MONO}" role="img" '
           'style="max-width:none">',
           f"<title>Computational graph: {len(graph.nodes)} nodes</title>",
           f"<style>{STYLE}</style>",
           f'<rect width="100%" height="100%" {_fill(THEMED["background"])}/>']
    out += [_svg_item(it) for it in items]
    out.append("</svg>")
    return "\n".join(out)
