"""Sentences of the run's overview (notebook 00), each generated from the numbers of
:mod:`cxeval.overview`, in Chinese or English.

Every function takes the frames :mod:`cxeval.overview` returns and ``lang``; none
computes a statistic. Figures are formatted by :mod:`cxeval.report` (``95.3%``,
``+3.1 pp``, ``3,428``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cxeval.report import fmt_int, fmt_pct, fmt_pp, tr

__all__ = [
    "missing_section", "baseline_table_note", "satisfaction_sentence", "kpi_sentence", "annual_sentence",
    "campaign_sentence", "fcr_sentence", "pilot_sentence", "lead_sentence", "mover_sentence",
    "risk_sentence", "digest", "index_entry", "SECTION_INPUTS",
]

#: What each section needs, as a reader names it (zh, en).
SECTION_INPUTS = {
    "satisfaction": ("营业厅满意度调查", "hall satisfaction survey"),
    "kpi": ("季度考核方案或其得分表", "quarterly scorecard or its scores"),
    "annual_kpi": ("年度满意度 KPI 方案或其得分表", "annual satisfaction KPI scorecard or its scores"),
    "campaign": ("投诉工单", "complaint tickets"),
    "fcr": ("投诉工单", "complaint tickets"),
    "pilots": ("本次运行各分公司的试点登记", "pilot registered for this run's branches"),
    "lead": ("品牌与竞争对手满意度调查", "brand and competitor survey"),
}


def _sep(lang: str) -> str:
    return tr("；", "; ", lang)


def _end(lang: str) -> str:
    return tr("。", ".", lang)


def _join(names, lang: str) -> str:
    return tr("、", ", ", lang).join(str(n) for n in names)


def _pp_points(x, lang: str, decimals: int = 1) -> str:
    """A difference of proportions in words: "1.2 个百分点" / "1.2 pp" (no sign)."""
    value = abs(float(x)) * 100
    return tr(f"{value:.{decimals}f} 个百分点", f"{value:.{decimals}f} pp", lang)


def missing_section(section: str, *, lang: str = "zh", detail: str = "") -> str:
    """Why a section shows nothing: the input it needs is absent from the run.

    Examples
    --------
    >>> missing_section("lead", lang="en")
    'Not applicable: this run has no brand and competitor survey.'
    """
    zh, en = SECTION_INPUTS[section]
    extra_zh = f"（{detail}）" if detail else ""
    extra_en = f" ({detail})" if detail else ""
    return tr(f"不适用：本次运行没有{zh}{extra_zh}。", f"Not applicable: this run has no {en}{extra_en}.", lang)


def baseline_table_note(grid: pd.DataFrame, *, lang: str = "zh") -> str:
    """What the branch × month table shows and how to read it."""
    months = [c for c in grid.columns if c != "branch"]
    if not months:
        return ""
    span = f"{months[0]} – {months[-1]}" if len(months) > 1 else months[0]
    return tr(f"按来源基线表的格式排列：每行一个分公司，每列一个月（{span}），数值为该分公司当月各营业厅合计的满意度（%，"
              f"保留两位小数，与来源一致）。",
              f"Laid out as the source's baseline table: one row per branch, one column per month ({span}); "
              f"each figure is the branch's halls pooled for the month (%, two decimals, as the source prints "
              f"them).", lang)


def satisfaction_sentence(status: pd.DataFrame, *, target: float, lang: str = "zh") -> str:
    """Where the branches stand against the satisfaction target in their latest month.

    Examples
    --------
    >>> st = pd.DataFrame({"branch": ["潮安", "贵阳"], "period": ["2008-12"] * 2, "rate": [0.987, 0.943],
    ...                    "status": ["met", "watch"], "months": [12, 12], "months_met": [6, 0]})
    >>> satisfaction_sentence(st, target=0.95, lang="en")
    'December 2008: 1 of 2 branches at or above the 95% target; highest 潮安 98.7%, lowest 贵阳 94.3%; under the target within sampling noise: 贵阳.'
    """
    from cxeval.baseline import period_label

    if status.empty:
        return missing_section("satisfaction", lang=lang)
    periods = sorted(set(status["period"]))
    when = period_label(periods[-1], lang) if len(periods) == 1 else tr(
        "各分公司最近一个调查月", "Each branch's latest survey month", lang)
    n, met = len(status), int((status["status"] == "met").sum())
    best = status.loc[status["rate"].idxmax()]
    worst = status.loc[status["rate"].idxmin()]
    target_text = fmt_pct(target, 0)
    parts = [tr(f"{when}：{n} 个分公司中 {met} 个达到 {target_text} 目标",
                f"{when}: {met} of {n} branches at or above the {target_text} target", lang)]
    if n > 1:
        parts.append(tr(f"最高 {best['branch']} {fmt_pct(best['rate'])}，最低 {worst['branch']} {fmt_pct(worst['rate'])}",
                        f"highest {best['branch']} {fmt_pct(best['rate'])}, lowest {worst['branch']} "
                        f"{fmt_pct(worst['rate'])}", lang))
    below = status.loc[status["status"] == "below", "branch"].tolist()
    watch = status.loc[status["status"] == "watch", "branch"].tolist()
    if below:
        parts.append(tr(f"明确低于目标（区间整体在目标之下）：{_join(below, lang)}",
                        f"clearly below the target (the whole interval under it): {_join(below, lang)}", lang))
    if watch:
        parts.append(tr(f"低于目标但在抽样误差之内：{_join(watch, lang)}",
                        f"under the target within sampling noise: {_join(watch, lang)}", lang))
    return _sep(lang).join(parts) + _end(lang)


def kpi_sentence(totals: pd.DataFrame, *, card, lang: str = "zh") -> str:
    """The leader and the last of a scorecard, with the points available.

    Parameters
    ----------
    totals : DataFrame
        :meth:`cxeval.kpi.Scorecard.totals` (one row per unit).
    card : cxeval.kpi.Scorecard
    """
    rows = totals[totals["total"].notna()]
    if rows.empty:
        return missing_section("kpi", lang=lang)
    ranked = rows.sort_values(["rank", "unit"], kind="stable")
    first, last = ranked.iloc[0], ranked.iloc[-1]
    stated = _points(card, card.total_points) if card.total_points else ""
    out = tr(f"{card.name}：{first['unit']} {card.fmt(first['total'])} 分排第 {int(first['rank'])}",
             f"{card.name}: {first['unit']} ranks {int(first['rank'])} with {card.fmt(first['total'])} points", lang)
    if len(ranked) > 1:
        out += tr(f"，{last['unit']} {card.fmt(last['total'])} 分排第 {int(last['rank'])}",
                  f", {last['unit']} ranks {int(last['rank'])} with {card.fmt(last['total'])}", lang)
    if stated:
        out += tr(f"（满分 {stated}）", f" (of {stated})", lang)
    return out + _end(lang)


def annual_sentence(totals: pd.DataFrame, *, card, lang: str = "zh") -> str:
    """The annual KPI total per year and the change between the first and the last.

    Examples
    --------
    The Guizhou satisfaction KPI: "贵州移动：2005 年 12.98 分，2006 年 19.5 分（满分 20），提高 6.52 分。"
    """
    rows = totals[totals["total"].notna()]
    if rows.empty:
        return missing_section("annual_kpi", lang=lang)
    sentences = []
    for unit, part in rows.groupby("unit", sort=False):
        part = part.sort_values("period")
        years = [tr(f"{p} 年 {_points(card, t)} 分", f"{p}: {_points(card, t)} points", lang)
                 for p, t in zip(part["period"], part["total"])]
        text = tr(f"{unit}：" + "，".join(years), f"{unit}: " + ", ".join(years), lang)
        if card.total_points:
            text += tr(f"（满分 {_points(card, card.total_points)}）", f" (of {_points(card, card.total_points)})", lang)
        if len(part) > 1:
            diff = float(part["total"].iloc[-1]) - float(part["total"].iloc[0])
            word = tr("提高" if diff >= 0 else "下降", "up" if diff >= 0 else "down", lang)
            text += tr(f"，{word} {_points(card, abs(diff))} 分", f", {word} {_points(card, abs(diff))}", lang)
        sentences.append(text + _end(lang))
    return "".join(sentences) if lang == "zh" else " ".join(sentences)


def _points(card, x) -> str:
    """Points as the scheme publishes them: 19.5 and 12.98, not 19.50."""
    text = card.fmt(x)
    return text.rstrip("0").rstrip(".") if "." in text else text


def campaign_sentence(status: pd.DataFrame, *, baseline: Mapping[str, float], baseline_period: str,
                      lang: str = "zh") -> str:
    """The campaign's provincial baseline and where each target stands.

    Parameters
    ----------
    status : DataFrame
        :func:`cxeval.overview.campaign_status`.
    baseline : mapping
        ``{"repeat_5": 3428, "repeat_10": 748}``: the measures in the baseline month.
    baseline_period : str
    """
    if status.empty:
        return missing_section("campaign", lang=lang)
    parts = []
    r5, r10 = baseline.get("repeat_5"), baseline.get("repeat_10")
    if r5 is not None and r10 is not None:
        parts.append(tr(f"基线月 {baseline_period}：当月投诉 ≥5 次的客户共投诉 {fmt_int(r5)} 件，≥10 次的 {fmt_int(r10)} 件",
                        f"Baseline month {baseline_period}: customers with 5+ complaints that month made "
                        f"{fmt_int(r5)} complaints, those with 10+ made {fmt_int(r10)}", lang))
    period = status["period"].iloc[0]
    met = status.loc[status["status"] == "met"]
    off = status.loc[status["status"] == "off_track"]
    label = "label_zh" if lang == "zh" else "label_en"
    parts.append(tr(f"至 {period}，{len(status)} 项目标中 {len(met)} 项已达标",
                    f"by {period}, {len(met)} of {len(status)} targets are met", lang))
    if len(off):
        parts.append(tr(f"进度落后：{_join(off[label], lang)}", f"off track: {_join(off[label], lang)}", lang))
    return _sep(lang).join(parts) + _end(lang)


def fcr_sentence(fcr: pd.DataFrame, *, lang: str = "zh") -> str:
    """Branches' first-contact resolution against the provincial figure + margin."""
    if fcr.empty:
        return missing_section("fcr", lang=lang)
    row = fcr.iloc[0]
    margin = float(row["goal"]) - float(row["provincial_fcr"])
    met = fcr.loc[fcr["met"].astype(bool), "branch"].tolist()
    text = tr(f"{row['period']} 全省自处理投诉一次性解决率 {fmt_pct(row['provincial_fcr'])}，目标为全省 +"
              f"{_pp_points(margin, lang, 0)}，即 {fmt_pct(row['goal'])}；{len(fcr)} 个分公司中 {len(met)} 个达到",
              f"{row['period']}: provincial first-contact resolution of self-handled complaints "
              f"{fmt_pct(row['provincial_fcr'])}; the target is the province + {_pp_points(margin, lang, 0)}, "
              f"{fmt_pct(row['goal'])}; {len(met)} of {len(fcr)} branches reach it", lang)
    if met:
        text += tr(f"（{_join(met, lang)}）", f" ({_join(met, lang)})", lang)
    return text + _end(lang)


def pilot_sentence(pilots: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence per declared pilot: the DiD effect with its interval and whether it held."""
    if pilots.empty:
        return missing_section("pilots", lang=lang)
    out = []
    for r in pilots.to_dict("records"):
        if r.get("problem"):
            out.append(tr(f"{r['branch']}（试点营业厅 {r['pilot_hall']}）无法评估：{r['problem']}",
                          f"{r['branch']} (pilot hall {r['pilot_hall']}) cannot be evaluated: {r['problem']}", lang))
            continue
        interval = f"{fmt_pp(r['ci_low'])} – {fmt_pp(r['ci_high'])}"
        if r["ci_low"] > 0:
            verdict = tr("效果确实存在", "the effect is real", lang)
        elif r["ci_high"] < 0:
            verdict = tr("满意度下降", "satisfaction fell", lang)
        else:
            verdict = tr("数据尚不能证明有效", "the data cannot yet show it worked", lang)
        held = tr("目标保持" if r["held"] else "目标未保持", "the target held" if r["held"] else "the target did not hold",
                  lang)
        out.append(tr(f"{r['branch']}：试点营业厅 {r['pilot_hall']}（{r['pilot_start']} 起）双重差分效果 "
                      f"{fmt_pp(r['did_effect'])}（95% 区间 {interval}），{verdict}；{held}（简单前后对比为 "
                      f"{fmt_pp(r['naive'])}，含同期整体变化）",
                      f"{r['branch']}: pilot hall {r['pilot_hall']} (from {r['pilot_start']}), difference-in-"
                      f"differences {fmt_pp(r['did_effect'])} (95% interval {interval}): {verdict}; {held} (the "
                      f"naive before/after, {fmt_pp(r['naive'])}, includes the change everyone saw)", lang))
    return _end(lang).join(out) + _end(lang) if lang == "zh" else ". ".join(out) + "."


def lead_sentence(lead, *, lang: str = "zh") -> str:
    """The spread between branches and the lead over the competitor, as computed.

    The source review says every branch leads by 16 pp while its own table gives 黔南
    15.5: the sentence says what the table gives.
    """
    if lead is None:
        return missing_section("lead", lang=lang)
    s = lead.summary()
    target = _pp_points(s["target"], lang, 0)
    text = tr(f"自有品牌满意度最高 {s['best']} {fmt_pct(s['best_value'])}，最低 {s['worst']} {fmt_pct(s['worst_value'])}，"
              f"相差 {_pp_points(s['spread'], lang)}（极差）；全部分公司合计领先竞争对手 {_pp_points(s['province_lead'], lang)}",
              f"Own-brand satisfaction is highest in {s['best']} ({fmt_pct(s['best_value'])}) and lowest in "
              f"{s['worst']} ({fmt_pct(s['worst_value'])}): a spread of {_pp_points(s['spread'], lang)}; all branches "
              f"together lead the competitor by {_pp_points(s['province_lead'], lang)}", lang)
    if s["all_meet_target"]:
        text += tr(f"；{s['n_branches']} 个分公司都领先 {target} 以上",
                   f"; all {s['n_branches']} branches lead by {target} or more", lang)
    else:
        table = lead.table.set_index(lead.by)
        below = [f"{b} {_pp_points(table.loc[b, 'lead'], lang)}" for b in s["below_target"]]
        text += tr(f"；{s['n_branches']} 个分公司中 {s['n_meeting_target']} 个达到领先 {target}的目标，"
                   f"未达到：{_join(below, lang)}",
                   f"; {s['n_meeting_target']} of {s['n_branches']} branches reach the {target} lead target, "
                   f"not reached: {_join(below, lang)}", lang)
    return text + _end(lang)


def mover_sentence(row: Mapping, *, lang: str = "zh") -> str:
    """One of the biggest movers: the change, its months and whether it is more than noise.

    Examples
    --------
    >>> mover_sentence({"branch": "六盘水", "period": "2008-12", "previous_period": "2008-11", "rate": 0.95,
    ...                 "previous_rate": 0.92, "diff": 0.03, "significant": True}, lang="en")
    '六盘水 rose 3.0 pp from 2008-11 to 2008-12 (92.0% → 95.0%), more than sampling noise.'
    """
    up = float(row["diff"]) >= 0
    noise = tr("超出抽样误差" if row["significant"] else "仍在抽样误差之内",
               "more than sampling noise" if row["significant"] else "within sampling noise", lang)
    return tr(f"{row['branch']} 从 {row['previous_period']} 到 {row['period']} {'上升' if up else '下降'} "
              f"{_pp_points(row['diff'], lang)}（{fmt_pct(row['previous_rate'])} → {fmt_pct(row['rate'])}），{noise}。",
              f"{row['branch']} {'rose' if up else 'fell'} {_pp_points(row['diff'], lang)} from {row['previous_period']} "
              f"to {row['period']} ({fmt_pct(row['previous_rate'])} → {fmt_pct(row['rate'])}), {noise}.", lang)


def risk_sentence(row: Mapping, *, lang: str = "zh", labels: Mapping[str, tuple[str, str]] | None = None) -> str:
    """One risk from :func:`cxeval.overview.risks`, in words.

    Parameters
    ----------
    row : mapping
        A row of :func:`cxeval.overview.risks`.
    labels : mapping, optional
        Campaign target id -> (zh, en) label.
    """
    kind, who = row["kind"], row["subject"]
    if kind == "satisfaction":
        how = tr("差距超出抽样误差" if row["severity"] == "bad" else "仍在抽样误差之内",
                 "more than sampling noise" if row["severity"] == "bad" else "within sampling noise", lang)
        return tr(f"{who} {row['period']} 满意度 {fmt_pct(row['value'])}，比 {fmt_pct(row['goal'], 0)} 目标低 "
                  f"{_pp_points(row['gap'], lang)}（{how}）。",
                  f"{who}: satisfaction {fmt_pct(row['value'])} in {row['period']}, {_pp_points(row['gap'], lang)} "
                  f"under the {fmt_pct(row['goal'], 0)} target ({how}).", lang)
    if kind == "campaign":
        zh, en = (labels or {}).get(who, (who, who))
        is_rate = row.get("measure", "rate") == "rate"
        value = fmt_pct(row["value"]) if is_rate else fmt_int(row["value"])
        goal = fmt_pct(row["goal"]) if is_rate else fmt_int(row["goal"])
        return tr(f"活动目标「{zh}」{row['period']} 为 {value}，目标 {goal}，进度落后。",
                  f"Campaign target \"{en}\": {value} in {row['period']} against {goal}, off track.", lang)
    if kind == "fcr":
        return tr(f"{who} {row['period']} 一次性解决率 {fmt_pct(row['value'])}，低于目标 {fmt_pct(row['goal'])}"
                  f"（全省 + 5 个百分点）{_pp_points(row['gap'], lang)}。",
                  f"{who}: first-contact resolution {fmt_pct(row['value'])} in {row['period']}, "
                  f"{_pp_points(row['gap'], lang)} under the target {fmt_pct(row['goal'])} (the province + 5 pp).", lang)
    if kind == "lead":
        return tr(f"{who} 领先竞争对手 {_pp_points(row['value'], lang)}，未达到领先 {_pp_points(row['goal'], lang, 0)}的目标。",
                  f"{who} leads the competitor by {_pp_points(row['value'], lang)}, short of the "
                  f"{_pp_points(row['goal'], lang, 0)} lead target.", lang)
    if kind == "pilot":
        return tr(f"{who} 的试点效果 {fmt_pp(row['value'])}，尚不能证明有效或目标未保持。",
                  f"{who}: pilot effect {fmt_pp(row['value'])}; not yet shown to work, or the target did not hold.",
                  lang)
    raise ValueError(f"unknown risk kind {kind!r}")


def digest(moved: pd.DataFrame, risk: pd.DataFrame, *, lang: str = "zh",
           labels: Mapping[str, tuple[str, str]] | None = None, max_risks: int = 5) -> list[str]:
    """The overview's short digest: the biggest movers, then the risks, one sentence each.

    Returns
    -------
    list of str
        "本月变化最大：" then one sentence per mover; "风险：" then at most ``max_risks``
        risk sentences (and how many more); a sentence saying so when there is no risk.
    """
    out: list[str] = []
    if moved is not None and not moved.empty:
        out.append(tr(f"变化最大的 {len(moved)} 个分公司（满意度，最近两个月）：",
                      f"The {len(moved)} biggest movers (satisfaction, the latest two months):", lang))
        out.extend(mover_sentence(r, lang=lang) for r in moved.to_dict("records"))
    if risk is None or risk.empty:
        out.append(tr("风险：没有未达标的目标。", "Risks: no target is missed.", lang))
        return out
    out.append(tr(f"风险（{len(risk)} 项）：", f"Risks ({len(risk)}):", lang))
    out.extend(risk_sentence(r, lang=lang, labels=labels) for r in risk.head(max_risks).to_dict("records"))
    if len(risk) > max_risks:
        out.append(tr(f"另有 {len(risk) - max_risks} 项，见下文各节。", f"{len(risk) - max_risks} more in the sections below.",
                      lang))
    return out


def index_entry(*, n_branches: int, status: pd.DataFrame | None, risk: pd.DataFrame | None,
                target: float) -> dict[str, str]:
    """What the index shows for the overview: a headline in both languages and a colour.

    ``status`` is ``bad`` when a risk is clearly missed, ``warn`` when only within-noise
    risks remain, ``good`` when no target is missed.

    Examples
    --------
    >>> index_entry(n_branches=2, status=None, risk=pd.DataFrame(columns=["severity"]), target=0.95)["headline_en"]
    '2 branches side by side: no target missed'
    """
    met = None if status is None or status.empty else int((status["status"] == "met").sum())
    n_risk = 0 if risk is None else len(risk)
    zh = [f"{n_branches} 个分公司并列比较"]
    en = [f"{n_branches} branches side by side"]
    if met is not None:
        zh.append(f"{met}/{len(status)} 满意度达 {fmt_pct(target, 0)}")
        en.append(f"{met}/{len(status)} at the {fmt_pct(target, 0)} satisfaction target")
    zh.append(f"{n_risk} 项风险" if n_risk else "没有未达标的目标")
    en.append(f"{n_risk} risks" if n_risk else "no target missed")
    entry = {"headline": "，".join(zh[:1]) + "：" + "，".join(zh[1:]),
             "headline_en": en[0] + ": " + ", ".join(en[1:])}
    if not n_risk:
        return {**entry, "status": "good"}
    bad = risk[risk["severity"] == "bad"]
    if len(bad):
        return {**entry, "status": "bad", "reason": f"{len(bad)} 项明确未达标，见概览的风险",
                "reason_en": f"{len(bad)} targets clearly missed: see the overview's risks"}
    return {**entry, "status": "warn", "reason": "有目标未达到但仍在抽样误差之内",
            "reason_en": "some targets are missed within sampling noise"}
