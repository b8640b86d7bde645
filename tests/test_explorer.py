"""The explorer's callbacks, driven with widget values and no browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cxeval import baseline, explorer, plots
from cxeval.errors import DataError


@pytest.fixture(autouse=True)
def cjk_theme():
    plots.theme()


@pytest.fixture
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for branch, halls in (("潮安", ["庵埠", "彩塘", "金石"]), ("饶平", ["黄冈", "钱东"])):
        for hall in halls:
            for month in range(1, 13):
                n = int(rng.integers(150, 400))
                rows.append((f"2008-{month:02d}", branch, hall, n, int(rng.binomial(n, 0.94))))
    return pd.DataFrame(rows, columns=["period", "branch", "hall", "responses", "satisfied"])


@pytest.fixture
def brands() -> pd.DataFrame:
    rows = []
    for q, period in enumerate(["2006-Q2", "2006-Q3", "2006-Q4"]):
        for seg, (n, x) in {"全球通": (300, 220 + q), "C网": (200, 115 + q)}.items():
            rows.append((period, "贵阳", seg, n, x))
    return pd.DataFrame(rows, columns=["period", "branch", "segment", "responses", "satisfied"])


def test_menus(survey, brands):
    assert explorer.branch_options(survey) == ["潮安", "饶平"]
    assert explorer.hall_options(survey, "饶平", lang="en") == [
        ("All halls", explorer.ALL), ("钱东", "钱东"), ("黄冈", "黄冈")]
    assert explorer.segment_options(survey) == []
    assert explorer.segment_options(brands, lang="zh")[0] == ("全部细分", explorer.ALL)
    assert explorer.period_options(brands) == ["2006-Q2", "2006-Q3", "2006-Q4"]
    with pytest.raises(DataError, match=r"column\(s\) 'branch' not found"):
        explorer.branch_options(survey.drop(columns="branch"))


def test_select_filters_by_every_widget(survey):
    rows = explorer.select(survey, branch="潮安", hall="金石", periods=("2008-03", "2008-05"))
    assert set(rows["hall"]) == {"金石"}
    assert rows["period"].tolist() == ["2008-03", "2008-04", "2008-05"]
    assert len(explorer.select(survey, branch="潮安")) == 36


def test_view_draws_the_baseline_charts_for_a_branch(survey):
    res = explorer.view(survey, branch="潮安", periods=("2008-01", "2008-12"), target=0.95,
                        lang="zh")
    rows = survey[survey["branch"] == "潮安"]
    expected = baseline.rates(rows, "period", target=0.95)
    pd.testing.assert_frame_equal(res["table"], expected)
    laney = baseline.overdispersion(rows)["overdispersed"]
    pd.testing.assert_frame_equal(res["chart"], baseline.p_chart(rows, laney=laney))
    assert sorted(res["funnel"]["hall"]) == ["庵埠", "彩塘", "金石"]
    assert isinstance(res["figure"], Figure)
    titles = [ax.get_title() for ax in res["figure"].axes]
    assert titles[0] == "满意度与置信区间" and titles[2] == "漏斗图"
    assert titles[1] in ("p 控制图", "Laney p′ 控制图")
    assert res["sentence"] == baseline.describe_baseline(expected, res["chart"], unit="潮安",
                                                         target=0.95, lang="zh")


def test_view_for_one_hall_has_no_funnel_and_names_the_hall(survey):
    res = explorer.view(survey, branch="饶平", hall="黄冈", lang="en")
    assert res["funnel"] is None
    assert res["sentence"].startswith("饶平 · 黄冈 was")
    assert not res["figure"].axes[2].axison


def test_view_with_segments_draws_a_funnel_of_segments(brands):
    res = explorer.view(brands, branch="贵阳", lang="en")
    assert sorted(res["funnel"]["segment"]) == ["C网", "全球通"]
    assert res["chart"]["period"].tolist() == ["2006-Q2", "2006-Q3", "2006-Q4"]


def test_view_of_rates_without_counts_uses_a_run_chart(survey):
    rates_only = survey.assign(rate=survey["satisfied"] / survey["responses"]).drop(
        columns=["responses", "satisfied"])
    res = explorer.view(rates_only, branch="潮安", lang="en")
    assert res["chart"]["lcl"].isna().all() and res["funnel"] is None
    assert res["figure"].axes[1].get_title().startswith("Run chart")


def test_view_without_data_says_so(survey):
    res = explorer.view(survey, branch="潮安", hall="黄冈", lang="en")   # hall of another branch
    assert res["table"] is None and res["data"].empty
    assert res["sentence"] == "潮安 · 黄冈: no data in this selection."


def test_explorer_widgets_drive_the_view(survey):
    ex = explorer.Explorer(survey, target=0.95, lang="en", branch="潮安")
    assert ex.values() == {"branch": "潮安", "hall": explorer.ALL, "segment": explorer.ALL,
                           "periods": ("2008-01", "2008-12"), "baseline_end": ""}
    assert ex.segment.disabled and not ex.hall.disabled
    first = ex.result
    assert first["table"]["responses"].sum() == survey.loc[survey.branch == "潮安",
                                                           "responses"].sum()
    refreshed = []
    original = ex.refresh

    def counting_refresh():
        refreshed.append(ex.values())
        return original()

    ex.refresh = counting_refresh
    ex.branch.value = "饶平"
    # the hall menu follows the branch, and the view is redrawn once, not per menu change
    assert [v for _, v in ex.hall.options] == [explorer.ALL, "钱东", "黄冈"]
    assert len(refreshed) == 1 and ex.result["data"]["branch"].eq("饶平").all()
    ex.hall.value = "钱东"
    assert set(ex.result["data"]["hall"]) == {"钱东"}
    ex.periods.value = ("2008-06", "2008-08")
    assert ex.result["table"]["period"].tolist() == ["2008-06", "2008-07", "2008-08"]
    assert len(refreshed) == 3
    assert ex.widget.children[-1] is ex.output


def test_explorer_rejects_unknown_branch(survey):
    with pytest.raises(ValueError, match=r"branch must be one of 潮安, 饶平, got '贵阳'"):
        explorer.Explorer(survey, branch="贵阳")


def test_view_fixes_the_limits_on_the_baseline_as_the_report_does(survey):
    """The report's chart (limits frozen on the baseline months), not one on every month."""
    rows = survey[survey["branch"] == "潮安"]
    report_view = baseline.assess(rows, target=0.95, freeze="2008-07")
    res = explorer.view(survey, branch="潮安", target=0.95, baseline_end="2008-07")
    pd.testing.assert_frame_equal(res["chart"], report_view.chart)
    pd.testing.assert_frame_equal(res["table"], report_view.monthly)
    pd.testing.assert_frame_equal(res["funnel"], report_view.halls)
    # the centre line is the baseline months' rate, counted here by hand
    base = rows[rows["period"] <= "2008-07"]
    assert res["chart"]["center"].iloc[-1] == pytest.approx(base["satisfied"].sum() / base["responses"].sum())
    # without a baseline every month sets the limits, as before
    every = explorer.view(survey, branch="潮安", target=0.95)
    assert every["chart"]["center"].iloc[0] == pytest.approx(rows["satisfied"].sum() / rows["responses"].sum())


def test_explorer_starts_on_the_report_baseline(survey):
    ex = explorer.Explorer(survey, target=0.95, lang="zh", branch="潮安", baseline_end="2008-07")
    assert ex.values()["baseline_end"] == "2008-07"
    rows = survey[survey["branch"] == "潮安"]
    pd.testing.assert_frame_equal(ex.result["chart"], baseline.assess(rows, freeze="2008-07").chart)
    ex.baseline_end.value = ""
    pd.testing.assert_frame_equal(ex.result["chart"], baseline.assess(rows).chart)
    # a baseline end the data does not hold is kept, as the report keeps it (no later month:
    # the limits use every month, as baseline.assess does)
    later = explorer.Explorer(survey, branch="潮安", baseline_end="2009-07")
    assert later.values()["baseline_end"] == "2009-07"
    pd.testing.assert_frame_equal(later.result["chart"], baseline.assess(rows, freeze="2009-07").chart)
