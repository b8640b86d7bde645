"""The baseline report's glue: headline cards, key numbers, index entry, table labels.

What notebook 01 and the batch need around :mod:`cxeval.baseline`'s numbers:

- :func:`headline` — the cards and sentence at the top of the report;
- :func:`key_numbers` — the numbers recorded in the results sidecar;
- :func:`index_entry` — the batch index's headline and status;
- :func:`column_labels`, :func:`table_formats` — headers and formats of its tables;
- :func:`freeze_setting` — the baseline period, for :func:`cxeval.report.settings_note`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.checks import check_lang
from cxeval.text.baseline import describe_status, period_label

__all__ = ["headline", "key_numbers", "index_entry", "column_labels", "table_formats",
           "freeze_setting"]


_FORMATS = {
    "responses": "int", "satisfied": "int", "rate": "pct", "ci_low": "pct", "ci_high": "pct",
    "gap_to_target": "pp", "center": "pct", "lcl": "pct", "ucl": "pct", "own_rate": "pct",
    "competitor_rate": "pct", "own_responses": "int", "competitor_responses": "int",
    "lead": "pp", "target": "pp", "previous_rate": "pct", "previous_responses": "int",
    "diff": "pp", "p_value": "p", "lower_95": "pct", "upper_95": "pct", "lower_998": "pct",
    "upper_998": "pct",
}


_YES_NO_COLUMNS = ("meets_target", "clearly_below", "significant", "outside", "small_sample",
                   "signal")


def table_formats(lang="zh", *, ci="pct") -> dict:
    """Display formats for ``report.table`` of every column baseline functions return.

    Parameters
    ----------
    lang : {"zh", "en"}
        Language of yes/no cells ("是"/"否", "Yes"/"No").
    ci : {"pct", "pp"}
        ``"pp"`` when ``ci_low``/``ci_high`` bound a difference (lead, change).

    Examples
    --------
    >>> table_formats("en")["clearly_below"](True), table_formats(ci="pp")["ci_low"]
    ('Yes', 'pp')
    """
    check_lang(lang)
    if ci not in ("pct", "pp"):
        raise ValueError(f"table_formats: ci must be 'pct' or 'pp', got {ci!r}")
    yes, no = report.tr("是", "Yes", lang), report.tr("否", "No", lang)

    def yes_no(value) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return "–"
        return yes if bool(value) else no

    out = dict(_FORMATS, ci_low=ci, ci_high=ci)
    out.update({col: yes_no for col in _YES_NO_COLUMNS})
    return out


_LABELS = {
    "branch": ("分公司", "Branch"), "hall": ("营业厅", "Hall"), "segment": ("细分", "Segment"),
    "period": ("期间", "Period"), "responses": ("样本量", "Responses"),
    "satisfied": ("满意数", "Satisfied"), "rate": ("满意度", "Satisfaction"),
    "ci_low": ("95% 下限", "95% CI low"), "ci_high": ("95% 上限", "95% CI high"),
    "gap_to_target": ("与目标差距", "Gap to target"), "meets_target": ("达标", "Meets target"),
    "clearly_below": ("确定低于目标", "Clearly below"), "center": ("中心线", "Centre"),
    "lcl": ("控制下限", "LCL"), "ucl": ("控制上限", "UCL"), "reason": ("原因", "Reason"),
    "own_responses": ("自有样本量", "Own n"), "own_rate": ("自有品牌满意度", "Own brands"),
    "competitor_responses": ("竞争对手样本量", "Competitor n"),
    "competitor_rate": ("竞争对手满意度", "Competitor"), "lead": ("领先", "Lead"),
    "target": ("领先目标", "Lead target"), "rank": ("排名", "Rank"),
    "previous_period": ("上期", "Previous"), "previous_rate": ("上期满意度", "Previous rate"),
    "diff": ("变化", "Change"), "p_value": ("p 值", "p-value"),
    "significant": ("超出抽样误差", "Beyond noise"),
}


def column_labels(lang="zh") -> dict:
    """Column headers in ``lang`` for the tables baseline functions return.

    Examples
    --------
    >>> column_labels("en")["gap_to_target"]
    'Gap to target'
    """
    check_lang(lang)
    return {col: report.tr(zh, en, lang) for col, (zh, en) in _LABELS.items()}


def headline(st, *, unit, below=None, lang="zh"):
    """Headline cards of the baseline report (notebook 01).

    Parameters
    ----------
    st : dict or None
        :func:`status` of the unit; None when it has no survey data.
    unit : str
        Unit (branch) name.
    below : DataFrame, optional
        :func:`below_target` of its halls (adds a card with their number).
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    cxeval.report.HTML
        Cards (current rate, target, gap, stable, halls below target) and the sentence of
        :func:`describe_status`.

    Examples
    --------
    >>> html = headline(None, unit="潮安", lang="en")._repr_html_()
    >>> "No hall survey data for 潮安" in html
    True
    """
    tr = report.tr
    check_lang(lang)
    if st is None:
        return report.headline(
            [{"label": tr("当前满意度", "Current satisfaction", lang), "value": "–"}],
            sentence=tr(f"{unit} 没有营业厅满意度调查数据。", f"No hall survey data for {unit}.", lang))
    tgt_digits = _target_digits(st["target"])
    cards = [
        {"label": tr("当前满意度", "Current satisfaction", lang),
         "value": report.fmt_pct(st["current_rate"]),
         "detail": f"{period_label(st['current_period'], lang)} · 95% CI "
                   f"{report.fmt_pct(st['ci_low'])}–{report.fmt_pct(st['ci_high'])}",
         "status": "good" if st["meets_target"] else "bad"},
        {"label": tr("目标", "Target", lang), "value": report.fmt_pct(st["target"], tgt_digits)},
        {"label": tr("与目标差距", "Gap to target", lang), "value": report.fmt_pp(st["gap"]),
         "status": "good" if st["gap"] >= 0 else "bad"},
    ]
    if st.get("stable") is not None:
        chart_names = {"laney": ("Laney p′ 控制图", "Laney p′ chart"), "p": ("p 控制图", "p chart"),
                       "run": ("运行图", "run chart")}
        cards.append({"label": tr("过程稳定", "Stable process", lang),
                      "value": tr("是", "Yes", lang) if st["stable"] else tr("否", "No", lang),
                      "detail": tr(*chart_names[st.get("chart", "p")], lang),
                      "status": "good" if st["stable"] else "warn"})
    if below is not None:
        cards.append({"label": tr("低于目标的营业厅", "Halls below target", lang),
                      "value": report.fmt_int(len(below)),
                      "detail": tr(f"确定低于：{int(below['clearly_below'].sum())}",
                                   f"clearly below: {int(below['clearly_below'].sum())}", lang),
                      "status": "good" if below.empty else "bad"})
    return report.headline(cards, sentence=describe_status(st, unit=unit, lang=lang))


def key_numbers(st=None, *, below=None, lead_result=None, unit=None) -> dict:
    """The numbers notebook 01 records for the batch and its tests (JSON-ready).

    Parameters
    ----------
    st : dict, optional
        :func:`status` (None when the unit has no survey).
    below : DataFrame, optional
        :func:`below_target` of its halls.
    lead_result : LeadResult, optional
        Brand/competitor lead (Guizhou branches).
    unit : str, optional
        The unit (branch) the report is for; its row of the lead table is recorded.

    Returns
    -------
    dict
        ``current_period``, ``current_rate``, ``target``, ``gap``, ``stable``, ``laney``,
        ``n_signals``, ``periods_below``, ``n_halls_below_target``,
        ``n_halls_clearly_below``, and with a lead: ``lead``, ``lead_met``,
        ``province_lead``, ``province_spread``, ``all_branches_meet_lead``. Missing
        parts are None.

    Examples
    --------
    >>> key_numbers()["current_rate"] is None
    True
    """
    out = dict.fromkeys(["current_period", "current_rate", "target", "gap", "stable", "laney",
                         "n_signals", "periods_below", "n_halls_below_target",
                         "n_halls_clearly_below", "lead", "lead_met", "province_lead",
                         "province_spread", "all_branches_meet_lead"])
    if st is not None:
        out.update({k: st[k] for k in ("current_period", "current_rate", "target", "gap",
                                       "stable", "laney", "n_signals", "periods_below")})
    if below is not None:
        out["n_halls_below_target"] = int(len(below))
        out["n_halls_clearly_below"] = int(below["clearly_below"].sum())
    if lead_result is not None:
        summary = lead_result.summary()
        out.update(province_lead=summary["province_lead"], province_spread=summary["spread"],
                   all_branches_meet_lead=summary["all_meet_target"])
        row = lead_result.table[lead_result.table[lead_result.by] == unit]
        if not row.empty:
            out.update(lead=float(row["lead"].iloc[0]),
                       lead_met=bool(row["meets_target"].iloc[0]))
    return out


def freeze_setting(survey: pd.DataFrame, baseline_end: str = "", *, period: str = "period") -> dict:
    """The baseline period the control limits are fixed on, for :func:`cxeval.report.settings_note`.

    Empty ``baseline_end`` means every month in the data (the value shows the range).
    """
    periods = survey[period].dropna().astype(str)
    span = f"{periods.min()} – {periods.max()}" if len(periods) else ""
    value = f"{periods.min()} – {baseline_end}" if baseline_end and len(periods) else span
    return {"name": "baseline_end", "value": value, "given": bool(baseline_end),
            "label": ("控制限基准期", "baseline period of the control limits"),
            "source": ("数据中的全部月份", "every month in the data")}


def index_entry(st) -> dict[str, str]:
    """What the batch index shows for this report: short headline, status and its reason.

    Parameters
    ----------
    st : dict or None
        :func:`status` of the unit; None without survey data (``status`` ``none``).

    Returns
    -------
    dict
        ``headline`` ("98.7%（目标 95%）"), ``headline_en`` ("98.7% (target 95%)") for the
        latest period, ``status`` and, for ``warn`` and ``bad``, ``reason`` / ``reason_en``:

        - ``good``: the latest period meets the target and the control chart shows no
          unfavourable signal (signals above the centre line are improvements: a rise
          after a pilot is what the project wanted);
        - ``warn``: it meets the target but the chart signals a fall or too few
          crossings ("过程不稳定：2008-03 信号（低于中心线）"), or it misses the target within
          sampling noise (the interval's upper end reaches the target);
        - ``bad``: it is clearly below the target (the whole interval under it; rates
          without counts have no interval, so any miss is bad).

    Examples
    --------
    >>> st = {"current_rate": 0.987, "target": 0.95, "meets_target": True, "ci_high": 0.99,
    ...       "stable": True, "current_period": "2008-12"}
    >>> index_entry(st)
    {'headline': '98.7%（目标 95%）', 'headline_en': '98.7% (target 95%)', 'status': 'good'}
    """
    if st is None:
        return {"headline": "无满意度数据", "headline_en": "no survey data", "status": "none"}
    rate = report.fmt_pct(st["current_rate"])
    target = report.fmt_pct(st["target"], _target_digits(st["target"]))
    entry = {"headline": f"{rate}（目标 {target}）", "headline_en": f"{rate} (target {target})"}
    period = st.get("current_period", "")
    below = list(st.get("signals_below") or [])
    unstable = st.get("stable") is False and (below or st.get("few_crossings") or not st.get("signals_above"))
    if st["meets_target"]:
        if not unstable:
            return {**entry, "status": "good"}
        if below:
            months = "、".join(below[-3:])
            zh, en = (f"过程不稳定：{months} 信号（低于中心线）",
                      f"unstable process: signal in {', '.join(below[-3:])} (below the centre line)")
        else:
            zh, en = ("过程不稳定：中心线穿越过少", "unstable process: too few crossings of the centre line")
        return {**entry, "status": "warn", "reason": zh, "reason_en": en}
    if st["ci_high"] >= st["target"]:
        return {**entry, "status": "warn", "reason": f"{period} 未达目标，但差距在抽样误差之内",
                "reason_en": f"{period} below the target, within sampling noise"}
    return {**entry, "status": "bad", "reason": f"{period} 明确低于目标（整个置信区间在目标之下）",
            "reason_en": f"{period} clearly below the target (the whole interval under it)"}


def _target_digits(target) -> int:
    """Decimals a target needs as a percentage: 95% but 95.5%."""
    return 0 if round(target * 100, 6) == round(target * 100) else 1
