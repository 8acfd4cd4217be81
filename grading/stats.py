"""Class statistics: which checks the class fails, and how each kata's points are spread.

    --stats stats.csv    stats.csv        per check: submissions graded, how many fail it, the
                                          most common failure message (numbers shown as #, so
                                          that the same mistake on other values counts once)
                         stats-katas.csv  per kata: the distribution of its points
                         stats.png        with matplotlib: each kata's distribution and the
                                          twenty most-failed checks

The check statistics of shards merge exactly (their counts add up; `messages` keeps every
message pattern's count); the kata distributions are made again from the merged grade sheet.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

from . import catalogue, safe, sheets

CHECK_HEADER = ["kata", "check", "title", "role", "submissions", "failing", "failing_share",
                "most_common_message", "most_common_count", "messages"]
KATA_HEADER = ["kata", "points", "submissions", "mean", "median", "min", "max", "full_marks", "zero",
               *[f"{10 * i}-{10 * (i + 1)}%" for i in range(10)]]
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
TOP = 20


def pattern(message: str) -> str:
    """The first line of a failure message with its numbers shown as #."""
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else "(no message)"
    return _NUMBER.sub("#", safe.text(first))[:300]


def katas_paths(path) -> tuple:
    path = Path(path)
    stem = path.name[:-4] if path.name.endswith(".csv") else path.name
    return path.with_name(f"{stem}-katas.csv"), path.with_name(f"{stem}.png")


# ---------------------------------------------------------------- per check

def check_counts(rows: list) -> dict:
    """{(kata, check): {"title", "role", "submissions", "failing", "messages": Counter}} over
    the graded submissions of a batch."""
    counts = {}
    for _, result, _ in rows:
        if result is None:
            continue
        for k in result.katas:
            for c in k.checks:
                entry = counts.setdefault((k.kata.name, c.name), {
                    "title": c.title, "role": c.role, "submissions": 0, "failing": 0, "messages": Counter()})
                entry["submissions"] += 1
                if not c.passed:
                    entry["failing"] += 1
                    entry["messages"][pattern(c.message)] += 1
    return counts


def _order(item):
    (kata, check), entry = item
    number = catalogue.BY_NAME[kata].number if kata in catalogue.BY_NAME else 99
    return -entry["failing"], number, check


def check_rows(counts: dict) -> list:
    out = []
    for (kata, check), e in sorted(counts.items(), key=_order):
        messages = sorted(e["messages"].items(), key=lambda m: (-m[1], m[0]))  # ties: in text order
        top, top_count = (messages or [("", 0)])[0]
        share = e["failing"] / e["submissions"] if e["submissions"] else 0.0
        out.append([kata, safe.cell(check), safe.cell(e["title"]), e["role"], str(e["submissions"]),
                    str(e["failing"]), f"{share:.3f}", safe.cell(top), str(top_count),
                    safe.cell(json.dumps(dict(messages), ensure_ascii=False))])
    return out


def read_checks(path) -> dict:
    """check_counts() back from a stats.csv (for merging shards)."""
    head, rows = sheets.read(path)
    if head != CHECK_HEADER:
        raise sheets.SheetError(f"{path} is not a check statistics sheet (its columns: {','.join(head)})")
    counts = {}
    for r in rows:
        e = {h: sheets.uncell(v) for h, v in zip(head, r)}
        counts[(e["kata"], e["check"])] = {"title": e["title"], "role": e["role"],
                                          "submissions": int(e["submissions"]), "failing": int(e["failing"]),
                                          "messages": Counter(json.loads(e["messages"] or "{}"))}
    return counts


def add(a: dict, b: dict) -> dict:
    out = {key: {**e, "messages": Counter(e["messages"])} for key, e in a.items()}
    for key, e in b.items():
        if key not in out:
            out[key] = {**e, "messages": Counter(e["messages"])}
            continue
        out[key]["submissions"] += e["submissions"]
        out[key]["failing"] += e["failing"]
        out[key]["messages"].update(e["messages"])
    return out


# ---------------------------------------------------------------- per kata

def kata_rows(head: list, rows: list) -> list:
    """The distribution of each kata's points over the rows of a grade sheet."""
    out = []
    for k in catalogue.KATAS:
        if k.name not in head:
            continue
        i = head.index(k.name)
        scores = [float(r[i]) for r in rows if r and r[i] not in ("", None)]
        bins = [0] * 10
        for s in scores:
            bins[min(9, int(10 * s / k.points))] += 1
        if not scores:
            out.append([k.name, str(k.points), "0", "", "", "", "", "0", "0", *map(str, bins)])
            continue
        out.append([k.name, str(k.points), str(len(scores)), f"{statistics.fmean(scores):.2f}",
                    f"{statistics.median(scores):g}", f"{min(scores):g}", f"{max(scores):g}",
                    str(sum(s >= k.points for s in scores)), str(sum(s == 0 for s in scores)), *map(str, bins)])
    return out


# ---------------------------------------------------------------- files

def write(path, counts: dict, grade_head: list, grade_rows: list) -> list:
    """Write stats.csv, stats-katas.csv and (with matplotlib) stats.png; the paths written."""
    katas_path, png_path = katas_paths(path)
    checks = check_rows(counts)
    sheets.write(path, CHECK_HEADER, checks)
    sheets.write(katas_path, KATA_HEADER, kata_rows(grade_head, grade_rows))
    written = [Path(path), katas_path]
    if plot(png_path, grade_head, grade_rows, checks):
        written.append(png_path)
    return written


def plot(path, grade_head: list, grade_rows: list, checks: list) -> bool:
    """One PNG: a box of each kata's points (as a share of its points), and the twenty
    most-failed checks. False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    katas = [k for k in catalogue.KATAS if k.name in grade_head]
    shares = [[float(r[grade_head.index(k.name)]) / k.points for r in grade_rows if r] for k in katas]
    worst = [c for c in checks if int(c[5]) > 0][:TOP]
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6), gridspec_kw={"width_ratios": [1, 1.4]})
    if any(shares):
        left.boxplot(shares, vert=True)
        left.set_xticks(range(1, len(katas) + 1), [k.name for k in katas], rotation=35, ha="right")
    left.set_ylim(-0.05, 1.05)
    left.set_ylabel("share of the kata's points")
    left.set_title(f"Points per kata ({len(grade_rows)} submissions)")
    labels = [f"{c[0]}: {c[2][:60]}" for c in worst][::-1]
    right.barh(range(len(worst)), [float(c[6]) for c in worst][::-1], color="tab:red")
    right.set_yticks(range(len(worst)), labels, fontsize=7)
    right.set_xlim(0, 1)
    right.set_xlabel("share of submissions failing")
    right.set_title(f"The {len(worst)} most-failed checks")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
