"""Where each kata stands, from the last grades (state.py): `--list`, `grader.status()`.

Nothing is graded here, and nothing heavy is imported (no numpy, no pytest): `python grader.py
--list` answers in the time Python takes to start. A kata's status is its last grade's if
its file has not changed since (same sha256) and neither has its hidden suite; otherwise it
says "changed since last graded", "grader updated since last graded" or "not graded yet".
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import catalogue, state
from .catalogue import ROOT, Kata

NOT_GRADED = "not graded yet"
CHANGED = "changed since last graded"
SUITE_CHANGED = "grader updated since last graded"
STALE = (NOT_GRADED, CHANGED, SUITE_CHANGED)
COLORS = {"done": "32", "in progress": "33", "not started": "2", "does not import": "31", "missing": "31",
          "not graded": "31", NOT_GRADED: "2", CHANGED: "36", SUITE_CHANGED: "36"}


@dataclass
class Row:
    kata: Kata
    file: Path | None
    status: str
    score: float | None  # the last grade's points (also when the file changed since), None if none
    first: str = ""      # the first thing to fix, as the last grade said

    @property
    def fresh(self) -> bool:
        """Whether the status is a grade of the file as it is now."""
        return self.status not in STALE

    @property
    def points(self) -> str:
        if self.score is None:
            return f"-/{self.kata.points}"
        return f"{_number(self.score)}/{self.kata.points}"


def _number(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0")


def rel(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def row(kata: Kata, file) -> Row:
    if file is None:
        return Row(kata, None, "missing", None)
    last = state.last(file)
    if last is None:
        return Row(kata, Path(file), NOT_GRADED, None)
    score = last.get("score") if isinstance(last.get("score"), (int, float)) else None
    if last.get("sha256") != state.file_hash(file):
        return Row(kata, Path(file), CHANGED, score)
    if last.get("suite") != state.suite_hash(kata):
        return Row(kata, Path(file), SUITE_CHANGED, score)
    return Row(kata, Path(file), str(last.get("status", NOT_GRADED)), score, str(last.get("first", "")))


def folder_files(folder) -> dict:
    folder = Path(folder)
    return {k.name: (folder / f"{k.name}.py" if (folder / f"{k.name}.py").is_file() else None)
            for k in catalogue.KATAS}


class Status:
    """The katas in order with their status, lesson and file; prints as text, and shows as a
    table in Jupyter."""

    def __init__(self, label: str, files: dict, names=None, flags: str = ""):
        self.label = label
        self.flags = flags  # what to add to `python grader.py` to grade the same folder
        katas = sorted({catalogue.get(n) for n in names}, key=lambda k: k.number) if names else list(catalogue.KATAS)
        self.rows = [row(k, files.get(k.name)) for k in katas]

    def next(self) -> Row | None:
        """The first kata not known to be done."""
        return next((r for r in self.rows if r.status != "done"), None)

    def text(self, color: bool = False) -> str:
        width = max([len(r.kata.name) for r in self.rows] + [4])
        status_width = max(len(r.status) for r in self.rows) if self.rows else 6
        lines = [f"Katas of {self.label} (each as its last grade found it)", "",
                 f" #  {'kata':<{width}}  {'status':<{status_width}}  points"]
        for r in self.rows:
            status = f"{r.status:<{status_width}}"
            if color:
                status = f"\033[{COLORS.get(r.status, '0')}m{status}\033[0m"
            lines.append(f"{r.kata.number:>2}  {r.kata.name:<{width}}  {status}  {r.points:>6}")
        lines.append("")
        for r in self.rows:
            lines.append(f"{r.kata.number:>2}. {r.kata.title}: {rel(r.kata.lesson)}, "
                         f"{rel(r.file) if r.file else 'missing'}")
        stale = [r for r in self.rows if r.status in STALE]
        if any(r.status in (CHANGED, SUITE_CHANGED) for r in stale):
            lines += ["", "The points of a kata changed since are those of its last grade."]
        if stale:
            lines += ["", f"To grade them: python grader.py{self.flags}   "
                          f"(or one kata: python grader.py{self.flags} {stale[0].kata.name})"]
        else:
            nxt = self.next()
            if nxt is not None and nxt.status != "missing":
                lines += ["", f"Next: python grader.py{self.flags} {nxt.kata.name}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text())

    def _repr_html_(self) -> str:
        from . import notebook

        return notebook.status_html(self)


def use_color() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def quick(argv: list):
    """`python grader.py --list [--solutions | --source DIR] [KATA ...]` answered without
    loading the grader (its exit status); None for any other command line."""
    if "--list" not in argv:
        return None
    folder, label, flags, names, rest = ROOT / "katas", "katas/", "", [], list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--list":
            continue
        if arg == "--solutions" and label == "katas/":
            folder, label, flags = ROOT / "solutions", "solutions/", " --solutions"
        elif (arg == "--source" or arg.startswith("--source=")) and label == "katas/":
            value = arg.partition("=")[2] if "=" in arg else (rest.pop(0) if rest else None)
            if not value or not Path(value).is_dir():
                return None  # the full command line says what is wrong
            folder, label, flags = Path(value), rel(value) + "/", f" --source {value}"
        elif arg in catalogue.BY_NAME:
            names.append(arg)
        else:
            return None
    try:
        print(Status(label, folder_files(folder), names or None, flags).text(color=use_color()), flush=True)
    except BrokenPipeError:  # the reader went away (python grader.py --list | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def first_unfinished(source, grade_one) -> str | None:
    """The first kata of `source` that is not done, by its last grade where that grade is of the
    file as it is now, else by grading it with `grade_one(name)` (a Grade); None if all are done."""
    for r in Status(source.label, source.files).rows:
        if r.status == "done":
            continue
        if r.fresh:
            return r.kata.name
        graded = grade_one(r.kata.name)
        if next(k for k in graded.katas if k.kata.name == r.kata.name).status != "done":
            return r.kata.name
    return None
