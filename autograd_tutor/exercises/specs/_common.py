"""Helpers shared by the exercise specs: the engine, finite differences, probes, judges."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from .._check import decode_array, kind_of
from .._diagnosis import Misconception, Tolerance
from .._observe import student_call
from .._spec import Verdict


def engine() -> Any:
    """The engine, imported when first needed (``import autograd_tutor as torch``)."""
    import autograd_tutor

    return autograd_tutor


def a64(*values: Any) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def fd_vjp(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
           upstream: Optional[np.ndarray] = None, h: float = 1e-6) -> np.ndarray:
    """upstream · df/dx by central finite differences in float64 (the default upstream is 1)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.asarray(f(x), dtype=np.float64)
    upstream = np.ones_like(out) if upstream is None else np.asarray(upstream, np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = np.sum(upstream * (np.asarray(f(x + step)) - np.asarray(f(x - step)))) / (2 * h)
    return grad


def point_probe(points: Sequence[float]) -> Callable[[Callable], list]:
    """Probe a student's ``dfdx(x)``: call it on a 0-d float64 tensor per point."""
    def probe(fn: Callable) -> list:
        torch = engine()
        return [student_call(fn, torch.tensor(float(p), dtype=torch.float64)) for p in points]
    return probe


def custom(key: str, title: str, message: str, *hints: str) -> tuple:
    return key, Misconception(key, title, message, hints)


def items(obs: dict) -> dict:
    """The entries of a dict observation (empty if it is not a dict)."""
    return obs.get("items", {}) if obs.get("type") == "dict" else {}


def strings(obs: dict) -> Optional[list]:
    """A list-of-strings observation as a Python list (None if it is something else)."""
    if obs.get("type") == "seq" and all(i.get("type") == "str" for i in obs["items"]):
        return [i["value"] for i in obs["items"]]
    return None


def node_name(obs: dict) -> Optional[str]:
    """A grad_fn answer, given as the node itself or as its name."""
    if obs.get("type") == "node":
        return obs.get("name")
    if obs.get("type") == "str":
        return obs["value"].strip().strip("<>").split(" ")[0]
    return None


def tensor_verdict(obs: dict, expected: np.ndarray, *, requires_grad: bool,
                   is_leaf: Optional[bool], tolerance: Tolerance,
                   flag_mistakes: dict, value_alternates: Optional[dict] = None) -> Verdict:
    """Judge a tensor answer by its graph flags first, then by its value.

    When no gradient tracking is asked for, plain numbers (a NumPy array, a list) are judged
    by value alone. ``flag_mistakes`` maps ``(requires_grad, is_leaf)`` pairs to
    misconception keys.
    """
    got = decode_array(obs)
    if obs.get("type") != "tensor" and (requires_grad or got is None):
        return Verdict(False, "wrong_type", f"The answer should be a tensor, but it is "
                       f"{kind_of(obs)}.")
    if obs.get("type") == "tensor":  # plain numbers (NumPy, a list) track nothing: no flags
        flags = (bool(obs.get("requires_grad")), bool(obs.get("is_leaf")))
        if flags[0] != requires_grad or (is_leaf is not None and flags[1] != is_leaf):
            return Verdict(False, flag_mistakes.get(flags, "wrong_flags"))
    if got is not None and got.size == expected.size == 1:
        got = got.reshape(expected.shape)
    if got is not None and tolerance.close(got, expected):
        return Verdict(True, message=f"Correct! (compared with {tolerance})")
    for key, alternate in (value_alternates or {}).items():
        if got is not None and tolerance.close(got, alternate):
            return Verdict(False, key)
    if got is not None and got.shape != expected.shape:
        return Verdict(False, "wrong_shape", f"Your answer has shape {tuple(got.shape)}, "
                       f"but it should have shape {tuple(expected.shape)}.")
    said = ("The tensor has the right flags but not the right values"
            if obs.get("type") == "tensor" else "Not quite: the values are not the right ones")
    return Verdict(False, None, f"{said} (compared with {tolerance}).")
