"""Every caption of the animation, held to the engine's and PyTorch's numbers (issue 12).

The catalogue: the chapter's graph x -> y = x**2 -> z = 2*y + 3, a tensor used twice
(b = a*a + a), a broadcast bias, a graph cut by detach() and no_grad(), and a two-layer MLP
nn.Sequential(Linear, ReLU, Linear) with an MSE loss. For each: the captions as a student
reads them (exact text where it is short), the arithmetic they show (re-done here), and every
gradient against PyTorch 2.13 (leaves' .grad, and retain_grad() for the flowing gradients).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_tutor as at
from autograd_tutor import viz
from autograd_tutor.autograd import graph as ag
from autograd_tutor.viz.frames import build_frames, summed_dims
from autograd_tutor.viz.graph import build_graph

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).parent / "browser_nb"))
import graphs_src  # noqa: E402
from _caption_check import Oracle, problems  # noqa: E402

NUM = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def frames_of(t, names):
    graph = build_graph(t, names)
    return graph, build_frames(graph)


def ids(graph):
    return {g.label: g.id for g in graph.nodes}


def backward(frames):
    return [f for f in frames if f.phase == "backward"]


def check_arithmetic(frames):
    """Every `a · b = c` and `a + b (+ ...) = c` of scalars in a caption is true."""
    checked = 0
    for f in frames:
        for a, b, c in re.findall(rf"= ({NUM}) · ({NUM}) = ({NUM})(?![\d.])", f.text):
            # (each number is rounded to 4 significant digits)
            assert float(a) * float(b) == pytest.approx(float(c), rel=2e-3, abs=1e-4), f.text
            checked += 1
        for terms, c in re.findall(rf"= ((?:{NUM} \+ )+{NUM}) = ({NUM})(?![\d.])", f.text):
            total = sum(float(t) for t in terms.split(" + "))
            assert total == pytest.approx(float(c), rel=2e-3, abs=1e-3), f.text
            checked += 1
    return checked


def check_not_circular(frames):
    """The symbol a step computes (∂L/∂y) never appears again in its own chain of equalities."""
    checked = 0
    for f in backward(frames)[1:]:
        parts = re.split(r" \+?= ", f.text.split(";")[0])
        k = next(k for k, p in enumerate(parts) if p.startswith("∂"))
        assert parts[k] not in " = ".join(parts[k + 1:]), f.text
        checked += 1
    return checked


def test_the_checks_catch_what_issue_12_found():
    class F:
        phase, text = "backward", ""

    def frames(*texts):
        out = []
        for t in texts:
            f = F()
            f.text = t
            out.append(f)
        return out

    with pytest.raises(AssertionError):  # circular
        check_not_circular(frames("∂z/∂z = 1", "∂z/∂mul = ∂z/∂z · ∂z/∂mul = 1 · 1 = 1"))
    with pytest.raises(AssertionError):  # ∂b/∂a is 7 on the left and 1 on the right
        check_not_circular(frames("∂b/∂b = 1", "∂b/∂a = 3 + ∂b/∂b · ∂b/∂a = 3 + 4 = 7"))
    with pytest.raises(AssertionError):
        check_arithmetic(frames("x.grad = ∂z/∂x = 2 · 4 = 9"))
    with pytest.raises(AssertionError):
        check_arithmetic(frames("∂b/∂a = 1 + 3 + 3 = 8"))


def check_grads_appear_when_complete(graph, frames):
    """A leaf's .grad is shown from the step its last contribution arrives, then kept; a
    non-leaf never shows one unless it retains its grad."""
    steps = backward(frames)
    for g in graph.nodes:
        last = max((k for k, f in enumerate(steps) if f.node == g.id), default=None)
        shown = [k for k, f in enumerate(steps) if g.id in f.state.grads]
        if g.kind == "param" or g.retains_grad:
            assert last is not None and shown == list(range(last, len(steps))), g.label
        else:
            assert shown == [], g.label


# ---- the chapter's graph ------------------------------------------------------------------


def test_chapter_graph_every_caption():
    x = at.tensor([2.0], requires_grad=True)
    y = x ** 2
    z = 2 * y + 3
    graph, frames = frames_of(z, {"x": x, "y": y, "z": z})
    assert [f.text for f in backward(frames)] == [
        "∂z/∂z = 1",
        # the local derivative of the output is written as its op: ∂z/∂mul would be circular
        "∂z/∂mul = ∂z/∂z · ∂(mul + 3)/∂mul = 1 · 1 = 1",
        "∂z/∂y = ∂z/∂mul · ∂mul/∂y = 1 · 2 = 2",
        "x.grad = ∂z/∂x = ∂z/∂y · ∂y/∂x = 2 · 4 = 8",
    ]
    assert check_arithmetic(frames) and check_not_circular(frames)
    check_grads_appear_when_complete(graph, frames)
    # y is not a leaf: its step says that y.grad stays None
    y_step = [f for f in frames if f.node == ids(graph)["y"] and f.phase == "backward"][0]
    assert "y.grad as None" in y_step.html and "retain_grad()" in y_step.html

    tx = torch.tensor([2.0], requires_grad=True)
    ty = tx ** 2
    ty.retain_grad()
    tz = 2 * ty + 3
    tz.backward()
    assert frames[-1].state.grads[ids(graph)["x"]] == pytest.approx(tx.grad.numpy())
    assert frames[-1].flowing[ids(graph)["y"]] == pytest.approx(ty.grad.numpy())


def test_retained_grad_is_shown_and_said():
    x = at.tensor([2.0], requires_grad=True)
    y = x ** 2
    y.retain_grad()
    z = 2 * y + 3
    graph, frames = frames_of(z, {"x": x, "y": y, "z": z})
    check_grads_appear_when_complete(graph, frames)
    step = [f for f in backward(frames) if f.node == ids(graph)["y"]][0]
    assert step.text.startswith("y.grad = ∂z/∂y = ") and "retain_grad() was called" in step.html
    assert step.state.grads[ids(graph)["y"]] == pytest.approx([2.0])


# ---- a tensor used twice ------------------------------------------------------------------


def test_used_twice_every_caption():
    a = at.tensor([3.0], requires_grad=True)
    b = a * a + a
    graph, frames = frames_of(b, {"a": a, "b": b})
    assert [f.text for f in frames] == [
        "Inputs: a = 3",
        "mul = a * a = 3 * 3 = 9",
        "b = mul + a = 9 + 3 = 12",
        "∂b/∂b = 1",
        "∂b/∂mul = ∂b/∂b · ∂(mul + a)/∂mul = 1 · 1 = 1",
        # one step per use of a, each naming its edge, then the running sum
        "∂b/∂a += ∂b/∂b · ∂(mul + a)/∂a = 1 · 1 = 1",
        "∂b/∂a += ∂b/∂mul · ∂mul/∂a (1st input of a * a) = 1 · 3 = 3; so far ∂b/∂a = 1 + 3 = 4",
        "∂b/∂a += ∂b/∂mul · ∂mul/∂a (2nd input of a * a) = 1 · 3 = 3; "
        "a.grad = ∂b/∂a = 1 + 3 + 3 = 7",
    ]
    assert check_arithmetic(frames) and check_not_circular(frames)
    check_grads_appear_when_complete(graph, frames)
    ta = torch.tensor([3.0], requires_grad=True)
    (ta * ta + ta).backward()
    assert frames[-1].state.grads[ids(graph)["a"]] == pytest.approx(ta.grad.numpy())
    a_, mul, b_ = ids(graph)["a"], ids(graph)["mul"], ids(graph)["b"]
    assert [f.edge for f in backward(frames)] == [None, (mul, b_, 0), (a_, b_, 1), (a_, mul, 0),
                                                  (a_, mul, 1)]
    # a.grad appears once, complete: not 1, then 4, then 7
    assert [ids(graph)["a"] in f.state.grads for f in backward(frames)] == [False] * 4 + [True]


# ---- a broadcast bias ---------------------------------------------------------------------


def broadcast_bias(lib):
    X = lib.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]])
    W = lib.tensor([[0.1, 0.2], [0.3, -0.4]], requires_grad=True)
    bias = lib.tensor([0.5, -0.5], requires_grad=True)
    h = X @ W + bias
    loss = (h ** 2).mean()
    return {"X": X, "W": W, "bias": bias, "h": h, "loss": loss}


def test_broadcast_bias_says_what_was_summed():
    n = broadcast_bias(at)
    graph, frames = frames_of(n["loss"], n)
    i = ids(graph)
    (b_step,) = [f for f in backward(frames) if f.node == i["bias"]]
    assert b_step.text.startswith("bias.grad = ∂loss/∂bias = Σ ∂loss/∂h ⊙ ∂h/∂bias = ")
    assert b_step.text.endswith("= [0.7125, -0.575]  (summed over dim 0: (4, 2) → (2,))")
    (w_step,) = [f for f in backward(frames) if f.node == i["W"]]
    assert w_step.text.startswith("W.grad = ∂loss/∂W = X.T @ ∂loss/∂matmul = ")
    # a large tensor is summarised faithfully: shape and range, never only a shape
    (pow_step,) = [f for f in backward(frames) if f.node == i["pow"]]
    assert "a 4×2 tensor (all 0.125)" in pow_step.text
    check_not_circular(frames)
    check_grads_appear_when_complete(graph, frames)

    ref = broadcast_bias(torch)
    ref["h"].retain_grad()
    ref["loss"].backward()
    grads, flowing = frames[-1].state.grads, frames[-1].flowing
    np.testing.assert_allclose(grads[i["bias"]], ref["bias"].grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(grads[i["W"]], ref["W"].grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(flowing[i["h"]], ref["h"].grad.numpy(), rtol=1e-5)
    # the summary's numbers are the engine's: min and max of ∂loss/∂h
    h_grad = ref["h"].grad.numpy()
    (h_step,) = [f for f in backward(frames) if f.node == i["h"]]
    assert f"(min {h_grad.min():.4g}, max {h_grad.max():.4g})" in h_step.text


def test_summed_dims():
    assert summed_dims((2,), (4, 2)) == [0]
    assert summed_dims((1,), (3,)) == [0]
    assert summed_dims((3, 1), (2, 3, 4)) == [0, 2]
    assert summed_dims((4, 2), (4, 2)) == []
    assert summed_dims((3,), (4, 2)) is None


# ---- where the gradient stops -------------------------------------------------------------


def cut_graph(lib):
    x = lib.tensor([2.0], requires_grad=True)
    h = x ** 2
    d = h.detach()
    with lib.no_grad():
        s = x * 3
    z = d * x + s
    return {"x": x, "h": h, "d": d, "s": s, "z": z}


def test_detach_and_no_grad_are_cut_edges():
    n = cut_graph(at)
    graph, frames = frames_of(n["z"], n)
    i = ids(graph)
    assert sorted(graph.cut_edges()) == sorted(
        [(i["h"], i["d"], "detach()"), (i["x"], i["s"], "no_grad")])
    assert not set((a, b) for a, b, _ in graph.cut_edges()) & set(graph.edges())
    nodes = {g.label: g for g in graph.nodes}
    assert (nodes["d"].cut, nodes["d"].cut_from, nodes["d"].inputs) == ("detach()", i["h"], ())
    forward = {f.node: f for f in frames if f.phase == "forward"}
    assert forward[i["d"]].text == "d = h.detach() = 4"
    assert "The gradient stops here" in forward[i["d"]].html
    assert forward[i["s"]].text == "s = 6, computed from x under no_grad()"
    assert [f.text for f in backward(frames)] == [
        "∂z/∂z = 1",
        "∂z/∂mul = ∂z/∂z · ∂(mul + s)/∂mul = 1 · 1 = 1",
        "x.grad = ∂z/∂x = ∂z/∂mul · ∂mul/∂x = 1 · 4 = 4",
    ]
    # no gradient crosses a cut: h, d and s never get one
    assert not {i["h"], i["d"], i["s"]} & set(frames[-1].flowing)
    ref = cut_graph(torch)
    ref["z"].backward()
    assert frames[-1].state.grads[i["x"]] == pytest.approx(ref["x"].grad.numpy())
    assert ref["d"].grad_fn is None and ref["s"].grad_fn is None  # the same cuts in PyTorch


def test_cuts_are_noted_only_while_watching():
    x = at.tensor([2.0], requires_grad=True)
    ag.watch(False)
    try:
        before = len(ag._cuts)
        d = x.detach()
        with at.no_grad():
            s = x * 3
            e = x.exp()
        y = x * 2
        assert ag.cut_of(d) is None and ag.cut_of(s) is None and ag.cut_of(e) is None
        assert len(ag._cuts) == before
        assert ag.input_versions(y.grad_fn) == (None, None)
    finally:
        ag.watch(True)
    d = x.detach()
    assert ag.cut_of(d) == ("detach()", x)
    del d  # the table keeps nothing alive and forgets a tensor that is gone
    assert all(entry[0]() is not None for entry in ag._cuts.values())


def test_an_unnamed_detach_reads_as_written_and_no_cut_is_called_a_constant():
    # r = q.detach() * p at p = 1.5: q = 3, r = 4.5; s = p * 3 = 4.5 under no_grad
    p = at.tensor([1.5], requires_grad=True)
    q = p * 2
    r = q.detach() * p
    with at.no_grad():
        s = p * 3
    u = r + s * p
    graph, frames = frames_of(u, {"p": p, "q": q, "r": r, "s": s, "u": u})
    i = ids(graph)
    assert "q.detach()" in i  # not "3", the value it happens to hold
    forward = {f.node: f for f in frames if f.phase == "forward"}
    assert forward[i["q.detach()"]].text == "q.detach() = 3"
    assert forward[i["r"]].text == "r = q.detach() * p = 3 * 1.5 = 4.5"
    assert "constant" not in forward[i["s"]].html and "stops here" in forward[i["s"]].html
    svg = viz.draw(u, {"p": p, "q": q, "r": r, "s": s, "u": u}).svg
    assert ">no_grad: gradient stops<" in svg and ">detach(): gradient stops<" in svg
    assert "q.detach(): cut from the graph by detach(): a value the gradient does not flow" in svg


def test_a_result_of_a_cut_tensor_hangs_from_it_not_recorded():
    # c = w.detach() ** 2 with recording on: no input requires grad, so nothing is recorded;
    # c is drawn below the (temporary) w.detach(), which is drawn below w. By hand: c = [1, 1];
    # total = sum(w * x + c) = 3 + -2 + 2 = 3 and w.grad = x = [3, 2], as in PyTorch.
    w = at.tensor([1.0, -1.0], requires_grad=True)
    x = at.tensor([3.0, 2.0])
    c = w.detach() ** 2
    total = (w * x + c).sum()
    graph, frames = frames_of(total, {"w": w, "x": x, "c": c, "total": total})
    i = ids(graph)
    assert sorted(graph.cut_edges()) == [(i["w"], i["w.detach()"], "detach()"),
                                         (i["w.detach()"], i["c"], "not recorded")]
    forward = {f.node: f for f in frames if f.phase == "forward"}
    assert forward[i["c"]].text == "c = [1, 1], computed from w.detach() without recording"
    assert "The gradient stops here" in forward[i["c"]].html
    assert frames[-1].text == ("w.grad = ∂total/∂w = ∂total/∂mul ⊙ ∂mul/∂w "
                               "= [1, 1] ⊙ [3, 2] = [3, 2]")
    tw = torch.tensor([1.0, -1.0], requires_grad=True)
    (tw * torch.tensor([3.0, 2.0]) + tw.detach() ** 2).sum().backward()
    assert frames[-1].state.grads[i["w"]] == pytest.approx(tw.grad.numpy())
    svg = viz.draw(total, {"w": w, "x": x, "c": c, "total": total}).svg
    assert ">not recorded: gradient stops<" in svg
    del c  # the note goes with the tensor, and what it kept alive with it
    assert all(entry[0]() is not None for entry in ag._cuts.values())


def test_a_cut_from_a_tensor_that_is_gone_is_still_said():
    x = at.tensor([2.0], requires_grad=True)
    d = (x * 2).detach()  # the tensor it was cut from is gone at once
    z = d * x
    graph, frames = frames_of(z, {"x": x, "d": d, "z": z})
    nodes = {g.label: g for g in graph.nodes}
    assert (nodes["d"].cut, nodes["d"].cut_from) == ("detach()", None)
    assert graph.cut_edges() == []
    assert "d was cut from the graph (detach())" in frames[0].html


# ---- values as they were recorded ---------------------------------------------------------


def test_a_leaf_changed_after_recording_shows_its_recorded_numbers():
    # hand-derived: loss = (w*x - 1)**2 at w=1, x=2 is 1; w.grad = 2*(w*x - 1)*x = 4;
    # the step w -= 0.1 * 4 leaves w = 0.6, while the graph computed with w = 1
    w = at.tensor([1.0], requires_grad=True)
    x = at.tensor([2.0])
    loss = (w * x - 1) ** 2
    loss.backward()
    with at.no_grad():
        w -= 0.1 * w.grad
    graph, frames = frames_of(loss, {"w": w, "x": x, "loss": loss})
    nodes = {g.label: g for g in graph.nodes}
    assert nodes["w"].stale == (0, 1) and nodes["x"].stale is None
    np.testing.assert_allclose(nodes["w"].value, [1.0])  # as recorded
    np.testing.assert_allclose(nodes["w"].current, [0.6])  # and now
    assert frames[0].text == "Inputs: w = 1 (as recorded; 0.6 now); x = 2"
    assert "version went from 0 to 1" in frames[0].html and "w is 0.6 now" in frames[0].html
    forward = {f.node: f.text for f in frames if f.phase == "forward"}
    assert forward[nodes["mul"].id] == "mul = w * x = 1 * 2 = 2"  # the numbers it used
    assert forward[nodes["sub"].id] == "sub = mul - 1 = 2 - 1 = 1"
    svg = viz.draw(loss, {"w": w, "x": x, "loss": loss}).svg
    box = svg.split("<title>w: ", 1)[1].split("</g>", 1)[0]
    assert ">changed: _version 0 → 1<" in box  # data as recorded, then now, then the grad
    assert box.index(">[1.]<") < box.index(">now <") < box.index(">[0.6000]<") < box.index(">[4.]<")


def test_a_leaf_changed_between_two_uses():
    # y = w * 2 with w = 1, then w += 1 (w = 2), then z = y + w * 3 = 2 + 6 = 8: the box shows
    # w as first recorded (1), and the second product's caption writes no numbers of w
    w = at.tensor([1.0], requires_grad=True)
    y = w * 2
    with at.no_grad():
        w += 1
    z = y + w * 3
    graph, frames = frames_of(z, {"w": w, "y": y, "z": z})
    nodes = {g.label: g for g in graph.nodes}
    np.testing.assert_allclose(nodes["w"].value, [1.0])
    np.testing.assert_allclose(nodes["w"].current, [2.0])
    forward = {f.node: f.text for f in frames if f.phase == "forward"}
    assert forward[nodes["y"].id] == "y = w * 2 = 1 * 2 = 2"
    assert forward[nodes["mul"].id] == "mul = w * 3 = 6"
    assert forward[nodes["z"].id] == "z = y + mul = 2 + 6 = 8"


def test_recorded_numbers_are_copied_once_and_only_while_watching():
    w = at.tensor([1.0, 2.0], requires_grad=True)
    a, b = w * 2, w + 1
    (wa, _), (wb, _) = ag.input_data(a.grad_fn), ag.input_data(b.grad_fn)
    assert wa is wb and not wa.flags.writeable  # one copy per version
    assert not np.may_share_memory(wa, ag.array(w))
    ag.watch(False)
    try:
        c = w * 2
        assert ag.input_data(c.grad_fn) == (None, None)
    finally:
        ag.watch(True)


def test_after_an_optimizer_step_backward_is_not_made_up():
    model, n, _ = mlp(at, PARAMS)
    n["loss"].backward()
    at.optim.SGD(model.parameters(), lr=0.1).step()
    graph, frames = frames_of(n["loss"], {"model": model, **n})
    assert {g.label for g in graph.nodes if g.stale} == {
        "model[0].weight", "model[0].bias", "model[2].weight", "model[2].bias"}
    (last,) = backward(frames)  # no gradient computed from numbers the graph never used
    assert last.text.startswith("Backward cannot be replayed on this graph: model[")
    assert "changed in place after this graph was recorded" in last.html


# ---- a two-layer MLP ----------------------------------------------------------------------


def mlp(lib, params):
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    with lib.no_grad():
        for p, v in zip(model.parameters(), params):
            p.copy_(lib.tensor(v))
    X = lib.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]])
    Y = lib.tensor([[1.0], [0.0], [2.0], [1.0]])
    hidden = model[0](X)
    act = model[1](hidden)
    out = model[2](act)
    loss = lib.nn.functional.mse_loss(out, Y)
    return model, {"X": X, "Y": Y, "loss": loss}, (hidden, act, out)


PARAMS = [
    [[0.2, -0.3], [-0.6, -0.7], [0.4, 0.6]], [0.15, 0.3, 0.05],
    [[0.5, 0.35, -0.55]], [0.4],
]


def test_mlp_every_step():
    model, n, _ = mlp(at, PARAMS)
    graph, frames = frames_of(n["loss"], {"model": model, **n})
    i = ids(graph)
    assert {"model[0]", "model[2]", "relu", "model[0].weight", "model[2].bias"} <= set(i)
    forward = {f.node: f.text for f in frames if f.phase == "forward"}
    assert forward[i["model[0]"]].startswith(
        "model[0] = X @ model[0].weight.T + model[0].bias = a 4×3 tensor (min ")
    assert forward[i["model[2]"]].startswith(
        "model[2] = relu @ model[2].weight.T + model[2].bias = [[")
    texts = {f.node: f.text for f in backward(frames)}
    assert texts[i["model[2].weight"]].startswith(
        "model[2].weight.grad = ∂loss/∂model[2].weight = (∂loss/∂model[2]).T @ relu = ")
    assert texts[i["relu"]].startswith("∂loss/∂relu = ∂loss/∂model[2] @ model[2].weight = ")
    assert texts[i["model[2].bias"]].endswith("(summed over dim 0: (4, 1) → (1,))")
    assert texts[i["model[0].bias"]].endswith("(summed over dim 0: (4, 3) → (3,))")
    assert check_not_circular(frames)  # (its numbers are tensors: checked against torch)
    check_grads_appear_when_complete(graph, frames)
    # model[2].bias is complete right after the loss's step reaches model[2]
    steps = backward(frames)
    assert [f.node for f in steps][:3] == [i["loss"], i["model[2]"], i["model[2].bias"]]

    t_model, t_n, t_mid = mlp(torch, PARAMS)
    for t in t_mid:
        t.retain_grad()
    t_n["loss"].backward()
    for name, p in t_model.named_parameters():
        label = "model" + "".join(f"[{s}]" if s.isdigit() else f".{s}" for s in name.split("."))
        # from the step it is complete on, every frame shows the same, right .grad
        first = [f for f in steps if i[label] in f.state.grads][0]
        assert first.node == i[label]
        np.testing.assert_allclose(first.state.grads[i[label]], p.grad.numpy(), rtol=1e-5,
                                   atol=1e-7)
    for label, t in zip(("model[0]", "relu", "model[2]"), t_mid):
        np.testing.assert_allclose(steps[-1].flowing[i[label]], t.grad.numpy(), rtol=1e-5,
                                   atol=1e-7)
    np.testing.assert_allclose(graph.nodes[graph.output].value, t_n["loss"].item(), rtol=1e-6)


def test_same_op_twice_gets_two_names():
    x = at.tensor([1.0, 2.0], requires_grad=True)
    s = (x * 2 * 3).sum()
    labels = [g.label for g in build_graph(s, {"x": x, "s": s}).nodes]
    assert labels.count("mul") == 1 and "mul_2" in labels


# ---- any small scalar graph ----------------------------------------------------------------

UNARY = {"exp": lambda t: t.exp(), "tanh": lambda t: t.tanh(), "sq": lambda t: t * t}
BINARY = {"+": lambda a, b: a + b, "*": lambda a, b: a * b, "-": lambda a, b: a - b}


def random_graph(lib, x0, y0, program):
    """Run `program` (steps reusing earlier results) on leaves x, y; return names and out."""
    vals = [lib.tensor([x0], requires_grad=True), lib.tensor([y0], requires_grad=True)]
    for kind, i, j in program:
        a, b = vals[i % len(vals)], vals[j % len(vals)]
        vals.append(UNARY[kind](a) if kind in UNARY else BINARY[kind](a, b))
    return vals


@settings(max_examples=30, deadline=None)
@given(x0=st.floats(-1.5, 1.5), y0=st.floats(-1.5, 1.5),
       program=st.lists(st.tuples(st.sampled_from(sorted(UNARY) + sorted(BINARY)),
                                  st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=5))
def test_any_scalar_graph_captions_are_true(x0, y0, program):
    vals = random_graph(at, x0, y0, program)
    names = {f"v{k}": v for k, v in enumerate(vals)}
    names.update(x=vals[0], y=vals[1])
    graph, frames = frames_of(vals[-1], names)
    check_arithmetic(frames)
    check_not_circular(frames)
    check_grads_appear_when_complete(graph, frames)
    ref = random_graph(torch, x0, y0, program)
    for t in ref[2:]:
        t.retain_grad()
    ref[-1].sum().backward()
    i = ids(graph)
    for k, t in enumerate(ref):
        label = "x" if k == 0 else "y" if k == 1 else f"v{k}"
        if label in i and t.grad is not None and k < len(ref) - 1:
            got = frames[-1].flowing.get(i[label])
            assert got is not None and got == pytest.approx(t.grad.numpy(), rel=1e-4, abs=1e-5)


# ---- layering -----------------------------------------------------------------------------


def test_viz_reads_the_core_only_through_its_public_api():
    viz = Path(at.__file__).parent / "viz"
    for path in viz.glob("*.py"):
        found = re.findall(r"\.(_data|_inputs|_value|_replay)\b", path.read_text("utf-8"))
        assert not found, (path.name, found)


# ---- the browser notebook's graphs, every caption against PyTorch ---------------------------


@pytest.mark.parametrize("name", ["chapter", "twice", "broadcast", "cut", "mlp"])
def test_every_caption_of_the_browser_graphs_has_pytorchs_numbers(name):
    # the same check test_browser.py runs on the captions it reads in JupyterLab and Notebook 7
    n, _ = graphs_src.GRAPHS[name](at)
    graph, frames = frames_of(n[graphs_src.OUTPUTS[name]], n)
    oracle = Oracle(graphs_src.GRAPHS[name], graphs_src.OUTPUTS[name])
    assert problems([f.text for f in frames], oracle) == []


def test_the_caption_check_can_fail():
    n, _ = graphs_src.twice(at)
    texts = [f.text for f in frames_of(n["b"], n)[1]]
    oracle = Oracle(graphs_src.twice, "b")
    wrong = [t.replace("= 1 · 3 = 3; so far ∂b/∂a = 1 + 3 = 4", "= 1 · 3 = 3; so far ∂b/∂a = "
                       "1 + 3 = 5") for t in texts]
    assert problems(wrong, oracle) == [
        "step 7: the running sum ∂b/∂a is 5.0 in the caption, PyTorch: [4.0]"]
    wrong = [t.replace("1 · 3 = 3", "1 · 3 = 4") for t in texts]
    assert problems(wrong, oracle)[:2] == [
        "step 7: 1 · 3 is not 4.0",
        "step 7: the contribution from mul to a (1st input) is 4.0 in the caption, "
        "PyTorch: [3.0]"]
