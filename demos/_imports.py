"""Shared by the recommender demo and bench/recommender.py: the import graph of Python's own
standard library, as implicit feedback. Not a demo itself (the leading underscore keeps it out
of --demo).

Every module of the standard library's source folder (sysconfig.get_paths()["stdlib"]) is read
with ast, never imported. Its `import` and `from ... import` statements, wherever they stand (in
functions too), name the modules it uses: a user (the importing module) interacts with an item
(the imported one). Relative imports are resolved against the module's package; `from p import
m` counts as importing the module p.m when there is one, else p; a name that is no module of
this standard library goes up to its package (xml.dom.minidom.Node -> xml.dom.minidom), and
names outside the standard library are dropped, as are a module's imports of itself. Built-in
modules (sys, time, itertools...) have no source, so they appear as items only. Tests, idlelib,
site-packages and a few other folders are left out, as in demos/corpus.py.

On CPython 3.11: about 2,900 import pairs of 540 modules among 440 imported ones. Reading
takes a few seconds, so the first run caches the pairs in demos/.cache/ (one file per Python
version; git-ignored), showing its progress.

    graph(verbose=True) -> (modules, items, pairs)
        modules: the names of the importing modules (users), items: the names of the imported
        ones, both sorted; pairs: an int64 (n, 2) array of (user id, item id), sorted
    cached() -> bool
"""

from __future__ import annotations

import ast
import gzip
import os
import platform
import sys
import sysconfig
import time
from pathlib import Path

import numpy as np

SKIPPED = {"test", "tests", "idlelib", "site-packages", "dist-packages", "lib2to3",
           "turtledemo", "pydoc_data", "ensurepip"}
CACHE = Path(__file__).resolve().parent / ".cache"
_FORMAT = 1  # bump when the collecting changes: it renames the cache file
_graph = None


def cache_path() -> Path:
    version = f"{sys.implementation.name}-{platform.python_version()}"
    return CACHE / f"imports-{version}-v{_FORMAT}.txt.gz"


def cached() -> bool:
    return _graph is not None or cache_path().exists()


def graph(verbose: bool = True):
    global _graph
    if _graph is None:
        edges = _read_cache()
        if edges is None:
            start = time.perf_counter()
            if verbose:
                print("  reading the imports with ast (first run only, then cached in demos/.cache):",
                      end="", flush=True)
            edges = sorted(_collect(_progress if verbose else None))
            if not edges:
                raise SystemExit("No import found in this Python's standard library: "
                                 f"{sysconfig.get_paths()['stdlib']} holds no .py sources.")
            _write_cache(edges)
            if verbose:
                print(f" {time.perf_counter() - start:.1f} s")
        modules = sorted({m for m, _ in edges})
        items = sorted({i for _, i in edges})
        user_id = {m: j for j, m in enumerate(modules)}
        item_id = {m: j for j, m in enumerate(items)}
        pairs = np.array([(user_id[m], item_id[i]) for m, i in edges], dtype=np.int64)
        _graph = modules, items, pairs
    modules, items, pairs = _graph
    return list(modules), list(items), pairs.copy()


def _sources():
    """{module name: (path, is a package)} of every module with Python source."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = {}
    for folder, subfolders, files in os.walk(stdlib):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED and not d.startswith((".", "__"))
                               and d.isidentifier())
        package = Path(folder).relative_to(stdlib).parts
        for name in sorted(files):
            stem = name[:-3]
            if name.endswith(".py") and stem.isidentifier():
                parts = package if stem == "__init__" else package + (stem,)
                if parts:
                    found[".".join(parts)] = (Path(folder, name), stem == "__init__")
    return found


def _progress(done, total):
    """ 10% 20% ... on one line as the modules are read."""
    if done * 10 // total > (done - 1) * 10 // total:
        print(f" {done * 100 // total}%", end="", flush=True)


def _collect(progress=None):
    sources = _sources()
    known = set(sources) | set(sys.stdlib_module_names)

    def module_of(name):
        """The longest prefix of a dotted name that is a module of the standard library, or None."""
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    edges = set()
    for done, (module, (path, is_package)) in enumerate(sources.items(), start=1):
        if progress:
            progress(done, len(sources))
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError, OSError):
            continue
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from .x import y, from .. import z
                    base = package.split(".") if package else []
                    base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                           for alias in node.names]
            else:
                continue
            for target in targets:
                item = module_of(target)
                if item is not None and item != module:
                    edges.add((module, item))
    return edges


def _read_cache():
    try:
        text = gzip.decompress(cache_path().read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    edges = [tuple(line.split()) for line in text.splitlines()]
    return edges if edges and all(len(e) == 2 for e in edges) else None


def _write_cache(edges):
    """One pair a line; written to a temporary file first, so that a reader never sees half."""
    path = cache_path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(gzip.compress("\n".join(f"{m} {i}" for m, i in edges).encode("utf-8"), 6))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a read-only checkout: collect again next time
