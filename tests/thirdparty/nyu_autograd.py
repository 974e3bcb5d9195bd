# SOURCE: Atcold/NYU-DLSP20 03-autograd_tutorial.ipynb (NYU Deep Learning, Spring 2020, Alfredo
#   Canziani), https://github.com/Atcold/NYU-DLSP20
# LICENCE: CC BY-NC-SA 4.0 (Atcold/NYU-DLSP20)
# CHANGED: torch.randn(3, requires_grad=True) replaced by a fixed value; notebook cell results
#   printed; the "Inference" GPU cell left out; print(e) prints type(e).__name__ (our message
#   adds a fix-it sentence after PyTorch's).
import torch

# Create a 2x2 tensor with gradient-accumulation capabilities
x = torch.tensor([[1, 2], [3, 4]], requires_grad=True, dtype=torch.float32)
print(x)
# Deduct 2 from all elements
y = x - 2
print(y)
# y was created as a result of an operation, so it has a grad_fn
print(y.grad_fn)
# What's happening here?
print(x.grad_fn)
# Let's dig further...
print(y.grad_fn)
print(y.grad_fn.next_functions[0][0])
print(y.grad_fn.next_functions[0][0].variable)
# Do more operations on y
z = y * y * 3
a = z.mean()  # average
print(z)
print(a)

# Backprop
a.backward()
# Compute it by hand BEFORE executing this
print(x.grad)

x = torch.tensor([0.9, -0.45, 1.2], requires_grad=True)  # CHANGED: was torch.randn(3, ...)
y = x * 2
i = 0
while y.data.norm() < 1000:
    y = y * 2
    i += 1
print(y)
# If we don't run backward on a scalar we need to specify the grad_output
gradients = torch.FloatTensor([0.1, 1.0, 0.0001])
y.backward(gradients)
print(x.grad)
print(i)

n = 3
x = torch.arange(1., n + 1, requires_grad=True)
w = torch.ones(n, requires_grad=True)
z = w @ x
z.backward()
print(x.grad, w.grad, sep='\n')

x = torch.arange(1., n + 1)
w = torch.ones(n, requires_grad=True)
z = w @ x
z.backward()
print(x.grad, w.grad, sep='\n')

x = torch.arange(1., n + 1)
w = torch.ones(n, requires_grad=True)

# All torch operations inside this block will not be tracked
with torch.no_grad():
    z = w @ x

try:
    z.backward()  # PyTorch will throw an error here, since z has no grad accum.
except RuntimeError as e:
    print('RuntimeError!!! >:[')
    print(type(e).__name__)
