"""The grader's command line: python grader.py [KATA ...] [options]."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import catalogue, confinement, report, state
from .catalogue import ROOT
from .confinement import LEVELS, Limits
from .guard import UsageError, limits_from, say_confinement, secure
from .judge import JudgeFailed
from .results import PARALLEL, Grade, grade
from .sources import folder, learner, solutions, submission

STATE = Path(os.environ.get("GRADER_STATE", ROOT / ".grader-state.json"))
USAGE_ERROR = 2


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
    which.add_argument("--merge", nargs="+", metavar="CSV",
                       help="join the grade sheets (and --stats sheets) of shards into --out (and --stats)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="the katas in order, with the status of each file's last "
                      "grade (nothing is graded), lesson and file")
    mode.add_argument("--hint", action="store_true", help="the next hint for KATA (default: the first unfinished)")
    mode.add_argument("--watch", action="store_true", help="regrade KATA each time its file is saved (kept warm: "
                      "the first result a few tenths of a second after a save), saying which checks newly pass or fail")
    mode.add_argument("--examples", action="store_true", help="run the docstring examples of KATA's file (default: "
                      "every kata) in a sandboxed worker, and show those that differ")
    mode.add_argument("--demo", metavar="KATA", help="run KATA's demo with your functions")
    p.add_argument("--plot", action="store_true", help="with --demo: also save pictures (needs matplotlib)")
    p.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json to FILE")
    inst = p.add_argument_group("instructors")
    inst.add_argument("--out", metavar="CSV", help="with --batch: the grade sheet (submission, one column per kata, "
                      "total, max_score, notes)")
    inst.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                      help="with --batch: submissions graded at once (default: the number of cores); with "
                           "--submission: at most N judges (at most 2)")
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
    inst.add_argument("--only", nargs="+", metavar="NAME",
                      help="with --batch and --out: grade only these submissions again and update their rows of "
                           "the sheet in place, leaving every other row as it was")
    inst.add_argument("--shard", metavar="K/N", help="with --batch: grade only shard K of N (every N-th submission "
                      "in name order, from the K-th); join the sheets with --merge")
    inst.add_argument("--stats", metavar="CSV", help="with --batch or --merge: class statistics: per check how many "
                      "fail it and the most common message (CSV), per kata the points (CSV-katas.csv), and with "
                      "matplotlib a picture of both (CSV.png)")
    inst.add_argument("--feedback-dir", metavar="DIR", help="with --batch: one Markdown report per submission, "
                      "<submission>.md, as its author would see it locally")
    inst.add_argument("--roster", metavar="CSV", help="with --batch or --merge: a CSV with a submission column and "
                      "student_id, email (name, first_name, last_name, login, canvas_id, section): adds student_id "
                      "and email to the grade sheet, and is the student list of --gradebook")
    inst.add_argument("--gradebook", nargs=2, metavar=("LMS", "CSV"),
                      help="with --roster: write CSV in the grade import layout of LMS (canvas or moodle), "
                           "one column for the assignment's total")
    inst.add_argument("--assignment", default="embedding-katas", metavar="NAME",
                      help="with --gradebook: the assignment's column name (default embedding-katas)")
    inst.add_argument("--gradescope-zip", metavar="ZIP", help="build Gradescope's autograder zip and exit")
    inst.add_argument("--gradescope-visibility", metavar="WHEN", default="after_published",
                      choices=("after_published", "after_due_date", "hidden", "visible"),
                      help="with --gradescope-zip, --json and --json-dir: when students see each check's details "
                           "(after_published, the default; after_due_date; hidden; visible); each kata's "
                           "summary is visible at once")
    inst.add_argument("--classroom-workflow", metavar="YML", help="write a GitHub Classroom workflow and exit")
    inst.add_argument("--classroom-result", metavar="FILE", help="with a single grading: append the GitHub "
                      "Classroom reporter's input, one line per kata, to FILE (the workflow gives $GITHUB_OUTPUT)")
    inst.add_argument("--student-repo", metavar="DIR", help="write the student copy of the project to DIR (no "
                      "solutions, variants or project tests; with the Classroom workflow) and exit")
    p.add_argument("--call-seconds", type=float, default=10.0, metavar="S",
                   help="time limit of one call of a kata function (default 10)")
    return p


def _names(names: list) -> list:
    unknown = [n for n in names if n not in catalogue.BY_NAME]
    if unknown:
        listing = "\n".join(f"  {k.number}. {k.name:<16} {k.title}" for k in catalogue.KATAS)
        raise UsageError(f"no kata named {', '.join(unknown)}. The katas are:\n{listing}")
    return names


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
    from . import instructor

    return instructor.run_batch(args, names)


def graded(source, names=None, **options) -> Grade:
    """grade(), and the grade of each kata file remembered for --list (state.py)."""
    before = state.fingerprints(source, names)
    result = grade(source, names, **options)
    state.record(result, before)
    return result


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
    """Regrade one kata whenever its file changes, warm; move on when it is done (Ctrl-C stops)."""
    from . import watch as watching

    return watching.watch(source, limits_from(args), _names(args.katas))


# ---------------------------------------------------------------- main

def run(argv=None) -> int:
    args = parser().parse_args(argv)
    names = _names(args.katas)
    batch_only = ("json_dir", "similarity", "only", "shard", "feedback_dir")
    if not args.batch and any(getattr(args, a) for a in batch_only):
        raise UsageError("--json-dir, --similarity, --only, --shard and --feedback-dir go with --batch")
    if not (args.batch or args.merge) and (args.out or args.stats or args.roster or args.gradebook):
        raise UsageError("--out, --stats, --roster and --gradebook go with --batch or --merge")
    if args.classroom_result and (args.batch or args.merge):
        raise UsageError("--classroom-result goes with a single grading, not --batch or --merge")
    if args.gradescope_zip or args.classroom_workflow or args.student_repo:
        from . import classroom, gradescope

        if args.gradescope_zip:
            built = gradescope.build_zip(args.gradescope_zip, args.gradescope_visibility)
            print(f"Gradescope autograder written to {built} (check details: {args.gradescope_visibility})")
        if args.classroom_workflow:
            Path(args.classroom_workflow).write_text(classroom.workflow())
            print(f"GitHub Classroom workflow written to {args.classroom_workflow}")
        if args.student_repo:
            try:
                written = classroom.student_repo(args.student_repo)
            except FileExistsError as exc:
                raise UsageError(f"--student-repo: {exc}") from None
            print(f"Student copy of {len(written)} files written to {args.student_repo}")
        return 0
    if args.merge:
        from . import instructor

        return instructor.run_merge(args)
    if args.require_confinement and not (args.submission or args.batch):
        raise UsageError("--require-confinement goes with --submission or --batch")
    if args.batch:
        return run_batch(args, names)
    source = _source(args)
    if args.demo:
        from . import demos

        _names([args.demo])
        return demos.run(args.demo, source, plot=args.plot, reference_run=args.solutions)
    if args.hint:
        if not names:
            from . import status

            todo = status.first_unfinished(source, lambda n: graded(source, [n], limits=limits_from(args)))
            if todo is None:
                print("Every kata passes: no hint needed.")
                return 0
            names = [todo]
        print("\n\n".join(show_hint(n) for n in names))
        return 0
    if args.watch:
        return watch(args, source)
    if args.examples:
        if args.submission:
            raise UsageError("--examples runs the examples of your own files (katas/, --source DIR, --solutions)")
        from . import examples

        return examples.run(source, names, limits_from(args))
    if args.list and not args.submission:
        from . import status

        flags = " --solutions" if args.solutions else f" --source {args.source}" if args.source else ""
        print(status.Status(source.label, source.files, names or None, flags).text(color=status.use_color()))
        return 0
    try:
        limits, probed = limits_from(args), str(confinement.NOT_CONFINED)
        if args.submission:  # (the student's own files, as handed in, are not the student's secret)
            limits, probed = secure(args, limits_from(args, confine=True), [Path(args.submission)], handed_in=False)
        result = graded(source, names or None, detailed=bool(names) and not args.list, limits=limits,
                        parallel=min(PARALLEL, args.jobs) if args.submission else PARALLEL)
    finally:
        source.close()
    if args.json:  # first: whatever happens to the printing, the results are saved
        from . import gradescope

        gradescope.write(args.json, gradescope.results(result, args.gradescope_visibility))
    if args.classroom_result:
        from . import classroom

        classroom.append_outputs(result, args.classroom_result)
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
