"""``check``, ``observe``, ``evaluate``, ``hint`` and ``summary``.

``check`` = ``observe`` (in the student's process: the answer becomes JSON data) followed by
``evaluate`` (expected values computed now, in float64, then the diagnosis). In grading mode
(environment variable ``AUTOGRAD_TUTOR_RECORD`` set to a file), ``check`` only observes and
appends ``{"exercise": ..., "observation": ...}`` to that file; the grader evaluates later in
its own process, so expected values never enter the student's process.
"""

from __future__ import annotations

import difflib
import json
import linecache
import os
import re
import sys
from typing import Any, Optional

import numpy as np

from ._diagnosis import CATALOGUE, classify_error, diagnose, listing, render
from ._observe import encode, is_tensor, run_probe, tensor_array
from ._result import Hint, Result, Summary
from ._spec import EXERCISES, Exercise, Verdict

RECORD_ENV = "AUTOGRAD_TUTOR_RECORD"

_results: dict = {}  # exercise id -> latest Result, in first-check order
_hints: dict = {}  # exercise id -> [hint texts, index of the next one]


# --------------------------------------------------------------------------- observe

def observe(exercise_id: str, answer: Any, _frame: Any = None) -> dict:
    """Describe ``answer`` to exercise ``exercise_id`` as plain JSON data (no judging)."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        return {"type": "unknown_exercise"}
    if answer is Ellipsis or answer is NotImplemented:
        return {"type": "missing"}
    try:
        observation = _observe(exercise, answer)
    except Exception:  # an answer object that breaks even when read: judge it as unreadable
        return {"type": "object", "class": "unreadable answer"}
    if answer is None and _frame is not None and observation.get("type") == "none":
        source = _grad_source(_frame)
        if source:
            observation["source"] = source
    elif _frame is not None and observation.get("type") == "tensor" and _grad_expr(_frame):
        observation["from_grad"] = True  # check(..., t.grad): never the forward value
    return observation


def _observe(exercise: Exercise, answer: Any) -> dict:
    wanted = isinstance(answer, type) if exercise.probes_classes else callable(answer)
    if exercise.probe is not None and wanted:
        return run_probe(exercise.probe, answer)
    return encode(answer)


_CALL = re.compile(r"check\(\s*[^,()]+,\s*(?P<expr>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.grad\s*\)")


def _grad_expr(frame: Any) -> Optional[str]:
    """``t`` when the calling code reads ``check(..., t.grad)``, else None."""
    lines = linecache.getlines(frame.f_code.co_filename, frame.f_globals)
    text = "".join(lines[max(0, frame.f_lineno - 3):frame.f_lineno])  # the call's own lines
    matches = list(_CALL.finditer(text))
    return matches[-1].group("expr") if matches else None


def _grad_source(frame: Any) -> Optional[dict]:
    """Why is ``t.grad`` None? Find ``t`` in the calling code and describe it."""
    expr = _grad_expr(frame)
    if expr is None:
        return None
    names = expr.split(".")
    namespace = {**frame.f_globals, **frame.f_locals}
    try:
        obj = namespace[names[0]]
        for name in names[1:]:
            obj = getattr(obj, name)
    except Exception:  # a name that is gone, or an attribute that raises: no diagnosis
        return None
    if not is_tensor(obj):
        return None
    grad_mode = sys.modules.get("autograd_tutor.autograd.grad_mode")
    enabled = grad_mode.is_grad_enabled() if grad_mode is not None else True
    detached_from = None
    if not obj.requires_grad:
        for name, other in list(namespace.items())[:500]:
            if (other is not obj and is_tensor(other) and other.requires_grad
                    and np.may_share_memory(tensor_array(other), tensor_array(obj))):
                detached_from = name
                break
    return {"name": expr, "requires_grad": bool(obj.requires_grad), "is_leaf": bool(obj.is_leaf),
            "grad_fn": obj.grad_fn.name() if obj.grad_fn is not None else None,
            "grad_enabled": bool(enabled), "detached_from": detached_from}


# -------------------------------------------------------------------------- evaluate

def evaluate(exercise_id: str, observation: dict) -> Result:
    """Judge an observation: compute the expected answer now, compare, diagnose."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        close = difflib.get_close_matches(str(exercise_id), list(EXERCISES), n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        return Result(str(exercise_id)[:100], "error", 0, 0,
                      f"There is no exercise called {str(exercise_id)[:100]!r}.{suggestion}")
    try:
        return _evaluate(exercise, observation)
    except Exception as exc:  # a malformed observation must never crash the grader
        return _result(exercise, "error",
                       f"This answer could not be judged ({type(exc).__name__}): a problem of "
                       "the checker, not a diagnosis of your code. Re-run the cells above the "
                       "check; if it persists, tell your instructor.")


def _result(exercise: Exercise, status: str, message: str, misconception: Optional[str] = None,
            hints: tuple = (), traceback: Optional[list] = None) -> Result:
    hints = tuple(dict.fromkeys(tuple(hints) + tuple(exercise.hints)))
    shown = list(hints) if status != "passed" else []
    return Result(exercise.id, status, exercise.points if status == "passed" else 0,
                  exercise.points, message, shown[0] if shown else None,
                  misconception, exercise.title, traceback or [], shown)


def _render(exercise: Exercise, key: str, details: Optional[dict] = None) -> tuple:
    """(message, hints) for a misconception, the exercise's own entries first.

    For ``"a|b"`` (several mistakes fit the answer) the message lists the causes and the
    hints take the first hint of each.
    """
    details = details or {}
    if "|" in key:
        keys = key.split("|")
        titles = {k: (exercise.custom.get(k) or CATALOGUE.get(k)).title for k in keys
                  if k in exercise.custom or k in CATALOGUE}
        firsts = tuple(_render(exercise, k, details)[1][:1] for k in keys)
        return listing(keys, details, titles), tuple(h for first in firsts for h in first)
    if key in exercise.custom:
        entry = exercise.custom[key]
        return entry.message, tuple(entry.hints)
    if key in CATALOGUE:
        message, hints = render(key, details)
        return message, tuple(exercise.misconception_hints.get(key, ())) + hints
    return None, ()


def _hints_for(exercise: Exercise, key: Optional[str], details: Optional[dict] = None) -> tuple:
    return _render(exercise, key, details)[1] if key is not None else ()


def _evaluate(exercise: Exercise, obs: dict) -> Result:
    kind = obs.get("type")
    if kind == "missing":
        return _result(exercise, "not attempted", "No answer yet.")
    if kind == "error" and obs.get("error") == "NotImplementedError":
        return _result(exercise, "not attempted",
                       "Not attempted yet: replace `raise NotImplementedError` with your code.")
    if kind == "checker_error":
        return _result(exercise, "error", "The checker itself failed on this answer "
                       f"({obs.get('error')}): this is a problem of the checker, not a mistake "
                       "in your code. Tell your instructor; your answer is not judged.")
    if exercise.probe is not None and kind not in ("probed", "error"):
        return _verdict_result(exercise, _not_a_function(exercise, obs))
    if kind == "error":
        key = classify_error(str(obs.get("message", "")))
        message = f"Your code raised {obs.get('error')}: {obs.get('message')}"
        if key is not None:
            message += " " + render(key, {})[0]
        frames = [f for f in obs.get("frames", []) if isinstance(f, dict)]
        return _result(exercise, "error", message, key, _hints_for(exercise, key), frames)
    if exercise.judge is not None:
        verdict = exercise.judge(obs.get("result", {}) if kind == "probed" else obs)
        return _verdict_result(exercise, verdict)
    return _verdict_result(exercise, _judge_numeric(exercise, obs))


def _not_a_function(exercise: Exercise, obs: dict) -> Verdict:
    """A value where the task asks for a function (or a class): not judged numerically."""
    wanted = "a class" if exercise.probes_classes else "a function"
    how = ("Pass the class itself, e.g. check(id, MyFunction), not MyFunction.apply or a "
           "result." if exercise.probes_classes else
           "Pass the function itself, without calling it: check(id, f), not check(id, f(x)).")
    return Verdict(False, "wrong_type", f"The answer should be {exercise.answer_kind}, but it "
                   f"is {kind_of(obs)}, not {wanted}. {how}")


def _verdict_result(exercise: Exercise, verdict: Verdict) -> Result:
    if verdict.passed:
        return _result(exercise, "passed", verdict.message or "Correct!")
    key = verdict.misconception
    if verdict.message is not None:
        message = verdict.message
    else:
        message = _render(exercise, key)[0] or "Not quite: this is not the right answer yet."
    hints = tuple(verdict.hints) or _hints_for(exercise, key)
    return _result(exercise, "failed", message, key, hints)


def decode_array(obs: Any) -> Optional[np.ndarray]:
    """The float64 array an observation describes, or None if it is not numeric."""
    if not isinstance(obs, dict):
        return None
    if obs.get("type") == "probed":
        return decode_array(obs.get("result"))
    if obs.get("type") in ("tensor", "array") and isinstance(obs.get("data"), list):
        data = np.array([float(v) for v in obs["data"]], dtype=np.float64)
        return data.reshape([int(n) for n in obs["shape"]])
    if obs.get("type") == "seq":
        items = [decode_array(item) for item in obs.get("items", [])]
        if items and all(i is not None and i.size == 1 for i in items):
            return np.array([float(i.reshape(-1)[0]) for i in items])
        if items and all(i is not None and i.shape == items[0].shape for i in items):
            return np.stack(items)
    return None


def decode_parts(obs: dict, parts: tuple) -> Optional[list]:
    """Split an observation into one observation per answer part (None if it does not fit)."""
    if obs.get("type") == "probed":
        obs = obs.get("result", {})
    if len(parts) == 1:
        return [obs]
    if obs.get("type") == "seq" and len(obs.get("items", [])) == len(parts):
        return list(obs["items"])
    if obs.get("type") == "dict" and set(obs.get("items", {})) == set(parts):
        return [obs["items"][p] for p in parts]
    array = decode_array(obs)
    if array is not None and array.ndim >= 1 and array.shape[0] == len(parts):
        return [encode(row) for row in array]  # e.g. [w_grad, b_grad] as one list of numbers
    return None


def kind_of(obs: dict) -> str:
    """How to name the kind of an observed answer in a message ("a tensor", "None", ...)."""
    kind = obs.get("type")
    if kind == "seq":
        return f"a list or tuple of {len(obs.get('items', []))} item(s)"
    names = {"none": "None", "tensor": "a tensor", "array": "a number or array",
             "bool": "True/False", "str": "a string",
             "dict": "a dict", "callable": "a function", "function_class": "a Function class",
             "node": "a grad_fn node"}
    return names.get(kind, f"a {obs.get('class', 'value')}")


def _none_verdict(obs: dict) -> Verdict:
    source = obs.get("source") or {}
    name, details = source.get("name", "the tensor"), {}
    if source.get("detached_from"):
        key, details = "grad_none_detached", {"name": name}
    elif source.get("requires_grad") and source.get("is_leaf") is False:
        key, details = "grad_none_not_leaf", {"name": name, "grad_fn": source.get("grad_fn")}
    elif source.get("grad_enabled") is False:
        key = "grad_none_no_grad"
    elif source and not source.get("requires_grad"):
        return Verdict(False, "grad_none",
                       f"The answer is None because {name} does not require grad: create it "
                       "with requires_grad=True, and outside torch.no_grad().")
    else:
        key = "grad_none"
    return Verdict(False, key, render(key, details)[0])


def _judge_numeric(exercise: Exercise, obs: dict) -> Verdict:
    pieces = decode_parts(obs, exercise.parts)
    if pieces is None or (obs.get("type") == "probed"
                          and any(decode_array(p) is None for p in pieces)):
        return _wrong_type(exercise, obs)
    expected = exercise.expected()
    if not isinstance(expected, dict):
        expected = {exercise.parts[0]: expected}
    alternates = exercise.alternates() if exercise.alternates else {}
    tolerance = exercise.tolerance
    for part, piece in zip(exercise.parts, pieces):
        label = f"{part}: " if part else ""
        if piece.get("type") == "none":
            verdict = _none_verdict(piece)
            return Verdict(False, verdict.misconception, label + (verdict.message or ""))
        got = decode_array(piece)
        if got is None:
            return _wrong_type(exercise, piece, label, expected[part])
        want = np.asarray(expected[part], dtype=np.float64)
        if got.size == want.size == 1:
            got = got.reshape(want.shape)
        if tolerance.close(got, want):
            continue
        part_alternates = {k: (v[part] if isinstance(v, dict) else v)
                           for k, v in alternates.items()
                           if not isinstance(v, dict) or part in v}
        keys = [k for k in exercise.diagnoses  # a .grad is never the forward value
                if not (k == "value_not_grad" and piece.get("from_grad"))]
        key, details = diagnose(got, want, keys=keys, tolerance=tolerance,
                                factors=exercise.factors, alternates=part_alternates,
                                formula=piece.get("grad_fn") is not None)
        if key is None and got.shape != want.shape:
            key = "wrong_shape"
        if (key is None and exercise.answer_is_grad and piece.get("requires_grad")
                and piece.get("is_leaf")):  # the tensor itself, passed instead of its .grad
            key = "tensor_not_grad"
        if key is None:
            return Verdict(False, None, label + "Not quite: your answer differs from the right "
                           f"one (compared with {tolerance}). Check your steps.")
        details = {"got_shape": tuple(got.shape), "expected_shape": tuple(want.shape), **details}
        message, hints = _render(exercise, key, details)
        return Verdict(False, key, label + (message or "Not quite."), hints)
    return Verdict(True, message=f"Correct! (compared with {tolerance})")


def _odd(obs: Any) -> dict:
    """The first piece of a (probed) observation that is not numeric."""
    if not isinstance(obs, dict):
        return {}
    if obs.get("type") == "probed":
        return _odd(obs.get("result"))
    items = obs.get("items")
    if obs.get("type") in ("seq", "dict") and decode_array(obs) is None:
        for item in (items.values() if isinstance(items, dict) else items or []):
            if isinstance(item, dict) and decode_array(item) is None:
                return _odd(item)
    return obs


def _wrong_type(exercise: Exercise, obs: dict, label: str = "",
                expected: Any = None) -> Verdict:
    if obs.get("type") == "none" and "source" in obs:
        return _none_verdict(obs)
    if obs.get("truncated") and expected is not None:  # too big to record: the shape is wrong
        return Verdict(False, "wrong_shape", label + render("wrong_shape", {
            "got_shape": tuple(obs.get("shape", ())),
            "expected_shape": tuple(np.shape(expected))})[0])
    if obs.get("type") == "probed":
        pieces = decode_parts(obs, exercise.parts)
        odd = [(p, piece) for p, piece in zip(exercise.parts, pieces or [])
               if decode_array(piece) is None]
        if len(exercise.parts) > 1 and odd:
            part, piece = odd[0]
            return Verdict(False, "wrong_type", f"Your answer gives {kind_of(_odd(piece))} as "
                           f"{part}, where a number or tensor is expected.")
        return Verdict(False, "wrong_type", f"The answer should be {exercise.answer_kind}, but "
                       f"calling it gave {kind_of(_odd(obs))}.")
    details = {"expected_kind": exercise.answer_kind, "got_kind": kind_of(obs)}
    return Verdict(False, "wrong_type", label + render("wrong_type", details)[0])


# ----------------------------------------------------------------- check, hint, summary

def check(exercise_id: str, answer: Any) -> Result:
    """Check ``answer`` to exercise ``exercise_id`` and show feedback (one hint at a time)."""
    observation = observe(exercise_id, answer, _frame=sys._getframe(1))
    path = os.environ.get(RECORD_ENV)
    exercise = EXERCISES.get(exercise_id)
    if path:
        _record(path, exercise_id, observation)
        title, points = (exercise.title, exercise.points) if exercise else ("", 0)
        result = Result(str(exercise_id)[:100], "recorded", 0, points,
                        "Answer recorded for grading.", title=title)
    else:
        result = evaluate(exercise_id, observation)
    if exercise is not None:
        _results.pop(exercise_id, None)
        _results[exercise_id] = result
        _hints[exercise_id] = [list(result.hints or exercise.hints), 1 if result.hint else 0]
    return result


def _record(path: str, exercise_id: str, observation: dict) -> None:
    line = json.dumps({"exercise": exercise_id, "observation": observation}, allow_nan=False)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


def hint(exercise_id: str) -> Hint:
    """The next hint for an exercise (aimed at your last mistake, if it was diagnosed)."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        return Hint(f"There is no exercise called {str(exercise_id)[:100]!r}.")
    hints, index = _hints.setdefault(exercise_id, [list(exercise.hints), 0])
    if not hints:
        return Hint("No hints for this one: re-read the task statement.")
    if index >= len(hints):
        return Hint(hints[-1] + " (That was the last hint.)")
    _hints[exercise_id][1] = index + 1
    return Hint(hints[index])


def summary(notebook: Optional[str] = None) -> Summary:
    """A table of this session's checks; with ``notebook``, every exercise of that notebook."""
    if notebook is None:
        notebooks = {EXERCISES[i].notebook for i in _results if i in EXERCISES}
        ordered = [e for e in EXERCISES.values() if e.notebook in notebooks]
        results = [_results[e.id] for e in ordered if e.id in _results]
        todo = [e for e in ordered
                if e.id not in _results or _results[e.id].status != "passed"]
        return Summary(results, (todo[0].id, todo[0].title) if todo else None)
    rows = []
    for exercise in EXERCISES.values():
        if exercise.notebook == notebook:
            rows.append(_results.get(exercise.id) or _result(
                exercise, "not attempted", "Not checked yet in this session."))
    return Summary(rows)


def reset_session() -> None:
    """Forget all checks and hints of this session."""
    _results.clear()
    _hints.clear()
