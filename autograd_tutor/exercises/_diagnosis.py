"""The catalogue of autograd misconceptions, and how to recognise each one in an answer.

Diagnosis is a sequence of questions asked in a fixed order: is the answer the right one
with the wrong sign? a constant factor away? k times too big, as after k backward calls?
of a broadcast shape that sums to the right one? transposed? equal to the forward value, to
the local derivative alone, to the gradient at another point? The first "yes" names the
misconception; its message and hints speak to that mistake, without giving the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Optional, Sequence

import numpy as np


@dataclass(frozen=True)
class Misconception:
    """A catalogued mistake: what it is called, what we tell the student, and hints."""

    key: str
    title: str
    message: str
    hints: tuple


def _m(key: str, title: str, message: str, *hints: str) -> Misconception:
    return Misconception(key, title, message, hints)


# How each numeric mistake is named when several of them explain the same answer.
CAUSES = {
    "accumulated": "the gradients of {k} runs of your code added up in .grad (re-running "
                   "a cell that calls backward() without resetting .grad does this)",
    "extra_factor": "a factor of {factor} too many in what you computed (e.g. a sum where the "
                    "task has a mean, or a division left out)",
    "missing_factor": "a factor missing in what you computed (e.g. a mean where the task has "
                      "a sum, or a constant dropped)",
}


CATALOGUE: dict = {m.key: m for m in (
    _m("tensor_not_grad", "the tensor instead of its gradient",
       "Your answer is a tensor that tracks gradients, not a gradient.",
       "Pass x.grad (after calling backward()), not x itself.",),
    _m("wrong_sign", "wrong sign",
       "Your answer has the right size but the opposite sign.",
       "Look for a minus sign you dropped or added, e.g. d(-x)/dx = -1, or (a - b) vs (b - a).",
       "If this is an update step: gradient descent moves against the gradient, w -= lr * grad."),
    _m("extra_factor", "an extra factor",
       "Your answer is exactly {factor} times the right one: a factor too many.",
       "Re-derive the constant in front: where could a factor of {factor} sneak in?",
       "A mean divides by the number of elements N; a sum does not. Which one does your loss use?"),
    _m("missing_factor", "a missing factor",
       "Your answer is exactly {factor} times the right one: a factor is missing.",
       "Compare each constant in your formula with the task: which factor went missing?",
       "Power rule: d(x**n)/dx = n * x**(n-1). Did the n go missing?",
       "A mean divides by N, a sum does not. Did you divide once too often?"),
    _m("accumulated", "accumulated gradients",
       "Your gradient is {k} times the right one. Did .grad accumulate over {k} backward calls?",
       "backward() adds into .grad, it does not overwrite it: every backward() that reaches "
       "the same leaf adds its gradient (re-running a cell does this when the leaf was created "
       "in an earlier cell).",
       "Reset before each backward: x.grad = None, x.grad.zero_() or optimizer.zero_grad()."),
    _m("unreduced_broadcast", "an unreduced broadcast",
       "Your gradient has shape {got_shape}, but the tensor it belongs to has shape "
       "{expected_shape}. Its entries sum to the right answer.",
       "A gradient always has the shape of its tensor. A tensor that was broadcast was used "
       "many times, so its gradient is the sum over the broadcast dimensions.",
       "Sum over the dimensions that broadcasting added, e.g. upstream.sum(dim=0)."),
    _m("transposed", "a transposed gradient",
       "Your answer is the transpose of the right one.",
       "For y = x @ W, dL/dW has W's shape: it is x.T @ upstream, not upstream.T @ x.",
       "Check shapes: each side of the formula must have the shape of the tensor it belongs to."),
    _m("value_not_grad", "the value instead of the gradient",
       "Your answer is the forward value, not the gradient.",
       "The gradient is in x.grad after you call backward() on the output, not in the output "
       "itself.",
       "For a hand derivation: differentiate f, don't evaluate it."),
    _m("missing_upstream", "the local derivative without the upstream gradient",
       "Your answer is the local derivative of one step only: the gradient flowing in from "
       "above (the upstream gradient) was not multiplied in.",
       "Chain rule: dL/dx = dL/dy * dy/dx. Multiply the local derivative by the upstream "
       "gradient.",
       "In a Function.backward, multiply by grad_output; with backward(gradient=v), v is the "
       "upstream gradient."),
    _m("wrong_point", "the wrong evaluation point",
       "Your answer is a correct derivative, but evaluated at the wrong point.",
       "Evaluate the derivative at the input you were given, not at a fixed or earlier value.",
       "Did a variable get overwritten, or a constant get hard-coded where the input goes?"),
    _m("grad_none_detached", "None: the tensor was detached",
       "The gradient is None because {name} is a detached copy: .detach() cuts it out of the "
       "graph, so backward never reaches it.",
       "Take the gradient of the original tensor that requires grad, not of its .detach() copy.",
       "Detach only what you want to treat as a constant."),
    _m("grad_none_not_leaf", "None: not a leaf",
       "The gradient is None because {name} is not a leaf: it was computed by {grad_fn}. "
       "PyTorch fills .grad only for leaves.",
       "Read the gradient of the leaf you created with requires_grad=True.",
       "If you really need an intermediate's gradient, call y.retain_grad() before backward()."),
    _m("grad_none_no_grad", "None: built under no_grad",
       "There is no gradient because the computation ran with gradient tracking off "
       "(torch.no_grad() or torch.set_grad_enabled(False)), so no graph was recorded.",
       "Compute the loss outside `with torch.no_grad():`.",
       "torch.set_grad_enabled(False) stays off until you call torch.set_grad_enabled(True)."),
    _m("grad_none", "None: no gradient",
       "The answer is None: no gradient reached this tensor.",
       "Did you call .backward() on the output?",
       "Did the tensor get requires_grad=True when you created it?",
       "Does the output really depend on it? Using t.data or t.detach() in the forward pass "
       "leaves t out of the graph."),
    _m("no_graph", "backward without a graph",
       "backward() was called on a result with no graph behind it: none of its inputs "
       "required grad, or it was computed under torch.no_grad() or from detached tensors.",
       "Create the input with requires_grad=True (or call x.requires_grad_()) before the "
       "forward pass.",
       "Run the forward pass outside `with torch.no_grad():`."),
    _m("backward_twice", "backward twice",
       "backward() ran twice through the same graph, but the first call freed its saved tensors.",
       "Pass retain_graph=True to every backward call except the last one on the same graph.",
       "Or rebuild the graph (re-run the forward pass) before the second backward."),
    _m("inplace_leaf", "in-place on a leaf",
       "An in-place change of a leaf that requires grad is not allowed while autograd tracks it.",
       "Update parameters inside a `with torch.no_grad():` block, so that the in-place change "
       "is not recorded.",),
    _m("inplace_saved", "in-place on a saved tensor",
       "A tensor that backward needs was changed in place after it was used.",
       "Write the step out of place: y = y + 1 instead of y += 1.",),
    _m("nonscalar_backward", "backward on a non-scalar",
       "backward() without arguments needs a one-element output.",
       "Reduce to a scalar first (.sum() or .mean()), or pass the upstream gradient: "
       "y.backward(gradient=v).",),
    _m("wrong_flags", "wrong graph flags",
       "The tensor's requires_grad / is_leaf flags are not what the task asks for.",
       "Print t.requires_grad and t.is_leaf and compare them with the task.",),
    _m("wrong_shape", "wrong shape",
       "Your answer has shape {got_shape}, but the answer must have shape {expected_shape}.",
       "A gradient has the shape of the tensor it belongs to.",),
    _m("wrong_type", "wrong kind of answer",
       "The answer should be {expected_kind}, but it is {got_kind}.",
       "Re-read the task: what should be passed to check()?",
       "A function must `return` its result: without a return statement it gives None."),
)}

# Error messages from the engine (PyTorch's wording) that point at a catalogued mistake.
ERROR_PATTERNS = (
    ("backward through the graph a second time", "backward_twice"),
    ("leaf Variable that requires grad", "inplace_leaf"),
    ("modified by an inplace operation", "inplace_saved"),
    ("implicitly created only for scalar outputs", "nonscalar_backward"),
    ("does not require grad and does not have a grad_fn", "no_graph"),
)


def classify_error(message: str) -> Optional[str]:
    for pattern, key in ERROR_PATTERNS:
        if pattern in message:
            return key
    return None


@dataclass(frozen=True)
class Tolerance:
    """|got - expected| <= atol + rtol * |expected|, elementwise, in float64."""

    rtol: float = 1e-4
    atol: float = 1e-5

    def close(self, got: np.ndarray, expected: np.ndarray) -> bool:
        if got.shape != expected.shape:
            return False
        with np.errstate(invalid="ignore"):
            return bool(np.all(np.abs(got - expected) <= self.atol + self.rtol * np.abs(expected)))

    def distance(self, got: np.ndarray, expected: np.ndarray) -> float:
        """How many tolerances apart two same-shaped arrays are (worst element)."""
        return float(np.max(np.abs(got - expected) / (self.atol + self.rtol * np.abs(expected))))

    def __str__(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"


def factor_text(c: float) -> str:
    frac = Fraction(c).limit_denominator(100)
    return str(frac)


def sum_to_shape(array: np.ndarray, shape: tuple) -> Optional[np.ndarray]:
    """Sum ``array`` over the dimensions that broadcasting added to ``shape`` (None if none)."""
    if array.ndim < len(shape):
        return None
    lead = array.ndim - len(shape)
    out = array.sum(axis=tuple(range(lead))) if lead else array
    for axis, size in enumerate(shape):
        if size == 1 and out.shape[axis] != 1:
            out = out.sum(axis=axis, keepdims=True)
        elif out.shape[axis] != size:
            return None
    return out


def _alternates(alternates: Mapping, key: str) -> Sequence:
    value = alternates.get(key, ())
    if isinstance(value, np.ndarray):
        return (value,)
    return [np.asarray(v, dtype=np.float64) for v in value]


def diagnose(got: np.ndarray, expected: np.ndarray, *, keys: Sequence[str],
             tolerance: Tolerance, factors: Sequence[float] = (2.0, 0.5),
             alternates: Optional[Mapping] = None, formula: bool = False) -> tuple:
    """Name the catalogued mistakes (in ``keys`` order) that explain ``got``.

    Returns ``(key, details)``; ``key`` is None when no catalogued mistake fits, and
    ``"a|b"`` (sorted) when several different mistakes give exactly this answer: then the
    feedback lists the causes instead of naming one. ``formula`` says the answer was built by
    tensor operations (it has a grad_fn), so it cannot be a ``.grad`` that accumulated.
    """
    found: dict = {}
    for key in keys:
        match = _match(key, got, expected, tolerance, factors, alternates or {}, formula)
        if match is not None:
            found.setdefault(key, match)
    if not found:
        return None, {}
    details = {k: v for match in found.values() for k, v in match.items()}
    return "|".join(sorted(found)), details


def _match(key: str, got: np.ndarray, expected: np.ndarray, tolerance: Tolerance,
           factors: Sequence[float], alternates: Mapping, formula: bool) -> Optional[dict]:
    """The details of mistake ``key`` if it explains ``got``, else None."""
    close = tolerance.close
    nonzero = not np.all(np.abs(expected) <= tolerance.atol)
    alts = _alternates(alternates, key)
    if any(close(got, a) for a in alts):
        return {}
    if key == "wrong_sign" and nonzero and close(got, -expected):
        return {}
    if key in ("extra_factor", "missing_factor") and nonzero:
        for c in factors:
            if (c > 1) == (key == "extra_factor") and close(got, c * expected):
                return {"factor": factor_text(c)}
    if key == "accumulated" and nonzero and not alts and not formula:
        for k in range(2, 7):
            if close(got, k * expected):
                return {"k": k, "factor": k}
    if key == "unreduced_broadcast" and got.size > expected.size:
        reduced = sum_to_shape(got, expected.shape)
        if reduced is not None and close(reduced, expected):
            return {}
    if key == "transposed" and got.ndim == 2 and close(got.T, expected):
        return {}
    return None


def _fill(text: str, details: Mapping) -> str:
    try:
        return text.format(**details)
    except (KeyError, IndexError, ValueError):
        return text


def listing(keys: Sequence[str], details: Mapping, titles: Mapping) -> str:
    """The message for an answer that several mistakes explain: what is seen, then the causes."""
    causes = [_fill(CAUSES.get(k) or titles.get(k, k), details) for k in keys]
    factor = details.get("factor")
    seen = (f"Your answer is exactly {factor} times the right one." if factor is not None
            else "Your answer fits more than one common mistake.")
    return (f"{seen} Likely causes: " + "; or ".join(causes)
            + ". Check which one happened in your code.")


def render(key: str, details: Mapping) -> tuple:
    """The message and hints of a catalogue entry, with its placeholders filled in."""
    entry = CATALOGUE[key]
    return _fill(entry.message, details), tuple(_fill(h, details) for h in entry.hints)
