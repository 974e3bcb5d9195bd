# SOURCE: pytorch/tutorials beginner_source/blitz/autograd_tutorial.py (current version, "A Gentle
#   Introduction to torch.autograd"), https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: the torchvision resnet18 part replaced by a small nn.Sequential with fixed weights (the
#   same steps: a forward pass, backward, an SGD step, freezing parameters and replacing the
#   classifier); torch.rand inputs replaced by fixed values; prints added where the tutorial
#   shows values in prose.
import torch
from torch import nn, optim

# --- the resnet18 section, on a small stand-in model
model = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i).reshape(p.shape))
data = torch.linspace(-1, 1, 12).reshape(2, 6)  # CHANGED: was torch.rand(1, 3, 64, 64)
labels = torch.tensor([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]])  # CHANGED: was torch.rand(1, 1000)
prediction = model(data)  # forward pass
loss = (prediction - labels).sum()
loss.backward()  # backward pass
optim_ = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim_.step()  # gradient descent
print(model[0].weight)

# --- Differentiation in Autograd
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)

# --- Exclusion from the DAG
x = torch.linspace(0, 1, 25).reshape(5, 5)  # CHANGED: was torch.rand(5, 5)
y = torch.linspace(1, 2, 25).reshape(5, 5)  # CHANGED: was torch.rand(5, 5)
z = torch.linspace(2, 3, 25).reshape(5, 5).requires_grad_()  # CHANGED: was torch.rand(5, 5, requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

# Freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(4, 10)  # CHANGED: was model.fc = nn.Linear(512, 10)
print(model)
# Optimize only the classifier
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print(sum(p.requires_grad for p in model.parameters()))
