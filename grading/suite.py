"""The hidden suite's side of grading, wired in by tests/hidden/conftest.py: its options,
its markers, one worker per kata for the whole session, and the life of the `kata` fixture
around each check (the scale limit, watched inputs, and a sweep of whatever kata code
started). The judge (judge.py) runs the suite with these; so can anyone, by hand:
`pytest tests/hidden --kata-dir solutions`.
"""

from __future__ import annotations

import contextlib
import gc
import json
from pathlib import Path

import pytest

from . import cpu, procs, sandbox
from .catalogue import ROOT
from .confinement import Limits
from .sandbox import Kata

CALLABLES = ROOT / "tests" / "hidden" / "callables.py"


def pytest_addoption(parser):
    group = parser.getgroup("katas", "which kata files the hidden suite grades")
    group.addoption("--kata-dir", default=str(ROOT / "katas"), help="folder holding <kata>.py files")
    group.addoption("--kata-files", default="{}", help='JSON {"kata": "path" or null}, overrides --kata-dir')
    group.addoption("--limits", type=Limits.from_json, default=Limits(),
                    help="the workers' limits, JSON of grading.confinement.Limits (time, memory, confinement...)")


def pytest_configure(config):
    for line in ("points(weight): the check's weight among its kata's checks, shared by its parametrized cases",
                 "side: a side property (inputs unchanged, dtype, ...): earns points only with right values",
                 "validation: bad input raises a ValueError: weight 0.5, earns points only with right values",
                 "scale(cpu_seconds, why): each call may use cpu_seconds of CPU time on a reference machine; "
                 "weight 0.5"):
        config.addinivalue_line("markers", line)


def _kata_file(config, name):
    files = json.loads(config.getoption("--kata-files"))
    if name in files:
        return files[name] and Path(files[name])
    return Path(config.getoption("--kata-dir")) / f"{name}.py"


def pytest_collection_finish(session):
    """Start one worker per kata now, so that they all import while the first tests run."""
    config = session.config
    limits = config.getoption("--limits")
    config._katas = {}
    for item in session.items:
        name = getattr(item.module, "KATA", None)
        if name and name not in config._katas:
            config._katas[name] = Kata(name, _kata_file(config, name), limits, CALLABLES)


def pytest_sessionfinish(session):
    for proxy in getattr(session.config, "_katas", {}).values():
        proxy.close()


@pytest.fixture
def kata(request):
    """The kata of the test's module (its KATA), for one check."""
    katas = request.config._katas
    proxy = katas[request.module.KATA]
    proxy.take_output()
    proxy.take_calls()
    scale = request.node.get_closest_marker("scale")
    with contextlib.ExitStack() as stack:
        if scale is not None:  # the machine's speed scales the limit; how busy it is does not (CPU time)
            seconds, why = scale.args
            stack.enter_context(proxy.scaled(seconds * cpu.factor(), why))
        if request.node.get_closest_marker("side") is not None:  # checks.unchanged needs the arguments back
            stack.enter_context(proxy.watching_inputs())
        yield proxy
    if proxy.take_heavy():
        gc.collect()
    # Nothing the kata's code started survives its check. In the judge (a subreaper) that
    # includes orphans re-parented to it; elsewhere, what sits below the worker.
    if procs.IS_SUBREAPER:
        procs.sweep({pid: confined for p in katas.values() for pid, confined in p.workers().items()},
                    sandbox.fork_servers())
    else:
        proxy.sweep()
