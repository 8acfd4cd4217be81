"""What the grader remembers between runs: the last grade of each kata file, and the hints seen.

One JSON file, `.grader-state.json` at the project's root (git-ignored; the environment
variable GRADER_STATE names another), rewritten whole through a temporary file and a rename,
so that a reader never sees half of it:

    {"hints": {kata: hints seen},
     "grades": {resolved path of the file graded: {
         "kata", "sha256" (of the bytes graded), "suite" (sha256 of the kata's hidden suite),
         "status", "score", "max_score", "checks", "passed", "first" (the first thing to fix),
         "passing" (names of the checks that passed), "when" (unix time)}}}

A grade is kept with the hash of the file it graded, taken before grading: `--list` compares
it with the file as it is now, and says "changed since last graded" when they differ. Only
the learner's own folders are remembered (katas/, solutions/, --source DIR), never a
submission's private copies.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from .catalogue import ROOT

FIRST_CHARS = 400  # of the first failure's message, kept for --list and status()


def path() -> Path:
    return Path(os.environ.get("GRADER_STATE", ROOT / ".grader-state.json"))


def load() -> dict:
    try:
        data = json.loads(path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(data: dict) -> None:
    """Write the whole state (quietly nothing where the folder is read-only)."""
    target = path()
    try:
        fd, temporary = tempfile.mkstemp(prefix=".grader-state-", suffix=".tmp", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(temporary, target)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def file_hash(file) -> str | None:
    """The sha256 of a file's bytes, or None if it cannot be read."""
    try:
        return hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except (OSError, TypeError):
        return None


def suite_hash(kata) -> str | None:
    return file_hash(kata.suite)


def _key(file) -> str:
    return str(Path(file).resolve())


def remembered(source) -> bool:
    """Whether grades of this source are kept: a folder of the learner's, not a private copy."""
    return getattr(source, "scratch", None) is None


def fingerprints(source, names=None) -> dict:
    """{kata: sha256 of its file now}, taken before grading (None for a missing file)."""
    from . import catalogue

    katas = names or [k.name for k in catalogue.KATAS]
    return {n: file_hash(source.files.get(n)) if source.files.get(n) else None for n in katas}


def entry(kata_result, sha: str) -> dict:
    first = kata_result.first_failure()
    return {
        "kata": kata_result.kata.name,
        "sha256": sha,
        "suite": suite_hash(kata_result.kata),
        "status": kata_result.status,
        "score": kata_result.score,
        "max_score": kata_result.max_score,
        "checks": len(kata_result.checks),
        "passed": sum(c.passed for c in kata_result.checks),
        "first": (first.message[:FIRST_CHARS] if first is not None else ""),
        "passing": sorted(c.name for c in kata_result.checks if c.passed),
        "when": time.time(),
    }


def record(grade, before: dict) -> None:
    """Remember the grade of every kata file `grade` graded in full, with the hash its file had
    before grading (`before`, from fingerprints()). A kata whose judge stopped, or whose
    file is missing, leaves what was remembered as it was."""
    if not remembered(grade.source):
        return
    data = load()
    grades = data.setdefault("grades", {})
    changed = False
    for k in grade.katas:
        sha = before.get(k.kata.name)
        if k.file is None or k.stopped or sha is None:
            continue
        grades[_key(k.file)] = entry(k, sha)
        changed = True
    if changed:
        for key in [key for key in grades if not os.path.exists(key)]:  # files gone since: forgotten
            del grades[key]
        save(data)


def last(file) -> dict | None:
    """What was remembered of the last grade of `file`, or None."""
    if file is None:
        return None
    found = load().get("grades", {}).get(_key(file))
    return found if isinstance(found, dict) else None
