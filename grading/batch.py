"""Grade a whole class: every sub-folder or .zip of a folder is one submission.

Submissions are graded in parallel by judges that each take one submission after another,
with confined workers, and the batch always finishes: a submission that cannot be graded
gets zeros and a note.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import gradescope, safe, sources
from .judge import Judge, JudgeFailed
from .results import grade
from .confinement import Limits


def grade_one(path: Path, names, limits: Limits, judged_by: Judge | None = None, texts: dict | None = None):
    """(submission name, Grade or None, notes) for one folder or .zip. With `texts`, also
    keeps the text of each kata file taken from it: texts[kata][name] (for --similarity)."""
    source = sources.submission(path)
    name = safe.name(path.name)  # the student's choice: shown and written only made safe
    try:
        if texts is not None:
            for kata, file in source.files.items():
                if file is not None and (not names or kata in names):
                    texts.setdefault(kata, {})[name] = file.read_text(errors="replace")
        result = grade(source, names, limits=limits, judged_by=judged_by)
        return name, result, ""
    except JudgeFailed as exc:
        return name, None, safe.text(f"not graded: {exc}")
    finally:
        source.close()


class Progress:
    """'graded 12/100' on one line of a terminal, or a line per submission elsewhere."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.lock = threading.Lock()
        self.tty = stream.isatty()

    def step(self, name: str) -> None:
        with self.lock:
            self.done += 1
            if self.tty:
                self.stream.write(f"\rgraded {self.done}/{self.total} submissions")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"graded {self.done}/{self.total}: {name}\n")
            self.stream.flush()


def grade_all(folder, names=None, limits: Limits | None = None, jobs: int = 2, paths: list | None = None,
              texts: dict | None = None) -> list:
    """[(name, Grade or None, note)] for every submission in `folder` (or those of `paths`), in
    name order.

    `jobs` threads take submissions in turn, each with a judge of its own that it keeps
    from one submission to the next. With `texts`, the kata files' texts are kept there."""
    paths = sources.batch(folder) if paths is None else sorted(paths, key=lambda p: p.name)
    limits = limits or Limits(confine=True)
    progress = Progress(len(paths))
    mine, judges = threading.local(), []
    lock = threading.Lock()

    def task(path):
        if not hasattr(mine, "judge"):
            mine.judge = Judge()
            judges.append(mine.judge)
        own = {} if texts is not None else None
        row = grade_one(path, names, limits, mine.judge, own)
        if own:
            with lock:
                for kata, by_name in own.items():
                    texts.setdefault(kata, {}).update(by_name)
        progress.step(row[0])
        return row

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(task, paths))
    finally:
        for judge in judges:
            judge.close()


def file_stems(rows: list) -> list:
    """A file name (without suffix) for each row: its submission name, made distinct where two
    names differ only in what was made safe."""
    taken, stems = set(), []
    for name, _, _ in rows:
        stem, n = name, 1
        while stem in taken:
            n += 1
            stem = f"{name}-{n}"
        taken.add(stem)
        stems.append(stem)
    return stems


def write_json_dir(rows: list, folder, visibility: str = gradescope.DEFAULT_VISIBILITY) -> None:
    """One Gradescope results.json per submission: <folder>/<submission>.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for (name, result, note), stem in zip(rows, file_stems(rows)):
        data = gradescope.results(result, visibility) if result is not None else gradescope.not_graded(note, visibility)
        gradescope.write(folder / f"{stem}.json", data)
