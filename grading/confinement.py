"""How far kata code is shut in, and the one object that carries a worker's limits.

`Limits` travels whole, as JSON, from the command line to the worker (judge request, pytest
option, spawn message or argv), so that every limit a caller sets reaches the code it limits.

`confine(limits)` shuts the calling worker in before it runs kata code, with every layer this
machine allows, and says which level it reached (a fork server does the first half, enter(),
ahead of requests, and finish() once one comes). Levels, weakest first; each holds everything
of the ones before it:

  none          your own code on your own machine: a process of its own, with time limits,
                a memory cap (RLIMIT_AS) and an output cap (learner mode; not Linux)
  filtered      a clean environment, no inherited files, no terminal; a seccomp filter (no
                sockets, ptrace, namespaces, mounts, SysV IPC, memfd, changes to files, signals
                to other processes, new processes); rlimits. It runs as you and reads what you
                can read (not root, and no user namespaces)
  unprivileged  a uid and gid of its own, no groups, no capabilities: it reads only what
                everyone may read (root without namespaces, as in a default Docker container)
  isolated      its own mount, PID, network, IPC and UTS namespaces and a root of its own on a
                read-only tmpfs: Python, its packages and three devices, nothing else (root,
                or user namespaces). The worker read the kata file before: it is not there
  full          cgroups count the memory and processes of everything it starts

Where a layer is missing the others still apply, and the level says what holds. This module
is of the worker's side (it imports nothing of the judge's); the judge's side uses Limits, the
levels, probe() and release().
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import struct
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field

try:
    import resource
except ImportError:  # not a POSIX system: nothing here applies
    resource = None

try:
    from . import seccomp
except ImportError:  # loaded as a sibling of worker.py, outside the package
    import seccomp

LEVELS = ("none", "filtered", "unprivileged", "isolated", "full")  # what each holds: the README


def rank(level: str) -> int:
    """The place of a level (or of a Reached as text, "isolated: ...") in LEVELS; -1 for ""."""
    return LEVELS.index(level.split(":")[0].split()[0]) if level else -1


def lowest(levels) -> str:
    """The lowest of some levels (Reached as text), ignoring "" (no kata code ran)."""
    found = [level for level in levels if level]
    return min(found, key=rank) if found else ""


@dataclass
class Limits:
    call_seconds: float = 10.0     # one call of a kata function
    import_seconds: float = 20.0   # importing the kata file (and numpy) in a fresh worker
    kata_seconds: float = 120.0    # all calls of one kata together
    memory_mb: int = 2048          # memory of a worker (and, confined, of all it starts); 0 = no cap
    output_chars: int = 20_000     # captured print output kept per call
    confine: bool = False          # shut workers in (confine()): for grading others' code
    processes: int = 16            # processes and threads a confined kata may have at once
    require: str = "none"          # a confined worker below this level refuses to run kata code

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Limits":
        return cls(**json.loads(text))


# ---------------------------------------------------------------- the environment

ALLOWED_ENV = ("PATH", "LANG", "LANGUAGE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# One BLAS thread: timings that do not depend on how busy the machine is, and parallel batches
# that do not oversubscribe the cores.
BLAS_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
FIXED_ENV = dict(BLAS_ONE_THREAD, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")


def worker_env(environ) -> dict:
    """What a worker inherits of `environ`: PATH, the locale and the BLAS kernel, nothing else."""
    env = {k: v for k, v in environ.items() if k in ALLOWED_ENV or k.startswith("LC_")}
    if sys.platform == "win32" and "SYSTEMROOT" in environ:
        env["SYSTEMROOT"] = environ["SYSTEMROOT"]
    return dict(env, **FIXED_ENV)


# ---------------------------------------------------------------- what was reached

@dataclass
class Reached:
    level: str
    layers: list = field(default_factory=list)   # what holds
    missing: list = field(default_factory=list)  # what could not be had, and why

    def __str__(self) -> str:
        text = self.level + (f": {', '.join(self.layers)}" if self.layers else "")
        return text + (f"; without {', '.join(self.missing)}" if self.missing else "")


NOT_CONFINED = Reached("none", ["your own code on your own machine"])
NOT_LINUX = Reached("none", missing=["confinement (it needs Linux)"])


@dataclass
class Jail:
    """What enter() set up, for finish() to complete."""

    outer: int              # the pid of the outer process (which names the cgroups)
    root: bool              # the worker started as root
    ids: int | None         # the kata's own uid and gid (as root)
    namespaces: str         # "", "direct" (CAP_SYS_ADMIN) or "user" (a user namespace)
    own_root: bool          # pivoted into a root of its own
    counted: bool           # in cgroups of its own
    uid_done: bool          # already running as `ids` (or as the root of its user namespace)
    missing: list = field(default_factory=list)


# ---------------------------------------------------------------- shutting in

def confine(limits: Limits) -> Reached:
    """Shut the calling process in before it runs kata code, with every layer this machine
    allows (enter(), then finish()); the level reached. The caller continues in a child;
    the original process stands by it and ends as it ends."""
    if sys.platform != "linux":
        return NOT_LINUX
    return finish(enter(limits), limits)


def enter(limits: Limits | None = None, cgroups: str | None = None) -> Jail:
    """The part of confinement that needs no request: cgroups (as root, or where delegated),
    namespaces (directly with CAP_SYS_ADMIN, else through a user namespace), a fork (the
    child is PID 1 of the new PID namespace) and a new root. The caller continues in the
    child, still privileged: finish() drops that. A fork server does this ahead of requests,
    without `limits`, and then caps the cgroups itself (set_cgroup_limits) once they are known;
    `cgroups` is what make_cgroups() said, when the caller made them already."""
    root, outer = os.geteuid() == 0, os.getpid()
    ids = JAIL_IDS + outer if root else None
    missing = []
    if root:
        os.setgroups([])  # no supplementary groups, whatever follows
    why = make_cgroups() if cgroups is None else cgroups
    if not why and limits is not None and not set_cgroup_limits(outer, limits):
        why = "cgroups (their limits could not be set)"
    if why:
        missing.append(why)
    counted = not why
    namespaces, uid_done = "", False
    if root and _has_capability(CAP_SYS_ADMIN) and _c().unshare(NAMESPACES) == 0:
        namespaces = "direct"
    else:
        why = _user_namespace(ids)
        namespaces = "" if why else "user"
        if why:
            missing.append(f"namespaces ({why})")
    # The view is opened now, in the mount namespace it is bound in, and before the uid
    # changes: as root, folders only root may cross (/root of a pyenv install) still open.
    view = _open_view() if namespaces else []
    if root and namespaces != "direct":
        try:  # the kata's own uid: the root of its user namespace, or outright
            inside = 0 if namespaces else ids
            os.setresgid(inside, inside, inside)
            os.setresuid(inside, inside, inside)
            uid_done = True
        except OSError as exc:
            missing.append(f"a uid of its own ({exc.strerror})")
    _c().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    pid = os.fork()
    if pid:
        _stand_by(pid)
    os.setsid()
    own_root = False
    if namespaces:
        try:
            _new_root(view)
            _c().sethostname(b"kata", 4)
            own_root = True
        except (OSError, KeyError) as exc:
            missing.append(f"a root of its own ({exc.strerror if isinstance(exc, OSError) else exc!r})")
    for _, _, fd in view:
        os.close(fd)
    os.chdir("/")
    return Jail(outer, root, ids, namespaces, own_root, counted, uid_done, missing)


def finish(jail: Jail, limits: Limits) -> Reached:
    """The rest, once the request is known: no capabilities (and the kata's own uid where
    that is still to do), no_new_privs, rlimits, a seccomp filter; the level reached."""
    missing = list(jail.missing)
    failed = _drop_privileges(jail.ids if jail.namespaces == "direct" else None)
    missing += failed
    own_uid = jail.root and not failed and (jail.uid_done or jail.namespaces == "direct")
    # RLIMIT_NPROC counts per uid (and user namespace): only then is the count the kata's own
    _limit(limits, own_uid or jail.namespaces == "user")
    _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    why = seccomp.install(deny_fork=not jail.counted, read_only=not jail.own_root,
                          own_pid=None if (own_uid or jail.namespaces) else os.getpid())
    if why:
        missing.append(f"seccomp ({why})")
    if not jail.own_root and not os.access(os.path.dirname(os.__file__), os.R_OK | os.X_OK):
        missing.append("reading Python's files (only modules loaded already import)")
    layers = []
    if jail.namespaces:
        layers.append("namespaces" + (" (user namespace)" if jail.namespaces == "user" else ""))
    if jail.own_root:
        layers.append("a read-only root of its own")
    if own_uid:
        layers.append("a uid of its own")
    if not failed:
        layers.append("no capabilities")
    if not why:
        layers.append("seccomp")
    if jail.counted:
        layers.append(f"cgroups ({cgroup_bases()[0]}: memory and processes)")
    if failed:  # privileges it should have dropped: no level holds
        level = "none"
    elif jail.own_root:
        level = "full" if jail.counted and not why else "isolated"
    elif own_uid:
        level = "unprivileged"
    elif not why:
        level = "filtered"
    else:
        level = "none"
    return Reached(level, layers, missing)


def limit_unconfined(limits: Limits) -> None:
    """Limits of a worker that is not confined: its address space, and no core files."""
    if resource is None:  # not on this platform: the judge's time limits still hold
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.memory_mb > 0:
        cap = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def prepare() -> None:
    """Find the view and the cgroups now (a fork server does, so its forks need not)."""
    if sys.platform == "linux":
        _view_of_python()
        cgroup_bases()


def probe(limits: Limits, paths: list) -> tuple:
    """(level reached, the paths of `paths` kata code could read): a child confines itself
    as a worker would, tries each path, and reports."""
    if sys.platform != "linux" or not limits.confine:
        readable = [p for p in paths if _readable(p)]
        return str(NOT_CONFINED if not limits.confine else NOT_LINUX), readable
    prepare()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            reached = confine(limits)
            os.write(w, json.dumps([str(reached), [p for p in paths if _readable(p)]]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 1 << 16)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    release(pid)
    if not data:
        return "none: the confinement probe failed", list(paths)
    level, readable = json.loads(data)
    return level, readable


def _readable(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            f.read(1)
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- system calls

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_REC, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 16384, 1 << 18, 1 << 21, 1 << 24
ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_NODIRATIME, ST_RELATIME = 1, 2, 4, 8, 1024, 2048, 4096
MNT_DETACH = 2
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}  # system-call numbers
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_READ, PR_CAPBSET_DROP = 1, 4, 23, 24
PR_SET_SECUREBITS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 28, 47, 4
# no root privileges on exec, no keeping capabilities across setuid, no ambient capabilities; locked
SECUREBITS = 0x01 | 0x02 | 0x08 | 0x20 | 0x40 | 0x80
CAP_SYS_ADMIN = 21
JAIL_IDS = 2_080_000_000  # + the worker's pid: a uid and gid of its own for every confined worker
FILE_BYTES = 16 << 20  # the largest file kata code may write (were it allowed to)
OPEN_FILES = 256

_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return _libc


def _call(name: str, *args) -> None:
    if getattr(_c(), name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    if _c().mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _has_capability(cap: int) -> bool:
    """Whether this process has capability `cap` in effect (from /proc, before any new root)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> cap & 1)
    except OSError:
        pass
    return False


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# ---------------------------------------------------------------- cgroups

CGROUP_DIR = "embedding-katas"


def _mountinfo() -> list:
    """(mount root, mount point, fs type, super options) of every mount."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, rest = left.split(), right.split()
            unescape = (lambda s: s.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\"))
            out.append((unescape(fields[3]), unescape(fields[4]), rest[0], rest[2] if len(rest) > 2 else ""))
    return out


def _inside(mount_point: str, mount_root: str, path: str) -> str:
    rel = path[len(mount_root):] if mount_root != "/" and path.startswith(mount_root) else path
    return os.path.join(mount_point, rel.lstrip("/"))


_bases = None


def cgroup_bases():
    """Where this process may make cgroups for its workers: ("v2", {"memory+pids": dir}),
    ("v1", {"memory": dir, "pids": dir}), or (None, why not). Read once per process."""
    global _bases
    if _bases is not None:
        return _bases
    try:
        mounts = _mountinfo()
        with open("/proc/self/cgroup") as f:
            own = [line.rstrip("\n").split(":", 2) for line in f]
    except OSError as exc:
        _bases = (None, f"cgroups (unreadable: {exc.strerror})")
        return _bases
    paths = {}
    for _, controllers, path in own:
        for c in controllers.split(","):
            paths[c] = path
    v1, why = {}, "cgroups (no memory and pids controllers here)"
    for root, point, fstype, options in mounts:
        if fstype == "cgroup2" and "" in paths:
            base = _inside(point, root, paths[""])
            try:
                with open(os.path.join(base, "cgroup.controllers")) as f:
                    available = f.read().split()
            except OSError:
                continue
            if {"memory", "pids"} <= set(available):
                if _delegate_v2(base):
                    _bases = ("v2", {"memory+pids": base})
                    return _bases
                # (cgroup v2 hands controllers only to children of a cgroup without processes)
                why = f"cgroups (v2 memory and pids cannot be handed to children of {paths['']})"
        if fstype == "cgroup":
            for c in ("memory", "pids"):
                if c in options.split(",") and c in paths:
                    v1[c] = _inside(point, root, paths[c])
    _bases = ("v1", v1) if set(v1) == {"memory", "pids"} else (None, why)
    return _bases


def _delegate_v2(base: str) -> bool:
    """The memory and pids controllers are (or can be) handed to children of `base`."""
    for where in (base, os.path.join(base, CGROUP_DIR)):
        try:
            os.makedirs(where, exist_ok=True)
            with open(os.path.join(where, "cgroup.subtree_control")) as f:
                if {"memory", "pids"} <= set(f.read().split()):
                    continue
            _write(os.path.join(where, "cgroup.subtree_control"), "+memory +pids")
        except OSError:
            return False
    return True


def _leaves(pid: int) -> list:
    version, bases = cgroup_bases()
    if version is None:
        return []
    return [os.path.join(base, CGROUP_DIR, str(pid)) for base in bases.values()]


def make_cgroups(pid: int | None = None) -> str:
    """Make cgroups for process `pid` (default: this one, which then joins them), to count its
    memory and processes and those of all it starts (set_cgroup_limits caps them); "" when
    done, else why not (and then nothing is left behind). A fork server makes them for its
    spare, which joins them itself (join_cgroups): the slow part, then not the server's."""
    version, bases = cgroup_bases()
    if version is None:
        return bases
    pid = os.getpid() if pid is None else pid
    made = []
    try:
        for base in bases.values():
            leaf = os.path.join(base, CGROUP_DIR, str(pid))
            if os.path.isdir(leaf):  # left by an earlier process with this pid
                os.rmdir(leaf)
            for attempt in range(2):  # (another server may remove the empty folder meanwhile)
                os.makedirs(os.path.dirname(leaf), exist_ok=True)
                try:
                    os.mkdir(leaf)
                    break
                except FileNotFoundError:
                    if attempt:
                        raise
            made.append(leaf)
    except OSError as exc:
        for leaf in made:
            try:
                os.rmdir(leaf)
            except OSError:
                pass
        return f"cgroups ({exc.strerror or exc})"
    return join_cgroups() if pid == os.getpid() else ""


def join_cgroups() -> str:
    """Move this process into the cgroups made for it; "" or why it could not."""
    pid = os.getpid()
    try:
        for leaf in _leaves(pid):
            _write(os.path.join(leaf, "cgroup.procs"), str(pid))
    except OSError as exc:
        version, bases = cgroup_bases()
        for base in bases.values():
            try:
                _write(os.path.join(base, "cgroup.procs"), str(pid))
            except OSError:
                pass
        release(pid)
        return f"cgroups ({exc.strerror or exc})"
    return ""


def set_cgroup_limits(pid: int, limits: Limits) -> bool:
    """Cap the memory (limits.memory_mb, swap included) and the processes and threads
    (limits.processes, plus the worker's outer process) of worker `pid`'s cgroups."""
    version, bases = cgroup_bases()
    if version is None:
        return False
    memory = str(limits.memory_mb << 20) if limits.memory_mb > 0 else "max"
    tasks = str(limits.processes + 1)
    settings = {"v2": {"memory+pids": [("memory.max", memory), ("memory.swap.max", "0"), ("pids.max", tasks)]},
                "v1": {"memory": [("memory.limit_in_bytes", "-1" if memory == "max" else memory),
                                  ("memory.memsw.limit_in_bytes", "-1" if memory == "max" else memory)],
                       "pids": [("pids.max", tasks)]}}[version]
    try:
        for kind, base in bases.items():
            leaf = os.path.join(base, CGROUP_DIR, str(pid))
            for name, value in settings[kind]:
                target = os.path.join(leaf, name)
                if name.startswith("memory.memsw") and not os.path.exists(target):
                    continue  # no swap accounting on this machine
                _write(target, value)
    except OSError:
        return False
    return True


def release(pid: int, seconds: float = 0.0) -> bool:
    """Remove the cgroups of worker `pid` (once it has ended), waiting up to `seconds` for the
    processes still dying in them; False if some still hold one."""
    deadline = time.monotonic() + seconds
    while True:
        done = True
        for leaf in _leaves(pid):
            try:
                os.rmdir(leaf)
            except FileNotFoundError:
                pass
            except OSError:
                done = False
        if done or time.monotonic() >= deadline:
            return done
        time.sleep(0.01)


def remove_stale_cgroups(folder_too: bool = False) -> None:
    """Remove the cgroups of workers that ended without being released (killed with their
    server); with `folder_too`, also the folder that holds them if it is empty (v1: in v2 it
    holds the delegation of the controllers)."""
    version, bases = cgroup_bases()
    if version is None:
        return
    for base in bases.values():
        folder = os.path.join(base, CGROUP_DIR)
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.isdigit() and not os.path.exists(f"/proc/{name}"):
                try:
                    os.rmdir(os.path.join(folder, name))
                except OSError:
                    pass
        if folder_too and version == "v1":
            try:
                os.rmdir(folder)
            except OSError:
                pass  # others' workers are in it


# ---------------------------------------------------------------- the view of the files

_view = None


def _project() -> str:
    """The folder of the grader (the parent of grading/): never part of a worker's view."""
    return os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _chain(path: str, links: list) -> str:
    """The real path of `path`; every symbolic link met on the way is added to `links` as
    (where, what it says), so the jail can have the same path."""
    parts = [p for p in path.split("/") if p]
    current = "/"
    hops = 0
    while parts:
        part = parts.pop(0)
        if part in (".", ".."):
            current = os.path.dirname(current) if part == ".." else current
            continue
        step = os.path.join(current, part)
        if os.path.islink(step) and hops < 40:
            hops += 1
            target = os.readlink(step)
            links.append((step, target))
            parts = [p for p in target.split("/") if p] + parts
            current = "/" if target.startswith("/") else current
            continue
        current = step
    return current


def _view_of_python():
    """What a confined worker sees of this machine: ([(path, kind)], [(link, target)]), kind
    "dir", "file" or "device". Python's folders and files (sys.path, the libraries it has
    loaded, the interpreter), never the project or anything holding it. Found once per process."""
    global _view
    if _view is not None:
        return _view
    project = _project()
    # folders that hold what kata code must not see: the project, the submissions (copied to
    # the temporary folder), the home folder
    private = [project, os.path.realpath(tempfile.gettempdir()), os.path.realpath(os.path.expanduser("~"))]
    venv = os.path.realpath(sys.prefix) if sys.prefix != sys.base_prefix else None
    links, items = [], {}

    def add(path, kind):
        if not path or not os.path.isabs(path) or not os.path.exists(path):
            return
        real = _chain(path, links)
        if any(_within(folder, real) for folder in private):
            return  # holds one of them: never
        if _within(real, project) and not (venv and _within(real, venv)):
            return  # inside the project, and not a virtual environment kept there
        if real.split("/")[1:2] in (["proc"], ["sys"], ["dev"]) and kind != "device":
            return
        items[real] = kind if kind == "device" else "dir" if os.path.isdir(real) else "file"

    for entry in sys.path:
        add(entry, "dir")
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].startswith("/") and not fields[5].rstrip().endswith("(deleted)"):
                    add(os.path.dirname(fields[5].rstrip("\n")), "dir")
    except OSError:
        pass
    add(sys.executable, "file")
    if venv:
        add(os.path.join(sys.prefix, "pyvenv.cfg"), "file")
    add(_interpreter(sys.executable), "file")
    add("/etc/ld.so.cache", "file")
    for device in ("/dev/null", "/dev/zero", "/dev/urandom"):
        add(device, "device")
    # top-level links (/lib64 -> usr/lib64 ...): paths written into programs go through them
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        if os.path.islink(f"/{name}"):
            links.append((f"/{name}", os.readlink(f"/{name}")))
    keep = sorted(items)
    kept = [p for p in keep if not any(q != p and items[q] == "dir" and _within(p, q) for q in keep)]
    _view = ([(p, items[p]) for p in kept], sorted(set(links)))
    return _view


def _interpreter(executable: str) -> str:
    """The ELF interpreter (ld.so) a program names, or ""."""
    try:
        with open(executable, "rb") as f:
            head = f.read(1 << 16)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            return ""
        e_phoff, = struct.unpack_from("<Q", head, 32)
        e_phentsize, e_phnum = struct.unpack_from("<HH", head, 54)
        for i in range(e_phnum):
            p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", head, e_phoff + i * e_phentsize)
            if p_type == 3:  # PT_INTERP
                return head[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
    except (OSError, ValueError, struct.error):
        pass
    return ""


# ---------------------------------------------------------------- the jail

def _make_path(root: str, path: str, kind: str) -> str:
    target = root + path
    if kind == "dir":
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.exists(target):
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o444))
    return target


def _bind(fd: int, target: str, kind: str) -> None:
    """Bind the file behind O_PATH `fd` at `target`: read-only, nosuid and nodev (a device:
    usable, not executable)."""
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND)
    st, device = os.statvfs(f"/proc/self/fd/{fd}"), kind == "device"
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID
    flags |= MS_NOEXEC if device or st.f_flag & ST_NOEXEC else 0
    flags |= MS_RDONLY if not device or st.f_flag & ST_RDONLY else 0
    flags |= MS_NODEV if not device or st.f_flag & ST_NODEV else 0
    # atime settings are locked in a user namespace: keep the ones the source has
    if st.f_flag & ST_NOATIME:
        flags |= MS_NOATIME
    elif st.f_flag & ST_RELATIME:
        flags |= MS_RELATIME
    else:
        flags |= MS_STRICTATIME
    flags |= MS_NODIRATIME if st.f_flag & ST_NODIRATIME else 0
    _mount(None, target, None, flags)


def _open_view() -> list:
    """[(path, kind, O_PATH descriptor)] of the view."""
    opened = []
    paths, _ = _view_of_python()
    for path, kind in paths:
        try:
            opened.append((path, kind, os.open(path, os.O_PATH | os.O_CLOEXEC)))
        except OSError:
            continue
    return opened


def _new_root(view: list) -> None:
    """Replace this mount namespace's files with a read-only tmpfs holding the view (the
    kata file is not in it: the worker read it before); the old root is gone (pivot_root,
    then detached), not merely hidden."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    base = next((d for d in ("/tmp", "/mnt", "/media", "/srv", "/opt", "/var") if os.path.isdir(d)), None)
    if base is None:
        raise OSError(errno.ENOENT, "no folder to build it in")
    _mount("kata", base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096")
    for where, kind, fd in view:
        _bind(fd, _make_path(base, where, kind), kind)
    _, links = _view_of_python()
    for where, target in links:
        if not os.path.lexists(base + where):
            os.makedirs(os.path.dirname(base + where), mode=0o755, exist_ok=True)
            os.symlink(target, base + where)
    os.mkdir(base + "/.old")
    _call("syscall", PIVOT_ROOT[seccomp.arch()], base.encode(), (base + "/.old").encode())
    os.chdir("/")
    _call("umount2", b"/.old", MNT_DETACH)
    os.rmdir("/.old")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _drop_privileges(ids: int | None) -> list:
    """No capabilities, now or after exec; with `ids`, become that uid and gid (no groups).
    Returns what failed."""
    libc = _c()
    failed = []
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    cap = 0
    while cap < 64 and libc.prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0:
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        cap += 1
    libc.prctl(PR_SET_SECUREBITS, SECUREBITS, 0, 0, 0)
    if ids is not None:
        try:
            os.setgroups([])
            os.setresgid(ids, ids, ids)
            os.setresuid(ids, ids, ids)
        except OSError as exc:
            failed.append(f"a uid of its own ({exc.strerror})")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty
    left = (ctypes.c_uint32 * 6)()
    if libc.capset(header, data) != 0 or libc.capget(header, left) != 0 or any(left):
        failed.append("dropping capabilities")
    return failed


def _limit(limits: Limits, own_uid: bool) -> None:
    cap = limits.memory_mb << 20
    settings = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, FILE_BYTES),
                (resource.RLIMIT_NOFILE, OPEN_FILES), (resource.RLIMIT_MEMLOCK, 0),
                (resource.RLIMIT_MSGQUEUE, 0)]
    if cap > 0:
        settings.append((resource.RLIMIT_AS, cap))
    if own_uid:  # counted per uid: only a uid of its own makes it the kata's count
        settings.append((resource.RLIMIT_NPROC, limits.processes + 1))
    for which, value in settings:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _stand_by(pid: int) -> None:
    """The outer process of a confined worker: close everything, wait for the inner one and
    end the way it ended (same exit code, or the same signal)."""
    os.closerange(0, 1 << 16)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1)


def _user_namespace(ids: int | None) -> str:
    """Enter a new user namespace with the other namespaces; "" or why it failed. As root
    (ids given), a short-lived helper outside maps uid and gid `ids` to the namespace's root:
    until this process takes them it stays uid 0 outside (so it can still open the view).
    Otherwise the caller's own uid and gid are mapped, as any user may."""
    if ids is None:
        uid, gid = os.geteuid(), os.getegid()
        if _c().unshare(CLONE_NEWUSER | NAMESPACES) != 0:
            return os.strerror(ctypes.get_errno())
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
        except OSError as exc:
            return f"user namespace ids: {exc.strerror}"
        return ""
    me = os.getpid()
    go_r, go_w = os.pipe()
    helper = os.fork()
    if helper == 0:  # outside, with the privileges to write another process's maps
        code = 1
        try:
            os.close(go_w)
            if os.read(go_r, 1) == b"y":
                _write(f"/proc/{me}/uid_map", f"0 {ids} 1")
                _write(f"/proc/{me}/gid_map", f"0 {ids} 1")
                code = 0
        except OSError:
            pass
        os._exit(code)
    os.close(go_r)
    entered = _c().unshare(CLONE_NEWUSER | NAMESPACES) == 0
    why = "" if entered else os.strerror(ctypes.get_errno())
    os.write(go_w, b"y" if entered else b"n")
    os.close(go_w)
    _, status = os.waitpid(helper, 0)
    if entered and status != 0:
        why = "user namespace ids could not be mapped"
    return why
