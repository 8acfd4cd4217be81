"""Jupyter: `grader.check()`, `grader.hint()` and `grader.status()`, and how they look there.

A notebook shows a report as HTML (Grade._repr_html_): the table with its statuses in colour,
the first thing to fix in each kata (every failing check when katas are named), and what to
run next. Everything that came from kata code (messages, output, file names) is escaped
here, after safe.py made it printable. Anywhere else the same objects print the usual text.

The judges are kept warm between checks (watch.Warm), so a check after the first takes
about as long as its checks do; edits of a kata file are seen by the next check, since
every grading imports the file afresh in a new worker.
"""

from __future__ import annotations

import atexit
import html

from . import catalogue, report, state, status
from .results import Check, Grade, KataResult

_warm = None


def warm():
    """The judges of this process, started on first use and stopped when it exits."""
    global _warm
    if _warm is None:
        from .watch import Warm

        _warm = Warm()
        atexit.register(_warm.close)
    return _warm


def _source(solutions_folder: bool):
    from .sources import learner, solutions

    return solutions() if solutions_folder else learner()


def check(names: list, solutions_folder: bool = False) -> "report.Report":
    from . import judge
    from .results import grade

    for name in names:
        if name not in catalogue.BY_NAME:
            raise ValueError(f"no kata named {name!r}; the katas are {', '.join(catalogue.BY_NAME)}")
    source = _source(solutions_folder)
    before = state.fingerprints(source, names or None)
    try:
        result = grade(source, names or None, detailed=bool(names), judged_by=warm())
    except judge.JudgeFailed:  # once more, with judges started afresh
        result = grade(source, names or None, detailed=bool(names), judged_by=warm())
    state.record(result, before)
    return report.Report(result)


def hint(name=None) -> "Text":
    from . import cli
    from .results import grade

    if name is None:
        source = _source(False)

        def grade_one(n):
            before = state.fingerprints(source, [n])
            result = grade(source, [n], judged_by=warm())
            state.record(result, before)
            return result

        name = status.first_unfinished(source, grade_one)
        if name is None:
            return Text("Every kata passes: no hint needed.")
    if name not in catalogue.BY_NAME:
        raise ValueError(f"no kata named {name!r}; the katas are {', '.join(catalogue.BY_NAME)}")
    text = cli.show_hint(name).replace("Run it again for the next hint", f'Run grader.hint("{name}") again for the next hint')
    return Text(text)


def status_of(names: list, solutions_folder: bool = False) -> status.Status:
    source = _source(solutions_folder)
    return status.Status(source.label, source.files, names or None, " --solutions" if solutions_folder else "")


class Text:
    """Text that shows as itself in a notebook (not as a quoted string)."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text)

    def _repr_html_(self) -> str:
        return f'<pre style="white-space: pre-wrap">{esc(self.text)}</pre>'


# ---------------------------------------------------------------- HTML

COLORS = {  # background, text
    "done": ("#d4edda", "#155724"), "in progress": ("#fff3cd", "#856404"),
    "not started": ("#e9ecef", "#495057"), "does not import": ("#f8d7da", "#721c24"),
    "missing": ("#f8d7da", "#721c24"), "not graded": ("#f8d7da", "#721c24"),
    status.NOT_GRADED: ("#e9ecef", "#495057"), status.CHANGED: ("#d1ecf1", "#0c5460"),
    status.SUITE_CHANGED: ("#d1ecf1", "#0c5460"),
}
CELL = "padding: 2px 10px; text-align: left"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _badge(value: str) -> str:
    background, color = COLORS.get(value, ("#ffffff", "#000000"))
    return (f'<td style="{CELL}; background: {background}; color: {color}; font-weight: bold">'
            f"{esc(value)}</td>")


def _table(header: list, rows: list) -> str:
    head = "".join(f'<th style="{CELL}">{esc(h)}</th>' for h in header)
    return f'<table style="border-collapse: collapse"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _check(c: Check) -> str:
    points = f"{report.points(round(c.score, 2))}/{report.points(round(c.max_score, 2))}"
    parts = [f'<div style="margin: 6px 0"><span style="color: #b00020; font-weight: bold">&#10007; {esc(c.title)}</span>'
             f' <span style="color: #666">({points})</span>',
             f'<pre style="white-space: pre-wrap; margin: 2px 0 2px 18px">{esc(c.message)}</pre>']
    for frame in c.where[:-1][-3:]:
        parts.append(f'<div style="margin-left: 18px; color: #555">called from line {esc(frame["line"])}, in '
                     f'<code>{esc(frame["function"])}</code>: <code>{esc(frame["code"])}</code></div>')
    if c.output.strip():
        lines = c.output.rstrip("\n").splitlines()
        shown = lines[:15] + ([f"[... {len(lines) - 15} more lines]"] if len(lines) > 15 else [])
        parts.append('<div style="margin-left: 18px; color: #555">your output:</div>'
                     f'<pre style="margin: 0 0 0 18px; background: #f6f6f6">{esc(chr(10).join(shown))}</pre>')
    parts.append("</div>")
    return "".join(parts)


def _kata_block(k: KataResult, every: bool) -> str:
    name = k.kata.name
    passed = sum(c.passed for c in k.checks)
    head = (f"<p><b>{k.kata.number}. {esc(name)}</b> ({esc(status.rel(k.file)) if k.file else 'missing'}): "
            f"{esc(k.status)}, {passed} of {len(k.checks)} checks pass</p>")
    body = []
    if k.status == "missing":
        body.append(f"<p>missing: {esc(k.note if k.note and k.note != 'missing' else f'there is no {name}.py here')}.</p>")
    elif k.status == "not graded":
        body.append(f"<p>not graded: {esc(k.stopped)}</p>")
    elif k.status == "not started":
        unstarted = sorted({c.message for c in k.failures if c.kind == "not_started"})
        body.append(f"<p>Read <code>{esc(status.rel(k.kata.lesson))}</code>, then replace each "
                    f"<code>raise NotImplementedError</code> in <code>{esc(status.rel(k.file))}</code>.</p>")
        if every:
            body.append("<ul>" + "".join(f"<li>{esc(m)}</li>" for m in unstarted) + "</ul>")
    else:
        failures = k.failures if every else [k.first_failure()]
        seen = set()
        for c in failures:
            if c is None:
                continue
            if c.kind == "not_started":
                if c.message not in seen:
                    seen.add(c.message)
                    body.append(f'<div style="margin: 4px 0; color: #495057">&ndash; {esc(c.message)}</div>')
                continue
            body.append(_check(c))
        if not every and len(k.failures) > 1:
            body.append(f'<p style="color: #666">{len(k.failures) - 1} more failing: '
                        f'<code>grader.check("{esc(name)}")</code> shows every one.</p>')
    if k.failures:
        body.append(f'<p>Stuck? <code>grader.hint("{esc(name)}")</code> '
                    f'(or <code>python grader.py --hint {esc(name)}</code>)</p>')
    return head + "".join(body)


def html_report(grade: Grade) -> str:
    rows = []
    for k in grade.katas:
        rows.append(f'<tr><td style="{CELL}">{k.kata.number}</td><td style="{CELL}"><code>{esc(k.kata.name)}</code></td>'
                    f"{_badge(k.status)}<td style=\"{CELL}\">{report.points(k.score)}/{report.points(k.max_score)}</td></tr>")
    rows.append(f'<tr><td style="{CELL}"></td><td style="{CELL}"><b>total</b></td><td style="{CELL}"></td>'
                f'<td style="{CELL}"><b>{report.points(grade.score)}/{report.points(grade.max_score)}</b></td></tr>')
    parts = [f"<div><p><b>Grading {esc(grade.source.label)}</b></p>", _table(["#", "kata", "status", "points"], rows)]
    shown = [k for k in grade.katas if k.status != "done" and (k.kata.name in grade.detailed or k.status != "not started")]
    for k in shown:
        parts.append(_kata_block(k, every=k.kata.name in grade.detailed))
    unfinished = [k for k in grade.katas if k.status != "done"]
    waiting = [k.kata.name for k in unfinished if k.status == "not started" and k.kata.name not in grade.detailed]
    if waiting:
        parts.append(f"<p>Not started: {esc(', '.join(waiting))}.</p>")
    if unfinished:
        nxt = unfinished[0].kata.name
        parts.append(f'<p>Next: <code>grader.check("{esc(nxt)}")</code> (every failing check, with your output) '
                     f'&middot; <code>grader.hint("{esc(nxt)}")</code></p>')
    else:
        parts.append('<p style="color: #155724"><b>Every check passes. Well done.</b></p>')
    return "".join(parts) + "</div>"


def status_html(view: status.Status) -> str:
    rows = []
    for r in view.rows:
        rows.append(f'<tr><td style="{CELL}">{r.kata.number}</td><td style="{CELL}"><code>{esc(r.kata.name)}</code></td>'
                    f'{_badge(r.status)}<td style="{CELL}">{esc(r.points)}</td>'
                    f'<td style="{CELL}">{esc(status.rel(r.kata.lesson))}</td>'
                    f'<td style="{CELL}">{esc(status.rel(r.file)) if r.file else "missing"}</td></tr>')
    parts = [f"<div><p><b>Katas of {esc(view.label)}</b> (each as its last grade found it)</p>",
             _table(["#", "kata", "status", "points", "lesson", "file"], rows)]
    stale = [r for r in view.rows if r.status in status.STALE]
    if stale:
        parts.append(f'<p>To grade them: <code>grader.check()</code> (or one kata: '
                     f'<code>grader.check("{esc(stale[0].kata.name)}")</code>)</p>')
    return "".join(parts) + "</div>"
