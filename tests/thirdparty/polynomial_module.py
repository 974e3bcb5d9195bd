# SOURCE: pytorch/tutorials beginner_source/examples_nn/polynomial_module.py ("Learning PyTorch
#   with Examples": PyTorch: Custom nn Modules)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.nn.Parameter(torch.randn(())) replaced by fixed values.
import torch
import math


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        # CHANGED: were torch.nn.Parameter(torch.randn(()))
        self.a = torch.nn.Parameter(torch.tensor(0.1))
        self.b = torch.nn.Parameter(torch.tensor(-0.4))
        self.c = torch.nn.Parameter(torch.tensor(0.25))
        self.d = torch.nn.Parameter(torch.tensor(0.6))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = Polynomial3()

criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
