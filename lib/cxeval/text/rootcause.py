"""Sentences of the root-cause analysis: the fishbone, the key factors, the action plan.

Built from what :mod:`cxeval.rootcause` returns, in Chinese or English:

- :func:`describe_fishbone` — how many causes under which bones, which highlighted;
- :func:`describe_priorities` — how many key factors, what share of the evidence;
- :func:`describe_action_plan` — key factors without actions, actions overdue.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cxeval.checks import check_frame, check_lang, require_columns
from cxeval.rootcause import BONE_NAMES, _check_causes

__all__ = ["describe_fishbone", "describe_priorities", "describe_action_plan"]


def _names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Cause names to show: ``cause_en`` for English where the table has one."""
    names = frame["cause"].astype(str)
    if lang == "en" and "cause_en" in frame.columns:
        names = frame["cause_en"].where(frame["cause_en"].notna(), names).astype(str)
    return names


def describe_fishbone(causes: pd.DataFrame, *, lang: str = "zh", highlight: Iterable[str] = ()) -> str:
    """One sentence on a fishbone: how many causes under which bones, which highlighted.

    Examples
    --------
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "人员", "方法"], "cause": ["a", "b", "c"]})
    >>> describe_fishbone(causes, lang="en", highlight=["a"])
    '3 causes under 2 bones (People 2, Method 1); the 1 key factor is shown in orange.'
    """
    from cxeval import report

    check_lang(lang)
    causes = _check_causes(causes)
    if isinstance(highlight, str):
        raise TypeError(f"highlight must be a list of causes, got the single text {highlight!r}")
    per_bone = causes.drop_duplicates(["bone", "cause"]).groupby("bone", sort=False).size()
    names = [BONE_NAMES.get(str(b), str(b)) if lang == "en" else str(b) for b in per_bone.index]
    parts = ("、" if lang == "zh" else ", ").join(f"{n} {k}" for n, k in zip(names, per_bone))
    n_causes, n_bones = int(per_bone.sum()), len(per_bone)
    n_key = len(set(map(str, highlight)) & set(causes["cause"].astype(str)))
    text = report.tr(f"{n_bones} 类共 {n_causes} 个原因（{parts}）",
                     f"{n_causes} causes under {n_bones} bones ({parts})", lang)
    if n_key:
        text += report.tr(f"；橙色标出 {n_key} 个要因。",
                          f"; the {n_key} key factor{'s are' if n_key > 1 else ' is'} shown in orange.", lang)
    else:
        text += report.tr("。", ".", lang)
    return text


def describe_priorities(priorities: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence reading :func:`prioritise`: how many key factors, what share, which.

    Examples
    --------
    >>> from cxeval.rootcause import prioritise
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "方法"], "cause": ["a", "b"], "count": [3, 1]})
    >>> describe_priorities(prioritise(causes, threshold=0.7), lang="en")
    '1 of 2 causes are key factors, with 75.0% of all votes: a.'
    """
    from cxeval import report

    check_lang(lang)
    check_frame(priorities, "priorities")
    require_columns(priorities, ("cause", "score", "key_factor"), "priorities")
    key = priorities.loc[priorities["key_factor"].astype(bool).to_numpy()]
    share = report.fmt_pct(key["score"].sum())
    names = ("、" if lang == "zh" else ", ").join(_names(key, lang))
    from cxeval.rootcause import votes_only

    if votes_only(priorities):
        weight = report.tr(f"合计占全部票数的 {share}", f"with {share} of all votes", lang)
    else:
        weight = report.tr(f"按票数与其他证据综合计算，合计占 {share}",
                           f"with {share} of the votes and other evidence combined", lang)
    return report.tr(
        f"{len(priorities)} 个原因中的 {len(key)} 个为要因，{weight}：{names}。",
        f"{len(key)} of {len(priorities)} causes are key factors, {weight}: {names}.", lang)


def describe_action_plan(plan: pd.DataFrame, *, lang: str = "zh", as_of=None) -> str:
    """One or two sentences on an :func:`action_plan`: coverage and overdue actions.

    Examples
    --------
    >>> from cxeval.rootcause import action_plan
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"rank": [1, 2], "cause": ["a", "b"]})
    >>> acts = pd.DataFrame({"cause": ["a"], "action": ["x"], "owner": ["o"],
    ...                      "due": ["2008-08-31"], "status": ["进行中"]})
    >>> describe_action_plan(action_plan(kf, acts, as_of="2008-09-30"), lang="en",
    ...                      as_of="2008-09-30")
    '1 of 2 key factors have actions; no action yet for: b. 1 action overdue as of 2008-09-30: x.'
    """
    from cxeval import report

    check_lang(lang)
    check_frame(plan, "plan")
    require_columns(plan, ("cause", "key_factor", "action", "no_action", "overdue"), "plan")
    sep = "、" if lang == "zh" else ", "
    key = plan.loc[plan["key_factor"].to_numpy()]
    n_factors = key["cause"].nunique()
    missing = _names(key, lang)[key["no_action"].to_numpy()].drop_duplicates().tolist()
    covered = n_factors - len(missing)
    parts = [report.tr(f"{n_factors} 个要因中 {covered} 个已有措施",
                       f"{covered} of {n_factors} key factors have actions", lang)]
    if missing:
        parts[0] += report.tr(f"，尚无措施：{sep.join(missing)}。", f"; no action yet for: {sep.join(missing)}.",
                              lang)
    else:
        parts[0] += report.tr("。", ".", lang)
    overdue = plan.loc[plan["overdue"].fillna(False).to_numpy(dtype=bool), "action"].tolist()
    if as_of is not None and not plan["overdue"].isna().all():
        day = pd.Timestamp(as_of).strftime("%Y-%m-%d")
        if overdue:
            parts.append(report.tr(f"截至 {day} 有 {len(overdue)} 项措施逾期：{sep.join(map(str, overdue))}。",
                                   f"{len(overdue)} action{'s' if len(overdue) > 1 else ''} overdue "
                                   f"as of {day}: {sep.join(map(str, overdue))}.", lang))
        else:
            parts.append(report.tr(f"截至 {day} 没有逾期措施。", f"No action overdue as of {day}.", lang))
    return "".join(parts) if lang == "zh" else " ".join(parts)
