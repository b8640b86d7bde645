"""Benchmark: cxeval.complaints next to the equivalent DuckDB SQL on the same tickets.

Generates a year of tickets with :func:`cxeval.sample.tickets` at the scale that gives
about ``--tickets`` rows (default 5 million), then, for each complaint function, times
the pandas/numpy implementation and a DuckDB query computing the same table from the
same in-memory DataFrame (result fetched as a DataFrame), and prints the ratio
pandas / DuckDB. Target: each function within 1.5x of DuckDB, peak memory under 4 GB.
Tables of at least ``cxeval.complaints.duck.MIN_ROWS`` tickets are aggregated by DuckDB
inside the functions where a query gives exactly the numpy path's numbers
(``tests/test_complaints.py`` checks both paths agree).

Memory is reported two ways: the peak of Python and numpy allocations during each
function (tracemalloc, measured in a separate untimed run because tracing slows code
down), and the process's peak resident set size (``ru_maxrss``) at the end, which covers
everything including the ticket table and DuckDB.

Usage::

    python benchmarks/bench_complaints.py                   # ~5,000,000 tickets
    python benchmarks/bench_complaints.py --tickets 20000   # smoke run
    python benchmarks/bench_complaints.py --threads 2 --repeat 3

The SQL builders (:func:`sql_queries`) are also used by ``tests/test_complaints.py`` to
check that each function and its query return the same numbers.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LIMITS = ROOT / "data" / "configs" / "sla.yaml"
DEFAULT_CATEGORIES = ROOT / "data" / "configs" / "categories.yaml"
#: Each function's time over its DuckDB query's, at most.
TARGET = 1.5


# --------------------------------------------------------------------------- SQL
def _step_sql(step: dict) -> dict:
    """SQL fragments for one SLA step: reached / done / on time / late / open / invalid."""
    start, end = step["start"], step["end"]
    when = "".join(f" AND {col} = {str(val).upper()}" for col, val in step["when"].items())
    limit_us = int(step["limit"].value // 1000)
    reached = f"({start} IS NOT NULL{when})"
    done = f"({reached} AND {end} IS NOT NULL)"
    micros = f"date_diff('microsecond', {start}, {end})"
    return {
        "reached": reached,
        "valid": f"({done} AND {micros} >= 0)",
        "on_time": f"({done} AND {micros} >= 0 AND {micros} <= {limit_us})",
        "late": f"({done} AND {micros} > {limit_us})",
        "open": f"({reached} AND {end} IS NULL)",
        "invalid": f"({done} AND {micros} < 0)",
        "minutes": f"({micros} / 60e6)",
    }


def _steps_present(limits: dict, columns) -> list[dict]:
    return [s for s in limits["steps"]
            if not (s["optional"] and not {s["start"], s["end"], *s["when"]} <= set(columns))]


def sql_queries(limits: dict, columns, *, period: str = "2010-07",
                thresholds=(5, 10)) -> dict[str, str]:
    """DuckDB SQL for each benchmarked function, over tables ``tickets``, ``subscribers``
    and ``categories`` (the last: ``name``, every known category name -- Chinese, English
    and id -- with its ``network``; see :func:`category_names`).

    Keys name the pandas call they mirror (see :func:`pandas_calls`).
    """
    period_expr = "strftime(opened_at, '%Y-%m')"
    steps = _steps_present(limits, columns)
    parts = []
    for order, step in enumerate(steps):
        f = _step_sql(step)
        parts.append(f"""
        SELECT branch, {period_expr} AS period, {order} AS step_order, '{step['id']}' AS step,
               count(*) FILTER (WHERE {f['reached']}) AS tickets,
               count(*) FILTER (WHERE {f['on_time']}) AS on_time,
               count(*) FILTER (WHERE {f['late']}) AS late,
               count(*) FILTER (WHERE {f['open']}) AS open,
               count(*) FILTER (WHERE {f['invalid']}) AS invalid,
               quantile_cont({f['minutes']}, 0.5) FILTER (WHERE {f['valid']}) AS median_minutes,
               quantile_cont({f['minutes']}, 0.9) FILTER (WHERE {f['valid']}) AS p90_minutes
        FROM tickets GROUP BY ALL""")
    sla = ("SELECT * EXCLUDE (step_order), on_time / nullif(tickets, 0) AS on_time_rate FROM ("
           + " UNION ALL ".join(parts) + ") ORDER BY branch, period, step_order")

    late_any = " OR ".join(_step_sql(s)["late"] for s in steps)
    not_on_time = " OR ".join(f"{_step_sql(s)['late']} OR {_step_sql(s)['open']} OR "
                              f"{_step_sql(s)['invalid']}" for s in steps)
    reached_any = " OR ".join(_step_sql(s)["reached"] for s in steps)
    on_time = f"(({reached_any}) AND NOT ({not_on_time}))"
    t_list = ", ".join(str(int(t)) for t in thresholds)
    return {
        "sla": sla,
        "repeat_complaints": f"""
            WITH c AS (SELECT {period_expr} AS period, customer_id, count(*) AS n
                       FROM tickets GROUP BY ALL),
                 t AS (SELECT unnest([{t_list}]) AS threshold)
            SELECT period, threshold, count(*) FILTER (WHERE n >= threshold) AS customers,
                   coalesce(sum(n) FILTER (WHERE n >= threshold), 0) AS complaints
            FROM c CROSS JOIN t GROUP BY ALL ORDER BY period, threshold""",
        "top_repeaters": f"""
            SELECT customer_id, count(*) AS complaints FROM tickets
            WHERE {period_expr} = '{period}' GROUP BY ALL
            ORDER BY complaints DESC, customer_id LIMIT 10""",
        "first_contact_resolution": f"""
            SELECT branch, {period_expr} AS period,
                   count(*) FILTER (WHERE NOT escalated AND first_contact_resolved IS NOT NULL)
                       AS tickets,
                   count(*) FILTER (WHERE NOT escalated AND first_contact_resolved) AS resolved
            FROM tickets GROUP BY ALL ORDER BY ALL""",
        "quality_pass_rate": f"""
            SELECT branch, {period_expr} AS period,
                   count(qualified) AS tickets, count(*) FILTER (WHERE qualified) AS qualified
            FROM tickets GROUP BY ALL ORDER BY ALL""",
        "complaint_rate": f"""
            SELECT c.branch, c.period, c.complaints, s.subscribers,
                   c.complaints / s.subscribers * 10000 AS per_10k
            FROM (SELECT branch, {period_expr} AS period, count(*) AS complaints
                  FROM tickets GROUP BY ALL) c
            LEFT JOIN subscribers s USING (branch, period) ORDER BY ALL""",
        "overdue_rate": f"""
            SELECT branch, {period_expr} AS period, count(*) AS tickets,
                   count(*) FILTER (WHERE {late_any}) AS overdue
            FROM tickets GROUP BY ALL ORDER BY ALL""",
        "escalated_on_time_rate": f"""
            SELECT branch, {period_expr} AS period,
                   count(*) FILTER (WHERE escalated) AS tickets,
                   count(*) FILTER (WHERE escalated AND {on_time}) AS on_time
            FROM tickets GROUP BY ALL ORDER BY ALL""",
        "check_categories": """
            SELECT t.category, count(*) AS tickets, bool_and(c.name IS NULL) AS unknown,
                   count(*) FILTER (WHERE c.network <> t.network) AS network_mismatch
            FROM tickets t LEFT JOIN categories c ON t.category = c.name
            GROUP BY ALL ORDER BY tickets DESC""",
    }


def pandas_calls(limits: dict, subscribers: pd.DataFrame, categories: pd.DataFrame, *,
                 period: str = "2010-07"):
    """The cxeval calls the SQL above mirrors: name -> function of the ticket table."""
    from cxeval import complaints as c

    by = ["branch", "period"]
    return {
        "sla": lambda t: c.sla(t, limits, by=by),
        "repeat_complaints": lambda t: c.repeat_complaints(t),
        "top_repeaters": lambda t: c.top_repeaters(t, period=period),
        "first_contact_resolution": lambda t: c.first_contact_resolution(t, by=by),
        "quality_pass_rate": lambda t: c.quality_pass_rate(t, by=by),
        "complaint_rate": lambda t: c.complaint_rate(t, subscribers, by=by),
        "overdue_rate": lambda t: c.overdue_rate(t, limits, by=by),
        "escalated_on_time_rate": lambda t: c.escalated_on_time_rate(t, limits, by=by),
        "check_categories": lambda t: c.check_categories(t, categories),
    }


def category_names(categories: pd.DataFrame) -> pd.DataFrame:
    """The ``categories`` table of the SQL: every accepted name with its network."""
    return pd.DataFrame({
        "name": pd.concat([categories["zh"], categories["en"], categories["id"]]).astype("str").tolist(),
        "network": pd.concat([categories["network"]] * 3).astype("str").tolist()})


# --------------------------------------------------------------------------- data
def make_tickets(n: int, seed: int = 0) -> pd.DataFrame:
    """About ``n`` tickets from :func:`cxeval.sample.tickets` (scale chosen from a probe)."""
    from cxeval import sample

    probe = len(sample.tickets(seed=seed, scale=0.1))
    return sample.tickets(seed=seed, scale=n / (probe / 0.1))


def _timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _traced_peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _max_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5_000_000,
                        help="approximate number of tickets (default 5,000,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="timing runs per function (best kept)")
    parser.add_argument("--threads", type=int, default=None,
                        help="DuckDB threads (default: DuckDB's own, the number of cores)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the tracemalloc runs (halves the run time)")
    args = parser.parse_args(argv)
    if args.tickets < 1000:
        parser.error(f"--tickets must be at least 1000, got {args.tickets}")

    import duckdb

    from cxeval import complaints as c
    from cxeval import sample

    t0 = time.perf_counter()
    tickets = make_tickets(args.tickets, args.seed)
    generated = time.perf_counter() - t0
    rss_after_data = _max_rss_bytes()
    subscribers = sample.subscribers(seed=args.seed)
    limits = c.load_limits(DEFAULT_LIMITS)
    categories = c.load_categories(DEFAULT_CATEGORIES)
    con = duckdb.connect()
    if args.threads:
        con.sql(f"SET threads = {int(args.threads)}")
    con.register("tickets", tickets)
    con.register("subscribers", subscribers)
    con.register("categories", category_names(categories))
    queries = sql_queries(limits, tickets.columns)
    calls = pandas_calls(limits, subscribers, categories)

    threads = con.sql("SELECT current_setting('threads')").fetchall()[0][0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, duckdb {duckdb.__version__} "
          f"({threads} threads)")
    print(f"tickets: {len(tickets):,} (generated in {generated:.1f} s; "
          f"{tickets.memory_usage(deep=True).sum() / 2**20:,.0f} MiB in memory; peak RSS so far "
          f"{rss_after_data / 2**30:.2f} GiB, mostly the generator)")
    print()
    header = f"{'function':<26}{'cxeval s':>10}{'duckdb s':>10}{'ratio':>8}{'peak MiB':>10}  within 1.5x"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for name, call in calls.items():
        ours = _timed(lambda: call(tickets), args.repeat)
        theirs = _timed(lambda: con.sql(queries[name]).df(), args.repeat)
        ratio = ours / theirs if theirs > 0 else float("inf")
        worst = max(worst, ratio)
        peak = "" if args.no_memory else f"{_traced_peak(lambda: call(tickets)) / 2**20:,.0f}"
        print(f"{name:<26}{ours:>10.3f}{theirs:>10.3f}{ratio:>8.2f}{peak:>10}  "
              f"{'yes' if ratio <= TARGET else 'NO'}")
    rss = _max_rss_bytes()
    print("-" * len(header))
    print(f"worst ratio: {worst:.2f} (target <= {TARGET}); process peak RSS: {rss / 2**30:.2f} GiB "
          f"(target < 4 GiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
