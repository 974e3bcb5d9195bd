"""``torch.accelerator``: the device-neutral way to ask for a GPU (or other accelerator). There is
none here, and tutorial code that asks is told so::

    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"
"""

from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """False: autograd_tutor computes with NumPy, on the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> Any:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0 accelerators."""
    return 0
