"""Run one third-party script as ``__main__`` under real PyTorch or under autograd_tutor.

    python tests/thirdparty/_run.py {torch|ours} SCRIPT

``ours``: before the script runs, ``sys.modules`` maps ``torch`` and its submodules
(``torch.nn``, ``torch.nn.functional``, ``torch.optim``, ``torch.autograd``,
``torch.utils.data``, ...) to autograd_tutor's, so that ``import torch``,
``import torch.nn as nn`` and ``from torch.utils.data import DataLoader`` find ours.
A submodule we lack is simply not aliased: the script then fails on import, as a student's would.

An exception that escapes the script is reported on the last line of stderr as
``__THIRDPARTY_EXC__ {"type": ..., "message": ...}`` (JSON), and the exit code is 1.
"""

from __future__ import annotations

import importlib
import json
import runpy
import sys
import traceback
import warnings

SUBMODULES = [
    "autograd",
    "autograd.function",
    "autograd.functional",
    "autograd.grad_mode",
    "autograd.graph",
    "nn",
    "nn.functional",
    "nn.init",
    "nn.modules",
    "nn.parameter",
    "nn.utils",
    "optim",
    "optim.lr_scheduler",
    "utils",
    "utils.data",
    "cuda",
]


def alias_torch_to_ours() -> None:
    import autograd_tutor

    sys.modules["torch"] = autograd_tutor
    for name in SUBMODULES:
        try:
            module = importlib.import_module(f"autograd_tutor.{name}")
        except ImportError:
            continue
        sys.modules[f"torch.{name}"] = module


def main() -> int:
    which, script = sys.argv[1], sys.argv[2]
    if which == "ours":
        alias_torch_to_ours()
    else:
        import torch  # noqa: F401 - the oracle, imported before the script as ours is
    warnings.simplefilter("ignore")  # warnings go to stderr, which is not compared
    sys.argv = [script]
    try:
        runpy.run_path(script, run_name="__main__")
    except BaseException as exc:  # noqa: BLE001 - reported, compared by the test
        sys.stdout.flush()
        traceback.print_exc()
        report = {"type": type(exc).__name__, "message": str(exc)}
        print("__THIRDPARTY_EXC__ " + json.dumps(report), file=sys.stderr)
        return 1
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
