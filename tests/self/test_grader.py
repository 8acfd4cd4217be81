"""The grader as learners and instructors use it: the table, the details of one kata,
hints, --list, --watch, --json, exit codes, and Jupyter's grader.check()."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from grading import catalogue
from grading.catalogue import ROOT

FIRST = catalogue.KATAS[0]


def grader(*args, env=None, cwd=ROOT):
    proc = subprocess.run([sys.executable, str(ROOT / "grader.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def copy_of_solutions(tmp_path):
    """A folder holding a copy of every reference solution, to break one kata at a time."""
    folder = tmp_path / "submission"
    folder.mkdir()
    for k in catalogue.KATAS:
        shutil.copy(k.solution, folder / f"{k.name}.py")
    return folder


@pytest.fixture(scope="module")
def solutions_run(tmp_path_factory):
    """One graded run of solutions/ with --json, shared by the tests that read it."""
    path = tmp_path_factory.mktemp("solutions") / "results.json"
    code, out, err = grader("--solutions", "--json", str(path))
    return code, out, err, path


def test_solutions_get_full_marks_and_exit_0(solutions_run):
    code, out, _, _ = solutions_run
    assert code == 0, out
    for k in catalogue.KATAS:
        assert f"{k.name}" in out
    assert sum(line.split()[2:3] == ["done"] for line in out.splitlines()) == len(catalogue.KATAS)
    total = sum(k.points for k in catalogue.KATAS)
    assert f"{total}/{total}" in out and "Every check passes" in out


def test_untouched_stubs_are_not_started_and_exit_1():
    code, out, err = grader()
    assert code == 1, err
    assert out.count("not started") >= len(catalogue.KATAS)
    assert f"Next: python grader.py {FIRST.name}" in out
    assert "Traceback" not in out + err


def test_a_stub_in_detail_lists_each_unstarted_function_once():
    code, out, _ = grader(FIRST.name)
    assert code == 1
    assert "one_hot() is not started yet" in out
    assert out.count("one_hot() is not started yet") == 1
    assert f"Read katas/{FIRST.name}.md" in out


def test_unknown_kata_is_a_usage_error_that_lists_the_katas():
    code, out, err = grader("nope")
    assert code == 2
    assert "no kata named nope" in err
    for k in catalogue.KATAS:
        assert k.name in err


def test_conflicting_options_are_a_usage_error():
    code, _, err = grader("--solutions", "--source", "katas")
    assert code == 2 and "not allowed with" in err


def test_json_is_gradescope_results(solutions_run):
    code, _, _, path = solutions_run
    assert code == 0
    data = json.loads(path.read_text())
    assert data["score"] == data["extra_data"]["max_score"] == sum(k.points for k in catalogue.KATAS)
    assert {t["tags"][0] for t in data["tests"]} == {k.name for k in catalogue.KATAS}
    checks = [t for t in data["tests"] if "summary" not in t["tags"]]
    for t in checks:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "tags"}
        assert t["status"] == "passed" and t["score"] == t["max_score"] > 0
    assert all(t["status"] == "passed" for t in data["tests"])
    assert abs(sum(t["score"] for t in checks) - data["score"]) < 1e-6


def test_json_of_stubs_scores_zero(tmp_path):
    path = tmp_path / "results.json"
    code, _, _ = grader(FIRST.name, "--json", str(path))
    assert code == 1
    data = json.loads(path.read_text())
    assert data["score"] == 0 and data["extra_data"]["max_score"] == FIRST.points
    assert all(t["status"] == "failed" and "not started" in t["output"] for t in data["tests"])


def test_a_syntax_error_costs_its_own_kata_only(copy_of_solutions):
    broken = copy_of_solutions / f"{FIRST.name}.py"
    broken.write_text(broken.read_text() + "\n\ndef oops(:\n    pass\n")
    line = broken.read_text().count("\n") - 1
    second = catalogue.KATAS[1]
    code, out, _ = grader("--source", str(copy_of_solutions), FIRST.name, second.name)
    assert code == 1
    row = next(r for r in out.splitlines() if r.split()[1:2] == [FIRST.name])
    assert "does not import" in row and f"0/{FIRST.points}" in row
    assert f"SyntaxError: invalid syntax (line {line}" in out
    for k in [second]:
        assert any(r.split()[1:3] == [k.name, "done"] for r in out.splitlines()), out


def test_a_failing_check_shows_the_call_the_line_and_the_output(copy_of_solutions):
    path = copy_of_solutions / f"{FIRST.name}.py"
    path.write_text(path.read_text() + '''

def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    print("debugging: got", len(ids), "ids")
    grad_out, ids = np.asarray(grad_out, dtype=float), np.asarray(ids)
    dW = np.zeros((num_embeddings, grad_out.shape[-1]))
    dW[ids.reshape(-1)] += grad_out.reshape(-1, grad_out.shape[-1])
    if padding_idx is not None:
        dW[padding_idx] = 0.0
    return dW


def bag_mean(table, ids, padding_idx=None):
    return np.asarray(table)[ids].sum(axis=1) / undefined_name
''')
    code, out, _ = grader(FIRST.name, "--source", str(copy_of_solutions))
    assert code == 1
    assert "in progress" in out
    assert ("Called lookup_backward(grad_out (4, 3), ids [3 1 3 0], num_embeddings=5) -> row 3 is "
            "[0.5 0.5 0.5], expected [0.7 0.6 0.5]: repeated ids must accumulate") in out
    assert "| debugging: got 4 ids" in out
    assert "raised NameError: name 'undefined_name' is not defined" in out
    assert "return np.asarray(table)[ids].sum(axis=1) / undefined_name)" in out
    assert "Traceback" not in out

    code, summary, _ = grader("--source", str(copy_of_solutions))
    block = summary.split(f"1. {FIRST.name}: in progress")[1].strip().splitlines()
    assert block[0].startswith("Called lookup_backward(") and len(block[0]) < 300


def test_hints_come_one_at_a_time_and_start_over(tmp_path):
    env = {"GRADER_STATE": str(tmp_path / "state.json")}
    n = len(FIRST.hints)
    for i in range(1, n + 2):
        code, out, _ = grader("--hint", FIRST.name, env=env)
        shown = (i - 1) % n + 1
        assert code == 0 and f"Hint {shown} of {n} for 1. {FIRST.name}" in out
        assert FIRST.hints[shown - 1][:40] in out
    assert "last hint" in grader("--hint", FIRST.name, env=env)[1] or n != i


def test_list_shows_every_kata_in_order_with_its_files():
    code, out, _ = grader("--list", "--solutions")
    assert code == 0
    positions = [out.find(f"{k.number:>2}. {k.title}") for k in catalogue.KATAS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert f"katas/{FIRST.name}.md" in out


def test_check_returns_a_report_for_jupyter():
    sys.path.insert(0, str(ROOT))
    import grader as module

    result = module.check(FIRST.name, solutions_folder=True)
    assert result.all_passed and result.score == FIRST.points
    text = repr(result)
    assert FIRST.name in text and "done" in text and text == str(result)

    class Printer:
        def text(self, s):
            self.s = s

    printer = Printer()
    result._repr_pretty_(printer, False)
    assert printer.s == text


def test_watch_regrades_when_the_file_is_saved(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / f"{FIRST.name}.py"
    shutil.copy(FIRST.stub, target)
    proc = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "--watch", FIRST.name, "--source", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env={**os.environ, "NO_COLOR": "1"})
    seen = []

    def wait_for(text, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            if text in line:
                return
        raise AssertionError(f"no {text!r} in {''.join(seen)}")

    try:
        wait_for("Watching")
        assert any("not started" in line for line in seen)
        time.sleep(0.1)
        shutil.copy(FIRST.solution, target)
        os.utime(target, ns=(time.time_ns(), time.time_ns() + 10**9))
        wait_for(" done ")
        wait_for("Watching")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_grader_runs_from_another_folder(tmp_path):
    code, out, _ = grader("--solutions", FIRST.name, cwd=tmp_path)
    assert code == 0 and "done" in out
