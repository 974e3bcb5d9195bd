"""Grade notebooks: run them (see `_runner`), then judge what they recorded, here.

The student's process only ever *records* answers (``check`` appends one JSON line per call to
the file named by ``AUTOGRAD_TUTOR_RECORD``). Everything that decides a grade happens in this,
the grader's, process: which checks a notebook owes (from its file name), which recorded line
counts (the last one per exercise), and the verdict (``evaluate``). So nothing the notebook does
to ``check``, ``evaluate`` or its own answer objects can turn into a pass, and anything odd in
the record (bad JSON, wrong types, forged fields) becomes an "error" for that check only.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .. import __version__
from ._diagnosis import CATALOGUE
from ._report import class_report
from ._result import Result, _Totals
from ._runner import (
    RUN_CRASHED,
    RUN_INVALID,
    NotebookError,
    RunOutcome,
    code_sources,
    read_notebook,
    run_notebook,
    stop_all_runs,
)
from ._sandbox import Sandbox

MAX_RECORD_LINE = 4 * 2**20
COUNTED_STATUSES = ("passed", "failed", "error", "not attempted")
_RECORD_KEYS = {"exercise", "observation"}


def _registry() -> dict:
    from . import EXERCISES
    return EXERCISES


def _evaluate(exercise_id: str, observation: Any) -> Any:
    from . import evaluate
    return evaluate(exercise_id, observation)


# ------------------------------------------------------------------ which checks a file owes


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and f"_{needle}_" in f"_{haystack}_"


def match_notebook(path: str | os.PathLike, stems: Iterable[str]) -> Optional[str]:
    """The exercise notebook a submission file is a copy of, judged by its name.

    Names are compared lower-case with every run of non-alphanumerics read as one ``_``, and a
    stem must appear as whole words: ``alice_03_graph.ipynb``, ``03_graph (1).ipynb``,
    ``03-Graph-Copy1.ipynb`` and ``submissions/03_graph/alice.ipynb`` all match ``03_graph``.
    Failing that, the stem without its number (``graph``) matches when only one notebook has it.
    The longest match wins (``03_graph_extra`` over ``03_graph``).
    """
    path = Path(path)
    stems = sorted(set(stems), key=len, reverse=True)
    for name in (path.stem, path.parent.name):
        name = _normalise(name)
        for stem in stems:
            if _contains(name, _normalise(stem)):
                return stem
        topics = [s for s in stems if _contains(name, _normalise(re.sub(r"^\d+", "", s)))]
        if len(topics) == 1:
            return topics[0]
    return None


def student_name(path: str | os.PathLike, stem: Optional[str]) -> str:
    """Who handed the file in: its name minus the notebook's name and "copy" marks.

    ``Alice Smith - 03_graph (1).ipynb`` -> ``Alice Smith``; a file named just like the
    notebook is named after its folder (``alice/03_graph.ipynb`` -> ``alice``).
    """
    path = Path(path)
    name = path.stem
    if stem:
        words = [re.escape(w) for w in _normalise(stem).split("_")]
        name = re.sub("[^a-zA-Z0-9]*".join(words), " ", name, flags=re.IGNORECASE)
    name = re.sub(r"\(\d+\)|\bcopy\d*\b", " ", name, flags=re.IGNORECASE)
    name = re.sub(r"^[\W_]+|[\W_]+$", "", name)
    name = re.sub(r"\s+", " ", name)
    return name or path.parent.name or path.stem


def expected_ids(stem: Optional[str], recorded: Iterable[str]) -> List[str]:
    """The checks a notebook owes: its notebook's exercises, else those of the one notebook
    it recorded most answers for (never several: a file is one assignment)."""
    registry = _registry()
    if stem is None:
        counts = Counter(registry[i].notebook for i in recorded if i in registry)
        stem = min(counts, key=lambda nb: (-counts[nb], nb)) if counts else None
    return [i for i, ex in registry.items() if ex.notebook == stem]


# ------------------------------------------------------------------ reading the record


@dataclass
class _Bad:
    """A record line that names an exercise but cannot be an honest ``check`` record."""

    reason: str


def parse_record(data: bytes, truncated: bool = False) -> Tuple[Dict[str, Any], List[str]]:
    """Read the record file: ``{exercise id: observation or _Bad}`` (last line wins), problems.

    Lines that are not JSON objects naming an exercise are skipped and counted as problems;
    they cannot be tied to a check, so they can only cost, never earn, points.
    """
    answers: Dict[str, Any] = {}
    skipped: Counter = Counter()
    for line in data.splitlines():
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_LINE:
            skipped["too long"] += 1
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            skipped["not valid JSON"] += 1
            continue
        if not isinstance(record, dict) or not isinstance(record.get("exercise"), str):
            skipped["naming no exercise"] += 1
            continue
        exercise = record["exercise"][:200]
        if set(record) != _RECORD_KEYS or not isinstance(record["observation"], dict):
            answers[exercise] = _Bad("its record is not what check() writes (was it edited "
                                     "or written by hand?)")
        else:
            answers[exercise] = record["observation"]
    problems = [f"{n} record line(s) {why} were ignored" for why, n in skipped.items()]
    if truncated:
        problems.append("the record file was too big; only its beginning was read")
    return answers, problems


# ------------------------------------------------------------------ judging


def _result(exercise_id: str, status: str, message: str) -> Result:
    exercise = _registry().get(exercise_id)
    return Result(exercise=exercise_id, status=status, score=0.0,
                  max_score=float(exercise.points) if exercise else 0.0, message=message,
                  title=exercise.title if exercise else "")


def judge(exercise_id: str, answer: Any) -> Result:
    """Evaluate one recorded answer to a known exercise; anything odd is an "error", not a pass."""
    if isinstance(answer, _Bad):
        return _result(exercise_id, "error", f"The answer for this check was not graded: "
                       f"{answer.reason}")
    try:
        result = _evaluate(exercise_id, answer)
    except Exception as exc:  # noqa: BLE001 - a malformed observation must not stop grading
        return _result(exercise_id, "error", f"The recorded answer could not be graded "
                       f"({type(exc).__name__}). Run the check cell again and resubmit.")
    points = float(_registry()[exercise_id].points)
    if (not isinstance(result, Result) or result.status not in COUNTED_STATUSES
            or not isinstance(result.score, (int, float)) or not 0 <= result.score <= points):
        return _result(exercise_id, "error", "The grader returned an invalid result for this "
                       "check; please report this to your instructor.")
    result.max_score = points
    return result


@dataclass
class Submission(_Totals):
    """One graded notebook: how its run ended and one Result per check it owes or recorded."""

    path: str
    student: str
    notebook: Optional[str]
    run: RunOutcome
    results: List[Result] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    sha256: str = ""

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def to_dict(self) -> dict:
        return {"file": self.path, "sha256": self.sha256, "student": self.student,
                "notebook": self.notebook,
                "score": self.score, "max_score": self.max_score,
                "counts": {s: self.count(s) for s in COUNTED_STATUSES},
                "run": {"status": self.run.status, "detail": self.run.detail,
                        "seconds": round(self.run.seconds, 3),
                        "cells_run": self.run.cells_run, "cells_total": self.run.cells_total,
                        "cells_with_errors": len(self.run.cell_errors),
                        "cell_errors": [{"cell": c, "error": e}
                                        for c, e in self.run.cell_errors[:20]]},
                "problems": self.problems,
                "checks": [r.to_dict() for r in self.results]}


def grade_outcome(path: str | os.PathLike, outcome: RunOutcome,
                  notebook: Optional[str] = None, sha256: str = "") -> Submission:
    """Judge a finished run: one Result per check owed (missing ones "not attempted")."""
    registry = _registry()
    stem = notebook or match_notebook(path, {ex.notebook for ex in registry.values()})
    answers, problems = parse_record(outcome.record, outcome.record_truncated)
    owed = expected_ids(stem, answers)
    if stem is None and not owed:
        problems.append("no exercise notebook matches this file name and it recorded no "
                        "answers; name it after its exercise notebook, e.g. "
                        "alice_01_requires_grad.ipynb")
    sources = code_sources(outcome.notebook) if outcome.notebook is not None else []
    results = [judge(i, answers[i]) if i in answers else
               _result(i, "not attempted", _why_not_recorded(i, outcome, sources))
               for i in owed]
    others = [i for i in answers if i in registry and i not in owed]
    if others:
        problems.append("answers to checks of another assignment were ignored: "
                        + ", ".join(others[:5]) + (" ..." if len(others) > 5 else ""))
    unknown = [repr(i[:40]) for i in answers if i not in registry]
    if unknown:
        problems.append("answers for exercise ids that do not exist were ignored: "
                        + ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else ""))
    return Submission(str(path), student_name(path, stem), stem, outcome, results, problems,
                      sha256)


def _why_not_recorded(exercise_id: str, outcome: RunOutcome, sources: List[str]) -> str:
    """Explain a missing answer from the code cell that calls ``check("<id>", ...)``."""
    if outcome.status == RUN_INVALID:
        return "Not run: the file is not a valid notebook (see the run's detail)."
    calls = (f'"{exercise_id}"', f"'{exercise_id}'")
    cell = next((n for n, src in enumerate(sources, 1) if any(c in src for c in calls)), None)
    if cell is None:
        return ("No answer was recorded: no code cell checks this exercise any more (was the "
                "check cell deleted?).")
    error = dict(outcome.cell_errors).get(cell)
    if error is not None:
        return (f"No answer was recorded: its check cell (code cell {cell}) raised {error}. "
                "Finish the task above it, then run the notebook again from the top.")
    if cell > outcome.cells_run:
        return (f"No answer was recorded: the run stopped ({outcome.status}) before its check "
                f"cell (code cell {cell}); see the run's detail.")
    return (f"No answer was recorded although its check cell (code cell {cell}) ran: was "
            "`check` replaced, or its call skipped?")


def grade_many(paths: Sequence[str | os.PathLike], *, jobs: int = 1, timeout: float = 120.0,
               memory_mb: int = 2048, notebook: Optional[str] = None, isolated: bool = True,
               sandbox: Optional[Sandbox] = None, state_dir: Optional[Path] = None,
               on_done: Optional[Callable[[int, int, Submission], None]] = None,
               ) -> List[Submission]:
    """Run and grade many notebooks, ``jobs`` at a time, each in its own process.

    ``isolated`` runs each submission in a sandbox (``sandbox``, else the strongest this
    machine offers; see `_sandbox`), else in its own folder (a student checking their work).
    With ``state_dir`` every finished run is saved there at once, and a file whose content
    has a saved run is not run again (resuming an interrupted batch). Notebooks run in worker
    threads that just wait on their subprocess; judging happens here, one notebook after the
    other, so ``evaluate`` never runs concurrently.
    """
    own = isolated and sandbox is None
    if own:
        sandbox = Sandbox.create()
    submissions: List[Optional[Submission]] = [None] * len(paths)
    hashes = [file_hash(p) for p in paths]
    keys = [hashlib.sha256(f"{os.path.abspath(p)}\0{h}".encode()).hexdigest()
            for p, h in zip(paths, hashes)]  # a run is saved per file and content
    saved = {n: _load_outcome(state_dir, keys[n], p) for n, p in enumerate(paths)} \
        if state_dir is not None else {}
    done = 0

    def finish(n: int, outcome: RunOutcome) -> None:
        nonlocal done
        done += 1
        submissions[n] = grade_outcome(paths[n], outcome, notebook, hashes[n])
        if on_done is not None:
            on_done(done, len(paths), submissions[n])

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(run_notebook, p, timeout=timeout, memory_mb=memory_mb,
                               sandbox=sandbox if isolated else None): n
                   for n, p in enumerate(paths) if saved.get(n) is None}
        for n, outcome in saved.items():
            if outcome is not None:
                finish(n, outcome)
        for future in as_completed(futures):
            n = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. cannot start a process: keep going
                outcome = RunOutcome(RUN_CRASHED, f"could not run it: {exc}")
            if state_dir is not None:
                _save_outcome(state_dir, keys[n], outcome)
            finish(n, outcome)
    except BaseException:  # Ctrl-C: end the running notebooks, start no more
        stop_all_runs()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if own:
            sandbox.close()
    return [s for s in submissions if s is not None]


def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes ("" if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(2**20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


_SAVED_FIELDS = ("status", "detail", "seconds", "cells_total", "cells_run", "record_truncated",
                 "log_tail")


def _state_file(state_dir: Path, digest: str) -> Path:
    return state_dir / f"{digest}-{__version__}.json"


def _save_outcome(state_dir: Path, digest: str, outcome: RunOutcome) -> None:
    """Keep a finished run (atomically), so an interrupted batch can resume after it."""
    data = {name: getattr(outcome, name) for name in _SAVED_FIELDS}
    data["cell_errors"] = outcome.cell_errors
    data["record"] = base64.b64encode(outcome.record).decode("ascii")
    atomic_write(_state_file(state_dir, digest), json.dumps(data).encode("utf-8"))


def _load_outcome(state_dir: Path, digest: str, path: str | os.PathLike,
                  ) -> Optional[RunOutcome]:
    try:
        data = json.loads(_state_file(state_dir, digest).read_bytes())
        outcome = RunOutcome(**{name: data[name] for name in _SAVED_FIELDS})
        outcome.cell_errors = [(int(c), str(e)) for c, e in data["cell_errors"]]
        outcome.record = base64.b64decode(data["record"])
        outcome.notebook = read_notebook(path) if outcome.status != RUN_INVALID else None
        return outcome
    except (OSError, ValueError, KeyError, TypeError, NotebookError):
        return None


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` so that it is either the old file or the complete new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------ reports


def _cell(value: Any) -> Any:
    """Keep spreadsheet programs from running text that starts like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _misconception_title(key: Optional[str]) -> str:
    if not key:
        return ""
    entry = CATALOGUE.get(key)
    return entry.title if entry is not None else str(key)


GRADES_COLUMNS = ("file", "student", "notebook", "score", "max_score", "passed", "failed",
                  "error", "not_attempted", "run_status", "run_detail", "sha256")
CHECKS_COLUMNS = ("file", "student", "exercise", "title", "status", "score", "max_score",
                  "misconception", "message")


def write_reports(submissions: Sequence[Submission], out_dir: str | os.PathLike) -> List[Path]:
    """Write results.json, grades.csv (one row per submission), checks.csv (one per check),
    each atomically (a crash leaves the previous reports, never half of new ones)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "grades.csv", out / "checks.csv"]
    results = {"autograd_tutor_version": __version__,
               "submissions": [s.to_dict() for s in submissions]}
    atomic_write(paths[0], json.dumps(results, indent=1, default=str).encode("utf-8"))
    atomic_write(paths[1], _csv(GRADES_COLUMNS, (
        (s.path, s.student, s.notebook or "", f"{s.score:g}", f"{s.max_score:g}",
         s.count("passed"), s.count("failed"), s.count("error"), s.count("not attempted"),
         s.run.status, s.run.detail, s.sha256) for s in submissions)))
    atomic_write(paths[2], _csv(CHECKS_COLUMNS, (
        (s.path, s.student, r.exercise, r.title, r.status, f"{r.score:g}", f"{r.max_score:g}",
         r.misconception or "", r.message) for s in submissions for r in s.results)))
    return paths


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return text.getvalue().encode("utf-8")


def class_summary(submissions: Sequence[Submission], top: int = 5) -> str:
    """A few lines for the instructor: runs, mean score, the class's commonest mistakes."""
    if not submissions:
        return "No submissions graded."
    runs = Counter(s.run.status for s in submissions)
    lines = [f"Graded {len(submissions)} submission(s): "
             + ", ".join(f"{n} {status}" for status, n in runs.most_common()) + "."]
    if runs.get(RUN_INVALID):
        lines.append("Invalid notebooks: " + ", ".join(
            Path(s.path).name for s in submissions if s.run.status == RUN_INVALID))
    scores = [s.score / s.max_score for s in submissions if s.max_score]
    if scores:
        lines.append(f"Mean score: {100 * sum(scores) / len(scores):.0f}%.")
    mistakes: Counter = Counter()
    where: Dict[str, Counter] = {}
    for s in submissions:
        for r in s.results:
            if r.misconception and r.status != "passed":
                mistakes[r.misconception] += 1
                where.setdefault(r.misconception, Counter())[r.exercise] += 1
    if mistakes:
        lines.append("Most common misconceptions:")
        for key, n in mistakes.most_common(top):
            exercises = ", ".join(e for e, _ in where[key].most_common(3))
            lines.append(f"  {n:4d} x {_misconception_title(key)}  ({exercises})")
    passes: Dict[str, List[int]] = {}
    for s in submissions:
        for r in s.results:
            passes.setdefault(r.exercise, [0, 0])
            passes[r.exercise][0] += r.status == "passed"
            passes[r.exercise][1] += 1
    hardest = sorted(passes.items(), key=lambda kv: kv[1][0] / kv[1][1])[:3]
    if hardest and hardest[0][1][0] < hardest[0][1][1]:
        lines.append("Fewest passes: " + ", ".join(f"{e} ({p}/{n})" for e, (p, n) in hardest))
    return "\n".join(lines)


STATE_DIR = ".autograd-tutor-state"


def grade_class(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike, *,
                sandbox: Sandbox, jobs: int = 1, timeout: float = 120.0, memory_mb: int = 2048,
                notebook: Optional[str] = None,
                on_done: Optional[Callable[[int, int, Submission], None]] = None,
                ) -> Tuple[List[Submission], List[Path]]:
    """Grade a class into ``out_dir``: the reports are written once, at the end; until then
    each finished run is kept in a private folder there, so an interrupted batch resumes
    where it stopped. Nothing in ``out_dir`` is ever visible to a submission."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = out / STATE_DIR
    state.mkdir(mode=0o700, exist_ok=True)
    state.chmod(0o700)
    submissions = grade_many(paths, jobs=jobs, timeout=timeout, memory_mb=memory_mb,
                             notebook=notebook, sandbox=sandbox, state_dir=state,
                             on_done=on_done)
    report = out / "report.html"
    atomic_write(report, class_report(submissions).encode("utf-8"))
    written = [*write_reports(submissions, out), report]
    shutil.rmtree(state, ignore_errors=True)
    return submissions, written
