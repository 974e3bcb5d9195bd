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
        # accumulated: the notebook's autograd cell runs backward(); re-running it adds up.
        diagnoses=("unreduced_broadcast", "missing_upstream", "missing_factor", "accumulated"),
        factors=(0.25,),
        hints=("Concept: a tensor that was broadcast was used once per row, so its gradient "
               "sums the upstream gradient over the broadcast dimension.",
               "Method: dL/dy = C has shape (4, 2) and b has shape (2,): reduce C over the "
               "dimension that broadcasting added.",
               "Close to code: one reduction of C over dim 0; the result has b's shape (2,)."),
    ),
    Exercise(
        id="broadcasting.weight_grad", notebook=NB, title="The gradient of a weight matrix",
        expected=lambda: fd_vjp(lambda w: _loss(w, B), W),
        alternates=lambda: {"missing_upstream": [fd_vjp(lambda w: np.sum(X @ w + B), W)]},
        diagnoses=("transposed", "unreduced_broadcast", "missing_upstream", "missing_factor",
                   "accumulated"),
        factors=(0.25,),
        misconception_hints={"missing_factor": (
            "L is a sum over the 4 rows, not a mean: nothing is divided by 4.",)},
        hints=("Concept: a gradient has the shape of its tensor: dL/dW has W's shape (3, 2).",
               "Method: dL/dW combines X (4, 3) and the upstream gradient C (4, 2) by a "
               "matrix product that sums over the 4 samples.",
               "Close to code: transpose one of X and C so that the product has shape (3, 2). "
               "Which one?"),
    ),
    Exercise(
        id="broadcasting.mean_grad", notebook=NB, title="The gradient through a mean",
        expected=lambda: fd_vjp(lambda w: np.mean(X * w), WM),
        diagnoses=("unreduced_broadcast", "extra_factor", "missing_factor"),
        factors=(12.0, 1 / 12, 3.0, 1 / 3, 4.0, 0.25),
        misconception_hints={"extra_factor": (
            "mean() divides by the number of elements of X * w (all of them, not one row).",)},
        hints=("Concept: mean() divides by the number of elements, and a broadcast tensor's "
               "gradient sums over the rows it was broadcast to.",
               "Method: dL/dwm[j] = (the sum of column j of X) / (the number of elements of "
               "X * wm).",
               "Close to code: reduce X over its rows, then divide by X.numel()."),
    ),
)
