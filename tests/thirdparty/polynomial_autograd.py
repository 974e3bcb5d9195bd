# SOURCE: pytorch/tutorials beginner_source/examples_autograd/polynomial_autograd.py ("Learning
#   PyTorch with Examples": PyTorch: Tensors and autograd; the 2020-2024 version, before the
#   accelerator/set_default_device lines)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: a, b, c, d = torch.randn((), ..., requires_grad=True) replaced by fixed values.
import torch
import math

dtype = torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0")  # Uncomment this to run on GPU

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.tensor(0.1, device=device, dtype=dtype, requires_grad=True)  # CHANGED: torch.randn(())
b = torch.tensor(-0.4, device=device, dtype=dtype, requires_grad=True)
c = torch.tensor(0.25, device=device, dtype=dtype, requires_grad=True)
d = torch.tensor(0.6, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
