"""Did the result hold: :func:`sustained` checks the target in every period from the start
and says whether the misses are within sampling noise (:class:`SustainResult`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxeval.checks import check_column_names, check_conf, check_frame, check_proportion
from cxeval.errors import DataError
from cxeval.pilot.panel import _calendar, _clean_counts, _gaps, _ordinal_of, _sorted_periods


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
