"""08_training: the chapter's linear regression, by hand and then with optim.SGD.

Training functions are run on a problem of our own (not the notebook's), and the expected
result is computed by the same loop written in NumPy, float64.
"""

import numpy as np

from .._observe import student_call
from .._spec import Exercise, register
from ._common import a64, custom, engine, fd_vjp

NB = "08_training"
# Start at b = 0.5, not 0: from w = 1, b = 0 on y = 2x, starting at w = 0 doubles every
# gradient exactly, like a second backward() would. Here other starts are no multiple.
X_SEED, Y_SEED, W0, B0 = a64(1.0, 2.0, 3.0), a64(2.0, 4.0, 6.0), 1.0, 0.5
STARTS = ((0.0, 0.0), (1.0, 0.0), (0.0, 0.5))  # where a student may start by mistake
X_FIT, Y_FIT = a64(0.5, 1.0, 1.5, 2.0, 2.5), a64(0.1, 0.8, 1.6, 2.2, 3.1)
# Learning rates nobody types (0.05 is the notebook's; 5 * 0.02 = 0.1 made "sum instead
# of mean" and a hard-coded lr=0.1 the same run).
EPOCHS, LR, LR_SGD, MOMENTUM = 20, 0.03, 0.017, 0.9


def _seed_grads(w0=W0, b0=B0):
    def loss(p):
        return np.mean((p[0] * X_SEED + p[1] - Y_SEED) ** 2)
    g = fd_vjp(loss, a64(w0, b0))
    return {"w.grad": g[:1], "b.grad": g[1:]}


def _other_starts():
    grads = [_seed_grads(w0, b0) for w0, b0 in STARTS]
    return {part: [g[part] for g in grads] for part in ("w.grad", "b.grad")}


def _fit(lr, *, momentum=0.0, zero=True, sign=-1.0, reduce=np.mean, step=True):
    """The training loop of the chapter, in NumPy (w=1, b=0 at the start)."""
    w, b, gw, gb, bw, bb = 1.0, 0.0, 0.0, 0.0, None, None
    for _ in range(EPOCHS):
        r = w * X_FIT + b - Y_FIT
        dw, db = reduce(2 * r * X_FIT), reduce(2 * r)
        gw, gb = (dw, db) if zero else (gw + dw, gb + db)
        bw = gw if bw is None or not momentum else momentum * bw + gw
        bb = gb if bb is None or not momentum else momentum * bb + gb
        if step:
            w, b = w + sign * lr * bw, b + sign * lr * bb
    return {"w": a64(w), "b": a64(b)}


def _probe_fit(lr):
    def probe(fn):
        torch = engine()
        with torch.enable_grad():
            return student_call(fn, torch.tensor(X_FIT.tolist()),
                                torch.tensor(Y_FIT.tolist()), EPOCHS, lr)
    return probe


def _fit_alternates(lr, momentum):
    return {"accumulated": _fit(lr, momentum=momentum, zero=False),
            "wrong_sign": _fit(lr, momentum=momentum, sign=1.0),
            "sum_not_mean": _fit(lr, momentum=momentum, reduce=np.sum),
            "no_momentum": _fit(lr) if momentum else {},
            "no_update": _fit(lr, step=False)}


_FIT_CUSTOM = dict([
    custom("accumulated", "gradients never zeroed",
           "Your w and b follow a loop that never resets its gradients: every step used the "
           "sum of all the gradients so far.",
           "Reset the gradients in every epoch, before backward()."),
    custom("wrong_sign", "climbing the loss",
           "Your loop moves w and b along the gradient, so the loss goes up.",
           "Gradient descent moves against the gradient: check the sign of your update."),
    custom("sum_not_mean", "sum instead of mean",
           "Your loop behaves as if the loss were a sum, not a mean.",
           "The task's loss is a mean over the samples: which reduction does your loss use?"),
    custom("no_update", "no update",
           "w and b never changed from their starting values.",
           "After backward(), update the parameters (by hand under no_grad, or optimizer.step())."),
    custom("no_momentum", "no momentum built up",
           "Your loop behaves like plain gradient descent: no momentum builds up. Likely "
           "causes: the optimizer was created without momentum=0.9; or it is created anew "
           "inside the loop, which throws its momentum away every epoch.",
           "Create the optimizer once, before the loop, with the momentum the task gives."),
])
_FIT_KEYS = ("no_update", "accumulated", "wrong_sign", "sum_not_mean", "no_momentum")
# With optim.SGD the sign of the step is the optimizer's: no beginner flips it.
_SGD_KEYS = tuple(k for k in _FIT_KEYS if k != "wrong_sign")

register(
    Exercise(
        id="training.gradients", notebook=NB, title="The chapter's gradients at w=1, b=0.5",
        expected=_seed_grads, parts=("w.grad", "b.grad"), answer_kind="(w.grad, b.grad)",
        alternates=lambda: {"swapped": {"w.grad": _seed_grads()["b.grad"],
                                        "b.grad": _seed_grads()["w.grad"]},
                            "wrong_point": _other_starts()},
        # 3x is read as sum-instead-of-mean (N = 3); 2x as a cell run twice.
        diagnoses=("swapped", "wrong_sign", "extra_factor", "accumulated", "missing_factor",
                   "wrong_point"),
        factors=(3.0, 1 / 3, 0.5),
        # Three times the gradient is a sum over the N = 3 samples or the cell run three
        # times; the chapter's data fixes N, so the feedback lists both causes.
        known_collisions=(("accumulated", "extra_factor"),),
        custom=dict([custom("swapped", "swapped", "You gave (b.grad, w.grad) instead of "
                            "(w.grad, b.grad).", "Answer (w.grad, b.grad) in this order.")]),
        misconception_hints={
            "extra_factor": ("The task's loss is a mean over the 3 samples, not a sum.",),
            "wrong_point": ("Start from the values the task gives: w = 1, b = 0.5.",)},
        hints=("Concept: loss.backward() fills w.grad and b.grad with dloss/dw and dloss/db "
               "at the current w and b.",
               "Method: create w and b as the task says, compute y_pred and the mean squared "
               "error, and call backward() once.",
               "Close to code: pass the pair (w.grad, b.grad), in that order."),
    ),
    Exercise(
        id="training.loop_by_hand", notebook=NB, title="The training loop by hand",
        expected=lambda: _fit(LR), probe=_probe_fit(LR), parts=("w", "b"),
        answer_kind="a function train(x, y_true, epochs, lr) returning (w, b)",
        answer_is_grad=False,
        alternates=lambda: _fit_alternates(LR, 0.0), diagnoses=_FIT_KEYS[:-1],  # no momentum
        custom=_FIT_CUSTOM,
        hints=("Concept: one epoch is forward pass, loss, backward(), update, reset the "
               "gradients.",
               "Method: update w and b under torch.no_grad() (not recorded) and in place (they "
               "stay leaves), then zero their .grad.",
               "Close to code: a for loop over range(epochs) with those steps in that order, "
               "using the lr argument; return both parameters after the loop."),
    ),
    Exercise(
        id="training.with_optimizer", notebook=NB, title="The same loop with optim.SGD",
        expected=lambda: _fit(LR_SGD, momentum=MOMENTUM), probe=_probe_fit(LR_SGD),
        parts=("w", "b"),
        answer_kind="a function train_sgd(x, y_true, epochs, lr) returning (w, b)",
        answer_is_grad=False,
        alternates=lambda: _fit_alternates(LR_SGD, MOMENTUM),
        diagnoses=_SGD_KEYS,
        custom={**{k: v for k, v in _FIT_CUSTOM.items() if k in _SGD_KEYS}, **dict([custom(
            "accumulated", "gradients never zeroed",
            "Your w and b follow a loop that never resets its gradients.",
            "Call optimizer.zero_grad() in every epoch, before backward().")])},
        hints=("Concept: torch.optim.SGD does the update for you; momentum keeps a running "
               "direction from one step to the next.",
               "Method: create the optimizer once, before the loop, with [w, b], the lr "
               "argument and momentum=0.9.",
               "Close to code: in the loop, zero_grad() before backward() and step() after "
               "it, as in the task's three lines."),
    ),
)
