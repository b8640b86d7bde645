"""Sentences of the KPI scorecard report: the scheme, the total and rank, where points went.

Built from a :class:`~cxeval.kpi.Scorecard` and what it returns, in Chinese or English:

- :func:`describe_card` — the scheme, its stated total and any declared gap;
- :func:`headline_sentence`, :func:`describe_rank` — total, rank, the best unit;
- :func:`describe_trend` — the quarterly items from the first period to the last;
- :func:`describe_short_boards`, :func:`describe_what_if` — the biggest short board, the
  item whose target would gain the most;
- :func:`no_data_note`, :func:`not_applicable_note` — a branch without scores.

The words of the score table's explanations belong to the rules
(:mod:`cxeval.kpi.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cxeval import report
from cxeval.checks import check_lang
from cxeval.kpi import Scorecard
from cxeval.kpi.numbers import _num

__all__ = [
    "describe_card", "headline_sentence", "describe_rank", "describe_trend",
    "describe_short_boards", "describe_what_if", "no_data_note", "not_applicable_note",
]


# The sentences of notebook 04, built from the numbers so that each one is unit-tested in
# both languages (the notebook only calls, displays and narrates).
def _names(names, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(str(n) for n in names)


def describe_card(card: Scorecard, *, period: str | None = None, lang: str = "zh") -> str:
    """One sentence naming the scheme and its stated total, and any declared gap.

    Parameters
    ----------
    card : Scorecard
    period : str, optional
        The scoring period shown (scorecards with ``periods``), e.g. ``"2006"``.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"考核方案：<name>，满分 20 分。"``; with a period ``"…满分 20 分（2006 年度）。"``;
        when the items add up to less than the stated total, a second sentence gives the
        items' sum, the gap and the scheme's ``gap_reason``.

    Examples
    --------
    >>> card = Scorecard.from_dict({"name": "t", "total_points": 10, "items": [
    ...     {"id": "a", "label_zh": "甲", "label_en": "A", "max_points": 10, "rule": "points",
    ...      "direction": "higher"}]})
    >>> describe_card(card, lang="en")
    'Scorecard: t, 10 points.'
    """
    check_lang(lang)
    total = _num(card.total_points)
    if lang == "zh":
        text = f"考核方案：{card.name}，满分 {total} 分" + (f"（{period} 年度）" if period else "") + "。"
    else:
        text = f"Scorecard: {card.name}, {total} points" + (f" ({period})" if period else "") + "."
    if card.declared_gap:
        listed = _num(card.total_points - card.declared_gap)
        gap = _num(card.declared_gap)
        reason = str(card.gap_reason).strip()
        text += (f"方案所列项目合计 {listed} 分，比满分少 {gap} 分：{reason}" if lang == "zh" else
                 f" The listed items add up to {listed} points, {gap} short of the stated total: {reason}")
    return text


def headline_sentence(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh") -> str:
    """The sentence under the headline cards: total, rank, the best unit, where points went.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary` of a unit with ``has_data`` True.
    branch : str
        The unit's name as the reader knows it.
    lang : {"zh", "en"}

    Returns
    -------
    str
        e.g. ``"黔东南得 15.3 分（满分 20），在 9 个单位中排第 7；第一名黔西南 17.2 分。共失
        4.7 分，失分最多的是：第三方满意度测评、中高端客户保有率、工单超时率。"``, with a
        last sentence on missing values when some are missing. A unit whose values are
        all missing gets a sentence saying its total cannot be computed.

    Raises
    ------
    ValueError
        ``summary`` is of a unit without scores.
    """
    check_lang(lang)
    if not summary.get("has_data"):
        raise ValueError(f"summary of unit {summary.get('unit')!r} has no scores: "
                         "show no_data_note(...) instead")
    n_missing = summary["n_missing"]
    if summary["total"] is None:
        return report.tr(f"{branch}的 {n_missing} 项考核数据全部缺失，无法计算总分。",
                         f"All {n_missing} scorecard values of {branch} are missing: there is no total.",
                         lang)
    total, max_points = card.fmt(summary["total"]), _num(summary["max_points"])
    rank, n_units, lost = summary["rank"], summary["n_units"], card.fmt(summary["points_lost"])
    boards = summary["short_board_labels"]
    if lang == "zh":
        text = f"{branch}得 {total} 分（满分 {max_points}），在 {n_units} 个单位中排第 {rank}"
        if rank != 1:
            text += f"；第一名{summary['best_unit']} {card.fmt(summary['best_total'])} 分"
        text += f"。共失 {lost} 分，失分最多的是：{_names(boards, lang) or '无'}。"
        if n_missing:
            text += f"有 {n_missing} 项数据缺失，未计分，总分不完整。"
        return text
    text = f"{branch} scores {total} of {max_points} points, rank {rank} of {n_units} units"
    if rank != 1:
        text += f"; the best, {summary['best_unit']}, has {card.fmt(summary['best_total'])}"
    text += f". {lost} points were lost, most on: {_names(boards, lang) or 'none'}."
    if n_missing:
        text += f" {n_missing} values are missing and not scored: the total is incomplete."
    return text


def describe_rank(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh") -> str:
    """One sentence on the unit's rank and how far it is behind the best.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.
    branch : str
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"黔东南排第 7（共 9 个单位），比第一名黔西南少 1.9 分。"`` (the gap between the
        displayed totals), ``"…排名第一。"`` for the best; :func:`not_applicable_note`
        for a unit without scores or without a total.
    """
    check_lang(lang)
    if not summary.get("has_data") or summary["rank"] is None:
        return not_applicable_note(lang)
    rank, n_units = summary["rank"], summary["n_units"]
    if rank == 1:
        return report.tr(f"{branch}排第 1（共 {n_units} 个单位），排名第一。",
                         f"{branch} ranks 1 of {n_units}: the best of all units.", lang)
    behind = card.fmt(summary["best_total"] - summary["total"])
    best = summary["best_unit"]
    return report.tr(f"{branch}排第 {rank}（共 {n_units} 个单位），比第一名{best}少 {behind} 分。",
                     f"{branch} ranks {rank} of {n_units}, {behind} points behind the best, {best}.", lang)


def describe_trend(trend: pd.DataFrame, *, lang: str = "zh") -> str:
    """How the unit's quarterly items went from the first period to the last, per item.

    Parameters
    ----------
    trend : DataFrame
        :meth:`Scorecard.period_trend` of one unit.
    lang : {"zh", "en"}

    Returns
    -------
    str
        Per item: ``"第三方满意度测评得分率从 2006-Q2 的 60.0%（第 9 名，共 9 个）变为
        2006-Q4 的 86.0%（第 3 名，共 9 个）；2006-Q4 各单位平均为 82.3%。"``; an item with one
        period gives that period alone. Empty ``trend``: the scorecard has no item
        scored period by period (or the unit has no scores; the notebook shows
        :func:`not_applicable_note` then).
    """
    check_lang(lang)
    if trend.empty:
        return report.tr("这个考核方案没有分季度计分的项目。",
                         "This scorecard has no item scored quarter by quarter.", lang)
    sentences = []
    for _, rows in trend.groupby("item", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        label, mean = first["label"], report.fmt_pct(last["mean_attainment"])
        if lang == "zh":
            text = (f"{label}在 {first['period']} 的得分率为 {_trend_point(first, lang)}" if len(rows) == 1
                    else f"{label}得分率从 {first['period']} 的 {_trend_point(first, lang)}变为 "
                         f"{last['period']} 的 {_trend_point(last, lang)}")
            sentences.append(f"{text}；{last['period']} 各单位平均为 {mean}。")
        else:
            text = f"{label}: {_trend_point(first, lang, of_points=True)}"
            if len(rows) > 1:
                text += f", {_trend_point(last, lang)}"
            sentences.append(f"{text}; the mean of all units in {last['period']} is {mean}.")
    return ("" if lang == "zh" else " ").join(sentences)


def _trend_point(row, lang: str, *, of_points: bool = False) -> str:
    share, rank, n_units = report.fmt_pct(row["attainment"]), row["rank"], row["n_units"]
    if lang == "zh":
        return f"{share}（第 {rank} 名，共 {n_units} 个）"
    return f"{share}{' of the points' if of_points else ''} in {row['period']} (rank {rank} of {n_units})"


def describe_short_boards(card: Scorecard, boards: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence on the biggest short board: what it lost and its share of all points lost.

    Parameters
    ----------
    card : Scorecard
    boards : DataFrame
        :meth:`Scorecard.short_boards` of one unit.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"最大短板是「第三方满意度测评」：失 2.3 分，占全部失分的 49.7%。"``; with no item
        that lost points, a sentence saying there is no short board.
    """
    check_lang(lang)
    if boards.empty:
        return report.tr("没有失分的项目：没有短板。", "No item lost points: there is no short board.", lang)
    top = boards.iloc[0]
    lost, share = card.fmt(top["points_lost"]), report.fmt_pct(top["share_of_lost"])
    return report.tr(f"最大短板是「{top['label']}」：失 {lost} 分，占全部失分的 {share}。",
                     f"The biggest short board is \"{top['label']}\": {lost} points lost, "
                     f"{share} of all points lost.", lang)


def describe_what_if(card: Scorecard, what_if: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence on the item whose reaching its target would gain the most.

    Parameters
    ----------
    card : Scorecard
    what_if : DataFrame
        :meth:`Scorecard.what_if` of one unit (largest gain first).
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"若「第三方满意度测评」达标，可多得 2.3 分，总分 17.7，排名从第 7 变为第 1。"``
        (or "排名不变" when it would not move); a sentence saying every item is at its
        target when nothing can be gained, or that there is no item to try.
    """
    check_lang(lang)
    if what_if.empty:
        return report.tr("没有可以试算的项目。", "There is no item to try.", lang)
    top = what_if.iloc[0]
    if not top["gain"] > 1e-9:
        return report.tr("所有项目均已达标：没有可增加的分数。",
                         "Every item is at its target: there are no points to gain.", lang)
    label, gain, total_if = top["label"], card.fmt(top["gain"]), card.fmt(top["total_if"])
    if pd.isna(top["rank"]):  # no total now (every value missing): no rank to move from
        return report.tr(f"若「{label}」达标，可多得 {gain} 分。",
                         f"If \"{label}\" reached its target, the branch would gain {gain} points.", lang)
    rank, rank_if = int(top["rank"]), int(top["rank_if"])
    if lang == "zh":
        moves = f"排名从第 {rank} 变为第 {rank_if}" if rank_if != rank else f"排名不变（第 {rank}）"
        return f"若「{label}」达标，可多得 {gain} 分，总分 {total_if}，{moves}。"
    moves = f"rank {rank_if} instead of {rank}" if rank_if != rank else f"rank unchanged at {rank}"
    return f"If \"{label}\" reached its target, the branch would gain {gain} points: total {total_if}, {moves}."


def no_data_note(units: Sequence[str], *, branch: str, source: str = "kpi_scores",
                 lang: str = "zh") -> str:
    """What a branch without scores sees instead of its scorecard.

    Parameters
    ----------
    units : sequence of str
        The units that have scores (e.g. ``totals["unit"]``); empty when there are none.
    branch : str
    source : str
        The input file's name (without ending), as the reader finds it in the data folder.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"潮安没有考核计分数据：kpi_scores 中没有这个单位（有数据的单位：贵阳、遵义）。以下各节
        不适用。"``; without any unit: the file is missing or empty.

    Examples
    --------
    >>> no_data_note([], branch="潮安", lang="en")
    'No scorecard data for this branch: the kpi_scores file is missing or empty. The sections below do not apply.'
    """
    check_lang(lang)
    units = [str(u) for u in units]
    if lang == "zh":
        detail = (f"{source} 中没有这个单位（有数据的单位：{_names(units, lang)}）" if units
                  else f"{source} 文件不存在或为空")
        return f"{branch}没有考核计分数据：{detail}。以下各节不适用。"
    detail = (f"{source} has no rows for {branch} (units with data: {_names(units, lang)})" if units
              else f"the {source} file is missing or empty")
    return f"No scorecard data for this branch: {detail}. The sections below do not apply."


def not_applicable_note(lang: str = "zh") -> str:
    """The note a section shows for a branch without scores.

    Examples
    --------
    >>> not_applicable_note("en")
    'Does not apply: no scorecard data for this branch.'
    """
    return report.tr("本节不适用：该分公司没有考核计分数据。",
                     "Does not apply: no scorecard data for this branch.", lang)
