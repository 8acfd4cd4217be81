"""No hidden test passes vacuously, and points follow concepts: each check passes on the
reference solution and fails on the untouched stub, where it says, kindly, that the function
is not started; each test function is one concept whose cases share its weight; bad-input
checks are a small share; every check has a unique, readable name; failures are short."""

import re

import pytest

from grading import catalogue
from grading.plugin import WEIGHTS

from conftest import all_variants

KATAS = [k.name for k in catalogue.KATAS]
VALIDATION_SHARE = 0.15  # at most this much of a kata's points for bad-input checks
SCALE_SHARE = 0.10


def _lines(records):
    return "\n".join(f"  {r.name}: [{r.kind}] {r.message}" for r in records)


@pytest.mark.parametrize("kata", KATAS)
def test_every_hidden_check_passes_on_the_solution(kata, solution_records):
    records = solution_records[kata]
    assert records, f"the hidden suite of {kata} ran no check"
    failing = [r for r in records if not r.passed]
    assert not failing, f"{kata}: checks that fail on solutions/:\n{_lines(failing)}"


@pytest.mark.parametrize("kata", KATAS)
def test_every_hidden_check_fails_on_the_stub(kata, stub_records):
    records = stub_records[kata]
    vacuous = [r for r in records if r.passed]
    assert not vacuous, f"{kata}: checks that pass on the untouched stub:\n{_lines(vacuous)}"
    unkind = [r for r in records if r.kind != "not_started"]
    assert not unkind, f"{kata}: on the stub these checks should report 'not started':\n{_lines(unkind)}"


@pytest.mark.parametrize("kata", KATAS)
def test_solution_and_stub_run_the_same_checks(kata, solution_records, stub_records):
    assert [r.name for r in solution_records[kata]] == [r.name for r in stub_records[kata]]


@pytest.mark.parametrize("kata", KATAS)
def test_points_follow_concepts(kata, solution_records):
    """Cases of one test share its weight; validation and scale checks keep a small share."""
    records = solution_records[kata]
    total = sum(r.weight for r in records)
    by_test = {}
    for r in records:
        by_test.setdefault(r.test, []).append(r)
    for test, cases in by_test.items():
        assert len({r.role for r in cases}) == 1, f"{kata}.{test}: its cases have different roles"
        weight = sum(r.weight for r in cases)
        assert weight <= 2, f"{kata}.{test}: weight {weight:g} for one concept (at most 2)"
        if "reject" in test:
            assert cases[0].role == "validation", f"{kata}.{test}: mark it @pytest.mark.validation"
        if test.startswith("test_scale"):
            assert cases[0].role == "scale", f"{kata}.{test}: mark it @pytest.mark.scale(cpu_seconds, why)"
    share = {role: sum(r.weight for r in records if r.role == role) / total for role in WEIGHTS}
    assert share["validation"] <= VALIDATION_SHARE, f"{kata}: bad-input checks carry {share['validation']:.0%}"
    assert share["scale"] <= SCALE_SHARE, f"{kata}: scale checks carry {share['scale']:.0%}"


@pytest.mark.parametrize("kata", KATAS)
def test_every_check_has_a_unique_readable_title(kata, solution_records):
    titles = [r.title for r in solution_records[kata]]
    doubled = sorted({t for t in titles if titles.count(t) > 1})
    assert not doubled, f"{kata}: checks that share a title: {doubled}"
    for r in solution_records[kata]:
        assert not r.title.startswith("test_"), f"{kata}: give {r.test} a docstring: it is the check's title"
        # pytest's made-up ids (X0, ids1-3) where a case has no readable name
        assert not re.search(r"\((.*-)?[A-Za-z_]+\d+(-.*)?\)$", r.title), \
            f"{kata}: {r.name}: give the case a readable name (a `case` or `why` parameter, or ids=)"
        assert r.weight > 0


def _too_long(records):
    return [r.message for r in records if len(r.message.splitlines()) > 2 or len(r.message) >= 400]


@pytest.mark.parametrize("kata", KATAS)
def test_failure_messages_are_short(kata, stub_records, variant_records):
    """One or two lines, under 400 characters: on the stub and on every known mistake."""
    long = _too_long(stub_records[kata])
    for _, group, name in all_variants("WRONG"):
        if _ == kata:
            long += _too_long(variant_records[kata][(group, name)])
    assert not long, f"{kata}: {len(long)} messages too long, e.g.\n" + "\n".join(long[:3])
