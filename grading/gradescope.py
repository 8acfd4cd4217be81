"""Gradescope: results.json as its autograder specification describes it, and the autograder
zip (setup.sh, run_autograder, the grader and the hidden suite).

Followed: https://gradescope-autograders.readthedocs.io/en/latest/specs/ (the results.json
fields, visibility, stdout_visibility, output formats, test status) and its file hierarchy
(/autograder/source, /autograder/submission, /autograder/results/results.json).

What students see is a policy (VISIBILITY): each kata's summary (its status, points and the
functions to look at) is visible at once; the details of each hidden check (what was called,
what came back, what was expected, and the fix) follow the policy: after_published (the
default: once the instructor publishes the grades), after_due_date, hidden (never) or
visible (at once). Gradescope hides the total score from students while some test is hidden.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

from . import report, safe
from .catalogue import ROOT
from .results import Grade

VISIBILITY = ("after_published", "after_due_date", "hidden", "visible")
DEFAULT_VISIBILITY = "after_published"
DIGITS = 2  # scores are shown to the hundredth

WHEN = {"after_published": "once your instructor publishes the grades",
        "after_due_date": "after the due date", "hidden": "never (your instructor keeps them)",
        "visible": "below"}


# ---------------------------------------------------------------- scores

def apportion(values: list, total: float, digits: int = DIGITS) -> list:
    """`values` rounded to `digits` so that they add up to `total` (itself rounded) exactly:
    each is rounded down, and the units left go to the largest remainders (ties to the first)."""
    unit = 10 ** digits
    target = round(total * unit)
    scaled = [v * unit for v in values]
    floors = [math.floor(s + 1e-9) for s in scaled]
    left = target - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:max(0, min(left, len(values)))]:
        floors[i] += 1
    return [f / unit for f in floors]


def _kata_scores(k) -> tuple:
    """(rounded score of each check, rounded max of each check) for a KataResult: the maxima
    add up to the kata's points, the scores to its score."""
    maxima = apportion([c.max_score for c in k.checks], k.max_score)
    scores = apportion([c.score for c in k.checks], k.score)
    return scores, maxima


# ---------------------------------------------------------------- results.json

def _check_output(c) -> str:
    if c.passed and not c.waiting_for:
        return "Passed."
    if c.waiting_for:
        text = f"Passes, but earns its points only once {', '.join(c.waiting_for)} returns right values."
    else:
        text = c.message or "Failed."
    text += "".join(f"\n  at line {f['line']}, in {f['function']}: {f['code']}" for f in c.where[-3:])
    if c.output.strip():
        printed = c.output.rstrip("\n")
        if len(printed) > 2000:
            printed = printed[:2000] + f"\n[... {len(c.output) - 2000} more characters]"
        text += "\n\nWhat your code printed:\n" + printed
    return safe.text(text, multiline=True)


def _to_look_at(k) -> list:
    """The kata functions to look at: those a failing check of one function calls (a check of
    several, such as "no function changes its inputs", fails with any of them), else those of
    every failing check; in the order they were first met."""
    failing = [c for c in k.failures if c.kind != "import_error"]
    single = [c for c in failing if len(c.calls) == 1]
    seen = []
    for c in single or failing:
        for f in c.calls:
            if f not in seen:
                seen.append(f)
    return seen


def _kata_line(k) -> str:
    passed = sum(c.passed and not c.waiting_for for c in k.checks)
    if k.status == "missing":
        return f"missing: {k.note or 'no file'}"
    if k.status == "not graded":
        return f"not graded: {k.stopped}"
    line = f"{k.status}, {passed} of {len(k.checks)} checks earn their points"
    look = _to_look_at(k)
    if look and k.status in ("in progress", "does not import"):
        line += "; look at " + ", ".join(look)
    return line


def summary_markdown(grade: Grade, visibility: str = DEFAULT_VISIBILITY) -> str:
    """The student summary at the top of Gradescope's page: one row per kata."""
    md = safe.markdown
    lines = [f"**{report.points(grade.score)} of {report.points(grade.max_score)} points**", "",
             "| # | kata | status | points |", "|---|---|---|---|"]
    for k in grade.katas:
        lines.append(f"| {k.kata.number} | {md(k.kata.name)} | {md(_kata_line(k))} | "
                     f"{report.points(k.score)}/{report.points(k.max_score)} |")
    lines += ["", f"The details of each check (what was called, what came back, what was expected) are "
                  f"shown {WHEN[visibility]}."]
    unfinished = [k for k in grade.katas if k.status != "done"]
    if unfinished:
        nxt = unfinished[0].kata.name
        # (a catalogue name, [a-z_]: as it is inside a code span, where a backslash would show)
        lines += ["", f"Run `python grader.py {nxt}` on your own machine for every failing check "
                      f"of {md(nxt)}, and `python grader.py --hint {nxt}` for a hint."]
    else:
        lines += ["", "Every check passes. Well done."]
    return "\n".join(lines)



def _unique(name: str, taken: set) -> str:
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name} [{n}]"
    taken.add(out)
    return out


def results(grade: Grade, visibility: str = DEFAULT_VISIBILITY) -> dict:
    """Gradescope's results.json: per kata a visible summary test, then one test per hidden
    check with `visibility`; scores rounded so that they add up to each kata's score."""
    if visibility not in VISIBILITY:
        raise ValueError(f"visibility {visibility!r}: one of {', '.join(VISIBILITY)}")
    tests, taken = [], set()
    for k in grade.katas:
        tests.append({
            "name": _unique(f"{k.kata.number}. {k.kata.name}: {report.points(k.score)}/{report.points(k.max_score)} points",
                            taken),
            "number": str(k.kata.number),
            "status": "passed" if k.status == "done" else "failed",
            "output": safe.text(_kata_line(k), multiline=True),
            "output_format": "text",
            "tags": [k.kata.name, "summary"],
            "visibility": "visible",
        })
        scores, maxima = _kata_scores(k)
        for i, (c, score, most) in enumerate(zip(k.checks, scores, maxima), start=1):
            tests.append({
                "name": _unique(safe.text(f"{k.kata.name}: {c.title}"), taken),
                "number": f"{k.kata.number}.{i}",
                "score": score,
                "max_score": most,
                "status": "passed" if c.passed else "failed",
                "output": _check_output(c),
                "output_format": "text",
                "tags": [k.kata.name, c.role],
                "visibility": visibility,
            })
    score = round(sum(t.get("score", 0.0) for t in tests), DIGITS)
    return {
        "score": score,
        "execution_time": round(grade.seconds, 3),
        "output": summary_markdown(grade, visibility),
        "output_format": "md",
        "visibility": visibility,
        "stdout_visibility": visibility,  # the grader's own report names the hidden checks too
        "extra_data": {"confinement": grade.confinement, "max_score": grade.max_score,
                       "visibility": visibility},
        "tests": tests,
    }


def not_graded(note: str, visibility: str = DEFAULT_VISIBILITY) -> dict:
    """results.json for a submission that could not be graded at all."""
    return {"score": 0, "output": safe.text(f"This submission could not be graded: {note}. "
                                            "Please tell your instructor.", multiline=True),
            "output_format": "text", "visibility": visibility, "stdout_visibility": visibility,
            "extra_data": {"not_graded": safe.text(note)}, "tests": []}


def write(path, data: dict) -> None:
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------- the autograder zip

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_SETUP_PYTHON:-python3}"
# A venv with pip needs ensurepip; Debian and Ubuntu ship it apart (python3-venv), and
# `python3 -m venv --help` works without it, so ask for ensurepip itself.
has_ensurepip() { command -v "$PY" >/dev/null && "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; }
if ! has_ensurepip && command -v apt-get >/dev/null; then
    echo "setup.sh: no ensurepip in $PY: installing python3-venv with apt-get"
    version=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
    (apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip \\
        ${version:+"python$version-venv"} >/dev/null) || echo "setup.sh: apt-get could not install python3-venv"
fi
rm -rf "$ROOT/venv"
if has_ensurepip; then
    "$PY" -m venv --system-site-packages "$ROOT/venv"
else
    # no ensurepip to be had: a venv without pip of its own, which uses the system's pip
    echo "setup.sh: still no ensurepip: making the venv without pip, on the system's packages"
    "$PY" -m venv --without-pip --system-site-packages "$ROOT/venv"
    if ! "$ROOT/venv/bin/python" -m pip --version >/dev/null 2>&1; then
        echo "setup.sh: no pip either: install python3-venv or python3-pip in the image" >&2
        exit 1
    fi
fi
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/source/requirements.txt"
"$ROOT/venv/bin/python" -c 'import numpy, pytest' && echo "setup.sh: ready"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it, leave results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
VISIBILITY="${AUTOGRADER_VISIBILITY:-@VISIBILITY@}"
[ -x "$PY" ] || PY=python3
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
# The grader and the hidden suite are root's alone: where kata code cannot have a root of its own
# (a container without namespaces), it runs as an unprivileged user, and must not read them.
chmod -R go-rwx "$ROOT/source"
chmod go-rwx "$ROOT/submission_metadata.json" 2>/dev/null
cd "$ROOT/source" || exit 1
# Kata code may use what the container leaves once the grader has its share (Gradescope's
# default container has 768 MB; its cgroup says how much there is).
MEMORY_MB="${AUTOGRADER_MEMORY_MB:-$("$PY" -m grading.container --worker-mb 2>/dev/null)}"
JUDGES="${AUTOGRADER_JUDGES:-$("$PY" -m grading.container --judges 2>/dev/null)}"
OOM_BEFORE=$("$PY" -m grading.container --oom-kills 2>/dev/null || echo 0)
echo "run_autograder: container memory $("$PY" -m grading.container --limit-mb 2>/dev/null || true) MiB" \\
     "(empty: no limit), kata code capped at ${MEMORY_MB:-the default} MB, ${JUDGES:-2} judge(s)"
"$PY" grader.py --submission "$ROOT/submission" --json "$ROOT/results/results.json" \\
    --gradescope-visibility "$VISIBILITY" ${MEMORY_MB:+--memory-mb "$MEMORY_MB"} ${JUDGES:+-j "$JUDGES"}
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    OOM_AFTER=$("$PY" -m grading.container --oom-kills 2>/dev/null || echo 0)
    if [ "$status" -eq 137 ] || [ "${OOM_AFTER:-0}" -gt "${OOM_BEFORE:-0}" ]; then
        why="the grader ran out of memory (the container's limit). Please tell your instructor: the autograder needs more memory (Gradescope: Autograder settings)."
    else
        why="the autograder could not grade this submission (status $status). Please tell your instructor."
    fi
    printf '{"score": 0, "output": "%s", "output_format": "text", "visibility": "%s", "stdout_visibility": "%s", "tests": []}\\n' \\
        "$why" "$VISIBILITY" "$VISIBILITY" > "$ROOT/results/results.json"
    echo "run_autograder: $why"
fi
exit 0
"""

# What the autograder needs: the grader and the hidden suite. Not solutions/, not katas/.
PARTS = ("grader.py", "requirements.txt", "grading", "tests/hidden")


def _files():
    for part in PARTS:
        path = ROOT / part
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                              and p.suffix != ".pyc")


def build_zip(target, visibility: str = DEFAULT_VISIBILITY) -> Path:
    """Write Gradescope's autograder zip to `target` (students see check details per
    `visibility`); return its path."""
    if visibility not in VISIBILITY:
        raise ValueError(f"visibility {visibility!r}: one of {', '.join(VISIBILITY)}")
    target = Path(target)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN.replace("@VISIBILITY@", visibility))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        for path in _files():
            z.write(path, str(path.relative_to(ROOT)))
    return target
