"""Grade a whole class: every sub-folder or .zip of a folder is one submission.

Submissions are graded in parallel by judges that each take one submission after another,
with confined workers, and the batch always finishes: a submission that cannot be graded
gets zeros and a note.
"""

from __future__ import annotations

import csv
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import catalogue, report, safe, sources
from .judge import Judge, JudgeFailed
from .results import grade
from .confinement import Limits


def grade_one(path: Path, names, limits: Limits, judged_by: Judge | None = None):
    """(submission name, Grade or None, notes) for one folder or .zip."""
    source = sources.submission(path)
    name = safe.name(path.name)  # the student's choice: shown and written only made safe
    try:
        result = grade(source, names, limits=limits, judged_by=judged_by)
        return name, result, ""
    except JudgeFailed as exc:
        return name, None, safe.text(f"not graded: {exc}")
    finally:
        source.close()


class Progress:
    """'graded 12/100' on one line of a terminal, or a line per submission elsewhere."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.lock = threading.Lock()
        self.tty = stream.isatty()

    def step(self, name: str) -> None:
        with self.lock:
            self.done += 1
            if self.tty:
                self.stream.write(f"\rgraded {self.done}/{self.total} submissions")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"graded {self.done}/{self.total}: {name}\n")
            self.stream.flush()


def grade_all(folder, names=None, limits: Limits | None = None, jobs: int = 2) -> list:
    """[(name, Grade or None, note)] for every submission in `folder`, in name order.

    `jobs` threads take submissions in turn, each with a judge of its own that it keeps
    from one submission to the next."""
    paths = sources.batch(folder)
    limits = limits or Limits(confine=True)
    progress = Progress(len(paths))
    mine, judges = threading.local(), []

    def task(path):
        if not hasattr(mine, "judge"):
            mine.judge = Judge()
            judges.append(mine.judge)
        row = grade_one(path, names, limits, mine.judge)
        progress.step(row[0])
        return row

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(task, paths))
    finally:
        for judge in judges:
            judge.close()


def write_csv(rows: list, path, names=None) -> None:
    """Columns: submission, one per kata in catalogue order, total, max_score, notes."""
    katas = catalogue.select(names)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["submission", *[k.name for k in katas], "total", "max_score", "notes"])
        max_score = sum(k.points for k in katas)
        for name, result, note in rows:
            if result is None:
                out.writerow([safe.cell(name), *["0"] * len(katas), "0", report.points(max_score), safe.cell(note)])
                continue
            notes = [f"{k.kata.name}: {n}" for k in result.katas for n in k.notes]
            notes += [f"confinement: {result.confinement.split(':')[0]}"] if result.confinement else []
            out.writerow([safe.cell(name), *[report.points(k.score) for k in result.katas], report.points(result.score),
                          report.points(result.max_score), safe.cell("; ".join(notes))])


def write_json_dir(rows: list, folder) -> None:
    """One Gradescope results.json per submission: <folder>/<submission>.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    taken = set()
    for name, result, note in rows:
        data = report.gradescope(result) if result is not None else {
            "score": 0, "tests": [], "output": f"This submission could not be graded: {note}"}
        stem, n = name, 1
        while stem in taken:  # two names that differ only in what was made safe
            n += 1
            stem = f"{name}-{n}"
        taken.add(stem)
        (folder / f"{stem}.json").write_text(json.dumps(data, indent=2))
