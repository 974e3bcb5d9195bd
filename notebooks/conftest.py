"""`pytest --nbval notebooks/`: let the notebooks' kernels import this checkout.

The kernels nbval starts inherit this process's environment, so putting the repository root on
``PYTHONPATH`` makes ``import autograd_tutor`` find the code under test (and keeps the first cell's
install step a no-op) even when the package is not pip-installed. Unless another file is given
with ``--nbval-sanitize-with``, nbval uses tests/nbval_sanitize.cfg (see there why).
"""

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(_ROOT), os.environ.get("PYTHONPATH")) if p)
os.environ.pop("MPLBACKEND", None)


def pytest_configure(config) -> None:
    if getattr(config.option, "nbval_sanitize_with", "unset") is None:
        config.option.nbval_sanitize_with = str(_ROOT / "tests" / "nbval_sanitize.cfg")
