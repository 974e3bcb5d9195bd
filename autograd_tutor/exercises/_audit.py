"""Audit exercise specs against the catalogue of student answers (``build-exercises``).

Two questions per spec: which of its diagnosis rules does no catalogued wrong answer
trigger (a rule nobody has seen fire may be wrong, or may shadow another), and which two
rules collide on the spec's probe (the answer one mistake gives is also the answer of
another, so the feedback can only list both) without the spec's ``known_collisions``
saying why. The catalogue lives in the source checkout,
``tests/catalogue``: a list of student code with the mistake each one really makes.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path
from typing import Iterator, List, Optional

import numpy as np

from ._diagnosis import diagnose
from ._spec import EXERCISES, Exercise


def _expected(exercise: Exercise) -> dict:
    value = exercise.expected()
    return value if isinstance(value, dict) else {exercise.parts[0]: value}


def rule_answers(exercise: Exercise) -> Iterator[tuple]:
    """(rule, part, answer) for the answer each numeric rule of ``exercise`` recognises."""
    expected = _expected(exercise)
    alternates = exercise.alternates() if exercise.alternates else {}
    for key in exercise.diagnoses:
        for part, ref in expected.items():
            alt = alternates.get(key, ())
            alt = alt.get(part, ()) if isinstance(alt, dict) else alt
            for a in [alt] if isinstance(alt, np.ndarray) else alt:
                yield key, part, np.asarray(a, dtype=np.float64)
            if key == "wrong_sign":
                yield key, part, -ref
            if key in ("extra_factor", "missing_factor"):
                for c in exercise.factors:
                    if (c > 1) == (key == "extra_factor"):
                        yield key, part, c * ref
            if key == "accumulated" and not alternates.get(key):
                yield key, part, 2 * ref
            if key == "unreduced_broadcast" and ref.ndim >= 1:
                yield key, part, np.broadcast_to(ref / 4, (4, *ref.shape)).copy()
            if key == "transposed" and ref.ndim == 2 and ref.shape[0] != ref.shape[1]:
                yield key, part, ref.T.copy()


def collisions(exercise: Exercise) -> List[tuple]:
    """Pairs of rules that recognise the same answer on this spec's probe (sorted, unique)."""
    if exercise.expected is None:
        return []
    expected = _expected(exercise)
    alternates = exercise.alternates() if exercise.alternates else {}
    found = set()
    for key, part, answer in rule_answers(exercise):
        ref = np.asarray(expected[part], dtype=np.float64)
        if answer.shape == ref.shape and exercise.tolerance.close(answer, ref):
            found.add((key, "(the right answer)"))
            continue
        part_alternates = {k: (v[part] if isinstance(v, dict) else v)
                           for k, v in alternates.items() if not isinstance(v, dict) or part in v}
        named, _ = diagnose(answer, ref, keys=exercise.diagnoses, tolerance=exercise.tolerance,
                            factors=exercise.factors, alternates=part_alternates)
        for other in (named or "").split("|"):
            if other and other != key:
                found.add(tuple(sorted((key, other))))
    return sorted(found)


def rules(exercise: Exercise) -> List[str]:
    """The misconception keys an exercise can diagnose."""
    return list(exercise.diagnoses) if exercise.expected is not None else list(exercise.custom)


def load_catalogue(folder: Path) -> Optional[object]:
    """The catalogue package in ``folder`` (``tests/catalogue`` of a checkout), or None."""
    init = folder / "__init__.py"
    if not init.is_file():
        return None
    name = "_autograd_tutor_catalogue"
    spec = importlib.util.spec_from_file_location(name, init,
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def triggered(catalogue: object) -> dict:
    """Exercise id -> the diagnosis keys the catalogue's wrong answers get."""
    from ._check import reset_session

    seen: dict = {}
    for case in catalogue.cases():
        if case.truth == "correct":
            continue
        reset_session()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = catalogue.run_case(case)
        except Exception:  # a case that no longer runs: it triggers nothing
            continue
        for key in (result.misconception or "").split("|"):
            if key:
                seen.setdefault(case.exercise, set()).add(key)
    reset_session()
    return seen


def audit(catalogue_dir: Path) -> List[str]:
    """Report lines: per spec, rules no catalogued answer triggers and colliding rules."""
    catalogue = load_catalogue(catalogue_dir)
    seen = triggered(catalogue) if catalogue is not None else None
    lines = [] if seen is not None else [
        f"no catalogue at {catalogue_dir}: only rule collisions are checked"]
    for exercise in EXERCISES.values():
        problems = []
        if seen is not None:
            unseen = [k for k in rules(exercise) if k not in seen.get(exercise.id, set())]
            if unseen:
                problems.append("no catalogued wrong answer triggers " + ", ".join(unseen))
        clashes = [c for c in collisions(exercise) if c not in exercise.known_collisions]
        if clashes:
            problems.append("rules collide on the probe: "
                            + ", ".join(f"{a} = {b}" for a, b in clashes))
        lines += [f"{exercise.id}: {p}" for p in problems]
    return lines
