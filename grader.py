"""Grade the embedding katas.

    python grader.py                    every kata: a table and the first thing to fix in each
    python grader.py lookup_tables      every failing check of one kata, with your output
    python grader.py --hint lookup_tables
    python grader.py --list | --watch | --solutions | --json results.json

In Jupyter:  import grader; grader.check("lookup_tables")
"""

import sys

from grading.cli import main
from grading.report import Report
from grading.results import grade
from grading.sources import learner, solutions


def check(*katas, solutions_folder=False) -> Report:
    """Grade katas (default: all) and return the report; it displays itself in Jupyter."""
    source = solutions() if solutions_folder else learner()
    return Report(grade(source, list(katas) or None, detailed=bool(katas)))


if __name__ == "__main__":
    sys.exit(main())
