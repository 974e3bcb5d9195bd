"""observe / evaluate / check / hint / summary: JSON observations, grading mode, robustness
against odd and hostile input, and feedback that escapes student text and never shows the
expected numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import autograd_tutor as torch
from autograd_tutor.exercises import (
    EXERCISES,
    RECORD_ENV,
    Exercise,
    Result,
    _check,
    check,
    evaluate,
    hint,
    observe,
    reset_session,
    summary,
)
from autograd_tutor.exercises._observe import encode


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.delenv(RECORD_ENV, raising=False)
    reset_session()


def _strict_json(obs):
    return json.loads(json.dumps(obs, allow_nan=False))


# ------------------------------------------------------------------ observations

def test_tensor_observation_records_values_shape_dtype_and_graph_facts():
    x = torch.tensor([3.0], requires_grad=True)
    y = 2 * x
    obs = observe("basics.first_backward", y)
    assert obs == {"type": "tensor", "shape": [1], "dtype": "float32", "data": [6.0],
                   "requires_grad": True, "is_leaf": False, "grad_fn": "MulBackward0"}


@pytest.mark.parametrize("answer,expected", [
    (3, {"type": "array", "origin": "number", "shape": [], "dtype": "float64", "data": [3.0]}),
    (np.float32(0.5), {"type": "array", "origin": "number", "shape": [], "dtype": "float32",
                       "data": [0.5]}),
    ([[1, 2]], {"type": "array", "origin": "list", "shape": [1, 2], "dtype": "float64",
                "data": [1.0, 2.0]}),
    (np.array([math.nan, math.inf]), {"type": "array", "origin": "ndarray", "shape": [2],
                                      "dtype": "float64", "data": ["nan", "inf"]}),
    (True, {"type": "bool", "value": True}),
    ("AddBackward0", {"type": "str", "value": "AddBackward0"}),
    (None, {"type": "none"}),
    (..., {"type": "missing"}),
])
def test_plain_answers_become_strict_json(answer, expected):
    obs = observe("basics.first_backward", answer)
    assert obs == expected and _strict_json(obs) == obs


def test_containers_and_unknown_objects():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    obs = encode({"a": [torch.tensor([1.0]), "s"], "b": AlwaysEqual()})
    assert obs["items"]["b"] == {"type": "object", "class": "AlwaysEqual"}
    assert obs["items"]["a"]["type"] == "seq"
    assert _strict_json(obs) == obs
    result = evaluate("basics.first_backward", observe("basics.first_backward", AlwaysEqual()))
    assert result.status == "failed" and result.misconception == "wrong_type"


def test_unreadable_answers_do_not_crash_check():
    class Hostile:
        def __str__(self):
            raise RuntimeError("no")

    result = check("basics.first_backward", {Hostile(): 1})
    assert result.status == "failed" and result.misconception == "wrong_type"


def test_callables_are_probed_and_errors_keep_only_student_frames():
    def dfdx(x):
        return helper(x)

    def helper(x):
        raise ZeroDivisionError("student bug")

    obs = observe("derivatives.power_rule", dfdx)
    assert obs["type"] == "error" and obs["error"] == "ZeroDivisionError"
    assert [f["function"] for f in obs["frames"]] == ["dfdx", "helper"]
    assert all("autograd_tutor" not in f["file"] for f in obs["frames"])
    ok = observe("derivatives.power_rule", lambda x: 12 * x ** 3 - 2)
    assert ok["type"] == "probed" and len(ok["result"]["items"]) == 4
    assert _strict_json(ok) == ok


def test_function_class_probe_uses_a_non_trivial_upstream_gradient():
    seen = []

    class Spy(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            seen.append(g.numpy().copy())
            return g

    observe("functions.softplus", Spy)
    assert len(seen) == 1 and not np.allclose(seen[0], 1.0)


# ------------------------------------------------------------------ grading mode

def test_record_mode_only_observes_and_appends_json(tmp_path, monkeypatch):
    path = tmp_path / "record.jsonl"
    monkeypatch.setenv(RECORD_ENV, str(path))

    def forbidden(*args, **kwargs):
        raise AssertionError("expected values must not be computed in the student's process")

    monkeypatch.setattr(_check, "evaluate", forbidden)
    monkeypatch.setattr(_check, "_judge_numeric", forbidden)
    r1 = check("basics.first_backward", torch.tensor([12.0]))
    r2 = check("derivatives.power_rule", lambda x: x)
    assert r1.status == r2.status == "recorded" and r1.score == 0
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["exercise"] for line in lines] == ["basics.first_backward",
                                                     "derivatives.power_rule"]
    assert lines[0]["observation"]["data"] == [12.0]
    assert r2.message == "Answer recorded for grading." and r2.hint is None
    monkeypatch.undo()
    assert evaluate("basics.first_backward", lines[0]["observation"]).status == "passed"


def test_an_answer_read_from_a_grad_is_never_called_the_forward_value():
    xe = torch.tensor([0.3, -0.8, 1.1], requires_grad=True)
    xe.grad = (xe.exp() + 1).detach() * torch.tensor([2.0, -1.0, 0.5])  # the value's numbers
    seen = check("inplace.saved_tensor", xe.grad)
    assert observe("inplace.saved_tensor", xe.grad)["type"] == "tensor"
    assert seen.status == "failed" and seen.misconception is None
    value = xe.grad.clone()
    assert check("inplace.saved_tensor", value).misconception == "value_not_grad"


@pytest.mark.parametrize("answer", [np.array([-1.6, 3.6, -0.2]), [-1.6, 3.6, -0.2]])
def test_predictions_as_plain_numbers_pass(answer):
    assert check("no_grad.inference", answer).status == "passed"


# ------------------------------------------------------------------ evaluate robustness

@pytest.mark.parametrize("obs", [
    {}, {"type": "tensor"}, {"type": "tensor", "data": ["x"], "shape": [1]},
    {"type": "tensor", "data": [1.0, 2.0], "shape": [5]}, {"type": "seq", "items": "nope"},
    {"type": "probed", "result": None}, {"type": "dict", "items": {"x": 1}},
    {"type": "error"}, {"type": "none", "source": "nope"},
])
def test_malformed_observations_never_pass_and_never_raise(obs):
    for exercise_id in EXERCISES:
        result = evaluate(exercise_id, obs)
        assert result.status in ("failed", "error"), (exercise_id, obs)
        assert isinstance(result.to_dict(), dict)


def test_unknown_exercise_is_an_error_with_a_suggestion():
    result = check("basics.first_backwards", 1.0)
    assert result.status == "error" and "basics.first_backward" in result.message


def test_not_implemented_counts_as_not_attempted():
    def stub(x):
        raise NotImplementedError

    assert check("derivatives.power_rule", stub).status == "not attempted"
    assert check("basics.first_backward", ...).status == "not attempted"


# ------------------------------------------------------------------ feedback

def _reference_strings(exercise) -> set:
    expected = exercise.expected()
    values = np.concatenate([np.ravel(v) for v in (
        expected.values() if isinstance(expected, dict) else [expected])])
    out = set()
    for v in values:
        for text in (f"{v:.4g}", f"{v:.3f}", f"{v:.2f}", repr(float(v))):
            if len(text.lstrip("-")) >= 3:
                out.add(text)
    return out


@pytest.mark.parametrize("exercise_id", sorted(k for k, e in EXERCISES.items() if e.expected))
def test_feedback_never_contains_the_expected_numbers(exercise_id):
    exercise = EXERCISES[exercise_id]
    expected = exercise.expected()
    parts = expected if isinstance(expected, dict) else {exercise.parts[0]: expected}
    secrets = _reference_strings(exercise)
    wrongs = (lambda a: a + 0.123, lambda a: -a, lambda a: 2 * a, lambda a: np.stack([a, a + 1]))
    for wrong in wrongs:
        answer = [wrong(np.asarray(parts[p])) for p in exercise.parts]
        obs = encode(answer[0] if len(answer) == 1 else tuple(answer))
        result = evaluate(exercise_id, obs)
        assert result.status == "failed"
        shown = str(result) + result._repr_html_() + "".join(
            hint(exercise_id) for _ in range(4))
        leaked = [s for s in secrets if s in shown]
        assert not leaked, (exercise_id, leaked, shown)


def test_student_text_is_escaped_in_html():
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"

    def dfdx(x):
        raise ValueError(payload)

    shown = [check("derivatives.power_rule", dfdx), check("graph.grad_fn", payload),
             check(payload, 1.0), evaluate("basics.first_backward",
                                           {"type": "error", "error": payload, "message": payload,
                                            "frames": [{"file": payload, "line": payload,
                                                        "code": payload}]})]
    for result in shown:
        html = result._repr_html_()
        assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in shown[0]._repr_html_()
    table = summary()._repr_html_()
    assert "<script>" not in table


def test_html_is_inline_css_without_javascript():
    html = check("basics.first_backward", torch.tensor([12.0]))._repr_html_()
    assert "<script" not in html and "onclick" not in html and "<style" not in html
    assert "style=" in html


def test_one_hint_at_a_time_aimed_at_the_mistake():
    result = check("basics.first_backward", torch.tensor([24.0]))
    assert result.misconception == "accumulated" and "accumulate" in result.message
    hints = [str(hint("basics.first_backward")) for _ in range(6)]
    assert result.hint not in hints[:1] and "zero" in hints[0].lower()
    assert hints[-1].endswith("(That was the last hint.)")
    assert "requires_grad" in str(hint("basics.requires_grad"))


def test_summary_lists_checks_and_unattempted_exercises():
    check("basics.first_backward", torch.tensor([12.0]))
    check("basics.requires_grad", torch.tensor([1.0]))
    table = summary()  # in task order, with what is done and the next task
    assert [r.status for r in table.results] == ["failed", "passed"]
    assert (table.score, table.max_score) == (1, 2)
    assert table.progress == "Done: 1 of 2. Next: basics.requires_grad (A tensor that tracks " \
                             "gradients)."
    notebook = summary("01_requires_grad")
    assert [r.status for r in notebook.results] == ["failed", "passed", "not attempted"]
    assert "basics.vector_backward" in str(notebook) and "total" in str(notebook)
    assert "Done: 1 of 3. Next: basics.requires_grad" in str(notebook)
    assert "Next: basics.requires_grad" in notebook._repr_html_()
    assert isinstance(notebook.results[0], Result)
    check("basics.requires_grad", torch.tensor([1.5, -0.5], requires_grad=True))
    assert summary().progress.endswith("Next: basics.vector_backward (backward() with a "
                                       "gradient= argument).")


def test_result_to_dict_has_the_interface_fields():
    d = check("basics.first_backward", torch.tensor([12.0])).to_dict()
    assert {"exercise", "status", "score", "max_score", "message", "hint",
            "misconception"} <= set(d)
    json.dumps(d)


def test_an_error_in_the_checkers_probe_is_not_blamed_on_the_student(monkeypatch):
    from autograd_tutor.exercises._observe import student_call

    def probe(fn):
        out = student_call(fn, 2.0)
        return out["key the checker wrongly expects"]

    spec = Exercise(id="t.probe", notebook="t", title="t", probe=probe,
                    expected=lambda: np.array([4.0]), answer_kind="a function f(x)")
    monkeypatch.setitem(EXERCISES, spec.id, spec)
    mine = check(spec.id, lambda x: {"value": x * 2})
    assert (mine.status, mine.misconception) == ("error", None)
    assert "not a mistake in your code" in mine.message and "KeyError" in mine.message
    theirs = check(spec.id, lambda x: {}["missing"])
    assert theirs.status == "error" and theirs.message.startswith("Your code raised KeyError")
    value = check(spec.id, 4.0)  # a value where a function is asked for: not judged as numbers
    assert (value.status, value.misconception) == ("failed", "wrong_type")
    assert "not a function" in value.message
