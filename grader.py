"""Grade the embedding katas.

    python grader.py                    every kata: a table and the first thing to fix in each
    python grader.py lookup_tables      every failing check of one kata, with your output
    python grader.py --hint lookup_tables
    python grader.py --list | --watch | --solutions | --json results.json

In Jupyter:  import grader; grader.check("lookup_tables")
"""

import sys


def check(*katas, solutions_folder=False):
    """Grade katas (default: all) and return the report; it displays itself in Jupyter."""
    from grading.cli import PARALLEL, graded
    from grading.sources import learner, solutions

    source = solutions() if solutions_folder else learner()
    return graded(source, list(katas) or None, detailed=bool(katas), parallel=PARALLEL)


if __name__ == "__main__":
    from grading import status as _status

    code = _status.quick(sys.argv[1:])  # --list answers without loading the grader
    if code is None:
        from grading.cli import main

        code = main()
    sys.exit(code)
