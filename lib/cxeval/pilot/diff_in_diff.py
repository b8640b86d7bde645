"""Difference-in-differences for survey counts per unit and period.

:func:`did` fits unit and period fixed effects by weighted least squares on the cell rates
(``_twfe``, shared with :mod:`cxeval.pilot.rollout`), with cluster-robust errors, a
parallel-trends check and an event-study table; :class:`DiDResult` holds it all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cxeval.checks import check_column_names, check_conf, check_frame
from cxeval.errors import DataError
from cxeval.pilot.panel import _as_bool, _calendar, _clean_counts, _gaps, _rows, _sorted_periods


#: Below this many clusters, cluster-robust errors are unreliable (Cameron & Miller 2015
#: discuss 20–50 as the range where "few clusters" problems fade); results say so.
FEW_CLUSTERS = 30


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
