"""The KPI scorecard report's glue: headline cards, index entry, table labels and formats.

What notebook 04 and the batch need around a :class:`~cxeval.kpi.Scorecard`'s numbers:

- :func:`headline`, :func:`headline_cards` — the cards and sentence at the top;
- :func:`index_entry` — the batch index's headline and status;
- :func:`column_labels`, :func:`table_formats` — headers and formats of the scorecard's
  tables (:meth:`Scorecard.column_labels`, :meth:`Scorecard.table_formats`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cxeval import report
from cxeval.checks import check_lang
from cxeval.kpi import Scorecard
from cxeval.kpi.numbers import _num
from cxeval.text.kpi import headline_sentence, no_data_note

__all__ = ["headline", "headline_cards", "index_entry", "column_labels", "table_formats"]


_COLUMN_LABELS = {
    "unit": ("单位", "Unit"), "period": ("期间", "Period"), "item": ("项目代码", "Item id"),
    "label": ("考核项目", "Item"), "group": ("分组", "Group"), "rule": ("计分规则", "Rule"),
    "value": ("实际值", "Value"), "points": ("得分", "Points"), "points_shown": ("得分", "Points"),
    "max_points": ("满分", "Max points"), "points_lost": ("失分", "Points lost"),
    "lost_rate": ("失分率", "Share of item lost"), "share_of_lost": ("占全部失分", "Share of all points lost"),
    "missing": ("缺失", "Missing"), "explanation": ("计分说明", "How the points were computed"),
    "total": ("总分", "Total"), "rank": ("排名", "Rank"), "n_missing": ("缺失项数", "Missing values"),
    "points_if": ("达标后得分", "Points at target"), "gain": ("可增加", "Gain"),
    "total_if": ("达标后总分", "Total at target"), "rank_if": ("达标后排名", "Rank at target"),
    "attainment": ("得分率", "Share of points earned"),
    "mean_attainment": ("各单位平均得分率", "Mean share, all units"), "n_units": ("单位数", "Units"),
    "kind": ("类型", "Kind"),
    "direction": ("方向", "Direction"), "parameters": ("参数", "Parameters"),
    "period_weights": ("季度权重", "Period weights"), "bonus": ("加分项", "Bonus"),
}


def _figure(x) -> str:
    """A value or a maximum as written: ``16.4``, ``3.5``, ``0.8355``; text unchanged."""
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return _num(x)
    return str(x)


def _rank_status(rank, n_units) -> str:
    """good in the top third, bad in the bottom third, warn between; none without a rank.

    Thirds count the units ranked ahead: fewer than a third ahead is the top third, at
    least two thirds ahead the bottom one (9 units: ranks 1-3 good, 4-6 warn, 7-9 bad; a
    unit alone is good).
    """
    if rank is None or not n_units:
        return "none"
    ahead = int(rank) - 1
    if 3 * ahead < n_units:
        return "good"
    if 3 * ahead >= 2 * n_units:
        return "bad"
    return "warn"


def headline_cards(card: Scorecard, summary: Mapping, *, lang: str = "zh") -> list[dict]:
    """The five headline cards of a unit with scores, for :func:`cxeval.report.headline`.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary` of a unit with ``has_data`` True.
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        ``label``, ``value`` (formatted), optional ``detail`` and ``status``: total (of
        the points its items could earn); rank (good in the top third of the units,
        bad in the bottom third, warn between); points lost (warn when any); the biggest
        short board; missing values (bad when any: the total is then incomplete).

    Raises
    ------
    ValueError
        ``summary`` is of a unit without scores (show :func:`no_data_note` instead).
    """
    check_lang(lang)
    if not summary.get("has_data"):
        raise ValueError(f"summary of unit {summary.get('unit')!r} has no scores: "
                         "show no_data_note(...) instead of headline cards")
    tr = report.tr
    rank, n_units = summary["rank"], summary["n_units"]
    status = _rank_status(rank, n_units)
    lost = summary["points_lost"]
    return [
        {"label": tr("总分", "Total", lang), "value": card.fmt(summary["total"]),
         "detail": tr(f"满分 {_num(summary['max_points'])}", f"of {_num(summary['max_points'])}", lang)},
        {"label": tr("排名", "Rank", lang),
         "value": f"{rank} / {n_units}" if rank is not None else "–",
         "status": "" if status == "none" else status},
        {"label": tr("失分", "Points lost", lang), "value": card.fmt(lost),
         "status": "warn" if lost else "good"},
        {"label": tr("最大短板", "Biggest short board", lang),
         "value": summary["short_board_labels"][0] if summary["short_board_labels"] else "–"},
        {"label": tr("缺失数据", "Missing values", lang), "value": report.fmt_int(summary["n_missing"]),
         "status": "bad" if summary["n_missing"] else "good"},
    ]


def headline(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh",
             units: Sequence[str] = ()) -> report.HTML:
    """The headline of notebook 04: :func:`headline_cards` and :func:`headline_sentence`.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.
    branch : str
        The unit's name as the reader knows it.
    lang : {"zh", "en"}
    units : sequence of str
        The units that do have scores; named when ``branch`` has none.

    Returns
    -------
    cxeval.report.HTML
        The cards and the sentence; for a unit without scores, the note of
        :func:`no_data_note` instead.
    """
    if not summary.get("has_data"):
        return report.note(no_data_note(units, branch=branch, lang=lang))
    return report.headline(headline_cards(card, summary, lang=lang),
                           sentence=headline_sentence(card, summary, branch=branch, lang=lang))


def index_entry(card: Scorecard, summary: Mapping) -> dict[str, str]:
    """What the batch index shows for this report: short headline in both languages and a status.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.

    Returns
    -------
    dict
        ``headline`` ("15.3 分，第 7/9 名"), ``headline_en`` ("15.3 points, rank 7 of 9"),
        ``status``: ``good`` in the top third of the units (fewer than a third ranked
        ahead), ``bad`` in the bottom third (at least two thirds ahead), ``warn`` between;
        ``none`` (grey on the index) without scores ("无考核数据" / "no scorecard data")
        or without a total (every value missing).

    Examples
    --------
    >>> index_entry(card, summary)  # doctest: +SKIP
    {'headline': '15.3 分，第 7/9 名', 'headline_en': '15.3 points, rank 7 of 9', 'status': 'bad'}
    """
    if not summary.get("has_data"):
        return {"headline": "无考核数据", "headline_en": "no scorecard data", "status": "none"}
    if summary["total"] is None or summary["rank"] is None:
        return {"headline": "考核数据缺失，无总分", "headline_en": "scorecard values missing, no total",
                "status": "none"}
    total, rank, n_units = card.fmt(summary["total"]), summary["rank"], summary["n_units"]
    status = _rank_status(rank, n_units)
    entry = {"headline": f"{total} 分，第 {rank}/{n_units} 名",
             "headline_en": f"{total} points, rank {rank} of {n_units}", "status": status}
    if status == "warn":
        entry.update(reason=f"排名居中（{n_units} 个单位的中间三分之一）",
                     reason_en=f"middle third of the {n_units} units")
    elif status == "bad":
        entry.update(reason=f"排名靠后（{n_units} 个单位的后三分之一）",
                     reason_en=f"bottom third of the {n_units} units")
    return entry


def column_labels(card: Scorecard, lang: str = "zh") -> dict:
    """Reader-facing headers for the columns of :meth:`score`, :meth:`totals` and the
    per-unit views, group columns under their group labels, in ``lang``."""
    check_lang(lang)
    zh = lang == "zh"
    labels = {key: (z if zh else e) for key, (z, e) in _COLUMN_LABELS.items()}
    labels.update({g.id: g.label_zh if zh else g.label_en for g in card.groups})
    if card.composite:
        labels["composite"] = card.composite["label_zh" if zh else "label_en"]
    return labels


def table_formats(card: Scorecard, lang: str = "zh") -> dict:
    """Display formats of the columns of the scorecard's tables, for :func:`cxeval.report.table`.

    Points (``points``, ``points_lost``, ``gain``, ``total_if`` and the
    :attr:`point_columns`) are shown as the scorecard rounds them (:meth:`fmt`);
    values and maximum points as exact figures (``16.4``, ``3.5``; text such as
    :meth:`describe`'s ``"2005: 4; 2006: 2"`` is left as it is); rates as
    percentages; ``n_missing`` as a count; ``bonus`` as "是"/"yes" or blank.
    Columns a table does not have are ignored by :func:`cxeval.report.table`.

    Examples
    --------
    >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
    >>> card.table_formats("en")["points"](2.87)  # doctest: +SKIP
    '2.9'
    """
    check_lang(lang)
    points = dict.fromkeys(["points", "points_shown", "points_lost", "points_if", "gain",
                            "total_if", *card.point_columns], card.fmt)
    return {**points, "value": _figure, "max_points": _figure, "lost_rate": "pct",
            "share_of_lost": "pct", "attainment": "pct", "mean_attainment": "pct",
            "n_missing": "int", "bonus": {True: "是" if lang == "zh" else "yes", False: ""}.get}
