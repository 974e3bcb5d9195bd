"""The instructors' audit (``build-exercises``): rules no catalogued answer triggers, rules
that collide on a probe; and the progress line of ``check``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from autograd_tutor.cli import main
from autograd_tutor.exercises import EXERCISES, Exercise
from autograd_tutor.exercises._audit import audit, collisions, rules

REPO = Path(__file__).resolve().parents[1]


def test_collisions_name_the_rules_that_give_the_same_answer():
    spec = Exercise(id="t.c", notebook="t", title="t", expected=lambda: np.array([1.0, -2.0]),
                    diagnoses=("extra_factor", "accumulated", "wrong_sign"), factors=(2.0,))
    assert collisions(spec) == [("accumulated", "extra_factor")]
    apart = Exercise(id="t.d", notebook="t", title="t", expected=lambda: np.array([1.0, -2.0]),
                     diagnoses=("extra_factor", "accumulated"), factors=(7.0,))
    assert collisions(apart) == []


def test_the_repository_specs_have_rules_and_only_known_collisions():
    for exercise in EXERCISES.values():
        assert rules(exercise), exercise.id
        # a known collision is explained in the spec, and still happens (not a stale excuse)
        assert sorted(exercise.known_collisions) == collisions(exercise), exercise.id


def test_the_audit_of_the_shipped_specs_is_clean():
    """Every rule of every shipped spec is triggered by a catalogued wrong answer."""
    assert audit(REPO / "tests" / "catalogue") == []


def test_audit_reports_untriggered_rules(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "__init__.py").write_text(textwrap.dedent('''
        from types import SimpleNamespace

        from autograd_tutor.exercises import check


        def cases():
            return [SimpleNamespace(exercise="basics.first_backward", truth="x", code="")]


        def run_case(case):
            return check(case.exercise, -12.0)
    '''))
    report = audit(folder)
    first = [line for line in report if line.startswith("basics.first_backward:")]
    assert first == ["basics.first_backward: no catalogued wrong answer triggers accumulated, "
                     "value_not_grad, missing_upstream, wrong_point"]
    assert any(line.startswith("graph.walk: no catalogued") for line in report)
    assert audit(tmp_path / "missing")[0].startswith("no catalogue at")


def test_build_exercises_prints_the_audit(tmp_path, capsys):
    solutions = tmp_path / "exercises" / "solutions"
    solutions.mkdir(parents=True)
    assert main(["build-exercises", "--solutions", str(solutions)]) == 0
    out = capsys.readouterr().out
    assert "Diagnosis rules vs the catalogue" in out and "no catalogue at" in out


def test_check_prints_what_is_done_and_the_next_task(capsys):
    notebook = REPO / "tests" / "submissions" / "good_01_requires_grad.ipynb"
    main(["check", str(notebook)])
    assert "Done: 3 of 3. All done." in capsys.readouterr().out
    main(["check", str(REPO / "exercises" / "01_requires_grad.ipynb")])
    assert "Done: 0 of 3. Next: basics.requires_grad (A tensor that tracks gradients)." \
        in capsys.readouterr().out
