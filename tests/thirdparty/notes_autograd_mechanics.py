# SOURCE: pytorch/pytorch docs/source/notes/autograd.rst ("Autograd mechanics"): the code in
#   "Saved tensors", "Locally disabling gradient computation" (requires_grad, no-grad,
#   inference mode, evaluation mode), "In-place operations with autograd" and "Backward hooks"
#   https://pytorch.org/docs/stable/notes/autograd.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: torch.randn inputs replaced by fixed values; the torchvision resnet18 example of
#   freezing replaced by a small nn.Sequential; results printed; the in-place examples that
#   raise wrapped in try/except (the error class printed); the saved-tensor section moved last.
import torch
import torch.nn as nn


# Setting requires_grad: freeze part of a model
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))  # CHANGED: resnet18
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(8, 10)
print([p.requires_grad for p in model.parameters()])

# Grad modes
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad)
with torch.inference_mode():
    z = x * 2
print(z.requires_grad, z.is_inference())
print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
model.eval()
print(model.training, model[0].training)
model.train()
print(model.training)

# In-place correctness checks
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.sigmoid()
c = b * 2
b.mul_(3)
print(b._version)
try:  # CHANGED: the note shows this raising; the error class is printed
    c.sum().backward()  # sigmoid saved its output b, which mul_ changed
except RuntimeError as err:
    print(type(err).__name__)
d = a.exp()
d.add_(1)
try:
    d.sum().backward()
    print(a.grad)
except RuntimeError as err:
    print(type(err).__name__)

# Backward hooks
t = torch.tensor(1., requires_grad=True)
t.register_hook(lambda grad: print("tensor hook, grad =", grad))
out = t * 3
out.grad_fn.register_hook(lambda gi, go: print("grad_fn hook", gi, go))
out.backward()
print(t.grad)

# Saved tensors
x = torch.tensor([0.5, -1.0, 2.0, 0.25, 3.0], requires_grad=True)  # CHANGED: torch.randn(5, ...)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True

y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False
