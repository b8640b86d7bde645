"""Sentences of the pilot report: did the pilot work, which figure to believe, did it hold.

Built from what :mod:`cxeval.pilot` returns, in Chinese or English:

- :func:`verdict` — the verdict paragraph: the difference-in-differences effect with its
  interval, the parallel-trends check, why the naive before/after and the interrupted
  time series differ from it, the rollout waves and whether the target held;
- :func:`describe` — one or two sentences reading a section of notebook 03
  (:meth:`cxeval.pilot.PilotEvaluation.describe`);
- :data:`NOT_ESTIMABLE`, :data:`ITS_NOT_ESTIMABLE` — why a rollout wave or the
  interrupted time series cannot be estimated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cxeval.pilot import DiDResult, ITSResult, PilotEvaluation, RolloutResult, SustainResult

__all__ = ["verdict", "describe", "NOT_ESTIMABLE", "ITS_NOT_ESTIMABLE"]


#: Why a wave's effect cannot be estimated (``RolloutResult.by_wave["reason"]``), in
#: Chinese and English.
NOT_ESTIMABLE = {
    "no_data_before": ("该批营业厅在推广前没有调查数据，看不出推广带来的变化",
                       "its halls have no survey before adopting, so no change can be seen"),
    "no_data_after": ("该批营业厅推广后没有调查数据", "its halls have no survey after adopting"),
    "no_comparison_before": ("对照营业厅在该批推广前没有调查数据",
                             "the comparison halls have no survey before it adopted"),
    "no_comparison_after": ("对照营业厅在该批推广后没有调查数据",
                            "the comparison halls have no survey after it adopted"),
    "not_identified": ("推广后的月份没有对照营业厅同期数据，效果无法与月份差异区分",
                       "no comparison hall was surveyed in the same months after adoption, so "
                       "the effect cannot be told apart from the months"),
}


def _pp(x) -> str:
    from cxeval.report import fmt_pp

    return fmt_pp(x)


def _effect_sentence(d: DiDResult, lang: str) -> str:
    from cxeval.report import fmt_p, tr

    level = f"{d.conf:.0%}"
    ci_text = tr(f"{level} 置信区间 {_pp(d.ci[0])} 至 {_pp(d.ci[1])}",
                 f"{level} CI {_pp(d.ci[0])} to {_pp(d.ci[1])}", lang)
    if math.isnan(d.ci[0]):
        return tr(
            f"现有数据不足以判断试点是否有效：双重差分估计为 {_pp(d.effect)}，但营业厅或月份太少，无法估计其误差。",
            f"The data cannot show whether the pilot worked: the difference-in-differences "
            f"estimate is {_pp(d.effect)}, but there are too few halls or months to measure "
            "its noise.", lang)
    if d.ci[0] > 0:
        return tr(
            f"试点使满意度提升了 {_pp(d.effect)}（{ci_text}，{fmt_p(d.p_value)}；双重差分，已扣除对照营业厅的同期变化）。",
            f"The pilot raised satisfaction by {_pp(d.effect)} ({ci_text}, {fmt_p(d.p_value)}; "
            "difference-in-differences against the comparison halls).", lang)
    if d.ci[1] < 0:
        return tr(
            f"试点后满意度相对对照营业厅下降了 {_pp(d.effect)}（{ci_text}，{fmt_p(d.p_value)}）。",
            f"Satisfaction fell by {_pp(d.effect)} relative to the comparison halls ({ci_text}, "
            f"{fmt_p(d.p_value)}).", lang)
    return tr(
        f"现有数据不足以判断试点是否有效：双重差分估计为 {_pp(d.effect)}，但{ci_text}包含零。",
        f"The data cannot show whether the pilot worked: the difference-in-differences "
        f"estimate is {_pp(d.effect)}, but its {ci_text} includes zero.", lang)


def _trends_ok(d: DiDResult) -> bool:
    p = d.pretrend["p_value"]
    return not math.isnan(p) and p >= 0.05


def _trend_sentence(d: DiDResult, lang: str) -> str:
    from cxeval.report import fmt_p, tr

    pt = d.pretrend
    if math.isnan(pt["p_value"]):
        return tr("试点前数据不足两期，无法检验平行趋势，结论须谨慎。",
                  "With fewer than two months before the pilot, parallel trends cannot be "
                  "checked; treat the result with caution.", lang)
    if pt["p_value"] < 0.05:
        return tr(
            f"注意：试点前试点营业厅与对照营业厅的趋势已有差异（每月 {_pp(pt['estimate'])}，{fmt_p(pt['p_value'])}），"
            "双重差分的前提可能不成立，上述估计只能作参考。",
            f"Caution: before the pilot, the pilot hall already trended differently from the "
            f"comparison halls ({_pp(pt['estimate'])} per month, {fmt_p(pt['p_value'])}), so the "
            "DiD assumption may fail and the estimate is only indicative.", lang)
    return tr(
        f"试点前两组趋势无显著差异（每月 {_pp(pt['estimate'])}，{fmt_p(pt['p_value'])}），平行趋势检验通过。",
        f"Before the pilot the two groups trended alike ({_pp(pt['estimate'])} per month, "
        f"{fmt_p(pt['p_value'])}): the parallel-trends check passes.", lang)


def _naive_sentence(naive: dict, d: DiDResult, lang: str) -> str:
    from cxeval.report import tr

    gap = naive["diff"] - d.effect
    common = d.comparison_change
    # "Disagree" means further apart than the DiD estimate's own noise (and than half a
    # point, below which nobody would act differently).
    if abs(gap) > max(d.se if not math.isnan(d.se) else 0.0, 0.005):
        return tr(
            f"简单前后对比得到 {_pp(naive['diff'])}，与双重差分相差 {_pp(gap)}：同期对照营业厅也变化了 "
            f"{_pp(common)}，这是所有营业厅共同的变化（如季节或全局因素），不是试点带来的。"
            + ("双重差分扣除了这部分，应以双重差分为准。" if _trends_ok(d) else
               "双重差分扣除了这部分，但其前提存疑，两者都不能作定论。"),
            f"The naive before/after comparison gives {_pp(naive['diff'])}, {_pp(gap)} away from "
            f"DiD: the comparison halls changed by {_pp(common)} over the same months, a change "
            "common to all halls (season or company-wide factors), not caused by the pilot. "
            + ("DiD removes it, so believe the DiD figure." if _trends_ok(d) else
               "DiD removes it, but its assumption is in doubt, so neither figure is conclusive."),
            lang)
    return tr(
        f"简单前后对比（{_pp(naive['diff'])}）与双重差分一致，因为对照营业厅同期几乎没有变化（{_pp(common)}）；"
        "仍应引用双重差分结果。",
        f"The naive before/after comparison ({_pp(naive['diff'])}) agrees with DiD because the "
        f"comparison halls hardly changed ({_pp(common)}); DiD is still the figure to quote.", lang)


def _its_sentence(its_result: ITSResult, d: DiDResult, lang: str) -> str:
    from cxeval.report import tr

    level_change = its_result.level_change
    noise = max(d.se if not math.isnan(d.se) else 0.0, float(its_result.se["level_change"]))
    agree = abs(level_change - d.effect) <= noise
    short = its_result.n_pre < 8
    return tr(
        f"只看试点营业厅自身趋势的中断时间序列给出水平变化 {_pp(level_change)}"
        + ("，与双重差分接近；" if agree else "，与双重差分不同；")
        + "但它没有对照组，无法区分试点与同期影响所有营业厅的变化"
        + (f"，且试点前只有 {its_result.n_pre} 个月，趋势估计不稳" if short else "")
        + "，因此以双重差分为准。",
        f"Interrupted time series on the pilot hall alone gives a level change of "
        f"{_pp(level_change)}" + (", close to DiD" if agree else ", unlike DiD")
        + "; with no comparison group it cannot separate the pilot from changes that hit all "
        "halls at the same time"
        + (f", and {its_result.n_pre} months before the pilot give an unstable trend" if short else "")
        + ", so DiD is the one to believe.", lang) + _gap_sentence(its_result.missing, lang)


def _gap_sentence(missing: Sequence[str], lang: str) -> str:
    """What a gap in the pilot hall's months means, or nothing without one."""
    from cxeval.report import tr

    if not missing:
        return ""
    return tr(f"试点营业厅以下月份没有调查数据：{'、'.join(missing)}；时间按日历月计算，缺月留空，不插补。",
              f" The pilot hall has no survey for {', '.join(missing)}: time is counted in "
              "calendar months and the gap is left as a gap, not filled in.", lang)


#: Said in place of the ITS sentence when the pilot hall's series is too short to fit.
ITS_NOT_ESTIMABLE = ("试点营业厅的月份太少，无法做中断时间序列分析（试点前后各需至少 2 个月、共至少 6 个月的数据）。",
                     "Too few months for an interrupted time series of the pilot hall (it needs at "
                     "least 2 months before and 2 from the start, 6 in all).")


def _rollout_sentence(rollout: RolloutResult, lang: str) -> str:
    from cxeval.report import tr

    def wave(r) -> str:
        if not r["estimable"]:
            zh, en = NOT_ESTIMABLE[r["reason"]]
            return tr(f"{r['wave']} 批（{int(r['units'])} 个营业厅）无法估计：{zh}",
                      f"wave {r['wave']} ({int(r['units'])} hall(s)) not estimable: {en}", lang)
        return tr(f"{r['wave']} 批（{int(r['units'])} 个营业厅）{_pp(r['estimate'])}"
                  f"（{_pp(r['ci_low'])} 至 {_pp(r['ci_high'])}）",
                  f"wave {r['wave']} ({int(r['units'])} hall(s)) {_pp(r['estimate'])} "
                  f"({_pp(r['ci_low'])} to {_pp(r['ci_high'])})", lang)

    parts = [wave(r) for _, r in rollout.by_wave.iterrows()]
    text = tr("分批推广效果（各批对比对照营业厅）：" + "；".join(parts) + "。",
              "Rollout effect by wave (each against the comparison halls): " + "; ".join(parts)
              + ".", lang)
    return _join([text] + [_note_sentence(note, lang) for note in rollout.notes], lang)


def _note_sentence(note: tuple, lang: str) -> str:
    """A result's note (Chinese, English fragment) as a sentence."""
    from cxeval.report import tr

    zh, en = note
    return tr(zh if zh.endswith("。") else zh + "。", en[0].upper() + en[1:].rstrip(".") + ".", lang)


def _sustain_sentence(s: SustainResult, lang: str, who: tuple = ("", "")) -> str:
    from cxeval.report import fmt_pct, tr

    text_zh = f"{who[0]}目标 {fmt_pct(s.target)} 在检查的 {s.periods} 个月中有 {s.periods_met} 个月达到"
    text_en = (f"{who[1]}the {fmt_pct(s.target)} target was met in {s.periods_met} of "
               f"{s.periods} months")
    if s.missed_within_noise:
        text_zh += (f"；{len(s.missed_within_noise)} 个月未达但在抽样误差范围内"
                    f"（{'、'.join(map(str, s.missed_within_noise))}）")
        text_en += (f"; {len(s.missed_within_noise)} month(s) missed within sampling noise "
                    f"({', '.join(map(str, s.missed_within_noise))})")
    if s.missed_clearly:
        text_zh += f"；{len(s.missed_clearly)} 个月明显低于目标（{'、'.join(map(str, s.missed_clearly))}）"
        text_en += (f"; {len(s.missed_clearly)} month(s) clearly below target "
                    f"({', '.join(map(str, s.missed_clearly))})")
    if s.missing:
        text_zh += f"；{len(s.missing)} 个月没有调查数据，无法判断（{'、'.join(s.missing)}）"
        text_en += (f"; {len(s.missing)} month(s) without survey data cannot be judged "
                    f"({', '.join(s.missing)})")
    text_zh += "。" + ("效果得以保持。" if s.sustained else "效果未能稳定保持。")
    text_en += ". " + ("The result held." if s.sustained else "The result did not hold.")
    text_en = text_en[0].upper() + text_en[1:]
    return tr(text_zh, text_en, lang)


def _join(sentences: list, lang: str) -> str:
    return ("" if lang == "zh" else " ").join(sentences)


def verdict(*, did_result: DiDResult | None, naive: dict | None = None,
            its_result: ITSResult | None = None, sustain: SustainResult | None = None,
            rollout: RolloutResult | None = None, its_reason: tuple | None = None,
            lang: str = "zh") -> str:
    """The verdict paragraph, generated from the numbers.

    Says whether the pilot raised the rate (DiD estimate with interval), says plainly
    when the data cannot support a conclusion (interval including zero, no interval,
    failed parallel-trends check, one pre period), explains why the naive
    before/after and ITS differ from DiD and which to believe, and reports rollout and
    sustainment. What the data could not estimate is named, never shown as zero:
    months without survey data, rollout waves and halls with no data before adopting,
    an ITS too short to fit.

    Parameters
    ----------
    did_result : DiDResult or None
        None when there is no pilot to evaluate.
    naive, its_result, sustain, rollout : optional
        From :func:`before_after`, :func:`its`, :func:`sustained`,
        :func:`rollout_effects`.
    its_reason : (str, str), optional
        Why ITS could not be fitted (Chinese, English), said in place of the ITS
        sentence (e.g. :data:`ITS_NOT_ESTIMABLE`).
    lang : {"zh", "en"}

    Returns
    -------
    str
        A paragraph of a few sentences.

    Notes
    -----
    Which to believe: DiD, when its parallel-trends check passes, because it is the
    only one of the three that removes changes common to every hall (seasons, a
    company-wide campaign, a survey change). The naive before/after counts those as
    the pilot's effect; ITS extends one hall's own pre-trend, which a few noisy months
    fix poorly and which cannot see a simultaneous common change either. When the
    check fails, the verdict says no figure is conclusive.

    Raises
    ------
    ValueError
        ``lang`` other than "zh" or "en".

    Examples
    --------
    >>> verdict(did_result=None, lang="en")
    'There is no pilot to evaluate: the data cannot say whether a pilot worked.'
    """
    from cxeval.report import tr

    tr(" ", " ", lang)  # validates lang before any work
    if did_result is None:
        return tr("没有可评估的试点：数据无法说明试点是否有效。",
                  "There is no pilot to evaluate: the data cannot say whether a pilot worked.", lang)
    sentences = [_effect_sentence(did_result, lang), _trend_sentence(did_result, lang)]
    if naive is not None:
        sentences.append(_naive_sentence(naive, did_result, lang))
    if its_result is not None:
        sentences.append(_its_sentence(its_result, did_result, lang))
    elif its_reason is not None:
        sentences.append(tr(*its_reason, lang))
    if rollout is not None and not rollout.by_wave.empty:
        sentences.append(_rollout_sentence(rollout, lang))
    if sustain is not None:
        sentences.append(_sustain_sentence(sustain, lang, ("试点营业厅：", "Pilot hall: ")))
    return _join(sentences, lang)


def describe(evaluation: PilotEvaluation, part: str, lang: str = "zh") -> str:
    """One or two sentences reading a section of the report, from the numbers.

    Parameters
    ----------
    part : {"trends", "methods", "event_study", "its", "rollout", "sustain", "power", "verdict"}
    lang : {"zh", "en"}

    Raises
    ------
    ValueError
        Unknown ``part``.
    """
    from cxeval.report import fmt_int, fmt_pct, tr

    parts = ("trends", "methods", "event_study", "its", "rollout", "sustain", "power", "verdict")
    if part not in parts:
        raise ValueError(f"part must be one of {', '.join(parts)}; got {part!r}")
    if part == "verdict":
        return evaluation.verdict(lang)
    if not evaluation.has_pilot:
        if part == "trends" and not evaluation.trends.empty:
            halls = evaluation.trends["hall"].nunique()
            return _join([evaluation.reason(lang), tr(
                f"下图为本分公司 {halls} 个营业厅每月满意度，供参考。",
                f"The chart shows the branch's own {halls} halls month by month, for reference.",
                lang)], lang)
        if part == "trends":
            return evaluation.reason(lang)
        return tr("本分公司没有试点，本节不适用。", "No pilot in this branch: this section does not apply.",
                  lang)
    d, design = evaluation.did, evaluation.design
    if part == "trends":
        n_comp = int(design.panel.loc[design.panel["group"] == "comparison", "unit"].nunique())
        return tr(
            f"试点营业厅「{design.pilot_hall}」试点前满意度 {fmt_pct(evaluation.naive['rate_b'])}，试点后 "
            f"{fmt_pct(evaluation.naive['rate_a'])}（{_pp(evaluation.naive['diff'])}）；同期 {n_comp} 个对照营业厅"
            f"（其他分公司）也变化了 {_pp(d.comparison_change)}。红色虚线为目标，点线标出试点与推广开始。",
            f"The pilot hall {design.pilot_hall} went from {fmt_pct(evaluation.naive['rate_b'])} before "
            f"the pilot to {fmt_pct(evaluation.naive['rate_a'])} after "
            f"({_pp(evaluation.naive['diff'])}); over "
            f"the same months the {n_comp} comparison halls (other branches) changed by "
            f"{_pp(d.comparison_change)}. The red dashed line is the target; dotted lines mark "
            "the pilot and rollout starts.", lang)
    if part == "methods":
        sentences = [_naive_sentence(evaluation.naive, d, lang)]
        if evaluation.its is not None:
            sentences.append(_its_sentence(evaluation.its, d, lang))
        return _join(sentences, lang)
    if part == "event_study":
        es = d.event_study
        post = es[es["event_time"] >= 0]["estimate"]
        ref = es.loc[es["reference"], "period"].iloc[0]
        sentences = [_trend_sentence(d, lang), tr(
            f"试点后各月相对 {ref} 的效果在 {_pp(post.min())} 至 {_pp(post.max())} 之间。",
            f"After the start, the month-by-month effects relative to {ref} range from "
            f"{_pp(post.min())} to {_pp(post.max())}.", lang)]
        if d.missing:
            sentences.append(tr(
                f"以下月份所有营业厅都没有调查数据：{'、'.join(d.missing)}；事件时间按日历月计算，缺月留空。",
                f"No hall was surveyed in {', '.join(d.missing)}: event time is counted in "
                "calendar months and the gap is left as a gap.", lang))
        return _join(sentences, lang)
    if part == "its":
        if evaluation.its is None:
            return tr(*ITS_NOT_ESTIMABLE, lang)
        t = evaluation.its.table
        return tr(
            f"拟合的起点水平为 {fmt_pct(t.loc['intercept', 'estimate'])}，试点前每月趋势 "
            f"{_pp(t.loc['pre_slope', 'estimate'])}；试点开始时水平变化 "
            f"{_pp(t.loc['level_change', 'estimate'])}（{_pp(t.loc['level_change', 'ci_low'])} 至 "
            f"{_pp(t.loc['level_change', 'ci_high'])}），之后每月斜率变化 {_pp(t.loc['slope_change', 'estimate'])}"
            f"（Newey–West 误差，滞后 {evaluation.its.maxlags} 期）。" + evaluation.its.notes[-1][0],
            f"From a fitted {fmt_pct(t.loc['intercept', 'estimate'])} in the first month, the "
            f"trend before the pilot was {_pp(t.loc['pre_slope', 'estimate'])} a month; at the "
            f"start the level changed by {_pp(t.loc['level_change', 'estimate'])} "
            f"({_pp(t.loc['level_change', 'ci_low'])} to {_pp(t.loc['level_change', 'ci_high'])}) "
            f"and the slope by {_pp(t.loc['slope_change', 'estimate'])} a month (Newey-West errors, "
            f"{evaluation.its.maxlags} lags). " + evaluation.its.notes[-1][1][0].upper()
            + evaluation.its.notes[-1][1][1:],
            lang) + _gap_sentence(evaluation.its.missing, lang)
    if part == "rollout":
        ev = evaluation.rollout.by_event_time
        pre = ev[(ev["event_time"] < -1)].dropna(subset=["ci_low", "ci_high"])
        clean = bool(((pre["ci_low"] <= 0) & (pre["ci_high"] >= 0)).all())
        return _join([_rollout_sentence(evaluation.rollout, lang), tr(
            "推广前各月的估计都包含零，各批与对照营业厅推广前走势一致。" if clean else
            "推广前有月份的估计不含零：各批推广前的走势与对照营业厅已有差异，推广效果须谨慎解读。",
            "Every month before adoption has an interval including zero: the waves moved like the "
            "comparison halls before adopting." if clean else
            "Some months before adoption have intervals excluding zero: the waves already moved "
            "differently before adopting, so read the rollout effects with caution.", lang)], lang)
    if part == "sustain":
        return _join([_sustain_sentence(evaluation.sustain_pilot, lang,
                                        (f"试点营业厅「{design.pilot_hall}」：",
                                         f"Pilot hall {design.pilot_hall}: ")),
                      _sustain_sentence(evaluation.sustain_branch, lang,
                                        (f"{design.branch}全部营业厅合计：", f"All halls of {design.branch}: "))],
                     lang)
    # power
    if evaluation.power is None:
        return tr("试点前满意度已接近 100%，无法计算可检测效果。",
                  "Satisfaction before the pilot is too close to 100% to size a survey for the effect.",
                  lang)
    rows = evaluation.power.set_index("comparison")
    month, whole = rows.loc["hall_month"], rows.loc["pilot_before_after"]
    return tr(
        f"一个营业厅一个月约 {fmt_int(month['n1'])} 份问卷，两个月相比只能可靠（80% 把握）发现约 "
        f"{_pp(month['detectable_effect'])} 的变化；要发现 {_pp(evaluation.effect_of_interest)} 每组需约 "
        f"{fmt_int(month['required_n'])} 份。试点前后合计（{fmt_int(whole['n1'])} 与 {fmt_int(whole['n2'])} 份）"
        f"可发现 {_pp(whole['detectable_effect'])}：单月的起伏多半是抽样误差，结论要看多个月合计。",
        f"A hall surveys about {fmt_int(month['n1'])} customers a month: two months compared can "
        f"reliably (80% power) detect only about {_pp(month['detectable_effect'])}; detecting "
        f"{_pp(evaluation.effect_of_interest)} needs about {fmt_int(month['required_n'])} per "
        "group. The "
        f"pilot hall's months before and after together ({fmt_int(whole['n1'])} and "
        f"{fmt_int(whole['n2'])}) can detect {_pp(whole['detectable_effect'])}: single-month swings "
        "are mostly sampling noise, conclusions need several months pooled.", lang)
