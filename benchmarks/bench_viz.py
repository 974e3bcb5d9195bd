"""How fast the static visualiser is. Prints timings; no asserts.

Targets (issue 4): one frame of a 50-node graph <= 5 ms; graph + layout of a 300-node
graph well under 1 s. Issue 12: a new step of any view (animate, training) on screen within
100 ms, so the Python side of a step (what the kernel does before the front end draws it)
must stay well below that; and the layout of a graph of ~40 nodes fits an 800 px output.

    python benchmarks/bench_viz.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_tutor as torch  # noqa: E402
from autograd_tutor.viz.graph import build_graph  # noqa: E402
from autograd_tutor.viz.layout import layout  # noqa: E402
from autograd_tutor.viz.svg import State, render  # noqa: E402
from autograd_tutor.viz.training import training  # noqa: E402
from autograd_tutor.viz.widget import Animation  # noqa: E402


def scalar_mlp(min_nodes: int):
    """A micrograd-style MLP on scalar tensors, widened until its graph has `min_nodes` nodes."""
    torch.manual_seed(0)
    width = 1
    while True:
        xs = [torch.tensor(float(i)) for i in range(3)]
        for n_out in (width, width, 1):
            outs = []
            for _ in range(n_out):
                act = torch.randn((), requires_grad=True)  # the bias
                for x in xs:
                    act = act + torch.randn((), requires_grad=True) * x
                outs.append(act.tanh())
            xs = outs
        loss = (xs[0] - 1.0) ** 2
        graph = build_graph(loss, {})
        if len(graph.nodes) >= min_nodes:
            return loss, graph
        width += 1


def best_of(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    _, g50 = scalar_mlp(50)
    lay50 = layout(g50)
    edges = g50.edges()
    half = len(g50.nodes) // 2
    state = State(shown=frozenset(range(half)), grads={i: g50.nodes[i].value for i in range(half)},
                  highlight=half, active_edges=frozenset(edges[:3]), phase="backward",
                  caption="dL/dh = dL/dy * dy/dh = 0.5 * 2 = 1")
    lo, med = best_of(lambda: render(g50, lay50, state), 200)
    print(f"render one frame, {len(g50.nodes)} nodes / {len(edges)} edges: "
          f"best {lo * 1e3:.2f} ms, median {med * 1e3:.2f} ms  (target <= 5 ms)")

    loss, g300 = scalar_mlp(300)
    lo, med = best_of(lambda: layout(build_graph(loss, {})), 10)
    lay = layout(g300)
    print(f"build_graph + layout, {len(g300.nodes)} nodes / {len(g300.edges())} edges: "
          f"best {lo * 1e3:.1f} ms, median {med * 1e3:.1f} ms  (target well under 1 s); "
          f"canvas {lay.width:.0f}x{lay.height:.0f} px, {lay.crossings} crossings")
    lo, med = best_of(lambda: render(g300, lay), 20)
    print(f"render one frame, {len(g300.nodes)} nodes: best {lo * 1e3:.1f} ms, "
          f"median {med * 1e3:.1f} ms")

    for min_nodes in (20, 50):  # a micrograd-style MLP: many leaves side by side
        _, g = scalar_mlp(min_nodes)
        print(f"layout of {len(g.nodes)} nodes: {layout(g).width:.0f} px wide "
              "(target <= 800 px up to ~40 nodes; larger ones scroll)")
    bench_steps()


def first_views(view, n: int) -> list[float]:
    """Seconds for each of the first `n` steps of a fresh view (nothing cached yet)."""
    times = []
    for i in range(1, n + 1):
        t0 = time.perf_counter()
        view.step(i)
        times.append(time.perf_counter() - t0)
    return times


def bench_steps() -> None:
    """A new step of `animate` (the MLP graph) and of `training` (20 recorded steps)."""
    from autograd_tutor import nn

    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = nn.MSELoss()(net(torch.randn(4, 3)), torch.randn(4, 1))
    anim = Animation(build_graph(loss, {}))
    times = first_views(anim, len(anim.frames) - 1)
    print(f"animate, MLP ({len(anim.frames)} steps): a new step median "
          f"{statistics.median(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms "
          "(target < 100 ms on screen)")

    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([2.0, 4.0, 6.0])
    rec_history = []
    for _ in range(20):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        xs = x.numpy()
        rec_history.append({"loss": loss.item(), "params": {"w": w.detach().numpy().copy(),
                                                            "b": b.detach().numpy().copy()},
                            "grads": {"w": w.grad.numpy().copy(), "b": b.grad.numpy().copy()},
                            "fit": (xs, xs * w.item() + b.item())})
        with torch.no_grad():
            w -= 0.05 * w.grad
            b -= 0.05 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    t0 = time.perf_counter()
    view = training(rec_history, data=(x, y))
    first = time.perf_counter() - t0
    times = first_views(view, 19)
    print(f"training (20 steps): first picture {first * 1e3:.0f} ms (draws the axes once), "
          f"then a new step median {statistics.median(times) * 1e3:.1f} ms, "
          f"max {max(times) * 1e3:.1f} ms (target < 100 ms on screen)")


if __name__ == "__main__":
    main()
