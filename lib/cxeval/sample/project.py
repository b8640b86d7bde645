"""Sample data of the Chaozhou 2008 improvement project as it was run (DOMAIN.md section 1).

Three files written by :func:`cxeval.sample.write_sample` beside the survey:

``charter.csv`` (kind ``charter``; :func:`charter`)
    潮安's project 服营厅客户满意度提升计划: the SMART goal (hall satisfaction at or above 95%
    every month August to December, the county average stable above 95%), its metric and
    target 0.95, the scope (every hall of 潮安 county, pilot 庵埠), 2008-06-20 to 2008-12-31.

``team.csv`` (kind ``team``; :func:`team`)
    The action-learning team: sponsor, leader, deputy, the pilot hall's manager, data
    analyst and members from human resources and IT, each with a duty. The names are
    invented (the source names roles, not people).

``tasks.csv`` (kind ``tasks``; :func:`tasks`)
    The WBS of the source: survey (late June – 10 July), plan (11–31 July), pilot at
    庵埠 (August), optimise and roll out to every hall (September – November, with the
    periodic reporting 定时通报 each month), consolidate (December); five milestones, key
    points and risk points. Status on 2008-12-31 (the end of the survey data): every task
    done but three — the BOSS/self-service stability work (due 15 November, still in
    progress: the one overdue task), fixing the new rules (in progress) and the closing
    report and milestone (not started, due 31 December).

Everything here is fixed text: the files are the same for every seed.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PROJECT", "charter", "team", "tasks", "OVERDUE_TASKS"]

BRANCH = "潮安"
PROJECT = "服营厅客户满意度提升计划"

_GOAL = "2008年8—12月，试点庵埠厅满意度每月≥95%；潮安全县服营厅平均满意度稳定在95%以上"
_SCOPE = "潮安县全部服营厅（试点：庵埠厅，8月；推广：9—11月）"

_TEAM = [
    ("李建国", "项目发起人", "潮州分公司", "审批项目章程与资源，听取阶段汇报"),
    ("陈明", "项目组长", "潮安分公司", "统筹项目，主持周例会与每月定时通报"),
    ("黄志强", "副组长", "渠道管理中心", "制定改进方案，组织优化推广"),
    ("林晓燕", "试点负责人", "庵埠营业厅", "试点实施与现场管理"),
    ("王丽", "数据分析", "市场部", "满意度调查、偏差分析与效果测评"),
    ("周伟", "成员", "人力资源部", "培训、技能竞赛、考核与激励"),
    ("郑强", "成员", "信息系统部", "BOSS系统与自助终端稳定性"),
]

# wbs, task, phase, owner, start, end, milestone, key point, risk, status (on 2008-12-31)
_TASKS = [
    ("1.1", "组建项目团队，明确角色与分工", "现状调查", "陈明", "2008-06-20", "2008-06-25", False, False, None, "完成"),
    ("1.2", "服营厅满意度现状调查（各厅各月）", "现状调查", "王丽", "2008-06-23", "2008-07-10", False, True,
     "部分营业厅样本量不足，读数不稳", "完成"),
    ("1.3", "偏差分析（CID）：现状、理想状态、偏差与影响", "现状调查", "王丽", "2008-07-01", "2008-07-10", False,
     False, None, "完成"),
    ("1.4", "里程碑：现状调查完成", "现状调查", "陈明", "2008-07-10", "2008-07-10", True, False, None, "完成"),
    ("2.1", "鱼骨图根因分析，帕累托筛选六大要因", "方案制定", "黄志强", "2008-07-11", "2008-07-20", False, True,
     None, "完成"),
    ("2.2", "制定改进方案与SMART目标，明确关键点和风险点", "方案制定", "黄志强", "2008-07-18", "2008-07-31",
     False, True, None, "完成"),
    ("2.3", "里程碑：改进方案评审通过", "方案制定", "李建国", "2008-07-31", "2008-07-31", True, False, None, "完成"),
    ("3.1", "庵埠厅试点：三道防线、客户分流、3分钟办结", "试点", "林晓燕", "2008-08-01", "2008-08-31", False, True,
     "客流高峰期人手不足，员工对新流程有抵触", "完成"),
    ("3.2", "试点效果测评与评估", "试点", "王丽", "2008-08-25", "2008-09-05", False, False, None, "完成"),
    ("3.3", "里程碑：试点评估（庵埠厅满意度≥95%）", "试点", "陈明", "2008-09-05", "2008-09-05", True, True, None,
     "完成"),
    ("4.1", "优化方案并在潮安全部服营厅推广", "优化推广", "黄志强", "2008-09-01", "2008-11-30", False, True,
     "各厅条件不一，推广走样", "完成"),
    ("4.2", "业务技能竞赛与分层培训", "优化推广", "周伟", "2008-09-01", "2008-09-30", False, False, None, "完成"),
    ("4.3", "修订营业厅考核与激励办法", "优化推广", "周伟", "2008-10-01", "2008-10-31", False, False, None, "完成"),
    ("4.4", "定时通报：每月满意度与措施进展通报", "优化推广", "王丽", "2008-09-01", "2008-11-30", False, False, None,
     "完成"),
    ("4.5", "BOSS系统与自助终端稳定性优化", "优化推广", "郑强", "2008-09-15", "2008-11-15", False, False,
     "依赖省公司系统支撑，进度不可控", "进行中"),
    ("4.6", "里程碑：全县推广完成", "优化推广", "陈明", "2008-11-30", "2008-11-30", True, False, None, "完成"),
    ("5.1", "固化服务规范与考核制度", "巩固", "黄志强", "2008-12-01", "2008-12-31", False, True, None, "进行中"),
    ("5.2", "项目总结与成果发布", "巩固", "陈明", "2008-12-20", "2008-12-31", False, False, None, "未开始"),
    ("5.3", "里程碑：项目结项", "巩固", "李建国", "2008-12-31", "2008-12-31", True, False, None, "未开始"),
]

#: Tasks overdue on 2008-12-31 (for tests and the README).
OVERDUE_TASKS = ["BOSS系统与自助终端稳定性优化"]


def charter() -> pd.DataFrame:
    """潮安's project charter (``charter.csv``): one row.

    Example
    -------
    >>> charter()[["branch", "target", "start", "end"]].to_dict("records")
    [{'branch': '潮安', 'target': 0.95, 'start': '2008-06-20', 'end': '2008-12-31'}]
    """
    return pd.DataFrame([{"branch": BRANCH, "project": PROJECT, "goal": _GOAL, "metric": "服营厅满意度",
                          "target": 0.95, "scope": _SCOPE, "start": "2008-06-20", "end": "2008-12-31"}])


def team() -> pd.DataFrame:
    """The project team (``team.csv``): name, role, department and duty of each member."""
    table = pd.DataFrame(_TEAM, columns=["name", "role", "department", "duty"])
    table.insert(0, "project", PROJECT)
    table.insert(0, "branch", BRANCH)
    return table


def tasks() -> pd.DataFrame:
    """The project plan (``tasks.csv``): the WBS with milestones, key and risk points.

    Example
    -------
    >>> t = tasks()
    >>> t["phase"].unique().tolist()
    ['现状调查', '方案制定', '试点', '优化推广', '巩固']
    >>> int(t["milestone"].sum()), t.loc[t["wbs"] == "3.1", ["start", "end"]].values.tolist()
    (5, [['2008-08-01', '2008-08-31']])
    """
    table = pd.DataFrame(_TASKS, columns=["wbs", "task", "phase", "owner", "start", "end", "milestone",
                                          "key_point", "risk", "status"])
    for col in ("milestone", "key_point"):
        table[col] = table[col].map({True: "是", False: "否"})
    table.insert(0, "project", PROJECT)
    table.insert(0, "branch", BRANCH)
    return table
