"""Run docstring examples of a kata file: the module a worker loads for `--examples`.

The worker (worker.py) loads this file as it would a kata file, and the grader calls
`run(source, path, name, test)` through the sandbox once per docstring. The kata file's text
(`source`) comes as an argument: it is run here, in the worker, never in the grader, with
the worker's limits and confinement. Only plain data goes back: one dict per example.
"""

import doctest
import hashlib
import linecache
import sys
import traceback
import types

MAX_CHARS = 2000  # of one example's source, expected or actual output
MAX_EXAMPLES = 100  # per docstring

_modules = {}


def _module(source: str, path: str, name: str):
    """The kata file as a module, run once per text."""
    key = (path, hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest())
    if key not in _modules:
        linecache.cache[path] = (len(source), None, source.splitlines(True), path)
        module = types.ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)
        _modules.clear()
        _modules[key] = module
    return _modules[key]


def _clip(text) -> str:
    text = str(text)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + f"\n[... {len(text) - MAX_CHARS} more characters]"


def _exception(exc_info, path: str) -> dict:
    kind, value, tb = exc_info
    try:
        message = "".join(traceback.format_exception_only(kind, value)).strip()
    except BaseException:
        message = f"{kind.__name__}: <message could not be shown>"
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == path:
            line = frame.lineno
    return {"type": kind.__name__, "message": _clip(message), "line": line}


class _Recorder(doctest.DocTestRunner):
    def __init__(self, path: str):
        super().__init__(verbose=False, optionflags=0)  # as `python -m doctest` runs them
        self.path = path
        self.examples = []

    def _add(self, status, test, example, got="", error=None):
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"status": status, "line": test.lineno + example.lineno + 1,
                                  "source": _clip(example.source), "want": _clip(example.want),
                                  "got": _clip(got), "error": error})

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        self._add("passed", test, example, got)

    def report_failure(self, out, test, example, got):
        self._add("failed", test, example, got)

    def report_unexpected_exception(self, out, test, example, exc_info):
        error = _exception(exc_info, self.path)
        status = "not_started" if issubclass(exc_info[0], NotImplementedError) else "raised"
        self._add(status, test, example, error=error)


def run(source, path, name, test):
    """The examples of one docstring (`test`: {"name", "lineno" (0-based), "doc"}) run on the
    kata file's text: [{"status": passed | failed | raised | not_started, "line", "source",
    "want", "got", "error"}], or {"import_error": {...}} if the file does not run."""
    try:
        module = _module(source, path, name)
    except BaseException:
        return {"import_error": _exception(sys.exc_info(), path)}
    parser = doctest.DocTestParser()
    case = parser.get_doctest(test["doc"], dict(module.__dict__), f"{name}.{test['name']}", path, test["lineno"])
    recorder = _Recorder(path)
    recorder.run(case, out=lambda text: None, clear_globs=True)
    return recorder.examples
