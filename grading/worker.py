"""The worker: the only process that runs a kata file.

Started by grading.sandbox as `python worker.py --file KATA.py --name NAME ...` with a
request pipe on stdin and a reply pipe on stdout. It moves both pipes to private file
descriptors, points 0, 1 and 2 at /dev/null, imports the kata file, says hello, then
answers calls one at a time. Whatever the kata prints through `sys.stdout` or
`sys.stderr` is captured per call (up to a cap) and sent back as text; everything
crosses as plain data (see wire.py).

On Linux the judge starts one `python worker.py --fork-server` instead, and every
worker is a fork of it (see fork_server): the same worker, without the cost of starting
Python and numpy each time.
"""

import argparse
import importlib.util
import inspect
import io
import os
import sys
import time
import traceback

import procs  # sibling modules; the folder is dropped from sys.path right below
import wire

del sys.path[0]


class Capture(io.TextIOBase):
    """A text stream that keeps the first `cap` characters and counts the rest."""

    def __init__(self, cap: int):
        self.cap, self.parts, self.kept, self.dropped = cap, [], 0, 0

    def writable(self):
        return True

    def write(self, s):
        s = str.__str__(s) if isinstance(s, str) else str(s)
        room = self.cap - self.kept
        if room > 0:
            self.parts.append(s[:room])
            self.kept += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[... {self.dropped} more characters of output not shown]"
        return out


def silence_std_fds():
    """Point fds 0, 1 and 2 at /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def private_pipes():
    """Move the request/reply pipes off fds 0 and 1; send 0, 1, 2 to /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    silence_std_fds()
    return requests, replies


def limit_resources(memory_mb: int):
    try:
        import resource
    except ImportError:  # not on this platform: the judge's time limits still hold
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def describe_error(exc: BaseException, path: str) -> dict:
    """Type, message and the kata file's own frames of an exception, as plain data."""
    where = []
    for f in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(f.filename) == path:
            where.append({"line": f.lineno, "function": f.name, "code": (f.line or "").strip()})
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == path:
        where.append({"line": exc.lineno or 0, "function": "<module>", "code": (exc.text or "").strip()})
    try:
        message = str(exc.msg if isinstance(exc, SyntaxError) else exc)
    except BaseException:  # a kata's own exception whose __str__ fails
        message = "<message could not be shown>"
    return {
        "type": type(exc).__name__,
        "mro": [c.__name__ for c in type(exc).__mro__],
        "message": message[:2000],
        "where": where[-6:],
    }


def public_functions(module) -> dict:
    found = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        try:
            found[name] = list(inspect.signature(obj).parameters)
        except (TypeError, ValueError):
            found[name] = []
    return found


def load_module(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _plain(value):
    """An argument as it stands after the call, for the judge to compare with its own copy:
    what the judge sent as a marker (a random generator, a test function) is left out."""
    import numpy as np

    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str, np.ndarray, np.generic)):
        return value
    return None


def serve_call(module, request: dict, path: str, cap: int) -> dict:
    """Call one function. With "echo", the reply carries the arguments as they are after the
    call: whether they changed is the judge's to decide, from its own copy."""
    name = request["func"]
    func = getattr(module, name, None) if not name.startswith("_") else None
    if not callable(func):
        return {"ok": False, "error": {"type": "MissingFunction", "mro": [], "where": [],
                                       "message": f"the kata file defines no function {name}()"}}
    args, kwargs = request["args"], request["kwargs"]
    out = Capture(cap)
    sys.stdout = sys.stderr = out
    try:
        value = func(*args, **kwargs)
        reply = {"ok": True, "value": value}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included
        reply = {"ok": False, "error": describe_error(exc, path)}
    sys.stdout = sys.stderr = Capture(0)
    if request.get("echo"):
        after = {"args": _plain(list(args)), "kwargs": _plain(dict(kwargs))}
        try:
            wire.dumps(after)
        except wire.Unsendable:
            after = "not plain data"
        reply["after"] = after
    reply["output"] = out.text()
    return reply


def serve(requests: int, replies: int, file: str, name: str, callables=None, memory_mb: int = 0,
          output_cap: int = 20000, confine: bool = False) -> None:
    """Be a worker: requests come in on fd `requests`, replies go out on fd `replies`."""
    limit_resources(memory_mb)
    if confine:
        procs.confine()
    path = os.path.abspath(file)

    helpers = load_module(callables, "_kata_test_callables") if callables else None

    def resolve(fname):
        if helpers is None or fname.startswith("_") or not callable(getattr(helpers, fname, None)):
            raise wire.Unsendable(f"no test function named {fname}")
        return getattr(helpers, fname)

    out = Capture(output_cap)
    sys.stdout = sys.stderr = out
    start = time.perf_counter()
    try:
        module = load_module(path, name)
        hello = {"ok": True, "functions": public_functions(module)}
    except BaseException as exc:
        module, hello = None, {"ok": False, "error": describe_error(exc, path)}
    sys.stdout = sys.stderr = Capture(0)
    hello.update(output=out.text(), seconds=time.perf_counter() - start)
    wire.write_frame(replies, hello)
    if module is None:
        return

    while True:
        try:
            request = wire.read_frame(requests, resolve=resolve)
        except wire.Closed:
            return
        reply = serve_call(module, request, path, output_cap)
        try:
            wire.write_frame(replies, reply)
        except wire.Unsendable as exc:
            wire.write_frame(replies, {
                "ok": False, "output": reply.get("output", ""), "after": reply.get("after"),
                "error": {"type": "Unreadable", "mro": [], "where": [],
                          "message": f"returned {exc}, which is not a number, array, list, tuple or dict"},
            })


# ---------------------------------------------------------------- the fork server

def fork_server() -> None:
    """Start workers by forking this process, which has Python and numpy loaded already:
    a few milliseconds each instead of a fresh interpreter's tenth of a second.

    stdin is a SOCK_SEQPACKET socket to the judge. Requests, one JSON message each:
    {"op": "spawn", ...serve()'s arguments..., "cwd": dir} with two file descriptors
    attached (the worker's request and reply pipes) -> {"pid": pid};
    {"op": "status", "pid": pid, "seconds": s} -> {"code": exit code, or null if it still
    runs after s seconds}. Workers are this process's children, so it reaps them and keeps
    their exit status until asked. It ends when the judge closes the socket."""
    import json
    import random
    import socket

    import numpy as np

    control = socket.socket(fileno=os.dup(0))
    silence_std_fds()
    ended = {}  # exit codes of the workers that ended, until asked for

    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 1 << 16, 2)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        ended.update(procs.reap())
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                control.close()
                code = 1
                try:
                    os.setsid()
                    os.chdir(request["cwd"])
                    random.seed()        # as fresh as a new process: no state shared with
                    np.random.seed()     # the other workers forked from here
                    serve(fds[0], fds[1], request["file"], request["name"], request.get("callables"),
                          request["memory_mb"], request["output_cap"], request["confine"])
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                finally:
                    os._exit(code)
            for fd in fds:
                os.close(fd)
            ended.pop(pid, None)  # a pid can come round again: forget whoever had it before
            answer = {"pid": pid}
        else:  # "status"
            pid, deadline = request["pid"], time.monotonic() + request["seconds"]
            while pid not in ended and time.monotonic() < deadline:
                time.sleep(0.005)
                ended.update(procs.reap())
            answer = {"code": ended.pop(pid, None)}
        control.send(json.dumps(answer).encode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fork-server", action="store_true")
    parser.add_argument("--file")
    parser.add_argument("--name")
    parser.add_argument("--callables")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--output-cap", type=int, default=20000)
    parser.add_argument("--confine", action="store_true")
    opts = parser.parse_args()
    if opts.fork_server:
        return fork_server()
    requests, replies = private_pipes()
    serve(requests, replies, opts.file, opts.name, opts.callables, opts.memory_mb, opts.output_cap, opts.confine)


if __name__ == "__main__":
    main()
