# SOURCE: pytorch/tutorials beginner_source/examples_nn/dynamic_net.py ("Learning PyTorch with
#   Examples": PyTorch: Control Flow + Weight Sharing)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: random.seed(0) added (Python's own generator, the same in both runs); the Parameters'
#   torch.randn(()) replaced by fixed values; 30000 iterations cut to 3000 (printing every 200).
import random
import torch
import math

random.seed(0)  # CHANGED


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(0.1))  # CHANGED: torch.randn(())
        self.b = torch.nn.Parameter(torch.tensor(-0.4))
        self.c = torch.nn.Parameter(torch.tensor(0.25))
        self.d = torch.nn.Parameter(torch.tensor(0.6))
        self.e = torch.nn.Parameter(torch.tensor(-0.05))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = DynamicNet()

criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(3000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 200 == 199:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
