"""Sentences of the complaint-handling report: timeliness, repeat complaints, FCR, campaign.

Built from what :mod:`cxeval.complaints` returns, in Chinese or English:

- :func:`sla_sentence` — the weakest step of the workflow and the tickets still open;
- :func:`repeat_sentence`, :func:`fcr_sentence` — repeat complaints since the baseline,
  first-contact resolution against the province;
- :func:`status_sentence`, :func:`campaign_sentence`, :func:`campaign_summary`,
  :func:`baseline_note` — where each campaign target stands;
- :func:`category_summary` — tickets whose sub-item is not in the catalogue;
- :func:`root_cause_pointer` — the top sub-items, pointing to the root-cause report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cxeval import report
from cxeval.checks import check_lang
from cxeval.complaints import CampaignResult, CategoryCheck

__all__ = [
    "sla_sentence", "repeat_sentence", "fcr_sentence", "status_sentence", "campaign_sentence",
    "campaign_summary", "baseline_note", "category_summary", "root_cause_pointer",
]


def sla_sentence(table: pd.DataFrame, *, lang: str = "zh") -> str:
    """Plain-language reading of an ungrouped :func:`sla` table.

    Names the step with the lowest on-time rate, its rate, limit and 90th-percentile time,
    and the number of tickets still open at some step.

    Examples
    --------
    >>> sla_sentence(sla(tickets, limits), lang="en")   # doctest: +SKIP
    'Weakest step: City department replies, 93.1% on time within 20.0 h ...'
    """
    check_lang(lang)
    rated = table.dropna(subset=["on_time_rate"])
    if rated.empty:
        return report.tr("本期没有可计算时限的工单。", "No ticket reached any workflow step.", lang)
    worst = rated.sort_values(["on_time_rate", "tickets"], ascending=[True, False]).iloc[0]
    best = rated.sort_values(["on_time_rate", "tickets"], ascending=[False, False]).iloc[0]
    still_open = int(rated["open"].sum())
    limit = report.fmt_duration(worst["limit_minutes"], lang)
    if lang == "zh":
        return (f"时限最薄弱的环节是「{worst['step_zh']}」：{report.fmt_pct(worst['on_time_rate'])} "
                f"在 {limit} 内完成，90% 的工单用时不超过 {report.fmt_duration(worst['p90_minutes'], lang)}；"
                f"最好的是「{best['step_zh']}」（{report.fmt_pct(best['on_time_rate'])}）。"
                f"各环节共有 {report.fmt_int(still_open)} 处尚未完成（计为未及时）。")
    return (f"Weakest step: {worst['step_en']}, {report.fmt_pct(worst['on_time_rate'])} on time "
            f"within {limit}; 90% took at most {report.fmt_duration(worst['p90_minutes'], lang)}. "
            f"Best: {best['step_en']} ({report.fmt_pct(best['on_time_rate'])}). "
            f"{report.fmt_int(still_open)} step(s) are still open (counted as not on time).")


def repeat_sentence(table: pd.DataFrame, *, baseline: str, lang: str = "zh") -> str:
    """Plain-language trend of repeat complaints from the baseline month to the last month.

    Parameters
    ----------
    table : DataFrame
        :func:`repeat_complaints` output without ``by``.
    baseline : str
        Baseline month, e.g. ``"2010-07"``.

    Examples
    --------
    >>> repeat_sentence(repeat_complaints(tickets), baseline="2010-07", lang="en")  # doctest: +SKIP
    'Complaints from customers with 5+ a month: 3,428 in 2010-07, 176 in 2010-12 (-94.9%); ...'
    """
    check_lang(lang)
    if table.empty:
        return report.tr("没有投诉工单。", "No complaint tickets.", lang)
    last = table["period"].max()
    parts = []
    for t, rows in table.groupby("threshold", sort=True):
        series = rows.set_index("period")["complaints"]
        if baseline not in series.index:
            parts.append(report.tr(f"≥{t} 次：{last} 为 {report.fmt_int(series[last])} 件（无 {baseline} 基线）",
                                   f"{t}+ a month: {report.fmt_int(series[last])} in {last} "
                                   f"(no {baseline} baseline)", lang))
            continue
        b, now = series[baseline], series[last]
        change = "–" if b == 0 else f"{(now - b) / b * 100:+.1f}%"
        parts.append(report.tr(
            f"月内投诉≥{t} 次客户的投诉量 {baseline} 为 {report.fmt_int(b)} 件，{last} 为 "
            f"{report.fmt_int(now)} 件（{change}）",
            f"complaints from customers with {t}+ a month: {report.fmt_int(b)} in {baseline}, "
            f"{report.fmt_int(now)} in {last} ({change})", lang))
    if lang == "zh":
        return "；".join(parts) + "。"
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def fcr_sentence(table: pd.DataFrame, *, margin: float = 0.05, lang: str = "zh") -> str:
    """Plain-language FCR of the last month against the provincial figure plus ``margin``.

    Parameters
    ----------
    table : DataFrame
        :func:`campaign_actuals` output (``period``, ``fcr``, ``provincial_fcr``).
    margin : float
        Required lead over the provincial FCR (campaign: 0.05 = 5 pp).

    Examples
    --------
    >>> fcr_sentence(campaign_actuals(tickets, limits, branch="潮安"), lang="en")  # doctest: +SKIP
    """
    check_lang(lang)
    rows = table.dropna(subset=["fcr", "provincial_fcr"])
    if rows.empty:
        return report.tr("没有可计算一次性解决率的自处理工单。",
                         "No self-handled tickets to measure first-contact resolution.", lang)
    last = rows.iloc[-1]
    goal = min(last["provincial_fcr"] + margin, 1.0)
    gap = last["fcr"] - goal
    ok = gap >= -1e-12
    if lang == "zh":
        verdict = "达到目标" if ok else f"距目标还差 {report.fmt_pp(-gap, sign=False)}"
        return (f"{last['period']} 自处理投诉一次性解决率 {report.fmt_pct(last['fcr'])}，"
                f"全省 {report.fmt_pct(last['provincial_fcr'])}，目标（全省 + "
                f"{report.fmt_pp(margin, sign=False)}）{report.fmt_pct(goal)}：{verdict}。")
    verdict = "target met" if ok else f"{report.fmt_pp(-gap, sign=False)} short of the target"
    return (f"First-contact resolution in {last['period']}: {report.fmt_pct(last['fcr'])} against "
            f"a provincial {report.fmt_pct(last['provincial_fcr'])}; the target (province + "
            f"{report.fmt_pp(margin, sign=False)}) is {report.fmt_pct(goal)}: {verdict}.")


_STATUS_WORDS = {
    "met": ("已达标", "met"),
    "on_track": ("未达标但进度正常", "not yet met, on track"),
    "off_track": ("进度落后", "off track"),
    "no_data": ("无数据", "no data"),
}


def _distinct_pcts(actual: float, goal: float, met: bool) -> tuple[str, str]:
    """Format two rates so that a shortfall stays visible (99.95% vs 100.0%, not 100.0% twice)."""
    for decimals in (1, 2, 3):
        a, g = report.fmt_pct(actual, decimals), report.fmt_pct(goal, decimals)
        if met or a != g:
            break
    return a, g


def status_sentence(row: Mapping, *, lang: str = "zh") -> str:
    """One sentence for one target in one month (a row of :attr:`CampaignResult.table`).

    Examples
    --------
    >>> status_sentence({"period": "2010-10", "target": "repeat_5", "label_en": "Repeat",
    ...     "label_zh": "重复投诉", "kind": "reduce", "baseline": 3428.0, "actual": 300.0,
    ...     "goal": 342.8, "final_goal": 342.8, "status": "met"}, lang="en")
    'Repeat, 2010-10: 300 against a goal of at most 343 (3,428 in the baseline month): met.'
    """
    check_lang(lang)
    status = row["status"]
    if status not in _STATUS_WORDS:
        raise ValueError(f"status must be one of {list(_STATUS_WORDS)}, got {status!r}")
    zh_word, en_word = _STATUS_WORDS[status]
    label = row["label_zh"] if lang == "zh" else row["label_en"]
    if status == "no_data":
        return report.tr(f"{label}，{row['period']}：无数据。", f"{label}, {row['period']}: no data.", lang)
    if row["kind"] == "reduce":
        actual, goal = report.fmt_int(row["actual"]), report.fmt_int(row["goal"])
        base = report.fmt_int(row["baseline"])
        return report.tr(
            f"{label}，{row['period']}：{actual} 件，当月目标不超过 {goal} 件（基线 {base} 件）：{zh_word}。",
            f"{label}, {row['period']}: {actual} against a goal of at most {goal} "
            f"({base} in the baseline month): {en_word}.", lang)
    actual, goal = _distinct_pcts(row["actual"], row["goal"], status == "met")
    return report.tr(f"{label}，{row['period']}：{actual}，目标不低于 {goal}：{zh_word}。",
                     f"{label}, {row['period']}: {actual} against a goal of at least {goal}: "
                     f"{en_word}.", lang)


def campaign_sentence(result: CampaignResult, *, lang: str = "zh") -> str:
    """One sentence counting the targets met, on track and off track in their latest month.

    Examples
    --------
    >>> campaign_sentence(result, lang="en")   # doctest: +SKIP
    'In 2010-12, 2 of 6 campaign targets are met, 1 on track and 3 off track.'
    """
    check_lang(lang)
    latest = result.latest()
    if latest.empty:
        return report.tr("没有基线之后的月份数据，无法跟踪活动目标。",
                         "No month after the baseline to track the campaign targets.", lang)
    c = result.counts()
    period = latest["period"].max()
    total = len(latest)
    if lang == "zh":
        text = (f"截至 {period}，{total} 项活动目标中 {c['met']} 项已达标、{c['on_track']} 项进度正常、"
                f"{c['off_track']} 项进度落后")
        return text + (f"、{c['no_data']} 项无数据。" if c["no_data"] else "。")
    text = (f"In {period}, {c['met']} of {total} campaign targets are met, {c['on_track']} on "
            f"track and {c['off_track']} off track")
    return text + (f", {c['no_data']} without data." if c["no_data"] else ".")


def root_cause_pointer(table: pd.DataFrame, *, n: int = 3, lang: str = "zh") -> str:
    """Sentence linking the branch's top sub-items to the root-cause report (notebook 02).

    Parameters
    ----------
    table : DataFrame
        :func:`cxeval.pareto.pareto_table` of the branch's tickets by sub-item
        (``category``, ``count``, ``percent`` in 0-100, ``cum_percent``).
    n : int
        How many sub-items to name.

    Examples
    --------
    >>> table = pd.DataFrame({"category": ["计费账单", "增值业务"], "count": [60, 40],
    ...                       "percent": [60.0, 40.0], "cum_percent": [60.0, 100.0]})
    >>> root_cause_pointer(table, n=1, lang="en").split(";")[0]
    'The top 1 sub-item (计费账单) makes 60.0% of the complaints'
    """
    check_lang(lang)
    if table.empty or table["count"].sum() == 0:
        return report.tr("本分公司没有投诉工单可供排序。", "This branch has no complaint tickets to rank.", lang)
    top = table.head(n)
    share = float(top["cum_percent"].iloc[-1])
    names = ("、" if lang == "zh" else ", ").join(top["category"].astype("str"))
    if lang == "zh":
        return (f"投诉量最多的 {len(top)} 个子项（{names}）占本分公司投诉的 {share:.1f}%；"
                "其原因、关键少数与改进措施见《根因与帕累托分析》报告（02_root_cause_pareto）。")
    word, verb = ("sub-item", "makes") if len(top) == 1 else ("sub-items", "make")
    return (f"The top {len(top)} {word} ({names}) {verb} {share:.1f}% of the complaints; their "
            "causes, the vital few and the actions are in the root-cause and Pareto report "
            "(02_root_cause_pareto).")


def baseline_note(result: CampaignResult, lang: str = "zh") -> str:
    """A sentence when the baseline month of a :func:`~cxeval.complaints.campaign` is not
    in the data, else an empty string (:meth:`CampaignResult.baseline_note`)."""
    if result.baseline_in_data:
        return ""
    first, last = result.months
    return report.tr(
        f"活动基线月 {result.baseline_period} 不在数据范围（{first} 至 {last}）内：重复投诉的下降目标无法跟踪。"
        f"如需跟踪，请在运行计划中设置 campaign_baseline（活动基线月）。",
        f"The campaign's baseline month {result.baseline_period} is not in the data ({first} to {last}): "
        f"the repeat-complaint reduction targets cannot be tracked. To track them, set "
        f"campaign_baseline (the campaign's baseline month) in the run plan.", lang)


def campaign_summary(result: CampaignResult, lang: str = "zh", *,
                     targets: Sequence[str] | None = None) -> str:
    """One sentence per target for its latest month (see :func:`status_sentence`).

    Parameters
    ----------
    result : CampaignResult
    lang : {"zh", "en"}
    targets : sequence of str, optional
        Target ids to include (default: all), e.g. ``["repeat_5", "repeat_10"]``.
    """
    latest = result.latest()
    if targets is not None:
        unknown = [t for t in targets if t not in result.targets]
        if unknown:
            raise ValueError(f"targets must be among {result.targets}, got {unknown}")
        latest = latest[latest["target"].isin(list(targets))]
    if latest.empty:
        return report.tr("基线之后没有月份数据。", "No month after the baseline.", lang)
    return "\n".join(status_sentence(row, lang=lang) for row in latest.to_dict("records"))


def category_summary(check: CategoryCheck, lang: str = "zh") -> str:
    """What :func:`~cxeval.complaints.check_categories` found: unknown sub-items and
    networks that disagree with the catalogue (:meth:`CategoryCheck.summary`)."""
    if check.count == 0:
        text = report.tr(f"全部 {report.fmt_int(check.total)} 张工单的投诉子项均在 16 个子项目录中。",
                         f"All {report.fmt_int(check.total)} tickets have a known sub-item.", lang)
    else:
        shown = "、".join(check.examples["category"].astype("str").head(3)) if lang == "zh" \
            else ", ".join(check.examples["category"].astype("str").head(3))
        text = report.tr(
            f"{report.fmt_int(check.count)} 张工单（{report.fmt_pct(check.count / check.total)}）"
            f"的投诉子项不在目录中（如 {shown}），已保留并单独列出，请核对后补入投诉子项目录。",
            f"{report.fmt_int(check.count)} tickets ({report.fmt_pct(check.count / check.total)}) "
            f"have a sub-item not in the list (e.g. {shown}); they are kept and listed "
            "here: check them and add them to the list of sub-items.", lang)
    if check.network_mismatch:
        text += report.tr(f" 另有 {report.fmt_int(check.network_mismatch)} 张工单的三网归属与子项目录不一致。",
                          f" {report.fmt_int(check.network_mismatch)} tickets name a network "
                          "that differs from their sub-item's.", lang)
    return text
