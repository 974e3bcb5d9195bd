"""autograd_tutor: PyTorch's autograd, small enough to read, on NumPy.

Write ``import autograd_tutor as torch`` and PyTorch tutorial code about autograd runs as is::

    x = torch.tensor([2.0], requires_grad=True)
    z = 2 * x ** 2 + 3
    z.backward()
    print(x.grad)          # tensor([8.])

The visualiser (``autograd_tutor.viz``) and the exercises (``autograd_tutor.exercises``) are
separate modules, imported only when you ask for them.
"""

import warnings
from math import e, inf, nan, pi

from . import accelerator, autograd, cuda
from .autograd.anomaly_mode import is_anomaly_enabled
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .compat import node_api  # noqa: F401 - grad_fn._saved_self, _saved_other, _saved_result
from .compat.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .compat.dtype import (
    bool_ as bool,  # noqa: A001 - PyTorch's name
)
from .compat.dtype import (
    default_float,
    dtype,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from .compat.functions import *  # noqa: F403 - exp, cat, where, ... (see functions._METHODS)
from .compat.functions import cat, is_tensor, stack, where
from .compat.legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    get_default_device,
    set_default_device,
)
from .compat.printing import set_printoptions
from .compat.random import (
    Generator,
    default_generator,
    manual_seed,
    normal,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
)
from .compat.tensor_api import Size, Tensor, device  # noqa: I001 - first: Tensor's methods

# PyTorch computes 1/0 = inf, 0/0 = nan and log(0) = -inf silently. NumPy warns ("divide by
# zero encountered in divide", with a line of our source) wherever it computes them: in the ops,
# in Tensor, in the engine's sums of gradients. This filter silences exactly those NumPy
# warnings when raised from this package's modules, at no cost per op (unlike np.errstate);
# NumPy code of your own still warns.
warnings.filterwarnings(
    "ignore",
    message=r"(divide by zero|overflow|invalid value|underflow) encountered in",
    category=RuntimeWarning,
    module=r"autograd_tutor(\.|$)",
)


def get_default_dtype() -> dtype:
    """The dtype Python floats become: ``torch.float32``."""

    return default_float


# PyTorch's other names for the same dtypes
half = float16
float = float32  # noqa: A001
double = float64
short = int16
int = int32  # noqa: A001
long = int64

from . import nn, optim, utils  # noqa: E402,I001 - they build on everything above
from .utils.serialization import load, save  # noqa: E402 - it knows nn.Parameter

__version__ = "0.1.0"

__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "accelerator",
    "get_default_device",
    "set_default_device",
    "Generator",
    "Size",
    "Tensor",
    "arange",
    "as_tensor",
    "autograd",
    "bool",
    "cat",
    "cuda",
    "default_generator",
    "device",
    "double",
    "e",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "eye",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "get_default_dtype",
    "half",
    "inf",
    "inference_mode",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "is_tensor",
    "linspace",
    "long",
    "manual_seed",
    "nan",
    "nn",
    "no_grad",
    "normal",
    "ones",
    "ones_like",
    "optim",
    "pi",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "set_grad_enabled",
    "save",
    "load",
    "set_printoptions",
    "short",
    "stack",
    "tensor",
    "uint8",
    "utils",
    "where",
    "zeros",
    "zeros_like",
]
