"""The worker: the only process that runs a kata file.

Started by grading.sandbox as `python worker.py --file KATA.py --name NAME --limits JSON`
with a request pipe on stdin and a reply pipe on stdout. It moves both pipes to private file
descriptors, points 0, 1 and 2 at /dev/null and closes every other descriptor, reads the
kata file, shuts itself in when its limits say so (confinement.py), runs the file, says
hello (with the confinement level it reached), then answers calls one at a time. Whatever the kata prints through `sys.stdout` or
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
import linecache
import os
import sys
import time
import traceback

import confinement  # sibling modules; the folder is dropped from sys.path right below
import container
import procs
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


def keep_only(*fds) -> None:
    """Close every file descriptor above 2 but `fds`: the kata inherits nothing else."""
    low = 3
    for fd in sorted(fds) + [1 << 20]:
        if fd > low:
            os.closerange(low, fd)
        low = max(low, fd + 1)


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
    """Import the file `path` as module `name` (sources.load_module is the judge side's)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_source(source: bytes, path: str, name: str):
    """The kata file as a module, from its text read beforehand (a confined worker may not
    see the file itself); tracebacks still show its lines."""
    try:
        lines = importlib.util.decode_source(source).splitlines(True)
        linecache.cache[path] = (len(source), None, lines, path)
    except (SyntaxError, UnicodeDecodeError):
        pass  # compile() says what is wrong
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None, origin=path))
    module.__file__ = path
    sys.modules[name] = module
    exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)
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


def helpers_module(callables):
    """The suite's test helpers (loaded once per process: forks of the fork server share them)."""
    if not callables:
        return None
    loaded = sys.modules.get(HELPERS)
    if loaded is not None and getattr(loaded, "__file__", None) == callables:
        return loaded
    return load_module(callables, HELPERS)


HELPERS = "_kata_test_callables"


def read_source(path: str):
    """The bytes of the kata file, or the OSError that reading it raised."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        return exc


def serve(requests: int, replies: int, file: str, name: str, callables=None,
          limits: confinement.Limits | None = None, source=None, jail=None) -> None:
    """Be a worker: requests come in on fd `requests`, replies go out on fd `replies`.
    `source` is the kata file read beforehand (bytes, or the OSError reading raised), else it
    is read here; `jail`, confinement begun ahead of the request (a fork server's spare)."""
    limits = limits or confinement.Limits()
    keep_only(requests, replies)
    # The test helpers are the suite's, and the kata file is read, before kata code runs
    # anywhere: a confined worker sees neither the suite nor the folder of the file.
    helpers = helpers_module(callables)
    path = os.path.abspath(file)
    source = read_source(path) if source is None else source
    if not limits.confine:
        confinement.limit_unconfined(limits)
        reached = confinement.NOT_CONFINED
    elif jail is not None:
        reached = confinement.finish(jail, limits)
    else:
        reached = confinement.confine(limits)

    def resolve(fname):
        if helpers is None or fname.startswith("_") or not callable(getattr(helpers, fname, None)):
            raise wire.Unsendable(f"no test function named {fname}")
        return getattr(helpers, fname)

    # Said before any kata code runs, so that none can change what is said.
    refused = limits.confine and confinement.rank(reached.level) < confinement.rank(limits.require)
    wire.write_frame(replies, {"confinement": str(reached), "refused": refused})
    if refused:
        return
    out = Capture(limits.output_chars)
    sys.stdout = sys.stderr = out
    start = time.perf_counter()
    try:
        if isinstance(source, OSError):
            raise source
        module = run_source(source, path, name)
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
        reply = serve_call(module, request, path, limits.output_chars)
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
    {"op": "spawn", "file", "name", "callables", "limits": Limits JSON, "cwd": dir} with two file
    descriptors attached (the worker's request and reply pipes) -> {"pid": pid, "spare": pid
    of the spare made ready for the next confined request, or null}, or {"pid": null,
    "error": why} if no confined worker could be made;
    {"op": "status", "pid": pid, "seconds": s} -> {"code": exit code, or null if it still
    runs after s seconds}. Workers are this process's children, so it reaps them, keeps
    their exit status until asked, and removes their cgroups. It ends when the judge closes
    the socket.

    A confined worker is a Spare: shut in (confinement.enter) ahead of its request, which it
    then receives with the kata file's bytes; once one is handed a request, the next is made
    (the judge's sweeps leave it alone: no kata code ran in it)."""
    import bisect  # noqa: F401  (loaded once for all workers; a confined one may not read
    import heapq  # noqa: F401     Python's files, and would not import them)
    import json
    import numbers  # noqa: F401
    import socket

    import numpy.fft  # noqa: F401
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401

    control = socket.socket(fileno=os.dup(0))
    silence_std_fds()
    confinement.prepare()
    confinement.remove_stale_cgroups()
    ended = {}  # exit codes of the workers that ended, until asked for
    unreleased = set()  # workers that ended whose cgroups still hold a dying process
    spare = None

    starved = set()  # workers the kernel killed for want of memory (seen in their cgroups)

    def reap():
        found = procs.reap()
        ended.update(found)
        for pid in found:
            if pid not in unreleased and container.killed_in(confinement._leaves(pid)):
                starved.add(pid)
        unreleased.update(found)
        for pid in list(unreleased):
            if confinement.release(pid):
                unreleased.discard(pid)

    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 1 << 16, 2)
        except OSError:
            data = b""
        if not data:
            if spare is not None:
                spare.close()
            deadline = time.monotonic() + 2  # the judge killed its workers: let them go
            while (unreleased or procs.children(os.getpid())) and time.monotonic() < deadline:
                time.sleep(0.01)
                reap()
            confinement.remove_stale_cgroups(folder_too=True)
            return
        request = json.loads(data)
        reap()
        if request["op"] == "spawn":
            limits = confinement.Limits.from_json(request["limits"])
            if limits.confine and sys.platform == "linux":
                helpers_module(request.get("callables"))  # loaded here once, so that spares have it
                for attempt in range(2):
                    if spare is None or spare.callables != request.get("callables"):
                        if spare is not None:
                            spare.close()
                        spare = Spare(request.get("callables"), control)
                    try:
                        pid = spare.hand(request, fds, limits)
                        break
                    except OSError:  # the spare died getting ready: another one
                        spare.close()
                        spare, pid = None, None
                spare = None
            else:
                pid = fork_worker(request, fds, control)
            for fd in fds:
                os.close(fd)
            if pid is not None:
                ended.pop(pid, None)  # a pid can come round again: forget whoever had it before
                starved.discard(pid)
            if pid is not None and limits.confine and sys.platform == "linux":
                spare = Spare(request.get("callables"), control)  # ready for the next request
            answer = {"pid": pid, "spare": spare.pid if spare is not None else None}
            if pid is None:
                answer["error"] = "no confined worker could be made"
        else:  # "status"
            pid, deadline = request["pid"], time.monotonic() + request["seconds"]
            while pid not in ended and time.monotonic() < deadline:
                time.sleep(0.005)
                reap()
            answer = {"code": ended.pop(pid, None), "oom": pid in starved}
            starved.discard(pid)
        control.send(json.dumps(answer).encode())


def _be_fresh() -> None:
    """As fresh as a new process: no random state shared with the other workers forked."""
    import random

    import numpy as np

    random.seed()
    np.random.seed()


def _worker_exit(run) -> None:
    """Run a forked worker; end the process with its status, never return."""
    code = 1
    try:
        run()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os._exit(code)


def fork_worker(request: dict, fds: list, control) -> int:
    """A worker that is not confined: a plain fork."""
    pid = os.fork()
    if pid == 0:
        def run():
            control.close()
            os.setsid()
            os.chdir(request["cwd"])
            _be_fresh()
            serve(fds[0], fds[1], request["file"], request["name"], request.get("callables"),
                  confinement.Limits.from_json(request["limits"]))
        _worker_exit(run)
    return pid


class Spare:
    """A confined worker made ahead of its request: forked, in its cgroups, namespaces and
    root of its own (confinement.enter), waiting on a socket for its request, the worker's
    two pipes and the kata file's bytes (read here: the spare cannot see the file)."""

    def __init__(self, callables, control):
        import socket

        self.callables = callables
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pid = os.fork()
        if self.pid == 0:
            def run():
                control.close()
                ours.close()
                os.setsid()
                why = b""  # the server makes its cgroups, then says why not ("" if it did)
                while not why.endswith(b"\n"):  # a byte at a time: the request may follow
                    more = theirs.recv(1)
                    if not more:
                        raise SystemExit(0)
                    why += more
                why = why.decode().strip() or confinement.join_cgroups()
                jail = confinement.enter(cgroups=why)
                request, fds, source, limited = Spare.receive(theirs)
                theirs.close()
                _be_fresh()
                if jail.counted and not limited:
                    jail.counted = False
                    jail.missing.append("cgroups (their limits could not be set)")
                serve(fds[0], fds[1], request["file"], request["name"], request.get("callables"),
                      confinement.Limits.from_json(request["limits"]), source, jail)
            _worker_exit(run)
        theirs.close()
        self.sock = ours
        self.why = confinement.make_cgroups(self.pid)  # quick: joining them is the spare's part
        try:
            ours.sendall(self.why.encode() + b"\n")
        except OSError:
            pass  # gone already: hand() finds out

    def hand(self, request: dict, fds: list, limits) -> int:
        """Cap its cgroups, give it the request; its pid. OSError if it is gone."""
        import json
        import socket
        import struct

        limited = not self.why and confinement.set_cgroup_limits(self.pid, limits)
        source = read_source(os.path.abspath(request["file"]))
        error = f"{source.strerror or source}" if isinstance(source, OSError) else None
        body = b"" if error else source
        head = json.dumps({"request": request, "error": error, "errno": getattr(source, "errno", None),
                           "bytes": len(body), "limited": limited}).encode()
        socket.send_fds(self.sock, [struct.pack("<I", len(head)) + head], fds)
        self.sock.sendall(body)
        self.sock.close()
        return self.pid

    @staticmethod
    def receive(sock) -> tuple:
        import json
        import socket
        import struct

        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 2)
        except OSError:  # never handed a request: the server is done
            raise SystemExit(0) from None
        while 0 < len(data) < 4 or 4 <= len(data) < 4 + struct.unpack("<I", data[:4])[0]:
            more = sock.recv(1 << 16)
            if not more:
                break
            data += more
        if len(data) < 4:
            raise SystemExit(0)  # never handed a request: the server is done
        (size,) = struct.unpack("<I", data[:4])
        head = json.loads(data[4:4 + size])
        body = bytearray(data[4 + size:])
        while len(body) < head["bytes"]:
            more = sock.recv(1 << 20)
            if not more:
                raise SystemExit(1)
            body += more
        source = OSError(head["errno"], head["error"]) if head["error"] else bytes(body)
        return head["request"], fds, source, head["limited"]

    def close(self) -> None:
        """A spare never handed a request: it sees its socket close, and ends."""
        try:
            self.sock.close()
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fork-server", action="store_true")
    parser.add_argument("--file")
    parser.add_argument("--name")
    parser.add_argument("--callables")
    parser.add_argument("--limits", type=confinement.Limits.from_json, default=confinement.Limits())
    opts = parser.parse_args()
    if opts.fork_server:
        return fork_server()
    requests, replies = private_pipes()
    serve(requests, replies, opts.file, opts.name, opts.callables, opts.limits)


if __name__ == "__main__":
    main()
