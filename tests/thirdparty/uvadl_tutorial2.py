# SOURCE: phlippe/uvadlc_notebooks docs/tutorial_notebooks/tutorial2/Introduction_to_PyTorch.ipynb
#   (UvA Deep Learning course, Tutorial 2: Introduction to PyTorch, Phillip Lippe)
# LICENCE: MIT (phlippe/uvadlc_notebooks)
# CHANGED: torch.rand/randint/randn replaced by fixed values (the XOR dataset's points and
#   noise are deterministic); DataLoader(shuffle=True) made shuffle=False; tqdm, matplotlib,
#   the GPU timing and the state-dict file removed; 100 epochs cut to 20.
import torch
import torch.nn as nn
import torch.utils.data as data

print("Using torch", torch.__version__ is not None)
torch.manual_seed(42)  # Setting the seed

x = torch.tensor([[1, 2], [3, 4]])
print(x)
x = torch.tensor([[0.88, 0.91, 0.39], [0.96, 0.60, 0.26]])  # CHANGED: was torch.rand(2, 3)
print(x)
shape = x.shape
print("Shape:", x.shape)
size = x.size()
print("Size:", size)
dim1, dim2 = x.size()
print("Size:", dim1, dim2)

x1 = torch.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
x2 = torch.tensor([[0.7, 0.8, 0.9], [1.0, 1.1, 1.2]])
y = x1 + x2
print("X1", x1)
print("X2", x2)
print("Y", y)
x2.add_(x1)
print("X2 (after)", x2)

x = torch.arange(6)
print("X", x)
x = x.view(2, 3)
print("X", x)
x = x.permute(1, 0)  # Swapping dimension 0 and 1
print("X", x)
x = torch.arange(6)
x = x.view(2, 3)
print("X", x)
W = torch.arange(9).view(3, 3)  # We can also stack multiple operations in a single line
print("W", W)
h = torch.matmul(x, W)  # Verify the result by calculating it by hand too!
print("h", h)
x = torch.arange(12).view(3, 4)
print("X", x)
print(x[:, 1])   # Second column
print(x[0])      # First row
print(x[:2, -1])  # First two rows, last column
print(x[1:3, :])  # Middle two rows

x = torch.ones((3,))
print(x.requires_grad)
x.requires_grad_(True)
print(x.requires_grad)

x = torch.arange(3, dtype=torch.float32, requires_grad=True)  # Only float tensors can have gradients
print("X", x)
a = x + 2
b = a ** 2
c = b + 3
y = c.mean()
print("Y", y)
y.backward()
print(x.grad)

gpu_avail = torch.cuda.is_available()
print(f"Is the GPU available? {gpu_avail}")
device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
print("Device", device)


class SimpleClassifier(nn.Module):

    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        # Initialize the modules we need to build the network
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        # Perform the calculation of the model to determine the prediction
        x = self.linear1(x)
        x = self.act_fn(x)
        x = self.linear2(x)
        return x


model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
with torch.no_grad():  # CHANGED: fixed initial weights
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i).reshape(p.shape))
# Printing a module shows all its submodules
print(model)
for name, param in model.named_parameters():
    print(f"Parameter {name}, shape {param.shape}")


class XORDataset(data.Dataset):

    def __init__(self, size, std=0.1):
        super().__init__()
        self.size = size
        self.std = std
        self.generate_continuous_xor()

    def generate_continuous_xor(self):
        # CHANGED: was torch.randint(low=0, high=2, size=(self.size, 2)) and torch.randn noise
        data = (torch.arange(self.size * 2).view(self.size, 2) * 7 // 3 % 2).to(torch.float32)
        label = (data.sum(dim=1) == 1).to(torch.long)
        data += self.std * torch.sin(torch.arange(self.size * 2, dtype=torch.float32)).view(self.size, 2)
        self.data = data
        self.label = label

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        data_point = self.data[idx]
        data_label = self.label[idx]
        return data_point, data_label


dataset = XORDataset(size=200)
print("Size of dataset:", len(dataset))
print("Data point 0:", dataset[0])

data_loader = data.DataLoader(dataset, batch_size=8, shuffle=False)  # CHANGED: shuffle=True
data_inputs, data_labels = next(iter(data_loader))
print("Data inputs", data_inputs.shape, "\n", data_inputs)
print("Data labels", data_labels.shape, "\n", data_labels)

loss_module = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_dataset = XORDataset(size=1000)
train_data_loader = data.DataLoader(train_dataset, batch_size=128, shuffle=False)  # CHANGED
model.to(device)


def train_model(model, optimizer, data_loader, loss_module, num_epochs=100):
    # Set model to train mode
    model.train()

    # Training loop
    for epoch in range(num_epochs):
        for data_inputs, data_labels in data_loader:
            data_inputs = data_inputs.to(device)
            data_labels = data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)  # Output is [Batch size, 1], but we want [Batch size]
            loss = loss_module(preds, data_labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 5 == 4:  # CHANGED: a progress print instead of tqdm
            print(epoch, loss.item())


train_model(model, optimizer, train_data_loader, loss_module, num_epochs=20)  # CHANGED: 100
state_dict = model.state_dict()
print(state_dict)

test_dataset = XORDataset(size=500)
test_data_loader = data.DataLoader(test_dataset, batch_size=128, shuffle=False, drop_last=False)


def eval_model(model, data_loader):
    model.eval()  # Set model to eval mode
    true_preds, num_preds = 0.0, 0.0

    with torch.no_grad():  # Deactivate gradients for the following code
        for data_inputs, data_labels in data_loader:
            data_inputs, data_labels = data_inputs.to(device), data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)
            preds = torch.sigmoid(preds)  # Sigmoid to map predictions between 0 and 1
            pred_labels = (preds >= 0.5).long()  # Binarize predictions to 0 and 1

            # Keep records of predictions for the accuracy metric (true_preds=TP+TN, num_preds=TP+TN+FP+FN)
            true_preds += (pred_labels == data_labels).sum()
            num_preds += data_labels.shape[0]

    acc = true_preds / num_preds
    print(f"Accuracy of the model: {100.0*acc:4.2f}%")


eval_model(model, test_data_loader)
