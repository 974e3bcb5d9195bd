"""How fast the static visualiser is. Prints timings; no asserts.

Targets (issue 4): one frame of a 50-node graph <= 5 ms; graph + layout of a 300-node
graph well under 1 s.

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


if __name__ == "__main__":
    main()
