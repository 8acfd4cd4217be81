"""Find the code, run the suite, collect results: a Grade of kata files.

    source = learner()               # katas/, or solutions() or folder(path)
    result = grade(source)           # runs the hidden suite in a judge process
    print(report.summary(result))
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue, judge
from .catalogue import ROOT, Kata


# ---------------------------------------------------------------- find the code

@dataclass
class Source:
    """Which file to grade for each kata (None: there is none)."""

    label: str
    files: dict


def folder(path, label: str | None = None) -> Source:
    path = Path(path)
    files = {k.name: (path / f"{k.name}.py" if (path / f"{k.name}.py").is_file() else None)
             for k in catalogue.KATAS}
    return Source(label or _label(path), files)


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT)) + "/"
    except ValueError:
        return str(path)


def learner() -> Source:
    return folder(ROOT / "katas")


def solutions() -> Source:
    return folder(ROOT / "solutions")


# ---------------------------------------------------------------- results

@dataclass
class Check:
    """The outcome of one hidden test."""

    kata: str
    name: str
    title: str
    weight: float
    passed: bool
    kind: str
    message: str = ""
    where: list = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    score: float = 0.0
    max_score: float = 0.0


STATUSES = ("done", "in progress", "not started", "does not import", "missing")


@dataclass
class KataResult:
    kata: Kata
    file: Path | None
    checks: list

    @property
    def max_score(self) -> float:
        return float(self.kata.points)

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 2)

    @property
    def status(self) -> str:
        if self.file is None:
            return "missing"
        if any(c.kind == "import_error" for c in self.checks):
            return "does not import"
        if self.checks and all(c.passed for c in self.checks):
            return "done"
        if all(c.kind == "not_started" for c in self.checks):
            return "not started"
        return "in progress"

    @property
    def failures(self) -> list:
        return [c for c in self.checks if not c.passed]

    def first_failure(self) -> Check | None:
        """The first real mistake if there is one, else the first unstarted function."""
        failures = self.failures
        started = [c for c in failures if c.kind != "not_started"]
        return (started or failures or [None])[0]

    @property
    def notes(self) -> list:
        notes = []
        if self.status in ("missing", "does not import"):
            notes.append(self.status)
        for kind, note in (("timeout", "timeouts"), ("crashed", "crashes"), ("internal", "suite errors")):
            if any(c.kind == kind for c in self.checks):
                notes.append(note)
        return notes


@dataclass
class Grade:
    source: Source
    katas: list
    seconds: float = 0.0
    detailed: tuple = ()  # kata names whose every failure the report shows

    @property
    def score(self) -> float:
        return round(sum(k.score for k in self.katas), 2)

    @property
    def max_score(self) -> float:
        return float(sum(k.max_score for k in self.katas))

    @property
    def all_passed(self) -> bool:
        return all(k.status == "done" for k in self.katas)

    def kata(self, name: str) -> KataResult:
        return next(k for k in self.katas if k.kata.name == name)

    def __str__(self) -> str:
        from . import report

        return report.detail(self) if self.detailed else report.summary(self)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):  # IPython and Jupyter
        printer.text(str(self))


def _kata_result(kata: Kata, file, records: list) -> KataResult:
    total = sum(r["weight"] for r in records) or 1.0
    checks = []
    for r in records:
        share = kata.points * r["weight"] / total
        checks.append(Check(**r, score=share if r["passed"] else 0.0, max_score=share))
    return KataResult(kata, Path(file) if file else None, checks)


def grade(source: Source, names=None, detailed: bool = False, call_seconds: float = 10.0,
          memory_mb: int = 0) -> Grade:
    """Grade the katas `names` (default: all) of `source` with the hidden suite."""
    katas = [catalogue.get(n) for n in names] if names else list(catalogue.KATAS)
    start = time.perf_counter()
    files = {k.name: source.files.get(k.name) for k in katas}
    records = judge.run([k.name for k in katas], files, call_seconds=call_seconds, memory_mb=memory_mb)
    by_kata = {k.name: [] for k in katas}
    for r in records:
        by_kata.setdefault(r["kata"], []).append(r)
    results = [_kata_result(k, files[k.name], by_kata[k.name]) for k in katas]
    shown = tuple(k.name for k in katas) if detailed else ()
    return Grade(source, results, time.perf_counter() - start, shown)
