"""Gradescope and PrairieLearn: the generated scripts, run against a simulated container layout
(``AUTOGRADER_ROOT`` in a temporary folder), and their JSON checked against schemas written
from the platforms' documentation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _helpers import write_notebook

from autograd_tutor import cli

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = REPO / "tests" / "submissions"

# https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output Format"): top-level
# score (optional when tests carry scores), output, visibility, stdout_visibility, tests[];
# each test has score, max_score, status ("passed"/"failed"), name, output, visibility
# ("hidden", "after_due_date", "after_published", "visible").
_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "properties": {
                "name": {"type": "string"}, "score": {"type": "number"},
                "max_score": {"type": "number"}, "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"}, "visibility": _VISIBILITY,
                "number": {"type": "string"}, "tags": {"type": "array"}},
        }},
    },
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
}
# https://prairielearn.readthedocs.io/en/latest/externalGrading/ ("Grading results"):
# gradable (bool), score in [0, 1], message, output, tests[] with name, description, points,
# max_points, message, output.
PRAIRIELEARN_SCHEMA = {
    "type": "object",
    "required": ["gradable"],
    "properties": {
        "gradable": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "message": {"type": "string"}, "output": {"type": "string"},
        "tests": {"type": "array", "items": {
            "type": "object", "required": ["name", "points", "max_points"],
            "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                           "points": {"type": "number"}, "max_points": {"type": "number"},
                           "message": {"type": "string"}, "output": {"type": "string"}}}},
    },
    "if": {"properties": {"gradable": {"const": True}}},
    "then": {"required": ["gradable", "score"]},
}


def _run(script: Path, root: Path, python: str = sys.executable) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python)
    if python == sys.executable:
        env["PYTHONPATH"] = str(REPO)
    subprocess.run(["bash", str(script)], env=env, check=True, timeout=120,
                   capture_output=True, cwd=root)
    return json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory):
    """The autograder zip for 01_requires_grad (with the wheel built here), unpacked where
    Gradescope puts it, and its setup.sh run into a fresh virtual environment (which sees
    the machine's numpy & co., so that pip installs nothing from the network)."""
    tmp = tmp_path_factory.mktemp("gs")
    zip_path = tmp / "autograder.zip"
    assert cli.main(["gradescope", "01_requires_grad", "-o", str(zip_path)]) == 0
    root = tmp / "autograder"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run(["bash", str(root / "source" / "setup.sh")], check=True, timeout=300,
                   env={**env, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python},
                   capture_output=True)
    return root / "source", modes, python


@pytest.mark.slow  # builds the wheel and a virtual environment
def test_the_gradescope_zip_installs_with_pip_only(gradescope):
    source, modes, python = gradescope
    assert sorted(p.name for p in source.iterdir()) == [
        "autograd_tutor-0.1.0-py3-none-any.whl", "run_autograder", "setup.sh"]
    installed = subprocess.run([python, "-c", "import autograd_tutor; print(autograd_tutor"
                                ".__file__)"], capture_output=True, text=True, cwd=source,
                               env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert str(Path(python).parents[1]) in installed.stdout  # the wheel, not this checkout
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    setup = (source / "setup.sh").read_text()
    assert "pip install" in setup and "autograd_tutor-0.1.0-py3-none-any.whl" in setup
    for word in ("conda", "apt", "playwright", "chromium", "texlive"):
        assert word not in setup


@pytest.mark.slow
@pytest.mark.parametrize("name, score", [("good_01_requires_grad.ipynb", 3),
                                         ("crash_01_requires_grad.ipynb", None)])
def test_run_autograder_writes_gradescope_results(gradescope, tmp_path, name, score):
    source, _, python = gradescope
    (tmp_path / "submission").mkdir()
    shutil.copy(SUBMISSIONS / name, tmp_path / "submission" / "homework.ipynb")
    results = _run(source / "run_autograder", tmp_path, python)
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert len(results["tests"]) == 3
    assert sum(t["score"] for t in results["tests"]) == results["score"]
    if score is not None:
        assert results["score"] == score
        assert all(t["status"] == "passed" for t in results["tests"])


@pytest.mark.slow  # builds the wheel and a virtual environment
def test_gradescope_gets_a_valid_results_file_when_grading_crashes(gradescope, tmp_path):
    source, _, python = gradescope  # no submission folder at all
    results = _run(source / "run_autograder", tmp_path, python)
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 0 and "could not grade" in results["output"]
    env_broken = tmp_path / "broken"
    env_broken.mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(env_broken), "AUTOGRADER_PYTHON": "false"}
    subprocess.run(["bash", str(source / "run_autograder")], env=env, timeout=60)
    jsonschema.validate(json.loads((env_broken / "results" / "results.json").read_text()),
                        GRADESCOPE_SCHEMA)


@pytest.mark.slow  # builds the wheel and a virtual environment
def test_the_installed_answer_keys_are_out_of_reach(gradescope, tmp_path):
    source, _, python = gradescope
    (tmp_path / "submission").mkdir()
    spec = Path(subprocess.run([python, "-c", "import autograd_tutor.exercises.specs.basics as b;"
                                " print(b.__file__)"], capture_output=True, text=True,
                               cwd=tmp_path).stdout.strip())
    assert "fd_vjp(_z" in spec.read_text()  # the installed spec holds the answer key
    write_notebook(tmp_path / "submission" / "keys.ipynb",
                   f"try:\n    text = open({str(spec)!r}).read()\nexcept OSError:\n"
                   "    text = ''\n"
                   "raise RuntimeError('KEY FOUND' if 'fd_vjp(_z' in text else 'key safe')")
    results = _run(source / "run_autograder", tmp_path, python)
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert "key safe" in results["output"], results["output"]


@pytest.mark.slow  # builds the wheel and a virtual environment
def test_misconception_feedback_is_the_test_output(gradescope, tmp_path):
    source, _, python = gradescope
    (tmp_path / "submission").mkdir()
    shutil.copy(SUBMISSIONS / "alwaysequal_01_requires_grad.ipynb",
                tmp_path / "submission" / "a.ipynb")
    results = _run(source / "run_autograder", tmp_path, python)
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all("misconception" in t["output"] for t in failed[:2])


def test_prairielearn_results(tmp_path):
    script = tmp_path / "run.sh"
    assert cli.main(["prairielearn", "01_requires_grad", "-o", str(script)]) == 0
    (tmp_path / "student").mkdir()
    shutil.copy(SUBMISSIONS / "good_01_requires_grad.ipynb", tmp_path / "student" / "a.ipynb")
    results = _run(script, tmp_path)
    jsonschema.validate(results, PRAIRIELEARN_SCHEMA)
    assert results["gradable"] is True and results["score"] == 1.0
    assert [t["points"] for t in results["tests"]] == [1, 1, 1]
    shutil.rmtree(tmp_path / "student")
    results = _run(script, tmp_path)
    jsonschema.validate(results, PRAIRIELEARN_SCHEMA)
    assert results["gradable"] is False
