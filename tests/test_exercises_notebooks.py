"""The exercise notebooks: masters pass every check, generated student notebooks are up to date
and report "not attempted", and the generator strips solutions the same way every time."""

from __future__ import annotations

import json
import linecache
import re
from pathlib import Path

import pytest

import autograd_tutor as torch
from autograd_tutor.exercises import (
    EXERCISES,
    build_student_notebooks,
    check_student_notebooks_up_to_date,
    reset_session,
    summary,
)
from autograd_tutor.exercises._notebooks import strip_solutions, student_notebook

ROOT = Path(__file__).resolve().parents[1] / "exercises"
MASTERS = sorted((ROOT / "solutions").glob("*.ipynb"))
STUDENTS = sorted(ROOT.glob("*.ipynb"))


def _code_cells(path: Path) -> list:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def run_in_process(path: Path):
    """Run a notebook's code cells top to bottom like a kernel with errors allowed."""
    reset_session()
    namespace = {"__name__": "__main__"}
    errors = []
    for i, source in enumerate(_code_cells(path)):
        filename = f"<cell {path.stem}:{i}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), namespace)
        except Exception as exc:  # a student notebook's stubs raise; record and go on
            errors.append((i, type(exc).__name__))
    torch.set_grad_enabled(True)
    return summary(path.stem), errors


def test_at_least_8_notebooks_and_25_checks_covering_every_exercise():
    assert len(MASTERS) >= 8 and len(EXERCISES) >= 25
    assert [p.name for p in STUDENTS] == [p.name for p in MASTERS]
    found = {}
    for path in MASTERS:
        for source in _code_cells(path):
            for exercise_id in re.findall(r"""check\(\s*["']([\w.]+)["']""", source):
                found[exercise_id] = path.stem
    assert found == {k: e.notebook for k, e in EXERCISES.items()}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", MASTERS, ids=[p.stem for p in MASTERS])
def test_solution_master_passes_every_check(path):
    result, errors = run_in_process(path)
    assert errors == []
    assert result.results and all(r.status == "passed" for r in result.results), str(result)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", STUDENTS, ids=[p.stem for p in STUDENTS])
def test_student_notebook_runs_and_reports_not_attempted(path):
    result, errors = run_in_process(path)
    assert {name for _, name in errors} <= {"NotImplementedError", "NameError"}
    assert result.results and all(r.status == "not attempted" for r in result.results), str(result)


@pytest.mark.parametrize("path", STUDENTS, ids=[p.stem for p in STUDENTS])
def test_student_notebook_has_stubs_setup_and_no_solutions(path):
    cells = _code_cells(path)
    assert "import autograd_tutor as torch" in cells[0] and "find_spec" in cells[0]
    text = "\n".join(cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert text.count("# YOUR CODE HERE") == text.count("raise NotImplementedError") >= 3
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in notebook["cells"] if c["cell_type"] == "code")


def test_student_notebooks_are_up_to_date_with_their_masters():
    assert check_student_notebooks_up_to_date(ROOT / "solutions", ROOT) == [], (
        "run `autograd-tutor build-exercises` (or build_student_notebooks())")


def test_build_is_deterministic_and_detects_stale_notebooks(tmp_path):
    first = [p.read_bytes() for p in build_student_notebooks(ROOT / "solutions", tmp_path)]
    second = [p.read_bytes() for p in build_student_notebooks(ROOT / "solutions", tmp_path)]
    assert first == second and len(first) == len(MASTERS)
    assert check_student_notebooks_up_to_date(ROOT / "solutions", tmp_path) == []
    stale = tmp_path / MASTERS[0].name
    stale.write_text(stale.read_text() + " ")
    (tmp_path / MASTERS[1].name).unlink()
    assert check_student_notebooks_up_to_date(ROOT / "solutions", tmp_path) == [
        stale, tmp_path / MASTERS[1].name]


def test_strip_solutions_keeps_indentation_and_surroundings():
    source = ("def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n"
              "    ### END SOLUTION\n\n### BEGIN SOLUTION\nz = 3\n### END SOLUTION\nprint(z)")
    assert strip_solutions(source) == (
        "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError\n\n"
        "# YOUR CODE HERE\nraise NotImplementedError\nprint(z)")
    with pytest.raises(ValueError):
        strip_solutions("### BEGIN SOLUTION\nx = 1\n")


def test_generation_ignores_cell_metadata_ids_and_outputs():
    plain = {"cells": [{"cell_type": "code", "source": "### BEGIN SOLUTION\nx = 1\n"
                        "### END SOLUTION\ncheck('basics.first_backward', x)"}]}
    decorated = {"cells": [{"cell_type": "code", "id": "abc", "metadata": {"tags": ["x"]},
                            "execution_count": 7, "outputs": [{"output_type": "stream"}],
                            "source": ["### BEGIN SOLUTION\n", "x = 1\n", "### END SOLUTION\n",
                                       "check('basics.first_backward', x)"]}],
                 "metadata": {"whatever": 1}}
    assert student_notebook(plain) == student_notebook(decorated)
