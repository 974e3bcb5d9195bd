"""Where PyTorch computes inf and nan silently (1/0, log(0), 0/0, overflow), so do we: NumPy's
RuntimeWarnings from this package's modules are filtered out; the user's own NumPy code still
warns. Run in a fresh interpreter with default warning filters, as a student's script runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

SCRIPT = """
import numpy as np
import {lib} as torch
x = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
y = (1 / x).sum() + x.log().sum() + x.sqrt().sum() + (x / x).sum() + x.reciprocal().sum()
y = y + (torch.tensor([1e38]) * 1e10).sum() + torch.tensor([2.0]).exp().pow(1000).sum()
y.backward()
z = torch.tensor([0.0], requires_grad=True)
(z.sqrt() + z.log()).backward()
torch.autograd.functional.jacobian(lambda t: t.log(), x.detach())
a = torch.tensor([0.0])
a /= 0
torch.zeros(3).var(), torch.softmax(torch.tensor([float("inf"), 1.0]), 0)
print("done")
"""


@pytest.mark.parametrize("lib", ["torch", "autograd_tutor"])
def test_inf_and_nan_are_computed_silently(lib):
    run = subprocess.run(
        [sys.executable, "-W", "default", "-c", SCRIPT.format(lib=lib)],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=True,
    )
    assert run.stdout.strip() == "done"
    assert "Warning" not in run.stderr, run.stderr


def test_the_students_own_numpy_code_still_warns():
    code = "import autograd_tutor, numpy as np; np.array([1.0]) / 0"
    run = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True,
                         text=True, cwd=Path(__file__).parent.parent, check=True)
    assert "divide by zero encountered in divide" in run.stderr
