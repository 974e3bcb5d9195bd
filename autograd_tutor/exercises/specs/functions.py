"""09_custom_function: new ops as autograd.Function, probed with random upstream gradients."""

import numpy as np

from .._observe import student_call
from .._spec import Exercise, register
from ._common import a64, custom, engine, fd_vjp

NB = "09_custom_function"
X1 = a64(-2.5, -1.0, -0.3, 0.4, 1.2, 2.0)
G1 = a64(0.7, -1.3, 0.4, 2.1, -0.6, 1.5)  # upstream gradient: never all ones
A2, B2, G2 = a64(0.5, -1.2, 2.0), a64(1.5, 0.3, -0.8), a64(1.1, -0.4, 0.9)
X3, G3 = a64(-1.5, -0.4, 0.7, 1.3), a64(0.6, -1.1, 2.0, 0.3)


def _softplus(x):
    return np.log1p(np.exp(x))


def _unary_probe(x, g):
    def probe(cls):
        torch = engine()
        t = torch.tensor(x.tolist(), dtype=torch.float64, requires_grad=True)
        upstream = torch.tensor(g.tolist(), dtype=torch.float64)
        with torch.enable_grad():
            out = student_call(_forward_backward, cls, (t,), upstream)
        return {"forward": out, "grad": t.grad}
    return probe


def _probe_mul_add(cls):
    torch = engine()
    a = torch.tensor(A2.tolist(), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B2.tolist(), dtype=torch.float64, requires_grad=True)
    upstream = torch.tensor(G2.tolist(), dtype=torch.float64)
    with torch.enable_grad():
        out = student_call(_forward_backward, cls, (a, b), upstream)
    return {"forward": out, "grad a": a.grad, "grad b": b.grad}


def _forward_backward(cls, inputs, upstream):
    """Run the student's Function forward and backward (all of it is the student's code)."""
    out = cls.apply(*inputs)
    out.backward(upstream)
    return out.detach()


_CLASS = "a torch.autograd.Function subclass"
_HINTS = {"missing_upstream": ("backward must return grad_output * (local derivative).",),
          "value_not_grad": ("backward returns grad_output times the derivative, not the "
                             "forward output.",)}

register(
    Exercise(
        id="functions.softplus", notebook=NB, title="Softplus as an autograd.Function",
        expected=lambda: {"forward": _softplus(X1), "grad": fd_vjp(_softplus, X1, G1)},
        probe=_unary_probe(X1, G1), parts=("forward", "grad"),
        answer_kind=_CLASS, probes_classes=True,
        alternates=lambda: {"missing_upstream": {"grad": fd_vjp(_softplus, X1)},
                            "value_not_grad": {"grad": [_softplus(X1) * G1, _softplus(X1)]}},
        diagnoses=("wrong_sign", "value_not_grad", "missing_upstream"),
        misconception_hints=_HINTS,
        hints=("Concept: Function.backward receives grad_output (the upstream gradient) and "
               "returns grad_output times the local derivative.",
               "Method: d/dx log(1 + exp(x)) = exp(x) / (1 + exp(x)), the sigmoid of x; save "
               "x in forward to use it in backward.",
               "Close to code: in backward, read x from ctx.saved_tensors and multiply "
               "grad_output by that derivative."),
    ),
    Exercise(
        id="functions.mul_add", notebook=NB, title="A Function with two inputs",
        expected=lambda: {"forward": A2 * B2 + A2, "grad a": fd_vjp(lambda a: a * B2 + a, A2, G2),
                          "grad b": fd_vjp(lambda b: A2 * b + A2, B2, G2)},
        probe=_probe_mul_add, parts=("forward", "grad a", "grad b"),
        answer_kind=_CLASS, probes_classes=True,
        alternates=lambda: {"swapped_grads": {"grad a": G2 * A2, "grad b": G2 * (B2 + 1)},
                            "missing_upstream": {"grad a": B2 + 1, "grad b": A2},
                            "missing_term": {"grad a": G2 * B2}},
        diagnoses=("swapped_grads", "missing_term", "missing_upstream"),
        custom=dict([
            custom("swapped_grads", "gradients swapped",
                   "Your backward returns the gradients in the wrong order.",
                   "backward returns one gradient per forward input, in the order of the "
                   "inputs: (grad for a, grad for b)."),
            custom("missing_term", "a term missing",
                   "The gradient for a misses a term: a appears twice in a * b + a.",
                   "d(a*b + a)/da = b + 1."),
        ]),
        misconception_hints=_HINTS,
        hints=("Concept: backward returns one gradient per forward input, in the inputs' "
               "order, each multiplied by grad_output.",
               "Method: d(a*b + a)/da = b + 1 and d(a*b + a)/db = a.",
               "Close to code: save a and b with ctx.save_for_backward in forward; in backward "
               "return a tuple of two products with grad_output."),
    ),
    Exercise(
        id="functions.fix_cube", notebook=NB, title="Find and fix a backward with gradcheck",
        expected=lambda: {"forward": X3**3, "grad": fd_vjp(lambda x: x**3, X3, G3)},
        probe=_unary_probe(X3, G3), parts=("forward", "grad"),
        answer_kind=_CLASS, probes_classes=True,
        alternates=lambda: {"still_buggy": {"grad": 3 * X3 * G3},
                            "missing_upstream": {"grad": 3 * X3**2},
                            "value_not_grad": {"grad": [X3**3 * G3, X3**3]}},
        diagnoses=("still_buggy", "value_not_grad", "missing_upstream", "missing_factor"),
        factors=(1 / 3,),
        custom=dict([custom(
            "still_buggy", "still the bug",
            "This is still the buggy backward from the task.",
            "Run torch.autograd.gradcheck(Cube.apply, (x,)) with a float64 x: it tells you "
            "the analytical and numerical gradients differ.",
            "d(x**3)/dx = 3 * x**2.")]),
        misconception_hints=_HINTS,
        hints=("Concept: gradcheck compares your backward with finite differences; it needs "
               "float64 inputs that require grad.",
               "Method: run gradcheck on BuggyCube.apply to see it fail, then work out "
               "d(x**3)/dx.",
               "Close to code: Cube.backward returns grad_output times the derivative of x**3 "
               "at the saved x."),
    ),
)
