"""A pytest plugin that turns each hidden test into a plain record for the report."""

from __future__ import annotations

import pytest
from _pytest.reports import TestReport

from .outcomes import CheckFailed


def _title(item) -> str:
    doc = (getattr(item, "function", None) and item.function.__doc__) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else item.name
    return first.rstrip(".")


class Collector:
    """Passed to pytest.main(plugins=[...]) by the judge; `records` holds one dict per test."""

    def __init__(self):
        self.records: list[dict] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        if call.when == "setup" and call.excinfo is None:
            return None
        if call.when == "teardown":
            return None
        kata = getattr(item.module, "KATA", item.module.__name__)
        marker = item.get_closest_marker("points")
        record = {
            "kata": kata,
            "name": item.name,
            "title": _title(item),
            "weight": float(marker.args[0]) if marker else 1.0,
            "passed": call.excinfo is None,
            "kind": "passed",
            "message": "",
            "where": [],
            "output": "",
            "seconds": round(call.duration, 4),
        }
        proxy = item.funcargs.get("kata") if hasattr(item, "funcargs") else None
        if proxy is not None:
            record["output"] = proxy.take_output()
        if call.excinfo is not None:
            exc = call.excinfo.value
            if isinstance(exc, CheckFailed):
                record.update(kind=exc.kind, message=exc.message, where=exc.where)
                self.records.append(record)
                # The failure is already a message: no pytest traceback to format (the costly part
                # of reporting a failed test, and the judge shows none).
                return TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed",
                                  exc.message, call.when, duration=call.duration, start=call.start,
                                  stop=call.stop, user_properties=item.user_properties)
            elif "Timeout" in str(exc)[:40]:
                record.update(kind="timeout", message=f"The check {item.name} did not finish within the "
                              "suite's time limit: an endless loop, or far too slow.")
            else:
                text = call.excinfo.exconly().strip().splitlines()
                record.update(kind="internal", message="The check itself failed (a bug in the hidden "
                              f"suite, please report it): {text[-1] if text else type(exc).__name__}")
        self.records.append(record)
        return None
