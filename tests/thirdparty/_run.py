"""Run third-party scripts as ``__main__`` under real PyTorch or under autograd_tutor.

    python tests/thirdparty/_run.py {torch|ours} SCRIPT
    python tests/thirdparty/_run.py {torch|ours} --batch OUTDIR SCRIPT...

The batch form imports the library once, then forks a fresh child per script (POSIX only):
each script starts from a just-imported library, as in its own process, without paying
PyTorch's import time again. The child's stdout/stderr go to ``OUTDIR/<script>.out/.err`` and
its exit code to ``OUTDIR/<script>.rc``.

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
import os
import runpy
import signal
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


def prepare(which: str) -> None:
    if which == "ours":
        alias_torch_to_ours()
    else:
        import torch  # noqa: F401 - the oracle, imported before the script as ours is


def run_one(script: str) -> int:
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


def run_batch(outdir: str, scripts: list, timeout: int = 120) -> None:
    for script in scripts:
        base = os.path.join(outdir, os.path.basename(script))
        pid = os.fork()
        if pid == 0:  # the child: a fresh copy of the just-imported library
            rc = 1
            try:
                out = os.open(base + ".out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                err = os.open(base + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(out, 1)
                os.dup2(err, 2)
                signal.alarm(timeout)  # a hanging script is killed, and reported by its rc
                rc = run_one(script)
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(rc)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        with open(base + ".rc", "w") as f:
            f.write(str(code))


def main() -> int:
    which = sys.argv[1]
    prepare(which)
    if sys.argv[2] == "--batch":
        run_batch(sys.argv[3], sys.argv[4:])
        return 0
    return run_one(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
