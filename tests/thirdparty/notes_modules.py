# SOURCE: pytorch/pytorch docs/source/notes/modules.rst ("Modules": A Simple Custom Module,
#   Modules as Building Blocks, Neural Network Training with Modules, Module State, Module
#   Initialization, Training and Evaluation mode), https://pytorch.org/docs/stable/notes/modules.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: torch.randn parameters/inputs replaced by fixed values; 10000 training iterations cut
#   to 200; results printed; the device/dtype/meta/hooks/FX sections left out.
import torch
from torch import nn
import torch.nn.functional as F


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(fixed(in_features, out_features))  # CHANGED: torch.randn
        self.bias = nn.Parameter(fixed(out_features, phase=1.0))  # CHANGED: torch.randn

    def forward(self, input):
        return (input @ self.weight) + self.bias


m = MyLinear(4, 3)
sample_input = fixed(4, phase=2.0)
print(m(sample_input))
for parameter in m.parameters():
    print(parameter)
for parameter in m.named_parameters():
    print(parameter)

net = nn.Sequential(
    MyLinear(4, 3),
    nn.ReLU(),
    MyLinear(3, 1)
)
sample_input = fixed(4, phase=3.0)
print(net(sample_input))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = MyLinear(4, 3)
        self.l1 = MyLinear(3, 1)

    def forward(self, x):
        x = self.l0(x)
        x = F.relu(x)
        x = self.l1(x)
        return x


net = Net()
for child in net.named_children():
    print(child)


class BigNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = MyLinear(5, 4)
        self.net = Net()

    def forward(self, x):
        return self.net(self.l1(x))


big_net = BigNet()
for module in big_net.named_modules():
    print(module)


class DynamicNet(nn.Module):
    def __init__(self, num_layers):
        super().__init__()
        self.linears = nn.ModuleList(
            [MyLinear(4, 4) for _ in range(num_layers)])
        self.activations = nn.ModuleDict({
            'relu': nn.ReLU(),
            'lrelu': nn.LeakyReLU()
        })
        self.final = MyLinear(4, 1)

    def forward(self, x, act):
        for linear in self.linears:
            x = linear(x)
            x = self.activations[act](x)
        x = self.final(x)
        return x


dynamic_net = DynamicNet(3)
sample_input = fixed(4, phase=4.0)
output = dynamic_net(sample_input, 'relu')
print(output)
for parameter in dynamic_net.named_parameters():
    print(parameter[0], parameter[1].shape)
print(dynamic_net)

# Create the network (from previous section) and optimizer
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)

# Run a sample training loop that "teaches" the network
# to output the constant zero function
for _ in range(200):  # CHANGED: was 10000
    input = fixed(4, phase=_)
    output = net(input)
    loss = torch.abs(output)
    net.zero_grad()
    loss.backward()
    optimizer.step()

print(list(net.parameters()))
net.eval()
print(net(fixed(4)))


class RunningMean(nn.Module):
    def __init__(self, num_features, momentum=0.9):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('mean', torch.zeros(num_features))

    def forward(self, x):
        self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
        return self.mean


m = RunningMean(4)
for _ in range(10):
    input = fixed(4, phase=_)
    m(input)
print(m)
print(m.state_dict())
print(list(m.named_buffers()))


class ModelWithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('saved', torch.ones(2), persistent=False)
        self.linear = nn.Linear(2, 1)


print(list(ModelWithBuffer().state_dict().keys()))


# Initialize a single layer
m = nn.Linear(5, 3)
nn.init.constant_(m.weight, 0.5)
nn.init.zeros_(m.bias)
print(m.weight, m.bias)


def my_init(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.25)  # CHANGED: was nn.init.xavier_normal_
        nn.init.zeros_(m.bias)


mlp = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 2))
mlp.apply(my_init)
print(mlp(fixed(2, 5)))


class ModalModule(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        if self.training:
            # Add a constant only in training mode.
            return x + 1.
        else:
            return x


m = ModalModule()
x = fixed(4)
print('training mode output: {}'.format(m(x)))
m.eval()
print('evaluation mode output: {}'.format(m(x)))
