"""The promise of pyproject.toml: Python >= 3.9, NumPy 1.x and 2.x, Colab's ipywidgets 7.7.1.

`.ci/compat.sh` runs the unit tests in throwaway venvs (Python 3.9 + NumPy 1.26, Python 3.11 +
NumPy 1.26 + torch); the slow tests below run it, one leg each. The fast test runs everywhere,
so inside the NumPy 1 leg too: there a 0-d float32 array computed with a Python number comes
out float64 (NumPy 1.x's value-based casting), where PyTorch keeps float32.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from torch_oracle import assert_close

ROOT = Path(__file__).resolve().parents[1]
CANNOT_RUN = 77  # compat.sh: no such interpreter, or no package index to build the venv

OPS = {
    "relu": lambda m, x: x.relu(),
    "clamp": lambda m, x: x.clamp(0.1, 0.5),
    "clamp_min": lambda m, x: x.clamp(min=0.5),
    "pow_int": lambda m, x: x**3,
    "pow_float": lambda m, x: x**2.5,
    "number_over_tensor": lambda m, x: 2 / x,
    "number_minus_tensor": lambda m, x: 2.5 - x,
    "number_to_the_tensor": lambda m, x: 2.5**x,
    "times_number": lambda m, x: x * 2.5 + 1,
    "norm_1": lambda m, x: x.norm(p=1),
    "norm_3": lambda m, x: x.norm(p=3),
    "bce": lambda m, x: m.nn.functional.binary_cross_entropy(x, m.ones_like(x)),
    "bce_with_logits": lambda m, x: m.nn.functional.binary_cross_entropy_with_logits(
        x, m.ones_like(x)
    ),
    "mse": lambda m, x: m.nn.functional.mse_loss(x * 0.5, x),
}


@pytest.mark.parametrize("shape", [(), (3,)], ids=["0-d", "1-d"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_python_numbers_keep_the_float_dtype_of_the_tensor(op, dtype, shape):
    torch = pytest.importorskip("torch")
    import autograd_tutor as at

    def run(m):
        x = m.full(shape, 0.7, dtype=getattr(m, dtype), requires_grad=True)
        y = OPS[op](m, x)
        y.sum().backward()
        return y, x.grad

    (y, grad), (ty, tgrad) = run(at), run(torch)
    assert_close(y, ty)
    assert_close(grad, tgrad)
    assert type(y._data) is np.ndarray and y._data.dtype == np.dtype(dtype)
    assert grad._data.dtype == np.dtype(dtype)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.skipif(
    os.environ.get("AUTOGRAD_TUTOR_SKIP_COMPAT") == "1",
    reason="AUTOGRAD_TUTOR_SKIP_COMPAT=1 (the venvs need PyPI)",
)
@pytest.mark.parametrize("leg", ["py39", "py311-np1"])
def test_unit_tests_pass_on_the_oldest_supported_python_and_numpy(leg):
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "compat.sh"), leg],
        capture_output=True, text=True, timeout=1800,
    )
    if run.returncode == CANNOT_RUN:
        pytest.skip((run.stdout.strip().splitlines() or [run.stderr[-500:]])[-1])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-4000:]
    assert "numpy 1." in run.stdout
    assert "ipywidgets 7.7.1" in run.stdout
