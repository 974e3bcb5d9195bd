"""07_inplace: backward twice with retain_graph, in-place updates, saved tensors."""

import numpy as np

from .._diagnosis import Tolerance
from .._spec import Exercise, register
from ._common import a64, custom, fd_vjp, tensor_verdict

NB = "07_inplace"
X1 = a64(0.5, -1.5, 2.0)
W2, X2, LR = a64(1.0, -0.5), a64(2.0, 3.0), 0.1
X3, C3 = a64(0.3, -0.8, 1.1), a64(2.0, -1.0, 0.5)


def _step_grad():
    return fd_vjp(lambda w: np.sum((w * X2) ** 2), W2)


register(
    Exercise(
        id="inplace.retain_graph", notebook=NB, title="backward twice with retain_graph",
        expected=lambda: fd_vjp(lambda x: x**3 + 2 * x**3, X1),
        alternates=lambda: {"one_backward_only": [fd_vjp(lambda x: x**3, X1),
                                                  fd_vjp(lambda x: 2 * x**3, X1)]},
        diagnoses=("one_backward_only", "accumulated"),
        custom=dict([custom(
            "one_backward_only", "one backward only",
            "Your gradient holds only one of the two backward passes.",
            "Run both backward calls; the first needs retain_graph=True.")]),
        hints=("Concept: backward() frees the graph's saved tensors unless it is told to keep "
               "them.",
               "Method: the first backward through y1 must keep the graph for the second one: "
               "it takes retain_graph=True.",
               "Close to code: two backward calls on the same y1 (the task's two losses), "
               "then pass x1.grad."),
    ),
    Exercise(
        id="inplace.leaf_update", notebook=NB, title="Update a leaf in place",
        judge=lambda obs: tensor_verdict(
            obs, W2 - LR * _step_grad(), requires_grad=True, is_leaf=True, tolerance=Tolerance(),
            flag_mistakes={(True, False): "rebound_nonleaf", (False, True): "lost_requires_grad"},
            value_alternates={"wrong_sign": W2 + LR * _step_grad(), "no_update": W2,
                              "two_steps": W2 - 2 * LR * _step_grad()}),
        custom=dict([
            custom("rebound_nonleaf", "new tensor instead of an update",
                   "w = w - lr * w.grad made a new tensor computed from w: it is not a leaf any "
                   "more, so the next backward will not fill its .grad.",
                   "Change w in place (an operator like -=, or a method ending in _) inside a "
                   "torch.no_grad() block, so w stays the same leaf."),
            custom("lost_requires_grad", "requires_grad lost",
                   "Your w no longer requires grad: under no_grad, w = w - ... makes a new "
                   "tensor that does not track gradients.",
                   "Use an in-place update (-=), which keeps the same leaf and its flag."),
            custom("no_update", "no update",
                   "w has not changed.", "After backward(), subtract lr times the gradient "
                   "from w."),
            custom("two_steps", "two steps",
                   "w moved exactly two steps of lr * w.grad: the update ran twice (e.g. the "
                   "update cell was run again).",
                   "Run the update once per backward(); re-running the cell steps again."),
        ]),
        hints=("Concept: an update must change the leaf w itself, and must not be recorded "
               "in the graph.",
               "Method: update inside a `with torch.no_grad():` block, in place (an operator "
               "like -= changes the tensor itself).",
               "Close to code: inside the block, subtract lr times w's gradient from w in "
               "place; do not write w = ..., which makes a new tensor."),
    ),
    Exercise(
        id="inplace.saved_tensor", notebook=NB, title="Don't modify a saved tensor",
        expected=lambda: fd_vjp(lambda x: (np.exp(x) + 1) * C3, X3),
        alternates=lambda: {"missing_upstream": [np.exp(X3)],
                            "value_not_grad": [(np.exp(X3) + 1) * C3, np.exp(X3) + 1]},
        diagnoses=("value_not_grad", "missing_upstream", "accumulated"),
        hints=("Concept: exp() saves its output for backward; changing that output in place "
               "makes backward fail.",
               "Method: make the +1 step create a new tensor instead of changing ye in place.",
               "Close to code: replace the in-place += by an out-of-place addition, then run "
               "the loss and backward() as given."),
    ),
)
