"""Warnings PyTorch gives, with its text: float() of a tensor that requires grad (once per
process), reading .grad of a non-leaf. Each script runs in a fresh interpreter with each
library, as a student's script runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

SCRIPTS = {
    "float_of_leaf": "x = torch.tensor([2.0], requires_grad=True)\nfloat(x)\nfloat(x * 2)",
    "format_and_math": "import math\nx = torch.tensor(2.0, requires_grad=True)\n"
    "print('%.1f' % x, math.exp(x) > 7)",
    "silent_conversions": "x = torch.tensor([2.0], requires_grad=True)\n"
    "x.item(), int(x), bool(x), x.tolist(), float(x.detach())",
    "non_leaf_grad": "x = torch.tensor([2.0], requires_grad=True)\ny = x * 2\ny.grad",
    "retained_non_leaf_grad": "x = torch.tensor([2.0], requires_grad=True)\ny = x * 2\n"
    "y.retain_grad()\ny.grad",
}


def warnings_of(lib: str, code: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-W", "default", "-c", f"import {lib} as torch\n{code}"],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=True,
    )
    found = re.findall(r"<string>:(\d+): (\w+Warning): (.*?)(?= \(Triggered internally|\n  |$)",
                       run.stderr, flags=re.S)
    return [(line, kind, text.strip()) for line, kind, text in found]


@pytest.mark.parametrize("name", SCRIPTS)
def test_warnings_like_torch(name):
    ours, theirs = warnings_of("autograd_tutor", SCRIPTS[name]), warnings_of("torch", SCRIPTS[name])
    assert len(ours) == len(theirs)
    for (o_line, o_kind, o_text), (t_line, t_kind, t_text) in zip(ours, theirs):
        assert (o_line, o_kind) == (t_line, t_kind)
        assert o_text.startswith(t_text), f"\nours:    {o_text}\nPyTorch: {t_text}"
