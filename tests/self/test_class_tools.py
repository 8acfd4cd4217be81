"""Instructors at class scale: Gradescope as courses configure it (visibility, a Markdown
summary, results.json against the specification, setup.sh with and without ensurepip, the
container's memory), GitHub Classroom partial credit and the student copy, per-student
feedback, class statistics, regrading some rows in place, rosters and gradebooks, shards and
their merge."""

import base64
import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from grading import batch, catalogue, classroom, container, gradescope, safe, sheets, stats
from grading.catalogue import ROOT
from grading.results import Check, Grade, KataResult
from grading.sources import Source

FIRST, SECOND = catalogue.KATAS[0], catalogue.KATAS[1]
GRADED = [FIRST.name, SECOND.name]

HALF_DONE = FIRST.solution.read_text() + textwrap.dedent("""

    def bag_mean(table, ids, padding_idx=None):
        raise NotImplementedError

    def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
        raise NotImplementedError
""")

# A kata whose output and messages try to break out of Markdown, a terminal and a CSV.
HOSTILE = FIRST.solution.read_text() + textwrap.dedent('''

    _lookup = lookup

    def lookup(table, ids):
        print("````\\n</pre><script>alert(1)</script>\\n\\x1b[2J| x | y |")
        raise ValueError("=HYPERLINK(\\"http://evil\\") ``` \\x1b]0;owned\\x07 [click](http://evil)")
''')


def grader(*args, cwd=ROOT, env=None, timeout=600):
    proc = subprocess.run([sys.executable, str(ROOT / "grader.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


# ---------------------------------------------------------------- a Gradescope results.json schema

FORMATS = ["text", "simple_format", "html", "md", "ansi"]
VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"]
TEST = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": {"enum": FORMATS}, "number": {"type": "string"}, "output": {"type": "string"},
        "output_format": {"enum": FORMATS}, "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"enum": VISIBILITIES}, "extra_data": {"type": "object"},
    },
}
# https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format")
RESULTS_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"}, "output": {"type": "string"},
        "output_format": {"enum": FORMATS}, "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS}, "visibility": {"enum": VISIBILITIES},
        "stdout_visibility": {"enum": VISIBILITIES}, "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST},
        "leaderboard": {"type": "array", "items": {"type": "object", "required": ["name", "value"]}},
    },
}
TYPES = {"object": dict, "array": list, "string": str, "number": (int, float)}


def small_validate(value, schema, where="results"):
    """The part of JSON Schema RESULTS_SCHEMA uses: type, enum, properties,
    additionalProperties, required, items, anyOf."""
    if "type" in schema:
        wanted = TYPES[schema["type"]]
        assert isinstance(value, wanted) and not isinstance(value, bool), f"{where}: not a {schema['type']}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not one of {schema['enum']}"
    if "anyOf" in schema:
        assert any(all(k in value for k in s.get("required", [])) for s in schema["anyOf"]), f"{where}: anyOf"
    for key in schema.get("required", []):
        assert key in value, f"{where}: {key} missing"
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            if key in schema["properties"]:
                small_validate(item, schema["properties"][key], f"{where}.{key}")
            else:
                assert schema.get("additionalProperties", True), f"{where}: {key} is not in the specification"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            small_validate(item, schema["items"], f"{where}[{i}]")


def validate(data):
    small_validate(data, RESULTS_SCHEMA)
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(data, RESULTS_SCHEMA)


def test_the_small_validator_rejects_what_the_specification_does_not_allow():
    with pytest.raises(AssertionError):
        small_validate({"score": 1, "tests": [{"visibility": "sometimes"}]}, RESULTS_SCHEMA)
    with pytest.raises(AssertionError):
        small_validate({"score": 1, "max_score": 2}, RESULTS_SCHEMA)
    with pytest.raises(AssertionError):
        small_validate({"output": "no score, no tests"}, RESULTS_SCHEMA)


# ---------------------------------------------------------------- a made-up grade, for unit tests

def check(i, passed, title=None, message="", calls=("one_hot",), role="value", weight=1.0, waiting=()):
    return Check(kata=FIRST.name, name=f"test_{i}", test=f"test_{i}", title=title or f"check {i}", role=role,
                 weight=weight, passed=passed, kind="passed" if passed else "mismatch", message=message,
                 calls=list(calls), waiting_for=list(waiting))


def made_up_grade(passing=(True, True, False, True, False, True, False), titles=None):
    checks = [check(i, p, (titles or {}).get(i)) for i, p in enumerate(passing)]
    share = FIRST.points / len(checks)
    for c in checks:
        c.max_score = share
        c.score = share if c.passed else 0.0
    k = KataResult(FIRST, FIRST.stub, checks)
    return Grade(Source("made up", {}), [k], 1.0)


def test_apportion_rounds_to_the_hundredth_and_keeps_the_total():
    values = [10 / 7] * 7
    rounded = gradescope.apportion(values, 10)
    assert sum(rounded) == pytest.approx(10) and all(round(v, 2) == v for v in rounded)
    assert max(rounded) - min(rounded) == pytest.approx(0.01)
    assert gradescope.apportion([10 / 7] * 3, round(30 / 7, 2)) == [1.43, 1.43, 1.43] or \
        sum(gradescope.apportion([10 / 7] * 3, round(30 / 7, 2))) == pytest.approx(4.29)


@pytest.mark.parametrize("policy", gradescope.VISIBILITY)
def test_each_visibility_policy_shows_summaries_at_once_and_details_as_asked(policy):
    data = gradescope.results(made_up_grade(), policy)
    validate(data)
    summaries = [t for t in data["tests"] if "summary" in t["tags"]]
    details = [t for t in data["tests"] if "summary" not in t["tags"]]
    assert len(summaries) == 1 and summaries[0]["visibility"] == "visible"
    assert details and all(t["visibility"] == policy for t in details)
    assert data["visibility"] == policy and data["stdout_visibility"] == policy
    assert data["output_format"] == "md" and "points" in data["output"]
    assert data["score"] == pytest.approx(sum(t.get("score", 0) for t in data["tests"]))
    assert data["score"] == made_up_grade().score


def test_test_names_and_numbers_are_unique_and_scores_rounded():
    grade = made_up_grade(titles={0: "same", 1: "same", 2: "same"})
    data = gradescope.results(grade)
    names = [t["name"] for t in data["tests"]]
    numbers = [t["number"] for t in data["tests"]]
    assert len(set(names)) == len(names) and len(set(numbers)) == len(numbers)
    assert all(round(t["score"], 2) == t["score"] and round(t["max_score"], 2) == t["max_score"]
               for t in data["tests"] if "score" in t)
    assert sum(t["max_score"] for t in data["tests"] if "max_score" in t) == pytest.approx(FIRST.points)


def test_the_markdown_summary_escapes_what_could_become_markup():
    grade = made_up_grade()
    grade.katas[0].checks[2].calls = ["<img src=x onerror=alert(1)>|*x*"]
    md = gradescope.summary_markdown(grade)
    assert "<img" not in md.replace("\\<img", "") and "\\<img" in md and "\\|\\*x\\*" in md
    assert md.count("\n| ") == 2  # the header row and the kata's row: no cell boundary added
    assert f"`python grader.py --hint {FIRST.name}`" in md  # no escape inside a code span


def test_markdown_blocks_cannot_be_closed_from_inside():
    block = safe.markdown_block("a\n```\n````\nb\x1b[2J")
    fence = block.splitlines()[0].rstrip("text")
    assert len(fence) == 5 and block.endswith("\n" + fence)
    assert "\x1b" not in block and "\\x1b" in block


# ---------------------------------------------------------------- GitHub Classroom

def reporter_points(lines):
    """What classroom-resources/autograding-grading-reporter's NotifyClassroom records: the
    sum of every test's score over the runners with a max_score, out of their max_scores."""
    total = most = 0.0
    for line in lines:
        runner, _, value = line.partition("=")
        results = json.loads(base64.b64decode(value))
        assert set(results) == {"version", "status", "max_score", "tests"}
        assert all({"name", "status", "score"} <= set(t) and t["status"] in ("pass", "fail")
                   for t in results["tests"])
        if not results["max_score"]:
            continue
        most += results["max_score"]
        total += sum(t["score"] for t in results["tests"])
    return round(total, 2), most


def test_a_half_done_kata_earns_part_of_its_points_on_classroom():
    grade = made_up_grade()
    total, most = reporter_points(classroom.outputs(grade))
    assert most == FIRST.points
    assert total == grade.score and 0 < total < most


def test_classroom_result_from_the_command_line_gives_partial_credit(tmp_path):
    sub = tmp_path / "work"
    sub.mkdir()
    (sub / f"{FIRST.name}.py").write_text(HALF_DONE)
    out = tmp_path / "github_output"
    out.write_text("earlier=1\n")
    code, stdout, _ = grader("--source", str(sub), "--classroom-result", str(out), FIRST.name)
    assert code == 1
    lines = out.read_text().splitlines()
    assert lines[0] == "earlier=1" and lines[1].startswith(f"{classroom.runner_id(FIRST.name)}=")
    total, most = reporter_points(lines[1:])
    assert most == FIRST.points and 0 < total < most
    assert f"{total:g}/{FIRST.points}" in stdout.replace(" ", "")


def test_the_workflow_grades_once_and_hands_each_kata_to_the_reporter():
    text = classroom.workflow()
    ids = [classroom.runner_id(k.name) for k in catalogue.KATAS]
    assert text.count("python grader.py --classroom-result") == 1
    assert f"runners: {','.join(ids)}" in text
    for i in ids:
        assert f"{i.upper()}_RESULTS: \"${{{{steps.grade.outputs.{i}}}}}\"" in text
    assert "autograding-grading-reporter@v1" in text


def test_the_student_copy_leaks_no_solution_and_still_grades(tmp_path):
    target = tmp_path / "student"
    code, out, err = grader("--student-repo", str(target))
    assert code == 0, err
    files = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    for gone in ("solutions/", "tests/variants/", "tests/self/", "bench/", ".ci/"):
        assert not any(f.startswith(gone) for f in files), gone
    assert "pyproject.toml" not in files
    assert {f"katas/{k.name}.py" for k in catalogue.KATAS} <= files
    assert {f"tests/hidden/test_{k.name}.py" for k in catalogue.KATAS} <= files
    assert ".github/workflows/classroom.yml" in files
    readme = (target / "README.md").read_text()
    assert readme.startswith("> **Student copy.**") and "tests/hidden/" in readme.split("\n\n")[0]
    for k in catalogue.KATAS:  # the stubs are the stubs, not the reference
        assert (target / "katas" / f"{k.name}.py").read_text() == k.stub.read_text()
    proc = subprocess.run([sys.executable, "grader.py", FIRST.name], cwd=target, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1", "GRADER_STATE": str(tmp_path / "state.json")},
                          timeout=300)
    assert proc.returncode == 1 and "not started" in proc.stdout, proc.stderr
    code, _, err = grader("--student-repo", str(target))
    assert code == 2 and "not empty" in err


# ---------------------------------------------------------------- the container's memory

def fake_cgroup(tmp_path, version, limit, kills, nested=True):
    root = tmp_path / "cgroup"
    if version == "v1":
        leaf = root / "memory" / "docker" / "abc" if nested else root / "memory"
        leaf.mkdir(parents=True)
        (root / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")
        (leaf / "memory.limit_in_bytes").write_text(f"{limit << 20}\n" if limit else "9223372036854771712\n")
        (leaf / "memory.oom_control").write_text(f"oom_kill_disable 0\nunder_oom 0\noom_kill {kills}\n")
        own = "4:memory:/docker/abc\n0::/\n" if nested else "4:memory:/\n"
    else:
        leaf = root / "kubepods" / "pod1" if nested else root
        leaf.mkdir(parents=True, exist_ok=True)
        (root / "cgroup.controllers").write_text("cpu memory pids\n")
        (leaf / "memory.max").write_text(f"{limit << 20}\n" if limit else "max\n")
        (leaf / "memory.events").write_text(f"low 0\nhigh 0\nmax 3\noom 1\noom_kill {kills}\n")
        own = "0::/kubepods/pod1\n" if nested else "0::/\n"
    return str(root), own


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("nested", [True, False])
def test_the_container_limit_and_its_kills_are_read_from_the_cgroup(tmp_path, version, nested):
    root, own = fake_cgroup(tmp_path, version, 768, 2, nested)
    assert container.limit_mb(root, own) == 768
    assert container.oom_kills(root, own) == 2


def test_no_limit_reads_as_none(tmp_path):
    root, own = fake_cgroup(tmp_path, "v2", 0, 0)
    assert container.limit_mb(root, own) is None
    assert container.limit_mb(str(tmp_path / "nothing"), "0::/\n") is None


def test_kata_code_gets_what_the_grader_leaves_of_the_container():
    assert container.worker_mb(None) == 2048
    assert container.worker_mb(768) == container.REFERENCE_MB  # Gradescope's default container
    assert container.judges(768) == 1 and container.worker_mb(768) + container.RESERVE_MB <= 768
    assert container.judges(1536) == 2 and container.worker_mb(1536) == (1536 - container.RESERVE_MB) // 2
    assert container.worker_mb(8192) == 2048


def test_a_kill_for_want_of_memory_is_named_as_such(monkeypatch):
    monkeypatch.setattr(container, "oom_kills", lambda *a: 3)
    monkeypatch.setattr(container, "limit_mb", lambda *a: 768)
    assert container.out_of_memory(3) == ""
    said = container.out_of_memory(2, 384)
    assert said.startswith("ran out of memory") and "384 MB" in said and "768 MiB" in said


def v1_memory_cgroup(name):
    base = Path("/sys/fs/cgroup/memory")
    if os.geteuid() != 0 or not (base / "memory.limit_in_bytes").exists():
        pytest.skip("needs root and the v1 memory controller")
    with open("/proc/self/cgroup") as f:
        own = next((line.split(":", 2)[2].strip() for line in f if ":memory:" in line), "/")
    folder = base / own.lstrip("/") / name
    try:
        folder.mkdir()
    except OSError as exc:
        pytest.skip(f"cannot make a memory cgroup here: {exc}")
    return folder


@pytest.mark.slow
def test_a_worker_the_container_kills_ran_out_of_memory(tmp_path):
    """The grader's own cap is above the container's limit: the kernel kills the worker, and
    the check says it ran out of memory."""
    folder = v1_memory_cgroup(f"kata-oom-test-{os.getpid()}")
    try:
        (folder / "memory.limit_in_bytes").write_text(str(900 << 20))
        sub = tmp_path / "hog"
        sub.mkdir()
        (sub / f"{FIRST.name}.py").write_text(FIRST.solution.read_text() + textwrap.dedent("""
            _bag_mean = bag_mean
            def bag_mean(table, ids, padding_idx=None):
                hog = [np.ones(1 << 24) for _ in range(200)]  # 25 GB, one page after another
                return _bag_mean(table, ids, padding_idx)
        """))
        script = f"echo $$ > {folder}/cgroup.procs && exec \"$@\""
        proc = subprocess.run(["bash", "-c", script, "_", sys.executable, str(ROOT / "grader.py"), "--submission",
                               str(sub), "--memory-mb", "4096", FIRST.name], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=600)
        assert "ran out of memory" in proc.stdout, proc.stdout + proc.stderr
        assert "exited with status 1" not in proc.stdout
    finally:
        try:
            folder.rmdir()
        except OSError:
            pass


# ---------------------------------------------------------------- Gradescope: the autograder zip

def fake_python_without_ensurepip(tmp_path):
    """A Python installation like Ubuntu's without python3-venv: the interpreter and its
    standard library, but no ensurepip. Returns (python3, the ensurepip it lacks, where it goes)."""
    real = Path(sys.base_prefix)
    lib = f"python{sys.version_info.major}.{sys.version_info.minor}"
    fake = tmp_path / "fakepy"
    (fake / "bin").mkdir(parents=True)
    binary = Path(sys._base_executable if hasattr(sys, "_base_executable") else sys.executable).resolve()
    shutil.copy2(binary, fake / "bin" / lib)
    os.symlink(lib, fake / "bin" / "python3")
    (fake / "lib" / lib).mkdir(parents=True)
    for entry in (real / "lib" / lib).iterdir():
        if entry.name != "ensurepip":
            os.symlink(entry, fake / "lib" / lib / entry.name)
    for entry in (real / "lib").iterdir():  # libpython, where the interpreter is linked to it
        if entry.name != lib:
            os.symlink(entry, fake / "lib" / entry.name)
    python = fake / "bin" / "python3"
    probe = subprocess.run([str(python), "-c", "import sys, numpy; print(sys.prefix)"], capture_output=True, text=True)
    if probe.returncode != 0 or Path(probe.stdout.strip()) != fake:
        pytest.skip(f"cannot make a Python without ensurepip here: {probe.stderr[-300:]}")
    assert subprocess.run([str(python), "-c", "import ensurepip"], capture_output=True).returncode != 0
    return python, real / "lib" / lib / "ensurepip", fake / "lib" / lib / "ensurepip"


def run_setup(tmp_path, python, apt_script):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(gradescope.build_zip(tmp_path / "autograder.zip")) as z:
        z.extractall(root / "source")
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    (tools / "apt-get").write_text("#!/bin/sh\n" + apt_script)
    (tools / "apt-get").chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_SETUP_PYTHON": str(python),
           "PATH": f"{tools}:{os.environ['PATH']}", "PIP_NO_INDEX": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=600)
    return proc, root


def test_setup_sh_works_without_ensurepip_or_python3_venv(tmp_path):
    """Ubuntu without python3-venv, where apt-get cannot help: a venv without pip, on the
    system's packages (its pip included)."""
    python, _, _ = fake_python_without_ensurepip(tmp_path)
    proc, root = run_setup(tmp_path, python, "echo \"apt-get $*\" >> \"$(dirname \"$0\")/apt.log\"; exit 100\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "apt-get update" in (tmp_path / "tools" / "apt.log").read_text()  # it did ask apt-get first
    assert "could not install python3-venv" in proc.stdout
    assert "without pip" in proc.stdout and "ready" in proc.stdout
    venv_python = root / "venv" / "bin" / "python"
    assert subprocess.run([str(venv_python), "-c", "import numpy, pytest"]).returncode == 0


def test_setup_sh_installs_python3_venv_when_ensurepip_is_missing(tmp_path):
    """The same Python, where apt-get can install python3-venv (here: puts ensurepip back)."""
    python, ensurepip, place = fake_python_without_ensurepip(tmp_path)
    proc, root = run_setup(tmp_path, python, f"case \"$*\" in *install*) ln -s {ensurepip} {place};; esac\nexit 0\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "installing python3-venv" in proc.stdout and "without pip" not in proc.stdout
    assert (root / "venv" / "bin" / "pip").exists()  # a venv with pip of its own
    assert subprocess.run([str(root / "venv" / "bin" / "python"), "-c", "import numpy, pytest"]).returncode == 0


def round_trip(tmp_path, files: dict, visibility="after_published"):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(gradescope.build_zip(tmp_path / "autograder.zip", visibility)) as z:
        z.extractall(root / "source")
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads((root / "results" / "results.json").read_text()), proc.stdout


def test_gradescope_round_trip_of_a_half_done_submission(tmp_path):
    files = {f"{k.name}.py": k.solution.read_text() for k in catalogue.KATAS}
    files[f"{FIRST.name}.py"] = HALF_DONE
    results, stdout = round_trip(tmp_path, files, "after_due_date")
    validate(results)
    assert "kata code capped at" in stdout
    total = sum(k.points for k in catalogue.KATAS)
    first = [t for t in results["tests"] if t["tags"][0] == FIRST.name and "summary" not in t["tags"]]
    earned = round(sum(t["score"] for t in first), 2)
    assert 0 < earned < FIRST.points
    assert results["score"] == pytest.approx(total - FIRST.points + earned)
    assert all(t["visibility"] == "after_due_date" for t in first)
    summary = next(t for t in results["tests"] if t["tags"] == [FIRST.name, "summary"])
    assert summary["visibility"] == "visible" and "bag_mean" in summary["output"]
    assert "not started" not in summary["output"] or "in progress" in summary["output"]
    assert results["extra_data"]["confinement"]


def test_a_grader_that_dies_leaves_a_results_file_that_says_why(tmp_path):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(gradescope.build_zip(tmp_path / "autograder.zip")) as z:
        z.extractall(root / "source")
    python = tmp_path / "python"
    python.write_text(f"#!/bin/sh\ncase \"$1\" in grader.py) kill -9 $$;; esac\nexec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(python)}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=120)
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    assert results["score"] == 0 and "ran out of memory" in results["output"]


# ---------------------------------------------------------------- a class graded as a batch

@pytest.fixture(scope="module")
def class_batch(tmp_path_factory):
    top = tmp_path_factory.mktemp("class")
    folder = top / "class"
    folder.mkdir()
    subs = {"ana": {FIRST.name: FIRST.solution.read_text(), SECOND.name: SECOND.solution.read_text()},
            "ben": {FIRST.name: HALF_DONE, SECOND.name: SECOND.solution.read_text()},
            "cleo": {FIRST.name: FIRST.stub.read_text(), SECOND.name: SECOND.stub.read_text()},
            "dev": {FIRST.name: HOSTILE, SECOND.name: SECOND.solution.read_text()}}
    for name, files in subs.items():
        (folder / name).mkdir()
        for kata, text in files.items():
            (folder / name / f"{kata}.py").write_text(text)
    roster = top / "roster.csv"
    roster.write_text("submission,student_id,email,first_name,last_name\n"
                      "ana,1001,ana@example.edu,Ana,Lopez\nben,1002,ben@example.edu,Ben,Okafor\n"
                      "cleo,1003,cleo@example.edu,Cleo,Wu\ndev,1004,dev@example.edu,Dev,Rao\n"
                      "eli,1005,eli@example.edu,Eli,Stone\n")
    out = top / "out"
    out.mkdir()
    code, stdout, stderr = grader("--batch", str(folder), "--out", str(out / "grades.csv"), "-j", "2",
                                  "--stats", str(out / "stats.csv"), "--feedback-dir", str(out / "feedback"),
                                  "--json-dir", str(out / "json"), "--similarity", str(out / "pairs.csv"),
                                  "--roster", str(roster), "--gradebook", "moodle", str(out / "moodle.csv"),
                                  "--assignment", "Embeddings lab", *GRADED)
    assert code == 0, stderr
    return {"folder": folder, "out": out, "roster": roster, "stdout": stdout, "top": top}


def test_the_sheet_has_the_roster_columns(class_batch):
    table = rows_of(class_batch["out"] / "grades.csv")
    assert table[0] == ["submission", "student_id", "email", *GRADED, "total", "max_score", "notes"]
    assert [r[:3] for r in table[1:]] == [["ana", "1001", "ana@example.edu"], ["ben", "1002", "ben@example.edu"],
                                          ["cleo", "1003", "cleo@example.edu"], ["dev", "1004", "dev@example.edu"]]
    totals = {r[0]: float(r[-3]) for r in table[1:]}
    assert totals["ana"] == 20 and 10 < totals["ben"] < 20 and totals["cleo"] == 0


def test_feedback_is_the_learners_report_made_safe(class_batch):
    folder = class_batch["out"] / "feedback"
    assert sorted(p.name for p in folder.iterdir()) == ["ana.md", "ben.md", "cleo.md", "dev.md"]
    ben = (folder / "ben.md").read_text()
    assert ben.startswith("# Feedback: ben\n")
    assert "bag_mean() is not started yet" in ben and f"1. {FIRST.name} ({FIRST.name}.py): in progress" in ben
    assert "/tmp/" not in ben and "kata-submission-" not in ben
    dev = (folder / "dev.md").read_text()
    assert "\x1b" not in dev and "\x07" not in dev and "\\x1b" in dev
    fence = next(line for line in dev.splitlines() if line.startswith("```")).removesuffix("text")
    inside = dev.split(fence + "text\n", 1)[1]
    assert inside.count("\n" + fence + "\n") + inside.endswith("\n" + fence + "\n") >= 1
    body = inside.split("\n" + fence + "\n")[0]
    assert not any(line.startswith(fence) for line in body.splitlines())  # nothing inside closes the block
    assert "<script>" in body  # shown verbatim, inside the code block


def test_statistics_count_the_failures_of_each_check(class_batch):
    out = class_batch["out"]
    table = rows_of(out / "stats.csv")
    assert table[0] == stats.CHECK_HEADER
    by_check = {(r[0], r[1]): r for r in table[1:]}
    bag = by_check[(FIRST.name, "test_bag_mean_ignores_padding")]
    assert bag[4] == "4" and bag[5] == "2"  # ben and cleo (not started)
    assert "not started" in bag[7] and bag[8] == "2"
    failing = [int(r[5]) for r in table[1:]]
    assert failing == sorted(failing, reverse=True)
    katas = rows_of(out / "stats-katas.csv")
    assert katas[0] == stats.KATA_HEADER and [r[0] for r in katas[1:]] == GRADED
    first = dict(zip(katas[0], katas[1]))
    assert first["submissions"] == "4" and first["full_marks"] == "1" and first["zero"] == "1"
    assert sum(int(first[c]) for c in stats.KATA_HEADER[9:]) == 4
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert not (out / "stats.png").exists()
    else:
        assert (out / "stats.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_similarity_in_the_same_run_carries_the_points(class_batch):
    table = rows_of(class_batch["out"] / "pairs.csv")
    assert table[0] == ["kata", "submission_a", "submission_b", "similarity", "points_a", "points_b"]
    pair = next(r for r in table[1:] if r[:3] == [SECOND.name, "ana", "ben"])
    assert pair[4:] == [str(SECOND.points), str(SECOND.points)]


def test_similarity_alone_grades_nothing(class_batch, tmp_path):
    code, out, _ = grader("--batch", str(class_batch["folder"]), "--similarity", str(tmp_path / "p.csv"), *GRADED)
    assert code == 0 and "nothing graded" in out and "graded 1/" not in out
    assert rows_of(tmp_path / "p.csv")[0][:4] == ["kata", "submission_a", "submission_b", "similarity"]


def test_json_dir_files_follow_the_specification(class_batch):
    for path in (class_batch["out"] / "json").glob("*.json"):
        validate(json.loads(path.read_text()))


def test_the_moodle_gradebook_has_its_import_layout(class_batch):
    table = rows_of(class_batch["out"] / "moodle.csv")
    assert table[0] == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                        "Embeddings lab (Real)"]
    rows = {r[5]: r for r in table[1:]}
    assert len(rows) == 5 and rows["ana@example.edu"][6] == "20" and rows["eli@example.edu"][6] == ""
    assert rows["ben@example.edu"][:3] == ["Ben", "Okafor", "1002"]
    assert "1 without a submission" in class_batch["stdout"]


def test_the_canvas_gradebook_has_its_import_layout(class_batch, tmp_path):
    target = tmp_path / "canvas.csv"
    code, out, err = grader("--merge", str(class_batch["out"] / "grades.csv"), "--roster",
                            str(class_batch["roster"]), "--gradebook", "canvas", str(target))
    assert code == 0, err
    table = rows_of(target)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "embedding-katas"]
    assert table[1] == ["Points Possible", "", "", "", "", "20"]
    assert table[2] == ["Lopez, Ana", "", "1001", "ana@example.edu", "", "20"]
    assert table[-1] == ["Stone, Eli", "", "1005", "eli@example.edu", "", ""]


def test_regrading_some_submissions_updates_their_rows_only(class_batch, tmp_path):
    sheet = tmp_path / "grades.csv"
    shutil.copy(class_batch["out"] / "grades.csv", sheet)
    before = sheet.read_text().splitlines()
    folder = tmp_path / "class"
    shutil.copytree(class_batch["folder"], folder)
    (folder / "ben" / f"{FIRST.name}.py").write_text(FIRST.solution.read_text())  # a fixed submission
    (folder / "ana" / f"{FIRST.name}.py").write_text(FIRST.stub.read_text())  # not regraded: keeps its row
    code, out, err = grader("--batch", str(folder), "--out", str(sheet), "--only", "ben", "--roster",
                            str(class_batch["roster"]), *GRADED)
    assert code == 0, err
    assert "graded 1/1" in err and "1 row of" in out
    after = sheet.read_text().splitlines()
    assert len(after) == len(before)
    for old, new in zip(before, after):
        if old.startswith("ben,"):
            assert new.startswith("ben,1002,ben@example.edu,10,10,20,20,")
        else:
            assert new == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "grades.csv"]  # no temporary file left
    code, _, err = grader("--batch", str(folder), "--out", str(sheet), *GRADED, "--only", "nobody")
    assert code == 2 and "no submission named nobody" in err
    code, _, err = grader("--batch", str(folder), "--out", str(sheet), FIRST.name, "--only", "ben")
    assert code == 2 and "columns" in err


def test_three_shards_merged_equal_one_batch(class_batch, tmp_path):
    folder, out = class_batch["folder"], class_batch["out"]
    paths = sorted(p.name for p in folder.iterdir())
    shards = [sheets.shard([folder / n for n in paths], f"{k}/3") for k in (1, 2, 3)]
    assert sorted(p.name for s in shards for p in s) == paths and all(shards)  # 2, 1 and 1 submissions
    for k in (1, 2, 3):
        code, _, err = grader("--batch", str(folder), "--shard", f"{k}/3", "--out", str(tmp_path / f"g{k}.csv"),
                              "--stats", str(tmp_path / f"s{k}.csv"), "--roster", str(class_batch["roster"]),
                              *GRADED)
        assert code == 0, err
    merged = tmp_path / "grades.csv"
    code, _, err = grader("--merge", *[str(tmp_path / f"g{k}.csv") for k in (1, 2, 3)],
                          *[str(tmp_path / f"s{k}.csv") for k in (1, 2, 3)], "--out", str(merged),
                          "--stats", str(tmp_path / "stats.csv"))
    assert code == 0, err
    assert rows_of(merged) == rows_of(out / "grades.csv")
    assert rows_of(tmp_path / "stats.csv") == rows_of(out / "stats.csv")
    assert rows_of(tmp_path / "stats-katas.csv") == rows_of(out / "stats-katas.csv")


def test_shards_are_deterministic_and_disjoint():
    paths = [Path(f"s{i:02d}") for i in range(10)]
    shards = [sheets.shard(list(reversed(paths)), f"{k}/4") for k in range(1, 5)]
    assert [p for s in shards for p in s] != [] and sorted(p for s in shards for p in s) == paths
    assert shards[0] == [Path("s00"), Path("s04"), Path("s08")]
    for bad in ("0/3", "4/3", "x", "1/0"):
        with pytest.raises(sheets.SheetError):
            sheets.shard(paths, bad)


def test_merging_sheets_that_disagree_is_refused(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    head = sheets.header([FIRST.name])
    sheets.write(a, head, [["ana", "10", "10", "10", ""]])
    sheets.write(b, head, [["ana", "5", "5", "10", ""]])
    code, _, err = grader("--merge", str(a), str(b), "--out", str(tmp_path / "m.csv"))
    assert code == 2 and "two sheets" in err


def test_a_roster_cell_cannot_become_a_formula(tmp_path):
    roster = {"ana": {f: "" for f in sheets.ROSTER_FIELDS}}
    roster["ana"].update(submission="ana", student_id="=1+1", email="@evil", first_name="-x", last_name="+y")
    head = sheets.header([FIRST.name])
    _, rows, _ = sheets.gradebook("moodle", head, [["ana", "10", "10", "10", ""]], roster, "A")
    assert all(not c.startswith(safe.FORMULA_START) or c.startswith("'") for c in rows[0] if c)
    assert rows[0][0] == "'-x" and rows[0][2] == "'=1+1"


@pytest.mark.parametrize("args, said", [
    (["--batch", "x", "--out", "s.csv", "--stats", "t.csv", "--only", "ana"], "not with --only"),
    (["--batch", "x", "--shard", "1/2", "--similarity", "p.csv"], "without --shard"),
    (["--batch", "x", "--only", "ana"], "give it with --out"),
    (["--batch", "x", "--gradebook", "canvas", "c.csv"], "needs --roster"),
    (["--stats", "s.csv"], "go with --batch or --merge"),
    (["--feedback-dir", "fb"], "go with --batch"),
    (["--batch", "x", "--classroom-result", "o"], "single grading"),
    (["--merge", "nothing.csv", "--out", "g.csv"], "nothing.csv"),
])
def test_options_that_do_not_fit_are_usage_errors(tmp_path, args, said):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "ana").mkdir()
    (tmp_path / "s.csv").write_text("submission,lookup_tables,total,max_score,notes\n")
    code, _, err = grader(*args, cwd=tmp_path)
    assert code == 2 and said in err, err
