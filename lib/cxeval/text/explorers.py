"""Titles and sentences of the notebooks' interactive explorers (:mod:`cxeval.explorers`)."""

from __future__ import annotations

from cxeval.report import tr

__all__ = ["pareto_title", "shift_title", "no_tickets", "pilot_trend_title", "kpi_items_title",
           "kpi_rank_title", "what_if_sentence", "missing_slots", "step_trend_title",
           "freeze_label", "every_month", "explorer_note"]


def pareto_title(branch: str, item: str, months: str, lang: str = "zh") -> str:
    """>>> pareto_title("潮安", "Sub-item", "2010-07", "en")
    '潮安: Pareto by sub-item, 2010-07'
    """
    return tr(f"{branch}：{item}帕累托（{months}）", f"{branch}: Pareto by {item.lower()}, {months}", lang)


def shift_title(before: str, after: str, lang: str = "zh") -> str:
    return tr(f"占比变化：{before} → {after}", f"Change in share: {before} → {after}", lang)


def no_tickets(branch: str, months: str, lang: str = "zh") -> str:
    """>>> no_tickets("潮安", "2009-01", "en")
    '潮安 has no tickets in 2009-01.'
    """
    return tr(f"{branch}在 {months} 没有投诉工单。", f"{branch} has no tickets in {months}.", lang)


def pilot_trend_title(branch: str, lang: str = "zh") -> str:
    return tr(f"{branch}：营业厅月度满意度", f"{branch}: monthly satisfaction by group", lang)


def kpi_items_title(unit: str, lang: str = "zh") -> str:
    return tr(f"{unit}：各项得分与失分", f"{unit}: points by item", lang)


def kpi_rank_title(lang: str = "zh") -> str:
    return tr("各单位总分", "Total by unit", lang)


def what_if_sentence(unit: str, measured: str, total: str, measured_rank, rank, n_units: int, *,
                     changed: bool, lang: str = "zh") -> str:
    """What the slider values do to the total and the rank.

    Examples
    --------
    >>> what_if_sentence("黔东南", "15.1", "16.0", 6, 3, 9, changed=True, lang="en")
    '黔东南 with these values: 16.0 points, rank 3 of 9 (measured: 15.1 points, rank 6).'
    >>> what_if_sentence("黔东南", "15.1", "15.1", 6, 6, 9, changed=False, lang="en")
    '黔东南 as measured: 15.1 points, rank 6 of 9. Move a slider to try other values.'
    """
    if not changed:
        return tr(f"{unit}实际得分 {measured} 分，第 {measured_rank}/{n_units} 名。拖动滑块试算其他取值。",
                  f"{unit} as measured: {measured} points, rank {measured_rank} of {n_units}. "
                  "Move a slider to try other values.", lang)
    return tr(f"{unit}按所选取值：{total} 分，第 {rank}/{n_units} 名（实际 {measured} 分，第 {measured_rank} 名）。",
              f"{unit} with these values: {total} points, rank {rank} of {n_units} "
              f"(measured: {measured} points, rank {measured_rank}).", lang)


def missing_slots(labels: list[str], lang: str = "zh") -> str:
    names = "、".join(labels) if lang == "zh" else ", ".join(labels)
    return tr(f"缺少数据、无法试算：{names}（在考核得分文件中补上后重新打开）。",
              f"No value, so no slider: {names} (add them to the scores file and reopen).", lang)


def step_trend_title(step: str, lang: str = "zh") -> str:
    return tr(f"「{step}」逐月及时率", f"{step}: on-time rate by month", lang)


def freeze_label(lang: str = "zh") -> str:
    return tr("控制限基准截至", "Limits fixed on", lang)


def every_month(lang: str = "zh") -> str:
    return tr("全部月份", "every month", lang)


def explorer_note(lang: str = "zh") -> str:
    """What a batch report shows where the notebook has its explorer (no code-world words:
    the manager reading the web page has no switch to turn)."""
    return tr("交互式探索器只在 JupyterLab 中打开本笔记本时可用，网页版报告中没有。",
              "The interactive explorer is there when this notebook is opened in JupyterLab, "
              "not in the web report.", lang)
