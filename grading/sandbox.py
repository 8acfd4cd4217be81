"""The judge's side of the sandbox: a kata as the hidden suite sees it.

`Kata(name, file)` stands for a kata file. `kata.one_hot(ids, 3)` sends the call to a
worker process (worker.py) that imported the file, waits at most the call's time limit,
and returns a `Called`: the call as it was made, and the plain data that came back.
Anything else ends the check with one of the failures in outcomes.py. A worker that
hangs or dies is killed with everything it started, and a fresh one serves the next call.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import confinement, container, cpu, procs, safe, show, wire
from .calls import ECHO_BYTES, Called
from .confinement import Limits
from .outcomes import Crashed, ImportFailed, Mismatch, Missing, NotStarted, Raised, TimedOut, Unreadable

WORKER = Path(__file__).with_name("worker.py")
REPLY_LIMIT = 2 << 30  # bytes of one reply, when the worker has no memory cap to bound it
WALL_PER_CPU = 10  # a scale check's wall-time cap, in multiples of its CPU limit: for hangs only


HEAVY_BYTES = 64 << 20  # a reply this large is collected as soon as its check is over


def _array_bytes(value) -> int:
    if isinstance(value, (list, tuple)):
        return sum(_array_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_array_bytes(v) for v in value.values())
    return getattr(value, "nbytes", 0)


def _differs(before, after) -> bool:
    """Whether an argument the judge sent (`before`, its own copy) came back changed."""
    import numpy as np

    if isinstance(before, (wire.Seeded, wire.Ref)):
        return False
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape
                    and after.dtype == before.dtype.newbyteorder("=") and after.tobytes() == before.astype(
                        before.dtype.newbyteorder("="), copy=False).tobytes())
    if isinstance(before, (list, tuple)):
        return (type(after) is not type(before) or len(after) != len(before)
                or any(_differs(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return (not isinstance(after, dict) or after.keys() != before.keys()
                or any(_differs(before[k], after[k]) for k in before))
    return False  # numbers, strings, None: nothing a call can change in place


def _changed(called: "Called", after) -> list:
    """The names of the arguments that the call changed in place, judged here."""
    if not isinstance(after, dict) or not isinstance(after.get("args"), list) \
            or not isinstance(after.get("kwargs"), dict):
        return ["its arguments (into something that is not plain data)"]
    names = [called.params[i] if i < len(called.params) else f"argument {i + 1}" for i in range(len(called.args))]
    changed = [n for n, b, a in zip(names, called.args, after["args"]) if _differs(b, a)]
    if len(after["args"]) != len(called.args):
        changed.append("its argument list")
    return changed + [k for k, v in called.kwargs.items() if _differs(v, after["kwargs"].get(k))]


def _clean_error(error) -> dict:
    """An error as the worker described it, coerced to the expected fields and made safe:
    every string in it came from kata code."""
    error = error if isinstance(error, dict) else {}
    where = []
    for frame in error.get("where", []) if isinstance(error.get("where"), list) else []:
        if isinstance(frame, dict) and type(frame.get("line")) is int:
            where.append({"line": frame["line"], "function": safe.text(frame.get("function", ""))[:100],
                          "code": safe.text(frame.get("code", ""))[:200]})
    mro = error.get("mro") if isinstance(error.get("mro"), list) else []
    return {"type": safe.text(error.get("type", "Exception"))[:100],
            "mro": [safe.text(c)[:100] for c in mro[:64]],
            "message": safe.text(error.get("message", ""))[:2000], "where": where[-6:]}


def _clean_hello(hello) -> dict:
    """The worker's hello, coerced and made safe (the kata file's names and output)."""
    if not isinstance(hello, dict) or not isinstance(hello.get("ok"), bool):
        return {"ok": False, "output": "", "error": _clean_error({"type": "Unreadable",
                                                                  "message": "the worker's hello was unreadable"})}
    output = safe.text(hello.get("output", ""), multiline=True) if isinstance(hello.get("output"), str) else ""
    if not hello["ok"]:
        return {"ok": False, "output": output, "error": _clean_error(hello.get("error"))}
    functions = hello.get("functions") if isinstance(hello.get("functions"), dict) else {}
    return {"ok": True, "output": output,
            "functions": {safe.text(k): [safe.text(p) for p in v] if isinstance(v, list) else []
                          for k, v in functions.items()}}


def _where(error: dict) -> str:
    if not error.get("where"):
        return ""
    last = error["where"][-1]
    return f" (line {last['line']}: {last['code']})" if last.get("code") else f" (line {last['line']})"


class ForkServer:
    """`python worker.py --fork-server`: a process with Python and numpy loaded that forks a
    worker on request (worker.fork_server). One per judge, started on first use."""

    def __init__(self):
        self.lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen([sys.executable, "-X", "utf8", str(WORKER), "--fork-server"],
                                     stdin=theirs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=confinement.worker_env(os.environ), start_new_session=True)
        theirs.close()
        ours.settimeout(30)  # an answer takes milliseconds; a server that stops answering is dropped
        self.control = ours
        self.spare = None  # the pid of the confined worker it keeps ready (no kata code ran in it)

    def ask(self, request: dict, fds=()) -> dict:
        with self.lock:
            try:
                socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
                answer = json.loads(self.control.recv(1 << 16))
                if "spare" in answer:
                    self.spare = answer["spare"]
                return answer
            except (OSError, ValueError) as exc:  # gone, or out of step: replaced on next use
                self.proc.kill()  # only the server: its workers live on (adopted by the judge)
                self.proc.wait()
                raise OSError(f"the fork server failed: {exc}") from exc

    def close(self) -> None:
        self.control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


_fork_server: ForkServer | None = None
_fork_lock = threading.Lock()


def fork_server() -> ForkServer | None:
    """This process's fork server (Linux), started if need be; None where workers are
    started as fresh processes instead."""
    global _fork_server
    if not USE_FORK_SERVER:
        return None
    with _fork_lock:
        if _fork_server is None or _fork_server.proc.poll() is not None:
            _fork_server = ForkServer()
            atexit.register(_fork_server.close)
        return _fork_server


def fork_servers() -> set:
    """The pids of the live fork server and of its spare: the server's other children are
    workers, and the spare is not a stray either (procs.sweep)."""
    if _fork_server is None or _fork_server.proc.poll() is not None:
        return set()
    return {_fork_server.proc.pid} | ({_fork_server.spare} if _fork_server.spare else set())


def stop_fork_server() -> None:
    """End the fork server, letting it remove what its workers leave (cgroups)."""
    global _fork_server
    with _fork_lock:
        if _fork_server is not None:
            _fork_server.close()
            _fork_server = None


USE_FORK_SERVER = sys.platform == "linux"


CPU_POLL = 0.05  # seconds between two reads of a scale check's CPU time


class OverCpu(Exception):
    """A call spent more CPU time than its limit (seconds spent, when stopped)."""


class Worker:
    """One worker process serving one kata file: forked by the fork server, or a fresh
    `python worker.py` where there is none."""

    def __init__(self, name: str, file: Path, limits: Limits, callables: Path | None, cwd: Path | None):
        self.limits = limits
        self.ooms = container.oom_kills()  # to tell a kill for want of memory from other deaths
        self.starved = False
        self.hello = None
        self.confinement = None  # the level the worker reached, as it said before running kata code
        self.refused = False  # it would not run kata code below the level required
        self.proc = None
        server = fork_server()
        if server is not None:
            try:
                self._fork(server, name, file, callables, cwd)
                return
            except OSError:  # the server is gone (killed from outside): start workers the slow way
                pass
        cmd = [sys.executable, "-X", "utf8", str(WORKER), "--file", str(file), "--name", name,
               "--limits", limits.to_json()]
        if callables:
            cmd += ["--callables", str(callables)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=str(cwd or file.parent),
                                     env=confinement.worker_env(os.environ), start_new_session=True)
        self.pid, self.to_worker, self.from_worker = self.proc.pid, self.proc.stdin.fileno(), self.proc.stdout.fileno()
        for fd in (self.to_worker, self.from_worker):
            wire.widen(fd)

    def _fork(self, server: ForkServer, name, file, callables, cwd) -> None:
        requests_in, requests_out = os.pipe()
        replies_in, replies_out = os.pipe()
        for fd in (requests_out, replies_in):
            wire.widen(fd)
        try:
            answer = server.ask({"op": "spawn", "file": str(file), "name": name,
                                 "callables": str(callables) if callables else None,
                                 "limits": self.limits.to_json(), "cwd": str(cwd or file.parent)},
                                [requests_in, replies_out])
        except BaseException:
            for fd in (requests_out, replies_in):
                os.close(fd)
            raise
        finally:
            os.close(requests_in)
            os.close(replies_out)
        if answer.get("pid") is None:  # started the slow way instead, and confined as well
            for fd in (requests_out, replies_in):
                os.close(fd)
            raise OSError(answer.get("error", "the fork server made no worker"))
        self.server, self.pid, self.to_worker, self.from_worker = server, answer["pid"], requests_out, replies_in

    @property
    def reply_limit(self) -> int:
        """A reply's body can be no larger than the worker's memory cap allows it to build."""
        return (self.limits.memory_mb << 20) if self.limits.memory_mb > 0 else REPLY_LIMIT

    def wait_hello(self, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        if self.confinement is None:  # the first frame, written before any kata code ran
            shut = wire.read_frame(self.from_worker, deadline, limit=1 << 16)
            shut = shut if isinstance(shut, dict) else {}
            self.confinement = safe.text(shut["confinement"]) if isinstance(shut.get("confinement"), str) else ""
            self.refused = shut.get("refused") is True
        if self.hello is None and self.refused:
            self.hello = {"ok": False, "refused": True, "output": "", "error": _clean_error(None)}
        if self.hello is None:
            self.hello = _clean_hello(wire.read_frame(self.from_worker, deadline, limit=self.reply_limit))
        return self.hello

    def call(self, request: dict, seconds: float, cpu_limit: float | None = None) -> tuple:
        """(reply, CPU seconds the worker spent on it or None where that cannot be measured).
        With `cpu_limit`, a call that spends more CPU time than that is stopped (OverCpu)."""
        start = cpu.tree_seconds(self.pid) if cpu_limit is not None else None
        try:
            wire.write_frame(self.to_worker, request)
        except (BrokenPipeError, OSError) as exc:
            raise wire.Closed() from exc
        deadline = time.monotonic() + seconds
        if start is not None:  # the reply is written once the call is done: watch the CPU until then
            while not select.select([self.from_worker], [], [], CPU_POLL)[0]:
                used = cpu.tree_seconds(self.pid)
                if used is not None and used - start > cpu_limit:
                    raise OverCpu(used - start)
                if time.monotonic() > deadline:
                    raise wire.Late()
        reply = wire.read_frame(self.from_worker, deadline, limit=self.reply_limit)
        used = cpu.tree_seconds(self.pid) if start is not None else None
        return reply, (used - start if used is not None else None)

    def _exit_code(self, seconds: float):
        if self.proc is not None:
            try:
                return self.proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                return None
        try:
            answer = self.server.ask({"op": "status", "pid": self.pid, "seconds": seconds})
        except OSError:
            return None
        self.starved = bool(answer.get("oom"))  # the server saw it in the worker's cgroups
        return answer["code"]

    def exit_status(self) -> str:
        code = self._exit_code(2)
        killed = self.starved or (self.proc is not None and self.limits.confine
                                  and container.killed_in(confinement._leaves(self.pid)))
        starved = container.out_of_memory(self.ooms, self.limits.memory_mb, killed)
        if starved and code is not None:  # whatever the exit status says (a killed namespace's init exits 1)
            return starved
        if code is None:
            return "stopped answering"
        if code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            return f"was killed by {sig}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
        return f"exited with status {code}"

    def kill(self) -> None:
        procs.kill_tree(self.pid)
        if self.proc is not None:
            for pipe in (self.proc.stdin, self.proc.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            if self.limits.confine:
                confinement.release(self.pid, seconds=1.0)
        else:  # the fork server reaps it, and removes its cgroups
            for fd in (self.to_worker, self.from_worker):
                with contextlib.suppress(OSError):
                    os.close(fd)


class Kata:
    """A kata file as the hidden suite sees it: `kata.some_function(...)` -> Called."""

    def __init__(self, name: str, file, limits: Limits | None = None,
                 callables: Path | None = None, cwd: Path | None = None):
        self._name = name
        self._file = Path(file).resolve() if file else None
        self._limits = limits or Limits()
        self._callables = callables
        self._cwd = cwd
        self._worker: Worker | None = None
        self._broken: Exception | None = None  # the import failure, once seen
        self._outputs: list[str] = []
        self._spent = 0.0  # seconds of this kata's time budget used so far
        self._calls: set = set()  # the functions called since the last take
        self._scale: tuple | None = None  # (CPU seconds per call, why) during a scale check
        self._heavy = False  # a reply this large came in since the last take: see take_heavy
        self._echo = False  # whether calls send their arguments back: see watching_inputs
        self._cpu_used = 0.0  # the most CPU seconds one call spent during the current scale check
        self.last: Called | None = None
        self._confinement: list = []  # the levels the kata's workers reached since the last take
        if self._file is not None and self._file.exists():
            self._worker = self._spawn()

    # -- life cycle -------------------------------------------------------------

    def _spawn(self) -> Worker:
        return Worker(self._name, self._file, self._limits, self._callables, self._cwd)

    def _ready(self) -> Worker:
        if self._file is None or not self._file.exists():
            raise Missing(f"There is no {self._name}.py to grade: the kata file is missing.")
        if self._broken is not None:  # a fresh exception each time: re-raising one grows its traceback
            raise type(self._broken)(self._broken.message, self._broken.where, self._broken.output)
        if self._worker is None:
            self._worker = self._spawn()
        worker = self._worker
        if worker.hello is not None:
            return worker
        # Starting Python and numpy is not the kata's doing (and slow when many workers start at
        # once on a busy machine): it has its own limit and is not charged to the kata's budget.
        seconds = self._limits.import_seconds
        try:
            hello = worker.wait_hello(seconds)
            self._confinement.append(worker.confinement)
        except wire.Late:
            self._drop()
            self._broken = ImportFailed(
                f"Importing {self._file.name} did not finish in {seconds:g} s: "
                "keep module-level code to definitions (no training runs or input() at import).")
            return self._ready()
        except (wire.Closed, wire.Unsendable):
            status = worker.exit_status()
            self._drop()
            self._broken = ImportFailed(f"Importing {self._file.name} stopped the process (it {status}): "
                                        "module-level code must not exit or crash.")
            return self._ready()
        if worker.refused:
            self._confinement.pop()  # no kata code ran
            self._drop()
            self._broken = ImportFailed(
                f"Not graded: the grader requires confinement at level {self._limits.require} or above, "
                f"and this worker reached only {worker.confinement}.")
            return self._ready()
        if not hello["ok"]:
            self._outputs.append(hello.get("output", ""))
            error = hello["error"]
            self._broken = ImportFailed(
                f"{self._file.name} does not import: {error['type']}: {error['message']}{_where(error)}. "
                "Fix this first; no check of this kata can run until the file imports.",
                where=error["where"], output=hello.get("output", ""))
            return self._ready()
        return worker

    def _check_budget(self, what) -> float:
        """The seconds left of the kata's time budget, or TimedOut for `what` (a call, formatted
        only then: showing its arguments costs more than most calls)."""
        left = self._limits.kata_seconds - self._spent
        if left <= 0:
            raise TimedOut(f"Skipped {what}: this kata used up its time budget of "
                           f"{self._limits.kata_seconds:g} s in earlier checks (endless loops or far too slow code).")
        return left

    def workers(self) -> dict:
        """{pid: confined} of this kata's live worker, for the judge's sweeps."""
        return {self._worker.pid: self._limits.confine} if self._worker is not None else {}

    def sweep(self) -> int:
        """Kill every process the kata's code started below its worker; how many there were."""
        stray = [p for pid, confined in self.workers().items() for p in procs.strays_below(pid, confined)]
        procs.kill_all(stray)
        return len(stray)

    def _drop_after(self, failure: tuple, called: Called, seconds: float, cpu_limit, why, worker) -> None:
        """Drop the worker after a call that did not come back, and raise what that means."""
        kind, detail = failure
        status = worker.exit_status() if kind is wire.Closed else ""
        self._drop()
        if kind is OverCpu:
            raise TimedOut(f"Called {called} -> stopped after {detail:.2f} s of CPU time, over "
                           f"this check's limit of {cpu_limit:.2f} s: {why}.")
        if kind is wire.Late:
            raise TimedOut(f"Called {called} -> still running after {seconds:g} s: "
                           + (why or "an endless loop, or far too slow") + ".")
        if kind is wire.Unsendable:
            raise Unreadable(f"Called {called} -> sent back a reply the grader refuses to read ({detail}): "
                             "return plain numbers and arrays.")
        raise Crashed(f"Called {called} -> the process running your code {status}: "
                      "a kata function must return, not exit or crash.")

    def _drop(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def close(self) -> None:
        self._drop()

    def take_output(self) -> str:
        """The print output of the calls since the last take, for the report."""
        text = "".join(o if o.endswith("\n") or not o else o + "\n" for o in self._outputs)
        self._outputs.clear()
        return text

    def take_heavy(self) -> bool:
        """Whether a large reply (or a call that failed on the way) came in since the last take.
        Its buffers may sit in a reference cycle (an exception, its traceback, a frame) that
        only the garbage collector frees: the judge collects after such a check, so that one
        check's replies never add up with the next one's."""
        heavy, self._heavy = self._heavy, False
        self.last = None
        return heavy

    def take_confinement(self) -> str:
        """The lowest confinement level kata code ran at since the last take ("" if none ran)."""
        seen = self._confinement + ([self._worker.confinement or ""]
                                    if self._worker is not None and self._worker.hello else [])
        self._confinement.clear()
        return confinement.lowest(seen)

    def take_calls(self) -> list:
        """The names of the functions called since the last take, for the record of a check."""
        names = sorted(self._calls)
        self._calls.clear()
        return names

    @contextlib.contextmanager
    def scaled(self, cpu_seconds: float, why: str):
        """Inside the block every call may spend `cpu_seconds` of CPU time (a scale check);
        `why` says what going over means. Wall time only catches hangs, far above."""
        self._scale = (cpu_seconds, why)
        self._cpu_used = 0.0
        try:
            yield self
        finally:
            self._scale = None

    @contextlib.contextmanager
    def watching_inputs(self):
        """Inside the block the arguments of every call (up to ECHO_BYTES) come back after it,
        so that checks.unchanged can tell whether the call changed them in place. Side checks
        watch; other checks spare the worker and the judge the copies."""
        self._echo = True
        try:
            yield self
        finally:
            self._echo = False

    def take_cpu(self) -> float:
        """The most CPU seconds one call spent in the last scale check (for its record)."""
        used, self._cpu_used = self._cpu_used, 0.0
        return round(used, 3)

    # -- calls ------------------------------------------------------------------

    def __getattr__(self, func: str):
        if func.startswith("_"):
            raise AttributeError(func)
        return lambda *args, **kwargs: self._call(func, args, kwargs)

    def _call(self, func, args, kwargs) -> Called:
        worker = self._ready()
        params = worker.hello["functions"].get(func, [])
        called = Called(func, args, kwargs, params)
        self.last = called
        self._calls.add(func)
        cpu_limit, why = self._scale or (None, None)
        seconds = self._limits.call_seconds if cpu_limit is None else max(self._limits.call_seconds,
                                                                            WALL_PER_CPU * cpu_limit)
        seconds = min(seconds, self._check_budget(called))
        start = time.monotonic()
        echo = self._echo and _array_bytes(args) + _array_bytes(kwargs) <= ECHO_BYTES
        failure = None
        try:
            reply, used = worker.call({"func": func, "args": list(args), "kwargs": dict(kwargs), "echo": echo},
                                      seconds, cpu_limit)
        except (OverCpu, wire.Late, wire.Unsendable, wire.Closed) as exc:
            failure = (type(exc), exc.args[0] if exc.args else None)
        except BaseException:  # the suite's own time limit, or an interrupt: the worker's state is unknown
            self._drop()
            raise
        finally:
            self._spent += time.monotonic() - start
        if failure is not None:  # raised out here, so that no exception chain keeps a half-read reply alive
            self._heavy = True
            if failure[0] is OverCpu:
                self._cpu_used = max(self._cpu_used, failure[1])
            self._drop_after(failure, called, seconds, cpu_limit, why, worker)
        if isinstance(reply, dict) and _array_bytes(reply.get("value")) > HEAVY_BYTES:
            self._heavy = True
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            raise Unreadable(f"Called {called} -> the process running your code sent a reply that is not one.")
        reply["output"] = safe.text(reply.get("output", ""), multiline=True) if isinstance(
            reply.get("output", ""), str) else ""
        called.output = reply["output"]
        called.changed = _changed(called, reply.get("after")) if echo else None
        self._outputs.append(reply["output"])
        if cpu_limit is not None:
            spent, unit = (used, "of CPU time") if used is not None else (time.monotonic() - start, "")
            self._cpu_used = max(self._cpu_used, spent)
            if spent > cpu_limit:
                raise TimedOut(f"Called {called} -> took {spent:.2f} s {unit}, over this check's limit of "
                               f"{cpu_limit:.2f} s: {why}.".replace("  ", " "))
        if reply["ok"]:
            called.value = reply.get("value")
            return called
        error = _clean_error(reply.get("error"))
        if error["type"] == "NotImplementedError":
            raise NotStarted(f"{func}() is not started yet: it still raises NotImplementedError.",
                             error["where"], reply["output"])
        if error["type"] == "Unreadable":
            raise Unreadable(f"Called {called} -> {error['message']}.")
        if error["type"] == "MissingFunction":
            raise Mismatch(f"Called {called} -> {error['message']}: keep the function names of the stub.")
        raise Raised(f"Called {called} -> raised {error['type']}: {error['message']}{_where(error)}.",
                     error["where"], reply["output"], error)

    @contextlib.contextmanager
    def raises(self, why: str, error: str = "ValueError"):
        """The call inside the block must raise `error` (by name, subclasses included)."""
        self.last = None
        try:
            yield
        except Raised as exc:
            if error not in exc.error.get("mro", []):
                raise Mismatch(f"{exc.message[:-1]}, expected a {error}: {why}.", exc.where, exc.output)
            if not exc.error.get("message", "").strip():
                raise Mismatch(f"{exc.message[:-1]} with an empty message, expected a {error} that names "
                               f"the problem: {why}.", exc.where, exc.output)
            return
        called = self.last
        shown = show.value(called.value) if called else "nothing"
        raise Mismatch(f"Called {called} -> returned {shown}, expected a {error}: {why}.")
