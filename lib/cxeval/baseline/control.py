"""Is the process stable: run rules, p and Laney p' control charts, the baseline status.

- :func:`run_signals`, :func:`run_chart` — Anhøj run-chart rules for short series or
  rates without counts;
- :func:`p_chart` — p and Laney p' control charts with stages (freeze, phases) and
  signals; :func:`overdispersion` says when the Laney chart is the right one;
- :func:`status`, :func:`signals` — the headline numbers of a baseline, the points that
  signal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cxeval import report, schemas
from cxeval.baseline.counts import _counts_frame, _left_out_note, _need_counts, _sorted_periods
from cxeval.baseline.tables import rates
from cxeval.checks import (IN_FUNCTION, as_columns, check_frame, check_lang, check_proportion,
                           require_columns)


#: Laney's unbiasing constant d2 for moving ranges of two points (Laney 2002).
_D2 = 1.128


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
