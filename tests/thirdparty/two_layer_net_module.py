# SOURCE: pytorch/tutorials beginner_source/examples_nn/two_layer_net_module.py (the older
#   "Learning PyTorch with Examples": PyTorch: Custom nn Modules)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn data and the layers' random initialisation replaced by fixed values;
#   printing every 50 steps; print(model) added.
import torch


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


N, D_in, H, D_out = 64, 1000, 100, 10


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


x = fixed(N, D_in, phase=0.1)
y = fixed(N, D_out, phase=0.2)

model = TwoLayerNet(D_in, H, D_out)
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(model.parameters()):
        p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)
print(model)

criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
for t in range(500):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 50 == 49:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
