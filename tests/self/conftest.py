"""Shared fixtures of the project's own tests: the hidden suite run on the reference
solutions, on the untouched stubs, on every kata variant and on degenerate code, by judges
that are started once and reused (two at a time, one per thread)."""

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading import catalogue, judge, sources  # noqa: E402

# The grades and hints the grader remembers (grading/state.py) go to a scratch file for the
# whole run, never to the learner's .grader-state.json (subprocesses inherit it).
if "GRADER_STATE" not in os.environ:
    import tempfile

    _STATE_FOLDER = tempfile.TemporaryDirectory(prefix="grader-state-")
    os.environ["GRADER_STATE"] = str(Path(_STATE_FOLDER.name) / "state.json")

KATAS = [k.name for k in catalogue.KATAS]
GROUPS = ("WRONG", "SLOW", "CORRECT")
THREADS = 2

# OpenBLAS kernels of common x86 CPUs (numpy's x86 wheels honour OPENBLAS_CORETYPE): the
# reference and every CORRECT variant keep full marks under each.
KERNELS = ("Haswell", "SkylakeX", "Prescott")


def current_kernel() -> str | None:
    """The OpenBLAS kernel this process's numpy runs (None where that cannot be asked): the
    default gradings of the suite already use it."""
    import ctypes

    import numpy  # noqa: F401  (loads OpenBLAS)

    try:
        with open("/proc/self/maps") as f:
            libs = [line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line]
        lib = ctypes.CDLL(libs[0])
    except (OSError, IndexError):
        return None
    for name in ("openblas_get_corename", "openblas_get_corename64_", "scipy_openblas_get_corename64_",
                 "scipy_openblas_get_corename_"):
        get = getattr(lib, name, None)
        if get is not None:
            get.restype = ctypes.c_char_p
            return get().decode()
    return None


def load_variants(kata):
    """The variants of a kata (tests/variants/<kata>.py): {(group, name): (description, code,
    caught_by)}. Each variant's code is appended to the reference solution, so its definitions
    replace the reference's. The groups, each {name: entry}:

        WRONG    (description, code, caught_by): a mistake learners really make. It fails at
                 least one case of each hidden test function named in caught_by (the checks
                 meant to catch it), which the reference passes, and so loses points.
        SLOW     (description, code): right but unvectorized. It passes every check but the
                 scale checks of what it slows down, and fails those on CPU time.
        CORRECT  (description, code): right, written differently (another formula or
                 summation order, eigh for svd, other signs, loops where no scale check
                 bites). It keeps full marks under every OpenBLAS kernel.

    caught_by is empty for SLOW and CORRECT. A kata without its variants file has none here;
    test_contract reports the missing file."""
    if not kata.variants.is_file():
        return {}
    module = sources.load_module(kata.variants, f"_variants_{kata.name}")
    found = {}
    for group in GROUPS:
        for name, entry in getattr(module, group, {}).items():
            description, code, *rest = entry
            found[(group, name)] = (description, code, tuple(rest[0]) if rest else ())
    return found


def all_variants(*groups):
    return [(k.name, group, name) for k in catalogue.KATAS for (group, name) in load_variants(k)
            if not groups or group in groups]


def variant_source(kata, name) -> str:
    """The reference with the variant's definitions appended (they replace the reference's)."""
    for (group, n), (description, code, _) in load_variants(kata).items():
        if n == name:
            return f"{kata.solution.read_text()}\n\n# ---- variant {name}: {description}\n{code}"
    raise KeyError(name)


# ---------------------------------------------------------------- degenerate code

DEGENERATE = ("zeros", "constant", "echo", "random")

_DEGENERATE_CODE = '''
# Every public function of the reference, its answer replaced by a degenerate one of the same
# shape and type: {mode}. Bad input still raises the reference's ValueError.
import functools as _functools
import numpy as _np

_REFERENCE = {{"__name__": __name__}}
exec(compile({source!r}, "reference", "exec"), _REFERENCE)
_RNG = _np.random.default_rng(0)


def _degenerate(value, args):
    if {mode!r} == "echo" and args:
        return args[0]
    if isinstance(value, tuple):
        return tuple(_degenerate(v, ()) for v in value)
    if isinstance(value, list):
        return [_degenerate(v, ()) for v in value]
    if isinstance(value, dict):
        return {{k: _degenerate(v, ()) for k, v in value.items()}}
    if isinstance(value, str):
        return ""
    if isinstance(value, (bool, _np.bool_)):
        return False
    a = _np.asarray(value)
    if a.dtype.kind not in "iuf":
        return value
    if {mode!r} == "zeros":
        b = _np.zeros_like(a)
    elif {mode!r} == "constant":
        b = _np.full_like(a, 1 if a.dtype.kind in "iu" else 0.5)
    else:
        b = (_RNG.integers(0, 3, a.shape) if a.dtype.kind in "iu" else _RNG.standard_normal(a.shape)).astype(a.dtype)
    return b if isinstance(value, _np.ndarray) else b.item()


def _wrap(f):
    @_functools.wraps(f)
    def degenerate(*args, **kwargs):
        return _degenerate(f(*args, **kwargs), args)
    return degenerate


for _name, _f in list(_REFERENCE.items()):
    if callable(_f) and not _name.startswith("_") and getattr(_f, "__module__", None) == __name__:
        globals()[_name] = _wrap(_f)
'''


def degenerate_source(kata, mode: str) -> str:
    """A kata file whose functions return zeros, a constant, their first argument, or random
    values, each of the right shape: code that must earn nothing."""
    return _DEGENERATE_CODE.format(mode=mode, source=kata.solution.read_text())


# ---------------------------------------------------------------- judges

class Judges:
    """Judges kept for the whole session, one per thread and environment, so that the
    hundreds of gradings below start Python and pytest only a few times."""

    def __init__(self):
        self.local = threading.local()
        self.all = []
        self.lock = threading.Lock()

    def _judge(self, env: tuple) -> judge.Judge:
        mine = self.local.__dict__.setdefault("judges", {})
        if env not in mine:
            mine[env] = judge.Judge(dict(env))
            with self.lock:
                self.all.append(mine[env])
        return mine[env]

    def grade(self, jobs: dict, env=None, select=None) -> dict:
        """{key: records} for jobs {key: (kata name, path)}, THREADS at a time."""
        env = tuple(sorted((env or {}).items()))

        def one(item):
            key, (name, path) = item
            return key, self._judge(env).run([name], {name: path}, select=select)

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            return dict(pool.map(one, jobs.items()))

    def close(self):
        for j in self.all:
            j.close()


@pytest.fixture(scope="session")
def judges():
    pool = Judges()
    yield pool
    pool.close()


class _Graded:
    """Grades on demand, once per kata, so that each kata's checks stand on their own."""

    def __init__(self, run):
        self._run, self._cache = run, {}

    def __getitem__(self, kata):
        if kata not in self._cache:
            self._cache[kata] = self._run(kata)
        return self._cache[kata]


@pytest.fixture(scope="session")
def solution_records(judges):
    return _Graded(lambda name: judges.grade({name: (name, catalogue.get(name).solution)})[name])


@pytest.fixture(scope="session")
def stub_records(judges):
    return _Graded(lambda name: judges.grade({name: (name, catalogue.get(name).stub)})[name])


@pytest.fixture(scope="session")
def variant_files(tmp_path_factory):
    """{(kata, group, name): path} of every variant, written once."""
    folder = tmp_path_factory.mktemp("variants")
    files = {}
    for kata_name, group, name in all_variants():
        kata = catalogue.get(kata_name)
        path = folder / f"{kata_name}-{name}" / f"{kata_name}.py"
        path.parent.mkdir()
        path.write_text(variant_source(kata, name))
        files[(kata_name, group, name)] = path
    return files


@pytest.fixture(scope="session")
def variant_records(judges, variant_files):
    """{kata: {(group, name): records}}: every variant graded, CORRECT ones on every check;
    WRONG ones without the scale checks (unless one is meant to catch them), since a mistake
    is caught by what it gets wrong, not by its speed; SLOW ones without their scale checks
    too (test_scale_checks_judge_cpu_time_not_load grades those, on a loaded machine)."""

    def grade_kata(kata_name):
        variants = load_variants(catalogue.get(kata_name))
        jobs = {(g, n): (k, p) for (k, g, n), p in variant_files.items() if k == kata_name}
        full = {key: job for key, job in jobs.items() if key[0] == "CORRECT"
                or any(t.startswith("test_scale") for t in variants[key][2])}
        rest = {key: job for key, job in jobs.items() if key not in full}
        return {**judges.grade(full), **judges.grade(rest, select="not scale")}

    return _Graded(grade_kata)


@pytest.fixture(scope="session")
def degenerate_records(judges, tmp_path_factory):
    """{kata: {mode: records}} of the degenerate versions of each kata."""
    folder = tmp_path_factory.mktemp("degenerate")

    def grade_kata(name):
        jobs = {}
        for mode in DEGENERATE:
            path = folder / f"{name}-{mode}" / f"{name}.py"
            path.parent.mkdir()
            path.write_text(degenerate_source(catalogue.get(name), mode))
            jobs[mode] = (name, path)
        return judges.grade(jobs)

    return _Graded(grade_kata)


def touches_scale_checks(kata, code: str, solution_records) -> bool:
    """Whether a variant's code can change what a scale check runs: it redefines a function
    that one calls, or a private helper (which any function may call)."""
    import ast

    called = {f for r in solution_records[kata.name] if r.role == "scale" for f in r.calls}
    defined = {n.name for n in ast.parse(code).body if isinstance(n, (ast.FunctionDef, ast.Assign, ast.ClassDef))
               and hasattr(n, "name")}
    return bool(defined & called) or any(name.startswith("_") for name in defined)


def busy_processes(n: int):
    """n processes that keep a core each busy, as other users of a shared machine do."""
    import subprocess

    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


CORES = os.cpu_count() or 1
