"""Run the hidden suite on a set of kata files and return one record per check.

The judge runs in a process of its own (`python -m grading.judge`, fed a JSON request
on stdin, answering JSON on stdout) so that pytest, the suite and their state never
touch the caller. Kata code runs in neither: the suite reaches it through sandboxed
workers (sandbox.py), and the records are built here, from what the judge saw. The
judge adopts whatever kata code leaves behind (it is a subreaper) and kills it after
every check; the caller kills the judge with everything below it if it overruns.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import procs
from .catalogue import ROOT
from .sandbox import Limits

HIDDEN = ROOT / "tests" / "hidden"
INI = Path(__file__).with_name("judge.ini")


class JudgeFailed(RuntimeError):
    """The judge itself failed: a fault of the grader, never of the kata."""


def pytest_args(katas: list, files: dict, limits: Limits) -> list:
    args = [
        "-c", str(INI), "--rootdir", str(HIDDEN), "-q", "--tb=no", "-p", "no:cacheprovider", "-p", "pytest_timeout",
        "--kata-files", json.dumps({k: (str(v) if v else None) for k, v in files.items()}),
        "--call-seconds", str(limits.call_seconds), "--memory-mb", str(limits.memory_mb),
        "--kata-seconds", str(limits.kata_seconds),
    ]
    if limits.confine:
        args.append("--confine")
    return args + [str(HIDDEN / f"test_{k}.py") for k in katas if (HIDDEN / f"test_{k}.py").is_file()]


def run_here(request: dict) -> list:
    """Run the suite in this process; the records of every check."""
    import pytest

    from .plugin import Collector

    collector = Collector()
    if not any((HIDDEN / f"test_{k}.py").is_file() for k in request["katas"]):
        return []
    limits = Limits(**request.get("limits", {}))
    code = pytest.main(pytest_args(request["katas"], request["files"], limits), plugins=[collector])
    if code not in (0, 1):
        raise JudgeFailed(f"pytest exited with status {int(code)} while running the hidden suite")
    return collector.records


def deadline(katas: list, limits: Limits) -> float:
    """How long a judge may take: every kata's budget, plus the start of pytest and workers."""
    return len(katas) * (limits.kata_seconds + limits.import_seconds) + 60.0


def run(katas: list, files: dict, limits: Limits | None = None, call_seconds: float | None = None) -> list:
    """Run the suite in a fresh judge process; the records of every check."""
    limits = limits or Limits()
    if call_seconds is not None:
        limits = dataclasses.replace(limits, call_seconds=call_seconds)
    request = {"katas": list(katas), "files": {k: (str(v) if v else None) for k, v in files.items()},
               "limits": dataclasses.asdict(limits)}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
               PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")  # only the plugins the judge names: faster, and nothing from the machine
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "grading.judge"], stdin=subprocess.PIPE, stdout=out,
                                stderr=err, text=True, cwd=str(ROOT), env=env)
        try:
            proc.communicate(json.dumps(request), timeout=deadline(katas, limits))
        except subprocess.TimeoutExpired:
            procs.kill_tree(proc.pid)
            proc.wait()
            raise JudgeFailed(f"the judge did not finish within {deadline(katas, limits):g} s")
        finally:
            if proc.poll() is None:
                procs.kill_tree(proc.pid)
                proc.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        answer = json.loads(stdout)
    except json.JSONDecodeError:
        answer = None
    if proc.returncode != 0 or not isinstance(answer, dict) or "records" not in answer:
        detail = (answer or {}).get("error") if isinstance(answer, dict) else None
        raise JudgeFailed(f"the judge failed: {detail or stderr.strip()[-2000:] or f'exit status {proc.returncode}'}")
    return answer["records"]


def main() -> int:
    procs.become_subreaper()
    procs.hide_from_peers()
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
    finally:
        procs.sweep({})
    json.dump({"records": records}, out)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
