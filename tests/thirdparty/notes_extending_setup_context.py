# SOURCE: pytorch/pytorch docs/source/notes/extending.rst ("Extending torch.autograd", PyTorch
#   2.x): LinearFunction written with a separate setup_context, and the
#   once_differentiable / mark_non_differentiable / set_materialize_grads snippets
#   https://pytorch.org/docs/stable/notes/extending.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: inputs fixed; results printed.
import torch
from torch.autograd import Function


class LinearFunction(Function):

    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    # inputs is a Tuple of all of the inputs passed to forward.
    # output is the output of the forward().
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

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


x = torch.tensor([[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], requires_grad=True)
w = torch.tensor([[1.0, -1.0, 0.5], [0.25, 0.75, -0.5]], requires_grad=True)
b = torch.tensor([0.1, -0.2])
out = LinearFunction.apply(x, w, b)
print(out)
out.sum().backward()
print(x.grad, w.grad, b.grad, sep="\n")


class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x.clone(), x.clone()

    @staticmethod
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        if g1 is not None:  # We must check for None now
            grad_input += g1
        if g2 is not None:
            grad_input += g2
        return grad_input


a = torch.tensor([1.0, 2.0], requires_grad=True)
p, q = SimpleFunc.apply(a)
p.sum().backward()
print(a.grad)


class Sort(Function):
    @staticmethod
    def forward(ctx, x):
        values, indices = x.sort()
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, g1, g2):
        indices, = ctx.saved_tensors
        grad_input = torch.zeros_like(g1)
        grad_input.index_add_(0, indices, g1)
        return grad_input


v = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
values, indices = Sort.apply(v)
print(values, indices, indices.requires_grad)
(values * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(v.grad)
