"""The complaint aggregations as DuckDB queries, for long ticket tables.

On millions of tickets DuckDB's hash aggregation (two threads) beats the numpy path of
:mod:`~cxeval.complaints.rates` and :mod:`~cxeval.complaints.repeat` by up to 3x. Those
functions hand a table of at least :data:`MIN_ROWS` tickets to the query here when the
table is in the form the query takes (:func:`ready`): naive timestamps with every
``opened_at``, true/false columns, text group keys. The query then gives exactly the
numpy path's frame -- keys, order, types and numbers, every SLA edge counted the same way
(``tests/test_complaints.py`` runs both paths on the same tickets). Shorter or unusual
tables keep the numpy path, with its checks and its messages: DuckDB's start-up would
cost more than it saves, or the query would answer where numpy raises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.checks import as_columns
from cxeval.complaints.config import _limits
from cxeval.complaints.tickets import _period_labels

#: Tables at least this long are aggregated by DuckDB; shorter ones stay in numpy, where
#: DuckDB's start-up would cost more than it saves (on a branch of 200,000 tickets it
#: cost more than numpy's whole aggregation).
MIN_ROWS = 1_000_000


def _long(tickets) -> bool:
    return isinstance(tickets, pd.DataFrame) and len(tickets) >= MIN_ROWS


def _name(column: str) -> str:
    return '"' + str(column).replace('"', '""') + '"'


def ready(tickets: pd.DataFrame, *, times=(), flags=(), known=(), by=()) -> bool:
    """Whether ``tickets`` is in the form the queries take (else the numpy path runs, with
    its checks and its messages): long enough, naive timestamps with every ``opened_at``,
    true/false columns (``known``: without missing values), ``by`` text columns or the
    derived period."""
    if not _long(tickets):
        return False
    by = as_columns(by)
    if any(c not in tickets.columns for c in ("opened_at", *times, *flags, *known)):
        return False
    for column in ("opened_at", *times):
        if not pd.api.types.is_datetime64_dtype(tickets[column].dtype):   # naive only
            return False
    if tickets["opened_at"].isna().any():
        return False
    for column in (*flags, *known):
        if not pd.api.types.is_bool_dtype(tickets[column].dtype):
            return False
    if any(tickets[c].isna().any() for c in known):
        return False
    for column in by:
        if column == "period" and "period" not in tickets.columns:
            continue
        if column not in tickets.columns or not isinstance(tickets[column].dtype, pd.StringDtype):
            return False
    return len(set(by)) == len(by)


def _period_sql(freq: str) -> str:
    """SQL for the period key of opened_at: months (quarters) since 1970-01, as the numpy
    path's ``_period_keys``."""
    if freq == "M":
        return "((year(opened_at) - 1970) * 12 + month(opened_at) - 1)"
    return "((year(opened_at) - 1970) * 4 + (month(opened_at) - 1) // 3)"


def query(tickets: pd.DataFrame, columns, sql: str) -> pd.DataFrame:
    """Run ``sql`` on ``columns`` of the tickets, registered as table ``t``."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("t", tickets[list(dict.fromkeys(columns))])
        return con.sql(sql).df()
    finally:
        con.close()


def groups(tickets: pd.DataFrame, by, freq: str, aggregates: dict[str, str],
           *, extra_columns=()) -> pd.DataFrame:
    """One row per ``by`` group (``period`` from opened_at) with ``aggregates`` (name -> SQL),
    in the order and with the key columns the numpy path's ``_groups`` gives."""
    by = as_columns(by)
    derived = "period" in by and "period" not in tickets.columns
    keys = [(_period_sql(freq) + " AS _period") if (c == "period" and derived) else _name(c)
            for c in by]
    select = ", ".join([*keys, *(f"{sql} AS {_name(name)}" for name, sql in aggregates.items())])
    table = query(tickets, [*(c for c in by if not (c == "period" and derived)), "opened_at",
                            *extra_columns],
                  f"SELECT {select} FROM t" + (" GROUP BY ALL" if by else ""))
    out = pd.DataFrame(index=range(len(table)))
    for column in by:
        if column == "period" and derived:
            out[column] = table["_period"].to_numpy(dtype=np.int64)
        else:
            out[column] = table[column].astype(tickets[column].dtype)
    for name in aggregates:
        out[name] = table[name].fillna(0).to_numpy(dtype=np.int64)
    if by:  # as pd.factorize(sort=True): each key in order, missing last
        out = out.sort_values(by, na_position="last", kind="stable").reset_index(drop=True)
    if derived:
        out["period"] = pd.Series(_period_labels(out["period"].to_numpy(), freq), dtype="str")
    return out


def rate_table(tickets: pd.DataFrame, hits: str, eligible: str | None, *, by, freq: str,
               names: tuple[str, str, str], columns) -> pd.DataFrame:
    """The rates' ``_rate_table`` with the per-ticket conditions as SQL."""
    counts = groups(tickets, by, freq, {
        names[0]: "count(*)" if eligible is None else f"count(*) FILTER (WHERE {eligible})",
        names[1]: f"count(*) FILTER (WHERE {hits})" if eligible is None
        else f"count(*) FILTER (WHERE ({eligible}) AND ({hits}))"}, extra_columns=columns)
    denominator, numerator = counts[names[0]].to_numpy(), counts[names[1]].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        counts[names[2]] = np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)
    return counts


def _steps(tickets: pd.DataFrame, limits) -> tuple[list[dict], list[str]] | None:
    """The SLA steps the tickets have, and the columns they read; None when a step lacks
    a column (the numpy path raises the error)."""
    steps, columns = [], []
    for step in _limits(limits)["steps"]:
        needed = [step["start"], step["end"], *step["when"]]
        if any(c not in tickets.columns for c in needed):
            if step["optional"]:
                continue
            return None
        steps.append(step)
        columns.extend(needed)
    return steps, columns


def _step_sql(step: dict) -> dict[str, str]:
    """Per-ticket SQL for one step, in nanoseconds as the numpy path counts them."""
    start, end = _name(step["start"]), _name(step["end"])
    when = "".join(f" AND {_name(c)} = {str(bool(v)).upper()}" for c, v in step["when"].items())
    reached = f"({start} IS NOT NULL{when})"
    done = f"({reached} AND {end} IS NOT NULL)"
    duration = f"(epoch_ns({end}) - epoch_ns({start}))"
    limit = int(step["limit"].value)
    return {"reached": reached, "late": f"({done} AND {duration} > {limit})",
            "open": f"({reached} AND {end} IS NULL)", "invalid": f"({done} AND {duration} < 0)"}


def ticket_flag(tickets: pd.DataFrame, limits, flag: str):
    """SQL for a ticket's ``overdue`` or ``on_time`` (as :func:`~cxeval.complaints.ticket_status`),
    and the columns it reads; None when the numpy path must run."""
    if not _long(tickets):
        return None
    found = _steps(tickets, limits)
    if found is None or not found[0]:
        return None
    steps, columns = found
    parts = [_step_sql(s) for s in steps]
    if not ready(tickets, times=[c for s in steps for c in (s["start"], s["end"])],
                 known=[c for s in steps for c in s["when"]]):
        return None
    if flag == "overdue":
        return "(" + " OR ".join(p["late"] for p in parts) + ")", columns
    reached = " OR ".join(p["reached"] for p in parts)
    not_on_time = " OR ".join(f"{p['late']} OR {p['open']} OR {p['invalid']}" for p in parts)
    return f"(({reached}) AND NOT ({not_on_time}))", columns


def top_repeaters(tickets: pd.DataFrame, freq: str, key: int, n: int) -> pd.DataFrame | None:
    """:func:`~cxeval.complaints.top_repeaters` by one query; None when the numpy path must
    run (or no customer complained in the period, which it answers at once)."""
    present = [c for c in ("branch", "category") if c in tickets.columns]
    if not ready(tickets, by=["customer_id", *present]):
        return None
    import duckdb

    in_period = f"customer_id IS NOT NULL AND {_period_sql(freq)} = {int(key)}"
    # One pass over the tickets: the period's rows once, then only the top customers'.
    frequent_sql = "".join(
        f""", f_{column} AS (SELECT customer_id, v AS {column} FROM (
                SELECT customer_id, v, row_number() OVER (PARTITION BY customer_id ORDER BY k DESC, v) AS rn
                FROM (SELECT customer_id, {_name(column)} AS v, count(*) AS k FROM r
                      WHERE {_name(column)} IS NOT NULL GROUP BY customer_id, v)) WHERE rn = 1)"""
        for column in present)
    joins = "".join(f" LEFT JOIN f_{column} USING (customer_id)" for column in present)
    con = duckdb.connect()
    try:
        con.register("t", tickets[["customer_id", *present, "opened_at"]])
        top = con.sql(f"""
            WITH p AS MATERIALIZED (SELECT * FROM t WHERE {in_period}),
                 top AS (SELECT customer_id, count(*) AS complaints FROM p GROUP BY 1
                         ORDER BY complaints DESC, customer_id LIMIT {int(n)}),
                 r AS (SELECT p.* FROM p SEMI JOIN top USING (customer_id)),
                 span AS (SELECT customer_id, min(opened_at) AS first, max(opened_at) AS last
                          FROM r GROUP BY 1){frequent_sql}
            SELECT * FROM top JOIN span USING (customer_id){joins}
            ORDER BY complaints DESC, customer_id""").df()
    finally:
        con.close()
    if top.empty:
        return None
    span = top.set_index("customer_id")[["first", "last"]]
    frequent = {column: top.set_index("customer_id")[column].dropna() for column in present}
    ids = top["customer_id"].astype(tickets["customer_id"].dtype)

    def most_frequent(column):
        if column not in frequent:
            return np.full(len(ids), pd.NA, dtype=object)
        return frequent[column].astype(tickets[column].dtype).reindex(ids).to_numpy()

    from cxeval.complaints.repeat import repeater_table

    opened = tickets["opened_at"].dtype
    return repeater_table(ids, top["complaints"], branch=most_frequent("branch"),
                          category=most_frequent("category"),
                          first=span["first"].astype(opened).reindex(ids).to_numpy(),
                          last=span["last"].astype(opened).reindex(ids).to_numpy())


def repeat_complaints(tickets: pd.DataFrame, levels: list[int], freq: str, by) -> pd.DataFrame | None:
    """:func:`~cxeval.complaints.repeat_complaints` by one query; None when the numpy path
    must run."""
    if not _long(tickets):
        return None
    by = as_columns(by)
    if "period" in by or "customer_id" not in tickets.columns or not ready(tickets, by=by) \
            or not isinstance(tickets["customer_id"].dtype, pd.StringDtype) \
            or tickets["customer_id"].isna().any():
        return None
    keys = ", ".join([*(_name(c) for c in by), "_period"])
    sums = ", ".join(f"count(*) FILTER (WHERE n >= {t}) AS c{t}, sum(n) FILTER (WHERE n >= {t}) AS k{t}"
                     for t in levels)
    table = query(tickets, [*by, "opened_at", "customer_id"], f"""
        WITH c AS (SELECT {''.join(_name(c) + ', ' for c in by)}{_period_sql(freq)} AS _period, customer_id,
                          count(*) AS n FROM t GROUP BY ALL)
        SELECT {keys}, {sums} FROM c GROUP BY ALL""")
    keys_frame = pd.DataFrame({c: table[c].astype(tickets[c].dtype) for c in by})
    keys_frame["_period"] = table["_period"].to_numpy(dtype=np.int64)
    order = keys_frame.sort_values([*by, "_period"], na_position="last", kind="stable").index.to_numpy()
    keys_frame = keys_frame.iloc[order].reset_index(drop=True)
    keys_frame["period"] = pd.Series(_period_labels(keys_frame.pop("_period").to_numpy(), freq), dtype="str")
    frames = []
    for t in levels:
        frame = keys_frame.copy()
        frame["threshold"] = t
        frame["customers"] = table[f"c{t}"].fillna(0).to_numpy(dtype=np.int64)[order]
        frame["complaints"] = table[f"k{t}"].fillna(0).to_numpy(dtype=np.int64)[order]
        frame["_group"] = np.arange(len(frame))
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True).sort_values(["_group", "threshold"], kind="stable")
    return out.drop(columns="_group").reset_index(drop=True)
