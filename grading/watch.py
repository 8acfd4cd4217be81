"""`python grader.py --watch [KATA]`: regrade a kata each time its file is saved, warm.

Two judges are started once and kept (Warm): one runs the checks that need no timing
(values, side properties, bad input), the other the scale checks, side by side on two cores.
After a save the first is done in a few tenths of a second: its result is shown at once,
with the scale checks as the last save left them (said so), and replaced by the whole
result when the scale checks are timed. Each result says which checks passed or failed
since the last one. Kata code runs in workers, as ever; a judge that fails is started again.

Without a kata the watch works through the katas in order: the first one not done (by its
last grade, state.py, where that is of the file as it is now), then the next once it is.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from . import catalogue, judge, procs, report, state, status
from .outcomes import Role
from .results import Grade, grade

POLL = 0.02  # seconds between two looks at the file (a stat: nothing to the machine)
# The judge of the scale checks yields the cores to the other while both run: a scale check
# measures CPU time, which a lower priority does not change, and the untimed checks come
# first. Mildly: on a machine busy with other work its wall time grows 3 to 4 times at most.
TIMED_NICE = 5
TIMED = "scale"
UNTIMED = "not scale"
SHOWN = 6  # checks named per kind of change
NEVER = object()  # the stamp of a file before its first look (a missing file included)


class _Yielding(judge.Judge):
    """A judge (and all it starts: its fork server, their workers) at a lower priority."""

    def _start(self) -> None:
        super()._start()
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, TIMED_NICE)


class Warm:
    """Two judges kept for many gradings, one for the untimed checks and one for the scale
    checks; `run` has the signature of Judge.run, so that results.grade(judged_by=...) uses it."""

    def __init__(self):
        self.untimed = judge.Judge()
        self.timed = _Yielding()
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="judge")

    def start(self, limits=None) -> None:
        """Start both judges now (Python, pytest, the fork server), with a request that grades nothing."""
        name = catalogue.KATAS[0].name
        self.both([name], {name: None}, limits)

    def both(self, katas: list, files: dict, limits=None) -> tuple:
        """(futures of the untimed and of the timed records), both started."""
        return (self.pool.submit(self.untimed.run, katas, files, limits, UNTIMED),
                self.pool.submit(self.timed.run, katas, files, limits, TIMED))

    @staticmethod
    def results(*futures) -> list:
        """The records of every future, once all are done (the first failure raised after)."""
        wait(futures)
        for f in futures:
            if f.exception() is not None:
                raise f.exception()
        return [r for f in futures for r in f.result()]

    def run(self, katas: list, files: dict, limits=None) -> list:
        return self.results(*self.both(katas, files, limits))

    def close(self) -> None:
        for j in (self.untimed, self.timed):  # killed first: a request under way ends at once
            if j.proc is not None:
                procs.kill_tree(j.proc.pid)
        self.pool.shutdown(wait=True, cancel_futures=True)
        for j in (self.untimed, self.timed):
            with contextlib.suppress(Exception):
                j.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Given:
    """Records already judged, as a judge would hand them back (for results.grade)."""

    def __init__(self, records: list):
        self.records = records

    def run(self, katas, files, limits=None) -> list:
        return [r for r in self.records if r.kata in katas]


def as_before(records: list) -> list:
    """The scale records of the last result, shown until they are timed again."""
    out = []
    for r in records:
        if r.role == Role.SCALE:
            if not r.passed:
                r = dataclasses.replace(r, message="(at the last save; being timed again) " + r.message)
            out.append(r)
    return out


def changes(before: set | None, result: Grade, untimed_only: bool = False) -> list:
    """Lines saying which checks pass now that did not at the last grade, and the other way round;
    `before`, the names of the checks that passed then (None: no grade before)."""
    if before is None:
        return []
    checks = [c for k in result.katas for c in k.checks if not (untimed_only and c.role == Role.SCALE)]
    gained = [c for c in checks if c.passed and c.name not in before]
    lost = [c for c in checks if not c.passed and c.name in before]
    if not gained and not lost:
        return ["Since the last save: no check changed."]
    lines = [f"Since the last save: {len(gained)} newly passing, {len(lost)} newly failing."]
    for mark, group in (("+", gained), ("-", lost)):
        for c in group[:SHOWN]:
            lines.append(f"  {mark} {c.title}")
        if len(group) > SHOWN:
            lines.append(f"  {mark} ... and {len(group) - SHOWN} more")
    return lines


class Watch:
    def __init__(self, source, limits, fixed: list, out=None):
        self.source = source
        self.limits = limits
        self.fixed = fixed
        self.out = out or sys.stdout
        self.warm = Warm()
        self.last_records: dict = {}  # kata -> the records of its last whole result
        self.passed: dict = {}  # kata -> names of the checks that passed in its last whole result

    def say(self, text: str) -> None:
        if self.out.isatty():
            self.out.write("\033[2J\033[H")
        self.out.write(text + "\n")
        self.out.flush()

    def _before(self, name: str):
        if name in self.passed:
            return self.passed[name]
        last = state.last(self.source.files.get(name))
        passing = last.get("passing") if last else None
        return set(passing) if isinstance(passing, list) else None

    def grade(self, name: str) -> Grade:
        """Grade one kata warm and show it; first the untimed checks, when the last result can
        stand in for the scale checks meanwhile. The whole result is remembered, and returned."""
        files = {name: self.source.files.get(name)}
        sha = state.fingerprints(self.source, [name])
        path = files[name]
        before = self._before(name)
        untimed, timed = self.warm.both([name], files, self.limits)
        if name in self.last_records:
            wait([untimed, timed], return_when="FIRST_COMPLETED")
            if not timed.done() and untimed.exception() is None:
                early = Given(untimed.result() + as_before(self.last_records[name]))
                partial = grade(self.source, [name], detailed=True, limits=self.limits, judged_by=early)
                self.say("\n".join([report.text(partial), ""] + changes(before, partial, untimed_only=True) + [
                    "", f"Timing the scale checks again ... (then watching {status.rel(path)})"]))
        try:
            records = Warm.results(untimed, timed)
        except judge.JudgeFailed:  # the judges start again; this save is graded by fresh ones
            records = None
            result = grade(self.source, [name], detailed=True, limits=self.limits, judged_by=self.warm)
        else:
            result = grade(self.source, [name], detailed=True, limits=self.limits, judged_by=Given(records))
        kata = next(k for k in result.katas if k.kata.name == name)
        if records is not None and not kata.stopped:
            self.last_records[name] = records
        if not kata.stopped:
            self.passed[name] = {c.name for c in kata.checks if c.passed}
        state.record(result, sha)
        self.say("\n".join([report.text(result), ""] + changes(before, result) + [
            "", f"Watching {status.rel(path) if path else name} (Ctrl-C to stop) ..."]))
        return result

    def next_kata(self):
        return status.first_unfinished(self.source, lambda n: self.grade(n))

    def run(self) -> int:
        current = self.fixed[0] if self.fixed else None
        seen = NEVER
        with contextlib.suppress(ValueError):  # (not the main thread) a TERM stops as Ctrl-C does
            signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.warm.start(self.limits)
            while True:
                if current is None:
                    current = self.next_kata()
                    if current is None:
                        print(report.text(grade(self.source, limits=self.limits, judged_by=self.warm)))
                        return 0
                    seen = NEVER
                path = self.source.files.get(current)
                stamp = _stamp(path)
                if stamp != seen:
                    if stamp is not None and stamp[1] == 0:  # caught between an editor's truncate and write
                        time.sleep(0.1)
                        stamp = _stamp(path)
                    seen = stamp
                    result = self.grade(current)
                    if result.all_passed and not self.fixed:
                        current = None
                        continue
                time.sleep(POLL)
        except KeyboardInterrupt:
            print()
            return 0
        finally:
            self.warm.close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stamp(path):
    """What changes when a file is saved: (modification time, size, inode), None if it is not there."""
    if path is None:
        return None
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def watch(source, limits, fixed: list) -> int:
    return Watch(source, limits, fixed).run()
