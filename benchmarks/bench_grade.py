"""How fast `autograd-tutor grade` is, per isolation level. Prints timings; no asserts.

Targets (issue 14): with the strong sandbox, at least 200 notebooks a minute with ``-j 2`` on
2 cores; a hostile notebook (an endless loop) costs no more than its own timeout.

    python benchmarks/bench_grade.py [N]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograd_tutor.exercises._grade import grade_many  # noqa: E402
from autograd_tutor.exercises._sandbox import LEVELS, Sandbox, bwrap_works  # noqa: E402

SUBMISSIONS = Path(__file__).resolve().parents[1] / "tests" / "submissions"


def main(n: int = 40) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k in range(n):
            path = Path(tmp, f"student{k:03d}_01_requires_grad.ipynb")
            shutil.copy(SUBMISSIONS / "good_01_requires_grad.ipynb", path)
            paths.append(path)
        loop = Path(tmp, "loop_01_requires_grad.ipynb")
        shutil.copy(SUBMISSIONS / "timeout_01_requires_grad.ipynb", loop)
        for level in LEVELS:
            if level == "bwrap" and not bwrap_works():
                print("bwrap: not available")
                continue
            sandbox = Sandbox.create(level)
            try:
                started = time.monotonic()
                subs = grade_many(paths, jobs=2, timeout=60, sandbox=sandbox)
                seconds = time.monotonic() - started
                assert all(s.score == 3 for s in subs)
                started = time.monotonic()
                grade_many([loop], timeout=5, sandbox=sandbox)
                hostile = time.monotonic() - started
            finally:
                sandbox.close()
            print(f"{level:8s} {n} notebooks with -j 2: {seconds:5.1f} s = "
                  f"{60 * n / seconds:4.0f} notebooks/min; an endless loop with a 5 s "
                  f"timeout cost {hostile:.1f} s  ({sandbox.describe()})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
