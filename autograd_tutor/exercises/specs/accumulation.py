"""06_accumulation: backward() adds into .grad; zero it, or use accumulation on purpose."""

import numpy as np

from .._spec import Exercise, register
from ._common import a64, custom, fd_vjp

NB = "06_accumulation"
W2, X2 = a64(0.5, -1.0, 2.0), a64(1.5, 0.5, -1.0)
W3, X3, T3 = a64(0.3, -0.6), a64(1.5, -2.0), a64(0.5, 1.0)
W4, X4, Y4 = a64(0.7), a64(0.5, 1.0, 1.5, 2.0), a64(1.0, 1.5, 3.5, 3.0)


def _loop_grad():
    return fd_vjp(lambda w: np.sum((w * X3 - T3) ** 2), W3)


def _half_grad(half):
    x, y = X4[2 * half:2 * half + 2], Y4[2 * half:2 * half + 2]
    return fd_vjp(lambda w: np.mean((w * x - y) ** 2) / 2, W4)


register(
    Exercise(
        id="accumulation.two_losses", notebook=NB, title="Two backward calls add up",
        expected=lambda: fd_vjp(lambda w: np.sum(w * X2) + np.sum(w**2), W2),
        alternates=lambda: {"overwrites": [fd_vjp(lambda w: w**2, W2), X2]},
        diagnoses=("overwrites", "accumulated"),
        custom=dict([custom(
            "overwrites", "grad overwritten",
            "Your answer holds the gradient of only one of the two losses. backward() does not "
            "overwrite .grad: it adds to it.",
            "Call both backward()s and do not reset w.grad in between.")]),
        hints=("Concept: backward() adds into .grad; it does not overwrite it.",
               "Method: call backward() on L1, then on L2, with nothing in between that "
               "resets w2.grad.",
               "Close to code: after the two calls w2.grad holds dL1/dw2 + dL2/dw2; pass "
               "w2.grad."),
    ),
    Exercise(
        id="accumulation.zero_in_loop", notebook=NB, title="Zeroing inside a loop",
        expected=lambda: np.stack([_loop_grad()] * 3),
        alternates=lambda: {"accumulated": [np.stack([_loop_grad() * k for k in (1, 2, 3)])],
                            "all_zero": [np.zeros((3, 2))]},
        diagnoses=("accumulated", "all_zero"), answer_kind="a list of 3 gradients",
        custom=dict([custom(
            "accumulated", "accumulated gradients",
            "The stored gradients grow from one iteration to the next: .grad accumulated over "
            "the loop's backward calls.",
            "Zero w.grad at the start of every iteration (w.grad = None or w.grad.zero_()).",
        ), custom(
            "all_zero", "stored zeros",
            "All the gradients you stored are zero. Likely causes: you stored w3.grad itself "
            "(a reference), and a later zero_() wiped it in place; or you zeroed w3.grad "
            "after backward() and before storing it.",
            "Store a copy (.clone()) of the gradient, right after backward() and before any "
            "zeroing.")]),
        hints=("Concept: each backward() adds to .grad, so a loop must reset it every "
               "iteration to get that iteration's gradient alone.",
               "Method: reset w3.grad at the start of each iteration (set it to None, or "
               "zero it in place), then compute the loss and call backward().",
               "Close to code: append a copy of w3.grad (.clone()), not w3.grad itself: a "
               "later in-place zero_() would change what you stored."),
    ),
    Exercise(
        id="accumulation.micro_batches", notebook=NB, title="Accumulate over micro-batches",
        expected=lambda: fd_vjp(lambda w: np.mean((w * X4 - Y4) ** 2), W4),
        alternates=lambda: {"zeroed_between": [_half_grad(1)]},
        diagnoses=("zeroed_between", "extra_factor", "missing_factor", "accumulated"),
        # Twice the gradient is the loss not divided by the 2 micro-batches, a sum over each
        # micro-batch of 2, or the cell run twice: any number of micro-batches (or of samples
        # in one) is also a plausible count of re-runs, so the feedback lists the causes.
        known_collisions=(("accumulated", "extra_factor"),),
        custom=dict([custom(
            "zeroed_between", "zeroed between micro-batches",
            "Your gradient holds only the last micro-batch: the first one was zeroed away.",
            "Zero once before the loop; inside it, only backward() for each micro-batch.")]),
        misconception_hints={"extra_factor": (
            "Each micro-batch loss must be divided by the number of micro-batches.",)},
        hints=("Concept: the gradients of several backward() calls add up, so accumulation "
               "can be used on purpose.",
               "Method: the full mean equals the average of the two half means, so each "
               "half's loss is divided by the number of micro-batches before backward().",
               "Close to code: a loop over the 2 halves with one backward() each, and no "
               "zeroing inside the loop."),
    ),
)
