"""The Pareto report's glue: headline cards, index entry, formatted tables.

What notebooks 02 and 05 need around :mod:`cxeval.pareto`'s numbers:

- :func:`headline` — the cards and sentence at the top of notebook 02;
- :func:`index_entry` — the batch index's headline and status;
- :func:`show_pareto`, :func:`show_shift` — a Pareto table and a shift, formatted.
"""

from __future__ import annotations

import math

import pandas as pd

from cxeval.checks import check_lang, check_share
from cxeval.pareto import ParetoShift, vital_few_summary
from cxeval.text.pareto import describe_pareto

__all__ = ["headline", "index_entry", "show_pareto", "show_shift"]


def headline(by_item: pd.DataFrame, shift: ParetoShift, *, branch: str, before: str, after: str,
             lang: str = "zh"):
    """Headline cards of the root-cause and Pareto report (notebook 02).

    Parameters
    ----------
    by_item : DataFrame
        :func:`pareto_table` of the branch's tickets by sub-item in ``before``.
    shift : ParetoShift
        :func:`pareto_shift` from ``before`` to ``after``.
    branch, before, after : str
        Names shown on the cards ("潮安", "2010-07", "2010-11").
    lang : {"zh", "en"}

    Returns
    -------
    cxeval.report.HTML
        Five cards (tickets before, vital-few count, their share, tickets after with the
        change, the chi-square p-value) and one sentence: :func:`describe_pareto`, or,
        when the branch has no tickets in ``before``, a sentence saying so.
    """
    from cxeval import report

    check_lang(lang)
    vital = vital_few_summary(by_item)
    n_before, n_after = shift.n_before, shift.n_after
    change = (n_after - n_before) / n_before if n_before else math.nan
    cards = [
        {"label": report.tr(f"{before} 工单数", f"Tickets {before}", lang), "value": report.fmt_int(n_before)},
        {"label": report.tr("关键少数子项", "Vital-few sub-items", lang),
         "value": f"{vital['n_vital']} / {vital['n_categories']}" if vital["n_vital"] else "–"},
        {"label": report.tr("关键少数占比", "Share of the vital few", lang),
         "value": report.fmt_pct(vital["share"]),
         "detail": report.tr(f"门槛 {report.fmt_pct(by_item.attrs.get('threshold', 0.8), 0)}",
                             f"threshold {report.fmt_pct(by_item.attrs.get('threshold', 0.8), 0)}", lang)},
        {"label": report.tr(f"{after} 工单数", f"Tickets {after}", lang), "value": report.fmt_int(n_after),
         "detail": report.tr(f"较 {before} {change * 100:+.1f}%", f"{change * 100:+.1f}% on {before}", lang)
         if change == change else None},
        {"label": report.tr("投诉结构变化检验", "Mix change (chi-square)", lang),
         "value": report.fmt_p(shift.p_value)},
    ]
    if vital["n_vital"]:
        sentence = describe_pareto(by_item, lang=lang, item=report.tr("子项", "sub-items", lang),
                                   unit=report.tr("张工单", "tickets", lang))
    else:
        sentence = report.tr(f"{branch}在 {before} 没有投诉工单，无法做帕累托分析。",
                             f"{branch} has no complaint tickets in {before}: there is nothing to rank.", lang)
    return report.headline(cards, sentence=sentence)


def index_entry(by_item: pd.DataFrame, shift: ParetoShift, *, alpha: float = 0.05) -> dict[str, str]:
    """What the batch index shows for notebook 02: short headline in both languages and a status.

    Parameters
    ----------
    by_item : DataFrame
        :func:`pareto_table` of the branch's tickets by sub-item in the "before" period.
    shift : ParetoShift
        :func:`pareto_shift` from the "before" period to the "after" one.
    alpha : float
        Significance level of the shift's chi-square test.

    Returns
    -------
    dict
        ``headline`` ("关键少数 8/16 项占 82.9%"), ``headline_en`` ("vital few: 8 of 16
        sub-items, 82.9%"): the vital few among the sub-items with tickets and their
        share of the tickets; ``status``: ``good`` when the chi-square test shows the mix
        of complaints changed after the actions (p < ``alpha``), ``warn`` otherwise
        (including no test: no tickets after); ``none`` (grey on the index) when there is
        no ticket before ("无投诉工单" / "no complaint tickets").

    Examples
    --------
    >>> from cxeval.pareto import pareto_shift, pareto_table
    >>> before = pd.DataFrame({"category": list("aaab")})
    >>> after = pd.DataFrame({"category": list("abbb")})
    >>> table = pareto_table(before, "category", threshold=0.7)
    >>> index_entry(table, pareto_shift(before, after, "category"))["headline_en"]
    'vital few: 1 of 2 sub-items, 75.0%, no clear change after the actions'
    """
    from cxeval import report

    check_share(alpha, "alpha", example="0.05 for 5%")
    vital = vital_few_summary(by_item)
    if not vital["n_vital"]:
        return {"headline": "无投诉工单", "headline_en": "no complaint tickets", "status": "none"}
    n_vital, n_items, share = vital["n_vital"], vital["n_categories"], report.fmt_pct(vital["share"])
    changed = not math.isnan(shift.p_value) and shift.p_value < alpha
    moved = (("，措施后分布有变化", ", mix changed after the actions") if changed else
             ("，措施后分布无明显变化", ", no clear change after the actions"))
    # No colour: a Pareto has no target, and a changed mix is neither good nor bad by itself.
    return {"headline": f"关键少数 {n_vital}/{n_items} 项占 {share}{moved[0]}",
            "headline_en": f"vital few: {n_vital} of {n_items} sub-items, {share}{moved[1]}",
            "status": "none"}


# --------------------------------------------------------------------------- display
def show_pareto(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted Pareto table for a notebook (counts with separators, 1-decimal %).

    Returns a pandas Styler from :func:`cxeval.report.table`; vital-few rows are marked
    "✔" in the vital-few column. An empty or all-zero table gives a
    :func:`cxeval.report.note` saying there is no data instead of an empty table.
    """
    from cxeval import report

    if len(table) == 0 or table["count"].sum() == 0:
        return report.note(report.tr("没有可显示的数据。", "Nothing to show: there is no data.", lang))
    shown = table.copy()
    shown["vital_few"] = shown["vital_few"].map({True: "✔", False: ""})
    labels = {
        "category": report.tr("类别", "Category", lang),
        "count": report.tr("数量", "Count", lang),
        "percent": report.tr("占比", "Share", lang),
        "cum_percent": report.tr("累计占比", "Cumulative", lang),
        "vital_few": report.tr("关键少数", "Vital few", lang),
        "network": report.tr("网络", "Network", lang),
        "branch": report.tr("分公司", "Branch", lang),
    }
    percent = _percent_format
    return report.table(shown, formats={"count": "int", "percent": percent, "cum_percent": percent},
                        labels=labels, caption=caption)


def _percent_format(value) -> str:
    from cxeval import report

    return report.fmt_pct(value / 100) if value == value else "–"


def _rank_format(value) -> str:
    return "–" if pd.isna(value) else f"{int(value)}"


def _rank_change_format(value) -> str:
    if pd.isna(value):
        return "–"
    value = int(value)
    return f"↑{value}" if value > 0 else (f"↓{-value}" if value < 0 else "=")


def show_shift(shift: ParetoShift, *, lang: str = "zh", caption: str | None = None):
    """Formatted before/after table of a :func:`pareto_shift` result (pandas Styler).

    Shares as percentages, changes and interval limits in percentage points, rank
    changes as arrows (↑ climbed, ↓ fell); an interval limit is highlighted when the
    interval excludes zero (a clear rise or fall). With no category in either period, a
    :func:`cxeval.report.note` saying there is no data.
    """
    from cxeval import report

    if not isinstance(shift, ParetoShift):
        raise TypeError(f"shift must be a pareto_shift result, got {type(shift).__name__}")
    if len(shift.table) == 0:
        return report.note(report.tr("没有可显示的数据。", "Nothing to show: there is no data.", lang))
    labels = {
        "category": report.tr("类别", "Category", lang),
        "before": report.tr("之前", "Before", lang),
        "after": report.tr("之后", "After", lang),
        "before_share": report.tr("之前占比", "Share before", lang),
        "after_share": report.tr("之后占比", "Share after", lang),
        "change": report.tr("变化", "Change", lang),
        "ci_low": report.tr("区间下限", "CI low", lang),
        "ci_high": report.tr("区间上限", "CI high", lang),
        "before_rank": report.tr("之前排名", "Rank before", lang),
        "after_rank": report.tr("之后排名", "Rank after", lang),
        "rank_change": report.tr("排名变化", "Rank change", lang),
    }
    return report.table(
        shift.table,
        formats={"before": "int", "after": "int", "before_share": "pct", "after_share": "pct",
                 "change": "pp", "ci_low": "pp", "ci_high": "pp",
                 "before_rank": _rank_format, "after_rank": _rank_format,
                 "rank_change": _rank_change_format},
        labels=labels, caption=caption,
        highlight={"ci_low": _above_zero, "ci_high": _below_zero})


def _above_zero(value) -> bool:
    return bool(value == value and value > 0)


def _below_zero(value) -> bool:
    return bool(value == value and value < 0)
