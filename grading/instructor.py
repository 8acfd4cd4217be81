"""What a class-sized grading does with its results: the grade sheet (whole, or rows
regraded in place), Gradescope files, feedback files, statistics, copied code, rosters and
gradebooks, shards, and the merge of sheets graded apart. Called by cli.py."""

from __future__ import annotations

from pathlib import Path

from . import catalogue, confinement, sheets, sources
from .guard import UsageError, limits_from, say_confinement, secure


def _usage(message: str):
    return UsageError(message)


def _check(args) -> None:
    if args.jobs < 1:
        raise _usage("-j must be at least 1")
    if args.only and not args.out:
        raise _usage("--only regrades rows of a grade sheet: give it with --out (the sheet to update)")
    if args.only and not Path(args.out).is_file():
        raise _usage(f"--only updates {args.out}, which does not exist yet: grade the whole batch first")
    if args.gradebook and not args.roster:
        raise _usage("--gradebook needs --roster (who each submission is)")
    if args.only and args.shard:
        raise _usage("--only and --shard do not go together")
    if args.only and args.stats:
        raise _usage("--stats counts the whole class: not with --only (regrade, then run --stats on the batch, "
                     "or --merge the sheet)")
    if args.shard and args.similarity:
        raise _usage("--similarity compares every pair of the class: run it without --shard")


def _paths(args, folder: Path) -> list:
    paths = sources.batch(folder)
    if args.only:
        wanted = set(args.only)
        chosen = [p for p in paths if p.name in wanted or (p.suffix == ".zip" and p.name[:-4] in wanted)]
        found = {p.name for p in chosen} | {p.name[:-4] for p in chosen if p.suffix == ".zip"}
        unknown = sorted(wanted - found)
        if unknown:
            raise _usage(f"--only: no submission named {', '.join(unknown)} in {folder}")
        return chosen
    if args.shard:
        try:
            return sheets.shard(paths, args.shard)
        except sheets.SheetError as exc:
            raise _usage(str(exc)) from None
    return paths


def _roster(args):
    if not args.roster:
        return None
    try:
        return sheets.read_roster(args.roster)
    except sheets.SheetError as exc:
        raise _usage(str(exc)) from None


def _print_table(rows: list, names) -> None:
    katas = catalogue.select(names)
    width = max([len(r[0]) for r in rows] + [10])
    print(f"{'submission':<{width}}  " + "  ".join(f"{k.number:>5}" for k in katas) + "  total")
    for name, result, note in rows:
        cells = [f"{k.score:>5g}" for k in result.katas] if result else ["    -"] * len(katas)
        total = f"{result.score:g}/{result.max_score:g}" if result else f"0 ({note})"
        print(f"{name:<{width}}  " + "  ".join(cells) + f"  {total}")


def _gradebook(args, head: list, rows: list, roster: dict) -> None:
    kind, target = args.gradebook
    try:
        gb_head, gb_rows, missing = sheets.gradebook(kind, head, rows, roster, args.assignment)
    except sheets.SheetError as exc:
        raise _usage(str(exc)) from None
    sheets.write(target, gb_head, gb_rows)
    print(f"{kind.capitalize()} gradebook of {len(roster)} students written to {target}"
          + (f" ({len(missing)} without a submission: left empty)" if missing else ""))


def run_batch(args, names) -> int:
    from . import batch

    folder = Path(args.batch)
    if not folder.is_dir():
        raise _usage(f"--batch {args.batch}: not a folder")
    _check(args)
    roster = _roster(args)
    paths = _paths(args, folder)
    grading = bool(args.out or args.json_dir or args.stats or args.feedback_dir or args.gradebook
                   or not args.similarity)
    if not grading:  # copied code alone: no need to grade anything
        from . import similarity

        pairs = similarity.compare_texts(similarity.collect(paths, names or None), names or None)
        similarity.write_csv(pairs, args.similarity)
        print(f"{len(pairs)} similar pairs written to {args.similarity} (nothing graded: add --out to grade "
              "in the same run)")
        return 0
    if not paths:
        raise _usage(f"--batch {args.batch}: no submission to grade" + (f" in shard {args.shard}" if args.shard else ""))
    limits, probed = secure(args, limits_from(args, confine=True), paths[:1])
    texts = {} if args.similarity else None
    rows = batch.grade_all(folder, names or None, limits, args.jobs, paths=paths, texts=texts)
    _print_table(rows, names)
    if args.out:
        if args.only:
            try:
                replaced, added = sheets.update(args.out, rows, names or None, roster)
            except sheets.SheetError as exc:
                raise _usage(str(exc)) from None
            print(f"\n{replaced} row{'s' if replaced != 1 else ''} of {args.out} graded again"
                  + (f", {added} added" if added else "")
                  + "; every other row left as it was")
        else:
            sheets.write_grades(args.out, rows, names or None, roster)
            print(f"\nGrades of {len(rows)} submissions written to {args.out}")
    if args.json_dir:
        batch.write_json_dir(rows, args.json_dir, args.gradescope_visibility)
        print(f"Gradescope results written to {args.json_dir}/")
    if args.feedback_dir:
        from . import feedback

        feedback.write_dir(rows, args.feedback_dir, batch.file_stems(rows))
        print(f"Feedback for {len(rows)} submissions written to {args.feedback_dir}/")
    if args.stats:
        from . import stats

        head = sheets.header(names or None)
        written = stats.write(args.stats, stats.check_counts(rows), head,
                              sheets.grade_rows(rows, names or None))
        print(f"Class statistics written to {', '.join(map(str, written))}")
    if args.similarity:
        from . import similarity

        points = {name: {k.kata.name: k.score for k in result.katas} for name, result, _ in rows if result}
        pairs = similarity.compare_texts(texts, names or None)
        similarity.write_csv(pairs, args.similarity, points)
        print(f"{len(pairs)} similar pairs written to {args.similarity}")
    if args.gradebook:
        if args.out:  # the whole sheet, when only some rows were graded now
            head, sheet_rows = sheets.read(args.out)
        else:
            head = sheets.header(names or None, roster is not None)
            sheet_rows = sheets.ordered(sheets.grade_rows(rows, names or None, roster), head)
        _gradebook(args, head, sheet_rows, roster)
    say_confinement(confinement.lowest(r.confinement for _, r, _ in rows if r) or probed)
    return 0


def run_merge(args) -> int:
    """--merge: grade sheets (and check statistics) of shards joined into --out (and --stats)."""
    from . import stats

    grade_files, stat_files = [], []
    for path in args.merge:
        try:
            head, _ = sheets.read(path)
        except sheets.SheetError as exc:
            raise _usage(str(exc)) from None
        if sheets.is_grade_sheet(head):
            grade_files.append(path)
        elif head == stats.CHECK_HEADER:
            stat_files.append(path)
        else:
            raise _usage(f"--merge {path}: neither a grade sheet nor check statistics")
    if not grade_files:
        raise _usage("--merge needs at least one grade sheet")
    if not (args.out or args.gradebook):
        raise _usage("--merge writes the joined sheet to --out")
    if stat_files and not args.stats:
        raise _usage("--merge got check statistics: say where the joined ones go with --stats")
    try:
        head, rows = sheets.merge(grade_files)
    except sheets.SheetError as exc:
        raise _usage(str(exc)) from None
    if args.out:
        sheets.write(args.out, head, rows)
        print(f"{len(rows)} rows of {len(grade_files)} sheets written to {args.out}")
    if args.stats:
        counts = {}
        for path in stat_files:
            counts = stats.add(counts, stats.read_checks(path))
        written = stats.write(args.stats, counts, head, rows)
        print(f"Class statistics written to {', '.join(map(str, written))}"
              + ("" if stat_files else " (no check statistics given: per kata only)"))
    if args.gradebook:
        roster = _roster(args)
        if roster is None:
            raise _usage("--gradebook needs --roster (who each submission is)")
        _gradebook(args, head, rows, roster)
    return 0
