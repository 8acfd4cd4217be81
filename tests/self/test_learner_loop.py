"""The learner's loop as a tool: --list from the last grades, a warm --watch that says what
changed, Jupyter (import grader from katas/ too, HTML reports, hint and status, in a real
kernel), --examples in a sandboxed worker, and demos that say which kata they need."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading import catalogue, demos, examples, sources, status
from grading.catalogue import ROOT
from grading.confinement import Limits
from grading.report import Report
from grading.results import grade

FIRST = catalogue.KATAS[0]


def grader(*args, env=None, cwd=ROOT, root=ROOT, timeout=300):
    proc = subprocess.run([sys.executable, str(root / "grader.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def own_state(tmp_path):
    return {"GRADER_STATE": str(tmp_path / "state.json")}


@pytest.fixture
def learner_copy(tmp_path):
    """The project as learners get it: no solutions/ folder, the stubs in katas/."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "grader.py", copy / "grader.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache")
    for part in ("grading", "demos", "katas", "tests/hidden"):
        shutil.copytree(ROOT / part, copy / part, ignore=ignore)
    return copy


# ---------------------------------------------------------------- --list

def row_of(out, name):
    return next(line for line in out.splitlines() if line.split()[1:2] == [name])


def test_list_tells_each_kata_as_its_last_grade_found_it(tmp_path, own_state):
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(FIRST.solution, folder / f"{FIRST.name}.py")
    second = catalogue.KATAS[1]
    shutil.copy(second.stub, folder / f"{second.name}.py")

    code, out, _ = grader("--list", "--source", str(folder), env=own_state)
    assert code == 0
    assert "not graded yet" in row_of(out, FIRST.name) and "not graded yet" in row_of(out, second.name)
    assert "missing" in row_of(out, catalogue.KATAS[2].name)

    grader("--source", str(folder), FIRST.name, second.name, env=own_state)
    code, out, _ = grader("--list", "--source", str(folder), env=own_state)
    assert code == 0
    assert "done" in row_of(out, FIRST.name) and f"{FIRST.points}/{FIRST.points}" in row_of(out, FIRST.name)
    assert "not started" in row_of(out, second.name)

    with open(folder / f"{FIRST.name}.py", "a") as f:
        f.write("\n# an edit\n")
    code, out, _ = grader("--list", "--source", str(folder), env=own_state)
    assert "changed since last graded" in row_of(out, FIRST.name)
    assert "not started" in row_of(out, second.name)
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{FIRST.name}.py", f"{second.name}.py"])

    saved = json.loads(Path(own_state["GRADER_STATE"]).read_text())
    kept = saved["grades"][str((folder / f"{FIRST.name}.py").resolve())]
    assert kept["status"] == "done" and kept["passed"] == kept["checks"] > 0 and len(kept["sha256"]) == 64


def test_list_loads_neither_numpy_nor_pytest(own_state):
    proc = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "grader.py"), "--list"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, **own_state}, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    assert not {m for m in imported if m.split(".")[0] in ("numpy", "pytest", "_pytest")}
    assert "grading.status" in imported


def test_the_state_file_stays_out_of_git():
    assert Path(os.environ["GRADER_STATE"]).parent != ROOT  # the tests use a scratch file (conftest)
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".grader-state.json" in ignored
    if shutil.which("git") and (ROOT / ".git").exists():
        proc = subprocess.run(["git", "check-ignore", "-q", ".grader-state.json"], cwd=ROOT)
        assert proc.returncode == 0


def test_a_submission_is_never_remembered(tmp_path, own_state):
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(FIRST.solution, folder / f"{FIRST.name}.py")
    grader("--submission", str(folder), FIRST.name, "--require-confinement", "none", env=own_state)
    assert not Path(own_state["GRADER_STATE"]).exists() or not json.loads(
        Path(own_state["GRADER_STATE"]).read_text()).get("grades")


# ---------------------------------------------------------------- --watch

def test_watch_shows_the_untimed_checks_first_and_what_changed(tmp_path, own_state):
    kata = catalogue.get("similarity")  # a kata with scale checks
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / f"{kata.name}.py"
    shutil.copy(kata.solution, target)
    proc = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "--watch", kata.name, "--source", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env={**os.environ, "NO_COLOR": "1", **own_state})
    seen = []

    def wait_for(text, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if text in line:
                return len(seen)
        raise AssertionError(f"no {text!r} in {''.join(seen)}")

    try:
        wait_for("Watching")
        broken = kata.solution.read_text() + "\n\ndef normalize(X, eps=1e-12):\n    return X\n"
        target.write_text(broken)
        early = wait_for("Timing the scale checks again")
        late = wait_for("Watching")
        text = "".join(seen)
        second_save = "".join(seen[seen.index(next(s for s in seen if "Since the last save" in s)):])
        assert re.search(r"Since the last save: 0 newly passing, \d+ newly failing", second_save)
        assert "- normalize scales every row to length 1" in second_save
        assert early < late
        target.write_text(kata.solution.read_text())
        wait_for("Watching")
        assert re.search(r"Since the last save: \d+ newly passing, 0 newly failing", "".join(seen[late:]))
        assert "Traceback" not in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0  # a TERM stops it as Ctrl-C does


# ---------------------------------------------------------------- Jupyter

def test_import_grader_works_from_katas_and_gives_the_root_grader(own_state):
    code = ("import grader, sys; print(grader.__file__); "
            "print(all(callable(getattr(grader, f)) for f in ('check', 'hint', 'status')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "katas",
                          env={**os.environ, **own_state}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    path, callables = proc.stdout.split()
    assert Path(path) == ROOT / "grader.py" and callables == "True"
    code, out, _ = grader("--list", FIRST.name, cwd=ROOT / "katas", root=ROOT / "katas", env=own_state)
    assert code == 0 and FIRST.name in out


def test_the_katas_grader_is_no_kata(tmp_path):
    assert "grader" not in catalogue.BY_NAME
    assert set(sources.learner().files) == set(catalogue.BY_NAME)
    student = tmp_path / "student"
    shutil.copytree(ROOT / "katas", student / "katas")
    taken = sources.submission(student)
    try:
        assert set(taken.files) == set(catalogue.BY_NAME)
        assert all(p is None or p.name != "grader.py" for p in taken.files.values())
    finally:
        taken.close()


def test_a_report_shows_as_html_with_kata_text_escaped(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / f"{FIRST.name}.py").write_text(FIRST.solution.read_text() + '''

def lookup(table, ids):
    print("<script>alert('out')</script>")
    raise ValueError("<b>not bold</b> & <i>not italic</i>")
''')
    result = Report(grade(sources.folder(folder), [FIRST.name], detailed=True))
    page = result._repr_html_()
    assert "<table" in page and "in progress" in page and "#fff3cd" in page  # the status, in its colour
    assert "<script>" not in page and "<b>not bold" not in page
    assert "&lt;script&gt;alert(&#x27;out&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;i&gt;" in page
    assert f'grader.hint(&quot;{FIRST.name}&quot;)' in page or f'grader.hint("{FIRST.name}")' in page
    assert str(result) == repr(result) and "<" not in str(result).split("\n")[0]
    summary = Report(grade(sources.folder(folder), [FIRST.name]))._repr_html_()
    assert summary.count("&#10007;") == 1  # the first failure only
    assert "more failing" in summary


def test_status_shows_as_text_and_html(tmp_path):
    view = status.Status("katas/", sources.learner().files)
    assert len(view.rows) == len(catalogue.KATAS)
    assert "<table" in view._repr_html_() and FIRST.name in str(view)


def test_grader_in_a_jupyter_kernel(learner_copy):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (tests/requirements.txt)")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (tests/requirements.txt)")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (tests/requirements.txt)")
    cells = [
        'import grader\nresult = grader.check("lookup_tables")\nresult',
        'grader.check("lookup_tables")',
        'grader.status("lookup_tables")',
        'grader.hint("similarity")',
        'print(type(grader.check("lookup_tables")).__name__)',
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(learner_copy / "katas")}})
    try:
        with client.setup_kernel():
            client.execute_cell(notebook.cells[0], 0)
            (learner_copy / "katas" / f"{FIRST.name}.py").write_text(FIRST.solution.read_text())  # the learner's edit
            for i in range(1, len(cells)):
                client.execute_cell(notebook.cells[i], i)
    except RuntimeError as exc:  # no kernel could be started here
        if "kernel" in str(exc).lower():
            pytest.skip(f"no Jupyter kernel could be started: {exc}")
        raise

    def shown(i, kind):
        outputs = notebook.cells[i].outputs
        return "".join(o.get("data", {}).get(kind, "") if "data" in o else o.get("text", "") for o in outputs)

    first, second = shown(0, "text/html"), shown(1, "text/html")
    assert "<table" in first and "not started" in first and "katas/lookup_tables.py" in first
    assert "<table" in second and "done" in second and f"{FIRST.points}/{FIRST.points}" in second
    assert "Every check passes" in second
    assert "Grading katas/" in shown(1, "text/plain")  # the text, for what cannot show HTML
    assert "done" in shown(2, "text/html") and "<table" in shown(2, "text/html")
    assert "Hint 1 of" in shown(3, "text/html") and 'grader.hint("similarity")' in shown(3, "text/plain")
    assert shown(4, "text/plain").strip() == "Report"
    errors = [o for c in notebook.cells for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, errors


# ---------------------------------------------------------------- --examples

def test_examples_of_every_stub_pass_on_the_reference():
    code, out, err = grader("--examples", "--solutions")
    assert code == 0, out + err
    assert "differ" not in out and "could not run" not in out
    for k in catalogue.KATAS:
        assert re.search(rf"{k.number}\. {k.name}: the docstring examples of katas/{k.name}.py", out)


def test_examples_say_which_differ_and_which_are_not_written(tmp_path, own_state):
    kata = catalogue.get("infonce")
    folder = tmp_path / "work"
    folder.mkdir()
    text = kata.stub.read_text().replace('''    raise NotImplementedError


def info_nce(''', '''    X = np.asarray(X, dtype=float)
    print("\\x1b[2J")
    return np.log(np.sum(np.exp(X), axis=axis))


def info_nce(''', 1)
    assert text != kata.stub.read_text()
    (folder / f"{kata.name}.py").write_text(text)
    code, out, _ = grader("--examples", kata.name, "--source", str(folder), env=own_state)
    assert code == 1
    assert re.search(r"logsumexp\s+\d+ examples\s+\d+ of \d+ differ", out)
    assert re.search(r"info_nce\s+2 examples\s+not written yet", out)
    assert ">>> logsumexp([[0.0, 0.0], [1000.0, 1000.0]])" in out and "expected:" in out and "got:" in out
    assert "\\x1b[2J" in out and "\x1b" not in out  # kata output, made safe


def test_examples_run_in_a_worker_never_in_the_grader(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    marker = tmp_path / "pid"
    (folder / f"{FIRST.name}.py").write_text(f'''import os
open({str(marker)!r}, "w").write(str(os.getpid()))


def one_hot(ids, num_classes):
    """
    >>> one_hot([0], 1)
    1
    """
    return 1


def lookup(table, ids):
    """
    >>> lookup(None, None)
    2
    """
    while True:
        pass
''')
    result = examples.run_kata(FIRST, folder / f"{FIRST.name}.py", Limits(call_seconds=2.0))
    assert int(marker.read_text()) != os.getpid()
    states = {d.name: d.state for d in result.docstrings}
    assert states == {"one_hot": "passes", "lookup": "could not run"}
    assert "still running after 2 s" in next(d.failure for d in result.docstrings if d.name == "lookup")


# ---------------------------------------------------------------- demos

def test_unwritten_finds_the_stubs_functions(tmp_path):
    path = tmp_path / "k.py"
    path.write_text('def a():\n    """doc"""\n    raise NotImplementedError\n\n'
                    'def b():\n    raise NotImplementedError("later")\n\n'
                    'def c():\n    """doc"""\n    return 1\n')
    assert demos.unwritten(path, ("a", "b", "c", "d")) == ["a", "b", "d"]
    stub = catalogue.get("whitening").stub
    assert demos.unwritten(stub, ("fit_whitening",)) == ["fit_whitening"]
    assert demos.unwritten(catalogue.get("whitening").solution, ("fit_whitening",)) == []


def test_a_demo_names_what_is_not_written_yet(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    for k in catalogue.KATAS:
        shutil.copy(k.stub, folder / f"{k.name}.py")
    code, out, err = grader("--demo", "whitening", "--source", str(folder), timeout=120)
    assert code == 1
    assert "fit_whitening(), apply_whitening(), remove_top_components() are not written yet" in err
    assert "python grader.py whitening" in err and "--demo whitening --solutions" in err  # solutions/ is here
    assert "Traceback" not in out + err


def test_a_demo_takes_an_unfinished_kata_from_solutions_and_says_so(tmp_path, own_state, monkeypatch):
    monkeypatch.setenv("GRADER_STATE", own_state["GRADER_STATE"])
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(catalogue.get("collapse").solution, folder / "collapse.py")
    shutil.copy(catalogue.get("cooccurrence").stub, folder / "cooccurrence.py")
    files = sources.folder(folder).files
    needs = {"collapse": ("diagnose",), "cooccurrence": ("build_vocab", "encode", "train_sgns")}
    chosen, notes = demos.choose("collapse", needs, files, "work/", False)
    assert chosen["collapse"] == files["collapse"]
    assert chosen["cooccurrence"] == catalogue.get("cooccurrence").solution
    assert len(notes) == 1 and "Kata 3 (cooccurrence) is not done" in notes[0]
    assert "solutions/cooccurrence.py" in notes[0] and "not written yet" in notes[0]


def test_in_a_learners_copy_a_demo_says_which_kata_to_finish(learner_copy, own_state):
    katas = learner_copy / "katas"
    shutil.copy(catalogue.get("collapse").solution, katas / "collapse.py")
    code, out, err = grader("--demo", "collapse", root=learner_copy, cwd=learner_copy, env=own_state, timeout=120)
    assert code == 1
    assert "needs kata 3 (cooccurrence)" in err and "Finish kata 3 first (python grader.py cooccurrence)" in err
    assert "solutions" not in err and "Traceback" not in out + err

    code, out, err = grader("--demo", "collapse", "--solutions", root=learner_copy, cwd=learner_copy, env=own_state)
    assert code == 2 and "There is no solutions/ folder here" in err and "python grader.py --demo collapse" in err

    shutil.copy(catalogue.get("whitening").stub, katas / "whitening.py")
    code, out, err = grader("--demo", "whitening", root=learner_copy, cwd=learner_copy, env=own_state)
    assert code == 1 and "not written yet" in err and "--solutions" not in err


def test_a_demo_runs_with_progress_and_one_blas_thread(tmp_path):
    code, out, err = grader("--demo", "infonce", "--solutions", timeout=300)
    assert code == 0, err
    assert re.search(r"training with InfoNCE \(your info_nce_grad\), \d+ epochs \.\.\. \d+\.\d s", out)
    assert "epoch" in out and "effective rank" in out


@pytest.mark.slow
@pytest.mark.parametrize("name", demos.available())
def test_every_demo_runs_on_the_reference(name):
    code, out, err = grader("--demo", name, "--solutions", timeout=600)
    assert code == 0, err
    assert "Traceback" not in out + err
