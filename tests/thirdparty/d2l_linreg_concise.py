# SOURCE: d2l-ai/d2l-en chapter_linear-networks/linear-regression-concise.md, the PyTorch tab of
#   the d2l 0.17 edition ("Concise Implementation of Linear Regression": load_array with
#   data.TensorDataset/DataLoader, nn.Sequential(nn.Linear(2, 1)), nn.MSELoss, optim.SGD)
# LICENCE: CC BY-SA 4.0 (text) / MIT-0 (code), d2l-ai/d2l-en
# CHANGED: d2l.synthetic_data inlined with deterministic values; net[0].weight.data.normal_(0,
#   0.01) replaced by a fixed value; DataLoader(shuffle=is_train) made shuffle=False (the two
#   libraries' shuffles differ).
import torch
from torch.utils import data
from torch import nn


def synthetic_data(w, b, num_examples):  # CHANGED: d2l.synthetic_data, deterministic
    X = torch.sin(torch.arange(num_examples * len(w), dtype=torch.float32) * 1.7).reshape(
        (num_examples, len(w))) * 1.5
    y = torch.matmul(X, w) + b
    y += torch.cos(torch.arange(num_examples, dtype=torch.float32) * 2.3) * 0.01
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)


def load_array(data_arrays, batch_size, is_train=True):
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=False)  # CHANGED: shuffle=is_train


batch_size = 10
data_iter = load_array((features, labels), batch_size)
print(next(iter(data_iter)))

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.fill_(0.004)  # CHANGED: was net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')

w = net[0].weight.data
print('error in estimating w:', true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print('error in estimating b:', true_b - b)
