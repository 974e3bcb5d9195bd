# SOURCE: pytorch/tutorials beginner_source/basics/buildmodel_tutorial.py ("Build the Neural
#   Network", Learn the Basics; the 2021-2024 version with the torch.cuda device line)
# LICENCE: BSD-3-Clause (pytorch/tutorials)
# CHANGED: torch.rand inputs and the layers' random initialisation replaced by fixed values
#   (a helper re-initialises each model after it is built).
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
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
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def fixed(*shape, phase=0.0):  # CHANGED: deterministic stand-in for torch.rand/randn
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape)


def fix_weights(model):  # CHANGED: deterministic stand-in for the random initialisation
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(fixed(*p.shape, phase=i) / p.shape[-1] ** 0.5)


model = NeuralNetwork().to(device)
fix_weights(model)
print(model)

X = (fixed(1, 28, 28) + 1) / 2  # CHANGED: was torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")

input_image = (fixed(3, 28, 28, phase=0.7) + 1) / 2
print(input_image.size())

flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())

layer1 = nn.Linear(in_features=28*28, out_features=20)
fix_weights(layer1)
hidden1 = layer1(flat_image)
print(hidden1.size())

print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")

seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
fix_weights(seq_modules)
input_image = (fixed(3, 28, 28, phase=1.1) + 1) / 2
logits = seq_modules(input_image)

softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(pred_probab)

print(f"Model structure: {model}\n\n")

for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
