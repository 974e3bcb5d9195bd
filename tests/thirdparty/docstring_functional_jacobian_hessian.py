# SOURCE: pytorch/pytorch torch/autograd/functional.py, the Example sections of the docstrings of
#   jacobian and hessian, https://pytorch.org/docs/stable/generated/torch.autograd.functional.jacobian.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: the inputs, torch.rand(...) in the docstrings, replaced by fixed values; results
#   printed.
import torch
from torch.autograd.functional import hessian, jacobian


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.tensor([[0.4, 0.89], [0.89, 0.867]])  # CHANGED: was torch.rand(2, 2)
print(jacobian(exp_reducer, inputs))
print(jacobian(exp_reducer, inputs, create_graph=True))


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.tensor([0.3, 0.6]), torch.tensor([0.1, 0.9]))  # CHANGED: was (torch.rand(2), torch.rand(2))
print(jacobian(exp_adder, inputs))


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.tensor([[0.4, 0.89], [0.89, 0.867]])  # CHANGED: was torch.rand(2, 2)
print(hessian(pow_reducer, inputs))
print(hessian(pow_reducer, inputs, create_graph=True))


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


inputs = (torch.tensor([0.3, 0.6]), torch.tensor([0.1, 0.9]))  # CHANGED: was (torch.rand(2), torch.rand(2))
print(hessian(pow_adder_reducer, inputs))
