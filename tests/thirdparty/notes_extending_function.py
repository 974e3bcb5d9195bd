# SOURCE: pytorch/pytorch docs/source/notes/extending.rst ("Extending PyTorch" > "Extending
#   torch.autograd"): LinearFunction (combined forward), MulConstant, MyCube, and the gradcheck
#   example, https://pytorch.org/docs/stable/notes/extending.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: torch.randn inputs replaced by fixed values; results printed.
import torch
from torch.autograd import Function


# Inherit from Function
class LinearFunction(Function):

    # Note that forward, setup_context, and backward are @staticmethods
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    # This function has only a single output, so it gets only one gradient
    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None

        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)

        return grad_input, grad_weight, grad_bias


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        # We return as many input gradients as there were arguments.
        # Gradients of non-Tensor arguments to forward must be None.
        return grad_output * ctx.constant, None


linear = LinearFunction.apply

x = torch.tensor([[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], requires_grad=True)
w = torch.tensor([[1.0, -1.0, 0.5], [0.25, 0.75, -0.5]], requires_grad=True)
bias = torch.tensor([0.1, -0.2], requires_grad=True)
out = linear(x, w, bias)
print(out)
out.sum().backward()
print(x.grad, w.grad, bias.grad, sep="\n")

y = MulConstant.apply(x, 5.5)
print(y)
y.backward(torch.ones_like(y))
print(x.grad)

from torch.autograd import gradcheck

# gradcheck takes a tuple of tensors as input, check if your gradient
# evaluated with these tensors are close enough to numerical
# approximations and returns True if they all verify this condition.
# CHANGED: were torch.randn(20, 20, ...) and torch.randn(30, 20, ...)
input = (torch.linspace(-1, 1, 400, dtype=torch.double).reshape(20, 20).requires_grad_(),
         torch.linspace(-2, 2, 600, dtype=torch.double).reshape(30, 20).requires_grad_())
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print(test)


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        # We wish to save dx for backward. In order to do so, it must
        # be returned as an output.
        dx = 3 * x ** 2
        result = x ** 3
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        # In order for the autograd.Function to work with higher-order
        # gradients, we must add the gradient contribution of `dx`,
        # which is grad_dx * 6 * x.
        result = grad_output * dx + grad_dx * 6 * x
        return result


# Wrap MyCube in a function so that it is clearer what the output is
def my_cube(x):
    result, dx = MyCube.apply(x)
    return result


x = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
y = my_cube(x)
(g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
print(g)
(gg,) = torch.autograd.grad(g.sum(), x)
print(gg)
