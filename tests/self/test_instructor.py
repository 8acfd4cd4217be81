"""Instructor mode: --submission, --batch, the grade sheet, Gradescope's autograder end to end,
copied-code detection, and containment of hostile submissions (the class-scale tools:
test_class_tools.py).

The hostile submissions are graded together in one batch: each is a copy of every reference
solution with kata 1 replaced by code that misbehaves. Each must lose kata 1's points (or
keep them, when it misbehaves but answers right) and nothing else, and the batch must finish.
"""

import ast
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from grading import catalogue, gradescope, similarity
from grading.catalogue import ROOT

FIRST = catalogue.KATAS[0]
OTHERS = catalogue.KATAS[1:]
# The hostile batch grades kata 1, where the hostile code is, and one other kata, which must
# keep its points: that shows the containment, at a fraction of the cost of every kata.
GRADED = [FIRST, OTHERS[0]]
MARKER = "kata-hostile-marker-7f3a"

REFERENCE = FIRST.solution.read_text()


def override(code):
    """The reference kata 1 with some functions redefined by `code`."""
    return REFERENCE + "\n\n" + textwrap.dedent(code)


WRONG_ZEROS = """
    def one_hot(ids, num_classes):
        return np.zeros(np.shape(ids) + (num_classes,))
    def lookup(table, ids):
        return np.zeros(np.shape(ids) + (np.shape(table)[1],))
    def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
        return np.zeros((num_embeddings, np.shape(grad_out)[-1]))
    def bag_mean(table, ids, padding_idx=None):
        return np.zeros((np.shape(ids)[0], np.shape(table)[1]))
    def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
        return np.zeros((num_embeddings, np.shape(grad_out)[1]))
"""

# name -> (kata 1 source, the most kata 1 may score, the least it may score)
HOSTILE = {
    "exit_at_import": ("import os\nos._exit(0)\n" + REFERENCE, 0, 0),
    "sys_exit_at_import": ("import sys\nsys.exit(0)\n" + REFERENCE, 0, 0),
    "sleep_at_import": ("import time\ntime.sleep(600)\n" + REFERENCE, 0, 0),
    "syntax_error": (REFERENCE + "\ndef broken(:\n    pass\n", 0, 0),
    "os_exit_in_a_call": (override("""
        def one_hot(ids, num_classes):
            import os
            os._exit(3)
    """), 9, 5),
    "sys_exit_in_a_call": (override("""
        def lookup(table, ids):
            import sys
            sys.exit(0)
    """), 9, 5),
    "endless_loop": (override("""
        def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
            while True:
                pass
    """), 8, 1),
    "memory_hog": (override("""
        def bag_mean(table, ids, padding_idx=None):
            everything = np.ones((100_000, 100_000))  # 80 GB, far beyond the worker's cap
            return everything[: len(ids)]
    """), 9, 5),
    "print_flood": (override("""
        _lookup = lookup
        def lookup(table, ids):
            print("x" * 100_000_000)
            return _lookup(table, ids)
    """), 10, 10),
    "rigged_equality": (override("""
        class Always:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = object.__hash__
        class AlwaysArray(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(self), dtype=bool)
            def __array_finalize__(self, obj): pass
        class AlwaysFloat(float):
            def __eq__(self, other): return True
        def one_hot(ids, num_classes):
            return np.zeros(np.shape(ids) + (num_classes,)).view(AlwaysArray)
        def lookup(table, ids):
            return Always()
        def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
            return AlwaysFloat(0.0)
        def bag_mean(table, ids, padding_idx=None):
            return [Always()]
        def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
            return {"__array__": 0}
    """), 1, 0),
    "patched_comparisons": ("""
import numpy as np
import numpy.testing
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *a, **k: True
try:
    import pytest
    pytest.approx = lambda *a, **k: type("Eq", (), {"__eq__": lambda s, o: True})()
except ImportError:
    pass
""" + textwrap.dedent(WRONG_ZEROS), 0, 0),
    "fake_reports": ("""
import json
import numpy as np
print("=" * 30, "32 passed in 0.10s", "=" * 30)
print(json.dumps({"score": 10, "max_score": 10, "tests": []}))
""" + textwrap.dedent(WRONG_ZEROS).replace("    return np.zeros", "    print('PASSED', json.dumps({'score': 100}))\n    return np.zeros"), 0, 0),
    "orphan_process": (override(f"""
        _one_hot = one_hot
        def one_hot(ids, num_classes):
            import os, subprocess, sys
            subprocess.Popen([sys.executable, "-c",
                              "import os, time\\nif os.fork(): os._exit(0)\\nos.setsid()\\n"
                              "while True:\\n    time.sleep(0.05)  # {MARKER}\\n"],
                             start_new_session=True)
            return _one_hot(ids, num_classes)
    """), 10, 10),
    "escape_by_signals": (override("""
        _lookup = lookup
        def lookup(table, ids):
            import os, signal
            for target in (os.getppid(), 0):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return _lookup(table, ids)
    """), 10, 5),
}


def make_submission(folder: Path, name: str, first_source: str, extra=None):
    sub = folder / name
    sub.mkdir()
    for k in OTHERS:
        shutil.copy(k.solution, sub / f"{k.name}.py")
    (sub / f"{FIRST.name}.py").write_text(first_source)
    for file, text in (extra or {}).items():
        (sub / file).write_text(text)
    return sub


def grader(*args, timeout=900):
    proc = subprocess.run([sys.executable, str(ROOT / "grader.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def survivors():
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if MARKER in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    for name, (source, _, _) in HOSTILE.items():
        make_submission(folder, name, source)
    make_submission(folder, "honest", REFERENCE)
    make_submission(folder, "conftest_and_ini", FIRST.stub.read_text(), {
        "conftest.py": "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
                       "    out = yield\n    out.get_result().outcome = 'passed'\n",
        "pytest.ini": "[pytest]\naddopts = -p no:terminal\n",
    })
    out = tmp_path_factory.mktemp("out")
    start = time.monotonic()
    code, stdout, stderr = grader("--batch", str(folder), "--out", str(out / "grades.csv"), "-j", "2",
                                  "--json-dir", str(out / "json"), "--call-seconds", "3", "--kata-seconds", "20",
                                  *[k.name for k in GRADED])
    seconds = time.monotonic() - start
    with open(out / "grades.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return {"code": code, "stdout": stdout, "stderr": stderr, "rows": rows, "out": out, "seconds": seconds,
            "header": (out / "grades.csv").read_text().splitlines()[0]}


@pytest.mark.slow
def test_batch_finishes_and_writes_the_grade_sheet(hostile_batch):
    assert hostile_batch["code"] == 0, hostile_batch["stderr"]
    expected = ["submission", *[k.name for k in GRADED], "total", "max_score", "notes"]
    assert hostile_batch["header"].split(",") == expected
    assert set(hostile_batch["rows"]) == set(HOSTILE) | {"honest", "conftest_and_ini"}
    assert f"graded {len(HOSTILE) + 2}/{len(HOSTILE) + 2}" in hostile_batch["stderr"]


@pytest.mark.slow
def test_an_honest_submission_gets_full_marks_in_a_hostile_batch(hostile_batch):
    row = hostile_batch["rows"]["honest"]
    total = sum(k.points for k in GRADED)
    assert float(row["total"]) == float(row["max_score"]) == total
    assert [n for n in row["notes"].split("; ") if not n.startswith("confinement: ")] == [], row["notes"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_kata_costs_only_its_own_points(hostile_batch, name):
    row = hostile_batch["rows"][name]
    _, most, least = HOSTILE[name]
    assert least <= float(row[FIRST.name]) <= most, (name, row)
    for k in GRADED[1:]:
        assert float(row[k.name]) == k.points, (name, k.name, row[k.name], row["notes"])


@pytest.mark.slow
def test_a_shipped_conftest_or_pytest_ini_is_ignored(hostile_batch):
    row = hostile_batch["rows"]["conftest_and_ini"]
    assert float(row[FIRST.name]) == 0


@pytest.mark.slow
def test_notes_say_what_went_wrong(hostile_batch):
    rows = hostile_batch["rows"]
    assert "does not import" in rows["syntax_error"]["notes"]
    assert "does not import" in rows["sleep_at_import"]["notes"]
    assert "timeouts" in rows["endless_loop"]["notes"]
    assert "crashes" in rows["os_exit_in_a_call"]["notes"]


@pytest.mark.slow
def test_no_process_outlives_its_grading(hostile_batch):
    time.sleep(0.5)
    assert survivors() == []


@pytest.mark.slow
def test_json_dir_holds_one_gradescope_file_per_submission(hostile_batch):
    folder = hostile_batch["out"] / "json"
    names = {p.stem for p in folder.glob("*.json")}
    assert names == set(hostile_batch["rows"])
    honest = json.loads((folder / "honest.json").read_text())
    assert honest["score"] == sum(k.points for k in GRADED)


def test_a_judge_killed_by_kata_code_costs_that_kata_only(tmp_path):
    """Without confinement (a learner's own machine) kata code can reach its judge: grading
    falls back to one judge per kata."""
    killer = textwrap.dedent("""
        import os, signal
        judge = os.getppid()
        with open(f"/proc/{judge}/cmdline", "rb") as f:
            if b"--fork-server" in f.read():  # a forked worker: the judge is one step further up
                with open(f"/proc/{judge}/stat") as g:
                    judge = int(g.read().rsplit(")", 1)[1].split()[1])
        os.kill(judge, signal.SIGKILL)
    """)
    sub = make_submission(tmp_path, "killer", killer + REFERENCE)
    code, out, _ = grader("--source", str(sub), *[k.name for k in GRADED])
    assert code == 1
    assert any(r.split()[1:4] == [FIRST.name, "not", "graded"] for r in out.splitlines()), out
    for k in GRADED[1:]:
        assert any(r.split()[1:3] == [k.name, "done"] for r in out.splitlines()), out


def test_a_zipped_repository_is_found_and_its_other_files_ignored(tmp_path):
    archive = tmp_path / "student.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for k in catalogue.KATAS:
            z.writestr(f"student-repo-main/katas/{k.name}.py", k.solution.read_text())
        z.writestr("student-repo-main/conftest.py", "raise SystemExit('never imported')\n")
        z.writestr("student-repo-main/katas/../../escape.py", "x = 1\n")
    path = tmp_path / "results.json"
    code, out, _ = grader("--submission", str(archive), "--json", str(path), *[k.name for k in GRADED])
    assert code == 0, out
    assert json.loads(path.read_text())["score"] == sum(k.points for k in GRADED)


def test_missing_files_score_zero_with_a_note(tmp_path):
    sub = tmp_path / "partial"
    sub.mkdir()
    shutil.copy(FIRST.solution, sub / f"{FIRST.name}.py")
    (sub / "notes.txt").write_text("hello")
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.move(str(sub), folder / "partial")
    out = tmp_path / "grades.csv"
    code, _, _ = grader("--batch", str(folder), "--out", str(out), FIRST.name, OTHERS[0].name if OTHERS else FIRST.name)
    assert code == 0
    row = next(csv.DictReader(out.open()))
    assert float(row[FIRST.name]) == FIRST.points
    if OTHERS:
        assert float(row[OTHERS[0].name]) == 0 and f"{OTHERS[0].name}: missing" in row["notes"]


def test_links_in_a_submission_are_not_followed(tmp_path):
    sub = tmp_path / "linker"
    sub.mkdir()
    (sub / f"{FIRST.name}.py").symlink_to(FIRST.solution)
    code, out, _ = grader("--submission", str(sub), FIRST.name)
    assert code == 1 and "is a link (links are not followed)" in out


def test_independent_solutions_get_full_marks(tmp_path):
    sub = tmp_path / "independent"
    sub.mkdir()
    shutil.copy(ROOT / "tests" / "self" / "data" / "lookup_tables_independent.py", sub / f"{FIRST.name}.py")
    code, out, _ = grader("--submission", str(sub), FIRST.name)
    assert code == 0, out


# ---------------------------------------------------------------- platforms

def test_gradescope_autograder_runs_end_to_end(tmp_path):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    archive = gradescope.build_zip(tmp_path / "autograder.zip")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "grader.py", "requirements.txt"} <= set(names)
        assert not any(n.startswith(("solutions/", "katas/")) for n in names)
        z.extractall(root / "source")
    for k in catalogue.KATAS:
        shutil.copy(k.solution, root / "submission" / f"{k.name}.py")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == sum(k.points for k in catalogue.KATAS)
    assert all(t["status"] == "passed" for t in results["tests"])


# ---------------------------------------------------------------- copied code

def disguise(text: str, seed: int) -> str:
    """Rename every assigned name, shuffle the functions, rewrite every comment."""
    tree = ast.parse(text)
    rng = random.Random(seed)
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    rest = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    rng.shuffle(funcs)
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.setdefault(node.id, f"my_{len(names)}_{seed}")
        if isinstance(node, ast.arg) and node.arg not in ("ids", "table", "grad_out", "num_classes",
                                                           "num_embeddings", "padding_idx"):
            names.setdefault(node.arg, f"arg_{len(names)}_{seed}")

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            node.id = names.get(node.id, node.id)
            return node

        def visit_arg(self, node):
            node.arg = names.get(node.arg, node.arg)
            return node

    tree.body = rest + funcs
    return "# All my own work.\n" + ast.unparse(Rename().visit(tree)).replace("\n\n", "\n\n# next step\n")


def test_disguised_copies_are_flagged_and_independent_work_is_not(tmp_path):
    independent = (ROOT / "tests" / "self" / "data" / "lookup_tables_independent.py").read_text()
    folder = tmp_path / "class"
    folder.mkdir()
    for name, text in {"ana": disguise(REFERENCE, 1), "ben": disguise(REFERENCE, 2),
                       "cleo": independent, "dev": disguise(independent, 3)}.items():
        (folder / name).mkdir()
        (folder / name / f"{FIRST.name}.py").write_text(text)
    out = tmp_path / "pairs.csv"
    code, _, err = grader("--batch", str(folder), "--similarity", str(out), FIRST.name)
    assert code == 0, err
    flagged = {frozenset((r["submission_a"], r["submission_b"])) for r in csv.DictReader(out.open())
               if r["kata"] == FIRST.name}
    assert flagged == {frozenset(p) for p in [("ana", "ben"), ("ana", "solutions/"), ("ben", "solutions/"),
                                                ("cleo", "dev")]}


def test_similarity_ignores_what_every_learner_starts_from():
    stub = FIRST.stub.read_text()
    base = frozenset(similarity.fingerprints(stub))
    assert similarity.similarity(similarity.fingerprints(stub, base), similarity.fingerprints(stub, base)) == 0.0
