"""The notebook runner and the grader's defences, without the command line.

Runner tests use tiny notebooks written on the fly; the grading tests use the real exercise
registry and forge record files by hand, as a hostile notebook would.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from _helpers import write_notebook

from autograd_tutor.exercises import _runner
from autograd_tutor.exercises._runner import run_notebook

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="process groups and RLIMIT_AS as on Linux")


# ------------------------------------------------------------------------------ runner


def test_cells_run_in_order_and_past_errors(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "x = 1", "1 / 0", "y = x + 1\nundefined_name",
                        "import sys; sys.exit(3)", "open('done.txt', 'w').write(str(y))")
    outcome = run_notebook(nb, timeout=60)
    assert outcome.status == "ok", outcome.detail
    assert outcome.cells_total == outcome.cells_run == 5
    assert [cell for cell, _ in outcome.cell_errors] == [2, 3, 4]
    assert outcome.cell_errors[0][1].startswith("ZeroDivisionError")
    assert outcome.cell_errors[1][1].startswith("NameError")
    assert (tmp_path / "done.txt").read_text() == "2"  # cwd is the notebook's folder


def test_install_lines_magics_and_input_do_not_stop_the_run(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "!pip install --quiet no-such-package-xyz",
                        "%pip install no-such-package-xyz", "%matplotlib inline",
                        "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
                        "name = input('your name? ')", "print('reached the end')")
    outcome = run_notebook(nb, timeout=60)
    assert outcome.status == "ok", outcome.detail
    assert [cell for cell, _ in outcome.cell_errors] == [5]  # input() gets EOF, never hangs
    assert outcome.log_tail.count("skipped") == 2
    assert "reached the end" in outcome.log_tail


@linux_only
def test_timeout_kills_the_whole_process_group(tmp_path):
    pid_file = tmp_path / "pid"
    nb = write_notebook(
        tmp_path / "a.ipynb",
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "while True:\n    pass",
    )
    started = time.monotonic()
    outcome = run_notebook(nb, timeout=6)
    assert time.monotonic() - started < 30
    assert outcome.status == "timeout"
    assert "cell 1 of 1" in outcome.detail
    grandchild = int(pid_file.read_text())
    for _ in range(50):  # the kill is immediate; reaping by init may take a moment
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{grandchild}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the notebook's own child process survived the timeout")


def test_os_exit_mid_notebook_is_a_crash(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "x = 1", "import os; os._exit(0)", "x = 2")
    outcome = run_notebook(nb, timeout=60)
    assert outcome.status == "crashed"
    assert "exited with code 0" in outcome.detail and "cell 2 of 3" in outcome.detail
    assert outcome.cells_run == 1


def test_a_forged_end_of_run_is_not_believed(tmp_path):
    nb = write_notebook(
        tmp_path / "a.ipynb",
        "import glob, json, os, tempfile\n"
        "for d in glob.glob(os.path.join(tempfile.gettempdir(), 'autograd-tutor-*')):\n"
        "    try:\n"
        "        open(os.path.join(d, 'events.jsonl'), 'a').write("
        "json.dumps({'event': 'done', 'nonce': 'guess'}) + '\\n')\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)",
    )
    assert run_notebook(nb, timeout=60).status == "crashed"


@linux_only
def test_memory_limit(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "import numpy as np\nbig = np.ones((40_000, 40_000))",
                        "print('still running')")
    outcome = run_notebook(nb, timeout=60, memory_mb=1024)
    assert outcome.status == "memory"
    assert "cell 1" in outcome.detail and "1024 MB" in outcome.detail
    assert outcome.cells_run == 2  # the next cells still ran


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"worksheets": []}',
                                     b'{"cells": [{"cell_type": "code", "source": 3}]}',
                                     b"\xff\xfe\x00"])
def test_invalid_notebooks_are_reported_not_run(tmp_path, content):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    outcome = run_notebook(path, timeout=60)
    assert outcome.status == "invalid notebook"
    assert "bad.ipynb" in outcome.detail


def test_executed_copy_keeps_outputs(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "print('hello')", "41 + 1",
                        "from IPython.display import HTML, display\ndisplay(HTML('<b>hi</b>'))",
                        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])",
                        "raise ValueError('boom')")
    outcome = run_notebook(nb, timeout=60, capture_outputs=True)
    executed = _runner.executed_notebook(outcome)
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.from_dict(executed))
    cells = [c for c in executed["cells"] if c["cell_type"] == "code"]
    assert cells[0]["outputs"] == [{"output_type": "stream", "name": "stdout",
                                    "text": "hello\n"}]
    assert cells[1]["outputs"][0]["data"]["text/plain"] == "42"
    assert cells[1]["execution_count"] == 2
    assert cells[2]["outputs"][0]["data"]["text/html"] == "<b>hi</b>"
    assert any("image/png" in o.get("data", {}) for o in cells[3]["outputs"])
    assert cells[4]["outputs"][0]["output_type"] == "error"
    assert cells[4]["outputs"][0]["ename"] == "ValueError"


# ------------------------------------------------------------------ names and the record

STEMS = ["01_requires_grad", "03_graph", "03_graph_extra", "04_broadcasting"]


@pytest.mark.parametrize("name, stem", [
    ("03_graph.ipynb", "03_graph"),
    ("alice_03_graph.ipynb", "03_graph"),
    ("03_graph (1).ipynb", "03_graph"),
    ("03-Graph-Copy1.ipynb", "03_graph"),
    ("Bob Smith - 03 graph.ipynb", "03_graph"),
    ("03_graph_extra.ipynb", "03_graph_extra"),
    ("alice/03_graph.ipynb", "03_graph"),
    ("03_graph/alice.ipynb", "03_graph"),
    ("alice_broadcasting.ipynb", "04_broadcasting"),
    ("homework.ipynb", None),
    ("003_graphs.ipynb", None),
])
def test_a_submission_is_matched_to_its_exercise_notebook_by_name(name, stem):
    from autograd_tutor.exercises._grade import match_notebook

    assert match_notebook(Path("class", name), STEMS) == stem


@pytest.mark.parametrize("name, stem, student", [
    ("alice_03_graph.ipynb", "03_graph", "alice"),
    ("Bob Smith - 03_graph (1).ipynb", "03_graph", "Bob Smith"),
    ("03-Graph-Copy1 carol.ipynb", "03_graph", "carol"),
    ("dave/03_graph.ipynb", "03_graph", "dave"),
    ("erin.ipynb", None, "erin"),
])
def test_the_student_is_named_after_the_file(name, stem, student):
    from autograd_tutor.exercises._grade import student_name

    assert student_name(Path(name), stem) == student


def test_the_record_is_parsed_defensively():
    from autograd_tutor.exercises._grade import _Bad, parse_record

    lines = [b'{"exercise": "a", "observation": {"type": "none"}}',
             b"not json at all",
             b'["exercise", "b"]',
             b'{"exercise": 7, "observation": {}}',
             b'{"exercise": "c", "observation": {"type": "none"}, "status": "passed"}',
             b'{"exercise": "d", "observation": "passed"}',
             b"[" * 100_000 + b"]" * 100_000,
             b"x" * (5 * 2**20),
             b'{"exercise": "e", "observation": {"data": [' + b"1" * 5000 + b"]}}",  # huge int
             b'{"exercise": "a", "observation": {"type": "array"}}',
             b'{"exercise": "f", "obs']  # cut off mid-line
    answers, problems = parse_record(b"\n".join(lines), truncated=True)
    assert answers["a"] == {"type": "array"}  # the last record of an exercise counts
    assert isinstance(answers["c"], _Bad) and isinstance(answers["d"], _Bad)
    assert set(answers) == {"a", "c", "d"}
    assert sorted(problems) == ["1 record line(s) too long were ignored",
                                "2 record line(s) naming no exercise were ignored",
                                "4 record line(s) not valid JSON were ignored",
                                "the record file was too big; only its beginning was read"]


# ------------------------------------------------------------------ judging forged answers

JUNK_OBSERVATIONS = [
    {}, {"type": "tensor"}, {"type": "tensor", "data": "abc", "shape": [3]},
    {"type": "tensor", "data": [1.0, 2.0], "shape": [10**9]},
    {"type": "tensor", "data": [1e308] * 3, "shape": [3], "requires_grad": "yes"},
    {"type": "array", "data": [None, {}, []], "shape": [3]},
    {"type": "array", "data": ["nan", "inf"], "shape": [2]},
    {"type": "seq", "items": [{}] * 3}, {"type": "seq", "items": "abc"},
    {"type": "dict", "items": {"a": 1}}, {"type": "dict", "items": []},
    {"type": "probed", "result": {"type": "seq", "items": 7}},
    {"type": "node", "name": None}, {"type": "str", "value": 12},
    {"type": "bool", "value": "true"}, {"type": "error", "frames": "x", "message": None},
    {"type": "function_class", "name": []}, {"type": {"nested": ["type"]}},
    {"status": "passed", "score": 1},
]


def test_forged_observations_never_pass_and_never_crash():
    from autograd_tutor.exercises import EXERCISES
    from autograd_tutor.exercises._grade import judge

    for exercise_id, exercise in EXERCISES.items():
        for observation in JUNK_OBSERVATIONS:
            result = judge(exercise_id, json.loads(json.dumps(observation)))
            assert result.status in ("failed", "error", "not attempted"), (exercise_id,
                                                                           observation)
            assert result.score == 0 and result.max_score == exercise.points


def test_a_renamed_notebook_owes_the_checks_of_what_it_recorded(tmp_path):
    from autograd_tutor.exercises._grade import grade_outcome
    from autograd_tutor.exercises._runner import RunOutcome

    record = json.dumps({"exercise": "basics.first_backward",
                         "observation": {"type": "none"}}).encode()
    outcome = RunOutcome("ok", record=record + b"\n" + b'{"exercise": "no.such", '
                         b'"observation": {}}\n')
    sub = grade_outcome(tmp_path / "homework.ipynb", outcome)
    assert sub.notebook is None and sub.student == "homework"
    assert [r.exercise for r in sub.results] == ["basics.requires_grad", "basics.first_backward",
                                                 "basics.vector_backward"]
    assert [r.status for r in sub.results] == ["not attempted", "failed", "not attempted"]
    assert any("no.such" in problem for problem in sub.problems)


def test_evaluate_that_raises_or_lies_is_an_error(monkeypatch):
    import autograd_tutor.exercises as exercises
    from autograd_tutor.exercises._grade import judge

    def boom(exercise_id, observation):
        raise RuntimeError("bug in a spec")

    monkeypatch.setattr(exercises, "evaluate", boom)
    assert judge("basics.first_backward", {"type": "none"}).status == "error"
    monkeypatch.setattr(exercises, "evaluate", lambda i, o: exercises.Result(
        i, "passed", 100, 1, "too generous"))
    assert judge("basics.first_backward", {"type": "none"}).status == "error"
    monkeypatch.setattr(exercises, "evaluate", lambda i, o: exercises.Result(
        i, "recorded", 0, 1, "not a verdict"))
    assert judge("basics.first_backward", {"type": "none"}).status == "error"
