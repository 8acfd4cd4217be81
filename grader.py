"""Grade the embedding katas.

    python grader.py                    every kata: a table and the first thing to fix in each
    python grader.py lookup_tables      every failing check of one kata, with your output
    python grader.py --hint lookup_tables
    python grader.py --examples lookup_tables
    python grader.py --list | --watch | --solutions | --json results.json

In Jupyter (a notebook at the project's root or in katas/):

    import grader
    grader.check("lookup_tables")      # the report, as a table with the first failure
    grader.hint("lookup_tables")       # the next hint
    grader.status()                    # every kata as its last grade found it (grades nothing)
"""

import sys


def check(*katas, solutions_folder=False):
    """Grade katas (default: all) and return the report; it displays itself in Jupyter.
    Kept warm: the first check starts the grader's processes, later ones reuse them."""
    from grading import notebook

    return notebook.check(list(katas), solutions_folder=solutions_folder)


def hint(kata=None):
    """The next hint for `kata` (default: the first kata not done); each call shows the next one."""
    from grading import notebook

    return notebook.hint(kata)


def status(*katas, solutions_folder=False):
    """Every kata (or those named) in order, as its last grade found it: nothing is graded."""
    from grading import notebook

    return notebook.status_of(list(katas), solutions_folder=solutions_folder)


if __name__ == "__main__":
    from grading import status as _status

    code = _status.quick(sys.argv[1:])  # --list answers without loading the grader
    if code is None:
        from grading.cli import main

        code = main()
    sys.exit(code)
