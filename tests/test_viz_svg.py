"""The SVG renderer on hand-made graphs: well-formed, self-contained, deterministic, and it
shows what the frame state asks for."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from _helpers import dags, make_graph
from hypothesis import given, settings

from autograd_tutor.viz.graph import GNode, Graph, build_graph
from autograd_tutor.viz.layout import layout
from autograd_tutor.viz.svg import CAPTION_LINE, DARK, LIGHT, THEMED, State, render

NS = "{http://www.w3.org/2000/svg}"


def seed_graph(x_grad=None) -> Graph:
    """z = 2 * x ** 2 + 3 at x = 2, values worked out by hand."""
    return Graph([
        GNode(0, "x", "param", None, None, np.array([2.0]), x_grad, (), None),
        GNode(1, "y", "op", "**2", "PowBackward0", np.array([4.0]), None, (0,), None),
        GNode(2, "2", "const", None, None, np.array(2), None, (), None),
        GNode(3, "mul", "op", "*", "MulBackward0", np.array([8.0]), None, (2, 1), None),
        GNode(4, "3", "const", None, None, np.array(3), None, (), None),
        GNode(5, "z", "output", "+", "AddBackward0", np.array([11.0]), None, (3, 4), None),
    ], 5)


def paint(el, key: str):
    """An element's fill or stroke, from its attribute or its style attribute."""
    style = dict(p.split(":", 1) for p in (el.get("style") or "").split(";") if ":" in p)
    return style.get(key, el.get(key))


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(NS + "text")]


def test_svg_is_well_formed_and_self_contained():
    g = seed_graph()
    svg = render(g, layout(g))
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    for forbidden in ("<script", "href", "url(", "@import", "<foreignObject", "<image"):
        assert forbidden not in svg
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]
    assert " id=" not in svg  # nothing that could clash between drawings on one page


@settings(max_examples=40, deadline=None)
@given(dags(max_nodes=20))
def test_svg_is_deterministic_and_parses_for_random_graphs(graph):
    svg = render(graph, layout(graph))
    ET.fromstring(svg)
    again = make_graph([n.inputs for n in graph.nodes], [n.value.shape for n in graph.nodes],
                       [n.label for n in graph.nodes])
    assert render(again, layout(again)) == svg


def test_boxes_show_names_ops_values_and_grads():
    g = seed_graph(x_grad=np.array([8.0]))
    ts = texts(render(g, layout(g)))
    for expected in ("x", "y", "z", "mul", "2", "3", "x ** 2", "2 * y", "mul + 3",
                     "PowBackward0", "[2.]", "[4.]", "[8.]", "[11.]", "requires_grad=True",
                     "output", "constant"):
        assert expected in ts, expected
    assert ts.count("[8.]") == 2  # mul's value and x.grad


def test_kinds_differ_by_border_not_only_colour():
    g = seed_graph()
    root = ET.fromstring(render(g, layout(g)))
    rects = list(root.iter(NS + "rect"))
    dashed = [r for r in rects if r.get("stroke-dasharray")]
    assert len(dashed) == 2  # the two constants
    bold = [r for r in rects if r.get("stroke-width") == "3.5"]
    assert len(bold) == 1  # the output
    line = THEMED["param_line"]
    param_borders = [r for r in rects if paint(r, "stroke") == line and paint(r, "fill") != line]
    assert len(param_borders) == 2  # double border around x


def test_state_hides_values_and_overrides_grads():
    g = seed_graph()
    lay = layout(g)
    svg = render(g, lay, State(shown=frozenset({0, 2, 4}), grads={5: np.array([1.0])}))
    ts = texts(svg)
    assert "[11.]" not in ts and "[4.]" not in ts and ts.count("?") == 3
    assert "[2.]" in ts and "[1.]" in ts
    assert 'opacity="0.45"' in svg  # not yet computed: faded


def edge_paths(svg: str, color: str):
    root = ET.fromstring(svg)
    paths = [p for p in root.iter(NS + "path") if paint(p, "stroke") == color]
    polys = [p for p in root.iter(NS + "polygon") if paint(p, "fill") == color]
    return paths, polys


def test_backward_edges_are_coloured_and_point_back_to_the_input():
    g = seed_graph()
    lay = layout(g)
    svg = render(g, lay, State(active_edges=frozenset({(1, 3)}), phase="backward",
                               highlight=1, caption="dz/dy = 2 * 1 = 2"))
    paths, polys = edge_paths(svg, THEMED["backward"])
    assert len(paths) == len(polys) == 1
    tip = [float(v) for v in polys[0].get("points").split()[0].split(",")]
    band = 2 * CAPTION_LINE + 16  # the caption band above the graph: title and one line
    y_bottom_edge = band + lay.pos[1][1] + lay.size[1][1] / 2
    assert abs(tip[1] - y_bottom_edge) < 0.1  # arrowhead at y, the input, not at mul
    assert "Backward pass" in texts(svg) and "dz/dy = 2 * 1 = 2" in texts(svg)
    assert f'fill:{THEMED["highlight"]}' in svg
    (current,) = [g for g in ET.fromstring(svg).iter(NS + "g") if g.get("class") == "ag-current"]
    assert current.find(NS + "title").text.startswith("y:")


def test_forward_edges_point_to_the_consumer():
    g = seed_graph()
    lay = layout(g)
    svg = render(g, lay, State(active_edges=frozenset({(0, 1)}), phase="forward"))
    paths, polys = edge_paths(svg, THEMED["forward"])
    assert len(paths) == len(polys) == 1
    tip = [float(v) for v in polys[0].get("points").split()[0].split(",")]
    band = CAPTION_LINE + 16  # the "Forward pass" band above the graph
    assert abs(tip[1] - (band + lay.pos[1][1] - lay.size[1][1] / 2)) < 0.1  # y's top side
    assert edge_paths(svg, THEMED["backward"]) == ([], [])


def test_large_graphs_keep_their_font_size_and_grow_instead():
    chain = make_graph([()] + [(i,) for i in range(299)])
    lay = layout(chain)
    svg = render(chain, lay)
    root = ET.fromstring(svg)
    sizes = {float(t.get("font-size")) for t in root.iter(NS + "text")}
    assert min(sizes) >= 10
    assert float(root.get("height")) == round(lay.height) > 300 * 100
    assert "max-width:none" in root.get("style")


def test_text_is_escaped():
    g = Graph([GNode(0, "a<b & c", "output", None, None, np.array(1.0), None, (), None)], 0)
    assert "a<b & c" in texts(render(g, layout(g)))


def test_svg_bytes_do_not_depend_on_the_process():
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    code = ("from test_viz_svg import seed_graph; from autograd_tutor.viz.layout import layout;"
            "from autograd_tutor.viz.svg import render, State; g = seed_graph();"
            "print(render(g, layout(g), State(active_edges=frozenset({(1, 3), (2, 3)}),"
            " shown=frozenset({0, 1, 2}), phase='backward')))")
    outs = set()
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed,
               "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                text=True, check=True).stdout)
    assert len(outs) == 1


def test_hovering_a_box_tells_kind_shape_and_dtype():
    g = seed_graph()
    root = ET.fromstring(render(g, layout(g)))
    tips = [t.text for grp in root.iter(NS + "g") for t in grp.findall(NS + "title")]
    assert tips[0] == "x: leaf, requires_grad=True; shape [1], float64"
    assert "y: intermediate result, made by PowBackward0; shape [1], float64" in tips
    assert "2: constant (no gradient); shape [], int64" in tips


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_contrast_is_at_least_4_5_in_light_and_dark():
    for theme in (LIGHT, DARK):
        for kind in ("param", "const", "op", "output"):
            for text in ("text", "note", "grad"):
                assert contrast(theme[text], theme[kind + "_fill"]) >= 4.5, (kind, text)
            assert contrast(theme["badge_text"], theme[kind + "_line"]) >= 4.5, kind
        for text in ("text", "note"):  # caption band and cut-edge labels
            assert contrast(theme[text], theme["background"]) >= 4.5


def test_colours_follow_the_notebook_theme():
    g = seed_graph()
    svg = render(g, layout(g))
    root = ET.fromstring(svg)
    assert root.get("class") == "ag-graph"
    style = root.find(NS + "style").text
    assert 'body[data-jp-theme-light="false"] .ag-graph' in style
    assert "prefers-color-scheme:dark" in style
    assert f"--ag-text:{DARK['text']}" in style and f"--ag-text:{LIGHT['text']}" in style
    assert not re.search(r'(fill|stroke)="#', svg.split("</style>")[1])  # no fixed colours


def test_cut_edges_are_dashed_and_end_on_a_badge_that_names_the_cut():
    """Two cuts leave `a`: each cut box says which cut stopped the gradient in its own badge
    (not "constant"), where its dashed edge arrives, so the two labels cannot overlap."""
    import autograd_tutor as at

    a = at.tensor([2.0], requires_grad=True)
    d = a.detach()
    with at.no_grad():
        e = a * 3
    f = d * a + e * a
    g = build_graph(f, {"a": a, "d": d, "e": e, "f": f})
    svg = render(g, layout(g))
    root = ET.fromstring(svg)
    dashed = [p for p in root.iter(NS + "path") if p.get("stroke-dasharray")]
    assert len(dashed) == 2
    words = texts(svg)
    assert "constant" not in words
    assert {"detach(): gradient stops", "no_grad: gradient stops"} <= set(words)
    badges = []
    for label in ("detach(): gradient stops", "no_grad: gradient stops"):
        text = [t for t in root.iter(NS + "text") if t.text == label][0]
        rects = [r for r in root.iter(NS + "rect") if r.get("height") == "14.0"
                 and float(r.get("x")) + 6 == pytest.approx(float(text.get("x")))]
        x, y, w = (float(rects[0].get(k)) for k in ("x", "y", "width"))
        badges.append((x, y, x + w))
        tips = [t.text for t in root.iter(NS + "title")]
        assert any(" does not flow back" in t for t in tips)
    (l1, y1, r1), (l2, y2, r2) = sorted(badges)
    assert r1 <= l2 or y1 != y2  # side by side without overlap
    # each dashed edge's arrowhead ends on the top of a badge
    tips_y = sorted(float(p.get("points").split()[0].split(",")[1])
                    for p in root.iter(NS + "polygon") if "--ag-note" in (p.get("style") or ""))
    assert tips_y == sorted([y1, y2])
