"""05_no_grad: no_grad, detach, set_grad_enabled, and why a gradient can be None."""

import numpy as np

from .._check import decode_array, kind_of
from .._diagnosis import Tolerance
from .._observe import student_call
from .._spec import Exercise, Verdict, register
from ._common import a64, custom, engine, fd_vjp, items, tensor_verdict

NB = "05_no_grad"
W_INF, X_INF = a64(0.8, -1.2), np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
W_DET, X_DET = a64(0.5, -1.5, 2.0), a64(1.2, 0.7, -0.9)
W_MODE, X_MODE = a64(0.5, -2.0), a64(3.0, 0.25)
W_FIX, X_FIX = a64(1.0, -2.0) * 0.1, a64(3.0, 1.5)
_TRACKED = custom("tracked_inference", "tracked inference",
                  "The prediction still tracks gradients: it was computed with gradient "
                  "tracking on, so it carries a graph it does not need.",
                  "Compute it inside `with torch.no_grad():`.")


def _det_loss(constant, z):
    return constant * z + z


def _probe_modes(fn):
    """Call predict with tracking on, then off, before the call: the mode must be unchanged
    afterwards (an earlier cell may rightly have switched tracking off)."""
    torch = engine()
    before = torch.is_grad_enabled()
    w = torch.tensor(W_MODE.tolist(), requires_grad=True)
    x = torch.tensor(X_MODE.tolist())
    outputs, kept = {}, True
    try:
        for start in (True, False):
            for training in (True, False):
                torch.set_grad_enabled(start)
                out = student_call(fn, w, x, training)
                kept = kept and torch.is_grad_enabled() == start
                if start:
                    outputs["train" if training else "eval"] = out
    finally:
        torch.set_grad_enabled(before)
    return {**outputs, "mode_kept": kept}


def _judge_modes(obs):
    answer = items(obs)
    if set(answer) != {"train", "eval", "mode_kept"}:
        return Verdict(False, "wrong_type", "The answer should be a function predict(w, x, "
                       f"training); the checker could not read {kind_of(obs)} from it.")
    train, evaluation = answer["train"], answer["eval"]
    if train.get("type") != "tensor" or evaluation.get("type") != "tensor":
        odd = train if train.get("type") != "tensor" else evaluation
        return Verdict(False, "wrong_type", "predict should return a tensor, but it returned "
                       f"{kind_of(odd)}.")
    if not answer["mode_kept"].get("value", False):
        return Verdict(False, "grad_mode_changed")
    if not train.get("requires_grad") and evaluation.get("requires_grad"):
        return Verdict(False, "mode_reversed")
    if not train.get("requires_grad"):
        return Verdict(False, "no_grad_in_training")
    if evaluation.get("requires_grad"):
        return Verdict(False, "tracked_inference")
    tolerance, expected = Tolerance(), W_MODE * X_MODE
    if not all(tolerance.close(decode_array(t), expected) for t in (train, evaluation)):
        return Verdict(False, None, "The flags are right, but predict should return w * x.")
    return Verdict(True, message="Correct!")


register(
    Exercise(
        id="no_grad.inference", notebook=NB, title="Predictions under no_grad",
        judge=lambda obs: tensor_verdict(
            obs, X_INF @ W_INF, requires_grad=False, is_leaf=True, tolerance=Tolerance(),
            flag_mistakes={(True, False): "tracked_inference"}),
        custom=dict([_TRACKED]),
        hints=("Concept: predictions need no graph, so compute them with gradient tracking "
               "switched off.",
               "Method: a `with torch.no_grad():` block; what is computed inside it does not "
               "track gradients.",
               "Close to code: put the line that computes pred inside such a block, then "
               "check that pred.requires_grad is False."),
    ),
    Exercise(
        id="no_grad.detach", notebook=NB, title="Stop the gradient with detach()",
        # zd.detach() is the constant W_DET * X_DET. The "+ zd" keeps "nothing detached"
        # ((2z + 1) x) apart from "backward ran twice" (2 (z + 1) x): no factor links them.
        expected=lambda: fd_vjp(lambda w: np.sum(_det_loss(W_DET * X_DET, w * X_DET)), W_DET),
        alternates=lambda: {
            "not_detached": [fd_vjp(lambda w: np.sum(_det_loss(w * X_DET, w * X_DET)), W_DET)],
            "value_not_grad": [W_DET * X_DET]},
        diagnoses=("not_detached", "value_not_grad", "accumulated"),
        custom=dict([custom(
            "not_detached", "gradient through both factors",
            "Your gradient flowed through both factors of zd.detach() * zd, as if nothing "
            "were detached.",
            "zd.detach() is a constant for autograd: only the other zd's pass gradient to "
            "wd.")]),
        misconception_hints={"value_not_grad": ("zd is the forward value; the gradient is "
                                                "in wd.grad after backward().",)},
        hints=("Concept: .detach() returns a constant for autograd: no gradient flows "
               "through it.",
               "Method: in (zd.detach() * zd + zd).sum(), only the zd's that are not detached "
               "pass a gradient back to wd.",
               "Close to code: build zd from wd and xd as in the task, compute that loss, call "
               "backward() once and pass wd.grad."),
    ),
    Exercise(
        id="no_grad.set_grad_enabled", notebook=NB, title="Switch tracking with set_grad_enabled",
        probe=_probe_modes, judge=_judge_modes, answer_kind="a function predict(w, x, training)",
        custom=dict([
            _TRACKED,
            custom("grad_mode_changed", "grad mode changed",
                   "predict changes the global grad mode: after it returns, gradient tracking "
                   "is not what it was before the call, for everything that follows.",
                   "Calling torch.set_grad_enabled(...) as a plain statement changes the mode "
                   "for the rest of the program, outside predict too.",
                   "Used as a context manager (a with block), it restores the previous mode "
                   "when the block ends."),
            custom("no_grad_in_training", "no graph in training",
                   "With training=True the result should track gradients, but it does not.",
                   "With training=True, tracking must be on inside predict: let the training "
                   "argument decide the mode."),
            custom("mode_reversed", "modes swapped",
                   "The modes are the wrong way round: with training=True the result does not "
                   "track gradients, and with training=False it does.",
                   "Which value passed to set_grad_enabled turns tracking on?"),
        ]),
        hints=("Concept: torch.set_grad_enabled(mode) switches tracking on or off; as a "
               "context manager it restores the previous mode when its block ends.",
               "Method: let training decide the mode, and compute w * x inside the block.",
               "Close to code: a with statement around the return statement, with training "
               "as the argument."),
    ),
    Exercise(
        id="no_grad.fix_none", notebook=NB, title="Why is w.grad None?",
        expected=lambda: fd_vjp(lambda w: np.sum((w * X_FIX) ** 2), W_FIX),
        diagnoses=("accumulated", "extra_factor"),
        factors=(10.0,),
        misconception_hints={"extra_factor": (
            "Keep the scaling by 0.1: wf should start at 0.1 * [1.0, -2.0].",)},
        hints=("Concept: only leaves receive .grad, and multiplying a leaf by 0.1 makes a "
               "new tensor that is not a leaf.",
               "Method: do the scaling before the tensor tracks gradients, then switch "
               "tracking on for the scaled tensor itself.",
               "Close to code: build the scaled values with requires_grad off, then call the "
               "in-place method that sets requires_grad on that tensor."),
    ),
)
