"""Run the suite and collect results: a Grade of the kata files of a Source.

    source = sources.learner()       # or solutions(), folder(path), submission(path)
    result = grade(source)           # runs the hidden suite in a judge process
    print(report.text(result))
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue, judge
from .catalogue import Kata
from .confinement import Limits, lowest
from .outcomes import Kind, Record, Role
from .sources import Source

PARALLEL = min(2, os.cpu_count() or 1)  # judges at once when grading one folder (two cores are common)


# ---------------------------------------------------------------- results

@dataclass
class Check(Record):
    """A hidden check's Record, scored within its kata."""

    score: float = 0.0
    max_score: float = 0.0
    waiting_for: list = field(default_factory=list)  # a passing side check's functions whose values are not right yet


@dataclass
class KataResult:
    kata: Kata
    file: Path | None
    checks: list
    note: str = ""  # what the source said of the file (missing, too large...)
    stopped: str = ""  # why grading this kata stopped (its judge died), if it did

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
        if self.stopped:
            return "not graded"
        if any(c.kind == Kind.IMPORT_ERROR for c in self.checks):
            return "does not import"
        if self.checks and all(c.passed for c in self.checks):
            return "done"
        if all(c.kind == Kind.NOT_STARTED for c in self.checks):
            return "not started"
        return "in progress"

    @property
    def confinement(self) -> str:
        """The lowest confinement level this kata's code ran at ("" if it never ran)."""
        return lowest(c.confinement for c in self.checks)

    @property
    def failures(self) -> list:
        return [c for c in self.checks if not c.passed]

    def first_failure(self) -> Check | None:
        """The first real mistake if there is one, else the first unstarted function."""
        failures = self.failures
        started = [c for c in failures if c.kind != Kind.NOT_STARTED]
        return (started or failures or [None])[0]

    @property
    def notes(self) -> list:
        """Short notes for an instructor's grade sheet."""
        notes = [self.note] if self.note else []
        if self.stopped:
            notes.append(f"not graded: {self.stopped}")
        if self.status == "does not import":
            notes.append("does not import")
        elif self.status == "missing" and not self.note:
            notes.append("missing")
        for kind, note in ((Kind.TIMEOUT, "timeouts"), (Kind.CRASHED, "crashes"), (Kind.INTERNAL, "grader error")):
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
    def confinement(self) -> str:
        """The lowest confinement level kata code ran at in this grading ("" if none ran)."""
        return lowest(k.confinement for k in self.katas)

    @property
    def all_passed(self) -> bool:
        return all(k.status == "done" for k in self.katas)


GATED = (Role.SIDE, Role.VALIDATION)


def _kata_result(kata: Kata, file, records: list[Record], note: str = "") -> KataResult:
    """Scores: each check's share of the kata's points follows its weight. A side or
    validation check earns its share only once every kata function it calls passes at least
    one value check: returning zeros of the right shape, or raising ValueError on
    everything, earns nothing."""
    total = sum(r.weight for r in records) or 1.0
    right = {f for r in records if r.role == Role.VALUE and r.passed for f in r.calls}
    checks = []
    for r in records:
        share = kata.points * r.weight / total
        waiting = sorted(set(r.calls) - right) if r.role in GATED and r.passed else []
        checks.append(Check(**vars(r), score=share if r.passed and not waiting else 0.0, max_score=share,
                            waiting_for=waiting))
    return KataResult(kata, Path(file) if file else None, checks, note)


def _groups(katas: list, n: int) -> list:
    """Split katas into n groups of similar cost (the size of each hidden suite stands for it),
    each kept in catalogue order."""
    n = max(1, min(n, len(katas)))
    loads = [0] * n
    groups = [[] for _ in range(n)]
    for k in sorted(katas, key=lambda k: -(k.suite.stat().st_size if k.suite.is_file() else 0)):
        i = loads.index(min(loads))
        groups[i].append(k)
        loads[i] += k.suite.stat().st_size if k.suite.is_file() else 0
    return [sorted(g, key=lambda k: k.number) for g in groups if g]


def _judge(katas: list, files: dict, limits: Limits, run=judge.run):
    """(records, {kata: why it stopped}) for katas judged in one process.

    If that judge fails (kata code may kill it), each kata is judged again on its own, so
    that only the one that breaks its judge goes ungraded."""
    try:
        return run([k.name for k in katas], files, limits), {}
    except judge.JudgeFailed as failure:
        if len(katas) == 1:
            return [], {katas[0].name: str(failure)}
        records, stopped = [], {}
        for k in katas:
            more, why = _judge([k], {k.name: files[k.name]}, limits, run)
            records += more
            stopped.update(why)
        return records, stopped


def grade(source: Source, names=None, detailed: bool = False, limits: Limits | None = None,
          parallel: int = PARALLEL, judged_by: judge.Judge | None = None) -> Grade:
    """Grade the katas `names` (default: all) of `source` with the hidden suite, in up to
    `parallel` judge processes at once, or all in `judged_by`, a judge kept for many
    submissions. If every kata's judge fails, the grader itself is broken: JudgeFailed."""
    katas = catalogue.select(names)
    limits = limits or Limits()
    start = time.perf_counter()
    files = {k.name: source.files.get(k.name) for k in katas}
    if judged_by is not None:
        outcomes = [_judge(katas, files, limits, judged_by.run)]
    else:
        groups = _groups(katas, parallel)
        if len(groups) == 1:
            outcomes = [_judge(groups[0], files, limits)]
        else:
            with ThreadPoolExecutor(max_workers=len(groups)) as pool:
                outcomes = list(pool.map(lambda g: _judge(g, files, limits), groups))
    records = [r for recs, _ in outcomes for r in recs]
    stopped = {k: why for _, why in outcomes for k, why in why.items()}
    if len(stopped) == len(katas):
        raise judge.JudgeFailed(next(iter(stopped.values())))
    by_kata = {k.name: [] for k in katas}
    for r in records:
        by_kata.setdefault(r.kata, []).append(r)
    results = [_kata_result(k, files[k.name], by_kata[k.name], source.notes.get(k.name, "")) for k in katas]
    for r in results:
        r.stopped = stopped.get(r.kata.name, "")
    shown = tuple(k.name for k in katas) if detailed else ()
    return Grade(source, results, time.perf_counter() - start, shown)
