"""The pilot report's glue: headline cards, key numbers, index entry, tables and labels.

What notebook 03 and the batch need around :mod:`cxeval.pilot`'s results:

- :func:`headline` — the cards and sentence at the top of the report;
- :func:`key_numbers` — the numbers recorded in the results sidecar;
- :func:`index_entry` — the batch index's headline and status;
- :func:`compare_methods` — naive before/after, DiD and ITS side by side, labelled;
- :func:`show` — a section's table, formatted, with :data:`TABLE_LABELS`,
  :data:`ITS_TERM_LABELS` and :data:`POWER_LABELS` in the report's language;
- :func:`group_labels`, :func:`interventions`, :data:`GROUP_LABELS` — legend and lines of
  the trend chart;
- :func:`pilot_settings` — the pilot's settings, for :func:`cxeval.report.settings_note`.
"""

from __future__ import annotations

import math

import pandas as pd

from cxeval.pilot import DiDResult, ITSResult, PilotEvaluation
from cxeval.text.pilot import NOT_ESTIMABLE, _effect_sentence, _pp

__all__ = [
    "headline", "key_numbers", "index_entry", "compare_methods", "show", "power_rows",
    "group_labels", "interventions", "pilot_settings", "GROUP_LABELS", "TABLE_LABELS",
    "ITS_TERM_LABELS", "POWER_LABELS",
]


# --------------------------------------------------------------------------- pilot design
GROUP_LABELS = {
    "pilot": ("试点营业厅", "pilot hall"),
    "rollout": ("推广营业厅", "rollout halls"),
    "branch": ("本分公司其他营业厅", "other halls of the branch"),
    "comparison": ("对照营业厅（其他分公司）", "comparison halls (other branches)"),
}


def pilot_settings(declared: dict) -> list[dict]:
    """The pilot settings of :func:`declared_pilot`, for :func:`cxeval.report.settings_note`."""
    given = declared["source"] == "parameters"
    source = ("试点登记表 pilots", "the pilot register (pilots)")
    return [{"name": name, "value": declared[name], "given": given, "label": label, "source": source}
            for name, label in (("pilot_hall", ("试点营业厅", "pilot hall")),
                                ("pilot_start", ("试点开始", "pilot start")),
                                ("rollout_start", ("推广开始", "rollout start")))]


# --------------------------------------------------------------------------- verdict
def compare_methods(*, naive: dict, did_result: DiDResult, its_result: ITSResult | None = None,
                    lang: str = "zh") -> pd.DataFrame:
    """Naive before/after, DiD and ITS side by side.

    Parameters
    ----------
    naive : dict
        From :func:`before_after` (after − before of the pilot hall).
    did_result : DiDResult
        From :func:`did`.
    its_result : ITSResult, optional
        From :func:`its` on the pilot hall.
    lang : {"zh", "en"}
        Language of ``method`` and ``note``.

    Returns
    -------
    DataFrame
        ``key`` ("naive", "did", "its"), ``method`` (label), ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``, ``uses_comparison`` (removes changes common to all
        halls), ``note`` (what the method assumes).
    """
    from cxeval.report import tr

    rows = [
        {"key": "naive", "method": tr("简单前后对比", "naive before/after", lang),
         "estimate": naive["diff"], "ci_low": naive["ci_low"], "ci_high": naive["ci_high"],
         "p_value": naive["p_value"], "uses_comparison": False,
         "note": tr("试点营业厅试点后对比试点前；把同期所有营业厅共同的变化也算作试点效果",
                    "pilot hall after against before; counts changes common to all halls as "
                    "pilot effect", lang)},
        {"key": "did", "method": tr("双重差分", "difference-in-differences", lang),
         "estimate": did_result.effect, "ci_low": did_result.ci[0], "ci_high": did_result.ci[1],
         "p_value": did_result.p_value, "uses_comparison": True,
         "note": tr("试点营业厅对比其他分公司的对照营业厅；扣除同期共同变化，假设无试点时趋势平行",
                    "pilot hall against comparison halls of other branches; removes common "
                    "changes, assumes parallel trends", lang)},
    ]
    if its_result is not None:
        row = its_result.table.loc["level_change"]
        rows.append({"key": "its", "method": tr("中断时间序列", "interrupted time series", lang),
                     "estimate": row["estimate"], "ci_low": row["ci_low"], "ci_high": row["ci_high"],
                     "p_value": row["p_value"], "uses_comparison": False,
                     "note": tr("试点营业厅自身趋势的水平变化；延续试点前趋势作对照，无法排除同期共同变化",
                                "level change in the pilot hall's own trend; extends the "
                                "pre-trend, cannot rule out common changes", lang)})
    return pd.DataFrame(rows, columns=["key", "method", "estimate", "ci_low", "ci_high", "p_value",
                                       "uses_comparison", "note"])


# --------------------------------------------------------------------------- pipeline
#: Column headers of the tables notebook 03 shows (Chinese, English).
TABLE_LABELS = {
    "method": ("方法", "method"), "estimate": ("估计", "estimate"),
    "ci_low": ("区间下限", "CI low"), "ci_high": ("区间上限", "CI high"), "p_value": ("p 值", "p-value"),
    "note": ("说明", "what it assumes"), "term": ("参数", "term"), "wave": ("批次（开始月）", "wave (start)"),
    "units": ("营业厅数", "halls"), "pre_periods": ("推广前月数", "months before"),
    "post_periods": ("推广后月数", "months after"), "period": ("月份", "month"),
    "responses": ("样本量", "responses"), "rate": ("满意度", "satisfaction"),
    "gap_to_target": ("与目标差距", "gap to target"), "meets_target": ("达标", "met"),
    "within_noise": ("未达但在误差内", "miss within noise"), "comparison": ("比较", "comparison"),
    "n1": ("第一组样本", "n group 1"), "n2": ("第二组样本", "n group 2"),
    "detectable_effect": ("可发现的最小变化", "detectable change"),
    "required_n": ("发现目标效果每组所需样本", "n per group for the effect"),
    "power_for_effect": ("发现目标效果的把握", "power for the effect"),
    "status": ("状态", "status"),
}


#: Names of the ITS terms (Chinese, English).
ITS_TERM_LABELS = {
    "intercept": ("起点水平", "intercept"), "pre_slope": ("试点前每月趋势", "pre-slope per month"),
    "level_change": ("试点时水平变化", "level change"), "slope_change": ("试点后斜率变化", "slope change"),
}


#: Labels of the rows of :attr:`PilotEvaluation.power`.
POWER_LABELS = {
    "hall_month": ("单个营业厅：一个月对比另一个月", "one hall: one month against another"),
    "pilot_before_after": ("试点营业厅：试点前各月合计对比试点后各月合计",
                           "pilot hall: all months before against all months after"),
}


def headline(evaluation: PilotEvaluation, lang: str = "zh"):
    """Headline cards for notebook 03: the effect, the naive figure, sustainment, rollout.

    Parameters
    ----------
    evaluation : PilotEvaluation
    lang : {"zh", "en"}

    Returns
    -------
    cxeval.report.HTML
        Cards and one sentence (the DiD result, or why there is no pilot).
    """
    from cxeval import report
    from cxeval.report import fmt_pct, tr

    if not isinstance(evaluation, PilotEvaluation):
        raise TypeError(f"evaluation must be an evaluate() result, got {type(evaluation).__name__}")
    ev = evaluation
    if not ev.has_pilot:
        cards = [{"label": tr("试点", "pilot", lang), "value": tr("无", "none", lang), "status": "warn"}]
        if not ev.trends.empty:
            last = ev.trends[ev.trends["period"] == ev.trends["period"].max()]
            rate = last["satisfied"].sum() / last["responses"].sum()
            cards += [{"label": tr("营业厅数", "halls", lang), "value": str(ev.trends["hall"].nunique())},
                      {"label": tr(f"{last['period'].iloc[0]} 满意度", f"satisfaction {last['period'].iloc[0]}",
                                   lang),
                       "value": fmt_pct(rate),
                       "detail": tr(f"目标 {fmt_pct(ev.target)}", f"target {fmt_pct(ev.target)}", lang),
                       "status": "good" if rate >= ev.target else "bad"}]
        return report.headline(cards, sentence=ev.reason(lang))
    d = ev.did

    def status(low, high):
        if math.isnan(low):
            return "warn"
        return "good" if low > 0 else ("bad" if high < 0 else "warn")

    s = ev.sustain_pilot
    cards = [
        {"label": tr("试点效果（双重差分）", "pilot effect (DiD)", lang), "value": _pp(d.effect),
         "detail": tr(f"{d.conf:.0%} 区间 {_pp(d.ci[0])} 至 {_pp(d.ci[1])}",
                      f"{d.conf:.0%} CI {_pp(d.ci[0])} to {_pp(d.ci[1])}", lang),
         "status": status(*d.ci)},
        {"label": tr("简单前后对比", "naive before/after", lang), "value": _pp(ev.naive["diff"]),
         "detail": tr(f"含全体共同变化 {_pp(d.comparison_change)}",
                      f"includes common change {_pp(d.comparison_change)}", lang)},
        {"label": tr(f"试点营业厅达标月数（≥{fmt_pct(ev.target)}）", f"pilot hall months ≥ {fmt_pct(ev.target)}",
                     lang),
         "value": f"{s.periods_met}/{s.periods}",
         "detail": tr(f"未达但在误差内 {len(s.missed_within_noise)} 个月",
                      f"{len(s.missed_within_noise)} miss(es) within noise", lang),
         "status": "good" if s.all_met else ("warn" if s.sustained else "bad")},
    ]
    if ev.rollout is not None and len(ev.rollout.by_wave) > 1:
        last = ev.rollout.by_wave.iloc[-1]
        cards.append({"label": tr("推广批次效果", "rollout wave effect", lang),
                      "value": _pp(last["estimate"]) if last["estimable"] else
                      tr("无法估计", "not estimable", lang),
                      "detail": tr(f"{last['wave']} 批，{int(last['units'])} 个营业厅",
                                   f"wave {last['wave']}, {int(last['units'])} hall(s)", lang),
                      "status": status(last["ci_low"], last["ci_high"])})
    return report.headline(cards, sentence=_effect_sentence(d, lang))


def index_entry(evaluation: PilotEvaluation) -> dict[str, str]:
    """What the batch index shows for this report: short headline in both languages and a status.

    Parameters
    ----------
    evaluation : PilotEvaluation

    Returns
    -------
    dict
        ``headline`` ("试点 +3.3 pp，推广后保持"), ``headline_en`` ("pilot +3.3 pp, rollout
        held"): the DiD effect, then whether the target held from the pilot start — over
        the branch's halls pooled when there was a rollout ("推广后保持" / "rollout held",
        "推广后未保持" / "rollout not held"), over the pilot hall otherwise ("未推广，试点
        保持" / "no rollout, pilot held", "未推广，试点未保持" / "no rollout, pilot not held").
        "Held" means no month clearly below the target (:attr:`SustainResult.sustained`).
        ``status``: ``good`` when the DiD interval is above zero and the target held,
        ``bad`` when the interval is below zero or the target was clearly missed, ``warn``
        otherwise (the data cannot tell whether the pilot worked); ``none`` (grey on the
        index) without a pilot ("无试点" / "no pilot").

    Examples
    --------
    >>> index_entry(evaluation)  # doctest: +SKIP
    {'headline': '试点 +3.3 pp，推广后保持', 'headline_en': 'pilot +3.3 pp, rollout held', 'status': 'good'}
    """
    from cxeval.report import fmt_pp

    if not isinstance(evaluation, PilotEvaluation):
        raise TypeError(f"evaluation must be an evaluate() result, got {type(evaluation).__name__}")
    if not evaluation.has_pilot:
        return {"headline": "无试点", "headline_en": "no pilot", "status": "none"}
    d = evaluation.did
    if evaluation.design.has_rollout:
        held = evaluation.sustain_branch.sustained
        zh, en = ("推广后保持", "rollout held") if held else ("推广后未保持", "rollout not held")
    else:
        held = evaluation.sustain_pilot.sustained
        zh, en = (("未推广，试点保持", "no rollout, pilot held") if held else
                  ("未推广，试点未保持", "no rollout, pilot not held"))
    low, high = d.ci
    effect = fmt_pp(d.effect)
    entry = {"headline": f"试点 {effect}，{zh}", "headline_en": f"pilot {effect}, {en}"}
    if high < 0:
        return {**entry, "status": "bad", "reason": "双重差分效果的区间整体低于零：试点使满意度下降",
                "reason_en": "the DiD interval is below zero: the pilot lowered satisfaction"}
    if not held:
        return {**entry, "status": "bad", "reason": "试点开始后有月份明确低于目标",
                "reason_en": "a month after the pilot start is clearly below the target"}
    if low > 0:
        return {**entry, "status": "good"}
    return {**entry, "status": "warn", "reason": "双重差分效果的区间包含零：数据尚不能证明试点有效",
            "reason_en": "the DiD interval includes zero: the data cannot yet show the pilot worked"}


def power_rows(evaluation: PilotEvaluation, lang: str = "zh") -> pd.DataFrame | None:
    """``power`` with the comparisons labelled in ``lang`` (None without a pilot)."""
    from cxeval.report import tr

    if evaluation.power is None:
        return None
    labels = {key: tr(zh, en, lang) for key, (zh, en) in POWER_LABELS.items()}
    return evaluation.power.assign(comparison=evaluation.power["comparison"].map(labels))


def key_numbers(evaluation: PilotEvaluation) -> dict:
    """The numbers the batch and tests read (``report.record``)."""
    nan = math.nan
    out = {"has_pilot": evaluation.has_pilot, "target": evaluation.target}
    d = evaluation.did
    out.update(
        did_effect=float(d.effect) if d else nan, did_ci_low=float(d.ci[0]) if d else nan,
        did_ci_high=float(d.ci[1]) if d else nan, did_p=float(d.p_value) if d else nan,
        pretrend_p=float(d.pretrend["p_value"]) if d else nan,
        comparison_change=float(d.comparison_change) if d else nan,
        naive=float(evaluation.naive["diff"]) if evaluation.naive else nan,
        its_level_change=float(evaluation.its.level_change) if evaluation.its else nan,
        sustained=evaluation.sustain_pilot.sustained if evaluation.sustain_pilot else None,
        all_met=evaluation.sustain_pilot.all_met if evaluation.sustain_pilot else None,
        branch_sustained=evaluation.sustain_branch.sustained if evaluation.sustain_branch else None,
        months_missed=evaluation.sustain_pilot.missed if evaluation.sustain_pilot else [],
        months_without_data=evaluation.sustain_pilot.missing if evaluation.sustain_pilot else [],
        its_missing_periods=evaluation.its.missing if evaluation.its else [],
        its_estimable=evaluation.its is not None if evaluation.has_pilot else None,
        rollout_not_estimable=(evaluation.rollout.not_estimable["wave"].tolist()
                               if evaluation.rollout else []),
        rollout_left_out=[str(u) for u in evaluation.rollout.left_out] if evaluation.rollout else [],
    )
    return out


def group_labels(evaluation: PilotEvaluation, lang: str = "zh") -> dict:
    """Legend labels of the trend chart's groups, with the pilot hall's name."""
    from cxeval.report import tr

    if not evaluation.has_pilot:
        return {}
    labels = {key: tr(zh, en, lang) for key, (zh, en) in GROUP_LABELS.items()}
    labels["pilot"] = tr(f"试点营业厅（{evaluation.design.pilot_hall}）",
                         f"pilot hall ({evaluation.design.pilot_hall})", lang)
    return labels


def interventions(evaluation: PilotEvaluation, lang: str = "zh") -> dict:
    """Intervention lines of the trend chart: label -> first period."""
    from cxeval.report import tr

    if not evaluation.has_pilot:
        return {}
    lines = {tr(f"试点 {evaluation.design.pilot_start}", f"pilot {evaluation.design.pilot_start}", lang):
             evaluation.design.pilot_start}
    if evaluation.design.has_rollout:
        lines[tr(f"推广 {evaluation.design.rollout_start}", f"rollout {evaluation.design.rollout_start}",
                 lang)] = evaluation.design.rollout_start
    return lines


def show(evaluation: PilotEvaluation, part: str, lang: str = "zh"):
    """A formatted table of a section (pandas Styler), or nothing without a pilot.

    Parameters
    ----------
    part : {"methods", "its", "rollout", "sustain_pilot", "sustain_branch", "power"}
    lang : {"zh", "en"}

    Raises
    ------
    ValueError
        Unknown ``part``.
    """
    from cxeval import report

    tables = ("methods", "its", "rollout", "sustain_pilot", "sustain_branch", "power")
    if part not in tables:
        raise ValueError(f"part must be one of {', '.join(tables)}; got {part!r}")
    if not evaluation.has_pilot or (part == "its" and evaluation.its is None) or \
            (part == "power" and evaluation.power is None):
        return report.HTML("")
    labels = {col: report.tr(zh, en, lang) for col, (zh, en) in TABLE_LABELS.items()}
    pp = {"estimate": "pp", "ci_low": "pp", "ci_high": "pp", "p_value": "p"}
    if part == "methods":
        df = evaluation.methods(lang)[["method", "estimate", "ci_low", "ci_high", "p_value", "note"]]
        return report.table(df, formats=pp, labels=labels)
    if part == "its":
        # The intercept is a level (a rate), not a change: the text states it instead,
        # so every row of the table reads in percentage points.
        df = evaluation.its.table.drop(index="intercept").reset_index()
        df["term"] = [report.tr(*ITS_TERM_LABELS[t], lang) for t in df["term"]]
        return report.table(df, formats=pp, labels=labels)
    if part == "rollout":
        waves = evaluation.rollout.by_wave
        df = waves[["wave", "units", "estimate", "ci_low", "ci_high", "p_value",
                    "pre_periods", "post_periods"]].copy()
        df["status"] = [report.tr("已估计", "estimated", lang) if ok else
                        report.tr("无法估计：" + NOT_ESTIMABLE[why][0],
                                  "not estimable: " + NOT_ESTIMABLE[why][1], lang)
                        for ok, why in zip(waves["estimable"], waves["reason"])]
        return report.table(df, formats={**pp, "units": "int"}, labels=labels)
    if part == "power":
        df = evaluation.power_rows(lang)[["comparison", "n1", "n2", "detectable_effect", "required_n",
                                    "power_for_effect"]]
        return report.table(df, formats={"n1": "int", "n2": "int", "detectable_effect": "pp",
                                         "required_n": "int", "power_for_effect": "pct"},
                            labels=labels)
    result = evaluation.sustain_pilot if part == "sustain_pilot" else evaluation.sustain_branch
    df = result.table[["period", "responses", "rate", "ci_low", "ci_high", "gap_to_target",
                       "meets_target", "within_noise"]].copy()
    yes_no = {True: report.tr("是", "yes", lang), False: report.tr("否", "no", lang)}
    df["meets_target"] = df["meets_target"].map(yes_no)
    df["within_noise"] = [yes_no[w] if not m else "–" for w, m in
                          zip(result.table["within_noise"], result.table["meets_target"])]
    caption = (report.tr(f"试点营业厅「{evaluation.design.pilot_hall}」", f"Pilot hall {evaluation.design.pilot_hall}",
                         lang) if part == "sustain_pilot" else
               report.tr(f"{evaluation.design.branch}全部营业厅", f"All halls of {evaluation.design.branch}", lang))
    return report.table(df, formats={"responses": "int", "rate": "pct", "ci_low": "pct",
                                     "ci_high": "pct", "gap_to_target": "pp"},
                        labels={**labels, "ci_low": report.tr("区间下限", "ci low", lang),
                                "ci_high": report.tr("区间上限", "ci high", lang)},
                        caption=caption,
                        highlight={"gap_to_target": lambda v: v < 0})
