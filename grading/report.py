"""Turn a Grade into what people read: the table and the details (Gradescope's results.json: gradescope.py)."""

from __future__ import annotations

import os
import sys

from .catalogue import ROOT
from .outcomes import Kind
from .results import Check, Grade, KataResult


def _fancy() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower()
    return "utf" in encoding


def _color(text: str, code: str) -> str:
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return text
    return f"\033[{code}m{text}\033[0m"


STATUS_COLOR = {"done": "32", "in progress": "33", "not started": "2", "does not import": "31", "missing": "31",
                "not graded": "31"}


def points(x: float) -> str:
    """Points as every report writes them: 10, 12.5, 12.83 (scores are rounded to 0.01)."""
    return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0")


def _rel(path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def table(grade: Grade) -> str:
    width = max([len(k.kata.name) for k in grade.katas] + [4])
    lines = [f"Grading {grade.source.label}", "",
             f" #  {'kata':<{width}}  {'status':<15}  points"]
    for k in grade.katas:
        status = _color(f"{k.status:<15}", STATUS_COLOR[k.status])
        lines.append(f"{k.kata.number:>2}  {k.kata.name:<{width}}  {status}  "
                     f"{points(k.score):>5}/{points(k.max_score)}")
    lines.append(f"{'':>2}  {'total':<{width}}  {'':<15}  {points(grade.score):>5}/{points(grade.max_score)}")
    return "\n".join(lines)


def _first_line(k: KataResult) -> list:
    check = k.first_failure()
    if k.status == "missing":
        note = k.note if k.note and k.note != "missing" else f"there is no {k.kata.name}.py here"
        return [f"  missing: {note}."]
    if k.status == "not graded":
        return [f"  not graded: {k.stopped}"]
    if check is None:
        return []
    return ["  " + check.message]


def summary(grade: Grade) -> str:
    """The table, then the first thing to fix in each kata under way, then what to run next."""
    lines = [table(grade)]
    unfinished = [k for k in grade.katas if k.status != "done"]
    for k in unfinished:
        if k.status != "not started":
            lines += ["", f"{k.kata.number}. {k.kata.name}: {k.status}"] + _first_line(k)
    waiting = [k for k in unfinished if k.status == "not started"]
    if waiting:
        first = waiting[0]
        lines += ["", f"Not started: {', '.join(k.kata.name for k in waiting)}."]
        if first is unfinished[0]:
            lines.append(f"Start with {first.kata.name}: read {_rel(first.kata.lesson)}, "
                         f"then fill in {_rel(first.file)}.")
    if unfinished:
        nxt = unfinished[0].kata.name
        lines += ["", f"Next: python grader.py {nxt}   (every failing check, with your output)",
                  f"      python grader.py --hint {nxt}"]
    else:
        lines += ["", "Every check passes. Well done."]
    return "\n".join(lines)


def _check_block(c: Check) -> list:
    mark = "✗" if _fancy() else "x"
    lines = [f"{mark} {c.title}  ({points(round(c.score, 2))}/{points(round(c.max_score, 2))})",
             f"    {c.message}"]
    for frame in c.where[:-1][-3:]:  # the innermost line is already in the message
        lines.append(f"    called from line {frame['line']}, in {frame['function']}: {frame['code']}")
    if c.output.strip():
        text = c.output.rstrip("\n").splitlines()
        shown = text[:15] + ([f"[... {len(text) - 15} more lines]"] if len(text) > 15 else [])
        lines.append("    your output:")
        lines += [f"    | {line}" for line in shown]
    return lines


def detail(grade: Grade) -> str:
    """Every failing check of the katas graded in detail, after the table."""
    lines = [table(grade)]
    for k in grade.katas:
        if k.kata.name not in grade.detailed:
            continue
        passed = sum(c.passed for c in k.checks)
        lines += ["", f"{k.kata.number}. {k.kata.name} ({_rel(k.file) if k.file else 'missing'}): "
                      f"{k.status}, {passed} of {len(k.checks)} checks pass"]
        if k.status == "not started":
            lines.append(f"  Read {_rel(k.kata.lesson)}, then replace each `raise NotImplementedError` "
                         f"in {_rel(k.file)}.")
        if k.status == "missing":
            lines += _first_line(k)
            continue
        if k.status == "does not import":
            lines += ["  " + k.first_failure().message] + [f"    at line {f['line']}: {f['code']}"
                                                            for f in k.first_failure().where[-1:]]
            continue
        shown_not_started = set()
        for c in k.failures:
            if c.kind == Kind.NOT_STARTED:  # one line per unstarted function, not one per check
                if c.message in shown_not_started:
                    continue
                shown_not_started.add(c.message)
                lines.append(f"- {c.message}")
                continue
            lines += _check_block(c)
        waiting = sorted({f for c in k.checks for f in c.waiting_for})
        if waiting:
            count = sum(1 for c in k.checks if c.waiting_for)
            lines.append(f"  {count} side or bad-input check{'s' if count > 1 else ''} pass but earn points only "
                         f"once {', '.join(waiting)} return{'s' if len(waiting) == 1 else ''} right values.")
        if k.failures:
            lines.append(f"  Stuck? python grader.py --hint {k.kata.name}")
    return "\n".join(lines)


def text(grade: Grade) -> str:
    """The report of a grading: every failing check of the katas graded in detail, else the summary."""
    return detail(grade) if grade.detailed else summary(grade)


class Report:
    """A Grade as a learner reads it, which is what grader.check returns: it shows itself as
    text in a terminal, in IPython and in Jupyter. Its other attributes are the Grade's."""

    def __init__(self, grade: Grade):
        self.grade = grade

    def __str__(self) -> str:
        return text(self.grade)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):  # IPython and Jupyter
        printer.text(str(self))

    def _repr_html_(self) -> str:  # a notebook shows this; a terminal, the text above
        from . import notebook

        return notebook.html_report(self.grade)

    def __getattr__(self, name: str):
        return getattr(self.grade, name)

