"""Survey counts to rates: the rules every baseline function applies to its input.

- ``_counts_frame`` — one row per group with responses, satisfied and a rate, under the
  library's count rule (:mod:`cxeval.schemas`, "Counts"); ``_need_counts`` refuses
  groups without counts where a method needs them;
- ``_wilson``, ``_diff_ci`` — Wilson intervals of a rate and Newcombe intervals of a
  difference of two rates;
- ``_period_key``, ``_sorted_periods`` — periods in calendar order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.checks import IN_FUNCTION, require_columns
from cxeval.errors import DataError


def _numeric(df: pd.DataFrame, col: str, func: str) -> pd.Series:
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() & df[col].notna()
    if bad.any():
        raise DataError(f"{func}: column {col!r} must hold numbers; found "
                        f"{df.loc[bad, col].iloc[0]!r}")
    return values.astype(float)


def _counts_frame(df: pd.DataFrame, keys: list[str], func: str) -> pd.DataFrame:
    """Aggregate survey rows to one row per key with counts and a rate.

    Counts follow the library's rule (:mod:`cxeval.schemas`, "Counts"): whole numbers,
    no row of counts repeated. A row *has counts* when both ``responses`` and
    ``satisfied`` are given (``responses`` may be 0: then it adds nothing). In a group
    with counts, rows without them are left out — never a switch of estimator — and
    counted in ``rows_left_out``. A group with no counts at all but rates keeps no sample
    size: its responses and satisfied are NaN and its rate is the mean of the rows'
    rates (there is no n to weight them by).

    Returns the keys, ``responses``, ``satisfied``, ``counted`` (the group has counts),
    ``rate`` (NaN for a group of 0 responses) and ``rows_left_out``.
    """
    require_columns(df, keys, func, message=IN_FUNCTION)
    has_resp = "responses" in df.columns
    has_sat = "satisfied" in df.columns
    has_rate = "rate" in df.columns
    if not (has_sat or has_rate):
        raise DataError(f"{func}: the data needs 'responses' and 'satisfied' counts or a "
                        f"'rate' column; it has columns {', '.join(map(repr, map(str, df.columns)))}")
    work = pd.DataFrame({k: df[k] for k in keys}, index=df.index)
    nan = pd.Series(np.nan, index=df.index)
    sat = _numeric(df, "satisfied", func) if has_sat else nan
    if has_resp:
        resp = _numeric(df, "responses", func)
    elif has_sat and sat.dropna().isin([0, 1]).all() and not has_rate:
        resp = pd.Series(np.where(sat.notna(), 1.0, np.nan), index=df.index)  # one row per answer
    else:
        resp = nan
    rate = _numeric(df, "rate", func) if has_rate else nan
    schemas.check_counts(resp, column="responses", where=func)
    schemas.check_counts(sat, column="satisfied", where=func)
    schemas.check_repeated_rows(df, responses="responses", where=func)
    over = sat > resp
    if over.any():
        i = over.idxmax()
        raise DataError(f"{func}: satisfied {sat[i]:g} is more than responses {resp[i]:g} "
                        f"(row {i})")
    if ((rate < 0) | (rate > 1)).any():
        bad = rate[(rate < 0) | (rate > 1)].iloc[0]
        raise DataError(f"{func}: rate must be a proportion 0–1, found {bad:g}; load files "
                        f"with cxeval.data.load, which reads 95.3 and '95.3%' as 0.953")
    counted = resp.notna() & sat.notna()
    work["_resp"] = resp.where(counted)
    work["_sat"] = sat.where(counted)
    work["_counted"] = counted
    work["_rate"] = rate.where(~counted)
    if not keys:
        work["_all"] = 0
        group_keys = ["_all"]
    else:
        group_keys = keys
    g = work.groupby(group_keys, sort=True, dropna=False, observed=True)
    out = g.agg(responses=("_resp", "sum"), satisfied=("_sat", "sum"),
                counted_rows=("_counted", "sum"), rows=("_counted", "size"),
                mean_rate=("_rate", "mean")).reset_index()
    if not keys:
        out = out.drop(columns="_all")
    out["counted"] = out["counted_rows"] > 0
    out["rate"] = np.where(out["counted"], out["satisfied"] / out["responses"].where(
        out["responses"] > 0), out["mean_rate"])
    out.loc[~out["counted"], ["responses", "satisfied"]] = np.nan
    out["rows_left_out"] = np.where(out["counted"], out["rows"] - out["counted_rows"], 0).astype("int64")
    return out.drop(columns=["mean_rate", "counted_rows", "rows"])


def _left_out_note(agg: pd.DataFrame, keys: list[str]) -> dict:
    """``attrs`` saying which groups left rows without counts out (empty when none did)."""
    left = agg[agg["rows_left_out"] > 0]
    if left.empty:
        return {"rows_left_out": 0}
    names = [", ".join(map(str, row)) for row in left[keys].itertuples(index=False)] if keys else []
    where = f" ({'; '.join(f'{n}: {k}' for n, k in zip(names, left['rows_left_out']))})" if names else ""
    total = int(left["rows_left_out"].sum())
    return {"rows_left_out": total,
            "left_out_note": f"{total} row(s) without responses/satisfied counts were left out{where}: "
                             "those groups are pooled from their rows with counts."}


def _need_counts(agg: pd.DataFrame, keys: list[str], func: str, *, units: str, need: str) -> None:
    """Raise, naming them, when groups lack counts (a rate only, or nothing) or have 0 responses."""
    def names(mask) -> str:
        rows = agg.loc[mask, keys].astype(str)
        return ", ".join(" / ".join(r) for r in rows.itertuples(index=False))

    rate_only = (~agg["counted"] & agg["rate"].notna()).to_numpy()
    if rate_only.any():
        raise DataError(f"{func}: {units} {names(rate_only)} have a rate but no responses/"
                        f"satisfied counts; {need}")
    nothing = (~agg["counted"]).to_numpy()
    if nothing.any():
        raise DataError(f"{func}: {units} {names(nothing)} have no responses/satisfied counts "
                        f"(every row lacks one of them) and no rate; {need}")
    zero = (agg["responses"] == 0).to_numpy()
    if zero.any():
        raise DataError(f"{func}: {units} {names(zero)} have 0 responses, so no rate to show; "
                        "leave them out of the data")


def _int_if_whole(s: pd.Series) -> pd.Series:
    if s.notna().all() and (s == s.round()).all():
        return s.astype("int64")
    return s.astype(float)


def _wilson(satisfied, responses, conf):
    from statsmodels.stats.proportion import proportion_confint

    sat = np.asarray(satisfied, dtype=float)
    n = np.asarray(responses, dtype=float)
    low = np.full(sat.shape, np.nan)
    high = np.full(sat.shape, np.nan)
    ok = np.isfinite(sat) & np.isfinite(n) & (n > 0)
    if ok.any():
        lo, hi = proportion_confint(sat[ok], n[ok], alpha=1 - conf, method="wilson")
        low[ok], high[ok] = lo, hi
    return low, high


def _period_key(value) -> pd.Period | str:
    """Parse a period label ("2008-03", "2006-Q2", "2006") for ordering and arithmetic."""
    key = schemas.period_key(str(value))
    return key if key is not None else str(value)


def _sorted_periods(values, func: str = "periods", column: str = "period") -> list:
    """The distinct period labels in calendar order; DataError naming the rows when a
    period is empty or months and quarters are mixed (neither has a place on one line)."""
    return schemas.sorted_periods(values, where=func, column=column)


def _diff_ci(x1, n1, x2, n2, conf):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low = np.full(len(x1), np.nan)
    high = np.full(len(x1), np.nan)
    for i, (a, m, b, k) in enumerate(zip(x1, n1, x2, n2)):
        if all(np.isfinite([a, m, b, k])) and m > 0 and k > 0:
            low[i], high[i] = confint_proportions_2indep(a, m, b, k, method="newcomb",
                                                         compare="diff", alpha=1 - conf)
    return low, high
