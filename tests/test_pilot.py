"""cxeval.pilot: two proportions, DiD, ITS, staggered rollout, sustainment, power, verdict.

Every number is checked against a value derived independently: published R output and
Newcombe's paper (tests/reference/pilot_*.csv, sources in pilot_README.md), formulas
written out by hand here, or seeded simulations whose truth is known.
"""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxeval import pilot
from cxeval.errors import DataError
from conftest import REFERENCE


def _read(name):
    return pd.read_csv(REFERENCE / name, comment="#")


# --------------------------------------------------------------------------- simulated panels
def _panel(seed, *, units=20, treated=1, periods=8, start=5, effect=0.03, n=300,
           unit_sd=0.01, cell_sd=0.0, shock=0.015, pre_slope_gap=0.0):
    """Hall x month survey counts with a known effect.

    Rates = 0.90 + unit effect + period effect (season) + shock from ``start`` for every
    unit + ``effect`` for treated units from ``start`` (+ an optional extra pre-period
    slope for the treated units, to violate parallel trends); binomial answers.
    """
    rng = np.random.default_rng(seed)
    season = rng.normal(0, 0.006, periods)
    rows = []
    for u in range(units):
        base = 0.90 + rng.normal(0, unit_sd)
        is_treated = u < treated
        for t in range(periods):
            post = t >= start
            rate = base + season[t] + (shock if post else 0.0)
            if is_treated:
                rate += effect * post + pre_slope_gap * min(t, start - 1)
            rate += rng.normal(0, cell_sd)
            rows.append({"hall": f"h{u:02d}", "period": f"2008-{t + 1:02d}", "responses": n,
                         "satisfied": int(rng.binomial(n, min(max(rate, 0.0), 1.0))),
                         "treated": is_treated, "post": post})
    return pd.DataFrame(rows)


def _did(df, **kwargs):
    return pilot.did(df, unit="hall", period="period", treated="treated", post="post", **kwargs)


# --------------------------------------------------------------------------- compare_proportions
def test_compare_proportions_matches_r_prop_test_without_correction():
    ref = _read("pilot_prop_test.csv").iloc[0]
    r = pilot.compare_proportions(int(ref.x1), int(ref.n1), int(ref.x2), int(ref.n2))
    assert r["chi2"] == pytest.approx(ref.chi2, abs=5e-5)
    assert r["z"] ** 2 == pytest.approx(r["chi2"], rel=1e-12)  # R's X-squared is z squared
    assert r["p_value"] == pytest.approx(ref.p_value, abs=5e-6)
    assert r["wald_low"] == pytest.approx(ref.wald_low, abs=5e-9)
    assert r["wald_high"] == pytest.approx(ref.wald_high, abs=5e-9)
    assert r["rate_a"] == pytest.approx(ref.prop1, abs=5e-8)
    assert r["rate_b"] == pytest.approx(ref.prop2, abs=5e-8)
    assert r["diff"] == pytest.approx(ref.prop1 - ref.prop2, abs=1e-7)
    assert r["small_counts"] is False


@pytest.mark.parametrize("row", _read("pilot_newcombe1998.csv").to_dict("records"), ids=lambda r: r["label"])
def test_compare_proportions_newcombe_interval_matches_the_paper(row):
    r = pilot.compare_proportions(row["x1"], row["n1"], row["x2"], row["n2"])
    assert r["diff"] == pytest.approx(row["diff"], abs=1e-12)
    assert r["ci_low"] == pytest.approx(row["ci_low"], abs=5e-5)
    assert r["ci_high"] == pytest.approx(row["ci_high"], abs=5e-5)


def test_compare_proportions_agrees_with_statsmodels_two_routes():
    from statsmodels.stats.proportion import proportions_ztest, test_proportions_2indep

    r = pilot.compare_proportions(355, 369, 2196, 2375, conf=0.9)
    z, p = proportions_ztest([355, 2196], [369, 2375])
    score = test_proportions_2indep(355, 369, 2196, 2375, method="score", correction=False)
    assert r["z"] == pytest.approx(z, rel=1e-12) and r["p_value"] == pytest.approx(p, rel=1e-12)
    # The score test without the n/(n-1) correction is the same pooled z-test.
    assert r["z"] == pytest.approx(score.statistic, rel=1e-9)
    assert r["conf"] == 0.9


def test_fisher_p_for_the_tea_tasting_table_and_small_count_flag():
    # [[3, 1], [1, 3]]: hypergeometric P(3) = P(1) = 16/70, P(4) = P(0) = 1/70; tables as or
    # more extreme than the observed one (two-sided): 1 + 16 + 16 + 1 = 34 of 70.
    r = pilot.compare_proportions(3, 4, 1, 4)
    assert r["fisher_p"] == pytest.approx(34 / 70, abs=1e-12)
    assert r["small_counts"] is True  # expected counts of 2: read fisher_p, not the z-test


def test_compare_proportions_identical_all_satisfied_groups():
    r = pilot.compare_proportions(50, 50, 80, 80)
    assert (r["diff"], r["z"], r["p_value"]) == (0.0, 0.0, 1.0)
    assert r["ci_low"] <= 0 <= r["ci_high"]


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((12, 10, 5, 10), {}, ValueError, r"success_a \(12\) is more than n_a \(10\)"),
    ((1, 0, 5, 10), {}, ValueError, "n_a must be a positive count, got 0"),
    ((1.5, 10, 5, 10), {}, ValueError, "success_a must be a whole number, got 1.5"),
    (("3", 10, 5, 10), {}, TypeError, "success_a must be a whole number, got '3'"),
    ((3, 10, 5, 10), {"conf": 95}, ValueError, r"conf must be a confidence level between 0 and 1 \(e.g. 0.95\), got 95"),
])
def test_compare_proportions_validation(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        pilot.compare_proportions(*args, **kwargs)


def test_fractional_counts_are_refused_everywhere_never_rounded():
    # 94.6 of 100 used to become 95/100 and "meet 95%" here while baseline said 0.946:
    # the library's one rule (cxeval.schemas, "Counts") refuses it in every function.
    rule = r"is not a whole number; counts must be whole numbers of answers; weighted totals are refused"
    with pytest.raises(ValueError, match=r"success_a must be a whole number, got 5.5; counts must be whole"):
        pilot.compare_proportions(5.5, 10, 5, 10)
    month = pd.DataFrame({"period": ["2008-07", "2008-08"], "responses": [100, 100],
                          "satisfied": [90, 94.6]})
    with pytest.raises(DataError, match=r"sustained: column 'satisfied' row 1: 94.6 " + rule):
        pilot.sustained(month, target=0.95, start="2008-08")
    with pytest.raises(DataError, match=r"before_after: column 'satisfied' row 1: 94.6 " + rule):
        pilot.before_after(month, start="2008-08")
    with pytest.raises(DataError, match=r"group_trends: column 'satisfied' row 1: 94.6 " + rule):
        pilot.group_trends(month.assign(group="pilot"))
    panel = _panel(1, units=4, treated=1, periods=4, start=2).astype({"satisfied": float})
    panel.loc[5, "satisfied"] += 0.5
    with pytest.raises(DataError, match=r"did: column 'satisfied' row 5: \d+\.5 " + rule):
        _did(panel)
    with pytest.raises(DataError, match=r"rollout_effects: column 'satisfied' row 5: \d+\.5 " + rule):
        pilot.rollout_effects(panel.assign(adoption=np.where(panel.treated, "2008-03", None)),
                              unit="hall", period="period", adoption="adoption")


def test_sustained_and_baseline_rates_give_the_same_rate_and_interval():
    from cxeval import baseline

    df = pd.DataFrame({"period": ["2008-08", "2008-09"], "responses": [946, 1000],
                       "satisfied": [900, 946]})
    mine = pilot.sustained(df, target=0.95, start="2008-08").table
    theirs = baseline.rates(df, "period", target=0.95)
    for column in ("responses", "satisfied", "rate", "ci_low", "ci_high", "meets_target"):
        assert mine[column].tolist() == pytest.approx(theirs[column].tolist(), abs=1e-15), column


def test_before_after_pools_the_windows():
    df = pd.DataFrame({"period": ["2008-06", "2008-07", "2008-08", "2008-09"],
                       "responses": [100, 300, 200, 200], "satisfied": [90, 270, 190, 194]})
    r = pilot.before_after(df, start="2008-08")
    # before: 360/400 = 0.90; after: 384/400 = 0.96
    assert r["diff"] == pytest.approx(0.06, abs=1e-12)
    assert (r["pre_periods"], r["post_periods"]) == (2, 2)
    with pytest.raises(DataError, match=r"before_after needs periods before and from start='2009-01'"):
        pilot.before_after(df, start="2009-01")


# --------------------------------------------------------------------------- power
def test_sample_size_matches_statsmodels_and_cohens_formula():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for p0, p1, power in [(0.92, 0.95, 0.8), (0.5, 0.75, 0.9), (0.95, 0.90, 0.8)]:
        h = abs(proportion_effectsize(p1, p0))
        n_sm = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=power, ratio=1.0)
        # Cohen (1988) ch. 6 for equal groups: n = 2 ((z_{1-alpha/2} + z_power) / h)^2.
        # statsmodels also counts the (tiny) chance of rejecting in the wrong tail, so its
        # n is smaller by a few thousandths of a response; rounded up, the two agree.
        h_hand = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0)))
        n_hand = 2 * ((stats.norm.ppf(0.975) + stats.norm.ppf(power)) / h_hand) ** 2
        assert n_sm == pytest.approx(n_hand, rel=1e-5) and n_sm <= n_hand
        assert pilot.sample_size(p0, p1, power=power) == math.ceil(n_sm) == math.ceil(n_hand)
    assert pilot.sample_size(0.92, 0.95) == 1047


def test_sample_size_reaches_the_power_and_not_one_less():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    n = pilot.sample_size(0.92, 0.95, power=0.8)
    h = proportion_effectsize(0.95, 0.92)
    assert NormalIndPower().power(h, nobs1=n, alpha=0.05) >= 0.8
    assert NormalIndPower().power(h, nobs1=n - 1, alpha=0.05) < 0.8


def test_sample_size_textbook_values_and_the_pooled_formula():
    ref = _read("pilot_power.csv").set_index("method")
    # R's power.prop.test (pooled-variance formula) gives n = 76.7 for 0.50 -> 0.75 at 90%
    # power; the arcsine formula gives 76.65: both round up to 77.
    assert pilot.sample_size(0.50, 0.75, power=0.90) == math.ceil(ref.loc["pooled", "n"]) == 77
    # Near 95% the formulas differ a little. Fleiss' pooled formula without continuity
    # correction, written out: n = [z_a sqrt(2 pbar qbar) + z_b sqrt(p0 q0 + p1 q1)]^2 / d^2.
    p0, p1 = 0.92, 0.95
    pbar = (p0 + p1) / 2
    za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    pooled = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p0 * (1 - p0) + p1 * (1 - p1))) ** 2 / (p1 - p0) ** 2
    assert pooled == pytest.approx(1058.9, abs=0.1)
    assert pilot.sample_size(p0, p1) == pytest.approx(pooled, rel=0.03)  # 1047 vs 1059


def test_power_matches_r_pwr_output():
    from statsmodels.stats.proportion import proportion_effectsize

    ref = _read("pilot_power.csv").set_index("method").loc["arcsine"]
    assert proportion_effectsize(ref.p1, ref.p2) == pytest.approx(ref.h, abs=5e-8)
    table = pilot.power_table({"r": (10000, 10000)}, p0=ref.p2, effect=ref.p1 - ref.p2)
    assert table.loc[0, "power_for_effect"] == pytest.approx(ref.power, abs=5e-8)
    # detectable_effect inverts it: with that power, n = 10,000 detects exactly +1 pp.
    assert pilot.detectable_effect(10000, ref.p2, power=ref.power) == pytest.approx(0.01, abs=1e-6)


def test_detectable_effect_inverts_sample_size_and_says_when_impossible():
    for n, p0 in [(300, 0.92), (2375, 0.93), (50, 0.5)]:
        mde = pilot.detectable_effect(n, p0)
        assert pilot.sample_size(p0, p0 + mde) == n
    assert math.isnan(pilot.detectable_effect(5, 0.99))  # even 100% would not be detected
    unequal = pilot.detectable_effect(2375, 0.93, ratio=1634 / 2375)
    assert pilot.detectable_effect(2375, 0.93) < unequal < pilot.detectable_effect(1634, 0.93)


@pytest.mark.parametrize("call, error, match", [
    (lambda: pilot.sample_size(0.9, 0.9), ValueError, "p0 and p1 must differ"),
    (lambda: pilot.sample_size(95, 0.9), ValueError, r"p0 must be a proportion strictly between 0 and 1 \(e.g. 0.95 for 95%\), got 95.0"),
    (lambda: pilot.detectable_effect(0, 0.9), ValueError, "n must be a positive count, got 0"),
    (lambda: pilot.detectable_effect(10, 0.9, ratio=0), ValueError, "ratio must be a positive number"),
])
def test_power_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- DiD
def test_did_equals_the_two_by_two_difference_of_means():
    # Two halls, two months, unequal sizes: the model is saturated, so the estimate is the
    # plain double difference of rates whatever the weights.
    df = pd.DataFrame({"hall": ["P", "P", "C", "C"], "period": ["2008-07", "2008-08"] * 2,
                       "responses": [250, 310, 180, 400], "satisfied": [230, 301, 160, 364],
                       "treated": [True, True, False, False], "post": [False, True, False, True]})
    hand = (301 / 310 - 230 / 250) - (364 / 400 - 160 / 180)
    result = _did(df)
    assert result.effect == pytest.approx(hand, abs=1e-12)
    # No residual is left to measure noise: no interval, and the verdict says so.
    assert math.isnan(result.ci[0]) and math.isnan(result.p_value)
    assert "too few halls or months to measure its noise" in pilot.verdict(did_result=result, lang="en")


def test_did_equals_difference_of_group_means_in_a_balanced_panel():
    df = _panel(3, units=8, treated=3, periods=2, start=1, n=200)
    means = df.assign(rate=df.satisfied / df.responses).groupby(["treated", "post"])["rate"].mean()
    hand = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
    result = _did(df)
    assert result.effect == pytest.approx(hand, abs=1e-12)
    assert result.treated_change - result.comparison_change == pytest.approx(hand, abs=1e-12)


def test_did_recovers_a_known_effect():
    # Seeded simulation: 30 halls, 6 piloted from month 7, true effect +3.0 pp, a common
    # +1.5 pp shock to every hall, hall-month noise on top of binomial sampling.
    df = _panel(11, units=30, treated=6, periods=12, start=7, effect=0.03, cell_sd=0.005)
    result = _did(df)
    assert result.ci[0] <= 0.03 <= result.ci[1]
    # Stated tolerance: 0.01, about two standard errors of this design.
    assert abs(result.effect - 0.03) < 0.01
    assert result.se < 0.006
    # The naive change of the piloted halls carries the common shock; DiD removes it.
    assert result.treated_change == pytest.approx(0.045, abs=0.01)
    assert result.comparison_change == pytest.approx(0.015, abs=0.005)
    assert result.clusters == 30 and result.treated_units == 6 and result.df == 29
    assert result.table.loc[0, "estimate"] == result.effect
    assert result.conf_int() == result.ci
    assert "Difference-in-differences" in result.summary() and "<table" in result._repr_html_()


def test_did_interval_keeps_its_coverage_with_one_treated_hall():
    # The pilot design: one treated hall. Unit fixed effects absorb that hall's own
    # residuals, so the cluster-robust error alone misses its sampling noise and
    # under-covers; the interval used (larger of conventional and cluster-robust) does not.
    covered = covered_cluster_only = 0
    reps = 40
    for seed in range(reps):
        r = _did(_panel(100 + seed, units=12, treated=1, periods=8, start=5, cell_sd=0.006))
        covered += r.ci[0] <= 0.03 <= r.ci[1]
        half = stats.t.ppf(0.975, r.df) * r.se_cluster
        covered_cluster_only += abs(r.effect - 0.03) <= half
        assert r.se == max(r.se_conventional, r.se_cluster)
    assert covered / reps >= 0.85  # nominal 0.95; 0.85 is three binomial sds below
    assert covered_cluster_only / reps < 0.7
    assert any("treated unit" in en for _, en in r.notes)
    assert any("only 12 units" in en for _, en in r.notes)  # few clusters are flagged


def test_did_event_study_and_parallel_trends():
    df = _panel(5, units=30, treated=8, periods=10, start=6, effect=0.03)
    result = _did(df)
    es = result.event_study
    assert es["period"].tolist() == [f"2008-{m:02d}" for m in range(1, 11)]
    assert es["event_time"].tolist() == list(range(-6, 4))
    ref = es[es["reference"]]
    assert ref["period"].tolist() == ["2008-06"] and ref["estimate"].tolist() == [0.0]
    pre = es[(es.event_time < -1)]
    post = es[es.event_time >= 0]
    assert (pre["ci_low"] < 0).all() and (pre["ci_high"] > 0).all()  # parallel before
    assert post["estimate"].mean() == pytest.approx(0.03, abs=0.01)
    assert result.pretrend["p_value"] > 0.05 and result.pretrend["periods"] == 6

    # A treated group already rising by 0.8 pp a month before the start fails the check.
    bent = _did(_panel(5, units=30, treated=8, periods=10, start=6, pre_slope_gap=0.008))
    assert bent.pretrend["p_value"] < 0.05
    assert bent.pretrend["estimate"] == pytest.approx(0.008, abs=0.004)
    text = pilot.verdict(did_result=bent, lang="en")
    assert "Caution: before the pilot, the pilot hall already trended differently" in text


def test_did_with_one_period_before_cannot_check_trends():
    df = _panel(2, units=10, treated=2, periods=3, start=1)
    result = _did(df)
    assert math.isnan(result.pretrend["estimate"]) and result.pretrend["periods"] == 1
    assert "parallel trends cannot be checked" in pilot.verdict(did_result=result, lang="en")


def test_did_is_deterministic():
    df = _panel(9, units=15, treated=3)
    a, b = _did(df), _did(df.sample(frac=1, random_state=1))  # row order does not matter
    assert a.effect == pytest.approx(b.effect, abs=1e-12) and a.ci == pytest.approx(b.ci, abs=1e-12)


def test_did_validation_messages():
    df = _panel(1, units=4, treated=1, periods=4, start=2)
    with pytest.raises(DataError, match=r"unit='branch' is not a column of df; columns are: hall, period, "
                                         r"responses, satisfied, treated, post"):
        pilot.did(df, unit="branch", period="period", treated="treated", post="post")
    bad = df.copy()
    bad.loc[0, "treated"] = False
    with pytest.raises(DataError, match=r"treated must be constant within each unit; unit\(s\) \['h00'\]"):
        _did(bad)
    bad = df.copy()
    bad.loc[0, "post"] = True
    with pytest.raises(DataError, match="post must be constant within each period.*use rollout_effects"):
        _did(bad)
    with pytest.raises(DataError, match="did needs at least one treated unit"):
        _did(df.assign(treated=False))
    rates_only = df.assign(responses=np.nan)
    with pytest.raises(DataError, match=r"did needs survey counts \(responses and satisfied\); 16 row\(s\)"):
        _did(rates_only)
    over = df.copy()
    over.loc[3, "satisfied"] = 400
    with pytest.raises(DataError, match="did: row 3, column satisfied: 400 is more than responses 300"):
        _did(over)
    with pytest.raises(DataError, match="treated column 'treated' of df must hold True/False or 1/0"):
        _did(df.assign(treated="yes"))


def test_did_says_what_is_missing_instead_of_a_key_error():
    df = _panel(3, units=5, treated=1, periods=6, start=3)
    late = df[~((df.hall == "h00") & ~df.post)]  # the treated hall starts at the start
    with pytest.raises(DataError, match=r"did cannot estimate the effect: no treated unit has survey rows "
                                        r"both before and from the start \(treated unit\(s\) \['h00'\] "
                                        r"have no rows before the start\)"):
        _did(late)
    stopped = df[~(~df.treated & df.post)]  # comparison halls stop reporting at the start
    with pytest.raises(DataError, match=r"no comparison unit has survey rows both before and from the "
                                        r"start \(comparison unit\(s\) \['h01', 'h02', 'h03', 'h04'\] "
                                        r"have no rows from the start\)"):
        _did(stopped)
    # Comparison halls surveyed after the start, but never in the same months as the
    # treated hall: the treated-after cells are explained by the month effects alone.
    apart = df[~(df.treated & df.period.isin(["2008-05", "2008-06"]))
               & ~(~df.treated & (df.period == "2008-04"))]
    with pytest.raises(DataError, match=r"did cannot estimate the effect: in the periods after the start the "
                                        r"treated units are never observed together with comparison units"):
        _did(apart)


def test_did_event_time_is_calendar_time_and_one_sided_units_are_named():
    df = _panel(5, units=12, treated=2, periods=10, start=6, effect=0.03)
    gappy = df[df.period != "2008-03"]                      # nobody surveyed in March
    gappy = gappy[~((gappy.hall == "h11") & gappy.post)]     # one comparison hall stops
    result = _did(gappy)
    es = result.event_study
    assert es["period"].tolist() == [f"2008-{m:02d}" for m in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    assert es["event_time"].tolist() == [-6, -5, -3, -2, -1, 0, 1, 2, 3]
    assert any("2008-03" in en and "calendar periods" in en for _, en in result.notes)
    assert any(en.endswith("adding nothing to the estimate: h11") for _, en in result.notes)


# --------------------------------------------------------------------------- ITS
def test_its_recovers_a_noise_free_segmented_line():
    t = np.arange(12)
    y = 0.90 + 0.002 * t + (t >= 7) * (0.03 - 0.001 * (t - 7))
    s = pd.Series(y, index=[f"2008-{m:02d}" for m in range(1, 13)])
    res = pilot.its(s, intervention="2008-08")
    assert list(res.table.index) == ["intercept", "pre_slope", "level_change", "slope_change"]
    assert list(res.table.columns) == ["estimate", "ci_low", "ci_high", "p_value"]
    np.testing.assert_allclose(res.table["estimate"], [0.90, 0.002, 0.03, -0.001], atol=1e-12)
    assert res.level_change == pytest.approx(0.03, abs=1e-12)
    assert (res.n_pre, res.n_post, res.maxlags) == (7, 5, 2)
    np.testing.assert_allclose(res.data["fitted"], y, atol=1e-12)
    np.testing.assert_allclose(res.data["counterfactual"], 0.90 + 0.002 * t, atol=1e-12)


def test_its_counts_calendar_time_across_a_missing_month():
    # The audit's case: a straight line 0.90 + 0.005 t with March missing. Counting rows
    # gave pre-slope 0.0065 and a level change of -0.25 pp; the truth is 0.005, 0, 0.
    line = pd.Series(0.90 + 0.005 * np.arange(12), index=[f"2008-{m:02d}" for m in range(1, 13)])
    s = line.drop("2008-03")
    for series, intervention in ((s, "2008-07"),
                                 (s.set_axis(pd.PeriodIndex(s.index, freq="M")), pd.Period("2008-07", "M")),
                                 (line.where(line.index != "2008-03"), "2008-07")):  # NaN is a gap too
        res = pilot.its(series, intervention=intervention)
        np.testing.assert_allclose(res.table["estimate"], [0.90, 0.005, 0.0, 0.0], atol=1e-12)
        assert res.data["t"].tolist() == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        assert res.missing == ["2008-03"] and res.t0 == 6 and (res.n_pre, res.n_post) == (5, 6)
        assert "no data for 2008-03" in res.notes[0][1] and "2008-03" in res.summary()
    # With noise, the estimates are those of OLS on the calendar design built by hand.
    from statsmodels.regression.linear_model import OLS

    rng = np.random.default_rng(2)
    quarters = [f"{y}-Q{q}" for y in range(2004, 2008) for q in range(1, 5)]
    y = pd.Series(0.9 + rng.normal(0, 0.01, 16), index=quarters).drop(["2005-Q2", "2006-Q4"])
    t = np.array([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15], dtype=float)
    d = (t >= 9).astype(float)
    hand = OLS(y.to_numpy(), np.column_stack([np.ones(14), t, d, (t - 9) * d])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 2}, use_t=True)
    res = pilot.its(y, intervention="2006-Q2", maxlags=2)
    np.testing.assert_allclose(res.table["estimate"], hand.params, atol=1e-12)
    np.testing.assert_allclose(res.se, hand.bse, rtol=1e-10)
    assert res.missing == ["2005-Q2", "2006-Q4"]


def test_its_refuses_repeated_and_mixed_periods():
    s = pd.Series([0.9] * 8, index=[f"2008-{m:02d}" for m in range(1, 9)])
    with pytest.raises(DataError, match=r"its: period\(s\) \['2008-05'\] appear more than once in the "
                                        r"series index; give one value per period"):
        pilot.its(s.rename(index={"2008-06": "2008-05"}), intervention="2008-04")
    with pytest.raises(DataError, match=r"its: column 'series index' mixes kinds of periods"):
        pilot.its(s.rename(index={"2008-06": "2008-Q2"}), intervention="2008-04")


def test_its_newey_west_errors_match_the_sandwich_written_out():
    rng = np.random.default_rng(4)
    n, t0, lags = 24, 14, 3
    t = np.arange(n, dtype=float)
    d = (t >= t0).astype(float)
    e = np.zeros(n)
    for i in range(n):  # AR(1) noise: the case Newey-West errors are for
        e[i] = 0.5 * (e[i - 1] if i else 0) + rng.normal(0, 0.01)
    y = 0.9 + 0.001 * t + 0.02 * d + e
    s = pd.Series(y, index=range(2001, 2001 + n))
    res = pilot.its(s, intervention=2001 + t0, maxlags=lags)
    # OLS and the Newey-West (1987) sandwich with Bartlett weights, no small-sample factor.
    X = np.column_stack([np.ones(n), t, d, (t - t0) * d])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    u = y - X @ beta
    scores = X * u[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        gamma = scores[lag:].T @ scores[:-lag]
        meat += w * (gamma + gamma.T)
    bread = np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(bread @ meat @ bread))
    np.testing.assert_allclose(res.table["estimate"], beta, atol=1e-10)
    np.testing.assert_allclose(res.se, se, rtol=1e-10)
    crit = stats.t.ppf(0.975, n - 4)
    np.testing.assert_allclose(res.table["ci_low"], beta - crit * se, rtol=1e-9)
    np.testing.assert_allclose(res.table["p_value"], 2 * stats.t.sf(np.abs(beta / se), n - 4), rtol=1e-9)


def test_its_default_lags_follow_newey_west_1994():
    from cxeval.pilot.time_series import _newey_west_lags

    assert [_newey_west_lags(n) for n in (12, 24, 100, 200)] == [2, 2, 4, 4]


def test_its_validation():
    s = pd.Series([0.9] * 8, index=[f"2008-{m:02d}" for m in range(1, 9)])
    with pytest.raises(DataError, match="its needs at least 2 points before and 2 from intervention='2008-02'"):
        pilot.its(s, intervention="2008-02")
    with pytest.raises(TypeError, match="intervention=5 cannot be compared with the series index"):
        pilot.its(s, intervention=5)
    with pytest.raises(TypeError, match="series must be a pandas Series indexed by period, got DataFrame"):
        pilot.its(s.to_frame(), intervention="2008-05")


# --------------------------------------------------------------------------- rollout
def _staggered(n=100000):
    """Noise-free counts: waves adopting in months 4 and 6, effects growing with time.

    Wave A: +2 pp in its first month, +1 pp more each month; wave B: +4 pp flat. Never
    adopters share the same season and a common +1 pp shock from month 5.
    """
    season = [0.0, 0.004, -0.003, 0.002, 0.006, -0.002, 0.001, 0.003]
    rows = []
    for unit, wave, base in [("A1", "2008-04", 0.90), ("A2", "2008-04", 0.88), ("B1", "2008-06", 0.91),
                             ("N1", None, 0.89), ("N2", None, 0.92), ("N3", None, 0.86)]:
        for m in range(8):
            period = f"2008-{m + 1:02d}"
            rate = base + season[m] + (0.01 if m >= 4 else 0.0)
            if wave == "2008-04" and m >= 3:
                rate += 0.02 + 0.01 * (m - 3)
            if wave == "2008-06" and m >= 5:
                rate += 0.04
            rows.append({"hall": unit, "period": period, "responses": n,
                         "satisfied": round(rate * n), "adoption": wave})
    return pd.DataFrame(rows)


def test_rollout_effects_by_wave_and_event_time_recover_the_truth():
    res = pilot.rollout_effects(_staggered(), unit="hall", period="period", adoption="adoption")
    waves = res.by_wave.set_index("wave")
    # Wave A's average over its 5 months after adoption: 2, 3, 4, 5, 6 pp -> 4 pp.
    assert waves.loc["2008-04", "estimate"] == pytest.approx(0.04, abs=1e-3)
    assert waves.loc["2008-06", "estimate"] == pytest.approx(0.04, abs=1e-3)
    assert waves["units"].tolist() == [2, 1]
    assert waves.loc["2008-04", ["pre_periods", "post_periods"]].tolist() == [3, 5]
    ev = res.by_event_time.set_index("event_time")
    # Event time e >= 0: wave A gives 2 + e pp (e <= 4), wave B 4 pp (e <= 2); weighted by
    # responses (A has 2 halls, B 1): e = 0 -> (2*2 + 4)/3, e = 1 -> (2*3 + 4)/3, ...
    expected = {0: (2 * 2 + 4) / 3, 1: (2 * 3 + 4) / 3, 2: (2 * 4 + 4) / 3, 3: 5.0, 4: 6.0}
    for e, pp in expected.items():
        assert ev.loc[e, "estimate"] == pytest.approx(pp / 100, abs=1e-3), e
    assert ev.loc[-1, "estimate"] == 0.0 and math.isnan(ev.loc[-1, "ci_low"])
    assert ev.loc[[-5, -4, -3, -2], "estimate"].abs().max() < 1e-3  # no effect before adoption
    assert ev.loc[3, "waves"] == 1 and ev.loc[0, "waves"] == 2
    assert "Staggered rollout" in res.summary() and "<table" in res._repr_html_()


def test_rollout_effects_validation_and_always_treated_units():
    df = _staggered(1000)
    with pytest.raises(DataError, match="rollout_effects needs units that never adopt"):
        pilot.rollout_effects(df.assign(adoption="2008-03"), unit="hall", period="period", adoption="adoption")
    bad = df.copy()
    bad.loc[0, "adoption"] = "2008-05"
    with pytest.raises(DataError, match=r"adoption must be the same in every row of a unit; unit\(s\) \['A1'\]"):
        pilot.rollout_effects(bad, unit="hall", period="period", adoption="adoption")
    early = df.copy()
    early.loc[early.hall == "A2", "adoption"] = "2008-01"
    res = pilot.rollout_effects(early, unit="hall", period="period", adoption="adoption")
    assert "A2" in res.notes[0][1] and res.by_wave["units"].tolist() == [1, 1]


def _late_wave(n=100000, first_b=5, drop=()):
    """Noise-free counts, +5 pp from adoption: wave A (2008-04, two halls) and wave B
    (2008-06, one hall first surveyed in month ``first_b + 1``), three never-adopters."""
    season = [0.0, 0.004, -0.003, 0.002, 0.006, -0.002, 0.001, 0.003]
    rows = []
    for unit, wave, base, first in [("A1", "2008-04", 0.90, 0), ("A2", "2008-04", 0.88, 0),
                                    ("B1", "2008-06", 0.91, first_b), ("N1", None, 0.89, 0),
                                    ("N2", None, 0.92, 0), ("N3", None, 0.86, 0)]:
        for m in range(first, 8):
            period = f"2008-{m + 1:02d}"
            if (unit, period) in drop or period in drop:
                continue
            rate = base + season[m] + (0.05 if wave and period >= wave else 0.0)
            rows.append({"hall": unit, "period": period, "responses": n,
                         "satisfied": round(rate * n), "adoption": wave})
    return pd.DataFrame(rows)


def _rollout(df):
    return pilot.rollout_effects(df, unit="hall", period="period", adoption="adoption")


def test_a_wave_without_data_before_adoption_is_not_estimable_never_zero():
    res = _rollout(_late_wave())
    waves = res.by_wave.set_index("wave")
    assert waves.loc["2008-04", "estimate"] == pytest.approx(0.05, abs=1e-4)
    assert bool(waves.loc["2008-04", "estimable"]) and waves.loc["2008-04", "reason"] == ""
    b = waves.loc["2008-06"]
    assert not b["estimable"] and b["reason"] == "no_data_before" and b["units"] == 1
    assert math.isnan(b["estimate"]) and math.isnan(b["ci_low"]) and math.isnan(b["p_value"])
    assert (b["pre_periods"], b["post_periods"]) == (0, 3)
    assert res.left_out == ["B1"] and res.not_estimable["wave"].tolist() == ["2008-06"]
    assert "wave 2008-06: 1 unit(s)  not estimable: its halls have no survey before adopting" in res.summary()
    # Event time uses only what is identified: +5 pp from adoption on, not the +3.3 pp a
    # zero from wave B used to pull in.
    ev = res.by_event_time.set_index("event_time")
    assert ev.loc[[0, 1, 2, 3, 4], "estimate"].tolist() == pytest.approx([0.05] * 5, abs=1e-4)
    assert (ev.loc[0, "waves"], ev.loc[0, "responses"]) == (1, 200000)


def test_rollout_counts_calendar_months_and_needs_the_reference_month():
    # Nobody surveyed in May (A's month +1); B1 first surveyed in May, so its reference
    # month (June's predecessor) is missing: B still has an effect by wave (April before
    # adoption) but is left out of the averages by months since adoption.
    res = _rollout(_late_wave(first_b=3, drop=("2008-05",)))
    waves = res.by_wave.set_index("wave")
    assert waves["estimate"].tolist() == pytest.approx([0.05, 0.05], abs=1e-4)
    assert waves["estimable"].tolist() == [True, True]
    assert waves.loc["2008-06", ["pre_periods", "post_periods"]].tolist() == [1, 3]
    ev = res.by_event_time.set_index("event_time")
    assert ev.index.tolist() == [-3, -2, -1, 0, 2, 3, 4]  # e = 1 (May) has no data
    assert ev.loc[[0, 2, 3, 4], "estimate"].tolist() == pytest.approx([0.05] * 4, abs=1e-4)
    assert (ev["waves"] == 1).all()
    assert any("no data in the month before adoption (the reference): wave(s) 2008-06" in en
               for _, en in res.notes)


def test_a_late_hall_in_a_wave_is_left_out_and_named():
    df = _late_wave(first_b=0, drop=[("A2", f"2008-0{m}") for m in (1, 2, 3)])
    res = _rollout(df)
    waves = res.by_wave.set_index("wave")
    assert waves.loc["2008-04", "units"] == 2 and bool(waves.loc["2008-04", "estimable"])
    assert waves.loc["2008-04", "estimate"] == pytest.approx(0.05, abs=1e-4)
    assert res.left_out == ["A2"]
    assert any("A2 (adopting 2008-04)" in en for _, en in res.notes)
    assert res.by_event_time.set_index("event_time").loc[0, "responses"] == 2 * 100000  # A1 and B1


# --------------------------------------------------------------------------- sustained
def test_sustained_wilson_intervals_and_misses_within_noise():
    df = pd.DataFrame({"period": ["2008-08", "2008-09", "2008-09", "2008-10", "2008-07"],
                       "responses": [300, 150, 150, 300, 300],
                       "satisfied": [290, 141, 142, 270, 200]})
    res = pilot.sustained(df, target=0.95, start="2008-08")
    t = res.table
    assert t["period"].tolist() == ["2008-08", "2008-09", "2008-10"]  # July is before the start
    assert t["responses"].tolist() == [300, 300, 300]  # September's two rows pooled
    z = stats.norm.ppf(0.975)
    for _, row in t.iterrows():
        n, p = row.responses, row.satisfied / row.responses
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert row.ci_low == pytest.approx(centre - half, abs=1e-12)
        assert row.ci_high == pytest.approx(centre + half, abs=1e-12)
        score_z = (p - 0.95) / math.sqrt(0.95 * 0.05 / n)
        assert row.p_below == pytest.approx(stats.norm.cdf(score_z), abs=1e-12)
        if not row.meets_target:  # Wilson interval contains the target <=> p_below >= 0.025
            assert row.within_noise == (row.p_below >= 0.025)
    assert t["meets_target"].tolist() == [True, False, False]
    assert res.missed == ["2008-09", "2008-10"]
    assert res.missed_within_noise == ["2008-09"]  # 283/300 = 94.3%
    assert res.missed_clearly == ["2008-10"]  # 270/300 = 90.0%
    assert (res.all_met, res.sustained, res.periods_met) == (False, False, 1)
    assert "missed clearly: 2008-10" in res.summary()


def test_sustained_names_the_months_without_data():
    df = pd.DataFrame({"period": ["2008-08", "2008-10", "2008-11"], "responses": [300] * 3,
                       "satisfied": [290, 291, 292]})
    res = pilot.sustained(df, target=0.95, start="2008-07", end="2008-12")
    assert res.table["period"].tolist() == ["2008-08", "2008-10", "2008-11"]
    assert res.missing == ["2008-07", "2008-09", "2008-12"]
    assert res.all_met and res.summary().endswith("; no data: 2008-07, 2008-09, 2008-12")


def test_sustained_validation():
    df = pd.DataFrame({"period": ["2008-08"], "responses": [100], "satisfied": [96]})
    with pytest.raises(DataError, match=r"sustained: no period from start='2009-01'; periods in the data: \['2008-08'\]"):
        pilot.sustained(df, target=0.95, start="2009-01")
    with pytest.raises(ValueError, match=r"target must be a proportion strictly between 0 and 1 \(e.g. 0.95 for 95%\), got 95.0"):
        pilot.sustained(df, target=95, start="2008-08")


# --------------------------------------------------------------------------- design and verdict
def _survey():
    df = _panel(21, units=12, treated=1, periods=12, start=7)
    df["branch"] = np.where(df.hall.isin(["h00", "h01", "h02"]), "潮安", "饶平")
    df.loc[df.hall == "h00", "hall"] = "庵埠"
    return df.drop(columns=["treated", "post"])


def test_pilot_design_groups_and_no_pilot_reasons():
    survey = _survey()
    design = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                                rollout_start="2008-09")
    assert design.has_pilot and design.reason("en") == "" and design.has_rollout
    groups = design.panel.groupby("group")["unit"].nunique().to_dict()
    assert groups == {"pilot": 1, "rollout": 2, "comparison": 9}
    adoption = design.panel.groupby("unit")["adoption"].first()
    assert adoption["庵埠"] == "2008-07" and adoption["h01"] == "2008-09" and adoption["h05"] is None
    assert set(design.did_panel()["group"]) == {"pilot", "comparison"}
    assert design.pilot_series().index.tolist()[0] == "2008-01"

    other = pilot.pilot_design(survey, branch="饶平", pilot_hall="庵埠", pilot_start="2008-07")
    assert not other.has_pilot
    assert other.reason("zh") == "本分公司没有试点：「饶平」没有试点营业厅「庵埠」。"
    assert other.reason("en") == "No pilot in this branch: 饶平 has no pilot hall 庵埠."
    assert set(other.panel["branch"]) == {"饶平"}  # the branch's own halls, for its trend
    late = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2009-01")
    assert not late.has_pilot and "no survey data before or from 2009-01" in late.reason("en")
    no_hall = pilot.pilot_design(survey.drop(columns="hall"), branch="潮安", pilot_hall="庵埠",
                                 pilot_start="2008-07")
    assert not no_hall.has_pilot and "no hall column" in no_hall.reason("en")
    alone = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                               comparison=["市区"])
    assert not alone.has_pilot and "no comparison halls" in alone.reason("en")
    stopped = survey[(survey.branch == "潮安") | (survey.period < "2008-07")]
    cut = pilot.pilot_design(stopped, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07")
    assert not cut.has_pilot and cut.reason("en") == (
        "The pilot cannot be evaluated: no comparison hall has survey data both before and from 2008-07.")
    with pytest.raises(ValueError, match=r"pilot_start must be a month 'YYYY-MM' or a quarter 'YYYY-Qn' "
                                         r"\(e.g. '2008-08'\), got '2008-8'"):
        pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-8")
    with pytest.raises(ValueError, match=r"rollout_start \(2008-06\) must come after pilot_start \(2008-07\)"):
        pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                           rollout_start="2008-06")
    # Without a rollout, the branch's other halls are neither rollout nor comparison.
    no_rollout = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                                    rollout_start="")
    assert not no_rollout.has_rollout
    assert set(no_rollout.rollout_panel()["group"]) == {"pilot", "comparison"}
    assert pilot.evaluate(no_rollout).rollout.by_wave["wave"].tolist() == ["2008-07"]


def test_verdict_says_when_the_data_cannot_conclude_and_which_method_to_believe():
    survey = _survey()
    design = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                                rollout_start="2008-09")
    ev = pilot.evaluate(design, target=0.9)
    en, zh = ev.verdict("en"), ev.verdict("zh")
    assert "difference-in-differences against the comparison halls" in en
    assert "believe the DiD figure" in en or "DiD is still the figure to quote" in en
    assert "DiD is the one to believe" in en  # ITS: no comparison group
    assert "双重差分" in zh and "以双重差分为准" in zh
    # An effect whose interval includes zero: the verdict says the data cannot tell.
    null = pilot.evaluate(pilot.pilot_design(_panel(8, units=12, treated=1, periods=12, start=7, effect=0.0)
                                             .assign(branch=lambda d: np.where(d.hall == "h00", "潮安", "饶平"))
                                             .drop(columns=["treated", "post"]),
                                             branch="潮安", pilot_hall="h00", pilot_start="2008-08"))
    lo, hi = null.did.ci
    assert lo < 0 < hi
    assert "The data cannot show whether the pilot worked" in null.verdict("en")
    assert null.verdict("zh").startswith("现有数据不足以判断试点是否有效")
    assert pilot.verdict(did_result=None, lang="zh") == "没有可评估的试点：数据无法说明试点是否有效。"
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'fr'"):
        pilot.verdict(did_result=None, lang="fr")


def test_the_report_says_what_a_gappy_survey_could_not_estimate():
    from cxeval import plots

    survey = _survey()
    survey = survey[survey.period != "2008-03"]                       # nobody surveyed in March
    survey = survey[~((survey.hall == "h02") & (survey.period < "2008-09"))]  # a late starter
    design = pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                                rollout_start="2008-09")
    ev = pilot.evaluate(design, target=0.9)
    assert ev.its.missing == ["2008-03"] and ev.did.missing == ["2008-03"]
    assert ev.rollout.left_out == ["h02"] and ev.rollout.by_wave["estimable"].all()
    en, zh = ev.verdict("en"), ev.verdict("zh")
    assert "The pilot hall has no survey for 2008-03: time is counted in calendar months" in en
    assert "Left out, no survey before adopting, so their effect cannot be estimated: h02 (adopting 2008-09)." in en
    assert "试点营业厅以下月份没有调查数据：2008-03" in zh and "h02（2008-09）" in zh
    assert "No hall was surveyed in 2008-03" in ev.describe("event_study", "en")
    assert "2008-03" in ev.describe("its", "zh")
    numbers = ev.key_numbers()
    assert numbers["its_missing_periods"] == ["2008-03"] and numbers["rollout_left_out"] == ["h02"]
    assert numbers["rollout_not_estimable"] == [] and numbers["its_estimable"] is True

    # Both rollout halls late: the wave itself cannot be estimated, and every part says so.
    both = survey[~(survey.hall.isin(["h01", "h02"]) & (survey.period < "2008-09"))]
    ev = pilot.evaluate(pilot.pilot_design(both, branch="潮安", pilot_hall="庵埠", pilot_start="2008-07",
                                           rollout_start="2008-09"), target=0.9)
    assert ev.key_numbers()["rollout_not_estimable"] == ["2008-09"]
    assert "wave 2008-09 (2 hall(s)) not estimable: its halls have no survey before adopting" in ev.verdict("en")
    assert "2008-09 批（2 个营业厅）无法估计：该批营业厅在推广前没有调查数据" in ev.verdict("zh")
    assert "not estimable: its halls have no survey before adopting" in ev.show("rollout", "en").to_html()
    assert "无法估计" in ev.show("rollout", "zh").to_html()
    assert "not estimable" in pilot.headline(ev, "en").markup
    assert "+0.0 pp" not in ev.describe("rollout", "en")
    plots.plot_its(ev.its, lang="en")
    plots.plot_pilot_trends(ev.trends, labels=ev.group_labels("en"), interventions=ev.interventions("en"))
    fig = plots.plot_rollout(ev.rollout, lang="en")
    assert "2008-09 (2 hall(s)): not estimable" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_compare_methods_table():
    design = pilot.pilot_design(_survey(), branch="潮安", pilot_hall="庵埠", pilot_start="2008-07")
    ev = pilot.evaluate(design)
    table = ev.methods("en")
    assert table["key"].tolist() == ["naive", "did", "its"]
    assert table["uses_comparison"].tolist() == [False, True, False]
    assert table.loc[1, "estimate"] == ev.did.effect
    assert table.loc[0, "estimate"] == ev.naive["diff"]
    assert table.loc[2, "estimate"] == ev.its.level_change
    assert ev.methods("zh")["method"].tolist() == ["简单前后对比", "双重差分", "中断时间序列"]


# --------------------------------------------------------------------------- sample data
@pytest.fixture(scope="module")
def sample_evaluation():
    from cxeval import sample

    survey = sample.hall_survey(0)
    design = pilot.pilot_design(survey, branch=sample.PILOT_BRANCH, pilot_hall=sample.PILOT_HALL,
                                pilot_start=sample.PILOT_START, rollout_start=sample.ROLLOUT_START)
    return survey, pilot.evaluate(design, target=0.95)


def test_sample_data_naive_is_biased_by_the_common_shock_and_did_is_not(sample_evaluation):
    from cxeval import sample

    _, ev = sample_evaluation
    truth, shock = sample.PILOT_EFFECT, sample.COMMON_SHOCK
    assert ev.did.ci[0] <= truth <= ev.did.ci[1]
    assert abs(ev.did.effect - truth) < 0.01
    # The naive before/after carries the shock: its interval holds effect + shock (4.5 pp)
    # and excludes the true effect.
    assert ev.naive["ci_low"] <= truth + shock <= ev.naive["ci_high"]
    assert not ev.naive["ci_low"] <= truth <= ev.naive["ci_high"]
    assert ev.did.comparison_change > 0.01  # what every hall gained at the same time
    assert ev.did.pretrend["p_value"] > 0.05
    assert ev.sustain_pilot.all_met and ev.sustain_branch.all_met  # DOMAIN.md: >= 95% Aug-Dec
    waves = ev.rollout.by_wave.set_index("wave")
    assert waves.loc["2008-09", "ci_low"] <= truth <= waves.loc["2008-09", "ci_high"]
    assert waves.loc["2008-09", "units"] == 4
    numbers = ev.key_numbers()
    assert numbers["has_pilot"] is True and numbers["did_effect"] == ev.did.effect
    assert numbers["sustained"] is True and numbers["months_missed"] == []


def test_sample_data_is_deterministic_and_a_branch_without_pilot_is_not_an_error(sample_evaluation):
    survey, ev = sample_evaluation
    again = pilot.evaluate(pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-08",
                                              rollout_start="2008-09"))
    assert again.key_numbers() == ev.key_numbers()
    none = pilot.evaluate(pilot.pilot_design(survey, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08",
                                             rollout_start="2008-09"))
    assert not none.has_pilot and none.did is None and none.power_rows("en") is None
    assert none.verdict("en") == "No pilot in this branch: 贵阳 has no pilot hall 庵埠."
    assert set(none.trends["hall"]) == set(survey.loc[survey.branch == "贵阳", "hall"])
    numbers = none.key_numbers()
    assert numbers["has_pilot"] is False and math.isnan(numbers["did_effect"])


# --------------------------------------------------------------------------- plots
def _draw_without_glyph_warnings(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing


def test_plots_draw_every_part_with_chinese_labels(sample_evaluation):
    from cxeval import plots

    plots.theme()
    _, ev = sample_evaluation
    labels = {k: v[0] for k, v in pilot.GROUP_LABELS.items()}
    ax = plots.plot_pilot_trends(ev.trends, target=0.95, labels=labels,
                                 interventions={"试点": "2008-08", "推广": "2008-09"})
    assert [line.get_label() for line in ax.get_lines()][:3] == [labels["comparison"], labels["pilot"],
                                                                 labels["rollout"]]
    assert len(ax.get_xticklabels()) == 12
    _draw_without_glyph_warnings(ax.figure)

    ax = plots.plot_event_study(ev.did.event_study)
    assert len(ax.collections) >= 2  # error bars before and after, and the reference point
    _draw_without_glyph_warnings(ax.figure)
    ax = plots.plot_its(ev.its, target=0.95, lang="en")
    _draw_without_glyph_warnings(ax.figure)
    fig = plots.plot_rollout(ev.rollout)
    assert len(fig.axes) == 2
    _draw_without_glyph_warnings(fig)
    ax = plots.plot_methods(ev.methods("zh"))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["简单前后对比", "双重差分", "中断时间序列"]
    _draw_without_glyph_warnings(ax.figure)
    plt.close("all")


def test_plots_take_an_axes_and_reject_wrong_input():
    from cxeval import plots

    fig, ax = plt.subplots()
    trends = pd.DataFrame({"hall": ["a", "a"], "period": ["2008-01", "2008-02"], "rate": [0.9, 0.95]})
    assert plots.plot_pilot_trends(trends, by="hall", ax=ax) is ax
    with pytest.raises(DataError, match="trends lacks column\\(s\\) group; columns are: hall, period, rate"):
        plots.plot_pilot_trends(trends)
    with pytest.raises(TypeError, match="result must be an its\\(\\) result, got DataFrame"):
        plots.plot_its(trends)
    empty = plots.plot_pilot_trends(trends.iloc[:0], by="hall")
    assert empty.texts[0].get_text() == "无数据"


def test_docstring_examples_run():
    import doctest

    from cxeval.pilot import (design, diff_in_diff, evaluation, proportions, rollout, sustain,
                              time_series)
    from cxeval.plots import pilot as pilot_plots
    from cxeval.text import pilot as pilot_text

    for module in (proportions, diff_in_diff, time_series, rollout, sustain, design, evaluation,
                   pilot_text, pilot_plots):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


# --------------------------------------------------------------------------- index entry
def _did_result(effect, low, high):
    return pilot.DiDResult(
        main={"estimate": effect, "ci_low": low, "ci_high": high, "p_value": 0.01, "se": 0.01},
        conf=0.95, conventional_se=0.01, cluster_se=0.01, df=10.0, clusters=11, treated_units=1,
        periods=12, pre_periods=7, post_periods=5,
        pretrend={"estimate": 0.0, "ci_low": -0.01, "ci_high": 0.01, "p_value": 0.9, "periods": 7},
        event_study=pd.DataFrame(), treated_change=effect, comparison_change=0.0, notes=[])


def _sustain(meets, within_noise):
    table = pd.DataFrame({"period": [f"2008-{m:02d}" for m in range(8, 8 + len(meets))],
                          "meets_target": meets, "within_noise": within_noise})
    return pilot.SustainResult(table, target=0.95, conf=0.95)


def _evaluation(*, rollout: bool, effect=0.033, ci=(0.012, 0.054), branch_held=True, pilot_held=True):
    groups = ["pilot", "comparison"] + (["rollout"] if rollout else [])
    design = pilot.PilotDesign(branch="潮安", pilot_hall="庵埠", pilot_start="2008-08",
                               rollout_start="2008-09" if rollout else None, has_pilot=True, reasons=(),
                               panel=pd.DataFrame({"group": groups}))
    # held: a miss within noise only; not held: a clear miss (its interval excludes the target)
    return pilot.PilotEvaluation(design=design, target=0.95, conf=0.95, did=_did_result(effect, *ci),
                                 sustain_pilot=_sustain([True, False], [False, pilot_held]),
                                 sustain_branch=_sustain([True, False], [False, branch_held]))


def test_index_entry_effect_rollout_and_status():
    assert pilot.index_entry(_evaluation(rollout=True)) == {
        "headline": "试点 +3.3 pp，推广后保持", "headline_en": "pilot +3.3 pp, rollout held", "status": "good"}
    assert pilot.index_entry(_evaluation(rollout=True, branch_held=False)) == {
        "headline": "试点 +3.3 pp，推广后未保持", "headline_en": "pilot +3.3 pp, rollout not held", "status": "bad",
        "reason": "试点开始后有月份明确低于目标",
        "reason_en": "a month after the pilot start is clearly below the target"}
    assert pilot.index_entry(_evaluation(rollout=False)) == {
        "headline": "试点 +3.3 pp，未推广，试点保持", "headline_en": "pilot +3.3 pp, no rollout, pilot held",
        "status": "good"}
    # without a rollout the pilot hall decides, not the branch
    assert pilot.index_entry(_evaluation(rollout=False, branch_held=False))["status"] == "good"
    assert pilot.index_entry(_evaluation(rollout=False, pilot_held=False))["headline_en"] == \
        "pilot +3.3 pp, no rollout, pilot not held"
    # an interval across zero: the data cannot tell -> warn; below zero -> bad
    unclear = pilot.index_entry(_evaluation(rollout=True, effect=0.008, ci=(-0.011, 0.027)))
    assert unclear == {"headline": "试点 +0.8 pp，推广后保持", "headline_en": "pilot +0.8 pp, rollout held",
                       "status": "warn", "reason": "双重差分效果的区间包含零：数据尚不能证明试点有效",
                       "reason_en": "the DiD interval includes zero: the data cannot yet show the pilot worked"}
    worse = pilot.index_entry(_evaluation(rollout=True, effect=-0.031, ci=(-0.052, -0.010)))
    assert worse["headline_en"] == "pilot -3.1 pp, rollout held" and worse["status"] == "bad"
    assert worse["reason_en"] == "the DiD interval is below zero: the pilot lowered satisfaction"
    with pytest.raises(TypeError, match="evaluation must be an evaluate\\(\\) result, got dict"):
        pilot.index_entry({})


def test_index_entry_without_a_pilot():
    none = pilot.evaluate(pilot.pilot_design(_survey(), branch="饶平", pilot_hall="庵埠", pilot_start="2008-07"))
    assert pilot.index_entry(none) == {"headline": "无试点", "headline_en": "no pilot", "status": "none"}
