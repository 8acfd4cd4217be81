"""Fixtures of the hidden suite.

Each test module names its kata (`KATA = "lookup_tables"`) and takes the `kata` fixture:
a grading.sandbox.Kata whose calls run in a separate worker process. The judge passes
which file to grade; run by hand, `pytest tests/hidden --kata-dir solutions` works too.
What the fixture does around each check is grading/suite.py's.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading.suite import (  # noqa: E402,F401
    kata, pytest_addoption, pytest_collection_finish, pytest_configure, pytest_sessionfinish)
