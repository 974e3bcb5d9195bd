"""``save`` and ``load``: write tensors, ``state_dict``s and plain containers of them to a file.

Tensors are stored as raw bytes + dtype + shape inside a pickle, and ``load`` only accepts
those and plain containers (like PyTorch's ``weights_only=True``), so loading a file cannot
run arbitrary code.
"""

from __future__ import annotations

import collections
import io
import pickle
from typing import Any, BinaryIO, Union

import numpy as np

from ..compat.tensor_api import Tensor

_File = Union[str, "io.PathLike[str]", BinaryIO]


def _rebuild_tensor(raw: bytes, dtype: str, shape: tuple, requires_grad: bool, kind: str) -> Any:
    data = np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()
    if kind == "parameter":
        from ..nn import Parameter

        return Parameter(Tensor._make(data), requires_grad=requires_grad)
    t = Tensor._make(data)
    t.requires_grad = requires_grad
    return t


def _reduce(t: Tensor) -> tuple:
    if not t.is_leaf:
        raise RuntimeError(
            "save(): only leaf tensors can be saved (this one has a grad_fn). "
            "Save t.detach() instead."
        )
    kind = "parameter" if type(t).__name__ == "Parameter" else "tensor"
    raw, arr = t._data.tobytes(order="C"), t._data
    return _rebuild_tensor, (raw, arr.dtype.str, arr.shape, t.requires_grad, kind)


def save(obj: Any, f: _File) -> None:
    """Write ``obj`` (a tensor, a ``state_dict``, or lists/dicts of them) to ``f``."""
    from ..nn import Parameter

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=4)
    pickler.dispatch_table = {Tensor: _reduce, Parameter: _reduce}
    pickler.dump(obj)
    if hasattr(f, "write"):
        f.write(buffer.getvalue())  # type: ignore[union-attr]
    else:
        with open(f, "wb") as out:  # type: ignore[arg-type]
            out.write(buffer.getvalue())


class _SafeUnpickler(pickle.Unpickler):
    _allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        (__name__, "_rebuild_tensor"): _rebuild_tensor,
        ("autograd_tutor._serialization", "_rebuild_tensor"): _rebuild_tensor,  # older files
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"load(): the file contains '{module}.{name}', which is not a tensor or a plain "
                "container. Only files written by autograd_tutor.save can be loaded."
            ) from None


def load(f: _File, weights_only: bool = True, **_: Any) -> Any:
    """Read back what ``save`` wrote."""
    if hasattr(f, "read"):
        return _SafeUnpickler(f).load()  # type: ignore[arg-type]
    with open(f, "rb") as src:  # type: ignore[arg-type]
        return _SafeUnpickler(src).load()
