"""Run the hidden suite on a set of kata files and return one record per check.

The judge runs in a process of its own (`python -m grading.judge`, fed a JSON request
on stdin, answering JSON on stdout) so that pytest, the suite and their state never
touch the caller. Kata code runs in neither: the suite reaches it through sandboxed
workers (sandbox.py), and the records are built here, from what the judge saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .catalogue import ROOT

HIDDEN = ROOT / "tests" / "hidden"
INI = Path(__file__).with_name("judge.ini")


class JudgeFailed(RuntimeError):
    """The judge itself failed: a fault of the grader, never of the kata."""


def pytest_args(katas: list[str], files: dict, call_seconds: float, memory_mb: int) -> list[str]:
    return [
        "-c", str(INI), "--rootdir", str(HIDDEN), "-q", "-p", "no:cacheprovider", "-p", "pytest_timeout",
        "--kata-files", json.dumps({k: (str(v) if v else None) for k, v in files.items()}),
        "--call-seconds", str(call_seconds), "--memory-mb", str(memory_mb),
        *[str(HIDDEN / f"test_{k}.py") for k in katas if (HIDDEN / f"test_{k}.py").is_file()],
    ]


def run_here(request: dict) -> list[dict]:
    """Run the suite in this process; the records of every check."""
    import pytest

    from .plugin import Collector

    collector = Collector()
    if not any((HIDDEN / f"test_{k}.py").is_file() for k in request["katas"]):
        return []
    args = pytest_args(request["katas"], request["files"], request.get("call_seconds", 10.0),
                       request.get("memory_mb", 0))
    code = pytest.main(args, plugins=[collector])
    if code not in (0, 1):
        raise JudgeFailed(f"pytest exited with status {int(code)} while running the hidden suite")
    return collector.records


def run(katas: list[str], files: dict, call_seconds: float = 10.0, memory_mb: int = 0) -> list[dict]:
    """Run the suite in a fresh judge process; the records of every check."""
    request = {"katas": list(katas), "files": {k: (str(v) if v else None) for k, v in files.items()},
               "call_seconds": call_seconds, "memory_mb": memory_mb}
    proc = subprocess.run([sys.executable, "-m", "grading.judge"], input=json.dumps(request),
                          capture_output=True, text=True, cwd=str(ROOT),
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
                                   # only the plugins the judge names: faster, and nothing from the machine
                                   PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    try:
        answer = json.loads(proc.stdout)
    except json.JSONDecodeError:
        answer = None
    if proc.returncode != 0 or not isinstance(answer, dict) or "records" not in answer:
        detail = (answer or {}).get("error") or proc.stderr.strip()[-2000:] or f"exit status {proc.returncode}"
        raise JudgeFailed(f"the judge failed: {detail}")
    return answer["records"]


def main() -> int:
    request = json.load(sys.stdin)
    out = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # pytest's own chatter goes nowhere; only the answer reaches the caller
    sys.stdout = open(os.devnull, "w")
    try:
        records = run_here(request)
    except Exception as exc:  # the grader's fault: report it to the caller, exit 2
        json.dump({"error": f"{type(exc).__name__}: {exc}"}, out)
        out.close()
        return 2
    json.dump({"records": records}, out)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
