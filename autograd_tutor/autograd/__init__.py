"""``torch.autograd``: the engine (``backward``, ``grad``), ``Function`` for your own ops,
``gradcheck`` to test them, and the grad-mode switches."""

import sys

from ..compat.autograd_api import backward, grad
from ..compat.legacy import Variable
from ..kernel import function
from ..kernel.function import Function
from . import functional, graph
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

# PyTorch's module path for the kernel's module: ``autograd_tutor.autograd.function`` is
# ``autograd_tutor.kernel.function``, where ``Function`` is.
sys.modules[f"{__name__}.function"] = function

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
