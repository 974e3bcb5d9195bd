# SOURCE: pytorch/tutorials beginner_source/examples_autograd/two_layer_net_autograd.py (the
#   older "Learning PyTorch with Examples": PyTorch: Tensors and autograd)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn inputs and weights replaced by fixed values; printing every 50 steps.
import torch

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
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
print(w1.is_leaf, w1.grad_fn, w2.grad.abs().sum())
