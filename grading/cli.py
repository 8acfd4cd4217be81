"""The grader's command line: python grader.py [KATA ...] [options]."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import catalogue, report
from .catalogue import ROOT
from .judge import JudgeFailed
from .results import Grade, folder, grade, learner, solutions

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
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="the katas in order, with their status and files")
    mode.add_argument("--hint", action="store_true", help="the next hint for KATA (default: the first unfinished)")
    mode.add_argument("--watch", action="store_true", help="regrade KATA each time its file is saved")
    mode.add_argument("--demo", metavar="KATA", help="run KATA's demo with your functions")
    p.add_argument("--plot", action="store_true", help="with --demo: also save pictures (needs matplotlib)")
    p.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json to FILE")
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
    return learner()


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
                overview = grade(source, call_seconds=args.call_seconds)
                todo = [k.kata.name for k in overview.katas if k.status != "done"]
                if not todo:
                    print(overview)
                    return 0
                current = todo[0]
            path = source.files.get(current)
            stamp = path.stat().st_mtime_ns if path and path.exists() else None
            if stamp != seen:
                seen = stamp
                result = grade(source, [current], detailed=True, call_seconds=args.call_seconds)
                if sys.stdout.isatty():
                    print("\033[2J\033[H", end="")
                print(result)
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
    source = _source(args)
    if args.demo:
        from . import demos

        _names([args.demo])
        return demos.run(args.demo, source, plot=args.plot)
    if args.hint:
        if not names:
            todo = [k.kata.name for k in grade(source, call_seconds=args.call_seconds).katas if k.status != "done"]
            if not todo:
                print("Every kata passes: no hint needed.")
                return 0
            names = todo[:1]
        print("\n\n".join(show_hint(n) for n in names))
        return 0
    if args.watch:
        return watch(args, source)
    result = grade(source, names or None, detailed=bool(names) and not args.list, call_seconds=args.call_seconds)
    print(list_katas(result) if args.list else result)
    if args.json:
        Path(args.json).write_text(json.dumps(report.gradescope(result), indent=2))
    return 0 if result.all_passed else 1


def main(argv=None) -> int:
    try:
        return run(argv)
    except UsageError as exc:
        print(f"grader.py: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except JudgeFailed as exc:
        print(f"grader.py: the grader itself failed, not your code: {exc}", file=sys.stderr)
        return USAGE_ERROR
