"""Sentences that say which time a section's data is from, when it differs from the rest.

A report that puts 2006 brand figures inside a 2008 survey report, or compares 2010
tickets "before and after the actions" beside an action register checked at the end of
2008, must say so in plain words: the reader otherwise takes them for one period.
"""

from __future__ import annotations

import pandas as pd

from cxeval.report import tr

__all__ = ["survey_period_note", "register_and_months_note"]


def _span(frame: pd.DataFrame | None, column: str = "period") -> tuple[str | None, str | None]:
    if frame is None or frame.empty or column not in frame:
        return None, None
    values = frame[column].dropna().astype(str)
    return (values.min(), values.max()) if len(values) else (None, None)


def _label(period: str, lang: str) -> str:
    from cxeval.baseline import period_label

    return period_label(period, lang)


def survey_period_note(frame: pd.DataFrame, *, what: tuple[str, str], other: pd.DataFrame | None = None,
                       other_what: tuple[str, str] = ("上文的调查", "the survey above"), lang: str = "zh") -> str:
    """"品牌调查期间：2006年第2季度至2006年第4季度（营业厅调查是 2008 年，不是同一年）。"

    Parameters
    ----------
    frame : DataFrame
        The section's data, with ``period``.
    what : (str, str)
        What it is, in Chinese and English ("品牌调查", "brand survey").
    other : DataFrame, optional
        The report's main data: when its years differ, the sentence says so.
    other_what : (str, str)
        What the main data is.

    Examples
    --------
    >>> brands = pd.DataFrame({"period": ["2006-Q2", "2006-Q4"]})
    >>> halls = pd.DataFrame({"period": ["2008-01", "2008-12"]})
    >>> survey_period_note(brands, what=("品牌调查", "brand survey"), other=halls,
    ...                    other_what=("营业厅调查", "hall survey"), lang="en")
    'Brand survey period: Q2 2006 to Q4 2006 (not the year of the hall survey, 2008).'
    """
    first, last = _span(frame)
    if first is None:
        return ""
    when = _label(first, lang) if first == last else tr(f"{_label(first, lang)}至{_label(last, lang)}",
                                                        f"{_label(first, lang)} to {_label(last, lang)}", lang)
    name = what[0] if lang == "zh" else what[1][:1].upper() + what[1][1:]
    text = tr(f"{name}期间：{when}", f"{name} period: {when}", lang)
    o_first, o_last = _span(other)
    if o_first is not None:
        years = sorted({o_first[:4], o_last[:4]})
        mine = {first[:4], last[:4]}
        if not mine & set(years):
            other_years = "–".join(years)
            text += tr(f"（{other_what[0]}是 {other_years} 年，不是同一年）",
                       f" (not the year of the {other_what[1]}, {other_years})", lang)
    return text + tr("。", ".", lang)


def register_and_months_note(*, before: str, after: str, as_of: str, lang: str = "zh") -> str:
    """Say plainly which months the tickets compare and when the action register was checked.

    Examples
    --------
    >>> register_and_months_note(before="2010-07", after="2010-11", as_of="2008-12-31", lang="en")
    'The tickets compared are those of 2010-07 and 2010-11; the action register is as of 2008-12-31, more than a year earlier: the change between the two months cannot be put down to the actions in the register.'
    """
    day = pd.Timestamp(as_of)
    start, end = pd.Period(before, "M").start_time, pd.Period(after, "M").end_time
    head = tr(f"这里比较的是 {before} 与 {after} 两个月的投诉工单；措施登记表的检查日期是 {day:%Y-%m-%d}",
              f"The tickets compared are those of {before} and {after}; the action register is as of {day:%Y-%m-%d}",
              lang)
    if day < start - pd.DateOffset(years=1) or day > end + pd.DateOffset(years=1):
        side = tr("早一年以上" if day < start else "晚一年以上", "more than a year earlier" if day < start
                  else "more than a year later", lang)
        return head + tr(f"，比所比较的月份{side}：两个月之间的变化不能归因于登记表中的措施。",
                         f", {side}: the change between the two months cannot be put down to the actions "
                         "in the register.", lang)
    if start <= day <= end:
        return head + tr("，在所比较的两个月之间。", ", between the two months compared.", lang)
    return head + tr("。", ".", lang)
