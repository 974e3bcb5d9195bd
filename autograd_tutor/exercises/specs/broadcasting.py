"""04_broadcasting: gradients of broadcast tensors have the tensor's shape (derived by hand)."""

import numpy as np

from .._spec import Exercise, register
from ._common import fd_vjp

NB = "04_broadcasting"
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.1, -0.3, 1.2]])
W = np.array([[0.2, -0.4], [1.1, 0.3], [-0.7, 0.9]])
B = np.array([0.05, -0.1])
C = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25], [2.0, -0.75]])  # the upstream gradient
WM = np.array([0.4, -1.2, 0.9])


def _loss(w, b):
    return np.sum((X @ w + b) * C)


register(
    Exercise(
        id="broadcasting.bias_grad", notebook=NB, title="The gradient of a broadcast bias",
        expected=lambda: fd_vjp(lambda b: _loss(W, b), B),
        alternates=lambda: {"missing_upstream": [fd_vjp(lambda b: np.sum(X @ W + b), B)]},
        diagnoses=("unreduced_broadcast", "wrong_sign", "missing_upstream", "extra_factor",
                   "missing_factor", "transposed"),
        factors=(4.0, 0.25),
        hints=("b was added to each of the 4 rows: its gradient collects all 4 contributions.",),
    ),
    Exercise(
        id="broadcasting.weight_grad", notebook=NB, title="The gradient of a weight matrix",
        expected=lambda: fd_vjp(lambda w: _loss(w, B), W),
        alternates=lambda: {"missing_upstream": [fd_vjp(lambda w: np.sum(X @ w + B), W)]},
        diagnoses=("transposed", "unreduced_broadcast", "wrong_sign", "missing_upstream",
                   "extra_factor", "missing_factor"),
        hints=("dL/dW must have W's shape (3, 2). Which product of X and C has that shape?",),
    ),
    Exercise(
        id="broadcasting.mean_grad", notebook=NB, title="The gradient through a mean",
        expected=lambda: fd_vjp(lambda w: np.mean(X * w), WM),
        diagnoses=("unreduced_broadcast", "wrong_sign", "extra_factor", "missing_factor"),
        factors=(12.0, 1 / 12, 3.0, 1 / 3, 4.0, 0.25),
        misconception_hints={"extra_factor": (
            "mean() divides by the number of elements of X * w (all of them, not one row).",)},
        hints=("w is broadcast over the 4 rows, and mean() divides by all 12 elements.",),
    ),
)
