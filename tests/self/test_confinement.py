"""Confinement, tried as a hostile student would, in every situation this machine can create.

Each situation grades one batch of hostile submissions (kata 1 hostile, kata 2 the reference)
with the grader started as an instructor would: an instructor's secret in its environment, a
private key in its home folder, an ssh-agent-like socket, a controlling terminal. Situations:

    root                      root with every capability
    root without sys_admin    root whose bounding set lacks CAP_SYS_ADMIN (setpriv)
    container                 that, and Docker's default seccomp profile (no unshare, no
                              mount, no namespaces): the grader's files made root's alone
    ordinary user             nobody (setpriv), the project readable by nobody

A situation the machine cannot create is a skip that says why. In each, every hostile kata
loses at most its own kata's points, nothing secret reaches any output, nothing is left behind,
and the level reported (stderr, grade sheet, results.json) is the one the situation reaches.
"""

import csv
import errno
import fcntl
import glob
import hashlib
import json
import os
import pwd
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import pytest

from grading import catalogue, confinement, seccomp
from grading.catalogue import ROOT

if sys.platform != "linux":
    pytest.skip("confinement is Linux's", allow_module_level=True)

FIRST, SECOND = catalogue.KATAS[0], catalogue.KATAS[1]
RUN = f"{os.getpid():x}{time.time_ns() % 65536:04x}"  # markers of this run alone
SECRET = f"instructor-secret-{RUN}"          # in the grader's environment
KEY = f"private-key-material-{RUN}"          # in a mode-0600 key in the grader's home folder
HIDDEN_CANARY = f"hidden-suite-canary-{RUN}"  # in the (copied) hidden suite
REFERENCE_CANARY = f"reference-canary-{RUN}"  # in the (copied) solutions
CLASSMATE = f"classmate-canary-{RUN}"        # in the honest submission
OUT = f"hostile-was-here-{RUN}"              # what hostile code tries to write, send or leave behind
ORPHAN_NAME = f"ko{RUN}"[:15]                 # the name of a process it leaves
MARKERS = (SECRET, KEY, HIDDEN_CANARY, REFERENCE_CANARY, CLASSMATE, OUT, "ESCAPED", "READ ")
SHM_KEY = 0x6B610000 + os.getpid() % 65536
MEMORY_MB = 768

STUB = FIRST.stub.read_text()
REFERENCE = FIRST.solution.read_text()

# What hostile code knows (the worst case: every path of the instructor's machine).
HEADER = """
PROJECT = {project!r}
BATCH = {batch!r}
HOME = {home!r}
TMP = {tmp!r}
AGENT = {agent!r}
ABSTRACT = {abstract!r}
OUT_MARKER = {out!r}
ORPHAN_NAME = {orphan_name!r}
CLASSMATE = {classmate!r}
SHM_KEY = {shm_key!r}
ORPHAN = "import os, time\\nif os.fork(): os._exit(0)\\nos.setsid()\\nwhile True:\\n    time.sleep(0.05)  # " + OUT_MARKER
"""

# Hostile code uses only what a worker has loaded already (os, socket, ctypes, select, time):
# where Python's own files are out of its reach, it could import nothing else.
GLOB = r'''
import os as _os


def _glob(pattern):
    """The paths matching `pattern`, whose * stand only in the last two parts (no module glob)."""
    folder, name = _os.path.split(pattern)
    parents = [folder]
    if "*" in folder:
        top, middle = _os.path.split(folder)
        head, _, tail = middle.partition("*")
        try:
            parents = [_os.path.join(top, d) for d in _os.listdir(top) if d.startswith(head) and d.endswith(tail)]
        except OSError:
            parents = []
    head, _, tail = name.partition("*")
    found = []
    for parent in parents:
        try:
            found += [_os.path.join(parent, f) for f in _os.listdir(parent) if f.startswith(head) and f.endswith(tail)]
        except OSError:
            pass
    return found
'''

SPY = GLOB + r'''
import socket as _socket
_found = []


def _read(path):
    try:
        with open(path, "rb") as f:
            data = f.read(200)
        _found.insert(0, f"READ {path}: {data!r}")
    except Exception:
        pass


for _p in _glob("/proc/*/environ"):
    if _p != f"/proc/{_os.getpid()}/environ":
        _read(_p)
for _p in [HOME + "/.ssh/id_ed25519", _os.path.expanduser("~/.ssh/id_ed25519"), "/etc/shadow"]:
    _read(_p)
for _pattern in [PROJECT + "/tests/hidden/*.py", PROJECT + "/solutions/*.py", PROJECT + "/grading/*.py",
                 BATCH + "/*/*.py", TMP + "/kata-submission-*/*.py"]:
    for _p in _glob(_pattern):
        _read(_p)
for _address in [AGENT, ABSTRACT]:
    try:
        _s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        _s.settimeout(1)
        _s.connect(_address)
        _s.sendall(OUT_MARKER.encode())
        _found.insert(0, f"ESCAPED: connected to {_address!r}")
    except Exception:
        pass
for _dev in ["/dev/tty", "/dev/console", "/dev/kmsg"] + _glob("/dev/pts/*"):
    try:
        with open(_dev, "w") as _f:
            _f.write(OUT_MARKER + "\n")
        _found.insert(0, f"ESCAPED: wrote {_dev}")
    except Exception:
        pass
for _target in [PROJECT + "/tests/hidden/conftest.py", PROJECT + "/" + OUT_MARKER, "/tmp/" + OUT_MARKER,
                "/dev/shm/" + OUT_MARKER, "/var/tmp/" + OUT_MARKER, HOME + "/" + OUT_MARKER]:
    try:
        with open(_target, "a") as _f:
            _f.write("# " + OUT_MARKER + "\n")
        _found.insert(0, f"ESCAPED: wrote {_target}")
    except Exception:
        pass
_found.append(f"uid {_os.getuid()}, environment {sorted(_os.environ)}")


def one_hot(ids, num_classes):
    raise ValueError("spy report: " + " | ".join(_found))
'''

CLASSMATE_COPIER = GLOB + r'''
for _p in sorted(_glob(BATCH + "/*/*.py") + _glob(TMP + "/kata-submission-*/*.py")):
    try:
        with open(_p) as _f:
            _text = _f.read()
    except Exception:
        continue
    if CLASSMATE in _text:
        exec(compile(_text, _p, "exec"))  # the classmate's functions become ours
        break
'''

SHM_WRITER = r'''
import ctypes as _ctypes
_libc = _ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = _ctypes.c_void_p
_id = _libc.shmget(SHM_KEY, 4096, 0o1666)
if _id >= 0:
    _at = _libc.shmat(_id, None, 0)
    if _at not in (None, 2 ** 64 - 1):
        _ctypes.memmove(_at, OUT_MARKER.encode(), len(OUT_MARKER))
'''

SHM_READER = r'''
import ctypes as _ctypes
_libc = _ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = _ctypes.c_void_p
_seen = b""
_id = _libc.shmget(SHM_KEY, 0, 0)
if _id >= 0:
    _at = _libc.shmat(_id, None, 0)
    if _at not in (None, 2 ** 64 - 1):
        _seen = _ctypes.string_at(_at, 64)
_one_hot = one_hot


def one_hot(ids, num_classes):
    if _seen:
        raise ValueError(f"ESCAPED: a segment left by an earlier run: {_seen!r}")
    return _one_hot(ids, num_classes)
'''

MEMORY = r'''
_one_hot = one_hot
_tried = []


def _hog():
    """How many children held 350 MB each at the same time, and how much a memfd held."""
    import os, select, time
    pipes = {}
    try:
        for _ in range(4):  # 4 x 350 MB: more than the cap, each within it
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                try:
                    block = b"x" * (350 << 20)
                    os.write(w, b"1")
                    time.sleep(4)
                finally:
                    os._exit(0)
            os.close(w)
            pipes[pid] = r
    except OSError:
        pass
    deadline = time.monotonic() + 3
    holding = []
    for pid, r in pipes.items():
        left = deadline - time.monotonic()
        if left > 0 and select.select([r], [], [], left)[0] and os.read(r, 1) == b"1":
            holding.append(pid)
    time.sleep(0.5)  # a child killed for memory after it said so holds nothing
    children = sum(1 for pid in holding if os.waitpid(pid, os.WNOHANG) == (0, 0))
    memfd = 0
    try:
        fd = os.memfd_create("hog")
        for _ in range(16):  # 1 GiB
            os.write(fd, b"y" * (64 << 20))
            memfd += 64
    except OSError:
        pass
    return children, memfd


def one_hot(ids, num_classes):
    if not _tried:
        _tried.append(_hog())
        children, memfd = _tried[0]
        if children >= 3 or memfd > 768:
            raise ValueError(f"ESCAPED: {children} children of 350 MB at once, {memfd} MB in a memfd")
    return _one_hot(ids, num_classes)
'''

ORPHANS = r'''
_one_hot = one_hot


def one_hot(ids, num_classes):
    import ctypes, os, sys, time
    try:
        if os.fork() == 0:  # a detached process that lives on: a fresh Python, or this one renamed
            try:
                os.setsid()
                if os.fork():
                    os._exit(0)
                try:
                    os.execv(sys.executable, [sys.executable, "-c", ORPHAN])
                except OSError:
                    ctypes.CDLL(None).prctl(15, ORPHAN_NAME.encode(), 0, 0, 0)  # PR_SET_NAME
                    while True:
                        time.sleep(0.05)
            finally:
                os._exit(0)
    except OSError:
        pass
    return _one_hot(ids, num_classes)
'''

# name -> (kata 1's source, with the header where "{header}" is)
HOSTILE = {
    "honest": REFERENCE + f"\n# {CLASSMATE}\n",
    "spy": REFERENCE + "{header}" + SPY,
    "classmate": STUB + "{header}" + CLASSMATE_COPIER,
    "shm_1_writer": REFERENCE + "{header}" + SHM_WRITER,
    "shm_2_reader": REFERENCE + "{header}" + SHM_READER,
    "memory": REFERENCE + "{header}" + MEMORY,
    "orphans": REFERENCE + "{header}" + ORPHANS,
}


# ---------------------------------------------------------------- the machine

def _cap_sys_admin_under(cmd) -> bool:
    out = subprocess.run([*cmd, sys.executable, "-c", "print(open('/proc/self/status').read())"],
                         capture_output=True, text=True)
    caps = [line.split()[1] for line in out.stdout.splitlines() if line.startswith("CapEff:")]
    return bool(caps) and bool(int(caps[0], 16) >> 21 & 1)


def _cgroups_here() -> bool:
    """Whether root may count a worker's memory and processes in cgroups: the v1 memory and
    pids controllers are mounted (the test's own look), or the grader found v2 ones it may
    hand to children (which depends on how this process was placed, so the grader's word)."""
    controllers = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fstype, _, options = line.split(" - ")[1].split()[:3]
            if fstype == "cgroup":
                controllers |= set(options.split(","))
    return {"memory", "pids"} <= controllers or confinement.cgroup_bases()[0] == "v2"


def _user_namespaces_for(cmd) -> bool:
    code = "import ctypes, os; print(ctypes.CDLL(None, use_errno=True).unshare(0x10000000 | 0x20000))"
    out = subprocess.run([*cmd, sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip() == "0"


CONTAINER_FILTER = r'''
import os, sys
sys.path.insert(0, sys.argv[1])
import errno, seccomp
audit, table = seccomp.ARCHES[seccomp.arch()]
p = seccomp.Program()
p.op(seccomp.LD_ABS, seccomp.ARCH)
p.op(seccomp.JEQ, audit, 1, 0)
p.op(seccomp.RET, seccomp.RET_KILL_PROCESS)
p.op(seccomp.LD_ABS, seccomp.NR)
for name in ("unshare", "setns", "mount", "umount2", "pivot_root", "open_tree", "move_mount", "fsopen"):
    p.deny(table[name], errno.EPERM)
p.deny(table["clone3"], errno.ENOSYS)
p.deny(table["clone"], errno.EPERM, 0, ("any", seccomp.CLONE_NAMESPACES))
p.op(seccomp.RET, seccomp.RET_ALLOW)
why = seccomp.load(p.pack())
if why:
    sys.exit("no seccomp: " + why)
os.execv(sys.argv[2], sys.argv[2:])
'''


def _blocked_ancestor(path: Path, uid: int):
    """The first folder on the way to `path` that `uid` cannot cross, or None."""
    for folder in [*reversed(path.parents)][1:] + [path]:
        st = folder.stat()
        if st.st_uid != uid and not st.st_mode & 0o001:
            return folder
    return None


def _situation(name: str, folder: Path):
    """(command prefix, user the grader runs as, expected level), or pytest.skip with why."""
    if os.geteuid() != 0:
        if name == "ordinary user":
            return [], os.getuid(), ("isolated" if _user_namespaces_for([]) else "filtered")
        pytest.skip(f"{name}: the tests do not run as root, so this situation cannot be made")
    full = "full" if _cgroups_here() else "isolated"
    if name == "root":
        return [], 0, full
    if not shutil.which("setpriv"):
        pytest.skip(f"{name}: setpriv is not installed")
    drop = ["setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin"]
    if _cap_sys_admin_under(drop):
        pytest.skip(f"{name}: setpriv could not drop CAP_SYS_ADMIN here")
    if name == "root without sys_admin":
        return drop, 0, full if _user_namespaces_for(drop) else "unprivileged"
    if name == "container":
        if seccomp.arch() is None:
            pytest.skip(f"{name}: no seccomp system-call table for this machine")
        launcher = folder / "container.py"
        launcher.write_text(CONTAINER_FILTER)
        cmd = [*drop, sys.executable, str(launcher), str(ROOT / "grading")]
        if _user_namespaces_for(cmd):
            pytest.skip(f"{name}: the seccomp filter did not stop user namespaces")
        return cmd, 0, "unprivileged"
    # ordinary user: nobody, with Python reachable
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip(f"{name}: there is no user nobody")
    user = ["setpriv", "--reuid", str(nobody.pw_uid), "--regid", str(nobody.pw_gid), "--clear-groups",
            "--inh-caps", "-all", "--bounding-set", "-all"]
    prefix = []
    # the interpreter's own installation: a virtual environment's python is a link into it
    python = Path(os.path.realpath(sys.base_prefix))
    blocked = _blocked_ancestor(python, nobody.pw_uid)
    if blocked is not None:  # Python lies under a folder nobody cannot cross (/root of pyenv):
        if not shutil.which("unshare"):  # show nobody that folder with only Python in it
            pytest.skip(f"{name}: Python lies in {blocked}, which nobody cannot cross, and unshare is missing")
        inner = blocked / python.relative_to(blocked).parts[0]
        keep = folder / "python-kept"
        keep.mkdir()
        script = (f'mount --bind "{inner}" "{keep}" && mount -t tmpfs -o mode=755 tmpfs "{blocked}" && '
                  f'mkdir -p "{inner}" && mount --move "{keep}" "{inner}" && exec "$@"')
        prefix = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
    cmd = prefix + user
    check = subprocess.run([*cmd, sys.executable, "-c", "import numpy, pytest"], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.skip(f"{name}: nobody cannot run {sys.executable} with numpy and pytest: {check.stderr[-300:]}")
    return cmd, nobody.pw_uid, ("isolated" if _user_namespaces_for(cmd) else "filtered")


# ---------------------------------------------------------------- what watches

class Agent:
    """A listening UNIX socket (at a path anyone may connect to, and in the abstract namespace),
    like an instructor's ssh-agent: it counts who connects."""

    def __init__(self, folder: Path):
        self.path = str(folder / "agent.sock")
        self.abstract = f"\0kata-agent-{os.getpid()}-{time.monotonic_ns()}"
        self.sockets = []
        for address in (self.path, self.abstract):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(address)
            s.listen(8)
            s.setblocking(False)
            self.sockets.append(s)
        os.chmod(self.path, 0o777)
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop:
            for s in select.select(self.sockets, [], [], 0.1)[0]:
                conn, _ = s.accept()
                self.connections += 1
                conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        for s in self.sockets:
            s.close()


def _kernel_log() -> str:
    try:
        fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return ""
    chunks = []
    try:
        while True:
            try:
                chunks.append(os.read(fd, 8192).decode(errors="replace"))
            except BlockingIOError:
                break
            except OSError as exc:
                if exc.errno == errno.EPIPE:  # records overwritten meanwhile: go on
                    continue
                break
    finally:
        os.close(fd)
    return "".join(chunks)


def _shm_keys() -> set:
    try:
        lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return set()
    return {int(line.split()[0]) for line in lines if line.split()}


def _survivors() -> list:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (OUT in (entry / "cmdline").read_bytes().decode(errors="replace")
                        or (entry / "comm").read_text().strip() == ORPHAN_NAME):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _stale_cgroups() -> list:
    """Cgroup folders of confined workers that ended (grading/confinement.py names them by pid)."""
    version, bases = confinement.cgroup_bases()
    if version is None:
        return []
    stale = []
    for base in bases.values():
        for leaf in glob.glob(os.path.join(base, confinement.CGROUP_DIR, "[0-9]*")):
            if not os.path.exists(f"/proc/{os.path.basename(leaf)}"):
                stale.append(leaf)
    return stale


def _marker_files(*folders) -> list:
    found = []
    for folder in folders:
        found += glob.glob(os.path.join(str(folder), f"*{OUT}*"))
    return found


# ---------------------------------------------------------------- grading a hostile batch

def _copy_project(target: Path) -> Path:
    """The grader, the hidden suite and the solutions (a canary in each), not its own tests."""
    def ignore(folder, names):
        return [n for n in names if n in (".git", "__pycache__", ".pytest_cache", ".grader-state.json")
                or (Path(folder) == ROOT and n in ("bench", "demos")) or (Path(folder) == ROOT / "tests" and n == "self")]

    shutil.copytree(ROOT, target, ignore=ignore)
    with open(target / "tests" / "hidden" / "conftest.py", "a") as f:
        f.write(f"\n# {HIDDEN_CANARY}\n")
    with open(target / "solutions" / f"{FIRST.name}.py", "a") as f:
        f.write(f"\n# {REFERENCE_CANARY}\n")
    return target


def _own(path: Path, uid: int, gid: int, mode: int = 0o700) -> None:
    for p in [path, *path.rglob("*")]:
        os.lchown(p, uid, gid)
    path.chmod(mode)


def _grade(cmd, uid, folder: Path, project: Path, args, tty):
    """Run the grader of `project` as `cmd` does, with an instructor's secrets around it."""
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY}\n")
    (home / ".ssh" / "id_ed25519").chmod(0o600)
    gid = pwd.getpwuid(uid).pw_gid if uid else 0
    _own(home, uid, gid)
    tmp = folder / "tmp"  # where the grader copies submissions: this run's alone
    tmp.mkdir(exist_ok=True)
    _own(tmp, uid, gid)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(tmp),
           "KATA_SECRET": SECRET,
           "SSH_AUTH_SOCK": str(folder / "agent.sock"), "LANG": "C.UTF-8", "NO_COLOR": "1"}
    master, slave = os.openpty()
    seen = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk.decode(errors="replace"))

    def terminal():  # the grader's controlling terminal, as when an instructor runs it by hand
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.monotonic()
    proc = subprocess.run([*cmd, sys.executable, str(project / "grader.py"), *args], stdin=slave,
                          capture_output=True, text=True, cwd=project, env=env, timeout=600,
                          preexec_fn=terminal if tty else None)
    seconds = time.monotonic() - start
    os.close(slave)
    time.sleep(0.2)
    os.close(master)
    reader.join(timeout=2)
    return proc, seconds, "".join(seen)


SITUATIONS = ["root", "root without sys_admin", "container", "ordinary user"]
# root with every capability runs in the quick lane; the other situations in the slow one
PARAMS = [s if s == "root" else pytest.param(s, marks=pytest.mark.slow) for s in SITUATIONS]


@pytest.fixture(scope="module", params=PARAMS)
def hostile(request):
    folder = Path(tempfile.mkdtemp(prefix="kata-confinement-"))
    try:
        yield _hostile(request.param, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _hostile(name: str, folder: Path) -> dict:
    folder.chmod(0o755)
    cmd, uid, expected = _situation(name, folder)
    gid = pwd.getpwuid(uid).pw_gid if uid else 0
    project = _copy_project(folder / "project")
    batch = folder / "batch"
    agent = Agent(folder)
    values = dict(project=str(project), batch=str(batch), home=str(folder / "home"), tmp=str(folder / "tmp"),
                  agent=agent.path,
                  abstract=agent.abstract, out=OUT, orphan_name=ORPHAN_NAME, classmate=CLASSMATE, shm_key=SHM_KEY)
    header = HEADER.format(**values)
    for sub, source in HOSTILE.items():
        (batch / sub).mkdir(parents=True)
        (batch / sub / f"{FIRST.name}.py").write_text(source.replace("{header}", header))
        shutil.copy(SECOND.solution, batch / sub / f"{SECOND.name}.py")
    out = folder / "out"
    out.mkdir()
    for path in (project, batch, out):
        _own(path, uid, gid)  # the instructor's files, the instructor's alone
    conftest = hashlib.sha256((project / "tests" / "hidden" / "conftest.py").read_bytes()).hexdigest()
    proc, seconds, tty = _grade(cmd, uid, folder, project, [
        "--batch", str(batch), "--out", str(out / "grades.csv"), "--json-dir", str(out / "json"), "-j", "2",
        "--call-seconds", "4", "--kata-seconds", "30", "--memory-mb", str(MEMORY_MB), FIRST.name, SECOND.name],
        True)
    time.sleep(0.5)
    agent.close()
    rows = {}
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="") as f:
            rows = {row["submission"]: row for row in csv.DictReader(f)}
    results = {p.stem: json.loads(p.read_text()) for p in (out / "json").glob("*.json")}
    return {
        "name": name, "expected": expected, "proc": proc, "seconds": seconds, "rows": rows, "json": results,
        "texts": [proc.stdout, proc.stderr, (out / "grades.csv").read_text() if rows else "",
                  *[p.read_text() for p in (out / "json").glob("*.json")]],
        "tty": tty, "connections": agent.connections,
        "conftest_changed": conftest != hashlib.sha256((project / "tests" / "hidden" / "conftest.py")
                                                       .read_bytes()).hexdigest(),
        "new_shm": {SHM_KEY} & _shm_keys(),
        "kmsg": _kernel_log(),
        "survivors": _survivors(), "stale_cgroups": _stale_cgroups(),
        "files": _marker_files("/tmp", "/dev/shm", "/var/tmp", project, folder / "home", folder / "tmp",
                               project / "tests" / "hidden"),
        "copies_left": os.listdir(folder / "tmp"),
    }


# ---------------------------------------------------------------- what must hold

def graded(hostile) -> dict:
    """The situation, if the grader graded in it; where kata code would run as the grader's own
    user (no user namespaces), the grader refuses instead: that is checked, the rest skipped."""
    if hostile["expected"] == "filtered":
        pytest.skip(f"{hostile['name']}: kata code would run as the grader's user, so the grader refuses")
    return hostile


def test_the_batch_is_graded_or_refused(hostile):
    proc = hostile["proc"]
    if hostile["expected"] == "filtered":
        assert proc.returncode == 2 and "refusing to grade: kata code could read the hidden suite" in proc.stderr
        return
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(hostile["rows"]) == set(HOSTILE), proc.stderr[-2000:]


def test_the_level_reported_is_the_level_reached(hostile):
    expected = graded(hostile)["expected"]
    lines = [line for line in hostile["proc"].stderr.splitlines() if line.startswith("confinement: ")]
    assert len(lines) == 1 and lines[0].startswith(f"confinement: {expected}"), (expected, lines)
    for name, row in hostile["rows"].items():
        assert f"confinement: {expected}" in row["notes"], (name, row["notes"])
    for name, data in hostile["json"].items():
        assert data["extra_data"]["confinement"].split(":")[0] == expected, (name, data["extra_data"])


def test_each_hostile_kata_loses_only_its_own_points(hostile):
    rows = graded(hostile)["rows"]
    for name, row in rows.items():
        assert float(row[SECOND.name]) == SECOND.points, (name, row)
    assert float(rows["honest"][FIRST.name]) == FIRST.points
    assert float(rows["classmate"][FIRST.name]) == 0  # could not take the honest classmate's file
    for name in ("shm_1_writer", "shm_2_reader"):
        assert float(rows[name][FIRST.name]) == FIRST.points, (name, rows[name])
    spy = json.dumps(hostile["json"]["spy"])
    assert "spy report: " in spy  # it ran, and (below) found nothing to report


def test_nothing_secret_reaches_any_output(hostile):
    for text in hostile["texts"] + [hostile["tty"], hostile["kmsg"]]:
        for marker in MARKERS:
            assert marker not in text, (hostile["name"], marker, text[max(0, text.find(marker) - 300):
                                                                   text.find(marker) + 300])
    assert hostile["connections"] == 0  # the agent's socket was never reached


def test_nothing_is_left_behind(hostile):
    graded(hostile)
    assert not hostile["conftest_changed"]
    assert hostile["files"] == []
    assert hostile["new_shm"] == set()
    assert hostile["survivors"] == []
    assert hostile["stale_cgroups"] == []
    assert hostile["copies_left"] == []


def test_without_namespaces_the_grader_refuses_while_its_files_are_readable():
    """In a container without namespaces kata code runs as a uid of its own on the machine's
    files: the grader refuses while the hidden suite is readable by all, and says how to go on."""
    folder = Path(tempfile.mkdtemp(prefix="kata-confinement-"))
    try:
        folder.chmod(0o755)
        cmd, uid, expected = _situation("container", folder)
        project = _copy_project(folder / "project")  # as unpacked: readable by all
        batch = folder / "batch" / "student"
        batch.mkdir(parents=True)
        shutil.copy(FIRST.solution, batch / f"{FIRST.name}.py")
        proc, _, _ = _grade(cmd, uid, folder, project, ["--batch", str(batch.parent), "--out",
                                                        str(folder / "grades.csv"), FIRST.name], False)
        shutil.rmtree(folder / "home")
        strict, _, _ = _grade(cmd, uid, folder, project, ["--submission", str(batch), "--require-confinement",
                                                          "full", FIRST.name], False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert proc.returncode == 2, proc.stderr
    assert "refusing to grade: kata code could read the hidden suite" in proc.stderr
    assert f"--require-confinement {expected} grades anyway" in proc.stderr
    assert strict.returncode == 2, strict.stderr  # below the level required: refused too
    assert f"confined at level {expected}, below the full required by --require-confinement" in strict.stderr


# ---------------------------------------------------------------- one worker, from inside

PROBE = """
import ctypes, os, sys


def _seen(path):
    \"\"\"Whether `path` can be seen, other than as a folder on the way to Python (and holding no more).\"\"\"
    if not os.path.lexists(path):
        return False
    for python in {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}:
        if python.startswith(path.rstrip("/") + "/"):
            step = python[len(path.rstrip("/")) + 1:].split("/")[0]
            return os.listdir(path) != [step]
    return True


def inside():
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
        tty = "opened"
    except OSError as exc:
        tty = exc.strerror
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    try:
        root = sorted(os.listdir("/"))
        dev = sorted(os.listdir("/dev"))
    except OSError:
        root = dev = None
    return {"env": dict(os.environ), "fds": fds, "tty": tty, "uid": os.getuid(), "gid": os.getgid(),
            "groups": os.getgroups(), "no_new_privs": ctypes.CDLL(None).prctl(39, 0, 0, 0, 0),
            "root": root, "dev": dev, "sees": [p for p in PATHS if _seen(p)]}
"""


@pytest.mark.parametrize("start", ["forked", "fresh process"])
@pytest.mark.parametrize("confine", [False, True], ids=["learner", "confined"])
def test_a_worker_inherits_nothing(tmp_path, monkeypatch, start, confine):
    """Only PATH, the locale and the BLAS settings of the grader's environment, no descriptor but
    its two pipes, no terminal; confined, an unprivileged uid (as root), no_new_privs, and (with
    a root of its own) nothing to see but Python and three devices."""
    from grading import sandbox
    from grading.confinement import Limits
    from grading.sandbox import Kata

    private = [str(ROOT), str(Path.home()), "/root", "/home", "/tmp", "/run", "/etc/shadow", str(tmp_path)]
    path = tmp_path / "probe.py"
    path.write_text(f"PATHS = {private!r}\n" + PROBE)
    sandbox.stop_fork_server()  # the next one starts with the environment below
    monkeypatch.setenv("KATA_SECRET", SECRET)
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setattr(sandbox, "USE_FORK_SERVER", start == "forked")
    kata = Kata("probe", path, Limits(confine=confine))
    try:
        seen = kata.inside().value
        level = kata.take_confinement()
    finally:
        kata.close()
        sandbox.stop_fork_server()
    allowed = set(confinement.ALLOWED_ENV) | set(confinement.FIXED_ENV)
    assert set(seen["env"]) <= allowed | {k for k in seen["env"] if k.startswith("LC_")}, seen["env"]
    assert seen["env"]["OPENBLAS_CORETYPE"] == "Haswell" and SECRET not in json.dumps(seen["env"])
    assert seen["tty"] != "opened"
    if seen["fds"] is not None:
        assert len(seen["fds"]) <= 3 + 2 + 1, seen["fds"]  # 0-2 on /dev/null, two pipes, listdir's own
    if not confine:
        assert level.startswith("none")
        return
    assert seen["no_new_privs"] == 1
    if os.geteuid() == 0:
        assert seen["uid"] != 0 and seen["gid"] != 0 and seen["groups"] == []
    if confinement.rank(level) >= confinement.rank("isolated"):
        assert seen["sees"] == [] and seen["dev"] == ["null", "urandom", "zero"], seen
        assert seen["fds"] is None  # no /proc: nothing of other processes either


def test_without_cgroups_a_kata_starts_no_process(monkeypatch):
    """Where nothing would count the memory of its children, kata code gets none: its memory
    cap counts everything it holds. And the level says there are no cgroups."""
    monkeypatch.setattr(confinement, "_bases", (None, "cgroups (none, for this test)"))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the shut-in child (and its outer process) never return to pytest
        code = 1
        try:
            os.close(r)
            reached = confinement.confine(confinement.Limits(confine=True))
            try:
                if os.fork() == 0:
                    os._exit(0)
                forked = "forked"
            except OSError as exc:
                forked = exc.strerror
            os.write(w, json.dumps([str(reached), forked]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        reached, forked = json.loads(f.read() or '["", ""]')
    os.waitpid(pid, 0)
    assert reached and confinement.rank(reached) < confinement.rank("full"), reached
    assert "without cgroups (none, for this test)" in reached
    if confinement.rank(reached) >= confinement.rank("filtered"):  # a seccomp filter holds
        assert forked == "Operation not permitted"


# ---------------------------------------------------------------- the limits object

def test_every_limit_reaches_the_worker(tmp_path):
    """import_seconds and output_chars, set by a caller, reach the judge and the worker."""
    from grading import judge

    path = tmp_path / f"{FIRST.name}.py"
    path.write_text(REFERENCE.replace("def one_hot(ids, num_classes):",
                                      "def one_hot(ids, num_classes):\n    print('x' * 5000)", 1))
    slow = tmp_path / "slow" / f"{FIRST.name}.py"
    slow.parent.mkdir()
    slow.write_text("import time\ntime.sleep(30)\n" + REFERENCE)
    limits = confinement.Limits(import_seconds=1.5, output_chars=100, kata_seconds=60)
    with judge.Judge() as j:
        records = j.run([FIRST.name], {FIRST.name: path}, limits)
        start = time.monotonic()
        cut = j.run([FIRST.name], {FIRST.name: slow}, limits)
        seconds = time.monotonic() - start
    printed = [r.output for r in records if "one_hot" in r.calls and r.output]
    assert printed and all(len(o) < 200 and "not shown" in o for o in printed)
    assert any("did not finish in 1.5 s" in r.message for r in cut), cut[0].message
    assert seconds < 20
