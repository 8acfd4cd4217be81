"""The memory of the container the grader runs in (Gradescope's, a CI runner's), read from
its cgroup: how much there is, how much to give each worker, and whether the kernel killed a
process for want of it.

    python -m grading.container --worker-mb     the --memory-mb to grade with here
    python -m grading.container --judges        the -j to grade one submission with here

cgroup v2 keeps the limit in memory.max and the kills in memory.events (oom_kill); v1 in
memory.limit_in_bytes and memory.oom_control. The limit is the smallest one set on the way
from this process's cgroup up to the root that can be seen.
"""

from __future__ import annotations

import os
import sys

CGROUP = "/sys/fs/cgroup"
UNLIMITED = 1 << 60          # v1 says "no limit" with a number near 2**63
DEFAULT_WORKER_MB = 2048     # Limits.memory_mb: where the container sets no limit
RESERVE_MB = 384             # the grader's own processes (judges, fork servers), measured at ~300 MiB
REFERENCE_MB = 384           # the least a worker needs for the reference solutions' scale checks
JUDGES = 2                   # --submission grades with two judges at once, so two workers may peak together
TWO_JUDGES_MB = 1536         # the least container for two: 768 MB killed a reference worker now and then


def _own_paths(text: str) -> dict:
    """{"": v2 path, "memory": v1 path} from the text of /proc/self/cgroup."""
    paths = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            paths[""] = path
        elif "memory" in controllers.split(","):
            paths["memory"] = path
    return paths


def _up(base: str, path: str):
    """The cgroup folders from `path` (inside `base`) up to `base` itself."""
    parts = [p for p in path.strip("/").split("/") if p and p != ".."]
    for n in range(len(parts), -1, -1):
        yield os.path.join(base, *parts[:n])


def _read(path: str):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


_found: dict = {}


def _files(root: str = CGROUP, own: str | None = None) -> list:
    """[(version, folder)] of this process's memory cgroup and its parents, innermost first
    (found once per process for the real cgroup)."""
    if own is None and root in _found:
        return _found[root]
    text = own if own is not None else _read("/proc/self/cgroup") or ""
    paths = _own_paths(text)
    found = []
    if "memory" in paths:
        for base in (os.path.join(root, "memory"), root):
            if os.path.exists(os.path.join(base, "memory.limit_in_bytes")):
                found += [("v1", d) for d in _up(base, paths["memory"]) if os.path.isdir(d)]
                break
    if "" in paths and os.path.exists(os.path.join(root, "cgroup.controllers")):
        found += [("v2", d) for d in _up(root, paths[""]) if os.path.isdir(d)]
    if own is None:
        _found[root] = found
    return found


def limit_mb(root: str = CGROUP, own: str | None = None) -> int | None:
    """The container's memory limit in MiB, or None where there is none (or none to be seen)."""
    limits = []
    for version, folder in _files(root, own):
        name = "memory.limit_in_bytes" if version == "v1" else "memory.max"
        text = (_read(os.path.join(folder, name)) or "").strip()
        if text.isdigit() and int(text) < UNLIMITED:
            limits.append(int(text) >> 20)
    return min(limits) if limits else None


def oom_kills(root: str = CGROUP, own: str | None = None) -> int:
    """How many processes the kernel has killed for want of memory in this container so far
    (the largest count on the way up: v2 counts are of the whole subtree); 0 where unknown."""
    counts = [0]
    for version, folder in _files(root, own):
        name = "memory.oom_control" if version == "v1" else "memory.events"
        for line in (_read(os.path.join(folder, name)) or "").splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                counts.append(int(value))
    return max(counts)


def killed_in(folders) -> bool:
    """Whether the kernel killed a process for want of memory in one of these cgroup folders
    (a worker's own: cgroup v1 counts a kill only in the victim's cgroup, not its parents')."""
    for folder in folders:
        for name in ("memory.oom_control", "memory.events"):
            for line in (_read(os.path.join(folder, name)) or "").splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and value.strip().isdigit() and int(value) > 0:
                    return True
    return False


def judges(limit: int | None) -> int:
    """Judges to grade one submission with in a container of `limit` MiB: two (each with one
    worker at a time) where two workers fit, else one."""
    return 1 if limit is not None and limit < TWO_JUDGES_MB else JUDGES


def worker_mb(limit: int | None) -> int:
    """The memory cap for each worker in a container of `limit` MiB: what is left once the
    grader's own processes have their share, split between the judges' workers, never less
    than the reference solutions need nor more than the default cap."""
    if limit is None:
        return DEFAULT_WORKER_MB
    return max(REFERENCE_MB, min(DEFAULT_WORKER_MB, (limit - RESERVE_MB) // judges(limit)))


def out_of_memory(since: int, cap_mb: int = 0, killed: bool = False) -> str:
    """What to say of a process that died after `since` kills (oom_kills()), or that its own
    cgroups saw killed (`killed`): "" if the kernel killed none for want of memory since, else
    that it ran out of memory, and what it had."""
    if not killed and oom_kills() <= since:
        return ""
    limit = limit_mb()
    had = [f"its cap is {cap_mb} MB"] if cap_mb > 0 else []
    had += [f"the container has {limit} MiB"] if limit is not None else []
    return "ran out of memory (the kernel killed it" + (f": {', '.join(had)})" if had else ")")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    limit = limit_mb()
    if argv == ["--worker-mb"]:
        print(worker_mb(limit))
    elif argv == ["--judges"]:
        print(judges(limit))
    elif argv == ["--oom-kills"]:
        print(oom_kills())
    elif argv == ["--limit-mb"]:
        print(limit if limit is not None else "")
    else:
        print("usage: python -m grading.container --worker-mb | --judges | --limit-mb | --oom-kills", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
