"""CPU time, the measure of scale checks: what a call cost, whatever else the machine does.

A loaded machine stretches wall time, not the CPU time a process spends. The judge reads
that time from outside the worker (Linux /proc), so kata code cannot misreport it, and
limits scale with the machine: `factor()` times a fixed workload once per judge against
the machine the limits were set on, so a slower CPU gets proportionally longer limits.
"""

from __future__ import annotations

import functools
import os
import time

from . import procs

try:
    TICK = 1.0 / os.sysconf("SC_CLK_TCK")
except (AttributeError, ValueError, OSError):
    TICK = 0.01

# CPU seconds of _workload() on the machine the scale limits were set on (best of 3).
REFERENCE_SECONDS = 0.045


def _own_and_reaped(pid: int) -> float:
    """utime + stime of `pid` and of its children that it has reaped, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) * TICK  # utime, stime, cutime, cstime


def tree_seconds(pid: int) -> float | None:
    """CPU seconds spent so far by `pid` and everything below it; None where /proc cannot
    tell (not Linux, or the process is gone)."""
    try:
        total = _own_and_reaped(pid)
    except (OSError, ValueError, IndexError):
        return None
    for child in procs.descendants(pid):
        try:
            total += _own_and_reaped(child)
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile: its time moves to its parent's reaped share
    return total


def _workload() -> None:
    """A fixed mix of what scale checks measure: a Python loop, whole-array numpy work and
    matrix products (BLAS: its kernel differs from machine to machine)."""
    import numpy as np

    total = 0
    for i in range(400_000):
        total += i * i % 7
    a = np.arange(1_000_000, dtype=np.float64)
    for _ in range(10):
        a = np.sqrt(a * a + 1.0)
    idx = (np.arange(500_000) * 7919) % 1000
    np.add.at(np.zeros(1000), idx, 1.0)
    m = np.full((256, 256), 0.5)
    for _ in range(8):
        m @ m


@functools.lru_cache(maxsize=None)
def factor() -> float:
    """How much slower this machine is than the one the limits were set on (at least 1)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        _workload()
        best = min(best, time.process_time() - start)
    return max(1.0, best / REFERENCE_SECONDS)
