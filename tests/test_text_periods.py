"""cxeval.text.periods: a section from another time says so (01 §5, 02 §5-§6)."""

from __future__ import annotations

import pandas as pd

from cxeval.text import periods


def test_brand_survey_of_another_year_says_its_year():
    brands = pd.DataFrame({"period": ["2006-Q2", "2006-Q3", "2006-Q4"]})
    halls = pd.DataFrame({"period": ["2008-01", "2008-12"]})
    assert periods.survey_period_note(brands, what=("品牌调查", "brand survey"), other=halls,
                                      other_what=("本报告的营业厅调查", "hall survey of this report")) == (
        "品牌调查期间：2006年第2季度至2006年第4季度（本报告的营业厅调查是 2008 年，不是同一年）。")
    same_year = pd.DataFrame({"period": ["2006-01", "2006-12"]})
    assert periods.survey_period_note(brands, what=("品牌调查", "brand survey"), other=same_year,
                                      lang="en") == "Brand survey period: Q2 2006 to Q4 2006."
    assert periods.survey_period_note(brands.iloc[:0], what=("品牌调查", "brand survey")) == ""


def test_register_date_and_compared_months_are_said_plainly():
    far = periods.register_and_months_note(before="2010-07", after="2010-11", as_of="2008-12-31")
    assert far == ("这里比较的是 2010-07 与 2010-11 两个月的投诉工单；措施登记表的检查日期是 2008-12-31，"
                   "比所比较的月份早一年以上：两个月之间的变化不能归因于登记表中的措施。")
    inside = periods.register_and_months_note(before="2010-07", after="2010-11", as_of="2010-09-30", lang="en")
    assert inside.endswith("as of 2010-09-30, between the two months compared.")
    near = periods.register_and_months_note(before="2010-07", after="2010-11", as_of="2010-12-31")
    assert near.endswith("2010-12-31。")
