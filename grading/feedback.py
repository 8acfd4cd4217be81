"""Per-student feedback: one Markdown file per submission holding the report a learner sees
with `python grader.py KATA ...` for every kata (the table, then each failing check with what
was called, what came back, what was expected, the fix, and what the code printed).

Everything from the submission is made safe first (safe.text), the report is shown verbatim
in a fenced block that nothing in it can close, and the few words outside the block are
escaped as Markdown (safe.markdown).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from . import report, safe
from .results import Grade

_COLOR = re.compile(r"\x1b\[[0-9;]*m")  # the report's own colours (a submission's escapes are already shown escaped)



def learner_report(grade: Grade) -> str:
    """The detailed report of every kata, as plain text, with the grader's scratch folder
    left out of file names (lookup_tables.py, not /tmp/kata-submission-.../lookup_tables.py)."""
    detailed = dataclasses.replace(grade, detailed=tuple(k.kata.name for k in grade.katas))
    text = _COLOR.sub("", report.detail(detailed))
    for k in grade.katas:
        if k.file is not None:
            text = text.replace(f"{k.file.parent}/", "")
    return text


def markdown(name: str, grade: Grade | None, note: str = "") -> str:
    """The feedback file of submission `name` (already made safe once; escaped again here)."""
    lines = [f"# Feedback: {safe.markdown(name)}", ""]
    if grade is None:
        lines += [f"This submission could not be graded: {safe.markdown(note)}", ""]
        return "\n".join(lines)
    lines += [f"**{report.points(grade.score)} of {report.points(grade.max_score)} points.** Run the same report "
              "on your own machine with `python grader.py` followed by a kata's name.", ""]
    lines += [safe.markdown_block(learner_report(grade)), ""]
    return "\n".join(lines)


def write_dir(rows: list, folder, stems: list) -> None:
    """One <stem>.md per row (name, Grade or None, note) in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for (name, result, note), stem in zip(rows, stems):
        (folder / f"{stem}.md").write_text(markdown(name, result, note), encoding="utf-8")
