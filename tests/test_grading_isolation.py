"""A class of hostile submissions, graded in one batch next to honest ones (issue 14).

Each hostile notebook tries one attack from the issue; the batch must give every honest
student full marks, every hostile one only what its own code earns, leave nothing running and
nothing written outside the run, and keep the reports intact. The notebooks know the real paths
(submissions, --out, the repository): the strongest case of "found through the command line".
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from _helpers import write_notebook

from autograd_tutor.exercises import _grade
from autograd_tutor.exercises._grade import grade_class, grade_many
from autograd_tutor.exercises._sandbox import LEVEL_BWRAP, Sandbox, bwrap_works

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux isolation")
needs_bwrap = pytest.mark.skipif(not bwrap_works(), reason="bubblewrap not available")

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "submissions" / "good_01_requires_grad.ipynb"
SECRET = "SECRET-4f1d2c"  # in an honest submission and in the earlier results in --out
# In the command line of every process a notebook leaves (unique: test runs may overlap).
MARK = f"autograd-tutor-hostile-mark-{uuid.uuid4().hex[:12]}"

IMPORT = "import autograd_tutor as torch\nfrom autograd_tutor.exercises import check"
SHOW = ("def show(tag, value):\n"
        "    print(f'FOUND {{tag}}: {{value!r}}'[:300])\n")

HOSTILE = {
    # Kills its parent, its process group and everything it may signal.
    "killer": [
        "import os, signal\n"
        "for target in (os.getppid(), -os.getpgid(0), -1):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "    except OSError:\n"
        "        pass",
    ],
    # Leaves a double-forked daemon that would zero the others and rewrite the grades.
    "daemon": [
        "import subprocess, sys\n"
        "lines = ['import glob, time', 'time.sleep(1)', 'for _ in range(40):',\n"
        "         '    for f in glob.glob(%r + \"/*.csv\") + glob.glob(\"/tmp/*/*/io/*\"):',\n"
        "         '        try:', '            open(f, \"w\").write(\"x,999\")',\n"
        "         '        except OSError:', '            pass', '    time.sleep(0.25)']\n"
        "open('daemon.py', 'w').write('\\n'.join(lines) % {out!r})\n"
        "subprocess.Popen(['/bin/sh', '-c', f'setsid {{sys.executable}} daemon.py {mark} &'])\n"
        "import glob, time\ntime.sleep(1)\n"
        "alive = [p for p in glob.glob('/proc/[0-9]*/cmdline') if b'daemon.py' in open(p, 'rb')"
        ".read()]\n"
        "print('daemon alive:', len(alive))",
    ],
    # Reads another student's notebook, earlier results, and the grader's command line.
    "snoop": [
        SHOW,
        "import glob, os\n"
        "for f in glob.glob({subs!r} + '/*') + glob.glob({out!r} + '/*'):\n"
        "    try:\n"
        "        show(f, open(f).read())\n"
        "    except OSError as exc:\n"
        "        print('denied', f, type(exc).__name__)\n"
        "for d in glob.glob('/proc/[0-9]*'):\n"
        "    try:\n"
        "        show(d, open(d + '/cmdline').read())\n"
        "    except OSError:\n"
        "        pass",
    ],
    # Writes wherever the instructor can.
    "writer": [
        "import os, tempfile\n"
        "for d in ({cwd!r}, {subs!r}, {out!r}, {out!r} + '/.autograd-tutor-state', '/tmp',"
        " tempfile.gettempdir()):\n"
        "    try:\n"
        "        open(os.path.join(d, 'planted_by_writer.txt'), 'w').write('x')\n"
        "    except OSError:\n"
        "        pass",
    ],
    # Records (correctly!) the checks of another notebook, and one of its own twice.
    "other": [
        IMPORT,
        "check('basics.first_backward', None)\ncheck('basics.first_backward', None)",
        "d = lambda x: 3 * x**2\n"
        "for i in ('derivatives.power_rule', 'derivatives.chain_rule'):\n"
        "    check(i, d)",
    ],
    # Calls the answer keys that ship in the package, and the instructor's masters.
    "keys": [
        IMPORT,
        "from autograd_tutor.exercises import EXERCISES\n"
        "x = torch.tensor(EXERCISES['basics.first_backward'].expected())\n"
        "check('basics.first_backward', x)",
        "import json\n"
        "master = json.load(open({repo!r} + '/exercises/solutions/01_requires_grad.ipynb'))\n"
        "for cell in master['cells']:\n"
        "    if cell['cell_type'] == 'code':\n"
        "        exec(''.join(cell['source']))",
        "import importlib.util, glob\n"
        "for path in glob.glob({repo!r} + '/autograd_tutor/exercises/specs/basics.py'):\n"
        "    spec = importlib.util.spec_from_file_location('orig', path)\n"
        "    print('imported', path)",
    ],
    # Phones home.
    "network": [
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('pypi.org', 443), timeout=3).close()\n"
        "    print('network: reached')\n"
        "except OSError as exc:\n"
        "    print('network: blocked', type(exc).__name__)",
    ],
    # Holds 200 processes at once. The children's stderr ("Cannot fork") is silenced so that it
    # cannot interleave with the count the notebook prints.
    "storm": [
        "import subprocess\nprocs = []\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        procs.append(subprocess.Popen(['sh', '-c', 'sleep 30', {mark!r}],\n"
        "                                      stderr=subprocess.DEVNULL))\n"
        "    except OSError:\n"
        "        break\n"
        "print('started', len(procs))",
    ],
    # Three processes of 400 MB each against 1024 MB for the run.
    "hog": [
        "import subprocess, sys, time\n"
        "code = 'x = b\"1\" * (400 * 2**20); import time; time.sleep(30)'\n"
        "procs = [subprocess.Popen([sys.executable, '-c', code, {mark!r}]) for _ in range(3)]\n"
        "time.sleep(20)",
    ],
}


def _hostile_notebook(path: Path, name: str, **paths: str) -> Path:
    cells = [cell.format(mark=MARK, **paths) for cell in HOSTILE[name]]
    return write_notebook(path, *cells)


def _left_behind() -> list:
    """Processes a notebook left, recognised by the mark in their command line."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if MARK.encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The whole class, graded once with -j 2 in the strongest sandbox."""
    if not bwrap_works():
        pytest.skip("bubblewrap not available")
    root = tmp_path_factory.mktemp("course")
    subs, out, cwd = root / "submissions", root / "results", root / "instructor"
    for folder in (subs, out, cwd):
        folder.mkdir()
    (out / "grades.csv").write_text(f"student,score\nearlier,{SECRET}\n")
    paths = dict(subs=str(subs), out=str(out), cwd=str(cwd), repo=str(REPO))
    honest = []
    for n in range(2):
        nb = subs / f"honest{n}_01_requires_grad.ipynb"
        shutil.copy(GOOD, nb)
        honest.append(nb)
    text = honest[0].read_text().replace('"# test"', f'"# {SECRET}"')
    honest[0].write_text(text.replace("requires_grad=True)", f"requires_grad=True)  # {SECRET}",
                                      1))
    for name in HOSTILE:
        _hostile_notebook(subs / f"{name}_01_requires_grad.ipynb", name, **paths)
    files = sorted(subs.glob("*.ipynb"))
    old_cwd = os.getcwd()
    os.chdir(cwd)
    sandbox = Sandbox.create(LEVEL_BWRAP)
    try:
        started = time.monotonic()
        submissions, _ = grade_class(files, out, sandbox=sandbox, jobs=2, timeout=25,
                                     memory_mb=1024)
        seconds = time.monotonic() - started
        left = _left_behind()
        grades = (out / "grades.csv").read_text()
    finally:
        sandbox.close()
        os.chdir(old_cwd)
    by_student = {s.student: s for s in submissions}
    return dict(by=by_student, left=left, grades=grades, root=root, seconds=seconds, out=out,
                sandbox_root=sandbox.root)


def test_honest_students_get_full_marks_whatever_the_others_do(graded_class):
    for n in range(2):
        sub = graded_class["by"][f"honest{n}"]
        assert (sub.score, sub.max_score, sub.run.status) == (3, 3, "ok"), sub.run.detail


def test_a_notebook_killing_its_parent_ends_only_itself(graded_class):
    assert set(graded_class["by"]) >= {"killer", "honest0", "honest1"}
    assert graded_class["by"]["killer"].score == 0


def test_nothing_a_notebook_started_outlives_its_run(graded_class):
    assert "daemon alive: 1" in graded_class["by"]["daemon"].run.log_tail  # it did start
    assert graded_class["left"] == []
    time.sleep(2)  # the daemon would have rewritten the reports by now
    assert _left_behind() == []
    assert "x,999" not in (graded_class["out"] / "grades.csv").read_text()  # its forged row
    assert graded_class["grades"] == (graded_class["out"] / "grades.csv").read_text()


def test_a_notebook_sees_no_other_submission_no_results_and_no_grader_arguments(graded_class):
    log = graded_class["by"]["snoop"].run.log_tail
    assert SECRET not in log and "honest1" not in log and "FOUND" not in log.replace(
        "FOUND /proc", "")
    assert "--out" not in log and "pytest" not in log


def test_a_notebook_writes_nowhere_but_its_own_folder(graded_class):
    planted = [p for p in graded_class["root"].rglob("planted_by_writer.txt")]
    planted += list(Path("/tmp").glob("planted_by_writer.txt"))
    assert planted == []
    assert not graded_class["sandbox_root"].exists()  # and the grader's own folder is gone


def test_only_the_checks_of_its_own_assignment_count_once(graded_class):
    sub = graded_class["by"]["other"]
    assert [r.exercise for r in sub.results] == ["basics.requires_grad",
                                                 "basics.first_backward",
                                                 "basics.vector_backward"]
    assert sub.score == 0 and sub.max_score == 3
    assert any("another assignment" in p for p in sub.problems)


def test_answer_keys_and_solution_masters_are_out_of_reach(graded_class):
    sub = graded_class["by"]["keys"]
    assert sub.score == 0, [(r.exercise, r.status) for r in sub.results]
    errors = " ".join(e for _, e in sub.run.cell_errors)
    assert "TypeError" in errors and "FileNotFoundError" in errors
    assert "imported" not in sub.run.log_tail


def test_no_network(graded_class):
    assert "network: blocked" in graded_class["by"]["network"].run.log_tail


def test_processes_and_memory_are_limited_for_the_whole_run(graded_class):
    storm, hog = graded_class["by"]["storm"], graded_class["by"]["hog"]
    started = re.findall(r"started (\d+)", storm.run.log_tail)
    # Stopped by the process limit (crashed, or fewer started), or, on a loaded machine, by the
    # memory limit first: the RSS of its many processes counts together. Never 200 at once.
    assert storm.run.status in ("crashed", "memory") or (started and int(started[0]) < 100), \
        (storm.run.status, storm.run.detail, storm.run.log_tail[-500:])
    assert hog.run.status == "memory" and "together" in hog.run.detail, hog.run.detail


def test_a_hostile_class_costs_no_more_than_its_timeouts(graded_class):
    # 13 notebooks, 2 at a time, 25 s timeout: far less than one timeout per notebook.
    assert graded_class["seconds"] < 75


# ------------------------------------------------------------- interruption and resumption


def test_an_interrupted_batch_resumes_without_regrading_finished_students(tmp_path, monkeypatch):
    subs = [tmp_path / f"s{n}_01_requires_grad.ipynb" for n in range(3)]
    for nb in subs:
        shutil.copy(GOOD, nb)
    state = tmp_path / "state"
    state.mkdir()
    sandbox = Sandbox.create()
    try:
        first = grade_many(subs[:2], sandbox=sandbox, state_dir=state, timeout=30)
        ran = []
        real = _grade.run_notebook
        monkeypatch.setattr(_grade, "run_notebook", lambda p, **kw: ran.append(p) or real(
            p, **kw))
        again = grade_many(subs, sandbox=sandbox, state_dir=state, timeout=30)
    finally:
        sandbox.close()
    assert ran == [subs[2]]
    assert [s.score for s in again] == [3, 3, 3] and [s.score for s in first] == [3, 3]
    assert again[0].sha256 == _grade.file_hash(subs[0]) and len(again[0].sha256) == 64


def test_the_process_level_also_ends_what_a_run_leaves_behind(tmp_path):
    nb = write_notebook(tmp_path / "d_01_requires_grad.ipynb",
                        "import subprocess, time\n"
                        f"subprocess.Popen(['setsid', 'sh', '-c', 'sleep 60', {MARK!r}])\n"
                        "time.sleep(1)\n"
                        "import glob\n"
                        f"print('alive:', sum({MARK.encode()!r} in open(p, 'rb').read()\n"
                        "                    for p in glob.glob('/proc/[0-9]*/cmdline')))")
    sandbox = Sandbox.create("process")
    try:
        sub = grade_many([nb], sandbox=sandbox, timeout=30)[0]
    finally:
        sandbox.close()
    assert sub.run.status == "ok", sub.run.detail
    assert "alive: 1" in sub.run.log_tail
    assert _left_behind() == []


@needs_bwrap
def test_killing_the_grader_ends_every_run_and_keeps_earlier_reports(tmp_path):
    nb = write_notebook(tmp_path / "subs" / "slow_01_requires_grad.ipynb",
                        f"import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 60', {MARK!r}])\n"
                        "import time\ntime.sleep(60)") if (tmp_path / "subs").mkdir() is None \
        else None
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("earlier grades\n")
    grader = subprocess.Popen([sys.executable, "-m", "autograd_tutor", "grade", str(nb),
                               "--out", str(out), "--timeout", "60"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 30
    while not _left_behind() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _left_behind(), "the notebook never started"
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 5
    while _left_behind() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _left_behind() == []
    assert (out / "grades.csv").read_text() == "earlier grades\n"


def test_a_grader_that_was_killed_leaves_no_folder_behind_for_long(tmp_path, monkeypatch):
    # A grader killed with SIGKILL cannot clean up; the next grader removes its folder, and
    # never the folder of a grader that is still running.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale, live = tmp_path / "autograd-tutor-grader-stale", tmp_path / "autograd-tutor-grader-live"
    for folder, pid in ((stale, dead.pid), (live, os.getpid())):
        (folder / "run-x").mkdir(parents=True)
        (folder / "grader.pid").write_text(str(pid))
    sandbox = Sandbox.create("process")
    try:
        assert not stale.exists() and live.exists()
        assert sandbox.root.parent == tmp_path
    finally:
        sandbox.close()
    assert not sandbox.root.exists()


# ------------------------------------------------------------------ for the instructor


def test_the_class_report_and_grades_are_deterministic(tmp_path, capsys):
    from autograd_tutor import cli

    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("good", "alwaysequal", "crash", "timeout"):
        shutil.copy(REPO / "tests" / "submissions" / f"{name}_01_requires_grad.ipynb", subs)
    outputs = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        assert cli.main(["grade", str(subs), "--out", str(out), "-j", "2",
                         "--timeout", "8"]) == 0
        outputs.append({f: (out / f).read_bytes() for f in ("grades.csv", "report.html")})
    assert outputs[0] == outputs[1]
    report = outputs[0]["report.html"].decode()
    assert "<svg" in report and "Pass rate per task" in report and "timeout" in report
    assert "basics.first_backward" in report and "Misconceptions diagnosed" in report
    err = capsys.readouterr().err
    assert "Isolation: " in err and "ETA" in err
    results = json.loads((tmp_path / "out0" / "results.json").read_text())
    assert results["autograd_tutor_version"]
    assert all(len(s["sha256"]) == 64 for s in results["submissions"])
    assert not (tmp_path / "out0" / _grade.STATE_DIR).exists()
