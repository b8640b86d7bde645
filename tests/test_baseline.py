"""Tests of cxeval.baseline against published examples and independent calculations.

Sources and tolerances of the reference values: tests/reference/baseline_README.md.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxeval import baseline
from cxeval.errors import DataError

from conftest import REFERENCE

CONTRACT_RATES = ["responses", "satisfied", "rate", "ci_low", "ci_high", "gap_to_target",
                  "meets_target"]
CONTRACT_P = ["period", "responses", "satisfied", "rate", "center", "lcl", "ucl", "signal"]
CONTRACT_FUNNEL = ["responses", "satisfied", "rate", "center", "lower_95", "upper_95",
                   "lower_998", "upper_998", "outside"]


def months(n: int, start: int = 2001) -> list[str]:
    return [f"{start + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


@pytest.fixture(scope="module")
def orangejuice() -> pd.DataFrame:
    ref = pd.read_csv(REFERENCE / "baseline_orangejuice.csv", comment="#")
    # p charts count "satisfied" = conforming cans; the chart of the nonconforming share is
    # its mirror image, so the published limits L of the fraction nonconforming are 1 − L here
    return pd.DataFrame({"period": months(len(ref)), "responses": ref["size"],
                         "satisfied": ref["size"] - ref["D"], "sample": ref["sample"]})


def nonconforming(chart: pd.DataFrame) -> pd.DataFrame:
    """Centre and limits on the fraction-nonconforming scale the textbook prints."""
    return pd.DataFrame({"center": 1 - chart["center"], "lcl": 1 - chart["ucl"],
                         "ucl": 1 - chart["lcl"]})


# =========================================================================== Wilson / rates
def wilson_closed_form(x: float, n: float, z: float) -> tuple[float, float]:
    """Wilson (1927) score interval written out: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("x, n", [(190, 200), (166, 180), (0, 25), (25, 25), (1231, 1329), (7, 9)])
@pytest.mark.parametrize("conf", [0.95, 0.90])
def test_rates_wilson_interval_matches_closed_form(x, n, conf):
    df = pd.DataFrame({"hall": ["A"], "responses": [n], "satisfied": [x]})
    out = baseline.rates(df, "hall", conf=conf)
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    low, high = wilson_closed_form(x, n, z)
    assert out["ci_low"].iloc[0] == pytest.approx(low, abs=1e-12)
    assert out["ci_high"].iloc[0] == pytest.approx(high, abs=1e-12)
    assert out["rate"].iloc[0] == pytest.approx(x / n, abs=1e-15)


def test_rates_columns_pooling_and_target():
    df = pd.DataFrame({"hall": ["A", "A", "B", "B"], "period": ["2008-01", "2008-02"] * 2,
                       "responses": [200, 100, 180, 220], "satisfied": [190, 96, 166, 214]})
    out = baseline.rates(df, "hall", target=0.95)
    assert list(out.columns) == ["hall"] + CONTRACT_RATES
    # pooled counts, not an average of rates: A = 286/300, B = 380/400
    assert out["responses"].tolist() == [300, 400]
    assert out["satisfied"].tolist() == [286, 380]
    assert out["rate"].tolist() == pytest.approx([286 / 300, 0.95])
    assert out["gap_to_target"].tolist() == pytest.approx([286 / 300 - 0.95, 0.0], abs=1e-12)
    assert out["meets_target"].tolist() == [True, True]
    assert out["responses"].dtype == "int64"
    assert out.attrs["sample_size_known"] is True
    two = baseline.rates(df, ["hall", "period"])
    assert len(two) == 4 and two["meets_target"].isna().all()
    overall = baseline.rates(df, [], target=0.96)
    assert overall["rate"].iloc[0] == pytest.approx(666 / 700)
    assert not overall["meets_target"].iloc[0]


def test_rates_rate_only_input_has_no_invented_sample_size():
    # DOMAIN.md §1: 潮安 Jan–Mar 2008 given as rates only
    df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"], "branch": "潮安",
                       "rate": [0.9263, 0.9172, 0.9631]})
    out = baseline.rates(df, "period", target=0.95)
    assert out["responses"].isna().all() and out["ci_low"].isna().all()
    assert out["ci_high"].isna().all()
    assert out["rate"].tolist() == pytest.approx([0.9263, 0.9172, 0.9631])
    assert out["meets_target"].tolist() == [False, False, True]
    assert out.attrs["sample_size_known"] is False
    assert "no sample size" in out.attrs["note"]


def test_rates_one_row_per_answer():
    df = pd.DataFrame({"hall": ["A"] * 4 + ["B"] * 2, "satisfied": [1, 1, 0, 1, 1, 1]})
    out = baseline.rates(df, "hall")
    assert out["responses"].tolist() == [4, 2]
    assert out["rate"].tolist() == pytest.approx([0.75, 1.0])


def test_rates_errors_name_the_problem():
    df = pd.DataFrame({"hall": ["A"], "responses": [10], "satisfied": [12]})
    with pytest.raises(DataError, match=r"satisfied 12 is more than responses 10"):
        baseline.rates(df, "hall")
    with pytest.raises(DataError, match=r"column\(s\) 'branch' not found; the data has columns "
                                        r"'hall', 'responses', 'satisfied'"):
        baseline.rates(df, "branch")
    with pytest.raises(ValueError, match=r"target must be a proportion between 0 and 1 "
                                         r"\(e.g. 0.95 for 95%\), got 95"):
        baseline.rates(df.assign(satisfied=9), "hall", target=95)
    with pytest.raises(ValueError, match=r"conf must be a confidence level between 0 and 1"):
        baseline.rates(df.assign(satisfied=9), "hall", conf=95)
    with pytest.raises(DataError, match=r"rate must be a proportion 0–1, found 95.3"):
        baseline.rates(pd.DataFrame({"hall": ["A"], "rate": [95.3]}), "hall")
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame, got list"):
        baseline.rates([1, 2], "hall")


def test_rates_refuses_fractional_counts_as_every_module_does():
    # 94.6 of 100 (a weighted total) is neither rounded to 95 nor read as 0.946 of a
    # binomial sample: the library's one count rule (cxeval.schemas, "Counts") refuses it,
    # as pilot.compare_proportions and data.load do.
    df = pd.DataFrame({"hall": ["A", "B"], "responses": [100, 200], "satisfied": [94.6, 190]})
    with pytest.raises(DataError, match=r"rates: column 'satisfied' row 0: 94.6 is not a whole "
                                        r"number; counts must be whole numbers of answers; "
                                        r"weighted totals are refused, not rounded"):
        baseline.rates(df, "hall")
    with pytest.raises(DataError, match=r"p_chart: column 'responses' row 1: 200.5 is not a whole"):
        baseline.p_chart(df.assign(period="2008-01", satisfied=[94, 190],
                                   responses=[100, 200.5]))
    with pytest.raises(DataError, match=r"funnel: column 'satisfied' row 1: -3 is negative; a "
                                        r"count must be 0 or more"):
        baseline.funnel(df.assign(satisfied=[94, -3]), "hall")


def test_rates_pools_the_rows_with_counts_and_says_how_many_were_left_out():
    # Hall A: 100/1000/500 answers with 90/950/(missing) satisfied. The third row has no
    # count, so A is 1040 of 1100 (not the 0.925 mean of the row rates), with its interval.
    df = pd.DataFrame({"hall": ["A", "A", "A", "B"],
                       "period": ["2008-01", "2008-02", "2008-03", "2008-01"],
                       "responses": [100, 1000, 500, 200], "satisfied": [90, 950, np.nan, 180]})
    out = baseline.rates(df, "hall").set_index("hall")
    assert out.loc["A", ["responses", "satisfied"]].tolist() == [1100, 1040]
    assert out.loc["A", "rate"] == pytest.approx(1040 / 1100, abs=1e-15)
    low, high = wilson_closed_form(1040, 1100, stats.norm.ppf(0.975))
    assert out.loc["A", "ci_low"] == pytest.approx(low, abs=1e-12)
    assert out.loc["A", "ci_high"] == pytest.approx(high, abs=1e-12)
    assert out.attrs["sample_size_known"] is True and out.attrs["rows_left_out"] == 1
    assert "1 row(s) without responses/satisfied counts were left out (A: 1)" in out.attrs["note"]
    # A rate-only row beside counted rows is left out the same way: one estimator per group.
    mixed = df.assign(rate=[np.nan, np.nan, 0.5, np.nan])
    assert baseline.rates(mixed, "hall")["rate"].iloc[0] == pytest.approx(1040 / 1100)
    # The chart names the period that has no counts, without blaming a rate column.
    with pytest.raises(DataError, match=r"p_chart: periods 2008-03 have no responses/satisfied "
                                        r"counts \(every row lacks one of them\) and no rate"):
        baseline.p_chart(df)
    chart = baseline.p_chart(df[df["period"] != "2008-03"])
    assert chart.attrs["rows_left_out"] == 0


def test_a_hall_with_no_answers_is_a_count_of_zero_not_a_rate():
    df = pd.DataFrame({"hall": ["A", "B"], "responses": [200, 0], "satisfied": [190, 0]})
    out = baseline.rates(df, "hall", target=0.95)
    assert out["responses"].tolist() == [200, 0] and math.isnan(out["rate"].iloc[1])
    assert out.attrs["sample_size_known"] is True
    assert out.attrs["note"] == "1 of 2 groups have 0 responses: no rate."
    with pytest.raises(DataError, match=r"funnel: units B have 0 responses, so no rate to show"):
        baseline.funnel(df, "hall")


def test_a_row_of_counts_listed_twice_is_refused():
    df = pd.DataFrame({"hall": ["A", "A", "B"], "period": ["2008-01"] * 3,
                       "responses": [200, 200, 180], "satisfied": [190, 190, 170]})
    with pytest.raises(DataError, match=r"rates: rows \[0, 1\] are identical in every column "
                                        r"\(2 repeated rows in all\); pooling them would count the "
                                        r"same answers twice"):
        baseline.rates(df, "hall")


def test_missing_and_mixed_periods_are_errors_with_the_rows_named():
    df = pd.DataFrame({"period": ["2008-01", "2008-02", None, "2008-03"],
                       "responses": [300] * 4, "satisfied": [270, 275, 280, 290]})
    for call in (baseline.p_chart, baseline.run_chart, baseline.status,
                 lambda d: baseline.change(d), lambda d: baseline.recent(d)):
        with pytest.raises(DataError, match=r"column 'period' is empty in 1 row\(s\) \(first rows: "
                                            r"\[2\]\); every row needs its period"):
            call(df)
    mixed = df.assign(period=["2008-01", "2008-02", "2008-Q1", "2008-03"])
    with pytest.raises(DataError, match=r"p_chart: column 'period' mixes kinds of periods: 2 kinds "
                                        r"\(months, quarters\); row\(s\) \[2\] hold '2008-Q1'"):
        baseline.p_chart(mixed)
    with pytest.raises(DataError, match=r"overdispersion: column 'period' mixes kinds"):
        baseline.overdispersion(mixed)
    # Calendar order: quarters by year, then quarter.
    quarters = pd.DataFrame({"period": ["2007-Q1", "2006-Q4", "2006-Q2"], "responses": [100] * 3,
                             "satisfied": [90, 91, 92]})
    assert baseline.p_chart(quarters)["period"].tolist() == ["2006-Q2", "2006-Q4", "2007-Q1"]


def test_below_target_orders_worst_first_and_says_how_sure():
    df = pd.DataFrame({"hall": ["A", "B", "C"], "responses": [200, 400, 300],
                       "satisfied": [185, 352, 290]})
    out = baseline.below_target(df, "hall", target=0.95)
    assert out["hall"].tolist() == ["B", "A"]            # C (96.7%) meets the target
    # B: 88% with Wilson upper limit well under 95%; A: 92.5%, interval reaches 95.6%
    assert out["clearly_below"].tolist() == [True, False]
    assert (out["ci_high"] < 0.95).tolist() == [True, False]


# =========================================================================== p charts
def test_p_chart_montgomery_example_trial_limits(orangejuice):
    # Montgomery Example 7.1, samples 1–30: p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524;
    # samples 15 and 23 plot above the UCL.
    chart = baseline.p_chart(orangejuice.iloc[:30])
    assert list(chart.columns[:8]) == CONTRACT_P
    nc = nonconforming(chart)
    assert nc["center"].round(4).unique().tolist() == [0.2313]
    assert nc["ucl"].round(4).unique().tolist() == [0.4102]
    assert nc["lcl"].round(4).unique().tolist() == [0.0524]
    beyond = orangejuice.iloc[:30]["sample"][chart["beyond_limits"].to_numpy()].tolist()
    assert beyond == [15, 23]
    assert chart.loc[chart["beyond_limits"], "signal"].all()


def test_p_chart_montgomery_example_revised_limits(orangejuice):
    # Revised limits without samples 15 and 23: p̄ = 0.2150, UCL = 0.3893, LCL = 0.0407
    kept = orangejuice.iloc[:30][~orangejuice.iloc[:30]["sample"].isin([15, 23])]
    nc = nonconforming(baseline.p_chart(kept)).round(4)
    assert nc.iloc[0].tolist() == [0.2150, 0.0407, 0.3893]


def test_p_chart_phases_recompute_limits_per_phase(orangejuice):
    # After the machine adjustment (samples 31–54) Montgomery recomputes:
    # p̄ = 0.1108, UCL = 0.2440, LCL = 0 (negative, set to zero)
    start = orangejuice["period"].iloc[30]
    chart = baseline.p_chart(orangejuice, phase={"adjusted": start})
    nc = nonconforming(chart).round(4)
    assert chart["phase"].iloc[:30].eq("before").all()
    assert chart["phase"].iloc[30:].eq("adjusted").all()
    assert nc.iloc[0].tolist() == [0.2313, 0.0524, 0.4102]
    assert nc.iloc[-1].tolist() == [0.1108, 0.0, 0.2440]
    listed = baseline.p_chart(orangejuice, phase=[start])
    assert listed["center"].tolist() == pytest.approx(chart["center"].tolist())
    assert listed["phase"].iloc[-1] == "phase 2"


def test_p_chart_freeze_extends_baseline_limits(orangejuice):
    # Frozen on samples 1–30, the trial limits are extended over the new samples 31–54,
    # where the lower level shows as special cause (Montgomery Fig. 7.3).
    chart = baseline.p_chart(orangejuice, freeze=orangejuice["period"].iloc[29])
    nc = nonconforming(chart).round(4)
    assert nc["center"].unique().tolist() == [0.2313]
    assert nc["ucl"].unique().tolist() == [0.4102]
    assert (chart["phase"].iloc[:30] == "baseline").all()
    assert (chart["phase"].iloc[30:] == "extended").all()
    # samples 34–54 (D <= 8) all lie under the old centre of 11.6 nonconforming cans:
    # a run of 21, far beyond Anhøj's limit of round(log2(54) + 3) = 9
    assert chart["long_run"].iloc[33:].all() and not chart["long_run"].iloc[:33].any()
    assert chart["signal"].iloc[33:].all()


def test_p_chart_montgomery_exercise_totals():
    # Montgomery ch. 6 exercise 6-1 solution: n = 100, m = 20, ΣD = 117 → p̄ = 0.0585,
    # UCL = 0.1289, LCL = 0; sample 12 out of control; without it (ΣD = 102):
    # p̄ = 0.0537, UCL = 0.1213. The solution prints totals only; with a constant n the
    # limits depend on ΣD, m and n alone, so these counts (sample 12 = 117 − 102 = 15)
    # reproduce them.
    d = [4, 8, 3, 7, 5, 8, 4, 6, 3, 9, 5, 15, 4, 7, 3, 8, 5, 6, 4, 3]
    assert sum(d) == 117 and sum(d) - d[11] == 102
    df = pd.DataFrame({"period": months(20), "responses": 100, "satisfied": [100 - x for x in d]})
    chart = baseline.p_chart(df)
    nc = nonconforming(chart).round(4)
    assert nc.iloc[0].tolist() == [0.0585, 0.0, 0.1289]
    assert np.flatnonzero(chart["beyond_limits"]).tolist() == [11]
    nc2 = nonconforming(baseline.p_chart(df.drop(index=11))).round(4)
    assert nc2.iloc[0].tolist() == [0.0537, 0.0, 0.1213]


def test_p_chart_varying_sample_sizes_closed_form():
    # Limits per subgroup p̄ ± 3·sqrt(p̄(1 − p̄)/n_i), written out.
    n = [250, 250, 500, 250, 500]
    x = [203, 208, 399, 195, 404]
    df = pd.DataFrame({"period": months(5), "responses": n, "satisfied": x})
    chart = baseline.p_chart(df)
    pbar = sum(x) / sum(n)
    for i, ni in enumerate(n):
        half = 3 * math.sqrt(pbar * (1 - pbar) / ni)
        assert chart["lcl"].iloc[i] == pytest.approx(pbar - half, abs=1e-12)
        assert chart["ucl"].iloc[i] == pytest.approx(pbar + half, abs=1e-12)


def laney_plain_python(n: list[int], x: list[int]) -> tuple[float, float, list[tuple[float, float]]]:
    """Laney (2002) p' chart with plain Python, as Minitab documents it (no MR screening)."""
    pbar = sum(x) / sum(n)
    z = [(xi / ni - pbar) / math.sqrt(pbar * (1 - pbar) / ni) for xi, ni in zip(x, n)]
    mr = [abs(z[i] - z[i - 1]) for i in range(1, len(z))]
    sigma_z = (sum(mr) / len(mr)) / 1.128
    limits = []
    for ni in n:
        half = 3 * math.sqrt(pbar * (1 - pbar) / ni) * sigma_z
        limits.append((max(0.0, pbar - half), min(1.0, pbar + half)))
    return pbar, sigma_z, limits


def test_laney_p_prime_chart_against_plain_python(orangejuice):
    # No printed Laney example with numbers was found; the reference is recomputed
    # independently here (see tests/reference/baseline_README.md).
    trial = orangejuice.iloc[:30]
    chart = baseline.p_chart(trial, laney=True)
    pbar, sigma_z, limits = laney_plain_python(trial["responses"].tolist(),
                                               trial["satisfied"].tolist())
    assert chart["sigma_z"].unique().tolist() == pytest.approx([sigma_z], abs=1e-12)
    assert chart["center"].iloc[0] == pytest.approx(pbar, abs=1e-15)
    assert chart["lcl"].tolist() == pytest.approx([lo for lo, _ in limits], abs=1e-12)
    assert chart["ucl"].tolist() == pytest.approx([hi for _, hi in limits], abs=1e-12)
    assert sigma_z > 1                       # over-dispersed: wider than the p chart
    assert not chart["beyond_limits"].any()  # samples 15 and 23 are inside p' limits


def test_laney_with_varying_n_and_underdispersion():
    n = [1200, 900, 1500, 1100, 1300, 1000]
    x = [1110, 835, 1387, 1019, 1201, 926]     # rates within ±0.3 pp: less than binomial
    df = pd.DataFrame({"period": months(6), "responses": n, "satisfied": x})
    chart = baseline.p_chart(df, laney=True)
    _, sigma_z, limits = laney_plain_python(n, x)
    assert sigma_z < 1
    assert chart["ucl"].tolist() == pytest.approx([hi for _, hi in limits], abs=1e-12)
    plain = baseline.p_chart(df)
    half_p = plain["ucl"] - plain["center"]
    assert (chart["ucl"] - chart["center"]).tolist() == pytest.approx((half_p * sigma_z).tolist())


def test_p_chart_errors():
    rate_only = pd.DataFrame({"period": ["2008-01", "2008-02"], "rate": [0.93, 0.95]})
    with pytest.raises(DataError, match=r"periods 2008-01, 2008-02 have a rate but no "
                                        r"responses/satisfied counts.*run_signals"):
        baseline.p_chart(rate_only)
    df = pd.DataFrame({"period": months(3), "responses": 100, "satisfied": [90, 91, 92]})
    with pytest.raises(ValueError, match=r"freeze must be one of the periods in the data "
                                         r"\(2001-01 … 2001-03\), got '2009-01'"):
        baseline.p_chart(df, freeze="2009-01")
    with pytest.raises(ValueError, match=r"give freeze or phase, not both"):
        baseline.p_chart(df, freeze="2001-01", phase=["2001-02"])
    with pytest.raises(ValueError, match=r"phase start '2001-09' is not a period in the data"):
        baseline.p_chart(df, phase=["2001-09"])
    with pytest.raises(DataError, match=r"column\(s\) 'month' not found"):
        baseline.p_chart(df, period="month")


def test_overdispersion_matches_pearson_and_dersimonian_laird():
    from scipy.stats import chi2_contingency
    from statsmodels.stats.meta_analysis import combine_effects

    n = np.array([305, 272, 218, 247, 287, 640, 512, 333])
    x = np.array([276, 257, 199, 230, 269, 590, 455, 328])
    df = pd.DataFrame({"hall": list("ABCDEFGH"), "responses": n, "satisfied": x})
    diag = baseline.overdispersion(df, by="hall", winsorize=0)
    # Pearson χ² of the 2 x k table (scipy) = I·φ without winsorising
    pearson = chi2_contingency(np.vstack([x, n - x]), correction=False)
    assert diag["chi2"] == pytest.approx(pearson.statistic, rel=1e-9)
    assert diag["p_value"] == pytest.approx(pearson.pvalue, rel=1e-9)
    # DerSimonian–Laird τ² (statsmodels) with variances θ0(1 − θ0)/n: the inverse-variance
    # mean of the rates is then the pooled rate θ0, so Q and τ² agree exactly
    theta = x.sum() / n.sum()
    res = combine_effects(x / n, np.full(len(n), theta * (1 - theta)) / n, method_re="dl")
    assert res.q == pytest.approx(diag["chi2"], rel=1e-9)
    assert diag["tau2"] == pytest.approx(max(res.tau2, 0.0), rel=1e-9)
    assert diag["tau2"] > 0 and diag["overdispersed"]
    assert diag["ratio"] == pytest.approx(math.sqrt(pearson.statistic / (len(n) - 1)))


def test_overdispersion_winsorised_by_hand():
    # Spiegelhalter (2005) QSHC: z-scores winsorised at the 10th/90th percentiles,
    # φ = mean(z_w²), τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw), w = 1/s², s² = θ0(1 − θ0)/n.
    n = np.array([400, 380, 420, 390, 410, 400, 395, 405, 385, 415])
    x = np.array([370, 352, 390, 360, 381, 371, 366, 376, 300, 395])   # one real outlier
    df = pd.DataFrame({"hall": list("ABCDEFGHIJ"), "responses": n, "satisfied": x})
    theta = x.sum() / n.sum()
    s2 = theta * (1 - theta) / n
    z = (x / n - theta) / np.sqrt(s2)
    lo, hi = np.percentile(z, [10, 90])
    zw = np.minimum(np.maximum(z, lo), hi)
    phi = float(np.mean(zw ** 2))
    w = 1 / s2
    tau2 = (len(n) * phi - (len(n) - 1)) / (w.sum() - (w ** 2).sum() / w.sum())
    diag = baseline.overdispersion(df, by="hall")
    assert diag["phi"] == pytest.approx(phi, rel=1e-12)
    assert diag["tau2"] == pytest.approx(max(tau2, 0.0), abs=1e-15)
    raw = baseline.overdispersion(df, by="hall", winsorize=0)
    assert raw["phi"] > diag["phi"]          # the outlier no longer inflates φ
    with pytest.raises(ValueError, match=r"winsorize must be a share in \[0, 0.5\)"):
        baseline.overdispersion(df, by="hall", winsorize=0.7)


# =========================================================================== run rules
def anhoej_limits_plain(n: int) -> tuple[int, int]:
    """round(log2(n) + 3) and qbinom(0.05, n − 1, 0.5) with math.comb sums."""
    cum, k = 0.0, -1
    while cum < 0.05:
        k += 1
        cum += math.comb(n - 1, k) / 2 ** (n - 1)
    return round(math.log2(n) + 3), k


def sides_to_values(pattern: str) -> list[float]:
    """'A' above / 'B' below a median of 0, all distinct."""
    return [(1 + i / 100) if c == "A" else -(1 + i / 100) for i, c in enumerate(pattern)]


def test_run_limits_published_and_recomputed():
    # Anhøj, SPC for Healthcare, "Critical values for runs and crossings": with 24 useful
    # observations a run of more than 8 or fewer than 8 crossings signals.
    res = baseline.run_signals(sides_to_values("AB" * 12))
    assert (res["n_useful"], res["longest_run_max"], res["crossings_min"]) == (24, 8, 8)
    for n in range(10, 61):
        # odd n: one more point above, and two points on the median (not useful)
        res = baseline.run_signals(sides_to_values("AB" * (n // 2) + "A" * (n % 2))
                                   + ([0.0, 0.0] if n % 2 else []))
        assert res["n_useful"] == n
        assert (res["longest_run_max"], res["crossings_min"]) == anhoej_limits_plain(n)


# 20 useful points: longest run limit 7, crossings limit 6
@pytest.mark.parametrize("pattern, longest, crossings, signal", [
    ("B" + "A" * 7 + "BAABA" + "B" * 7, 7, 6, False),     # both at the threshold: no signal
    ("B" + "A" * 8 + "BABA" + "B" * 7, 8, 6, True),       # run of 8 > 7
    ("A" * 4 + "B" * 4 + "A" * 3 + "B" * 3 + "A" * 3 + "B" * 3, 4, 5, True),  # 5 < 6
])
def test_run_signals_at_thresholds(pattern, longest, crossings, signal):
    assert len(pattern) == 20 and pattern.count("A") == 10
    res = baseline.run_signals(sides_to_values(pattern))
    assert set(res) == {"n_useful", "longest_run", "longest_run_max", "crossings",
                        "crossings_min", "signal"}
    assert res["n_useful"] == 20
    assert (res["longest_run_max"], res["crossings_min"]) == (7, 6)
    assert res["longest_run"] == longest and res["crossings"] == crossings
    assert res["signal"] is signal


def test_run_signals_ignores_points_on_the_median():
    # median 3: the three 3s are not useful and do not break the run of 1, 2
    res = baseline.run_signals([1, 2, 3, 3, 3, 4, 5])
    assert res["n_useful"] == 4 and res["longest_run"] == 2 and res["crossings"] == 1
    assert baseline.run_signals([])["n_useful"] == 0
    with pytest.raises(TypeError, match=r"values must be numbers"):
        baseline.run_signals(["a", "b"])


def test_domain_three_months_show_no_shift():
    # DOMAIN.md §1, 潮安: 92.63, 91.72, 96.31 — three points cannot signal
    res = baseline.run_signals([0.9263, 0.9172, 0.9631])
    assert res == {"n_useful": 2, "longest_run": 1, "longest_run_max": 4, "crossings": 1,
                   "crossings_min": 0, "signal": False}


# =========================================================================== funnel plots
def test_funnel_normal_limits_match_phe_tool():
    ref = pd.read_csv(REFERENCE / "baseline_funnel_phe.csv", comment="#")
    lim = baseline.funnel_limits(ref["Population"], ref["Baseline"].iloc[0] / 100,
                                 method="normal")
    pairs = {"lower_95": "Lower2s0025limit", "upper_95": "Upper2s0025limit",
             "lower_998": "Lower3s0001limit", "upper_998": "Upper3s0001limit"}
    for ours, theirs in pairs.items():
        np.testing.assert_allclose(lim[ours] * 100, ref[theirs], rtol=0, atol=1e-6)


def spiegelhalter_exact_plain(n: int, theta: float, prob: float) -> float:
    """Spiegelhalter (2005) appendix: (r_p − α)/n, r_p the binomial p-quantile,
    α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)); binomial CDF summed with math.comb."""
    def cdf(r):
        return sum(math.comb(n, k) * theta ** k * (1 - theta) ** (n - k) for k in range(r + 1)) \
            if r >= 0 else 0.0
    r = 0
    while cdf(r) < prob:
        r += 1
    alpha = (cdf(r) - prob) / (cdf(r) - cdf(r - 1))
    return (r - alpha) / n


@pytest.mark.parametrize("n, theta", [(150, 0.95), (237, 0.93), (400, 0.9558), (60, 0.8)])
def test_funnel_exact_limits_against_plain_python(n, theta):
    lim = baseline.funnel_limits([n], theta, method="exact").iloc[0]
    for col, prob in (("lower_998", 0.001), ("lower_95", 0.025), ("upper_95", 0.975),
                      ("upper_998", 0.999)):
        assert lim[col] == pytest.approx(min(1.0, spiegelhalter_exact_plain(n, theta, prob)),
                                         abs=1e-9)


def test_funnel_exact_close_to_normal_for_large_n():
    ref = pd.read_csv(REFERENCE / "baseline_funnel_phe.csv", comment="#")
    big = ref[ref["Population"] >= 50000]
    lim = baseline.funnel_limits(big["Population"], 0.80642448, method="exact")
    np.testing.assert_allclose(lim["lower_998"] * 100, big["Lower3s0001limit"], atol=0.003)
    np.testing.assert_allclose(lim["upper_95"] * 100, big["Upper2s0025limit"], atol=0.003)


def test_funnel_table_bands_and_small_samples():
    df = pd.DataFrame({"hall": ["A", "B", "C", "D"], "responses": [200, 300, 250, 90],
                       "satisfied": [190, 281, 200, 86]})
    out = baseline.funnel(df, "hall")
    assert list(out.columns[:10]) == ["hall"] + CONTRACT_FUNNEL
    theta = 757 / 840
    assert out["center"].unique().tolist() == pytest.approx([theta])
    assert out.set_index("hall").loc["C", "band"] == "below_998"
    assert out["outside"].tolist() == [False, False, True, False]
    # small sample: n·(1 − θ0) = 90 × 0.0988 = 8.9 ≥ 5, so D is not flagged; 40 would be
    assert not out["small_sample"].any()
    flags = baseline.small_samples(df.assign(responses=[200, 300, 250, 50],
                                             satisfied=[190, 281, 200, 48]), "hall", center=0.9)
    # n·(1 − p) = 50 × 0.1 = 5 is enough; 49 would not be
    assert flags["small_sample"].tolist() == [False, False, False, False]
    flags = baseline.small_samples(pd.DataFrame({"hall": ["E"], "responses": [49],
                                                 "satisfied": [45]}), "hall", center=0.9)
    assert flags["small_sample"].tolist() == [True]
    assert flags["expected_unsatisfied"].iloc[0] == pytest.approx(4.9)


def test_funnel_overdispersed_limits_add_tau2():
    n = np.array([965, 900, 799, 664, 687, 1200, 1100, 640])
    x = np.array([953, 892, 785, 651, 678, 1110, 1090, 600])
    df = pd.DataFrame({"hall": list("ABCDEFGH"), "responses": n, "satisfied": x})
    diag = baseline.overdispersion(df, by="hall")
    assert diag["overdispersed"]
    out = baseline.funnel(df, "hall", overdispersion=True)
    theta = x.sum() / n.sum()
    z998 = stats.norm.ppf(0.999)
    expected = theta - z998 * np.sqrt(theta * (1 - theta) / n + diag["tau2"])
    np.testing.assert_allclose(out["lower_998"], np.clip(expected, 0, 1), atol=1e-12)
    assert out.attrs["method"] == "overdispersed"
    plain = baseline.funnel(df, "hall")
    assert out["outside"].sum() < plain["outside"].sum()   # fewer halls flagged


def test_funnel_errors():
    with pytest.raises(ValueError, match=r"method must be 'exact' or 'normal', got 'wald'"):
        baseline.funnel_limits([100], 0.9, method="wald")
    with pytest.raises(ValueError, match=r"center must be a proportion between 0 and 1"):
        baseline.funnel_limits([100], 90)
    with pytest.raises(DataError, match=r"needs responses and satisfied counts"):
        baseline.funnel(pd.DataFrame({"hall": ["A", "B"], "rate": [0.9, 0.8]}), "hall")


# =========================================================================== spread, ranking, lead
def test_spread_and_ranking():
    t = pd.DataFrame({"branch": ["贵阳", "遵义", "安顺", "毕节"],
                      "rate": [0.760, 0.742, 0.751, 0.760]})
    sp = baseline.spread(t, "branch")
    assert sp == {"best": "贵阳", "worst": "遵义", "best_value": 0.760, "worst_value": 0.742,
                  "spread": pytest.approx(0.018)}
    rk = baseline.ranking(t, "branch")
    assert rk["branch"].tolist() == ["毕节", "贵阳", "安顺", "遵义"]
    assert rk["rank"].tolist() == [1, 1, 3, 4]
    assert rk["gap_to_best"].tolist() == pytest.approx([0, 0, -0.009, -0.018])
    survey = pd.DataFrame({"hall": ["A", "A", "B"], "responses": [100, 100, 100],
                           "satisfied": [90, 96, 95]})
    assert baseline.spread(survey, "hall")["best"] == "B"   # pooled: A 93%, B 95%
    with pytest.raises(ValueError, match=r"several rows per hall; aggregate first"):
        baseline.spread(survey.assign(score=[1, 2, 3]), "hall", value="score")


def test_lead_reads_domain_table_without_counts():
    # DOMAIN.md §4: province own 74.7 vs competitor 55.0; 贵阳 76.0 vs 58.7
    df = pd.DataFrame({"branch": ["全省", "全省", "贵阳", "贵阳"],
                       "segment": ["own total", "competitor total"] * 2,
                       "rate": [0.747, 0.550, 0.760, 0.587]})
    res = baseline.lead(df, own="own total", competitor="competitor total")
    t = res.table.set_index("branch")
    assert t.loc["全省", "lead"] == pytest.approx(0.197)
    assert t.loc["贵阳", "lead"] == pytest.approx(0.173)
    assert t["meets_target"].all()
    assert t["ci_low"].isna().all()                       # no counts, no interval


def test_lead_on_sample_guizhou_table(sample_dir):
    from cxeval import data, sample

    df = data.load(sample_dir / "brand_survey.csv", "survey")
    res = baseline.lead(df, own=sample.OWN_SEGMENTS, competitor=sample.COMPETITOR_SEGMENTS,
                        target=sample.LEAD_TARGET)
    table = res.table.set_index("branch")
    assert sorted(table.index) == sorted(sample.GUIZHOU)
    # independent pooling with pandas
    own = df[df["segment"].isin(sample.OWN_SEGMENTS)].groupby("branch")[
        ["satisfied", "responses"]].sum()
    comp = df[df["segment"].isin(sample.COMPETITOR_SEGMENTS)].groupby("branch")[
        ["satisfied", "responses"]].sum()
    own_rate = own["satisfied"] / own["responses"]
    lead = own_rate - comp["satisfied"] / comp["responses"]
    assert table["lead"].to_dict() == pytest.approx(lead.to_dict(), abs=1e-12)
    # every branch is flagged against the 16 pp target
    assert table["meets_target"].to_dict() == (lead >= 0.16).to_dict()
    s = res.summary()
    assert s["spread"] == pytest.approx(own_rate.max() - own_rate.min(), abs=1e-12)
    assert s["spread"] == pytest.approx(s["best_value"] - s["worst_value"], abs=1e-15)
    assert s["best"] == own_rate.idxmax() and s["worst"] == own_rate.idxmin()
    assert s["n_branches"] == 9
    assert s["n_meeting_target"] == int((lead >= 0.16).sum())
    tot_own = own.sum()
    assert s["province_own_rate"] == pytest.approx(tot_own["satisfied"] / tot_own["responses"])
    # the lead interval is Newcombe's, checked in test_change_tests_against_closed_forms
    assert (table["ci_low"] < table["lead"]).all() and (table["lead"] < table["ci_high"]).all()
    assert "<table" in res._repr_html_()


def test_lead_errors_list_segments():
    df = pd.DataFrame({"branch": ["A", "A"], "segment": ["全球通", "C网"],
                       "responses": [100, 100], "satisfied": [80, 60]})
    with pytest.raises(ValueError, match=r"competitor segment\(s\) 'G网' not in the data; "
                                         r"segments there: C网, 全球通"):
        baseline.lead(df, own="全球通", competitor=["G网"])
    with pytest.raises(DataError, match=r"column\(s\) 'segment' not found"):
        baseline.lead(df.drop(columns="segment"), own="全球通", competitor="C网")


# =========================================================================== change
def newcombe_closed_form(x1, n1, x0, n0, z):
    l1, u1 = wilson_closed_form(x1, n1, z)
    l0, u0 = wilson_closed_form(x0, n0, z)
    p1, p0 = x1 / n1, x0 / n0
    d = p1 - p0
    return d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)


def test_change_tests_against_closed_forms():
    df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03", "2008-05"],
                       "responses": [1329, 1304, 1300, 1353],
                       "satisfied": [1231, 1196, 1252, 1267]})
    out = baseline.change(df)
    # April is missing, so May has no month-over-month comparison
    assert out["period"].tolist() == ["2008-02", "2008-03"]
    assert out["previous_period"].tolist() == ["2008-01", "2008-02"]
    row = out.iloc[1]
    x1, n1, x0, n0 = 1252, 1300, 1196, 1304
    pooled = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert row["z"] == pytest.approx(z, rel=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    low, high = newcombe_closed_form(x1, n1, x0, n0, stats.norm.ppf(0.975))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low, abs=1e-12),
                                               pytest.approx(high, abs=1e-12))
    assert bool(row["significant"]) and row["diff"] == pytest.approx(x1 / n1 - x0 / n0)


def test_change_year_over_year_by_unit_and_quarters():
    df = pd.DataFrame({"branch": ["A"] * 3 + ["B"] * 2,
                       "period": ["2005-Q2", "2006-Q1", "2006-Q2", "2005-Q2", "2006-Q2"],
                       "responses": [500] * 5, "satisfied": [350, 360, 380, 400, 402]})
    out = baseline.change(df, by="branch", compare="year")
    assert out[["branch", "period", "previous_period"]].values.tolist() == [
        ["A", "2006-Q2", "2005-Q2"], ["B", "2006-Q2", "2005-Q2"]]
    assert out["diff"].tolist() == pytest.approx([0.06, 0.004])
    assert out["significant"].tolist() == [True, False]
    with pytest.raises(ValueError, match=r"compare must be 'previous' or 'year', got 'month'"):
        baseline.change(df, compare="month")


# =========================================================================== status & sentences
def domain_counts() -> pd.DataFrame:
    # DOMAIN.md §1 潮安 rates (92.63, 91.72, 96.31) as counts of 300 answers a month
    return pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"], "branch": "潮安",
                         "responses": [300, 300, 300], "satisfied": [278, 275, 289]})


def test_domain_example_sentence_from_counts_and_from_rates():
    df = domain_counts()
    table = baseline.rates(df, "period")
    chart = baseline.p_chart(df)
    assert baseline.describe_baseline(table, chart, unit="潮安", target=0.95, lang="en") == \
        "潮安 was below 95% in 2 of 3 months; the March rise is within normal variation."
    assert baseline.describe_baseline(table, chart, unit="潮安", target=0.95, lang="zh") == \
        "潮安 3 个月中有 2 个月低于 95%；3月的上升在正常波动范围内。"
    rates_only = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
                               "rate": [0.9263, 0.9172, 0.9631]})
    assert baseline.describe_baseline(baseline.rates(rates_only, "period"), None, unit="潮安",
                                      target=0.95, lang="en") == \
        "潮安 was below 95% in 2 of 3 months; the March rise is within normal variation."


def test_describe_chart_names_signals():
    d = [4, 8, 3, 7, 5, 8, 4, 6, 3, 9, 5, 15]
    df = pd.DataFrame({"period": months(12, 2008), "responses": 100,
                       "satisfied": [100 - x for x in d]})
    chart = baseline.p_chart(df)
    assert baseline.describe_chart(chart, lang="en") == \
        "the December fall is a signal (below the lower control limit)"
    assert baseline.describe_chart(chart, lang="zh") == "12月的下降是异常信号（低于控制下限）"
    sig = baseline.signals(chart, lang="en")
    assert sig["period"].tolist() == ["2008-12"]
    assert sig["reason"].tolist() == ["below the lower control limit"]
    assert baseline.signals(chart)["reason"].tolist() == ["below_lcl"]


def test_status_headline_numbers():
    df = domain_counts()
    st = baseline.status(df, target=0.95)
    assert st["current_period"] == "2008-03"
    assert st["current_rate"] == pytest.approx(289 / 300)
    assert st["gap"] == pytest.approx(289 / 300 - 0.95)
    assert (st["periods_below"], st["n_periods"], st["stable"]) == (2, 3, True)
    assert baseline.describe_status(st, unit="潮安", lang="en") == (
        "潮安: 96.3% in March 2008, +1.3 pp against the 95% target; below target in 2 of 3 "
        "months; stable: only common-cause variation.")
    assert baseline.describe_status(st, unit="潮安", lang="zh") == (
        "潮安：2008年3月满意度 96.3%，与 95% 目标相差 +1.3 pp；3 期中有 2 期低于目标；"
        "过程稳定：只有随机波动。")


def test_describe_funnel_lead_and_change():
    df = pd.DataFrame({"hall": list("ABC"), "responses": [200, 300, 250],
                       "satisfied": [190, 281, 200]})
    assert baseline.describe_funnel(baseline.funnel(df, "hall"), lang="zh") == (
        "3 个营业厅中，C低于 99.8% 控制限：确有差距，不是偶然；其余营业厅在控制限内。")
    brands = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["own", "rival"] * 2,
                           "responses": [500] * 4, "satisfied": [380, 290, 370, 300]})
    res = baseline.lead(brands, own="own", competitor="rival")
    assert baseline.describe_lead(res, lang="en") == (
        "Province: own brands 75.0%, competitor 59.0%, lead +16.0 pp; best A (76.0%), worst B "
        "(74.0%), spread 2.0 pp; 1 of 2 branches meet the 16 pp lead target; not met: B.")
    ch = baseline.change(domain_counts())
    assert baseline.describe_change(ch, lang="en") == (
        "March 2008 against February 2008: +4.7 pp, more than sampling noise (p = 0.016).")
    assert baseline.describe_change(ch.iloc[:0], lang="en") == \
        "There is no earlier period to compare with."
    small = baseline.small_samples(pd.DataFrame({"hall": ["A", "B"], "period": "2008-01",
                                                 "responses": [40, 400], "satisfied": [38, 380]}),
                                   ["hall", "period"], center=0.95)
    assert baseline.describe_small_samples(small, lang="en") == (
        "1 of 2 hall-months have fewer than 5 expected answers on one side (A·2008-01): their "
        "rates are too uncertain to read alone.")
    diag = baseline.overdispersion(domain_counts())
    assert baseline.describe_dispersion(diag, lang="en").startswith(
        f"Month-to-month variation is consistent with sampling error (ratio {diag['ratio']:.1f}")


def test_table_formats_and_labels():
    formats = baseline.table_formats("zh")
    assert formats["rate"] == "pct" and formats["ci_low"] == "pct"
    assert formats["meets_target"](True) == "是" and formats["meets_target"](pd.NA) == "–"
    assert baseline.table_formats("en", ci="pp")["ci_high"] == "pp"
    assert baseline.column_labels("zh")["clearly_below"] == "确定低于目标"
    with pytest.raises(ValueError, match=r"ci must be 'pct' or 'pp', got 'p'"):
        baseline.table_formats(ci="p")


def test_headline_and_key_numbers():
    df = domain_counts()
    st = baseline.status(df, target=0.95)
    below = baseline.below_target(df.assign(hall=["A", "B", "C"]), "hall", target=0.95)
    html = baseline.headline(st, unit="潮安", below=below, lang="en")._repr_html_()
    assert "96.3%" in html and "+1.3 pp" in html and "Halls below target" in html
    nums = baseline.key_numbers(st, below=below, unit="潮安")
    assert nums["current_rate"] == pytest.approx(289 / 300)
    # 275/300: Wilson upper limit 94.3% < 95%; 278/300: 95.1%, so only one is clearly below
    assert (nums["n_halls_below_target"], nums["n_halls_clearly_below"]) == (2, 1)
    assert nums["stable"] is True and nums["lead"] is None


def test_run_chart_for_rates_without_counts():
    df = pd.DataFrame({"period": months(12, 2008),
                       "rate": [0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99,
                                0.985, 0.995]})
    chart = baseline.run_chart(df)
    assert list(chart.columns[:8]) == CONTRACT_P
    assert chart["center"].iloc[0] == pytest.approx(np.median(df["rate"]))
    assert chart["lcl"].isna().all() and chart["ucl"].isna().all()
    res = baseline.run_signals(df["rate"])
    # 6 below then 6 above the median: 12 useful points allow a run of 7, so no long run,
    # but 1 crossing < qbinom(0.05, 11, 0.5) = 3: a shift
    assert (res["longest_run"], res["crossings"], res["crossings_min"]) == (6, 1, 3)
    assert chart["few_crossings"].all() and not chart["signal"].any()
    assert baseline.describe_chart(chart, lang="en") == (
        "the December rise is within normal variation; the series crosses its centre line too "
        "rarely: a sustained shift")


def test_assess_gathers_the_baseline_of_a_branch():
    rng = np.random.default_rng(11)
    rows = [(f"2008-{m:02d}", "潮安", hall, 300, int(rng.binomial(300, 0.93 + 0.01 * h)))
            for m in range(1, 13) for h, hall in enumerate(["庵埠", "彩塘", "金石"])]
    df = pd.DataFrame(rows, columns=["period", "branch", "hall", "responses", "satisfied"])
    a = baseline.assess(df, target=0.95)
    pd.testing.assert_frame_equal(a.monthly, baseline.rates(df, "period", target=0.95))
    laney = baseline.overdispersion(df)["overdispersed"]
    pd.testing.assert_frame_equal(a.chart, baseline.p_chart(df, laney=laney))
    assert a.chart_kind == ("laney" if laney else "p")
    last3 = df[df["period"].isin(["2008-10", "2008-11", "2008-12"])]
    pd.testing.assert_frame_equal(a.below, baseline.below_target(last3, "hall", target=0.95))
    assert sorted(a.halls["hall"]) == ["庵埠", "彩塘", "金石"]
    assert a.summary()["current_rate"] == a.status["current_rate"]
    assert "潮安" in a._repr_html_()
    rates_only = baseline.assess(pd.DataFrame({"period": months(3, 2008), "branch": "潮安",
                                               "rate": [0.9263, 0.9172, 0.9631]}))
    assert rates_only.chart_kind == "run" and rates_only.dispersion is None
    assert rates_only.halls is None
    assert (rates_only.status["chart"], rates_only.status["stable"]) == ("run", True)
    with pytest.raises(DataError, match=r"there are no survey rows to assess"):
        baseline.assess(df.iloc[:0])


def test_period_labels():
    assert baseline.period_label("2008-03", "zh") == "2008年3月"
    assert baseline.period_label("2008-03", "en", with_year=False) == "March"
    assert baseline.period_label("2006-Q2", "zh") == "2006年第2季度"
    assert baseline.period_label("2006-Q2", "en") == "Q2 2006"
    with pytest.raises(ValueError, match=r"lang must be 'zh' or 'en', got 'fr'"):
        baseline.period_label("2008-03", "fr")


def test_recent_keeps_latest_periods():
    df = pd.DataFrame({"period": ["2008-11", "2008-12", "2008-10", "2008-09"], "x": range(4)})
    out = baseline.recent(df, periods=2)
    assert out.attrs["periods"] == ["2008-11", "2008-12"]
    assert sorted(out["period"]) == ["2008-11", "2008-12"]
    with pytest.raises(ValueError, match=r"periods must be a whole number >= 1, got 0"):
        baseline.recent(df, periods=0)


def test_docstring_examples_run():
    from cxeval.baseline import assessment, brands, control, funnels, tables
    from cxeval.report import baseline as baseline_report
    from cxeval.text import baseline as baseline_text

    for module in (tables, control, funnels, brands, assessment, baseline_text, baseline_report):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_freeze_fixes_limits_on_the_baseline_and_flags_the_later_rise():
    """Hand-checkable: 6 baseline months at 90% of 400, then 3 months at 99% of 400.

    Frozen on the baseline, p-bar = 0.90 and the limits are 0.90 +/- 3*sqrt(0.9*0.1/400)
    = 0.855 and 0.945; the later months (0.99) are above the UCL. Over the whole series the
    centre moves to 0.93 and the limits widen, so fewer months signal.
    """
    rows = [{"period": f"2008-{m:02d}", "responses": 400, "satisfied": 360} for m in range(1, 7)]
    rows += [{"period": f"2008-{m:02d}", "responses": 400, "satisfied": 396} for m in range(7, 10)]
    df = pd.DataFrame(rows).assign(branch="A")
    st = baseline.status(df, freeze="2008-06")
    assert st["laney"] is False and st["stable"] is False and st["n_signals"] >= 3
    chart = baseline.assess(df, freeze="2008-06").chart
    assert chart["center"].iloc[-1] == pytest.approx(0.90)
    assert chart["ucl"].iloc[-1] == pytest.approx(0.90 + 3 * (0.9 * 0.1 / 400) ** 0.5)
    assert chart["signal"].iloc[6:].all()
    # a freeze with nothing after it is ignored
    assert baseline.status(df, freeze="2008-12") == baseline.status(df)


def test_index_entry_status_from_target_stability_and_noise():
    # DOMAIN.md §1 潮安 counts: latest month 289/300 = 96.3% >= 95%, no signal (stable)
    st = baseline.status(domain_counts(), target=0.95)
    assert st["stable"] is True
    assert baseline.index_entry(st) == {"headline": "96.3%（目标 95%）", "headline_en": "96.3% (target 95%)",
                                        "status": "good"}
    # Hand-made status dicts: the rule reads meets_target, stable and the interval's upper end.
    meets = {"current_rate": 0.987, "target": 0.95, "meets_target": True, "ci_high": 0.992, "stable": True}
    assert baseline.index_entry(meets) == {"headline": "98.7%（目标 95%）", "headline_en": "98.7% (target 95%)",
                                           "status": "good"}
    assert baseline.index_entry({**meets, "stable": False})["status"] == "warn"   # special causes
    # A signal above the centre line is the improvement the project wanted: not a warning.
    assert baseline.index_entry({**meets, "stable": False, "signals_above": ["2008-10"],
                                 "signals_below": []})["status"] == "good"
    fell = baseline.index_entry({**meets, "stable": False, "signals_above": [], "signals_below": ["2008-10"]})
    assert (fell["status"], fell["reason"]) == ("warn", "过程不稳定：2008-10 信号（低于中心线）")
    # 283/300 = 94.3%: Wilson upper limit 96.1% reaches 95% -> a miss within noise
    within = {"current_rate": 283 / 300, "target": 0.95, "meets_target": False,
              "ci_high": baseline.rates(pd.DataFrame({"period": ["m"], "responses": [300], "satisfied": [283]}),
                                        "period")["ci_high"].iloc[0], "stable": True}
    assert within["ci_high"] > 0.95
    assert baseline.index_entry({**within, "current_period": "2008-12"}) == {
        "headline": "94.3%（目标 95%）", "headline_en": "94.3% (target 95%)", "status": "warn",
        "reason": "2008-12 未达目标，但差距在抽样误差之内", "reason_en": "2008-12 below the target, within sampling noise"}
    # 270/300 = 90.0%: the whole interval is under 95% -> bad, stable or not
    clearly = {"current_rate": 0.9, "target": 0.95, "meets_target": False, "ci_high": 0.928, "stable": True}
    assert baseline.index_entry(clearly)["status"] == "bad"
    assert baseline.index_entry(clearly)["reason_en"].endswith("clearly below the target (the whole interval under it)")
    assert baseline.index_entry({**meets, "target": 0.955})["headline_en"] == "98.7% (target 95.5%)"
    assert baseline.index_entry(None) == {"headline": "无满意度数据", "headline_en": "no survey data",
                                          "status": "none"}


def test_branch_lead_says_why_there_is_no_lead():
    """A report's lead section: the lead when it can be computed, else what is missing."""
    from cxeval.text.baseline import describe_lead_missing

    df = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["本网", "友商"] * 2,
                       "responses": [500] * 4, "satisfied": [450, 400, 440, 420]})
    result, missing = baseline.branch_lead(df, branch="A", own="本网", competitor="友商", target=0.05)
    assert missing is None
    row = result.table.set_index("branch").loc["A"]
    assert row["lead"] == pytest.approx(450 / 500 - 400 / 500)            # 0.90 - 0.80, by hand
    assert bool(row["meets_target"])
    assert baseline.branch_lead(None, branch="A", own="本网", competitor="友商") == (None, {"reason": "no_survey"})
    assert baseline.branch_lead(df, branch="C", own="本网", competitor="友商") == (None, {"reason": "no_branch"})
    _, missing = baseline.branch_lead(df, branch="A", own=["全球通", "本网"], competitor="联通")
    assert missing == {"reason": "segments", "own_missing": ["全球通"], "competitor_missing": ["联通"],
                       "available": ["友商", "本网"]}
    assert describe_lead_missing(missing, branch="A") == (
        "A 的领先幅度未计算：品牌调查中没有细分 本品牌 全球通；竞争对手 联通；调查中的细分为 友商、本网。"
        "请在运行计划的参数 own_segments 和 competitor_segments 中写明。")
    assert "no rows for C" in describe_lead_missing({"reason": "no_branch"}, branch="C", lang="en")
