# SOURCE: d2l-ai/d2l-en chapter_linear-networks/softmax-regression-scratch.md, the PyTorch tab of
#   the d2l 0.17 edition (softmax, net, cross_entropy, accuracy, Accumulator, evaluate_accuracy,
#   train_epoch_ch3, updater with d2l.sgd)
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: Fashion-MNIST (d2l.load_data_fashion_mnist) replaced by a small fixed TensorDataset of
#   28x28 images; torch.normal(0, 0.01, ...) weights and torch.normal(0, 1, (2, 5)) replaced by
#   fixed values; the Animator plot replaced by a print per epoch; d2l.sgd inlined.
import torch
from torch.utils import data


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.normal
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


def load_data(batch_size):  # CHANGED: stand-in for d2l.load_data_fashion_mnist
    def part(n, phase):
        labels = torch.arange(n) % 10
        pixels = (torch.arange(784) % 10).reshape(1, 1, 28, 28)
        images = (fixed(n, 1, 28, 28, phase=phase) + 1) / 8 + (pixels == labels.view(-1, 1, 1, 1)) * 0.5
        return data.TensorDataset(images, labels)
    return (data.DataLoader(part(600, 0.0), batch_size), data.DataLoader(part(200, 1.0), batch_size))


batch_size = 256
train_iter, test_iter = load_data(batch_size)

num_inputs = 784
num_outputs = 10

W = (fixed(num_inputs, num_outputs) * 0.01).requires_grad_()  # CHANGED: torch.normal(0, 0.01, ...)
b = torch.zeros(num_outputs, requires_grad=True)

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


X = fixed(2, 5)  # CHANGED: was torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))


class Accumulator:
    """For accumulating sums over `n` variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    """Compute the accuracy for a model on a dataset."""
    if isinstance(net, torch.nn.Module):
        net.eval()  # Set the model to evaluation mode
    metric = Accumulator(2)  # No. of correct predictions, no. of predictions
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


print(evaluate_accuracy(net, test_iter))


def train_epoch_ch3(net, train_iter, loss, updater):
    """The training loop defined in Chapter 3."""
    # Set the model to training mode
    if isinstance(net, torch.nn.Module):
        net.train()
    # Sum of training loss, sum of training accuracy, no. of examples
    metric = Accumulator(3)
    for X, y in train_iter:
        # Compute gradients and update parameters
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            # Using PyTorch in-built optimizer & loss criterion
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            # Using custom built optimizer & loss criterion
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    # Return training loss and training accuracy
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """Train a model (defined in Chapter 3)."""
    for epoch in range(num_epochs):
        train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        print(epoch + 1, train_metrics, test_acc)  # CHANGED: was animator.add(...)
    train_loss, train_acc = train_metrics
    assert train_loss < 0.5, train_loss
    assert train_acc <= 1 and train_acc > 0.7, train_acc
    assert test_acc <= 1 and test_acc > 0.7, test_acc


lr = 0.1


def sgd(params, lr, batch_size):  # CHANGED: d2l.sgd inlined
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def updater(batch_size):
    return sgd([W, b], lr, batch_size)


num_epochs = 10
train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)


def predict_ch3(net, test_iter, n=6):
    """Predict labels (defined in Chapter 3)."""
    for X, y in test_iter:
        break
    trues = y  # CHANGED: d2l.get_fashion_mnist_labels(y) and the images shown
    preds = net(X).argmax(axis=1)
    print(trues[0:n], preds[0:n])


predict_ch3(net, test_iter)
