"""Two survey rates: their difference, its test, and the survey sizes that can detect it.

- :func:`compare_proportions` — two rates, their difference with a Newcombe hybrid-score
  interval, the z-test (Pearson chi-square) and Fisher's exact test;
- :func:`before_after` — the naive before/after comparison of one unit;
- :func:`sample_size`, :func:`detectable_effect`, :func:`power_table` — survey sizes and
  the effects they can detect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from cxeval.checks import check_column_names, check_conf, check_count, check_frame, check_proportion
from cxeval.errors import DataError
from cxeval.pilot.panel import _calendar, _clean_counts, _ordinal_of, _sorted_periods


#: Minimum expected cell count for the chi-square / z approximation (Cochran's rule);
#: below it :func:`compare_proportions` flags the result so the reader uses Fisher's test.
MIN_EXPECTED = 5


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
