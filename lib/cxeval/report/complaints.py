"""The complaint-handling report's glue: headline cards, index entry, tables, settings.

What notebooks 02 and 05 need around :mod:`cxeval.complaints`'s numbers:

- :func:`headline` — the cards and sentence at the top of notebook 05;
- :func:`index_entry` — the batch index's headline and status;
- :func:`show_sla`, :func:`show_campaign`, :func:`show_top_repeaters`,
  :func:`show_overdue`, :func:`show_monthly` — its tables, formatted, with headers in
  the report's language;
- :func:`period_settings`, :func:`campaign_settings` — the months a report compares and
  where they came from, for :func:`cxeval.report.settings_note`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cxeval import report
from cxeval.checks import check_lang
from cxeval.complaints import CampaignResult, check_periods, complete_months, month_end
from cxeval.text.complaints import _STATUS_WORDS, _distinct_pcts, campaign_sentence

__all__ = [
    "headline", "index_entry", "show_sla", "show_campaign", "show_top_repeaters", "show_overdue",
    "show_monthly", "period_settings", "campaign_settings",
]


def period_settings(tickets: pd.DataFrame, *, period_before: str = "", period_after: str = "",
                    as_of: str = "") -> dict:
    """The months a before/after comparison uses: as given, else what the tickets hold.

    Defaults: ``period_before`` the earliest and ``period_after`` the latest complete month
    of the tickets (:func:`complete_months`), ``as_of`` (the day the action register is
    checked on) the last day of the latest complete month. Given periods are checked to
    lie in the data.

    Returns
    -------
    dict
        ``period_before``, ``period_after``, ``as_of`` and ``settings`` (for
        :func:`cxeval.report.settings_note`).

    Raises
    ------
    DataError
        A given period outside the tickets' months (:func:`check_periods`).
    """
    first, last = complete_months(tickets)
    chosen = {"period_before": str(period_before or "").strip() or first,
              "period_after": str(period_after or "").strip() or last}
    check_periods(tickets, {k: v for k, v in chosen.items() if v})
    chosen["as_of"] = str(as_of or "").strip() or (month_end(last) if last else "")
    given = {"period_before": bool(period_before), "period_after": bool(period_after), "as_of": bool(as_of)}
    meta = {"period_before": (("措施前月份", "month before"), ("数据中最早的完整月份", "the earliest complete month in the data")),
            "period_after": (("措施后月份", "month after"), ("数据中最近的完整月份", "the latest complete month in the data")),
            "as_of": (("措施检查日", "action register checked on"),
                      ("数据中最近完整月份的最后一天", "the last day of the latest complete month in the data"))}
    chosen["settings"] = [{"name": k, "value": chosen[k], "given": given[k], "label": meta[k][0],
                           "source": meta[k][1]} for k in meta]
    return chosen


def campaign_settings(result: CampaignResult, *, campaign_baseline: str = "", repeat_period: str = "",
                      top_month: str | None = None) -> list[dict]:
    """Notebook 05's settings (campaign baseline, month of the top repeaters), for
    :func:`cxeval.report.settings_note`."""
    return [
        {"name": "campaign_baseline", "value": result.baseline_period, "given": bool(campaign_baseline),
         "label": ("活动基线月", "campaign baseline month"),
         "source": ("投诉处理活动的配置", "the complaint campaign's configuration")},
        {"name": "repeat_period", "value": top_month, "given": bool(repeat_period),
         "label": ("重复投诉客户排名月份", "month of the top repeat complainers"),
         "source": ("数据中最近的月份", "the latest month in the data")},
    ]


def index_entry(result: CampaignResult) -> dict[str, str]:
    """What the batch index shows for this report: short headline in both languages and a status.

    Returns
    -------
    dict
        ``headline`` ("3/6 项活动目标达标"), ``headline_en`` ("3 of 6 campaign targets met"),
        ``status``: ``good`` when every target is met, ``bad`` when any is off track,
        ``warn`` otherwise (some on track or without data).

    Examples
    --------
    >>> index_entry(result)   # doctest: +SKIP
    {'headline': '3/6 项活动目标达标', 'headline_en': '3 of 6 campaign targets met', 'status': 'bad'}
    """
    c = result.counts()
    total = sum(c.values())
    if total == 0:
        return {"headline": "无投诉数据", "headline_en": "no complaint data", "status": "none"}
    latest = result.latest()
    entry = {"headline": f"{c['met']}/{total} 项活动目标达标",
             "headline_en": f"{c['met']} of {total} campaign targets met"}
    if c["met"] == total:
        return {**entry, "status": "good"}
    if c["off_track"]:
        off = latest[latest["status"] == "off_track"]
        return {**entry, "status": "bad", "reason": "进度落后：" + "、".join(off["label_zh"]),
                "reason_en": "off track: " + "; ".join(off["label_en"])}
    rest = latest[latest["status"] != "met"]
    words = {"on_track": ("进度正常", "on track"), "no_data": ("无数据", "no data")}
    return {**entry, "status": "warn",
            "reason": "未达标：" + "、".join(f"{r.label_zh}（{words.get(r.status, (r.status,))[0]}）"
                                           for r in rest.itertuples()),
            "reason_en": "not yet met: " + "; ".join(f"{r.label_en} ({words.get(r.status, (r.status, r.status))[1]})"
                                                    for r in rest.itertuples())}


_CARD_STATUS = {"met": "good", "on_track": "warn", "off_track": "bad", "no_data": ""}


# Column headers of the display tables, (zh, en), one place for every show_* function.
_HEADERS = {
    "step": ("环节", "Step"), "limit": ("时限", "Limit"), "tickets": ("工单数", "Tickets"),
    "on_time": ("及时", "On time"), "late": ("超时", "Late"), "open": ("未完成", "Open"),
    "on_time_rate": ("及时率", "On-time rate"), "median": ("用时中位数", "Median time"),
    "p90": ("90%工单用时", "90th percentile"), "branch": ("分公司", "Branch"),
    "period": ("月份", "Month"), "target": ("目标", "Target"), "actual": ("实际", "Actual"),
    "goal": ("当月目标", "Goal this month"), "status": ("状态", "Status"),
    "rank": ("排名", "Rank"), "customer_id": ("客户号码", "Customer"),
    "complaints": ("投诉次数", "Complaints"), "top_category": ("主要子项", "Main sub-item"),
    "first_opened": ("首次投诉", "First"), "last_opened": ("最近投诉", "Last"),
    "ticket_id": ("工单号", "Ticket"), "category": ("子项", "Sub-item"),
    "minutes": ("用时", "Took"), "limit_minutes": ("时限", "Limit"), "summary": ("摘要", "Summary"),
    "per_10k": ("万人投诉率", "Per 10,000 subs"), "repeat_5": ("重复投诉≥5次", "Repeat 5+"),
    "repeat_10": ("重复投诉≥10次", "Repeat 10+"), "fcr": ("一次性解决率", "FCR"),
    "provincial_fcr": ("全省FCR", "Province FCR"),
    "escalated_on_time_rate": ("转办及时率", "Escalated on time"),
    "self_handled_on_time_rate": ("自处理及时率", "Self-handled on time"),
    "pass_rate": ("质检合格率", "Quality pass"), "overdue_rate": ("超时率", "Overdue"),
}


def _headers(columns, lang: str, **overrides: tuple[str, str]) -> dict[str, str]:
    table = {**_HEADERS, **overrides}
    return {c: report.tr(*table[c], lang) for c in columns if c in table}


def headline(actual: pd.DataFrame, result: CampaignResult, *, branch: str, lang: str = "zh"):
    """Headline cards of the complaint-handling report (notebook 05).

    Parameters
    ----------
    actual : DataFrame
        :func:`campaign_actuals` for the branch.
    result : CampaignResult
        :func:`campaign` of ``actual``.
    branch : str
        Shown on the first card.
    lang : {"zh", "en"}

    Returns
    -------
    cxeval.report.HTML
        Cards: tickets in the data, repeat complaints (>= 5) in the latest month against
        the baseline, FCR and self-handled on-time rate in the latest month (coloured by
        their campaign status), targets met; and :func:`campaign_sentence`. A branch
        without tickets gets one card and a sentence saying so.
    """
    check_lang(lang)
    if actual.empty:
        return report.headline(
            [{"label": report.tr("工单数", "Tickets", lang), "value": "0", "detail": branch}],
            sentence=report.tr(f"{branch} 没有投诉工单，本报告其余部分为空。",
                               f"{branch} has no complaint tickets; the rest of this report is "
                               "empty.", lang))
    statuses = result.statuses()
    last = actual.iloc[-1]
    month = last["period"]
    base = actual[actual["period"] == result.baseline_period]
    repeat_detail = (f"{result.baseline_period}: {report.fmt_int(base['repeat_5'].iloc[0])}"
                     if len(base) and "repeat_5" in actual.columns else "")
    province = report.fmt_pct(last.get("provincial_fcr"))
    cards = [
        {"label": report.tr("工单数", "Tickets", lang),
         "value": report.fmt_int(actual["tickets"].sum()),
         "detail": f"{branch} {actual['period'].iloc[0]}–{month}"},
        {"label": report.tr(f"重复投诉（≥5次）{month}", f"Repeat complaints (5+) {month}", lang),
         "value": report.fmt_int(last.get("repeat_5")), "detail": repeat_detail,
         "status": _CARD_STATUS[statuses.get("repeat_5", "no_data")]},
        {"label": report.tr(f"一次性解决率 {month}", f"First-contact resolution {month}", lang),
         "value": report.fmt_pct(last.get("fcr")),
         "detail": report.tr(f"全省 {province}", f"province {province}", lang),
         "status": _CARD_STATUS[statuses.get("fcr", "no_data")]},
        {"label": report.tr(f"自处理工单及时率 {month}", f"Self-handled on time {month}", lang),
         "value": report.fmt_pct(last.get("self_handled_on_time_rate")),
         "detail": report.tr("目标 100%", "target 100%", lang),
         "status": _CARD_STATUS[statuses.get("self_handled_on_time", "no_data")]},
        {"label": report.tr("活动目标达标", "Campaign targets met", lang),
         "value": f"{result.counts()['met']} / {len(statuses)}",
         "status": index_entry(result)["status"]},
    ]
    return report.headline(cards, sentence=campaign_sentence(result, lang=lang))


def show_sla(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted SLA table (one row per step) for a notebook, via :func:`cxeval.report.table`.

    Durations are shown in minutes or hours; on-time rates below 100% in red.
    """
    check_lang(lang)
    group = [c for c in table.columns if c not in (
        "step", "step_zh", "step_en", "limit_minutes", "tickets", "on_time", "late", "open",
        "invalid", "on_time_rate", "median_minutes", "p90_minutes")]
    shown = table[group].assign(
        step=table["step_zh"] if lang == "zh" else table["step_en"],
        limit=[report.fmt_duration(m, lang) for m in table["limit_minutes"]],
        tickets=table["tickets"], on_time=table["on_time"], late=table["late"],
        open=table["open"], on_time_rate=table["on_time_rate"],
        median=[report.fmt_duration(m, lang) for m in table["median_minutes"]],
        p90=[report.fmt_duration(m, lang) for m in table["p90_minutes"]])
    counts = {c: "int" for c in ("tickets", "on_time", "late", "open")}
    return report.table(shown, formats={**counts, "on_time_rate": "pct"}, caption=caption,
                        labels=_headers(shown.columns, lang, tickets=("到达工单", "Reached")),
                        highlight={"on_time_rate": lambda v: v == v and v < 1})


def show_campaign(result: CampaignResult, *, lang: str = "zh", caption: str | None = None):
    """Formatted status of each target in its latest month, via :func:`cxeval.report.table`."""
    check_lang(lang)
    latest = result.latest()
    words = {s: report.tr(zh, en, lang) for s, (zh, en) in _STATUS_WORDS.items()}

    def values(row):
        if row["kind"] == "reduce":
            return report.fmt_int(row["actual"]), "≤ " + report.fmt_int(row["goal"])
        actual, goal = _distinct_pcts(row["actual"], row["goal"], row["status"] == "met")
        return actual, "≥ " + goal

    pairs = [values(row) for row in latest.to_dict("records")]  # one row per target
    shown = pd.DataFrame({
        "target": latest["label_zh" if lang == "zh" else "label_en"],
        "period": latest["period"],
        "actual": [a for a, _ in pairs],
        "goal": [g for _, g in pairs],
        "status": latest["status"].map(words),
    })
    return report.table(shown, labels=_headers(shown.columns, lang), caption=caption,
                        highlight={"status": lambda v: v == words["off_track"]})


def _relabel(values: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    return values.map(lambda v: labels.get(v, v)) if labels else values


def show_top_repeaters(table: pd.DataFrame, *, period: str | None = None, lang: str = "zh",
                       labels: Mapping[str, str] | None = None):
    """Formatted :func:`top_repeaters` table; ids are masked again on display as a safeguard.

    ``period`` goes into the caption; None (a branch without tickets) says so instead.
    ``labels`` maps sub-item names to display names
    (:func:`cxeval.pareto.category_labels`).
    """
    check_lang(lang)
    caption = (report.tr(f"{period} 投诉次数最多的客户", f"Most frequent complainers, {period}", lang)
               if period else report.tr("没有投诉工单", "No complaint tickets", lang))
    shown = table.assign(top_category=_relabel(table["top_category"], labels),
                         first_opened=table["first_opened"].astype("str").str[:16],
                         last_opened=table["last_opened"].astype("str").str[:16])
    return report.table(shown, formats={"complaints": "int"}, labels=_headers(shown.columns, lang),
                        mask=["customer_id"], caption=caption)


def show_overdue(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None,
                 labels: Mapping[str, str] | None = None):
    """Formatted :func:`overdue_tickets` table (summary escaped on display, numbers masked).

    ``labels`` maps sub-item names to display names (:func:`cxeval.pareto.category_labels`).
    """
    check_lang(lang)
    shown = table.assign(category=_relabel(table["category"], labels),
                         step=table["step_zh"] if lang == "zh" else table["step_en"],
                         minutes=[report.fmt_duration(m, lang) for m in table["minutes"]],
                         limit_minutes=[report.fmt_duration(m, lang) for m in table["limit_minutes"]],
                         summary=table["summary"].map(report.mask_text))
    shown = shown.drop(columns=["over_minutes", "step_zh", "step_en"])
    return report.table(shown, labels=_headers(shown.columns, lang), mask=["customer_id"],
                        caption=caption)


def show_monthly(actual: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted month-by-month table of :func:`campaign_actuals`."""
    check_lang(lang)
    rates = ("fcr", "provincial_fcr", "escalated_on_time_rate", "self_handled_on_time_rate",
             "pass_rate", "overdue_rate")
    formats = {"tickets": "int", "per_10k": "num", **{c: "pct" for c in rates},
               **{c: "int" for c in actual.columns if c.startswith("repeat_")}}
    return report.table(actual, formats=formats, labels=_headers(actual.columns, lang),
                        caption=caption)
