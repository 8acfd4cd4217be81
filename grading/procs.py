"""Processes that kata code may start, and how the judge makes sure none outlives its check.

- The judge becomes a *child subreaper* (Linux): a process that kata code starts and then
  orphans (double fork, setsid) is re-parented to the judge instead of to init, so it can
  still be found.
- `sweep(workers)` kills every descendant of this process that its live workers do not
  account for: run after every check.
- `kill_tree(pid)` stops a process and everything below it.
(How a worker is shut in before it runs kata code is confinement.py's.)
Elsewhere than Linux these do what they can and never fail.
"""

from __future__ import annotations

import ctypes
import os
import signal

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


def last_pid() -> int | None:
    """The pid most recently handed out in this pid namespace (Linux: /proc/loadavg), or None.
    A process or thread started anywhere below us, even in a pid namespace of its own, takes a
    pid here too, so an unchanged value means that nothing at all was started meanwhile."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[4])
    except (OSError, ValueError, IndexError):
        return None


_clean = None  # (last_pid(), workers, servers) when a sweep last found nothing to kill


def sweep(workers: dict, servers=()) -> int:
    """Kill every descendant of this process that its live workers ({pid: confined}) do not
    account for: what kata code started below them, and orphans re-parented to us. Only for a
    process whose children are all workers or fork servers (`servers`, whose own children are
    workers), like the judge. Returns how many it killed.

    Run after every check, it usually finds nothing: if the last sweep found nothing, the same
    workers and servers are live and no pid was handed out since, no process can have appeared
    below us, and the tree is not read again (reading it costs about a millisecond)."""
    global _clean
    state = (last_pid(), dict(workers), set(servers))
    if state[0] is not None and state == _clean:
        return 0
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
    _clean = None if strays else state
    return len(strays)


def _is_stray_candidate(pid: int) -> bool:
    """Not a zombie already, and not a process the judge itself runs (none today)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False
