"""Shared fixtures of the project's own tests: the hidden suite run once on the
reference solutions and once on the untouched stubs, and every kata variant graded."""

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading import catalogue, judge  # noqa: E402

KATAS = [k.name for k in catalogue.KATAS]


def load_variants(kata):
    """The WRONG, SLOW and CORRECT variants of a kata: {(group, name): (description, code)}.
    A kata without its variants file has none here; test_contract reports the missing file."""
    if not kata.mutants.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"_variants_{kata.name}", kata.mutants)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = {}
    for group in ("WRONG", "SLOW", "CORRECT"):
        for name, (description, code) in getattr(module, group, {}).items():
            found[(group, name)] = (description, code)
    return found


def all_variants():
    return [(k.name, group, name) for k in catalogue.KATAS for (group, name) in load_variants(k)]


class _Graded:
    """Grades on demand, once per kata, so that each kata's checks stand on their own."""

    def __init__(self, run):
        self._run, self._cache = run, {}

    def __getitem__(self, kata):
        if kata not in self._cache:
            self._cache[kata] = self._run(kata)
        return self._cache[kata]


@pytest.fixture(scope="session")
def solution_records():
    return _Graded(lambda name: judge.run([name], {name: catalogue.get(name).solution}))


@pytest.fixture(scope="session")
def stub_records():
    return _Graded(lambda name: judge.run([name], {name: catalogue.get(name).stub}))


@pytest.fixture(scope="session")
def variant_records(tmp_path_factory):
    """{kata: {(group, name): records}}: every variant of a kata, graded two at a time."""

    def grade_all(kata_name):
        kata = catalogue.get(kata_name)
        reference = kata.solution.read_text()
        jobs = []
        for (group, name), (description, code) in load_variants(kata).items():
            folder = tmp_path_factory.mktemp(f"{kata.name}-{name}")
            path = folder / f"{kata.name}.py"
            path.write_text(f"{reference}\n\n# ---- variant {name}: {description}\n{code}")
            jobs.append(((group, name), path))

        def grade(job):
            key, path = job
            return key, judge.run([kata.name], {kata.name: path})

        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(pool.map(grade, jobs))

    return _Graded(grade_all)
