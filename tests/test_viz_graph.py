"""build_graph / draw / make_overview on real graphs of the engine.

Oracles: PyTorch 2.13 (values, gradients, grad_fn names of the same code) and the
chapter's hand-derived numbers (z = 2x^2 + 3 at x = 2 is 11, dz/dx = 4x = 8).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from _helpers import training_example

at = pytest.importorskip("autograd_tutor")
from autograd_tutor.viz.draw import GraphDrawing, draw  # noqa: E402
from autograd_tutor.viz.graph import build_graph  # noqa: E402


def torch_grad_fn_names(t) -> list[str]:
    """Names of every node behind a torch tensor (AccumulateGrad excluded), sorted."""
    seen, stack, names = set(), [t.grad_fn], []
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if fn.name() != "torch::autograd::AccumulateGrad":
            names.append(fn.name())
        stack += [f for f, _ in fn.next_functions]
    return sorted(names)


def by_label(graph):
    return {n.label: n for n in graph.nodes}


def check_topological(graph):
    for n in graph.nodes:
        assert all(i < n.id for i in n.inputs)
        assert n.cut_from is None or n.cut_from < n.id  # drawn before what was cut from it
        assert graph.nodes[n.id] is n
    assert graph.output == len(graph.nodes) - 1


def test_seed_example_is_named_from_the_callers_scope():
    x = at.tensor([2.0], requires_grad=True)
    y = x ** 2
    z = 2 * y + 3
    z.backward()
    g = build_graph(z)
    check_topological(g)
    n = by_label(g)
    assert {"x", "y", "z", "2", "3"} <= set(n)
    assert (n["x"].kind, n["y"].kind, n["z"].kind, n["2"].kind, n["3"].kind) == (
        "param", "op", "output", "const", "const")
    assert n["y"].op == "**2" and n["y"].grad_fn == "PowBackward0"
    assert n["z"].op == "+" and n["z"].grad_fn == "AddBackward0"
    assert n["y"].inputs == (n["x"].id,)
    # the chapter's numbers, worked out by hand
    np.testing.assert_array_equal(n["y"].value, [4.0])
    np.testing.assert_array_equal(n["z"].value, [11.0])
    np.testing.assert_array_equal(n["x"].grad, [8.0])
    assert n["y"].grad is None and n["x"].node is None and n["z"].node is z.grad_fn


def test_seed_example_matches_torch():
    torch = pytest.importorskip("torch")
    tx = torch.tensor([2.0], requires_grad=True)
    tz = 2 * tx ** 2 + 3
    tz.backward()
    x = at.tensor([2.0], requires_grad=True)
    z = 2 * x ** 2 + 3
    z.backward()
    g = build_graph(z, {"x": x, "z": z})
    n = by_label(g)
    np.testing.assert_allclose(n["z"].value, tz.detach().numpy())
    np.testing.assert_allclose(n["x"].grad, tx.grad.numpy())
    assert sorted(m.grad_fn for m in g.nodes if m.grad_fn) == torch_grad_fn_names(tz)


def test_training_example_matches_torch():
    torch = pytest.importorskip("torch")

    ours, ref = training_example(at), training_example(torch)
    ours["loss"].backward()
    ref["loss"].backward()
    g = build_graph(ours["loss"], ours)
    check_topological(g)
    n = by_label(g)
    assert {"w", "b", "x", "y_true", "y_pred", "loss"} <= set(n)
    assert [n[k].kind for k in ("w", "b", "x", "y_true", "loss")] == [
        "param", "param", "const", "const", "output"]
    for name in ("w", "b"):
        np.testing.assert_allclose(n[name].grad, ref[name].grad.numpy(), rtol=1e-6)
    for name in ("y_pred", "loss"):
        np.testing.assert_allclose(n[name].value, ref[name].detach().numpy(), rtol=1e-6)
    np.testing.assert_array_equal(n["x"].value, [1.0, 2.0, 3.0])
    assert n["x"].grad is None
    assert sorted(m.grad_fn for m in g.nodes if m.grad_fn) == torch_grad_fn_names(ref["loss"])
    assert n["y_pred"].inputs == (n["mul"].id, n["b"].id)


def test_a_tensor_used_twice_is_one_node_with_two_edges():
    x = at.tensor([3.0], requires_grad=True)
    sq = x * x
    g = build_graph(sq)
    assert [m.label for m in g.nodes] == ["x", "sq"]
    assert g.edges() == [(0, 1), (0, 1)]


def test_explicit_names_win_and_underscore_names_are_skipped():
    x = at.tensor([2.0], requires_grad=True)
    _hidden = x ** 2
    z = _hidden.sum()
    n = by_label(build_graph(z))
    assert "pow" in n and "_hidden" not in n  # unnamed: labelled by its op
    n = by_label(build_graph(z, names={"inp": x}))
    assert {"inp", "pow", "sum"} == set(n)


def test_settings_are_not_boxes_but_number_operands_are():
    x = at.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    s = x.sum(dim=0)
    r = 3 - s
    g = build_graph(r, {"x": x, "s": s, "r": r})
    assert [m.label for m in g.nodes] == ["x", "s", "3", "r"]
    assert g.nodes[1].op == "sum" and g.nodes[1].inputs == (0,)


def test_deep_graphs_need_no_recursion():
    x = at.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    g = build_graph(y, {})
    assert len(g.nodes) == 1 + 2 * 3000
    check_topological(g)


def test_building_touches_nothing_and_snapshots_values():
    x = at.tensor([2.0], requires_grad=True)
    y = x ** 2
    z = (y * 3).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. no "non-leaf .grad" warning
        g = build_graph(z)
    assert x.grad is None and y.grad_fn is not None and x.requires_grad
    z.backward()
    assert by_label(g)["x"].grad is None  # the graph was drawn before backward
    with at.no_grad():
        x.add_(1.0)
    np.testing.assert_array_equal(by_label(g)["x"].value, [2.0])


def test_retained_grads_are_shown():
    x = at.tensor([1.0, -2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    loss = (h ** 2).sum()
    loss.backward()
    n = by_label(build_graph(loss))
    np.testing.assert_allclose(n["h"].grad, [6.0, -12.0])  # dloss/dh = 2h, by hand


def test_module_parameters_get_dotted_names():
    at.manual_seed(0)
    model = at.nn.Linear(3, 2)
    x = at.tensor([[1.0, 2.0, 3.0]])
    out = model(x).sum()
    labels = {m.label for m in build_graph(out).nodes}
    assert {"model.weight", "model.bias", "x", "out"} <= labels


def test_draw_names_from_its_caller_and_displays_scrollable_svg(tmp_path):
    from PIL import Image

    x = at.tensor([2.0], requires_grad=True)
    y = x ** 2
    z = 2 * y + 3
    z.backward()
    d = draw(z)
    assert isinstance(d, GraphDrawing)
    assert ">y<" in d.svg and ">z<" in d.svg and ">[11.]<" in d.svg
    assert d.svg.count(">[8.]<") == 2  # the value of 2 * y, and x.grad = 4x = 8
    assert d._repr_svg_() == d.svg
    html = d._repr_html_()
    assert "overflow:auto" in html and d.svg in html
    d.save(tmp_path / "g.svg")
    assert (tmp_path / "g.svg").read_text(encoding="utf-8") == d.svg
    d.save(tmp_path / "g.png")
    with Image.open(tmp_path / "g.png") as im:
        assert im.format == "PNG"
        assert im.size == (round(2 * d.layout.width), round(2 * d.layout.height))
    with pytest.raises(ValueError, match="Use a file name ending in .svg or .png"):
        d.save(tmp_path / "g.jpg")


def test_import_autograd_tutor_does_not_import_viz_or_matplotlib():
    code = ("import sys, autograd_tutor; bad = [m for m in ('autograd_tutor.viz', 'matplotlib')"
            " if m in sys.modules]; import autograd_tutor.viz.draw;"
            " bad += ['matplotlib'] if 'matplotlib' in sys.modules else []; print(bad)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "[]"


def test_make_overview_writes_a_1600x900_png(tmp_path):
    from PIL import Image

    from autograd_tutor.viz.overview import make_overview

    path = make_overview(tmp_path / "overview.png")
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == (1600, 900)


def test_drawing_something_that_is_not_a_tensor_explains_itself():
    with pytest.raises(TypeError, match=r"expected a Tensor, but got float\. Pass the tensor"):
        draw(3.0)


def test_a_tensor_without_history_is_a_single_output_box():
    with at.no_grad():
        y = at.tensor([1.0, 2.0], requires_grad=True) * 2
    g = build_graph(y)
    assert [(m.label, m.kind, m.inputs) for m in g.nodes] == [("y", "output", ())]


def test_each_number_is_drawn_where_it_is_used():
    """`x * 2 + y * 2` has two 2s (however the engine stores them); a named constant tensor
    used twice is one box with two arrows."""
    x = at.tensor([1.0], requires_grad=True)
    y = at.tensor([3.0], requires_grad=True)
    z = x * 2 + y * 2
    labels = [n.label for n in build_graph(z, {"x": x, "y": y}).nodes]
    assert labels.count("2") == 2
    c = at.tensor([5.0])
    w = x * c + y * c
    g = build_graph(w, {"x": x, "y": y, "c": c})
    assert [n.label for n in g.nodes].count("c") == 1
    (c_node,) = [n for n in g.nodes if n.label == "c"]
    assert sum(i == c_node.id for n in g.nodes for i in n.inputs) == 2


def test_a_no_grad_chain_is_cut_at_each_step():
    """Under no_grad, `n = x * 3` is cut from x and `m = n + 1` from n: the drawing follows
    the numbers back to the tensor that requires grad, and no edge of it carries gradient."""
    x = at.tensor([2.0], requires_grad=True)
    with at.no_grad():
        n = x * 3
        m = n + 1
    z = m * x
    g = build_graph(z, {"x": x, "n": n, "m": m, "z": z})
    ids = {node.label: node.id for node in g.nodes}
    assert sorted(g.cut_edges()) == [(ids["x"], ids["n"], "no_grad"),
                                     (ids["n"], ids["m"], "no_grad")]
    assert g.edges() == [(ids["m"], ids["z"]), (ids["x"], ids["z"])]
    check_topological(g)
