"""What an exercise is: one ``Exercise`` spec per check cell.

A spec says how to turn the student's answer into data (``probe``, run in the student's
process) and how to judge that data (``expected``/``alternates`` or ``judge``, run in the
grader's process). Expected values are computed when judging, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from ._diagnosis import Tolerance

# The order in which numeric answers are diagnosed (see _diagnosis.diagnose).
DEFAULT_KEYS = ("wrong_sign", "extra_factor", "missing_factor", "accumulated",
                "unreduced_broadcast", "transposed", "value_not_grad", "missing_upstream",
                "wrong_point")


@dataclass(frozen=True)
class Verdict:
    """What a custom ``judge`` decides about an observation."""

    passed: bool
    misconception: Optional[str] = None
    message: Optional[str] = None
    hints: tuple = ()


@dataclass(frozen=True)
class Exercise:
    """One check.

    ``expected()`` returns a float64 array, or a dict ``part -> array`` for answers in
    several parts (e.g. ``(w.grad, b.grad)``). ``alternates()`` returns, per misconception
    key, what a student holding that misconception would answer (same layout), so that the
    diagnosis can recognise it. ``judge(observation)`` replaces the numeric comparison for
    answers that are not numbers (graph facts, names, flags). ``probe(answer)`` runs in the
    student's process on answers that are functions (or classes, with ``probes_classes``)
    and returns what to observe. ``custom`` adds exercise-specific
    misconceptions (key -> ``Misconception``) to the catalogue; ``misconception_hints`` adds
    exercise-specific hints to catalogue entries. ``known_collisions`` lists the pairs of
    rules that give the same answer on this task whatever its inputs (the feedback lists both
    causes); the spec's comment says why.
    """

    id: str
    notebook: str
    title: str
    points: int = 1
    expected: Optional[Callable[[], Any]] = None
    alternates: Optional[Callable[[], Mapping]] = None
    judge: Optional[Callable[[dict], Verdict]] = None
    probe: Optional[Callable[[Any], Any]] = None
    probes_classes: bool = False
    answer_kind: str = "a tensor"
    answer_is_grad: bool = True
    diagnoses: tuple = DEFAULT_KEYS
    factors: tuple = (2.0, 0.5)
    tolerance: Tolerance = field(default_factory=Tolerance)
    hints: tuple = ()
    misconception_hints: Mapping = field(default_factory=dict)
    custom: Mapping = field(default_factory=dict)
    parts: tuple = ("",)
    known_collisions: tuple = ()


EXERCISES: dict = {}


def register(*exercises: Exercise) -> None:
    for exercise in exercises:
        if exercise.id in EXERCISES:
            raise ValueError(f"duplicate exercise id {exercise.id!r}")
        EXERCISES[exercise.id] = exercise
