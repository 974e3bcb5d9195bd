# SOURCE: pytorch/pytorch torch/autograd/functional.py, the Example sections of the docstrings of
#   vjp, jvp, vhp and hvp, https://pytorch.org/docs/stable/autograd.html#functional-higher-level-api
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: the inputs, torch.rand(...) in the docstrings, replaced by fixed values; results
#   printed.
import torch
from torch.autograd.functional import hvp, jvp, vhp, vjp


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.tensor([[0.4, 0.89, 0.2, 0.1], [0.89, 0.867, 0.5, 0.3], [0.1, 0.2, 0.3, 0.4],
                       [0.5, 0.6, 0.7, 0.8]])  # CHANGED: was torch.rand(4, 4)
v = torch.ones(4)
print(vjp(exp_reducer, inputs, v))
print(vjp(exp_reducer, inputs, v, create_graph=True))


def adder(x, y):
    return 2 * x + 3 * y


inputs = (torch.tensor([0.3, 0.6]), torch.tensor([0.1, 0.9]))  # CHANGED: torch.rand(2) twice
v = torch.ones(2)
print(vjp(adder, inputs, v))

inputs = torch.tensor([[0.4, 0.89, 0.2, 0.1], [0.89, 0.867, 0.5, 0.3], [0.1, 0.2, 0.3, 0.4],
                       [0.5, 0.6, 0.7, 0.8]])
v = torch.ones(4, 4)
print(jvp(exp_reducer, inputs, v))

inputs = (torch.tensor([0.3, 0.6]), torch.tensor([0.1, 0.9]))
v = (torch.ones(2), torch.ones(2))
print(jvp(adder, inputs, v))


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.tensor([[0.4, 0.89], [0.89, 0.867]])
v = torch.ones(2, 2)
print(vhp(pow_reducer, inputs, v))
print(hvp(pow_reducer, inputs, v))
