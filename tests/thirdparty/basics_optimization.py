# SOURCE: pytorch/tutorials beginner_source/basics/optimization_tutorial.py ("Optimizing Model
#   Parameters", Learn the Basics)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: FashionMNIST (torchvision download) replaced by a small fixed TensorDataset of the
#   same shapes (640 training and 128 test images of 28x28, 10 classes); the model's random
#   initialisation replaced by fixed weights; 10 epochs cut to 3; the loss printed every 2
#   batches instead of every 100.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for random data
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


def fake_fashion_mnist(n, phase):  # CHANGED: stand-in for datasets.FashionMNIST(...)
    labels = torch.arange(n) % 10
    images = fixed(n, 28, 28, phase=phase) * 0.5 + labels.view(-1, 1, 1) / 10
    return TensorDataset(images, labels)


training_data = fake_fashion_mnist(640, 0.0)
test_data = fake_fashion_mnist(128, 1.0)

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(model.parameters()):
        p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)

learning_rate = 1e-3
batch_size = 64
epochs = 3  # CHANGED: was 10

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)

        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 2 == 0:  # CHANGED: was batch % 100
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
