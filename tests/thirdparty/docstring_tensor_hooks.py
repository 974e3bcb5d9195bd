# SOURCE: pytorch/pytorch torch/_tensor.py, the docstrings of Tensor.register_hook, Tensor.backward,
#   Tensor.retain_grad, Tensor.detach / requires_grad_ (torch/_tensor_docs.py: requires_grad_'s
#   "weights = torch.randn(4, 4)" example) and torch.autograd.grad / torch.autograd.backward
#   (torch/autograd/__init__.py), https://pytorch.org/docs/stable/generated/torch.Tensor.register_hook.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: torch.randn inputs fixed; ">>>" lines turned into print() calls; the grad/backward
#   calls written after the signatures documented (those docstrings have no Example section).
import torch

v = torch.tensor([0., 0., 0.], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1., 2., 3.]))
print(v.grad)
h.remove()  # removes the hook

# requires_grad_ docstring
# Let's say we want to preprocess some saved weights and use
# the result as new weights.
saved_weights = [0.1, 0.2, 0.3, 0.25]
loaded_weights = torch.tensor(saved_weights)
weights = preprocess = loaded_weights / loaded_weights.sum()
print(weights.requires_grad)
weights.requires_grad_()
out = weights.pow(2).sum()
out.backward()
print(weights.grad)

# retain_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y ** 2).sum()
z.backward()
print(y.grad, x.grad, y.retains_grad, x.retains_grad)

# torch.autograd.grad / torch.autograd.backward
x = torch.tensor([0.5, 1.5], requires_grad=True)
y = (x ** 3).sum()
(gx,) = torch.autograd.grad(y, x, create_graph=True)
print(gx)
(ggx,) = torch.autograd.grad(gx.sum(), x)
print(ggx)
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
torch.autograd.backward([a * b, a + b], [torch.tensor(1.0), torch.tensor(2.0)])
print(a.grad, b.grad)
print(torch.autograd.grad(a * b, [a, b], allow_unused=True))
c = torch.tensor(1.0, requires_grad=True)
print(torch.autograd.grad(a * b, [a, c], allow_unused=True))
print(torch.autograd.grad(a * b, [a, c], allow_unused=True, materialize_grads=True))
