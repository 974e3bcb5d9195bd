"""The ``autograd-tutor`` command: check your exercise notebooks, grade a class, run the demo.

Every notebook runs top to bottom in a fresh Python process with a time and memory limit;
only the answers passed to ``check`` come back, and they are judged here, outside the notebook.
Exit codes: 0 all good, 1 something failed or was not attempted, 2 the command was used wrongly,
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

from . import __version__

_PROG = "autograd-tutor"
_REPO = Path(__file__).resolve().parent.parent


class _UsageError(Exception):
    """The command line asks for something impossible (exit code 2)."""


def _plain(text: object) -> str:
    """Text safe for a terminal: control characters a notebook may contain are dropped."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f\x9b]", "", str(text))


# ---------------------------------------------------------------------------------- check


def _notebook_paths(paths: Sequence[str], *, grading: bool) -> List[Path]:
    """The notebooks named on the command line; folders are searched (recursively to grade).

    To ``check``, an unreadable notebook is a usage error; ``grade`` reports it as that
    submission's status instead.
    """
    from .exercises._runner import NotebookError, read_notebook

    found: List[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            pattern = path.rglob("*.ipynb") if grading else path.glob("*.ipynb")
            found += sorted(p for p in pattern
                            if ".ipynb_checkpoints" not in p.parts and p.is_file())
            continue
        if not path.exists():
            raise _UsageError(f"{name}: no such file or folder")
        if not path.is_file() or path.suffix != ".ipynb":
            raise _UsageError(f"{name}: not a notebook (expected a .ipynb file or a folder)")
        found.append(path)
    first: dict = {}
    for path in found:
        first.setdefault(path.resolve(), path)
    unique = list(first.values())
    if not unique:
        raise _UsageError("no .ipynb files found in " + ", ".join(paths))
    if not grading:
        for path in unique:
            try:
                read_notebook(path)
            except NotebookError as exc:
                raise _UsageError(str(exc)) from None
    return unique


def _exercise_notebook(name: Optional[str]) -> Optional[str]:
    """Validate ``--notebook NAME`` against the exercise notebooks that exist."""
    if name is None:
        return None
    from .exercises import EXERCISES

    stems = sorted({ex.notebook for ex in EXERCISES.values()})
    if name not in stems:
        raise _UsageError(f"--notebook {name}: no such exercise notebook (choose from "
                         + ", ".join(stems) + ")")
    return name


def _print_submission(sub, verbose: bool) -> None:
    from .exercises._result import progress

    run = sub.run
    print(f"{Path(sub.path).name}: ran {run.cells_run} of {run.cells_total} code cells "
          f"in {run.seconds:.1f} s" + (f" (checked as {sub.notebook})" if sub.notebook else ""))
    if run.status != "ok":
        print(f"  !! {run.status}: {_plain(run.detail)}")
    width = max([len(r.exercise) for r in sub.results] + [10])
    for r in sub.results:
        print(f"  {r.status:<13}  {_plain(r.exercise):<{width}}  {r.score:g}/{r.max_score:g}  "
              f"{_plain(r.message)}")
        for frame in r.traceback[:5]:
            if isinstance(frame, dict):
                print(f"  {'':<13}  {'':<{width}}    {_plain(frame.get('file'))}, line "
                      f"{_plain(frame.get('line'))}: {_plain(frame.get('code'))}")
        if r.hint:
            print(f"  {'':<13}  {'':<{width}}  hint: {_plain(r.hint)}")
    for cell, error in run.cell_errors[:5]:
        print(f"  note: code cell {cell} raised {_plain(error)}")
    if len(run.cell_errors) > 5:
        print(f"  note: ... and {len(run.cell_errors) - 5} more cells raised errors")
    for problem in sub.problems:
        print(f"  note: {_plain(problem)}")
    if sub.results:
        print(f"  {_plain(progress(sub.results))}")
    if verbose and run.log_tail:
        print("  --- the notebook's last output ---")
        print("\n".join("  | " + _plain(line) for line in run.log_tail.splitlines()[-40:]))


def _cmd_check(args: argparse.Namespace) -> int:
    from .exercises._grade import grade_many

    paths = _notebook_paths(args.notebooks, grading=False)
    stem = _exercise_notebook(args.notebook)
    submissions = grade_many(paths, jobs=args.jobs, timeout=args.timeout,
                             memory_mb=args.memory_mb, notebook=stem, isolated=False,
                             on_done=_Progress() if len(paths) > 1 else None)
    for sub in submissions:
        _print_submission(sub, args.verbose)
    passed = sum(sub.count("passed") for sub in submissions)
    total = sum(len(sub.results) for sub in submissions)
    if total == 0:
        print("No checks found: is this an autograd_tutor exercise notebook?")
    print(f"{passed} passed, {total - passed} failed")
    return 0 if total and passed == total else 1


# ---------------------------------------------------------------------------------- grade


class _Progress:
    """A progress bar with an ETA on stderr (one plain line per notebook when not a terminal)."""

    def __init__(self) -> None:
        self.stream = sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, sub) -> None:
        filled = 24 * done // total
        left = (time.monotonic() - self.started) / done * (total - done)
        eta = f"ETA {int(left) // 60}:{int(left) % 60:02d}" if done < total else "done"
        line = (f"[{'#' * filled}{'.' * (24 - filled)}] {done}/{total} {eta}  "
                f"{_plain(Path(sub.path).name)}: {sub.score:g}/{sub.max_score:g}"
                + ("" if sub.run.status == "ok" else f" ({sub.run.status})"))
        if self.tty:
            width = shutil.get_terminal_size().columns - 1
            self.stream.write("\r" + line[:width].ljust(width) + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _cmd_grade(args: argparse.Namespace) -> int:
    from .exercises._grade import class_summary, grade_class
    from .exercises._sandbox import LEVEL_BWRAP, Sandbox

    paths = _notebook_paths(args.submissions, grading=True)
    stem = _exercise_notebook(args.notebook)
    Path(args.out).mkdir(parents=True, exist_ok=True)  # fail before the work, not after
    try:
        sandbox = Sandbox.create(LEVEL_BWRAP if args.require_sandbox else args.sandbox)
    except RuntimeError as exc:
        raise _UsageError(f"--require-sandbox: {exc}") from None
    print(f"Isolation: {sandbox.describe()}.", file=sys.stderr)
    print(f"Grading {len(paths)} notebook(s), {args.jobs} at a time, {args.timeout:g} s and "
          f"{args.memory_mb} MB each.", file=sys.stderr)
    try:
        submissions, written = grade_class(
            paths, args.out, sandbox=sandbox, jobs=args.jobs, timeout=args.timeout,
            memory_mb=args.memory_mb, notebook=stem, on_done=_Progress())
    finally:
        sandbox.close()
    print(_plain(class_summary(submissions)))
    print("Wrote " + ", ".join(str(p) for p in written))
    return 0


def _cmd_platform(args: argparse.Namespace) -> int:
    from .exercises import _platforms

    stem = _exercise_notebook(args.assignment)
    out = Path(args.output)
    if args.command == "prairielearn":
        print(f"Wrote {_platforms.prairielearn_script(out, stem)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        wheel = Path(args.wheel) if args.wheel else _platforms.build_wheel(Path(tmp))
        print(f"Wrote {_platforms.gradescope_zip(out, wheel, stem)}")
    return 0


# ------------------------------------------------------------------------ build-exercises


def _cmd_build_exercises(args: argparse.Namespace) -> int:
    from .exercises import build_student_notebooks, check_student_notebooks_up_to_date

    solutions = Path(args.solutions) if args.solutions else _default_solutions()
    if not solutions.is_dir():
        raise _UsageError(f"{solutions}: no such folder of solution notebooks")
    out = Path(args.out) if args.out else solutions.parent
    if args.check:
        stale = check_student_notebooks_up_to_date(solutions, out)
        for path in stale:
            print(f"out of date: {path}")
        if stale:
            print(f"{len(stale)} student notebook(s) differ from their masters: run "
                  f"`{_PROG} build-exercises` and commit the result.")
            return 1
        print(f"Student notebooks in {out} are up to date with {solutions}.")
        return 0
    written = build_student_notebooks(solutions, out)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} student notebook(s) built from {solutions}.")
    from .exercises._audit import audit

    catalogue = solutions.resolve().parent.parent / "tests" / "catalogue"
    report = audit(catalogue)
    print(f"Diagnosis rules vs the catalogue ({catalogue}):")
    print("\n".join(f"  {line}" for line in report) or "  every rule is triggered; none collide")
    return 0


def _default_solutions() -> Path:
    here = Path("exercises", "solutions")
    return here if here.is_dir() else _REPO / "exercises" / "solutions"


# ------------------------------------------------------------------------------ overview


def _cmd_overview(args: argparse.Namespace) -> int:
    from .viz.overview import make_overview

    written = make_overview(args.path) if args.path else make_overview()
    print(f"wrote {written}")
    return 0


# ---------------------------------------------------------------------------------- demo


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import _course, _demo_page

    path = Path(args.notebook) if args.notebook else _course.demo_notebook()
    if not path.is_file():
        raise _UsageError(f"the demo notebook was not found: {path}")
    if args.lab:
        jupyter = shutil.which("jupyter")
        if jupyter is None:
            raise _UsageError("JupyterLab is not installed; the notebook extra installs it: "
                              + _course.pip_install("notebook"))
        return subprocess.call([jupyter, "lab", str(path if args.notebook else
                                                    _course.editable_demo())])
    print(f"Running {path} top to bottom (up to {args.timeout:g} s) ...", flush=True)
    out = Path(args.out) if args.out else _demo_page.default_output()
    try:
        ok, report = _demo_page.write_demo(path, out, timeout=args.timeout,
                                           memory_mb=args.memory_mb)
    except _demo_page.NotebookError as exc:
        raise _UsageError(str(exc)) from None
    print(_plain(report))
    if args.open and _demo_page.open_in_browser(out):
        print("Opened it in your browser.")
    return 0 if ok else 1


def _cmd_start(args: argparse.Namespace) -> int:
    from ._course import start

    start(args.folder)
    return 0


# -------------------------------------------------------------------------------- parser


def _positive(kind: type):
    """An argparse type: a number above zero (argparse turns the error into exit code 2)."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value
    convert.__name__ = kind.__name__
    return convert


def _add_limits(parser: argparse.ArgumentParser, timeout: float, memory_mb: int = 2048,
                jobs: bool = True) -> None:
    parser.add_argument("--timeout", type=_positive(float), default=timeout, metavar="SECONDS",
                        help=f"stop a notebook that runs longer than this (default {timeout:g})")
    parser.add_argument("--memory-mb", type=_positive(int), default=memory_mb, metavar="MB",
                        help=f"memory limit of the notebook's process (default {memory_mb})")
    if jobs:
        parser.add_argument("-j", "--jobs", type=_positive(int), default=1, metavar="N",
                            help="notebooks run at the same time (default 1)")


def _add_notebooks(parser: argparse.ArgumentParser, dest: str, metavar: str, help: str) -> None:
    """What ``check`` and ``grade`` both take: notebooks, run limits and ``--notebook``."""
    parser.add_argument(dest, nargs="+", metavar=metavar, help=help)
    _add_limits(parser, 120)
    parser.add_argument("--notebook", metavar="NAME", help="the exercise notebook every file "
                        "is a copy of, e.g. 03_graph (default: guessed from each file name)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG, description="Learn autograd by doing: check exercise notebooks, grade a "
        "class's submissions, rebuild the exercises, or run the demo.",
        epilog=f"Start with `{_PROG} demo`, then `{_PROG} start` and "
        f"`{_PROG} check autograd-course/exercises/01_*.ipynb`.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="run your exercise notebooks and show what passed",
        description="Run each notebook top to bottom in a fresh Python process (like "
        "Kernel > Restart & Run All, but going on past errors) and report every check: passed, "
        "failed with a hint aimed at the mistake, or not attempted. Exit code 0 when all "
        "passed, 1 otherwise.")
    _add_notebooks(check, "notebooks", "NOTEBOOK", "a .ipynb file, or a folder of them")
    check.add_argument("-v", "--verbose", action="store_true",
                       help="also show the end of the notebook's own output")
    check.set_defaults(func=_cmd_check)

    grade = commands.add_parser(
        "grade", help="grade a class's notebooks into CSV and JSON reports",
        description="For instructors: run every submission in a sandbox of its own (time, "
        "memory and process limits for its whole process tree; bubblewrap when installed), "
        "judge the recorded answers outside the student's code, and write results.json, "
        "grades.csv (one row per submission), checks.csv (one row per check, with the "
        "diagnosed misconception) and report.html. A crash, timeout or tampering costs that "
        "submission its points, never the batch; an interrupted batch resumes.")
    _add_notebooks(grade, "submissions", "SUBMISSION",
                   "a .ipynb file or a folder searched for them")
    grade.add_argument("--out", default="grading", metavar="DIR",
                       help="folder for the reports (default ./grading)")
    grade.add_argument("--sandbox", choices=("bwrap", "process"), default=None,
                       help="isolation of each run (default: the strongest available)")
    grade.add_argument("--require-sandbox", action="store_true",
                       help="refuse to grade without the bubblewrap sandbox")
    grade.set_defaults(func=_cmd_grade)

    for name, default, what in (("gradescope", "autograder.zip", "autograder zip"),
                                ("prairielearn", "run.sh", "external grading entrypoint")):
        platform = commands.add_parser(
            name, help=f"write a {name.capitalize()} {what} for one exercise notebook",
            description=f"Write the {what} that grades one exercise notebook on {name}.")
        platform.add_argument("assignment", metavar="ASSIGNMENT",
                              help="the exercise notebook, e.g. 01_requires_grad")
        platform.add_argument("-o", "--output", default=default, metavar="FILE")
        if name == "gradescope":
            platform.add_argument("--wheel", metavar="WHL",
                                  help="the package wheel to ship (default: build it)")
        platform.set_defaults(func=_cmd_platform)

    build = commands.add_parser(
        "build-exercises", help="make student notebooks from the solution masters",
        description="Write each exercises/solutions/NAME.ipynb as exercises/NAME.ipynb with "
        "the code between ### BEGIN SOLUTION and ### END SOLUTION replaced by "
        "`raise NotImplementedError`.")
    build.add_argument("--check", action="store_true", help="change nothing; exit 1 when a "
                       "student notebook is out of date with its master")
    build.add_argument("--solutions", metavar="DIR", help="folder of masters (default "
                       "exercises/solutions)")
    build.add_argument("--out", metavar="DIR", help="folder for the student notebooks "
                       "(default: the masters' parent folder)")
    build.set_defaults(func=_cmd_build_exercises)

    overview = commands.add_parser(
        "overview", help="draw the overview picture of how autograd works",
        description="Render the overview figure (a computational graph with its forward "
        "values and backward gradients) to an image file.")
    overview.add_argument("path", nargs="?", help="where to write the PNG (default overview.png)")
    overview.set_defaults(func=_cmd_overview)

    demo = commands.add_parser(
        "demo", help="run the demo and show it as a web page, animations included",
        description="Run the demo notebook top to bottom without Jupyter and write it as one "
        "self-contained HTML page (its text, code, graphs and animations, which play offline), "
        "then open the page in your browser. Exit code 1 when a cell failed.")
    demo.add_argument("notebook", nargs="?", help="the notebook to run (default: the course's "
                      "notebooks/demo.ipynb)")
    demo.add_argument("--open", action=argparse.BooleanOptionalAction, default=True,
                      help="open the page in the browser (--no-open: only print its path)")
    demo.add_argument("--lab", action="store_true", help="open the demo in JupyterLab instead "
                      "(the notebook extra installs it: autograd-tutor[notebook])")
    demo.add_argument("--out", metavar="PATH", help="where to write the page (default: "
                      "autograd-tutor/demo.html in the temporary folder)")
    _add_limits(demo, 600, memory_mb=4096, jobs=False)
    demo.set_defaults(func=_cmd_demo)

    start = commands.add_parser(
        "start", help="copy the course (demo, notebooks, exercises) into a folder",
        description="Copy the demo, the tutorial notebooks and the exercises into FOLDER. "
        "Run it again after an upgrade: files you changed are kept (it says which).")
    start.add_argument("folder", nargs="?", default="autograd-course", metavar="FOLDER",
                       help="where to put the course (default ./autograd-course)")
    start.set_defaults(func=_cmd_start)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (_UsageError, OSError) as exc:  # OSError: e.g. an output path that cannot be written
        print(f"{_PROG} {args.command}: error: {_plain(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{_PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
