"""The differentiable operations, one ``Function`` subclass each, grouped by family.

Read any of them: ``forward`` computes the result with NumPy, and right below it ``backward``
turns the gradient of the output into gradients of the inputs (the chain rule).
"""

import warnings

# PyTorch computes 1/0 = inf, 0/0 = nan and log(0) = -inf silently. NumPy would warn from inside
# our ops (and from compat/speed.py and compat/tensor_api.py, which call an op's ufunc directly
# when nothing is recorded); this filter (free at run time, unlike np.errstate per op) silences
# only those.
warnings.filterwarnings(
    "ignore",
    category=RuntimeWarning,
    module=r"autograd_tutor\.(ops\.|compat\.(speed|tensor_api)$)",
)
