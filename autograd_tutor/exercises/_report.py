"""The class report: one self-contained HTML file (``report.html``) beside ``grades.csv``.

Per-task pass rates, the misconceptions diagnosed (with counts and example students), a score
histogram (matplotlib, embedded as SVG so the bytes do not depend on a PNG encoder), timeouts
and crashes. The same submissions give the same bytes.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from typing import Dict, List, Sequence

from .. import __version__
from ._diagnosis import CATALOGUE
from ._runner import RUN_OK

_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"
          "th{background:#eee}")


def _histogram(fractions: List[float]) -> str:
    """Scores (0-100 %) as an inline SVG histogram."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "autograd-tutor", "svg.fonttype": "none"}):
        fig = Figure(figsize=(6, 2.5))
        ax = fig.add_subplot()
        ax.hist([100 * f for f in fractions], bins=10, range=(0, 100), color="#4a7ebb")
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]


def _table(header: Sequence[str], rows: List[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def class_report(submissions: Sequence) -> str:
    """The report's HTML."""
    passes: Dict[str, List[int]] = {}
    mistakes: Counter = Counter()
    examples: Dict[str, List[str]] = {}
    for sub in submissions:
        for r in sub.results:
            counts = passes.setdefault(r.exercise, [0, 0])
            counts[0] += r.status == "passed"
            counts[1] += 1
            if r.misconception and r.status != "passed":
                mistakes[r.misconception] += 1
                names = examples.setdefault(r.misconception, [])
                if sub.student not in names and len(names) < 3:
                    names.append(sub.student)
    fractions = [s.score / s.max_score for s in submissions if s.max_score]
    runs = [(s.student, s.run.status, s.run.detail) for s in submissions
            if s.run.status != RUN_OK]
    parts = [f"<h1>Class report</h1><p>{len(submissions)} submission(s), autograd-tutor "
             f"{html.escape(__version__)}.</p>",
             "<h2>Scores</h2>", _histogram(fractions) if fractions else "<p>No scores.</p>",
             "<h2>Pass rate per task</h2>",
             _table(("task", "passed", "of", "rate"),
                    [(e, p, n, f"{100 * p / n:.0f}%") for e, (p, n) in sorted(passes.items())]),
             "<h2>Misconceptions diagnosed</h2>",
             _table(("misconception", "count", "for example"),
                    [(CATALOGUE[k].title if k in CATALOGUE else k, n, ", ".join(examples[k]))
                     for k, n in sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))]),
             "<h2>Timeouts and crashes</h2>",
             _table(("student", "run", "detail"), runs) if runs else "<p>None.</p>"]
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report</title>"
            f"<style>{_STYLE}</style></head><body>" + "".join(parts) + "</body></html>\n")
