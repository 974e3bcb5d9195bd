# SOURCE: d2l-ai/d2l-en chapter_linear-networks/linear-regression-scratch.md, the PyTorch tab of
#   the d2l 0.17 edition ("Linear Regression Implementation from Scratch": synthetic_data,
#   data_iter, linreg, squared_loss, sgd), https://d2l.ai/chapter_linear-regression/linear-regression-scratch.html
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: torch.normal noise and initial weights replaced by fixed values; random.seed(0) added
#   for data_iter's random.shuffle (Python's own generator, the same in both runs); the d2l
#   plotting lines removed.
import random
import torch

random.seed(0)  # CHANGED


def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    # CHANGED: X = torch.normal(0, 1, (num_examples, len(w))) and the noise made deterministic
    X = torch.sin(torch.arange(num_examples * len(w), dtype=torch.float32) * 1.7).reshape(
        (num_examples, len(w))) * 1.5
    y = torch.matmul(X, w) + b
    y += torch.cos(torch.arange(num_examples, dtype=torch.float32) * 2.3) * 0.01
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print('features:', features[0], '\nlabel:', labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # The examples are read at random, in no particular order
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(
            indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10

for X, y in data_iter(batch_size, features, labels):
    print(X, '\n', y)
    break

w = torch.tensor([[0.005], [-0.012]], requires_grad=True)  # CHANGED: torch.normal(0, 0.01, size=(2,1), ...)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    """The linear regression model."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss

for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)  # Minibatch loss in `X` and `y`
        # Compute gradient on `l` with respect to [`w`, `b`]
        l.sum().backward()
        sgd([w, b], lr, batch_size)  # Update parameters using their gradient
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')

print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
print(f'error in estimating b: {true_b - b}')
