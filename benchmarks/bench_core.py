"""Core engine speed against PyTorch, micrograd and hand-written NumPy, measured in one run.

    python benchmarks/bench_core.py

Prints, for each workload, the time per iteration of every implementation available and our
ratio to the reference the target is stated against (issue 2):

- seed scalar example (x**2, 2*y+3, backward)          target <= 0.5x PyTorch
- 2,000-op elementwise chain on a 10-element vector       target <= 1.0x PyTorch
- 256x64 -> 128 -> 10 MLP training step                   target <= 1.5x hand-written NumPy
- 1024x1024 matmul -> relu -> sum, forward + backward     target <= 1.1x hand-written NumPy

Every implementation uses one BLAS/OpenMP thread (set OPENBLAS_NUM_THREADS etc. to override):
on a shared machine, multi-threaded BLAS timings depend on the other processes more than on
the code being measured.
"""

from __future__ import annotations

import os
import statistics
import sys
import timeit
from pathlib import Path
from typing import Callable

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy (and its BLAS) is loaded

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_tutor as at  # noqa: E402

try:
    import torch

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
except ImportError:  # the benchmark still runs, without that column
    torch = None
try:
    from micrograd.engine import Value
except ImportError:
    Value = None


def per_call(
    impls: dict[str, Callable[[], object]], rounds: int = 15, min_time: float = 0.02
) -> dict[str, float]:
    """Median seconds per call of each implementation.

    The implementations take turns (round-robin), each timing a batch of calls lasting about
    ``min_time`` per round, so that load from other processes on a shared machine falls on all
    of them alike; the median over ``rounds`` ignores the rounds that were disturbed.
    """
    numbers = {}
    for name, fn in impls.items():
        fn()  # warm up
        number, _ = timeit.Timer(fn).autorange()  # calls lasting >= 0.2 s
        numbers[name] = max(1, int(number * min_time / 0.2))
    samples: dict[str, list[float]] = {name: [] for name in impls}
    for _ in range(rounds):
        for name, fn in impls.items():
            samples[name].append(timeit.timeit(fn, number=numbers[name]) / numbers[name])
    return {name: statistics.median(times) for name, times in samples.items()}


# --------------------------------------------------------------------------- seed example
def seed_ours() -> None:
    x = at.tensor([2.0], requires_grad=True)
    z = 2 * x**2 + 3
    z.backward()


def seed_torch() -> None:
    x = torch.tensor([2.0], requires_grad=True)
    z = 2 * x**2 + 3
    z.backward()


def seed_micrograd() -> None:
    x = Value(2.0)
    z = 2 * x**2 + 3
    z.backward()


def seed_numpy() -> None:
    x = np.array([2.0], dtype=np.float32)
    y = x**2
    z = 2 * y + 3
    dz = np.ones_like(z)
    dy = 2 * dz
    dx = dy * 2 * x
    return dx


# --------------------------------------------------------------------------- 2,000-op chain
CHAIN = 2000
_v = np.linspace(0.5, 1.5, 10, dtype=np.float32)


def chain_ours() -> None:
    x = at.tensor(_v, requires_grad=True)
    y = x
    for _ in range(CHAIN // 2):
        y = y * 1.0001
        y = y + 0.001
    y.sum().backward()


def chain_torch() -> None:
    x = torch.tensor(_v, requires_grad=True)
    y = x
    for _ in range(CHAIN // 2):
        y = y * 1.0001
        y = y + 0.001
    y.sum().backward()


def chain_numpy() -> None:
    y = _v.copy()
    for _ in range(CHAIN // 2):
        y = y * np.float32(1.0001)
        y = y + np.float32(0.001)
    g = np.ones_like(y)
    for _ in range(CHAIN // 2):
        g = g * np.float32(1.0001)
    return g


# --------------------------------------------------------------------------- MLP step
rng = np.random.default_rng(0)
X = rng.standard_normal((256, 64)).astype(np.float32)
labels = rng.integers(0, 10, 256)
W1 = (rng.standard_normal((64, 128)) * 0.1).astype(np.float32)
b1 = np.zeros(128, np.float32)
W2 = (rng.standard_normal((128, 10)) * 0.1).astype(np.float32)
b2 = np.zeros(10, np.float32)


def _mlp_params(lib):
    return [lib.tensor(p.copy(), requires_grad=True) for p in (W1, b1, W2, b2)]


def mlp_step(lib, params, x, y) -> Callable[[], None]:
    w1, c1, w2, c2 = params

    def step() -> None:
        h = (x @ w1 + c1).relu()
        logits = h @ w2 + c2
        loss = -logits.log_softmax(1)[lib.arange(256), y].mean()
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= 0.01 * p.grad
                p.grad = None

    return step


def mlp_numpy() -> None:
    h_pre = X @ W1 + b1
    h = np.maximum(h_pre, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    _ = -logp[np.arange(256), labels].mean()
    d_logits = np.exp(logp)
    d_logits[np.arange(256), labels] -= 1
    d_logits /= 256
    dW2 = h.T @ d_logits
    db2 = d_logits.sum(0)
    dh = d_logits @ W2.T
    dh[h_pre <= 0] = 0
    dW1 = X.T @ dh
    db1 = dh.sum(0)
    for p, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2)):
        p -= 0.0 * g  # same arithmetic as an SGD step, without drifting the shared weights


# --------------------------------------------------------------------------- big matmul
A = rng.standard_normal((1024, 1024)).astype(np.float32)
B = rng.standard_normal((1024, 1024)).astype(np.float32)


def big_ours() -> None:
    a = at.tensor(A, requires_grad=True)
    b = at.tensor(B, requires_grad=True)
    (a @ b).relu().sum().backward()


def big_torch() -> None:
    a = torch.tensor(A, requires_grad=True)
    b = torch.tensor(B, requires_grad=True)
    (a @ b).relu().sum().backward()


def big_numpy() -> None:
    a, b = A.copy(), B.copy()  # the same copies our tensor() makes
    c = a @ b
    mask = c > 0
    g = mask.astype(np.float32)
    return g @ b.T, a.T @ g


def main() -> None:
    rows = []

    def row(name, target, ref, impls):
        times = per_call({k: f for k, f in impls.items() if f is not None})
        ratio = times["ours"] / times[ref] if ref in times else float("nan")
        rows.append((name, times, ref, ratio, target))

    row("seed scalar example", 0.5, "torch", {
        "ours": seed_ours, "torch": seed_torch if torch else None,
        "micrograd": seed_micrograd if Value else None, "numpy": seed_numpy,
    })
    row(f"{CHAIN}-op chain, 10 elements", 1.0, "torch", {
        "ours": chain_ours, "torch": chain_torch if torch else None, "numpy": chain_numpy,
    })
    ours_x, ours_y = at.tensor(X), at.tensor(labels)
    row("MLP step 256x64-128-10", 1.5, "numpy", {
        "ours": mlp_step(at, _mlp_params(at), ours_x, ours_y),
        "torch": mlp_step(torch, _mlp_params(torch), torch.tensor(X), torch.tensor(labels))
        if torch else None,
        "numpy": mlp_numpy,
    })
    row("1024x1024 matmul-relu-sum", 1.1, "numpy", {
        "ours": big_ours, "torch": big_torch if torch else None, "numpy": big_numpy,
    })

    header = " ".join(f"{k:>10}" for k in ("ours", "torch", "micrograd", "numpy"))
    print(f"{'workload':32} {header}  ratio  target")
    for name, times, ref, ratio, target in rows:
        cells = " ".join(
            f"{times[k] * 1e6:9.1f}u" if k in times else f"{'-':>10}"
            for k in ("ours", "torch", "micrograd", "numpy")
        )
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{name:32} {cells}  {ratio:5.2f}x  <={target}x vs {ref} {verdict}")
    print("(microseconds per iteration: median of 15 interleaved rounds)")


if __name__ == "__main__":
    main()
