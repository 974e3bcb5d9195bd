"""The widget tests again under ipywidgets 7.7.1, the version Colab ships (in a separate venv)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.skipif(
    os.environ.get("AUTOGRAD_TUTOR_SKIP_WIDGETS7") == "1",
    reason="AUTOGRAD_TUTOR_SKIP_WIDGETS7=1 (the venv needs PyPI)",
)
def test_widget_tests_pass_under_ipywidgets_7():
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "widgets7.sh")],
        capture_output=True, text=True, timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "ipywidgets 7.7.1" in run.stdout
