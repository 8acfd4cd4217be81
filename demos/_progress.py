"""Shared by the demos: say what a step is doing while it runs, and how long it took.

Not a demo itself (the leading underscore keeps it out of --demo); the demos import it by path.

    with step("training SGNS, 2 epochs"):
        ...

prints "  training SGNS, 2 epochs ..." before the step and its time after it. On a terminal,
a step that runs for more than two seconds also counts the seconds as they pass, so that a
long call into a kata function (one SVD, one training run) never looks like a hang.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager

QUIET_SECONDS = 2.0  # a step shorter than this shows no counter


@contextmanager
def step(label: str):
    out = sys.stdout
    out.write(f"  {label} ... ")
    out.flush()
    start = time.perf_counter()
    done = threading.Event()
    ticker = None
    if out.isatty():
        def tick():
            shown = ""
            while not done.wait(1.0):
                elapsed = time.perf_counter() - start
                if elapsed < QUIET_SECONDS:
                    continue
                text = f"{elapsed:.0f} s"
                out.write("\b" * len(shown) + text)
                out.flush()
                shown = text
            out.write("\b" * len(shown) + " " * len(shown) + "\b" * len(shown))

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
    try:
        yield
    finally:
        done.set()
        if ticker is not None:
            ticker.join()
        out.write(f"{time.perf_counter() - start:.1f} s\n")
        out.flush()
