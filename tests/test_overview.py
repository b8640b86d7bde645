"""cxeval.overview (the run's overview numbers) and cxeval.text.overview (its sentences).

Reference values are DOMAIN.md's tables and hand calculations on tiny frames.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxeval import data, kpi, overview, sample
from cxeval.errors import NotApplicable
from cxeval.text import overview as words
from conftest import CONFIGS


@pytest.fixture(scope="module")
def survey(sample_dir):
    return data.load(sample_dir / "hall_survey.csv", "survey")


@pytest.fixture(scope="module")
def tickets(sample_dir):
    return data.load(sample_dir / "tickets.parquet", "tickets")


# --------------------------------------------------------------------------- satisfaction
def test_branch_by_month_reproduces_the_chaozhou_table(survey):
    table = overview.satisfaction_by_month(survey, branches=["市区", "潮安", "饶平"], target=0.95)
    grid = overview.satisfaction_grid(table)
    assert grid["branch"].tolist() == ["市区", "潮安", "饶平"]          # the run's order
    assert [c for c in grid.columns if c != "branch"] == [f"2008-{m:02d}" for m in range(1, 13)]
    shown = (grid.set_index("branch")[["2008-01", "2008-02", "2008-03"]] * 100).round(2)
    # DOMAIN.md §1 (the slide lists Mar, Feb, Jan; read as Jan, Feb, Mar)
    assert shown.loc["潮安"].tolist() == [92.63, 91.72, 96.31]
    assert shown.loc["饶平"].tolist() == [91.39, 91.72, 92.31]
    assert shown.loc["市区"].tolist() == [94.50, 94.54, 97.31]
    # pooled by hand: Σ satisfied / Σ responses of the halls
    rows = survey[(survey["branch"] == "潮安") & (survey["period"] == "2008-02")]
    assert grid.set_index("branch").loc["潮安", "2008-02"] == pytest.approx(
        rows["satisfied"].sum() / rows["responses"].sum(), abs=1e-12)


def test_target_status_says_met_below_or_within_noise():
    table = pd.DataFrame({
        "branch": ["A", "A", "B", "C"], "period": ["2008-11", "2008-12", "2008-12", "2008-12"],
        "rate": [0.90, 0.96, 0.90, 0.94], "ci_low": [0.88, 0.95, 0.88, 0.92], "ci_high": [0.92, 0.97, 0.92, 0.96]})
    st = overview.target_status(table, target=0.95).set_index("branch")
    assert st["status"].to_dict() == {"A": "met", "B": "below", "C": "watch"}
    assert (st.loc["A", "months"], st.loc["A", "months_met"], st.loc["A", "period"]) == (2, 1, "2008-12")
    assert st.loc["B", "gap_to_target"] == pytest.approx(-0.05)


def test_movers_are_the_largest_changes_of_the_latest_month():
    rows = []
    for branch, (before, after) in {"A": (900, 950), "B": (900, 880), "C": (900, 905), "D": (900, 830)}.items():
        rows += [{"branch": branch, "period": "2008-11", "responses": 1000, "satisfied": before},
                 {"branch": branch, "period": "2008-12", "responses": 1000, "satisfied": after}]
    moved = overview.movers(pd.DataFrame(rows), n=3)
    assert moved["branch"].tolist() == ["D", "A", "B"]                # |−7.0|, |+5.0|, |−2.0| pp
    assert moved["diff"].tolist() == pytest.approx([-0.07, 0.05, -0.02])
    assert moved["significant"].tolist() == [True, True, False]
    assert overview.movers(pd.DataFrame(rows), branches=["B", "C"], n=3)["branch"].tolist() == ["B", "C"]


# --------------------------------------------------------------------------- scorecards
def test_quarterly_points_are_the_documents(sample_dir):
    card = kpi.Scorecard.from_yaml(CONFIGS / "guizhou_2006_quarterly.yaml")
    scores = data.load(sample_dir / "kpi_scores.csv", "scores")
    scored, totals = overview.scorecard_standings(card, scores, units=["毕节", "黔东南"])
    table = overview.quarterly_table(card, scored, totals).set_index("unit")
    assert table.index.tolist() == ["毕节", "黔东南"]
    # DOMAIN.md §4: 黔东南 12.0 → 1.8, 16.4 → 2.87, 17.2 → 3.01; third-party 7.7; 毕节 8.5
    row = table.loc["黔东南"]
    assert [row["2006-Q2 score"], row["2006-Q3 score"], row["2006-Q4 score"]] == [12.0, 16.4, 17.2]
    assert [row["2006-Q2 points"], row["2006-Q3 points"], row["2006-Q4 points"]] == pytest.approx(
        [12.0 / 20 * 3, 16.4 / 20 * 3.5, 17.2 / 20 * 3.5])
    assert (row["third_party"], table.loc["毕节", "third_party"]) == (7.7, 8.5)
    # ranks are among all nine units, not among the two shown
    everyone = card.totals(card.score(scores)).set_index("unit")["rank"]
    assert table["rank"].to_dict() == {u: everyone[u] for u in ("毕节", "黔东南")}


def test_annual_kpi_is_19_5_and_12_98_with_no_zero_for_items_outside_a_year(sample_dir):
    card = kpi.Scorecard.from_yaml(CONFIGS / "guizhou_2006_kpi.yaml")
    scored, totals = overview.scorecard_standings(card, data.load(sample_dir / "kpi_annual.csv", "scores"))
    table = overview.annual_table(card, scored, totals).set_index("label")
    assert table.loc["total", "2006 points"] == 19.5 and table.loc["total", "2005 points"] == 12.98
    assert table.loc["total", "2006 max"] == 20
    assert math.isnan(table.loc["缴费", "2006 points"]) and math.isnan(table.loc["品牌认知", "2005 points"])
    assert table.loc["新业务", "2005 max"] == 4 and table.loc["新业务", "2006 max"] == 2
    assert words.annual_sentence(totals, card=card) == "贵州移动：2005 年 12.98 分，2006 年 19.5 分（满分 20），提高 6.52 分。"


# --------------------------------------------------------------------------- complaints
def test_campaign_province_baseline_is_3428_and_748(tickets, configs_dir):
    actual, result = overview.campaign_province(tickets, configs_dir / "sla.yaml")
    july = actual.set_index("period").loc["2010-07"]
    assert (july["repeat_5"], july["repeat_10"]) == (3428, 748)
    # by hand: complaints in July from customers with >= 5 complaints in July
    month = tickets[tickets["opened_at"].dt.strftime("%Y-%m") == "2010-07"]
    per_customer = month.groupby("customer_id").size()
    assert per_customer[per_customer >= 5].sum() == 3428 and per_customer[per_customer >= 10].sum() == 748
    status = overview.campaign_status(result, configs_dir / "sla.yaml")
    assert "fcr" not in set(status["target"])                  # relative to the province itself
    assert set(status["target"]) == {"repeat_5", "repeat_10", "escalated_on_time", "self_handled_on_time",
                                     "quality_pass"}
    assert overview.campaign_province(None, configs_dir / "sla.yaml") == (None, None)


def test_fcr_by_branch_against_province_plus_five_points():
    t = pd.DataFrame({
        "branch": ["A"] * 4 + ["B"] * 4 + ["A"],
        "opened_at": pd.to_datetime(["2010-11-02"] * 8 + ["2010-10-01"]),
        "escalated": [False, False, False, True, False, False, False, False, False],
        "first_contact_resolved": [True, True, True, False, True, False, False, False, True]})
    fcr = overview.fcr_by_branch(t, branches=["B", "A"]).set_index("branch")
    assert fcr.index.tolist() == ["B", "A"] and (fcr["period"] == "2010-11").all()
    # self-handled only: A 3/3, B 1/4; province 4/7
    assert fcr.loc["A", "fcr"] == 1.0 and fcr.loc["B", "fcr"] == 0.25
    assert fcr.loc["A", "provincial_fcr"] == pytest.approx(4 / 7)
    assert fcr.loc["A", "goal"] == pytest.approx(4 / 7 + 0.05)
    assert fcr["met"].to_dict() == {"B": False, "A": True}
    assert overview.fcr_by_branch(t, period="2010-10").loc[0, "goal"] == 1.0   # capped at 100%


# --------------------------------------------------------------------------- pilots and lead
def test_pilot_verdicts_for_the_declared_pilots_of_the_run(survey, sample_dir):
    from cxeval import pilot

    pilots = data.load(sample_dir / "pilots.csv", "pilots")
    verdicts = overview.pilot_verdicts(survey, pilots, branches=["潮安", "贵阳"])
    assert verdicts["branch"].tolist() == ["潮安"]
    row = verdicts.iloc[0]
    evaluation = pilot.evaluate(pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-08",
                                                   rollout_start="2008-09"))
    assert row["did_effect"] == pytest.approx(evaluation.did.effect, abs=1e-12)
    assert (row["pilot_hall"], row["status"], row["held"]) == ("庵埠", "good", True)
    assert overview.pilot_verdicts(survey, pilots, branches=["贵阳"]).empty


def test_spread_is_8_2_and_nanan_leads_by_15_5(sample_dir):
    brands = data.load(sample_dir / "brand_survey.csv", "survey")
    lead = overview.lead_standings(brands, own=sample.OWN_SEGMENTS, competitor=sample.COMPETITOR_SEGMENTS)
    s = lead.summary()
    assert (s["best"], s["worst"], round(s["spread"] * 100, 1)) == ("黔西南", "黔南", 8.2)
    assert (round(s["best_value"] * 100, 1), round(s["worst_value"] * 100, 1)) == (78.6, 70.4)
    assert s["below_target"] == ["黔南"]
    grid = overview.brand_grid(brands, own=sample.OWN_SEGMENTS, competitor=sample.COMPETITOR_SEGMENTS)
    assert grid["branch"].tolist() == [*sample.GUIZHOU, "全部 All"]
    shown = (grid.set_index("branch") * 100).round(1)
    assert (shown.loc["贵阳", "own"], shown.loc["贵阳", "competitor"]) == (76.0, 58.7)    # DOMAIN.md §4
    assert (shown.loc["全部 All", "own"], shown.loc["全部 All", "competitor"]) == (74.7, 55.0)
    own = brands[brands["segment"].isin(sample.OWN_SEGMENTS)]
    assert grid.iloc[-1]["own"] == pytest.approx(own["satisfied"].sum() / own["responses"].sum(), abs=1e-12)
    sentence = words.lead_sentence(lead)
    assert "相差 8.2 个百分点" in sentence and "黔南 15.5 个百分点" in sentence


# --------------------------------------------------------------------------- risks, digest, sidecar
def _risk_inputs():
    status = pd.DataFrame({"branch": ["A", "B", "C"], "period": "2008-12", "rate": [0.96, 0.90, 0.94],
                           "target": 0.95, "gap_to_target": [0.01, -0.05, -0.01], "status": ["met", "below", "watch"]})
    campaign = pd.DataFrame({"target": ["repeat_5", "quality_pass"], "kind": ["reduce", "at_least"],
                             "period": "2010-11", "actual": [400.0, 0.97], "goal": [342.8, 1.0],
                             "status": ["off_track", "off_track"]})
    fcr = pd.DataFrame({"branch": ["A", "B"], "period": "2010-11", "fcr": [0.95, 0.80], "goal": 0.90,
                        "gap": [0.05, -0.10], "met": [True, False]})
    return status, campaign, fcr


def test_risks_list_every_miss_with_a_negative_gap():
    status, campaign, fcr = _risk_inputs()
    risk = overview.risks(status=status, campaign=campaign, fcr=fcr)
    assert list(zip(risk["kind"], risk["subject"])) == [("satisfaction", "B"), ("satisfaction", "C"),
                                                        ("campaign", "repeat_5"), ("campaign", "quality_pass"),
                                                        ("fcr", "B")]
    assert (risk["gap"] < 0).all()
    assert risk.loc[2, "gap"] == pytest.approx(342.8 - 400)          # a count above its trajectory
    assert risk["severity"].tolist() == ["bad", "warn", "bad", "bad", "bad"]
    assert risk["measure"].tolist() == ["rate", "rate", "count", "rate", "rate"]
    assert overview.risks().empty
    zero = {"kind": "campaign", "subject": "repeat_10", "period": "2010-11", "value": 3.0, "goal": 0.0,
            "gap": -3.0, "measure": "count", "severity": "bad"}
    assert words.risk_sentence(zero, lang="en") == 'Campaign target "repeat_10": 3 in 2010-11 against 0, off track.'


def test_digest_and_index_entry_are_generated_from_the_numbers():
    status, campaign, fcr = _risk_inputs()
    risk = overview.risks(status=status, campaign=campaign, fcr=fcr)
    moved = pd.DataFrame({"branch": ["D"], "period": ["2008-12"], "previous_period": ["2008-11"], "rate": [0.83],
                          "previous_rate": [0.90], "diff": [-0.07], "significant": [True]})
    lines = words.digest(moved, risk, lang="zh", labels={"repeat_5": ("重复投诉（≥5次）", "Repeat 5+")}, max_risks=3)
    assert lines[1] == "D 从 2008-11 到 2008-12 下降 7.0 个百分点（90.0% → 83.0%），超出抽样误差。"
    assert lines[2] == "风险（5 项）："
    assert lines[3] == "B 2008-12 满意度 90.0%，比 95% 目标低 5.0 个百分点（差距超出抽样误差）。"
    assert "活动目标「重复投诉（≥5次）」2010-11 为 400，目标 343，进度落后。" in lines
    assert lines[-1] == "另有 2 项，见下文各节。"
    entry = words.index_entry(n_branches=3, status=status, risk=risk, target=0.95)
    assert entry["headline"] == "3 个分公司并列比较：1/3 满意度达 95%，5 项风险"
    assert entry["status"] == "bad" and entry["reason_en"].startswith("4 targets clearly missed")
    calm = words.index_entry(n_branches=3, status=status, risk=risk[risk["severity"] == "warn"], target=0.95)
    assert calm["status"] == "warn"
    assert words.digest(moved.iloc[:0], overview.risks(), lang="en") == ["Risks: no target is missed."]


def test_key_numbers_and_nothing_at_all(survey):
    table = overview.satisfaction_by_month(survey, branches=["潮安"])
    numbers = overview.key_numbers(grid=overview.satisfaction_grid(table),
                                   status=overview.target_status(table, target=0.95))
    assert numbers["satisfaction"]["潮安"]["2008-01"] == 92.63
    assert numbers["sections"] == {"satisfaction": True, "kpi": False, "annual_kpi": False, "campaign": False,
                                   "fcr": False, "pilots": False, "lead": False}
    with pytest.raises(NotApplicable, match="没有任何可供比较的数据"):
        overview.require_inputs(survey=None, tickets=pd.DataFrame())
    assert words.missing_section("campaign", lang="zh") == "不适用：本次运行没有投诉工单。"


def test_heat_map_draws_every_figure_readably(survey):
    import matplotlib.colors as mcolors

    from cxeval import plots

    plots.theme()
    table = overview.satisfaction_by_month(survey, target=0.95)
    ax = plots.plot_satisfaction_heatmap(table, target=0.95, lang="en")
    texts = ax.texts
    assert len(texts) == len(table)                                       # one figure per branch and month
    assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(table["branch"]))
    image = ax.images[0]
    for text in texts:
        x, y = text.get_position()
        cell = image.cmap(image.norm(image.get_array()[int(round(y)), int(round(x))]))
        luminance = 0.2126 * cell[0] + 0.7152 * cell[1] + 0.0722 * cell[2]
        ink = mcolors.to_rgb(text.get_color())
        ink_luminance = 0.2126 * ink[0] + 0.7152 * ink[1] + 0.0722 * ink[2]
        assert abs(luminance - ink_luminance) > 0.3, text.get_text()       # contrast with its cell
