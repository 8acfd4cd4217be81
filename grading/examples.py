"""`python grader.py --examples [KATA ...]`: the docstring examples of a kata file, run as the
grader runs kata code, and which of them differ.

The examples are found in the file's text (ast: nothing of it runs here), docstring by
docstring, and each docstring's examples run in a sandboxed worker (examples_worker.py),
as `python -m doctest` would run them: same output, compared the same way. A file with no
examples (the reference solutions keep none) is run with the examples of the kata's stub.
The examples are a first check, quick to read; the hidden suite checks far more.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue, safe, status
from .confinement import Limits
from .outcomes import CheckFailed

RUNNER = Path(__file__).with_name("examples_worker.py")
SHOWN = 8  # differing examples shown in full


@dataclass
class Docstring:
    name: str        # the function (or class, or "module") it documents
    lineno: int      # 0-based line of the docstring's first line in the file
    doc: str
    examples: list = field(default_factory=list)
    failure: str = ""  # why its examples could not run (a timeout, a crash...)

    @property
    def state(self) -> str:
        if self.failure:
            return "could not run"
        statuses = [e["status"] for e in self.examples]
        if "not_started" in statuses:
            return "not written yet"
        if all(s == "passed" for s in statuses):
            return "passes"
        return "differs"


@dataclass
class KataExamples:
    kata: catalogue.Kata
    file: Path | None
    origin: Path | None = None  # the file the examples were taken from (the stub, if not `file`)
    docstrings: list = field(default_factory=list)
    import_error: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.docstrings) and not self.import_error and all(d.state == "passes" for d in self.docstrings)


def collect(text: str) -> list:
    """The docstrings holding examples: the module's, each function's and class's (and their methods')."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []

    def visit(node, prefix=""):
        for child in getattr(node, "body", []):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                add(child, prefix + child.name)
                if isinstance(child, ast.ClassDef):
                    visit(child, prefix + child.name + ".")

    def add(node, name):
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str) and ">>>" in body[0].value.value:
            found.append(Docstring(name, body[0].value.lineno - 1, body[0].value.value))

    add(tree, "module")
    visit(tree)
    return found


def _clean(example: dict) -> dict:
    """An example's record as it came from the worker, coerced and made safe (it is kata output)."""
    example = example if isinstance(example, dict) else {}
    error = example.get("error") if isinstance(example.get("error"), dict) else None
    out = {"status": example.get("status") if example.get("status") in ("passed", "failed", "raised", "not_started")
           else "raised",
           "line": example["line"] if type(example.get("line")) is int else 0}
    for key in ("source", "want", "got"):
        out[key] = safe.text(example.get(key, ""), multiline=True) if isinstance(example.get(key), str) else ""
    out["error"] = None if error is None else {
        "message": safe.text(error.get("message", ""), multiline=True) if isinstance(error.get("message"), str) else "",
        "line": error.get("line") if type(error.get("line")) is int else None}
    return out


def run_kata(kata: catalogue.Kata, file, limits: Limits | None = None) -> KataExamples:
    from .sandbox import Kata

    result = KataExamples(kata, Path(file) if file else None)
    if file is None:
        return result
    text = Path(file).read_text(encoding="utf-8", errors="replace")
    docstrings, origin = collect(text), Path(file)
    if not docstrings and kata.stub.is_file() and Path(file).resolve() != kata.stub.resolve():
        docstrings, origin = collect(kata.stub.read_text(encoding="utf-8", errors="replace")), kata.stub
    result.origin, result.docstrings = origin, docstrings
    if not docstrings:
        return result
    proxy = Kata("kata_examples", RUNNER, limits or Limits(), cwd=Path(file).resolve().parent)
    try:
        for d in docstrings:
            test = {"name": d.name, "lineno": d.lineno, "doc": d.doc}
            try:
                answer = proxy.run(text, str(Path(file).resolve()), kata.name, test).value
            except CheckFailed as exc:
                d.failure = exc.message
                continue
            if isinstance(answer, dict) and isinstance(answer.get("import_error"), dict):
                error = answer["import_error"]
                line = f" (line {error['line']})" if type(error.get("line")) is int else ""
                message = error.get("message") if isinstance(error.get("message"), str) else "it raised"
                result.import_error = safe.text(message) + line
                break
            d.examples = [_clean(e) for e in answer] if isinstance(answer, list) else []
    finally:
        proxy.close()
    return result


_NUMPY_SCALAR = re.compile(r"^np\.(float|int|uint|complex|bool)\w*\((.*)\)$")


def numpy_scalar(got: str, want: str) -> bool:
    """Whether `got` is `want` shown as a numpy scalar (np.float64(0.5) for 0.5)."""
    found = _NUMPY_SCALAR.match(got.strip())
    return bool(found) and found.group(2) == want.strip()


def _indent(text: str, by: str = "      ") -> list:
    return [by + line for line in text.rstrip("\n").splitlines()] or [by]


def _block(d: Docstring, e: dict, where: str) -> list:
    lines = [f"{d.name}, {where}line {e['line']}:"]
    source = e["source"].rstrip("\n").splitlines()
    lines += [f"    >>> {source[0]}"] + [f"    ... {line}" for line in source[1:]]
    if e["status"] == "raised":
        lines += ["  expected:"] + _indent(e["want"] or "(nothing)") + ["  raised:"]
        lines += _indent(e["error"]["message"] if e["error"] else "an exception")
        if e["error"] and e["error"]["line"]:
            lines.append(f"      (at line {e['error']['line']} of your file)")
    else:
        lines += ["  expected:"] + _indent(e["want"] or "(nothing)") + ["  got:"] + _indent(e["got"] or "(nothing)")
        if numpy_scalar(e["got"], e["want"]):
            lines.append("  The value is right, but a numpy scalar: return a Python float (float(x)), as the "
                         "docstring says.")
    return lines


def report(result: KataExamples, details: bool = True) -> str:
    k, name = result.kata, result.kata.name
    if result.file is None:
        return f"{k.number}. {name}: there is no {name}.py to run."
    head = f"{k.number}. {name}: the docstring examples of {status.rel(result.origin or result.file)}"
    if result.origin is not None and result.origin != result.file:
        head += f", run on {status.rel(result.file)} (which has none of its own)"
    lines = [head]
    if not result.docstrings:
        return "\n".join(lines + ["  no docstring examples here."])
    if result.import_error:
        return "\n".join(lines + [f"  {status.rel(result.file)} does not run: {result.import_error}. "
                                  f"Fix this first (python grader.py {name} says more)."])
    width = max(len(d.name) for d in result.docstrings)
    for d in result.docstrings:
        n = len(d.examples)
        count = f"{n} example{'s' if n != 1 else ''}"
        state = d.state
        if state == "differs":
            bad = sum(e["status"] != "passed" for e in d.examples)
            state = f"{bad} of {n} differ" if n > 1 else "differs"
        lines.append(f"  {d.name:<{width}}  {count:<11}  {state}")
    if details:
        where = "" if result.origin == result.file else f"{status.rel(result.origin)} "
        blocks = [(d, e) for d in result.docstrings if d.state == "differs"
                  for e in d.examples if e["status"] in ("failed", "raised")]
        for d, e in blocks[:SHOWN]:
            lines += [""] + _block(d, e, where)
        if len(blocks) > SHOWN:
            lines += ["", f"... and {len(blocks) - SHOWN} more examples that differ."]
        for d in result.docstrings:
            if d.failure:
                lines += ["", f"{d.name}: {d.failure}"]
    passing = sum(d.state == "passes" for d in result.docstrings)
    unwritten = sum(d.state == "not written yet" for d in result.docstrings)
    lines += ["", f"  {passing} of {len(result.docstrings)} docstrings' examples pass"
                  + (f" ({unwritten} not written yet)" if unwritten else "") + "."]
    return "\n".join(lines)


def run(source, names: list, limits: Limits | None = None) -> int:
    """Print the examples of each kata (every kata's one line each, and the differing examples
    of the katas named, or of the first kata whose examples do not all pass); exit status 0 if
    every example passes."""
    katas = [catalogue.get(n) for n in names] if names else list(catalogue.KATAS)
    results = [run_kata(k, source.files.get(k.name), limits) for k in katas]
    detailed = names or [next((r.kata.name for r in results if not r.passed), None)]
    print("\n\n".join(report(r, details=r.kata.name in detailed) for r in results))
    print("\nExamples run in a separate process, as the grader runs your code. They are a first check: "
          "python grader.py " + (names[0] if len(names) == 1 else "KATA") + " runs the hidden checks.")
    return 0 if all(r.passed for r in results) else 1
