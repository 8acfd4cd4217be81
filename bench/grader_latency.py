"""How fast the grader answers: python bench/grader_latency.py [--repeat N]

Measures, on this machine:
  - wall time of `python grader.py --solutions` (the whole collection), and per kata;
  - the overhead of one sandboxed call (a function that returns at once), and of moving
    1 MB and 32 MB of array data through the sandbox;
  - the time to start a worker (Python + numpy + the kata file), not confined (learner mode)
    and confined (--submission, --batch) with the level it reached.
Targets: the whole collection well under 5 s on a 2-core machine; a confined worker started
in under 30 ms.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from grading import catalogue  # noqa: E402
from grading.confinement import Limits  # noqa: E402
from grading.sandbox import Kata  # noqa: E402


def wall(cmd, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def worker_starts(path: Path, confine: bool, repeat: int):
    """(median seconds from Kata() to its first call answered, the level reached)."""
    starts, level = [], ""
    for _ in range(max(5, repeat)):
        t = time.perf_counter()
        k = Kata("probe", path, Limits(confine=confine))
        k.nothing()
        starts.append(time.perf_counter() - t)
        level = k.take_confinement()
        k.close()  # back to back: the next confined worker may still be getting ready
    return statistics.median(starts), level


def sandbox_overheads(repeat):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.py"
        path.write_text("def nothing():\n    return 0\n\ndef shape(x):\n    return list(x.shape)\n")
        starts = {confine: worker_starts(path, confine, repeat) for confine in (False, True)}
        k = Kata("probe", path)
        k.nothing()
        n = 500
        t = time.perf_counter()
        for _ in range(n):
            k.nothing()
        per_call = (time.perf_counter() - t) / n
        moves = {}
        for mb in (1, 32):
            x = np.ones(mb * 131072)
            k.shape(x)
            times = []
            for _ in range(5):
                t = time.perf_counter()
                k.shape(x)
                times.append(time.perf_counter() - t)
            moves[mb] = min(times)
        k.close()
    return starts, per_call, moves


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    print(f"machine: {__import__('os').cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}")
    best, median = wall([py, "grader.py", "--solutions"], args.repeat)
    print(f"python grader.py --solutions ({len(catalogue.KATAS)} katas): best {best:.2f} s, median {median:.2f} s")
    for k in catalogue.KATAS:
        best, median = wall([py, "grader.py", "--solutions", k.name], args.repeat)
        print(f"  {k.name:<16} best {best:.2f} s, median {median:.2f} s")
    starts, per_call, moves = sandbox_overheads(args.repeat)
    for confine, (start, level) in starts.items():
        print(f"worker start{' confined' if confine else ''} (kata file imported, first call answered): "
              f"{start * 1000:.0f} ms; confinement {level.split(':')[0]}")
    print(f"one sandboxed call, round trip: {per_call * 1e6:.0f} us")
    for mb, t in moves.items():
        print(f"call moving {mb} MB of arrays: {t * 1000:.1f} ms ({mb / t:.0f} MB/s)")


if __name__ == "__main__":
    main()
