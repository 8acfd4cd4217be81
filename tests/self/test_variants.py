"""The hidden suite judges code right: each known-wrong variant fails the checks meant to
catch it, right-but-slow code fails its scale checks and nothing else (on CPU time, however
busy the machine), correct code written differently keeps full marks under every common
OpenBLAS kernel, and degenerate code (zeros, constants, its input, random values) earns
nothing."""

import pytest

from grading import catalogue, results

from conftest import (CORES, DEGENERATE, KERNELS, all_variants, busy_processes, current_kernel, load_variants,
                      touches_scale_checks)


def _lines(records):
    return "\n".join(f"  {r.name}: [{r.kind}] {r.message}" for r in records)


def _score(kata_name, records) -> float:
    kata = catalogue.get(kata_name)
    return results._kata_result(kata, kata.solution, records).score


@pytest.mark.parametrize("kata, group, name", all_variants("WRONG"), ids=lambda v: str(v))
def test_wrong_variant_fails_the_checks_meant_to_catch_it(kata, group, name, variant_records,
                                                          solution_records):
    caught_by = load_variants(catalogue.get(kata))[(group, name)][2]
    records = variant_records[kata][(group, name)]
    assert caught_by, f"{kata}/{name}: name the hidden test(s) meant to catch this mistake"
    tests = {r.test for r in solution_records[kata]}
    unknown = [t for t in caught_by if t not in tests]
    assert not unknown, f"{kata}/{name}: no hidden test named {unknown}"
    reference = [r for r in solution_records[kata] if r.test in caught_by and not r.passed]
    assert not reference, f"{kata}/{name}: the reference fails the checks meant to catch it:\n{_lines(reference)}"
    missed = [t for t in caught_by if all(r.passed for r in records if r.test == t)]
    assert not missed, f"{kata}: the known mistake {name!r} passes {missed}, the checks meant to catch it"
    internal = [r for r in records if r.kind == "internal"]
    assert not internal, _lines(internal)
    assert _score(kata, records) < catalogue.get(kata).points


@pytest.mark.parametrize("kata, group, name", all_variants("SLOW"), ids=lambda v: str(v))
def test_slow_variant_passes_every_check_but_scale(kata, group, name, variant_records):
    records = variant_records[kata][(group, name)]
    assert records, f"{kata}/{name}: no check ran"
    failing = [r for r in records if not r.passed]
    assert not failing, f"{kata}: the slow but correct {name!r} fails more than scale checks:\n{_lines(failing)}"


@pytest.mark.parametrize("kata, group, name", all_variants("CORRECT"), ids=lambda v: str(v))
def test_correct_variant_keeps_full_marks(kata, group, name, variant_records):
    records = variant_records[kata][(group, name)]
    failing = [r for r in records if not r.passed]
    assert records and not failing, f"{kata}: the correct variant {name!r} loses points:\n{_lines(failing)}"


KATAS = [k.name for k in catalogue.KATAS]


@pytest.mark.slow
@pytest.mark.parametrize("kata", KATAS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_correct_code_keeps_full_marks_under_every_kernel(kernel, kata, judges, variant_files, solution_records):
    """The reference and every CORRECT variant, graded with OPENBLAS_CORETYPE=kernel."""
    if (current_kernel() or "").lower() == kernel.lower():
        pytest.skip(f"numpy runs the {kernel} kernel here already: the other tests grade under it")
    env = {"OPENBLAS_CORETYPE": kernel}
    variants = load_variants(catalogue.get(kata))
    full = {("solution", kata): (kata, catalogue.get(kata).solution)}
    light = {}  # what changes nothing a scale check runs is graded on the other checks: the reference covers those
    for (k, g, n), p in variant_files.items():
        if g == "CORRECT" and k == kata:
            touches = touches_scale_checks(catalogue.get(kata), variants[(g, n)][1], solution_records)
            (full if touches else light)[(g, n)] = (k, p)
    graded = {**judges.grade(full, env=env), **judges.grade(light, env=env, select="not scale")}
    failing = {key: [r for r in recs if not r.passed] for key, recs in graded.items()}
    failing = {key: recs for key, recs in failing.items() if recs or not graded[key]}
    assert not failing, f"with OPENBLAS_CORETYPE={kernel}:\n" + "\n".join(
        f"{key}:\n{_lines(recs)}" for key, recs in failing.items())


@pytest.mark.slow
@pytest.mark.parametrize("kata", KATAS)
@pytest.mark.parametrize("mode", DEGENERATE)
def test_degenerate_code_earns_nothing(kata, mode, degenerate_records):
    records = degenerate_records[kata][mode]
    kata_result = results._kata_result(catalogue.get(kata), catalogue.get(kata).solution, records)
    earning = [c for c in kata_result.checks if c.score > 0]
    assert not earning, (f"{kata}: code that returns {mode} of the right shape earns "
                         f"{kata_result.score:.2f} points from:\n" + "\n".join(f"  {c.name}" for c in earning))


@pytest.mark.slow
@pytest.mark.parametrize("kata", KATAS)
def test_scale_checks_judge_cpu_time_not_load(kata, judges, variant_files, solution_records):
    """With every core kept busy by other processes, the reference and every CORRECT variant
    pass every scale check, and every SLOW variant fails the scale checks of what it slows
    down, quietly, with a message that gives the CPU time against the limit. (A CORRECT
    variant that changes nothing a scale check runs is the reference there: it is left out.)"""
    variants = load_variants(catalogue.get(kata))
    jobs = {("solution", kata): (kata, catalogue.get(kata).solution)}
    jobs.update({(g, n): (k, p) for (k, g, n), p in variant_files.items() if k == kata and (
        g == "SLOW" or g == "CORRECT" and touches_scale_checks(catalogue.get(kata), variants[(g, n)][1],
                                                               solution_records))})
    busy = busy_processes(CORES)
    try:
        graded = judges.grade(jobs, select="scale")
    finally:
        for p in busy:
            p.kill()
            p.wait()
    problems = []
    for (group, name), records in graded.items():
        failing = [r for r in records if not r.passed]
        if group == "SLOW":
            if not failing:
                problems.append(f"SLOW {name} passes every scale check")
            problems += [f"SLOW {name}: {r.name}: [{r.kind}] {r.message}" for r in failing
                         if r.kind != "timeout" or "vectorize" not in r.message or "CPU" not in r.message]
        else:
            problems += [f"{group} {name}: {r.name}: [{r.kind}] {r.message}" for r in failing]
    assert not problems, "\n".join(problems)
