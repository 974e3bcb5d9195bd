"""Containers: ``Sequential`` (a chain of modules, each feeding the next), ``ModuleList``
(a list whose modules are registered, for models that loop over their layers) and
``ModuleDict`` (the same, by key)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator, Optional, TypeVar, Union, overload

from .module import Module, _addindent

_Self = TypeVar("_Self", bound="_Indexed")


class _Indexed(Module):
    """What both containers share: children named by position, ``len``, iteration, ``append``."""

    def _index(self, idx: int) -> str:
        size = len(self._modules)
        if not -size <= idx < size:
            raise IndexError(
                f"index {idx} is out of range. It has {size} modules: use 0 to {size - 1} "
                "(or -1 for the last)."
            )
        return list(self._modules)[idx % size]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, self._index(idx), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self: _Self, module: Module) -> _Self:
        """Add ``module`` at the end; returns ``self``."""
        self.add_module(str(len(self)), module)
        return self


class Sequential(_Indexed):
    """Run modules one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Children are named ``"0"``, ``"1"``, ... (or by the keys of an ``OrderedDict``),
    which is where names like ``"0.weight"`` in ``state_dict()`` come from.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...

    @overload
    def __getitem__(self, idx: int) -> Module: ...

    def __getitem__(self, idx: Union[int, slice]) -> Union[Module, Sequential]:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._index(idx)]

    def __delitem__(self, idx: int) -> None:
        del self._modules[self._index(idx)]
        # Renumber so the names stay 0, 1, 2, ... as in PyTorch.
        modules = list(self._modules.values())
        self._modules.clear()
        for index, module in enumerate(modules):
            self._modules[str(index)] = module


class ModuleList(_Indexed):
    """A list of modules that ``parameters()`` and ``state_dict()`` can see.

    A plain Python list of layers hides them from the module; use this instead and
    call the layers yourself in ``forward``.
    """

    def __init__(self, modules: Optional[Iterable[Module]] = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: Union[int, slice]) -> Union[Module, ModuleList]:
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[self._index(idx)]

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules``; returns ``self``."""
        for module in modules:
            self.append(module)
        return self

    def __repr__(self) -> str:
        # Runs of identical layers print once, as "(0-2): 3 x Linear(...)".
        blocks: list = []
        for i, text in enumerate(repr(m) for m in self):
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, text])
        if not blocks:
            return self._get_name() + "()"
        lines = [
            _addindent(f"({a}): {text}" if a == b else f"({a}-{b}): {b - a + 1} x {text}", 2)
            for a, b, text in blocks
        ]
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules that ``parameters()`` and ``state_dict()`` can see, in insertion order.

    ``self.act = ModuleDict({"relu": ReLU(), "tanh": Tanh()})``, then ``self.act[name](x)``
    in ``forward``: the layer is chosen by a key.
    """

    def __init__(self, modules: Optional[Any] = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def items(self) -> Iterable[tuple]:
        return self._modules.items()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def update(self, modules: Any) -> None:
        """Add the modules of a mapping (or an iterable of ``(key, module)`` pairs)."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module
