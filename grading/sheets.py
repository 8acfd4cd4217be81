"""Grade sheets: the CSV a batch writes, rows regraded in place, shards and their merge,
rosters, and gradebooks in the import layouts of Canvas and Moodle.

The grade sheet: `submission`, (with a roster) `student_id` and `email`, one column per kata
in catalogue order with its points, `total`, `max_score`, `notes`; one row per submission in
the order of its `submission` cell. Every cell that came from a submission is made safe
(safe.cell). A sheet is written whole to a temporary file beside it, then renamed over it,
so a reader never sees half a sheet.

Gradebook layouts followed:
  Canvas: the Gradebook import CSV (Canvas Community guide "How do I import grades in the
    Gradebook?", as summarised at https://teaching.resources.osu.edu/toolsets/carmencanvas/
    guides/calculating-final-grades/import-csv-file-carmen-grades): the columns Student,
    ID, SIS User ID, SIS Login ID, Section, then one column per assignment (a new name makes a
    new assignment), and, as in Canvas's own export, a "Points Possible" row first.
  Moodle: https://docs.moodle.org/311/en/Grade_import (CSV import takes the layout of the
    CSV export: First name, Last name, ID number, Institution, Department, Email address, then
    one column per grade item; map "Email address" to "useremail", or "ID number" to
    "useridnumber", when importing).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from . import catalogue, report, safe

KEY = "submission"
ROSTER_COLUMNS = ("student_id", "email")


class SheetError(ValueError):
    pass



def uncell(value: str) -> str:
    """The text of a cell that safe.cell wrote (its leading apostrophe taken off again)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(safe.FORMULA_START) else value


# ---------------------------------------------------------------- grade sheets

def header(names=None, roster: bool = False) -> list:
    katas = catalogue.select(names)
    return [KEY, *(ROSTER_COLUMNS if roster else ()), *[k.name for k in katas], "total", "max_score", "notes"]


def grade_rows(rows: list, names=None, roster: dict | None = None) -> list:
    """The cells of each (name, Grade or None, note) of a batch, in the order of header()."""
    katas = catalogue.select(names)
    max_score = sum(k.points for k in katas)
    out = []
    for name, result, note in rows:
        who = []
        if roster is not None:
            student = lookup(roster, name)
            who = [safe.cell(student.get("student_id", "")), safe.cell(student.get("email", ""))] if student \
                else ["", ""]
        if result is None:
            out.append([safe.cell(name), *who, *["0"] * len(katas), "0", report.points(max_score), safe.cell(note)])
            continue
        notes = [f"{k.kata.name}: {n}" for k in result.katas for n in k.notes]
        notes += [f"confinement: {result.confinement.split(':')[0]}"] if result.confinement else []
        if roster is not None and not who[0] and not who[1]:
            notes.append("not in the roster")
        out.append([safe.cell(name), *who, *[report.points(k.score) for k in result.katas], report.points(result.score),
                    report.points(result.max_score), safe.cell("; ".join(notes))])
    return out


def write(path, head: list, rows: list) -> None:
    """Write the sheet atomically: a temporary file in the same folder, renamed over `path`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(head)
            out.writerows(rows)
        try:
            os.chmod(tmp, 0o644 if not path.exists() else path.stat().st_mode & 0o777)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read(path) -> tuple:
    """(header, rows) of a CSV file."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            table = list(csv.reader(f))
    except OSError as exc:
        raise SheetError(f"{path}: {exc.strerror or exc}") from exc
    if not table:
        raise SheetError(f"{path} is empty")
    return table[0], table[1:]


def ordered(rows: list, head: list) -> list:
    """Rows in the order of their submission cell."""
    i = head.index(KEY)
    return sorted(rows, key=lambda r: r[i])


def write_grades(path, rows: list, names=None, roster: dict | None = None) -> None:
    head = header(names, roster is not None)
    write(path, head, ordered(grade_rows(rows, names, roster), head))


def update(path, rows: list, names=None, roster: dict | None = None) -> tuple:
    """Replace the rows of the submissions graded again (`rows`) in the sheet at `path`, each
    where it was, and leave every other row as it was; a submission not in the sheet yet is
    added in its place by name. Returns (rows replaced, rows added)."""
    head = header(names, roster is not None)
    old_head, old_rows = read(path)
    if old_head != head:
        raise SheetError(f"{path} has the columns {','.join(old_head)}; this grading writes "
                         f"{','.join(head)} (grade the same katas, with or without --roster, as that sheet)")
    fresh = {r[0]: r for r in grade_rows(rows, names, roster)}
    replaced = 0
    kept = []
    for r in old_rows:
        if r and r[0] in fresh:
            kept.append(fresh.pop(r[0]))
            replaced += 1
        else:
            kept.append(r)
    for key in sorted(fresh):
        at = next((i for i, r in enumerate(kept) if r and r[0] > key), len(kept))
        kept.insert(at, fresh[key])
    write(path, head, kept)
    return replaced, len(fresh)


# ---------------------------------------------------------------- shards

def parse_shard(spec: str) -> tuple:
    """"K/N" -> (K, N), 1 <= K <= N."""
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise SheetError(f"--shard {spec}: write it K/N, for example 2/5") from None
    if not 1 <= k <= n:
        raise SheetError(f"--shard {spec}: K must be between 1 and N")
    return k, n


def shard(paths: list, spec: str) -> list:
    """The submissions of shard K of N: every N-th of them in name order, from the K-th on.
    The same folder gives the same shards on any machine, and the shards do not overlap."""
    k, n = parse_shard(spec)
    return [p for i, p in enumerate(sorted(paths, key=lambda p: p.name)) if i % n == k - 1]


def is_grade_sheet(head: list) -> bool:
    return bool(head) and head[0] == KEY and head[-3:] == ["total", "max_score", "notes"]


def merge(sheets: list) -> tuple:
    """(header, rows) of grade sheets joined: the same columns in each, each submission in one
    of them (or the same row in several), rows in submission order."""
    head, by_key = None, {}
    for path in sheets:
        h, rows = read(path)
        if head is None:
            head = h
        elif h != head:
            raise SheetError(f"{path} has other columns than {sheets[0]}: {','.join(h)}")
        for r in rows:
            if not r:
                continue
            if r[0] in by_key and by_key[r[0]] != r:
                raise SheetError(f"{r[0]} is in two sheets with different grades (one is {path})")
            by_key[r[0]] = r
    return head, [by_key[k] for k in sorted(by_key)]


# ---------------------------------------------------------------- rosters and gradebooks

ROSTER_FIELDS = ("submission", "student_id", "email", "name", "first_name", "last_name", "login",
                 "canvas_id", "section")


def read_roster(path) -> dict:
    """{submission name: {field: value}} from a CSV with a `submission` column and any of
    student_id, email, name, first_name, last_name, login, canvas_id, section."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
            if "submission" not in fields:
                raise SheetError(f"--roster {path}: it needs a `submission` column (and student_id, email, ...)")
            roster = {}
            for raw in reader:
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
                if not row.get("submission"):
                    continue
                if row["submission"] in roster:
                    raise SheetError(f"--roster {path}: {row['submission']} is there twice")
                roster[row["submission"]] = {k: row.get(k, "") for k in ROSTER_FIELDS}
    except OSError as exc:
        raise SheetError(f"--roster {path}: {exc.strerror or exc}") from exc
    return roster


def _bare(name: str) -> str:
    return name[:-4] if name.endswith(".zip") else name


def lookup(roster: dict, name: str):
    """The roster entry of submission `name` ("alice" or "alice.zip"), or None."""
    for candidate in (name, uncell(name), _bare(uncell(name))):
        if candidate in roster:
            return roster[candidate]
    bare = _bare(uncell(name))
    return next((v for k, v in roster.items() if _bare(k) == bare), None)


def _names(student: dict) -> tuple:
    first, last = student.get("first_name", ""), student.get("last_name", "")
    if not (first or last) and student.get("name"):
        parts = student["name"].split()
        first, last = " ".join(parts[:-1]), parts[-1] if parts else ""
    return first, last


def gradebook(kind: str, head: list, rows: list, roster: dict, assignment: str) -> tuple:
    """(header, rows, students without a submission) of a gradebook import sheet: one row per
    student of the roster, the assignment's total in one column (empty for a student with no
    submission, so that the import changes nothing there)."""
    totals = {}
    i, t = head.index(KEY), head.index("total")
    for r in rows:
        student = lookup(roster, r[i])
        if student is not None:
            totals[student["submission"]] = r[t]
    missing = [s for s in roster if s not in totals]
    out = []
    if kind == "canvas":
        max_score = rows[0][head.index("max_score")] if rows else ""
        gb_head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment]
        out.append(["Points Possible", "", "", "", "", max_score])
        for sub, s in roster.items():
            first, last = _names(s)
            student = f"{last}, {first}" if last and first else (last or first or s.get("name", ""))
            out.append([student, s["canvas_id"], s["student_id"], s["login"] or s["email"], s["section"],
                        totals.get(sub, "")])
    elif kind == "moodle":
        gb_head = ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                   f"{assignment} (Real)"]
        for sub, s in roster.items():
            first, last = _names(s)
            out.append([first, last, s["student_id"], "", "", s["email"], totals.get(sub, "")])
    else:
        raise SheetError(f"--gradebook {kind}: canvas or moodle")
    return gb_head, [[safe.cell(c) for c in r] for r in out], missing


def csv_text(head: list, rows: list) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(head)
    out.writerows(rows)
    return buffer.getvalue()
