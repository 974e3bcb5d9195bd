# SOURCE: pytorch/tutorials beginner_source/introyt/autogradyt_tutorial.py ("The Fundamentals of
#   Autograd"), section "Advanced Topic: More Autograd Detail and the High-Level API"
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn/rand inputs replaced by fixed values; the autograd profiler section
#   (a device/profiling feature) left out; results that the notebook displays are printed.
import torch

x = torch.tensor([0.3, -0.7, 1.1], requires_grad=True)  # CHANGED: was torch.randn(3, ...)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)  # stand-in gradients
y.backward(v)
print(x.grad)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.tensor([0.25]), torch.tensor([0.75]))  # CHANGED: was (torch.rand(1), torch.rand(1))
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))

inputs = (torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0.4, 0.5, 0.6]))  # CHANGED: torch.rand(3)
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))


def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y


inputs = torch.tensor([0.3, -0.7, 1.1])  # CHANGED: was torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
print(torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients))
