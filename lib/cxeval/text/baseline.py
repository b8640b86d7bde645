"""Sentences of the baseline report: where a unit stands, whether the move is real.

Built from what :mod:`cxeval.baseline` returns, in Chinese or English:

- :func:`period_label` — a period as people say it ("2008年3月" / "March 2008");
- :func:`describe_rates`, :func:`describe_chart`, :func:`describe_baseline`,
  :func:`describe_status` — how often below target, is the latest move a signal;
- :func:`describe_funnel`, :func:`describe_small_samples` — which halls really differ;
- :func:`describe_lead`, :func:`describe_change`, :func:`describe_dispersion` — lead over
  a competitor, change against the previous period, the chart chosen;
- :data:`SIGNAL_REASONS` — why a point of a control chart signals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.baseline import run_chart, signals
from cxeval.baseline.counts import _period_key
from cxeval.checks import IN_FUNCTION, check_lang, require_columns

__all__ = [
    "period_label", "describe_rates", "describe_chart", "describe_baseline", "describe_status",
    "describe_funnel", "describe_lead", "describe_lead_missing", "describe_change", "describe_dispersion",
    "describe_small_samples", "SIGNAL_REASONS",
]


#: Why a point of a control chart signals (:func:`cxeval.baseline.signals` codes), in
#: Chinese and English.
SIGNAL_REASONS = {
    "above_ucl": ("高于控制上限", "above the upper control limit"),
    "below_lcl": ("低于控制下限", "below the lower control limit"),
    "long_run_above": ("连续高于中心线", "part of a long run above the centre line"),
    "long_run_below": ("连续低于中心线", "part of a long run below the centre line"),
}


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def period_label(value, lang="zh", *, with_year=True) -> str:
    """A period as people say it: ``"2008-03"`` -> "2008年3月" / "March 2008".

    Parameters
    ----------
    value : str
        "YYYY-MM", "YYYY-Qn" or "YYYY".
    lang : {"zh", "en"}
        Language.
    with_year : bool
        Include the year (drop it when every period is in the same year).

    Examples
    --------
    >>> period_label("2008-03", "en", with_year=False)
    'March'
    """
    check_lang(lang)
    p = _period_key(value)
    if not isinstance(p, pd.Period):
        return str(value)
    kind = p.freqstr[0]
    if kind == "M":
        if lang == "zh":
            return f"{p.year}年{p.month}月" if with_year else f"{p.month}月"
        name = _MONTHS_EN[p.month - 1]
        return f"{name} {p.year}" if with_year else name
    if kind == "Q":
        if lang == "zh":
            return f"{p.year}年第{p.quarter}季度" if with_year else f"第{p.quarter}季度"
        return f"Q{p.quarter} {p.year}" if with_year else f"Q{p.quarter}"
    return f"{p.year}年" if lang == "zh" else str(p.year)


def _one_year(periods) -> bool:
    keys = [_period_key(p) for p in periods]
    return all(isinstance(k, pd.Period) for k in keys) and len({k.year for k in keys}) == 1


def describe_rates(table, *, unit, target, period="period", lang="zh") -> str:
    """Sentence: how often a unit was below target (``"潮安 was below 95% in 2 of 3 months"``).

    Parameters
    ----------
    table : DataFrame
        Rates per period (:func:`rates` with ``by=period``).
    unit : str
        The unit's name, e.g. the branch.
    target : float
        Target rate (0–1).
    period : str
        Period column.
    lang : {"zh", "en"}
        Language.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                   "rate": [0.9263, 0.9172, 0.9631]})
    >>> describe_rates(t, unit="潮安", target=0.95, lang="en")
    '潮安 was below 95% in 2 of 3 months'
    """
    check_lang(lang)
    require_columns(table, [period, "rate"], "describe_rates", message=IN_FUNCTION)
    valid = table[table["rate"].notna()]
    n = len(valid)
    below = int((valid["rate"] < target).sum())
    quarterly = any(str(p)[5:6] == "Q" for p in valid[period])
    word_en = "quarters" if quarterly else "months"
    word_zh = "个季度" if quarterly else "个月"
    pct = report.fmt_pct(target, 0 if round(target * 100, 6) == round(target * 100) else 1)
    if below == 0:
        return report.tr(f"{unit} 全部 {n} {word_zh}均达到 {pct}",
                         f"{unit} was at or above {pct} in all {n} {word_en}", lang)
    if below == n:
        return report.tr(f"{unit} 全部 {n} {word_zh}均低于 {pct}",
                         f"{unit} was below {pct} in all {n} {word_en}", lang)
    return report.tr(f"{unit} {n} {word_zh}中有 {below} {word_zh}低于 {pct}",
                     f"{unit} was below {pct} in {below} of {n} {word_en}", lang)


def describe_chart(chart, *, lang="zh") -> str:
    """Sentence: is the latest move real? And which points signal, if any.

    E.g. "the March rise is within normal variation" or "the December rise is a signal
    (above the upper control limit)"; other signals are listed after it.

    Parameters
    ----------
    chart : DataFrame
        Output of :func:`p_chart`.
    lang : {"zh", "en"}
        Language.

    Examples
    --------
    >>> from cxeval.baseline import p_chart
    >>> chart = p_chart(pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                               "responses": [300] * 3, "satisfied": [278, 275, 289]}))
    >>> describe_chart(chart, lang="en")
    'the March rise is within normal variation'
    """
    check_lang(lang)
    require_columns(chart, ["period", "rate", "signal"], "describe_chart", message=IN_FUNCTION)
    if chart.empty:
        return report.tr("没有可分析的数据", "there is no data to chart", lang)
    same_year = _one_year(chart["period"])
    last = chart.iloc[-1]
    when = period_label(last["period"], lang, with_year=not same_year)
    parts = []
    if len(chart) >= 2:
        prev = chart.iloc[-2]["rate"]
        if last["rate"] > prev:
            move = report.tr("上升", "rise", lang)
        elif last["rate"] < prev:
            move = report.tr("下降", "fall", lang)
        else:
            move = report.tr("持平", "flat reading", lang)
        subject = report.tr(f"{when}的{move}", f"the {when} {move}", lang)
    else:
        subject = report.tr(f"{when}的数值", f"the {when} value", lang)
    table = signals(chart)
    last_reason = table.loc[table["period"] == last["period"], "reason"]
    if last_reason.empty:
        parts.append(report.tr(f"{subject}在正常波动范围内", f"{subject} is within normal variation",
                               lang))
    else:
        reason = report.tr(*SIGNAL_REASONS[last_reason.iloc[0]], lang)
        parts.append(report.tr(f"{subject}是异常信号（{reason}）",
                               f"{subject} is a signal ({reason})", lang))
    others = table[table["period"] != last["period"]]
    if not others.empty:
        whens = [period_label(p, lang, with_year=not same_year) for p in others["period"]]
        listed = report.tr("、", ", ", lang).join(whens)
        parts.append(report.tr(f"另有 {len(others)} 个信号点：{listed}",
                               f"{len(others)} other point(s) signal: {listed}", lang))
    if "few_crossings" in chart.columns and bool(chart["few_crossings"].any()):
        parts.append(report.tr("穿越中心线的次数过少，说明过程有持续的偏移",
                               "the series crosses its centre line too rarely: a sustained shift",
                               lang))
    return report.tr("；", "; ", lang).join(parts)


def describe_baseline(table, chart, *, unit, target, period="period", lang="zh") -> str:
    """The baseline reading in one sentence: below-target months and the latest move.

    ``"潮安 was below 95% in 2 of 3 months; the March rise is within normal variation."``

    Parameters
    ----------
    table : DataFrame
        Rates per period (:func:`rates`).
    chart : DataFrame or None
        :func:`p_chart` of the same periods; None when there are no counts (the latest
        move is then judged by the run rules of :func:`run_signals` around the median).
    unit : str
        Unit name.
    target : float
        Target rate.
    period : str
        Period column of ``table``.
    lang : {"zh", "en"}
        Language.

    Examples
    --------
    >>> from cxeval.baseline import p_chart, rates
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                    "responses": [300] * 3, "satisfied": [278, 275, 289]})
    >>> describe_baseline(rates(df, "period"), p_chart(df), unit="潮安", target=0.95, lang="zh")
    '潮安 3 个月中有 2 个月低于 95%；3月的上升在正常波动范围内。'
    """
    first = describe_rates(table, unit=unit, target=target, period=period, lang=lang)
    if chart is None:
        chart = run_chart(table, period=period)
    second = describe_chart(chart, lang=lang)
    return first + report.tr("；", "; ", lang) + second + report.tr("。", ".", lang)


def describe_status(st, *, unit, lang="zh") -> str:
    """Headline sentence from :func:`status`.

    Examples
    --------
    >>> st = {"current_period": "2008-12", "current_rate": 0.962, "target": 0.95,
    ...       "gap": 0.012, "periods_below": 3, "n_periods": 12, "stable": False,
    ...       "laney": True}
    >>> describe_status(st, unit="潮安", lang="en")
    '潮安: 96.2% in December 2008, +1.2 pp against the 95% target; below target in 3 of 12 months; not stable: the control chart shows special-cause variation.'
    """
    check_lang(lang)
    when = period_label(st["current_period"], lang)
    pct = report.fmt_pct(st["current_rate"])
    tgt = report.fmt_pct(st["target"], 0 if round(st["target"] * 100, 6) == round(
        st["target"] * 100) else 1)
    gap = report.fmt_pp(st["gap"])
    first = report.tr(f"{unit}：{when}满意度 {pct}，与 {tgt} 目标相差 {gap}",
                      f"{unit}: {pct} in {when}, {gap} against the {tgt} target", lang)
    second = report.tr(f"{st['n_periods']} 期中有 {st['periods_below']} 期低于目标",
                       f"below target in {st['periods_below']} of {st['n_periods']} "
                       f"{'periods' if str(st['current_period'])[5:6] == 'Q' else 'months'}",
                       lang)
    if st.get("stable") is None:
        third = report.tr("无法判断是否稳定", "stability cannot be judged", lang)
    elif st["stable"]:
        third = report.tr("过程稳定：只有随机波动", "stable: only common-cause variation", lang)
    else:
        third = report.tr("不稳定：控制图显示特殊原因波动",
                          "not stable: the control chart shows special-cause variation", lang)
    sep = report.tr("；", "; ", lang)
    return first + sep + second + sep + third + report.tr("。", ".", lang)


_UNIT_WORDS = {("hall",): ("个营业厅", "halls"), ("branch",): ("个分公司", "branches"),
               ("segment",): ("个细分", "segments"), ("hall", "period"): ("个营业厅月", "hall-months"),
               ("period",): ("期", "periods")}


def _units(keys, lang) -> str:
    zh, en = _UNIT_WORDS.get(tuple(keys), ("个单位", "units"))
    return report.tr(zh, en, lang)


def describe_funnel(data, *, by=None, lang="zh") -> str:
    """Sentence reading a funnel plot: which units are really different, not just small.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`funnel`.
    by : str, optional
        The unit column (defaults to the one :func:`funnel` used).
    lang : {"zh", "en"}
        Language.

    Examples
    --------
    >>> from cxeval.baseline import funnel
    >>> df = pd.DataFrame({"hall": list("ABC"), "responses": [200, 300, 250],
    ...                    "satisfied": [190, 281, 200]})
    >>> describe_funnel(funnel(df, "hall"), lang="en")
    'Of 3 halls, C is below the 99.8% limit: a real difference, not chance; the other halls are within the limits.'
    """
    check_lang(lang)
    if by is None:
        by = (data.attrs.get("by") or [data.columns[0]])[0]
    require_columns(data, [by, "band"], "describe_funnel", message=IN_FUNCTION)
    n = len(data)
    below = data.loc[data["band"] == "below_998", by].astype(str).tolist()
    above = data.loc[data["band"] == "above_998", by].astype(str).tolist()
    alert = data.loc[data["band"].isin(["below_95"]), by].astype(str).tolist()
    sep = report.tr("、", ", ", lang)
    what = _units([by], lang)
    parts = []
    if not below and not above:
        parts.append(report.tr(f"{n} {what}都在 99.8% 控制限内：差异与随机波动一致",
                               f"All {n} {what} are within the 99.8% limits: the differences "
                               f"are consistent with chance", lang))
    else:
        if below:
            verb = "is" if len(below) == 1 else "are"
            parts.append(report.tr(f"{n} {what}中，{sep.join(below)}低于 99.8% 控制限：确有差距，不是偶然",
                                   f"Of {n} {what}, {sep.join(below)} {verb} below the 99.8% "
                                   f"limit: a real difference, not chance", lang))
        if above:
            verb = "is" if len(above) == 1 else "are"
            parts.append(report.tr(f"{sep.join(above)}高于 99.8% 控制限",
                                   f"{sep.join(above)} {verb} above the 99.8% limit", lang))
        parts.append(report.tr(f"其余{what.lstrip('个')}在控制限内", f"the other {what} are within "
                               f"the limits", lang))
    if alert:
        parts.append(report.tr(f"{sep.join(alert)}低于 95% 警戒限，值得关注",
                               f"{sep.join(alert)} below the 95% limit, worth watching", lang))
    if "small_sample" in data.columns and data["small_sample"].any():
        small = data.loc[data["small_sample"], by].astype(str).tolist()
        parts.append(report.tr(f"{sep.join(small)}样本过少，结论不可靠",
                               f"{sep.join(small)}: too few answers to judge", lang))
    return report.tr("；", "; ", lang).join(parts) + report.tr("。", ".", lang)


def describe_lead(result, *, lang="zh") -> str:
    """Sentence reading a :class:`LeadResult` the way DOMAIN.md §4 does.

    Examples
    --------
    >>> from cxeval.baseline import lead
    >>> df = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["own", "rival"] * 2,
    ...                    "responses": [500] * 4, "satisfied": [380, 290, 370, 280]})
    >>> describe_lead(lead(df, own="own", competitor="rival"), lang="en")
    'Province: own brands 75.0%, competitor 57.0%, lead +18.0 pp; best A (76.0%), worst B (74.0%), spread 2.0 pp; 2 of 2 branches meet the 16 pp lead target.'
    """
    check_lang(lang)
    s = result.summary()
    tgt = report.fmt_pp(s["target"], 0, sign=False)
    head = report.tr(
        f"全省：自有品牌 {report.fmt_pct(s['province_own_rate'])}，竞争对手 "
        f"{report.fmt_pct(s['province_competitor_rate'])}，领先 {report.fmt_pp(s['province_lead'])}",
        f"Province: own brands {report.fmt_pct(s['province_own_rate'])}, competitor "
        f"{report.fmt_pct(s['province_competitor_rate'])}, lead {report.fmt_pp(s['province_lead'])}",
        lang)
    mid = report.tr(
        f"最好 {s['best']}（{report.fmt_pct(s['best_value'])}），最差 {s['worst']}"
        f"（{report.fmt_pct(s['worst_value'])}），极差 {report.fmt_pp(s['spread'], sign=False)}",
        f"best {s['best']} ({report.fmt_pct(s['best_value'])}), worst {s['worst']} "
        f"({report.fmt_pct(s['worst_value'])}), spread {report.fmt_pp(s['spread'], sign=False)}",
        lang)
    if s["all_meet_target"]:
        tail = report.tr(f"{s['n_branches']} 个分公司全部达到领先 {tgt} 的目标",
                         f"{s['n_meeting_target']} of {s['n_branches']} branches meet the "
                         f"{tgt} lead target", lang)
    else:
        missing = report.tr("、", ", ", lang).join(map(str, s["below_target"]))
        tail = report.tr(f"{s['n_branches']} 个分公司中 {s['n_meeting_target']} 个达到领先 {tgt} 的目标，"
                         f"未达标：{missing}",
                         f"{s['n_meeting_target']} of {s['n_branches']} branches meet the {tgt} "
                         f"lead target; not met: {missing}", lang)
    sep = report.tr("；", "; ", lang)
    return head + sep + mid + sep + tail + report.tr("。", ".", lang)


def describe_change(table, *, lang="zh") -> str:
    """Sentence on the latest change from :func:`change` (one unit).

    Examples
    --------
    >>> from cxeval.baseline import change
    >>> df = pd.DataFrame({"period": ["2008-02", "2008-03"], "responses": [1000, 1000],
    ...                    "satisfied": [917, 963]})
    >>> describe_change(change(df), lang="en")
    'March 2008 against February 2008: +4.6 pp, more than sampling noise (p < 0.001).'
    """
    check_lang(lang)
    if table.empty:
        return report.tr("没有可比较的前一期数据。", "There is no earlier period to compare with.", lang)
    row = table.iloc[-1]
    now = period_label(row["period"], lang)
    before = period_label(row["previous_period"], lang)
    diff = report.fmt_pp(row["diff"])
    if not np.isfinite(row["p_value"]):
        verdict = report.tr("没有样本量，无法检验", "no sample sizes to test it", lang)
    elif row["significant"]:
        verdict = report.tr(f"超出抽样误差（{report.fmt_p(row['p_value'])}）",
                            f"more than sampling noise ({report.fmt_p(row['p_value'])})", lang)
    else:
        verdict = report.tr(f"在抽样误差范围内（{report.fmt_p(row['p_value'])}）",
                            f"within sampling noise ({report.fmt_p(row['p_value'])})", lang)
    return report.tr(f"{now}与{before}相比：{diff}，{verdict}。",
                     f"{now} against {before}: {diff}, {verdict}.", lang)


def describe_dispersion(diag, *, lang="zh") -> str:
    """Sentence on the over-dispersion diagnostic and the chart it chooses.

    Examples
    --------
    >>> diag = {"ratio": 4.69, "p_value": 1e-9, "overdispersed": True, "sigma_z": 2.67}
    >>> describe_dispersion(diag, lang="en")
    'Month-to-month variation is 4.7 times what sampling alone explains (p < 0.001): the Laney p′ chart widens the limits by σz = 2.67.'
    """
    check_lang(lang)
    if not np.isfinite(diag.get("ratio", np.nan)):
        return report.tr("期数太少，无法判断波动是否超出抽样误差。",
                         "Too few periods to judge whether variation exceeds sampling error.", lang)
    ratio = f"{diag['ratio']:.1f}"
    p = report.fmt_p(diag["p_value"])
    if diag["overdispersed"]:
        sz = f"{diag['sigma_z']:.2f}"
        return report.tr(f"月度波动是抽样误差的 {ratio} 倍（{p}）：采用 Laney p′ 控制图，控制限按 σz = {sz} 放宽。",
                         f"Month-to-month variation is {ratio} times what sampling alone explains "
                         f"({p}): the Laney p′ chart widens the limits by σz = {sz}.", lang)
    return report.tr(f"月度波动与抽样误差相符（波动比 {ratio}，{p}）：采用常规 p 控制图。",
                     f"Month-to-month variation is consistent with sampling error (ratio {ratio}, "
                     f"{p}): the ordinary p chart is used.", lang)


def describe_small_samples(flags, *, lang="zh") -> str:
    """Sentence on the units :func:`small_samples` flags (n·p or n·(1 − p) under 5).

    Examples
    --------
    >>> from cxeval.baseline import small_samples
    >>> flags = small_samples(pd.DataFrame({"hall": ["A", "B"], "responses": [80, 400],
    ...                                     "satisfied": [76, 380]}), "hall")
    >>> describe_small_samples(flags, lang="en")
    '1 of 2 halls have fewer than 5 expected answers on one side (A): their rates are too uncertain to read alone.'
    """
    check_lang(lang)
    require_columns(flags, ["small_sample"], "describe_small_samples", message=IN_FUNCTION)
    keys = [c for c in flags.columns if c not in ("responses", "expected_satisfied",
                                                  "expected_unsatisfied", "small_sample")]
    small = flags[flags["small_sample"]]
    n = len(flags)
    what = _units(keys, lang)
    if small.empty:
        return report.tr(f"全部 {n} {what}样本量充足（期望满意、不满意人数均不少于 5）。",
                         f"All {n} {what} have enough answers (at least 5 expected on each side).",
                         lang)
    names = ["·".join(str(v) for v in row) for row in small[keys].itertuples(index=False)]
    shown = report.tr("、", ", ", lang).join(names[:6]) + ("…" if len(names) > 6 else "")
    return report.tr(f"{n} {what}中有 {len(small)} 个期望人数不足 5（{shown}）：其满意度不确定性很大，不宜单独解读。",
                     f"{len(small)} of {n} {what} have fewer than 5 expected answers on one side "
                     f"({shown}): their rates are too uncertain to read alone.", lang)


def describe_lead_missing(missing: dict, *, branch: str, lang="zh") -> str:
    """Why a report has no lead section (:func:`cxeval.baseline.branch_lead`'s ``missing``),
    with what to change when the segments are named differently.

    Examples
    --------
    >>> describe_lead_missing({"reason": "segments", "own_missing": ["全球通"], "competitor_missing": [],
    ...                        "available": ["移动", "联通"]}, branch="A", lang="en")
    "A's lead over the competitor is not computed: the brand survey has no segment 全球通 (own brands); its segments are 移动, 联通. Name them in the run plan's parameters own_segments and competitor_segments."
    """
    check_lang(lang)
    reason = missing.get("reason")
    if reason == "no_survey":
        return report.tr("没有品牌与竞争对手满意度调查数据，不计算领先幅度。",
                         "No brand and competitor survey: the lead is not computed.", lang)
    if reason == "no_branch":
        return report.tr(f"品牌与竞争对手满意度调查中没有 {branch} 的数据，不计算领先幅度。",
                         f"The brand and competitor survey has no rows for {branch}: the lead is not computed.",
                         lang)
    lacking_zh = "；".join(filter(None, [
        f"本品牌 {'、'.join(missing['own_missing'])}" if missing["own_missing"] else "",
        f"竞争对手 {'、'.join(missing['competitor_missing'])}" if missing["competitor_missing"] else ""]))
    lacking_en = "; ".join(filter(None, [
        f"{', '.join(missing['own_missing'])} (own brands)" if missing["own_missing"] else "",
        f"{', '.join(missing['competitor_missing'])} (competitor)" if missing["competitor_missing"] else ""]))
    found_zh, found_en = "、".join(missing["available"]) or "无", ", ".join(missing["available"]) or "none"
    return report.tr(
        f"{branch} 的领先幅度未计算：品牌调查中没有细分 {lacking_zh}；调查中的细分为 {found_zh}。"
        "请在运行计划的参数 own_segments 和 competitor_segments 中写明。",
        f"{branch}'s lead over the competitor is not computed: the brand survey has no segment {lacking_en}; "
        f"its segments are {found_en}. Name them in the run plan's parameters own_segments and "
        "competitor_segments.", lang)
