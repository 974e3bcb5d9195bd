# SOURCE: pytorch/tutorials beginner_source/basics/quickstart_tutorial.py ("Quickstart", Learn the
#   Basics; the current version with the torch.accelerator device line)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: FashionMNIST (torchvision download) replaced by a small fixed TensorDataset of the same
#   shapes; the model's random initialisation replaced by fixed weights; 5 epochs cut to 2; the
#   loss printed every 4 batches instead of every 100; model.pth written to a temporary
#   directory instead of the working directory.
import os
import tempfile

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
    images = fixed(n, 1, 28, 28, phase=phase) * 0.5 + labels.view(-1, 1, 1, 1) / 10
    return TensorDataset(images, labels)


training_data = fake_fashion_mnist(512, 0.0)
test_data = fake_fashion_mnist(128, 1.0)

batch_size = 64

train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    break

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(model.parameters()):
        p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)
print(model)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:  # CHANGED: was batch % 100
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


epochs = 2  # CHANGED: was 5
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

tmp = tempfile.mkdtemp()  # CHANGED: was the working directory
torch.save(model.state_dict(), os.path.join(tmp, "model.pth"))
print("Saved PyTorch Model State to model.pth")

model = NeuralNetwork().to(device)
model.load_state_dict(torch.load(os.path.join(tmp, "model.pth"), weights_only=True))

classes = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]

model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')
