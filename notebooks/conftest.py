"""`pytest --nbval notebooks/`: let the notebooks' kernels import this checkout.

The kernels nbval starts inherit this process's environment, so putting the repository root on
``PYTHONPATH`` makes ``import autograd_tutor`` find the code under test (and keeps the first cell's
install step a no-op) even when the package is not pip-installed.
"""

import os
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)
os.environ.pop("MPLBACKEND", None)
