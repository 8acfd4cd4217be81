"""GitHub Classroom: the autograding workflow, the results its reporter reads, and the
student copy of the project for an assignment's template repository.

Followed: the source of classroom-resources/autograding-grading-reporter (src/main.js,
src/notify-classroom.js, src/helpers/test-helpers.js) and of autograding-command-grader
(src/main.js). Each runner hands the reporter `steps.<id>.outputs.result`: base64 of a JSON
object {version, status, max_score, tests: [{name, status, score, message, ...}]}, read from
the environment variable <ID>_RESULTS. The points Classroom records are the reporter's
"Points <total>/<max>" notice, where total adds up every test's `score` as given (fractions
included) and max adds up the runners' `max_score`. The reporter's log line "Total points for
<runner>" is its own estimate, the share of tests whose status is "pass" times max_score.

So one runner per kata, one test per hidden check with the check's points: a kata half done
earns the points of the checks it passes, as with the local grader.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

from . import catalogue, safe
from .catalogue import ROOT
from .gradescope import apportion
from .results import Grade

MESSAGE_CHARS = 400  # of each failing check's message in the reporter's input


def runner_id(kata_name: str) -> str:
    return kata_name.replace("_", "-")


def kata_result(k) -> dict:
    """The reporter's input for one kata (a KataResult)."""
    scores = apportion([c.score for c in k.checks], k.score)
    tests = []
    for c, score in zip(k.checks, scores):
        earned = c.passed and not c.waiting_for
        message = "" if earned else (
            f"passes, but earns its points only once {', '.join(c.waiting_for)} returns right values"
            if c.waiting_for else c.message)
        tests.append({"name": safe.text(c.title), "status": "pass" if earned else "fail", "score": score,
                      "message": safe.text(message)[:MESSAGE_CHARS], "test_code": "", "filename": "",
                      "line_no": 0, "duration": 0})
    if not tests:  # a missing file, or a kata that could not be graded
        tests.append({"name": f"{k.kata.name}: {k.status}", "status": "fail", "score": 0,
                      "message": safe.text(k.note or k.stopped or k.status)[:MESSAGE_CHARS], "test_code": "",
                      "filename": "", "line_no": 0, "duration": 0})
    return {"version": 1, "status": "pass" if k.status == "done" else "fail", "max_score": k.max_score,
            "tests": tests}


def encode(data: dict) -> str:
    return base64.b64encode(json.dumps(data, ensure_ascii=False).encode()).decode()


def outputs(grade: Grade) -> list:
    """Lines for $GITHUB_OUTPUT: `<runner id>=<base64 result>`, one per kata graded."""
    return [f"{runner_id(k.kata.name)}={encode(kata_result(k))}" for k in grade.katas]


def append_outputs(grade: Grade, path) -> None:
    with open(path, "a") as f:
        for line in outputs(grade):
            f.write(line + "\n")


def workflow() -> str:
    """A GitHub Classroom workflow: the grader runs once, then the reporter gets one runner
    per kata. Save it as .github/workflows/classroom.yml in the template repository."""
    ids = [runner_id(k.name) for k in catalogue.KATAS]
    env = "\n".join(f"        {i.upper()}_RESULTS: \"${{{{steps.grade.outputs.{i}}}}}\"" for i in ids)
    return f"""# GitHub Classroom autograding for embedding-katas, made by `python grader.py --classroom-workflow`.
# The grader runs once and prints its report; each kata is one runner for the reporter, worth
# the kata's points, with one test per hidden check: the points recorded are the grader's own.
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
    - name: Install the grader's dependencies
      run: python -m pip install --quiet -r requirements.txt
    - name: Grade every kata
      id: grade
      timeout-minutes: 20
      run: python grader.py --classroom-result "$GITHUB_OUTPUT" || [ $? -eq 1 ]
    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
{env}
      with:
        runners: {",".join(ids)}
"""


# ---------------------------------------------------------------- the student copy

# Never in a student's copy: the reference, the known mistakes and correct variants (most
# CORRECT variants implement the public functions), the project's own tests and CI, the
# benchmarks (they time the reference), and pyproject.toml (it configures those tests).
LEFT_OUT = ("solutions", "tests/variants", "tests/self", "bench", ".ci", "pyproject.toml", ".github")
IGNORED = ("__pycache__", ".git", ".pytest_cache", ".benchmarks", ".venv", "venv", "bench/out", "demos/.cache")

NOTE = """> **Student copy.** This copy of embedding-katas is for learners: write your code in
> `katas/`, grade it with `python grader.py`. It holds no reference solutions (`solutions/`),
> no collection of known mistakes and correct variants (`tests/variants/`), and not the
> project's own tests, benchmarks or CI. What remains visible: the lessons, the stubs, the
> grader, and the hidden suite (`tests/hidden/`), which the autograding workflow
> (`.github/workflows/classroom.yml`) needs to run: you may read every check. Options below
> that need the solutions (`--solutions`) or the project's tests (`python -m pytest`) do
> not apply here.

"""


def _left_out(rel: str) -> bool:
    parts = rel.split("/")
    if any(p in ("__pycache__",) for p in parts) or rel.endswith(".pyc"):
        return True
    return any(rel == x or rel.startswith(x + "/") for x in LEFT_OUT + IGNORED)


def project_files(root: Path = ROOT) -> list:
    """The project's files (relative paths): what git tracks and the new files it does not
    ignore, or, outside a git checkout, every file but caches and generated ones."""
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True,
                                timeout=60).stdout.decode().split("\0")
        files = [f for f in listed if f and (root / f).is_file()]
        if files:
            return sorted(files)
    except (OSError, subprocess.SubprocessError):
        pass
    generated = {".grader-state.json", "results.json"}
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and p.name not in generated and not p.name.startswith("demo-"))


def student_repo(target) -> list:
    """Write the student copy of the project to `target` (which must not exist or be empty);
    return the files written, relative to it."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    written = []
    for rel in project_files():
        if _left_out(rel):
            continue
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, out)
        written.append(rel)
    readme = target / "README.md"
    readme.write_text(NOTE + (readme.read_text() if readme.exists() else ""))
    if "README.md" not in written:
        written.append("README.md")
    flow = target / ".github" / "workflows" / "classroom.yml"
    flow.parent.mkdir(parents=True, exist_ok=True)
    flow.write_text(workflow())
    written.append(str(flow.relative_to(target)))
    for stub in (target / "katas").glob("*.py"):  # the learner's to edit, whatever the checkout's mode
        os.chmod(stub, 0o644)
    return sorted(written)
