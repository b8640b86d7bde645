"""Repeat complaints: customers who complain again and again.

- :func:`repeat_complaints` — customers with at least 5 (10) complaints a month, and the
  complaints they made;
- :func:`top_repeaters` — the customers who complained most in a period, ids masked.

Tables of a million tickets or more go through one DuckDB query
(:mod:`~cxeval.complaints.duck`) when it gives exactly these numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.checks import as_columns, check_how_many
from cxeval.complaints import duck
from cxeval.complaints.tickets import (_check_freq, _groups, _opened, _period_keys, _period_of,
                                       _require, latest_period)
from cxeval.errors import DataError


def _thresholds(thresholds) -> list[int]:
    try:
        values = sorted({int(t) for t in thresholds})
        ok = all(float(t) == int(t) for t in thresholds) and values and values[0] >= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"thresholds must be whole numbers >= 1, e.g. (5, 10), got {thresholds!r}")
    return values


def _customer_counts(tickets: pd.DataFrame, by, freq: str, at_least: int):
    """Complaints per customer within each group (by + period), for possible repeaters.

    Returns the groups and, per (group, customer) pair with ``>= at_least`` complaints in
    the whole table, its group number and its complaint count. Customers with fewer
    complaints in total cannot reach the threshold in any period, so they are dropped
    first with one ``bincount`` -- most customers complain once or twice, which shrinks
    the table the pair counting has to hash.
    """
    _require(tickets, ["customer_id", "opened_at"])
    by_list = as_columns(by)
    if "period" in by_list:
        raise ValueError("by must not include 'period': repeat complaints are always per period")
    groups = _groups(tickets, [*by_list, "period"], freq, _opened(tickets))
    customer_codes, uniques = pd.factorize(tickets["customer_id"], use_na_sentinel=True)
    if (customer_codes < 0).any():
        raise DataError(f"tickets: {int((customer_codes < 0).sum())} ticket(s) have no "
                        "customer_id; repeat complaints need one per ticket")
    width = max(len(uniques), 1)
    candidate = np.bincount(customer_codes, minlength=width)[customer_codes] >= at_least
    pair_codes, pairs = pd.factorize(groups.codes[candidate] * width + customer_codes[candidate])
    pair_counts = np.bincount(pair_codes, minlength=len(pairs))
    return groups, pairs // width, pair_counts


def repeat_complaints(tickets: pd.DataFrame, *, thresholds=(5, 10), freq: str = "M",
                      by=None) -> pd.DataFrame:
    """Repeat complainers per period: customers at or above each complaint threshold.

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``customer_id`` and ``opened_at``; each ticket is one complaint.
    thresholds : sequence of int
        Complaint counts in one period that make a repeat complainer (campaign: 5 and 10).
    freq : {"M", "Q"}
        Period (the campaign counts per calendar month of ``opened_at``).
    by : str or list of str, optional
        Extra grouping (e.g. ``"branch"``); a customer's complaints are counted within it.

    Returns
    -------
    DataFrame
        One row per (group,) period and threshold, every period present in the tickets
        (zero rows kept, so a month that reaches the target shows 0):

        - ``*by``, ``period``, ``threshold``;
        - ``customers``: customers with ``>= threshold`` complaints in the period;
        - ``complaints``: the complaints those customers made in the period.

    Notes
    -----
    The campaign (DOMAIN.md section 2) counts **complaints**: "complaints from customers who
    complained >= 5 times were 3,428 in July" is the ``complaints`` column of the
    ``threshold == 5`` row, and 748 that of the ``threshold == 10`` row. Thresholds are
    "at least", so the >= 5 row includes the customers (and complaints) of the >= 10 row.

    Examples
    --------
    >>> repeat_complaints(tickets).query("period == '2010-07'")   # doctest: +SKIP
    """
    _check_freq(freq)
    levels = _thresholds(thresholds)
    fast = duck.repeat_complaints(tickets, levels, freq, by)
    if fast is not None:
        return fast
    groups, pair_group, pair_counts = _customer_counts(tickets, by, freq, levels[0])
    frames = []
    for t in levels:  # a handful of thresholds, each one vectorised over all customers
        hit = pair_counts >= t
        frame = groups.keys.copy()
        frame["threshold"] = t
        frame["customers"] = np.bincount(pair_group[hit], minlength=groups.n).astype(np.int64)
        frame["complaints"] = np.bincount(pair_group[hit], weights=pair_counts[hit],
                                          minlength=groups.n).astype(np.int64)
        frame["_group"] = np.arange(groups.n)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True).sort_values(["_group", "threshold"], kind="stable")
    return out.drop(columns="_group").reset_index(drop=True)


def top_repeaters(tickets: pd.DataFrame, *, period: str | None, n: int = 10) -> pd.DataFrame:
    """The customers who complained most in one period, with their id masked.

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``customer_id``, ``opened_at``; ``branch`` and ``category`` are used
        when present.
    period : str or None
        ``"YYYY-MM"`` or ``"YYYY-Qn"``; None: the latest month in the tickets
        (:func:`latest_period`).
    n : int
        How many customers to list.

    Returns
    -------
    DataFrame
        Up to ``n`` rows, most complaints first (ties broken by the unmasked id, so the
        order is stable):

        - ``rank`` (1..n), ``customer_id`` **masked** (``138****1234``, via
          :func:`cxeval.report.mask_id`) -- no unmasked id leaves this function;
        - ``complaints`` in the period; ``branch`` (the branch of most of them);
        - ``top_category`` (their most frequent category); ``first_opened``,
          ``last_opened``.

    Examples
    --------
    >>> top_repeaters(tickets, period="2010-07", n=5)   # doctest: +SKIP
    """
    check_how_many(n, "n")
    _require(tickets, ["customer_id", "opened_at"])
    if period is None:
        period = latest_period(tickets) or "1970-01"  # no tickets: an empty table below
    freq, key = _period_of(period)
    fast = duck.top_repeaters(tickets, freq, key, n)
    if fast is not None:
        return fast
    opened = _opened(tickets)
    in_period = _period_keys(opened, freq) == key
    columns = ["rank", "customer_id", "complaints", "branch", "top_category",
               "first_opened", "last_opened"]
    if not in_period.any():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    # Count by integer codes, then keep only customers that can make the top n (count at
    # least the n-th largest) before touching strings again.
    codes, uniques = pd.factorize(tickets["customer_id"][in_period])
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    floor = np.sort(counts)[::-1][min(n, len(counts)) - 1]
    contenders = np.flatnonzero(counts >= floor)
    top = pd.DataFrame({"customer_id": uniques.take(contenders), "complaints": counts[contenders]})
    top = top.sort_values(["complaints", "customer_id"], ascending=[False, True]).head(n)
    wanted = np.zeros(len(uniques) + 1, dtype=bool)
    wanted[contenders] = True
    rows = np.flatnonzero(in_period)[wanted[codes]]
    cols = [c for c in ("customer_id", "branch", "category") if c in tickets.columns]
    mine = tickets[cols].iloc[rows].assign(_opened=opened[rows])
    ids = top["customer_id"]
    span = mine.groupby("customer_id")["_opened"].agg(["min", "max"]).reindex(ids)

    def most_frequent(col):
        if col not in mine.columns:
            return np.full(len(ids), pd.NA, dtype=object)
        counted = mine.groupby(["customer_id", col], sort=True).size().reset_index(name="k")
        counted = counted.sort_values(["customer_id", "k", col], ascending=[True, False, True])
        return counted.drop_duplicates("customer_id").set_index("customer_id")[col] \
            .reindex(ids).to_numpy()

    return repeater_table(ids, top["complaints"], branch=most_frequent("branch"),
                          category=most_frequent("category"), first=span["min"], last=span["max"])


def repeater_table(ids: pd.Series, complaints, *, branch, category, first, last) -> pd.DataFrame:
    """The table :func:`top_repeaters` returns, from either of its two ways of counting:
    ranks 1..n in the given order, customer ids masked."""
    return pd.DataFrame({
        "rank": np.arange(1, len(ids) + 1),
        "customer_id": ids.map(report.mask_id).to_numpy(),
        "complaints": np.asarray(complaints, dtype=np.int64),
        "branch": np.asarray(branch),
        "top_category": np.asarray(category),
        "first_opened": np.asarray(first),
        "last_opened": np.asarray(last),
    })
