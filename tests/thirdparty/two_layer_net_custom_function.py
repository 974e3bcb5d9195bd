# SOURCE: pytorch/tutorials beginner_source/examples_autograd/two_layer_net_custom_function.py
#   (the older "Learning PyTorch with Examples": PyTorch: Defining new autograd functions, MyReLU)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn inputs and weights replaced by fixed values; printing every 50 steps.
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


dtype = torch.float
device = torch.device("cpu")

N, D_in, H, D_out = 64, 1000, 100, 10


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=dtype) * 0.37 + phase).reshape(shape)


x = fixed(N, D_in, phase=0.1)
y = fixed(N, D_out, phase=0.2)
w1 = (fixed(D_in, H, phase=0.3) * 0.05).requires_grad_()
w2 = (fixed(H, D_out, phase=0.4) * 0.1).requires_grad_()

learning_rate = 1e-6
for t in range(500):
    relu = MyReLU.apply
    y_pred = relu(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
print(y_pred.grad_fn.__class__.__name__)
