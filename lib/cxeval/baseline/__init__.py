"""Baseline measurement: where do we stand, is it stable, who is below target.

Every improvement project starts by measuring the baseline honestly (DOMAIN.md §1, §4).
This module turns survey data (``period``, ``branch``, ``hall``, ``segment``, ``responses``,
``satisfied``, ``rate``) into the numbers a manager reads as facts, each with its
uncertainty:

- :func:`rates` — satisfaction rates with Wilson intervals and the gap to a target;
- :func:`p_chart` — p and Laney p' control charts with stages (freeze, phases) and
  signals; :func:`overdispersion` says when the Laney chart is the right one;
- :func:`run_signals` — Anhøj run-chart rules for short series or rates without counts;
- :func:`funnel`, :func:`funnel_limits` — Spiegelhalter funnel plots of halls, with an
  over-dispersion adjustment; :func:`small_samples` flags n·p < 5;
- :func:`spread`, :func:`ranking`, :func:`below_target`, :func:`lead` — DOMAIN.md §4's
  reading of a branch table (average, best, worst, spread, lead over a competitor);
- :func:`change` — month-over-month / year-over-year change with a two-proportion test;
- ``describe_*`` — plain-language sentences built from these numbers, in Chinese or
  English, for notebooks.

All functions are pure: DataFrames in, tidy DataFrames, dicts or small result objects out.
Rates are proportions 0–1 throughout; :mod:`cxeval.report` formats them for reading.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cxeval import report, schemas
from cxeval._moved import moved
from cxeval.checks import (IN_FUNCTION, as_columns, check_conf, check_frame, check_how_many,
                           check_lang, check_proportion, require_columns)
from cxeval.errors import DataError

__all__ = [
    "rates", "p_chart", "overdispersion", "run_signals", "funnel", "funnel_limits",
    "small_samples", "spread", "ranking", "below_target", "lead", "LeadResult", "change",
    "run_chart", "assess", "Assessment", "status", "recent", "signals",
]

#: Laney's unbiasing constant d2 for moving ranges of two points (Laney 2002).
_D2 = 1.128
#: Two-sided 95% and 99.8% normal quantiles used for funnel limits (Spiegelhalter 2005).
_Z95 = float(stats.norm.ppf(0.975))
_Z998 = float(stats.norm.ppf(0.999))
#: Small-sample rule: a normal-approximation chart needs n·p >= 5 and n·(1 − p) >= 5
#: (less a rounding tolerance, so that 50 × (1 − 0.9) = 4.999… counts as 5).
_MIN_EXPECTED = 5 - 1e-9


# =========================================================================== helpers
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


# =========================================================================== rates
def rates(df, by, *, target=None, conf=0.95) -> pd.DataFrame:
    """Satisfaction rates per group with Wilson intervals and the gap to a target.

    Parameters
    ----------
    df : DataFrame
        Survey data (DESIGN.md "survey"): ``responses`` + ``satisfied`` counts, or
        ``satisfied`` as 0/1 with one row per answer, or ``rate`` (0–1) without counts.
    by : str or list of str
        Grouping columns, e.g. ``"hall"`` or ``["hall", "period"]``; ``[]`` for one
        overall row.
    target : float, optional
        Target rate (0–1), e.g. 0.95.
    conf : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per group, sorted by the groups:

        - *by* columns;
        - ``responses``, ``satisfied``: pooled counts of the group's rows with counts (NaN
          when only rates are known);
        - ``rate``: satisfied / responses (the mean rate when only rates are known; NaN
          for a group of 0 responses);
        - ``ci_low``, ``ci_high``: Wilson score interval at ``conf`` (NaN without counts —
          no sample size is invented);
        - ``gap_to_target``: rate − target (negative = below target; NaN without target);
        - ``meets_target``: rate >= target (missing without target or rate).

        ``attrs["sample_size_known"]`` is False when some group has only a rate;
        ``attrs["rows_left_out"]`` counts rows without counts left out of groups that
        have counts; ``attrs["note"]`` says either in a sentence (and names groups of 0
        responses); ``attrs["conf"]`` and ``attrs["target"]`` record the settings.

    Notes
    -----
    Rows with counts and rows without are never mixed in one estimate: a group with
    counts is pooled from its rows with counts (the others are left out and counted in
    ``attrs``); only a group with no counts at all is given the mean of its rates.
    Counts must be whole numbers (:mod:`cxeval.schemas`, "Counts": weighted totals are
    refused, not rounded).

    The Wilson interval (Wilson 1927) is computed by
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``; unlike the Wald
    interval it stays inside 0–1 and keeps its coverage near 95% satisfaction.

    Raises
    ------
    DataError
        A grouping or count column is missing (the message lists the columns there are),
        counts are fractional or negative, satisfied > responses, a row of counts is
        repeated exactly, or a rate is outside 0–1.
    ValueError
        ``target`` or ``conf`` is not a proportion.

    Examples
    --------
    >>> df = pd.DataFrame({"hall": ["A", "B"], "responses": [200, 180], "satisfied": [190, 166]})
    >>> rates(df, "hall", target=0.95)[["hall", "rate", "meets_target"]]
      hall      rate  meets_target
    0    A  0.950000          True
    1    B  0.922222         False
    """
    func = "rates"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    target = None if target is None else check_proportion(target, "target", open_interval=False,
                                                               where=f"{func}: ")
    conf = check_conf(conf, f"{func}: ")
    agg = _counts_frame(df, keys, func)
    out = agg[keys].copy()
    out["responses"] = _int_if_whole(agg["responses"])
    out["satisfied"] = _int_if_whole(agg["satisfied"])
    out["rate"] = agg["rate"].astype(float)
    out["ci_low"], out["ci_high"] = _wilson(agg["satisfied"], agg["responses"], conf)
    if target is None:
        out["gap_to_target"] = np.nan
        out["meets_target"] = pd.array([pd.NA] * len(out), dtype="boolean")
    else:
        out["gap_to_target"] = out["rate"] - target
        meets = pd.array(out["rate"] >= target, dtype="boolean")
        meets[out["rate"].isna().to_numpy()] = pd.NA
        out["meets_target"] = meets if out["rate"].isna().any() else meets.astype(bool)
    known = bool(agg["counted"].all())
    left = _left_out_note(agg, keys)
    out.attrs.update(conf=conf, target=target, sample_size_known=known,
                     rows_left_out=left["rows_left_out"])
    notes = []
    rate_only = ~agg["counted"] & agg["rate"].notna()
    if rate_only.any():
        notes.append(f"{int(rate_only.sum())} of {len(agg)} groups have only a rate and no "
                     f"sample size: their intervals are not shown (no n is assumed).")
    nothing = ~agg["counted"] & agg["rate"].isna()
    if nothing.any():
        notes.append(f"{int(nothing.sum())} of {len(agg)} groups have neither counts nor a rate.")
    empty = agg["counted"] & (agg["responses"] == 0)
    if empty.any():
        notes.append(f"{int(empty.sum())} of {len(agg)} groups have 0 responses: no rate.")
    if "left_out_note" in left:
        notes.append(left["left_out_note"])
    if notes:
        out.attrs["note"] = " ".join(notes)
    return out.reset_index(drop=True)


def below_target(df, by, *, target=0.95, conf=0.95) -> pd.DataFrame:
    """Groups whose rate is below target, worst first, with how sure we are.

    Parameters
    ----------
    df : DataFrame
        Survey data (see :func:`rates`).
    by : str or list of str
        Grouping columns, e.g. ``"hall"``.
    target : float
        Target rate (0–1).
    conf : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        The :func:`rates` columns for groups with ``rate < target``, sorted by rate, plus
        ``clearly_below``: the whole interval is below target (``ci_high < target``), so
        the shortfall is not sampling noise.

    Examples
    --------
    >>> df = pd.DataFrame({"hall": ["A", "B"], "responses": [200, 400], "satisfied": [185, 352]})
    >>> below_target(df, "hall", target=0.95)[["hall", "clearly_below"]]
      hall  clearly_below
    0    B           True
    1    A          False
    """
    table = rates(df, by, target=target, conf=conf)
    target = table.attrs["target"]
    out = table[table["rate"] < target].sort_values("rate", kind="stable").reset_index(drop=True)
    out["clearly_below"] = (out["ci_high"] < target).astype(bool)
    return out


def recent(df, *, periods=3, period="period") -> pd.DataFrame:
    """The rows of the last ``periods`` periods present in the data.

    Parameters
    ----------
    df : DataFrame
        Data with a period column.
    periods : int
        How many of the latest periods to keep.
    period : str
        Name of the period column.

    Returns
    -------
    DataFrame
        The matching rows (same columns); ``attrs["periods"]`` lists the periods kept.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"], "rate": [0.9, 0.91, 0.96]})
    >>> recent(df, periods=2).attrs["periods"]
    ['2008-02', '2008-03']
    """
    func = "recent"
    check_frame(df, f"{func}: data")
    require_columns(df, [period], func, message=IN_FUNCTION)
    check_how_many(periods, "periods", where=f"{func}: ")
    keep = _sorted_periods(df[period], func, period)[-periods:]
    out = df[df[period].isin(keep)].copy()
    out.attrs["periods"] = [str(p) for p in keep]
    return out


# =========================================================================== run rules
def _runs_analysis(values, center) -> dict:
    """Anhøj rules on ``values`` around ``center``; also which points form long runs."""
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    side = np.zeros(v.shape)
    side[finite] = np.sign(v[finite] - center)
    useful_idx = np.flatnonzero(finite & (side != 0))  # points on the centre line don't count
    useful = side[useful_idx]
    n = len(useful)
    long_point = np.zeros(v.shape, dtype=bool)
    if n == 0:
        return dict(n_useful=0, longest_run=0, longest_run_max=0, crossings=0,
                    crossings_min=0, signal=False, long_points=long_point, long_side=0)
    breaks = np.flatnonzero(useful[1:] != useful[:-1]) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [n]])
    lengths = ends - starts
    longest = int(lengths.max())
    crossings = len(breaks)
    # Critical values of Anhøj & Olesen (2014): round(log2(n) + 3) and qbinom(0.05, n - 1, 0.5).
    longest_max = int(round(math.log2(n) + 3))
    crossings_min = int(stats.binom.ppf(0.05, n - 1, 0.5)) if n > 1 else 0
    long_side = 0
    for s, e, length in zip(starts, ends, lengths):
        if length > longest_max:
            long_point[useful_idx[s:e]] = True
            long_side = int(useful[s])
    long_run = longest > longest_max
    few_crossings = crossings < crossings_min
    return dict(n_useful=n, longest_run=longest, longest_run_max=longest_max,
                crossings=crossings, crossings_min=crossings_min,
                signal=bool(long_run or few_crossings), long_points=long_point,
                long_side=long_side)


def run_signals(values) -> dict:
    """Anhøj run-chart rules: an unusually long run or too few crossings of the median.

    For series too short, or without sample sizes, for a control chart (e.g. the three
    months of DOMAIN.md §1 given only as rates).

    Parameters
    ----------
    values : array-like of float
        The series in time order; missing values are dropped.

    Returns
    -------
    dict
        - ``n_useful``: points not on the median (points on the median are ignored);
        - ``longest_run``: the longest run of useful points on one side of the median;
        - ``longest_run_max``: ``round(log2(n_useful) + 3)``; a longer run is a signal;
        - ``crossings``: times the series crosses the median (between useful points);
        - ``crossings_min``: ``qbinom(0.05, n_useful − 1, 0.5)``; fewer is a signal;
        - ``signal``: True when either rule fires (a shift in the process).

    Notes
    -----
    Anhøj J, Olesen AV (2014) "Run charts revisited", PLoS ONE 9(11): e113825; the same
    critical values as qicharts2 (Anhøj: *SPC for Healthcare*, "Critical values for runs
    and crossings"). The two rules together have a false-signal rate near 5% whatever n.

    Raises
    ------
    TypeError
        ``values`` is not numeric.

    Examples
    --------
    >>> run_signals([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])["signal"]
    True
    """
    try:
        v = np.asarray(pd.Series(values, dtype=float), dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"run_signals: values must be numbers, got {values!r}") from exc
    v = v[np.isfinite(v)]
    center = float(np.median(v)) if len(v) else 0.0
    res = _runs_analysis(v, center)
    return {k: res[k] for k in ("n_useful", "longest_run", "longest_run_max", "crossings",
                                "crossings_min", "signal")}


def run_chart(df, *, period="period") -> pd.DataFrame:
    """Run chart of the rate per period: median line and Anhøj rules, no control limits.

    For rates without sample sizes (a control chart needs counts) or very short series.

    Parameters
    ----------
    df : DataFrame
        Survey rows (counts or rates) with a period column, or a :func:`rates` table.
    period : str
        Period column.

    Returns
    -------
    DataFrame
        The columns of :func:`p_chart`, so that the same plots and sentences apply:
        ``period``, ``responses`` (NaN without counts), ``satisfied``, ``rate``,
        ``center`` (the median), ``lcl`` and ``ucl`` (NaN: no limits), ``signal`` (point
        of an unusually long run), ``phase`` (""), ``sigma_z`` (NaN), ``beyond_limits``
        (False), ``long_run``, ``few_crossings``.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                    "rate": [0.9263, 0.9172, 0.9631]})
    >>> run_chart(df)["center"].iloc[0]
    np.float64(0.9263)
    """
    func = "run_chart"
    check_frame(df, f"{func}: data")
    require_columns(df, [period, "rate"] if "satisfied" not in df.columns else [period], func,
                    message=IN_FUNCTION)
    schemas.period_keys(df[period], where=func, column=period)
    table = rates(df, period)
    order = _sorted_periods(table[period], func, period)
    rows = table.set_index(period).loc[order].reset_index()
    values = rows["rate"].to_numpy(float)
    center = float(np.nanmedian(values)) if len(values) else np.nan
    res = _runs_analysis(values, center)
    out = pd.DataFrame({
        "period": rows[period].astype(str), "responses": rows["responses"],
        "satisfied": rows["satisfied"], "rate": values, "center": center, "lcl": np.nan,
        "ucl": np.nan, "signal": res["long_points"], "phase": "", "sigma_z": np.nan,
        "beyond_limits": False, "long_run": res["long_points"],
        "few_crossings": res["crossings"] < res["crossings_min"]})
    out.attrs.update(kind="run", rows_left_out=table.attrs["rows_left_out"])
    return out


# =========================================================================== control charts
def _phase_labels(periods: list, *, freeze, phase, func: str) -> tuple[list, list]:
    """Return (limit segment id per period, phase label per period)."""
    n = len(periods)
    labels = [str(p) for p in periods]
    if freeze is not None and phase is not None:
        raise ValueError(f"{func}: give freeze or phase, not both")
    if freeze is not None:
        if str(freeze) not in labels:
            raise ValueError(f"{func}: freeze must be one of the periods in the data "
                             f"({labels[0]} … {labels[-1]}), got {freeze!r}")
        cut = labels.index(str(freeze)) + 1
        return [0] * n, ["baseline"] * cut + ["extended"] * (n - cut)
    if phase is None:
        return [0] * n, [""] * n
    if isinstance(phase, Mapping):
        starts = [(str(start), str(name)) for name, start in phase.items()]
    elif isinstance(phase, Sequence) and not isinstance(phase, str):
        starts = [(str(start), f"phase {i + 2}") for i, start in enumerate(phase)]
    else:
        raise TypeError(f"{func}: phase must be a list of first periods (e.g. ['2008-08']) or "
                        f"a mapping name -> first period (e.g. {{'pilot': '2008-08'}}), "
                        f"got {phase!r}")
    for start, _ in starts:
        if start not in labels:
            raise ValueError(f"{func}: phase start {start!r} is not a period in the data "
                             f"({labels[0]} … {labels[-1]})")
    starts.sort(key=lambda s: labels.index(s[0]))
    first_name = "phase 1" if not isinstance(phase, Mapping) else "before"
    segment, names = [], []
    current, name = 0, first_name
    for label in labels:
        for i, (start, start_name) in enumerate(starts):
            if label == start:
                current, name = i + 1, start_name
        segment.append(current)
        names.append(name)
    return segment, names


def _sigma_z(rate, n, center) -> float:
    """Laney's σz: average moving range of the z-scores / 1.128 (1 when undefined)."""
    if not 0 < center < 1 or len(rate) < 2:
        return 1.0
    z = (np.asarray(rate) - center) / np.sqrt(center * (1 - center) / np.asarray(n))
    return float(np.mean(np.abs(np.diff(z))) / _D2)


def p_chart(df, *, period="period", laney=False, freeze=None, phase=None) -> pd.DataFrame:
    """p chart (or Laney p' chart) of satisfaction per period, with stages and signals.

    Parameters
    ----------
    df : DataFrame
        Survey rows with ``responses`` and ``satisfied`` counts (several rows per period —
        halls — are pooled).
    period : str
        Name of the period column.
    laney : bool
        Laney's p' chart: the 3-sigma limits are widened (or narrowed) by σz, the
        between-period variation of the standardised rates. Use it when
        :func:`overdispersion` says the variation is more than binomial — with large
        surveys plain p limits flag almost every month.
    freeze : str, optional
        Last period of the baseline: the centre line and limits are computed from the
        periods up to and including ``freeze`` and extended unchanged over later
        periods (Minitab "stages", qicharts2 ``freeze``).
    phase : list of str or mapping, optional
        Recompute centre and limits per phase: a list of the first periods of new phases
        (``["2008-08", "2008-09"]``), or a mapping name -> first period
        (``{"pilot": "2008-08", "rollout": "2008-09"}``; earlier periods form ``"before"``).

    Returns
    -------
    DataFrame
        One row per period in time order:

        - ``period``, ``responses``, ``satisfied``, ``rate``;
        - ``center``: the centre line p̄ = Σ satisfied / Σ responses of the baseline or phase;
        - ``lcl``, ``ucl``: p̄ ∓ 3·σz·sqrt(p̄(1 − p̄)/n), clipped to [0, 1] (σz = 1 for the
          p chart);
        - ``signal``: the point is beyond a limit or part of an unusually long run;
        - ``phase``: ``"baseline"``/``"extended"`` with ``freeze``, the phase name with
          ``phase``, else ``""``;
        - ``sigma_z``: Laney's σz of the baseline/phase (1.0 for the p chart);
        - ``beyond_limits``: rate > ucl or rate < lcl;
        - ``long_run``: the point belongs to a run around the centre line longer than
          Anhøj's limit (rule checked over the whole chart with ``freeze``, per phase
          with ``phase``);
        - ``few_crossings``: its phase crosses the centre line fewer times than Anhøj's
          limit (a shift somewhere in the phase, not at one point).

        ``attrs["rows_left_out"]`` counts rows without counts left out of periods that
        have counts (``attrs["left_out_note"]`` names them).

    Notes
    -----
    Montgomery, *Introduction to Statistical Quality Control*, ch. 7 (p chart with varying
    sample size); Laney DB (2002) "Improved control charts for attributes", Quality
    Engineering 14(4): 531–537 (σz = mean |z_i − z_{i−1}| / 1.128,
    z_i = (p_i − p̄)/sqrt(p̄(1 − p̄)/n_i)), as in Minitab's Laney P' chart; moving ranges
    are not screened (qicharts2 screens them by default). Run rules: :func:`run_signals`.

    Raises
    ------
    DataError
        Columns missing, a period without counts (use :func:`run_signals` then) or with 0
        responses, an empty period, or months mixed with quarters (the rows are named).
    ValueError
        ``freeze``/``phase`` name a period not in the data, or both are given.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                    "responses": [300, 300, 300], "satisfied": [278, 275, 289]})
    >>> p_chart(df)["signal"].any()
    np.False_
    """
    func = "p_chart"
    check_frame(df, f"{func}: data")
    require_columns(df, [period], func, message=IN_FUNCTION)
    # Checked before pooling, so that an empty or mixed period names the input's rows.
    schemas.period_keys(df[period], where=func, column=period)
    agg = _counts_frame(df, [period], func)
    _need_counts(agg, [period], func, units="periods",
                 need="a control chart needs counts. Use run_signals() for a run chart of rates.")
    order = _sorted_periods(agg[period], func, period)
    agg = agg.set_index(period).loc[order].reset_index()
    segment, names = _phase_labels(order, freeze=freeze, phase=phase, func=func)
    agg["_segment"] = segment
    out = pd.DataFrame({
        "period": agg[period].astype(str),
        "responses": agg["responses"].astype("int64"),
        "satisfied": agg["satisfied"].astype("int64"),
        "rate": agg["rate"].astype(float),
    })
    n_all = out["responses"].to_numpy(float)
    center = np.empty(len(out))
    sigma_z = np.empty(len(out))
    if freeze is not None:
        base = np.array(names) == "baseline"
        c = out.loc[base, "satisfied"].sum() / out.loc[base, "responses"].sum()
        s = _sigma_z(out.loc[base, "rate"], out.loc[base, "responses"], c) if laney else 1.0
        center[:], sigma_z[:] = c, s
    else:
        for seg in sorted(set(segment)):
            m = agg["_segment"].to_numpy() == seg
            c = out.loc[m, "satisfied"].sum() / out.loc[m, "responses"].sum()
            s = _sigma_z(out.loc[m, "rate"], out.loc[m, "responses"], c) if laney else 1.0
            center[m], sigma_z[m] = c, s
    half = 3 * sigma_z * np.sqrt(center * (1 - center) / n_all)
    out["center"] = center
    out["lcl"] = np.clip(center - half, 0, 1)
    out["ucl"] = np.clip(center + half, 0, 1)
    beyond = ((out["rate"] > out["ucl"]) | (out["rate"] < out["lcl"])).to_numpy()
    long_run = np.zeros(len(out), dtype=bool)
    few = np.zeros(len(out), dtype=bool)
    run_groups = [np.ones(len(out), dtype=bool)] if freeze is not None or phase is None else [
        agg["_segment"].to_numpy() == seg for seg in sorted(set(segment))]
    for m in run_groups:
        res = _runs_analysis(out.loc[m, "rate"].to_numpy(), float(center[m][0]))
        long_run[np.flatnonzero(m)[res["long_points"]]] = True
        few[m] = res["crossings"] < res["crossings_min"]
    out["signal"] = beyond | long_run
    out["phase"] = names
    out["sigma_z"] = sigma_z
    out["beyond_limits"] = beyond
    out["long_run"] = long_run
    out["few_crossings"] = few
    out.attrs.update(laney=bool(laney), freeze=None if freeze is None else str(freeze),
                     kind="laney" if laney else "p", **_left_out_note(agg, [period]))
    return out


def overdispersion(df, *, by="period", center=None, winsorize=0.1) -> dict:
    """Is the variation between periods (or halls) more than sampling alone explains?

    Parameters
    ----------
    df : DataFrame
        Survey rows with ``responses`` and ``satisfied`` counts.
    by : str or list of str
        Units compared: ``"period"`` for a control chart, ``"hall"`` for a funnel plot.
    center : float, optional
        Reference rate θ0 (0–1); defaults to the overall rate Σ satisfied / Σ responses.
    winsorize : float
        Share of z-scores pulled in at each end before estimating φ and τ² (Spiegelhalter
        2005: 10%), so that a few real outliers do not inflate the estimate.

    Returns
    -------
    dict
        - ``n_units``: number of units I;
        - ``center``: θ0;
        - ``phi``: φ = (1/I) Σ z_i² of the winsorised z-scores, z_i = (p_i − θ0)/s_i,
          s_i² = θ0(1 − θ0)/n_i (about 1 without over-dispersion);
        - ``chi2``, ``df``, ``p_value``: the test I·φ against χ² on I − 1 df;
        - ``tau2``: additive between-unit variance, DerSimonian–Laird on the winsorised
          z-scores: max(0, (I·φ − (I − 1)) / (Σw − Σw²/Σw)), w_i = 1/s_i²;
        - ``sigma_z``: Laney's σz (moving ranges of the z-scores in the order of ``by``);
        - ``ratio``: observed / expected standard deviation, sqrt(Σz²/(I − 1)) without
          winsorising (1 = binomial; Minitab's P chart diagnostic flags much above 1);
        - ``overdispersed``: the χ² test rejects binomial variation at 5% (use the Laney
          chart or over-dispersed funnel limits);
        - ``chart``: ``"laney"`` or ``"p"``, the control chart to use.

    Notes
    -----
    Spiegelhalter DJ (2005) "Handling over-dispersion of performance indicators", Qual Saf
    Health Care 14: 347–351; DerSimonian R, Laird N (1986) Control Clin Trials 7: 177–188;
    Laney (2002). With ``winsorize=0`` and the overall rate as θ0, ``chi2`` is Pearson's χ²
    of the 2 × I table and ``tau2`` equals the DerSimonian–Laird estimate of a
    random-effects meta-analysis of the rates.

    Raises
    ------
    DataError
        Columns or counts missing.
    ValueError
        ``winsorize`` not in [0, 0.5).

    Examples
    --------
    >>> df = pd.DataFrame({"hall": list("ABCD"), "responses": [1000] * 4,
    ...                    "satisfied": [900, 950, 850, 960]})
    >>> overdispersion(df, by="hall")["overdispersed"]
    True
    """
    return _dispersion(df, by, center=center, winsorize=winsorize, func="overdispersion")


def _dispersion(df, by, *, center, winsorize, func) -> dict:
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    if not isinstance(winsorize, (int, float)) or not 0 <= winsorize < 0.5:
        raise ValueError(f"{func}: winsorize must be a share in [0, 0.5), e.g. 0.1, "
                         f"got {winsorize!r}")
    if keys == ["period"]:
        schemas.period_keys(df["period"], where=func)
    agg = _counts_frame(df, keys, func)
    _need_counts(agg, keys, func, units="units",
                 need="needs responses and satisfied counts for every unit")
    if keys == ["period"]:
        order = _sorted_periods(agg["period"], func)
        agg = agg.set_index("period").loc[order].reset_index()
    n = agg["responses"].to_numpy(float)
    p = agg["rate"].to_numpy(float)
    theta = (agg["satisfied"].sum() / agg["responses"].sum()) if center is None else \
        check_proportion(center, "center", open_interval=False, where=f"{func}: ")
    units = len(agg)
    result = dict(n_units=units, center=float(theta), phi=np.nan, chi2=np.nan, df=units - 1,
                  p_value=np.nan, tau2=np.nan, sigma_z=np.nan, ratio=np.nan,
                  overdispersed=False, chart="p")
    if units < 2 or not 0 < theta < 1:
        return result
    s2 = theta * (1 - theta) / n
    z = (p - theta) / np.sqrt(s2)
    zw = z
    if winsorize > 0:
        lo, hi = np.quantile(z, [winsorize, 1 - winsorize])
        zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw ** 2))
    chi2 = units * phi
    w = 1 / s2
    tau2 = max(0.0, (chi2 - (units - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    p_value = float(stats.chi2.sf(chi2, units - 1))
    over = bool(p_value < 0.05 and chi2 > units - 1)
    result.update(phi=phi, chi2=float(chi2), p_value=p_value, tau2=float(tau2),
                  sigma_z=float(np.mean(np.abs(np.diff(z))) / _D2),
                  ratio=float(np.sqrt(np.sum(z ** 2) / (units - 1))),
                  overdispersed=over, chart="laney" if over else "p")
    return result


# =========================================================================== funnel plots
def funnel_limits(responses, center, *, method="exact", tau2=0.0) -> pd.DataFrame:
    """Funnel-plot limits (95% and 99.8%) around ``center`` for given sample sizes.

    Parameters
    ----------
    responses : int or array-like of int
        Sample sizes n.
    center : float
        Target or overall rate θ0 (0–1).
    method : {"exact", "normal"}
        ``"exact"``: binomial quantiles with Spiegelhalter's interpolation, (r_p − α)/n with
        r_p the p-quantile of Binomial(n, θ0) and α = (F(r_p) − p)/(F(r_p) − F(r_p − 1)),
        so the limits are smooth in n. ``"normal"``: θ0 ± z·sqrt(θ0(1 − θ0)/n). With
        ``tau2 > 0`` the limits are θ0 ± z·sqrt(θ0(1 − θ0)/n + τ²) whatever the method.
    tau2 : float
        Additive between-unit variance (see :func:`overdispersion`).

    Returns
    -------
    DataFrame
        ``responses``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``
        (proportions, clipped to [0, 1]).

    Notes
    -----
    Spiegelhalter DJ (2005) "Funnel plots for comparing institutional performance", Stat
    Med 24: 1185–1202, section 3 and appendix; over-dispersed limits: Spiegelhalter (2005)
    Qual Saf Health Care 14: 347–351.

    Raises
    ------
    ValueError
        Unknown ``method``, ``center`` outside 0–1, negative ``tau2`` or n < 1.

    Examples
    --------
    >>> funnel_limits([100], 0.9, method="normal")["lower_95"].round(4).tolist()
    [0.8412]
    """
    func = "funnel_limits"
    if method not in ("exact", "normal"):
        raise ValueError(f"{func}: method must be 'exact' or 'normal', got {method!r}")
    theta = check_proportion(center, "center", open_interval=False, where=f"{func}: ")
    if not isinstance(tau2, (int, float)) or tau2 < 0 or not np.isfinite(tau2):
        raise ValueError(f"{func}: tau2 must be a variance >= 0, got {tau2!r}")
    n = np.atleast_1d(np.asarray(responses, dtype=float))
    if (n < 1).any() or not np.isfinite(n).all():
        raise ValueError(f"{func}: responses must be sample sizes >= 1")
    out = {"responses": n}
    for name, z, p_lo, p_hi in (("95", _Z95, 0.025, 0.975), ("998", _Z998, 0.001, 0.999)):
        if method == "normal" or tau2 > 0 or theta in (0.0, 1.0):
            half = z * np.sqrt(theta * (1 - theta) / n + tau2)
            lo, hi = theta - half, theta + half
        else:
            lo, hi = _binomial_limit(n, theta, p_lo), _binomial_limit(n, theta, p_hi)
        out[f"lower_{name}"] = np.clip(lo, 0, 1)
        out[f"upper_{name}"] = np.clip(hi, 0, 1)
    frame = pd.DataFrame(out)
    frame = frame[["responses", "lower_95", "upper_95", "lower_998", "upper_998"]]
    if (frame["responses"] == frame["responses"].round()).all():
        frame["responses"] = frame["responses"].astype("int64")
    return frame


def _binomial_limit(n: np.ndarray, theta: float, prob: float) -> np.ndarray:
    """Spiegelhalter's interpolated binomial p-quantile, as a proportion."""
    r = stats.binom.ppf(prob, n, theta)
    f_r = stats.binom.cdf(r, n, theta)
    f_before = stats.binom.cdf(r - 1, n, theta)
    alpha = (f_r - prob) / (f_r - f_before)
    return (r - alpha) / n


def funnel(df, by, *, center=None, overdispersion=False, method="exact",
           winsorize=0.1) -> pd.DataFrame:
    """Funnel plot data: each unit's rate against limits that narrow with its sample size.

    Parameters
    ----------
    df : DataFrame
        Survey rows with ``responses`` and ``satisfied`` counts (pooled per unit).
    by : str or list of str
        The units, e.g. ``"hall"``.
    center : float, optional
        Target θ0 (0–1); defaults to the overall rate.
    overdispersion : bool
        Widen the limits by the between-unit variance τ² (additive random effects,
        DerSimonian–Laird on winsorised z-scores; Spiegelhalter 2005) when the units vary
        more than chance allows — large surveys otherwise flag every hall.
    method : {"exact", "normal"}
        Limits without over-dispersion: exact binomial (default — near 95% satisfaction
        the binomial is skewed and normal limits run past 100% for hall-sized samples) or
        the normal approximation (as public-health funnel tools use). Over-dispersed
        limits are always normal, as in Spiegelhalter's random-effects model.
    winsorize : float
        Share of z-scores winsorised at each end when estimating τ².

    Returns
    -------
    DataFrame
        One row per unit:

        - *by* columns, ``responses``, ``satisfied``, ``rate``;
        - ``center``: θ0;
        - ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``: limits at the unit's n
          (proportions, clipped to [0, 1]);
        - ``outside``: the rate is outside the 99.8% limits (a real difference, not chance);
        - ``band``: ``"below_998"``, ``"below_95"``, ``"within"``, ``"above_95"`` or
          ``"above_998"``;
        - ``small_sample``: n·θ0 < 5 or n·(1 − θ0) < 5 (too few answers for the limits
          to mean much).

        ``attrs`` holds ``center``, ``method`` ("exact", "normal" or "overdispersed"),
        ``tau2``, the :func:`overdispersion` diagnostic (``phi``, ``p_value``) and
        ``rows_left_out`` (rows without counts left out of units that have counts).

    Raises
    ------
    DataError
        Columns or counts missing, or a unit with 0 responses (the units are named).
    ValueError
        Bad ``method``, ``center`` or ``winsorize``.

    Examples
    --------
    >>> df = pd.DataFrame({"hall": list("ABC"), "responses": [200, 300, 250],
    ...                    "satisfied": [190, 281, 200]})
    >>> funnel(df, "hall")["outside"].tolist()
    [False, False, True]
    """
    func = "funnel"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    if method not in ("exact", "normal"):
        raise ValueError(f"{func}: method must be 'exact' or 'normal', got {method!r}")
    agg = _counts_frame(df, keys, func)
    _need_counts(agg, keys, func, units="units",
                 need="a funnel plot needs responses and satisfied counts for every unit")
    theta = float(agg["satisfied"].sum() / agg["responses"].sum()) if center is None else \
        check_proportion(center, "center", open_interval=False, where=f"{func}: ")
    diag = _dispersion(df, keys, center=theta, winsorize=winsorize, func=func)
    tau2 = diag["tau2"] if overdispersion and np.isfinite(diag["tau2"]) else 0.0
    limits = funnel_limits(agg["responses"].to_numpy(), theta, method=method, tau2=tau2)
    out = agg[keys].copy()
    out["responses"] = agg["responses"].astype("int64")
    out["satisfied"] = agg["satisfied"].astype("int64")
    out["rate"] = agg["rate"].astype(float)
    out["center"] = theta
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        out[col] = limits[col].to_numpy()
    rate = out["rate"]
    out["outside"] = ((rate < out["lower_998"]) | (rate > out["upper_998"])).astype(bool)
    band = np.select(
        [rate < out["lower_998"], rate < out["lower_95"], rate > out["upper_998"],
         rate > out["upper_95"]],
        ["below_998", "below_95", "above_998", "above_95"], default="within")
    out["band"] = band
    n = out["responses"]
    out["small_sample"] = ((n * theta < _MIN_EXPECTED) | (n * (1 - theta) < _MIN_EXPECTED))
    out.attrs.update(**_left_out_note(agg, keys))
    out.attrs.update(center=theta, tau2=float(tau2), phi=diag["phi"], p_value=diag["p_value"],
                     method="overdispersed" if tau2 > 0 else method, by=keys)
    return out.reset_index(drop=True)


def small_samples(df, by, *, center=None) -> pd.DataFrame:
    """Flag units with too few answers for normal-approximation limits (n·p or n·(1−p) < 5).

    Parameters
    ----------
    df : DataFrame
        Survey rows with ``responses`` and ``satisfied``.
    by : str or list of str
        Units, e.g. ``["hall", "period"]``.
    center : float, optional
        Expected rate p (0–1); defaults to the overall rate of ``df``.

    Returns
    -------
    DataFrame
        *by* columns, ``responses``, ``expected_satisfied`` (n·p),
        ``expected_unsatisfied`` (n·(1 − p)) and ``small_sample`` (either below 5).
        Units without counts are flagged too.

    Examples
    --------
    >>> df = pd.DataFrame({"hall": ["A", "B"], "responses": [80, 400], "satisfied": [76, 380]})
    >>> small_samples(df, "hall")["small_sample"].tolist()
    [True, False]
    """
    func = "small_samples"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    agg = _counts_frame(df, keys, func)
    theta = float(agg["satisfied"].sum() / agg["responses"].sum()) if center is None else \
        check_proportion(center, "center", open_interval=False, where=f"{func}: ")
    out = agg[keys].copy()
    out["responses"] = agg["responses"]
    out["expected_satisfied"] = agg["responses"] * theta
    out["expected_unsatisfied"] = agg["responses"] * (1 - theta)
    out["small_sample"] = ~((out["expected_satisfied"] >= _MIN_EXPECTED)
                            & (out["expected_unsatisfied"] >= _MIN_EXPECTED))
    out["responses"] = _int_if_whole(out["responses"])
    return out.reset_index(drop=True)


# =========================================================================== tables of units
def _unit_table(df, keys, value, func) -> pd.DataFrame:
    require_columns(df, keys, func, message=IN_FUNCTION)
    duplicated = df.duplicated(keys).any() if keys else len(df) > 1
    if value == "rate" and (duplicated or "rate" not in df.columns):
        return rates(df, keys)
    require_columns(df, [value], func, message=IN_FUNCTION)
    if duplicated:
        raise ValueError(f"{func}: several rows per {', '.join(keys)}; aggregate first "
                         f"(e.g. with rates(df, {keys!r}))")
    return df


def spread(df, by, *, value="rate") -> dict:
    """Best and worst unit and the spread between them (best − worst).

    Parameters
    ----------
    df : DataFrame
        One row per unit with ``value`` (e.g. the output of :func:`rates`), or survey rows
        (pooled per unit with :func:`rates` when ``value="rate"``).
    by : str or list of str
        The unit column(s), e.g. ``"branch"``.
    value : str
        The column compared; higher is better.

    Returns
    -------
    dict
        ``best``, ``worst`` (the unit labels; tuples for several columns), ``best_value``,
        ``worst_value`` and ``spread`` = best_value − worst_value. Ties go to the unit
        listed first.

    Raises
    ------
    DataError
        Columns missing.
    ValueError
        No unit has a value.

    Examples
    --------
    >>> t = pd.DataFrame({"branch": ["贵阳", "遵义", "安顺"], "rate": [0.760, 0.742, 0.751]})
    >>> spread(t, "branch")["best"], round(spread(t, "branch")["spread"], 3)
    ('贵阳', 0.018)
    """
    func = "spread"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    if not keys:
        raise ValueError(f"{func}: by must name the unit column, got {by!r}")
    table = _unit_table(df, keys, value, func)
    table = table[table[value].notna()].reset_index(drop=True)
    if table.empty:
        raise ValueError(f"{func}: no unit has a value in column {value!r}")
    values = table[value].astype(float)
    best_i, worst_i = int(values.to_numpy().argmax()), int(values.to_numpy().argmin())

    def label(i):
        row = table.loc[i, keys]
        return row.iloc[0] if len(keys) == 1 else tuple(row)

    best_value, worst_value = float(values[best_i]), float(values[worst_i])
    return {"best": label(best_i), "worst": label(worst_i), "best_value": best_value,
            "worst_value": worst_value, "spread": best_value - worst_value}


def ranking(df, by, *, value="rate", ascending=False) -> pd.DataFrame:
    """Rank units by a value (1 = best), with each unit's gap to the best.

    Parameters
    ----------
    df : DataFrame
        One row per unit with ``value``, or survey rows (pooled with :func:`rates`).
    by : str or list of str
        Unit column(s).
    value : str
        Column ranked.
    ascending : bool
        False: higher is better (satisfaction); True: lower is better (complaint rates).

    Returns
    -------
    DataFrame
        *by* columns, ``value``, ``rank`` (1 = best; ties share the better rank) and
        ``gap_to_best`` (value − best value), sorted best first.

    Examples
    --------
    >>> t = pd.DataFrame({"branch": ["A", "B", "C"], "rate": [0.74, 0.76, 0.74]})
    >>> ranking(t, "branch")["rank"].tolist()
    [1, 2, 2]
    """
    func = "ranking"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    table = _unit_table(df, keys, value, func)
    out = table[keys + [value]].copy()
    out["rank"] = out[value].rank(method="min", ascending=ascending).astype("Int64")
    best = out[value].min() if ascending else out[value].max()
    out["gap_to_best"] = out[value] - best
    out = out.sort_values(["rank"] + keys, kind="stable", na_position="last")
    if out["rank"].notna().all():
        out["rank"] = out["rank"].astype("int64")
    return out.reset_index(drop=True)


# =========================================================================== lead
class LeadResult:
    """Own brands versus a competitor, per branch and for the province (DOMAIN.md §4).

    Attributes
    ----------
    table : DataFrame
        One row per branch, best own rate first: *by*, ``own_responses``, ``own_rate``,
        ``competitor_responses``, ``competitor_rate``, ``lead`` (own − competitor),
        ``ci_low``, ``ci_high`` (Newcombe interval of the lead), ``target``,
        ``meets_target`` (lead >= target), ``rank`` (by own rate, 1 = best).
    province : dict
        The same numbers pooled over all branches.
    target : float
        The lead target (0.16 = 16 percentage points).
    """

    def __init__(self, table: pd.DataFrame, province: dict, target: float, by: str):
        self.table = table
        self.province = province
        self.target = target
        self.by = by

    def summary(self) -> dict:
        """How DOMAIN.md §4 reads the table.

        Returns
        -------
        dict
            ``province_own_rate``, ``province_competitor_rate``, ``province_lead``,
            ``best``, ``worst``, ``best_value``, ``worst_value``, ``spread`` (own rate,
            best − worst), ``n_branches``, ``n_meeting_target``, ``all_meet_target``,
            ``target``, ``below_target`` (branches missing the lead target).
        """
        sp = spread(self.table, self.by, value="own_rate")
        meets = self.table["meets_target"].fillna(False).astype(bool)
        return {
            "province_own_rate": self.province["own_rate"],
            "province_competitor_rate": self.province["competitor_rate"],
            "province_lead": self.province["lead"],
            **sp,
            "n_branches": int(len(self.table)),
            "n_meeting_target": int(meets.sum()),
            "all_meet_target": bool(meets.all()),
            "target": self.target,
            "below_target": self.table.loc[~meets, self.by].tolist(),
        }

    def _repr_html_(self) -> str:
        styler = report.table(self.table, formats={
            "own_rate": "pct", "competitor_rate": "pct", "lead": "pp", "ci_low": "pp",
            "ci_high": "pp", "target": "pp", "own_responses": "int",
            "competitor_responses": "int"})
        return styler.to_html()

    def __repr__(self) -> str:
        s = self.summary()
        return (f"LeadResult({s['n_branches']} branches, province lead "
                f"{report.fmt_pp(s['province_lead'])}, {s['n_meeting_target']} meet "
                f"{report.fmt_pp(self.target, sign=False)})")


def _segments(value, name: str, available: list, func: str) -> list:
    items = [value] if isinstance(value, str) else list(value) if isinstance(
        value, Sequence) else None
    if not items:
        raise TypeError(f"{func}: {name} must be a segment name or a list of names, "
                        f"got {value!r}")
    unknown = [s for s in items if s not in available]
    if unknown:
        raise ValueError(f"{func}: {name} segment(s) {', '.join(map(repr, unknown))} not in the "
                         f"data; segments there: {', '.join(map(str, available))}")
    return items


def _diff_ci(x1, n1, x2, n2, conf):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low = np.full(len(x1), np.nan)
    high = np.full(len(x1), np.nan)
    for i, (a, m, b, k) in enumerate(zip(x1, n1, x2, n2)):
        if all(np.isfinite([a, m, b, k])) and m > 0 and k > 0:
            low[i], high[i] = confint_proportions_2indep(a, m, b, k, method="newcomb",
                                                         compare="diff", alpha=1 - conf)
    return low, high


def lead(df, *, own, competitor, by="branch", target=0.16, segment="segment",
         conf=0.95) -> LeadResult:
    """Lead of own brands over a competitor per branch, and the province reading.

    Parameters
    ----------
    df : DataFrame
        Survey rows with a segment column (brand or operator), counts or rates.
    own, competitor : str or list of str
        Segment(s) pooled as "own" and as "competitor", e.g. ``["全球通", "动感地带",
        "神州行"]`` and ``["C网", "G网", "小灵通"]``.
    by : str
        Branch column.
    target : float
        Lead target as a proportion (0.16 = 16 pp).
    segment : str
        Name of the segment column.
    conf : float
        Confidence level of the lead interval.

    Returns
    -------
    LeadResult
        ``.table`` per branch, ``.province`` pooled, ``.summary()`` with the province
        average, best and worst branch, spread and whether every branch meets the target.

    Notes
    -----
    Rates are pooled over periods and segments (Σ satisfied / Σ responses); the lead's
    interval is Newcombe's hybrid score interval for a difference of independent
    proportions (``statsmodels.stats.proportion.confint_proportions_2indep``,
    ``method="newcomb"``). Rate-only data give the lead without an interval.

    Raises
    ------
    DataError
        Columns missing.
    ValueError
        A segment is not in the data (the message lists those there), or a bad target.

    Examples
    --------
    >>> df = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["own", "rival"] * 2,
    ...                    "responses": [500] * 4, "satisfied": [380, 290, 370, 300]})
    >>> lead(df, own="own", competitor="rival").summary()["all_meet_target"]
    False
    """
    func = "lead"
    check_frame(df, f"{func}: data")
    require_columns(df, [by, segment], func, message=IN_FUNCTION)
    target = check_proportion(target, "target", open_interval=False, where=f"{func}: ")
    conf = check_conf(conf, f"{func}: ")
    available = sorted(df[segment].dropna().astype(str).unique().tolist())
    own_list = _segments(own, "own", available, func)
    comp_list = _segments(competitor, "competitor", available, func)
    own_rows = df[df[segment].astype(str).isin(own_list)]
    comp_rows = df[df[segment].astype(str).isin(comp_list)]
    own_t = rates(own_rows, by, conf=conf)
    comp_t = rates(comp_rows, by, conf=conf)
    merged = own_t[[by, "responses", "satisfied", "rate"]].merge(
        comp_t[[by, "responses", "satisfied", "rate"]], on=by, how="inner",
        suffixes=("_own", "_comp"))
    table = pd.DataFrame({by: merged[by]})
    table["own_responses"] = merged["responses_own"]
    table["own_rate"] = merged["rate_own"]
    table["competitor_responses"] = merged["responses_comp"]
    table["competitor_rate"] = merged["rate_comp"]
    table["lead"] = table["own_rate"] - table["competitor_rate"]
    table["ci_low"], table["ci_high"] = _diff_ci(
        merged["satisfied_own"].to_numpy(float), merged["responses_own"].to_numpy(float),
        merged["satisfied_comp"].to_numpy(float), merged["responses_comp"].to_numpy(float), conf)
    table["target"] = target
    table["meets_target"] = (table["lead"] >= target).astype(bool)
    table["rank"] = table["own_rate"].rank(method="min", ascending=False).astype("int64")
    table = table.sort_values(["rank", by], kind="stable").reset_index(drop=True)
    own_p = rates(own_rows, [], conf=conf).iloc[0]
    comp_p = rates(comp_rows, [], conf=conf).iloc[0]
    p_low, p_high = _diff_ci([float(own_p["satisfied"])], [float(own_p["responses"])],
                             [float(comp_p["satisfied"])], [float(comp_p["responses"])], conf)
    province = {"own_responses": own_p["responses"], "own_rate": float(own_p["rate"]),
                "competitor_responses": comp_p["responses"],
                "competitor_rate": float(comp_p["rate"]),
                "lead": float(own_p["rate"] - comp_p["rate"]),
                "ci_low": float(p_low[0]), "ci_high": float(p_high[0])}
    return LeadResult(table, province, target, by)


# =========================================================================== change
def change(df, *, by=None, period="period", compare="previous", conf=0.95) -> pd.DataFrame:
    """Month-over-month (or year-over-year) change in satisfaction and whether it is noise.

    Parameters
    ----------
    df : DataFrame
        Survey rows with a period column and counts (rates alone give the change without
        a test).
    by : str or list of str, optional
        Units compared separately, e.g. ``"hall"``; None for the whole data.
    period : str
        Period column ("YYYY-MM" months or "YYYY-Qn" quarters).
    compare : {"previous", "year"}
        ``"previous"``: each period against the one before (month or quarter);
        ``"year"``: against the same period a year earlier. Pairs whose earlier period is
        not in the data are left out.
    conf : float
        Confidence level of the interval; a change is ``significant`` when p < 1 − conf.

    Returns
    -------
    DataFrame
        *by* columns, ``period``, ``previous_period``, ``responses``, ``rate``,
        ``previous_responses``, ``previous_rate``, ``diff`` (rate − previous_rate),
        ``ci_low``, ``ci_high`` (Newcombe interval of the difference), ``z``, ``p_value``
        (pooled two-proportion z-test, ``statsmodels.stats.proportion.proportions_ztest``)
        and ``significant``.

    Raises
    ------
    DataError
        Columns missing.
    ValueError
        Unknown ``compare`` or periods that are not months/quarters.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-02", "2008-03"], "responses": [1000, 1000],
    ...                    "satisfied": [917, 963]})
    >>> bool(change(df)["significant"].iloc[0])
    True
    """
    from statsmodels.stats.proportion import proportions_ztest

    func = "change"
    check_frame(df, f"{func}: data")
    keys = as_columns(by, f"{func}: ")
    if compare not in ("previous", "year"):
        raise ValueError(f"{func}: compare must be 'previous' or 'year', got {compare!r}")
    conf = check_conf(conf, f"{func}: ")
    require_columns(df, [period], func, message=IN_FUNCTION)
    schemas.period_keys(df[period], where=func, column=period)
    agg = _counts_frame(df, keys + [period], func)
    parsed = agg[period].map(_period_key)
    if not all(isinstance(p, pd.Period) for p in parsed):
        raise ValueError(f"{func}: periods must be months 'YYYY-MM' or quarters 'YYYY-Qn'")
    agg["_p"] = parsed

    def earlier(p: pd.Period) -> pd.Period:
        if compare == "previous":
            return p - 1
        steps = {"M": 12, "Q": 4, "Y": 1}
        return p - steps[p.freqstr[0]]

    agg["_prev"] = agg["_p"].map(earlier)
    left = agg.rename(columns={"responses": "n1", "satisfied": "x1", "rate": "r1"})
    right = agg[keys + ["_p", "responses", "satisfied", "rate", period]].rename(columns={
        "_p": "_prev", "responses": "n0", "satisfied": "x0", "rate": "r0",
        period: "previous_period"})
    pairs = left.merge(right, on=keys + ["_prev"], how="inner")
    pairs = pairs.sort_values(keys + ["_p"], kind="stable").reset_index(drop=True)
    out = pairs[keys].copy()
    out["period"] = pairs[period].astype(str)
    out["previous_period"] = pairs["previous_period"].astype(str)
    out["responses"] = _int_if_whole(pairs["n1"]) if len(pairs) else pairs["n1"]
    out["rate"] = pairs["r1"].astype(float)
    out["previous_responses"] = _int_if_whole(pairs["n0"]) if len(pairs) else pairs["n0"]
    out["previous_rate"] = pairs["r0"].astype(float)
    out["diff"] = out["rate"] - out["previous_rate"]
    out["ci_low"], out["ci_high"] = _diff_ci(pairs["x1"].to_numpy(float), pairs["n1"].to_numpy(float),
                                             pairs["x0"].to_numpy(float), pairs["n0"].to_numpy(float),
                                             conf)
    z = np.full(len(pairs), np.nan)
    pv = np.full(len(pairs), np.nan)
    for i, row in pairs.iterrows():
        counts = [row["x1"], row["x0"]]
        nobs = [row["n1"], row["n0"]]
        pooled = (counts[0] + counts[1]) / (nobs[0] + nobs[1]) if np.all(np.isfinite(nobs)) else np.nan
        if np.all(np.isfinite(counts + nobs)) and 0 < pooled < 1:
            z[i], pv[i] = proportions_ztest(counts, nobs)
    out["z"] = z
    out["p_value"] = pv
    out["significant"] = (out["p_value"] < 1 - conf).astype(bool)
    return out.reset_index(drop=True)


# =========================================================================== status & signals
def _chart_for(df, *, period="period", freeze=None):
    """Over-dispersion check and control chart, with limits frozen on ``freeze`` if given.

    Returns ``(diagnostic, chart)``; ``diagnostic`` is None for a run chart (no counts).
    ``freeze`` is dropped when no period lies on one side of it.
    """
    periods = df[period].astype(str)
    if freeze is not None and not ((periods <= str(freeze)).any() and (periods > str(freeze)).any()):
        freeze = None
    if not rates(df, period).attrs["sample_size_known"]:
        return None, run_chart(df, period=period)
    baseline_rows = df if freeze is None else df[periods <= str(freeze)]
    diag = overdispersion(baseline_rows, by=period)
    return diag, p_chart(df, period=period, laney=diag["overdispersed"], freeze=freeze)


def status(df, *, target=0.95, period="period", conf=0.95, freeze=None) -> dict:
    """The headline numbers of a baseline: current rate, gap, stable or not.

    Parameters
    ----------
    df : DataFrame
        Survey rows (one unit, e.g. a branch) with period and counts.
    target : float
        Target rate (0–1).
    period : str
        Period column.
    conf : float
        Confidence level of the interval of the current rate.

    Returns
    -------
    dict
        - ``current_period``, ``current_rate``, ``ci_low``, ``ci_high``: the latest period;
        - ``target``, ``gap`` (current rate − target), ``meets_target``;
        - ``n_periods``, ``periods_below`` (periods with rate < target);
        - ``overdispersed``, ``laney``: whether the variation is more than binomial and the
          Laney p' chart is used (see :func:`overdispersion`; None without counts);
        - ``chart``: ``"p"``, ``"laney"``, or ``"run"`` (rates without counts: a
          :func:`run_chart` with Anhøj rules only);
        - ``n_signals``: points with a signal; ``few_crossings``: the run rule on
          crossings fired; ``stable``: no signal of either kind (only common-cause
          variation).

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                    "responses": [300] * 3, "satisfied": [278, 275, 289]})
    >>> s = status(df, target=0.95)
    >>> s["periods_below"], s["stable"]
    (2, True)
    """
    func = "status"
    check_frame(df, f"{func}: data")
    require_columns(df, [period], func, message=IN_FUNCTION)
    schemas.period_keys(df[period], where=func, column=period)
    monthly = rates(df, period, target=target, conf=conf)
    order = _sorted_periods(monthly[period], func, period)
    monthly = monthly.set_index(period).loc[order].reset_index()
    last = monthly.iloc[-1]
    target = monthly.attrs["target"]
    out = {
        "current_period": str(last[period]), "current_rate": float(last["rate"]),
        "ci_low": float(last["ci_low"]), "ci_high": float(last["ci_high"]),
        "target": target, "gap": float(last["rate"] - target),
        "meets_target": bool(last["rate"] >= target),
        "n_periods": int(len(monthly)), "periods_below": int((monthly["rate"] < target).sum()),
        "overdispersed": None, "laney": None, "chart": "run", "n_signals": None,
        "few_crossings": None, "stable": None,
    }
    diag, chart = _chart_for(df, period=period, freeze=freeze)
    if diag is not None:
        out.update(overdispersed=diag["overdispersed"], laney=diag["overdispersed"],
                   chart="laney" if diag["overdispersed"] else "p")
    flagged = chart[chart["signal"].astype(bool)]
    out.update(n_signals=int(chart["signal"].sum()),
               few_crossings=bool(chart["few_crossings"].any()),
               stable=bool(not chart["signal"].any() and not chart["few_crossings"].any()),
               signals_above=[str(p) for p in flagged.loc[flagged["rate"] > flagged["center"], period]],
               signals_below=[str(p) for p in flagged.loc[flagged["rate"] <= flagged["center"], period]])
    return out


def signals(chart, *, lang=None) -> pd.DataFrame:
    """The points of a control chart that signal special-cause variation.

    Parameters
    ----------
    chart : DataFrame
        Output of :func:`p_chart`.
    lang : {"zh", "en"}, optional
        With a language, ``reason`` is a sentence fragment in it; without, a code
        (``above_ucl``, ``below_lcl``, ``long_run_above``, ``long_run_below``).

    Returns
    -------
    DataFrame
        ``period``, ``rate``, ``center``, ``lcl``, ``ucl``, ``reason`` for each signalling
        point (beyond-limit reasons first when a point has both).

    Examples
    --------
    >>> chart = pd.DataFrame({"period": ["2008-01"], "rate": [0.99], "center": [0.93],
    ...                       "lcl": [0.9], "ucl": [0.96], "signal": [True],
    ...                       "long_run": [False]})
    >>> signals(chart)["reason"].tolist()
    ['above_ucl']
    """
    func = "signals"
    check_frame(chart, f"{func}: data")
    require_columns(chart, ["period", "rate", "center", "lcl", "ucl", "signal"], func,
                    message=IN_FUNCTION)
    if lang is not None:
        check_lang(lang)
        from cxeval.text.baseline import SIGNAL_REASONS
    rows = chart[chart["signal"].astype(bool)]
    reasons = []
    for _, row in rows.iterrows():
        if row["rate"] > row["ucl"]:
            code = "above_ucl"
        elif row["rate"] < row["lcl"]:
            code = "below_lcl"
        else:
            code = "long_run_above" if row["rate"] > row["center"] else "long_run_below"
        reasons.append(code if lang is None else report.tr(*SIGNAL_REASONS[code], lang))
    out = rows[["period", "rate", "center", "lcl", "ucl"]].copy()
    out["reason"] = reasons
    return out.reset_index(drop=True)


# =========================================================================== whole baseline
class Assessment:
    """Every baseline number of one unit (a branch), as notebook 01 shows them.

    Attributes
    ----------
    status : dict
        :func:`status` (headline numbers).
    monthly : DataFrame
        :func:`rates` per period, with the target.
    by_hall_month : DataFrame or None
        :func:`rates` per hall and period (None without a ``hall`` column).
    dispersion : dict or None
        :func:`overdispersion` between periods (None without counts).
    chart : DataFrame
        :func:`p_chart` — Laney p' when over-dispersed — or, without counts, :func:`run_chart`.
    chart_kind : str
        ``"p"``, ``"laney"`` or ``"run"``.
    recent : DataFrame
        Rows of the last ``recent_periods`` periods (:func:`recent`).
    halls : DataFrame or None
        :func:`funnel` of the halls over the recent periods (over-dispersion adjusted when
        the halls vary more than chance); None without counts or with one hall.
    below : DataFrame or None
        :func:`below_target` of the halls over the recent periods.
    small : DataFrame or None
        :func:`small_samples` per hall and period.
    changes : DataFrame
        :func:`change` month over month.
    """

    def __init__(self, **parts):
        self.__dict__.update(parts)

    def summary(self) -> dict:
        """:func:`cxeval.report.baseline.key_numbers` of this assessment (without a lead)."""
        from cxeval.report.baseline import key_numbers

        return key_numbers(self.status, below=self.below)

    def _repr_html_(self) -> str:
        from cxeval.report.baseline import headline

        return headline(self.status, unit=self.unit, below=self.below)._repr_html_()


def assess(df, *, target=0.95, recent_periods=3, period="period", unit=None,
           freeze=None) -> Assessment:
    """The whole baseline of one unit: rates, control chart, funnel of halls, shortfalls.

    Parameters
    ----------
    df : DataFrame
        Survey rows of one unit (a branch): ``period``, ``hall`` (optional), counts or rates.
    target : float
        Target rate.
    recent_periods : int
        Periods the hall comparison (funnel, halls below target) covers.
    period : str
        Period column.
    unit : str, optional
        Name shown in the headline (default: the branch in the data).
    freeze : str, optional
        Last period of the baseline: the control chart's centre and limits (and the
        over-dispersion check choosing Laney's chart) are computed on the periods up to
        it and extended over the later ones, so a change after the baseline shows as a
        signal instead of widening the limits. Ignored when no later period exists.

    Returns
    -------
    Assessment

    Raises
    ------
    DataError
        No rows, or columns missing.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"] * 2, "branch": "潮安",
    ...                    "hall": ["A"] * 3 + ["B"] * 3, "responses": [150] * 6,
    ...                    "satisfied": [139, 137, 145, 139, 138, 144]})
    >>> a = assess(df)
    >>> a.chart_kind, a.status["periods_below"]
    ('p', 2)
    """
    func = "assess"
    check_frame(df, f"{func}: data")
    require_columns(df, [period], func, message=IN_FUNCTION)
    if df.empty:
        raise DataError(f"{func}: there are no survey rows to assess")
    if unit is None:
        unit = str(df["branch"].iloc[0]) if "branch" in df.columns else ""
    monthly = rates(df, period, target=target)
    counted = bool(monthly.attrs["sample_size_known"])
    has_halls = "hall" in df.columns and df["hall"].notna().any()
    dispersion, chart = _chart_for(df, period=period, freeze=freeze)
    last = recent(df, periods=recent_periods, period=period)
    halls = below = small = by_hall_month = None
    if has_halls:
        by_hall_month = rates(df, ["hall", period], target=target)
        below = below_target(last, "hall", target=target)
        if counted:
            small = small_samples(df, ["hall", period])
            if last["hall"].nunique() > 1:
                halls = funnel(last, "hall", overdispersion=overdispersion(
                    last, by="hall")["overdispersed"])
    return Assessment(
        unit=unit, status=status(df, target=target, period=period, freeze=freeze), monthly=monthly,
        by_hall_month=by_hall_month, dispersion=dispersion, chart=chart,
        chart_kind=chart.attrs["kind"], recent=last, halls=halls, below=below, small=small,
        changes=change(df, period=period))


# The sentences moved to cxeval.text.baseline and the report glue to cxeval.report.baseline;
# their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.baseline": ["period_label", "describe_rates", "describe_chart", "describe_baseline",
                             "describe_status", "describe_funnel", "describe_lead", "describe_change",
                             "describe_dispersion", "describe_small_samples"],
    "cxeval.report.baseline": ["headline", "key_numbers", "index_entry", "column_labels",
                               "table_formats", "freeze_setting"],
})
