"""``Module``: the base class of every layer, loss and model.

A module is a Python object whose attributes may be ``Parameter`` s (trainable
tensors) or other modules. Assigning them in ``__init__`` registers them, so
``model.parameters()`` can find every weight of a whole network, however deeply
nested, and ``model.state_dict()`` can name each one (``"0.weight"``, ...).
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from ..autograd.grad_mode import no_grad
from ..compat.dtype import type_string
from ..compat.tensor_api import Tensor
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it could not match."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _typename(obj: Any) -> str:
    """PyTorch's ``torch.typename``: ``torch.FloatTensor``, ``torch.relu``'s path, ``int``."""
    if isinstance(obj, Tensor):
        return type_string(obj)
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module:
    """Base class for layers and models: subclass it, build layers in ``__init__``,
    compute in ``forward``, and call the module like a function.

    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(3, 1)
    ...     def forward(self, x):
    ...         return self.fc(x)
    """

    training: bool

    def __init__(self) -> None:
        # object.__setattr__ because our own __setattr__ needs these dicts to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function. '
            "Define a forward(self, ...) method that computes the output from the input."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- registration ------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, (Parameter, Module)) and params is None:
            what = "parameters" if isinstance(value, Parameter) else "module"
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() call. "
                "Call super().__init__() first thing in your module's __init__."
            )
        if isinstance(value, Parameter):
            self._forget(name, self.__dict__, self._buffers, self._modules)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected). Wrap the tensor: nn.Parameter(t), "
                    "or change the values in place under torch.no_grad()."
                )
            params[name] = None
        elif isinstance(value, Module):
            self._forget(name, self.__dict__, self._parameters, self._buffers)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected). Use another attribute name for "
                    "values that are not layers."
                )
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected). Wrap the values: torch.tensor(values)."
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    @staticmethod
    def _forget(name: str, *stores: Dict[str, Any]) -> None:
        for store in stores:
            store.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        for store in ("_parameters", "_buffers", "_modules"):
            members = self.__dict__.get(store)
            if members is not None and name in members:
                return members[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add a parameter under ``name`` (``None`` reserves the name, as ``bias=False`` does)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                "cannot assign parameter before Module.__init__() call. "
                "Call super().__init__() first thing in your module's __init__."
            )
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required). Wrap the tensor: nn.Parameter(t)."
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """Add a tensor that is saved in ``state_dict`` but not trained (e.g. running stats).

        ``persistent=False``: a buffer the module keeps but ``state_dict`` leaves out."""
        self._buffers[name] = tensor
        skipped = self.__dict__.setdefault("_non_persistent_buffers_set", set())
        if persistent:
            skipped.discard(name)
        else:
            skipped.add(name)

    def _persistent_buffers(self) -> List[Tuple[str, Optional[Tensor]]]:
        skipped = self.__dict__.get("_non_persistent_buffers_set", ())
        return [(k, v) for k, v in self._buffers.items() if k not in skipped]

    def add_module(self, name: str, module: Optional[Module]) -> None:
        """Add a child module under ``name`` (same as assigning ``self.name = module``)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(
                f"{_typename(module)} is not a Module subclass. Pass layer objects such as "
                "nn.ReLU() (with parentheses), not functions like torch.relu or classes."
            )
        self._modules[name] = module

    register_module = add_module

    # -- traversal ---------------------------------------------------------------------

    def named_modules(
        self, memo: Optional[Set[int]] = None, prefix: str = ""
    ) -> Iterator[Tuple[str, Module]]:
        """Yield ``(name, module)`` for this module and all its descendants, once each."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name)

    def modules(self) -> Iterator[Module]:
        """Yield this module and every module inside it, once each."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[Tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct submodules only (``"fc1"``, ``"0"``)."""
        seen: Set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield the direct submodules only."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, store: str, prefix: str, recurse: bool) -> Iterator[Tuple[str, Any]]:
        seen: Set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[Tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs such as ``("0.weight", Parameter ...)``."""
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield every parameter (a shared one once): what you hand to an optimizer."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[Tuple[str, Tensor]]:
        """Yield ``(name, buffer)`` pairs: state saved with the model that is not trained."""
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Yield every buffer (e.g. a loss's ``weight``), a shared one once."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # -- modes and gradients -----------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (affects layers such as dropout); returns ``self``."""
        if not isinstance(mode, bool):
            raise ValueError(
                "training mode is expected to be boolean. "
                "Call model.train() or model.train(False) (the same as model.eval())."
            )
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode, same as ``train(False)``; returns ``self``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient tracking of all parameters (e.g. to freeze a layer)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to ``None`` by default)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                if param.grad.grad_fn is not None:
                    param.grad.detach_()
                else:
                    param.grad.requires_grad_(False)
                param.grad.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and on ``self``."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- conversion --------------------------------------------------------------------

    def _apply(self, convert: Callable[[Tensor], Tensor]) -> Module:
        """Replace the values of every floating-point parameter, buffer and gradient by
        ``convert(values)``; the tensor objects stay the same (optimizers keep working)."""
        for module in self.modules():
            for store in (module._parameters, module._buffers):
                for t in store.values():
                    if t is None or not t.is_floating_point():
                        continue
                    t.data = convert(t.detach())
                    if t.grad is not None:
                        t.grad.data = convert(t.grad.detach())
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``model.to(torch.float64)``; ``model.to("cpu")`` is accepted and changes nothing."""
        return self._apply(lambda t: t.to(*args, **kwargs))

    def float(self) -> Module:
        """Make all floating-point parameters and buffers float32."""
        return self._apply(lambda t: t.float())

    def double(self) -> Module:
        """Make all floating-point parameters and buffers float64 (e.g. for gradcheck)."""
        return self._apply(lambda t: t.double())

    def cpu(self) -> Module:
        """Everything already lives in NumPy on the CPU: returns ``self`` unchanged."""
        return self

    # -- saving and loading ------------------------------------------------------------

    def state_dict(
        self,
        destination: Optional[Dict[str, Tensor]] = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> Dict[str, Tensor]:
        """An ``OrderedDict`` from names (``"fc.weight"``) to tensors (detached by default)."""
        destination = OrderedDict() if destination is None else destination
        for name, value in list(self._parameters.items()) + self._persistent_buffers():
            if value is not None:
                destination[prefix + name] = value if keep_vars else value.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy tensors from ``state_dict`` into this module's parameters and buffers.

        With ``strict=True`` the keys must match ``self.state_dict()``'s exactly.
        Returns ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict)}. "
                "Pass what model.state_dict() returned (a dict of names to tensors)."
            )
        missing: List[str] = []
        unexpected: List[str] = []
        errors: List[str] = []
        self._load(state_dict, "", assign, missing, unexpected, errors)
        if strict:
            if unexpected:
                keys = ", ".join(f'"{k}"' for k in unexpected)
                errors.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
            if missing:
                keys = ", ".join(f'"{k}"' for k in missing)
                errors.insert(0, f"Missing key(s) in state_dict: {keys}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
                + "\nLoad a state_dict saved from a model built the same way "
                "(or pass strict=False to skip missing and unexpected keys)."
            )
        return _IncompatibleKeys(missing, unexpected)

    def _load(
        self,
        state_dict: Mapping[str, Any],
        prefix: str,
        assign: bool,
        missing: List[str],
        unexpected: List[str],
        errors: List[str],
    ) -> None:
        local = {
            k: v
            for k, v in list(self._parameters.items()) + self._persistent_buffers()
            if v is not None
        }
        for name, current in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}"
                )
                continue
            if value.shape != current.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {current.shape}."
                )
                continue
            if assign and name in self._parameters:
                if not isinstance(value, Parameter):
                    value = Parameter(value, requires_grad=current.requires_grad)
                self._parameters[name] = value
            elif assign:
                self._buffers[name] = value
            else:
                with no_grad():
                    current.copy_(value)
        for key in state_dict:
            if key.startswith(prefix):
                head = key[len(prefix) :].split(".", 1)[0]
                if head not in self._modules and head not in local:
                    unexpected.append(key)
        for name, module in self._modules.items():
            if module is not None:
                child = prefix + name + "."
                module._load(
                    {k: v for k, v in state_dict.items() if k.startswith(child)},
                    child,
                    assign,
                    missing,
                    unexpected,
                    errors,
                )

    # -- printing ----------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside the parentheses of ``repr``; layers override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): " + _addindent(repr(module), 2) for key, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __dir__(self) -> List[str]:
        return sorted(
            set(super().__dir__()) | set(self._parameters) | set(self._modules) | set(self._buffers)
        )
