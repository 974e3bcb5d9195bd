"""The ``autograd-tutor`` command line, run as students and instructors run it.

The end-to-end tests start ``python -m autograd_tutor`` as a subprocess on the real solution
masters, the generated student notebooks and the hostile submissions in tests/submissions/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_tutor.cli import main

REPO = Path(__file__).resolve().parent.parent
MASTERS = sorted((REPO / "exercises" / "solutions").glob("*.ipynb"))
STUDENT = sorted((REPO / "exercises").glob("*.ipynb"))
SUBMISSIONS = REPO / "tests" / "submissions"


def cli(*args: str, cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p))
    return subprocess.run([sys.executable, "-m", "autograd_tutor", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def write_notebook(path: Path, *cells: str) -> Path:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None,
                     "outputs": [], "source": cell} for cell in cells]}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ help and usage


@pytest.mark.parametrize("command", [[], ["check"], ["grade"], ["build-exercises"],
                                     ["overview"], ["demo"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: autograd-tutor" in capsys.readouterr().out


def test_python_dash_m_is_the_same_command():
    result = cli("--help")
    assert result.returncode == 0
    for command in ("check", "grade", "build-exercises", "overview", "demo"):
        assert command in result.stdout


def test_usage_errors_exit_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.ipynb").write_text("{ not json")
    (tmp_path / "empty").mkdir()
    assert main([]) == 2
    for argv in (["check"], ["frobnicate"], ["grade", "x.ipynb", "--jobs", "two"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    cases = {
        "no such file": ["check", str(tmp_path / "missing.ipynb")],
        "not a notebook": ["check", str(tmp_path / "notes.txt")],
        "not valid notebook JSON": ["check", str(tmp_path / "broken.ipynb")],
        "no .ipynb files": ["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "o")],
        "at least 1": ["grade", str(tmp_path), "--jobs", "0"],
        "no such folder": ["build-exercises", "--solutions", str(tmp_path / "nope")],
        "demo notebook was not found": ["demo", str(tmp_path / "missing.ipynb")],
    }
    for message, argv in cases.items():
        capsys.readouterr()
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err, argv


def test_a_notebook_without_checks_fails_closed(tmp_path):
    nb = write_notebook(tmp_path / "scratch.ipynb", "x = 1 + 1")
    result = cli("check", str(nb))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed"


# -------------------------------------------------------------------------- build, demo


def test_build_exercises_and_its_check(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    write_notebook(solutions / "01_demo.ipynb",
                   "x = 2\n### BEGIN SOLUTION\ny = x ** 2\n### END SOLUTION\nprint(y)")
    args = ["build-exercises", "--solutions", str(solutions), "--out", str(tmp_path)]
    assert main([*args, "--check"]) == 1  # not built yet
    assert main(args) == 0
    student = json.loads((tmp_path / "01_demo.ipynb").read_text())
    source = "".join(student["cells"][0]["source"])
    assert "raise NotImplementedError" in source and "x ** 2" not in source
    assert main([*args, "--check"]) == 0
    write_notebook(solutions / "01_demo.ipynb", "x = 3")
    assert main([*args, "--check"]) == 1


def test_demo_runs_a_notebook_and_saves_the_executed_copy(tmp_path, capsys):
    nb = write_notebook(tmp_path / "demo.ipynb", "import numpy as np\nnp.arange(3).sum()")
    out = tmp_path / "out" / "demo_executed.ipynb"
    assert main(["demo", str(nb), "--out", str(out), "--timeout", "60"]) == 0
    assert "Demo OK" in capsys.readouterr().out
    executed = json.loads(out.read_text())
    assert executed["cells"][0]["outputs"][0]["data"]["text/plain"] == "3"

    write_notebook(nb, "raise RuntimeError('demo broke')")
    assert main(["demo", str(nb), "--out", str(out), "--timeout", "60"]) == 1
    assert "RuntimeError: demo broke" in capsys.readouterr().out
