"""Complaint handling: SLA timeliness, repeat complaints, FCR, complaint rate, campaign tracking.

Every complaint is a ticket that moves through a workflow with a time limit per step
(DOMAIN.md section 3); the 2010 campaign set monthly targets on repeat complainers,
first-contact resolution and timeliness (DOMAIN.md section 2). This module measures all
of them on the whole ticket table at once: a provincial call centre has millions of
tickets a year, so every function is vectorised (numpy / pandas group codes and
``np.bincount``), never a Python loop per ticket. ``benchmarks/bench_complaints.py``
times each function next to the equivalent DuckDB SQL.

Conventions shared by the functions below
-----------------------------------------
- ``tickets`` follows the data contract (DESIGN.md): ``ticket_id``, ``customer_id``,
  ``branch``, ``opened_at``, ``category``, ``network``, optional step timestamps
  (``submitted_at``, ``dispatched_at``, ``replied_at``, ``returned_at``, ``closed_at``),
  ``escalated``, ``first_contact_resolved``, ``qualified``, optional ``summary``.
  Timestamps are naive local time. Time-zone-aware columns are converted to the time zone
  of ``opened_at`` and made naive (wall-clock time decides the month); mixing aware and
  naive columns is an error.
- A ticket belongs to the period (month ``"YYYY-MM"`` or quarter ``"YYYY-Qn"``) of its
  ``opened_at``: 2010-07-31 23:59:59 is July, 2010-08-01 00:00:00 is August.
- ``by`` names grouping columns; ``"period"`` is derived from ``opened_at`` with ``freq``
  unless the table has its own ``period`` column.
- Customer ids never leave this module unmasked in anything meant for display:
  :func:`top_repeaters`, :func:`overdue_tickets` and :func:`check_categories` mask them
  with :func:`cxeval.report.mask_id` and mask phone numbers in summaries with
  :func:`cxeval.report.mask_text`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.errors import ConfigError, DataError

__all__ = [
    "load_limits", "sla", "ticket_status",
    "repeat_complaints", "top_repeaters",
    "first_contact_resolution", "complaint_rate", "overdue_rate", "on_time_rate",
    "escalated_on_time_rate", "quality_pass_rate",
    "campaign_actuals", "campaign", "CampaignResult",
    "load_categories", "check_categories", "CategoryCheck", "overdue_tickets",
    "sla_sentence", "repeat_sentence", "fcr_sentence", "status_sentence", "campaign_sentence",
    "root_cause_pointer", "latest_period", "index_entry", "campaign_goals", "headline",
    "show_sla", "show_campaign",
    "show_top_repeaters", "show_overdue", "show_monthly", "STATUSES",
]

#: Campaign statuses, in the order a reader ranks them.
STATUSES = ("met", "on_track", "off_track", "no_data")

_FREQS = ("M", "Q")


# =========================================================================== config: SLA limits
def _read_yaml(path) -> Any:
    import yaml

    from cxeval._io import load_yaml

    path = os.fspath(path)
    if not os.path.exists(path):
        raise ConfigError(f"{path}: file not found")
    try:
        with open(path, encoding="utf-8") as fh:
            return load_yaml(fh, path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def _parse_limit(value, where: str) -> pd.Timedelta:
    if isinstance(value, pd.Timedelta):
        limit = value
    elif hasattr(value, "total_seconds"):  # datetime.timedelta
        limit = pd.Timedelta(value)
    elif isinstance(value, str) and re.search(r"[A-Za-z]", value):
        try:
            limit = pd.Timedelta(value)
        except ValueError:
            raise ConfigError(f"{where}: limit {value!r} is not a duration; write it with a unit, "
                              "e.g. '5 min', '20 h', '1 day'") from None
    else:
        # A bare number has no unit (pandas would read 5 as five nanoseconds).
        raise ConfigError(f"{where}: limit {value!r} has no unit; write it with a unit, "
                          "e.g. '5 min', '20 h', '1 day'")
    if limit <= pd.Timedelta(0):
        raise ConfigError(f"{where}: limit must be positive, got {value!r}")
    return limit


def _normalise_steps(raw, source: str) -> list[dict]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ConfigError(f"{source}: 'steps' must be a non-empty list of steps")
    steps, problems, seen = [], [], set()
    for i, item in enumerate(raw, start=1):
        where = f"{source}, step {i}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be a mapping with id, start, end, limit")
            continue
        sid = item.get("id")
        if sid:
            where = f"{source}, step {sid!r}"
        missing = [k for k in ("id", "start", "end", "limit") if not item.get(k)]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        if sid in seen:
            problems.append(f"{where}: duplicate step id")
        seen.add(sid)
        try:
            limit = _parse_limit(item["limit"], where)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        when = item.get("when") or {}
        if not isinstance(when, Mapping) or any(not isinstance(v, bool) for v in when.values()):
            problems.append(f"{where}: 'when' must map a true/false column to true or false, "
                            f"got {when!r}")
            continue
        steps.append({
            "id": str(sid), "zh": str(item.get("zh", sid)), "en": str(item.get("en", sid)),
            "start": str(item["start"]), "end": str(item["end"]), "limit": limit,
            "limit_minutes": limit / pd.Timedelta(minutes=1), "when": dict(when),
            "optional": bool(item.get("optional", False)),
        })
    if problems:
        raise ConfigError(f"{source}: invalid SLA steps", problems)
    return steps


def _normalise_campaign(raw, source: str) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: 'campaign' must be a mapping with baseline and targets")
    problems = []
    baseline = str(raw.get("baseline", ""))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", baseline):
        problems.append(f"{source}, campaign: baseline must be a month 'YYYY-MM', got {baseline!r}")
    targets = []
    for i, t in enumerate(raw.get("targets") or [], start=1):
        where = f"{source}, campaign target {t.get('id', i)!r}" if isinstance(t, Mapping) \
            else f"{source}, campaign target {i}"
        if not isinstance(t, Mapping) or not t.get("id") or not t.get("measure"):
            problems.append(f"{where}: needs id and measure")
            continue
        kind = t.get("kind")
        entry = {"id": str(t["id"]), "measure": str(t["measure"]), "kind": kind,
                 "zh": str(t.get("zh", t["id"])), "en": str(t.get("en", t["id"]))}
        if kind == "reduce":
            red, due = t.get("reduction"), str(t.get("due", ""))
            if not isinstance(red, (int, float)) or not 0 < red <= 1:
                problems.append(f"{where}: reduction must be a number in (0, 1], got {red!r}")
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", due) or due <= baseline:
                problems.append(f"{where}: due must be a month 'YYYY-MM' after the baseline "
                                f"{baseline}, got {due!r}")
            entry.update(reduction=float(red) if isinstance(red, (int, float)) else None, due=due)
        elif kind == "at_least":
            goal, bench = t.get("goal"), t.get("benchmark")
            if (goal is None) == (bench is None):
                problems.append(f"{where}: give either goal or benchmark (+ margin)")
            elif goal is not None and not isinstance(goal, (int, float)):
                problems.append(f"{where}: goal must be a number, got {goal!r}")
            entry.update(goal=None if goal is None else float(goal),
                         benchmark=None if bench is None else str(bench),
                         margin=float(t.get("margin", 0.0)))
        else:
            problems.append(f"{where}: kind must be 'reduce' or 'at_least', got {kind!r}")
        targets.append(entry)
    if not targets and not problems:
        problems.append(f"{source}, campaign: no targets")
    if problems:
        raise ConfigError(f"{source}: invalid campaign targets", problems)
    name = raw.get("name") or {}
    if not isinstance(name, Mapping):
        name = {"zh": str(name), "en": str(name)}
    return {"baseline": baseline, "targets": targets,
            "name": {"zh": str(name.get("zh", "")), "en": str(name.get("en", ""))}}


def load_limits(path) -> dict:
    """Read and validate an SLA file (``data/configs/sla.yaml``).

    Parameters
    ----------
    path : str or os.PathLike
        YAML file with ``steps`` (workflow time limits) and optionally ``campaign``
        (campaign targets, see :func:`campaign`).

    Returns
    -------
    dict
        ``{"steps": [...], "campaign": {...} or None}``. Each step has ``id``, ``zh``,
        ``en``, ``start``, ``end`` (column names), ``limit`` (:class:`pandas.Timedelta`),
        ``limit_minutes`` (float), ``when`` (column -> bool) and ``optional`` (bool).

    Raises
    ------
    ConfigError
        File missing, not YAML, or a step / target with a missing or invalid field (every
        problem listed, with file and step id).

    Examples
    --------
    >>> limits = load_limits("data/configs/sla.yaml")
    >>> [s["id"] for s in limits["steps"]][:2]
    ['submit', 'dispatch']
    """
    raw = _read_yaml(path)
    return _normalise_limits(raw, os.fspath(path))


def _normalise_limits(raw, source: str) -> dict:
    if not isinstance(raw, Mapping) or "steps" not in raw:
        raise ConfigError(f"{source}: an SLA configuration needs a 'steps' list")
    return {"steps": _normalise_steps(raw["steps"], source),
            "campaign": _normalise_campaign(raw.get("campaign"), source)}


def _limits(limits) -> dict:
    """Accept a path, raw YAML mapping or the output of :func:`load_limits`."""
    if isinstance(limits, (str, os.PathLike)):
        return load_limits(limits)
    if isinstance(limits, Mapping):
        return _normalise_limits(limits, "limits")
    raise TypeError(f"limits must be a path to sla.yaml or its parsed mapping, "
                    f"got {type(limits).__name__}")


# =========================================================================== tickets: columns
def _require(tickets, columns, what: str = "tickets") -> None:
    if not isinstance(tickets, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(tickets).__name__}")
    missing = [c for c in columns if c not in tickets.columns]
    if missing:
        raise DataError(f"{what} is missing column(s) {', '.join(map(repr, missing))}; "
                        f"columns present: {', '.join(map(str, tickets.columns))}")


def _reference_tz(tickets):
    if "opened_at" in tickets.columns and isinstance(tickets["opened_at"].dtype, pd.DatetimeTZDtype):
        return tickets["opened_at"].dtype.tz
    return None


def _timestamps(tickets: pd.DataFrame, column: str) -> np.ndarray:
    """Column as a naive numpy datetime64 array (NaT where missing)."""
    s = tickets[column]
    ref = _reference_tz(tickets)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        if ref is None:
            raise DataError(f"tickets column {column!r} has a time zone ({s.dtype.tz}) but "
                            "'opened_at' is naive; give all timestamps in local time without a "
                            "time zone, or all with one")
        return s.dt.tz_convert(ref).dt.tz_localize(None).to_numpy()
    # An empty column has no time zone to disagree with.
    if ref is not None and pd.api.types.is_datetime64_dtype(s.dtype) and s.notna().any():
        raise DataError(f"tickets column {column!r} is naive but 'opened_at' has a time zone "
                        f"({ref}); give all timestamps in local time without a time zone, or "
                        "all with one")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.to_numpy()
    parsed = pd.to_datetime(s, errors="coerce", format="mixed")
    bad = parsed.isna() & s.notna() & (s.astype("str").str.strip() != "")
    if bad.any():
        rows = list(np.flatnonzero(bad.to_numpy())[:5])
        raise DataError(f"tickets column {column!r}: {int(bad.sum())} value(s) are not dates, "
                        f"e.g. {s.iloc[rows[0]]!r} (row positions {rows})")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return _timestamps(tickets.assign(**{column: parsed}), column)
    return parsed.to_numpy()


def _flag(tickets: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A true/false column as (values, known) boolean arrays; missing values are not known."""
    s = tickets[column]
    if pd.api.types.is_bool_dtype(s.dtype):
        known = s.notna().to_numpy()
        return s.to_numpy(dtype=bool, na_value=False), known
    if s.dtype == object:
        try:
            s = s.astype("boolean")
        except (TypeError, ValueError):
            pass
        else:
            return s.to_numpy(dtype=bool, na_value=False), s.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isnan(values) | np.isin(values, (0.0, 1.0))
        if ok.all():
            known = ~np.isnan(values)
            return values == 1.0, known
    raise DataError(f"tickets column {column!r} must be true/false (bool or 0/1), "
                    f"got dtype {s.dtype} with values such as {list(s.dropna().unique()[:3])}")


def _opened(tickets: pd.DataFrame) -> np.ndarray:
    opened = _timestamps(tickets, "opened_at")
    missing = np.isnat(opened)
    if missing.any():
        ids = tickets["ticket_id"].iloc[np.flatnonzero(missing)[:5]].tolist() \
            if "ticket_id" in tickets.columns else list(np.flatnonzero(missing)[:5])
        raise DataError(f"tickets: {int(missing.sum())} ticket(s) have no opened_at, e.g. {ids}; "
                        "every ticket needs the time it was opened")
    return opened


# =========================================================================== periods and groups
def _check_freq(freq) -> str:
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {list(_FREQS)} (month, quarter), got {freq!r}")
    return freq


def _period_keys(opened: np.ndarray, freq: str) -> np.ndarray:
    """Integer period key: months (or quarters) since 1970-01."""
    months = opened.astype("datetime64[M]").astype(np.int64)
    return months if freq == "M" else months // 3


def _period_labels(keys, freq: str) -> list[str]:
    keys = np.asarray(keys, dtype=np.int64)
    if freq == "M":
        return [f"{1970 + k // 12}-{k % 12 + 1:02d}" for k in keys.tolist()]
    return [f"{1970 + k // 4}-Q{k % 4 + 1}" for k in keys.tolist()]


def _as_by(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    if isinstance(by, Sequence):
        return list(by)
    raise TypeError(f"by must be a column name, a list of names or None, got {type(by).__name__}")


@dataclass
class _Groups:
    codes: np.ndarray        # group number per ticket, 0..n-1
    keys: pd.DataFrame       # one row per group, the `by` columns
    n: int


def _dense_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 in sorted order of small integer keys (periods), by counting, no hashing."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = keys.min()
    shifted = keys - low
    present = np.flatnonzero(np.bincount(shifted))
    lookup = np.zeros(shifted.max() + 1, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    return lookup[shifted], present + low


def _groups(tickets: pd.DataFrame, by, freq: str, opened: np.ndarray | None = None) -> _Groups:
    """Group number per ticket for the ``by`` columns, via factorised codes (no groupby)."""
    by = _as_by(by)
    _require(tickets, [c for c in by if c != "period"])
    if len(set(by)) != len(by):
        raise ValueError(f"by has repeated column names: {by}")
    size = len(tickets)
    if not by:
        return _Groups(np.zeros(size, dtype=np.int64), pd.DataFrame(index=range(1)), 1)
    codes_list, uniques_list = [], []
    for col in by:
        if col == "period" and "period" not in tickets.columns:
            if opened is None:
                opened = _opened(tickets)
            codes, uniques = _dense_codes(_period_keys(opened, freq))
            uniques = pd.Index(_period_labels(uniques, freq), dtype="str")
        else:
            # NA is its own group so that no ticket silently drops out of a count.
            codes, uniques = pd.factorize(tickets[col], sort=True, use_na_sentinel=False)
        codes_list.append(codes.astype(np.int64))
        uniques_list.append(uniques)
    dims = tuple(max(len(u), 1) for u in uniques_list)
    combined = np.ravel_multi_index(codes_list, dims) if size else np.zeros(0, dtype=np.int64)
    if np.prod(dims, dtype=float) <= 5e7:
        present = np.flatnonzero(np.bincount(combined, minlength=int(np.prod(dims))))
        lookup = np.full(int(np.prod(dims)), -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        codes = lookup[combined]
    else:
        present, codes = np.unique(combined, return_inverse=True)
    parts = np.unravel_index(present, dims)
    keys = pd.DataFrame({col: uniques_list[i].take(parts[i]) for i, col in enumerate(by)})
    return _Groups(codes.astype(np.int64), keys.reset_index(drop=True), len(present))


def _count(codes: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    if mask is None:
        return np.bincount(codes, minlength=n).astype(np.int64)
    return np.bincount(codes[mask], minlength=n).astype(np.int64)


def _group_quantiles(values: np.ndarray, codes: np.ndarray, n: int,
                     qs: Sequence[float]) -> np.ndarray:
    """Quantiles of ``values`` within each group, linear interpolation (numpy's default).

    Values are ordered by group with one stable sort of the group codes (a radix sort
    when the codes fit in 16 bits); then each group's quantiles come from
    ``np.quantile`` on its contiguous slice (a partial sort, linear time). The loop runs
    over groups, never over tickets. Returns an (n, len(qs)) array, NaN for empty groups.
    """
    out = np.full((n, len(qs)), np.nan)
    if values.size == 0:
        return out
    small = codes.astype(np.int16) if n < 2**15 else codes
    ordered = values[np.argsort(small, kind="stable")]
    counts = np.bincount(codes, minlength=n)
    bounds = np.concatenate(([0], np.cumsum(counts)))
    for g in np.flatnonzero(counts):
        out[g] = np.quantile(ordered[bounds[g]:bounds[g + 1]], qs)
    return out


# =========================================================================== SLA
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


# =========================================================================== rates by branch and period
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
    by_list = _as_by(by)
    _require(tickets, ["opened_at"])
    _require(subscribers, ["branch", "period", "subscribers"], "subscribers")
    other = [c for c in by_list if c not in ("branch", "period")]
    if other:
        raise DataError(f"complaint_rate: by can only use 'branch' and 'period' (the subscriber "
                        f"table has no other breakdown), got {by_list}")
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


# =========================================================================== repeat complaints
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
    by_list = _as_by(by)
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


def _period_of(period: str) -> tuple[str, int]:
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", str(period))
    if m:
        return "M", (int(m.group(1)) - 1970) * 12 + int(m.group(2)) - 1
    m = re.fullmatch(r"(\d{4})-Q([1-4])", str(period))
    if m:
        return "Q", (int(m.group(1)) - 1970) * 4 + int(m.group(2)) - 1
    raise ValueError(f"period must be a month 'YYYY-MM' or a quarter 'YYYY-Qn', got {period!r}")


def latest_period(tickets: pd.DataFrame, *, freq: str = "M") -> str | None:
    """The last period (``"YYYY-MM"`` or ``"YYYY-Qn"``) of ``opened_at``; None without tickets.

    Examples
    --------
    >>> latest_period(tickets)   # doctest: +SKIP
    '2010-12'
    """
    _check_freq(freq)
    _require(tickets, ["opened_at"])
    if tickets.empty:
        return None
    return _period_labels([_period_keys(_opened(tickets), freq).max()], freq)[0]


def complete_months(tickets: pd.DataFrame) -> tuple[str | None, str | None]:
    """The first and the last month that the tickets cover completely.

    A month is complete when the tickets reach from its first day to its last (the
    earliest ticket opened on or before the 1st, the latest on or after the last day).
    Pass the whole file, not one branch: a quiet branch may have no ticket on the 31st.
    When no month is complete (a file of a few days), the months of the first and last
    tickets are returned.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-03", "2024-02-01", "2024-06-30"])})
    >>> complete_months(t)
    ('2024-02', '2024-06')
    """
    _require(tickets, ["opened_at"])
    opened = pd.to_datetime(tickets["opened_at"]).dropna()
    if opened.empty:
        return None, None
    first_day, last_day = opened.min().normalize(), opened.max().normalize()
    first = first_day.to_period("M")
    if first_day.day != 1:
        first += 1
    last = last_day.to_period("M")
    if last_day != last.to_timestamp(how="end").normalize():
        last -= 1
    if first > last:
        return str(first_day.to_period("M")), str(last_day.to_period("M"))
    return str(first), str(last)


def month_end(period: str) -> str:
    """The last day of a month ``YYYY-MM`` as ``YYYY-MM-DD``.

    >>> month_end("2024-02")
    '2024-02-29'
    """
    return pd.Period(period, "M").to_timestamp(how="end").strftime("%Y-%m-%d")


def period_settings(tickets: pd.DataFrame, *, period_before: str = "", period_after: str = "",
                    as_of: str = "") -> dict:
    """The months a before/after comparison uses: as given, else what the tickets hold.

    Defaults: ``period_before`` the earliest and ``period_after`` the latest complete month
    of the tickets (:func:`complete_months`), ``as_of`` (the day the action register is
    checked on) the last day of the latest complete month. Given periods are checked to
    lie in the data.

    Returns
    -------
    dict
        ``period_before``, ``period_after``, ``as_of`` and ``settings`` (for
        :func:`cxeval.report.settings_note`).

    Raises
    ------
    DataError
        A given period outside the tickets' months (:func:`check_periods`).
    """
    first, last = complete_months(tickets)
    chosen = {"period_before": str(period_before or "").strip() or first,
              "period_after": str(period_after or "").strip() or last}
    check_periods(tickets, {k: v for k, v in chosen.items() if v})
    chosen["as_of"] = str(as_of or "").strip() or (month_end(last) if last else "")
    given = {"period_before": bool(period_before), "period_after": bool(period_after), "as_of": bool(as_of)}
    meta = {"period_before": (("措施前月份", "month before"), ("数据中最早的完整月份", "the earliest complete month in the data")),
            "period_after": (("措施后月份", "month after"), ("数据中最近的完整月份", "the latest complete month in the data")),
            "as_of": (("措施检查日", "action register checked on"),
                      ("数据中最近完整月份的最后一天", "the last day of the latest complete month in the data"))}
    chosen["settings"] = [{"name": k, "value": chosen[k], "given": given[k], "label": meta[k][0],
                           "source": meta[k][1]} for k in meta]
    return chosen


def campaign_settings(result: CampaignResult, *, campaign_baseline: str = "", repeat_period: str = "",
                      top_month: str | None = None) -> list[dict]:
    """Notebook 05's settings (campaign baseline, month of the top repeaters), for
    :func:`cxeval.report.settings_note`."""
    return [
        {"name": "campaign_baseline", "value": result.baseline_period, "given": bool(campaign_baseline),
         "label": ("活动基线月", "campaign baseline month"),
         "source": ("投诉处理活动的配置", "the complaint campaign's configuration")},
        {"name": "repeat_period", "value": top_month, "given": bool(repeat_period),
         "label": ("重复投诉客户排名月份", "month of the top repeat complainers"),
         "source": ("数据中最近的月份", "the latest month in the data")},
    ]


def check_periods(tickets: pd.DataFrame, periods: Mapping[str, str]) -> None:
    """Refuse periods (parameters) that lie outside the tickets' months.

    Raises
    ------
    DataError
        Each period outside the data, with the months the tickets cover: a report of
        "no tickets in 2010-07" on a file of 2024 would look like a finding.
    """
    _require(tickets, ["opened_at"])
    opened = pd.to_datetime(tickets["opened_at"]).dropna()
    if opened.empty:
        return
    months = set(opened.dt.to_period("M").astype(str).unique())
    quarters = set(opened.dt.to_period("Q").astype(str).str.replace("Q", "-Q").unique())
    span = f"{opened.min():%Y-%m} – {opened.max():%Y-%m}"
    problems = [f"{name} = {value}: the tickets have no {'quarter' if '-Q' in str(value) else 'month'} "
                f"{value} (they cover {span})" for name, value in periods.items()
                if value and str(value) not in months | quarters]
    if problems:
        raise DataError("periods outside the data: change them in the run plan or with -p NAME VALUE",
                        problems)


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
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    _require(tickets, ["customer_id", "opened_at"])
    if period is None:
        period = latest_period(tickets) or "1970-01"  # no tickets: an empty table below
    freq, key = _period_of(period)
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

    return pd.DataFrame({
        "rank": np.arange(1, len(top) + 1),
        "customer_id": ids.map(report.mask_id).to_numpy(),
        "complaints": top["complaints"].to_numpy(dtype=np.int64),
        "branch": most_frequent("branch"),
        "top_category": most_frequent("category"),
        "first_opened": span["min"].to_numpy(),
        "last_opened": span["max"].to_numpy(),
    })


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
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
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


# =========================================================================== campaign
def campaign_actuals(tickets: pd.DataFrame, limits, *, branch: str | None = None,
                     thresholds=(5, 10), subscribers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly values of every campaign measure, for one branch or the whole table.

    Parameters
    ----------
    tickets : DataFrame
        All tickets (data contract); the provincial FCR benchmark is computed from all
        of them, the other measures from ``branch``'s tickets (all when None).
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    branch : str, optional
        Branch to measure.
    thresholds : sequence of int
        Repeat-complaint thresholds; each gives a ``repeat_<t>`` column.
    subscribers : DataFrame, optional
        Subscribers (data contract); adds ``per_10k``.

    Returns
    -------
    DataFrame
        One row per month present in the tickets: ``period``, ``tickets``,
        ``repeat_<t>`` (complaints from customers with ``>= t`` complaints that month, for
        each threshold), ``fcr``, ``provincial_fcr`` (FCR of all tickets),
        ``escalated_on_time_rate``, ``self_handled_on_time_rate``, ``pass_rate`` -- the
        ``actual`` table :func:`campaign` expects -- and, for context, ``overdue_rate``
        and (with ``subscribers``) ``per_10k``, complaints per 10,000 subscribers.

    Examples
    --------
    >>> campaign_actuals(tickets, limits, branch="潮安")   # doctest: +SKIP
    """
    _require(tickets, ["opened_at"] + (["branch"] if branch is not None else []))
    mine = tickets if branch is None else tickets[tickets["branch"] == branch]
    out = _ticket_counts(mine, by="period", freq="M", name="tickets")
    if len(mine):
        rep = repeat_complaints(mine, thresholds=thresholds, freq="M")
        wide = rep.pivot(index="period", columns="threshold", values="complaints")
        wide.columns = [f"repeat_{t}" for t in wide.columns]
        out = out.merge(wide.reset_index(), on="period", how="left")
    else:
        for t in _thresholds(thresholds):
            out[f"repeat_{t}"] = pd.Series(dtype="int64")
    parts = [
        (first_contact_resolution(mine, by="period"), "fcr", "fcr"),
        (first_contact_resolution(tickets, by="period"), "fcr", "provincial_fcr"),
        (on_time_rate(mine, limits, escalated=True, by="period"), "on_time_rate",
         "escalated_on_time_rate"),
        (on_time_rate(mine, limits, escalated=False, by="period"), "on_time_rate",
         "self_handled_on_time_rate"),
        (quality_pass_rate(mine, by="period"), "pass_rate", "pass_rate"),
        (overdue_rate(mine, limits, by="period"), "overdue_rate", "overdue_rate"),
    ]
    if subscribers is not None:
        _require(subscribers, ["branch"], "subscribers")
        base = subscribers if branch is None else subscribers[subscribers["branch"] == branch]
        parts.append((complaint_rate(mine, base, by="period"), "per_10k", "per_10k"))
    for table, column, name in parts:
        out = out.merge(table[["period", column]].rename(columns={column: name}),
                        on="period", how="left")
    return out.sort_values("period").reset_index(drop=True)


def _targets(targets) -> dict:
    """Accept sla.yaml's path, the parsed file, or its ``campaign`` section."""
    if isinstance(targets, (str, os.PathLike)) or (isinstance(targets, Mapping) and "steps" in targets):
        conf = _limits(targets)["campaign"]
        if conf is None:
            raise ConfigError("targets: the SLA configuration has no 'campaign' section")
        return conf
    if isinstance(targets, Mapping):
        return _normalise_campaign(targets, "targets")
    raise TypeError(f"targets must be a path to sla.yaml, its parsed mapping or its 'campaign' "
                    f"section, got {type(targets).__name__}")


def _month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


class CampaignResult:
    """Month-by-month status of each campaign target (returned by :func:`campaign`).

    Attributes
    ----------
    table : DataFrame
        One row per tracked month and target: ``period``, ``target``, ``measure``,
        ``label_zh``, ``label_en``, ``kind``, ``baseline`` (the measure in the baseline
        month; NaN for ``at_least`` targets), ``actual``, ``goal`` (the value to reach
        that month: the trajectory point, or the level), ``final_goal`` (the value at the
        end: ``baseline * (1 - reduction)``, or the level), ``status``
        (``met`` / ``on_track`` / ``off_track`` / ``no_data``).
    baseline_period : str
    name : dict
        ``{"zh": ..., "en": ...}``.
    targets : list of str
        The target ids, in the order of the configuration.
    """

    def __init__(self, table: pd.DataFrame, baseline_period: str, name: dict, targets: list[str]):
        self.table = table
        self.baseline_period = baseline_period
        self.name = name
        self.targets = list(targets)
        #: Whether the data holds the baseline month (else reduction targets cannot be tracked).
        self.baseline_in_data = True
        #: First and last month of the data.
        self.months: tuple[str | None, str | None] = (None, None)

    def baseline_note(self, lang: str = "zh") -> str:
        """A sentence when the baseline month is not in the data, else an empty string."""
        if self.baseline_in_data:
            return ""
        first, last = self.months
        return report.tr(
            f"活动基线月 {self.baseline_period} 不在数据范围（{first} 至 {last}）内：重复投诉的下降目标无法跟踪。"
            f"如需跟踪，请在运行计划中设置 campaign_baseline（活动基线月）。",
            f"The campaign's baseline month {self.baseline_period} is not in the data ({first} to {last}): "
            f"the repeat-complaint reduction targets cannot be tracked. To track them, set "
            f"campaign_baseline (the campaign's baseline month) in the run plan.", lang)

    def latest(self) -> pd.DataFrame:
        """The last tracked month with data for each target (one row per target)."""
        have = self.table[self.table["status"] != "no_data"]
        last = have.groupby("target", sort=False).tail(1)
        missing = [t for t in self.table["target"].unique() if t not in set(last["target"])]
        extra = self.table[self.table["target"].isin(missing)].groupby("target", sort=False).tail(1)
        out = pd.concat([last, extra])
        order = {t: i for i, t in enumerate(self.table["target"].unique())}
        return out.sort_values("target", key=lambda s: s.map(order)).reset_index(drop=True)

    def counts(self) -> dict:
        """Number of targets per status in :meth:`latest`."""
        latest = self.latest()
        return {s: int((latest["status"] == s).sum()) for s in STATUSES}

    def statuses(self) -> dict[str, str]:
        """Target id -> status in its latest month."""
        latest = self.latest()
        return dict(zip(latest["target"], latest["status"]))

    def summary(self, lang: str = "zh", *, targets: Sequence[str] | None = None) -> str:
        """One sentence per target for its latest month (see :func:`status_sentence`).

        Parameters
        ----------
        lang : {"zh", "en"}
        targets : sequence of str, optional
            Target ids to include (default: all), e.g. ``["repeat_5", "repeat_10"]``.
        """
        latest = self.latest()
        if targets is not None:
            unknown = [t for t in targets if t not in self.targets]
            if unknown:
                raise ValueError(f"targets must be among {self.targets}, got {unknown}")
            latest = latest[latest["target"].isin(list(targets))]
        if latest.empty:
            return report.tr("基线之后没有月份数据。", "No month after the baseline.", lang)
        return "\n".join(status_sentence(row, lang=lang) for row in latest.to_dict("records"))

    def _repr_html_(self) -> str:
        shown = self.latest()[["period", "label_en", "actual", "goal", "status"]]
        return report.table(shown, formats={"actual": "num", "goal": "num"}).to_html()

    def __repr__(self) -> str:
        return f"CampaignResult(baseline={self.baseline_period!r})\n" + self.summary("en")


def campaign(actual: pd.DataFrame, targets, *, baseline: str | None = None) -> CampaignResult:
    """Track each campaign target month by month (DOMAIN.md section 2).

    Parameters
    ----------
    actual : DataFrame
        One row per month: ``period`` (``"YYYY-MM"``) and a column per target ``measure``
        (and ``benchmark``), as :func:`campaign_actuals` returns; rates as 0-1 and
        repeat complaints as counts.
    targets : dict or str or os.PathLike
        The ``campaign`` section of ``sla.yaml``, the parsed file, or its path. Targets
        are of two kinds:

        - ``reduce`` (repeat complaints): from its value in the ``baseline`` month the
          measure must fall by ``reduction`` (0.9 = -90%, 1.0 = to zero) by the ``due``
          month. **The trajectory is linear**: the goal in month *k* after the baseline
          is ``baseline * (1 - reduction * min(k / K, 1))``, *K* the months from the
          baseline to ``due`` (3,428 in July -> 2,399.6, 1,371.2, 342.8 for Aug-Oct; 748
          -> 561, 374, 187, 0 for Aug-Nov). Linear, because the campaign fixes only the
          end points and a geometric path cannot reach the zero target.
        - ``at_least`` (FCR, on-time and pass rates): the measure must be at least
          ``goal``, or at least the ``benchmark`` column plus ``margin`` in the same month
          (FCR >= provincial FCR + 5 pp), capped at 1 (100%).
    baseline : str, optional
        The campaign's baseline month (``"YYYY-MM"``) when it is not the configuration's:
        the whole calendar moves with it (the ``due`` months keep their distance from the
        baseline), so the 2010 campaign's rules can track a campaign of another year.

    Returns
    -------
    CampaignResult
        ``.table`` (every month after the baseline present in ``actual``, per target),
        ``.latest()``, ``.counts()``, ``.summary(lang)``.

    Notes
    -----
    Status of a target in a month, precisely:

    - ``no_data``: the measure (or its benchmark, or for ``reduce`` the baseline value)
      is missing.
    - ``met``: the end goal is reached: ``actual <= final_goal`` for ``reduce``
      (``final_goal = baseline * (1 - reduction)``), ``actual >= goal`` for ``at_least``.
    - ``on_track``: not met, but ``reduce``: ``actual <= goal`` (on or below the
      trajectory for that month); ``at_least``: the shortfall ``goal - actual`` is smaller
      than in the previous row of ``actual`` (the month before; the gap is closing).
    - ``off_track``: otherwise. After the ``due`` month the trajectory equals the end
      goal, so a ``reduce`` target is then either met or off track.

    The campaign also asks repeat complaints to "fall every month"; a rise that stays
    under the trajectory is still ``on_track`` (the rise shows in ``actual``). Goals are
    compared unrounded: 1,371 complaints meet a goal of 1,371.2.

    Raises
    ------
    DataError
        ``actual`` lacks ``period`` or a measure column (the columns present are listed).
    ConfigError
        Invalid targets.

    Examples
    --------
    >>> result = campaign(campaign_actuals(tickets, limits), limits)   # doctest: +SKIP
    >>> result.latest()[["target", "status"]]                          # doctest: +SKIP
    """
    conf = _targets(targets)
    if baseline:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(baseline)):
            raise DataError(f"campaign baseline must be a month 'YYYY-MM', got {baseline!r}")
        shift = _month_index(str(baseline)) - _month_index(conf["baseline"])
        conf = dict(conf, baseline=str(baseline), targets=[
            dict(t, due=str(pd.Period(t["due"], "M") + shift)) if t.get("due") else t
            for t in conf["targets"]])
    needed = ["period"] + [t["measure"] for t in conf["targets"]] + \
        [t["benchmark"] for t in conf["targets"] if t.get("benchmark")]
    _require(actual, list(dict.fromkeys(needed)), "actual")
    act = actual.copy()
    act["period"] = act["period"].astype("str")
    bad = ~act["period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        raise DataError(f"actual: period must be months 'YYYY-MM', got {act['period'][bad].iloc[0]!r}")
    if act["period"].duplicated().any():
        raise DataError(f"actual: one row per month expected; repeated: "
                        f"{sorted(act['period'][act['period'].duplicated()].unique())}")
    act = act.sort_values("period").set_index("period")
    base = conf["baseline"]
    tracked = [p for p in act.index if p > base]
    base_i = _month_index(base)
    frames = []
    for t in conf["targets"]:  # a handful of targets, each vectorised over months
        values = act[t["measure"]].astype("float64")
        cur = values.reindex(tracked).to_numpy()
        k = np.array([_month_index(p) - base_i for p in tracked], dtype=float)
        if t["kind"] == "reduce":
            b = float(values.get(base, np.nan)) if base in values.index else np.nan
            span = _month_index(t["due"]) - base_i
            goal = b * (1 - t["reduction"] * np.minimum(k / span, 1.0))
            final = np.full(len(tracked), b * (1 - t["reduction"]))
            met = cur <= final + 1e-9
            on_track = cur <= goal + 1e-9
            baseline = np.full(len(tracked), b)
        else:
            if t.get("benchmark"):
                bench = act[t["benchmark"]].astype("float64")
                # A rate cannot pass 100%: province + 5 pp above 95% asks for 100%.
                goal_all = np.minimum(bench + t["margin"], 1.0)
            else:
                goal_all = pd.Series(t["goal"], index=act.index, dtype="float64")
            goal = goal_all.reindex(tracked).to_numpy()
            final = goal
            gap_all = (goal_all - values)
            gap = gap_all.reindex(tracked).to_numpy()
            prev_gap = gap_all.shift(1).reindex(tracked).to_numpy()
            met = cur >= goal - 1e-12
            with np.errstate(invalid="ignore"):
                on_track = gap < prev_gap
            baseline = np.full(len(tracked), np.nan)
        missing = np.isnan(cur) | np.isnan(goal)
        status = np.where(missing, "no_data",
                          np.where(met, "met", np.where(on_track, "on_track", "off_track")))
        frames.append(pd.DataFrame({
            "period": tracked, "target": t["id"], "measure": t["measure"],
            "label_zh": t["zh"], "label_en": t["en"], "kind": t["kind"],
            "baseline": baseline, "actual": cur, "goal": goal, "final_goal": final,
            "status": status,
        }))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = CampaignResult(table, base, conf["name"], [t["id"] for t in conf["targets"]])
    result.baseline_in_data = base in act.index
    result.months = (act.index.min(), act.index.max()) if len(act.index) else (None, None)
    return result


# =========================================================================== categories
def load_categories(path) -> pd.DataFrame:
    """Read the complaint sub-items and their networks (``data/configs/categories.yaml``).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    DataFrame
        One row per sub-item, in file order: ``id``, ``zh``, ``en``, ``network``,
        ``network_zh``, ``network_en``.

    Raises
    ------
    ConfigError
        Missing file, missing fields, a network not declared under ``networks``, or a
        repeated id / name (every problem listed).

    Examples
    --------
    >>> load_categories("data/configs/categories.yaml")["network"].value_counts()  # doctest: +SKIP
    """
    source = os.fspath(path)
    raw = _read_yaml(path)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("categories"), list) \
            or not isinstance(raw.get("networks"), Mapping):
        raise ConfigError(f"{source}: needs a 'networks' mapping and a 'categories' list")
    networks = raw["networks"]
    problems, rows = [], []
    for i, item in enumerate(raw["categories"], start=1):
        if not isinstance(item, Mapping):
            problems.append(f"{source}, category {i}: must be a mapping")
            continue
        missing = [k for k in ("id", "zh", "en", "network") if not item.get(k)]
        if missing:
            problems.append(f"{source}, category {item.get('id', i)!r}: missing {', '.join(missing)}")
            continue
        net = item["network"]
        if net not in networks:
            problems.append(f"{source}, category {item['id']!r}: network {net!r} is not one of "
                            f"{list(networks)}")
            continue
        info = networks[net] if isinstance(networks[net], Mapping) else {}
        rows.append({"id": str(item["id"]), "zh": str(item["zh"]), "en": str(item["en"]),
                     "network": str(net), "network_zh": str(info.get("zh", net)),
                     "network_en": str(info.get("en", net))})
    table = pd.DataFrame(rows, columns=["id", "zh", "en", "network", "network_zh", "network_en"])
    for col in ("id", "zh"):
        dup = table[col][table[col].duplicated()]
        problems += [f"{source}: category {col} {v!r} appears more than once" for v in dup]
    if problems:
        raise ConfigError(f"{source}: invalid categories", problems)
    return table


@dataclass
class CategoryCheck:
    """Tickets whose category is not one of the configured sub-items (:func:`check_categories`).

    Attributes
    ----------
    total : int
        Tickets checked.
    count : int
        Tickets with an unknown (or missing) category.
    examples : DataFrame
        ``category``, ``tickets``: the unknown values, most frequent first (up to 10).
    rows : DataFrame
        The tickets with an unknown category, all columns, ``customer_id`` masked and
        phone numbers in ``summary`` masked: safe to show.
    network_mismatch : int
        Tickets whose ``network`` disagrees with their category's network.
    """

    total: int
    count: int
    examples: pd.DataFrame
    rows: pd.DataFrame
    network_mismatch: int = 0
    table: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self):
        self.table = self.examples

    @property
    def ok(self) -> bool:
        return self.count == 0 and self.network_mismatch == 0

    def summary(self, lang: str = "zh") -> str:
        if self.count == 0:
            text = report.tr(f"全部 {report.fmt_int(self.total)} 张工单的投诉子项均在 16 个子项目录中。",
                             f"All {report.fmt_int(self.total)} tickets have a known sub-item.", lang)
        else:
            shown = "、".join(self.examples["category"].astype("str").head(3)) if lang == "zh" \
                else ", ".join(self.examples["category"].astype("str").head(3))
            text = report.tr(
                f"{report.fmt_int(self.count)} 张工单（{report.fmt_pct(self.count / self.total)}）"
                f"的投诉子项不在目录中（如 {shown}），已保留并单独列出，请核对后补入投诉子项目录。",
                f"{report.fmt_int(self.count)} tickets ({report.fmt_pct(self.count / self.total)}) "
                f"have a sub-item not in the list (e.g. {shown}); they are kept and listed "
                "here: check them and add them to the list of sub-items.", lang)
        if self.network_mismatch:
            text += report.tr(f" 另有 {report.fmt_int(self.network_mismatch)} 张工单的三网归属与子项目录不一致。",
                              f" {report.fmt_int(self.network_mismatch)} tickets name a network "
                              "that differs from their sub-item's.", lang)
        return text

    def _repr_html_(self) -> str:
        return report.note(self.summary("en"))._repr_html_()


def check_categories(tickets: pd.DataFrame, categories) -> CategoryCheck:
    """Report tickets whose category is not a configured sub-item (they are not dropped).

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``category`` (``network`` is checked too when present).
    categories : DataFrame or str or os.PathLike
        :func:`load_categories` output or the YAML path. A ticket's category may be given
        by the Chinese name, the English name or the id.

    Returns
    -------
    CategoryCheck
        ``total``, ``count``, ``examples``, ``rows`` (masked), ``network_mismatch``,
        ``.summary(lang)``.

    Examples
    --------
    >>> check = check_categories(tickets, "data/configs/categories.yaml")   # doctest: +SKIP
    >>> check.count                                                         # doctest: +SKIP
    0
    """
    if isinstance(categories, (str, os.PathLike)):
        categories = load_categories(categories)
    _require(categories, ["id", "zh", "en", "network"], "categories")
    _require(tickets, ["category"])
    network_of = {}
    for col in ("zh", "en", "id"):
        network_of.update(dict(zip(categories[col].astype("str"), categories["network"])))
    # Work on the distinct values (a few dozen), then spread back through the codes.
    codes, uniques = pd.factorize(tickets["category"], use_na_sentinel=True)
    known_value = np.array([str(u) in network_of for u in uniques] + [False])
    unknown = ~known_value[codes]  # code -1 (missing) picks the trailing False
    rows = tickets.loc[unknown].copy()
    if "customer_id" in rows.columns:
        rows["customer_id"] = rows["customer_id"].map(report.mask_id)
    if "summary" in rows.columns:
        rows["summary"] = rows["summary"].map(report.mask_text)
    values = tickets["category"][unknown].astype("object").fillna("<missing>")
    examples = values.value_counts().head(10).rename_axis("category").reset_index(name="tickets")
    examples = examples.astype({"category": "str", "tickets": "int64"})
    mismatch = 0
    if "network" in tickets.columns:
        net_codes, net_uniques = pd.factorize(tickets["network"], use_na_sentinel=True)
        position = {str(v): i for i, v in enumerate(net_uniques)}
        # -2 never equals a network code, so an unlisted network counts as a mismatch.
        expected = np.array([position.get(network_of.get(str(u)), -2) for u in uniques] + [-2])
        mismatch = int((~unknown & (expected[codes] != net_codes)).sum())
    return CategoryCheck(int(len(tickets)), int(unknown.sum()), examples, rows, mismatch)


# =========================================================================== sentences
def _check_lang(lang) -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")


def sla_sentence(table: pd.DataFrame, *, lang: str = "zh") -> str:
    """Plain-language reading of an ungrouped :func:`sla` table.

    Names the step with the lowest on-time rate, its rate, limit and 90th-percentile time,
    and the number of tickets still open at some step.

    Examples
    --------
    >>> sla_sentence(sla(tickets, limits), lang="en")   # doctest: +SKIP
    'Weakest step: City department replies, 93.1% on time within 20.0 h ...'
    """
    _check_lang(lang)
    rated = table.dropna(subset=["on_time_rate"])
    if rated.empty:
        return report.tr("本期没有可计算时限的工单。", "No ticket reached any workflow step.", lang)
    worst = rated.sort_values(["on_time_rate", "tickets"], ascending=[True, False]).iloc[0]
    best = rated.sort_values(["on_time_rate", "tickets"], ascending=[False, False]).iloc[0]
    still_open = int(rated["open"].sum())
    limit = report.fmt_duration(worst["limit_minutes"], lang)
    if lang == "zh":
        return (f"时限最薄弱的环节是「{worst['step_zh']}」：{report.fmt_pct(worst['on_time_rate'])} "
                f"在 {limit} 内完成，90% 的工单用时不超过 {report.fmt_duration(worst['p90_minutes'], lang)}；"
                f"最好的是「{best['step_zh']}」（{report.fmt_pct(best['on_time_rate'])}）。"
                f"各环节共有 {report.fmt_int(still_open)} 处尚未完成（计为未及时）。")
    return (f"Weakest step: {worst['step_en']}, {report.fmt_pct(worst['on_time_rate'])} on time "
            f"within {limit}; 90% took at most {report.fmt_duration(worst['p90_minutes'], lang)}. "
            f"Best: {best['step_en']} ({report.fmt_pct(best['on_time_rate'])}). "
            f"{report.fmt_int(still_open)} step(s) are still open (counted as not on time).")


def repeat_sentence(table: pd.DataFrame, *, baseline: str, lang: str = "zh") -> str:
    """Plain-language trend of repeat complaints from the baseline month to the last month.

    Parameters
    ----------
    table : DataFrame
        :func:`repeat_complaints` output without ``by``.
    baseline : str
        Baseline month, e.g. ``"2010-07"``.

    Examples
    --------
    >>> repeat_sentence(repeat_complaints(tickets), baseline="2010-07", lang="en")  # doctest: +SKIP
    'Complaints from customers with 5+ a month: 3,428 in 2010-07, 176 in 2010-12 (-94.9%); ...'
    """
    _check_lang(lang)
    if table.empty:
        return report.tr("没有投诉工单。", "No complaint tickets.", lang)
    last = table["period"].max()
    parts = []
    for t, rows in table.groupby("threshold", sort=True):
        series = rows.set_index("period")["complaints"]
        if baseline not in series.index:
            parts.append(report.tr(f"≥{t} 次：{last} 为 {report.fmt_int(series[last])} 件（无 {baseline} 基线）",
                                   f"{t}+ a month: {report.fmt_int(series[last])} in {last} "
                                   f"(no {baseline} baseline)", lang))
            continue
        b, now = series[baseline], series[last]
        change = "–" if b == 0 else f"{(now - b) / b * 100:+.1f}%"
        parts.append(report.tr(
            f"月内投诉≥{t} 次客户的投诉量 {baseline} 为 {report.fmt_int(b)} 件，{last} 为 "
            f"{report.fmt_int(now)} 件（{change}）",
            f"complaints from customers with {t}+ a month: {report.fmt_int(b)} in {baseline}, "
            f"{report.fmt_int(now)} in {last} ({change})", lang))
    if lang == "zh":
        return "；".join(parts) + "。"
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def fcr_sentence(table: pd.DataFrame, *, margin: float = 0.05, lang: str = "zh") -> str:
    """Plain-language FCR of the last month against the provincial figure plus ``margin``.

    Parameters
    ----------
    table : DataFrame
        :func:`campaign_actuals` output (``period``, ``fcr``, ``provincial_fcr``).
    margin : float
        Required lead over the provincial FCR (campaign: 0.05 = 5 pp).

    Examples
    --------
    >>> fcr_sentence(campaign_actuals(tickets, limits, branch="潮安"), lang="en")  # doctest: +SKIP
    """
    _check_lang(lang)
    rows = table.dropna(subset=["fcr", "provincial_fcr"])
    if rows.empty:
        return report.tr("没有可计算一次性解决率的自处理工单。",
                         "No self-handled tickets to measure first-contact resolution.", lang)
    last = rows.iloc[-1]
    goal = min(last["provincial_fcr"] + margin, 1.0)
    gap = last["fcr"] - goal
    ok = gap >= -1e-12
    if lang == "zh":
        verdict = "达到目标" if ok else f"距目标还差 {report.fmt_pp(-gap, sign=False)}"
        return (f"{last['period']} 自处理投诉一次性解决率 {report.fmt_pct(last['fcr'])}，"
                f"全省 {report.fmt_pct(last['provincial_fcr'])}，目标（全省 + "
                f"{report.fmt_pp(margin, sign=False)}）{report.fmt_pct(goal)}：{verdict}。")
    verdict = "target met" if ok else f"{report.fmt_pp(-gap, sign=False)} short of the target"
    return (f"First-contact resolution in {last['period']}: {report.fmt_pct(last['fcr'])} against "
            f"a provincial {report.fmt_pct(last['provincial_fcr'])}; the target (province + "
            f"{report.fmt_pp(margin, sign=False)}) is {report.fmt_pct(goal)}: {verdict}.")


_STATUS_WORDS = {
    "met": ("已达标", "met"),
    "on_track": ("未达标但进度正常", "not yet met, on track"),
    "off_track": ("进度落后", "off track"),
    "no_data": ("无数据", "no data"),
}


def _distinct_pcts(actual: float, goal: float, met: bool) -> tuple[str, str]:
    """Format two rates so that a shortfall stays visible (99.95% vs 100.0%, not 100.0% twice)."""
    for decimals in (1, 2, 3):
        a, g = report.fmt_pct(actual, decimals), report.fmt_pct(goal, decimals)
        if met or a != g:
            break
    return a, g


def status_sentence(row: Mapping, *, lang: str = "zh") -> str:
    """One sentence for one target in one month (a row of :attr:`CampaignResult.table`).

    Examples
    --------
    >>> status_sentence({"period": "2010-10", "target": "repeat_5", "label_en": "Repeat",
    ...     "label_zh": "重复投诉", "kind": "reduce", "baseline": 3428.0, "actual": 300.0,
    ...     "goal": 342.8, "final_goal": 342.8, "status": "met"}, lang="en")
    'Repeat, 2010-10: 300 against a goal of at most 343 (3,428 in the baseline month): met.'
    """
    _check_lang(lang)
    status = row["status"]
    if status not in _STATUS_WORDS:
        raise ValueError(f"status must be one of {list(_STATUS_WORDS)}, got {status!r}")
    zh_word, en_word = _STATUS_WORDS[status]
    label = row["label_zh"] if lang == "zh" else row["label_en"]
    if status == "no_data":
        return report.tr(f"{label}，{row['period']}：无数据。", f"{label}, {row['period']}: no data.", lang)
    if row["kind"] == "reduce":
        actual, goal = report.fmt_int(row["actual"]), report.fmt_int(row["goal"])
        base = report.fmt_int(row["baseline"])
        return report.tr(
            f"{label}，{row['period']}：{actual} 件，当月目标不超过 {goal} 件（基线 {base} 件）：{zh_word}。",
            f"{label}, {row['period']}: {actual} against a goal of at most {goal} "
            f"({base} in the baseline month): {en_word}.", lang)
    actual, goal = _distinct_pcts(row["actual"], row["goal"], status == "met")
    return report.tr(f"{label}，{row['period']}：{actual}，目标不低于 {goal}：{zh_word}。",
                     f"{label}, {row['period']}: {actual} against a goal of at least {goal}: "
                     f"{en_word}.", lang)


def index_entry(result: CampaignResult) -> dict[str, str]:
    """What the batch index shows for this report: short headline in both languages and a status.

    Returns
    -------
    dict
        ``headline`` ("3/6 项活动目标达标"), ``headline_en`` ("3 of 6 campaign targets met"),
        ``status``: ``good`` when every target is met, ``bad`` when any is off track,
        ``warn`` otherwise (some on track or without data).

    Examples
    --------
    >>> index_entry(result)   # doctest: +SKIP
    {'headline': '3/6 项活动目标达标', 'headline_en': '3 of 6 campaign targets met', 'status': 'bad'}
    """
    c = result.counts()
    total = sum(c.values())
    if total == 0:
        return {"headline": "无投诉数据", "headline_en": "no complaint data", "status": "none"}
    latest = result.latest()
    entry = {"headline": f"{c['met']}/{total} 项活动目标达标",
             "headline_en": f"{c['met']} of {total} campaign targets met"}
    if c["met"] == total:
        return {**entry, "status": "good"}
    if c["off_track"]:
        off = latest[latest["status"] == "off_track"]
        return {**entry, "status": "bad", "reason": "进度落后：" + "、".join(off["label_zh"]),
                "reason_en": "off track: " + "; ".join(off["label_en"])}
    rest = latest[latest["status"] != "met"]
    words = {"on_track": ("进度正常", "on track"), "no_data": ("无数据", "no data")}
    return {**entry, "status": "warn",
            "reason": "未达标：" + "、".join(f"{r.label_zh}（{words.get(r.status, (r.status,))[0]}）"
                                           for r in rest.itertuples()),
            "reason_en": "not yet met: " + "; ".join(f"{r.label_en} ({words.get(r.status, (r.status, r.status))[1]})"
                                                    for r in rest.itertuples())}


def campaign_sentence(result: CampaignResult, *, lang: str = "zh") -> str:
    """One sentence counting the targets met, on track and off track in their latest month.

    Examples
    --------
    >>> campaign_sentence(result, lang="en")   # doctest: +SKIP
    'In 2010-12, 2 of 6 campaign targets are met, 1 on track and 3 off track.'
    """
    _check_lang(lang)
    latest = result.latest()
    if latest.empty:
        return report.tr("没有基线之后的月份数据，无法跟踪活动目标。",
                         "No month after the baseline to track the campaign targets.", lang)
    c = result.counts()
    period = latest["period"].max()
    total = len(latest)
    if lang == "zh":
        text = (f"截至 {period}，{total} 项活动目标中 {c['met']} 项已达标、{c['on_track']} 项进度正常、"
                f"{c['off_track']} 项进度落后")
        return text + (f"、{c['no_data']} 项无数据。" if c["no_data"] else "。")
    text = (f"In {period}, {c['met']} of {total} campaign targets are met, {c['on_track']} on "
            f"track and {c['off_track']} off track")
    return text + (f", {c['no_data']} without data." if c["no_data"] else ".")


def root_cause_pointer(table: pd.DataFrame, *, n: int = 3, lang: str = "zh") -> str:
    """Sentence linking the branch's top sub-items to the root-cause report (notebook 02).

    Parameters
    ----------
    table : DataFrame
        :func:`cxeval.pareto.pareto_table` of the branch's tickets by sub-item
        (``category``, ``count``, ``percent`` in 0-100, ``cum_percent``).
    n : int
        How many sub-items to name.

    Examples
    --------
    >>> table = pd.DataFrame({"category": ["计费账单", "增值业务"], "count": [60, 40],
    ...                       "percent": [60.0, 40.0], "cum_percent": [60.0, 100.0]})
    >>> root_cause_pointer(table, n=1, lang="en").split(";")[0]
    'The top 1 sub-item (计费账单) makes 60.0% of the complaints'
    """
    _check_lang(lang)
    if table.empty or table["count"].sum() == 0:
        return report.tr("本分公司没有投诉工单可供排序。", "This branch has no complaint tickets to rank.", lang)
    top = table.head(n)
    share = float(top["cum_percent"].iloc[-1])
    names = ("、" if lang == "zh" else ", ").join(top["category"].astype("str"))
    if lang == "zh":
        return (f"投诉量最多的 {len(top)} 个子项（{names}）占本分公司投诉的 {share:.1f}%；"
                "其原因、关键少数与改进措施见《根因与帕累托分析》报告（02_root_cause_pareto）。")
    word, verb = ("sub-item", "makes") if len(top) == 1 else ("sub-items", "make")
    return (f"The top {len(top)} {word} ({names}) {verb} {share:.1f}% of the complaints; their "
            "causes, the vital few and the actions are in the root-cause and Pareto report "
            "(02_root_cause_pareto).")


# =========================================================================== display
def campaign_goals(limits) -> dict[str, float]:
    """Fixed goals of the ``at_least`` campaign targets: measure -> level (for charts).

    Examples
    --------
    >>> campaign_goals("data/configs/sla.yaml")   # doctest: +SKIP
    {'escalated_on_time_rate': 0.99, 'self_handled_on_time_rate': 1.0, 'pass_rate': 1.0}
    """
    conf = _targets(limits)
    return {t["measure"]: t["goal"] for t in conf["targets"]
            if t["kind"] == "at_least" and t.get("goal") is not None}


_CARD_STATUS = {"met": "good", "on_track": "warn", "off_track": "bad", "no_data": ""}

# Column headers of the display tables, (zh, en), one place for every show_* function.
_HEADERS = {
    "step": ("环节", "Step"), "limit": ("时限", "Limit"), "tickets": ("工单数", "Tickets"),
    "on_time": ("及时", "On time"), "late": ("超时", "Late"), "open": ("未完成", "Open"),
    "on_time_rate": ("及时率", "On-time rate"), "median": ("用时中位数", "Median time"),
    "p90": ("90%工单用时", "90th percentile"), "branch": ("分公司", "Branch"),
    "period": ("月份", "Month"), "target": ("目标", "Target"), "actual": ("实际", "Actual"),
    "goal": ("当月目标", "Goal this month"), "status": ("状态", "Status"),
    "rank": ("排名", "Rank"), "customer_id": ("客户号码", "Customer"),
    "complaints": ("投诉次数", "Complaints"), "top_category": ("主要子项", "Main sub-item"),
    "first_opened": ("首次投诉", "First"), "last_opened": ("最近投诉", "Last"),
    "ticket_id": ("工单号", "Ticket"), "category": ("子项", "Sub-item"),
    "minutes": ("用时", "Took"), "limit_minutes": ("时限", "Limit"), "summary": ("摘要", "Summary"),
    "per_10k": ("万人投诉率", "Per 10,000 subs"), "repeat_5": ("重复投诉≥5次", "Repeat 5+"),
    "repeat_10": ("重复投诉≥10次", "Repeat 10+"), "fcr": ("一次性解决率", "FCR"),
    "provincial_fcr": ("全省FCR", "Province FCR"),
    "escalated_on_time_rate": ("转办及时率", "Escalated on time"),
    "self_handled_on_time_rate": ("自处理及时率", "Self-handled on time"),
    "pass_rate": ("质检合格率", "Quality pass"), "overdue_rate": ("超时率", "Overdue"),
}


def _headers(columns, lang: str, **overrides: tuple[str, str]) -> dict[str, str]:
    table = {**_HEADERS, **overrides}
    return {c: report.tr(*table[c], lang) for c in columns if c in table}


def headline(actual: pd.DataFrame, result: CampaignResult, *, branch: str, lang: str = "zh"):
    """Headline cards of the complaint-handling report (notebook 05).

    Parameters
    ----------
    actual : DataFrame
        :func:`campaign_actuals` for the branch.
    result : CampaignResult
        :func:`campaign` of ``actual``.
    branch : str
        Shown on the first card.
    lang : {"zh", "en"}

    Returns
    -------
    cxeval.report.HTML
        Cards: tickets in the data, repeat complaints (>= 5) in the latest month against
        the baseline, FCR and self-handled on-time rate in the latest month (coloured by
        their campaign status), targets met; and :func:`campaign_sentence`. A branch
        without tickets gets one card and a sentence saying so.
    """
    _check_lang(lang)
    if actual.empty:
        return report.headline(
            [{"label": report.tr("工单数", "Tickets", lang), "value": "0", "detail": branch}],
            sentence=report.tr(f"{branch} 没有投诉工单，本报告其余部分为空。",
                               f"{branch} has no complaint tickets; the rest of this report is "
                               "empty.", lang))
    statuses = result.statuses()
    last = actual.iloc[-1]
    month = last["period"]
    base = actual[actual["period"] == result.baseline_period]
    repeat_detail = (f"{result.baseline_period}: {report.fmt_int(base['repeat_5'].iloc[0])}"
                     if len(base) and "repeat_5" in actual.columns else "")
    province = report.fmt_pct(last.get("provincial_fcr"))
    cards = [
        {"label": report.tr("工单数", "Tickets", lang),
         "value": report.fmt_int(actual["tickets"].sum()),
         "detail": f"{branch} {actual['period'].iloc[0]}–{month}"},
        {"label": report.tr(f"重复投诉（≥5次）{month}", f"Repeat complaints (5+) {month}", lang),
         "value": report.fmt_int(last.get("repeat_5")), "detail": repeat_detail,
         "status": _CARD_STATUS[statuses.get("repeat_5", "no_data")]},
        {"label": report.tr(f"一次性解决率 {month}", f"First-contact resolution {month}", lang),
         "value": report.fmt_pct(last.get("fcr")),
         "detail": report.tr(f"全省 {province}", f"province {province}", lang),
         "status": _CARD_STATUS[statuses.get("fcr", "no_data")]},
        {"label": report.tr(f"自处理工单及时率 {month}", f"Self-handled on time {month}", lang),
         "value": report.fmt_pct(last.get("self_handled_on_time_rate")),
         "detail": report.tr("目标 100%", "target 100%", lang),
         "status": _CARD_STATUS[statuses.get("self_handled_on_time", "no_data")]},
        {"label": report.tr("活动目标达标", "Campaign targets met", lang),
         "value": f"{result.counts()['met']} / {len(statuses)}",
         "status": index_entry(result)["status"]},
    ]
    return report.headline(cards, sentence=campaign_sentence(result, lang=lang))


def show_sla(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted SLA table (one row per step) for a notebook, via :func:`cxeval.report.table`.

    Durations are shown in minutes or hours; on-time rates below 100% in red.
    """
    _check_lang(lang)
    group = [c for c in table.columns if c not in (
        "step", "step_zh", "step_en", "limit_minutes", "tickets", "on_time", "late", "open",
        "invalid", "on_time_rate", "median_minutes", "p90_minutes")]
    shown = table[group].assign(
        step=table["step_zh"] if lang == "zh" else table["step_en"],
        limit=[report.fmt_duration(m, lang) for m in table["limit_minutes"]],
        tickets=table["tickets"], on_time=table["on_time"], late=table["late"],
        open=table["open"], on_time_rate=table["on_time_rate"],
        median=[report.fmt_duration(m, lang) for m in table["median_minutes"]],
        p90=[report.fmt_duration(m, lang) for m in table["p90_minutes"]])
    counts = {c: "int" for c in ("tickets", "on_time", "late", "open")}
    return report.table(shown, formats={**counts, "on_time_rate": "pct"}, caption=caption,
                        labels=_headers(shown.columns, lang, tickets=("到达工单", "Reached")),
                        highlight={"on_time_rate": lambda v: v == v and v < 1})


def show_campaign(result: CampaignResult, *, lang: str = "zh", caption: str | None = None):
    """Formatted status of each target in its latest month, via :func:`cxeval.report.table`."""
    _check_lang(lang)
    latest = result.latest()
    words = {s: report.tr(zh, en, lang) for s, (zh, en) in _STATUS_WORDS.items()}

    def values(row):
        if row["kind"] == "reduce":
            return report.fmt_int(row["actual"]), "≤ " + report.fmt_int(row["goal"])
        actual, goal = _distinct_pcts(row["actual"], row["goal"], row["status"] == "met")
        return actual, "≥ " + goal

    pairs = [values(row) for row in latest.to_dict("records")]  # one row per target
    shown = pd.DataFrame({
        "target": latest["label_zh" if lang == "zh" else "label_en"],
        "period": latest["period"],
        "actual": [a for a, _ in pairs],
        "goal": [g for _, g in pairs],
        "status": latest["status"].map(words),
    })
    return report.table(shown, labels=_headers(shown.columns, lang), caption=caption,
                        highlight={"status": lambda v: v == words["off_track"]})


def _relabel(values: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    return values.map(lambda v: labels.get(v, v)) if labels else values


def show_top_repeaters(table: pd.DataFrame, *, period: str | None = None, lang: str = "zh",
                       labels: Mapping[str, str] | None = None):
    """Formatted :func:`top_repeaters` table; ids are masked again on display as a safeguard.

    ``period`` goes into the caption; None (a branch without tickets) says so instead.
    ``labels`` maps sub-item names to display names
    (:func:`cxeval.pareto.category_labels`).
    """
    _check_lang(lang)
    caption = (report.tr(f"{period} 投诉次数最多的客户", f"Most frequent complainers, {period}", lang)
               if period else report.tr("没有投诉工单", "No complaint tickets", lang))
    shown = table.assign(top_category=_relabel(table["top_category"], labels),
                         first_opened=table["first_opened"].astype("str").str[:16],
                         last_opened=table["last_opened"].astype("str").str[:16])
    return report.table(shown, formats={"complaints": "int"}, labels=_headers(shown.columns, lang),
                        mask=["customer_id"], caption=caption)


def show_overdue(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None,
                 labels: Mapping[str, str] | None = None):
    """Formatted :func:`overdue_tickets` table (summary escaped on display, numbers masked).

    ``labels`` maps sub-item names to display names (:func:`cxeval.pareto.category_labels`).
    """
    _check_lang(lang)
    shown = table.assign(category=_relabel(table["category"], labels),
                         step=table["step_zh"] if lang == "zh" else table["step_en"],
                         minutes=[report.fmt_duration(m, lang) for m in table["minutes"]],
                         limit_minutes=[report.fmt_duration(m, lang) for m in table["limit_minutes"]],
                         summary=table["summary"].map(report.mask_text))
    shown = shown.drop(columns=["over_minutes", "step_zh", "step_en"])
    return report.table(shown, labels=_headers(shown.columns, lang), mask=["customer_id"],
                        caption=caption)


def show_monthly(actual: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted month-by-month table of :func:`campaign_actuals`."""
    _check_lang(lang)
    rates = ("fcr", "provincial_fcr", "escalated_on_time_rate", "self_handled_on_time_rate",
             "pass_rate", "overdue_rate")
    formats = {"tickets": "int", "per_10k": "num", **{c: "pct" for c in rates},
               **{c: "int" for c in actual.columns if c.startswith("repeat_")}}
    return report.table(actual, formats=formats, labels=_headers(actual.columns, lang),
                        caption=caption)
