"""The catalogue of realistic student answers (tests/catalogue): every case gets its verdict
and its exact diagnosis, and no diagnosis names a mistake the student did not make."""

from __future__ import annotations

import re
import warnings

import pytest
from catalogue import cases, confusion, is_misleading, run_case

from autograd_tutor.exercises import EXERCISES, hint, reset_session

CASES = cases()


def _outcome(case):
    reset_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_case(case)
    return result


@pytest.fixture(scope="module")
def outcomes():
    return [(case, _outcome(case)) for case in CASES]


def test_catalogue_size():
    assert len(CASES) >= 150
    for exercise_id in EXERCISES:
        mine = [c for c in CASES if c.exercise == exercise_id]
        assert sum(c.truth != "correct" for c in mine) >= 5, exercise_id
        assert any(c.truth == "correct" for c in mine), exercise_id


def test_no_misleading_diagnosis(outcomes):
    rows = [(case, r.status, r.misconception) for case, r in outcomes]
    table = confusion(rows)
    print("\n" + table)
    bad = [f"{c.exercise} [{c.truth}] -> {s} {k}" for c, s, k in rows if is_misleading(c, s, k)]
    assert not bad, f"{len(bad)} misleading:\n" + "\n".join(bad) + "\n\n" + table


@pytest.mark.parametrize("index", range(len(CASES)),
                         ids=[f"{c.exercise}-{c.truth}-{i}" for i, c in enumerate(CASES)])
def test_case(index):
    case = CASES[index]
    result = _outcome(case)
    assert (result.status, result.misconception) == (case.status, case.key), result.message
    if case.status == "passed":
        return
    assert result.score == 0
    assert not re.search(r"\{\w+\}", result.message), result.message
    shown = [str(hint(case.exercise)) for _ in range(4)]
    for text in shown:
        assert not re.search(r"\{\w+\}", text), text
