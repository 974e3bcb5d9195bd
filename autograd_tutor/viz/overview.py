"""The chapter's overview picture, computed instead of drawn by hand.

`make_overview()` runs `x -> W @ x -> ReLU -> loss` through the engine, calls
`loss.backward()`, and paints the real graph twice: the forward pass with its values, and
the backward pass with the gradients it produced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

from .. import tensor
from .draw import _paint
from .graph import build_graph
from .layout import format_array, layout
from .svg import DARK, Curve, Poly, Rect, State, Text, _scene

WIDTH_PX, HEIGHT_PX, DPI = 1600, 900, 100


def make_overview(path: Union[str, Path] = "overview.png") -> Path:
    """Compute the overview graph and save it as a 1600x900 PNG at `path`."""
    from matplotlib.figure import Figure

    # Fixed, readable numbers: one hidden unit is negative, so the picture also shows
    # ReLU stopping its gradient.
    W = tensor([[0.5, -1.0, 0.25], [-0.5, 0.75, 1.0]], requires_grad=True)
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = W @ x
    a = z.relu()
    sq = a ** 2
    loss = sq.sum()
    for t in (z, a, sq, loss):
        t.retain_grad()
    loss.backward()

    graph = build_graph(loss, {"W": W, "x": x, "z": z, "a": a, "sq": sq, "loss": loss})
    lay = layout(graph)
    edges = frozenset(graph.edges())
    theme = DARK
    head, gap = 120.0, 80.0
    _, h, forward = _scene(graph, lay, State(grads={}, active_edges=edges), theme, head)
    _, _, backward = _scene(graph, lay, State(active_edges=edges, phase="backward"),
                            theme, head, caption=False)
    col = lay.width + gap  # the backward pass is drawn to the right of the forward pass
    w, h = lay.width + col, head + h + 70
    mid = w / 2
    items = [
        Text(mid, 46, "Autograd - Computational Graph", 30, theme["text"], bold=True,
             mono=False, anchor="middle"),
        Text(lay.width / 2, head - 24, "Forward pass: values flow down", 17,
             theme["forward"], mono=False, anchor="middle"),
        *forward,
        Text(col + lay.width / 2, head - 24, "Backward pass: loss.backward() sends gradients up",
             17, theme["backward"], mono=False, anchor="middle"),
        *(_shifted(item, col) for item in backward),
        Text(mid, h - 34, "Chain rule: dL/dx = dL/dsq · dsq/da · da/dz · dz/dx "
             "(z, a, sq called retain_grad(), so their .grad is kept)", 15, theme["note"],
             mono=False, anchor="middle"),
        Text(mid, h - 12, f"x.grad = {' '.join(format_array(x.grad.numpy()))}", 14,
             theme["grad"], anchor="middle"),
    ]

    scale = min(WIDTH_PX / w, HEIGHT_PX / h)
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    view_w, view_h = WIDTH_PX / scale, HEIGHT_PX / scale
    ax.set_xlim(mid - view_w / 2, mid + view_w / 2)
    ax.set_ylim(h / 2 + view_h / 2, h / 2 - view_h / 2)
    ax.set_axis_off()
    _paint(ax, items, scale * 72 / DPI)
    path = Path(path)
    fig.savefig(path, dpi=DPI, facecolor=theme["background"])
    return path


def _shifted(item: object, dx: float) -> object:
    """The same drawing primitive, moved ``dx`` to the right."""
    if isinstance(item, (Text, Rect)):
        return item._replace(x=item.x + dx)
    if isinstance(item, (Curve, Poly)):
        return item._replace(points=tuple((x + dx, y) for x, y in item.points))
    return item  # a Group marker has no position
