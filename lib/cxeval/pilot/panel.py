"""Survey panels as the pilot methods read them: counts checked, time in calendar periods.

- ``_clean_counts`` — responses and satisfied under the library's count rule
  (:mod:`cxeval.schemas`, "Counts");
- ``_calendar``, ``_ordinal_of``, ``_gaps``, ``_sorted_periods`` — periods on one calendar
  axis, a month without data keeping its place and being named;
- ``_as_bool`` — the treated / post flags as booleans.
"""

from __future__ import annotations

import pandas as pd

from cxeval import schemas
from cxeval.errors import DataError


def _rows(mask) -> list:
    """First few row labels where ``mask`` is true, for error messages."""
    mask = pd.Series(mask)
    return list(mask.index[mask.to_numpy()][:5])


def _clean_counts(df: pd.DataFrame, responses: str, satisfied: str, where: str) -> pd.DataFrame:
    """Check survey counts (the library's rule: :mod:`cxeval.schemas`, "Counts") and return
    a copy with them as int64. Rows without counts refuse the whole input: every estimate
    here is weighted by responses, so a row without them cannot be used or guessed."""
    out = df.copy()
    r = pd.to_numeric(out[responses], errors="coerce")
    s = pd.to_numeric(out[satisfied], errors="coerce")
    missing = r.isna() | s.isna()
    if missing.any():
        raise DataError(
            f"{where} needs survey counts ({responses} and {satisfied}); "
            f"{int(missing.sum())} row(s) have none (first rows: {_rows(missing)}). "
            "Rates alone cannot be weighted or tested: load the survey with its counts"
        )
    schemas.check_counts(r, column=responses, where=where)
    schemas.check_counts(s, column=satisfied, where=where)
    if (r <= 0).any():
        raise DataError(f"{where}: {responses} must be positive; it is 0 in row(s) "
                        f"{_rows(r <= 0)} (a row without answers: leave it out)")
    schemas.check_repeated_rows(df, responses=responses, where=where)
    over = s > r
    if over.any():
        i = _rows(over)[0]
        raise DataError(
            f"{where}: row {i}, column {satisfied}: {s[i]:g} is more than {responses} {r[i]:g}"
            + (f" (and {int(over.sum()) - 1} more rows)" if over.sum() > 1 else "")
        )
    out[responses] = r.astype("int64")
    out[satisfied] = s.astype("int64")
    return out


def _sorted_periods(values, where: str = "pilot", column: str = "period") -> list:
    return schemas.sorted_periods(values, where=where, column=column)


def _calendar(values, where: str, column: str = "period") -> tuple[pd.Series, str]:
    """Calendar position of each period label, and the labels' kind ("M", "Q", ...).

    Consecutive months (or quarters, years) differ by 1, so a month without data stays a
    gap instead of shortening the time axis. DataError, naming the rows, for an empty
    period, months mixed with quarters, or labels that are not calendar periods.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    keys = schemas.period_keys(values, where=where, column=column)
    kind = schemas.period_kind(keys.iloc[0]) if len(keys) else "M"
    if kind == "text":
        raise DataError(f"{where}: column {column!r} must hold calendar periods (months "
                        f"'YYYY-MM', quarters 'YYYY-Qn' or years) to count time; found "
                        f"{values.iloc[0]!r}")
    return keys.map(schemas.period_ordinal).astype("int64"), kind


def _ordinal_of(value, kind: str, *, where: str, param: str, example) -> int:
    """Calendar position of a period argument (``start``, ``end``) of the data's kind."""
    key = schemas.period_key(value)
    if key is None or schemas.period_kind(key) != kind:
        raise DataError(f"{where}: {param}={value!r} is not a period of the same kind as the "
                        f"data (e.g. {example!r}); give it as the data spells its periods")
    return schemas.period_ordinal(key)


def _gaps(positions, kind: str, span: tuple[int, int] | None = None) -> list[str]:
    """Labels of the calendar periods with no data between the first and last position
    (or over ``span``, both ends included)."""
    seen = set(int(t) for t in positions)
    if span is None:
        if not seen:
            return []
        span = (min(seen), max(seen))
    missing = sorted(set(range(span[0], span[1] + 1)) - seen)
    if kind == "number":
        return [str(t) for t in missing]
    return [schemas.format_period(pd.Period(ordinal=t, freq=kind)) for t in missing]


def _as_bool(series: pd.Series, param: str, frame: str = "df") -> pd.Series:
    values = series
    if values.isna().any():
        raise DataError(f"{param} column {series.name!r} of {frame} has empty values "
                        f"(row(s) {_rows(values.isna())}); use True/False or 1/0")
    if values.dtype == bool:
        return values.astype(bool)
    uniq = set(pd.unique(values.to_numpy()).tolist())
    if uniq <= {0, 1, True, False}:
        return values.astype(int).astype(bool)
    raise DataError(f"{param} column {series.name!r} of {frame} must hold True/False or 1/0, "
                    f"found {sorted(map(str, uniq))[:6]}")
