"""The ``cxeval`` command: parse arguments and call the library.

Exit codes: 0 success (every report made, or not applicable); 1 a batch ran but some job
failed; 2 bad arguments, invalid data or an invalid configuration (every problem printed);
130 stopped by Ctrl-C (the run's unfinished jobs are marked interrupted).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cxeval import __version__
from cxeval.errors import CxevalError, DataError

from cxeval.schemas import KINDS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxeval", description="Service-quality improvement workbook: data checks, scoring and batch reports.")
    parser.add_argument("--version", action="version", version=f"cxeval {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("sample", help="write the deterministic sample data")
    p.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply ticket volume (default: 1.0)")

    p = sub.add_parser("validate", help="check an input file and print every problem")
    p.add_argument("path", help="CSV, XLSX or Parquet file")
    p.add_argument("--kind", required=True, choices=KINDS, help="which data contract the file follows")
    p.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first sheet)")

    p = sub.add_parser("import", help="check a large input file once and keep it ready for the reports")
    p.add_argument("path", help="CSV, XLSX or Parquet file (tickets, pilots or actions)")
    p.add_argument("--kind", default="tickets", choices=("tickets", "pilots", "actions"),
                   help="which data contract the file follows (default: tickets)")

    p = sub.add_parser("score", help="score units on a scorecard and print the totals")
    p.add_argument("--config", required=True, help="scorecard YAML (see data/configs/)")
    p.add_argument("--input", required=True, help="scores file: unit, period, item, value")
    p.add_argument("--out", default=None, help="write the totals table to this CSV")

    p = sub.add_parser("run", help="run every notebook for every branch and export HTML reports")
    p.add_argument("--plan", default=None, metavar="FILE",
                   help="run plan (YAML): data, branches, groups, parameters, notebooks per group")
    p.add_argument("--branches", nargs="+", default=None,
                   help="branches (default: the plan's, else all found in the data)")
    p.add_argument("--notebooks", nargs="+", default=None, help="notebook stems or prefixes (default: all)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), dest="parameters",
                   help="set a notebook parameter, as papermill's -p (repeatable); typed as the "
                        "notebook declares it")
    p.add_argument("--data", default=None, help="input data folder (default: the plan's, else data/sample)")
    p.add_argument("--configs", default=None, help="configuration folder (default: the plan's, else data/configs)")
    p.add_argument("--out", default="reports", help="folder for run directories (default: reports)")
    p.add_argument("--workers", type=int, default=None,
                   help="jobs at once on this machine (default: number of cores)")
    p.add_argument("--executor", default="local", choices=("local", "dask"),
                   help="where jobs run: local processes (default) or a dask.distributed cluster")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask scheduler, e.g. tcp://HOST:8786 (with --executor dask; default: a "
                        "cluster of --workers local processes)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per notebook (default: 600)")
    p.add_argument("--only-failed", default=None, metavar="RUN_DIR", help="rerun the failed jobs of RUN_DIR")
    p.add_argument("--lang", default=None, choices=("zh", "en"), help="report language (default: the plan's, else zh)")
    p.add_argument("--format", nargs="+", default=["html"], choices=("html", "xlsx", "pdf"), dest="formats",
                   help="outputs: html (always), xlsx (key tables, one workbook per branch), "
                        "pdf (each report on A4, needs headless Chromium)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser("plan", help="check a run plan against its data and notebooks")
    p.add_argument("--check", required=True, metavar="FILE", help="the plan file (YAML) to check")
    p.add_argument("--data", default=None, help="data folder (default: the plan's)")
    return parser


def _cmd_sample(args) -> int:
    from cxeval import sample

    if args.scale <= 0:
        print(f"cxeval sample: --scale must be positive, got {args.scale}", file=sys.stderr)
        return 2
    paths = sample.write_sample(args.out, seed=args.seed, scale=args.scale)
    for path in paths:
        size = Path(path).stat().st_size
        print(f"{path}  ({size / 1024:,.0f} KiB)")
    return 0


def _cmd_validate(args) -> int:
    from cxeval import data

    sheet = args.sheet
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    try:
        df = data.load(args.path, args.kind, sheet=sheet)
    except DataError as err:
        print(f"{args.path}: {err.summary}", file=sys.stderr)
        for problem in err.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"{args.path}: OK · {data.describe(df, args.kind)}")
    for note in df.attrs.get("total_rows", []):
        print(f"  note: {note}")
    return 0


def _cmd_import(args) -> int:
    import time

    from cxeval.data import large

    start = time.perf_counter()
    check = large.import_file(args.path, args.kind)
    took = time.perf_counter() - start
    if check.count:
        print(f"{args.path}: {check.summary}", file=sys.stderr)
        for problem in check.problems:
            print(f"  - {problem}", file=sys.stderr)
        if check.store is None:
            return 2
        print(f"  kept for the reports of the other {len(check.partitions)} branch(es); a branch "
              f"with problems of its own ({', '.join(check.bad_branches)}) is refused until they are "
              "fixed", file=sys.stderr)
        return 2
    print(f"{args.path}: OK · {check.rows:,} rows, {len(check.partitions)} branches, checked in "
          f"{took:.1f} s; reports read it from {check.store}")
    for note in check.totals:
        print(f"  note: {note}")
    return 0


def _cmd_score(args) -> int:
    from cxeval import kpi

    if args.out and Path(args.out).resolve() == Path(args.input).resolve():
        print("cxeval score: --out must not be the input file (it would be overwritten)", file=sys.stderr)
        return 2
    from cxeval import data

    card = kpi.Scorecard.from_yaml(args.config)
    scores = data.load(args.input, "scores")
    scored = card.score(scores)
    wanted = scored[scored["kind"] != "input"] if "kind" in scored else scored
    if wanted.empty or wanted["missing"].all():
        used = sorted(set(scores["item"].astype(str)))
        known = [it.id for it in card.items]
        print(f"cxeval score: no value in {args.input} fits {args.config}: the scorecard's items are "
              f"{', '.join(known)}; the file's items are {', '.join(used[:12]) or 'none'}"
              f"{' …' if len(used) > 12 else ''}. Check the item column (项目/item) and the periods, "
              "or choose the scorecard made for this file.", file=sys.stderr)
        return 2
    totals = kpi.score_file(args.config, args.input)
    point_columns = [c for c in (*card.point_columns, "composite") if c in totals]
    with _pandas_display():
        print(_points_as_text(totals, point_columns, card.decimals).to_string(index=False))
    missing = wanted[wanted["missing"].astype(bool)]
    if len(missing):
        listed = "; ".join(f"{r.unit} {r.period} {r.item}" for r in missing.head(8).itertuples())
        print(f"note: {len(missing)} value(s) missing, not scored (their units' totals lack them): {listed}"
              f"{' …' if len(missing) > 8 else ''}. Add them to {args.input} and score again.", file=sys.stderr)
    unused = card.unmatched(scores)
    if len(unused):
        names = ", ".join(sorted(set(unused["item"].astype(str)))[:8])
        print(f"note: {len(unused)} row(s) of {args.input} are not part of this scorecard (items or periods it "
              f"does not score): {names}", file=sys.stderr)
    if args.out:
        from cxeval._io import atomic_write
        from cxeval.report import safe_table

        out = Path(args.out)
        # utf-8-sig so that Excel opens the Chinese headers correctly; unit names that start
        # like a formula (=, +, -, @) must stay text when Excel opens the file
        atomic_write(out, lambda tmp: safe_table(totals).to_csv(tmp, index=False,
                                                                encoding="utf-8-sig"))
        print(f"written: {args.out}")
    return 0


def _points_as_text(totals, columns, decimals: int):
    """The totals with their point columns as text at the scorecard's decimals (7.0, not 7).

    A total of 7 next to 7.7 reads as a different precision; the CSV written with --out
    keeps the numbers.
    """
    shown = totals.copy()
    for col in columns:
        shown[col] = totals[col].map(lambda v: "–" if v != v else f"{v:.{decimals}f}")
    return shown


def _pandas_display():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_columns", 50,
                             "display.unicode.east_asian_width", True, "display.float_format", "{:.10g}".format)


def _cmd_run(args) -> int:
    from cxeval import batch, plan

    manifest = batch.run(branches=args.branches, notebooks=args.notebooks, data_dir=args.data,
                         out=args.out, workers=args.workers, timeout=args.timeout,
                         only_failed=args.only_failed, config_dir=args.configs, lang=args.lang,
                         progress=not args.no_progress, formats=args.formats, plan=args.plan,
                         parameters=plan.parse_cli_parameters(args.parameters),
                         executor=args.executor, scheduler=args.scheduler)
    jobs = manifest["jobs"]
    counts = batch.status_counts(jobs)
    print(f"run {manifest['run_id']}: {batch.summary_line(manifest, lang='en')}")
    for job in jobs:
        if job["status"] == batch.NOT_APPLICABLE:
            print(f"  n/a    {job['branch']} / {job['notebook']}: {job['error']}")
    for job in jobs:
        if job["status"] not in (batch.OK, batch.NOT_APPLICABLE):
            print(f"  {job['status'].upper():<7}{job['branch']} / {job['notebook']}: {job['error']}",
                  file=sys.stderr)
    print(f"index: {Path(manifest['run_dir']) / 'index.html'}")
    return 1 if counts[batch.FAILED] or counts[batch.INTERRUPTED] or counts["pending"] else 0


def _cmd_plan(args) -> int:
    from cxeval import batch, plan

    the_plan = plan.load(args.check)
    data_dir = Path(args.data) if args.data else the_plan.data_dir
    if data_dir is None:
        print(f"cxeval plan: {args.check} names no data folder: add 'data: FOLDER' or give --data",
              file=sys.stderr)
        return 2
    nb_paths = batch.discover_notebooks(None, None)
    declared = {nb: batch.notebook_parameters(nb) for nb in nb_paths}
    problems = plan.check(the_plan, found_branches=batch.discover_branches(data_dir), notebooks=nb_paths,
                          declared=declared)
    if problems:
        print(f"{args.check}: {len(problems)} problem(s)", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    branches = the_plan.branches or batch.discover_branches(data_dir)
    specs = plan.resolve(the_plan, branches, nb_paths, declared)
    n_na = sum(s.not_applicable is not None for s in specs)
    print(f"{args.check}: OK · {len(branches)} branches, {len(specs) - n_na} reports planned, "
          f"{n_na} not applicable · data {data_dir}")
    return 0


COMMANDS = {"sample": _cmd_sample, "validate": _cmd_validate, "import": _cmd_import, "score": _cmd_score,
            "run": _cmd_run, "plan": _cmd_plan}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cxeval`` console script."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(f"cxeval {args.command}: interrupted", file=sys.stderr)
        return 130
    except CxevalError as err:
        from cxeval.batch import BatchInterrupted

        if isinstance(err, BatchInterrupted):   # Ctrl-C: one line, no traceback
            print(f"cxeval {args.command}: {err}", file=sys.stderr)
            return 130
        print(f"cxeval {args.command}: {err}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"cxeval {args.command}: file not found: {err.filename}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
