"""Deterministic synthetic sample data, calibrated to the four source documents (DOMAIN.md).

``write_sample(out, seed=0)`` writes eleven files into ``out``; each has a pure builder
function returning the same table as a DataFrame. The same seed gives the same bytes in
every file; each file draws from its own random stream (derived from the seed and the
file's name), so changing one builder never changes another file. Headers are the
canonical English column names of the data contracts (``cxeval.schemas``); CSV files are
UTF-8 without BOM, the tickets are Parquet. Everything is invented: no real customer,
hall or number. ``scale`` multiplies the ticket volume only (benchmarks use ``--scale 62``
for about five million tickets).

Files
-----
``hall_survey.csv`` (kind ``survey``; :func:`hall_survey`)
    Service-hall satisfaction surveys, one row per hall and month, 2008-01 .. 2008-12, for
    the 12 branches (:data:`BRANCHES`): the three Chaozhou regions 潮安 饶平 市区 and the
    nine Guizhou branches, 3-6 halls each (:data:`HALLS`; Chaozhou halls carry the town's
    name, e.g. 庵埠, Guizhou halls names such as 贵阳中华路厅).
    Columns: ``period`` ("YYYY-MM"), ``branch``, ``hall``, ``responses`` (customers
    surveyed, 150-400), ``satisfied`` (of them, satisfied).
    Calibration:

    * Each Chaozhou region's monthly rate (sum satisfied / sum responses over its halls)
      for 2008-01..03 equals DOMAIN.md section 1's baseline table when shown in percent to
      two decimals (潮安 92.63 91.72 96.31, 饶平 91.39 91.72 92.31, 市区 94.50 94.54
      97.31): the monthly totals are chosen to hit those figures.
    * Each hall has a baseline rate (Chaozhou halls near their region's level; Guizhou
      88-96%); January-March carry a seasonal dip common to all branches (the Chaozhou
      table's average month deviation), so trends are parallel before the pilot.
    * From 2008-08 (:data:`PILOT_START`) every hall of every branch gains
      :data:`COMMON_SHOCK` = +1.5 pp (a province-wide change, which a before/after
      comparison would wrongly credit to the pilot); the pilot hall 庵埠
      (:data:`PILOT_HALL`) of 潮安 (:data:`PILOT_BRANCH`) gains :data:`PILOT_EFFECT` =
      +3.0 pp from 2008-08, the other 潮安 halls +3.0 pp from 2008-09
      (:data:`ROLLOUT_START`). A difference-in-differences against the other branches
      recovers about +3 pp; a plain before/after about +4.5 pp.
    * Hall-month random effect, sd :data:`HALL_MONTH_SD` = 0.8 pp, on top of binomial
      sampling: mild over-dispersion, so a plain p chart flags too many points and
      Laney's p' chart is the right one.
    * 庵埠 is >= 95% every month Aug-Dec and the 潮安 county rate is > 95% every month
      Aug-Dec (DOMAIN.md's pilot and rollout results): should the random draw miss either,
      潮安's Aug-Dec months are drawn again from the same stream (the sample is conditioned
      on the documented outcome).

``brand_survey.csv`` (kind ``survey`` with ``segment``; :func:`brand_survey`)
    Satisfaction by brand, Guizhou 2006, one row per quarter (2006-Q2, Q3, Q4), branch
    (the 9 of :data:`GUIZHOU`) and segment: own brands :data:`OWN_SEGMENTS` (全球通
    动感地带 神州行) and the competitors' :data:`COMPETITOR_SEGMENTS` (C网 G网 小灵通).
    Columns: ``period`` ("YYYY-Qn"), ``branch``, ``segment``, ``responses``,
    ``satisfied``.
    Calibration: pooled over the three quarters, the sample is DOMAIN.md section 4's whole
    branch table (:data:`BRAND_2006`): every branch's own and competitor totals to within
    0.05 pp (贵阳 76.0 / 58.7, best 黔西南 78.6, worst 黔南 70.4: spread 8.2), each
    branch-segment rate to within 1/responses, and the pooled province 74.7 / 55.0 with
    segment rates 72.8 74.6 75.2 / 60.8 51.2 57.4 (within 0.1 pp). As in the source, 黔南
    leads the competitor by 15.5 pp, below the 16 pp (:data:`LEAD_TARGET`) the review
    says every branch met; the others lead by 16.4 (遵义) to 29.5 (毕节). The quarterly
    split follows the year's improvement (Q2 about 1.2 pp below the year, Q4 above) with noise.

``tickets.parquet`` (kind ``tickets``; :func:`tickets`)
    Complaint tickets, 2010-01..12, one row per ticket, sorted by ``opened_at``; about
    81,000 at ``scale=1``. Columns: ``ticket_id`` ("TS" + 8 digits, in time order),
    ``customer_id`` (11-digit mobile number, text), ``branch``, ``opened_at``
    (the call), ``channel`` (:data:`CHANNELS`: 1001热线 96133总经理热线 营业厅
    网上营业厅), ``category`` (one of the 16 Chinese sub-items of
    ``data/configs/categories.yaml``), ``network`` (its network: product, channel or
    support), step timestamps ``submitted_at``, ``dispatched_at``, ``replied_at``,
    ``returned_at``, ``closed_at`` (datetime64, naive local time; missing = not reached
    yet), ``escalated``, ``first_contact_resolved``, ``qualified`` (bool), ``summary``
    (short Chinese complaint text).
    Calibration:

    * Volume: branch x month counts are Poisson around subscribers x a monthly
      complaint rate (:data:`COMPLAINT_RATE_PER_10K`, peak in July) x a branch propensity,
      plus the repeat complainers below; complaints per 10,000 subscribers land between
      about 1.5 and 5 a month. Category mix drifts over the year (增值业务 falls, 数据上网
      rises), so a Pareto shift between halves of the year is visible.
    * Repeat complainers, all branches together (counted on ``opened_at`` month):
      complaints made by customers with >= 5 complaints in the month are exactly
      :data:`REPEAT_5` per month, with >= 10 exactly :data:`REPEAT_10` (times ``scale``,
      rounded). July: :data:`JULY_REPEAT_5` = 3,428 and :data:`JULY_REPEAT_10` = 748
      (DOMAIN.md section 2); they fall every month of the Sep-Nov campaign, October's
      >= 5 figure is -90.7% on July's, and November's >= 10 figure is 0. Everyone else
      complains at most 4 times a month.
    * Steps and their limits (``data/configs/sla.yaml``): opened -> submitted 5 min;
      submitted -> dispatched 30 min; dispatched -> replied 20 h (escalated tickets:
      replied by the provincial department within 24 h); dispatched -> returned 24 h;
      closed after the return. Delays are lognormal; the share of breaches per step and
      month is exact (:data:`BREACH_RATE` x :data:`BREACH_FACTOR`): 4-7% Jan-Aug, halved
      in September, about an eighth of that by November. Escalated replies breach 3-4%
      before September and 0.5% from September (>= 99% on time). The return step follows
      the reply (about 3% late before the campaign). A few tickets per step (0.1%, at
      least three) take exactly the limit (on time: the limit is inclusive).
    * About 1% of tickets are still open (:data:`OPEN_RATE`; 8% of December's): their
      later timestamps are missing, from ``dispatched_at``, ``replied_at``,
      ``returned_at`` or only ``closed_at`` on.
    * ``escalated``: about 5% (16% of 96133 GM-hotline calls).
    * ``first_contact_resolved``: False for escalated tickets and tickets without a
      reply; among self-handled tickets (not escalated) the monthly rate is exactly
      :data:`FCR_RATE`: about 76% Jan-Aug, 80.5% in September, 85.8-87.2% Oct-Dec, against
      the provincial figure :data:`PROVINCIAL_FCR` = 0.78 (target +5 pp). Repeat
      complainers' tickets are resolved less often (:data:`FCR_REPEAT` = 0.55).
    * ``qualified`` (ticket quality check passed): exactly :data:`QUALIFIED_RATE` a month,
      about 97% to August, 100% in November and December.
    * ``summary``: one of three sentences per category; 5% (:data:`PHONE_IN_SUMMARY`)
      add a contact mobile number ("，联系电话：139…"), for masking tests.

``causes.csv`` (kind ``causes``; :func:`causes`)
    The fishbone of DOMAIN.md section 1 (effect: 服营厅综合服务能力有待提升), 21 causes
    under six bones 人员 方法 环境 流程 系统 服务内容. Columns: ``bone``, ``cause``
    (Chinese), ``cause_en`` (English), ``count`` (votes of the project team, 200 in all).
    Calibration: the six key factors (:data:`KEY_FACTORS`, in DOMAIN.md's order 1-6) get
    44 34 28 22 18 14 votes = 160 = exactly 80% of the votes; every other cause has at most
    6. The Pareto vital few are therefore the six key factors, both under "cumulative
    <= 80%" and under "up to the category that reaches 80%".

``actions.csv`` (kind ``actions``; :func:`actions`)
    The action register for the six key factors: ``branch`` (潮安, the county of the
    pilot and the rollout: the Guizhou branches have no action here), ``cause`` (as in causes.csv),
    ``action`` (DOMAIN.md's practices: duties with assessment, three lines of defence,
    triage, 3-minute transactions, skills contests, rule review, competitor benchmarking),
    ``owner`` (a role), ``due`` (2008 date), ``status`` (完成 / 进行中 / 未开始).

``pilots.csv`` (kind ``pilots``; :func:`pilots`)
    The pilot register: one row, 潮安's pilot hall 庵埠 from 2008-08 (:data:`PILOT_START`)
    and the rollout to 潮安's other halls from 2008-09 (:data:`ROLLOUT_START`), as the
    Chaozhou project's WBS planned (DOMAIN.md section 1). The other branches have no pilot.

``subscribers.csv`` (kind ``subscribers``; :func:`subscribers`)
    ``branch``, ``period`` (2010-01..12), ``subscribers``: 12 branches, 0.55 M (饶平) to
    about 3.8 M (贵阳), growing 0.2-0.5% a month (:data:`SUBSCRIBERS_2010_01`).

``kpi_annual.csv``, ``kpi_unicom.csv``, ``kpi_campaign.csv`` (kind ``scores``)
    Inputs of the other shipped scorecards, so each can be shown: the Guizhou satisfaction
    KPI of 2005 and 2006 as scored (:func:`kpi_annual`: 12.98 and 19.5 with
    ``guizhou_2006_kpi.yaml``), five invented city branches on the Unicom 2003 scorecard
    with their satisfaction for the 40/60 composite (:func:`kpi_unicom`), and the 2010
    campaign's measures per branch computed from the tickets, with the provincial FCR
    benchmark (:func:`kpi_campaign`).

``kpi_scores.csv`` (kind ``scores``; :func:`kpi_scores`)
    ``unit`` (the 9 Guizhou branches), ``period``, ``item``, ``value``. Item
    ``third_party`` for 2006-Q2, Q3, Q4: the quarterly third-party score on a 20-point
    scale, one decimal, 黔东南 12.0 16.4 17.2 and 毕节 18.0 14.0 19.0 exactly as
    DOMAIN.md section 4, the others drawn between 12 and 19. Process items with period
    "2006": ``improvement_work`` and ``short_board_work`` (0-100 assessment),
    ``retention_rate`` (0-1, mid/high-value customer retention, around 0.861),
    ``complaints_per_10k``, ``overdue_rate`` (0-1), ``complaint_satisfaction`` (0-1).

Example
-------
>>> from cxeval import sample
>>> paths = sample.write_sample("data/sample", seed=0)   # doctest: +SKIP
>>> sample.hall_survey(0).query("hall == '庵埠'").head(3)  # doctest: +SKIP
"""

from __future__ import annotations

import numbers
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from cxeval.paths import CONFIG_DIR
from cxeval._io import atomic_write
from cxeval.errors import ConfigError

__all__ = [
    "write_sample", "hall_survey", "brand_survey", "tickets", "causes", "actions",
    "subscribers", "kpi_scores", "FILES",
    "CHAOZHOU", "GUIZHOU", "BRANCHES", "HALLS", "BASELINE_2008",
    "PILOT_BRANCH", "PILOT_HALL", "PILOT_START", "ROLLOUT_START", "PILOT_EFFECT", "COMMON_SHOCK",
    "HALL_MONTH_SD", "OWN_SEGMENTS", "COMPETITOR_SEGMENTS", "LEAD_TARGET", "BRAND_2006",
    "CHANNELS", "JULY_REPEAT_5", "JULY_REPEAT_10", "REPEAT_5", "REPEAT_10", "CAMPAIGN_MONTHS",
    "PROVINCIAL_FCR", "FCR_RATE", "FCR_REPEAT", "QUALIFIED_RATE", "BREACH_RATE", "BREACH_FACTOR",
    "ESCALATED_BREACH_RATE", "STEP_LIMITS", "OPEN_RATE", "PHONE_IN_SUMMARY",
    "COMPLAINT_RATE_PER_10K", "SUBSCRIBERS_2010_01", "KEY_FACTORS",
]

# --------------------------------------------------------------------------- branches, halls
CHAOZHOU = ["潮安", "饶平", "市区"]
GUIZHOU = ["贵阳", "遵义", "安顺", "黔南", "黔东南", "铜仁", "毕节", "六盘水", "黔西南"]
BRANCHES = CHAOZHOU + GUIZHOU

#: Halls per branch: (name, baseline satisfaction, typical responses a month).
HALLS: dict[str, list[tuple[str, float, int]]] = {
    "潮安": [("庵埠", 0.936, 330), ("彩塘", 0.944, 290), ("金石", 0.938, 240),
             ("浮洋", 0.935, 220), ("枫溪", 0.942, 260)],
    "饶平": [("黄冈", 0.930, 320), ("钱东", 0.924, 240), ("三饶", 0.920, 200),
             ("浮滨", 0.928, 190)],
    "市区": [("西湖", 0.962, 340), ("新桥", 0.958, 280), ("城西", 0.964, 300),
             ("枫春", 0.956, 220)],
    "贵阳": [("贵阳中华路厅", 0.940, 380), ("贵阳延安路厅", 0.925, 340),
             ("贵阳花果园厅", 0.905, 300), ("贵阳小河厅", 0.915, 220), ("贵阳白云厅", 0.930, 200)],
    "遵义": [("遵义丁字口厅", 0.930, 340), ("遵义汇川厅", 0.920, 280),
             ("遵义红花岗厅", 0.910, 240), ("遵义仁怀厅", 0.895, 200)],
    "安顺": [("安顺塔山厅", 0.920, 260), ("安顺西秀厅", 0.905, 220), ("安顺平坝厅", 0.890, 180)],
    "黔南": [("都匀剑江厅", 0.925, 260), ("都匀广惠厅", 0.910, 220), ("福泉厅", 0.900, 180),
             ("瓮安厅", 0.895, 170)],
    "黔东南": [("凯里营盘坡厅", 0.915, 260), ("凯里大十字厅", 0.905, 230), ("镇远厅", 0.888, 170),
               ("黎平厅", 0.895, 160)],
    "铜仁": [("铜仁中山路厅", 0.935, 250), ("铜仁锦江厅", 0.920, 210), ("松桃厅", 0.900, 170)],
    "毕节": [("毕节七星关厅", 0.920, 280), ("大方厅", 0.900, 190), ("黔西厅", 0.905, 200),
             ("威宁厅", 0.885, 170)],
    "六盘水": [("六盘水钟山厅", 0.925, 260), ("水城厅", 0.905, 200), ("盘县厅", 0.895, 180)],
    "黔西南": [("兴义桔山厅", 0.945, 250), ("兴义瑞金路厅", 0.935, 220), ("安龙厅", 0.915, 170),
               ("兴仁厅", 0.910, 160)],
}

#: DOMAIN.md section 1: hall satisfaction (%) per Chaozhou region, 2008-01, 02, 03.
BASELINE_2008 = {
    "潮安": (92.63, 91.72, 96.31),
    "饶平": (91.39, 91.72, 92.31),
    "市区": (94.50, 94.54, 97.31),
}

PILOT_BRANCH = "潮安"
PILOT_HALL = "庵埠"
PILOT_START = "2008-08"
ROLLOUT_START = "2008-09"
PILOT_EFFECT = 0.03
COMMON_SHOCK = 0.015
#: Standard deviation of the hall-month random effect on the satisfaction probability.
HALL_MONTH_SD = 0.008
#: Responses per hall and month are kept within these bounds.
RESPONSES_RANGE = (150, 400)

# --------------------------------------------------------------------------- brand survey
OWN_SEGMENTS = ["全球通", "动感地带", "神州行"]
COMPETITOR_SEGMENTS = ["C网", "G网", "小灵通"]
LEAD_TARGET = 0.16

#: DOMAIN.md section 4's table, pooled over 2006-Q2..Q4, per branch, in the segment order
#: OWN_SEGMENTS + COMPETITOR_SEGMENTS: the rates (%) as printed, the responses and the
#: satisfied counts. Counts were solved (a linear programme, then whole numbers) so that
#: every branch's own and competitor totals are the table's to within 0.05 pp (黔西南 78.6,
#: 黔南 70.4: spread 8.2; 黔南 leads by 15.5), the pooled province is 74.7 / 55.0 and its
#: segment rates are the 全省 row's to within 0.1 pp. Each cell's count is its rate times
#: its responses, but for the largest cell of each group, nudged to land the totals.
BRAND_2006: dict[str, tuple[tuple[float, ...], tuple[int, ...], tuple[int, ...]]] = {
    "贵阳": ((71.0, 70.8, 77.7, 66.4, 53.6, 58.3), (338, 338, 2012, 418, 469, 2000),
          (240, 239, 1564, 278, 251, 1166)),
    "遵义": ((76.6, 77.5, 68.0, 64.1, 48.6, 58.3), (300, 410, 1307, 210, 443, 230),
          (230, 318, 888, 135, 215, 134)),
    "安顺": ((79.0, 76.3, 73.5, 56.7, 43.1, 52.3), (263, 450, 1525, 210, 573, 395),
          (208, 343, 1121, 119, 247, 207)),
    "黔南": ((70.0, 73.4, 70.3, 57.9, 52.9, 57.9), (398, 100, 1235, 210, 480, 113),
          (279, 73, 868, 122, 254, 65)),
    "黔东南": ((68.0, 81.0, 75.8, 52.1, 50.5, 56.7), (300, 101, 1100, 210, 1036, 100),
           (204, 82, 834, 109, 523, 57)),
    "铜仁": ((74.3, 76.7, 78.4, 59.9, 61.5, 55.3), (285, 115, 1100, 100, 1079, 100),
          (212, 88, 862, 60, 664, 55)),
    "毕节": ((70.6, 71.8, 77.6, 53.1, 41.9, 58.5), (300, 450, 2004, 348, 785, 100),
          (212, 323, 1555, 185, 329, 58)),
    "六盘水": ((71.9, 76.2, 73.7, 70.0, 47.1, 56.7), (300, 102, 1100, 273, 418, 270),
           (216, 78, 810, 191, 197, 153)),
    "黔西南": ((75.8, 72.3, 79.8, 63.8, 58.3, 62.2), (252, 100, 1100, 210, 389, 100),
           (191, 72, 878, 134, 227, 62)),
}
_BRAND_QUARTERS = ("2006-Q2", "2006-Q3", "2006-Q4")
# Quarter deviation from the year: satisfaction improved through 2006 (+7.8 pp on 2005).
_BRAND_TREND = (-0.012, 0.0, 0.012)

# --------------------------------------------------------------------------- tickets
CHANNELS = ["1001热线", "96133总经理热线", "营业厅", "网上营业厅"]
_CHANNEL_WEIGHTS = (0.62, 0.08, 0.20, 0.10)
_CHANNEL_WEIGHTS_REPEAT = (0.70, 0.15, 0.10, 0.05)
_ESCALATION_BY_CHANNEL = (0.04, 0.16, 0.03, 0.03)

#: Subscribers per branch in January 2010 (the base of subscribers.csv).
SUBSCRIBERS_2010_01 = {
    "潮安": 750_000, "饶平": 550_000, "市区": 650_000, "贵阳": 3_600_000, "遵义": 3_200_000,
    "安顺": 1_200_000, "黔南": 1_900_000, "黔东南": 2_000_000, "铜仁": 1_600_000,
    "毕节": 2_400_000, "六盘水": 1_400_000, "黔西南": 1_500_000,
}
#: Complaints per 10,000 subscribers a month from ordinary customers (Jan..Dec), before
#: the branch propensity; repeat complainers come on top.
COMPLAINT_RATE_PER_10K = (2.3, 2.1, 2.3, 2.4, 2.5, 2.5, 2.6, 2.5, 2.3, 2.1, 2.0, 2.0)
_BRANCH_PROPENSITY = {
    "潮安": 1.10, "饶平": 0.95, "市区": 1.10, "贵阳": 1.10, "遵义": 1.00, "安顺": 0.90,
    "黔南": 0.95, "黔东南": 0.85, "铜仁": 0.90, "毕节": 1.00, "六盘水": 1.05, "黔西南": 0.90,
}

#: Complaints (Jan..Dec 2010, all branches) by customers with >= 5 complaints in the month.
REPEAT_5 = (2210, 1980, 2350, 2560, 2790, 3050, 3428, 3190, 1520, 318, 205, 176)
#: Complaints (Jan..Dec 2010, all branches) by customers with >= 10 complaints in the month.
REPEAT_10 = (470, 410, 505, 560, 615, 680, 748, 690, 240, 36, 0, 0)
JULY_REPEAT_5 = REPEAT_5[6]
JULY_REPEAT_10 = REPEAT_10[6]
_REPEAT_RANGE_5 = (5, 9)     # complaints a month of a ">= 5 but < 10" customer
_REPEAT_RANGE_10 = (10, 28)  # of a ">= 10" customer
_REPEAT_CATEGORY_WEIGHTS = {"增值业务": 30, "计费账单": 25, "信号覆盖": 15, "数据上网": 10,
                            "资费套餐": 8, "投诉处理": 7, "客服热线": 5}
CAMPAIGN_MONTHS = ("2010-09", "2010-10", "2010-11")

PROVINCIAL_FCR = 0.78
#: First-contact resolution of self-handled tickets per month (Jan..Dec), exact.
FCR_RATE = (0.755, 0.762, 0.758, 0.765, 0.760, 0.752, 0.748, 0.757, 0.805, 0.858, 0.866, 0.872)
#: First-contact resolution of repeat complainers' self-handled tickets.
FCR_REPEAT = 0.55
#: Share of tickets passing the quality check per month (Jan..Dec), exact.
QUALIFIED_RATE = (0.968, 0.972, 0.970, 0.966, 0.971, 0.969, 0.965, 0.970, 0.985, 0.995, 1.0, 1.0)

#: Time limits in seconds: step -> (start column, end column, limit). DOMAIN.md section 3.
STEP_LIMITS = {
    "submit": ("opened_at", "submitted_at", 5 * 60),
    "dispatch": ("submitted_at", "dispatched_at", 30 * 60),
    "reply": ("dispatched_at", "replied_at", 20 * 3600),
    "provincial_reply": ("dispatched_at", "replied_at", 24 * 3600),
    "return": ("dispatched_at", "returned_at", 24 * 3600),
}
#: Share of late tickets per controlled step before the campaign (times BREACH_FACTOR).
BREACH_RATE = {"submit": 0.045, "dispatch": 0.05, "reply": 0.045}
#: Month factor on BREACH_RATE (Jan..Dec): busier in summer, down in the campaign.
BREACH_FACTOR = (1.0, 0.9, 1.0, 1.05, 1.1, 1.2, 1.35, 1.25, 0.5, 0.25, 0.12, 0.12)
#: Share of escalated tickets answered late by the provincial department (Jan..Dec).
ESCALATED_BREACH_RATE = (0.03, 0.03, 0.03, 0.03, 0.035, 0.035, 0.04, 0.035,
                         0.005, 0.005, 0.005, 0.005)
# Lognormal shape (sigma) per step; the scale is set so the base breach share is the
# lognormal's upper tail beyond the limit.
_STEP_SIGMA = {"submit": 0.55, "dispatch": 0.6, "reply": 0.55, "provincial_reply": 0.45}
_AT_LIMIT_SHARE = 0.001   # tickets taking exactly the limit (at least 3 per step)
#: Share of tickets still open, per month (Jan..Dec).
OPEN_RATE = (0.006,) * 11 + (0.08,)
PHONE_IN_SUMMARY = 0.05
_HOUR_WEIGHTS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 3, 6, 8, 9, 9, 8, 7, 8, 8, 8, 7, 7, 7, 6, 5, 3, 2)
_MOBILE_PREFIXES = (134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 182, 187, 188)

#: Category mix of ordinary complaints in January and in December (weights; linear between).
_CATEGORY_WEIGHTS = {
    "信号覆盖": (12, 11), "通话质量": (6, 6), "短信彩信": (5, 4), "数据上网": (9, 14),
    "增值业务": (20, 11), "营业厅服务": (5, 5), "代理渠道": (3, 3), "营销宣传": (4, 4),
    "资费套餐": (7, 8), "号码卡业务": (3, 3), "计费账单": (14, 12), "缴费充值": (4, 4),
    "客服热线": (3, 3), "投诉处理": (2, 2), "装维服务": (2, 3), "积分关怀": (1, 1),
}
_SUMMARIES = {
    "信号覆盖": ("家中室内信号弱，经常打不通", "新建小区没有信号，要求建站", "乡镇路段信号时有时无"),
    "通话质量": ("通话断断续续，有杂音", "通话中经常掉线", "通话时对方听不到声音"),
    "短信彩信": ("短信发送失败，提示网络错误", "收不到彩信", "收到大量垃圾短信，要求屏蔽"),
    "数据上网": ("手机上网速度很慢", "对上网流量扣费有异议", "无法连接手机上网"),
    "增值业务": ("未经同意被订购增值业务，要求退费", "手机报无法退订", "彩铃被重复扣费"),
    "营业厅服务": ("营业厅排队时间过长", "营业员服务态度差", "营业厅办理业务出错"),
    "代理渠道": ("代理点卖的号码卡无法使用", "代理商乱收费", "代理点承诺的优惠没有兑现"),
    "营销宣传": ("宣传的优惠与实际不符", "促销短信太多", "活动赠品没有发放"),
    "资费套餐": ("套餐资费不清楚，要求解释", "套餐变更没有生效", "对新资费标准不满"),
    "号码卡业务": ("补卡手续繁琐", "SIM卡损坏无法识别", "号码被停机，要求恢复"),
    "计费账单": ("话费异常偏高，要求核查", "账单明细与实际使用不符", "月租被重复收取"),
    "缴费充值": ("充值卡充值不成功", "银行代扣话费没有到账", "缴费后仍被停机"),
    "客服热线": ("热线长时间无法接通", "客服人员解答不清", "多次来电问题仍未解决"),
    "投诉处理": ("投诉后一直无人回复", "对处理结果不满意，要求升级", "回访时间与承诺不符"),
    "装维服务": ("宽带装机超时", "维修人员没有按约上门", "故障报修后迟迟未修复"),
    "积分关怀": ("积分兑换的礼品没有收到", "积分被清零有异议", "没有收到生日关怀短信"),
}

_CATEGORIES_YAML = CONFIG_DIR / "categories.yaml"

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

#: Files written by :func:`write_sample`: name -> data kind (for ``cxeval.data.load``).
FILES = {
    "hall_survey.csv": "survey",
    "brand_survey.csv": "survey",
    "tickets.parquet": "tickets",
    "causes.csv": "causes",
    "actions.csv": "actions",
    "pilots.csv": "pilots",
    "subscribers.csv": "subscribers",
    "kpi_scores.csv": "scores",
    "kpi_annual.csv": "scores",
    "kpi_unicom.csv": "scores",
    "kpi_campaign.csv": "scores",
}


# --------------------------------------------------------------------------- helpers
def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number >= 0, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed}")
    return int(seed)


def _check_scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a positive number, got {type(scale).__name__} {scale!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale}")
    return float(scale)


def _rng(seed: int, name: str) -> np.random.Generator:
    """The random stream of one file: the seed plus a fixed key derived from its name."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),)))


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _distribute(satisfied: np.ndarray, responses: np.ndarray, total: int) -> np.ndarray:
    """Change ``satisfied`` (per hall) to sum to ``total``, in proportion to responses."""
    satisfied = satisfied.copy()
    while (diff := total - int(satisfied.sum())) != 0:
        room = responses - satisfied if diff > 0 else satisfied
        if room.sum() == 0:
            raise ValueError(f"cannot reach {total} satisfied of {responses.sum()} responses")
        share = abs(diff) * room / room.sum()
        step = np.floor(share).astype(int)
        # Largest remainders take the units that flooring left over.
        leftover = abs(diff) - step.sum()
        step[np.argsort(-(share - step), kind="stable")[:leftover]] += 1
        step = np.minimum(step, room)
        satisfied += np.sign(diff) * step
    return satisfied


def _force_rate(responses: np.ndarray, satisfied: np.ndarray, target_pct: float):
    """Adjust one region-month so that 100 * sum(sat) / sum(resp) rounds to ``target_pct``.

    Not every total of responses admits a count of satisfied customers whose rate shows as
    the target to two decimals, so the biggest hall's responses move by the smallest
    amount that makes one possible (kept at least 0.001 pp away from a rounding boundary).
    """
    low, high = RESPONSES_RANGE
    n = int(responses.sum())
    order = np.argsort(-responses, kind="stable")
    for offset in (d * s for d in range(0, 200) for s in ((1,) if d == 0 else (1, -1))):
        hall = next((h for h in order if low <= responses[h] + offset <= high), None)
        if hall is None:
            continue
        total = n + offset
        wanted = round(target_pct * total / 100)
        if abs(100 * wanted / total - target_pct) < 0.004:
            responses = responses.copy()
            responses[hall] += offset
            satisfied = np.minimum(satisfied, responses)
            return responses, _distribute(satisfied, responses, wanted)
    raise ValueError(f"no response total near {n} gives {target_pct}%")  # pragma: no cover


# --------------------------------------------------------------------------- hall survey
def _hall_baselines(branch: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    names, base, size = zip(*HALLS[branch])
    return list(names), np.array(base), np.array(size)


def _jan_mar_effect() -> np.ndarray:
    """Seasonal dip of Jan-Mar: the Chaozhou table's mean deviation from the halls' levels."""
    dev = []
    for region, table in BASELINE_2008.items():
        _, base, size = _hall_baselines(region)
        level = float(np.average(base, weights=size))
        dev.append(np.array(table) / 100 - level)
    return np.mean(dev, axis=0)


def hall_survey(seed: int = 0) -> pd.DataFrame:
    """Monthly hall satisfaction surveys, 2008, 12 branches (``hall_survey.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).

    Returns
    -------
    DataFrame
        ``period`` ("2008-01".."2008-12"), ``branch``, ``hall``, ``responses``,
        ``satisfied`` (int): one row per hall and month, branches in :data:`BRANCHES`
        order. Calibration: see the module docstring.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> df = hall_survey(0)
    >>> jan = df[(df.branch == "潮安") & (df.period == "2008-01")]
    >>> round(100 * float(jan.satisfied.sum() / jan.responses.sum()), 2)
    92.63
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "hall_survey")
    periods = _months(2008)
    month = np.arange(12)
    pilot_m = periods.index(PILOT_START)
    rollout_m = periods.index(ROLLOUT_START)
    jan_mar = _jan_mar_effect()
    low, high = RESPONSES_RANGE
    frames = []
    for branch in BRANCHES:
        names, base, size = _hall_baselines(branch)
        n_halls = len(names)
        responses = np.clip(np.rint(size[:, None] * (1 + rng.normal(0, 0.12, (n_halls, 12)))),
                            low, high).astype(np.int64)
        effect = np.zeros((n_halls, 12))
        if branch in BASELINE_2008:
            # Each region's own Jan-Mar level; the totals are forced to the table below.
            level = np.average(base, weights=size)
            effect[:, :3] = np.array(BASELINE_2008[branch]) / 100 - level
        else:
            effect[:, :3] = jan_mar
        effect[:, pilot_m:] += COMMON_SHOCK
        if branch == PILOT_BRANCH:
            pilot = names.index(PILOT_HALL)
            effect[pilot, pilot_m:] += PILOT_EFFECT
            effect[np.arange(n_halls) != pilot, rollout_m:] += PILOT_EFFECT

        def draw(columns):
            p = base[:, None] + effect[:, columns] + rng.normal(0, HALL_MONTH_SD, (n_halls, len(columns)))
            return rng.binomial(responses[:, columns], np.clip(p, 0.5, 0.995))

        satisfied = draw(month)
        if branch in BASELINE_2008:
            for m, target in enumerate(BASELINE_2008[branch]):
                responses[:, m], satisfied[:, m] = _force_rate(responses[:, m], satisfied[:, m], target)
        if branch == PILOT_BRANCH:
            after = month[pilot_m:]
            for _ in range(1000):
                pilot_rate = satisfied[pilot, after] / responses[pilot, after]
                county_rate = satisfied[:, after].sum(0) / responses[:, after].sum(0)
                if (pilot_rate >= 0.95).all() and (county_rate > 0.95).all():
                    break
                satisfied[:, after] = draw(after)
            else:  # pragma: no cover - the expected rates are 3 pp above the bar
                raise RuntimeError("could not draw the documented pilot and rollout results")
        frames.append(pd.DataFrame({
            "period": np.tile(periods, n_halls),
            "branch": branch,
            "hall": np.repeat(names, 12),
            "responses": responses.ravel(),
            "satisfied": satisfied.ravel(),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["period"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- brand survey
def brand_survey(seed: int = 0) -> pd.DataFrame:
    """Quarterly satisfaction by brand, Guizhou 2006-Q2..Q4 (``brand_survey.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0); it moves responses and satisfied between quarters only, the
        pooled figures are the same for every seed.

    Returns
    -------
    DataFrame
        ``period`` ("2006-Q2".."2006-Q4"), ``branch`` (:data:`GUIZHOU`), ``segment``
        (:data:`OWN_SEGMENTS` then :data:`COMPETITOR_SEGMENTS`), ``responses``,
        ``satisfied`` (int). Pooled over quarters each cell holds :data:`BRAND_2006`'s counts.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> df = brand_survey(0)
    >>> gy = df[(df.branch == "贵阳") & (df.segment == "全球通")]
    >>> round(100 * float(gy.satisfied.sum() / gy.responses.sum()), 1)
    71.0
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "brand_survey")
    segments = OWN_SEGMENTS + COMPETITOR_SEGMENTS
    rows = []
    for branch in GUIZHOU:
        rates, totals, counts = BRAND_2006[branch]
        for segment, rate, total, wanted in zip(segments, rates, totals, counts):
            share = np.full(3, 1 / 3) * (1 + rng.normal(0, 0.06, 3))
            resp = np.rint(total * share / share.sum()).astype(np.int64)
            resp[-1] = total - resp[:-1].sum()
            q_rate = rate / 100 + np.array(_BRAND_TREND) + rng.normal(0, 0.008, 3)
            sat = np.minimum(np.rint(q_rate * resp).astype(np.int64), resp)
            sat = _distribute(sat, resp, wanted)
            for period, r, s in zip(_BRAND_QUARTERS, resp, sat):
                rows.append((period, branch, segment, int(r), int(s)))
    out = pd.DataFrame(rows, columns=["period", "branch", "segment", "responses", "satisfied"])
    return out.sort_values("period", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- subscribers
def subscribers(seed: int = 0) -> pd.DataFrame:
    """Subscribers per branch and month, 2010 (``subscribers.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).

    Returns
    -------
    DataFrame
        ``branch`` (:data:`BRANCHES`), ``period`` ("2010-01".."2010-12"),
        ``subscribers`` (int): :data:`SUBSCRIBERS_2010_01` in January, then monthly
        growth drawn between 0.2% and 0.5% per branch, with noise of 0.1 pp a month.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> int(subscribers(0).query("period == '2010-01'").subscribers.sum())
    20750000
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "subscribers")
    base = np.array([SUBSCRIBERS_2010_01[b] for b in BRANCHES], dtype=float)
    growth = rng.uniform(0.002, 0.005, len(BRANCHES))
    change = 1 + growth[:, None] + rng.normal(0, 0.001, (len(BRANCHES), 11))
    factor = np.concatenate([np.ones((len(BRANCHES), 1)), np.cumprod(change, axis=1)], axis=1)
    values = np.rint(base[:, None] * factor).astype(np.int64)
    return pd.DataFrame({
        "branch": np.repeat(BRANCHES, 12),
        "period": np.tile(_months(2010), len(BRANCHES)),
        "subscribers": values.ravel(),
    })


# --------------------------------------------------------------------------- tickets
def _categories() -> list[tuple[str, str]]:
    """(Chinese sub-item, network) pairs from data/configs/categories.yaml, in file order."""
    import yaml

    from cxeval._io import load_yaml

    try:
        config = load_yaml(_CATEGORIES_YAML.read_text(encoding="utf-8"), str(_CATEGORIES_YAML))
        pairs = [(str(c["zh"]), str(c["network"])) for c in config["categories"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise ConfigError(f"{_CATEGORIES_YAML}: cannot read the complaint categories ({err})") from err
    names = [zh for zh, _ in pairs]
    if sorted(names) != sorted(_CATEGORY_WEIGHTS):
        raise ConfigError(f"{_CATEGORIES_YAML}: the sample knows the sub-items "
                          f"{', '.join(_CATEGORY_WEIGHTS)}; the file has {', '.join(names)}")
    return pairs


def _partition(total: int, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Random whole numbers in [low, high] that add up to ``total`` (0 gives none).

    Needs ``high >= 2 * low - 1`` so that any remainder between ``high`` and
    ``low + high`` splits into two valid parts.
    """
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    draws = rng.integers(low, high + 1, size=total // low + 1)
    cum = np.cumsum(draws)
    k = int(np.searchsorted(cum, total - low, side="right"))
    parts = list(draws[:k])
    rest = total - (int(cum[k - 1]) if k else 0)
    parts += [rest] if rest <= high else [rest // 2, rest - rest // 2]
    return np.array(parts, dtype=np.int64)


def _repeat_targets(scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Monthly complaints by >= 10 and by 5..9 complainers at this scale."""
    t10 = np.rint(np.array(REPEAT_10) * scale).astype(np.int64)
    t10[t10 < _REPEAT_RANGE_10[0]] = 0
    t5_9 = np.rint(np.array(REPEAT_5) * scale).astype(np.int64) - t10
    t5_9[t5_9 < _REPEAT_RANGE_5[0]] = 0
    return t10, t5_9


def _exact_flags(group: np.ndarray, rate: np.ndarray, rng: np.random.Generator,
                 eligible: np.ndarray | None = None) -> np.ndarray:
    """True for round(rate[g] * n_g) randomly chosen eligible rows of each group g.

    Exact counts, not Bernoulli draws, so that a documented monthly rate (FCR, on-time
    share) is the rate the data shows at any scale. One pass per group (a few dozen).
    """
    flags = np.zeros(len(group), dtype=bool)
    for g, share in enumerate(np.asarray(rate, dtype=float)):
        member = group == g
        rows = np.flatnonzero(member if eligible is None else member & eligible)
        flags[rng.choice(rows, size=round(share * len(rows)), replace=False)] = True
    return flags


def _delays(late: np.ndarray, limit: int, sigma: float, base_rate: float,
            rng: np.random.Generator) -> np.ndarray:
    """Lognormal delays in whole seconds: > limit where ``late``, <= limit elsewhere.

    The lognormal's scale puts ``base_rate`` of its mass beyond the limit; each ticket
    draws from the part of the distribution on its side of the limit (inverse CDF), so
    the on-time and late shapes stay the same whatever the monthly share of late ones.
    """
    mu = np.log(limit) - sigma * ndtri(1 - base_rate)
    inside = ndtr((np.log(limit) - mu) / sigma)
    u = rng.random(len(late))
    u = np.where(late, inside + u * (1 - inside), u * inside)
    seconds = np.exp(mu + sigma * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
    return np.where(late, np.clip(np.ceil(seconds), limit + 1, 20 * limit),
                    np.clip(np.floor(seconds), 1, limit)).astype(np.int64)


def _at_limit(candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A few of ``candidates`` (row numbers) that will take exactly the limit."""
    k = min(len(candidates), max(3, round(_AT_LIMIT_SHARE * len(candidates))))
    return rng.choice(candidates, size=k, replace=False)


def _mobile_numbers(index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Distinct 11-digit mobile numbers (int64) for distinct indices below 10**8.

    An affine map modulo 10**8 with a multiplier coprime to 10 is a bijection, so
    different customers never share a number; the prefix is a plain mobile prefix.
    """
    mult = int(rng.integers(10**6, 10**7)) * 10 + int(rng.choice([1, 3, 7, 9]))
    shift = int(rng.integers(0, 10**8))
    suffix = (index.astype(np.int64) * mult + shift) % 10**8
    prefix = np.array(_MOBILE_PREFIXES, dtype=np.int64)[(index * 7 + shift) % len(_MOBILE_PREFIXES)]
    return prefix * 10**8 + suffix


def tickets(seed: int = 0, scale: float = 1.0) -> pd.DataFrame:
    """Complaint tickets, 2010, 12 branches (``tickets.parquet``).

    Built with vectorised numpy (no loop per ticket): five million tickets
    (``scale=62``) take well under a minute.

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).
    scale : float, default 1.0
        Multiplies the ticket volume, the repeat-complaint targets and the customer pool
        (about 81,000 tickets at 1).

    Returns
    -------
    DataFrame
        ``ticket_id``, ``customer_id``, ``branch``, ``opened_at``, ``channel``,
        ``category``, ``network``, ``submitted_at``, ``dispatched_at``, ``replied_at``,
        ``returned_at``, ``closed_at`` (datetime64[ms], NaT = not reached), ``escalated``,
        ``first_contact_resolved``, ``qualified`` (bool), ``summary`` (text); sorted by
        ``opened_at``. Calibration: see the module docstring.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0, or ``scale`` is not a positive number.
    ConfigError
        ``data/configs/categories.yaml`` is missing, unreadable or has other sub-items.

    Example
    -------
    >>> t = tickets(0)
    >>> july = t[t.opened_at.dt.month == 7]
    >>> n = july.groupby("customer_id").ticket_id.transform("size")
    >>> int((n >= 5).sum()), int((n >= 10).sum())
    (3428, 748)
    """
    seed = _check_seed(seed)
    scale = _check_scale(scale)
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = _rng(seed, "tickets")
    categories = _categories()
    cat_names = [zh for zh, _ in categories]
    n_branches = len(BRANCHES)

    # ---- ordinary complaints: Poisson counts per branch and month
    subs = subscribers(seed)["subscribers"].to_numpy().reshape(n_branches, 12)
    propensity = np.array([_BRANCH_PROPENSITY[b] for b in BRANCHES])
    expected = subs / 1e4 * np.array(COMPLAINT_RATE_PER_10K)[None, :] * propensity[:, None] * scale
    counts = rng.poisson(expected)
    branch_grid, month_grid = np.meshgrid(np.arange(n_branches), np.arange(12), indexing="ij")
    o_branch = np.repeat(branch_grid.ravel(), counts.ravel())
    o_month = np.repeat(month_grid.ravel(), counts.ravel())
    n_ordinary = len(o_branch)

    # Customers: a pool per branch sized so that a few complain twice or three times a
    # month; anyone past 4 in a month is replaced by a new customer below.
    branch_volume = counts.sum(axis=1)
    pool_size = np.maximum(1, np.rint(0.55 * branch_volume)).astype(np.int64)
    pool_start = np.concatenate([[0], np.cumsum(pool_size)[:-1]])
    o_customer = pool_start[o_branch] + (rng.random(n_ordinary) * pool_size[o_branch]).astype(np.int64)
    n_pool = int(pool_size.sum())

    # ---- repeat complainers: exact monthly totals, drawn from a pool of frequent callers
    t10, t5_9 = _repeat_targets(scale)
    per_month = [np.concatenate([_partition(int(t10[m]), *_REPEAT_RANGE_10, rng),
                                 _partition(int(t5_9[m]), *_REPEAT_RANGE_5, rng)]) for m in range(12)]
    heavy_pool = max(1, max(len(c) for c in per_month), int(0.45 * sum(len(c) for c in per_month)))
    weight = (subs[:, 6] * propensity) / (subs[:, 6] * propensity).sum()
    heavy_branch = rng.choice(n_branches, size=heavy_pool, p=weight)
    repeat_cats = [cat_names.index(c) for c in _REPEAT_CATEGORY_WEIGHTS]
    repeat_w = np.array(list(_REPEAT_CATEGORY_WEIGHTS.values()), dtype=float)
    heavy_category = np.array(repeat_cats)[rng.choice(len(repeat_cats), size=heavy_pool,
                                                      p=repeat_w / repeat_w.sum())]
    who = [rng.choice(heavy_pool, size=len(c), replace=False) for c in per_month]
    h_person = np.concatenate([np.repeat(w, c) for w, c in zip(who, per_month)]).astype(np.int64)
    h_month = np.repeat(np.arange(12), [int(c.sum()) for c in per_month])
    n_heavy = len(h_person)

    # ---- all tickets
    branch = np.concatenate([o_branch, heavy_branch[h_person]])
    month = np.concatenate([o_month, h_month])
    customer = np.concatenate([o_customer, n_pool + h_person])
    repeat = np.concatenate([np.zeros(n_ordinary, bool), np.ones(n_heavy, bool)])
    n = n_ordinary + n_heavy

    # Cap ordinary customers at 4 complaints a month (the 5th onwards: new customers).
    key = month * (n_pool + heavy_pool) + customer
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    run_id = np.cumsum(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) - 1
    rank = np.arange(n) - run_start[run_id]
    over = order[(rank >= 4) & ~repeat[order]]
    customer[over] = n_pool + heavy_pool + np.arange(len(over))

    # Category: the ordinary mix drifts from January's weights to December's.
    w0 = np.array([_CATEGORY_WEIGHTS[c][0] for c in cat_names], dtype=float)
    w1 = np.array([_CATEGORY_WEIGHTS[c][1] for c in cat_names], dtype=float)
    frac = np.arange(12)[:, None] / 11
    cum = np.cumsum((w0 / w0.sum()) * (1 - frac) + (w1 / w1.sum()) * frac, axis=1)
    u = rng.random(n_ordinary)
    o_category = np.empty(n_ordinary, dtype=np.int64)
    for m in range(12):  # twelve vectorised draws, one per month's mix
        rows = o_month == m
        o_category[rows] = np.searchsorted(cum[m], u[rows], side="right")
    o_category = np.minimum(o_category, len(cat_names) - 1)
    category = np.concatenate([o_category, heavy_category[h_person]])

    channel = np.where(repeat,
                       rng.choice(len(CHANNELS), size=n, p=_CHANNEL_WEIGHTS_REPEAT),
                       rng.choice(len(CHANNELS), size=n, p=_CHANNEL_WEIGHTS))
    escalated = rng.random(n) < np.array(_ESCALATION_BY_CHANNEL)[channel]

    # ---- when: a day of the month, an hour weighted to office hours, a second in it
    month_start = np.array([np.datetime64(f"2010-{m:02d}-01T00:00:00", "s") for m in range(1, 13)]
                           + [np.datetime64("2011-01-01T00:00:00", "s")]).astype(np.int64)
    days = (month_start[1:] - month_start[:-1]) // 86400
    hour_p = np.array(_HOUR_WEIGHTS) / sum(_HOUR_WEIGHTS)
    opened = (month_start[month] + (rng.random(n) * days[month]).astype(np.int64) * 86400
              + rng.choice(24, size=n, p=hour_p) * 3600 + rng.integers(0, 3600, size=n))

    # ---- step timestamps, with exact shares of late tickets per step and month
    factor = np.array(BREACH_FACTOR)
    submit_late = _exact_flags(month, BREACH_RATE["submit"] * factor, rng)
    dispatch_late = _exact_flags(month, BREACH_RATE["dispatch"] * factor, rng)
    reply_group = month * 2 + escalated
    reply_rate = np.empty(24)
    reply_rate[0::2] = BREACH_RATE["reply"] * factor
    reply_rate[1::2] = ESCALATED_BREACH_RATE
    reply_late = _exact_flags(reply_group, reply_rate, rng)

    d_submit = _delays(submit_late, STEP_LIMITS["submit"][2], _STEP_SIGMA["submit"],
                       BREACH_RATE["submit"], rng)
    d_dispatch = _delays(dispatch_late, STEP_LIMITS["dispatch"][2], _STEP_SIGMA["dispatch"],
                         BREACH_RATE["dispatch"], rng)
    d_reply = np.where(
        escalated,
        _delays(reply_late, STEP_LIMITS["provincial_reply"][2], _STEP_SIGMA["provincial_reply"],
                ESCALATED_BREACH_RATE[0], rng),
        _delays(reply_late, STEP_LIMITS["reply"][2], _STEP_SIGMA["reply"], BREACH_RATE["reply"], rng))
    for delay, late, step in ((d_submit, submit_late, "submit"), (d_dispatch, dispatch_late, "dispatch")):
        delay[_at_limit(np.flatnonzero(~late), rng)] = STEP_LIMITS[step][2]
    for esc, step in ((False, "reply"), (True, "provincial_reply")):
        delay_rows = np.flatnonzero(~reply_late & (escalated == esc))
        d_reply[_at_limit(delay_rows, rng)] = STEP_LIMITS[step][2]
    # The city returns the ticket after the reply; the return limit counts from dispatch.
    d_return = d_reply + np.rint(np.exp(np.log(45 * 60) + 0.8 * rng.standard_normal(n))).astype(np.int64)
    return_limit = STEP_LIMITS["return"][2]
    fits = np.flatnonzero(d_reply < return_limit)
    d_return[_at_limit(fits, rng)] = return_limit
    d_close = np.rint(np.exp(np.log(2 * 3600) + 0.7 * rng.standard_normal(n))).astype(np.int64)

    submitted = opened + d_submit
    dispatched = submitted + d_dispatch
    replied = dispatched + d_reply
    returned = dispatched + d_return
    closed = returned + d_close

    # Open tickets: later steps not reached yet (the stage from which data is missing).
    is_open = rng.random(n) < np.array(OPEN_RATE)[month]
    stage = np.where(is_open, rng.choice(4, size=n, p=[0.1, 0.2, 0.3, 0.4]), 4)
    nat = np.iinfo(np.int64).min
    dispatched = np.where(stage > 0, dispatched, nat)
    replied = np.where(stage > 1, replied, nat)
    returned = np.where(stage > 2, returned, nat)
    closed = np.where(stage > 3, closed, nat)

    # ---- first-contact resolution: exact monthly rate among self-handled tickets; the
    # repeat complainers' share is lower, the ordinary tickets make up the difference.
    eligible = ~escalated & (replied != nat)
    self_handled = ~escalated
    n_self = np.bincount(month[self_handled], minlength=12)
    n_rep = np.bincount(month[eligible & repeat], minlength=12)
    n_ord = np.bincount(month[eligible & ~repeat], minlength=12)
    k_rep = np.rint(FCR_REPEAT * n_rep)
    k_ord = np.rint(np.array(FCR_RATE) * n_self) - k_rep
    fcr_rate = np.empty(24)
    fcr_rate[0::2] = np.clip(k_ord / np.maximum(n_ord, 1), 0, 1)
    fcr_rate[1::2] = FCR_REPEAT
    fcr = _exact_flags(month * 2 + repeat, fcr_rate, rng, eligible=eligible)
    qualified = _exact_flags(month, np.array(QUALIFIED_RATE), rng)

    # ---- summary text: a sentence per category, some with a contact number
    template = category * 3 + rng.integers(0, 3, size=n)
    has_phone = rng.random(n) < PHONE_IN_SUMMARY
    contact = np.zeros(n, dtype=np.int64)
    contact[has_phone] = _mobile_numbers(rng.integers(0, 10**8, size=int(has_phone.sum())), rng)
    phone = _mobile_numbers(customer, rng)

    # ---- assemble in time order (ties keep generation order: deterministic)
    order = np.argsort(opened, kind="stable")
    width = max(8, len(str(n)))
    ticket_id = pc.binary_join_element_wise(
        "TS", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), width, padding="0"), "")
    texts = pa.array([s for c in cat_names for s in _SUMMARIES[c]])
    phone_rows = has_phone[order]
    suffix = pc.if_else(pa.array(phone_rows),
                        pc.binary_join_element_wise("，联系电话：", pa.array(contact[order]).cast(pa.string()), ""),
                        "")
    summary = pc.binary_join_element_wise(pc.take(texts, pa.array(template[order])), suffix, "")

    def text(values) -> pd.Series:
        return pd.Series(values, dtype="str")

    def names(labels, codes: np.ndarray) -> pd.Series:
        return text(pc.take(pa.array(labels), pa.array(codes[order])))

    def when(seconds: np.ndarray) -> np.ndarray:
        return seconds[order].view("datetime64[s]").astype("datetime64[ms]")

    networks = [net for _, net in categories]
    return pd.DataFrame({
        "ticket_id": text(ticket_id),
        "customer_id": text(pa.array(phone[order]).cast(pa.string())),
        "branch": names(BRANCHES, branch),
        "opened_at": when(opened),
        "channel": names(CHANNELS, channel),
        "category": names(cat_names, category),
        "network": names(networks, category),
        "submitted_at": when(submitted),
        "dispatched_at": when(dispatched),
        "replied_at": when(replied),
        "returned_at": when(returned),
        "closed_at": when(closed),
        "escalated": escalated[order],
        "first_contact_resolved": fcr[order],
        "qualified": qualified[order],
        "summary": text(summary),
    })


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


# --------------------------------------------------------------------------- writing
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


def _write_csv(df: pd.DataFrame):
    return lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


def _write_parquet(df: pd.DataFrame):
    def write(tmp):
        import pyarrow as pa
        import pyarrow.parquet as pq

        # No timestamps or paths in the file's metadata: same data, same bytes.
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp, compression="zstd")
    return write


def write_sample(out, *, seed: int = 0, scale: float = 1.0) -> list[Path]:
    """Write the sample data files into ``out`` (created if missing).

    Each file is written atomically (a temporary file in ``out``, then ``os.replace``);
    nothing else in ``out`` is touched. The same ``seed`` and ``scale`` give the same
    bytes.

    Parameters
    ----------
    out : str or path-like
        Output folder.
    seed : int, default 0
        Random seed (>= 0).
    scale : float, default 1.0
        Multiplies the ticket volume (about 81,000 tickets at 1; 62 gives about 5 million).

    Returns
    -------
    list of Path
        The files written, in :data:`FILES` order: hall_survey.csv, brand_survey.csv,
        tickets.parquet, causes.csv, actions.csv, pilots.csv, subscribers.csv, kpi_scores.csv
        (contents: see the module docstring).

    Raises
    ------
    TypeError, ValueError
        ``seed`` or ``scale`` invalid, or ``out`` exists and is not a folder.

    Example
    -------
    >>> write_sample("data/sample", seed=0)   # doctest: +SKIP
    [PosixPath('data/sample/hall_survey.csv'), ...]
    """
    seed = _check_seed(seed)
    scale = _check_scale(scale)
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path, got {type(out).__name__} {out!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a folder, got the file {out}")
    out.mkdir(parents=True, exist_ok=True)
    built: dict = {}

    def ticket_table():   # built once: the tickets file and the campaign scores both use it
        if "tickets" not in built:
            built["tickets"] = tickets(seed, scale)
        return built["tickets"]

    builders = {
        "hall_survey.csv": lambda: _write_csv(hall_survey(seed)),
        "brand_survey.csv": lambda: _write_csv(brand_survey(seed)),
        "tickets.parquet": lambda: _write_parquet(ticket_table()),
        "causes.csv": lambda: _write_csv(causes()),
        "actions.csv": lambda: _write_csv(actions()),
        "pilots.csv": lambda: _write_csv(pilots()),
        "subscribers.csv": lambda: _write_csv(subscribers(seed)),
        "kpi_scores.csv": lambda: _write_csv(kpi_scores(seed)),
        "kpi_annual.csv": lambda: _write_csv(kpi_annual()),
        "kpi_unicom.csv": lambda: _write_csv(kpi_unicom(seed)),
        "kpi_campaign.csv": lambda: _write_csv(kpi_campaign(ticket_table(), seed)),
    }
    return [atomic_write(out / name, builders[name]()) for name in FILES]
