# SOURCE: pytorch/pytorch torch/nn/modules/linear.py, activation.py, loss.py, flatten.py,
#   container.py, dropout.py: the Examples sections of the docstrings of nn.Linear, nn.ReLU,
#   nn.Sigmoid, nn.Tanh, nn.Softmax, nn.LogSoftmax, nn.MSELoss, nn.L1Loss, nn.CrossEntropyLoss,
#   nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss, nn.Flatten, nn.Sequential, nn.Dropout,
#   https://pytorch.org/docs/stable/nn.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: torch.randn/rand/empty(...).random_ inputs and the layers' random initialisation
#   replaced by fixed values; ">>>" results printed; Dropout shown in eval mode (its train-mode
#   mask is random).
from collections import OrderedDict

import torch
import torch.nn as nn


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


def fix_weights(model):  # CHANGED: deterministic stand-in for the random initialisation
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)


m = nn.Linear(20, 30)
input = fixed(128, 20)
output = m(input)
print(output.size())
print(m)

m = nn.ReLU()
input = fixed(2)
output = m(input)
print(output)
m = nn.Sigmoid()
print(m(fixed(2)))
m = nn.Tanh()
print(m(fixed(2)))
m = nn.Softmax(dim=1)
input = fixed(2, 3)
output = m(input)
print(output)
m = nn.LogSoftmax(dim=1)
print(m(fixed(2, 3)))

loss = nn.MSELoss()
input = fixed(3, 5).requires_grad_()
target = fixed(3, 5, phase=1.0)
output = loss(input, target)
output.backward()
print(output, input.grad)

loss = nn.L1Loss()
input = fixed(3, 5).requires_grad_()
output = loss(input, target)
output.backward()
print(output, input.grad)

# Example of target with class indices
loss = nn.CrossEntropyLoss()
input = fixed(3, 5).requires_grad_()
target = torch.tensor([1, 0, 4])  # CHANGED: torch.empty(3, dtype=torch.long).random_(5)
output = loss(input, target)
output.backward()
print(output, input.grad)
# Example of target with class probabilities
input = fixed(3, 5).requires_grad_()
target = fixed(3, 5, phase=2.0).softmax(dim=1)
output = loss(input, target)
output.backward()
print(output, input.grad)

m = nn.LogSoftmax(dim=1)
loss = nn.NLLLoss()
# input to NLLLoss is of size N x C = 3 x 5
input = fixed(3, 5).requires_grad_()
# each element in target must have 0 <= value < C
target = torch.tensor([1, 0, 4])
loss_value = loss(m(input), target)
loss_value.backward()
print(loss_value, input.grad)

m = nn.Sigmoid()
loss = nn.BCELoss()
input = fixed(3).requires_grad_()
target = torch.tensor([0.2, 0.9, 0.5])  # CHANGED: was torch.rand(3)
output = loss(m(input), target)
output.backward()
print(output, input.grad)

loss = nn.BCEWithLogitsLoss()
input = fixed(3).requires_grad_()
target = torch.tensor([0.2, 0.9, 0.5])
output = loss(input, target)
output.backward()
print(output, input.grad)
target = torch.ones([10, 64], dtype=torch.float32)  # 64 classes, batch size = 10
output = torch.full([10, 64], 1.5)  # A prediction (logit)
pos_weight = torch.ones([64])  # All weights are equal to 1
criterion = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
print(criterion(output, target))  # -log(sigmoid(1.5))

input = fixed(32, 1, 5, 5)
# With default parameters
m = nn.Flatten()
output = m(input)
print(output.size())
# With non-default parameters
m = nn.Flatten(0, 2)
output = m(input)
print(output.size())

model = nn.Sequential(
    nn.Linear(4, 8),
    nn.ReLU(),
    nn.Linear(8, 2),
    nn.ReLU()
)
fix_weights(model)
print(model)
print(model(fixed(3, 4)))
model = nn.Sequential(OrderedDict([
    ('lin1', nn.Linear(4, 8)),
    ('relu1', nn.ReLU()),
    ('lin2', nn.Linear(8, 2)),
    ('relu2', nn.ReLU())
]))
print(model)
print(model.lin2)

m = nn.Dropout(p=0.2)
input = fixed(20, 16)
m.eval()
output = m(input)
print(torch.equal(output, input), m)
