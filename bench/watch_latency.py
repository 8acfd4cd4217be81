"""How soon `python grader.py --watch KATA` shows the result of a save: python bench/watch_latency.py [--saves N]

For each kata: a watch runs on a scratch folder, and the kata file is saved N times, in turn
the reference solution and the reference with one of its known mistakes (tests/variants), so
that every save changes the result. Timed from just before the file is written until the
watch has printed (whole lines, flushed):
  - first: the first result of that save (the untimed checks, with the scale checks as the
    last save left them, or the whole result if the scale checks were as quick);
  - whole: the whole result, the scale checks timed again.
Medians over the saves (the first save after the watch starts is left out). Also the CPU
seconds the judge of the untimed checks spent on a save, with its fork server and workers: on a
quiet machine the first result comes about that long after the save (plus the poll, at most
0.02 s), the scale checks running meanwhile on the other core, at a lower priority. On a
machine busy with other work the wall times grow, the CPU times hardly. Target: the first
result in under 0.5 s on a 2-core machine for every kata.
"""

import argparse
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "self"))

from conftest import load_variants  # noqa: E402

from grading import catalogue, procs  # noqa: E402

EARLY = "Timing the scale checks again"
WHOLE = "Watching "


def versions(kata):
    """Two texts whose results differ: the reference, and the reference with a known mistake."""
    reference = kata.solution.read_text()
    wrong = next(((d, c) for (group, _), (d, c, _) in load_variants(kata).items() if group == "WRONG"), None)
    if wrong is None:
        return [reference, kata.stub.read_text()]
    return [reference, f"{reference}\n\n# ---- {wrong[0]}\n{wrong[1]}"]


def reader(stream, lines):
    for line in iter(stream.readline, ""):
        lines.put((time.perf_counter(), line))
    lines.put((time.perf_counter(), None))


def wait_for(lines, texts, seconds=120):
    """(time, text) of the first line holding one of `texts`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            when, line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            raise RuntimeError("the watch ended")
        for text in texts:
            if text in line:
                return when, text
    raise TimeoutError(f"no {texts} within {seconds} s")


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and everything below it, the children it reaped included (a zombie
    not reaped yet counts in its own line, then in its parent's)."""
    total = 0
    for p in [pid] + procs.descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def untimed_judge(watch_pid: int):
    """The pid of the watch's judge of the untimed checks (the other runs at a lower priority)."""
    for child in procs.children(watch_pid):
        try:
            with open(f"/proc/{child}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{child}/cmdline") as f:
                command = f.read()
        except OSError:
            continue
        if "grading.judge" in command and int(fields[16]) == 0:  # field 19 of stat: nice
            return child
    return None


def bench_kata(kata, saves: int, state: Path) -> tuple:
    texts = versions(kata)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"{kata.name}.py"
        target.write_text(texts[1])
        env = dict(os.environ, NO_COLOR="1", GRADER_STATE=str(state), PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "--watch", kata.name, "--source", folder],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        lines = queue.Queue()
        threading.Thread(target=reader, args=(proc.stdout, lines), daemon=True).start()
        first, whole, cpu = [], [], []
        try:
            wait_for(lines, [WHOLE])
            judge = untimed_judge(proc.pid)
            for i in range(saves + 1):
                time.sleep(0.3)  # the watch is idle, as after a learner's edit
                used = tree_cpu(judge) if judge else 0.0
                if i > 1:
                    cpu.append(used - last)
                last = used
                start = time.perf_counter()
                target.write_text(texts[i % 2])
                t_first, what = wait_for(lines, [EARLY, WHOLE])
                t_whole = t_first if what == WHOLE else wait_for(lines, [WHOLE])[0]
                if i:  # the first save after starting is left out
                    first.append(t_first - start)
                    whole.append(t_whole - start)
            time.sleep(0.3)
            if judge:
                cpu.append(tree_cpu(judge) - last)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return (statistics.median(first), statistics.median(whole), min(first), max(first),
            statistics.median(cpu) if cpu else float("nan"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=6)
    parser.add_argument("katas", nargs="*")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start, "
          f"Python {sys.version.split()[0]}; {args.saves} saves per kata")
    print(f"{'kata':<16}{'first (median)':>16}{'min':>8}{'max':>8}{'whole (median)':>17}{'untimed CPU':>14}")
    with tempfile.TemporaryDirectory() as scratch:
        for kata in [catalogue.get(n) for n in args.katas] or catalogue.KATAS:
            first, whole, lo, hi, cpu = bench_kata(kata, args.saves, Path(scratch) / "state.json")
            print(f"{kata.name:<16}{first:>14.2f} s{lo:>6.2f} s{hi:>6.2f} s{whole:>15.2f} s{cpu:>12.2f} s",
                  flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
