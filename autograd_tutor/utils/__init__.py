"""``torch.utils``: helpers around the core; here only ``torch.utils.data`` (datasets and the
DataLoader that feeds a training loop in mini-batches)."""

from . import data

__all__ = ["data"]
