"""Throughput of instructor batches: python bench/batch_throughput.py [--sizes 20 100] [-j 2]

Grades N copies of solutions/ with `python grader.py --batch DIR -j J` and reports
submissions per minute and the wall time per submission, next to the time of grading one
submission alone without confinement (the sandbox's share of the cost is the difference), and the
CPU time a batch takes per submission, all processes together (grader, judges, workers): wall time
depends on what else the machine runs, this much less so.
Target: at least 40 submissions per minute for the full collection with -j 2 on a 2-core machine.
"""

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading import catalogue  # noqa: E402


def make_batch(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sub = folder / f"student{i:03d}"
        sub.mkdir()
        for k in catalogue.KATAS:
            shutil.copy(k.solution, sub / f"{k.name}.py")


LEVEL = {}  # the confinement line of the last run
CPU = {}  # the CPU seconds of the last run: every process below it that was waited for


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd) -> float:
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    CPU["last"] = _children_cpu() - cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    LEVEL["last"] = next((line for line in proc.stderr.splitlines() if line.startswith("confinement: ")), "")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100])
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        make_batch(one, 1)
        plain = min(timed([py, "grader.py", "--source", str(one / "student000")]) for _ in range(3))
        confined = min(timed([py, "grader.py", "--submission", str(one / "student000")]) for _ in range(3))
        print(f"{len(catalogue.KATAS)} katas; one submission alone: {plain:.2f} s with --source, "
              f"{confined:.2f} s with --submission (confined): sandbox share {confined - plain:+.2f} s")
        for n in args.sizes:
            folder = Path(tmp) / f"batch{n}"
            folder.mkdir()
            make_batch(folder, n)
            seconds = timed([py, "grader.py", "--batch", str(folder), "--out", str(Path(tmp) / f"g{n}.csv"),
                             "-j", str(args.jobs)])
            print(f"--batch of {n:>3} with -j {args.jobs}: {seconds:6.1f} s, {n / seconds * 60:5.1f} submissions/min, "
                  f"{seconds / n:.2f} s per submission, {CPU['last'] / n:.2f} s of CPU per submission; "
                  f"{LEVEL['last'].split(';')[0][:60]}")


if __name__ == "__main__":
    main()
