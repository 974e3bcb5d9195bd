"""Layout properties on hand-made and random graphs (no core needed).

The oracles are geometric: boxes are checked for overlap and edges for direction and
crossings directly from the coordinates, independently of how the layout computed them.
"""

from __future__ import annotations

import numpy as np
from _helpers import dags, make_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_tutor.viz.layout import BADGE_H, PAD_Y, TEXT_LINE, TITLE_LINE, format_array, layout


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
    """Crossings counted from the edge routes in every gap between two rows."""
    bottom, top = {}, {}
    for v, (_, y0, _, y1) in boxes(lay).items():
        row = lay.layer[v]
        bottom[row] = max(bottom.get(row, y0), y1)
        top[row] = min(top.get(row, y1), y0)
    count = 0
    for row in range(max(lay.layer.values(), default=0)):
        a, b = bottom[row], top[row + 1]
        segs = []
        for pts in lay.routes:
            xs = {round(y, 3): x for x, y in pts}
            if round(a, 3) in xs and round(b, 3) in xs:
                segs.append((xs[round(a, 3)], xs[round(b, 3)]))
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
        assert a[0] >= 0 and a[1] - BADGE_H / 2 >= 0 and a[2] <= lay.width
        assert a[3] + BADGE_H / 2 <= lay.height
        for v, b in bx[i + 1:]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (u, v, a, b)


@settings(max_examples=80, deadline=None)
@given(dags())
def test_random_dags_edges_flow_top_to_bottom(graph):
    lay = layout(graph)
    bx = boxes(lay)
    assert len(lay.routes) == len(graph.edges())
    for (u, v), pts in zip(graph.edges(), lay.routes):
        assert lay.layer[u] < lay.layer[v]
        assert lay.pos[u][1] < lay.pos[v][1]
        ys = [y for _, y in pts]
        assert ys == sorted(ys)
        assert abs(ys[0] - bx[u][3]) < 1e-6 and abs(ys[-1] - bx[v][1]) < 1e-6
        assert bx[v][0] < pts[-1][0] < bx[v][2]  # arrives on the target's top side
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
    xs = {round(lay.pos[v][0], 6) for v in range(4)}
    assert len(xs) == 1  # x -> a -> b -> c drawn in one vertical line
    assert lay.layer[4] == lay.layer[5] - 1  # the late leaf is not pushed to the far left


def test_a_long_chain_with_a_constant_at_every_step_stays_straight():
    inputs = [()]  # x, then per step: a constant c and y = y_prev * c
    chain = [0]
    for _ in range(200):
        inputs.append(())
        inputs.append((chain[-1], len(inputs) - 1))
        chain.append(len(inputs) - 1)
    lay = layout(make_graph(inputs))
    xs = [lay.pos[v][0] for v in chain[1:]]
    assert max(xs) - min(xs) < 0.5
    assert lay.width < 450  # one box and its constant side by side


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


def test_graphs_a_student_builds_fit_an_800px_output():
    import autograd_tutor as torch
    from autograd_tutor import nn
    from autograd_tutor.viz.graph import build_graph

    torch.manual_seed(0)
    X = torch.randn(4, 3)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = nn.MSELoss()(net(X), torch.randn(4, 1))
    w = torch.randn(3, 2, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    broadcast = (X @ w + b).sum()
    names = {"X": X, "w": w, "b": b, "loss": loss, "net.0.weight": net[0].weight,
             "net.0.bias": net[0].bias, "net.2.weight": net[2].weight,
             "net.2.bias": net[2].bias}
    for t in (loss, broadcast):
        assert layout(build_graph(t, names)).width <= 800


def test_wide_vectors_wrap_like_torch_with_a_narrow_linewidth():
    assert format_array(np.array([-0.4214, 0.2558, 0.0293, -0.2191])) == [
        "[-0.4214,  0.2558,", "  0.0293, -0.2191]"]
    assert format_array(np.array([[-0.5, 0.25, 0.125, 1.0]])) == [
        "[[-0.5000,  0.2500,", "   0.1250,  1.0000]]"]


def test_cut_edges_are_laid_out_and_routed_separately():
    class CutGraph(type(make_graph([()]))):
        def cut_edges(self):
            return [(1, 3, "detach()")]

    base = make_graph([(), (0,), (), (), (2, 3)])  # node 3 was cut from node 1
    g = CutGraph(base.nodes, base.output)
    lay = layout(g)
    assert len(lay.routes) == len(g.edges())
    ((u, v, label, pts),) = lay.cut_routes
    assert (u, v, label) == (1, 3, "detach()")
    assert lay.layer[3] > lay.layer[1]  # drawn below what it was cut from
    assert pts[0][1] < pts[-1][1]


def test_a_row_of_many_leaves_wraps_into_rows_above_it():
    # one op with 16 inputs, all leaves: one row would be ~1,900 px wide
    g = make_graph([()] * 16 + [tuple(range(16))])
    lay = layout(g)
    assert lay.width <= 800
    assert len({lay.layer[v] for v in range(16)}) > 1
    assert all(lay.layer[v] < lay.layer[16] for v in range(16))


def test_a_long_sum_of_products_fits_an_800px_output():
    # s = w0 * x0 + w1 * x1 + ... + w15 * x15 (63 nodes): each product sits next to the sum
    # it joins, not all 16 in one row ~2,000 px wide
    inputs, total = [], None
    for _ in range(16):
        inputs += [(), ()]
        inputs.append((len(inputs) - 2, len(inputs) - 1))
        p = len(inputs) - 1
        if total is None:
            total = p
        else:
            inputs.append((total, p))
            total = len(inputs) - 1
    lay = layout(make_graph(inputs))
    assert len(inputs) == 63
    assert lay.width <= 800
    assert geometric_crossings(lay) == 0


def test_a_deep_chain_that_reuses_one_leaf_stays_inside_an_800px_output():
    # h = tanh(h * w + c), 15 times, one w for every step (62 nodes)
    inputs = [(), ()]  # x, w
    h = 0
    for _ in range(15):
        inputs.append((h, 1))  # m = h * w
        inputs.append(())  # the constant
        inputs.append((len(inputs) - 2, len(inputs) - 1))  # a = m + c
        inputs.append((len(inputs) - 1,))  # h = tanh(a)
        h = len(inputs) - 1
    lay = layout(make_graph(inputs))
    assert len(inputs) == 62
    assert lay.width <= 800


def test_value_boxes_fit_their_content():
    # a 4×1 result that never gets a .grad: four value lines and one "grad None" line; a 4×1
    # parameter keeps four lines for the gradient it will get
    import autograd_tutor as at
    from autograd_tutor.viz.graph import build_graph

    w = at.tensor([[1.0], [2.0], [3.0], [4.0]], requires_grad=True)
    y = w * 2
    lay = layout(build_graph(y, {"w": w, "y": y}))
    (wi,), (yi,) = ([k for k, t in enumerate(lay.text) if t.title == name] for name in "wy")
    assert lay.text[yi].grad_rows == 1 and lay.text[wi].grad_rows == 4
    # title, two notes (expression, grad_fn), four lines of data, one of grad: no empty lines
    assert lay.size[yi][1] == TITLE_LINE + TEXT_LINE * (2 + 4 + 1) + 2 * PAD_Y + 4
