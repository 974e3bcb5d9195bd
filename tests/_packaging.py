"""What the packaging tests share: one build of the package per test session, and venvs.

`dist()` runs ``python -m build`` once per session (an sdist, then a wheel built from it, as
CI's publish job does) and every test that installs the package installs that wheel. `venv()`
makes a virtual environment outside the checkout, kept between sessions in
``$AUTOGRAD_TUTOR_VENVS`` (default: agt-venvs/ in the temporary folder; never a name starting
with ``autograd-tutor-``, which the notebook runner's own folders have and which
tests/test_grading.py looks for) while its requirements are the same,
so that only the first run downloads them. The package itself is installed afresh from the
session's wheel, without the package index.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, List, NamedTuple, Sequence

import pytest

ROOT = Path(__file__).resolve().parents[1]
CANNOT = "cannot build the environment (the package index is needed the first time)"


class Dist(NamedTuple):
    """The session's build: the sdist and the wheel made from it."""

    sdist: Path
    wheel: Path


@functools.cache
def dist() -> Dist:
    """``python -m build`` of this checkout, once per session."""
    out = Path(tempfile.mkdtemp(prefix="agt-dist-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600, env=clean_env())
    if done.returncode != 0:
        pytest.fail(f"python -m build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return Dist(next(out.glob("*.tar.gz")), next(out.glob("*.whl")))


def dependencies() -> List[str]:
    """The wheel's own requirements (Requires-Dist without extras): a venv with only these and
    the package is a clean install."""
    with zipfile.ZipFile(dist().wheel) as whl:
        meta = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        lines = whl.read(meta).decode("utf-8").splitlines()
    return [line.split(":", 1)[1].strip() for line in lines
            if line.startswith("Requires-Dist:") and "extra ==" not in line]


def clean_env(**extra: str) -> Dict[str, str]:
    """This process's environment without what would make the checkout importable."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MPLBACKEND")}
    env.update(extra)
    return env


class Venv(NamedTuple):
    """A virtual environment: its folder and its python."""

    path: Path
    python: Path

    def bin(self, name: str) -> Path:
        return self.path / "bin" / name

    def pip(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), "-m", "pip", "--disable-pip-version-check",
                               "-q", *args], capture_output=True, text=True, timeout=timeout,
                              env=clean_env(), cwd=tempfile.gettempdir())

    def install_wheel(self) -> None:
        """The session's wheel, in place of whatever autograd-tutor is installed (offline:
        the dependencies are there already)."""
        self.uninstall()
        done = self.pip("install", "--no-index", "--no-deps", str(dist().wheel))
        assert done.returncode == 0, done.stderr[-3000:]

    def uninstall(self) -> None:
        self.pip("uninstall", "-y", "autograd-tutor")


def python_of(version: str) -> str:
    """An interpreter of that version (pyenv's), else the one running the tests."""
    found = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
    return str(found[-1]) if found else sys.executable


def venv(name: str, python: str, requirements: Sequence[str]) -> Venv:
    """The venv `name` with `requirements` (built, or reused when they are unchanged)."""
    base = Path(os.environ.get("AUTOGRAD_TUTOR_VENVS") or Path(tempfile.gettempdir(), "agt-venvs"))
    base.mkdir(parents=True, exist_ok=True)
    path = base / name
    env = Venv(path, path / "bin" / "python")
    stamp_text = f"{python}\n" + "\n".join(requirements) + "\n"
    stamp = path / ".requirements"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if env.python.exists() and stamp.exists() and stamp.read_text() == stamp_text:
            return env
        shutil.rmtree(path, ignore_errors=True)
        steps: List[List[str]] = [[python, "-m", "venv", str(path)],
                                  [str(env.python), "-m", "pip", "install", "-q", "--upgrade",
                                   "pip"],
                                  [str(env.python), "-m", "pip", "install", "-q",
                                   *requirements]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=1200,
                                  env=clean_env(), cwd=tempfile.gettempdir())
            if done.returncode != 0:
                shutil.rmtree(path, ignore_errors=True)
                pytest.skip(f"{CANNOT}: {' '.join(step[:4])}: {done.stderr.strip()[-800:]}")
        stamp.write_text(stamp_text)
    return env


def run(env: Venv, *args: str, cwd: Path, timeout: float = 600,
        **extra: str) -> subprocess.CompletedProcess:
    """A program of the venv, from `cwd`, with nothing of the checkout importable."""
    return subprocess.run([str(env.bin(args[0])), *args[1:]], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=clean_env(**extra))


# What Colab ships that matters here: ipywidgets 7.7.1 with its front-end packages, IPython 7
# and ipykernel 6, and the classic Notebook 6 (Colab's front end is derived from it). nbclient
# runs the notebooks the way Colab's kernel does; pip installs nothing else.
COLAB = ["ipywidgets==7.7.1", "widgetsnbextension>=3.6,<3.7", "jupyterlab_widgets>=1,<2",
         "ipython==7.34.0", "ipykernel==6.17.1", "notebook==6.5.7", "numpy", "matplotlib",
         "nbclient", "nbformat"]
