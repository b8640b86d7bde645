"""Rates by branch and period: first-contact resolution, quality, timeliness, complaints.

:func:`first_contact_resolution`, :func:`quality_pass_rate`, :func:`on_time_rate`,
:func:`escalated_on_time_rate`, :func:`overdue_rate` and :func:`complaint_rate` (per
10,000 subscribers), each one row per group with its numerator and denominator. Tables
of a million tickets or more go through the same aggregation as a DuckDB query
(:mod:`~cxeval.complaints.duck`) when it gives exactly these numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.checks import as_columns
from cxeval.complaints import duck
from cxeval.complaints.tickets import (_check_freq, _count, _flag, _groups, _period_keys,
                                       _period_labels, _require)
from cxeval.complaints.timeliness import _ticket_flags
from cxeval.errors import DataError


def _rate_table(tickets: pd.DataFrame, hits: np.ndarray, eligible: np.ndarray | None, *, by,
                freq: str, names: tuple[str, str, str]) -> pd.DataFrame:
    """The one groupby behind every rate: eligible tickets, hits among them, hits / eligible.

    Groups are formed on all tickets, so a group with no eligible ticket still appears
    (count 0, rate NaN) instead of vanishing from a monthly series.
    """
    _check_freq(freq)
    groups = _groups(tickets, by, freq)
    eligible = np.ones(len(tickets), dtype=bool) if eligible is None else eligible
    denominator = _count(groups.codes, groups.n, eligible)
    numerator = _count(groups.codes, groups.n, eligible & hits)
    out = groups.keys.copy()
    out[names[0]] = denominator
    out[names[1]] = numerator
    with np.errstate(invalid="ignore", divide="ignore"):
        out[names[2]] = np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)
    return out


def _ticket_counts(tickets: pd.DataFrame, *, by, freq: str, name: str) -> pd.DataFrame:
    """Tickets per group (every group present in the table)."""
    _check_freq(freq)
    groups = _groups(tickets, by, freq)
    out = groups.keys.copy()
    out[name] = _count(groups.codes, groups.n)
    return out


_BY_DOC = """by : str or list of str or None
        Grouping columns; ``"period"`` is the month (or quarter) of ``opened_at``.
    freq : {"M", "Q"}
        Period length."""


def first_contact_resolution(tickets: pd.DataFrame, *, by=("branch", "period"),
                             freq: str = "M") -> pd.DataFrame:
    """First-contact resolution (一次性解决率) of self-handled complaints.

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``escalated`` and ``first_contact_resolved``.
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``tickets`` (self-handled tickets, i.e. not escalated, with a known
        ``first_contact_resolved``), ``resolved`` (of those, resolved at first contact),
        ``fcr`` (``resolved / tickets``; NaN when no ticket).

    Notes
    -----
    The campaign target (DOMAIN.md section 2, target 1) is on *self-handled* complaints,
    so escalated tickets are left out of the denominator.

    Examples
    --------
    >>> first_contact_resolution(tickets, by="period")   # doctest: +SKIP
    """
    _require(tickets, ["opened_at", "escalated", "first_contact_resolved"])
    if duck.ready(tickets, flags=["escalated", "first_contact_resolved"], by=by) and _check_freq(freq):
        return duck.rate_table(
            tickets, '"first_contact_resolved"',
            'NOT "escalated" AND "escalated" IS NOT NULL AND "first_contact_resolved" IS NOT NULL',
            by=by, freq=freq, names=("tickets", "resolved", "fcr"),
            columns=["escalated", "first_contact_resolved"])
    escalated, esc_known = _flag(tickets, "escalated")
    resolved, known = _flag(tickets, "first_contact_resolved")
    return _rate_table(tickets, resolved, ~escalated & esc_known & known, by=by, freq=freq,
                       names=("tickets", "resolved", "fcr"))


def quality_pass_rate(tickets: pd.DataFrame, *, by=("branch", "period"),
                      freq: str = "M") -> pd.DataFrame:
    """Ticket quality pass rate (工单质检合格率).

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``qualified``.
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``tickets`` (tickets with a quality verdict: ``qualified`` not missing),
        ``qualified`` (passed), ``pass_rate`` (``qualified / tickets``).

    Examples
    --------
    >>> quality_pass_rate(tickets)   # doctest: +SKIP
    """
    _require(tickets, ["opened_at", "qualified"])
    if duck.ready(tickets, flags=["qualified"], by=by) and _check_freq(freq):
        return duck.rate_table(tickets, '"qualified"', '"qualified" IS NOT NULL', by=by, freq=freq,
                               names=("tickets", "qualified", "pass_rate"), columns=["qualified"])
    passed, known = _flag(tickets, "qualified")
    return _rate_table(tickets, passed, known, by=by, freq=freq,
                       names=("tickets", "qualified", "pass_rate"))


def on_time_rate(tickets: pd.DataFrame, limits, *, escalated: bool | None = None,
                 by=("branch", "period"), freq: str = "M") -> pd.DataFrame:
    """Share of tickets handled on time at every step they reached.

    Parameters
    ----------
    tickets : DataFrame
        Tickets (data contract).
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    escalated : bool or None
        True: escalated tickets only; False: self-handled only; None: all tickets.
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``tickets`` (tickets in scope), ``on_time`` (every reached step completed
        within its limit; a ticket with a step still open is not on time), ``on_time_rate``.

    Examples
    --------
    >>> on_time_rate(tickets, limits, escalated=False, by="period")   # doctest: +SKIP
    """
    if escalated not in (None, True, False):
        raise ValueError(f"escalated must be True, False or None, got {escalated!r}")
    _require(tickets, ["opened_at"] + (["escalated"] if escalated is not None else []))
    fast = duck.ticket_flag(tickets, limits, "on_time")
    if fast is not None and duck.ready(tickets, known=["escalated"] if escalated is not None else [],
                                       by=by) and _check_freq(freq):
        scope = None if escalated is None else f'"escalated" = {str(escalated).upper()}'
        return duck.rate_table(tickets, fast[0], scope, by=by, freq=freq,
                               names=("tickets", "on_time", "on_time_rate"),
                               columns=[*fast[1], *(["escalated"] if escalated is not None else [])])
    on_time = _ticket_flags(tickets, limits)["on_time"]
    scope = None
    if escalated is not None:
        values, known = _flag(tickets, "escalated")
        scope = known & (values == escalated)
    return _rate_table(tickets, on_time, scope, by=by, freq=freq,
                       names=("tickets", "on_time", "on_time_rate"))


def escalated_on_time_rate(tickets: pd.DataFrame, limits, *, by=("branch", "period"),
                           freq: str = "M") -> pd.DataFrame:
    """On-time rate of escalated tickets (上级转办工单及时率; campaign target: >= 99%).

    Same as :func:`on_time_rate` with ``escalated=True``: an escalated ticket is on time
    when every step it reached (submit, dispatch, provincial reply within 24 h, return)
    was completed within its limit.

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``escalated``.
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``tickets`` (escalated tickets), ``on_time``, ``on_time_rate``.

    Examples
    --------
    >>> escalated_on_time_rate(tickets, limits, by="period")   # doctest: +SKIP
    """
    return on_time_rate(tickets, limits, escalated=True, by=by, freq=freq)


def overdue_rate(tickets: pd.DataFrame, limits, *, by=("branch", "period"),
                 freq: str = "M") -> pd.DataFrame:
    """Ticket overdue rate (工单超时率): tickets with at least one step completed late.

    Parameters
    ----------
    tickets : DataFrame
        Tickets (data contract).
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``tickets`` (all tickets), ``overdue`` (at least one step completed after
        its limit), ``overdue_rate``. A step still open is not counted as overdue: without
        a reporting date it is not known to be late (it is counted in :func:`sla`'s
        ``open``), so ``on_time_rate + overdue_rate`` can be below 1.

    Examples
    --------
    >>> overdue_rate(tickets, limits)   # doctest: +SKIP
    """
    fast = duck.ticket_flag(tickets, limits, "overdue")
    if fast is not None and duck.ready(tickets, by=by) and _check_freq(freq):
        return duck.rate_table(tickets, fast[0], None, by=by, freq=freq,
                               names=("tickets", "overdue", "overdue_rate"), columns=fast[1])
    overdue = _ticket_flags(tickets, limits)["overdue"]
    return _rate_table(tickets, overdue, None, by=by, freq=freq,
                       names=("tickets", "overdue", "overdue_rate"))


def complaint_rate(tickets: pd.DataFrame, subscribers: pd.DataFrame, *,
                   by=("branch", "period"), freq: str = "M") -> pd.DataFrame:
    """Complaints per 10,000 subscribers (万人投诉率).

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``opened_at`` and the ``by`` columns.
    subscribers : DataFrame
        ``branch``, ``period`` (``"YYYY-MM"``), ``subscribers`` (data contract). For
        quarters the subscriber base is the mean of the quarter's months; when ``by`` has
        no ``branch`` the branches' subscribers are added up; when it has no ``period``
        the base is the mean over the periods (so the rate is per 10,000 for the whole
        span of the tickets).
    {by}

    Returns
    -------
    DataFrame
        ``*by``, ``complaints`` (tickets), ``subscribers``, ``per_10k``
        (``complaints / subscribers * 10,000``; NaN where the subscriber count is missing
        or zero).

    Raises
    ------
    DataError
        Missing columns; ``by`` has a column other than ``branch`` / ``period`` (the
        subscriber table has no other breakdown).

    Examples
    --------
    >>> complaint_rate(tickets, subscribers, by=["branch", "period"])   # doctest: +SKIP
    """
    by_list = as_columns(by)
    _require(tickets, ["opened_at"])
    _require(subscribers, ["branch", "period", "subscribers"], "subscribers")
    other = [c for c in by_list if c not in ("branch", "period")]
    if other:
        raise DataError(f"complaint_rate: by can only use 'branch' and 'period' (the subscriber "
                        f"table has no other breakdown), got {by_list}")
    if duck.ready(tickets, by=by_list) and _check_freq(freq):
        counts = duck.groups(tickets, by_list, freq, {"complaints": "count(*)"})
    else:
        counts = _ticket_counts(tickets, by=by_list, freq=freq, name="complaints")
    subs = subscribers[["branch", "period", "subscribers"]].copy()
    month = pd.to_datetime(subs["period"].astype("str"), format="%Y-%m", errors="coerce")
    if month.isna().any():
        bad = subs["period"][month.isna()].iloc[0]
        raise DataError(f"subscribers column 'period' must be months 'YYYY-MM', got {bad!r}")
    subs["period"] = pd.Series(_period_labels(_period_keys(month.to_numpy(), freq), freq),
                               index=subs.index, dtype="str")
    # A branch's base in a quarter is the mean of its months; branches then add up, and
    # without a period breakdown the base is the mean over the periods.
    subs = subs.groupby(["branch", "period"], as_index=False)["subscribers"].mean()
    subs = subs.groupby([c for c in ("branch",) if c in by_list] + ["period"],
                        as_index=False)["subscribers"].sum()
    if "period" not in by_list:
        subs = (subs.groupby(by_list, as_index=False)["subscribers"].mean() if by_list
                else pd.DataFrame({"subscribers": [subs["subscribers"].mean()]}))
    out = counts.merge(subs, on=by_list, how="left") if by_list else \
        counts.assign(subscribers=subs["subscribers"].iloc[0])
    s = out["subscribers"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["per_10k"] = np.where(s > 0, out["complaints"].to_numpy() / s * 10_000, np.nan)
    return out


for _f in (first_contact_resolution, quality_pass_rate, on_time_rate, escalated_on_time_rate,
           overdue_rate, complaint_rate):
    _f.__doc__ = _f.__doc__.replace("{by}", _BY_DOC)
del _f
