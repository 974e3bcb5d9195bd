"""`draw(z)`: the graph behind a tensor, as a picture that shows itself in a notebook."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

from .graph import Graph, build_graph
from .layout import MONO_EM, TITLE_EM, Layout, _text_width, layout
from .svg import LIGHT, Curve, Poly, Rect, State, Text, _curve_commands, _scene, render


class GraphDrawing:
    """A drawn graph: SVG in Jupyter (scrollable when large), `.save()` to .svg or .png."""

    def __init__(self, graph: Graph, lay: Optional[Layout] = None,
                 state: Optional[State] = None) -> None:
        self.graph = graph
        self.layout = lay if lay is not None else layout(graph)
        self.state = state or State()
        self.svg = render(self.graph, self.layout, self.state)

    def __repr__(self) -> str:
        # deterministic (no memory address): it is the text/plain of stored notebook outputs
        label = self.graph.nodes[self.graph.output].label
        return f"<graph of {label}: {len(self.graph.nodes)} nodes; .save('graph.svg') to keep it>"

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        # natural size, scroll bars when larger than the cell: never shrunk to unreadable
        return f'<div style="overflow:auto;max-width:100%;max-height:760px">{self.svg}</div>'

    def save(self, path: Union[str, Path]) -> None:
        """Write the drawing to `path`; the suffix picks the format (`.svg` or `.png`)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".png":
            width, height, items = _scene(self.graph, self.layout, self.state)
            # sharp (2x) for notebook-sized graphs; 1x keeps huge ones below ~100 MB of pixels
            save_png(items, width, height, path, scale=2.0 if width * height <= 8e6 else 1.0)
        else:
            raise ValueError(f"cannot save a drawing as {suffix or 'a file without suffix'!r}. "
                             "Use a file name ending in .svg or .png.")


def draw(t: Any, names: Optional[Dict[str, Any]] = None) -> GraphDrawing:
    """Draw the computational graph that produced tensor `t`.

    Boxes are labelled with your own variable names (`x`, `y`, `loss`), found in the scope
    that calls `draw`; pass `names={"x": x}` to choose them yourself.

    >>> x = torch.tensor([2.0], requires_grad=True)
    >>> z = 2 * x ** 2 + 3
    >>> viz.draw(z)              # doctest: +SKIP
    """
    return GraphDrawing(build_graph(t, names, _depth=2))


# ---------------------------------------------------------------- PNG through matplotlib


def _paint(ax: Any, items: Sequence[Any], pt_per_px: float) -> None:
    """Paint scene primitives on a matplotlib `ax` whose data units are SVG pixels."""
    from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon
    from matplotlib.path import Path as MPath

    codes = {"M": [MPath.MOVETO], "L": [MPath.LINETO], "C": [MPath.CURVE4] * 3}
    for z, it in enumerate(items):
        if isinstance(it, Rect):
            lw = it.width * pt_per_px
            style = (0, (5 * pt_per_px / lw, 3 * pt_per_px / lw)) if it.dash else "solid"
            ax.add_patch(FancyBboxPatch(
                (it.x, it.y), it.w, it.h, boxstyle=f"round,pad=0,rounding_size={it.rx}",
                facecolor="none" if it.fill == "none" else it.fill, edgecolor=it.stroke,
                linewidth=lw, linestyle=style, alpha=it.opacity, zorder=z))
        elif isinstance(it, Text):
            size = it.px
            est = _text_width(it.s, it.px, MONO_EM if it.mono else TITLE_EM)
            if it.fit and est > it.fit:
                size *= it.fit / est
            ax.text(it.x, it.y, it.s, fontsize=size * pt_per_px, color=it.fill,
                    fontweight="bold" if it.bold else "normal",
                    family="DejaVu Sans Mono" if it.mono else "DejaVu Sans",
                    ha="center" if it.anchor == "middle" else "left", va="baseline", zorder=z)
        elif isinstance(it, Curve):
            verts, kinds = [], []
            for c, vals in _curve_commands(it.points):
                verts += [vals[i:i + 2] for i in range(0, len(vals), 2)]
                kinds += codes[c]
            lw = it.width * pt_per_px
            style = (0, (5 * pt_per_px / lw, 4 * pt_per_px / lw)) if it.dash else "solid"
            ax.add_patch(PathPatch(MPath(verts, kinds), fill=False, edgecolor=it.stroke,
                                   linewidth=lw, linestyle=style, capstyle="round", zorder=z))
        elif isinstance(it, Poly):
            ax.add_patch(Polygon(it.points, closed=True, facecolor=it.fill, edgecolor="none",
                                 zorder=z))


def save_png(items: Sequence[Any], width: float, height: float, path: Union[str, Path],
             scale: float = 2.0) -> None:
    """Paint `items` at their natural size (`scale` device pixels per SVG pixel) into `path`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 72, height / 72), dpi=72 * scale)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    _paint(ax, items, 1.0)  # 1 SVG px = 1/72 inch = 1 pt
    fig.savefig(path, dpi=72 * scale, facecolor=LIGHT["background"])
