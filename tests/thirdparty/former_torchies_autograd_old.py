# SOURCE: pytorch/tutorials beginner_source/former_torchies/autograd_tutorial_old.py ("Autograd"
#   for former Torch users, PyTorch 0.4 era), https://github.com/pytorch/tutorials
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn(2, 2) (twice) replaced by fixed values.
import torch

x = torch.ones(2, 2, requires_grad=True)
print(x)
print(x.data)
print(x.grad)
print(x.grad_fn)  # we've created x ourselves
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)

a = torch.tensor([[1.5, -0.25], [0.75, 2.0]])  # CHANGED: was torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

out.backward()
print(x.grad)

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
y.backward(torch.ones(2, 2), retain_graph=True)
print(x.grad)
z = y * y
print(z)

gradient = torch.tensor([[0.5, -1.0], [2.0, 0.25]])  # CHANGED: was torch.randn(2, 2)
y.backward(gradient)
print(x.grad)

print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
	print((x ** 2).requires_grad)
