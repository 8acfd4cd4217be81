"""What every grading command shares: usage errors, the limits the command line sets, and the
confinement probe that refuses to grade where kata code could read what it must not, with the
line that says the level reached. Used by cli.py and instructor.py."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

from . import catalogue, confinement, sources
from .catalogue import ROOT
from .confinement import LEVELS, Limits
from .judge import HIDDEN


class UsageError(Exception):
    """The command line asks for something the grader cannot do: said in one line, exit 2."""


def limits_from(args, confine: bool = False) -> Limits:
    """The workers' limits the command line sets."""
    return Limits(call_seconds=args.call_seconds, memory_mb=args.memory_mb, kata_seconds=args.kata_seconds,
                  confine=confine)


# ---------------------------------------------------------------- confinement

def _first_file(path: Path):
    """A file a submission as handed in holds: the .zip itself, or a kata file of the folder."""
    if path.is_file():
        return path
    names = {f"{k.name}.py" for k in catalogue.KATAS}
    for found in sorted(path.rglob("*.py")):
        if found.name in names:
            return found
    return None


def _private(originals: list) -> dict:
    """{what: a file of it} that kata code must not be able to read; `originals`, the other
    submissions as handed in (a batch's)."""
    private = {"the hidden suite": HIDDEN / "conftest.py", "the grader": ROOT / "grading" / "judge.py",
               "the grader's environment": Path(f"/proc/{os.getpid()}/environ"),
               "the environment the grader was started from": Path(f"/proc/{os.getppid()}/environ")}
    reference = next((k.solution for k in catalogue.KATAS if k.solution.is_file()), None)
    if reference:
        private["the reference solutions"] = reference
    for path in originals:
        found = _first_file(path)
        if found:
            private["the submissions as handed in"] = found
            break
    return private


def secure(args, limits: Limits, originals: list, handed_in: bool = True) -> tuple:
    """Probe the confinement kata code would get, and refuse (UsageError) to grade below what is
    required: the level of --require-confinement, or by default that kata code can read none of
    the hidden suite, the grader, other submissions and the grader's environment. Returns the
    limits, with `require` set so that no worker runs kata code below the level the probe
    reached (or isolated, which is enough), and that level."""
    private = _private(originals if handed_in else [])
    copy = sources.submission(originals[0]) if originals else None  # graded copies are made like this one
    try:
        if copy is not None:
            made = next((f for f in copy.files.values() if f), None)
            if made is not None:
                private["other submissions (the grader's copies)"] = made
        level, readable = confinement.probe(limits, [str(p) for p in private.values()])
    finally:
        if copy is not None:
            copy.close()
    exposed = [what for what, path in private.items() if str(path) in readable]
    level_name = level.split(":")[0]
    wanted = args.require_confinement
    if wanted is not None:
        if confinement.rank(level) < confinement.rank(wanted):
            raise UsageError(f"refusing to grade: kata code would be confined at level {level_name}, "
                             f"below the {wanted} required by --require-confinement.")
        return dataclasses.replace(limits, require=wanted), level
    if exposed:
        how = ("make them unreadable to other users (chmod -R go-rwx), or grade where namespaces are allowed"
               if level_name == "unprivileged" else
               "kata code runs as you here: grade as root, or where user namespaces are allowed")
        raise UsageError(f"refusing to grade: kata code could read {', '.join(exposed)} here (confinement "
                         f"{level_name}, see the README). To go on, {how}; "
                         f"or --require-confinement {level_name} grades anyway.")
    floor = min(confinement.rank(level), LEVELS.index("isolated"))
    return dataclasses.replace(limits, require=LEVELS[floor]), level


def say_confinement(level: str) -> None:
    """The one line on stderr that says how far kata code was shut in."""
    print(f"confinement: {level}", file=sys.stderr)
