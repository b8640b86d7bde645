"""The ticket table as every measure reads it: columns, timestamps, periods and groups.

Vectorised throughout (numpy group codes and ``np.bincount``): ``_groups`` numbers the
tickets by ``by`` and period, ``_count`` and ``_group_quantiles`` summarise per group.
The public helpers say which months the tickets cover: :func:`latest_period`,
:func:`complete_months`, :func:`month_end`, :func:`check_periods`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxeval.checks import as_columns, check_frame, require_columns
from cxeval.errors import DataError


_FREQS = ("M", "Q")


# =========================================================================== tickets: columns
def _require(tickets, columns, what: str = "tickets") -> None:
    check_frame(tickets, what)
    require_columns(tickets, columns, what,
                    message="{where} is missing column(s) {missing_q}; columns present: {present}")


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
    by = as_columns(by)
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
    # The distinct months first: a province's millions of tickets cover a few dozen.
    keys = np.unique(opened.dt.year.to_numpy(dtype=np.int64) * 12 + opened.dt.month.to_numpy(dtype=np.int64) - 1)
    months = {f"{k // 12:04d}-{k % 12 + 1:02d}" for k in keys.tolist()}
    quarters = {f"{k // 12:04d}-Q{k % 12 // 3 + 1}" for k in keys.tolist()}
    span = f"{opened.min():%Y-%m} – {opened.max():%Y-%m}"
    problems = [f"{name} = {value}: the tickets have no {'quarter' if '-Q' in str(value) else 'month'} "
                f"{value} (they cover {span})" for name, value in periods.items()
                if value and str(value) not in months | quarters]
    if problems:
        raise DataError("periods outside the data: change them in the run plan or with -p NAME VALUE",
                        problems)
