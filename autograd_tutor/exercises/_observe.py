"""Turn whatever a student passes to ``check`` into plain JSON data.

This runs in the student's process. It never compares anything and never computes an
expected value: it only records what the answer *is* (values, shape, dtype, graph facts),
so that the grader can judge it in another process. Student objects are read through
NumPy and the built-in types only — never through their own ``__eq__`` or ``__bool__``.
"""

from __future__ import annotations

import math
import os
import re
import sys
import traceback
from typing import Any, Optional

import numpy as np

_MAX_ELEMENTS = 10_000
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tensor_type() -> Optional[type]:
    module = sys.modules.get("autograd_tutor.kernel.tensor")
    return getattr(module, "Tensor", None)


def _function_type() -> Optional[type]:
    module = sys.modules.get("autograd_tutor.autograd.function")
    return getattr(module, "Function", None)


def tensor_array(t: Any) -> np.ndarray:
    """The NumPy array behind a tensor of our engine, read through the public graph API."""
    from ..autograd.graph import array

    return array(t)


def is_tensor(obj: Any) -> bool:
    """True for our engine's Tensor (checked by exact class lineage, not duck typing)."""
    tensor = _tensor_type()
    return tensor is not None and isinstance(obj, tensor)


def _number(x: float) -> Any:
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _array_fields(array: np.ndarray) -> dict:
    data = np.asarray(array, dtype=np.float64).reshape(-1)
    fields = {"shape": list(array.shape), "dtype": array.dtype.name}
    if data.size > _MAX_ELEMENTS:
        fields["data"] = None
        fields["truncated"] = True
    else:
        fields["data"] = [_number(float(v)) for v in data.tolist()]
    return fields


def _numeric_list(value: Any) -> Optional[np.ndarray]:
    """A nested list/tuple of plain numbers (or one-element tensors) as an array, else None."""
    def plain(item: Any) -> bool:
        if isinstance(item, (list, tuple)):
            return all(plain(i) for i in item)
        return type(item) in (int, float) or isinstance(item, np.number)

    if not plain(value):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    return array if array.dtype != object else None


def encode(value: Any, depth: int = 0) -> dict:
    """Describe ``value`` as JSON-able data (see the module docstring)."""
    if depth > 4:
        return {"type": "object", "class": "nested too deep"}
    if value is None:
        return {"type": "none"}
    if value is Ellipsis or value is NotImplemented:
        return {"type": "missing"}
    if type(value) is bool or isinstance(value, np.bool_):
        return {"type": "bool", "value": bool(value)}
    if type(value) is str:
        return {"type": "str", "value": value[:500]}
    if is_tensor(value):
        obs = {"type": "tensor", **_array_fields(tensor_array(value))}
        obs["requires_grad"] = bool(value.requires_grad)
        obs["is_leaf"] = bool(value.is_leaf)
        obs["grad_fn"] = value.grad_fn.name() if value.grad_fn is not None else None
        return obs
    if isinstance(value, (np.ndarray, np.number)):
        kind = "number" if isinstance(value, np.number) else "ndarray"
        if value.dtype.kind not in "biuf":
            return {"type": "object", "class": f"ndarray of {value.dtype.name}"}
        return {"type": "array", "origin": kind, **_array_fields(np.asarray(value))}
    if type(value) in (int, float):
        return {"type": "array", "origin": "number", **_array_fields(np.asarray(float(value)))}
    if isinstance(value, (list, tuple)):
        array = _numeric_list(value)
        if array is not None:
            return {"type": "array", "origin": "list", **_array_fields(array)}
        return {"type": "seq", "items": [encode(v, depth + 1) for v in list(value)[:100]]}
    if isinstance(value, dict):
        return {"type": "dict",
                "items": {str(k)[:100]: encode(v, depth + 1) for k, v in list(value.items())[:100]}}
    node_name = getattr(type(value), "name", None)
    if callable(node_name) and hasattr(value, "next_functions"):
        return {"type": "node", "name": str(value.name())}
    function = _function_type()
    if isinstance(value, type) and function is not None and issubclass(value, function):
        return {"type": "function_class", "name": value.__name__[:100]}
    if callable(value):
        return {"type": "callable", "name": getattr(value, "__name__", "?")[:100]}
    return {"type": "object", "class": type(value).__name__[:100]}


def student_frames(exc: BaseException) -> list:
    """The traceback frames of ``exc`` that belong to the student, not to autograd_tutor."""
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename).startswith(_PACKAGE_DIR + os.sep):
            continue
        frames.append({"file": _short_filename(frame.filename), "line": frame.lineno,
                       "function": frame.name, "code": (frame.line or "")[:300]})
    return frames[-8:]


def _short_filename(filename: str) -> str:
    if re.search(r"ipykernel_\d+|<ipython-input|<cell", filename):
        return "your notebook cell"
    return os.path.basename(filename)


def encode_error(exc: BaseException) -> dict:
    """Record an exception raised by student code, with only the student's frames."""
    return {"type": "error", "error": type(exc).__name__, "message": str(exc)[:2000],
            "frames": student_frames(exc)}


class StudentError(Exception):
    """An exception raised by the student's code while a probe ran it (``original``)."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def student_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call student code from a probe: whatever it raises becomes a ``StudentError``.

    Anything else a probe raises is the checker's own problem, never the student's.
    """
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # student code may raise anything; the probe reports it
        raise StudentError(exc) from exc


def run_probe(probe: Any, answer: Any) -> dict:
    """Run a probe on a student's answer and describe what it returned (or what went wrong)."""
    try:
        result = probe(answer)
    except StudentError as exc:
        return encode_error(exc.original)
    except Exception as exc:  # the checker's own probe failed: not the student's mistake
        return {"type": "checker_error", "error": type(exc).__name__, "message": str(exc)[:300]}
    return {"type": "probed", "of": encode(answer), "result": encode(result)}
