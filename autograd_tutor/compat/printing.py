"""How a tensor prints: PyTorch's exact text for ``repr``, ``str`` and f-strings.

A printed tensor is ``tensor(`` + the values + the suffixes + ``)``, e.g.
``tensor([[1.5000, 2.0000]], dtype=torch.float64, requires_grad=True)``.

The values are formatted in two passes, as in PyTorch:

1. A :class:`_Formatter` looks at every value that will be shown and picks one
   style for all of them (integers, fixed point with ``precision`` digits, or
   scientific notation) and one width, so that the columns line up.
2. The nested lists are written out recursively: one ``[`` per dimension,
   rows of a matrix on separate lines, blank lines between the matrices of a
   3-D tensor, and long rows wrapped at ``linewidth`` characters.

Tensors with more than ``threshold`` elements are *summarised*: only the first
and last ``edgeitems`` entries of each dimension are shown, with ``...`` between.

The functions here only read ``t._data`` (a NumPy array), ``t.requires_grad``
and ``t.grad_fn``, so any object with those attributes can be printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator, Optional

import numpy as np

from . import dtype as _dtype

__all__ = ["set_printoptions"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4  # digits after the decimal point
    threshold: float = 1000  # summarise tensors with more elements than this
    edgeitems: int = 3  # entries kept at each end of a summarised dimension
    linewidth: int = 80  # characters per line before a row wraps
    sci_mode: Optional[bool] = None  # None: choose scientific notation automatically


_PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: Optional[int] = None,
    threshold: Optional[float] = None,
    edgeitems: Optional[int] = None,
    linewidth: Optional[int] = None,
    profile: Optional[str] = None,
    sci_mode: Optional[bool] = None,
) -> None:
    """Set how tensors print (same options and defaults as ``torch.set_printoptions``).

    ``profile`` ("default", "short" or "full") first resets the other options;
    options passed explicitly then override it. ``sci_mode`` is always set:
    leaving it out switches back to choosing scientific notation automatically.

    >>> set_printoptions(precision=2)      # tensor([1.12]) instead of tensor([1.1235])
    >>> set_printoptions(profile="default")
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_PRINT_OPTS, name, value)
    if precision is not None:
        _PRINT_OPTS.precision = precision
    if threshold is not None:
        _PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        _PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _PRINT_OPTS.linewidth = linewidth
    _PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for :func:`set_printoptions`."""
    return dataclasses.asdict(_PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block only."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one style and one width for all the values of a tensor.

    Floating point values print in one of three styles, decided by the finite
    non-zero values:

    * all whole numbers: ``1.``, ``-20.`` (the dot says "this is a float");
    * otherwise fixed point: ``0.3333`` with ``precision`` digits;
    * scientific ``1.0000e+09`` when the magnitudes span more than a factor
      1000, or go above 1e8 or below 1e-4 (or when ``sci_mode`` forces it).
    """

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            for value in values.ravel().tolist():
                self.width = max(self.width, len(str(value)))
            return

        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:
            return  # only zeros, nan and inf: no style to choose
        magnitudes = np.abs(shown)
        # Python floats: the ratio may overflow to inf, which is fine here.
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _PRINT_OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = _PRINT_OPTS.sci_mode

        for value in shown.tolist():
            if self.sci_mode:
                width = len(f"{value:.{_PRINT_OPTS.precision}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # room for the trailing dot
            else:
                width = len(f"{value:.{_PRINT_OPTS.precision}f}")
            self.width = max(self.width, width)

    def format(self, value: Any) -> str:
        """One value (a Python number), right-aligned to the common width."""
        precision = _PRINT_OPTS.precision
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("." if math.isfinite(value) else "")
        else:
            text = f"{value:.{precision}f}"
        return text.rjust(self.width)


def _summarized(data: np.ndarray) -> np.ndarray:
    """The values a summarised print shows: ``edgeitems`` at each end of each dimension."""
    edge = _PRINT_OPTS.edgeitems
    for axis, size in enumerate(data.shape):
        if size > 2 * edge:
            kept = list(range(edge)) + list(range(size - edge, size))
            data = np.take(data, kept, axis=axis)
    return data


def _vector_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """A 1-D row, wrapped so that each line fits in ``linewidth``."""
    edge = _PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * edge:
        head = [fmt.format(v) for v in data[:edge].tolist()]
        tail = [fmt.format(v) for v in data[-edge:].tolist()]
        items = head + [" ..."] + tail
    else:
        items = [fmt.format(v) for v in data.tolist()]

    # Each item takes its width plus ", "; the " ..." marker counts as an item.
    per_line = max(1, math.floor((_PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """The values of ``data`` as nested brackets; ``indent`` is the column of its ``[``."""
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)

    size, edge = data.shape[0], _PRINT_OPTS.edgeitems
    if summarize and size > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(size - edge, size))
    else:
        rows = list(range(size))
    slices = [
        "..." if i is None else _nested_str(data[i], indent + 1, summarize, fmt) for i in rows
    ]
    # Sub-tensors start one column further right; a 3-D tensor leaves one
    # blank line between its matrices, a 4-D one two, and so on.
    separator = "," + "\n" * (data.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(slices) + "]"


def _values_str(data: np.ndarray, indent: int) -> str:
    """The bracketed values of a non-empty tensor whose ``[`` is at column ``indent``."""
    summarize = data.size > _PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(data) if summarize else data)
    return _nested_str(data, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix`` items, moving one to a new line when it would pass ``linewidth``."""
    parts = [text]
    # PyTorch measures the last line two characters longer than it is; kept for identical wraps.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t: Any) -> str:
    """``repr(t)`` and ``str(t)``, e.g. ``tensor(4.6667, grad_fn=<MeanBackward0>)``.

    After the values come, in this order: ``size=`` (only when the values do
    not show the shape), ``dtype=`` (only when ``tensor(...)`` would not infer
    it: the default float dtype, int64 and bool are implied), then
    ``grad_fn=<...>`` for results of an operation or ``requires_grad=True`` for
    leaves that track gradients.
    """
    data: np.ndarray = t._data
    prefix = "tensor("
    indent = len(prefix)
    dtype_suffix = "dtype=torch." + data.dtype.name
    # The dtype that ``tensor(...)`` gives Python floats (see set_default_dtype).
    default_float = _dtype.default_float.numpy
    suffixes = []
    if data.size == 0:
        # No values to infer the shape or dtype from, so both are spelled out
        # (except the shape of a plain ``tensor([])``).
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype != default_float:
            suffixes.append(dtype_suffix)
        values = "[]"
    else:
        if not _PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype not in (default_float, np.dtype(np.int64), np.dtype(np.bool_)):
            suffixes.append(dtype_suffix)
        values = _values_str(data, indent)

    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + values, suffixes, indent)


def parameter_repr(t: Any) -> str:
    """``repr`` of an ``nn.Parameter``: a header line, then the tensor's repr."""
    return "Parameter containing:\n" + tensor_repr(t)


def tensor_format(t: Any, spec: str) -> str:
    """``format(t, spec)``, used by f-strings such as ``f"{loss:.3f}"``.

    Like PyTorch, a 0-d tensor formats as its Python number (so ``f"{loss}"``
    prints ``2.5``, not ``tensor(2.5000)``). Other tensors (and Parameters)
    print as ``str(t)`` and accept no format spec.
    """
    # PyTorch only unwraps exact Tensors, not subclasses such as Parameter.
    if t._data.ndim == 0 and type(t).__name__ == "Tensor":
        return format(t._data.item(), spec)
    if spec:
        raise TypeError(
            f"unsupported format string passed to {type(t).__name__}.__format__. "
            f"Only a 0-d tensor takes a format spec: format t.item() for one value, "
            f"or t.tolist() for several."
        )
    return str(t)
