"""Check results, rendered as HTML (inline CSS, no JavaScript) for notebooks and as text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import List, Optional

_STYLE = {
    "passed": ("#1b7f3b", "#eaf6ee", "\u2714"),
    "failed": ("#b3261e", "#fcebea", "\u2718"),
    "error": ("#a15c00", "#fff4e5", "\u26a0"),
    "not attempted": ("#5f6368", "#f1f3f4", "\u25cb"),
    "recorded": ("#1a5fb4", "#eaf1fb", "\u25cf"),
}


@dataclass
class Result:
    """The outcome of one check: what a notebook shows and what the grader records.

    ``status`` is "passed", "failed", "error" (the student's code raised), "not attempted"
    or "recorded" (grading mode: judged later by the grader). ``hints`` are all the hints for
    this answer, in the order ``hint()`` gives them; ``hint`` is the first.
    """

    exercise: str
    status: str
    score: float
    max_score: float
    message: str
    hint: Optional[str] = None
    misconception: Optional[str] = None
    title: str = ""
    traceback: list = field(default_factory=list)
    hints: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        icon = _STYLE.get(self.status, _STYLE["error"])[2]
        lines = [f"{icon} {self.exercise} ({self.title}): {self.status}, "
                 f"{self.score:g}/{self.max_score:g}", f"  {self.message}"]
        for frame in self.traceback:
            lines.append(f"    {frame.get('file')}, line {frame.get('line')}: {frame.get('code')}")
        if self.hint:
            lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color, background, icon = _STYLE.get(self.status, _STYLE["error"])
        parts = [
            f'<div style="border-left:5px solid {color};background:{background};'
            f'padding:8px 12px;margin:4px 0;font-family:sans-serif;font-size:14px;'
            f'color:#202124">',
            f'<div><span style="color:{color};font-weight:bold">{icon} {escape(self.status)}'
            f'</span> &middot; <b>{escape(self.title or self.exercise)}</b> '
            f'<span style="color:#5f6368">({escape(self.exercise)}) &middot; '
            f'{self.score:g}/{self.max_score:g}</span></div>',
            f'<div style="margin-top:4px">{escape(self.message)}</div>',
        ]
        if self.traceback:
            rows = "".join(
                f"<div>{escape(str(f.get('file')))}, line {escape(str(f.get('line')))}: "
                f"<code>{escape(str(f.get('code')))}</code></div>" for f in self.traceback)
            parts.append(f'<div style="margin-top:4px;font-size:13px">{rows}</div>')
        if self.hint:
            parts.append(f'<div style="margin-top:4px"><b>Hint:</b> {escape(self.hint)}</div>')
        parts.append("</div>")
        return "".join(parts)


class Hint(str):
    """A hint: a plain string that also renders nicely in a notebook."""

    def _repr_html_(self) -> str:
        return (f'<div style="border-left:5px solid #1a5fb4;background:#eaf1fb;'
                f'padding:6px 12px;font-family:sans-serif;font-size:14px;color:#202124">'
                f'<b>Hint:</b> {escape(str(self))}</div>')


class _Totals:
    """``score`` and ``max_score``: the sums over ``self.results``."""

    results: List[Result]

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)


def progress(results: list, next_up: Optional[tuple] = None) -> str:
    """"Done: 2 of 3. Next: <id> (<title>)." for a list of results in task order.

    ``next_up`` (id, title) is the next task when the caller knows tasks not in ``results``;
    otherwise it is the first result that has not passed.
    """
    done = sum(r.status == "passed" for r in results)
    todo = [(r.exercise, r.title or r.exercise) for r in results if r.status != "passed"]
    next_up = next_up or (todo[0] if todo else None)
    if not results:
        return "No checks yet."
    text = f"Done: {done} of {len(results)}."
    return f"{text} Next: {next_up[0]} ({next_up[1]})." if next_up else f"{text} All done."


class Summary(_Totals):
    """A table of check results (the latest result per exercise), and the next task to do."""

    def __init__(self, results: list, next_up: Optional[tuple] = None) -> None:
        self.results = list(results)
        self.progress = progress(self.results, next_up)

    def to_dict(self) -> dict:
        return {"results": [r.to_dict() for r in self.results],
                "score": self.score, "max_score": self.max_score, "progress": self.progress}

    def __str__(self) -> str:
        width = max([len(r.exercise) for r in self.results] + [8])
        lines = [f"{'exercise':<{width}}  {'status':<13}  score"]
        for r in self.results:
            lines.append(f"{r.exercise:<{width}}  {r.status:<13}  {r.score:g}/{r.max_score:g}")
        lines.append(f"{'total':<{width}}  {'':<13}  {self.score:g}/{self.max_score:g}")
        lines.append(self.progress)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        cell = 'style="padding:3px 10px;text-align:left;border-bottom:1px solid #ddd"'
        rows = []
        for r in self.results:
            color, _, icon = _STYLE.get(r.status, _STYLE["error"])
            rows.append(f"<tr><td {cell}>{escape(r.title or r.exercise)}</td>"
                        f"<td {cell}><code>{escape(r.exercise)}</code></td>"
                        f'<td {cell}><span style="color:{color}">{icon} {escape(r.status)}'
                        f"</span></td><td {cell}>{r.score:g}/{r.max_score:g}</td></tr>")
        return (f'<table style="border-collapse:collapse;font-family:sans-serif;font-size:14px">'
                f"<tr><th {cell}>exercise</th><th {cell}>id</th><th {cell}>status</th>"
                f"<th {cell}>score</th></tr>{''.join(rows)}"
                f"<tr><td {cell}><b>total</b></td><td {cell}></td><td {cell}></td>"
                f"<td {cell}><b>{self.score:g}/{self.max_score:g}</b></td></tr></table>"
                f'<div style="font-family:sans-serif;font-size:14px;margin-top:4px">'
                f"{escape(self.progress)}</div>")
