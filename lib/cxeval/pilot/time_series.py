"""Interrupted time series: one unit with no comparison group.

:func:`its` fits a segmented regression (level and slope before and from the
intervention) with Newey–West errors; :class:`ITSResult` holds the fit and the
counterfactual.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.checks import check_conf, check_count
from cxeval.errors import DataError
from cxeval.pilot.panel import _gaps


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
