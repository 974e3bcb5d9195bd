# SOURCE: d2l-ai/d2l-en chapter_multilayer-perceptrons/mlp-scratch.md, mlp-concise.md and
#   weight-decay.md, the PyTorch tabs of the d2l 0.17 edition (relu via torch.max, nn.Parameter
#   weights, CrossEntropyLoss(reduction='none'), l2_penalty, per-parameter weight_decay groups)
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: Fashion-MNIST replaced by a small fixed TensorDataset; torch.randn / normal_
#   initialisations replaced by fixed values; d2l.synthetic_data for weight decay made
#   deterministic; the Animator plots replaced by prints; epochs cut.
import torch
from torch import nn
from torch.utils import data


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.randn / normal
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


def load_data(batch_size):  # CHANGED: stand-in for d2l.load_data_fashion_mnist
    labels = torch.arange(512) % 10
    pixels = (torch.arange(784) % 10).reshape(1, 1, 28, 28)
    images = (fixed(512, 1, 28, 28) + 1) / 8 + (pixels == labels.view(-1, 1, 1, 1)) * 0.5
    return data.DataLoader(data.TensorDataset(images, labels), batch_size)


batch_size = 128
train_iter = load_data(batch_size)

# MLP from scratch
num_inputs, num_outputs, num_hiddens = 784, 10, 256

W1 = nn.Parameter(fixed(num_inputs, num_hiddens) * 0.01)  # CHANGED: torch.randn(...) * 0.01
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(fixed(num_hiddens, num_outputs, phase=1.0) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))

params = [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X@W1 + b1)  # Here '@' stands for matrix multiplication
    return (H@W2 + b2)


loss = nn.CrossEntropyLoss(reduction='none')
num_epochs, lr = 2, 0.1
updater = torch.optim.SGD(params, lr=lr)
for epoch in range(num_epochs):  # CHANGED: d2l.train_ch3's loop, inlined
    total, correct, n = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        updater.zero_grad()
        l.mean().backward()
        updater.step()
        total += float(l.sum())
        correct += float((y_hat.argmax(axis=1).type(y.dtype) == y).type(y.dtype).sum())
        n += y.numel()
    print(epoch + 1, total / n, correct / n)

# MLP concise
net = nn.Sequential(nn.Flatten(),
                    nn.Linear(784, 256),
                    nn.ReLU(),
                    nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        with torch.no_grad():  # CHANGED: was nn.init.normal_(m.weight, std=0.01)
            m.weight.copy_(fixed(*m.weight.shape) * 0.01)


net.apply(init_weights)
with torch.no_grad():
    for layer in (net[1], net[3]):
        layer.bias.zero_()  # CHANGED: the default biases are random
trainer = torch.optim.SGD(net.parameters(), lr=lr)
for epoch in range(num_epochs):
    for X, y in train_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
    print(epoch + 1, float(l.mean()))

# Weight decay
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05


def synthetic_data(w, b, num_examples, phase):  # CHANGED: d2l.synthetic_data, deterministic
    X = fixed(num_examples, len(w), phase=phase)
    y = torch.matmul(X, w) + b
    y += torch.cos(torch.arange(num_examples, dtype=torch.float32).reshape(y.shape)) * 0.01
    return X, y.reshape((-1, 1))


train_data = synthetic_data(true_w, true_b, n_train, 0.0)
train_iter = data.DataLoader(data.TensorDataset(*train_data), batch_size)
test_data = synthetic_data(true_w, true_b, n_test, 3.0)


def init_params():
    w = (fixed(num_inputs, 1, phase=2.0)).requires_grad_()  # CHANGED: torch.normal(0, 1, ...)
    b = torch.zeros(1, requires_grad=True)
    return [w, b]


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def train(lambd):
    w, b = init_params()
    net, loss = lambda X: linreg(X, w, b), squared_loss
    num_epochs, lr = 100, 0.003
    for epoch in range(num_epochs):
        for X, y in train_iter:
            # The L2 norm penalty term has been added, and broadcasting
            # makes `l2_penalty(w)` a vector whose length is `batch_size`
            l = loss(net(X), y) + lambd * l2_penalty(w)
            l.sum().backward()
            with torch.no_grad():
                for param in (w, b):
                    param -= lr * param.grad / batch_size
                    param.grad.zero_()
        if (epoch + 1) % 20 == 0:
            print(epoch + 1, float(loss(net(test_data[0]), test_data[1]).mean()))
    print('L2 norm of w:', torch.norm(w).item())


train(lambd=0)
train(lambd=3)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    with torch.no_grad():  # CHANGED: was param.data.normal_() for each parameter
        net[0].weight.copy_(fixed(1, num_inputs, phase=2.0))
        net[0].bias.fill_(0.5)
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 100, 0.003
    # The bias parameter has not decayed
    trainer = torch.optim.SGD([
        {"params": net[0].weight, 'weight_decay': wd},
        {"params": net[0].bias}], lr=lr)
    for epoch in range(num_epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
        if (epoch + 1) % 20 == 0:
            print(epoch + 1, float(loss(net(test_data[0]), test_data[1]).mean()))
    print('L2 norm of w:', net[0].weight.norm().item())


train_concise(0)
train_concise(3)
