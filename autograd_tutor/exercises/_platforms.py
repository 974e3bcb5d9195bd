"""Grading on the platforms courses use: Gradescope and PrairieLearn (external grading).

Both run each submission in a container of their own; inside it, the same grader runs the
notebook in the strongest sandbox the container allows, as an unprivileged user when it runs
as root, and writes the platform's results file, a valid one even when grading crashes.

- Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip holds
  ``setup.sh`` and ``run_autograder``; the submission is in ``/autograder/submission``, the
  results go to ``/autograder/results/results.json``.
- PrairieLearn (https://prairielearn.readthedocs.io/en/latest/externalGrading/): the files are
  in ``/grade/student``, the results go to ``/grade/results/results.json``.

The root (``/autograder``, ``/grade``) can be moved with ``AUTOGRADER_ROOT`` (for tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import traceback
import zipfile
from pathlib import Path
from typing import List, Optional, Sequence

from ._grade import Submission, grade_many
from ._sandbox import Sandbox

GRADESCOPE, PRAIRIELEARN = "gradescope", "prairielearn"
_ROOTS = {GRADESCOPE: "/autograder", PRAIRIELEARN: "/grade"}
_SUBMISSION = {GRADESCOPE: "submission", PRAIRIELEARN: "student"}
_TIMEOUT = 300.0


def _feedback(result) -> str:
    text = result.message or ""
    if result.misconception:
        text += f"\n(misconception: {result.misconception})"
    if result.hint and result.status != "passed":
        text += f"\nHint: {result.hint}"
    return text.strip()


def _run_note(sub: Submission) -> str:
    lines = [f"Run: {sub.run.status}" + (f" - {sub.run.detail}" if sub.run.detail else "")]
    lines += [f"Code cell {cell} raised {error}" for cell, error in sub.run.cell_errors[:10]]
    lines += sub.problems
    return "\n".join(lines)


def gradescope_results(sub: Submission) -> dict:
    """Gradescope's results.json for one graded notebook (one test per check)."""
    tests = [{"name": f"{r.exercise}: {r.title}" if r.title else r.exercise,
              "score": float(r.score), "max_score": float(r.max_score),
              "status": "passed" if r.status == "passed" else "failed",
              "output": _feedback(r), "visibility": "visible"} for r in sub.results]
    return {"score": float(sub.score), "output": _run_note(sub), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def prairielearn_results(sub: Submission) -> dict:
    """PrairieLearn's external grading results.json for one graded notebook."""
    tests = [{"name": r.exercise, "description": r.title, "points": float(r.score),
              "max_points": float(r.max_score), "message": _feedback(r), "output": ""}
             for r in sub.results]
    score = sub.score / sub.max_score if sub.max_score else 0.0
    return {"gradable": True, "score": min(1.0, max(0.0, float(score))),
            "message": _run_note(sub), "output": "", "tests": tests}


def crash_results(platform: str, reason: str) -> dict:
    """A valid results file for when grading itself failed: no score, the reason shown."""
    message = ("The autograder could not grade this submission; please tell your "
               f"instructor. ({reason})")
    if platform == GRADESCOPE:
        return {"score": 0.0, "output": message, "visibility": "visible", "tests": []}
    return {"gradable": False, "score": 0.0, "message": message, "output": "", "tests": []}


def grade_submission(platform: str, root: Path, notebook: Optional[str]) -> dict:
    """Grade the one notebook the platform put in its submission folder."""
    folder = root / _SUBMISSION[platform]
    found = sorted(folder.rglob("*.ipynb"))
    found = [p for p in found if ".ipynb_checkpoints" not in p.parts]
    if not found:
        raise FileNotFoundError(f"no .ipynb file was submitted (looked in {folder})")
    sandbox = Sandbox.create()
    try:
        sub = grade_many(found[:1], notebook=notebook, sandbox=sandbox, timeout=_TIMEOUT)[0]
    finally:
        sandbox.close()
    return gradescope_results(sub) if platform == GRADESCOPE else prairielearn_results(sub)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """What the platform's script runs: grade, and always leave a valid results file."""
    parser = argparse.ArgumentParser(prog="python -m autograd_tutor.exercises._platforms")
    parser.add_argument("platform", choices=(GRADESCOPE, PRAIRIELEARN))
    parser.add_argument("--notebook", default=None)
    args = parser.parse_args(argv)
    root = Path(os.environ.get("AUTOGRADER_ROOT", _ROOTS[args.platform]))
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = grade_submission(args.platform, root, args.notebook)
    except Exception as exc:  # noqa: BLE001 - the platform must get a results file anyway
        traceback.print_exc()
        results = crash_results(args.platform, f"{type(exc).__name__}: {exc}"[:500])
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


_SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder image: pip only.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
"$PYTHON" -m pip install --no-cache-dir "$ROOT"/source/WHEEL
# Student code runs as another user: it must not read the answer keys or this folder.
FIND_PACKAGE='import autograd_tutor, os; print(os.path.dirname(autograd_tutor.__file__))'
PACKAGE="$("$PYTHON" -c "$FIND_PACKAGE")"
chmod -R go-rwx "$PACKAGE/exercises/specs" "$ROOT/source"
"""

_RUN = """#!/usr/bin/env bash
# {platform} runs this for every submission; it always leaves a valid results.json.
ROOT="${{AUTOGRADER_ROOT:-{root}}}"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
export AUTOGRADER_ROOT="$ROOT"
mkdir -p "$ROOT/results"
chmod go-w "$ROOT/results"
"$PYTHON" -m autograd_tutor.exercises._platforms {platform} --notebook {notebook}
if [ ! -s "$ROOT/results/results.json" ]; then
  printf '%s\\n' {fallback} > "$ROOT/results/results.json"
fi
"""


def run_script(platform: str, notebook: str) -> str:
    """The script the platform runs per submission (``run_autograder``, ``run.sh``)."""
    fallback = json.dumps(crash_results(platform, "the grader could not start"))
    return _RUN.format(platform=platform, root=_ROOTS[platform],
                       notebook=shlex.quote(notebook), fallback=shlex.quote(fallback))


def prairielearn_script(out: Path, notebook: str) -> Path:
    """Write PrairieLearn's entrypoint script (``run.sh``) grading ``notebook``."""
    out.write_text(run_script(PRAIRIELEARN, notebook))
    out.chmod(0o755)
    return out


def gradescope_zip(out: Path, wheel: Path, notebook: str) -> Path:
    """Write Gradescope's autograder zip: setup.sh, run_autograder and the package wheel."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("setup.sh", _SETUP.replace("WHEEL", shlex.quote(wheel.name))),
                           ("run_autograder", run_script(GRADESCOPE, notebook))):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16
            zf.writestr(info, text)
        zf.write(wheel, wheel.name)
    return out


def build_wheel(dest: Path) -> Path:
    """Build this package's wheel (from its source checkout) into ``dest``."""
    import subprocess
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dest), str(repo)], check=True)
    wheels: List[Path] = sorted(dest.glob("autograd_tutor-*.whl"))
    return wheels[-1]


if __name__ == "__main__":
    sys.exit(main())
