"""Rates and tables of units: where each unit stands against the target and the others.

- :func:`rates` — satisfaction rates with Wilson intervals and the gap to a target;
- :func:`below_target`, :func:`recent` — units under the target, the latest periods;
- :func:`spread`, :func:`ranking` — best, worst and spread of a branch table, ranks;
- :func:`change` — month-over-month / year-over-year change with a two-proportion test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.baseline.counts import (_counts_frame, _diff_ci, _int_if_whole, _left_out_note,
                                    _period_key, _sorted_periods, _wilson)
from cxeval.checks import (IN_FUNCTION, as_columns, check_conf, check_frame, check_how_many,
                           check_proportion, require_columns)


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
