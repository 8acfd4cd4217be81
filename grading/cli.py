"""The grader's command line: python grader.py [KATA ...] [options]."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from . import catalogue, confinement, report, sources
from .catalogue import ROOT
from .confinement import LEVELS, Limits
from .judge import HIDDEN, JudgeFailed
from .results import Grade, grade
from .sources import folder, learner, solutions, submission

STATE = Path(os.environ.get("GRADER_STATE", ROOT / ".grader-state.json"))
USAGE_ERROR = 2


class UsageError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python grader.py",
        description="Grade the embedding katas: a table of every kata, the first thing to fix in each, "
                    "and with a kata name every failing check of that kata.",
        epilog="Exit status: 0 every graded check passes, 1 some fail, 2 usage error or grader failure.")
    p.add_argument("katas", nargs="*", metavar="KATA", help="grade only these katas, and show every failing check")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--solutions", action="store_true", help="grade solutions/ instead of katas/")
    which.add_argument("--source", metavar="DIR", help="grade the kata files in DIR")
    which.add_argument("--submission", metavar="PATH",
                       help="grade a student's folder or .zip (only its kata files are taken; kata code is confined)")
    which.add_argument("--batch", metavar="DIR", help="grade every sub-folder or .zip of DIR as one submission")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="the katas in order, with their status and files")
    mode.add_argument("--hint", action="store_true", help="the next hint for KATA (default: the first unfinished)")
    mode.add_argument("--watch", action="store_true", help="regrade KATA each time its file is saved")
    mode.add_argument("--demo", metavar="KATA", help="run KATA's demo with your functions")
    p.add_argument("--plot", action="store_true", help="with --demo: also save pictures (needs matplotlib)")
    p.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json to FILE")
    inst = p.add_argument_group("instructors")
    inst.add_argument("--out", metavar="CSV", help="with --batch: the grade sheet (submission, one column per kata, "
                      "total, max_score, notes)")
    inst.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                      help="with --batch: submissions graded at once (default: the number of cores)")
    inst.add_argument("--json-dir", metavar="DIR", help="with --batch: one Gradescope results.json per submission")
    inst.add_argument("--similarity", metavar="CSV", help="with --batch: pairs of submissions with suspiciously "
                      "similar code, kata by kata (and against solutions/)")
    inst.add_argument("--memory-mb", type=int, default=Limits.memory_mb, metavar="MB",
                      help=f"memory cap of kata code: of all it starts together where cgroups allow, else of "
                           f"each process (default {Limits.memory_mb})")
    inst.add_argument("--kata-seconds", type=float, default=Limits.kata_seconds, metavar="S",
                      help=f"time budget of all the calls of one kata (default {Limits.kata_seconds:g})")
    inst.add_argument("--require-confinement", metavar="LEVEL", choices=LEVELS,
                      help="with --submission or --batch: refuse to grade where kata code would be confined "
                           f"below LEVEL ({', '.join(LEVELS)}; see the README). By default the grader refuses "
                           "when kata code could read the hidden suite, other submissions or its environment")
    inst.add_argument("--gradescope-zip", metavar="ZIP", help="build Gradescope's autograder zip and exit")
    inst.add_argument("--classroom-workflow", metavar="YML", help="write a GitHub Classroom workflow and exit")
    p.add_argument("--call-seconds", type=float, default=10.0, metavar="S",
                   help="time limit of one call of a kata function (default 10)")
    return p


def _names(names: list) -> list:
    unknown = [n for n in names if n not in catalogue.BY_NAME]
    if unknown:
        listing = "\n".join(f"  {k.number}. {k.name:<16} {k.title}" for k in catalogue.KATAS)
        raise UsageError(f"no kata named {', '.join(unknown)}. The katas are:\n{listing}")
    return names


def _limits(args, confine: bool = False) -> Limits:
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


def _source(args):
    if args.solutions:
        return solutions()
    if args.source:
        if not Path(args.source).is_dir():
            raise UsageError(f"--source {args.source}: not a folder")
        return folder(args.source)
    if args.submission:
        path = Path(args.submission)
        if not (path.is_dir() or (path.is_file() and path.suffix == ".zip")):
            raise UsageError(f"--submission {args.submission}: not a folder or a .zip")
        return submission(path)
    return learner()


def run_batch(args, names) -> int:
    from . import batch

    folder_path = Path(args.batch)
    if not folder_path.is_dir():
        raise UsageError(f"--batch {args.batch}: not a folder")
    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    limits, probed = secure(args, _limits(args, confine=True), sources.batch(folder_path)[:1])
    rows = batch.grade_all(folder_path, names or None, limits, args.jobs)
    katas = catalogue.select(names)
    width = max([len(r[0]) for r in rows] + [10])
    print(f"{'submission':<{width}}  " + "  ".join(f"{k.number:>5}" for k in katas) + "  total")
    for name, result, note in rows:
        cells = [f"{report.points(k.score):>5}" for k in result.katas] if result else ["    -"] * len(katas)
        total = f"{report.points(result.score)}/{report.points(result.max_score)}" if result else f"0 ({note})"
        print(f"{name:<{width}}  " + "  ".join(cells) + f"  {total}")
    if args.out:
        batch.write_csv(rows, args.out, names or None)
        print(f"\nGrades of {len(rows)} submissions written to {args.out}")
    if args.json_dir:
        batch.write_json_dir(rows, args.json_dir)
        print(f"Gradescope results written to {args.json_dir}/")
    if args.similarity:
        from . import similarity

        pairs = similarity.compare_batch(folder_path, names or None)
        similarity.write_csv(pairs, args.similarity)
        print(f"{len(pairs)} similar pairs written to {args.similarity}")
    say_confinement(confinement.lowest(r.confinement for _, r, _ in rows if r) or probed)
    return 0


# ---------------------------------------------------------------- hints

def _hint_state() -> dict:
    try:
        return json.loads(STATE.read_text())
    except (OSError, ValueError):
        return {}


def show_hint(name: str) -> str:
    kata = catalogue.get(name)
    state = _hint_state()
    seen = state.setdefault("hints", {}).get(name, 0)
    n = len(kata.hints)
    index = seen % n
    state["hints"][name] = seen + 1
    try:
        STATE.write_text(json.dumps(state, indent=1))
    except OSError:
        pass
    text = [f"Hint {index + 1} of {n} for {kata.number}. {name}:", "", "  " + kata.hints[index], ""]
    if index + 1 < n:
        text.append(f"Run it again for the next hint. The lesson: {kata.lesson.relative_to(ROOT)}")
    else:
        text.append(f"That was the last hint; the next one starts over. Re-read {kata.lesson.relative_to(ROOT)}.")
    return "\n".join(text)


# ---------------------------------------------------------------- list

def list_katas(result: Grade) -> str:
    lines = [report.table(result), ""]
    for k in result.katas:
        lines.append(f"{k.kata.number:>2}. {k.kata.title}: {k.kata.lesson.relative_to(ROOT)}, "
                     f"{k.kata.stub.relative_to(ROOT)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- watch

def watch(args, source) -> int:
    """Regrade one kata whenever its file changes; move on when it is done (Ctrl-C stops)."""
    fixed = _names(args.katas)
    seen = None
    current = fixed[0] if fixed else None
    try:
        while True:
            if current is None:
                overview = grade(source, limits=_limits(args))
                todo = [k.kata.name for k in overview.katas if k.status != "done"]
                if not todo:
                    print(report.text(overview))
                    return 0
                current = todo[0]
            path = source.files.get(current)
            stamp = path.stat().st_mtime_ns if path and path.exists() else None
            if stamp != seen:
                seen = stamp
                result = grade(source, [current], detailed=True, limits=_limits(args))
                if sys.stdout.isatty():
                    print("\033[2J\033[H", end="")
                print(report.text(result))
                print(f"\nWatching {path} (Ctrl-C to stop) ...", flush=True)
                if result.all_passed and not fixed:
                    current, seen = None, None
                    continue
            time.sleep(0.5)
    except KeyboardInterrupt:
        print()
        return 0


# ---------------------------------------------------------------- main

def run(argv=None) -> int:
    args = parser().parse_args(argv)
    names = _names(args.katas)
    if not args.batch and (args.out or args.json_dir or args.similarity):
        raise UsageError("--out, --json-dir and --similarity go with --batch")
    if args.gradescope_zip or args.classroom_workflow:
        from . import platforms

        if args.gradescope_zip:
            print(f"Gradescope autograder written to {platforms.gradescope_zip(args.gradescope_zip)}")
        if args.classroom_workflow:
            Path(args.classroom_workflow).write_text(platforms.classroom_workflow())
            print(f"GitHub Classroom workflow written to {args.classroom_workflow}")
        return 0
    if args.require_confinement and not (args.submission or args.batch):
        raise UsageError("--require-confinement goes with --submission or --batch")
    if args.batch:
        return run_batch(args, names)
    source = _source(args)
    if args.demo:
        from . import demos

        _names([args.demo])
        return demos.run(args.demo, source, plot=args.plot)
    if args.hint:
        if not names:
            todo = [k.kata.name for k in grade(source, limits=_limits(args)).katas
                    if k.status != "done"]
            if not todo:
                print("Every kata passes: no hint needed.")
                return 0
            names = todo[:1]
        print("\n\n".join(show_hint(n) for n in names))
        return 0
    if args.watch:
        return watch(args, source)
    try:
        limits, probed = _limits(args), str(confinement.NOT_CONFINED)
        if args.submission:  # (the student's own files, as handed in, are not the student's secret)
            limits, probed = secure(args, _limits(args, confine=True), [Path(args.submission)], handed_in=False)
        result = grade(source, names or None, detailed=bool(names) and not args.list, limits=limits)
    finally:
        source.close()
    if args.json:  # first: whatever happens to the printing, the results are saved
        Path(args.json).write_text(json.dumps(report.gradescope(result), indent=2))
    print(list_katas(result) if args.list else report.text(result))
    say_confinement(result.confinement or probed)
    return 0 if result.all_passed else 1


def main(argv=None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets a '?'
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        return run(argv)
    except BrokenPipeError:  # the reader went away (python grader.py | head): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except UsageError as exc:
        print(f"grader.py: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except JudgeFailed as exc:
        print(f"grader.py: the grader itself failed, not your code: {exc}", file=sys.stderr)
        return USAGE_ERROR
