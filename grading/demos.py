"""Demos: katas at work on real data, with the learner's own functions.

A demo is demos/<kata>.py defining `run(load, plot=False) -> int`, where `load(name)`
imports kata `name` from the folder being graded (katas/ or solutions/), and NEEDS, the
functions it calls: {kata: (function, ...)}, its own kata first. Demos are for looking, not
for grading: they run the learner's code in a process of their own (`python -m
grading.demos`), started here with one BLAS thread unless the learner set a number (a busy
machine makes more threads fight over the cores; a full SVD took four times as long).

Before anything runs, the functions the demo needs are looked up in the files (ast: not
run): one of its own kata that still raises NotImplementedError stops it with its name;
another kata's (kata 3 trains the word vectors of the whitening and collapse demos) is taken
from solutions/ while that kata is not done by its last grade, if solutions/ is there, and
the demo says so; else the learner's own functions are used as they are, or, when they are
not written, the demo says which kata to finish first.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

from . import catalogue
from .catalogue import ROOT
from .sources import load_module

DEMOS = ROOT / "demos"
SOLUTIONS = ROOT / "solutions"
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def available() -> list:
    """The katas with a demo, in catalogue order (other files in demos/ are their helpers)."""
    return [k.name for k in catalogue.KATAS if (DEMOS / f"{k.name}.py").is_file()]


def reference(kata: str):
    """The reference solution of `kata`, if this copy of the project has solutions/."""
    path = SOLUTIONS / f"{kata}.py"
    return path if path.is_file() else None


def run(name: str, source, plot: bool = False, reference_run: bool = False) -> int:
    """Run demo `name` on the kata files of `source` in a process of its own; its exit status."""
    if name not in available():
        print(f"{name} has no demo. Katas with a demo: {', '.join(available()) or 'none yet'}.", file=sys.stderr)
        return 2
    if reference_run and reference(name) is None:
        print(f"There is no solutions/ folder here (a copy of the katas for learners has none): "
              f"python grader.py --demo {name} runs the demo with your own functions.", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not any(v in env for v in BLAS_THREADS):
        env.update({v: "1" for v in BLAS_THREADS})
    files = {k: str(p) for k, p in source.files.items() if p}
    command = [sys.executable, "-m", "grading.demos", name, "--files", json.dumps(files), "--label", source.label]
    if plot:
        command.append("--plot")
    if reference_run:
        command.append("--reference")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    proc = subprocess.Popen(command, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the demo had it too (same terminal): let it end
        try:
            return proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()


# ---------------------------------------------------------------- in the demo's process

def unwritten(path, functions) -> list:
    """The functions of `functions` that the file at `path` does not define, or whose body is
    only `raise NotImplementedError` (a docstring aside). Nothing of the file runs."""
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return list(functions)
    defined = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    missing = []
    for name in functions:
        node = defined.get(name)
        if node is None:
            missing.append(name)
            continue
        body = node.body[1:] if (node.body and isinstance(node.body[0], ast.Expr)
                                 and isinstance(node.body[0].value, ast.Constant)
                                 and isinstance(node.body[0].value.value, str)) else node.body
        if len(body) == 1 and isinstance(body[0], ast.Raise) and _names_not_implemented(body[0].exc):
            missing.append(name)
    return missing


def _names_not_implemented(exc) -> bool:
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _functions(names: list) -> str:
    shown = ", ".join(f"{n}()" for n in names)
    return f"{shown} {'is' if len(names) == 1 else 'are'} not written yet"


def _rel(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class Stop(Exception):
    """The demo cannot run: the message says what to do."""


def choose(name: str, needs: dict, files: dict, label: str, reference_run: bool) -> tuple:
    """({kata: file to load}, [notes to print first]) for demo `name`, or Stop."""
    from . import status

    chosen, notes = {}, []
    for kata, functions in needs.items():
        info = catalogue.get(kata)
        path = files.get(kata)
        if kata == name or reference_run:
            if path is None:
                raise Stop(f"The {name} demo needs {kata}.py, and {label} has none.")
            missing = unwritten(path, functions)
            if missing:
                hint = (f", or watch the reference: python grader.py --demo {name} --solutions"
                        if reference(name) is not None and not reference_run else "")
                raise Stop(f"The {name} demo runs your own functions, and in {_rel(path)} {_functions(missing)}.\n"
                           f"Finish {'it' if len(missing) == 1 else 'them'} (python grader.py {kata}){hint}.")
            chosen[kata] = path
            continue
        missing = unwritten(path, functions) if path else list(functions)
        row = status.row(info, path) if path else None
        done = row is not None and row.status == "done"
        if done:
            chosen[kata] = path
            continue
        why = (f"{_functions(missing)} there" if missing else
               f"by its last grade it is {row.status}, {row.points}" if row.fresh else
               "it has not been graded as it is now" if row.status in (status.CHANGED, status.SUITE_CHANGED) else
               "it has not been graded yet")
        if reference(kata) is not None:
            notes.append(f"Kata {info.number} ({kata}) is not done ({why}): this demo takes its "
                         f"{', '.join(functions)} from the reference, {_rel(reference(kata))}.\n"
                         f"Once it is done (python grader.py {kata}), the demo uses yours.")
            chosen[kata] = reference(kata)
        elif missing:
            raise Stop(f"The {name} demo needs kata {info.number} ({kata}) for {', '.join(functions)}, and in "
                       f"{_rel(path) if path else label} {_functions(missing)}.\n"
                       f"Finish kata {info.number} first (python grader.py {kata}), then run the demo again.")
        else:
            notes.append(f"Kata {info.number} ({kata}) is not done ({why}): this demo uses your "
                         f"{', '.join(functions)} as they are.")
            chosen[kata] = path
    return chosen, notes


def _unwritten_at_run(exc: BaseException, files: dict):
    """(kata, function) of the kata function that raised NotImplementedError, if one did."""
    by_path = {Path(p).resolve(): name for name, p in files.items() if p}
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        kata = by_path.get(Path(frame.filename).resolve())
        if kata:
            return kata, frame.name
    return None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m grading.demos")
    p.add_argument("name")
    p.add_argument("--files", default="{}")
    p.add_argument("--label", default="katas/")
    p.add_argument("--plot", action="store_true")
    p.add_argument("--reference", action="store_true")
    args = p.parse_args(argv)
    files = {k: Path(v) for k, v in json.loads(args.files).items()}
    demo = load_module(DEMOS / f"{args.name}.py", f"_demo_{args.name}")
    needs = getattr(demo, "NEEDS", {args.name: ()})
    try:
        chosen, notes = choose(args.name, needs, files, args.label, args.reference)
    except Stop as stop:
        print(str(stop), file=sys.stderr)
        return 1
    for note in notes:
        print(note + "\n")
    loaded = {}

    def load(kata: str):
        if kata not in loaded:
            path = chosen.get(kata, files.get(kata))
            if path is None:
                raise SystemExit(f"The demo needs {kata}.py, and {args.label} has none.")
            try:
                loaded[kata] = load_module(path, f"_demo_kata_{kata}")
            except Exception as exc:
                raise SystemExit(f"The demo could not import {_rel(path)}: {type(exc).__name__}: {exc}")
        return loaded[kata]

    try:
        return demo.run(load, plot=args.plot) or 0
    except NotImplementedError as exc:
        kata, function = _unwritten_at_run(exc, chosen) or (args.name, "a function")
        hint = (f", or watch the reference: python grader.py --demo {args.name} --solutions"
                if reference(args.name) is not None and not args.reference else "")
        print(f"\nThe {args.name} demo runs your own functions, and {kata}.{function}() is not written yet.\n"
              f"Finish it (python grader.py {kata}){hint}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print()
        return 130
    except BrokenPipeError:  # the reader went away (python grader.py --demo ... | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
