"""The layout and the contract: every kata has its files, stubs and solutions define the
same public functions, stubs are not started, and the hidden suite never uses solutions/."""

import ast
import sys

import pytest

from grading import catalogue
from grading.catalogue import ROOT

from conftest import load_variants

KATAS = list(catalogue.KATAS)
ids = [k.name for k in KATAS]


def public_functions(path):
    tree = ast.parse(path.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}


def signature(fn: ast.FunctionDef) -> str:
    return ast.unparse(fn.args)


def test_catalogue_is_numbered_in_order():
    assert [k.number for k in KATAS] == list(range(1, len(KATAS) + 1))
    assert len({k.name for k in KATAS}) == len(KATAS)


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_every_kata_has_its_files(kata):
    for path in (kata.stub, kata.lesson, kata.solution, kata.suite, kata.variants):
        assert path.is_file(), f"{kata.name}: missing {path.relative_to(ROOT)}"


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_every_kata_has_progressive_hints(kata):
    assert len(kata.hints) >= 3, f"{kata.name} needs at least three hints"
    assert all(len(h) > 40 for h in kata.hints), f"{kata.name}: a hint should say something"


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_stub_and_solution_define_the_same_functions(kata):
    stub, solution = public_functions(kata.stub), public_functions(kata.solution)
    assert list(stub) == list(solution), f"{kata.name}: stub defines {list(stub)}, solution {list(solution)}"
    for name in stub:
        assert signature(stub[name]) == signature(solution[name]), f"{kata.name}.{name}: signatures differ"


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_stub_functions_are_not_started(kata):
    for name, fn in public_functions(kata.stub).items():
        body = [n for n in fn.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert ast.get_docstring(fn), f"{kata.name}.{name}: the stub needs a docstring"
        assert len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0]), \
            f"{kata.name}.{name}: a stub function only raises NotImplementedError"


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_kata_files_import_only_numpy_and_the_standard_library(kata):
    allowed = set(sys.stdlib_module_names) | {"numpy"}
    for path in (kata.stub, kata.solution):
        bad = {m for m in imported_modules(path) if m.split(".")[0] not in allowed}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_hidden_suite_and_grader_never_import_solutions():
    for path in sorted((ROOT / "tests" / "hidden").glob("*.py")) + sorted((ROOT / "grading").glob("*.py")):
        bad = [m for m in imported_modules(path) if m.split(".")[0] == "solutions"]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}: the hidden suite must not need solutions/"


@pytest.mark.parametrize("kata", KATAS, ids=ids)
def test_every_kata_keeps_known_wrong_and_correct_variants(kata):
    variants = load_variants(kata)
    wrong = [n for (group, n) in variants if group == "WRONG"]
    correct = [n for (group, n) in variants if group == "CORRECT"]
    assert len(wrong) >= 6, f"{kata.name} keeps {len(wrong)} known-wrong variants; at least 6"
    assert len(correct) >= 2, f"{kata.name} keeps {len(correct)} correct-but-different variants; at least 2"
    for (group, name), (description, code, caught_by) in variants.items():
        ast.parse(code)  # each variant is valid Python on its own
        assert group == "WRONG" or not caught_by, f"{kata.name}/{name}: only WRONG variants name checks"


def test_readme_lists_every_kata_in_order():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## The katas"):]
    positions = [table.find(f"| `{k.name}` |") for k in KATAS]
    assert all(p >= 0 for p in positions), "README.md should list every kata of the catalogue"
    assert positions == sorted(positions), "README.md should list the katas in catalogue order"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in readme
    assert "-m pytest" in ci and "requirements.txt" in ci
    for requirement in ("numpy", "pytest", "pytest-timeout"):
        assert requirement in (ROOT / "requirements.txt").read_text()


# ---------------------------------------------------------------- katas/KATAS.md, the contract

CONTRACT = ROOT / "katas" / "KATAS.md"
_MISSING = object()


def contract_functions() -> dict:
    """{kata: {function: [(parameter, default or _MISSING), ...]}} of katas/KATAS.md: each
    `## N. \\`name\\`` section, and in it each `name(parameters)` written as code and followed by
    `->` (the definitions; other code in the text, such as a lesson's identity, is no definition)."""
    import re

    found = {}
    for section in re.split(r"^## ", CONTRACT.read_text(), flags=re.M)[1:]:
        head = re.match(r"\d+\. `(\w+)`", section)
        if head is None:  # the shared rules
            continue
        functions = found.setdefault(head.group(1), {})
        for name, params in re.findall(r"`(\w+)\(([^`()]*)\)`\s*->", section):
            tree = ast.parse(f"def {name}({' '.join(params.split())}): pass").body[0]
            assert name not in functions, f"KATAS.md defines {head.group(1)}.{name} twice"
            functions[name] = parameters(tree)
    return found


def parameters(fn: ast.FunctionDef) -> list:
    """[(name, default value or _MISSING)] of a function's parameters, in order."""
    args = fn.args.posonlyargs + fn.args.args
    defaults = [_MISSING] * (len(args) - len(fn.args.defaults)) + [ast.literal_eval(d) for d in fn.args.defaults]
    pairs = list(zip((a.arg for a in args), defaults))
    pairs += [(a.arg, _MISSING if d is None else ast.literal_eval(d))
              for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)]
    return pairs


def _shown(params) -> str:
    return ", ".join(n if d is _MISSING else f"{n}={d!r}" for n, d in params)


def test_the_contract_is_in_the_repository():
    assert CONTRACT.is_file(), "katas/KATAS.md, the contract, is missing"
    assert "KATAS" not in {k.name.upper() for k in KATAS}, "the contract is no kata: no lesson may be katas/KATAS.md"
    assert all(k.lesson != CONTRACT for k in KATAS)
    assert "katas/KATAS.md" in (ROOT / "README.md").read_text(), "README.md should point to the contract"


def _contract_sections():
    return list(contract_functions()) if CONTRACT.is_file() else []


@pytest.mark.parametrize("name", _contract_sections())
def test_the_contract_and_the_stub_agree(name):
    """Every function the contract gives a kata of the catalogue is in its stub with the same
    parameters and defaults, and every public function of the stub is in the contract. A kata
    the contract gives but the catalogue does not have yet is skipped."""
    if name not in catalogue.BY_NAME:
        pytest.skip(f"{name} is in the contract but not in the catalogue yet")
    kata = catalogue.get(name)
    promised = contract_functions()[name]
    stub = public_functions(kata.stub)
    missing = [f for f in promised if f not in stub]
    assert not missing, f"{name}: the contract gives {missing}, which {kata.stub.name} does not define"
    extra = [f for f in stub if f not in promised]
    assert not extra, f"{name}: {kata.stub.name} defines {extra}, which the contract does not give"
    for f, params in promised.items():
        got = parameters(stub[f])
        assert got == params, f"{name}.{f}: the contract gives ({_shown(params)}), the stub ({_shown(got)})"


def test_the_contract_names_every_kata_of_the_catalogue_once():
    import re

    heads = re.findall(r"^## \d+\. `(\w+)`", CONTRACT.read_text(), flags=re.M)
    assert len(heads) == len(set(heads)), f"katas/KATAS.md has a kata twice: {heads}"
    assert [h for h in heads if h in catalogue.BY_NAME] == [k.name for k in KATAS], \
        "katas/KATAS.md should give the katas of the catalogue in catalogue order"
