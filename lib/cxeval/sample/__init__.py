"""Deterministic synthetic sample data, calibrated to the four source documents (DOMAIN.md).

``write_sample(out, seed=0)`` writes eleven files into ``out``; each has a pure builder
function returning the same table as a DataFrame. The same seed gives the same bytes in
every file; each file draws from its own random stream (derived from the seed and the
file's name), so changing one builder never changes another file. Headers are the
canonical English column names of the data contracts (``cxeval.schemas``); CSV files are
UTF-8 without BOM, the tickets are Parquet. Everything is invented: no real customer,
hall or number. ``scale`` multiplies the ticket volume only (benchmarks use ``--scale 62``
for about five million tickets).

The builders live by the files they write: :mod:`~cxeval.sample.surveys`
(:func:`hall_survey`, :func:`brand_survey`), :mod:`~cxeval.sample.tickets`
(:func:`tickets`, :func:`subscribers`) and :mod:`~cxeval.sample.registers`
(:func:`causes`, :func:`actions`, :func:`pilots`, :func:`kpi_scores`), each with the
figures it is calibrated to; :mod:`~cxeval.sample.common` holds the seeds, random streams
and rate arithmetic they share. Every name below is importable from :mod:`cxeval.sample`.

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

``charter.csv``, ``team.csv``, ``tasks.csv`` (kinds ``charter``, ``team``, ``tasks``)
    The Chaozhou 2008 project as it was run: charter with the SMART goal, team and roles,
    the WBS (survey, plan, pilot in August, rollout September–November, consolidation in
    December) with milestones, key and risk points; see :mod:`cxeval.sample.project`.

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

import os
from pathlib import Path

import pandas as pd

from cxeval._io import atomic_write
from cxeval.sample import project
from cxeval.sample.common import _check_scale, _check_seed
from cxeval.sample.registers import (KEY_FACTORS, PROVINCE_UNIT, SATISFACTION_KPI, UNICOM_ITEMS, UNICOM_UNITS,
                                     actions, causes, kpi_annual, kpi_campaign, kpi_scores, kpi_unicom, pilots)
from cxeval.sample.surveys import (BASELINE_2008, BRAND_2006, BRANCHES, CHAOZHOU, COMMON_SHOCK,
                                   COMPETITOR_SEGMENTS, GUIZHOU, HALL_MONTH_SD, HALLS, LEAD_TARGET,
                                   OWN_SEGMENTS, PILOT_BRANCH, PILOT_EFFECT, PILOT_HALL, PILOT_START,
                                   ROLLOUT_START, brand_survey, hall_survey)
from cxeval.sample.tickets import (BREACH_FACTOR, BREACH_RATE, CAMPAIGN_MONTHS, CHANNELS,
                                   COMPLAINT_RATE_PER_10K, ESCALATED_BREACH_RATE, FCR_RATE,
                                   FCR_REPEAT, JULY_REPEAT_5, JULY_REPEAT_10, OPEN_RATE,
                                   PHONE_IN_SUMMARY, PROVINCIAL_FCR, QUALIFIED_RATE, REPEAT_5,
                                   REPEAT_10, STEP_LIMITS, SUBSCRIBERS_2010_01, subscribers, tickets)

__all__ = [
    "write_sample", "hall_survey", "brand_survey", "tickets", "causes", "actions",
    "subscribers", "kpi_scores", "kpi_annual", "kpi_unicom", "kpi_campaign", "pilots", "FILES",
    "CHAOZHOU", "GUIZHOU", "BRANCHES", "HALLS", "BASELINE_2008",
    "PILOT_BRANCH", "PILOT_HALL", "PILOT_START", "ROLLOUT_START", "PILOT_EFFECT", "COMMON_SHOCK",
    "HALL_MONTH_SD", "OWN_SEGMENTS", "COMPETITOR_SEGMENTS", "LEAD_TARGET", "BRAND_2006",
    "CHANNELS", "JULY_REPEAT_5", "JULY_REPEAT_10", "REPEAT_5", "REPEAT_10", "CAMPAIGN_MONTHS",
    "PROVINCIAL_FCR", "FCR_RATE", "FCR_REPEAT", "QUALIFIED_RATE", "BREACH_RATE", "BREACH_FACTOR",
    "ESCALATED_BREACH_RATE", "STEP_LIMITS", "OPEN_RATE", "PHONE_IN_SUMMARY",
    "COMPLAINT_RATE_PER_10K", "SUBSCRIBERS_2010_01", "KEY_FACTORS",
]

#: Files written by :func:`write_sample`: name -> data kind (for ``cxeval.data.load``).
FILES = {
    "hall_survey.csv": "survey",
    "brand_survey.csv": "survey",
    "tickets.parquet": "tickets",
    "causes.csv": "causes",
    "actions.csv": "actions",
    "pilots.csv": "pilots",
    "charter.csv": "charter",
    "team.csv": "team",
    "tasks.csv": "tasks",
    "subscribers.csv": "subscribers",
    "kpi_scores.csv": "scores",
    "kpi_annual.csv": "scores",
    "kpi_unicom.csv": "scores",
    "kpi_campaign.csv": "scores",
}


# --------------------------------------------------------------------------- writing
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
        tickets.parquet, causes.csv, actions.csv, pilots.csv, charter.csv, team.csv, tasks.csv,
        subscribers.csv, kpi_scores.csv ... (contents: see the module docstring).

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
        "charter.csv": lambda: _write_csv(project.charter()),
        "team.csv": lambda: _write_csv(project.team()),
        "tasks.csv": lambda: _write_csv(project.tasks()),
        "subscribers.csv": lambda: _write_csv(subscribers(seed)),
        "kpi_scores.csv": lambda: _write_csv(kpi_scores(seed)),
        "kpi_annual.csv": lambda: _write_csv(kpi_annual()),
        "kpi_unicom.csv": lambda: _write_csv(kpi_unicom(seed)),
        "kpi_campaign.csv": lambda: _write_csv(kpi_campaign(ticket_table(), seed)),
    }
    return [atomic_write(out / name, builders[name]()) for name in FILES]
