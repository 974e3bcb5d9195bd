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
    said = re.search(r"should (?:be|return) (.+?), but (?:it is|it returned|calling it gave) "
                     r"(.+?)\.", result.message)
    assert not said or said.group(1) != said.group(2), result.message  # no contradiction
    shown = [str(hint(case.exercise)) for _ in range(4)]
    for text in shown:
        assert not re.search(r"\{\w+\}", text), text


def _solution_lines() -> dict:
    """Exercise id -> the code lines of its master's solution region (whitespace removed)."""
    import json
    from pathlib import Path

    found: dict = {}
    for path in sorted(Path(__file__).parents[1].glob("exercises/solutions/*.ipynb")):
        region: list = []
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if "### BEGIN SOLUTION" in source:
                inside = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION")[0]
                region = ["".join(line.split()) for line in inside.splitlines()]
            for exercise_id in re.findall(r'check\("([\w.]+)"', source):
                found[exercise_id] = [line for line in region if _is_statement(line)]
    return found


def _is_statement(line: str) -> bool:
    """A line that solves something: an assignment, a return, or a long expression (not an API
    name such as `z.backward()` or `with torch.no_grad():`, which hints may mention)."""
    return ("=" in line.replace("==", "") and len(line) >= 8) or line.startswith("return") \
        or len(line) >= 25


def _all_hints(exercise) -> list:
    from autograd_tutor.exercises import CATALOGUE

    hints = list(exercise.hints)
    for entry in exercise.custom.values():
        hints += list(entry.hints)
    for extra in exercise.misconception_hints.values():
        hints += list(extra)
    for key in exercise.diagnoses:
        if key in CATALOGUE:
            hints += list(CATALOGUE[key].hints)
    return hints


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_hints_teach_in_steps_and_never_give_the_solution_line(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert len(exercise.hints) >= 3, "concept, method, close to the code"
    assert exercise.hints[0].startswith("Concept:")
    solution = _solution_lines()[exercise_id]
    assert solution, exercise_id
    for text in _all_hints(exercise):
        squeezed = "".join(text.split())
        for line in solution:
            assert line not in squeezed, (text, line)


def test_hint_without_a_check_gives_the_steps_in_order():
    reset_session()
    exercise = EXERCISES["basics.first_backward"]
    assert [str(hint(exercise.id)) for _ in exercise.hints] == list(exercise.hints)
