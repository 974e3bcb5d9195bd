# SOURCE: pytorch/pytorch torch/autograd/function.py, the docstring of torch.autograd.Function
#   (class Exp) and of FunctionCtx.save_for_backward / mark_dirty
#   https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: the docstrings' undefined `input` given fixed values; results printed.
import torch
from torch.autograd import Function


class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


input = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
# Use it by calling the apply method:
output = Exp.apply(input)
print(output)
output.sum().backward()
print(input.grad)


# save_for_backward docstring
class Func(Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, y: torch.Tensor, z: int):
        w = x * z
        out = x * y + y * z + w * y
        ctx.save_for_backward(x, y, w, out)
        ctx.z = z  # z is not a tensor
        return out

    @staticmethod
    def backward(ctx, grad_out):
        x, y, w, out = ctx.saved_tensors
        z = ctx.z
        gx = grad_out * (y + y * z)
        gy = grad_out * (x + z + w)
        gz = None
        return gx, gy, gz


a = torch.tensor(1., requires_grad=True, dtype=torch.double)
b = torch.tensor(2., requires_grad=True, dtype=torch.double)
c = 4
d = Func.apply(a, b, c)
print(d)
d.backward()
print(a.grad, b.grad)


# mark_dirty docstring
class Inplace(Function):
    @staticmethod
    def forward(ctx, x):
        x_npy = x.numpy()  # x_npy shares storage with x
        x_npy += 1
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


a = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
b = a * a
print(Inplace.apply(a))  # This would lead to wrong gradients!
# but the engine would not know unless we mark_dirty
b.backward()  # RuntimeError: one of the variables needed for gradient
              # computation has been modified by an inplace operation
