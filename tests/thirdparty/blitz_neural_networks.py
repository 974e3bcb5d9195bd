# SOURCE: pytorch/tutorials beginner_source/blitz/neural_networks_tutorial.py (the "60 minute
#   blitz": Neural Networks, LeNet)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.randn inputs/targets and the layers' random initialisation replaced by fixed
#   values; the results that the tutorial shows are printed.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


net = Net()
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(net.parameters()):
        p.copy_(fixed(*p.shape, phase=i) * 0.1)
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight

input = fixed(1, 1, 32, 32)
out = net(input)
print(out)

net.zero_grad()
out.backward(fixed(1, 10, phase=2.0))

output = net(input)
target = fixed(10, phase=3.0)  # a dummy target, for example
target = target.view(1, -1)  # make it the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)

print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU

net.zero_grad()     # zeroes the gradient buffers of all parameters
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

import torch.optim as optim

optimizer = optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()   # zero the gradient buffers
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()    # Does the update
print(loss)
