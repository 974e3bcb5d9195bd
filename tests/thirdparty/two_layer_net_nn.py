# SOURCE: pytorch/tutorials beginner_source/examples_nn/two_layer_net_nn.py (the older "Learning
#   PyTorch with Examples": PyTorch: nn)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn data and the layers' random initialisation replaced by fixed values;
#   printing every 50 steps.
import torch

N, D_in, H, D_out = 64, 1000, 100, 10


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


x = fixed(N, D_in, phase=0.1)
y = fixed(N, D_out, phase=0.2)

model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(model.parameters()):
        p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)

loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = 1e-4
for t in range(500):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 50 == 49:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
