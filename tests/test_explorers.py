"""The explorers of notebooks 02-05, driven with widget values and no browser.

Counts are derived by hand from small purpose-built frames; the statistics are the
library's own (tested against references in their modules), so here a view must equal the
library called on the selection the widgets describe.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cxeval import complaints, kpi, pareto, pilot, plots
from cxeval.explorers import _base
from cxeval.explorers import complaints as xc
from cxeval.explorers import kpi as xk
from cxeval.explorers import pareto as xp
from cxeval.explorers import pilot as xpi


@pytest.fixture(autouse=True)
def cjk_theme():
    plots.theme()


# --------------------------------------------------------------------------- shared
def test_month_ranges():
    assert _base.month_range("2010-Q4") == ("2010-10", "2010-12")
    months = ["2010-01", "2010-02", "2010-03"]
    assert _base.months_between(months, "2010-02", "2010-03") == ["2010-02", "2010-03"]
    with pytest.raises(ValueError, match=r"the first month \(2010-03\) comes after the last \(2010-01\)"):
        _base.months_between(months, "2010-03", "2010-01")
    with pytest.raises(ValueError, match="last month must be one of 2010-01, 2010-02, 2010-03 … 2010-03, got '2011-01'"):
        _base.months_between(months, "2010-01", "2011-01")


# --------------------------------------------------------------------------- 02 Pareto
@pytest.fixture
def tickets() -> pd.DataFrame:
    """潮安: July 6 billing + 3 signal + 1 hall; October 2 billing + 4 signal; 饶平: 5 July."""
    rows = []
    def add(branch, day, category, network, channel, n):
        rows.extend([(branch, pd.Timestamp(day), category, network, channel)] * n)
    add("潮安", "2010-07-03 10:00", "计费账单", "support", "1001热线", 6)
    add("潮安", "2010-07-31 23:59", "信号覆盖", "product", "营业厅", 3)
    add("潮安", "2010-07-15 09:00", "营业厅服务", "channel", "营业厅", 1)
    add("潮安", "2010-10-01 00:00", "计费账单", "support", "1001热线", 2)
    add("潮安", "2010-10-20 12:00", "信号覆盖", "product", "网上营业厅", 4)
    add("潮安", "2010-08-02 12:00", "信号覆盖", "product", "1001热线", 7)
    add("饶平", "2010-07-05 12:00", "计费账单", "support", "1001热线", 5)
    return pd.DataFrame(rows, columns=["branch", "opened_at", "category", "network", "channel"])


def test_pareto_menus_and_selection(tickets):
    assert xp.branch_options(tickets) == ["潮安", "饶平"]
    assert xp.month_options(tickets) == ["2010-07", "2010-08", "2010-10"]
    assert [v for _, v in xp.dimension_options(tickets, lang="en")] == ["category", "network", "channel"]
    assert len(xp.select(tickets, branch="潮安", months=("2010-07", "2010-07"))) == 10
    assert len(xp.select(tickets, branch="潮安", months=("2010-07", "2010-08"))) == 17
    # one month selects what select_tickets selects (the 31st at 23:59 is in July)
    pd.testing.assert_frame_equal(xp.select(tickets, branch="潮安", months=("2010-07", "2010-07")),
                                  pareto.select_tickets(tickets, branch="潮安", period="2010-07"))
    assert xp.settings(period_before="2010-Q3", period_after="2010-10") == {
        "before": ("2010-07", "2010-09"), "after": ("2010-10", "2010-10"), "threshold": 0.8}


def test_pareto_view_by_each_dimension(tickets):
    res = xp.view(tickets, branch="潮安", before=("2010-07", "2010-07"), after=("2010-10", "2010-10"),
                  labels={"category": {"计费账单": "Billing"}}, lang="en")
    table = res["table"].set_index("category")
    assert table["count"].to_dict() == {"Billing": 6, "信号覆盖": 3, "营业厅服务": 1}
    assert table["percent"].tolist() == pytest.approx([60.0, 30.0, 10.0])
    assert res["vital"]["categories"] == ["Billing", "信号覆盖"]     # 60% + 30% reaches 80%
    shift = res["shift"].table.set_index("category")
    assert (res["shift"].n_before, res["shift"].n_after) == (10, 6)
    assert shift.loc["Billing", "after_share"] == pytest.approx(2 / 6)
    assert isinstance(res["figure"], Figure)
    assert res["sentence"].startswith("2 of 3 sub-items (67%) make up 90.0% of 10 tickets")
    by_network = xp.view(tickets, branch="潮安", by="network", before=("2010-07", "2010-08"),
                         after=("2010-10", "2010-10"))
    assert by_network["table"].set_index("category")["count"].to_dict() == {
        "product": 10, "support": 6, "channel": 1}
    by_channel = xp.view(tickets, branch="潮安", by="channel", before=("2010-07", "2010-07"),
                         after=("2010-10", "2010-10"))
    assert set(by_channel["shift"].table["category"]) == {"1001热线", "营业厅", "网上营业厅"}
    with pytest.raises(ValueError, match="by must be one of category, network, channel, got 'hall'"):
        xp.view(tickets, branch="潮安", by="hall", before=("2010-07", "2010-07"), after=("2010-10", "2010-10"))


def test_pareto_view_of_an_empty_range_says_so(tickets):
    res = xp.view(tickets, branch="饶平", before=("2010-10", "2010-10"), after=("2010-07", "2010-07"), lang="en")
    assert res["sentence"] == "饶平 has no tickets in 2010-10."
    assert res["table"]["count"].sum() == 0


def test_pareto_explorer_widgets_drive_the_view(tickets):
    ex = xp.ParetoExplorer(tickets, branch="潮安", before=("2010-07", "2010-07"), after=("2010-10", "2010-10"),
                           lang="en")
    assert ex.values() == {"branch": "潮安", "by": "category", "before": ("2010-07", "2010-07"),
                           "after": ("2010-10", "2010-10")}
    assert ex.result["shift"].n_after == 6
    ex.by.value = "network"
    assert set(ex.result["table"]["category"]) == {"support", "product", "channel"}
    ex.after.value = ("2010-08", "2010-10")
    assert ex.result["shift"].n_after == 13
    ex.branch.value = "饶平"
    assert ex.result["table"]["count"].sum() == 5
    assert ex.widget.children[-1] is ex.output
    with pytest.raises(ValueError, match="branch must be one of 潮安, 饶平, got '市区'"):
        xp.ParetoExplorer(tickets, branch="市区", before=("2010-07", "2010-07"), after=("2010-10", "2010-10"))


# --------------------------------------------------------------------------- 03 pilot
@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """潮安 with a pilot hall (+4 pp from 2008-05) and two more halls; two comparison branches."""
    rng = np.random.default_rng(11)
    rows = []
    halls = {"潮安": ["庵埠", "彩塘", "金石"], "饶平": ["黄冈", "钱东"], "市区": ["西湖", "太平"]}
    for branch, names in halls.items():
        for hall in names:
            for month in range(1, 9):
                p = 0.90 + 0.005 * month + (0.04 if (hall == "庵埠" and month >= 5) else 0)
                rows.append((f"2008-{month:02d}", branch, hall, 400, int(rng.binomial(400, p))))
    return pd.DataFrame(rows, columns=["period", "branch", "hall", "responses", "satisfied"])


def test_pilot_menus_and_settings(survey):
    assert xpi.hall_options(survey, "潮安") == ["庵埠", "彩塘", "金石"]
    options = xpi.comparison_options(survey, "潮安")
    assert [label for label, _ in options] == ["市区 · 太平", "市区 · 西湖", "饶平 · 钱东", "饶平 · 黄冈"]
    declared = {"pilot_hall": "庵埠", "pilot_start": "2008-05", "rollout_start": None, "source": "register"}
    st = xpi.settings(survey, declared, branch="潮安")
    assert st["rollout_start"] == xpi.NO_ROLLOUT and len(st["comparison"]) == 4
    assert xpi.month_options(survey)[0] == "2008-01"


def test_pilot_view_equals_the_library_and_follows_the_comparison(survey):
    every = tuple(v for _, v in xpi.comparison_options(survey, "潮安"))
    res = xpi.view(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-05", comparison=every, lang="en")
    expected = pilot.evaluate(pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-05"))
    pd.testing.assert_frame_equal(res["methods"], expected.methods("en"))
    assert res["sentence"] == expected.verdict("en")
    # only 饶平's halls as comparison: the library on the survey without 市区
    only = (("饶平", "钱东"), ("饶平", "黄冈"))
    res2 = xpi.view(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-05", comparison=only)
    fewer = pilot.evaluate(pilot.pilot_design(survey[survey["branch"] != "市区"], branch="潮安",
                                              pilot_hall="庵埠", pilot_start="2008-05"))
    assert res2["evaluation"].did.effect == pytest.approx(fewer.did.effect, abs=1e-12)
    assert res2["evaluation"].did.effect != pytest.approx(res["evaluation"].did.effect, abs=1e-9)
    assert set(res2["design"].panel.loc[res2["design"].panel["group"] == "comparison", "branch"]) == {"饶平"}
    # no comparison hall: the reason, not an error
    none = xpi.view(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-05", comparison=(), lang="en")
    assert none["methods"] is None and "no comparison halls" in none["sentence"]


def test_pilot_explorer_widgets_drive_the_view(survey):
    every = tuple(v for _, v in xpi.comparison_options(survey, "潮安"))
    ex = xpi.PilotExplorer(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-05",
                           comparison=every, lang="en")
    first = ex.result["evaluation"].did.effect
    ex.pilot_start.value = "2008-06"
    assert ex.result["design"].pilot_start == "2008-06"
    assert ex.result["evaluation"].did.effect != pytest.approx(first, abs=1e-9)
    ex.rollout_start.value = "2008-07"
    assert ex.result["design"].has_rollout
    ex.rollout_start.value = "2008-03"                  # before the pilot: said, not raised
    assert ex.result is None and "rollout_start (2008-03) must come after pilot_start" in ex.error
    ex.rollout_start.value = xpi.NO_ROLLOUT
    ex.comparison.value = (("饶平", "黄冈"),)
    assert ex.result["design"].panel.query("group == 'comparison'")["hall"].unique().tolist() == ["黄冈"]
    with pytest.raises(ValueError, match="pilot_hall must be one of 庵埠, 彩塘, 金石, got '黄冈'"):
        xpi.PilotExplorer(survey, branch="潮安", pilot_hall="黄冈", pilot_start="2008-05", comparison=every)


# --------------------------------------------------------------------------- 04 what-if
CARD = {
    "name": "t", "total_points": 10, "rounding": {"decimals": 1, "method": "half_up", "sum": "unrounded"},
    "items": [
        {"id": "survey", "label_zh": "测评", "label_en": "Survey", "max_points": 6, "rule": "ratio",
         "direction": "higher", "scale": 20, "period_weights": {"2006-Q3": 0.5, "2006-Q4": 0.5}},
        {"id": "retention", "label_zh": "保有率", "label_en": "Retention", "max_points": 4, "rule": "linear",
         "direction": "higher", "floor": 0.8, "target": 0.9, "format": "percent"},
    ],
}


@pytest.fixture
def card():
    return kpi.Scorecard.from_dict(CARD)


@pytest.fixture
def kpi_scores() -> pd.DataFrame:
    rows = [("甲", "2006-Q3", "survey", 10.0), ("甲", "2006-Q4", "survey", 12.0), ("甲", "2006", "retention", 0.85),
            ("乙", "2006-Q3", "survey", 16.0), ("乙", "2006-Q4", "survey", 16.0), ("乙", "2006", "retention", 0.82),
            ("丙", "2006-Q3", "survey", 14.0), ("丙", "2006-Q4", "survey", 14.0)]
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])


def test_what_if_at_measured_values_is_the_scorecard(card, kpi_scores):
    res = xk.view(card, kpi_scores, unit="甲", lang="en")
    # by hand: 10/20×3 + 12/20×3 = 3.3; (0.85−0.8)/0.1×4 = 2.0; total 5.3
    # 乙: 4.8 + 0.8 = 5.6; 丙: 4.2 + missing = 4.2 -> 甲 is second of three
    assert (res["total"], res["rank"], res["n_units"]) == (5.3, 2, 3)
    assert (res["measured_total"], res["measured_rank"], res["gain"]) == (5.3, 2, 0.0)
    scored = card.score(kpi_scores, lang="en")
    pd.testing.assert_frame_equal(res["totals"], card.totals(scored).sort_values("rank", kind="stable"))
    pd.testing.assert_frame_equal(res["items"], card.item_summary(scored, unit="甲"))
    assert res["sentence"] == "甲 as measured: 5.3 points, rank 2 of 3. Move a slider to try other values."


def test_what_if_several_values_at_once(card, kpi_scores):
    res = xk.view(card, kpi_scores, unit="甲", values={("survey", "2006-Q4"): 20.0, ("retention", "2006"): 0.9},
                  lang="en")
    # 1.5 + 3.0 + 4.0 = 8.5: first of three, 3.2 points more
    assert (res["total"], res["rank"], res["gain"]) == (8.5, 1, 3.2)
    assert "8.5 points, rank 1 of 3 (measured: 5.3 points, rank 2)" in res["sentence"]
    # one item alone: the scorecard's own what-if gives the same total and rank
    one = xk.view(card, kpi_scores, unit="甲", values={("retention", "2006"): 0.88})
    what_if = card.what_if(card.score(kpi_scores), unit="甲", values={"retention": 0.88}).iloc[0]
    assert (one["total"], one["rank"]) == (what_if["total_if"], what_if["rank_if"])
    with pytest.raises(ValueError, match="丙 has no value of item 'retention' in period '2006' to change"):
        xk.view(card, kpi_scores, unit="丙", values={("retention", "2006"): 0.9})


def test_what_if_slots_and_ranges(card, kpi_scores):
    scored = card.score(kpi_scores, lang="en")
    table = xk.slots(card, scored, unit="丙")
    assert table["label"].tolist() == ["Survey 2006-Q3", "Survey 2006-Q4", "Retention"]
    assert table["missing"].tolist() == [False, False, True]
    assert xk.value_range(card, "survey", [10, 16]) == (0.0, 20.0)
    lo, hi = xk.value_range(card, "retention", [0.85, 0.82])
    assert (lo, hi) == pytest.approx((0.75, 0.95))      # floor–target, half as much again each side
    assert xk.value_range(card, "retention", [0.6]) == pytest.approx((0.6, 0.95))
    assert xk._step(0.0, 20.0) == 0.1


def test_what_if_explorer_sliders(card, kpi_scores):
    ex = xk.WhatIfExplorer(card, kpi_scores, unit="甲", lang="en")
    assert list(ex.sliders) == [("survey", "2006-Q3"), ("survey", "2006-Q4"), ("retention", "2006")]
    assert ex.values() == {"values": {}} and ex.result["total"] == 5.3
    ex.sliders[("retention", "2006")].value = 0.9
    assert ex.values() == {"values": {("retention", "2006"): pytest.approx(0.9)}}
    assert (ex.result["total"], ex.result["rank"]) == (7.3, 1)
    ex.back_to_measured()
    assert ex.result["total"] == 5.3 and ex.values() == {"values": {}}
    missing = xk.WhatIfExplorer(card, kpi_scores, unit="丙", lang="en")
    assert list(missing.sliders) == [("survey", "2006-Q3"), ("survey", "2006-Q4")]
    assert "No value, so no slider: Retention" in missing.widget.children[0].value


# --------------------------------------------------------------------------- 05 complaints
@pytest.fixture(scope="module")
def sample_tickets(sample_dir):
    from cxeval import data

    return data.load(sample_dir / "tickets.parquet", "tickets")


@pytest.fixture(scope="module")
def limits(configs_dir):
    return complaints.load_limits(configs_dir / "sla.yaml")


def test_complaint_view_of_a_range_and_a_step(sample_tickets, limits):
    res = xc.view(sample_tickets, limits, branch="饶平", months=("2010-09", "2010-11"), step="reply", lang="en")
    mine = sample_tickets[(sample_tickets["branch"] == "饶平")
                          & sample_tickets["opened_at"].between("2010-09-01", "2010-11-30 23:59:59.999")]
    assert len(res["tickets"]) == len(mine)
    pd.testing.assert_frame_equal(res["sla"], complaints.sla(mine.reset_index(drop=True), limits))
    assert res["step_trend"]["period"].tolist() == ["2010-09", "2010-10", "2010-11"]
    assert set(res["step_trend"]["step"]) == {"reply"}
    sept = mine[mine["opened_at"].dt.month == 9]
    by_hand = complaints.sla(sept.reset_index(drop=True), limits).set_index("step").loc["reply", "on_time_rate"]
    assert res["step_trend"]["on_time_rate"].iloc[0] == pytest.approx(by_hand, abs=1e-12)
    assert res["repeats"]["period"].unique().tolist() == ["2010-09", "2010-10", "2010-11"]
    # FCR of self-handled tickets, counted by hand for October, and the province's
    oct_mine = mine[mine["opened_at"].dt.month == 10]
    own = oct_mine[~oct_mine["escalated"]]
    row = res["fcr"].set_index("period").loc["2010-10"]
    assert row["fcr"] == pytest.approx(own["first_contact_resolved"].mean(), abs=1e-12)
    oct_all = sample_tickets[(sample_tickets["opened_at"].dt.month == 10) & ~sample_tickets["escalated"]]
    assert row["provincial_fcr"] == pytest.approx(oct_all["first_contact_resolved"].mean(), abs=1e-12)
    with pytest.raises(ValueError, match="step must be one of submit, dispatch"):
        xc.view(sample_tickets, limits, branch="饶平", months=("2010-09", "2010-11"), step="lunch")


def test_complaint_explorer_widgets(sample_tickets, limits):
    ex = xc.ComplaintExplorer(sample_tickets, limits, branch="潮安", lang="en")
    assert ex.values() == {"branch": "潮安", "months": ("2010-01", "2010-12"), "step": "submit"}
    assert [v for _, v in xc.step_options(limits)][:2] == ["submit", "dispatch"]
    ex.step.value = "dispatch"
    assert set(ex.result["step_trend"]["step"]) == {"dispatch"}
    ex.months.value = ("2010-07", "2010-07")
    assert ex.result["repeats"]["period"].unique().tolist() == ["2010-07"]
    ex.branch.value = "饶平"
    assert ex.result["tickets"]["branch"].eq("饶平").all()
