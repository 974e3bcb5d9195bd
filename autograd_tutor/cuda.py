"""``torch.cuda``: there is no GPU here. Tutorial code that asks is told so and runs on the CPU::

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")   # "cpu"
"""

from __future__ import annotations


def is_available() -> bool:
    """False: autograd_tutor computes with NumPy, on the CPU."""
    return False


def device_count() -> int:
    """0 GPUs."""
    return 0
