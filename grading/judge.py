"""Run the hidden suite on a set of kata files and return one record per check.

The judge runs in a process of its own (`python -m grading.judge`, fed a JSON request
on stdin, answering JSON on stdout) so that pytest, the suite and their state never
touch the caller. Kata code runs in neither: the suite reaches it through sandboxed
workers (sandbox.py), and the records are built here, from what the judge saw. The
judge adopts whatever kata code leaves behind (it is a subreaper) and kills it after
every check; the caller kills the judge with everything below it if it overruns. One
judge can grade many requests in turn (Judge), as instructor batches do.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import procs, sandbox
from .catalogue import ROOT
from .confinement import BLAS_ONE_THREAD, Limits
from .outcomes import Record

HIDDEN = ROOT / "tests" / "hidden"
INI = Path(__file__).with_name("judge.ini")


class JudgeFailed(RuntimeError):
    """The judge itself failed: a fault of the grader, never of the kata."""


# pytest's own plugins the judge has no use for: each adds work to every one of its hundreds
# of checks (capturing, logging, warnings are pytest's; the judge captures kata output itself).
UNUSED_PLUGINS = ("cacheprovider", "logging", "warnings", "unraisableexception", "threadexception", "faulthandler",
                  "doctest", "junitxml", "pastebin", "stepwise", "legacypath", "tmpdir", "monkeypatch", "recwarn",
                  "setuponly", "setupplan", "unittest", "subtests", "debugging")


def pytest_args(katas: list, files: dict, limits: Limits, select: str | None = None) -> list:
    args = [
        "-c", str(INI), "--rootdir", str(HIDDEN), "-q", "--tb=no", "--capture=no", "-p", "pytest_timeout",
        # the suite fails through CheckFailed and its messages, not through assert statements:
        # rewriting them would recompile every test module in every judge for nothing
        "--assert=plain",
        *[a for name in UNUSED_PLUGINS for a in ("-p", f"no:{name}")],
        "--kata-files", json.dumps({k: (str(v) if v else None) for k, v in files.items()}),
        "--limits", limits.to_json(),
    ]
    if select:
        args += ["-m", select]
    return args + [str(HIDDEN / f"test_{k}.py") for k in katas if (HIDDEN / f"test_{k}.py").is_file()]


JUDGE_MB = 1536  # the judge's own address space, beyond the largest reply a worker may send


def limit_memory(worker_mb: int) -> None:
    """Cap this judge's address space: whatever a worker sends, the judge stays within its
    own needs (pytest, numpy, the suite's fixed inputs) plus one reply of at most the worker's
    memory cap. Past it the judge fails with MemoryError, and only the kata it was judging
    goes ungraded (results.grade judges each kata alone then)."""
    try:
        import resource
    except ImportError:
        return
    if worker_mb > 0:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = (JUDGE_MB + worker_mb) << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def run_here(request: dict) -> list:
    """Run the suite in this process; the Record of every check."""
    import pytest

    from .plugin import Collector

    collector = Collector()
    if not any((HIDDEN / f"test_{k}.py").is_file() for k in request["katas"]):
        return []
    limits = Limits.from_json(request["limits"]) if request.get("limits") else Limits()
    limit_memory(limits.memory_mb)
    code = pytest.main(pytest_args(request["katas"], request["files"], limits, request.get("select")),
                       plugins=[collector])
    if code == 5 and request.get("select"):  # no check of these katas matches the selection
        return []
    if code not in (0, 1):
        raise JudgeFailed(f"pytest exited with status {int(code)} while running the hidden suite")
    return collector.records


def deadline(katas: list, limits: Limits) -> float:
    """How long a judge may take: every kata's budget, plus the start of pytest and workers."""
    return len(katas) * (limits.kata_seconds + limits.import_seconds) + 60.0


class Judge:
    """A judge process that grades one request after another: `judge.run(katas, files)`.

    Requests and answers are JSON lines on its stdin and stdout. Reusing one judge for many
    submissions saves starting Python, pytest and the fork server each time; the judge
    never runs kata code itself, so nothing of one submission reaches the next. If a
    request overruns its deadline or the judge dies, it is killed with everything below
    it (JudgeFailed), and the next request starts a fresh one."""

    def __init__(self, env: dict | None = None):
        self.proc = None
        self.err = None
        self.buffer = b""
        self.env = dict(env or {})  # set for the judge and its workers (for example OPENBLAS_CORETYPE)

    def _start(self) -> None:
        env = dict(os.environ, **self.env, PYTHONDONTWRITEBYTECODE="1",
                   PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # only the plugins the judge names: faster, and nothing from the machine
                   **BLAS_ONE_THREAD)  # judges run side by side, one per core: more BLAS threads would only fight
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "grading.judge"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err, cwd=str(ROOT), env=env)
        self.buffer = b""

    def _stderr(self) -> str:
        try:
            self.err.seek(0)
            return self.err.read().strip()[-2000:]
        except (OSError, ValueError):
            return ""

    def close(self) -> None:
        """Stop the judge (and anything left below it)."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        procs.kill_tree(self.proc.pid)
        self.proc.wait()
        self.proc.stdout.close()
        self.err.close()
        self.proc = None

    def _fail(self, why: str):
        stderr = self._stderr()
        procs.kill_tree(self.proc.pid)
        self.close()
        return JudgeFailed(why if not stderr else f"{why}: {stderr}")

    def _read_line(self, until: float) -> bytes:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = until - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError()
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError()
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def run(self, katas: list, files: dict, limits: Limits | None = None, select: str | None = None) -> list:
        """Run the suite of `katas` on `files` (only the checks whose markers match `select`,
        a pytest -m expression, if given); the Record of every check."""
        limits = limits or Limits()
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self.close()
            self._start()
        request = {"katas": list(katas), "files": {k: (str(v) if v else None) for k, v in files.items()},
                   "limits": limits.to_json(), "select": select}
        seconds = deadline(katas, limits)
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            answer = json.loads(self._read_line(time.monotonic() + seconds))
        except TimeoutError:
            raise self._fail(f"the judge did not finish within {seconds:g} s") from None
        except (EOFError, OSError, ValueError):
            raise self._fail(f"the judge failed (exit status {self.proc.poll()})") from None
        if not isinstance(answer, dict) or "records" not in answer:
            detail = answer.get("error") if isinstance(answer, dict) else None
            raise self._fail(f"the judge failed: {detail or 'no answer'}")
        return [Record.from_json(r) for r in answer["records"]]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run(katas: list, files: dict, limits: Limits | None = None) -> list:
    """Run the suite in a fresh judge process; the Record of every check."""
    with Judge() as judge:
        return judge.run(katas, files, limits)


def main() -> int:
    """Answer requests, one JSON line each, until stdin closes. Exit status 2 if the grader
    itself failed (reported to the caller as {"error": ...})."""
    procs.become_subreaper()
    procs.hide_from_peers()
    out = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # pytest's own chatter goes nowhere; only the answers reach the caller
    sys.stdout = open(os.devnull, "w")
    for line in sys.stdin:
        try:
            records = run_here(json.loads(line))
        except Exception as exc:  # the grader's fault: report it to the caller, exit 2
            out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            out.flush()
            return 2
        finally:  # nothing of this request outlives it, except the (clean) fork server
            procs.sweep({}, sandbox.fork_servers())
        out.write(json.dumps({"records": [r.to_json() for r in records]}) + "\n")
        out.flush()
    sandbox.stop_fork_server()
    procs.sweep({})
    return 0


if __name__ == "__main__":
    sys.exit(main())
