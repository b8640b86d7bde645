"""Funnel plots: which halls really differ from the rest, not just small.

- :func:`funnel`, :func:`funnel_limits` — Spiegelhalter funnel plots of halls, with an
  over-dispersion adjustment;
- :func:`small_samples` — units with n·p or n·(1 − p) under 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxeval.baseline.control import _dispersion
from cxeval.baseline.counts import _counts_frame, _int_if_whole, _left_out_note, _need_counts
from cxeval.checks import as_columns, check_frame, check_proportion


#: Two-sided 95% and 99.8% normal quantiles used for funnel limits (Spiegelhalter 2005).
_Z95 = float(stats.norm.ppf(0.975))


_Z998 = float(stats.norm.ppf(0.999))


#: Small-sample rule: a normal-approximation chart needs n·p >= 5 and n·(1 − p) >= 5
#: (less a rounding tolerance, so that 50 × (1 − 0.9) = 4.999… counts as 5).
_MIN_EXPECTED = 5 - 1e-9


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
