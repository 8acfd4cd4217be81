"""How soon `python grader.py --list` answers: python bench/list_latency.py [--repeat N]

--list reads the last grades (grading/state.py) and hashes the kata files; it grades nothing and
loads neither numpy nor pytest. Timed: the whole command, wall and CPU (user + system), median
over N runs, next to `python -c pass` (starting Python alone, this machine's floor), once with
no grade kept and once with every kata graded. Target: under 0.3 s.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command, env, repeat):
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}; "
          f"median of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, GRADER_STATE=str(Path(scratch) / "state.json"))
        rows = [("python -c pass", [sys.executable, "-c", "pass"])]
        rows.append(("grader.py --list, nothing graded yet", [sys.executable, "grader.py", "--list"]))
        for label, command in rows:
            wall, cpu = timed(command, env, args.repeat)
            print(f"  {label:<48} wall {wall:.3f} s  CPU {cpu:.3f} s")
        subprocess.run([sys.executable, "grader.py", "--solutions"], cwd=ROOT, env=env, capture_output=True)
        wall, cpu = timed([sys.executable, "grader.py", "--list", "--solutions"], env, args.repeat)
        label = "grader.py --list --solutions, every kata graded"
        print(f"  {label:<48} wall {wall:.3f} s  CPU {cpu:.3f} s")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
