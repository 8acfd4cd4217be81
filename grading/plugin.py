"""A pytest plugin that turns each hidden test into a plain record for the report.

How a check counts is said by its markers (registered in tests/hidden/conftest.py):

    (none)                        a value check: the kata's answers are right (weight 1)
    @pytest.mark.side             a side property (inputs unchanged, dtype, determinism, edge
                                  rows): weight 1, earned only together with right values
    @pytest.mark.validation       bad input raises a clear ValueError: weight 0.5, earned only
                                  together with right values
    @pytest.mark.scale(cpu, why)  a scale check: each call may use `cpu` seconds of CPU time
                                  (calibrated per machine); weight 0.5
    @pytest.mark.points(w)        overrides the weight of any of these

A test function is one concept: its parametrized cases share its weight.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter

import pytest
from _pytest.reports import TestReport

from .outcomes import CheckFailed, Kind, Record, Role

WEIGHTS = {Role.VALUE: 1.0, Role.SIDE: 1.0, Role.VALIDATION: 0.5, Role.SCALE: 0.5}


def role(item) -> Role:
    for name in (Role.SCALE, Role.VALIDATION, Role.SIDE):  # the marker of each role bears its name
        if item.get_closest_marker(name.value) is not None:
            return name
    return Role.VALUE


def _case(item) -> str:
    """The readable name of a parametrized case: its `case` or `why` parameter, else pytest's id."""
    spec = getattr(item, "callspec", None)
    if spec is None:
        return ""
    for key in ("case", "why"):
        if isinstance(spec.params.get(key), str):
            return spec.params[key]
    return spec.id


def title(item) -> str:
    """The check's name in reports: its docstring's first line, and the case if parametrized."""
    doc = (getattr(item, "function", None) and item.function.__doc__) or ""
    first = doc.strip().splitlines()[0].rstrip(".") if doc.strip() else item.name
    case = _case(item)
    return f"{first} ({case})" if case else first


class Collector:
    """Passed to pytest.main(plugins=[...]) by the judge; `records` holds one Record per test."""

    def __init__(self):
        self.records: list[Record] = []
        self.cases: Counter = Counter()

    def pytest_collection_finish(self, session):
        self.cases = Counter((item.module.__name__, item.originalname) for item in session.items)
        # pytest, numpy and the collected suite live as long as the session: leave them out of
        # the garbage collector's passes, which would otherwise walk them again and again
        gc.freeze()

    def pytest_sessionfinish(self, session):
        gc.unfreeze()

    def _weight(self, item, part: Role) -> float:
        marker = item.get_closest_marker("points")
        weight = float(marker.args[0]) if marker else WEIGHTS[part]
        return weight / max(1, self.cases[(item.module.__name__, item.originalname)])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        if call.when == "setup" and call.excinfo is None:
            return None
        if call.when == "teardown":
            return None
        kata = getattr(item.module, "KATA", item.module.__name__)
        part = role(item)
        record = Record(kata=kata, name=item.name, test=item.originalname, title=title(item), role=part,
                        weight=self._weight(item, part), passed=call.excinfo is None)
        proxy = item.funcargs.get("kata") if hasattr(item, "funcargs") else None
        if proxy is not None:
            record.output = proxy.take_output()
            record.calls = proxy.take_calls()
            record.confinement = proxy.take_confinement()
            if part == Role.SCALE:
                record.cpu = proxy.take_cpu()
        if call.excinfo is not None:
            # pytest keeps the last failure for post-mortem debugging; with it, the arrays of the
            # failed check would stay alive into the next one
            sys.last_type = sys.last_value = sys.last_traceback = None
            if hasattr(sys, "last_exc"):
                sys.last_exc = None
            exc = call.excinfo.value
            if isinstance(exc, CheckFailed):
                record.kind, record.message, record.where = exc.kind, exc.message, exc.where
                self.records.append(record)
                # The failure is already a message: no pytest traceback to format (the costly part
                # of reporting a failed test, and the judge shows none).
                return TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed",
                                  exc.message, call.when, duration=call.duration, start=call.start,
                                  stop=call.stop, user_properties=item.user_properties)
            elif "Timeout" in str(exc)[:40]:
                record.kind = Kind.TIMEOUT
                record.message = (f"The check {item.name} did not finish within the suite's time limit: "
                                  "an endless loop, or far too slow.")
            else:
                text = call.excinfo.exconly().strip().splitlines()
                record.kind = Kind.INTERNAL
                record.message = ("The check itself failed (a bug in the hidden suite, please report it): "
                                  f"{text[-1] if text else type(exc).__name__}")
        self.records.append(record)
        return None
