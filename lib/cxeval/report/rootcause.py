"""The root-cause report's glue: the key factors and the action plan as formatted tables.

- :func:`show_priorities` — :func:`cxeval.rootcause.prioritise`, key factors marked;
- :func:`show_action_plan` — :func:`cxeval.rootcause.action_plan`, gaps and overdue
  actions in red.
"""

from __future__ import annotations

import pandas as pd

from cxeval.rootcause import BONE_NAMES
from cxeval.text.rootcause import _names

__all__ = ["show_priorities", "show_action_plan"]


def show_priorities(priorities: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted :func:`prioritise` table (pandas Styler); key factors marked "✔"."""
    from cxeval import report
    from cxeval.rootcause import votes_only

    shown = priorities.copy()
    shown["cause"] = _names(shown, lang)
    if lang == "en":
        shown["bone"] = shown["bone"].map(lambda b: BONE_NAMES.get(str(b), str(b)))
    shown = shown.drop(columns=["cause_en"], errors="ignore")
    shown["key_factor"] = shown["key_factor"].map({True: "✔", False: ""})
    labels = {"rank": report.tr("排名", "Rank", lang), "bone": report.tr("类别", "Bone", lang),
              "cause": report.tr("原因", "Cause", lang), "votes": report.tr("票数", "Votes", lang),
              "score": (report.tr("得票占比", "Share of votes", lang) if votes_only(priorities)
                        else report.tr("综合占比", "Combined share", lang)),
              "cum_score": report.tr("累计占比", "Cumulative share", lang),
              "key_factor": report.tr("要因", "Key factor", lang)}
    return report.table(shown, formats={"votes": "int", "score": "pct", "cum_score": "pct"},
                        labels=labels, caption=caption)


def show_action_plan(plan: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted :func:`action_plan` (pandas Styler): gaps and overdue actions in red."""
    from cxeval import report

    shown = plan.copy()
    shown["cause"] = _names(shown, lang)
    shown = shown.drop(columns=["cause_en"], errors="ignore")
    yes, no = report.tr("是", "yes", lang), ""
    shown["due"] = shown["due"].dt.strftime("%Y-%m-%d")
    shown["no_action"] = shown["no_action"].map({True: report.tr("无措施", "none", lang), False: no})
    shown["overdue"] = shown["overdue"].map(lambda v: "–" if pd.isna(v) else (yes if v else no))
    shown["key_factor"] = shown["key_factor"].map({True: "✔", False: ""})
    labels = {"rank": report.tr("排名", "Rank", lang), "cause": report.tr("原因", "Cause", lang),
              "key_factor": report.tr("要因", "Key factor", lang),
              "action": report.tr("措施", "Action", lang), "owner": report.tr("责任人", "Owner", lang),
              "due": report.tr("完成时间", "Due", lang), "status": report.tr("状态", "Status", lang),
              "no_action": report.tr("缺措施", "No action", lang),
              "overdue": report.tr("逾期", "Overdue", lang)}
    return report.table(shown, formats={"rank": lambda v: "" if pd.isna(v) else f"{int(v)}"},
                        labels=labels, caption=caption,
                        highlight={"no_action": bool, "overdue": lambda v: v == yes})
