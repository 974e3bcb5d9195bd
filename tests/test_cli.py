"""The ``autograd-tutor`` command line, run as students and instructors run it.

The end-to-end tests start ``python -m autograd_tutor`` as a subprocess on the real solution
masters, the generated student notebooks and the hostile submissions in tests/submissions/.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _helpers import write_notebook

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


# ------------------------------------------------------------------------ help and usage


@pytest.mark.parametrize("command", [[], ["check"], ["grade"], ["build-exercises"],
                                     ["overview"], ["demo"], ["start"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: autograd-tutor" in capsys.readouterr().out


def test_python_dash_m_is_the_same_command():
    result = cli("--help")
    assert result.returncode == 0
    for command in ("check", "grade", "build-exercises", "overview", "demo", "start"):
        assert command in result.stdout


def test_usage_errors_exit_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.ipynb").write_text("{ not json")
    (tmp_path / "empty").mkdir()
    assert main([]) == 2
    for argv in (["check"], ["frobnicate"], ["grade", "x.ipynb", "--jobs", "two"],
                 ["grade", "x.ipynb", "--jobs", "0"], ["check", "x.ipynb", "--timeout", "-1"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    cases = {
        "no such file": ["check", str(tmp_path / "missing.ipynb")],
        "not a notebook": ["check", str(tmp_path / "notes.txt")],
        "not valid notebook JSON": ["check", str(tmp_path / "broken.ipynb")],
        "no .ipynb files": ["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "o")],
        "no such folder": ["build-exercises", "--solutions", str(tmp_path / "nope")],
        "demo notebook was not found": ["demo", str(tmp_path / "missing.ipynb")],
        "not valid notebook JSON ": ["demo", str(tmp_path / "broken.ipynb"), "--no-open"],
        "Not a directory": ["grade", str(tmp_path / "broken.ipynb"), "--out",
                            str(tmp_path / "notes.txt" / "out")],
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
    source = "".join(student["cells"][-1]["source"])
    assert "raise NotImplementedError" in source and "x ** 2" not in source
    assert main([*args, "--check"]) == 0
    write_notebook(solutions / "01_demo.ipynb", "x = 3")
    assert main([*args, "--check"]) == 1


def test_demo_runs_a_notebook_and_writes_its_page(tmp_path, capsys):
    nb = write_notebook(tmp_path / "demo.ipynb", "print('hello from the demo')")
    out = tmp_path / "out" / "demo.html"
    assert main(["demo", str(nb), "--out", str(out), "--timeout", "60", "--no-open"]) == 0
    assert "Demo OK" in capsys.readouterr().out
    assert "hello from the demo" in out.read_text()

    write_notebook(nb, "raise RuntimeError('demo broke')")
    assert main(["demo", str(nb), "--out", str(out), "--timeout", "60", "--no-open"]) == 1
    assert "RuntimeError: demo broke" in capsys.readouterr().out
    assert "RuntimeError" in out.read_text()  # the page is written all the same


# ------------------------------------------------------------------ the exercise notebooks


def _exercise_count(stem: str) -> int:
    from autograd_tutor.exercises import EXERCISES

    return sum(ex.notebook == stem for ex in EXERCISES.values())


def test_every_solution_master_passes_through_the_cli():
    result = cli("check", *map(str, MASTERS), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    total = sum(_exercise_count(master.stem) for master in MASTERS)
    assert all(_exercise_count(master.stem) > 0 for master in MASTERS)
    assert result.stdout.splitlines()[-1] == f"{total} passed, 0 failed", result.stdout
    assert "!!" not in result.stdout  # no run ended in a timeout or crash


def test_every_student_notebook_runs_to_the_end_not_attempted():
    result = cli("check", *map(str, STUDENT), "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    total = sum(_exercise_count(student.stem) for student in STUDENT)
    assert result.stdout.splitlines()[-1] == f"0 passed, {total} failed", result.stdout
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    statuses = [" ".join(words[:2]) for words in lines if words[0] in ("passed", "failed",
                                                                         "error", "not")]
    assert statuses == ["not attempted"] * total, result.stdout
    assert "!!" not in result.stdout


def test_the_exercise_notebooks_exist():
    assert len(MASTERS) >= 8
    assert [p.name for p in STUDENT] == [p.name for p in MASTERS]


# ------------------------------------------------------------------ hostile submissions

# Each fixture in tests/submissions/ answers (or dodges) the three checks of 01_requires_grad;
# its first markdown cell says what it does. submission -> (run status, {exercise id: status})
HOSTILE = {
    "good": ("ok", {"basics.requires_grad": "passed", "basics.first_backward": "passed",
                    "basics.vector_backward": "passed"}),
    "crash": ("crashed", {"basics.requires_grad": "passed",
                          "basics.first_backward": "not attempted",
                          "basics.vector_backward": "not attempted"}),
    "timeout": ("timeout", {"basics.requires_grad": "passed",
                            "basics.first_backward": "not attempted",
                            "basics.vector_backward": "not attempted"}),
    "exit": ("crashed", {"basics.requires_grad": "passed",
                         "basics.first_backward": "not attempted",
                         "basics.vector_backward": "not attempted"}),
    "memory": ("memory", {"basics.requires_grad": "passed", "basics.first_backward": "passed",
                          "basics.vector_backward": "failed"}),
    "fakecheck": ("ok", {"basics.requires_grad": "not attempted",
                         "basics.first_backward": "not attempted",
                         "basics.vector_backward": "not attempted"}),
    "fakeevaluate": ("ok", {"basics.requires_grad": "not attempted",
                            "basics.first_backward": "failed",
                            "basics.vector_backward": "not attempted"}),
    "alwaysequal": ("ok", {"basics.requires_grad": "failed", "basics.first_backward": "failed",
                           "basics.vector_backward": "not attempted"}),
    "forged": ("ok", {"basics.requires_grad": "error", "basics.first_backward": "error",
                      "basics.vector_backward": "error"}),
    "deleted": ("ok", {"basics.requires_grad": "not attempted",
                       "basics.first_backward": "not attempted",
                       "basics.vector_backward": "not attempted"}),
    "garbage": ("ok", {"basics.requires_grad": "passed", "basics.first_backward": "error",
                       "basics.vector_backward": "not attempted"}),
    "invalid": ("invalid notebook", {"basics.requires_grad": "not attempted",
                                     "basics.first_backward": "not attempted",
                                     "basics.vector_backward": "not attempted"}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every hostile submission in one batch, two at a time.

    The endless one is named first so that it runs while the others go through the second
    worker: a generous timeout then costs no extra time and never cuts a slow honest run.
    """
    out = tmp_path_factory.mktemp("grading")
    result = cli("grade", str(SUBMISSIONS / "timeout_01_requires_grad.ipynb"), str(SUBMISSIONS),
                 "--out", str(out), "--jobs", "2", "--timeout", "20", "--memory-mb", "1024")
    return result, out


def test_hostile_batch_completes(graded):
    result, out = graded
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(HOSTILE)}/{len(HOSTILE)}" in result.stderr  # the progress bar got to the end
    assert "Most common misconceptions:" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["checks.csv", "grades.csv", "report.html",
                                                     "results.json"]


def test_hostile_submissions_get_the_right_status(graded):
    _, out = graded
    results = json.loads((out / "results.json").read_text())["submissions"]
    got = {Path(s["file"]).name.split("_")[0]:
           (s["run"]["status"], {c["exercise"]: c["status"] for c in s["checks"]})
           for s in results}
    assert got == HOSTILE


def test_grades_csv_has_one_row_per_submission(graded):
    _, out = graded
    with open(out / "grades.csv", newline="") as f:
        rows = {Path(r["file"]).name.split("_")[0]: r for r in csv.DictReader(f)}
    assert set(rows) == set(HOSTILE)
    for name, (run_status, checks) in HOSTILE.items():
        row = rows[name]
        assert row["run_status"] == run_status
        assert row["student"] == name
        assert row["notebook"] == "01_requires_grad"
        assert float(row["max_score"]) == 3
        assert float(row["score"]) == sum(s == "passed" for s in checks.values())
        for status in ("passed", "failed", "error", "not attempted"):
            assert int(row[status.replace(" ", "_")]) == list(checks.values()).count(status)


def test_checks_csv_has_one_row_per_check_with_misconceptions(graded):
    _, out = graded
    with open(out / "checks.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(len(checks) for _, checks in HOSTILE.values())
    by_key = {(Path(r["file"]).name.split("_")[0], r["exercise"]): r for r in rows}
    assert by_key["fakeevaluate", "basics.first_backward"]["misconception"] == "value_not_grad"
    assert by_key["memory", "basics.vector_backward"]["misconception"] == "missing_upstream"
    assert "stopped (timeout) before" in by_key["timeout", "basics.vector_backward"]["message"]
    assert "deleted" in by_key["deleted", "basics.vector_backward"]["message"]
    assert "replaced" in by_key["fakecheck", "basics.vector_backward"]["message"]
    assert "not a valid notebook" in by_key["invalid", "basics.vector_backward"]["message"]
    assert by_key["good", "basics.requires_grad"]["status"] == "passed"


def test_check_exit_code_1_and_hints_on_a_wrong_submission():
    result = cli("check", str(SUBMISSIONS / "fakeevaluate_01_requires_grad.ipynb"),
                 str(SUBMISSIONS / "good_01_requires_grad.ipynb"))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "3 passed, 3 failed"
    assert "hint:" in result.stdout


def test_the_repository_demo_runs_into_a_page_with_its_animations(tmp_path, capsys):
    out = tmp_path / "demo.html"
    assert main(["demo", "--out", str(out), "--no-open"]) == 0, capsys.readouterr().out
    text = out.read_text()
    cells = json.loads((REPO / "notebooks" / "demo.ipynb").read_text())["cells"]
    views = sum("".join(c["source"]).count(call) for c in cells if c["cell_type"] == "code"
                for call in ("viz.animate(", "viz.train("))
    assert views and text.count('<iframe class="animation"') == views
    assert "const FRAMES = " in text  # the .save("x.html") page, inside each frame


def test_the_repository_student_notebooks_are_up_to_date():
    assert main(["build-exercises", "--check"]) == 0


def test_overview_writes_a_png(tmp_path):
    out = tmp_path / "overview.png"
    assert main(["overview", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_lab_launches_jupyter_lab(tmp_path, monkeypatch, capsys):
    import autograd_tutor.cli as cli_module

    nb = write_notebook(tmp_path / "demo.ipynb", "1 + 1")
    launched = []
    monkeypatch.setattr(cli_module.shutil, "which", lambda name: f"/bin/{name}")
    monkeypatch.setattr(cli_module.subprocess, "call", lambda argv: launched.append(argv) or 0)
    assert main(["demo", str(nb), "--lab"]) == 0
    assert launched == [["/bin/jupyter", "lab", str(nb)]]
    monkeypatch.setattr(cli_module.shutil, "which", lambda name: None)
    assert main(["demo", str(nb), "--lab"]) == 2
    assert 'pip install "autograd-tutor[notebook] @ git+' in capsys.readouterr().err
