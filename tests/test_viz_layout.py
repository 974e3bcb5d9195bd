"""Layout properties on hand-made and random graphs (no core needed).

The oracles are geometric: boxes are checked for overlap and edges for direction and
crossings directly from the coordinates, independently of how the layout computed them.
"""

from __future__ import annotations

import numpy as np
from _helpers import dags, make_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_tutor.viz.layout import BADGE_H, format_array, layout


@st.composite
def trees(draw, max_nodes=25):
    """In-trees (every node feeds exactly one consumer) in topological order."""
    n = draw(st.integers(1, max_nodes))
    parent = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    # node i of the tree (root 0) gets id n-1-i, so inputs come first
    children = [[] for _ in range(n)]
    for i in range(1, n):
        children[parent[i]].append(i)
    inputs = [tuple(n - 1 - c for c in children[n - 1 - j]) for j in range(n)]
    return make_graph(inputs)


def boxes(lay):
    return {v: (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            for v, ((x, y), (w, h)) in ((v, (lay.pos[v], lay.size[v])) for v in lay.pos)}


def geometric_crossings(lay) -> int:
    """Crossings counted from the edge routes in every gap between two columns."""
    right, left = {}, {}
    for v, (x0, _, x1, _) in boxes(lay).items():
        col = lay.layer[v]
        right[col] = max(right.get(col, x0), x1)
        left[col] = min(left.get(col, x1), x0)
    count = 0
    for col in range(max(lay.layer.values(), default=0)):
        a, b = right[col], left[col + 1]
        segs = []
        for pts in lay.routes:
            ys = {round(x, 3): y for x, y in pts}
            if round(a, 3) in ys and round(b, 3) in ys:
                segs.append((ys[round(a, 3)], ys[round(b, 3)]))
        for i in range(len(segs)):
            for j in range(i + 1, len(segs)):
                if (segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < -1e-9:
                    count += 1
    return count


@settings(max_examples=80, deadline=None)
@given(dags())
def test_random_dags_have_no_overlapping_boxes(graph):
    lay = layout(graph)
    bx = sorted(boxes(lay).items())
    for i, (u, a) in enumerate(bx):
        # inside the canvas, badge included
        assert a[0] >= 0 and a[1] - BADGE_H / 2 >= 0 and a[2] <= lay.width and a[3] <= lay.height
        for v, b in bx[i + 1:]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (u, v, a, b)


@settings(max_examples=80, deadline=None)
@given(dags())
def test_random_dags_edges_flow_left_to_right(graph):
    lay = layout(graph)
    bx = boxes(lay)
    assert len(lay.routes) == len(graph.edges())
    for (u, v), pts in zip(graph.edges(), lay.routes):
        assert lay.layer[u] < lay.layer[v]
        assert lay.pos[u][0] < lay.pos[v][0]
        xs = [x for x, _ in pts]
        assert xs == sorted(xs)
        assert abs(xs[0] - bx[u][2]) < 1e-6 and abs(xs[-1] - bx[v][0]) < 1e-6
        assert bx[v][1] < pts[-1][1] < bx[v][3]  # arrives on the target's left side
        for x, y in pts[1:-1]:  # bends stay out of every box
            for w, (x0, y0, x1, y1) in bx.items():
                assert not (x0 < x < x1 and y0 < y < y1), (u, v, w)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_layout_is_deterministic(graph):
    a = layout(graph)
    b = layout(make_graph([n.inputs for n in graph.nodes], [n.value.shape for n in graph.nodes],
                          [n.label for n in graph.nodes]))
    assert (a.pos, a.size, a.routes, a.width, a.height) == (b.pos, b.size, b.routes, b.width,
                                                             b.height)


@settings(max_examples=150, deadline=None)
@given(trees())
def test_trees_are_drawn_without_crossings(graph):
    lay = layout(graph)
    assert geometric_crossings(lay) == 0
    assert lay.crossings == 0


def test_known_graphs_have_no_crossings():
    seed = [(), (0,), (), (2, 1), (), (3, 4)]  # z = 2 * x**2 + 3
    diamond = [(), (0,), (0,), (1, 2)]
    square = [(), (0, 0)]  # x * x: one node, two edges
    training = [(), (), (0, 1), (), (2, 3), (), (4, 5), (6,), (7,)]  # ((w*x+b-y)**2).mean()
    for inputs in (seed, diamond, square, training):
        g = make_graph(inputs)
        lay = layout(g)
        assert geometric_crossings(lay) == 0, inputs
        assert lay.crossings == 0


def test_crosswise_arguments_cost_the_minimum_two_crossings():
    # c = f(b, a), d = f(a, b), e = f(c, d). By hand: with c above d, the edge from the upper
    # of a, b into the lower port of d crosses both edges of the other leaf into c's lower and
    # d's upper port (2); putting d above c costs the same 2 plus one at e.
    g = make_graph([(), (), (1, 0), (0, 1), (2, 3)])
    lay = layout(g)
    assert geometric_crossings(lay) == 2
    assert lay.crossings == 2


def test_chain_is_a_straight_line_and_leaves_sit_next_to_their_consumer():
    g = make_graph([(), (0,), (1,), (2,), (), (3, 4)])
    lay = layout(g)
    ys = {round(lay.pos[v][1], 6) for v in range(4)}
    assert len(ys) == 1  # x -> a -> b -> c drawn level
    assert lay.layer[4] == lay.layer[5] - 1  # the late leaf is not pushed to the far left


def test_a_long_chain_with_a_constant_at_every_step_stays_level():
    inputs = [()]  # x, then per step: a constant c and y = y_prev * c
    chain = [0]
    for _ in range(200):
        inputs.append(())
        inputs.append((chain[-1], len(inputs) - 1))
        chain.append(len(inputs) - 1)
    lay = layout(make_graph(inputs))
    ys = [lay.pos[v][1] for v in chain[1:]]
    assert max(ys) - min(ys) < 0.5
    assert lay.height < 400


def test_format_array_follows_pytorch_print_style():
    # expected strings are what torch prints inside tensor(...)
    assert format_array(np.array([2.0])) == ["[2.]"]
    assert format_array(np.array(11.0)) == ["11."]
    assert format_array(np.array([0.5, 2.0])) == ["[0.5000, 2.0000]"]
    assert format_array(np.array([-1.0, 2.0, 30.0])) == ["[-1.,  2., 30.]"]
    assert format_array(np.array([1e-5, 1.0])) == ["[1.0000e-05, 1.0000e+00]"]
    assert format_array(np.array([[1.0, 2.0], [3.0, 4.0]])) == ["[[1., 2.],", " [3., 4.]]"]
    assert format_array(np.zeros((10, 10))) == ["shape [10, 10]"]
    assert format_array(np.array([1, 2], dtype=np.int64)) == ["[1, 2]"]
