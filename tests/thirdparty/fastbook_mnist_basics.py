# SOURCE: fastai/fastbook 04_mnist_basics.ipynb ("Deep Learning for Coders with fastai and
#   PyTorch", Howard & Gugger, chapter 4): "Calculating Gradients", "An End-to-End SGD Example"
#   (the roller-coaster speed), the MNIST loss function, and the simple_net built from scratch
# LICENCE: not restated here; see the LICENSE of fastai/fastbook
# CHANGED: fastai's star import replaced by `from torch import tensor`; the MNIST images
#   replaced by a small fixed stand-in (784-pixel rows, labels 3 vs 7); torch.randn noise and
#   init_params replaced by fixed values; show_preds/plots removed; results printed.
import torch
from torch import tensor


def f(x): return x**2


xt = tensor(3.).requires_grad_()
yt = f(xt)
print(yt)
yt.backward()
print(xt.grad)

xt = tensor([3., 4., 10.]).requires_grad_()
print(xt)


def f(x): return (x**2).sum()


yt = f(xt)
print(yt)
yt.backward()
print(xt.grad)

time = torch.arange(0, 20).float()
print(time)
speed = torch.sin(time * 1.3) * 3 + 0.75 * (time - 9.5)**2 + 1  # CHANGED: torch.randn(20)*3


def f(t, params):
    a, b, c = params
    return a * (t**2) + (b * t) + c


def mse(preds, targets): return ((preds - targets)**2).mean()


params = tensor([-0.7658, -0.7506, 1.3525]).requires_grad_()  # CHANGED: torch.randn(3).requires_grad_()
orig_params = params.clone()
preds = f(time, params)
loss = mse(preds, speed)
print(loss)
loss.backward()
print(params.grad)
print(params.grad * 1e-5)
lr = 1e-5
params.data -= lr * params.grad.data
params.grad = None
preds = f(time, params)
print(mse(preds, speed))


def apply_step(params, prn=True):
    preds = f(time, params)
    loss = mse(preds, speed)
    loss.backward()
    params.data -= lr * params.grad.data
    params.grad = None
    if prn: print(loss.item())
    return preds


for i in range(10): apply_step(params)

# The MNIST loss function (CHANGED: stand-in data for the 3s and 7s)
n = 64
pixels = torch.arange(784)
train_y = (torch.arange(n) % 2).unsqueeze(1)  # 1 for a "3", 0 for a "7"
train_x = (torch.sin(torch.arange(n * 784).float()).view(n, 784) + 1) / 8 \
    + (pixels % 2 == train_y) * 0.5
print(train_x.shape, train_y.shape)
dset = list(zip(train_x, train_y))
x, y = dset[0]
print(x.shape, y)


def init_params(size, std=1.0):  # CHANGED: was (torch.randn(size)*std).requires_grad_()
    size = (size,) if isinstance(size, int) else size
    count = 1
    for s in size:
        count *= s
    return (torch.cos(torch.arange(count).float() * 0.91).view(size) * std).requires_grad_()


weights = init_params((28 * 28, 1))
bias = init_params(1)
print((train_x[0] * weights.T).sum() + bias)


def linear1(xb): return xb @ weights + bias


preds = linear1(train_x)
print(preds[:4])
corrects = (preds > 0.0).float() == train_y
print(corrects[:4])
print(corrects.float().mean().item())

trgts = tensor([1, 0, 1])
prds = tensor([0.9, 0.4, 0.2])


def mnist_loss(predictions, targets):
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


print(torch.where(trgts == 1, 1 - prds, prds))
print(mnist_loss(prds, trgts))
print(mnist_loss(tensor([0.9, 0.4, 0.8]), trgts))


def sigmoid(x): return 1 / (1 + torch.exp(-x))


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def calc_grad(xb, yb, model):
    preds = model(xb)
    loss = mnist_loss(preds, yb)
    loss.backward()


batch = train_x[:4]
calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
weights.grad.zero_()
bias.grad.zero_()


def train_epoch(model, lr, params):
    for i in range(0, n, 16):  # CHANGED: for xb, yb in dl (a fastai DataLoader)
        xb, yb = train_x[i:i + 16], train_y[i:i + 16]
        calc_grad(xb, yb, model)
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()


def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds > 0.5) == yb
    return correct.float().mean()


print(batch_accuracy(linear1(batch), train_y[:4]))


def validate_epoch(model):
    accs = [batch_accuracy(model(train_x[i:i + 16]), train_y[i:i + 16]) for i in range(0, n, 16)]
    return round(torch.stack(accs).mean().item(), 4)


print(validate_epoch(linear1))
lr = 1.
params = weights, bias
train_epoch(linear1, lr, params)
print(validate_epoch(linear1))
for i in range(5):
    train_epoch(linear1, lr, params)
    print(validate_epoch(linear1), end=' ')
print()


def simple_net(xb):
    res = xb @ w1 + b1
    res = res.max(tensor(0.0))
    res = res @ w2 + b2
    return res


w1 = init_params((28 * 28, 30)) * 0.05
w1 = w1.detach().requires_grad_()
b1 = init_params(30)
w2 = init_params((30, 1))
b2 = init_params(1)
print(simple_net(train_x[:4]))
for i in range(3):
    train_epoch(simple_net, 0.1, (w1, b1, w2, b2))
    print(validate_epoch(simple_net), end=' ')
print()
