"""The kernel: what a student reads to see how autograd works, in this order.

- ``tensor.py``: ``Tensor``'s autograd state (data, requires_grad, grad_fn, grad, version, hooks);
- ``function.py``: ``Function`` (forward and backward of one op), its graph ``Node`` (the
  ``ctx``), and ``AccumulateGrad`` (the node of a leaf);
- ``engine.py``: ``backward()`` and ``grad()``, the loop that applies the chain rule;
- ``grad_mode.py`` and ``anomaly_mode.py``: the two switches the loop and ``apply`` read.

Nothing here imports anything above it (ops, the PyTorch-compatibility layer, nn, viz).
"""
