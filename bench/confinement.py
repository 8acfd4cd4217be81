"""What confinement costs and holds: python bench/confinement.py [--memory-mb 768]

Measures, on this machine, with confined workers (as --submission and --batch start them):
  - the level reached;
  - the peak memory (proportional resident set, summed over the worker and everything below
    it, sampled from outside every 5 ms) of a kata that forks four children of 350 MB each, and of one that
    fills a memfd and then one array past the cap, next to the cap;
  - what the spare the fork server keeps ready costs (its private resident memory).
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading import procs, sandbox  # noqa: E402
from grading.confinement import Limits  # noqa: E402
from grading.sandbox import Kata  # noqa: E402

CHILDREN = '''
import os, time


def hog():
    pids = []
    for _ in range(4):
        try:
            pid = os.fork()
        except OSError as exc:
            return f"fork refused: {exc.strerror}"
        if pid == 0:
            try:
                block = b"x" * (350 << 20)
                time.sleep(2)
            finally:
                os._exit(0)
        pids.append(pid)
    ended = [os.waitpid(pid, 0)[1] for pid in pids]
    return f"{sum(1 for e in ended if os.WIFSIGNALED(e))} of 4 children killed"
'''

ONE = '''
import os
import numpy as np


def hog():
    try:
        fd = os.memfd_create("hog")
        os.write(fd, b"y" * (256 << 20))
        held = "memfd of 256 MB held"
    except OSError as exc:
        held = f"memfd refused: {exc.strerror}"
    try:
        a = np.ones((4096 << 20) // 8)
        return held + f"; {a.nbytes >> 20} MB array held"
    except MemoryError:
        return held + "; 4 GB array: MemoryError"
'''


def _memory(pid: int, fields=("Pss:",)) -> int:
    """Bytes of `pid` and everything below it in `fields` of smaps_rollup (Pss: resident memory,
    shared pages counted once), read from outside the worker."""
    total = None
    for p in [pid] + procs.descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total = (total or 0) + sum(int(line.split()[1]) << 10 for line in f if line.startswith(fields))
        except (OSError, ValueError, IndexError):
            continue
    return total  # None: not readable here (a worker that is not ours to inspect)


def peak(source: str, limits: Limits):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hog.py"
        path.write_text(source)
        kata = Kata("hog", path, limits)
        try:
            worker = kata._ready()  # started, and the file imported
            top, done = [0], threading.Event()

            def sample():
                while not done.is_set():
                    seen = _memory(worker.pid)
                    top[0] = max(top[0], seen) if seen is not None else top[0]
                    time.sleep(0.005)

            watcher = threading.Thread(target=sample, daemon=True)
            watcher.start()
            try:
                said = kata.hog().value
            except Exception as exc:  # a crash (killed for memory) is an answer too
                said = f"{type(exc).__name__}: {str(exc)[:100]}"
            done.set()
            watcher.join()
            return (f"{top[0] >> 20} MB" if top[0] else "not readable here"), said, kata.take_confinement()
        finally:
            kata.close()


def spare_cost() -> int:
    """Private resident memory of the fork server's spare, in MB (0 if there is none)."""
    server = sandbox.fork_server()
    if not server.spare:
        return 0
    return (_memory(server.spare, ("Private_Clean:", "Private_Dirty:")) or 0) >> 20


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mb", type=int, default=768)
    args = parser.parse_args()
    limits = Limits(confine=True, memory_mb=args.memory_mb, call_seconds=30)
    for name, source in (("four children of 350 MB", CHILDREN), ("a memfd, then a 4 GB array", ONE)):
        mb, said, level = peak(source, limits)
        print(f"{name}: peak {mb} (cap {args.memory_mb} MB); {said}")
    print(f"confinement: {level}")
    print(f"the spare kept ready: {spare_cost()} MB of private memory")


if __name__ == "__main__":
    main()
