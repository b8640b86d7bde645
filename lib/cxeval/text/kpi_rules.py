"""A scorecard's rules as a manager reads them, and measured values with their units.

Notebook 04 showed the scheme as the YAML's fields (``third_party``, ``ratio``,
``higher``, ``scale=20``, ``bands=2→1.5; 3→1``): this module says each rule in a
sentence ("每季度测评得分 ÷ 20 × 当季分值（2006-Q2 3 分 …）") and writes a measured value
with its unit ("85.3%", "15.5（满分 20）", "3.66 件/万户") instead of mixing 0.853, 15.5
and 3.66 in one column.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cxeval.report import tr

__all__ = ["rule_sentence", "rule_table", "scheme_note", "value_text", "value_texts"]

#: Units of measures named in DOMAIN.md's vocabulary, by the ending of an item's id.
_UNIT_BY_ID = {"per_10k": ("件/万户", "per 10,000 subscribers")}


def _n(x) -> str:
    """A parameter as written: 20, 0.5, 1.5 (no trailing zeros)."""
    value = float(x)
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _v(item, x) -> str:
    """A threshold or value of the item, in its unit (percent items as %, to 0.01)."""
    if getattr(item, "value_format", "number") == "percent":
        return f"{round(float(x) * 100, 2):g}%"
    return _n(x)


def _max_text(item, lang: str) -> str:
    if isinstance(item.max_points, Mapping):
        return tr("；", "; ", lang).join(f"{p}: {_n(v)}" for p, v in item.max_points.items())
    return _n(item.max_points)


def rule_sentence(item, *, lang: str = "zh", inputs: Mapping | None = None) -> str:
    """How an item's value becomes points, in one sentence.

    Parameters
    ----------
    item : cxeval.kpi.Item
        An item of a :class:`cxeval.kpi.Scorecard` (``card.items``).
    lang : {"zh", "en"}
    inputs : mapping, optional
        The scorecard's inputs (``card.inputs``: id -> (zh, en) label), naming a
        benchmark taken from another value ("全省一次性解决率").

    Examples
    --------
    The Guizhou quarterly third-party item (ratio, scale 20, quarter weights 0.3 / 0.35 / 0.35
    of 10 points) reads "每季度测评得分 ÷ 20 × 当季分值（2006-Q2 3 分、2006-Q3 3.5 分、2006-Q4 3.5 分）".
    """
    p = item.params
    higher = item.direction == "higher"
    per_period = ""
    if item.period_weights:
        slots = [(period, float(item.max_points) * float(w)) for period, w in item.period_weights.items()]
        per_period = tr("（" + "、".join(f"{period} {_n(points)} 分" for period, points in slots) + "）",
                        " (" + ", ".join(f"{period}: {_n(points)}" for period, points in slots) + ")", lang)
    full = tr("当季分值" if item.period_weights else "满分", "the quarter's points" if item.period_weights
              else "the maximum", lang)
    if item.rule == "ratio":
        scale = _n(p["scale"])
        if item.period_weights:
            text = tr(f"每季度测评得分 ÷ {scale} × 当季分值{per_period}",
                      f"Each quarter: the score ÷ {scale} × the quarter's points{per_period}", lang)
        elif higher:
            text = tr(f"实际值 ÷ {scale} × 满分", f"The value ÷ {scale} × the maximum", lang)
        else:
            text = tr(f"({scale} − 实际值) ÷ {scale} × 满分", f"({scale} − the value) ÷ {scale} × the maximum", lang)
        return text + tr("；不超过满分。", "; never above the maximum.", lang)
    if item.rule == "linear":
        floor, target = _v(item, p["floor"]), _v(item, p["target"])
        if higher:
            return tr(f"达到 {target} 得满分，{floor} 及以下得 0 分，其间按比例计分。",
                      f"Full points at {target} or more, none at {floor} or less, in proportion between.", lang)
        return tr(f"不高于 {target} 得满分，{floor} 及以上得 0 分，其间按比例计分。",
                  f"Full points at {target} or less, none at {floor} or more, in proportion between.", lang)
    if item.rule == "threshold":
        target = _v(item, p["target"])
        if higher:
            return tr(f"达到 {target} 得满分，否则 0 分。", f"Full points at {target} or more, else none.", lang)
        return tr(f"不高于 {target} 得满分，否则 0 分。", f"Full points at {target} or less, else none.", lang)
    if item.rule == "bands":
        bands = sorted(p["bands"], key=lambda b: b["points"], reverse=True)
        sign = tr("≥" if higher else "≤", "≥" if higher else "≤", lang)
        parts = [tr(f"{sign} {_v(item, b['limit'])} 得 {_n(b['points'])} 分", f"{sign} {_v(item, b['limit'])}: "
                    f"{_n(b['points'])}", lang) for b in bands]
        return tr("分档计分：" + "，".join(parts) + "，其余 0 分。",
                  "In bands: " + ", ".join(parts) + "; otherwise none.", lang)
    if item.rule == "deduction":
        return tr(f"从满分起，每发生一次扣 {_n(p['per_event'])} 分，最低 0 分。",
                  f"From the maximum, {_n(p['per_event'])} off for each event, never below zero.", lang)
    if item.rule == "per_event":
        return tr(f"每发生一次得 {_n(p['per_event'])} 分，最多为满分。",
                  f"{_n(p['per_event'])} for each event, up to the maximum.", lang)
    if item.rule == "target_plus":
        margin = _v(item, p["margin"])
        if item.value_format == "percent":
            margin = tr(f"{float(p['margin']) * 100:g} 个百分点", f"{float(p['margin']) * 100:g} pp", lang)
        ref = p.get("benchmark_item", "")
        name = tr(*(inputs or {}).get(ref, (ref, ref)), lang)
        bench = _v(item, p["benchmark"]) if "benchmark" in p else name
        if higher:
            return tr(f"不低于{bench} + {margin}得满分，否则 0 分。",
                      f"Full points at {bench} + {margin} or more, else none.", lang)
        return tr(f"不高于{bench} − {margin}得满分，否则 0 分。",
                  f"Full points at {bench} − {margin} or less, else none.", lang)
    if item.rule == "points":
        return tr("按公布的得分计入，不超过满分。", "The points as published, never above the maximum.", lang)
    return item.rule


def rule_table(card, *, lang: str = "zh") -> pd.DataFrame:
    """The scheme as a reader's table: one row per item with its rule in a sentence.

    Returns
    -------
    DataFrame
        ``label``, ``group`` (the group's label), ``max_points`` (text: "10", or
        "2005: 4; 2006: 2" when it varies by year), ``rule`` (:func:`rule_sentence`,
        with "加分项" / "bonus" for a bonus item).
    """
    groups = {g.id: (g.label_zh if lang == "zh" else g.label_en) for g in card.groups}
    rows = []
    for item in card.items:
        sentence = rule_sentence(item, lang=lang, inputs=getattr(card, "inputs", None))
        if item.bonus:
            sentence = tr("加分项：", "Bonus: ", lang) + sentence
        rows.append({"label": item.label(lang), "group": groups.get(item.group, ""),
                     "max_points": _max_text(item, lang), "rule": sentence})
    return pd.DataFrame(rows, columns=["label", "group", "max_points", "rule"])


def scheme_note(card, *, lang: str = "zh") -> str:
    """How the totals are made: rounding, the stated total and a declared gap."""
    method = tr("四舍五入（逢五进一）" if card.rounding_method == "half_up" else "四舍六入五成双",
                "half up" if card.rounding_method == "half_up" else "half to even", lang)
    summed = tr("由未舍入的分数相加，最后一次舍入" if card.sum_policy == "unrounded" else "由显示的分数相加",
                "summed from the unrounded points and rounded once" if card.sum_policy == "unrounded"
                else "summed from the points as displayed", lang)
    text = tr(f"满分 {_n(card.total_points)} 分；总分{summed}，保留 {card.decimals} 位小数，{method}。",
              f"Out of {_n(card.total_points)}; totals are {summed}, to {card.decimals} decimal(s), {method}.", lang)
    if card.declared_gap:
        text += tr(f"各项合计比满分少 {_n(card.declared_gap)} 分：按来源如实列出，不按比例放大。",
                   f"The items add up to {_n(card.declared_gap)} less than the total ({card.gap_reason}); "
                   "they are not rescaled.", lang)
    return text


def value_text(item, value, *, lang: str = "zh") -> str:
    """A measured value with its unit, for the explanation table.

    Percent items as percentages ("85.3%"), scores on a scale with the scale ("15.5（满分
    20）"), published points as points ("9.5 分"), counts per 10,000 subscribers with their
    unit ("3.66 件/万户"); a missing value is "–".

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> value_text(S(id="complaint_satisfaction", rule="threshold", params={}, value_format="percent"), 0.853)
    '85.3%'
    """
    if value is None or value != value:
        return "–"
    if getattr(item, "value_format", "number") == "percent":
        return _v(item, value)
    if item.rule == "ratio":
        return tr(f"{_n(value)}（满分 {_n(item.params['scale'])}）", f"{_n(value)} of {_n(item.params['scale'])}", lang)
    if item.rule == "points":
        return tr(f"{_n(value)} 分", f"{_n(value)} points", lang)
    if item.rule in ("deduction", "per_event"):
        return tr(f"{_n(value)} 次", f"{_n(value)} events", lang)
    for ending, unit in _UNIT_BY_ID.items():
        if str(item.id).endswith(ending):
            return f"{_n(value)} {tr(*unit, lang)}"
    return _n(value)


def value_texts(card, table: pd.DataFrame, *, lang: str = "zh", item: str = "item",
                value: str = "value") -> pd.Series:
    """:func:`value_text` for every row of a table with ``item`` ids and ``value``s
    (:meth:`cxeval.kpi.Scorecard.explain`); rows that are no item's (group sums and the
    total, ``kind`` other than ``item``) are blank."""
    items = {it.id: it for it in card.items}
    kinds = table["kind"] if "kind" in table else pd.Series("item", index=table.index)
    return pd.Series([value_text(items[i], v, lang=lang) if i in items and k == "item" else ""
                      for i, v, k in zip(table[item], table[value], kinds)], index=table.index, dtype=object)
