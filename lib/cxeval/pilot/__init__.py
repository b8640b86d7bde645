"""Pilot versus rollout: did the pilot work, is the effect real, did the rollout hold it.

The decision a project team takes to management is "the pilot worked, roll it out".
A before/after comparison of the pilot hall is what a spreadsheet gives; it mixes the
pilot's effect with seasonality and with anything that changed for every hall at the
same time. This module answers the question with the methods the field uses and says
how sure the answer is:

- :func:`compare_proportions`: two survey rates, their difference with a Newcombe
  hybrid-score interval, the z-test (Pearson chi-square) and Fisher's exact test.
- :func:`did`: difference-in-differences for survey counts per unit and period, with
  unit and period fixed effects, cluster-robust errors, a parallel-trends check and an
  event-study table.
- :func:`its`: interrupted time series (segmented regression) for one unit with no
  comparison group, with Newey–West errors.
- :func:`rollout_effects`: staggered adoption (the pilot first, then the other halls):
  effects by wave and by months since adoption.
- :func:`sustained`: was the target met in every month after the start, and are the
  misses within sampling noise.
- :func:`sample_size`, :func:`detectable_effect`: survey sizes and the effects they can
  detect.
- :func:`pilot_design`, :func:`evaluate`: the pipeline notebook 03 runs, from survey
  counts to a :class:`PilotEvaluation`. The verdict paragraph and the sentences of each
  section are in :mod:`cxeval.text.pilot`; the cards, tables and index entry in
  :mod:`cxeval.report.pilot`.

Every function is pure: DataFrames in, tidy DataFrames or small result objects out.
Rates and effects are proportions (0.031 = 3.1 percentage points); :mod:`cxeval.report`
formats them for reading.

Real surveys have gaps. Time is calendar time (a month without data keeps its place and
is listed); counts follow the library's one rule (:mod:`cxeval.schemas`, "Counts":
whole numbers, never rounded); an effect the data cannot identify is NaN with the
reason, never 0; and input that cannot support an estimate is a
:class:`~cxeval.errors.DataError` saying what is missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from cxeval import schemas
from cxeval._moved import moved
from cxeval.checks import check_column_names, check_conf, check_count, check_frame, check_proportion
from cxeval.errors import DataError

__all__ = [
    "compare_proportions", "before_after",
    "did", "DiDResult",
    "its", "ITSResult",
    "rollout_effects", "RolloutResult",
    "sustained", "SustainResult",
    "sample_size", "detectable_effect", "power_table",
    "group_trends", "pilot_design", "PilotDesign", "evaluate", "PilotEvaluation",
]

#: Below this many clusters, cluster-robust errors are unreliable (Cameron & Miller 2015
#: discuss 20–50 as the range where "few clusters" problems fade); results say so.
FEW_CLUSTERS = 30

#: Minimum expected cell count for the chi-square / z approximation (Cochran's rule);
#: below it :func:`compare_proportions` flags the result so the reader uses Fisher's test.
MIN_EXPECTED = 5


# --------------------------------------------------------------------------- validation
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


# --------------------------------------------------------------------------- two proportions
def compare_proportions(success_a, n_a, success_b, n_b, *, conf: float = 0.95) -> dict:
    """Compare two survey proportions: difference, interval and tests.

    Parameters
    ----------
    success_a, n_a : int
        Satisfied customers and responses in group A (e.g. the pilot hall after); whole
        numbers (weighted totals are refused: :mod:`cxeval.schemas`, "Counts").
    success_b, n_b : int
        The same for group B (e.g. the pilot hall before).
    conf : float
        Confidence level of the interval.

    Returns
    -------
    dict
        ``rate_a``, ``rate_b``: the two proportions; ``diff``: ``rate_a - rate_b``;
        ``ci_low``, ``ci_high``: Newcombe hybrid-score interval of ``diff``;
        ``z``: pooled-variance z statistic, ``chi2`` = z² (Pearson's chi-square, what
        R's ``prop.test(correct=FALSE)`` prints as X-squared), ``p_value``: its
        two-sided p-value; ``fisher_p``: Fisher's exact two-sided p-value;
        ``small_counts``: True when an expected cell count is below 5, so the z-test is
        unreliable and ``fisher_p`` is the one to read; ``wald_low``, ``wald_high``:
        the Wald interval R's ``prop.test`` prints (kept for comparison only);
        ``n_a``, ``n_b``, ``conf``.

    Notes
    -----
    The interval is Newcombe's method 10 (Wilson score intervals of each proportion
    combined), via ``statsmodels.stats.proportion.confint_proportions_2indep(method=
    "newcomb")``: it keeps near-nominal coverage near 0% and 100%, where survey rates of
    95% live, and never leaves [-1, 1]. The z-test is ``proportions_ztest`` (pooled
    variance, no continuity correction).

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873–890.

    Raises
    ------
    TypeError, ValueError
        A count that is not a whole number, negative, or a success count above its total.

    Examples
    --------
    >>> r = compare_proportions(56, 70, 48, 80)
    >>> round(r["ci_low"], 4), round(r["ci_high"], 4)
    (0.0524, 0.3339)
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    conf = check_conf(conf)
    sa = check_count(success_a, "success_a")
    na = check_count(n_a, "n_a", positive=True)
    sb = check_count(success_b, "success_b")
    nb = check_count(n_b, "n_b", positive=True)
    if sa > na:
        raise ValueError(f"success_a ({sa}) is more than n_a ({na})")
    if sb > nb:
        raise ValueError(f"success_b ({sb}) is more than n_b ({nb})")
    rate_a, rate_b = sa / na, sb / nb
    alpha = 1 - conf
    low, high = confint_proportions_2indep(sa, na, sb, nb, method="newcomb", compare="diff",
                                           alpha=alpha)
    wald_low, wald_high = confint_proportions_2indep(sa, na, sb, nb, method="wald",
                                                     compare="diff", alpha=alpha)
    pooled = (sa + sb) / (na + nb)
    if pooled in (0.0, 1.0):
        # Every answer identical in both groups: no variation, so no evidence of a
        # difference (the z statistic would be 0/0).
        z, p_value = 0.0, 1.0
    else:
        z, p_value = proportions_ztest([sa, sb], [na, nb])
    fisher_p = stats.fisher_exact([[sa, na - sa], [sb, nb - sb]]).pvalue
    expected = [na * pooled, na * (1 - pooled), nb * pooled, nb * (1 - pooled)]
    return {
        "rate_a": rate_a, "rate_b": rate_b, "diff": rate_a - rate_b,
        "ci_low": float(low), "ci_high": float(high),
        "z": float(z), "chi2": float(z) ** 2, "p_value": float(p_value),
        "fisher_p": float(fisher_p), "small_counts": bool(min(expected) < MIN_EXPECTED),
        "wald_low": float(wald_low), "wald_high": float(wald_high),
        "n_a": na, "n_b": nb, "conf": conf,
    }


def before_after(df: pd.DataFrame, *, start, period: str = "period", end=None,
                 responses: str = "responses", satisfied: str = "satisfied",
                 conf: float = 0.95) -> dict:
    """Naive before/after comparison: the rate from ``start`` on against the rate before.

    This is what a spreadsheet gives. It is shown next to :func:`did` because it is
    biased by anything that changed at the same time for every hall (a common shock)
    and by seasonality; it is not an estimate of the pilot's effect.

    Parameters
    ----------
    df : DataFrame
        Survey counts of one unit (or several, pooled), one or more rows per period.
    start
        First period of the "after" window (e.g. ``"2008-08"``).
    period, responses, satisfied : str
        Column names.
    end : optional
        Last period of the "after" window (inclusive); default: the last period.
    conf : float
        Confidence level.

    Returns
    -------
    dict
        The keys of :func:`compare_proportions` with A = after, B = before (so ``diff``
        is after − before), plus ``pre_periods`` and ``post_periods`` (counts of periods).

    Raises
    ------
    DataError
        Missing columns, missing counts, or no period before / from ``start``.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-07", "2008-08"], "responses": [200, 200],
    ...                    "satisfied": [180, 190]})
    >>> round(before_after(df, start="2008-08")["diff"], 3)
    0.05
    """
    check_frame(df)
    check_column_names(df, {"period": period, "responses": responses, "satisfied": satisfied})
    data = _clean_counts(df, responses, satisfied, "before_after")
    t, kind = _calendar(data[period], "before_after", period)
    example = data[period].iloc[0] if len(data) else start
    post = t >= _ordinal_of(start, kind, where="before_after", param="start", example=example)
    if end is not None:
        within = t <= _ordinal_of(end, kind, where="before_after", param="end", example=example)
        data, post = data[within], post[within]
    pre_rows, post_rows = data[~post], data[post]
    if pre_rows.empty or post_rows.empty:
        raise DataError(f"before_after needs periods before and from start={start!r}; periods "
                        f"in the data: {_sorted_periods(df[period], 'before_after', period)}")
    result = compare_proportions(int(post_rows[satisfied].sum()), int(post_rows[responses].sum()),
                                 int(pre_rows[satisfied].sum()), int(pre_rows[responses].sum()),
                                 conf=conf)
    result["pre_periods"] = int(pre_rows[period].nunique())
    result["post_periods"] = int(post_rows[period].nunique())
    return result


# --------------------------------------------------------------------------- fixed-effects WLS
@dataclass
class _Fit:
    params: pd.Series
    cov_conventional: pd.DataFrame
    cov_cluster: pd.DataFrame
    df_resid: float
    clusters: int


def _twfe(data: pd.DataFrame, *, unit: str, period: str, regressors: pd.DataFrame,
          responses: str, satisfied: str) -> _Fit:
    """WLS of cell rates on unit and period fixed effects plus ``regressors``.

    Weights are the responses, so each cell counts as much as the customers behind it;
    the residual variance then estimates p(1 - p), i.e. the conventional errors are the
    quasi-binomial ones. Regressors that add nothing identifiable (all zero, or
    collinear with the fixed effects, e.g. a period where only treated units answered)
    are left out of the fit and of ``params``.
    """
    from statsmodels.regression.linear_model import WLS

    y = (data[satisfied] / data[responses]).to_numpy(float)
    w = data[responses].to_numpy(float)
    units = pd.Categorical(data[unit].astype(str))
    periods = pd.Categorical(data[period], categories=_sorted_periods(data[period], "pilot", period))
    base = pd.concat(
        [pd.Series(1.0, index=data.index, name="const"),
         pd.get_dummies(pd.Series(units, index=data.index), prefix="u", drop_first=True,
                        dtype=float),
         pd.get_dummies(pd.Series(periods, index=data.index), prefix="t", drop_first=True,
                        dtype=float)],
        axis=1,
    )
    # Identifiability of each regressor given the fixed effects (and the regressors kept
    # before it): Gram-Schmidt against an orthonormal basis, one QR instead of an SVD
    # per candidate.
    basis, _ = np.linalg.qr(base.to_numpy())
    keep, columns = [], [base.to_numpy()]
    for name in regressors.columns:
        column = regressors[name].to_numpy(float)
        norm = np.linalg.norm(column)
        residual = column - basis @ (basis.T @ column)
        if norm == 0 or np.linalg.norm(residual) <= 1e-8 * norm:
            continue
        basis = np.column_stack([basis, residual / np.linalg.norm(residual)])
        keep.append(name)
        columns.append(column[:, None])
    matrix = np.hstack(columns)
    names = list(base.columns) + keep
    codes = units.codes
    idx = [names.index(k) for k in keep]
    conventional = WLS(y, matrix, weights=w).fit()
    if conventional.df_resid > 0 and len(np.unique(codes)) > 1:
        clustered = conventional.get_robustcov_results(cov_type="cluster", groups=codes,
                                                       use_t=True)
        cov_conv = conventional.cov_params()[np.ix_(idx, idx)]
        cov_cl = clustered.cov_params()[np.ix_(idx, idx)]
    else:
        # A saturated model (e.g. two halls, two months): the estimate is exact
        # arithmetic, but there is no residual to measure its noise.
        cov_conv = cov_cl = np.full((len(idx), len(idx)), np.nan)
    cov_conv = pd.DataFrame(cov_conv, index=keep, columns=keep)
    cov_cl = pd.DataFrame(cov_cl, index=keep, columns=keep)
    return _Fit(params=pd.Series(conventional.params[idx], index=keep), cov_conventional=cov_conv,
                cov_cluster=cov_cl, df_resid=float(conventional.df_resid),
                clusters=int(len(np.unique(codes))))


def _inference(estimate: float, var_conventional: float, var_cluster: float, df: float,
               conf: float) -> dict:
    """Interval and p-value from the larger of the two variances, t with ``df`` degrees.

    Taking the larger of the conventional and the cluster-robust error guards against
    the downward bias of robust errors with few clusters (Angrist & Pischke 2009,
    *Mostly Harmless Econometrics*, §8.2). It matters most with one treated unit: unit
    fixed effects absorb that unit's own residuals, so the cluster-robust error misses
    its sampling noise, while the conventional (quasi-binomial) error keeps it.
    """
    if math.isnan(var_conventional) or math.isnan(var_cluster) or df < 1:
        return {"estimate": estimate, "se": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                "p_value": math.nan}
    se = math.sqrt(max(var_conventional, var_cluster, 0.0))
    if se == 0.0:
        return {"estimate": estimate, "se": 0.0, "ci_low": estimate, "ci_high": estimate,
                "p_value": 1.0 if estimate == 0 else 0.0}
    crit = float(stats.t.ppf(0.5 + conf / 2, df))
    return {"estimate": estimate, "se": se, "ci_low": estimate - crit * se,
            "ci_high": estimate + crit * se,
            "p_value": float(2 * stats.t.sf(abs(estimate) / se, df))}


def _combine(fit: _Fit, weights: pd.Series, conf: float) -> dict:
    """Inference for a linear combination ``weights`` of the fitted regressors.

    A term the fit left out (not identified) makes the combination not estimable: NaN,
    never the 0 a dropped coefficient would silently stand for.
    """
    if any(name not in fit.params.index for name, v in weights.items() if v != 0):
        return {k: math.nan for k in ("estimate", "se", "ci_low", "ci_high", "p_value")}
    w = weights.reindex(fit.params.index).fillna(0.0).to_numpy()
    estimate = float(w @ fit.params.to_numpy())
    var_conv = float(w @ fit.cov_conventional.to_numpy() @ w)
    var_cl = float(w @ fit.cov_cluster.to_numpy() @ w)
    df = min(fit.clusters - 1, fit.df_resid)
    return _inference(estimate, var_conv, var_cl, df, conf)


def _cell_panel(df: pd.DataFrame, *, unit: str, period: str, responses: str, satisfied: str,
                extra: Sequence[str], where: str) -> tuple[pd.DataFrame, str]:
    """One row per unit and period with summed counts (and unit-constant ``extra`` columns),
    a ``_t`` column of calendar positions, and the periods' kind ("M", "Q", ...)."""
    data = _clean_counts(df, responses, satisfied, where)
    if data[unit].isna().any():
        raise DataError(f"{where}: {unit} is empty in row(s) {_rows(data[unit].isna())}")
    data["_t"], kind = _calendar(data[period], where, period)
    agg = {responses: "sum", satisfied: "sum", "_t": "first"}
    agg.update({c: "first" for c in extra})
    cells = data.groupby([unit, period], sort=True, as_index=False).agg(agg)
    return cells, kind


# --------------------------------------------------------------------------- DiD
def _one_sided_units(cells: pd.DataFrame, *, unit: str, treated: str, post: str) -> list[str]:
    """Units with rows on one side of the start only (they cannot show a change).

    Raises DataError when no treated unit, or no comparison unit, has rows on both sides:
    then the difference-in-differences is not identified, and the message says which
    side is missing for whom.
    """
    is_post = cells[post].astype(bool)
    before = set(cells.loc[~is_post, unit])
    after = set(cells.loc[is_post, unit])
    one_sided = []
    for group, mask in (("treated", cells[treated].astype(bool)),
                        ("comparison", ~cells[treated].astype(bool))):
        units = set(cells.loc[mask, unit])
        no_before = sorted(map(str, units - before))
        no_after = sorted(map(str, units - after))
        if not units & before & after:
            parts = ([f"{group} unit(s) {no_before[:5]} have no rows before the start"] if no_before
                     else []) + ([f"{group} unit(s) {no_after[:5]} have no rows from the start"]
                                 if no_after else [])
            raise DataError(f"did cannot estimate the effect: no {group} unit has survey rows both "
                            f"before and from the start ({'; '.join(parts)}). DiD compares each "
                            "group's change across the start, so both groups need data on both sides")
        one_sided += no_before + no_after
    return sorted(set(one_sided))


def _did_effect(cells: pd.DataFrame, *, unit: str, period: str, treated: str, post: str,
                responses: str, satisfied: str, conf: float) -> tuple:
    """The DiD regression alone on checked cells: (fit, inference dict of the effect)."""
    d = (cells[treated].astype(bool) & cells[post].astype(bool)).astype(float)
    fit = _twfe(cells, regressors=d.rename("did").to_frame(), unit=unit, period=period,
                responses=responses, satisfied=satisfied)
    return fit, _combine(fit, pd.Series({"did": 1.0}), conf)


class DiDResult:
    """Difference-in-differences result (see :func:`did`).

    Attributes
    ----------
    effect : float
        Estimated effect of the treatment on the rate (a proportion; 0.031 = 3.1 pp).
    ci : tuple of float
        ``(ci_low, ci_high)`` at level ``conf``.
    p_value : float
        Two-sided p-value of "no effect".
    se, se_conventional, se_cluster : float
        Standard error used (the larger), the quasi-binomial WLS one and the
        cluster-robust one.
    df : float
        Degrees of freedom of the t distribution (clusters − 1).
    table : DataFrame
        One row: ``term`` ("did"), ``estimate``, ``ci_low``, ``ci_high``, ``p_value``,
        ``se``, ``se_conventional``, ``se_cluster``, ``clusters``, ``treated_units``,
        ``df``.
    pretrend : dict
        Parallel-trends check on the pre-period: ``estimate`` (difference in the linear
        trend per period between treated and comparison units), ``ci_low``, ``ci_high``,
        ``p_value``, ``periods`` (pre periods used); NaN values when fewer than two pre
        periods exist.
    event_study : DataFrame
        ``period``, ``event_time`` (calendar periods since the first post period with
        data; the reference, the last pre period with data, is −1 unless the month
        before the start has none), ``estimate``, ``ci_low``, ``ci_high``, ``p_value``
        (NaN for a period the data cannot identify), ``reference`` (bool).
    treated_change, comparison_change : float
        Raw change (after − before, pooled counts) of treated and comparison units: the
        naive before/after of the treated units, and the common change DiD removes.
    notes : list of (str, str)
        Cautions in Chinese and English (few clusters, one treated unit, ...).
    missing : list of str
        Periods between the first and the last without data from any unit.
    """

    def __init__(self, *, main: dict, conf: float, conventional_se: float, cluster_se: float,
                 df: float, clusters: int, treated_units: int, periods: int, pre_periods: int,
                 post_periods: int, pretrend: dict, event_study: pd.DataFrame,
                 treated_change: float, comparison_change: float, notes: list,
                 missing: Sequence[str] = ()):
        self.effect = main["estimate"]
        self.missing = list(missing)
        self.ci = (main["ci_low"], main["ci_high"])
        self.p_value = main["p_value"]
        self.se = main["se"]
        self.se_conventional = conventional_se
        self.se_cluster = cluster_se
        self.df = df
        self.conf = conf
        self.clusters = clusters
        self.treated_units = treated_units
        self.periods = periods
        self.pre_periods = pre_periods
        self.post_periods = post_periods
        self.few_clusters = clusters < FEW_CLUSTERS
        self.pretrend = pretrend
        self.event_study = event_study
        self.treated_change = treated_change
        self.comparison_change = comparison_change
        self.notes = notes
        self.table = pd.DataFrame([{
            "term": "did", "estimate": self.effect, "ci_low": self.ci[0], "ci_high": self.ci[1],
            "p_value": self.p_value, "se": self.se, "se_conventional": conventional_se,
            "se_cluster": cluster_se, "clusters": clusters, "treated_units": treated_units,
            "df": df,
        }])

    def conf_int(self) -> tuple:
        """The interval ``(ci_low, ci_high)``."""
        return self.ci

    def summary(self) -> str:
        """A plain-text summary (English), in the spirit of statsmodels' ``summary()``."""
        level = f"{self.conf:.0%}"
        lines = [
            "Difference-in-differences (unit and period fixed effects, WLS on cell rates)",
            f"  effect        {self.effect * 100:+.2f} pp   {level} CI "
            f"{self.ci[0] * 100:+.2f} to {self.ci[1] * 100:+.2f} pp   p = {self.p_value:.4f}",
            f"  SE used       {self.se * 100:.2f} pp (conventional {self.se_conventional * 100:.2f}, "
            f"cluster-robust {self.se_cluster * 100:.2f}); t with {self.df:g} df",
            f"  units         {self.clusters} ({self.treated_units} treated); periods "
            f"{self.periods} ({self.pre_periods} before, {self.post_periods} after)",
            f"  raw change    treated {self.treated_change * 100:+.2f} pp, comparison "
            f"{self.comparison_change * 100:+.2f} pp",
        ]
        pt = self.pretrend
        if not math.isnan(pt["estimate"]):
            lines.append(f"  pre-trend     {pt['estimate'] * 100:+.2f} pp per period "
                         f"({level} CI {pt['ci_low'] * 100:+.2f} to {pt['ci_high'] * 100:+.2f}), "
                         f"p = {pt['p_value']:.4f}")
        else:
            lines.append("  pre-trend     not checked (fewer than two periods before)")
        lines += [f"  note: {en}" for _, en in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from cxeval import report

        styler = report.table(self.table[["estimate", "ci_low", "ci_high", "p_value", "clusters",
                                          "treated_units"]],
                              formats={"estimate": "pp", "ci_low": "pp", "ci_high": "pp",
                                       "p_value": "p", "clusters": "int", "treated_units": "int"},
                              caption="Difference-in-differences")
        return styler.to_html()

    def __repr__(self) -> str:
        return self.summary()


def did(df: pd.DataFrame, *, unit: str, period: str, treated: str, post: str,
        conf: float = 0.95, responses: str = "responses", satisfied: str = "satisfied") -> DiDResult:
    """Difference-in-differences for survey proportions.

    Fits ``rate[u, t] = a[u] + g[t] + effect * treated[u] * post[t]`` by weighted least
    squares on the cell rates (satisfied / responses), weighted by responses — the
    linear probability model on the underlying individual answers. Unit fixed effects
    absorb permanent differences between halls; period fixed effects absorb seasonality
    and anything that hit every hall at once (a common shock), which is what a naive
    before/after comparison wrongly attributes to the pilot.

    Parameters
    ----------
    df : DataFrame
        One row per unit and period (rows repeated for a cell are summed), with the
        survey counts and the two indicator columns.
    unit, period : str
        Column names of the unit (e.g. hall) and the period.
    treated : str
        Column of True/False (or 1/0): the unit gets the treatment (constant per unit).
    post : str
        Column of True/False: the period is after the start (constant per period; for
        units adopting at different times use :func:`rollout_effects`).
    conf : float
        Confidence level.
    responses, satisfied : str
        Count columns.

    Returns
    -------
    DiDResult
        ``effect``, ``ci``, ``p_value``, ``table``, ``pretrend``, ``event_study``,
        ``summary()``; see :class:`DiDResult`.

    Notes
    -----
    Errors: statsmodels WLS, once with conventional errors (the residual variance
    estimates p(1 − p), so these are quasi-binomial errors) and once with
    ``cov_type="cluster"`` by unit (allowing any correlation over time within a unit).
    The interval uses the larger of the two and the t distribution with G − 1 degrees of
    freedom (G = number of units), the usual small-G correction (Cameron & Miller 2015).
    With few units, or a single treated unit, cluster-robust errors are biased
    downwards (MacKinnon & Webb 2017); the result's ``notes`` say so.

    Time is calendar time (a month nobody surveyed keeps its place). Units with rows on
    one side of the start only add nothing to the estimate; ``notes`` name them.

    The parallel-trends check fits, on the pre-period only, a separate linear trend for
    the treated units; its coefficient is the difference in trend per period. The
    event study replaces ``treated * post`` with ``treated * [period = k]`` for every
    period except the last pre period (the reference): estimates before the start should
    be near zero if the trends were parallel.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5 and §8.2.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. Journal of Human Resources 50(2), 317–372.
    MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different
    cluster sizes. Journal of Applied Econometrics 32(2), 233–254.

    Raises
    ------
    DataError
        Missing columns or counts, indicators that are not True/False, ``treated``
        varying within a unit or ``post`` within a period, empty or mixed periods, no
        treated unit, no comparison unit, no period before or no period after, or an
        effect the data cannot identify: no treated (or no comparison) unit with rows
        both before and from the start, or treated-after cells never surveyed alongside
        comparison units. The message says which rows are missing.

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "hall": ["A", "A", "B", "B"], "period": ["2008-07", "2008-08"] * 2,
    ...     "responses": [200, 200, 200, 200], "satisfied": [180, 196, 170, 176],
    ...     "treated": [True, True, False, False], "post": [False, True, False, True]})
    >>> round(did(panel, unit="hall", period="period", treated="treated", post="post").effect, 3)
    0.05
    """
    check_frame(df)
    conf = check_conf(conf)
    check_column_names(df, {"unit": unit, "period": period, "treated": treated, "post": post,
                        "responses": responses, "satisfied": satisfied})
    data = df.copy()
    data[treated] = _as_bool(data[treated], "treated")
    data[post] = _as_bool(data[post], "post")
    varying = data.groupby(unit)[treated].nunique()
    if (varying > 1).any():
        raise DataError(f"treated must be constant within each unit; unit(s) "
                        f"{list(varying.index[varying > 1])[:5]} have both True and False")
    varying = data.groupby(period)[post].nunique()
    if (varying > 1).any():
        raise DataError(f"post must be constant within each period; period(s) "
                        f"{list(varying.index[varying > 1])[:5]} have both True and False. "
                        "For units starting at different times use rollout_effects()")
    cells, kind = _cell_panel(data, unit=unit, period=period, responses=responses,
                              satisfied=satisfied, extra=[treated, post], where="did")
    is_treated, is_post = cells[treated].astype(bool), cells[post].astype(bool)
    for label, mask in (("treated unit", is_treated), ("comparison unit", ~is_treated),
                        ("period before the start", ~is_post), ("period after the start", is_post)):
        if not mask.any():
            raise DataError(f"did needs at least one {label}; columns {treated!r}/{post!r} give none")
    one_sided = _one_sided_units(cells, unit=unit, treated=treated, post=post)
    periods = _sorted_periods(cells[period], "did", period)
    # Calendar positions: a month nobody surveyed keeps its place in event time and trend.
    first_t = int(cells["_t"].min())
    position = {p: int(t) - first_t for p, t in zip(cells[period], cells["_t"])}
    pre_periods = [p for p in periods if not cells.loc[cells[period] == p, post].iloc[0]]
    post_periods = [p for p in periods if p not in pre_periods]
    if max(position[p] for p in pre_periods) > min(position[p] for p in post_periods):
        raise DataError(f"post must be False for every period before the first True one; "
                        f"before: {pre_periods}, after: {post_periods}")

    kwargs = dict(unit=unit, period=period, responses=responses, satisfied=satisfied)
    fit, main = _did_effect(cells, treated=treated, post=post, conf=conf, **kwargs)
    if "did" not in fit.params.index:
        raise DataError("did cannot estimate the effect: in the periods after the start the "
                        "treated units are never observed together with comparison units, so "
                        "the unit and period effects explain the treated-after cells entirely; "
                        "give comparison units survey data in the same periods after the start")
    n_units = fit.clusters
    n_treated = int(cells.loc[is_treated, unit].nunique())

    # Parallel trends: pre-period cells only, a linear trend for the treated units.
    pre_cells = cells[~is_post]
    if len(pre_periods) >= 2:
        trend = (pre_cells[treated].astype(float)
                 * pre_cells[period].map(position).astype(float)).rename("trend").to_frame()
        pre_fit = _twfe(pre_cells, regressors=trend, **kwargs)
        if "trend" in pre_fit.params.index:
            pretrend = _combine(pre_fit, pd.Series({"trend": 1.0}), conf)
        else:
            pretrend = {k: math.nan for k in ("estimate", "se", "ci_low", "ci_high", "p_value")}
    else:
        pretrend = {k: math.nan for k in ("estimate", "se", "ci_low", "ci_high", "p_value")}
    pretrend["periods"] = len(pre_periods)

    # Event study: one coefficient per period relative to the last pre period.
    reference = pre_periods[-1]
    first_post = position[post_periods[0]]
    dummies = pd.DataFrame({f"p:{p}": (is_treated & (cells[period] == p)).astype(float)
                            for p in periods if p != reference}, index=cells.index)
    es_fit = _twfe(cells, regressors=dummies, **kwargs)
    rows = []
    for p in periods:
        row = {"period": p, "event_time": position[p] - first_post}
        if p == reference:
            row.update(estimate=0.0, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                       reference=True)
        elif f"p:{p}" in es_fit.params.index:
            res = _combine(es_fit, pd.Series({f"p:{p}": 1.0}), conf)
            row.update(estimate=res["estimate"], ci_low=res["ci_low"], ci_high=res["ci_high"],
                       p_value=res["p_value"], reference=False)
        else:
            row.update(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                       reference=False)
        rows.append(row)
    event_study = pd.DataFrame(rows, columns=["period", "event_time", "estimate", "ci_low",
                                              "ci_high", "p_value", "reference"])

    def change(mask):
        part = cells[mask]
        after, before = part[part[post]], part[~part[post]]
        return (after[satisfied].sum() / after[responses].sum()
                - before[satisfied].sum() / before[responses].sum())

    notes = []
    missing = _gaps(cells["_t"], kind)
    if missing:
        notes.append((f"以下期间所有单位都没有数据：{'、'.join(missing)}；事件时间按日历计算，缺失期间留空。",
                      f"no unit has data for {', '.join(missing)}: event time is counted in "
                      "calendar periods and the gap is left as a gap."))
    if one_sided:
        notes.append((f"以下单位只有试点开始前或开始后一侧的数据，对估计没有贡献：{'、'.join(one_sided)}",
                      f"unit(s) with data on one side of the start only, adding nothing to the "
                      f"estimate: {', '.join(one_sided)}"))
    if n_units < FEW_CLUSTERS:
        notes.append((f"只有 {n_units} 个单位（聚类）：聚类稳健标准误在聚类少时偏小，区间按 t 分布（自由度 {n_units - 1}）计算。",
                      f"only {n_units} units (clusters): cluster-robust errors are biased down "
                      f"with few clusters; the interval uses the t distribution with {n_units - 1} df."))
    if n_treated < 5:
        notes.append((f"只有 {n_treated} 个试点单位：聚类稳健标准误会低估其抽样误差，区间采用常规（准二项）标准误与聚类稳健标准误中较大者。",
                      f"only {n_treated} treated unit(s): cluster-robust errors understate their "
                      "sampling noise; the interval uses the larger of the conventional "
                      "(quasi-binomial) and the cluster-robust error."))
    if math.isnan(main["se"]):
        notes.append(("单位或期数太少，无法估计误差：没有置信区间。",
                      "too few units or periods to measure the noise: no interval."))
    if len(pre_periods) < 2:
        notes.append(("试点前只有 1 期数据，无法检验平行趋势。",
                      "only one period before the start: parallel trends cannot be checked."))
    var_conv = float(fit.cov_conventional.loc["did", "did"])
    var_cl = float(fit.cov_cluster.loc["did", "did"])
    return DiDResult(
        main=main, conf=conf, conventional_se=math.sqrt(var_conv), cluster_se=math.sqrt(var_cl),
        df=min(n_units - 1, fit.df_resid), clusters=n_units, treated_units=n_treated,
        periods=len(periods), pre_periods=len(pre_periods), post_periods=len(post_periods),
        pretrend=pretrend, event_study=event_study, treated_change=float(change(is_treated)),
        comparison_change=float(change(~is_treated)), notes=notes, missing=missing,
    )


# --------------------------------------------------------------------------- ITS
ITS_TERMS = ["intercept", "pre_slope", "level_change", "slope_change"]


class ITSResult:
    """Interrupted time series result (see :func:`its`).

    Attributes
    ----------
    table : DataFrame
        Index ``intercept``, ``pre_slope``, ``level_change``, ``slope_change``; columns
        ``estimate``, ``ci_low``, ``ci_high``, ``p_value``.
    se : Series
        Newey–West standard errors of the four terms.
    data : DataFrame
        One row per period with a value: ``period``, ``t`` (calendar periods since the
        first; a missing month leaves a gap), ``value``, ``post`` (bool), ``fitted``
        (segmented fit) and ``counterfactual`` (the pre-trend continued).
    maxlags : int
        Lags of the Newey–West (Bartlett) estimator.
    n_pre, n_post : int
        Points before and from the intervention.
    intervention
        The first period of the new regime.
    t0 : int
        The intervention's place on the ``t`` axis.
    missing : list of str
        Periods between the first and the last point without a value (``"2008-03"``).
    notes : list of (str, str)
        Cautions in Chinese and English.
    """

    def __init__(self, *, table, se, data, maxlags, n_pre, n_post, intervention, conf, notes,
                 t0=None, missing=()):
        self.table = table
        self.t0 = n_pre if t0 is None else t0
        self.missing = list(missing)
        self.se = se
        self.data = data
        self.maxlags = maxlags
        self.n_pre = n_pre
        self.n_post = n_post
        self.intervention = intervention
        self.conf = conf
        self.notes = notes

    @property
    def level_change(self) -> float:
        """Estimated jump at the intervention (a proportion for rates)."""
        return float(self.table.loc["level_change", "estimate"])

    def conf_int(self) -> pd.DataFrame:
        """``ci_low`` and ``ci_high`` of every term."""
        return self.table[["ci_low", "ci_high"]]

    def summary(self) -> str:
        """A plain-text summary (English)."""
        lines = [f"Interrupted time series (segmented OLS, Newey-West errors, maxlags = "
                 f"{self.maxlags}; {self.n_pre} points before, {self.n_post} from "
                 f"{self.intervention})"]
        if self.missing:
            lines.append(f"  missing periods: {', '.join(self.missing)} (calendar time; gaps kept)")
        for term, row in self.table.iterrows():
            lines.append(f"  {term:<13} {row['estimate']:+.4f}   {self.conf:.0%} CI "
                         f"{row['ci_low']:+.4f} to {row['ci_high']:+.4f}   p = {row['p_value']:.4f}")
        lines += [f"  note: {en}" for _, en in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from cxeval import report

        return report.table(self.table, index=True,
                            formats={"estimate": "num", "ci_low": "num", "ci_high": "num",
                                     "p_value": "p"},
                            caption="Interrupted time series").to_html()

    def __repr__(self) -> str:
        return self.summary()


def _newey_west_lags(n: int) -> int:
    # Newey & West (1994) plug-in rule for the Bartlett kernel: floor(4 (n/100)^(2/9)).
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def its(series: pd.Series, *, intervention, conf: float = 0.95,
        maxlags: int | None = None) -> ITSResult:
    """Interrupted time series: segmented regression with autocorrelation-robust errors.

    Fits ``y = b0 + b1 t + b2 D + b3 (t - t0) D`` by OLS, where ``t`` counts calendar
    periods from the first (0, 1, 2, ...; a month without data keeps its number, so the
    axis has a gap rather than shrinking), ``t0`` is the calendar position of
    ``intervention`` and ``D`` is 1 from the intervention on. ``b0`` is the intercept,
    ``b1`` the pre-slope per period, ``b2`` the level change at the intervention (against
    the pre-trend continued) and ``b3`` the change in slope.

    Parameters
    ----------
    series : Series
        Values (e.g. monthly rates) indexed by period (``"2008-01"``, ``"2006-Q2"``,
        ``"2006"``, ``pandas.Period`` or a whole-number year), one value per period;
        sorted by period before fitting; empty values are gaps (listed in ``missing``).
    intervention
        The first period of the new regime, of the same kind as the index.
    conf : float
        Confidence level.
    maxlags : int, optional
        Lags of the Newey–West estimator; default ``floor(4 (n/100)^(2/9))`` (Newey &
        West 1994), e.g. 2 for 12 monthly points.

    Returns
    -------
    ITSResult
        ``table`` (index intercept, pre_slope, level_change, slope_change; columns
        estimate, ci_low, ci_high, p_value), ``data`` with fitted and counterfactual
        values, ``summary()``.

    Notes
    -----
    statsmodels OLS with ``cov_type="HAC"`` (Bartlett kernel, no small-sample
    correction) and t-based intervals with n − 4 degrees of freedom, which are wider
    than normal ones for the short series surveys give. The Newey–West lags count
    observations, so across a gap a lag spans more than one period. A single unit has no comparison
    group: ITS cannot separate the intervention from anything else that changed at the
    same time.

    References
    ----------
    Wagner, A. K., Soumerai, S. B., Zhang, F. & Ross-Degnan, D. (2002). Segmented
    regression analysis of interrupted time series studies in medication use research.
    Journal of Clinical Pharmacy and Therapeutics 27, 299–309.
    Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix
    estimation. Review of Economic Studies 61, 631–653.

    Raises
    ------
    TypeError
        ``series`` is not a Series, or ``intervention`` is not a period of the index's kind.
    DataError
        A period repeated in the index, an empty period label, months mixed with quarters,
        or fewer than two points before or after the intervention, or fewer than 6 in all.

    Examples
    --------
    >>> s = pd.Series([0.90, 0.91, 0.92, 0.93, 0.97, 0.98, 0.99],
    ...               index=[f"2008-0{i}" for i in range(1, 8)])
    >>> round(its(s, intervention="2008-05").level_change, 3)
    0.03
    """
    from statsmodels.regression.linear_model import OLS

    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series indexed by period, got {type(series).__name__}")
    conf = check_conf(conf)
    labels = pd.Series(list(series.index), dtype=object)
    keys = schemas.period_keys(labels, where="its", column="series index")
    repeated = keys.duplicated(keep=False).to_numpy()
    if repeated.any():
        names = list(dict.fromkeys(str(v) for v in labels[repeated]))
        raise DataError(f"its: period(s) {names[:5]} appear more than once in the series index; "
                        "give one value per period (pool the rows of a period first)")
    kind = schemas.period_kind(keys.iloc[0]) if len(keys) else "M"
    key_i = schemas.period_key(intervention)
    if key_i is None or schemas.period_kind(key_i) != kind or kind == "text":
        example = labels.iloc[0] if len(labels) else None
        raise TypeError(f"intervention={intervention!r} cannot be compared with the series index "
                        f"(e.g. {example!r}); give a period of the same kind (months 'YYYY-MM', "
                        "quarters 'YYYY-Qn' or years)")
    ordinal = keys.map(schemas.period_ordinal).to_numpy(dtype="int64")
    values = pd.to_numeric(pd.Series(series.to_numpy(), index=ordinal), errors="coerce")
    observed = values.notna().to_numpy()
    order = np.argsort(ordinal[observed], kind="stable")
    labels = labels[observed].to_numpy()[order]
    ordinal = ordinal[observed][order]
    y = values.to_numpy(float)[observed][order]
    post = ordinal >= schemas.period_ordinal(key_i)
    n, n_post = len(y), int(post.sum())
    n_pre = n - n_post
    if n_pre < 2 or n_post < 2 or n < 6:
        raise DataError(f"its needs at least 2 points before and 2 from intervention="
                        f"{intervention!r} and 6 in all; got {n_pre} before and {n_post} from it")
    if maxlags is None:
        maxlags = _newey_west_lags(n)
    maxlags = check_count(maxlags, "maxlags", answers=False)
    # Calendar time: a month without a value keeps its place, so the slopes are per
    # period and the level change sits at the intervention whatever is missing.
    t = (ordinal - ordinal[0]).astype(float)
    t0 = float(schemas.period_ordinal(key_i) - ordinal[0])
    d = post.astype(float)
    X = np.column_stack([np.ones(n), t, d, (t - t0) * d])
    res = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags}, use_t=True)
    ci = res.conf_int(alpha=1 - conf)
    table = pd.DataFrame({"estimate": res.params, "ci_low": ci[:, 0], "ci_high": ci[:, 1],
                          "p_value": res.pvalues}, index=pd.Index(ITS_TERMS, name="term"))
    data = pd.DataFrame({"period": list(labels), "t": t.astype(int), "value": y,
                         "post": post, "fitted": res.fittedvalues,
                         "counterfactual": res.params[0] + res.params[1] * t})
    missing = _gaps(ordinal, kind)
    notes = []
    if missing:
        notes.append((f"以下期间没有数据：{'、'.join(missing)}；时间按日历计算，缺失的期间留空，不插补。",
                      f"no data for {', '.join(missing)}: time is counted in calendar periods and "
                      "the gap is left as a gap (nothing is filled in)."))
    if min(n_pre, n_post) < 8:
        notes.append((f"试点前 {n_pre} 期、试点后 {n_post} 期，点数偏少：趋势估计不稳定（一般建议每段至少 8–12 个点）。",
                      f"{n_pre} points before and {n_post} after: few points per segment make the "
                      "trend estimates unstable (8–12 per segment are usually recommended)."))
    notes.append(("单个营业厅没有对照组：ITS 无法区分试点与同期影响所有营业厅的变化。",
                  "a single hall has no comparison group: ITS cannot separate the pilot from "
                  "changes that hit every hall at the same time."))
    return ITSResult(table=table, se=pd.Series(res.bse, index=ITS_TERMS), data=data,
                     maxlags=maxlags, n_pre=n_pre, n_post=n_post, intervention=intervention,
                     conf=conf, notes=notes, t0=int(t0), missing=missing)


# --------------------------------------------------------------------------- staggered rollout
def _missing_to_none(value):
    """None for every spelling of "no value" (None, NaN, NA, blank text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


class RolloutResult:
    """Staggered rollout result (see :func:`rollout_effects`).

    Attributes
    ----------
    by_wave : DataFrame
        One row per adoption wave: ``wave`` (first period of adoption), ``units`` (halls
        of the wave), ``estimate``, ``ci_low``, ``ci_high``, ``p_value`` (NaN when not
        estimable), ``pre_periods``, ``post_periods`` (periods with data from the wave's
        halls before and from adoption), ``estimable`` (bool) and ``reason`` (empty, or
        a key of :data:`cxeval.text.pilot.NOT_ESTIMABLE` saying why not). Also available as
        ``table``.
    by_event_time : DataFrame
        One row per period relative to adoption: ``event_time`` (calendar periods since
        adoption: 0 = month of adoption, −1 = the reference month before), ``estimate``,
        ``ci_low``, ``ci_high``, ``p_value``, ``waves`` (waves contributing),
        ``responses``. Only cells the data identify enter the averages.
    left_out : list of str
        Halls left out of every estimate because they have no survey before adopting.
    notes : list of (str, str)
    """

    def __init__(self, *, by_wave, by_event_time, conf, notes, left_out=()):
        self.by_wave = by_wave
        self.table = by_wave
        self.by_event_time = by_event_time
        self.conf = conf
        self.notes = notes
        self.left_out = list(left_out)

    @property
    def not_estimable(self) -> pd.DataFrame:
        """The waves whose effect the data cannot estimate (``wave``, ``units``, ``reason``)."""
        return self.by_wave.loc[~self.by_wave["estimable"].astype(bool), ["wave", "units", "reason"]]

    def summary(self) -> str:
        """A plain-text summary (English)."""
        from cxeval.text.pilot import NOT_ESTIMABLE

        lines = ["Staggered rollout: effect by wave (DiD against never-adopting units)"]
        for _, r in self.by_wave.iterrows():
            if not r["estimable"]:
                lines.append(f"  wave {r['wave']}: {int(r['units'])} unit(s)  not estimable: "
                             f"{NOT_ESTIMABLE[r['reason']][1]}")
                continue
            lines.append(f"  wave {r['wave']}: {int(r['units'])} unit(s)  {r['estimate'] * 100:+.2f} pp "
                         f"({r['ci_low'] * 100:+.2f} to {r['ci_high'] * 100:+.2f}), p = {r['p_value']:.4f}")
        lines.append("Effect by periods since adoption (reference: the period before)")
        for _, r in self.by_event_time.iterrows():
            if r["event_time"] == -1:
                continue
            lines.append(f"  {int(r['event_time']):+d}: {r['estimate'] * 100:+.2f} pp "
                         f"({r['ci_low'] * 100:+.2f} to {r['ci_high'] * 100:+.2f})")
        lines += [f"  note: {en}" for _, en in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from cxeval import report

        return report.table(self.by_wave, formats={"estimate": "pp", "ci_low": "pp",
                                                   "ci_high": "pp", "p_value": "p"},
                            caption="Rollout effect by wave").to_html()

    def __repr__(self) -> str:
        return self.summary()


def rollout_effects(df: pd.DataFrame, *, unit: str, period: str, adoption: str,
                    conf: float = 0.95, responses: str = "responses",
                    satisfied: str = "satisfied") -> RolloutResult:
    """Effects of a staggered rollout, by wave and by periods since adoption.

    Units adopt at different times (the pilot hall first, then the other halls of the
    county); units that never adopt are the comparison. A single two-way fixed-effects
    regression is biased when effects differ between waves or grow over time
    (Goodman-Bacon 2021), so each wave is compared only with never-adopting units:

    - by wave: :func:`did` of the wave's units against the never-adopting units, with
      every period before the wave's start as "before";
    - by event time: the interaction-weighted estimator of Sun & Abraham (2021): one
      regression with unit and period fixed effects and a coefficient per wave and
      period since adoption (the period before adoption is the reference), averaged
      across waves with weights proportional to their responses.

    Parameters
    ----------
    df : DataFrame
        One row per unit and period with survey counts.
    unit, period : str
        Column names.
    adoption : str
        Column with the unit's first period of adoption (same kind as ``period``);
        empty for units that never adopt. Adoption after the last period counts as never.
    conf : float
        Confidence level.
    responses, satisfied : str
        Count columns.

    Returns
    -------
    RolloutResult
        ``by_wave``, ``by_event_time``, ``left_out``, ``summary()``.

    Notes
    -----
    Errors as in :func:`did`: the larger of the conventional and the cluster-robust
    (by unit) error, t with G − 1 degrees of freedom. Time is calendar time: a month
    without data keeps its place, so "months since adoption" are calendar months.

    What the data cannot identify is reported, never shown as zero: units adopting in
    the first period, and halls with no survey before their adoption (late starters),
    cannot show a change and are left out (listed in ``left_out`` and ``notes``); a wave
    left with no such hall, or without comparison data before or after its start, is a
    row with ``estimable`` False, NaN estimate and interval, and the ``reason``. A wave
    without data in the month before adoption (the reference) is left out of the
    event-time averages (``notes`` say so).

    References
    ----------
    Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies
    with heterogeneous treatment effects. Journal of Econometrics 225(2), 175–199.
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment
    timing. Journal of Econometrics 225(2), 254–277.

    Raises
    ------
    DataError
        Missing columns or counts, empty or mixed periods, adoption varying within a
        unit or not a period of the data's kind, no never-adopting units, or no
        adopting unit with a period before adoption.

    Examples
    --------
    >>> rows = [(u, f"2008-0{m}", 200, 180 + (10 if a and f"2008-0{m}" >= a else 0), a)
    ...         for u, a in [("A", "2008-03"), ("B", "2008-04"), ("C", None), ("D", None)]
    ...         for m in range(1, 6)]
    >>> panel = pd.DataFrame(rows, columns=["hall", "period", "responses", "satisfied", "adoption"])
    >>> res = rollout_effects(panel, unit="hall", period="period", adoption="adoption")
    >>> res.by_wave["estimate"].round(3).tolist()
    [0.05, 0.05]
    """
    check_frame(df)
    conf = check_conf(conf)
    check_column_names(df, {"unit": unit, "period": period, "adoption": adoption,
                        "responses": responses, "satisfied": satisfied})
    data = df.copy()
    data[adoption] = data[adoption].astype(object).map(_missing_to_none)
    varying = data.groupby(unit)[adoption].nunique(dropna=False)
    if (varying > 1).any():
        raise DataError(f"adoption must be the same in every row of a unit; unit(s) "
                        f"{list(varying.index[varying > 1])[:5]} have several values")
    cells, kind = _cell_panel(data, unit=unit, period=period, responses=responses,
                              satisfied=satisfied, extra=[adoption], where="rollout_effects")
    periods = _sorted_periods(cells[period], "rollout_effects", period)
    first, last = periods[0], periods[-1]
    first_t, last_t = int(cells["_t"].min()), int(cells["_t"].max())
    notes = []

    def wave_of(value):
        """(label, calendar position) of an adoption value; None for never."""
        value = _missing_to_none(value)
        if value is None:
            return None
        key = schemas.period_key(value)
        if key is None or schemas.period_kind(key) != kind:
            raise DataError(f"adoption value {value!r} cannot be compared with periods such as "
                            f"{first!r}")
        t = schemas.period_ordinal(key)
        return None if t > last_t else (schemas.format_period(key), t)

    # Waves are kept as plain Python values per unit: a column of periods with gaps would
    # be turned into a string column holding NaN by pandas.
    wave = {u: wave_of(v) for u, v in cells.groupby(unit, sort=True)[adoption].first().items()}
    always = [u for u, w in wave.items() if w is not None and w[1] <= first_t]
    if always:
        notes.append((f"以下单位在第一期就已推广、没有推广前数据，未纳入：{', '.join(map(str, always))}",
                      f"left out, adopting in the first period with no data before: "
                      f"{', '.join(map(str, always))}"))
        cells = cells[~cells[unit].isin(always)]
        wave = {u: w for u, w in wave.items() if u not in always}
    never_units = [u for u, w in wave.items() if w is None]
    if not never_units:
        raise DataError("rollout_effects needs units that never adopt (empty adoption) as the "
                        "comparison; every unit in the data adopts")
    waves = sorted({w for w in wave.values() if w is not None}, key=lambda w: w[1])
    if not waves:
        raise DataError("rollout_effects needs at least one adopting unit with a period before "
                        "its adoption")
    # Late starters: halls first surveyed at or after their adoption cannot show a change.
    first_seen = cells.groupby(unit)["_t"].min()
    late = [u for u, w in wave.items() if w is not None and first_seen[u] >= w[1]]
    if late:
        listed = [f"{u}（{wave[u][0]}）" for u in late]
        notes.append((f"以下营业厅在推广前没有调查数据，无法估计其推广效果，未纳入：{'、'.join(map(str, listed))}",
                      "left out, no survey before adopting, so their effect cannot be estimated: "
                      + ", ".join(f"{u} (adopting {wave[u][0]})" for u in late)))
    never = cells[unit].isin(never_units)
    cells = cells.assign(_wave=cells[unit].map(lambda u: "" if wave[u] is None else wave[u][0]),
                         _late=cells[unit].isin(late))

    wave_rows = []
    for label, start_t in waves:
        everyone = cells[cells["_wave"] == label]
        own = everyone[~everyone["_late"]]
        comparison = cells[never]
        row = {"wave": label, "units": int(everyone[unit].nunique()),
               "estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
               "pre_periods": int(everyone.loc[everyone["_t"] < start_t, period].nunique()),
               "post_periods": int(everyone.loc[everyone["_t"] >= start_t, period].nunique()),
               "estimable": False, "reason": ""}
        if own.empty:
            row["reason"] = "no_data_before"
        elif not (own["_t"] >= start_t).any():
            row["reason"] = "no_data_after"
        elif not (comparison["_t"] < start_t).any():
            row["reason"] = "no_comparison_before"
        elif not (comparison["_t"] >= start_t).any():
            row["reason"] = "no_comparison_after"
        else:
            part = pd.concat([comparison, own]).assign(_treated=lambda c: c["_wave"] == label)
            part["_post"] = part["_t"] >= start_t
            # The wave's own DiD: the regression of did() without its pre-trend and
            # event-study extras (cells are already checked and aggregated here).
            fit, res = _did_effect(part, unit=unit, period=period, treated="_treated",
                                   post="_post", responses=responses, satisfied=satisfied,
                                   conf=conf)
            if "did" in fit.params.index:
                row.update(estimate=res["estimate"], ci_low=res["ci_low"], ci_high=res["ci_high"],
                           p_value=res["p_value"], estimable=True)
            else:
                row["reason"] = "not_identified"
        wave_rows.append(row)
    by_wave = pd.DataFrame(wave_rows, columns=["wave", "units", "estimate", "ci_low", "ci_high",
                                               "p_value", "pre_periods", "post_periods",
                                               "estimable", "reason"])
    by_wave["estimable"] = by_wave["estimable"].astype(bool)

    # Sun & Abraham: wave x event-time indicators, never-adopting units as controls. A
    # wave enters only with data in its reference month (the one before adoption):
    # without it every cell of the wave would carry an indicator and the estimates would
    # be measured from an arbitrary month instead.
    cells = cells[~cells["_late"]]
    adopting = cells["_wave"] != ""
    event = pd.Series(np.nan, index=cells.index)
    start_of = dict(waves)
    event[adopting] = cells.loc[adopting, "_t"] - cells.loc[adopting, "_wave"].map(start_of)
    with_reference = set(cells.loc[adopting & (event == -1), "_wave"])
    no_reference = [w for w, _ in waves if w not in with_reference
                    and w in set(cells.loc[adopting, "_wave"])]
    if no_reference:
        notes.append((f"以下批次推广前一个月（参照月）没有数据，未纳入按推广后月数的平均：{'、'.join(no_reference)}",
                      "left out of the effects by months since adoption, no data in the month "
                      f"before adoption (the reference): wave(s) {', '.join(no_reference)}"))
        keep = ~cells["_wave"].isin(no_reference)
        cells, event, adopting = cells[keep], event[keep], adopting[keep]
    columns = ["event_time", "estimate", "ci_low", "ci_high", "p_value", "waves", "responses"]
    if not adopting.any():
        return RolloutResult(by_wave=by_wave, by_event_time=pd.DataFrame(columns=columns),
                             conf=conf, notes=notes, left_out=late)
    keys = sorted({(w, int(e)) for w, e in zip(cells.loc[adopting, "_wave"], event[adopting])
                   if int(e) != -1}, key=lambda k: (k[1], str(k[0])))
    dummies = pd.DataFrame({f"{w}|{e}": ((cells["_wave"] == w) & (event == e)).astype(float)
                            for w, e in keys}, index=cells.index)
    fit = _twfe(cells, regressors=dummies, unit=unit, period=period, responses=responses,
                satisfied=satisfied)
    rows = []
    for e in sorted({k[1] for k in keys} | {-1}):
        if e == -1:
            share = cells.loc[adopting & (event == -1), responses].sum()
            rows.append({"event_time": -1, "estimate": 0.0, "ci_low": math.nan,
                         "ci_high": math.nan, "p_value": math.nan,
                         "waves": int(cells.loc[adopting & (event == -1), "_wave"].nunique()),
                         "responses": int(share)})
            continue
        weights = {}
        for w, _ in waves:
            name = f"{w}|{e}"
            if name in fit.params.index:
                weights[name] = float(cells.loc[(cells["_wave"] == w) & (event == e),
                                                responses].sum())
        total = sum(weights.values())
        if not total:
            continue
        res = _combine(fit, pd.Series({k: v / total for k, v in weights.items()}), conf)
        rows.append({"event_time": e, "estimate": res["estimate"], "ci_low": res["ci_low"],
                     "ci_high": res["ci_high"], "p_value": res["p_value"], "waves": len(weights),
                     "responses": int(total)})
    by_event_time = pd.DataFrame(rows, columns=columns)
    return RolloutResult(by_wave=by_wave, by_event_time=by_event_time, conf=conf, notes=notes,
                         left_out=late)


# --------------------------------------------------------------------------- sustainment
class SustainResult:
    """Was the target met in every period (see :func:`sustained`).

    Attributes
    ----------
    table : DataFrame
        One row per period with data: ``period``, ``responses``, ``satisfied``, ``rate``,
        ``ci_low``, ``ci_high`` (Wilson), ``target``, ``gap_to_target`` (rate − target),
        ``meets_target``, ``p_below`` (one-sided score-test p-value of "the true rate is
        below the target"), ``within_noise`` (True for a miss whose interval still
        contains the target; False for months that met the target or missed clearly).
    all_met : bool
        Every period met the target (the strict reading of "≥ 95% every month").
    sustained : bool
        No period was clearly below the target (misses, if any, are within noise).
    missed, missed_within_noise, missed_clearly : list
        Periods that missed the target; of these, those within noise and those not.
    missing : list of str
        Periods of the checked window without survey data: neither met nor missed.
    """

    def __init__(self, table: pd.DataFrame, target: float, conf: float, missing=()):
        self.table = table
        self.missing = list(missing)
        self.target = target
        self.conf = conf
        self.missed = table.loc[~table["meets_target"], "period"].tolist()
        self.missed_within_noise = table.loc[table["within_noise"], "period"].tolist()
        self.missed_clearly = [p for p in self.missed if p not in self.missed_within_noise]
        self.all_met = not self.missed
        self.sustained = not self.missed_clearly
        self.periods = len(table)
        self.periods_met = int(table["meets_target"].sum())

    def summary(self) -> str:
        """A plain-text summary (English)."""
        text = (f"Target {self.target:.1%} met in {self.periods_met} of {self.periods} periods")
        if self.missed_within_noise:
            text += f"; missed within noise: {', '.join(map(str, self.missed_within_noise))}"
        if self.missed_clearly:
            text += f"; missed clearly: {', '.join(map(str, self.missed_clearly))}"
        if self.missing:
            text += f"; no data: {', '.join(self.missing)}"
        return text

    def _repr_html_(self) -> str:
        from cxeval import report

        return report.table(self.table, formats={"rate": "pct", "ci_low": "pct", "ci_high": "pct",
                                                 "target": "pct", "gap_to_target": "pp",
                                                 "p_below": "p", "responses": "int",
                                                 "satisfied": "int"},
                            caption=self.summary()).to_html()

    def __repr__(self) -> str:
        return self.summary()


def sustained(df: pd.DataFrame, *, target: float, start, end=None, period: str = "period",
              conf: float = 0.95, responses: str = "responses",
              satisfied: str = "satisfied") -> SustainResult:
    """Was the target met in every period from ``start``, and are the misses real?

    Parameters
    ----------
    df : DataFrame
        Survey counts; rows of the same period are pooled (e.g. all halls of a county).
    target : float
        Target rate (e.g. 0.95).
    start
        First period to check (e.g. the pilot start ``"2008-08"``).
    end : optional
        Last period to check (inclusive); default: the last period in the data.
    period, responses, satisfied : str
        Column names.
    conf : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    SustainResult
        ``table`` (one row per period), ``all_met``, ``sustained``, ``missed``,
        ``missed_within_noise``, ``missed_clearly``, ``missing`` (periods of the window
        without data), ``summary()``.

    Notes
    -----
    A month "misses within noise" when its Wilson score interval (statsmodels
    ``proportion_confint(method="wilson")``) still contains the target. Because the
    Wilson interval is the inversion of the score test, this is the same as the
    one-sided score test of "rate below target" having ``p_below >= (1 - conf) / 2``;
    ``p_below`` is reported so a reader can apply a stricter rule. With several months
    checked, an occasional miss within noise is expected even when the true rate sits
    at the target.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209–212.

    Raises
    ------
    DataError
        Missing columns or counts, or no period from ``start`` (to ``end``).

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2008-08", "2008-09"], "responses": [300, 300],
    ...                    "satisfied": [290, 283]})
    >>> res = sustained(df, target=0.95, start="2008-08")
    >>> res.missed, res.missed_within_noise
    (['2008-09'], ['2008-09'])
    """
    from statsmodels.stats.proportion import proportion_confint

    check_frame(df)
    conf = check_conf(conf)
    target = check_proportion(target, "target")
    check_column_names(df, {"period": period, "responses": responses, "satisfied": satisfied})
    data = _clean_counts(df, responses, satisfied, "sustained")
    t, kind = _calendar(data[period], "sustained", period)
    example = data[period].iloc[0] if len(data) else start
    first_t = _ordinal_of(start, kind, where="sustained", param="start", example=example)
    last_t = (_ordinal_of(end, kind, where="sustained", param="end", example=example)
              if end is not None else int(t.max()) if len(t) else first_t)
    window = (t >= first_t) & (t <= last_t)
    data = data[window].assign(_t=t[window])
    # Months of the window nobody surveyed: neither met nor missed, but said.
    missing = _gaps(data["_t"], kind, span=(first_t, last_t))
    if data.empty:
        raise DataError(f"sustained: no period from start={start!r}"
                        + (f" to end={end!r}" if end is not None else "")
                        + f"; periods in the data: {_sorted_periods(df[period], 'sustained', period)}")
    table = (data.groupby("_t", sort=True).agg(period=(period, "first"), responses=(responses, "sum"),
                                               satisfied=(satisfied, "sum"))
             .reset_index(drop=True))
    n, s = table["responses"].to_numpy(float), table["satisfied"].to_numpy(float)
    rate = s / n
    low, high = proportion_confint(s, n, alpha=1 - conf, method="wilson")
    z = (rate - target) / np.sqrt(target * (1 - target) / n)
    table["rate"] = rate
    table["ci_low"] = low
    table["ci_high"] = high
    table["target"] = target
    table["gap_to_target"] = rate - target
    table["meets_target"] = rate >= target
    table["p_below"] = stats.norm.cdf(z)
    table["within_noise"] = ~table["meets_target"] & (table["ci_high"] >= target)
    return SustainResult(table, target, conf, missing=missing)


# --------------------------------------------------------------------------- power
def _power_analysis():
    from statsmodels.stats.power import NormalIndPower

    return NormalIndPower()


def sample_size(p0: float, p1: float, *, power: float = 0.8, alpha: float = 0.05) -> int:
    """Responses needed per group to detect a change from ``p0`` to ``p1``.

    Parameters
    ----------
    p0, p1 : float
        Rate without and with the change (e.g. 0.92 and 0.95).
    power : float
        Probability of detecting the change.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    int
        Responses per group (rounded up).

    Notes
    -----
    Uses Cohen's arcsine effect size ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))``
    (statsmodels ``proportion_effectsize``) and the normal power of a two-sample test
    (``NormalIndPower().solve_power``): ``n = 2 ((z_{1-alpha/2} + z_{power}) / h)^2``,
    as R's ``pwr.2p.test`` and Cohen's tables. Fleiss' pooled-variance formula (R's
    ``power.prop.test``) gives slightly different numbers; near 95% the two agree to a
    few responses (the tests show both).

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed.,
    ch. 6.

    Raises
    ------
    TypeError, ValueError
        Rates outside (0, 1), equal rates, or power / alpha outside (0, 1).

    Examples
    --------
    >>> sample_size(0.50, 0.75, power=0.9)
    77
    """
    from statsmodels.stats.proportion import proportion_effectsize

    p0 = check_proportion(p0, "p0")
    p1 = check_proportion(p1, "p1")
    power = check_proportion(power, "power")
    alpha = check_proportion(alpha, "alpha")
    if p0 == p1:
        raise ValueError(f"p0 and p1 must differ to size a survey for a change; both are {p0!r}")
    h = abs(proportion_effectsize(p1, p0))
    n = _power_analysis().solve_power(effect_size=h, nobs1=None, alpha=alpha, power=power,
                                      ratio=1.0, alternative="two-sided")
    return int(math.ceil(float(np.squeeze(n)) - 1e-9))


def detectable_effect(n, p0: float, *, power: float = 0.8, alpha: float = 0.05,
                      ratio: float = 1.0) -> float:
    """Smallest rise above ``p0`` detectable with ``n`` responses (and ``ratio * n`` more).

    Parameters
    ----------
    n : int
        Responses in the first group (e.g. before).
    p0 : float
        Rate in the first group.
    power, alpha : float
        Power and two-sided significance level.
    ratio : float
        Size of the second group relative to the first (``n2 = ratio * n``).

    Returns
    -------
    float
        ``p1 - p0`` (a proportion; 0.03 = 3 pp) for the smallest ``p1 > p0`` detected
        with the given power, or NaN if even ``p1 = 1`` would not be.

    Notes
    -----
    Inverts :func:`sample_size`: solves Cohen's ``h`` with ``NormalIndPower`` and maps
    it back, ``p1 = sin²(asin(sqrt(p0)) + h / 2)``.

    Raises
    ------
    TypeError, ValueError
        ``n`` not a positive whole number, or rates / power / alpha outside (0, 1).

    Examples
    --------
    >>> round(detectable_effect(77, 0.50, power=0.9), 2)
    0.25
    """
    n = check_count(n, "n", positive=True)
    p0 = check_proportion(p0, "p0")
    power = check_proportion(power, "power")
    alpha = check_proportion(alpha, "alpha")
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.integer, np.floating)) \
            or not ratio > 0:
        raise ValueError(f"ratio must be a positive number (second group / first), got {ratio!r}")
    h = _power_analysis().solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power,
                                      ratio=float(ratio), alternative="two-sided")
    angle = math.asin(math.sqrt(p0)) + float(np.squeeze(h)) / 2
    if angle >= math.pi / 2:
        return math.nan
    return math.sin(angle) ** 2 - p0


def power_table(sizes: Mapping[str, tuple], *, p0: float, effect: float, power: float = 0.8,
                alpha: float = 0.05) -> pd.DataFrame:
    """What the survey sizes at hand can detect, and what the effect would need.

    Parameters
    ----------
    sizes : mapping
        Label -> ``(n1, n2)``: responses of the two groups compared (e.g. one hall's
        month against another month; the pilot hall before against after).
    p0 : float
        Baseline rate.
    effect : float
        Effect of interest (e.g. 0.03 for +3 pp).
    power, alpha : float
        Power and two-sided significance level.

    Returns
    -------
    DataFrame
        ``comparison`` (the label), ``n1``, ``n2``, ``detectable_effect`` (smallest rise
        detectable with these sizes), ``required_n`` (responses per group for
        ``effect``, equal groups), ``power_for_effect`` (power of these sizes for
        ``effect``).

    Examples
    --------
    >>> power_table({"one month": (300, 300)}, p0=0.92, effect=0.03)["required_n"].tolist()
    [1047]
    """
    from statsmodels.stats.proportion import proportion_effectsize

    p0 = check_proportion(p0, "p0")
    if isinstance(effect, bool) or not isinstance(effect, (int, float, np.integer, np.floating)):
        raise TypeError(f"effect must be a number (e.g. 0.03 for +3 pp), got {effect!r}")
    if not 0 < p0 + effect < 1:
        raise ValueError(f"p0 + effect must be a proportion between 0 and 1; got {p0} + {effect}")
    h = abs(proportion_effectsize(p0 + effect, p0))
    required = sample_size(p0, p0 + effect, power=power, alpha=alpha)
    rows = []
    for label, (n1, n2) in sizes.items():
        n1 = check_count(n1, f"sizes[{label!r}][0]", positive=True)
        n2 = check_count(n2, f"sizes[{label!r}][1]", positive=True)
        achieved = _power_analysis().power(effect_size=h, nobs1=n1, alpha=alpha, ratio=n2 / n1,
                                           alternative="two-sided")
        rows.append({"comparison": label, "n1": n1, "n2": n2,
                     "detectable_effect": detectable_effect(n1, p0, power=power, alpha=alpha,
                                                            ratio=n2 / n1),
                     "required_n": required, "power_for_effect": float(np.squeeze(achieved))})
    return pd.DataFrame(rows, columns=["comparison", "n1", "n2", "detectable_effect",
                                       "required_n", "power_for_effect"])


def group_trends(panel: pd.DataFrame, *, by: str = "group", period: str = "period",
                 responses: str = "responses", satisfied: str = "satisfied") -> pd.DataFrame:
    """Pooled rate per group and period, for the trend chart.

    Returns
    -------
    DataFrame
        ``by`` column, ``period``, ``responses``, ``satisfied``, ``rate`` (pooled:
        satisfied / responses over the group's units).

    Examples
    --------
    >>> df = pd.DataFrame({"group": ["a", "a"], "period": ["2008-01"] * 2,
    ...                    "responses": [100, 300], "satisfied": [90, 285]})
    >>> group_trends(df)["rate"].tolist()
    [0.9375]
    """
    check_frame(panel, "panel")
    check_column_names(panel, {"by": by, "period": period, "responses": responses,
                           "satisfied": satisfied}, "panel")
    data = _clean_counts(panel, responses, satisfied, "group_trends")
    out = (data.groupby([by, period], sort=True, as_index=False)[[responses, satisfied]].sum()
           .rename(columns={period: "period", responses: "responses", satisfied: "satisfied"}))
    out["rate"] = out["satisfied"] / out["responses"]
    return out


# The period spellings of the survey contract (cxeval.data normalises dates to these).
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


@dataclass
class PilotDesign:
    """Who was piloted, who rolled out, who compares; built by :func:`pilot_design`.

    Attributes
    ----------
    branch, pilot_hall, pilot_start, rollout_start
        The parameters.
    has_pilot : bool
        The branch has the pilot hall with survey counts before and from the start, and
        there are comparison halls in other branches.
    reasons : tuple of (str, str)
        Why there is no pilot to evaluate (Chinese, English); empty when ``has_pilot``.
    panel : DataFrame
        One row per hall and period: ``unit``, ``branch``, ``hall``, ``period``,
        ``responses``, ``satisfied``, ``rate``, ``group`` ("pilot", "rollout", "branch"
        or "comparison"), ``adoption`` (first period of adoption, empty if never),
        ``treated`` (the pilot hall), ``post`` (period >= pilot start). Without a pilot,
        the branch's own halls (group "branch").
    """

    branch: str
    pilot_hall: str
    pilot_start: str
    rollout_start: str | None
    has_pilot: bool
    reasons: tuple
    panel: pd.DataFrame = field(repr=False)

    def reason(self, lang: str = "zh") -> str:
        """Why there is no pilot to evaluate, in ``lang``; empty when there is one."""
        from cxeval.report import tr

        return tr(*self.reasons, lang) if self.reasons else tr("", "", lang)

    @property
    def has_rollout(self) -> bool:
        """The branch has halls adopting after the pilot."""
        return self.has_pilot and bool((self.panel["group"] == "rollout").any())

    def did_panel(self) -> pd.DataFrame:
        """Pilot hall and comparison halls (rollout halls left out)."""
        return self.panel[self.panel["group"].isin(["pilot", "comparison"])]

    def pilot_series(self) -> pd.Series:
        """The pilot hall's monthly rate, indexed by period."""
        part = self.panel[self.panel["group"] == "pilot"]
        return part.set_index("period")["rate"].sort_index()

    def rollout_panel(self) -> pd.DataFrame:
        """Pilot, rollout and comparison halls; the branch's other halls are left out when
        there was no rollout (they may have copied the pilot, so they compare with no one)."""
        return self.panel[self.panel["group"] != "branch"]

    def branch_panel(self) -> pd.DataFrame:
        """The branch's own halls (pilot and rollout, or all halls without a pilot)."""
        return self.panel[self.panel["branch"] == self.branch]


def declared_pilot(pilots: pd.DataFrame | None, *, branch: str, pilot_hall: str = "",
                   pilot_start: str = "", rollout_start: str = "") -> dict:
    """The pilot of ``branch``: from the parameters when given, else from the pilot register.

    Parameters
    ----------
    pilots : DataFrame or None
        The pilot register (``pilots`` data contract: ``branch``, ``hall``,
        ``pilot_start``, ``rollout_start``), or None when the data folder has none.
    branch : str
    pilot_hall, pilot_start, rollout_start : str
        The notebook's parameters (a run plan's or ``-p``); empty means "from the register".
        A pilot hall given without a start takes the register's start only when the
        register names the same hall.

    Returns
    -------
    dict
        ``pilot_hall``, ``pilot_start``, ``rollout_start`` (None: no rollout), and
        ``source``: ``"parameters"`` or ``"register"``.

    Raises
    ------
    NotApplicable
        No pilot is declared for the branch, neither by parameters nor in the register.
    DataError
        A pilot hall is given without a start month and the register has none for it.
    """
    from cxeval.errors import NotApplicable

    pilot_hall, pilot_start, rollout_start = (str(v or "").strip() for v in
                                              (pilot_hall, pilot_start, rollout_start))
    row = None
    if pilots is not None and "branch" in pilots:
        mine = pilots[pilots["branch"].astype(str).str.strip() == str(branch).strip()]
        row = mine.iloc[0] if len(mine) else None
    if pilot_hall:
        same = row is not None and str(row["hall"]).strip() == pilot_hall
        start = pilot_start or (str(row["pilot_start"]) if same else "")
        if not start:
            raise DataError(f"pilot hall {pilot_hall} of {branch} has no start month: set pilot_start "
                            "(e.g. 2008-08) in the run plan, or add the pilot to pilots.csv")
        rollout = rollout_start or (str(row["rollout_start"]) if same and pd.notna(row.get("rollout_start"))
                                    else "")
        return {"pilot_hall": pilot_hall, "pilot_start": start, "rollout_start": rollout or None,
                "source": "parameters"}
    if row is None:
        raise NotApplicable(f"{branch}没有声明试点：试点登记表（pilots）和运行计划都没有本分公司的试点营业厅。",
                            f"No pilot is declared for {branch}: neither the pilot register (pilots) "
                            "nor the run plan names a pilot hall.")
    rollout = row.get("rollout_start")
    return {"pilot_hall": str(row["hall"]).strip(), "pilot_start": pilot_start or str(row["pilot_start"]),
            "rollout_start": rollout_start or (str(rollout) if pd.notna(rollout) else None),
            "source": "register"}


def require_pilot(design: "PilotDesign") -> "PilotDesign":
    """The design, or a DataError saying why a declared pilot cannot be evaluated.

    A declared pilot that the survey does not support (the hall is not in the branch, no
    month before the start) is a mistake in the plan or the data, not "no pilot".
    """
    if not design.has_pilot:
        raise DataError(f"{design.branch}: the declared pilot ({design.pilot_hall}, from {design.pilot_start}) "
                        f"cannot be evaluated: {design.reason('en')}")
    return design


def pilot_design(survey: pd.DataFrame, *, branch: str, pilot_hall: str, pilot_start: str,
                 rollout_start: str | None = None,
                 comparison: Sequence[str] | None = None) -> PilotDesign:
    """Decide from the data whether ``branch`` has a pilot, and build the panel.

    Parameters
    ----------
    survey : DataFrame
        Hall survey with counts: ``period``, ``branch``, ``hall``, ``responses``,
        ``satisfied`` (the survey data contract).
    branch : str
        Branch reported on.
    pilot_hall : str
        The pilot hall (e.g. "庵埠").
    pilot_start : str
        First period of the pilot (e.g. "2008-08").
    rollout_start : str, optional
        First period of the rollout to the branch's other halls; empty or None when
        there was no rollout (those halls are then left out of the comparison).
    comparison : sequence of str, optional
        Branches whose halls form the comparison group; default every other branch.

    Returns
    -------
    PilotDesign
        ``has_pilot``, ``reason(lang)``, ``panel`` and helpers.

    Notes
    -----
    The branch has a pilot when the survey has the pilot hall in that branch, with
    counts before and from ``pilot_start``, and at least one comparison hall with counts
    on both sides of the start too. A branch without one is not an error: ``has_pilot``
    is False and ``reason`` says why.

    Raises
    ------
    DataError
        Missing columns (other than ``hall``, whose absence means "no pilot"), counts
        breaking the library's rule (:mod:`cxeval.schemas`, "Counts"), empty or mixed
        periods, or ``pilot_start`` of another kind than the survey's periods.

    Examples
    --------
    >>> survey = pd.DataFrame({"period": ["2008-07", "2008-08"] * 2,
    ...                        "branch": ["潮安", "潮安", "贵阳", "贵阳"],
    ...                        "hall": ["庵埠", "庵埠", "中华路", "中华路"],
    ...                        "responses": [200] * 4, "satisfied": [180, 190, 180, 181]})
    >>> pilot_design(survey, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08").has_pilot
    False
    """
    check_frame(survey, "survey")
    check_column_names(survey, {"period": "period", "branch": "branch", "responses": "responses",
                            "satisfied": "satisfied"}, "survey")
    rollout_start = rollout_start or None
    for param, value in (("pilot_start", pilot_start), ("rollout_start", rollout_start)):
        if value is not None and not (isinstance(value, str) and _PERIOD.match(value)):
            raise ValueError(f"{param} must be a month 'YYYY-MM' or a quarter 'YYYY-Qn' "
                             f"(e.g. '2008-08'), got {value!r}")
    if rollout_start is not None and rollout_start <= pilot_start:
        raise ValueError(f"rollout_start ({rollout_start}) must come after pilot_start "
                         f"({pilot_start}); leave it empty if there was no rollout")
    columns = ["unit", "branch", "hall", "period", "responses", "satisfied", "rate", "group",
               "adoption", "treated", "post"]

    def no_pilot(zh, en, own=None):
        panel = pd.DataFrame(columns=columns) if own is None else own
        return PilotDesign(branch, pilot_hall, pilot_start, rollout_start, False, (zh, en), panel)

    if "hall" not in survey.columns:
        return no_pilot("本分公司没有试点：调查数据没有营业厅一列，无法识别试点营业厅。",
                        "No pilot in this branch: the survey has no hall column, so no pilot "
                        "hall can be found.")
    data = _clean_counts(survey, "responses", "satisfied", "pilot_design")
    data = (data.groupby(["branch", "hall", "period"], sort=True, as_index=False)
            [["responses", "satisfied"]].sum())
    data["branch"] = data["branch"].astype(str)
    data["hall"] = data["hall"].astype(str)
    duplicated = data.groupby("hall")["branch"].nunique().gt(1).any()
    data["unit"] = (data["branch"] + "·" + data["hall"]) if duplicated else data["hall"]
    data["rate"] = data["satisfied"] / data["responses"]
    t, kind = _calendar(data["period"], "pilot_design")
    data["post"] = t >= _ordinal_of(pilot_start, kind, where="pilot_design", param="pilot_start",
                                    example=data["period"].iloc[0])
    own = data[data["branch"] == branch].copy()
    own["group"] = "branch"
    own["adoption"] = None
    own["treated"] = False
    own = own[columns].reset_index(drop=True)
    if own.empty:
        return no_pilot(f"本分公司没有试点：调查数据中没有「{branch}」的营业厅。",
                        f"No pilot in this branch: the survey has no halls of {branch}.")
    pilot = own[own["hall"] == str(pilot_hall)]
    if pilot.empty:
        return no_pilot(f"本分公司没有试点：「{branch}」没有试点营业厅「{pilot_hall}」。",
                        f"No pilot in this branch: {branch} has no pilot hall {pilot_hall}.", own)
    if not (~pilot["post"]).any() or not pilot["post"].any():
        return no_pilot(f"无法评估试点：试点营业厅「{pilot_hall}」在 {pilot_start} 之前或之后没有调查数据。",
                        f"The pilot cannot be evaluated: hall {pilot_hall} has no survey data "
                        f"before or from {pilot_start}.", own)
    others = data[data["branch"] != branch]
    if comparison is not None:
        others = others[others["branch"].isin([str(b) for b in comparison])]
    if others.empty:
        return no_pilot("无法评估试点：没有其他分公司的对照营业厅。",
                        "The pilot cannot be evaluated: there are no comparison halls in other "
                        "branches.", own)
    sides = others.groupby("unit")["post"].agg(["any", "all"])
    if not (sides["any"] & ~sides["all"]).any():
        return no_pilot(f"无法评估试点：没有对照营业厅在 {pilot_start} 之前和之后都有调查数据。",
                        f"The pilot cannot be evaluated: no comparison hall has survey data both "
                        f"before and from {pilot_start}.", own)
    own["group"] = np.where(own["hall"] == str(pilot_hall), "pilot",
                            "rollout" if rollout_start else "branch")
    own["adoption"] = np.where(own["group"] == "pilot", pilot_start,
                               np.where(own["group"] == "rollout", rollout_start or "", ""))
    own["adoption"] = own["adoption"].replace("", None)
    own["treated"] = own["group"] == "pilot"
    others = others.assign(group="comparison", adoption=None, treated=False)
    panel = pd.concat([own[columns], others[columns]], ignore_index=True)
    panel["adoption"] = panel["adoption"].astype(object).where(panel["adoption"].notna(), None)
    panel["treated"] = panel["treated"].astype(bool)
    panel["post"] = panel["post"].astype(bool)
    return PilotDesign(branch, str(pilot_hall), pilot_start, rollout_start, True, (), panel)


@dataclass
class PilotEvaluation:
    """Everything notebook 03 shows for one branch; built by :func:`evaluate`.

    Attributes
    ----------
    design : PilotDesign
    target, conf : float
    naive : dict or None
        :func:`before_after` of the pilot hall.
    did : DiDResult or None
        Pilot hall against the comparison halls.
    its : ITSResult or None
        The pilot hall's own series.
    rollout : RolloutResult or None
        Waves (pilot, then rollout halls) against the comparison halls.
    sustain_pilot, sustain_branch : SustainResult or None
        Target check from the pilot start: pilot hall, and the branch's halls pooled.
    power : DataFrame or None
        :func:`power_table` for the survey sizes at hand.
    trends : DataFrame
        :func:`group_trends` by group (or by hall without a pilot).
    """

    design: PilotDesign
    target: float
    conf: float
    naive: dict | None = None
    did: DiDResult | None = None
    its: ITSResult | None = None
    rollout: RolloutResult | None = None
    sustain_pilot: SustainResult | None = None
    sustain_branch: SustainResult | None = None
    power: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    effect_of_interest: float = 0.03

    @property
    def has_pilot(self) -> bool:
        return self.design.has_pilot

    def reason(self, lang: str = "zh") -> str:
        """Why there is no pilot to evaluate (empty when there is one)."""
        return self.design.reason(lang)

    def power_rows(self, lang: str = "zh") -> pd.DataFrame | None:
        """``power`` with the comparisons labelled in ``lang`` (None without a pilot);
        :func:`cxeval.report.pilot.power_rows`."""
        from cxeval.report.pilot import power_rows

        return power_rows(self, lang)

    def methods(self, lang: str = "zh") -> pd.DataFrame:
        """:func:`cxeval.report.pilot.compare_methods` of this evaluation."""
        from cxeval.report.pilot import compare_methods

        return compare_methods(naive=self.naive, did_result=self.did, its_result=self.its,
                               lang=lang)

    def verdict(self, lang: str = "zh") -> str:
        """:func:`cxeval.text.pilot.verdict` of this evaluation (the reason when there is no
        pilot)."""
        from cxeval.text.pilot import ITS_NOT_ESTIMABLE, verdict

        if not self.has_pilot:
            return self.reason(lang)
        return verdict(did_result=self.did, naive=self.naive, its_result=self.its,
                       sustain=self.sustain_pilot, rollout=self.rollout,
                       its_reason=ITS_NOT_ESTIMABLE if self.its is None else None, lang=lang)

    def key_numbers(self) -> dict:
        """The numbers the batch and tests read (``report.record``);
        :func:`cxeval.report.pilot.key_numbers`."""
        from cxeval.report.pilot import key_numbers

        return key_numbers(self)

    # ----------------------------------------------------------------- notebook helpers
    @property
    def trend_by(self) -> str:
        """Column naming the lines of the trend chart: groups, or halls without a pilot."""
        return "group" if self.has_pilot else "hall"

    def group_labels(self, lang: str = "zh") -> dict:
        """Legend labels of the trend chart's groups, with the pilot hall's name;
        :func:`cxeval.report.pilot.group_labels`."""
        from cxeval.report.pilot import group_labels

        return group_labels(self, lang)

    def interventions(self, lang: str = "zh") -> dict:
        """Intervention lines of the trend chart: label -> first period;
        :func:`cxeval.report.pilot.interventions`."""
        from cxeval.report.pilot import interventions

        return interventions(self, lang)

    def describe(self, part: str, lang: str = "zh") -> str:
        """One or two sentences reading a section of the report, from the numbers;
        :func:`cxeval.text.pilot.describe`."""
        from cxeval.text.pilot import describe

        return describe(self, part, lang)

    def show(self, part: str, lang: str = "zh"):
        """A formatted table of a section (pandas Styler), or nothing without a pilot;
        :func:`cxeval.report.pilot.show`."""
        from cxeval.report.pilot import show

        return show(self, part, lang)


def evaluate(design: PilotDesign, *, target: float = 0.95, conf: float = 0.95,
             effect: float = 0.03, power: float = 0.8) -> PilotEvaluation:
    """Run every analysis of notebook 03 for one branch.

    Parameters
    ----------
    design : PilotDesign
        From :func:`pilot_design`.
    target : float
        Monthly target rate (e.g. 0.95).
    conf : float
        Confidence level.
    effect : float
        Effect of interest for the power table (e.g. 0.03 = +3 pp).
    power : float
        Power for the detectable-effect column.

    Returns
    -------
    PilotEvaluation
        With every part None when the branch has no pilot (only ``trends`` filled).

    Examples
    --------
    >>> survey = pd.DataFrame({"period": ["2008-07", "2008-08"], "branch": ["贵阳"] * 2,
    ...                        "hall": ["中华路"] * 2, "responses": [200, 200],
    ...                        "satisfied": [180, 181]})
    >>> ev = evaluate(pilot_design(survey, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08"))
    >>> ev.has_pilot, ev.did is None
    (False, True)
    """
    target = check_proportion(target, "target")
    conf = check_conf(conf)
    if not design.has_pilot:
        own = design.panel
        trends = (group_trends(own, by="hall") if not own.empty else
                  pd.DataFrame(columns=["hall", "period", "responses", "satisfied", "rate"]))
        return PilotEvaluation(design=design, target=target, conf=conf, trends=trends,
                               effect_of_interest=effect)
    panel = design.panel
    pilot_rows = panel[panel["group"] == "pilot"]
    naive = before_after(pilot_rows, start=design.pilot_start, conf=conf)
    did_result = did(design.did_panel(), unit="unit", period="period", treated="treated",
                     post="post", conf=conf)
    series = design.pilot_series()
    try:
        its_result = its(series, intervention=design.pilot_start, conf=conf)
    except DataError:
        its_result = None
    rollout = rollout_effects(design.rollout_panel(), unit="unit", period="period",
                              adoption="adoption", conf=conf)
    sustain_pilot = sustained(pilot_rows, target=target, start=design.pilot_start, conf=conf)
    sustain_branch = sustained(design.branch_panel(), target=target, start=design.pilot_start,
                               conf=conf)
    pre = pilot_rows[~pilot_rows["post"]]
    post = pilot_rows[pilot_rows["post"]]
    p0 = float(pre["satisfied"].sum() / pre["responses"].sum())
    if 0 < p0 + effect < 1:
        # Sizes at hand: a typical hall-month of this branch, and the pilot hall's
        # whole before and after windows (what the naive comparison rests on).
        sizes = {"hall_month": (int(design.branch_panel()["responses"].median()),) * 2,
                 "pilot_before_after": (int(pre["responses"].sum()), int(post["responses"].sum()))}
        power_rows = power_table(sizes, p0=p0, effect=effect, power=power, alpha=1 - conf)
    else:
        power_rows = None
    return PilotEvaluation(design=design, target=target, conf=conf, naive=naive, did=did_result,
                           its=its_result, rollout=rollout, sustain_pilot=sustain_pilot,
                           sustain_branch=sustain_branch, power=power_rows,
                           trends=group_trends(panel, by="group"), effect_of_interest=effect)


# The sentences moved to cxeval.text.pilot and the report glue to cxeval.report.pilot;
# their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.pilot": ["verdict", "NOT_ESTIMABLE", "ITS_NOT_ESTIMABLE"],
    "cxeval.report.pilot": ["headline", "index_entry", "compare_methods", "pilot_settings",
                            "GROUP_LABELS", "TABLE_LABELS", "ITS_TERM_LABELS", "POWER_LABELS"],
})
