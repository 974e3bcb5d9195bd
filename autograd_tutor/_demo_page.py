"""``autograd-tutor demo``: run the demo notebook and write it as one self-contained HTML page.

The page has the notebook's narrative, its code, and every output: printed text, the drawn
graphs, plots, and each `viz.animate`/`viz.train` view as the page its ``.save("x.html")``
writes (in an ``<iframe srcdoc>``, so its controls work offline and side by side). The notebook
runs in a fresh process (`run_notebook`, as ``check`` runs notebooks) with one extra first cell
that makes stepped views carry that saved page in their display data.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import __version__
from .exercises._runner import (
    NotebookError,
    RunOutcome,
    executed_notebook,
    read_notebook,
    run_notebook,
)

__all__ = ["NotebookError", "default_output", "markdown", "open_in_browser", "page",
           "run_demo", "write_demo"]

PAGE_MIME = "application/vnd.autograd-tutor.page+html"

# Runs before the demo's own cells, in the demo's process.
_SETUP = f"""\
def _autograd_tutor_page_setup():
    import os, tempfile
    from IPython import get_ipython
    from autograd_tutor.viz.widget import _Stepper

    def bundle(view, include=None, exclude=None):
        data = view._repr_mimebundle_()
        with tempfile.TemporaryDirectory() as tmp:
            view.save(os.path.join(tmp, "view.html"))
            with open(os.path.join(tmp, "view.html"), encoding="utf-8") as f:
                data["{PAGE_MIME}"] = f.read()
        return data

    get_ipython().display_formatter.mimebundle_formatter.for_type(_Stepper, bundle)

_autograd_tutor_page_setup()
del _autograd_tutor_page_setup
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; border-radius: 4px; }
pre.code { border-left: 3px solid #4a90d9; }
pre.stderr, pre.error { background: #fdecea; }
code { background: #f6f8fa; padding: 0 .2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .6em; text-align: left; }
.output { margin: .3em 0 1.2em 0; overflow-x: auto; }
.output img { max-width: 100%; }
iframe.animation { width: 100%; border: 1px solid #ddd; border-radius: 4px; min-height: 20em; }
header { color: #666; font-size: .9em; border-bottom: 1px solid #ddd; margin-bottom: 1em; }
"""

# Each animation's iframe grows to the height of its content (srcdoc frames are same-origin);
# called from the frame's onload attribute, so it cannot miss the load event.
_FIT = """
function fitFrame(frame) {
  const body = frame.contentDocument.body;
  const fit = () => { frame.style.height = (body.scrollHeight + 30) + "px"; };
  fit();
  new ResizeObserver(fit).observe(body);
}
"""


def default_output() -> Path:
    """Where the page goes unless ``--out`` says otherwise."""
    return Path(tempfile.gettempdir(), "autograd-tutor", "demo.html")


def write_demo(notebook: Path, out: Path, *, timeout: float, memory_mb: int) -> Tuple[bool, str]:
    """Run `notebook` and write its page to `out`; whether every cell ran, and what to say."""
    outcome, executed = run_demo(notebook, timeout=timeout, memory_mb=memory_mb)
    ok = outcome.status == "ok" and not outcome.cell_errors
    lines = [f"  code cell {cell} raised {error}" for cell, error in outcome.cell_errors]
    if outcome.status != "ok":
        lines.append(f"  {outcome.status}: {outcome.detail}")
    summary = (f"all {outcome.cells_total} code cells of {notebook.name} ran in "
               f"{outcome.seconds:.1f} s" if ok else
               f"{notebook.name} FAILED: {len(outcome.cell_errors)} cell(s) raised an error"
               + ("" if outcome.status == "ok" else f", the run ended in {outcome.status}"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(executed, f"autograd_tutor: {notebook.stem}",
                        notebook.resolve().parent, summary), encoding="utf-8")
    lines += [f"Demo {'OK' if ok else 'FAILED'}: {summary}.",
              f"The page, with every graph and animation: {out}"]
    return ok, "\n".join(lines)


def open_in_browser(path: Path) -> bool:
    """Show the page in a graphical browser, where there is one (not over SSH, in a container
    or in CI); whether it was opened."""
    headless = sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))
    if headless:
        return False
    import webbrowser

    try:
        return webbrowser.open(path.resolve().as_uri())
    except webbrowser.Error:
        return False


def run_demo(notebook: Path, *, timeout: float, memory_mb: int) -> Tuple[RunOutcome, dict]:
    """Run `notebook` headless; its outcome (cells counted without the setup cell) and itself
    with every output. Raises `NotebookError` when it is not a notebook."""
    nb = read_notebook(notebook)
    nb["cells"] = [{"cell_type": "code", "metadata": {}, "source": _SETUP, "outputs": [],
                    "execution_count": None}] + nb["cells"]
    with tempfile.TemporaryDirectory(prefix="autograd-tutor-demo-") as tmp:
        copy = Path(tmp, notebook.name)
        copy.write_text(json.dumps(nb), encoding="utf-8")
        outcome = run_notebook(copy, timeout=timeout, memory_mb=memory_mb,
                               cwd=notebook.resolve().parent, capture_outputs=True)
    executed = executed_notebook(outcome)
    executed["cells"] = executed["cells"][1:]
    for cell in executed["cells"]:
        if isinstance(cell.get("execution_count"), int):
            cell["execution_count"] -= 1
    outcome.cells_total = max(outcome.cells_total - 1, 0)
    outcome.cells_run = max(outcome.cells_run - 1, 0)
    outcome.cell_errors = [(cell - 1, error) for cell, error in outcome.cell_errors]
    return outcome, executed


# ------------------------------------------------------------------------------ markdown

_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)"), r'<img alt="\1" src="\2">'),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
]
_FENCE = re.compile(r"^```")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+(.*)$")


def _inline(text: str, base: Optional[Path]) -> str:
    """One line of markdown: code spans, images, links, bold and italics."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part, quote=False)
        for pattern, replacement in _INLINE:
            part = pattern.sub(replacement, part)
        out.append(part)
    return _resolve("".join(out), base)


def _resolve(markup: str, base: Optional[Path]) -> str:
    """Relative links (to the course's other notebooks) made to point where they are."""
    if base is None:
        return markup
    return re.sub(r'(href|src)="(?![a-z]+:|#)([^"]+)"',
                  lambda m: f'{m.group(1)}="{(base / m.group(2)).resolve().as_uri()}"', markup)


def _table(rows: List[str], base: Optional[Path]) -> str:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    body = [r for r in cells[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r)]
    head = "".join(f"<th>{_inline(c, base)}</th>" for c in cells[0])
    rest = "".join("<tr>" + "".join(f"<td>{_inline(c, base)}</td>" for c in r) + "</tr>"
                   for r in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rest}</tbody></table>"


def markdown(text: str, base: Optional[Path] = None) -> str:
    """The markdown the notebooks use, as HTML: headings, paragraphs, lists, tables, fenced
    code, raw HTML lines; relative links are resolved against `base`."""
    out: List[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])),
                       len(lines))
            out.append(f"<pre>{html.escape(chr(10).join(lines[i + 1:end]))}</pre>")
            i = end + 1
        elif _HEADING.match(line):
            level, title = _HEADING.match(line).groups()
            out.append(f"<h{len(level)}>{_inline(title, base)}</h{len(level)}>")
            i += 1
        elif line.lstrip().startswith("|"):
            end = i
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            out.append(_table(lines[i:end], base))
            i = end
        elif _ITEM.match(line):
            items = []
            while i < len(lines) and lines[i].strip():
                item = _ITEM.match(lines[i])
                if item:
                    items.append(item.group(1))
                elif items:
                    items[-1] += " " + lines[i].strip()
                i += 1
            tag = "ol" if re.match(r"^\s*\d+\.", line) else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(t, base)}</li>" for t in items)
                       + f"</{tag}>")
        elif line.lstrip().startswith("<"):
            out.append(_resolve(line, base))  # raw HTML, kept as is
            i += 1
        elif line.strip():
            para = []
            while i < len(lines) and lines[i].strip() and not (
                    _FENCE.match(lines[i]) or _HEADING.match(lines[i]) or _ITEM.match(lines[i])
                    or lines[i].lstrip().startswith(("|", "<"))):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(para), base)}</p>")
        else:
            i += 1
    return "\n".join(out)


# ------------------------------------------------------------------------------- outputs

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _output(out: Dict[str, Any]) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        name = "stderr" if out.get("name") == "stderr" else "stdout"
        return f'<pre class="{name}">{html.escape(_text(out.get("text", "")))}</pre>'
    if kind == "error":
        trace = _ANSI.sub("", "\n".join(out.get("traceback") or []))
        text = trace or f"{out.get('ename')}: {out.get('evalue')}"
        return f'<pre class="error">{html.escape(text)}</pre>'
    data = out.get("data") or {}
    if PAGE_MIME in data:
        page = html.escape(_text(data[PAGE_MIME]), quote=True)
        return f'<iframe class="animation" onload="fitFrame(this)" srcdoc="{page}"></iframe>'
    if "text/html" in data:
        return _text(data["text/html"])
    if "image/svg+xml" in data:
        return _text(data["image/svg+xml"])
    if "image/png" in data:
        return f'<img src="data:image/png;base64,{_text(data["image/png"]).strip()}">'
    if "text/plain" in data:
        return f"<pre>{html.escape(_text(data['text/plain']))}</pre>"
    return ""


def page(nb: dict, title: str, base: Optional[Path], summary: str) -> str:
    """The executed notebook `nb` as one HTML page."""
    body: List[str] = []
    for cell in nb.get("cells", []):
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            body.append(markdown(source, base))
        elif cell.get("cell_type") == "code":
            body.append(f'<pre class="code">{html.escape(source)}</pre>')
            outputs = "".join(_output(o) for o in cell.get("outputs", []))
            if outputs:
                body.append(f'<div class="output">{outputs}</div>')
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n"
            f"<script>{_FIT}</script>\n</head>\n<body>\n"
            f"<header>autograd_tutor {html.escape(__version__)} · {html.escape(summary)}"
            f"</header>\n" + "\n".join(body) + "\n</body>\n</html>\n")
