# SOURCE: d2l-ai/d2l-en chapter_deep-learning-computation/parameters.md and model-construction.md,
#   the PyTorch tabs of the d2l 0.17 edition ("Parameter Management", "Layers and Blocks")
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: torch.rand(size=(2, 4)) / torch.rand(2, 20) inputs and the random initialisations
#   (nn.init.normal_, xavier_uniform_, uniform_) replaced by fixed values or by the constant
#   initialisations of the same chapter; results printed.
import torch
from torch import nn
from torch.nn import functional as F


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.rand
    n = 1
    for s in shape:
        n *= s
    return (torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape) + 1) / 2


def init_constant(m):
    if type(m) == nn.Linear:
        nn.init.constant_(m.weight, 1)
        nn.init.zeros_(m.bias)


def init_fixed(m):  # CHANGED: stand-in for init_normal / xavier / my_init
    if type(m) == nn.Linear:
        with torch.no_grad():
            m.weight.copy_(fixed(*m.weight.shape) - 0.5)
            m.bias.copy_(fixed(*m.bias.shape, phase=1.0) - 0.5)


net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
net.apply(init_fixed)
X = fixed(2, 4)
print(net(X))

print(net[2].state_dict())
print(type(net[2].bias))
print(net[2].bias)
print(net[2].bias.data)
print(net[2].weight.grad == None)
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])
print(net.state_dict()['2.bias'].data)


def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                         nn.Linear(8, 4), nn.ReLU())


def block2():
    net = nn.Sequential()
    for i in range(4):
        # Nested here
        net.add_module(f'block {i}', block1())
    return net


rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
rgnet.apply(init_fixed)
print(rgnet(X))
print(rgnet)
print(rgnet[0][1][0].bias.data)

net.apply(init_constant)
print(net[0].weight.data[0], net[0].bias.data[0])


def init_42(m):
    if type(m) == nn.Linear:
        nn.init.constant_(m.weight, 42)


net[0].apply(init_fixed)
net[2].apply(init_42)
print(net[0].weight.data[0])
print(net[2].weight.data)

net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])

# We need to give the shared layer a name so that we can refer to its
# parameters
shared = nn.Linear(8, 8)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                    shared, nn.ReLU(),
                    shared, nn.ReLU(),
                    nn.Linear(8, 1))
net.apply(init_fixed)
print(net(X))
# Check whether the parameters are the same
print(net[2].weight.data[0] == net[4].weight.data[0])
net[2].weight.data[0, 0] = 100
# Make sure that they are actually the same object rather than just having the
# same value
print(net[2].weight.data[0] == net[4].weight.data[0])


# Layers and Blocks
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)  # Hidden layer
        self.out = nn.Linear(256, 10)  # Output layer

    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


X = fixed(2, 20, phase=3.0)
net = MLP()
net.apply(init_fixed)
print(net(X))


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module

    def forward(self, X):
        for block in self._modules.values():
            X = block(X)
        return X


net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
net.apply(init_fixed)
print(net(X))
print(net)


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        # Random weight parameters that will not compute gradients and
        # therefore keep constant during training
        self.rand_weight = fixed(20, 20, phase=5.0)  # CHANGED: was torch.rand((20, 20))
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(torch.mm(X, self.rand_weight) + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


net = FixedHiddenMLP()
net.apply(init_fixed)
print(net(X))
