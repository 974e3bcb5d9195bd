"""05_no_grad: no_grad, detach, set_grad_enabled, and why a gradient can be None."""

import numpy as np

from .._check import decode_array, kind_of
from .._diagnosis import Tolerance
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


def _probe_modes(fn):
    torch = engine()
    before = torch.is_grad_enabled()
    w = torch.tensor(W_MODE.tolist(), requires_grad=True)
    x = torch.tensor(X_MODE.tolist())
    try:
        train = fn(w, x, True)
        after_train = torch.is_grad_enabled()
        evaluation = fn(w, x, False)
        after_eval = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(before)
    return {"train": train, "eval": evaluation, "mode_kept": after_train and after_eval}


def _judge_modes(obs):
    answer = items(obs)
    if set(answer) != {"train", "eval", "mode_kept"}:
        return Verdict(False, "wrong_type", f"predict should return a tensor; got {kind_of(obs)}.")
    if not answer["mode_kept"].get("value", False):
        return Verdict(False, "grad_mode_left_off")
    train, evaluation = answer["train"], answer["eval"]
    if train.get("type") != "tensor" or evaluation.get("type") != "tensor":
        return Verdict(False, "wrong_type", "predict should return a tensor; got "
                       f"{kind_of(train)}.")
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
        hints=("with torch.no_grad(): pred = x @ w",),
    ),
    Exercise(
        id="no_grad.detach", notebook=NB, title="Stop the gradient with detach()",
        # z.detach() is the constant W_DET * X_DET; only the second z depends on w.
        expected=lambda: fd_vjp(lambda w: (W_DET * X_DET) * (w * X_DET), W_DET),
        alternates=lambda: {"not_detached": [fd_vjp(lambda w: (w * X_DET) ** 2, W_DET)]},
        diagnoses=("not_detached", "wrong_sign", "value_not_grad", "missing_factor"),
        custom=dict([custom(
            "not_detached", "gradient through both factors",
            "Your gradient flowed through both factors of z.detach() * z, as if nothing "
            "were detached.",
            "z.detach() is a constant for autograd: only the second z passes gradient to w.")]),
        hints=("Only the non-detached z passes a gradient back to w.",),
    ),
    Exercise(
        id="no_grad.set_grad_enabled", notebook=NB, title="Switch tracking with set_grad_enabled",
        probe=_probe_modes, judge=_judge_modes, answer_kind="a function predict(w, x, training)",
        custom=dict([
            _TRACKED,
            custom("grad_mode_left_off", "grad mode left off",
                   "After predict returns, gradient tracking is still off for everything that "
                   "follows.",
                   "Use `with torch.set_grad_enabled(training):` so the mode is restored when "
                   "the block ends."),
            custom("no_grad_in_training", "no graph in training",
                   "With training=True the result should track gradients, but it does not.",
                   "torch.set_grad_enabled(True) turns tracking on; pass training itself."),
        ]),
        hints=("with torch.set_grad_enabled(training): return w * x",),
    ),
    Exercise(
        id="no_grad.fix_none", notebook=NB, title="Why is w.grad None?",
        expected=lambda: fd_vjp(lambda w: np.sum((w * X_FIX) ** 2), W_FIX),
        diagnoses=("wrong_sign", "accumulated", "extra_factor", "missing_factor"),
        factors=(10.0, 0.1),
        misconception_hints={"extra_factor": (
            "Keep the scaling by 0.1: w should start at 0.1 * [1.0, -2.0].",)},
        hints=("Multiplying a leaf by 0.1 makes a new, non-leaf tensor.",
               "Scale the data first, then create the leaf: "
               "torch.tensor([1.0, -2.0]) * 0.1, then .requires_grad_()."),
    ),
)
