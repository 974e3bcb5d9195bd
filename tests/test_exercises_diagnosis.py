"""Every catalogued mistake of every exercise is far from the right answer and is recognised.

For each exercise and each misconception it lists, we build the answer a student holding
that misconception gives (from the exercise's own expected value and alternates, in the
grader's process), then check (1) it differs from the right answer by far more than the
stated tolerance, so probe points and upstream gradients really separate the mistakes, and
(2) evaluate() names exactly that misconception, i.e. no earlier entry shadows it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_tutor.exercises import EXERCISES, evaluate
from autograd_tutor.exercises._audit import rule_answers
from autograd_tutor.exercises._diagnosis import CATALOGUE, Tolerance, diagnose, sum_to_shape
from autograd_tutor.exercises._observe import encode

NUMERIC = sorted(k for k, e in EXERCISES.items() if e.expected is not None)


def _expected(exercise) -> dict:
    value = exercise.expected()
    return value if isinstance(value, dict) else {exercise.parts[0]: value}


def _mistakes(exercise):
    """(key, part, mistaken array) for every misconception the exercise lists."""
    yield from rule_answers(exercise)


def _observation(exercise, part, mistaken):
    parts = _expected(exercise)
    if len(exercise.parts) == 1:
        obs = encode(mistaken)
    else:
        obs = {"type": "seq", "items": [encode(mistaken if p == part else parts[p])
                                        for p in exercise.parts]}
    if exercise.probe is not None:  # answers that are functions are judged by what they return
        return {"type": "probed", "of": {"type": "callable", "name": "f"}, "result": obs}
    return obs


CASES = [(k, key, part, i, m) for k in NUMERIC
         for i, (key, part, m) in enumerate(_mistakes(EXERCISES[k]))]


def test_every_numeric_exercise_has_several_catalogued_mistakes():
    for exercise_id in NUMERIC:
        keys = {key for key, _, _ in _mistakes(EXERCISES[exercise_id])}
        assert len(keys) >= 2, exercise_id


@pytest.mark.parametrize("exercise_id,key,part,index,mistaken", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}" for c in CASES])
def test_mistake_is_far_from_reference_and_diagnosed(exercise_id, key, part, index, mistaken):
    exercise = EXERCISES[exercise_id]
    ref = _expected(exercise)[part]
    tolerance = exercise.tolerance
    if mistaken.shape == ref.shape:
        assert tolerance.distance(mistaken, ref) > 100, "the mistake hides near the answer"
    result = evaluate(exercise_id, _observation(exercise, part, mistaken))
    assert result.status == "failed"
    # Named alone, or listed with the other mistakes that give exactly the same answer.
    assert key in result.misconception.split("|"), result.misconception
    assert result.hint


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_reference_passes_as_float32_and_as_list(exercise_id):
    exercise = EXERCISES[exercise_id]
    expected = _expected(exercise)
    for convert in (lambda a: a.astype(np.float32), lambda a: a.tolist()):
        if len(exercise.parts) == 1:
            obs = encode(convert(expected[exercise.parts[0]]))
        else:
            obs = {"type": "seq", "items": [encode(convert(expected[p])) for p in exercise.parts]}
        if exercise.probe is not None:
            obs = {"type": "probed", "of": {"type": "callable", "name": "f"}, "result": obs}
        assert evaluate(exercise_id, obs).status == "passed"


def test_probe_points_avoid_coincidences():
    """x = 2 makes x**2 equal 2x; an all-ones upstream gradient hides a missing multiply."""
    from autograd_tutor.exercises.specs import basics, derivatives, functions

    assert basics.X != 2.0
    assert not np.any(np.isclose(derivatives.P_POWER, 2.0))
    for upstream in (basics.V, functions.G1, functions.G2, functions.G3):
        assert not np.allclose(upstream, 1.0)
        assert len(set(np.round(upstream, 6))) == upstream.size


def test_diagnose_order_and_factor_text():
    tol = Tolerance()
    ref = np.array([1.0, -2.0, 3.0])
    keys = ("wrong_sign", "extra_factor", "missing_factor", "accumulated")
    assert diagnose(-ref, ref, keys=keys, tolerance=tol)[0] == "wrong_sign"
    # Exactly twice: a factor too many and two backward calls both fit, so both are listed.
    assert diagnose(2 * ref, ref, keys=keys, tolerance=tol) == (
        "accumulated|extra_factor", {"factor": 2, "k": 2})
    assert diagnose(ref / 3, ref, keys=keys, tolerance=tol, factors=(1 / 3,)) == (
        "missing_factor", {"factor": "1/3"})
    assert diagnose(3 * ref, ref, keys=keys, tolerance=tol) == (
        "accumulated", {"k": 3, "factor": 3})
    assert diagnose(3 * ref, ref, keys=keys, tolerance=tol, formula=True)[0] is None
    assert diagnose(ref + 0.5, ref, keys=keys, tolerance=tol) == (None, {})
    assert diagnose(np.zeros(3), np.zeros(3) + 1e-9, keys=keys, tolerance=tol)[0] is None


def test_sum_to_shape_undoes_broadcasting():
    ref = np.array([[1.0, 2.0]])
    big = np.broadcast_to(ref / 3, (3, 1, 2))
    np.testing.assert_allclose(sum_to_shape(big, (1, 2)), ref)
    assert sum_to_shape(np.ones((2, 3)), (4,)) is None


def test_catalogue_messages_have_hints():
    for entry in CATALOGUE.values():
        assert entry.message and entry.hints, entry.key


_REFS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                   elements=st.floats(0.2, 9.0) | st.floats(-9.0, -0.2))
_MISTAKES = {
    "wrong_sign": lambda r: -r,
    "extra_factor": lambda r: 7.5 * r,
    "missing_factor": lambda r: r / 2,
    "accumulated": lambda r: 4 * r,
    "unreduced_broadcast": lambda r: np.stack([r / 5] * 5),
    "transposed": lambda r: r.T,
}


@given(ref=_REFS, key=st.sampled_from(sorted(_MISTAKES)))
def test_generic_mistakes_are_named_for_any_reference(ref, key):
    assume(key != "transposed" or (ref.ndim == 2 and ref.shape[0] != ref.shape[1]))
    tol = Tolerance()
    keys = ("wrong_sign", "extra_factor", "missing_factor", "accumulated",
            "unreduced_broadcast", "transposed")
    got = _MISTAKES[key](ref)
    assert diagnose(got, ref, keys=keys, tolerance=tol, factors=(7.5, 0.5))[0] == key
    assert tol.close(ref.astype(np.float32).astype(np.float64), ref)
    assert diagnose(ref + 0.05, ref, keys=keys, tolerance=tol, factors=(7.5, 0.5))[0] is None
