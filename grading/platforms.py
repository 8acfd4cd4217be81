"""Where classes already grade: Gradescope's autograder zip and a GitHub Classroom workflow.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once when the image is
built, then run_autograder for each submission, which must leave
/autograder/results/results.json. Both scripts take AUTOGRADER_ROOT (default /autograder)
so the zip can be tried end to end anywhere.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from . import catalogue
from .catalogue import ROOT

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if ! command -v python3 >/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/source/requirements.txt"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it, leave results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
[ -x "$PY" ] || PY=python3
mkdir -p "$ROOT/results"
# The grader and the hidden suite are root's alone: where kata code cannot have a root of its own
# (a container without namespaces), it runs as an unprivileged user, and must not read them.
chmod -R go-rwx "$ROOT/source"
chmod go-rwx "$ROOT/submission_metadata.json" 2>/dev/null
cd "$ROOT/source" || exit 1
"$PY" grader.py --submission "$ROOT/submission" --json "$ROOT/results/results.json"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    echo '{"score": 0, "output": "The autograder could not grade this submission (status '"$status"'). Please tell your instructor."}' \\
        > "$ROOT/results/results.json"
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


def gradescope_zip(target) -> Path:
    """Write Gradescope's autograder zip to `target`; return its path."""
    target = Path(target)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            z.writestr(info, text)
        for path in _files():
            z.write(path, str(path.relative_to(ROOT)))
    return target


def classroom_workflow() -> str:
    """A GitHub Classroom workflow: one autograding step per kata, worth the kata's points.
    Save it as .github/workflows/classroom.yml in the assignment's template repository."""
    steps = []
    ids = []
    for k in catalogue.KATAS:
        step_id = k.name.replace("_", "-")
        ids.append(step_id)
        steps.append(f"""    - name: "{k.number}. {k.title}"
      id: {step_id}
      uses: classroom-resources/autograding-command-grader@v1
      with:
        test-name: "{k.number}. {k.name}"
        setup-command: python -m pip install --quiet -r requirements.txt
        command: python grader.py {k.name}
        timeout: 10
        max-score: {k.points}""")
    env = "\n".join(f"        {i.upper()}_RESULTS: \"${{{{steps.{i}.outputs.result}}}}\"" for i in ids)
    return f"""# GitHub Classroom autograding for embedding-katas, made by `python grader.py --classroom-workflow`.
# Each kata is one test worth its points, awarded when every check of the kata passes;
# the log of each step shows the grader's report.
name: Autograding Tests
on:
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Set up Python
      uses: actions/setup-python@v5
      with:
        python-version: "3.11"
{chr(10).join(steps)}
    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
{env}
      with:
        runners: {",".join(ids)}
"""
