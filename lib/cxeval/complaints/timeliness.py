"""Timeliness: every workflow step against its time limit.

- :func:`sla` — per step: tickets, on time, late, open, on-time rate, median and 90th
  percentile time;
- :func:`ticket_status` — each ticket's steps, on time or not;
- :func:`overdue_tickets` — the tickets most over their limit, ids masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.checks import check_how_many
from cxeval.complaints.config import _limits
from cxeval.complaints.tickets import (_check_freq, _count, _flag, _group_quantiles, _groups,
                                       _require, _timestamps)
from cxeval.errors import DataError


@dataclass
class _StepStatus:
    step: dict
    reached: np.ndarray   # applicable and start present
    on_time: np.ndarray
    late: np.ndarray
    open: np.ndarray
    invalid: np.ndarray   # end before start: a data error, neither on time nor late
    minutes: np.ndarray   # duration in minutes where completed and valid, else NaN


def _evaluate_steps(tickets: pd.DataFrame, steps: list[dict]) -> list[_StepStatus]:
    out, cache = [], {}
    for step in steps:
        needed = [step["start"], step["end"], *step["when"]]
        absent = [c for c in needed if c not in tickets.columns]
        if absent:
            if step["optional"]:
                continue
            raise DataError(f"tickets is missing column(s) {', '.join(map(repr, absent))} needed "
                            f"for SLA step {step['id']!r}; columns present: "
                            f"{', '.join(map(str, tickets.columns))}. Add the column, or mark "
                            "the step `optional: true` in sla.yaml")
        for col in (step["start"], step["end"]):
            if col not in cache:
                cache[col] = _timestamps(tickets, col)
        start, end = cache[step["start"]], cache[step["end"]]
        applicable = np.ones(len(tickets), dtype=bool)
        for col, wanted in step["when"].items():
            values, known = _flag(tickets, col)
            if not known.all():
                raise DataError(f"tickets column {col!r} has {int((~known).sum())} missing "
                                f"value(s); SLA step {step['id']!r} needs it to decide which "
                                "limit applies")
            applicable &= values == wanted
        reached = applicable & ~np.isnat(start)
        done = reached & ~np.isnat(end)
        duration = end - start
        limit = np.timedelta64(int(step["limit"].value), "ns")
        invalid = done & (duration < np.timedelta64(0, "ns"))
        valid = done & ~invalid
        on_time = valid & (duration <= limit)
        minutes = np.where(valid, duration / np.timedelta64(1, "m"), np.nan)
        out.append(_StepStatus(step, reached, on_time, valid & ~on_time, reached & ~done,
                               invalid, minutes))
    return out


def sla(tickets: pd.DataFrame, limits, *, by=None, freq: str = "M") -> pd.DataFrame:
    """On-time performance per workflow step (DOMAIN.md section 3 time limits).

    Parameters
    ----------
    tickets : DataFrame
        Tickets (data contract), with the timestamp columns the steps name.
    limits : dict or str or os.PathLike
        The parsed ``sla.yaml`` (:func:`load_limits` or ``yaml.safe_load``) or its path.
    by : str or list of str, optional
        Grouping columns, e.g. ``"branch"`` or ``["branch", "period"]``; ``"period"`` is the
        month (or quarter) of ``opened_at``. None: the whole table.
    freq : {"M", "Q"}
        Period length when ``by`` includes ``"period"``.

    Returns
    -------
    DataFrame
        One row per group and step, steps in the order of the file:

        - ``*by``: the grouping columns;
        - ``step``: step id (``submit``, ``dispatch``, ``reply``, ...); ``step_zh``,
          ``step_en``: its labels; ``limit_minutes``: its limit;
        - ``tickets``: tickets that reached the step (start timestamp present, and the step
          applies to them: ``reply`` to self-handled, ``provincial_reply`` to escalated);
        - ``on_time``: completed within the limit (exactly at the limit counts);
        - ``late``: completed after the limit;
        - ``open``: start present, end missing -- never counted on time;
        - ``invalid``: end before start (a data error), neither on time nor late;
          ``tickets = on_time + late + open + invalid``;
        - ``on_time_rate``: ``on_time / tickets`` (NaN when no ticket reached the step);
        - ``median_minutes``, ``p90_minutes``: median and 90th percentile of the duration
          of completed steps, in minutes (linear interpolation, as ``numpy.quantile``).

        Steps marked ``optional`` whose columns the table lacks are left out.

    Raises
    ------
    DataError
        A column a step or ``by`` needs is missing (the message lists the columns there),
        an unparseable timestamp, or a missing ``escalated`` value.
    ConfigError
        Invalid limits.

    Examples
    --------
    >>> sla(tickets, "data/configs/sla.yaml", by="branch")   # doctest: +SKIP
    """
    _check_freq(freq)
    conf = _limits(limits)
    _require(tickets, ["opened_at"])
    statuses = _evaluate_steps(tickets, conf["steps"])
    groups = _groups(tickets, by, freq)
    frames = []
    for order, st in enumerate(statuses):
        n = groups.n
        counts = {name: _count(groups.codes, n, getattr(st, name))
                  for name in ("reached", "on_time", "late", "open", "invalid")}
        done = ~np.isnan(st.minutes)
        q = _group_quantiles(st.minutes[done], groups.codes[done], n, (0.5, 0.9))
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(counts["reached"] > 0,
                            counts["on_time"] / np.maximum(counts["reached"], 1), np.nan)
        frame = groups.keys.copy()
        frame["step"] = st.step["id"]
        frame["step_zh"] = st.step["zh"]
        frame["step_en"] = st.step["en"]
        frame["limit_minutes"] = st.step["limit_minutes"]
        frame["tickets"] = counts["reached"]
        frame["on_time"] = counts["on_time"]
        frame["late"] = counts["late"]
        frame["open"] = counts["open"]
        frame["invalid"] = counts["invalid"]
        frame["on_time_rate"] = rate
        frame["median_minutes"] = q[:, 0]
        frame["p90_minutes"] = q[:, 1]
        frame["_group"] = np.arange(n)
        frame["_order"] = order
        frames.append(frame)
    if not frames:
        raise DataError("no SLA step could be evaluated: every step is optional and its "
                        "columns are missing from tickets")
    result = pd.concat(frames, ignore_index=True).sort_values(["_group", "_order"], kind="stable")
    return result.drop(columns=["_group", "_order"]).reset_index(drop=True)


def ticket_status(tickets: pd.DataFrame, limits) -> pd.DataFrame:
    """Whole-ticket timeliness: was every step the ticket reached done on time?

    Parameters
    ----------
    tickets : DataFrame
        Tickets (data contract).
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.

    Returns
    -------
    DataFrame
        Same index as ``tickets``, columns ``steps_reached`` (int), ``on_time`` (every
        reached step completed within its limit, none open or invalid), ``overdue`` (at
        least one step completed after its limit), ``open`` (at least one reached step not
        completed) -- all bool. A ticket can be both overdue and open; a ticket with an open
        step is never on time.

    Examples
    --------
    >>> ticket_status(tickets, limits)["on_time"].mean()   # doctest: +SKIP
    """
    return pd.DataFrame(_ticket_flags(tickets, limits), index=tickets.index)


def _ticket_flags(tickets: pd.DataFrame, limits) -> dict[str, np.ndarray]:
    """The arrays behind :func:`ticket_status`, without building a DataFrame."""
    conf = _limits(limits)
    _require(tickets, ["opened_at"])
    statuses = _evaluate_steps(tickets, conf["steps"])
    size = len(tickets)
    reached = np.zeros(size, dtype=np.int64)
    late = np.zeros(size, dtype=bool)
    not_done = np.zeros(size, dtype=bool)
    bad = np.zeros(size, dtype=bool)
    for st in statuses:  # a handful of steps, each vectorised over all tickets
        reached += st.reached
        late |= st.late
        not_done |= st.open
        bad |= st.invalid
    return {"steps_reached": reached, "on_time": (reached > 0) & ~late & ~not_done & ~bad,
            "overdue": late, "open": not_done}


def overdue_tickets(tickets: pd.DataFrame, limits, *, n: int = 10) -> pd.DataFrame:
    """The tickets furthest over a step limit, safe to show (ids and phone numbers masked).

    Parameters
    ----------
    tickets : DataFrame
        Tickets (data contract); ``summary`` shown when present.
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    n : int
        How many tickets to list.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``customer_id`` (masked), ``branch``, ``category``, ``step``
        (id), ``step_zh``, ``step_en`` (labels), ``minutes`` (time the step took),
        ``limit_minutes``, ``over_minutes`` (``minutes - limit_minutes``), ``summary``
        (phone numbers masked with
        :func:`cxeval.report.mask_text`; HTML is escaped when shown with
        :func:`cxeval.report.table`). One row per ticket (its worst step), worst first.

    Examples
    --------
    >>> overdue_tickets(tickets, limits, n=5)   # doctest: +SKIP
    """
    check_how_many(n, "n")
    conf = _limits(limits)
    _require(tickets, ["opened_at"])
    statuses = _evaluate_steps(tickets, conf["steps"])
    size = len(tickets)
    worst_over = np.full(size, -np.inf)
    worst_step = np.full(size, -1)
    for i, st in enumerate(statuses):
        over = np.where(st.late, st.minutes - st.step["limit_minutes"], -np.inf)
        better = over > worst_over
        worst_over = np.where(better, over, worst_over)
        worst_step = np.where(better, i, worst_step)
    late = np.flatnonzero(worst_step >= 0)
    pick = late[np.argsort(-worst_over[late], kind="stable")[:n]]
    rows = tickets.iloc[pick]
    steps = [statuses[i] for i in worst_step[pick]]

    def col(name, fn=None):
        if name not in rows.columns:
            return [pd.NA] * len(rows)
        values = rows[name].tolist()
        return [fn(v) for v in values] if fn else values

    return pd.DataFrame({
        "ticket_id": col("ticket_id"),
        "customer_id": col("customer_id", report.mask_id),
        "branch": col("branch"),
        "category": col("category"),
        "step": [s.step["id"] for s in steps],
        "step_zh": [s.step["zh"] for s in steps],
        "step_en": [s.step["en"] for s in steps],
        "minutes": [s.minutes[i] for s, i in zip(steps, pick)],
        "limit_minutes": [s.step["limit_minutes"] for s in steps],
        "over_minutes": worst_over[pick],
        "summary": col("summary", report.mask_text),
    })
