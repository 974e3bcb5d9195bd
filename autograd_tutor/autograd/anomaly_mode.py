"""``torch.autograd.detect_anomaly``: find the forward line behind a nan gradient.

In anomaly mode every recorded node remembers where in your code its op was called. If a
backward then produces nan, or raises, the error names the node and a warning shows that line
of the forward pass: the usual culprit is an op like ``sqrt`` or ``/`` evaluated at 0. It slows
every op down, so switch it on only to debug::

    with torch.autograd.detect_anomaly():
        loss.backward()      # RuntimeError: Function 'DivBackward0' returned nan values ...

The kernel knows nothing of it: switched on, this module adds a note to every recorded node
(``function.record_notes``) and wraps the engine's call of a node's backward
(``engine.call_wrappers``); switched off, it takes both away again.
"""

from __future__ import annotations

import os
import traceback
import warnings
from typing import Any, Callable

import numpy as np

from ..kernel import engine, function


class _AnomalyMode:
    __slots__ = ("enabled", "check_nan")

    def __init__(self) -> None:
        self.enabled = False
        self.check_nan = True


_Anomaly = _AnomalyMode()
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` (or after ``set_detect_anomaly(True)``)."""
    return _Anomaly.enabled


class detect_anomaly:
    """A ``with`` block in which backward errors and nan gradients name the forward line that
    made the failing node."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._prev: list[tuple[bool, bool]] = []
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            UserWarning,
            stacklevel=2,
        )

    def __enter__(self) -> None:
        self._prev.append((_Anomaly.enabled, _Anomaly.check_nan))
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(*self._prev.pop())


class set_detect_anomaly:
    """Switch anomaly mode on or off: as a call, it stays; as a ``with`` block, it is undone at
    the end."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (_Anomaly.enabled, _Anomaly.check_nan)
        _set(bool(mode), check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set(*self._prev)


def _set(enabled: bool, check_nan: bool) -> None:
    """Switch anomaly mode: the note on recorded nodes and the checked backward come and go."""
    _Anomaly.enabled, _Anomaly.check_nan = enabled, check_nan
    if enabled and _note_forward_trace not in function.record_notes:
        function.record_notes.append(_note_forward_trace)
        engine.call_wrappers.insert(0, _checked)  # innermost: hooks on nodes wrap it
    elif not enabled and _note_forward_trace in function.record_notes:
        function.record_notes.remove(_note_forward_trace)
        engine.call_wrappers.remove(_checked)


def _note_forward_trace(node: Any) -> None:
    """Note on the node where the op being recorded was called (leaving out this package's own
    frames)."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE)]
    node._forward_trace = "".join(traceback.format_list(frames))


def _checked(call_backward: Callable) -> Callable:
    """The engine's call of a node's backward, checked: a nan in what it returns, or any error
    it raises, comes with a warning that shows the forward line that made the node."""

    def call(node: Any, grad: Any) -> tuple:
        try:
            grads = call_backward(node, grad)
            for i, g in enumerate(grads):
                if g is not None and _Anomaly.check_nan and np.isnan(getattr(g, "_data", g)).any():
                    raise RuntimeError(
                        f"Function '{node.name()}' returned nan values in its {i}th output. Look "
                        "at the forward line in the warning above: an op there was evaluated "
                        "where its derivative is undefined (e.g. sqrt or / at 0)."
                    )
        except Exception:
            trace = getattr(node, "_forward_trace", "  (recorded before anomaly mode was on)")
            warnings.warn(
                f"Error detected in {node.name()}. Traceback of forward call that caused the "
                f"error:\n{trace}",
                UserWarning,
                stacklevel=2,
            )
            raise
        return grads

    return call
