"""Write the tutorial notebooks from their sources, execute them and store the outputs.

Each notebook is written as plain markdown in ``notebooks/src/<name>.md``: a fenced block whose
info string is exactly ``python`` becomes a code cell, the text between two code cells becomes
one markdown cell. Other fences (``text``, ``py``) stay in the markdown as shown code.
``{{INSTALL}}`` is replaced by the install cell that every notebook starts with
(``autograd_tutor._course.install_cell``: it installs from the ``[project.urls] Repository`` of
pyproject.toml where the package is missing) and ``{{COLAB:path}}`` by the Colab address of
``path`` in that repository, so the URL lives in one place.

The notebooks are executed on a fresh kernel (the checkout first on ``PYTHONPATH``) and stored
with deterministic bytes: cell ids from the notebook name, no timings, no widget state, and
widget views kept as their static text/html fallback (the live widget needs a kernel anyway).

    python notebooks/_build.py              # every notebook
    python notebooks/_build.py demo         # only notebooks/demo.ipynb
    python notebooks/_build.py --output-dir /tmp/nb   # elsewhere (to compare)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # this checkout's autograd_tutor, wherever this runs from

from autograd_tutor._course import install_cell, repository_url  # noqa: E402
SOURCES = HERE / "src"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TIMEOUT = 120

_FENCE = re.compile(r"^```(?P<info>\S*)\s*$")
_COLAB = re.compile(r"\{\{COLAB:(?P<path>[^}]+)\}\}")


def colab_url(path: str) -> str:
    """The Colab address that opens `path` (relative to the repository root) from GitHub."""
    owner_repo = re.sub(r"^https://github\.com/", "", repository_url())
    return f"https://colab.research.google.com/github/{owner_repo}/blob/main/{path}"


def _substitute(text: str) -> str:
    text = _COLAB.sub(lambda m: colab_url(m.group("path")), text)
    return text.replace("{{INSTALL}}", install_cell())


def cells_from_source(text: str) -> List[Tuple[str, str]]:
    """Split a notebook source into ``(cell_type, source)`` pairs, in order."""
    cells: List[Tuple[str, str]] = []
    markdown: List[str] = []
    code: Optional[List[str]] = None
    shown = False  # inside a fence that is shown as code in the markdown

    def flush_markdown() -> None:
        if "".join(markdown).strip():
            cells.append(("markdown", "\n".join(markdown).strip("\n")))
        markdown.clear()

    for line in _substitute(text).splitlines():
        fence = _FENCE.match(line)
        if code is not None:
            if fence and not fence.group("info"):
                cells.append(("code", "\n".join(code).strip("\n")))
                code = None
            else:
                code.append(line)
        elif fence and not shown and fence.group("info") == "python":
            flush_markdown()
            code = []
        else:
            if fence and (not shown or not fence.group("info")):
                shown = not shown
            markdown.append(line)
    if code is not None:
        raise ValueError("a ```python block is not closed")
    flush_markdown()
    return cells


def notebook_from_source(name: str) -> nbformat.NotebookNode:
    """The unexecuted notebook `name` built from ``src/<name>.md``."""
    text = (SOURCES / f"{name}.md").read_text(encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    for k, (kind, source) in enumerate(cells_from_source(text)):
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source, id=f"{name.replace('_', '-')}-{k:02d}"))
    nb.metadata = nbformat.from_dict({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return nb


def kernel_env() -> Dict[str, str]:
    """The environment of the kernel: this checkout importable first, no inherited backend."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("MPLBACKEND", None)
    return env


def execute(nb: nbformat.NotebookNode, cwd: Path = HERE) -> nbformat.NotebookNode:
    """Run every cell on a fresh python3 kernel (stopping at the first error); return `nb`."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, store_widget_state=False)
    client.execute(env=kernel_env())
    return clean(nb)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook's bytes deterministic and renderable without a kernel."""
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict({})
        outputs: List[nbformat.NotebookNode] = []
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)
            # how a print is split into messages depends on timing: join consecutive chunks
            if (outputs and out.output_type == "stream" and outputs[-1].output_type == "stream"
                    and outputs[-1].name == out.name):
                outputs[-1].text += out.text
            else:
                outputs.append(out)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return nb


def build(name: str, out_dir: Path = HERE) -> float:
    """Write and execute ``<out_dir>/<name>.ipynb``; return the execution time in seconds."""
    nb = notebook_from_source(name)
    start = time.perf_counter()
    execute(nb)
    seconds = time.perf_counter() - start
    nbformat.validate(nb)
    nbformat.write(nb, Path(out_dir) / f"{name}.ipynb")
    return seconds


def names() -> List[str]:
    """Every notebook that has a source, in order."""
    return sorted(p.stem for p in SOURCES.glob("*.md"))


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to build (default: all)")
    parser.add_argument("--output-dir", type=Path, default=HERE,
                        help="where to write them (default: notebooks/)")
    args = parser.parse_args(argv)
    for name in args.names or names():
        print(f"{name}.ipynb: executed in {build(name, args.output_dir):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
