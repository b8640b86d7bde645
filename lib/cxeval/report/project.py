"""The project report's glue: the numbers the batch records and the index entry (notebook 06).

The statistics are :mod:`cxeval.project`'s (:class:`~cxeval.project.ProjectStatus`); the
sentences are :mod:`cxeval.text.project`'s.
"""

from __future__ import annotations

import pandas as pd

from cxeval import report

__all__ = ["key_numbers", "index_entry"]


def key_numbers(status) -> dict:
    """The numbers the batch records for the project report (``report.record``): the goal
    metric (None without a survey), tasks, milestones and overdue actions."""
    goal = status.goal or {k: None for k in ("met", "held", "current_period", "current_rate",
                                             "months_met", "months", "change")}
    return {"project": str(status.charter["project"]), "target": status.target,
            "as_of": f"{status.as_of:%Y-%m-%d}", **_numbers(goal, status.summary, status.register)}


def index_entry(status) -> dict[str, str]:
    """What the batch index shows: the goal metric against the target, tasks done, and a status.

    Without a survey: tasks only, no colour. Otherwise ``good``: the latest month meets the
    target, every month since the pilot did, and nothing is overdue; ``warn``: the latest
    month meets the target but a month was missed or a task or action is overdue; ``bad``:
    the latest month is below the target.
    """
    if status.goal is None:
        done = f"{status.summary['done']}/{status.summary['tasks']}"
        return {"headline": f"任务完成 {done}", "headline_en": f"tasks done {done}", "status": "none"}
    return _entry(status.goal, status.summary, status.register)


def _numbers(goal: dict, summary: dict, register: pd.DataFrame | None = None) -> dict:
    """The numbers the batch records for the project report (``report.record``)."""
    overdue_actions = int(register["overdue"].sum()) if register is not None else 0
    return {"goal_met": goal["met"], "goal_held": goal["held"], "current_period": goal["current_period"],
            "current_rate": goal["current_rate"], "months_met": goal["months_met"], "months": goal["months"],
            "change": goal["change"], "tasks": summary["tasks"], "tasks_done": summary["done"],
            "tasks_overdue": summary["overdue"], "overdue_tasks": summary["overdue_tasks"],
            "milestones": summary["milestones"], "milestones_done": summary["milestones_done"],
            "actions_overdue": overdue_actions}


def _entry(goal: dict, summary: dict, register: pd.DataFrame | None = None) -> dict[str, str]:
    """What the batch index shows: the goal metric against the target, tasks done, and a status.

    ``good``: the latest month meets the target, every month since the pilot did, and
    nothing is overdue; ``warn``: the latest month meets the target but a month was missed
    or a task or action is overdue; ``bad``: the latest month is below the target.
    """
    rate = report.fmt_pct(goal["current_rate"])
    target = report.fmt_pct(goal["target"], 0 if round(goal["target"] * 100, 6) == round(goal["target"] * 100) else 1)
    done = f"{summary['done']}/{summary['tasks']}"
    entry = {"headline": f"{rate}（目标 {target}），任务完成 {done}",
             "headline_en": f"{rate} (target {target}), tasks done {done}"}
    late = summary["overdue"] + (int(register["overdue"].sum()) if register is not None else 0)
    if not goal["met"]:
        return {**entry, "status": "bad", "reason": f"{goal['current_period']} 未达目标",
                "reason_en": f"{goal['current_period']} below the target"}
    if late or not goal["held"]:
        zh = "；".join(filter(None, [f"{late} 项任务或措施逾期" if late else "",
                                     f"{len(goal['missed'])} 个月未达目标" if goal["missed"] else ""]))
        en = "; ".join(filter(None, [f"{late} task(s) or action(s) overdue" if late else "",
                                     f"{len(goal['missed'])} month(s) below the target" if goal["missed"] else ""]))
        return {**entry, "status": "warn", "reason": zh, "reason_en": en}
    return {**entry, "status": "good"}
