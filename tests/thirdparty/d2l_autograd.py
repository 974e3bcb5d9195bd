# SOURCE: d2l-ai/d2l-en chapter_preliminaries/autograd.md, the PyTorch tab ("Automatic
#   Differentiation", Dive into Deep Learning 1.0), https://d2l.ai/chapter_preliminaries/autograd.html
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: notebook cell results printed; a = torch.randn(size=(), ...) replaced by a fixed value.
import torch

x = torch.arange(4.0)
print(x)
x.requires_grad_(True)
print(x.grad)  # The gradient is None by default
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)

x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
print(x.grad)

x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
print(x.grad)

x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
print(x.grad == u)

x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.tensor(-0.37, requires_grad=True)  # CHANGED: was torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)

# Exercise 2: "After running the function for backpropagation, immediately run it again"
d.backward()
