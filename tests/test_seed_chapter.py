"""Every code block of the seed chapter (03_autograd.md) runs with ``import autograd_tutor as
torch`` and prints exactly what PyTorch 2.13 prints.

The blocks are copied verbatim below (the chapter lives outside this repository);
``test_blocks_are_the_chapters_blocks`` checks the copy against the chapter when it is present.
Blocks that use names defined elsewhere (``model``, ``optimizer``, ``loss``) get a small prelude,
and an epilogue prints the state they leave behind, so that more than the chapter's own
``print`` calls is compared.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
import autograd_tutor as at  # noqa: E402

CHAPTER = Path(__file__).resolve().parents[2] / "shared" / "seed" / "03_autograd.md"

BASIC = """\
import torch

# Create tensor with gradient tracking
x = torch.tensor([2.0], requires_grad=True)

# Forward pass
y = x ** 2      # y = x²
z = 2 * y + 3   # z = 2x² + 3

# Backward pass (compute gradients)
z.backward()

# Check gradient
print(x.grad)   # dz/dx = 4x = 8
"""

DISABLING = """\
# For inference (no training)
with torch.no_grad():
    y = model(x)
    # No gradient computation here

# Detach from graph
x_detached = x.detach()

# Globally disable
torch.set_grad_enabled(False)
"""

TRAINING = """\
# Parameters
w = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)

# Data
x = torch.tensor([1.0, 2.0, 3.0])
y_true = torch.tensor([2.0, 4.0, 6.0])

# Forward
y_pred = w * x + b
loss = ((y_pred - y_true) ** 2).mean()

# Backward
loss.backward()

# Gradients
print(f"w.grad: {w.grad}")  # dL/dw
print(f"b.grad: {b.grad}")  # dL/db

# Update (gradient descent)
with torch.no_grad():
    w -= 0.1 * w.grad
    b -= 0.1 * b.grad
"""

ZERO_GRAD = """\
# Zero gradients before backward
optimizer.zero_grad()
loss.backward()
optimizer.step()
"""

BLOCKS = [BASIC, DISABLING, TRAINING, ZERO_GRAD]


def run(code: str, lib) -> str:
    """Execute ``code`` with ``torch`` bound to ``lib``; return what it printed."""
    if lib is at:
        code = re.sub(r"^import torch$", "import autograd_tutor as torch", code, flags=re.M)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<chapter>", "exec"), {"torch": lib, "__name__": "__chapter__"})
    finally:
        lib.set_grad_enabled(True)
    return out.getvalue()


def assert_same_output(code: str) -> str:
    expected = run(code, torch)
    got = run(code, at)
    assert got == expected
    return got


def test_blocks_are_the_chapters_blocks():
    if not CHAPTER.exists():
        pytest.skip(f"chapter not found at {CHAPTER}")
    blocks = re.findall(r"```python\n(.*?)```", CHAPTER.read_text(encoding="utf-8"), flags=re.S)
    assert blocks == BLOCKS


def test_basic_example():
    assert assert_same_output(BASIC) == "tensor([8.])\n"


def test_basic_example_epilogue():
    assert_same_output(
        BASIC + "print(x, y, z, sep='\\n')\nprint(x.is_leaf, y.is_leaf, z.grad_fn.name())\n"
        "print(y.grad_fn.next_functions[0][0].variable is x)\n"
    )


@pytest.mark.parametrize(
    "model",
    ["lambda t: t * 2 + 1", "lambda t: (t ** 2).sum()"],
)
def test_disabling_gradients(model):
    prelude = f"x = torch.tensor([1.0, 2.0], requires_grad=True)\nmodel = {model}\n"
    epilogue = (
        "print(y, y.requires_grad, y.grad_fn)\n"
        "print(x_detached, x_detached.requires_grad, x_detached.is_leaf)\n"
        "print(torch.is_grad_enabled())\n"
        "q = x * 3\n"
        "print(q, q.requires_grad)\n"
    )
    assert_same_output(prelude + DISABLING + epilogue)


def test_disabling_gradients_with_nn_linear():
    if not hasattr(at, "nn") or not hasattr(at.nn, "Linear"):
        pytest.skip("autograd_tutor.nn.Linear is not available")
    prelude = (
        "model = torch.nn.Linear(2, 1)\n"
        "with torch.no_grad():\n"
        "    model.weight.copy_(torch.tensor([[0.5, -1.5]]))\n"
        "    model.bias.fill_(0.25)\n"
        "x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
    )
    epilogue = "print(y)\nprint(y.requires_grad, torch.is_grad_enabled())\n"
    assert_same_output(prelude + DISABLING + epilogue)


def test_training_example():
    got = assert_same_output(TRAINING)
    assert got.startswith("w.grad: tensor([")


def test_training_example_epilogue():
    epilogue = (
        "print(w, b)\n"
        "print(w.is_leaf, b.is_leaf, w.grad_fn, w.grad, b.grad)\n"
        "print(loss, y_pred)\n"
        "print(f'{loss.item():.4f} {loss:.3f}')\n"
    )
    assert_same_output(TRAINING + epilogue)


def test_training_example_in_a_loop():
    setup, step = TRAINING.split("# Forward")
    body = "# Forward" + step + "w.grad.zero_()\nb.grad.zero_()\n"
    loop = "for step in range(5):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    assert_same_output(setup + loop + "print(w, b)\n")


def test_zero_grad_block():
    if "autograd_tutor.optim" not in sys.modules and not hasattr(at, "optim"):
        pytest.skip("autograd_tutor.optim is not available")
    if not hasattr(getattr(at, "optim", None), "SGD"):
        pytest.skip("autograd_tutor.optim.SGD is not available")
    prelude = (
        "w = torch.tensor([1.0], requires_grad=True)\n"
        "b = torch.tensor([0.0], requires_grad=True)\n"
        "x = torch.tensor([1.0, 2.0, 3.0])\n"
        "y_true = torch.tensor([2.0, 4.0, 6.0])\n"
        "optimizer = torch.optim.SGD([w, b], lr=0.1)\n"
        "for step in range(3):\n"
        "    loss = ((w * x + b - y_true) ** 2).mean()\n"
        + "".join("    " + line + "\n" for line in ZERO_GRAD.splitlines())
        + "    print(step, loss, w, b, w.grad, b.grad)\n"
    )
    assert_same_output(prelude)


# PyTorch's own autograd tutorials ("A Gentle Introduction to torch.autograd", the 60-minute
# blitz and "Automatic Differentiation with torch.autograd"), with fixed data instead of randn
# so that the printed numbers can be compared, and grad_fn.name() instead of the object address.
OFFICIAL_TUTORIALS = """\
import torch
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn.name())
z = y * y * 3
out = z.mean()
print(z, out)
a = torch.tensor([[0.5, -1.2], [2.0, 0.3]])
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn.name())
out.backward()
print(x.grad)
x = torch.tensor([0.3, -0.8, 1.1], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9*a**2 == a.grad)
print(-2*b == b.grad)
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor([[0.1, -0.2, 0.3], [0.0, 0.5, -0.1], [0.2, 0.2, 0.2],
                  [-0.3, 0.1, 0.0], [0.4, -0.4, 0.1]], requires_grad=True)
b = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn.name()}")
print(f"Gradient function for loss = {loss.grad_fn.name()}")
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w)+b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
"""


def test_pytorch_autograd_tutorials():
    if not hasattr(getattr(at, "nn", None), "functional"):
        pytest.skip("autograd_tutor.nn.functional is not available")
    assert_same_output(OFFICIAL_TUTORIALS)


# PyTorch's "The Fundamentals of Autograd" (Introduction to PyTorch series), without the plots,
# the profiler and the model-training part; grad_fn names instead of object addresses.
FUNDAMENTALS = """\
import math

import torch


# Values to 4 places: float32 sin/cos differ from PyTorch's in the last bit, which shows
# when printing numbers next to 0 (-3.5763e-07 vs 5.9605e-08).
def show(t):
    print([round(v, 4) + 0.0 for v in t.tolist()], t.requires_grad)


a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a)
b = torch.sin(a)
show(b)
c = 2 * b
show(c)
d = c + 1
show(d)
out = d.sum()
print(f"{out.item():.4f}", out.grad_fn.name())
print('d:')
print(d.grad_fn.name())
print([(f.name() if f else None, i) for f, i in d.grad_fn.next_functions])
print([(f.name() if f else None, i) for f, i in d.grad_fn.next_functions[0][0].next_functions])
print(c.grad_fn.name(), b.grad_fn.name(), a.grad_fn)
out.backward()
show(a.grad)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = a + b
print(c1)
torch.set_grad_enabled(False)
c2 = a + b
print(c2)
torch.set_grad_enabled(True)
c3 = a * b
print(c3)
a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = a + b
print(c1)
with torch.no_grad():
    c2 = a + b
print(c2)
c3 = a * b
print(c3)


def add_tensors1(x, y):
    return x + y


@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = add_tensors1(a, b)
print(c1)
c2 = add_tensors2(a, b)
print(c2)
x = torch.tensor([0.25, 0.5, 0.75, 1.0, 1.25], requires_grad=True)
y = x.detach()
print(x)
print(y)
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
try:
    torch.sin_(a)
except RuntimeError as e:
    print(type(e).__name__, str(e).split(".")[0])
"""


def test_pytorch_fundamentals_of_autograd_tutorial():
    assert_same_output(FUNDAMENTALS)
