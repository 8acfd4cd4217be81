"""No hidden test passes vacuously: each one passes on the reference solution and fails
on the untouched stub, where it says, kindly, that the function is not started."""

import pytest

from grading import catalogue

KATAS = [k.name for k in catalogue.KATAS]


def _lines(records):
    return "\n".join(f"  {r['name']}: [{r['kind']}] {r['message']}" for r in records)


@pytest.mark.parametrize("kata", KATAS)
def test_every_hidden_check_passes_on_the_solution(kata, solution_records):
    records = solution_records[kata]
    assert records, f"the hidden suite of {kata} ran no check"
    failing = [r for r in records if not r["passed"]]
    assert not failing, f"{kata}: checks that fail on solutions/:\n{_lines(failing)}"


@pytest.mark.parametrize("kata", KATAS)
def test_every_hidden_check_fails_on_the_stub(kata, stub_records):
    records = stub_records[kata]
    vacuous = [r for r in records if r["passed"]]
    assert not vacuous, f"{kata}: checks that pass on the untouched stub:\n{_lines(vacuous)}"
    unkind = [r for r in records if r["kind"] != "not_started"]
    assert not unkind, f"{kata}: on the stub these checks should report 'not started':\n{_lines(unkind)}"


@pytest.mark.parametrize("kata", KATAS)
def test_solution_and_stub_run_the_same_checks(kata, solution_records, stub_records):
    assert [r["name"] for r in solution_records[kata]] == [r["name"] for r in stub_records[kata]]


@pytest.mark.parametrize("kata", KATAS)
def test_every_check_has_a_title_and_a_weight(kata, solution_records):
    for r in solution_records[kata]:
        assert r["title"] != r["name"], f"{kata}: give {r['name']} a docstring: it is the check's title"
        assert r["weight"] > 0


@pytest.mark.parametrize("kata", KATAS)
def test_failure_messages_are_short(kata, stub_records):
    for r in stub_records[kata]:
        assert len(r["message"].splitlines()) <= 2 and len(r["message"]) < 400, r["message"]
