# SOURCE: pytorch/tutorials beginner_source/examples_tensor/two_layer_net_tensor.py (the older
#   "Learning PyTorch with Examples", 2018-2020: a two-layer ReLU net, gradients by hand)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn inputs and weights replaced by fixed values (sin/cos of a ramp); 500
#   iterations printed every 50 (the original printed every one).
import torch

dtype = torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0") # Uncomment this to run on GPU

N, D_in, H, D_out = 64, 1000, 100, 10


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=dtype) * 0.37 + phase).reshape(shape)


x = fixed(N, D_in, phase=0.1)
y = fixed(N, D_out, phase=0.2)
w1 = fixed(D_in, H, phase=0.3) * 0.05
w2 = fixed(H, D_out, phase=0.4) * 0.1

learning_rate = 1e-6
for t in range(500):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)

    loss = (y_pred - y).pow(2).sum().item()
    if t % 50 == 49:
        print(t, loss)

    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
