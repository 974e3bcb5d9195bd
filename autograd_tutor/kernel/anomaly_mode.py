"""``torch.autograd.detect_anomaly``: find the forward line behind a nan gradient.

In anomaly mode every recorded node remembers where in your code its op was called. If a
backward then produces nan, or raises, the error names the node and a warning shows that line
of the forward pass: the usual culprit is an op like ``sqrt`` or ``/`` evaluated at 0. It slows
every op down, so switch it on only to debug::

    with torch.autograd.detect_anomaly():
        loss.backward()      # RuntimeError: Function 'DivBackward0' returned nan values ...
"""

from __future__ import annotations

import os
import traceback
import warnings
from typing import Any

import numpy as np


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
        _Anomaly.enabled, _Anomaly.check_nan = True, self.check_nan

    def __exit__(self, *exc: object) -> None:
        _Anomaly.enabled, _Anomaly.check_nan = self._prev.pop()


class set_detect_anomaly:
    """Switch anomaly mode on or off: as a call, it stays; as a ``with`` block, it is undone at
    the end."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (_Anomaly.enabled, _Anomaly.check_nan)
        _Anomaly.enabled, _Anomaly.check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _Anomaly.enabled, _Anomaly.check_nan = self._prev


def _forward_trace() -> str:
    """Where the op being recorded was called, leaving out this package's own frames."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE)]
    return "".join(traceback.format_list(frames))


def _call_checked(node: Any, grad: Any) -> tuple:
    """``node``'s backward in anomaly mode: a nan in what it returns, or any error it raises,
    comes with a warning that shows the forward line that made the node."""
    try:
        grads = node._call_backward(grad)
        for i, g in enumerate(grads):
            if g is not None and _Anomaly.check_nan and np.isnan(getattr(g, "_data", g)).any():
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output. Look at "
                    "the forward line in the warning above: an op there was evaluated where "
                    "its derivative is undefined (e.g. sqrt or / at 0)."
                )
    except Exception:
        warnings.warn(
            f"Error detected in {node.name()}. Traceback of forward call that caused the "
            f"error:\n{node._forward_trace or '  (recorded before anomaly mode was on)'}",
            UserWarning,
            stacklevel=2,
        )
        raise
    return grads
