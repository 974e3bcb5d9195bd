"""Autograded exercises: ``check`` answers in a notebook, with feedback aimed at the mistake.

In a notebook::

    from autograd_tutor.exercises import check, hint, summary
    check("basics.first_backward", x.grad)   # passed / failed + one hint
    hint("basics.first_backward")            # the next hint
    summary()                                # all checks of this session

The command-line runner and grader (``autograd-tutor check`` / ``grade``) use ``observe``
in the student's process and ``evaluate`` in their own.
"""

from . import specs as _specs  # noqa: F401  (fills EXERCISES)
from ._check import RECORD_ENV, check, evaluate, hint, observe, reset_session, summary
from ._diagnosis import CATALOGUE, Misconception, Tolerance
from ._notebooks import build_student_notebooks, check_student_notebooks_up_to_date
from ._result import Hint, Result, Summary
from ._spec import EXERCISES, Exercise, Verdict

__all__ = [
    "CATALOGUE", "EXERCISES", "RECORD_ENV", "Exercise", "Hint", "Misconception", "Result",
    "Summary", "Tolerance", "Verdict", "build_student_notebooks",
    "check_student_notebooks_up_to_date", "check", "evaluate", "hint", "observe",
    "reset_session", "summary",
]
