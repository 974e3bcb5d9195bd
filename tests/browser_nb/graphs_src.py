"""The graphs of graphs.ipynb, written once for both libraries.

Each function builds its graph with `lib` (``autograd_tutor`` in the notebook, ``torch`` in the
test process, which checks every caption against PyTorch's numbers) from fixed inputs, and
returns two dicts: the tensors (and modules) the student names, which the notebook passes to
``viz.animate``, and the unnamed intermediates under the labels the pictures give them, so the
test can ask PyTorch about them too. The ops are the ones the student writes: ``chapter``'s
``z = 2 * y + 3`` is ``mul = 2 * y`` then ``z = mul + 3``.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

Named = Dict[str, Any]

X = [[1.0, 2.0, 0.5], [-1.0, 0.5, 2.0], [0.0, -2.0, 1.0], [1.5, 1.0, -0.5]]


def chapter(lib: Any) -> Tuple[Named, Named]:
    """The chapter's example: z = 2 * x ** 2 + 3 at x = 2."""
    x = lib.tensor([2.0], requires_grad=True)
    y = x ** 2
    mul = 2 * y
    z = mul + 3
    return {"x": x, "y": y, "z": z}, {"mul": mul}


def twice(lib: Any) -> Tuple[Named, Named]:
    """A tensor used twice by one op and once more: b = a * a + a."""
    a = lib.tensor([3.0], requires_grad=True)
    mul = a * a
    b = mul + a
    return {"a": a, "b": b}, {"mul": mul}


def broadcast(lib: Any) -> Tuple[Named, Named]:
    """A bias broadcast over the rows of a batch: out = (X @ w + bias).sum()."""
    X_ = lib.tensor(X)
    w = lib.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]], requires_grad=True)
    bias = lib.tensor([0.1, -0.2], requires_grad=True)
    matmul = X_ @ w
    add = matmul + bias
    out = add.sum()
    return {"X": X_, "w": w, "bias": bias, "out": out}, {"matmul": matmul, "add": add}


def cut(lib: Any) -> Tuple[Named, Named]:
    """Two cuts from p: q.detach() and s computed under no_grad."""
    p = lib.tensor([1.5], requires_grad=True)
    q = p * 2
    detached = q.detach()
    r = detached * p
    with lib.no_grad():
        s = p * 3
    mul = s * p
    u = r + mul
    return {"p": p, "q": q, "r": r, "s": s, "u": u}, {"q.detach()": detached, "mul": mul}


def mlp(lib: Any) -> Tuple[Named, Named]:
    """nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 1)) on a batch of 4, MSE loss."""
    nn = lib.nn
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    params = [[[0.2, -0.3, 0.5], [-0.6, 0.1, 0.4], [0.3, 0.6, -0.2], [-0.1, -0.4, 0.7]],
              [0.1, -0.2, 0.05, 0.3], [[0.5, -0.35, 0.6, 0.25]], [0.2]]
    with lib.no_grad():
        for p, v in zip(net.parameters(), params):
            p.copy_(lib.tensor(v))
    X_ = lib.tensor(X)
    target = lib.tensor([[1.0], [0.0], [2.0], [-1.0]])
    hidden = net[0](X_)
    act = net[1](hidden)
    pred = net[2](act)
    loss = nn.MSELoss()(pred, target)
    hidden_names = {"net[0]": hidden, "relu": act, "net[2]": pred}
    hidden_names.update({"net" + "".join(f"[{p}]" if p.isdigit() else f".{p}"
                                         for p in name.split(".")): t
                         for name, t in net.named_parameters()})
    return {"X": X_, "net": net, "target": target, "loss": loss}, hidden_names


def wide(lib: Any, terms: int = 16) -> Tuple[Named, Named]:
    """A wide graph of 63 nodes: s = w0 * x0 + w1 * x1 + ... + w15 * x15, every part named."""
    n: Named = {}
    for i in range(terms):
        n[f"w{i}"] = lib.tensor([0.5 + 0.25 * i], requires_grad=True)
        n[f"x{i}"] = lib.tensor([(-1.0) ** i * (1 + i % 3)])
        n[f"p{i}"] = n[f"w{i}"] * n[f"x{i}"]
    total = n["p0"]
    for i in range(1, terms):
        total = n[f"s{i}"] = total + n[f"p{i}"]
    n["total"] = n.pop(f"s{terms - 1}")
    return n, {}


def deep(lib: Any, steps: int = 15) -> Tuple[Named, Named]:
    """A deep graph of 62 nodes: h = tanh(h * w + 0.5), 15 times, with one w used at every step
    (its gradient is a sum of 15 terms); every part named."""
    x = lib.tensor([0.8])
    w = lib.tensor([0.9], requires_grad=True)
    n: Named = {"x": x, "w": w}
    h = x
    for i in range(1, steps + 1):
        n[f"m{i}"] = h * w
        n[f"a{i}"] = n[f"m{i}"] + 0.5
        h = n[f"h{i}"] = n[f"a{i}"].tanh()
    return n, {}


GRAPHS = {"chapter": chapter, "twice": twice, "broadcast": broadcast, "cut": cut, "mlp": mlp,
          "wide": wide, "deep": deep}
OUTPUTS = {"chapter": "z", "twice": "b", "broadcast": "out", "cut": "u", "mlp": "loss",
           "wide": "total", "deep": "h15"}
