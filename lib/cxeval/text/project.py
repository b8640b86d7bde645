"""What notebook 06 says about a project: labels, sentences, headline cards and tables.

Every function reads the results of :mod:`cxeval.project` (mostly a
:class:`~cxeval.project.ProjectStatus`) and returns text in Chinese or English, or a
formatted table (:func:`cxeval.report.table`) with the labels in that language.
"""

from __future__ import annotations

import math

import pandas as pd

from cxeval import report
from cxeval.report import fmt_pct, fmt_pp, tr

__all__ = ["STATE_LABELS", "NEXT_STEP_LABELS", "PHASE_LABELS", "LEADER_ROLES", "COLUMN_LABELS", "labels", "state_label",
           "describe_charter", "describe_plan", "describe_goal", "describe_actions", "describe_pdca",
           "describe_owners", "headline", "gantt_title", "benefits_title", "marker_labels", "charter_table",
           "show_team", "show_plan", "show_benefits", "show_register", "show_owners", "show_trail", "no_survey"]

STATE_LABELS = {"done": ("已完成", "done"), "in_progress": ("进行中", "in progress"),
                "not_started": ("未开始", "not started"), "overdue": ("逾期", "overdue")}
NEXT_STEP_LABELS = {
    "chase": ("督办：已逾期，请责任人完成或调整计划", "chase: overdue, the owner finishes it or re-plans"),
    "finish": ("落实：完成后再检查效果", "do: check the effect once it is done"),
    "check_later": ("待检查：完成后还没有新的测评月份", "check later: no survey month after it yet"),
    "correct": ("纠正：满意度明显下降，查找原因", "correct: satisfaction fell clearly, find out why"),
    "revisit": ("复盘：未见明显变化，回到根因分析", "revisit: no clear change, back to the root causes"),
    "continue": ("继续改进：有提升但未每月达标", "continue: a rise, but not every month on target"),
    "standardise": ("标准化：提升且每月达标，固化为制度并推广", "standardise: a rise and every month on target, "
                    "make it the rule and spread it"),
}
#: Roles that lead the project (named in the charter's sentence), compared case-insensitively.
LEADER_ROLES = ("项目组长", "组长", "项目经理", "leader", "project leader", "team leader", "project manager")
PHASE_LABELS = {"baseline": ("基线", "baseline"), "pilot": ("试点", "pilot"), "rollout": ("推广", "rollout"),
                "": ("", "")}
COLUMN_LABELS = {
    "wbs": ("编号", "WBS"), "task": ("任务", "Task"), "phase": ("阶段", "Phase"), "owner": ("责任人", "Owner"),
    "start": ("开始", "Start"), "end": ("结束", "End"), "days": ("天数", "Days"), "milestone": ("里程碑", "Milestone"),
    "key_point": ("关键点", "Key point"), "risk": ("风险点", "Risk point"), "state": ("状态", "State"),
    "name": ("姓名", "Name"), "role": ("角色", "Role"), "department": ("部门", "Department"), "duty": ("职责", "Duty"),
    "period": ("月份", "Month"), "responses": ("样本量", "Responses"), "rate": ("满意度", "Satisfaction"),
    "ci_low": ("区间下限", "CI low"), "ci_high": ("区间上限", "CI high"), "gap_to_target": ("与目标差距", "Gap to target"),
    "pilot_rate": ("试点营业厅", "Pilot hall"), "cause": ("要因", "Cause"), "action": ("措施", "Action"),
    "due": ("完成期限", "Due"), "status": ("登记状态", "Status"), "before_months": ("之前月份", "Months before"),
    "after_months": ("之后月份", "Months after"), "before_rate": ("之前", "Before"), "after_rate": ("之后", "After"),
    "change": ("变化", "Change"), "next_step": ("下一步", "Next step"), "tasks": ("任务", "Tasks"),
    "tasks_done": ("任务完成", "Tasks done"), "tasks_overdue": ("任务逾期", "Tasks overdue"),
    "actions": ("措施", "Actions"), "actions_done": ("措施完成", "Actions done"),
    "actions_overdue": ("措施逾期", "Actions overdue"), "item": ("项目", "Item"), "value": ("内容", "Value"),
}


def labels(lang: str = "zh") -> dict:
    """Column -> header in ``lang``."""
    return {k: tr(zh, en, lang) for k, (zh, en) in COLUMN_LABELS.items()}


def state_label(state: str, lang: str = "zh") -> str:
    return tr(*STATE_LABELS.get(state, (state, state)), lang)


def _date(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _join(items, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


# --------------------------------------------------------------------------- titles
def gantt_title(status, lang: str = "zh") -> str:
    return tr(f"{status.branch}：{status.charter['project']} 项目计划", f"{status.branch}: plan of "
              f"{status.charter['project']}", lang)


def benefits_title(status, lang: str = "zh") -> str:
    metric = status.charter.get("metric")
    metric = metric if isinstance(metric, str) and metric else tr("满意度", "satisfaction", lang)
    return tr(f"{status.branch}：{metric}与目标", f"{status.branch}: {metric} against the target", lang)


def marker_labels(marks: dict, lang: str = "zh") -> dict:
    """Lines of the benefits chart: label -> first month (pilot, rollout)."""
    out = {}
    if marks.get("pilot_start"):
        out[tr(f"试点 {marks['pilot_start']}", f"pilot {marks['pilot_start']}", lang)] = marks["pilot_start"]
    if marks.get("rollout_start"):
        out[tr(f"推广 {marks['rollout_start']}", f"rollout {marks['rollout_start']}", lang)] = marks["rollout_start"]
    return out


def no_survey(branch: str, lang: str = "zh") -> str:
    return tr(f"{branch}没有满意度调查数据：无法跟踪目标指标。",
              f"No survey data for {branch}: the goal metric cannot be tracked.", lang)


# --------------------------------------------------------------------------- sentences
def describe_charter(status, lang: str = "zh") -> str:
    """One sentence: the project, its dates, its goal and who leads it.

    Examples
    --------
    >>> # "服营厅客户满意度提升计划（2008-06-20 至 2008-12-31）：目标 ... 项目组长 陈明。"  # doctest: +SKIP
    """
    row = status.charter
    roles = status.team["role"].astype(str).str.strip().str.casefold() if len(status.team) else None
    leaders = status.team[roles.isin(LEADER_ROLES).to_numpy()] if roles is not None else status.team
    lead = tr(f"项目组长 {_join(leaders['name'], lang)}。", f"Led by {_join(leaders['name'], lang)}.", lang) \
        if len(leaders) else ""
    text = tr(f"{row['project']}（{_date(row['start'])} 至 {_date(row['end'])}）：{row['goal']}。",
              f"{row['project']} ({_date(row['start'])} to {_date(row['end'])}): {row['goal']}.", lang)
    return text + (lead if lang == "zh" else (" " + lead if lead else ""))


def describe_plan(summary: dict, lang: str = "zh") -> str:
    """Progress of the plan on the as-of date: done, overdue, milestones, open risks."""
    if not summary["tasks"]:
        return tr("没有项目计划（tasks）。", "There is no project plan (tasks).", lang)
    day = _date(summary["as_of"])
    parts = [tr(f"截至 {day}，{summary['tasks']} 项任务完成 {summary['done']} 项，进行中 {summary['in_progress']} 项，"
                f"未开始 {summary['not_started']} 项，逾期 {summary['overdue']} 项"
                + (f"（{_join(summary['overdue_tasks'], lang)}）" if summary["overdue_tasks"] else "") + "。",
                f"On {day}, {summary['done']} of {summary['tasks']} tasks are done, {summary['in_progress']} in "
                f"progress, {summary['not_started']} not started and {summary['overdue']} overdue"
                + (f" ({_join(summary['overdue_tasks'], lang)})" if summary["overdue_tasks"] else "") + ".", lang)]
    if summary["milestones"]:
        nxt = (tr(f"下一个：{summary['next_milestone']}（{_date(summary['next_milestone_date'])}）。",
                  f"next: {summary['next_milestone']} ({_date(summary['next_milestone_date'])}).", lang)
               if summary["next_milestone"] else tr("全部达成。", "All reached.", lang))
        parts.append(tr(f"里程碑 {summary['milestones']} 个，已达成 {summary['milestones_done']} 个；",
                        f"{summary['milestones_done']} of {summary['milestones']} milestones reached; ", lang) + nxt)
    if summary["open_risks"]:
        parts.append(tr(f"风险点未关闭：{_join(summary['open_risks'], lang)}。",
                        f"Risk points still open: {_join(summary['open_risks'], lang)}.", lang))
    return ("" if lang == "zh" else " ").join(parts)


def describe_goal(goal: dict, marks: dict, lang: str = "zh") -> str:
    """Is the SMART goal met and held, and how far did the metric move from the baseline?"""
    target = fmt_pct(goal["target"], 0)
    latest = tr(f"{goal['current_period']} 满意度 {fmt_pct(goal['current_rate'])}，"
                f"{'达到' if goal['met'] else '未达到'}目标 {target}。",
                f"{goal['current_period']}: {fmt_pct(goal['current_rate'])}, "
                f"{'meeting' if goal['met'] else 'below'} the {target} target.", lang)
    since = marks.get("pilot_start")
    window = tr(f"试点开始（{since}）以来" if since else "各月中", f"since the pilot started ({since})" if since
                else "of the months", lang)
    held = tr(f"{window} {goal['months']} 个月中 {goal['months_met']} 个月达标"
              + ("，目标稳定达成。" if goal["held"] else f"，未达标：{_join(goal['missed'], lang)}。"),
              f"{goal['months_met']} of {goal['months']} months {window} met it"
              + (": the goal is held." if goal["held"] else f"; below: {_join(goal['missed'], lang)}."), lang)
    change = ""
    if not math.isnan(goal["change"]):
        clear = goal["ci_low"] > 0 or goal["ci_high"] < 0
        change = tr(f"与试点前的基线（{fmt_pct(goal['baseline_rate'])}）相比变化 {fmt_pp(goal['change'])}"
                    f"（95% 区间 {fmt_pp(goal['ci_low'])} 至 {fmt_pp(goal['ci_high'])}{'' if clear else '，含 0'}）。",
                    f"Against the baseline before the pilot ({fmt_pct(goal['baseline_rate'])}) the change is "
                    f"{fmt_pp(goal['change'])} (95% CI {fmt_pp(goal['ci_low'])} to {fmt_pp(goal['ci_high'])}"
                    f"{'' if clear else ', includes 0'}).", lang)
    return ("" if lang == "zh" else " ").join(p for p in (latest, held, change) if p)


def describe_actions(register: pd.DataFrame, lang: str = "zh") -> str:
    if register.empty:
        return tr("措施登记表中没有本项目的措施。", "The action register has no action of this project.", lang)
    done = int((register["state"] == "done").sum())
    late = register[register["overdue"]]
    text = tr(f"{len(register)} 项措施完成 {done} 项，逾期 {len(late)} 项",
              f"{done} of {len(register)} actions are done, {len(late)} overdue", lang)
    if len(late):
        who = _join([f"{a}（{o}）" if lang == "zh" else f"{a} ({o})" for a, o in
                     zip(late["action"], late["owner"].fillna("–"))], lang)
        text += tr(f"：{who}。", f": {who}.", lang)
    else:
        text += tr("。", ".", lang)
    return text


def describe_owners(table: pd.DataFrame, lang: str = "zh") -> str:
    late = table[(table["tasks_overdue"] + table["actions_overdue"]) > 0] if len(table) else table
    if late.empty:
        return tr("没有责任人有逾期事项。", "No owner has anything overdue.", lang)
    return tr(f"有逾期事项的责任人：{_join(late['owner'].replace('', '未指定'), lang)}。",
              f"Owners with overdue items: {_join(late['owner'].replace('', 'not assigned'), lang)}.", lang)


def describe_pdca(trail: pd.DataFrame, lang: str = "zh") -> str:
    """How many actions stand at each next step, and what the check can and cannot say."""
    if trail.empty:
        return tr("没有可检查效果的措施。", "No action whose effect can be checked.", lang)
    counts = trail["next_step"].value_counts()
    parts = [f"{tr(*NEXT_STEP_LABELS[s], lang).split('：' if lang == 'zh' else ':')[0]} {int(counts[s])}"
             for s in ("standardise", "continue", "revisit", "correct", "check_later", "finish", "chase") if s in counts]
    caveat = tr("效果为措施完成前后各 3 个月全分公司满意度的变化，同期其他措施和外部因素都会影响它；"
                "单项措施的效果需用试点评估（03，双重差分）检验。",
                "The check is the branch's satisfaction in the 3 months after each action against the 3 before, "
                "which every other action and outside event of those months moves too; test one action's effect "
                "with the pilot evaluation (03, difference-in-differences).", lang)
    return tr("下一步：" + "，".join(parts) + "。", "Next steps: " + ", ".join(parts) + ". ", lang) + caveat


def headline(status, lang: str = "zh"):
    """Headline cards of the project (:func:`cxeval.report.headline`)."""
    s, goal = status.summary, status.goal
    cards = []
    if goal is not None:
        cards.append({"label": tr(f"{goal['current_period']} 满意度", f"Satisfaction {goal['current_period']}", lang),
                      "value": fmt_pct(goal["current_rate"]),
                      "detail": tr(f"目标 {fmt_pct(goal['target'], 0)}", f"target {fmt_pct(goal['target'], 0)}", lang),
                      "status": "good" if goal["met"] else "bad"})
        cards.append({"label": tr("达标月份", "Months on target", lang), "value": f"{goal['months_met']} / {goal['months']}",
                      "detail": tr(f"自 {goal['window_start']}", f"since {goal['window_start']}", lang),
                      "status": "good" if goal["held"] else "warn"})
    cards.append({"label": tr("任务完成", "Tasks done", lang), "value": f"{s['done']} / {s['tasks']}",
                  "detail": tr(f"截至 {_date(status.as_of)}", f"on {_date(status.as_of)}", lang)})
    late = s["overdue"] + int(status.register["overdue"].sum()) if len(status.register) else s["overdue"]
    cards.append({"label": tr("逾期任务与措施", "Overdue tasks and actions", lang), "value": str(late),
                  "status": "warn" if late else "good"})
    if s["milestones"]:
        cards.append({"label": tr("下一个里程碑", "Next milestone", lang),
                      "value": _date(s["next_milestone_date"]) if s["next_milestone"] else tr("全部达成", "all reached", lang),
                      "detail": s["next_milestone"] or ""})
    sentence = describe_goal(goal, status.marks, lang) if goal is not None else no_survey(status.branch, lang)
    return report.headline(cards, sentence=sentence)


# --------------------------------------------------------------------------- tables
def charter_table(status, lang: str = "zh") -> pd.DataFrame:
    """The charter as two columns, item and value, for display."""
    row = status.charter
    items = [(("项目", "Project"), row["project"]), (("目标（SMART）", "Goal (SMART)"), row["goal"]),
             (("目标指标", "Goal metric"), row.get("metric")), (("目标值", "Target"), fmt_pct(float(row["target"]), 0)),
             (("范围", "Scope"), row.get("scope")), (("开始", "Start"), _date(row["start"])),
             (("结束", "End"), _date(row["end"]))]
    if status.marks.get("pilot_hall"):
        items.append((("试点", "Pilot"), tr(f"{status.marks['pilot_hall']}，{status.marks['pilot_start']} 起",
                                             f"{status.marks['pilot_hall']} from {status.marks['pilot_start']}", lang)))
    if status.marks.get("rollout_start"):
        items.append((("推广", "Rollout"), tr(f"{status.marks['rollout_start']} 起", f"from {status.marks['rollout_start']}",
                                             lang)))
    return pd.DataFrame([{"item": tr(*k, lang), "value": "–" if v is None or (isinstance(v, float) and math.isnan(v))
                          else str(v)} for k, v in items])


def _yes(value) -> str:
    return "✔" if bool(value) else ""


def show_team(status, lang: str = "zh"):
    if status.team.empty:
        return report.note(tr("没有项目团队名单（team）。", "There is no team list (team).", lang))
    return report.table(status.team, labels=labels(lang))


def show_plan(plan: pd.DataFrame, lang: str = "zh"):
    if plan.empty:
        return report.note(tr("没有项目计划（tasks）。", "There is no project plan (tasks).", lang))
    shown = plan[["wbs", "task", "phase", "owner", "start", "end", "state", "milestone", "key_point", "risk"]].copy()
    shown["start"] = shown["start"].map(_date)
    shown["end"] = shown["end"].map(_date)
    shown["state"] = [state_label(s, lang) for s in shown["state"]]
    for col in ("milestone", "key_point"):
        shown[col] = shown[col].map(_yes)
    return report.table(shown, labels=labels(lang),
                        highlight={"state": lambda v: v == state_label("overdue", lang)})


def show_benefits(table: pd.DataFrame, lang: str = "zh"):
    shown = table[["period", "phase", "responses", "rate", "ci_low", "ci_high", "gap_to_target", "pilot_rate"]].copy()
    shown["phase"] = [tr(*PHASE_LABELS.get(p, (p, p)), lang) for p in shown["phase"]]
    return report.table(shown, labels=labels(lang),
                        formats={"responses": "int", "rate": "pct", "ci_low": "pct", "ci_high": "pct",
                                 "gap_to_target": "pp", "pilot_rate": "pct"},
                        highlight={"gap_to_target": lambda v: v == v and v < 0})


def show_register(register: pd.DataFrame, lang: str = "zh"):
    if register.empty:
        return report.note(describe_actions(register, lang))
    shown = register[["cause", "action", "owner", "due", "status", "state"]].copy()
    shown["due"] = shown["due"].map(_date)
    shown["state"] = [state_label(s, lang) for s in shown["state"]]
    return report.table(shown, labels=labels(lang), highlight={"state": lambda v: v == state_label("overdue", lang)})


def show_owners(table: pd.DataFrame, lang: str = "zh"):
    if table.empty:
        return report.note(tr("没有责任人。", "No owners.", lang))
    shown = table.assign(owner=table["owner"].replace("", tr("未指定", "not assigned", lang)))
    return report.table(shown, labels=labels(lang), formats={c: "int" for c in shown.columns if c != "owner"},
                        highlight={"tasks_overdue": lambda v: v > 0, "actions_overdue": lambda v: v > 0})


def show_trail(trail: pd.DataFrame, lang: str = "zh"):
    if trail.empty:
        return report.note(describe_pdca(trail, lang))
    shown = trail[["cause", "action", "owner", "due", "state", "before_months", "before_rate", "after_months",
                   "after_rate", "change", "ci_low", "ci_high", "next_step"]].copy()
    shown["due"] = shown["due"].map(_date)
    shown["state"] = [state_label(s, lang) for s in shown["state"]]
    shown["next_step"] = [tr(*NEXT_STEP_LABELS[s], lang) for s in shown["next_step"]]
    return report.table(shown, labels=labels(lang),
                        formats={"before_rate": "pct", "after_rate": "pct", "change": "pp", "ci_low": "pp",
                                 "ci_high": "pp"})
