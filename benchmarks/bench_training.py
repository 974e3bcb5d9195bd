"""Training-loop speed (nn + optim) against PyTorch, micrograd and hand-written NumPy.

    python benchmarks/bench_training.py

Prints the time of each implementation available and our ratio to the reference the
target is stated against (issue 3):

- the seed chapter's linear regression, 100 epochs         target <= 0.5x PyTorch
  (once as written in the chapter, once with optim.SGD and zero_grad)
- nn.Sequential MLP 256x64 -> 128 -> 10 training step,
  CrossEntropyLoss + Adam                                  target <= 1.5x hand-written NumPy
  (micrograd, scalar by scalar, is only estimated: a real step would take minutes)

Timings on a busy machine vary a lot; the ratios, measured in turns, are what to read.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path
from typing import Callable, Dict

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_tutor as at  # noqa: E402

try:
    import torch
except ImportError:  # the benchmark still runs, without that column
    torch = None
try:
    from micrograd.engine import Value
except ImportError:  # pip install micrograd
    Value = None

EPOCHS = 100


def interleaved(
    impls: Dict[str, Callable[[], object]], rounds: int = 7, min_time: float = 0.1
) -> Dict[str, float]:
    """Seconds per call of each implementation: best round, implementations taking turns
    within each round so that a busy machine slows them all alike."""
    numbers = {}
    for name, fn in impls.items():
        fn()
        count, elapsed = timeit.Timer(fn).autorange()
        numbers[name] = max(1, int(count * min_time / max(elapsed, 1e-9)))
    best = {name: float("inf") for name in impls}
    for _ in range(rounds):
        for name, fn in impls.items():
            elapsed = timeit.timeit(fn, number=numbers[name])
            best[name] = min(best[name], elapsed / numbers[name])
    return best


# --------------------------------------------------------------------------- seed loop
def seed_loop(lib) -> Callable[[], None]:
    """The chapter's "Real Training Example", run for 100 epochs."""

    def run() -> None:
        w = lib.tensor([1.0], requires_grad=True)
        b = lib.tensor([0.0], requires_grad=True)
        x = lib.tensor([1.0, 2.0, 3.0])
        y_true = lib.tensor([2.0, 4.0, 6.0])
        for _ in range(EPOCHS):
            y_pred = w * x + b
            loss = ((y_pred - y_true) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
            w.grad.zero_()
            b.grad.zero_()

    return run


def seed_loop_optim(lib) -> Callable[[], None]:
    """The same loop written with an optimizer, as the chapter's notes recommend."""

    def run() -> None:
        w = lib.tensor([1.0], requires_grad=True)
        b = lib.tensor([0.0], requires_grad=True)
        x = lib.tensor([1.0, 2.0, 3.0])
        y_true = lib.tensor([2.0, 4.0, 6.0])
        optimizer = lib.optim.SGD([w, b], lr=0.1)
        for _ in range(EPOCHS):
            optimizer.zero_grad()
            loss = ((w * x + b - y_true) ** 2).mean()
            loss.backward()
            optimizer.step()

    return run


def seed_micrograd() -> None:
    w, b = Value(1.0), Value(0.0)
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    for _ in range(EPOCHS):
        loss = sum(((w * x + b) - y) ** 2 for x, y in zip(xs, ys)) * (1 / 3)
        loss.backward()
        w.data -= 0.1 * w.grad
        b.data -= 0.1 * b.grad
        w.grad = b.grad = 0


def seed_numpy() -> None:
    w, b = np.array([1.0], np.float32), np.array([0.0], np.float32)
    x, y_true = np.array([1.0, 2.0, 3.0], np.float32), np.array([2.0, 4.0, 6.0], np.float32)
    for _ in range(EPOCHS):
        err = w * x + b - y_true
        _ = (err**2).mean()
        d = 2 * err / 3
        w -= 0.1 * (d * x).sum()
        b -= 0.1 * d.sum()


# --------------------------------------------------------------------------- MLP step
rng = np.random.default_rng(0)
X = rng.standard_normal((256, 64)).astype(np.float32)
LABELS = rng.integers(0, 10, 256)


def mlp_step(lib) -> Callable[[], None]:
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(64, 128), lib.nn.ReLU(), lib.nn.Linear(128, 10))
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    x, y = lib.tensor(X), lib.tensor(LABELS)

    def step() -> None:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()

    return step


def mlp_numpy() -> Callable[[], None]:
    """Forward, backward and Adam written out by hand (weights as nn.Linear stores them)."""
    params = [
        (rng.uniform(-1, 1, s) / np.sqrt(s[-1] if len(s) > 1 else 64)).astype(np.float32)
        for s in ((128, 64), (128,), (10, 128), (10,))
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rows = np.arange(256)
    state = {"t": 0}

    def step() -> None:
        w1, b1, w2, b2 = params
        h_pre = X @ w1.T + b1
        h = np.maximum(h_pre, 0)
        logits = h @ w2.T + b2
        shifted = logits - logits.max(1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
        _ = -logp[rows, LABELS].mean()
        d_logits = np.exp(logp)
        d_logits[rows, LABELS] -= 1
        d_logits /= 256
        dh = d_logits @ w2
        dh[h_pre <= 0] = 0
        grads = (dh.T @ X, dh.sum(0), d_logits.T @ h, d_logits.sum(0))
        state["t"] += 1
        t = state["t"]
        for p, g, m_, v_ in zip(params, grads, m, v):
            m_ += 0.1 * (g - m_)
            v_ *= 0.999
            v_ += 0.001 * g * g
            denom = np.sqrt(v_) / np.sqrt(1 - 0.999**t) + 1e-8
            p -= (1e-3 / (1 - 0.9**t)) * m_ / denom

    return step


def micrograd_mlp_estimate() -> float:
    """Seconds for micrograd to train the same MLP on one sample, times 256.

    micrograd has no exp/log (so no cross-entropy) and works one scalar at a time, so a
    real 256-sample step would take minutes; one sample with a squared error gives the
    order of magnitude."""
    import random
    import time

    from micrograd.nn import MLP

    random.seed(0)
    model = MLP(64, [128, 10])
    sample = [float(v) for v in X[0]]
    start = time.perf_counter()
    loss = sum((out - 1) ** 2 for out in model(sample))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.01 * p.grad
    return (time.perf_counter() - start) * 256


def main() -> None:
    rows = []

    def row(name, target, ref, impls):
        times = interleaved({k: f for k, f in impls.items() if f is not None})
        ratio = times["ours"] / times[ref] if ref in times else float("nan")
        rows.append((name, times, ref, ratio, target))

    row(
        f"seed loop, {EPOCHS} epochs",
        0.5,
        "torch",
        {
            "ours": seed_loop(at),
            "torch": seed_loop(torch) if torch else None,
            "micrograd": seed_micrograd if Value else None,
            "numpy": seed_numpy,
        },
    )
    row(
        f"seed loop + optim.SGD, {EPOCHS} ep",
        0.5,
        "torch",
        {
            "ours": seed_loop_optim(at),
            "torch": seed_loop_optim(torch) if torch else None,
        },
    )
    row(
        "MLP step, CE + Adam",
        1.5,
        "numpy",
        {
            "ours": mlp_step(at),
            "torch": mlp_step(torch) if torch else None,
            "numpy": mlp_numpy(),
        },
    )

    print(
        f"{'workload':34} {'ours':>10} {'torch':>10} {'micrograd':>10} {'numpy':>10}  ratio  target"
    )
    for name, times, ref, ratio, target in rows:
        cells = " ".join(
            f"{times[k] * 1e6:9.1f}u" if k in times else f"{'-':>10}"
            for k in ("ours", "torch", "micrograd", "numpy")
        )
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{name:34} {cells}  {ratio:5.2f}x  <={target}x vs {ref} {verdict}")
    print("(microseconds per run, best of 7 interleaved rounds)")
    if Value is None:
        print("micrograd not installed (pip install micrograd): column left empty")
    else:
        print(
            f"micrograd, same MLP step (estimated from one sample x 256, squared error): "
            f"{micrograd_mlp_estimate():.0f} s"
        )


if __name__ == "__main__":
    main()
