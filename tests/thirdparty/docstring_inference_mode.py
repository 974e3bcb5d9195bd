# SOURCE: pytorch/pytorch torch/autograd/grad_mode.py, the docstring of inference_mode (its
#   Example section), https://pytorch.org/docs/stable/generated/torch.autograd.grad_mode.inference_mode.html
# LICENCE: BSD-3-Clause (pytorch/pytorch)
# CHANGED: the ">>>" lines turned into print() calls; the documented RuntimeError of
#   y._version moved to the end, so that the script ends with it.
import torch

x = torch.ones(1, 2, 3, requires_grad=True)
with torch.inference_mode():
    y = x * x
print(y.requires_grad)


@torch.inference_mode()
def func(x):
    return x * x


out = func(x)
print(out.requires_grad)


@torch.inference_mode()
def doubler(x):
    return x * 2


out = doubler(x)
print(out.requires_grad)
print(y._version)  # RuntimeError: Inference tensors do not track version counter.
