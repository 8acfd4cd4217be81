"""The sandbox: plain data only crosses, and a misbehaving kata fails its own check and
nothing else (a fresh worker serves the next call)."""

import textwrap
import time

import numpy as np
import pytest

from grading import checks, procs, sandbox, wire
from grading.catalogue import ROOT
from grading.outcomes import Crashed, ImportFailed, Mismatch, NotStarted, Raised, TimedOut, Unreadable
from grading.confinement import Limits
from grading.sandbox import Kata



def make(tmp_path, source, name="k", **limits):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return Kata(name, path, Limits(**limits), ROOT / "tests" / "hidden" / "callables.py")


def roundtrip(value):
    pieces = wire.dumps(value)
    blob = b"".join(bytes(p) for p in pieces)
    head_len, body_len = wire.PREFIX.unpack(blob[:16])
    return wire.loads(blob[16:16 + head_len], bytearray(blob[16 + head_len:]))


def test_wire_round_trips_plain_data():
    value = {"a": [1, 2.5, None, True, "x"], 3: (np.arange(6, dtype=np.int32).reshape(2, 3),
                                                np.array([np.nan, np.inf, -0.0]), np.zeros((0, 4)))}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, None, True, "x"]
    ints, floats, empty = back[3]
    assert ints.dtype == np.int32 and ints.shape == (2, 3) and (ints == np.arange(6).reshape(2, 3)).all()
    assert np.isnan(floats[0]) and floats[1] == np.inf and empty.shape == (0, 4)


def test_wire_refuses_objects():
    class Sneaky:
        def __eq__(self, other):
            return True
    for value in (Sneaky(), np.array(["a"]), np.array([object()]), {1.5: 2}):
        with pytest.raises(wire.Unsendable):
            wire.dumps(value)


def test_wire_strips_subclasses():
    class Always(float):
        def __eq__(self, other):
            return True

    class Arr(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(self), dtype=bool)

    back = roundtrip([Always(0.5), np.arange(3.0).view(Arr), np.float64(2.0)])
    assert type(back[0]) is float and back[0] == 0.5
    assert type(back[1]) is np.ndarray and type(back[2]) is float


def test_calls_return_plain_results_and_output(tmp_path):
    k = make(tmp_path, """
        import numpy as np
        class Arr(np.ndarray):
            def __eq__(self, other):
                return np.ones(np.shape(self), dtype=bool)
        def f(x, scale=2):
            print("scaling", len(x))
            return (np.asarray(x) * scale).view(Arr)
    """)
    try:
        called = k.f([1, 2], scale=3)
        assert type(called.value) is np.ndarray and called.value.tolist() == [3, 6]
        assert called.output == "scaling 2\n"
        assert str(called) == "f(x [1, 2], scale=3)"
        with pytest.raises(Mismatch, match="expected"):
            checks.close(called, checks.as_array(called, (2,)), [3, 7], "why")
    finally:
        k.close()


def test_rigged_objects_are_unreadable(tmp_path):
    k = make(tmp_path, """
        class Yes:
            def __eq__(self, other): return True
            __hash__ = object.__hash__
        def f(): return Yes()
        def g(): return 1.0
    """)
    try:
        with pytest.raises(Unreadable, match="Yes"):
            k.f()
        assert k.g().value == 1.0  # the same worker goes on
    finally:
        k.close()


def test_not_implemented_means_not_started(tmp_path):
    k = make(tmp_path, "def f(x):\n    raise NotImplementedError\n")
    try:
        with pytest.raises(NotStarted, match="not started"):
            k.f(1)
    finally:
        k.close()


def test_errors_name_the_kata_line(tmp_path):
    k = make(tmp_path, """
        def f(x):
            y = x + 1
            return [0][y]
    """)
    try:
        with pytest.raises(Raised, match=r"IndexError.*line 4: return \[0\]\[y\]") as info:
            k.f(1)
        assert info.value.where[-1]["line"] == 4
    finally:
        k.close()


def test_raises_checks_the_error_type(tmp_path):
    k = make(tmp_path, """
        def good(x): raise ValueError("x must be positive")
        def wrong(x): raise IndexError("out of range")
        def quiet(x): return x
    """)
    try:
        with k.raises("x must be positive"):
            k.good(-1)
        with pytest.raises(Mismatch, match="raised IndexError.*expected a ValueError"):
            with k.raises("x must be positive"):
                k.wrong(-1)
        with pytest.raises(Mismatch, match="returned -1, expected a ValueError"):
            with k.raises("x must be positive"):
                k.quiet(-1)
    finally:
        k.close()


def test_in_place_changes_are_seen(tmp_path):
    k = make(tmp_path, """
        def f(x):
            x.sort()
            return 0.0
    """)
    try:
        with pytest.raises(AssertionError, match="needs a side check"):
            checks.unchanged(k.f(np.array([3, 1, 2])))  # outside a side check, arguments do not come back
        with k.watching_inputs():
            called = k.f(np.array([3, 1, 2]))
        with pytest.raises(Mismatch, match="changed x in place"):
            checks.unchanged(called)
    finally:
        k.close()


def test_callables_and_generators_pass_by_name(tmp_path):
    k = make(tmp_path, "def apply(f, x):\n    return f(x)\ndef draw(rng):\n    return rng.random(3)\n")
    try:
        assert k.apply(wire.Ref("sum_of_squares"), np.array([1.0, 2.0])).value == 5.0
        assert k.draw(wire.Seeded(3)).value.tolist() == np.random.default_rng(3).random(3).tolist()
        with pytest.raises(Crashed):
            k.apply(wire.Ref("_private"), 1.0)  # only public test functions can be named
    finally:
        k.close()


def test_an_endless_loop_times_out_and_the_next_call_works(tmp_path):
    k = make(tmp_path, """
        def spin():
            while True:
                pass
        def ok():
            return 1
    """, call_seconds=0.5)
    try:
        start = time.monotonic()
        with pytest.raises(TimedOut, match="still running after 0.5 s"):
            k.spin()
        assert time.monotonic() - start < 3
        assert k.ok().value == 1
    finally:
        k.close()


def test_a_scale_check_counts_cpu_time_not_wall_time(tmp_path):
    """Waiting costs no CPU time, so a call that sleeps past its CPU limit passes; a busy loop
    is stopped soon after it spends its limit, and the message gives both times in CPU seconds."""
    k = make(tmp_path, """
        import time
        def rest(seconds):
            time.sleep(seconds)
            return 1
        def spin():
            while True:
                pass
    """)
    try:
        with k.scaled(0.3, "correct but too slow: vectorize"):
            assert k.rest(1.0).value == 1
            start = time.monotonic()
            with pytest.raises(TimedOut, match=r"s of CPU time, over this check's limit of 0.30 s: correct but "
                                                r"too slow: vectorize"):
                k.spin()
            assert time.monotonic() - start < 2.5
        assert k.rest(0.0).value == 1  # outside the block, no CPU limit and a fresh worker
    finally:
        k.close()


@pytest.fixture(params=["forked", "fresh process"])
def start_method(request, monkeypatch):
    """Workers forked by the fork server (Linux), or each a fresh `python worker.py`."""
    if request.param == "forked" and not sandbox.USE_FORK_SERVER:
        pytest.skip("no fork server on this platform")
    monkeypatch.setattr(sandbox, "USE_FORK_SERVER", request.param == "forked")
    return request.param


@pytest.mark.parametrize("body, status, confine", [
    ("import os; os._exit(3)", "exited with status 3", False),
    ("import os; os._exit(3)", "exited with status 3", True),
    # (confined, the kata runs as PID 1 of its namespace, which its own signals cannot kill)
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "was killed by SIGSEGV", False),
])
def test_a_dying_worker_fails_the_call_and_a_fresh_one_serves_the_next(tmp_path, start_method, body, status, confine):
    k = make(tmp_path, f"""
        def die():
            {body}
        def ok():
            return 2
    """, confine=confine)
    try:
        for _ in range(2):
            start = time.monotonic()
            with pytest.raises(Crashed, match=f"{status}: a kata function must return, not exit or crash"):
                k.die()
            assert time.monotonic() - start < 1.5  # a crash costs its kata no time budget to speak of
            assert k.ok().value == 2
    finally:
        k.close()


def test_workers_are_forks_of_the_fork_server_with_fresh_random_state(tmp_path, start_method):
    source = "import random\nimport numpy as np\ndef draw():\n    return [random.random(), float(np.random.random())]\n"
    first, second = make(tmp_path, source, name="a"), make(tmp_path, source, name="b")
    try:
        assert first.draw().value != second.draw().value
        if start_method == "forked":
            server = sandbox.fork_server().proc.pid
            assert first._worker.pid in procs.children(server)
    finally:
        first.close()
        second.close()


def test_a_judge_grades_request_after_request_and_restarts_when_killed():
    from grading import catalogue, judge

    kata = catalogue.KATAS[0]
    with judge.Judge() as j:
        first = j.run([kata.name], {kata.name: kata.solution})
        pid = j.proc.pid
        assert j.run([kata.name], {kata.name: kata.stub}) and j.proc.pid == pid  # the same process
        procs.kill_tree(pid)
        j.proc.wait()
        again = j.run([kata.name], {kata.name: kata.solution})
        assert j.proc.pid != pid
    assert [r.passed for r in first] == [r.passed for r in again] and all(r.passed for r in first)


def test_sys_exit_in_a_call_is_an_error_not_a_pass(tmp_path):
    k = make(tmp_path, "import sys\ndef f():\n    sys.exit(0)\n")
    try:
        with pytest.raises(Raised, match="SystemExit"):
            k.f()
    finally:
        k.close()


@pytest.mark.parametrize("source, pattern", [
    ("def f(:\n    pass\n", r"does not import: SyntaxError.*line 1"),
    ("import sys\nsys.exit(0)\n", r"does not import: SystemExit"),
    ("import os\nos._exit(0)\n", r"stopped the process"),
    ("raise RuntimeError('boom')\n", r"does not import: RuntimeError: boom \(line 1"),
])
def test_a_kata_that_does_not_import_fails_every_call(tmp_path, source, pattern):
    k = make(tmp_path, source)
    try:
        for _ in range(2):
            with pytest.raises(ImportFailed, match=pattern):
                k.f()
    finally:
        k.close()


def test_a_slow_import_is_cut_off(tmp_path):
    k = make(tmp_path, "import time\ntime.sleep(60)\ndef f(): return 1\n", import_seconds=1.0)
    try:
        start = time.monotonic()
        with pytest.raises(ImportFailed, match="did not finish"):
            k.f()
        assert time.monotonic() - start < 5
    finally:
        k.close()


def test_output_is_capped(tmp_path):
    k = make(tmp_path, "def f():\n    print('x' * 10_000_000)\n    return 1\n", output_chars=1000)
    try:
        called = k.f()
        assert called.value == 1 and len(called.output) < 1200 and "not shown" in called.output
    finally:
        k.close()


def test_a_memory_cap_turns_a_huge_allocation_into_an_error(tmp_path):
    k = make(tmp_path, "import numpy as np\ndef f():\n    return float(np.ones(10**10).sum())\n", memory_mb=1024)
    try:
        with pytest.raises(Raised, match="MemoryError"):
            k.f()
    finally:
        k.close()
