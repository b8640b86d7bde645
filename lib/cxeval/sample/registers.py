"""The registers of the sample: ``causes.csv``, ``actions.csv``, ``pilots.csv`` and
``kpi_scores.csv`` (:func:`causes`, :func:`actions`, :func:`pilots`,
:func:`kpi_scores`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.sample.common import _check_seed, _rng
from cxeval.sample.surveys import (BRANCHES, GUIZHOU, PILOT_BRANCH, PILOT_HALL, PILOT_START, ROLLOUT_START,
                                   _BRAND_QUARTERS)


# --------------------------------------------------------------------------- causes, actions
_FISHBONE = [
    # bone, cause, cause_en, votes
    ("人员", "引导员职责未落实", "Guides' duties not fulfilled", 44),
    ("人员", "服务意识薄弱", "Weak service awareness", 34),
    ("人员", "业务知识不熟悉", "Unfamiliar with business knowledge", 18),
    ("人员", "行为规范不到位", "Behaviour standards not met", 5),
    ("方法", "未挖掘客户需求，个性化服务少", "No mining of customer needs, too little personalised service", 28),
    ("方法", "缺乏竞争对手服务对比评估", "No competitive evaluation: no comparison with competitors' service", 14),
    ("方法", "未按区域细分客户", "Customers not segmented by area", 4),
    ("方法", "缺乏现场应急处理", "No on-site emergency handling", 3),
    ("方法", "培训方式不灵活", "No flexible training", 3),
    ("方法", "客户意见收集滞后", "Customer feedback collected late", 2),
    ("环境", "营业面积小，秩序难维持", "Small area, order hard to keep", 6),
    ("环境", "卫生管理不及时", "Hygiene not managed in time", 1),
    ("环境", "功能分区不清晰", "Unclear functional zones", 2),
    ("流程", "业务办理流程长", "Long business procedures", 3),
    ("流程", "制度不完善：考核不具体，缺乏激励", "Incomplete rules: assessment not specific, no incentives", 22),
    ("流程", "排班不合理", "Unreasonable shift scheduling", 2),
    ("系统", "系统界面操作复杂", "Complicated system screens", 2),
    ("系统", "BOSS系统不稳定", "Unstable BOSS billing system", 2),
    ("系统", "自助终端不稳定", "Unstable self-service machines", 2),
    ("服务内容", "宣传展示不到位", "Promotion displays not in place", 2),
    ("服务内容", "自助电子渠道不足", "Too few self-service e-channels", 1),
]


#: DOMAIN.md section 1's six key factors, in its order (1 = most votes).
KEY_FACTORS = ["引导员职责未落实", "服务意识薄弱", "未挖掘客户需求，个性化服务少",
               "制度不完善：考核不具体，缺乏激励", "业务知识不熟悉", "缺乏竞争对手服务对比评估"]


_ACTIONS = [
    ("引导员职责未落实", "明确引导员岗位职责并纳入绩效考核", "营业厅主任", "2008-08-15", "完成"),
    ("引导员职责未落实", "推行咨询“三道防线”：咨询台、排队客户沟通、柜台解答", "渠道管理中心", "2008-08-31", "完成"),
    ("服务意识薄弱", "班前会与情绪低落员工每日谈心", "营业厅主任", "2008-08-31", "完成"),
    ("服务意识薄弱", "开展“环境优、规范优、团队优、满意度优”竞赛", "市场部", "2008-11-30", "进行中"),
    ("未挖掘客户需求，个性化服务少", "按业务类型分流客户：常规业务、长时业务、VIP绿色通道", "渠道管理中心", "2008-09-15", "完成"),
    ("未挖掘客户需求，个性化服务少", "建立重点客户个性化服务档案", "客户服务中心", "2008-12-15", "进行中"),
    ("制度不完善：考核不具体，缺乏激励", "梳理营业厅管理制度，修订考核与激励办法", "人力资源部", "2008-10-31", "完成"),
    ("业务知识不熟悉", "开展业务技能竞赛和灵活的分层培训", "人力资源部", "2008-09-30", "完成"),
    ("业务知识不熟悉", "推行“3分钟办结”业务标准", "渠道管理中心", "2008-10-31", "进行中"),
    ("缺乏竞争对手服务对比评估", "建立竞争对手服务对比评估方法，每季度暗访测评", "市场部", "2008-12-31", "未开始"),
]


# --------------------------------------------------------------------------- KPI scores
_THIRD_PARTY_FIXED = {"黔东南": (12.0, 16.4, 17.2), "毕节": (18.0, 14.0, 19.0)}


#: Process items: name -> (low, high, decimals) of the uniform draw.
_PROCESS_ITEMS = {
    "improvement_work": (70.0, 95.0, 1),
    "short_board_work": (65.0, 95.0, 1),
    "retention_rate": (0.83, 0.89, 3),
    "complaints_per_10k": (1.5, 4.5, 2),
    "overdue_rate": (0.005, 0.04, 4),
    "complaint_satisfaction": (0.86, 0.97, 3),
}


# --------------------------------------------------------------------------- causes, actions
def causes() -> pd.DataFrame:
    """The fishbone causes of the Chaozhou project with the team's votes (``causes.csv``).

    Returns
    -------
    DataFrame
        ``bone`` (人员 方法 环境 流程 系统 服务内容), ``cause`` (Chinese), ``cause_en``
        (English), ``count`` (votes, int; 200 in all). The six :data:`KEY_FACTORS` hold
        exactly 80% of the votes. Source: DOMAIN.md section 1.

    Example
    -------
    >>> causes().nlargest(6, "count").cause.tolist() == KEY_FACTORS
    True
    """
    return pd.DataFrame(_FISHBONE, columns=["bone", "cause", "cause_en", "count"])


def actions() -> pd.DataFrame:
    """The action register for the six key factors (``actions.csv``).

    Returns
    -------
    DataFrame
        ``branch`` (潮安), ``cause`` (one of :data:`KEY_FACTORS`), ``action``, ``owner`` (a role), ``due``
        ("2008-MM-DD"), ``status`` (完成 / 进行中 / 未开始). Source: DOMAIN.md section 1.

    Example
    -------
    >>> set(actions().cause) == set(KEY_FACTORS)
    True
    """
    table = pd.DataFrame(_ACTIONS, columns=["cause", "action", "owner", "due", "status"])
    table.insert(0, "branch", PILOT_BRANCH)
    return table


def pilots() -> pd.DataFrame:
    """The pilot register (``pilots.csv``): 潮安's pilot hall 庵埠 and its rollout.

    Example
    -------
    >>> pilots().to_dict("records")
    [{'branch': '潮安', 'hall': '庵埠', 'pilot_start': '2008-08', 'rollout_start': '2008-09'}]
    """
    return pd.DataFrame([{"branch": PILOT_BRANCH, "hall": PILOT_HALL, "pilot_start": PILOT_START,
                          "rollout_start": ROLLOUT_START}])


# --------------------------------------------------------------------------- KPI scores
def kpi_scores(seed: int = 0) -> pd.DataFrame:
    """Guizhou 2006 assessment inputs per branch (``kpi_scores.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).

    Returns
    -------
    DataFrame
        ``unit`` (:data:`GUIZHOU`), ``period``, ``item``, ``value`` (float). Item
        ``third_party`` for periods 2006-Q2, Q3, Q4 (20-point scale, one decimal; 黔东南
        and 毕节 as DOMAIN.md section 4), then the process items of period "2006"
        (improvement_work, short_board_work, retention_rate, complaints_per_10k,
        overdue_rate, complaint_satisfaction).

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> s = kpi_scores(0)
    >>> s[(s.unit == "黔东南") & (s.item == "third_party")].value.tolist()
    [12.0, 16.4, 17.2]
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "kpi_scores")
    rows = []
    for unit in GUIZHOU:
        drawn = np.round(rng.uniform(12.0, 19.0, 3), 1)
        scores = _THIRD_PARTY_FIXED.get(unit, tuple(float(x) for x in drawn))
        rows += [(unit, q, "third_party", float(s)) for q, s in zip(_BRAND_QUARTERS, scores)]
        for item, (low, high, decimals) in _PROCESS_ITEMS.items():
            rows.append((unit, "2006", item, round(float(rng.uniform(low, high)), decimals)))
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])


#: DOMAIN.md section 4: the Guizhou satisfaction KPI as scored, points per item and year.
SATISFACTION_KPI = {
    "2005": {"overall_satisfaction": 6.7, "new_services": 1.71, "billing_info": 2.01, "payment": 2.56},
    "2006": {"overall_satisfaction": 9.5, "brand_awareness": 2.0, "new_services": 2.0, "promotion": 2.0,
             "enquiries": 2.0, "billing_info": 2.0},
}
#: The unit the annual satisfaction KPI scores: the provincial company as a whole.
PROVINCE_UNIT = "贵州移动"
#: Invented city branches of the Unicom 2003 scorecard (the source names none).
UNICOM_UNITS = ("甲市", "乙市", "丙市", "丁市", "戊市")
#: Points each Unicom 2003 item can earn (DOMAIN.md section 3; they add up to 94 of 100).
UNICOM_ITEMS = {"hotline_1001": 35, "key_accounts": 10, "halls_agents": 10, "complaints_on_time": 8,
                "mobile_complaint_rate": 4, "dial_tests_1001": 4, "coordination_meetings": 10,
                "social_supervisors": 3, "gm_hotline_escalations": 10}


def kpi_annual() -> pd.DataFrame:
    """The Guizhou satisfaction KPI of 2005 and 2006 as scored (``kpi_annual.csv``).

    Returns
    -------
    DataFrame
        ``unit`` (:data:`PROVINCE_UNIT`), ``period`` ("2005", "2006"), ``item``, ``value``
        (points): with ``data/configs/guizhou_2006_kpi.yaml`` the totals are 19.5 (2006) and
        12.98 (2005), as DOMAIN.md section 4 gives them.

    Example
    -------
    >>> kpi_annual().groupby("period")["value"].sum().round(2).to_dict()
    {'2005': 12.98, '2006': 19.5}
    """
    rows = [(PROVINCE_UNIT, year, item, value) for year, items in SATISFACTION_KPI.items()
            for item, value in items.items()]
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])


def kpi_unicom(seed: int = 0) -> pd.DataFrame:
    """Monthly scorecard inputs of five city branches, Unicom 2003 style (``kpi_unicom.csv``).

    Returns
    -------
    DataFrame
        ``unit`` (:data:`UNICOM_UNITS`), ``period`` (2003-06), ``item`` (the nine items of
        :data:`UNICOM_ITEMS` in points, between 75% and 100% of the item's maximum, in
        half points; and ``customer_satisfaction``, 0-100, for the 40/60 composite of
        ``data/configs/unicom_2003_branch.yaml``), ``value``. Invented: the source gives
        the scheme, not the results.
    """
    rng = _rng(_check_seed(seed), "kpi_unicom")
    rows = []
    for unit in UNICOM_UNITS:
        for item, top in UNICOM_ITEMS.items():
            rows.append((unit, "2003-06", item, float(np.round(rng.uniform(0.75, 1.0) * top * 2) / 2)))
        rows.append((unit, "2003-06", "customer_satisfaction", float(np.round(rng.uniform(78, 94), 1))))
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])


def kpi_campaign(ticket_table: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The 2010 campaign's scorecard inputs per branch, measured on the tickets (``kpi_campaign.csv``).

    Parameters
    ----------
    ticket_table : DataFrame
        :func:`tickets` (the campaign's measures are computed from it).
    seed : int
        Random seed of the contest counts (suggestions adopted, top-ten cases).

    Returns
    -------
    DataFrame
        ``unit``, ``period`` (2010-11), ``item``, ``value`` for
        ``data/configs/campaign_2010.yaml``: per branch ``fcr`` (November), the reduction
        of complaints by 5+ complainers from July to October (``repeat5_reduction``),
        November's complaints by 10+ complainers (``repeat10_complaints``), the on-time
        and quality pass rates of November, ``adopted_suggestions`` and
        ``top_ten_cases`` (invented counts); and the benchmark row ``全省`` /
        ``provincial_fcr`` (the province's November FCR).
    """
    from cxeval import complaints
    from cxeval.paths import CONFIG_DIR

    rng = _rng(_check_seed(seed), "kpi_campaign")
    limits = complaints.load_limits(CONFIG_DIR / "sla.yaml")
    frame = ticket_table
    rows = []
    province = None
    for branch in BRANCHES:
        act = complaints.campaign_actuals(frame, limits, branch=branch).set_index("period")
        nov, oct_, jul = act.loc["2010-11"], act.loc["2010-10"], act.loc["2010-07"]
        province = float(nov["provincial_fcr"])
        reduction = 1 - oct_["repeat_5"] / jul["repeat_5"] if jul["repeat_5"] else float("nan")
        values = {"fcr": nov["fcr"], "repeat5_reduction": reduction, "repeat10_complaints": nov["repeat_10"],
                  "escalated_on_time": nov["escalated_on_time_rate"],
                  "self_on_time": nov["self_handled_on_time_rate"], "ticket_quality": nov["pass_rate"],
                  "adopted_suggestions": int(rng.integers(0, 12)), "top_ten_cases": int(rng.integers(0, 3))}
        rows += [(branch, "2010-11", item, round(float(v), 4)) for item, v in values.items()]
    rows.append(("全省", "2010-11", "provincial_fcr", round(province, 4)))
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])
