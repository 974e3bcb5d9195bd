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
        diagnoses=("overwrites", "wrong_sign", "extra_factor", "missing_factor"),
        custom=dict([custom(
            "overwrites", "grad overwritten",
            "Your answer holds the gradient of only one of the two losses. backward() does not "
            "overwrite .grad: it adds to it.",
            "Call both backward()s and do not reset w.grad in between.")]),
        hints=("After two backward calls, w.grad = dL1/dw + dL2/dw.",),
    ),
    Exercise(
        id="accumulation.zero_in_loop", notebook=NB, title="Zeroing inside a loop",
        expected=lambda: np.stack([_loop_grad()] * 3),
        alternates=lambda: {"accumulated": [np.stack([_loop_grad() * k for k in (1, 2, 3)])],
                            "no_clone": [np.zeros((3, 2))]},
        diagnoses=("accumulated", "no_clone", "wrong_sign"), answer_kind="a list of 3 gradients",
        custom=dict([custom(
            "accumulated", "accumulated gradients",
            "The stored gradients grow from one iteration to the next: .grad accumulated over "
            "the loop's backward calls.",
            "Zero w.grad at the start of every iteration (w.grad = None or w.grad.zero_()).",
        ), custom(
            "no_clone", "stored a reference",
            "All the gradients you stored are zero: you stored w.grad itself, and zero_() "
            "then wiped it in place.",
            "Store a copy: grads.append(w.grad.clone()).")]),
        hints=("Each iteration: zero the gradient, compute the loss, backward, store a copy.",),
    ),
    Exercise(
        id="accumulation.micro_batches", notebook=NB, title="Accumulate over micro-batches",
        expected=lambda: fd_vjp(lambda w: np.mean((w * X4 - Y4) ** 2), W4),
        alternates=lambda: {"zeroed_between": [_half_grad(1)]},
        diagnoses=("wrong_sign", "zeroed_between", "extra_factor", "missing_factor"),
        custom=dict([custom(
            "zeroed_between", "zeroed between micro-batches",
            "Your gradient holds only the last micro-batch: the first one was zeroed away.",
            "Zero once before the loop; inside it, only backward() for each micro-batch.")]),
        misconception_hints={"extra_factor": (
            "Each micro-batch loss must be divided by the number of micro-batches.",)},
        hints=("The full-batch mean equals the average of the two half-batch means.",),
    ),
)
