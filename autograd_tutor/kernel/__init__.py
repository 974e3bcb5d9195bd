"""The kernel: what a student reads to see how autograd works, in this order.

- ``tensor.py``: ``Tensor``'s autograd state (data, requires_grad, grad_fn, grad, version, hooks);
- ``function.py``: ``Function`` (forward and backward of one op), its graph ``Node`` (the
  ``ctx``), and ``AccumulateGrad`` (the node of a leaf);
- ``engine.py``: ``run_backward``, the loop that applies the chain rule;
- ``grad_mode.py``: the switch ``apply`` reads (is the graph being recorded?).

Nothing here imports anything above it (ops, the PyTorch-compatibility layer, nn, viz); what
PyTorch adds around it (argument checks and error texts, ``no_grad``, anomaly mode, the
contract of a Function you write) is in ``compat/`` and ``autograd/``.
"""
