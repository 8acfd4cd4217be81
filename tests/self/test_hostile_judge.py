"""The judge, the reports and the source reader treat everything a submission sends as hostile.

Each attack is a submission that is the reference with kata 1 (or its name, its files, its
zip) made hostile. The grader must finish, the culprit lose only its own points, the judge's
memory stay bounded, and the sheet, the terminal and the JSON stay intact and safe.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest

from grading import catalogue, judge, safe
from grading.catalogue import ROOT
from grading.confinement import Limits

FIRST, SECOND = catalogue.KATAS[0], catalogue.KATAS[1]
REFERENCE = FIRST.solution.read_text()

FIND_REPLY_PIPE = """
import os, struct, sys, time

def _reply_pipe():
    frame = sys._getframe()
    while frame is not None:
        if "replies" in frame.f_locals:
            return frame.f_locals["replies"]
        frame = frame.f_back

def _forge(prefix, rest=b""):
    fd = _reply_pipe()
    os.write(fd, prefix)
    if rest:
        view = memoryview(rest)
        while len(view):
            view = view[os.write(fd, view[:1 << 20]):]
    time.sleep(60)
"""

# name -> the code that replaces one_hot; every one of them must fail its checks, quickly
FORGED = {
    "announces_a_terabyte": "_forge(struct.pack('<QQ', 16, 1 << 40))",
    "announces_a_huge_header": "_forge(struct.pack('<QQ', 1 << 34, 0))",
    "announces_and_stalls": "_forge(struct.pack('<QQ', 16, (2 << 30) - 16))",
    "two_million_nodes": "_forge(struct.pack('<QQ', len(H), 0), H)",
    "a_deep_header": "_forge(struct.pack('<QQ', len(D), 0), D)",
    "wrong_shape_int8": "return __import__('numpy').zeros(200_000_000, dtype='int8')",
}
HEADERS = ('H = b\'{"v":[\' + b"0," * 2_000_000 + b\'0],"b":[]}\'\n'
           'D = b\'{"v":\' + b"[" * 100_000 + b"]" * 100_000 + b\',"b":[]}\'\n')


def hostile_one_hot(code: str) -> str:
    return (REFERENCE + FIND_REPLY_PIPE + HEADERS + "\n\ndef one_hot(ids, num_classes):\n"
            + textwrap.indent(code, "    ") + "\n")


def grader(*args, timeout=300):
    proc = subprocess.run([sys.executable, str(ROOT / "grader.py"), *args], capture_output=True,
                          cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(sys.platform != "linux", reason="reads the judge's peak memory from /proc")
def test_forged_frames_cost_the_kata_only_and_the_judge_stays_small(tmp_path):
    """Whatever a worker writes on its reply pipe, one_hot's checks fail, the other functions
    keep passing, and the judge's peak memory stays under 1 GiB plus the largest reply (200 MB)."""
    limits = Limits(call_seconds=1.0, kata_seconds=60.0)
    with judge.Judge() as j:
        peak = 0.0
        for name, code in FORGED.items():
            path = tmp_path / name / f"{FIRST.name}.py"
            path.parent.mkdir()
            path.write_text(hostile_one_hot(code))
            start = time.monotonic()
            records = j.run([FIRST.name], {FIRST.name: path}, limits)
            peak = max(peak, peak_rss_mb(j.proc.pid))
            by_calls = {}
            for r in records:
                by_calls.setdefault("one_hot" in r.calls, []).append(r)
            alone = [r for r in by_calls[True] if r.calls == ["one_hot"] and r.role == "value"]
            assert alone and not any(r.passed for r in alone), (name, alone)
            assert all(r.kind != "internal" for r in records), (name, [r.message for r in records])
            others = [r for r in by_calls[False] if not r.passed]
            assert not others, (name, [(r.name, r.message) for r in others])
            assert time.monotonic() - start < 90, name
    assert peak < 1024 + 200, f"the judge's peak memory reached {peak:.0f} MB"


def test_inputs_changed_in_place_are_seen_by_the_judge(tmp_path):
    """A kata that sorts its ids in place, and patches what the worker could have used to
    compare (copy.deepcopy, numpy's comparisons), is still caught: the judge compares the
    arguments sent back after the call with its own copy."""
    code = REFERENCE + textwrap.dedent("""
        import copy as _copy
        import numpy as _np
        _copy.deepcopy = lambda x, memo=None: x
        _np.array_equal = lambda *a, **k: True
        _reference_lookup = lookup

        def lookup(table, ids):
            out = _reference_lookup(table, ids)
            if isinstance(ids, _np.ndarray) and ids.flags.writeable:
                ids.sort(axis=-1)
            return out
    """)
    path = tmp_path / f"{FIRST.name}.py"
    path.write_text(code)
    records = judge.run([FIRST.name], {FIRST.name: path})
    unchanged = [r for r in records if r.test == "test_inputs_are_left_unchanged"]
    assert unchanged and not unchanged[0].passed, unchanged
    assert "changed ids in place" in unchanged[0].message


ESCAPES = "\x1b[2J\x1b[H\x1b[32m 90/90  every check passes \x1b[0m\r\x07\x9b31m"


def test_terminal_escapes_and_bad_unicode_reach_no_one_raw(tmp_path):
    """Printed output and exception text with escape sequences and a lone surrogate: the
    report shows them escaped, the JSON is written, nothing crashes."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / f"{FIRST.name}.py").write_text(REFERENCE + textwrap.dedent(f"""
        _reference_lookup = lookup

        def lookup(table, ids):
            print({ESCAPES!r})
            raise ValueError("\\ud800 bad \\x1b[31m text \\u202e")
    """))
    shutil.copy(SECOND.solution, sub / f"{SECOND.name}.py")
    out = tmp_path / "results.json"
    code, stdout, stderr = grader("--submission", str(sub), FIRST.name, SECOND.name, "--json", str(out))
    assert code == 1, stderr
    assert "Traceback" not in stderr
    for raw in ("\x1b", "\x07", "\x9b", "\r", "\ud800", "\u202e"):
        assert raw not in stdout, repr(raw)
    assert "\\x1b[2J" in stdout
    data = json.loads(out.read_text())
    assert abs(data["score"] - sum(t.get("score", 0) for t in data["tests"])) < 0.01  # (kata summaries carry none)
    text = json.dumps(data, ensure_ascii=False)
    assert "\x1b" not in text and "\ud800" not in text


def make_sub(folder, name, katas=(FIRST,)):
    sub = folder / name
    sub.mkdir()
    for k in katas:
        shutil.copy(k.solution, sub / f"{k.name}.py")
    return sub


def test_hostile_submission_names_cannot_rewrite_the_sheet(tmp_path):
    """Names that a spreadsheet would run as formulas, that hold control characters or a
    newline, or that are not valid UTF-8: the batch finishes, every row is there, neutralized."""
    batch = tmp_path / "batch"
    batch.mkdir()
    names = ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "esc\x1b[31mred", "new\nline", "tab\tname"]
    for n in names:
        make_sub(batch, n)
    os.mkdir(os.fsencode(batch) + b"/caf\xe9")
    shutil.copy(FIRST.solution, os.fsdecode(os.fsencode(batch) + b"/caf\xe9/" + f"{FIRST.name}.py".encode()))
    out, jdir = tmp_path / "grades.csv", tmp_path / "json"
    code, stdout, stderr = grader("--batch", str(batch), "--out", str(out), "--json-dir", str(jdir), "-j", "2",
                                  FIRST.name)
    assert code == 0, stderr
    sheet = out.read_text(encoding="utf-8")
    assert not any(c in sheet for c in "\x1b\t\r"), repr(sheet)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(names) + 1
    for row in rows:
        assert not row["submission"].startswith(safe.FORMULA_START), row["submission"]
        assert float(row[FIRST.name]) == FIRST.points, row
    assert {"'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "caf\ufffd"} <= {r["submission"] for r in rows}
    assert len(list(jdir.glob("*.json"))) == len(names) + 1
    table = [line for line in stdout.splitlines() if line.strip()]
    assert "\x1b" not in stdout
    assert sum(line.rstrip().endswith(f"{FIRST.points}/{FIRST.points}") for line in table) == len(names) + 1


def test_no_link_on_the_way_to_a_kata_file_is_followed(tmp_path):
    """A katas/ folder that is a link (to solutions/, or to a classmate's folder) scores 0 with
    a note; the classmate keeps their grade."""
    batch = tmp_path / "batch"
    batch.mkdir()
    honest = batch / "honest"
    (honest / "katas").mkdir(parents=True)
    shutil.copy(FIRST.solution, honest / "katas" / f"{FIRST.name}.py")
    (batch / "to_solutions").mkdir()
    (batch / "to_solutions" / "katas").symlink_to(ROOT / "solutions")
    (batch / "to_classmate").mkdir()
    (batch / "to_classmate" / "katas").symlink_to(honest / "katas")
    (batch / "nested").mkdir()
    (batch / "nested" / "repo").symlink_to(honest)
    out = tmp_path / "grades.csv"
    code, _, stderr = grader("--batch", str(batch), "--out", str(out), FIRST.name)
    assert code == 0, stderr
    rows = {r["submission"]: r for r in csv.DictReader(out.open())}
    assert float(rows["honest"][FIRST.name]) == FIRST.points
    for name in ("to_solutions", "to_classmate", "nested"):
        assert float(rows[name][FIRST.name]) == 0, rows[name]
    assert "link" in rows["to_solutions"]["notes"] and "link" in rows["to_classmate"]["notes"]


def test_a_zip_member_that_cannot_be_read_costs_its_kata_only(tmp_path):
    archive = tmp_path / "student.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"katas/{FIRST.name}.py", REFERENCE)
        z.writestr(f"katas/{SECOND.name}.py", SECOND.solution.read_text())
    data = bytearray(archive.read_bytes())
    at = data.find(b"def one_hot")  # flip one byte of the stored file: its CRC no longer matches
    data[at] ^= 0x20
    archive.write_bytes(bytes(data))
    out = tmp_path / "results.json"
    code, stdout, stderr = grader("--submission", str(archive), FIRST.name, SECOND.name, "--json", str(out))
    assert code == 1, stderr
    row = next(line for line in stdout.splitlines() if line.split()[1:2] == [FIRST.name])
    assert "missing" in row
    assert "cannot be read from the zip" in stdout
    assert any(line.split()[1:3] == [SECOND.name, "done"] for line in stdout.splitlines()), stdout
