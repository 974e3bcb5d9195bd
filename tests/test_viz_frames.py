"""Frames of the forward/backward animation: numbers checked against PyTorch and by hand."""

import numpy as np
import pytest
from _helpers import seed_example, training_example
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_tutor as at
from autograd_tutor.viz.frames import build_frames, fmt
from autograd_tutor.viz.graph import build_graph


def frames_of(t, names):
    graph = build_graph(t, names)
    return graph, build_frames(graph)


def node_id(graph, label):
    (g,) = [g for g in graph.nodes if g.label == label]
    return g.id


def test_seed_example_forward_then_backward():
    n = seed_example(at)
    graph, frames = frames_of(n["z"], n)
    texts = [f.text for f in frames]
    assert frames[0].phase == "inputs" and "x = 2" in texts[0]
    forward = [f for f in frames if f.phase == "forward"]
    # unnamed results are called by the name on their box ("mul"); like PyTorch, the core
    # may record 2 * y as y.mul(2)
    assert forward[0].text == "y = x ** 2 = 2 ** 2 = 4"
    assert forward[1].text in ("mul = 2 * y = 2 * 4 = 8", "mul = y * 2 = 4 * 2 = 8")
    assert forward[2].text == "z = mul + 3 = 8 + 3 = 11"
    backward = [f for f in frames if f.phase == "backward"]
    assert backward[0].text == "∂z/∂z = 1"
    assert backward[-1].text == "x.grad = ∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8"
    assert backward[-2].text == "∂z/∂y = ∂z/∂mul · ∂mul/∂y = 1 · 2 = 2"
    # one op per forward frame in topological order, then reverse order going back
    ops = [g.id for g in graph.nodes if g.inputs]
    assert [f.node for f in forward] == ops
    assert [f.node for f in backward] == ops[::-1] + [node_id(graph, "x")]
    assert backward[-1].state.grads[node_id(graph, "x")] == pytest.approx([8.0])
    assert all(f.state.grads == {} for f in frames if f.phase != "backward")
    assert [f.state.highlight for f in frames] == [None] + [f.node for f in frames[1:]]


def test_reflected_operators_keep_the_order_written():
    x = at.tensor([2.0], requires_grad=True)
    y = 3 - x
    z = 2**y
    _, frames = frames_of(z, {"x": x, "y": y, "z": z})
    forward = [f.text for f in frames if f.phase == "forward"]
    assert forward == ["y = 3 - x = 3 - 2 = 1", "z = 2 ** y = 2 ** 1 = 2"]


def test_seed_example_matches_torch():
    torch = pytest.importorskip("torch")
    n = seed_example(at)
    graph, frames = frames_of(n["z"], n)
    ref = seed_example(torch)
    tx, ty, tz = ref["x"], ref["y"], ref["z"]
    ty.retain_grad()
    tz.backward()
    flowing = frames[-1].flowing
    assert graph.nodes[graph.output].value == pytest.approx(tz.detach().numpy())
    assert frames[-1].state.grads[node_id(graph, "x")] == pytest.approx(tx.grad.numpy())
    assert flowing[node_id(graph, "y")] == pytest.approx(ty.grad.numpy())
    assert set(frames[-1].state.grads) == {node_id(graph, "x")}  # y.grad stays None


def diamond():
    x = at.tensor([1.0], requires_grad=True)
    h = x * 2
    a = 3 * h
    b = h**2
    L = a + b
    return x, h, a, b, L


def test_diamond_sums_both_paths():
    x, h, a, b, L = diamond()
    graph, frames = frames_of(L, {"x": x, "h": h, "a": a, "b": b, "L": L})
    h = node_id(graph, "h")
    steps = [f for f in frames if f.phase == "backward" and f.node == h]
    # one step per use of h, each naming its edge; the last one adds them up
    assert sorted(f.text.split(" = ")[0] for f in steps) == [
        "∂L/∂h += ∂L/∂a · ∂a/∂h", "∂L/∂h += ∂L/∂b · ∂b/∂h"]
    assert steps[-1].text.endswith("; ∂L/∂h = 4 + 3 = 7"), steps[-1].text
    assert {e for f in steps for e in f.state.active_edges} == {
        (h, node_id(graph, "a")), (h, node_id(graph, "b"))}
    assert frames[-1].text == "x.grad = ∂L/∂x = ∂L/∂h · ∂h/∂x = 7 · 2 = 14"


def test_diamond_matches_torch():
    torch = pytest.importorskip("torch")
    x, h, a, b, L = diamond()
    graph, frames = frames_of(L, {"x": x, "h": h, "a": a, "b": b, "L": L})
    tx = torch.tensor([1.0], requires_grad=True)
    th = tx * 2
    th.retain_grad()
    (3 * th + th**2).backward()
    flowing = frames[-1].flowing
    assert frames[-1].state.grads[node_id(graph, "x")] == pytest.approx(tx.grad.numpy())
    assert flowing[node_id(graph, "h")] == pytest.approx(th.grad.numpy())


def test_training_example_gradients():
    n = training_example(at)
    graph, frames = frames_of(n["loss"], n)
    grads = frames[-1].state.grads
    # hand-derived: dL/dw = mean(2 (wx + b - y) x) = -28/3, dL/db = mean(2 (wx + b - y)) = -4
    assert grads[node_id(graph, "w")] == pytest.approx([-28 / 3], rel=1e-6)
    assert grads[node_id(graph, "b")] == pytest.approx([-4.0], rel=1e-6)
    by_node = {f.node: f for f in frames if f.phase == "backward"}
    # w is broadcast over the three data points: its gradient sums their contributions
    w_text = by_node[node_id(graph, "w")].text
    assert "Σ" in w_text and w_text.endswith("= -9.333  (summed over dim 0: (3,) → (1,))"), w_text
    assert "⊙" in by_node[node_id(graph, "y_pred")].text
    assert node_id(graph, "x") not in grads and node_id(graph, "y_true") not in grads


def test_training_example_matches_torch():
    torch = pytest.importorskip("torch")
    n = training_example(at)
    graph, frames = frames_of(n["loss"], {k: n[k] for k in ("w", "b", "y_pred", "loss")})
    ref = training_example(torch)
    tw, tb, ty, tloss = ref["w"], ref["b"], ref["y_pred"], ref["loss"]
    ty.retain_grad()
    tloss.backward()
    grads = frames[-1].state.grads
    assert grads[node_id(graph, "w")] == pytest.approx(tw.grad.numpy(), rel=1e-6)
    assert grads[node_id(graph, "b")] == pytest.approx(tb.grad.numpy(), rel=1e-6)
    assert frames[-1].flowing[node_id(graph, "y_pred")] == pytest.approx(ty.grad.numpy(),
                                                                         rel=1e-6)
    assert graph.nodes[graph.output].value == pytest.approx(tloss.item())


@pytest.mark.parametrize("backward", ["none", "retain_graph", "freed"])
def test_user_tensors_untouched(backward):
    n = seed_example(at)
    x, z = n["x"], n["z"]
    if backward == "retain_graph":
        z.backward(retain_graph=True)
    elif backward == "freed":
        z.backward()
    before = None if x.grad is None else x.grad._data.copy()
    _, frames = frames_of(z, n)
    assert frames[-1].text.endswith("= 8")
    if before is None:
        assert x.grad is None
    else:
        np.testing.assert_array_equal(x.grad._data, before)
        assert before == pytest.approx([8.0])


def test_non_scalar_output_starts_from_ones():
    x = at.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    graph, frames = frames_of(y, {"x": x, "y": y})
    seed = [f for f in frames if f.phase == "backward"][0]
    assert seed.text == "∂y/∂y = [1, 1, 1]"
    # x is used twice by the same op: two steps, each naming its slot, each x ⊙ 1
    assert frames[-1].text.endswith("; x.grad = ∂y/∂x = [1, 2, 3] + [1, 2, 3] = [2, 4, 6]")
    assert "∂(x * x)/∂x (2nd input)" in frames[-1].text and frames[-1].text.count("⊙") == 2
    assert "∂(x * x)/∂x (1st input)" in frames[-2].text


def test_big_tensors_are_shown_by_shape():
    w = at.ones(4, 5, requires_grad=True)
    s = (w * 3).relu().sum()
    graph, frames = frames_of(s, {"w": w, "s": s})
    assert "a 4×5 tensor" in frames[-1].text
    # elementwise ops are still told as upstream ⊙ local, by shape
    assert "⊙" in frames[-2].text, frames[-2].text
    assert frames[-1].state.grads[node_id(graph, "w")] == pytest.approx(np.full((4, 5), 3.0))


def test_fmt():
    assert fmt(np.array([8.0])) == "8"
    assert fmt(np.array(-28 / 3)) == "-9.333"
    assert fmt(np.array([1.0, 2.5])) == "[1, 2.5]"
    assert fmt(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1, 2], [3, 4]]"
    assert fmt(np.zeros((3, 4))) == "a 3×4 tensor (all 0)"
    assert fmt(np.arange(16.0) - 3) == "a 16-element tensor (min -3, max 12)"


def test_fmt_summarises_big_tensors_faithfully():
    # a NaN or an infinity is said, not hidden in (or made the whole of) a min and a max
    a = np.arange(8.0)
    a[3] = np.nan
    assert fmt(a) == "a 8-element tensor (min 0, max 7; 1 nan)"
    a[:] = np.nan
    assert fmt(a) == "a 8-element tensor (all nan)"
    b = np.ones((2, 4))
    b[0, 1] = np.inf
    assert fmt(b) == "a 2×4 tensor (min 1, max inf)"
    assert fmt(np.zeros((2, 3, 2))) == "a 2×3×2 tensor (all 0)"
    assert fmt(np.zeros((0, 3))) == "an empty 0×3 tensor"


@settings(max_examples=25, deadline=None)
@given(x0=st.floats(-3, 3), c=st.floats(-3, 3))
def test_gradients_match_torch(x0, c):
    torch = pytest.importorskip("torch")
    x = at.tensor([x0], requires_grad=True)
    h = x * c
    out = (h * x + h.exp()).sum()
    graph, frames = frames_of(out, {"x": x, "h": h, "out": out})
    tx = torch.tensor([x0], requires_grad=True)
    th = tx * c
    (th * tx + th.exp()).sum().backward()
    got = frames[-1].state.grads[node_id(graph, "x")]
    assert got == pytest.approx(tx.grad.numpy(), rel=1e-5, abs=1e-5)


def test_many_uses_are_summarised():
    x = at.tensor([1.0], requires_grad=True)
    s = x * 1.0
    for k in range(2, 7):
        s = s + x * float(k)
    graph, frames = frames_of(s, {"x": x, "s": s})
    steps = [f.text for f in frames if f.node == node_id(graph, "x")]
    assert len(steps) == 6 and all(t.startswith("∂s/∂x += ") for t in steps)
    assert steps[-1].endswith("; x.grad = ∂s/∂x = the sum of 6 terms = 21"), steps[-1]
