"""02_derivatives: derivatives by hand, answered as functions and probed at several points."""

import numpy as np

from .._observe import student_call
from .._spec import Exercise, register
from ._common import a64, custom, engine, fd_vjp, point_probe

NB = "02_derivatives"
P_POWER = a64(-1.3, 0.4, 1.7, 2.9)
P_CHAIN = a64(-1.1, 0.3, 0.8, 1.6)  # not 0.5, where 2x = 1 hides the inner derivative
A, B = a64(1.5, -0.4, 2.1), a64(-0.7, 1.2, 0.9)


def _power(x):
    return 3 * x**4 - 2 * x


def _chain(x):
    return (x**2 + 1) ** 3


def _two(a, b):
    return a**2 * b + b**3


def _fixed_points(f, points):
    """What dfdx gives when it ignores its argument and uses a fixed x (e.g. a global one,
    like the notebook's x = 1.7): the same derivative at every probe point."""
    fixed = np.append(points, 1.7)
    return [np.full(points.shape, fd_vjp(f, a64(p))[0]) for p in fixed]


def _probe_partials(fn):
    torch = engine()
    outputs = [student_call(fn, torch.tensor(float(a), dtype=torch.float64),
                            torch.tensor(float(b), dtype=torch.float64)) for a, b in zip(A, B)]
    if not all(_is_pair(o) for o in outputs):
        return outputs[0]  # not a pair: judged as "the wrong kind of answer"
    return {"df/da": [o[0] for o in outputs], "df/db": [o[1] for o in outputs]}


def _is_pair(value):
    """A pair (df/da, df/db): a 2-item tuple, list, array or tensor (not a dict)."""
    if isinstance(value, (dict, str)) or not hasattr(value, "__getitem__"):
        return False
    try:
        return len(value) == 2
    except TypeError:  # a 0-d tensor or array has no length
        return False


def _partials():
    return {"df/da": fd_vjp(lambda a: _two(a, B), A), "df/db": fd_vjp(lambda b: _two(A, b), B)}


_FUNCTION = "a function dfdx(x)"
_VALUE_HINT = ("Your function must return the derivative f'(x), not f(x).",)

register(
    Exercise(
        id="derivatives.power_rule", notebook=NB, title="Power rule by hand",
        expected=lambda: fd_vjp(_power, P_POWER),
        probe=point_probe(P_POWER), answer_kind=_FUNCTION,
        alternates=lambda: {"value_not_grad": [_power(P_POWER)],
                            "power_not_lowered": [12 * P_POWER**4 - 2],
                            "wrong_point": _fixed_points(_power, P_POWER)},
        diagnoses=("value_not_grad", "power_not_lowered", "wrong_point"),
        custom=dict([custom(
            "power_not_lowered", "exponent not lowered",
            "You multiplied by the exponent but kept the old power.",
            "d(x**n)/dx = n * x**(n-1): the power goes down by one.")]),
        misconception_hints={
            "value_not_grad": _VALUE_HINT,
            "wrong_point": ("Use the argument x of dfdx, not a variable x defined elsewhere in "
                            "the notebook.",)},
        hints=("Concept: the power rule, d(x**n)/dx = n * x**(n-1), applied term by term.",
               "Method: differentiate 3x^4 and -2x separately, then add the two derivatives.",
               "Close to code: dfdx returns an expression in its own argument x, built with * "
               "and **; the first term's constant is 3 times the exponent."),
    ),
    Exercise(
        id="derivatives.chain_rule", notebook=NB, title="Chain rule by hand",
        expected=lambda: fd_vjp(_chain, P_CHAIN),
        probe=point_probe(P_CHAIN), answer_kind=_FUNCTION,
        alternates=lambda: {"value_not_grad": [_chain(P_CHAIN)],
                            "missing_upstream": [3 * (P_CHAIN**2 + 1) ** 2],
                            "wrong_point": _fixed_points(_chain, P_CHAIN)},
        diagnoses=("value_not_grad", "missing_upstream", "missing_factor", "wrong_point"),
        factors=(0.5, 1 / 3),
        misconception_hints={
            "value_not_grad": _VALUE_HINT,
            "missing_upstream": ("f = u**3 with u = x**2 + 1: df/dx = 3u**2 * du/dx. Did du/dx "
                                 "go missing?",),
            "wrong_point": ("Use the argument x of your function, not a fixed or global x.",)},
        hints=("Concept: the chain rule. f is an outer power u**3 of an inner function "
               "u = x**2 + 1.",
               "Method: df/dx = df/du * du/dx: differentiate the outer power at u, then "
               "multiply by the derivative of the inner function.",
               "Close to code: return (the derivative of u**3, written with u = x ** 2 + 1) "
               "times (the derivative of x ** 2 + 1)."),
    ),
    Exercise(
        id="derivatives.partials", notebook=NB, title="Partial derivatives of f(a, b)",
        expected=_partials, probe=_probe_partials, parts=("df/da", "df/db"),
        answer_kind="a function grad_f(a, b) returning (df/da, df/db)",
        alternates=lambda: {
            "swapped_partials": {"df/da": _partials()["df/db"], "df/db": _partials()["df/da"]},
            "value_not_grad": {"df/da": _two(A, B), "df/db": _two(A, B)},
            "dropped_term": {"df/db": 3 * B**2}},
        diagnoses=("swapped_partials", "dropped_term"),
        custom=dict([
            custom("swapped_partials", "partials swapped",
                   "Your two partial derivatives are in the wrong order.",
                   "Return (df/da, df/db), in that order."),
            custom("dropped_term", "a term dropped",
                   "A term is missing: when you differentiate with respect to b, a**2 * b "
                   "still depends on b.",
                   "Hold a fixed, then differentiate every term that contains b."),
        ]),
        hints=("Concept: a partial derivative treats every other variable as a constant.",
               "Method: for df/da hold b fixed (b**3 is then a constant); for df/db hold a "
               "fixed (a**2 is then a constant factor).",
               "Close to code: grad_f returns a tuple of two expressions in a and b, df/da "
               "first."),
    ),
)
