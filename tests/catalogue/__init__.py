"""A catalogue of realistic student answers, one ``Case`` per answer, for every exercise.

Each case is the code a beginner writes (ending in ``result = check(EX, ...)``), the mistake
it really makes (``truth``; "correct" for right answers written in an unusual way), and
the verdict and diagnosis the checker must give (``key`` None: the honest generic message).
The catalogue measures the diagnosis rules: a case whose mistake no rule is designed for
belongs here too, and must get the generic message, never a wrong diagnosis.

``run_case`` runs a case as a notebook cell would; ``confusion`` tabulates diagnosis given
vs mistake made; ``misleading`` lists the cases whose diagnosis names a mistake not made.
This module is also loaded by ``autograd-tutor build-exercises`` to audit new specs.
"""

from __future__ import annotations

import linecache
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .cases import CASES, COMPATIBLE


@dataclass(frozen=True)
class Case:
    exercise: str
    truth: str
    code: str
    status: str
    key: Optional[str]


def cases() -> list:
    return [Case(*c) for c in CASES]


def run_case(case: Case) -> Any:
    """Run a case's code as a notebook cell (source visible to linecache); return its Result."""
    import numpy as np

    import autograd_tutor as torch
    from autograd_tutor.exercises import check

    code = f"EX = {case.exercise!r}\n" + textwrap.dedent(case.code)
    filename = f"<catalogue cell {abs(hash(code))}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {"torch": torch, "np": np, "check": check}
    torch.set_grad_enabled(True)
    try:
        exec(compile(code, filename, "exec"), namespace)
    finally:
        torch.set_grad_enabled(True)
    return namespace["result"]


def names(key: Optional[str], truth: str) -> bool:
    """Does diagnosis ``key`` name the mistake ``truth`` (a listing of causes names each)?"""
    if key is None:
        return True
    return any(truth == k or truth in COMPATIBLE.get(k, ()) for k in key.split("|"))


def is_misleading(case: Case, status: str, key: Optional[str]) -> bool:
    """A right answer that fails, a wrong one that passes, or a diagnosis of another mistake."""
    if case.truth == "correct":
        return status != "passed"
    if status == "passed":
        return True
    return not names(key, case.truth)


def confusion(outcomes: Iterable[tuple]) -> str:
    """The table: mistake made (rows) vs diagnosis given (columns), from (case, status, key)."""
    counts: Counter = Counter()
    for case, status, key in outcomes:
        given = "PASSED" if status == "passed" else (key or "(generic)")
        mark = "!" if is_misleading(case, status, key) else ""
        counts[(case.truth, mark + given)] += 1
    rows = sorted({t for t, _ in counts})
    lines = ["mistake made -> diagnosis given (count; ! = misleading)"]
    for truth in rows:
        given = ", ".join(f"{g} x{n}" for (t, g), n in sorted(counts.items()) if t == truth)
        lines.append(f"  {truth:<26} {given}")
    return "\n".join(lines)
