"""Processes that kata code may start, and how the judge makes sure none outlives its check.

- The judge becomes a *child subreaper* (Linux): a process that kata code starts and then
  orphans (double fork, setsid) is re-parented to the judge instead of to init, so it can
  still be found.
- `sweep(workers)` kills every descendant of this process that its live workers do not
  account for: run after every check.
- `kill_tree(pid)` stops a process and everything below it.
- `confine()` shuts a worker in before it imports kata code (see its docstring).
Elsewhere than Linux these do what they can and never fail.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


IS_SUBREAPER = False


def become_subreaper() -> None:
    """Orphans of our descendants become our children (so sweep can find them)."""
    global IS_SUBREAPER
    IS_SUBREAPER = _prctl(PR_SET_CHILD_SUBREAPER, 1)


def hide_from_peers() -> None:
    """Other processes of the same user can no longer open /proc/<judge>/fd or mem."""
    _prctl(PR_SET_DUMPABLE, 0)


def children(pid: int) -> list:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    found += [int(c) for c in f.read().split()]
            except OSError:
                continue
    except OSError:
        pass
    return found


def descendants(pid: int) -> list:
    out, todo = [], children(pid)
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def kill_all(pids) -> None:
    for sig in (signal.SIGSTOP, signal.SIGKILL):  # freeze first, so nothing forks while we kill
        for p in pids:
            try:
                os.kill(p, sig)
            except (ProcessLookupError, PermissionError):
                pass


def reap() -> dict:
    """Collect every child of ours that has ended: {pid: exit code, or -N for signal N}."""
    ended = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if pid == 0:
            return ended
        ended[pid] = os.waitstatus_to_exitcode(status)


def kill_tree(pid: int) -> None:
    """SIGKILL `pid` and every process below it."""
    kill_all([pid] + descendants(pid))


def strays_below(worker: int, confined: bool) -> list:
    """What a worker's kata code started: everything below the worker, except, for a confined
    worker, its direct child (the PID-1 process that runs the kata). One read of the worker's
    children decides which is which, so a child forked meanwhile is never mistaken for a stray."""
    if not confined:
        return descendants(worker)
    return [p for inner in children(worker) for p in descendants(inner)]


def sweep(workers: dict, servers=()) -> int:
    """Kill every descendant of this process that its live workers ({pid: confined}) do not
    account for: what kata code started below them, and orphans re-parented to us. Only for a
    process whose children are all workers or fork servers (`servers`, whose own children are
    workers), like the judge. Returns how many it killed."""
    strays = []
    mine = children(os.getpid())
    for child in mine + [c for s in servers if s in mine for c in children(s)]:
        if child in servers:
            continue
        if child in workers:
            strays += strays_below(child, workers[child])
        else:
            strays += [child] + descendants(child)
    strays = [p for p in strays if _is_stray_candidate(p)]
    kill_all(strays)
    if strays:
        reap()
    return len(strays)


def _is_stray_candidate(pid: int) -> bool:
    """Not a zombie already, and not a process the judge itself runs (none today)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38


def _mount_points() -> list:
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            points.append((fields[4].replace("\\040", " "), fields[5]))
    return points


def confine() -> str:
    """Shut the calling process (a worker, before it imports kata code) in: its own PID
    namespace (it sees and can signal nothing outside; when it ends, everything it started
    ends), no network, every file system read-only, and no capabilities left, so it can
    neither write files, nor read the judge's memory, nor undo any of this. Needs root (or
    the Linux capabilities to unshare); returns what it could not do, "" when all held.

    The caller continues in a forked child that is PID 1 of the new namespace; the original
    process waits for it and exits with its status."""
    if sys.platform != "linux":
        return "not Linux"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET) != 0:
        return "no namespaces (not root?)"
    pid = os.fork()
    if pid:  # the outer process: stand by the inner one and share its fate
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except ChildProcessError:
                os._exit(1)
            except InterruptedError:
                continue
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1)
    missing = []
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        missing.append("private mounts")
    if libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) != 0:
        missing.append("own /proc")
    for point, options in _mount_points():
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for name, bit in (("nosuid", MS_NOSUID), ("nodev", MS_NODEV), ("noexec", MS_NOEXEC)):
            if name in options.split(","):
                flags |= bit
        libc.mount(None, point.encode(), None, flags, None)  # some (like /proc/sys) refuse: fine
    try:
        open("/tmp/.kata-write-probe", "w").close()
        missing.append("read-only files")
    except OSError:
        pass
    cap = 0
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty
    if libc.capset(header, data) != 0:
        missing.append("capabilities")
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return ", ".join(missing)
