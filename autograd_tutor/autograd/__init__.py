"""``torch.autograd``: the engine (``backward``, ``grad``), ``Function`` for your own ops,
``gradcheck`` to test them, and the grad-mode switches."""

import sys

from ..compat.legacy import Variable
from ..kernel import anomaly_mode, engine, function, grad_mode
from ..kernel.anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from ..kernel.engine import backward, grad
from ..kernel.function import Function
from ..kernel.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from . import functional, graph
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

# PyTorch's module paths for the kernel's modules: ``torch.autograd.grad_mode`` and
# ``autograd_tutor.autograd.grad_mode`` are the same module as ``autograd_tutor.kernel.grad_mode``.
for _module in (anomaly_mode, engine, function, grad_mode):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module

__all__ = [
    "Function",
    "GradcheckError",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "graph",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]
