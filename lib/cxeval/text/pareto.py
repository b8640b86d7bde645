"""Sentences of the Pareto analysis: how few categories make how much, and what moved.

Built from what :mod:`cxeval.pareto` returns, in Chinese or English:

- :func:`describe_pareto` — the vital few of a Pareto table;
- :func:`describe_shift` — whether the mix changed between two periods, and which
  category fell or rose most;
- :func:`shift_summary` — a :class:`~cxeval.pareto.ParetoShift` as text (its
  ``summary()``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from cxeval.checks import check_lang
from cxeval.pareto import ParetoShift, vital_few_summary

__all__ = ["describe_pareto", "describe_shift", "shift_summary"]


def _join(names: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(map(str, names))


def describe_pareto(table: pd.DataFrame, *, lang: str = "zh", item: str | None = None,
                    unit: str | None = None) -> str:
    """One sentence reading a Pareto table: how few categories make how much.

    Parameters
    ----------
    table : DataFrame
        A :func:`pareto_table` result without ``by``.
    lang : {"zh", "en"}
        Language of the sentence.
    item : str, optional
        What the categories are ("子项" / "sub-items"); default "类别" / "categories".
    unit : str, optional
        What is counted ("张工单" / "tickets"); default "件" / "cases".

    Returns
    -------
    str
        E.g. "3 of 5 categories (60%) make up 80.0% of 300 cases: contact num.,
        price code, supplier code." An empty or all-zero table gives a sentence
        saying there is nothing to rank.

    Examples
    --------
    >>> from cxeval.pareto import pareto_table
    >>> import pandas as pd
    >>> t = pareto_table(pd.DataFrame({"c": list("aaab")}), "c", threshold=0.7)
    >>> describe_pareto(t, lang="en")
    '1 of 2 categories (50%) make up 75.0% of 4 cases: a.'
    """
    from cxeval import report

    check_lang(lang)
    item = item or report.tr("类别", "categories", lang)
    unit = unit or report.tr("件", "cases", lang)
    vital = vital_few_summary(table)
    if not vital["n_vital"]:
        return report.tr(f"没有可排序的数据（共 0 {unit}）。",
                         f"No {unit} to rank (total 0).", lang)
    of_categories = f"{vital['n_vital'] / vital['n_categories'] * 100:.0f}%"
    names = _join(vital["categories"], lang)
    return report.tr(
        f"{vital['n_categories']} 个{item}中的 {vital['n_vital']} 个（{of_categories}）"
        f"占全部 {report.fmt_int(vital['total'])} {unit}的 {report.fmt_pct(vital['share'])}：{names}。",
        f"{vital['n_vital']} of {vital['n_categories']} {item} ({of_categories}) make up "
        f"{report.fmt_pct(vital['share'])} of {report.fmt_int(vital['total'])} {unit}: {names}.",
        lang)


def describe_shift(shift: ParetoShift, *, lang: str = "zh", before: str | None = None,
                   after: str | None = None, alpha: float = 0.05) -> str:
    """Plain-language reading of a :func:`pareto_shift` result.

    Parameters
    ----------
    shift : ParetoShift
        Result of :func:`pareto_shift`.
    lang : {"zh", "en"}
        Language of the sentence.
    before, after : str, optional
        Names of the periods (e.g. "2010-07"); default "之前/before", "之后/after".
    alpha : float, default 0.05
        Significance level for "changed" versus "no detectable change".

    Returns
    -------
    str
        Whether the distribution changed (with the p-value), then the category whose
        share fell most and the one that rose most, each with its interval, and
        whether their intervals exclude zero.

    Examples
    --------
    >>> from cxeval.pareto import pareto_shift
    >>> import pandas as pd
    >>> b = pd.DataFrame({"c": ["a"] * 60 + ["b"] * 40})
    >>> a = pd.DataFrame({"c": ["a"] * 40 + ["b"] * 60})
    >>> describe_shift(pareto_shift(b, a, "c"), lang="en", before="Jul", after="Nov")[:60]
    'From Jul to Nov the mix changed (chi-square test, p = 0.005)'
    """
    from cxeval import report

    if not isinstance(shift, ParetoShift):
        raise TypeError(f"shift must be a pareto_shift result, got {type(shift).__name__}")
    before = before or report.tr("之前", "before", lang)
    after = after or report.tr("之后", "after", lang)
    if shift.n_before == 0 or shift.n_after == 0:
        empty = before if shift.n_before == 0 else after
        return report.tr(f"{empty}没有数据，无法比较前后分布。",
                         f"No data for {empty}: the two periods cannot be compared.", lang)
    if math.isnan(shift.p_value):
        return report.tr("只有一个类别出现，分布无从比较。",
                         "Only one category occurs: there is no distribution to compare.", lang)
    p = report.fmt_p(shift.p_value)
    changed = shift.p_value < alpha
    parts = [report.tr(
        f"从{before}到{after}，投诉结构{'发生了显著变化' if changed else '没有可检出的变化'}（卡方检验，{p}）。",
        f"From {before} to {after} the mix {'changed' if changed else 'showed no detectable change'} "
        f"(chi-square test, {p}).", lang)]
    table = shift.table
    level = f"{shift.conf * 100:.0f}%"
    for direction in ("fall", "rise"):
        idx = table["change"].idxmin() if direction == "fall" else table["change"].idxmax()
        row = table.loc[idx]
        if (direction == "fall" and row["change"] >= 0) or (direction == "rise" and row["change"] <= 0):
            continue
        interval = f"{report.fmt_pp(row['ci_low'])} ~ {report.fmt_pp(row['ci_high'])}"
        clear = row["ci_low"] > 0 or row["ci_high"] < 0
        parts.append(report.tr(
            f"占比{'下降' if direction == 'fall' else '上升'}最多的是{row['category']}"
            f"（{report.fmt_pct(row['before_share'])} → {report.fmt_pct(row['after_share'])}，"
            f"{report.fmt_pp(row['change'])}，{level}区间 {interval}"
            f"{'' if clear else '，区间含 0'}）。",
            f"Largest {direction}: {row['category']} ({report.fmt_pct(row['before_share'])} → "
            f"{report.fmt_pct(row['after_share'])}, {report.fmt_pp(row['change'])}, {level} CI "
            f"{interval}{'' if clear else ', interval includes 0'}).", lang))
    return "".join(parts) if lang == "zh" else " ".join(parts)


def shift_summary(shift: ParetoShift, *, lang: str = "en") -> str:
    """A :func:`~cxeval.pareto.pareto_shift` result as a short text: the test, then the table."""
    from cxeval import report

    if shift.dof and not math.isnan(shift.p_value):
        test = report.tr(
            f"卡方检验 χ² = {shift.statistic:.2f}，自由度 {shift.dof}，{report.fmt_p(shift.p_value)}",
            f"Chi-square test: chi2 = {shift.statistic:.2f}, df = {shift.dof}, "
            f"{report.fmt_p(shift.p_value)}", lang)
    else:
        test = report.tr("数据不足，无法检验", "Not enough data for a test", lang)
    head = report.tr(f"帕累托分布变化（前 {report.fmt_int(shift.n_before)}，后 "
                     f"{report.fmt_int(shift.n_after)}）",
                     f"Pareto shift (before n = {report.fmt_int(shift.n_before)}, after n = "
                     f"{report.fmt_int(shift.n_after)})", lang)
    return "\n".join([head, test, shift.table.to_string(index=False)])
