"""Demos: katas at work on real data, with the learner's own functions.

A demo is demos/<kata>.py defining `run(load, plot=False) -> int`, where `load(name)`
imports kata `name` from the folder being graded (katas/ or solutions/). Demos run the
learner's code in this process: they are for looking, not for grading.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from . import catalogue
from .catalogue import ROOT
from .sources import load_module

DEMOS = ROOT / "demos"


def available() -> list:
    """The katas with a demo, in catalogue order (other files in demos/ are their helpers)."""
    return [k.name for k in catalogue.KATAS if (DEMOS / f"{k.name}.py").is_file()]


def _unwritten(exc: BaseException, source):
    """(kata, function) of the kata function that raised NotImplementedError, if one did."""
    files = {Path(p).resolve(): name for name, p in source.files.items() if p}
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        kata = files.get(Path(frame.filename).resolve())
        if kata:
            return kata, frame.name
    return None


def run(name: str, source, plot: bool = False) -> int:
    if name not in available():
        print(f"{name} has no demo. Katas with a demo: {', '.join(available()) or 'none yet'}.", file=sys.stderr)
        return 2

    def load(kata: str):
        path = source.files.get(kata)
        if path is None:
            raise SystemExit(f"The demo needs {kata}.py, and {source.label} has none.")
        try:
            return load_module(path, f"_demo_kata_{kata}")
        except Exception as exc:
            raise SystemExit(f"The demo could not import {path}: {type(exc).__name__}: {exc}")

    try:
        return load_module(DEMOS / f"{name}.py", f"_demo_{name}").run(load, plot=plot) or 0
    except NotImplementedError as exc:
        kata, function = _unwritten(exc, source) or (name, "a function")
        print(f"\nThe {name} demo runs your own functions, and {kata}.{function}() is not written yet.\n"
              f"Finish it (python grader.py {kata}), or watch the reference: "
              f"python grader.py --demo {name} --solutions", file=sys.stderr)
        return 1
