"""The docstring examples of the stubs are the learners' first self-check: every public
function has some, and every one of them, run against the reference solution's functions,
prints exactly what the docstring says (doctest)."""

import ast
import doctest
import importlib.util

import numpy as np
import pytest

from grading import catalogue

KATAS = list(catalogue.KATAS)
DEFAULT_PRINTING = dict(precision=8, threshold=1000, edgeitems=3, linewidth=75, suppress=False, nanstr="nan",
                        infstr="inf", sign="-", floatmode="maxprec", legacy=False)
ids = [k.name for k in KATAS]


def _stub_functions(kata):
    tree = ast.parse(kata.stub.read_text())
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


def _examples(kata, fn, globs):
    doc = ast.get_docstring(fn, clean=True) or ""
    return doctest.DocTestParser().get_doctest(doc, globs, f"{kata.name}.{fn.name}", str(kata.stub), fn.lineno)


def _solution_namespace(kata) -> dict:
    spec = importlib.util.spec_from_file_location(f"_reference_{kata.name}", kata.solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_every_public_function_has_an_example(kata):
    bare = [fn.name for fn in _stub_functions(kata) if not _examples(kata, fn, {}).examples]
    assert not bare, f"{kata.name}: give {bare} a docstring example (>>> ...) that a learner can run"


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_docstring_examples_pass_on_the_reference(kata):
    """Each function's examples run in a fresh copy of the reference module's namespace, so
    that `>>> one_hot(...)` calls the reference's one_hot, with numpy's default printing."""
    namespace = _solution_namespace(kata)
    report = []
    runner = doctest.DocTestRunner(verbose=False)  # no option flags: as `python -m doctest` runs them
    with np.printoptions(**DEFAULT_PRINTING):
        for fn in _stub_functions(kata):
            runner.run(_examples(kata, fn, dict(namespace)), out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted, f"{kata.name}: no docstring example ran"
    assert not failed, f"{kata.name}: {failed} of {attempted} docstring examples fail on the reference:\n" + \
        "".join(report)


def _blocks(markdown: str):
    """(language, text) of each fenced code block, in order."""
    import re

    return re.findall(r"^```(\w*)\n(.*?)^```$", markdown, flags=re.M | re.S)


def _prints(kata) -> bool:
    return kata.lesson.is_file() and any(language == "python" and "print(" in code
                                         for language, code in _blocks(kata.lesson.read_text()))


@pytest.mark.parametrize("kata", [k for k in KATAS if _prints(k)], ids=lambda k: k.name)
def test_lesson_code_prints_what_the_lesson_shows(kata):
    """A ```python block of a lesson that prints is followed by a block of exactly what it prints
    (run with the reference's functions): the numbers a lesson quotes come from its own code."""
    import contextlib
    import io

    blocks = _blocks(kata.lesson.read_text())
    ran = 0
    for i, (language, code) in enumerate(blocks):
        if language != "python" or "print(" not in code:
            continue
        assert i + 1 < len(blocks) and blocks[i + 1][0] == "", \
            f"{kata.lesson.name}: a ```python block that prints is followed by a ``` block of its output"
        out = io.StringIO()
        with contextlib.redirect_stdout(out), np.printoptions(**DEFAULT_PRINTING):
            exec(compile(code, f"{kata.lesson.name} block {i}", "exec"), dict(_solution_namespace(kata)))
        shown = [line.rstrip() for line in blocks[i + 1][1].splitlines()]
        printed = [line.rstrip() for line in out.getvalue().splitlines()]
        assert printed == shown, f"{kata.lesson.name}: the code prints\n" + "\n".join(printed)
