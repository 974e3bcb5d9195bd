# SOURCE: pytorch/pytorch docs/source/optim.md ("torch.optim": Constructing it, Per-parameter
#   options, Taking an optimization step, How to adjust learning rate) and the docstrings of
#   torch.optim.SGD and lr_scheduler.StepLR/ExponentialLR/MultiStepLR,
#   https://pytorch.org/docs/stable/optim.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: the docs' undefined model/dataset given a small fixed stand-in; epochs cut to 5 and
#   the learning rates printed; the LBFGS closure example left out (no LBFGS here).
import torch
from torch import nn, optim
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR, StepLR


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for data and weights
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


class Model(nn.Module):  # CHANGED: the docs' "model" with a base and a classifier
    def __init__(self):
        super().__init__()
        self.base = nn.Linear(4, 6)
        self.classifier = nn.Linear(6, 2)

    def forward(self, x):
        return self.classifier(torch.relu(self.base(x)))


model = Model()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(fixed(*p.shape, phase=i) * 0.5)
var1 = torch.tensor([1.0, 2.0], requires_grad=True)
var2 = torch.tensor([3.0], requires_grad=True)
dataset = [(fixed(8, 4, phase=k), fixed(8, 2, phase=k + 0.5)) for k in range(4)]
loss_fn = nn.MSELoss()

optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
optimizer = optim.Adam([var1, var2], lr=0.0001)
print(len(optimizer.param_groups), optimizer.param_groups[0]['lr'])

optimizer = optim.SGD([
    {'params': model.base.parameters(), 'lr': 1e-2},
    {'params': model.classifier.parameters()}
], lr=1e-3, momentum=0.9)
print([g['lr'] for g in optimizer.param_groups], [g['momentum'] for g in optimizer.param_groups])

for input, target in dataset:
    optimizer.zero_grad()
    output = model(input)
    loss = loss_fn(output, target)
    loss.backward()
    optimizer.step()
print(loss.item())

optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = ExponentialLR(optimizer, gamma=0.9)

for epoch in range(5):  # CHANGED: was 20
    for input, target in dataset:
        optimizer.zero_grad()
        output = model(input)
        loss = loss_fn(output, target)
        loss.backward()
        optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr(), loss.item())

optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler1 = ExponentialLR(optimizer, gamma=0.9)
scheduler2 = MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)  # CHANGED: [30, 80]

for epoch in range(5):
    for input, target in dataset:
        optimizer.zero_grad()
        output = model(input)
        loss = loss_fn(output, target)
        loss.backward()
        optimizer.step()
    scheduler1.step()
    scheduler2.step()
    print(epoch, optimizer.param_groups[0]['lr'])

# StepLR docstring: lr = 0.05 if epoch < 30, 0.005 if 30 <= epoch < 60, ...
optimizer = optim.SGD(model.parameters(), lr=0.05)
scheduler = StepLR(optimizer, step_size=2, gamma=0.1)  # CHANGED: step_size=30
for epoch in range(6):
    optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr())

print(optimizer.state_dict()['param_groups'][0]['lr'])
print(sorted(optimizer.state_dict()['param_groups'][0].keys()))
