"""Generate student notebooks from solution masters.

In a master, the student's part of a code cell sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION``. The student notebook gets ``# YOUR CODE HERE`` and
``raise NotImplementedError`` instead, at the marker's indentation; outputs are stripped.
The first code cell starts with the install cell that every notebook of the course starts with
(`autograd_tutor._course.install_cell`), in place of whatever the master has above its first
``import autograd_tutor``/``from autograd_tutor`` line.
Only cell types and sources are read, never cell metadata or ids, and the output bytes are
deterministic, so a test can tell when a student notebook is out of date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional, Union

from .._course import install_cell

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
_END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
_REPO = Path(__file__).resolve().parents[2] / "exercises"
_IMPORT = re.compile(r"^(import|from) autograd_tutor\b", re.M)

PathLike = Union[str, Path]


def strip_solutions(source: str) -> str:
    """Replace every solution region of a cell's source by the student placeholder."""
    out, inside = [], False
    for line in source.splitlines():
        begin = _BEGIN.match(line)
        if begin and not inside:
            indent, inside = begin.group("indent"), True
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError"]
        elif _END.match(line) and inside:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


def with_install_cell(source: str) -> str:
    """The first code cell of a student notebook: the install cell, then the master's code
    from its first ``import autograd_tutor`` on."""
    first_import = _IMPORT.search(source)
    rest = source[first_import.start():] if first_import else source
    return install_cell() + "\n\n" + rest.lstrip("\n")


def student_notebook(master: dict) -> str:
    """The student version of a master notebook, as deterministic JSON text."""
    cells = []
    first_code = True
    for cell in master.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "code":
            source = strip_solutions(source)
            if first_code:
                source, first_code = with_install_cell(source), False
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {},
                          "outputs": [], "source": source.splitlines(keepends=True)})
        else:
            cells.append({"cell_type": cell.get("cell_type", "markdown"), "metadata": {},
                          "source": source.splitlines(keepends=True)})
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _dirs(solutions_dir: Optional[PathLike], out_dir: Optional[PathLike]) -> tuple:
    solutions = Path(solutions_dir) if solutions_dir is not None else _REPO / "solutions"
    out = Path(out_dir) if out_dir is not None else solutions.parent
    return solutions, out


def build_student_notebooks(solutions_dir: Optional[PathLike] = None,
                            out_dir: Optional[PathLike] = None) -> list:
    """Write ``out_dir/<name>.ipynb`` for every ``solutions_dir/<name>.ipynb``; return the paths.

    Defaults: ``exercises/solutions`` of the source checkout, and its parent folder.
    """
    solutions, out = _dirs(solutions_dir, out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for master in sorted(solutions.glob("*.ipynb")):
        text = student_notebook(json.loads(master.read_text(encoding="utf-8")))
        target = out / master.name
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
    return written


def check_student_notebooks_up_to_date(solutions_dir: Optional[PathLike] = None,
                                       out_dir: Optional[PathLike] = None) -> list:
    """The student notebooks that are missing or differ from what their master generates."""
    solutions, out = _dirs(solutions_dir, out_dir)
    stale = []
    for master in sorted(solutions.glob("*.ipynb")):
        target = out / master.name
        text = student_notebook(json.loads(master.read_text(encoding="utf-8")))
        if not target.exists() or target.read_bytes() != text.encode("utf-8"):
            stale.append(target)
    return stale
