"""The differentiable operations, one ``Function`` subclass each, grouped by family.

Read any of them: ``forward`` computes the result with NumPy, and right below it ``backward``
turns the gradient of the output into gradients of the inputs (the chain rule).
"""
