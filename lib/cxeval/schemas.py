"""The data contracts: every kind of input file, its columns, their types and header aliases.

This module is the one place that says what a survey, ticket, cause, score, subscriber or
action file must contain. :func:`cxeval.data.load` reads a file, matches its headers to the
canonical English column names below (Chinese or English, case- and
whitespace-insensitive), converts each column to its type and validates it.

Kinds and columns (``*`` = required column):

========== ===================================================================================
kind       columns
========== ===================================================================================
survey     period*, branch*, hall, segment, responses, satisfied, rate
           (``satisfied`` or ``rate`` is required: counts ``responses`` + ``satisfied``, or
           ``satisfied`` as 0/1 with one row per response, or ``rate`` with optional
           ``responses``)
tickets    ticket_id*, customer_id*, branch*, opened_at*, channel*, category*, network*,
           submitted_at, dispatched_at, replied_at, returned_at, closed_at,
           escalated*, first_contact_resolved*, qualified*, summary
causes     bone*, cause*, subcause, count (votes)
scores     unit*, period*, item*, value*
subscribers branch*, period*, subscribers*
actions    branch, cause*, action*, owner*, due*, status*  (owner, due and status may be
           blank: not yet assigned / planned / started; a blank branch, or 全省 / all, means
           every branch)
pilots     branch*, hall*, pilot_start*, rollout_start  (one pilot per branch: the pilot
           hall, its first month and the first month of the rollout to the other halls)
charter    branch*, project*, goal*, metric, target*, scope, start*, end*  (an improvement
           project's charter: one row per project; the SMART goal in words, the measured
           target of the goal metric, satisfaction as a rate: 0.95)
team       branch*, project, name*, role*, department, duty  (the project team, one row per
           member; a blank project means the branch's project)
tasks      branch*, project, wbs, task*, phase, owner, start*, end*, milestone, key_point,
           risk, status  (the project plan, one row per WBS task; a milestone is a task
           whose start and end may be the same day; ``risk`` describes a risk point)
========== ===================================================================================

Column types (``Column.type``):

``text``      free text or a name; surrounding spaces removed, blank cells are missing.
``id``        an identifier kept as text (``13800138000``, not ``1.38e10``).
``period``    ``"YYYY-MM"`` (month), ``"YYYY-Qn"`` (quarter) or ``"YYYY"`` (year).
``count``     a whole number >= 0.
``number``    any number; ``"86.1%"`` is read as 0.861.
``rate``      a proportion 0-1; written as 0.953, 95.3 or ``"95.3%"`` (see ``cxeval.data``).
``bool``      yes/no: 1/0, true/false, 是/否, Y/N, yes/no.
``datetime``  a date and time, naive local time.
``network``   one of the three networks (三网): ``product``, ``channel``, ``support``
              (Chinese names accepted, see :data:`NETWORKS`).

Counts are at most :data:`MAX_COUNT`.

Total rows: Excel exports often carry rows that add up other rows (小计, 合计, 总计, 全省平均,
"Grand Total"). A row is a total row when one of its key cells (``Schema.keys``: the
columns that name what a row is about, such as branch, hall, period or cause) holds a
total label (:func:`is_total_label`); :func:`cxeval.data.load` leaves such rows out and
says so. Rows of counts per group (``Schema.unique_groups``) must not repeat a combination
of keys: a copied row would be added twice.

Counts: one rule for the whole library
---------------------------------------
A count (``responses``, ``satisfied``, votes, subscribers) is a whole number of people or
events, everywhere: :func:`cxeval.data.load` reports a fraction as a problem of the file,
and every analysis function that reads counts as answers in an interval or a test
(:mod:`cxeval.baseline`, :mod:`cxeval.pilot` through :func:`check_counts`;
:func:`cxeval.pareto.pareto_shift`) raises :class:`~cxeval.errors.DataError` naming the
rows. Nothing is rounded: 94.6 satisfied of 100 is neither 95 nor 0.946 of a binomial
sample. (A Pareto table may sum decimals: there the column is a weight such as a cost,
and no test is made on it.) Weighted survey totals are refused rather than accepted because the
Wilson and Newcombe intervals, the z and Fisher tests, control limits and exact funnel
limits all read a count as that many independent answers, which a weighted total is not
(its precision depends on the weights). Give the unweighted counts; a weighted rate can
be given as ``rate`` without counts, and is then shown without an interval. A row of counts
repeated exactly (every column equal) is refused too (:func:`check_repeated_rows`):
pooling it would count the same answers twice. Rows of one answer each may repeat.

Periods in analyses
-------------------
Analyses order periods by the calendar, not as text, and count time in calendar periods
(a month without data stays a gap): :func:`period_keys` reads ``"YYYY-MM"``,
``"YYYY-Qn"``, ``"YYYY"`` and ``pandas.Period`` values (whole numbers count as
themselves), and refuses empty periods and periods of different kinds mixed (months with
quarters), naming the rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxeval.errors import DataError

__all__ = [
    "Column", "Schema", "SCHEMAS", "KINDS", "TYPES", "NETWORKS", "TRUE_WORDS", "FALSE_WORDS",
    "MAX_COUNT", "TOTAL_WORDS", "AVERAGE_WORDS", "REGION_WORDS", "TOTAL_WORDS_EN", "ALL_BRANCHES",
    "schema", "label", "normalize_header", "match_header", "is_total_label",
    "WEIGHTED_COUNTS", "not_whole", "check_counts", "check_repeated_rows", "period_key", "period_keys", "period_kind",
    "period_ordinal", "format_period", "sorted_periods",
]

#: Column types a :class:`Column` can have (see the module docstring).
TYPES = ("text", "id", "period", "count", "number", "rate", "bool", "datetime", "network")

#: Words read as True / False in ``bool`` columns (compared case-insensitively).
TRUE_WORDS = ("1", "1.0", "true", "t", "yes", "y", "是", "对", "√", "✓")
FALSE_WORDS = ("0", "0.0", "false", "f", "no", "n", "否", "错", "×", "✗")

#: The three networks (三网) of DOMAIN.md section 3: code -> accepted names.
NETWORKS = {
    "product": ("product", "产品网络质量", "产品网络", "产品质量", "产品", "网络质量"),
    "channel": ("channel", "营销渠道质量", "营销渠道", "渠道质量", "渠道"),
    "support": ("support", "服务支撑质量", "服务支撑", "支撑质量", "支撑", "服务"),
}


#: The largest count accepted (a trillion): far above any survey, ticket or subscriber
#: count, far below where float64 stops holding whole numbers exactly (2**53) or int64
#: overflows, so 1e20 or a stray int64 maximum is reported instead of wrapping around.
MAX_COUNT = 10 ** 12

#: Labels of total and subtotal rows. A key cell that is one of these, starts with one
#: (followed by nothing, a number, a space or punctuation: "合计：", "小计(1月)") or ends
#: with one ("潮安 汇总", "潮安小计") marks a total row.
TOTAL_WORDS = ("合计", "小计", "总计", "汇总", "共计", "总合计")
#: Labels of average or overall rows: only the whole cell ("平均") or a region word and
#: one of these ("全省平均") marks a total row ("平均等待时间过长" is a cause).
AVERAGE_WORDS = ("平均", "平均值", "均值", "总体", "整体", "累计", "全部")
#: Regions that stand for all branches. Alone in a key cell they mark a total row in the
#: kinds whose rows add up (survey, tickets, ...), but not in ``scores``, where a unit
#: such as 全省 is a province-wide benchmark (``benchmark_unit`` in campaign_2010.yaml).
REGION_WORDS = ("全省", "全市", "全区", "全县", "全网", "全国", "全公司", "全行业")
#: English labels of total rows: the whole cell, or "Total"/"Subtotal"/"Grand total"
#: first (followed by punctuation or a number) or last ("Chaoan Total").
TOTAL_WORDS_EN = ("total", "subtotal", "sub-total", "sub total", "grand total", "sum", "all",
                  "average", "avg", "mean", "overall", "totals")

_SPACES = re.compile(r"\s+")
_TOTAL_ZH = "|".join(map(re.escape, TOTAL_WORDS))
_TOTAL_START = re.compile(rf"^(?:{_TOTAL_ZH})(?:$|[\d\s:：(（\[【\-–—,，、])")
_TOTAL_END = re.compile(rf"(?:{_TOTAL_ZH})$")
_TOTAL_EN = r"(?:grand\s*total|sub[\s-]*total|totals?)"
_TOTAL_EN_START = re.compile(rf"^{_TOTAL_EN}\s*(?:$|[\d:(\[\-–—,].*)")
_TOTAL_EN_END = re.compile(rf"(?:^|[\s\-–—:(])(?:{_TOTAL_EN})$")
_TRIM = " \t:：.。,，;；-–—*()（）[]【】"
#: Any of these inside a cell makes it worth a closer look (a fast first pass on long files).
TOTAL_HINT = "|".join(map(re.escape, (*TOTAL_WORDS, *AVERAGE_WORDS, *REGION_WORDS))) \
    + r"|(?i:total|sum|all|average|avg|mean|overall)"


def is_total_label(text, *, regions: bool = True) -> bool:
    """True if a key cell labels a total, subtotal or average row.

    Parameters
    ----------
    text : str
        A cell of a key column (branch, hall, period, unit, cause ...).
    regions : bool
        Whether a region word alone ("全省") marks a total row (False for ``scores``,
        where it is a benchmark unit).

    Examples
    --------
    >>> [is_total_label(t) for t in ("小计", "合计：", "潮安 汇总", "全省平均", "Grand Total")]
    [True, True, True, True, True]
    >>> [is_total_label(t) for t in ("庵埠", "合计金额有误", "平均等待时间过长", "Totally")]
    [False, False, False, False]
    >>> is_total_label("全省"), is_total_label("全省", regions=False)
    (True, False)
    """
    if not isinstance(text, str):
        return False
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    spaced = _SPACES.sub(" ", folded).strip(_TRIM)
    compact = spaced.replace(" ", "")
    if not compact:
        return False
    if compact in TOTAL_WORDS or compact in AVERAGE_WORDS or spaced in TOTAL_WORDS_EN:
        return True
    if _TOTAL_START.match(compact) or _TOTAL_END.search(compact):
        return True
    for region in REGION_WORDS:
        if compact == region:
            return regions
        if compact.startswith(region) and compact[len(region):] in AVERAGE_WORDS:
            return True
    return bool(_TOTAL_EN_START.match(spaced) or _TOTAL_EN_END.search(spaced))


_BRACKETED = re.compile(r"[(\[（【].*?[)\]）】]")
_IGNORED = re.compile(r"[\s_\-./·:：]+")


def normalize_header(text) -> str:
    """The matching key of a header: width-folded, lower case, no spaces, ``_``, ``-`` or dots.

    ``" Ticket ID "``, ``"ticket_id"`` and ``"TICKET-ID"`` all give ``"ticketid"``;
    full-width characters are folded (``"（%）"`` -> ``"(%)"``).
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _IGNORED.sub("", folded)


@dataclass(frozen=True)
class Column:
    """One canonical column of a kind of input file.

    Attributes
    ----------
    name : str
        Canonical English name (snake_case), the column name after loading.
    type : str
        One of :data:`TYPES`.
    zh, en : str
        Display labels (``label(name, "zh")``); ``zh`` is also what the Chinese templates
        use as the header.
    aliases : tuple of str
        Further headers accepted for this column (the name and both labels are always
        accepted). Matching ignores case, spaces, ``_``, ``-`` and a trailing unit in
        brackets such as ``(%)``.
    required : bool
        The column must be present.
    nullable : bool
        Blank cells are allowed (read as missing).
    """

    name: str
    type: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    nullable: bool = False

    def headers(self) -> tuple[str, ...]:
        """Every header accepted for this column: name, labels and aliases."""
        return (self.name, self.zh, self.en, *self.aliases)


@dataclass(frozen=True)
class Schema:
    """The contract of one kind of input file.

    Attributes
    ----------
    kind : str
        The kind's name, as passed to ``cxeval.data.load(source, kind)``.
    zh, en : str
        What the kind is called, for messages and templates.
    columns : tuple of Column
        Canonical columns in output order.
    one_of : tuple of str
        At least one of these columns must be present (survey: ``satisfied`` or ``rate``).
    unique : tuple of str
        Columns whose combination must not repeat (ticket ids; one value per unit, period
        and item). Empty: repeats allowed.
    keys : tuple of str
        Columns that name what a row is about (branch, hall, period, cause ...): a total
        label in one of them marks a total row (:func:`is_total_label`), and a blank one
        in a row with figures marks a subtotal row of a pivot table.
    unique_groups : bool
        Rows hold counts per group, so the keys present must not repeat: survey rows
        (unless one row per response) and causes with a count column. A repeated row
        would be counted twice.
    region_totals : bool
        A region word alone ("全省") in a key cell marks a total row (see
        :data:`REGION_WORDS`).
    """

    kind: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    one_of: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    unique_groups: bool = False
    region_totals: bool = True
    _by_header: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        for col in self.columns:
            for header in col.headers():
                key = normalize_header(header)
                other = self._by_header.setdefault(key, col.name)
                if other != col.name:
                    raise ValueError(f"{self.kind}: header alias {header!r} is used by both "
                                     f"{other!r} and {col.name!r}")
        unknown = [k for k in self.keys if k not in self.names]
        if unknown:
            raise ValueError(f"{self.kind}: keys {unknown} are not columns")

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical column names in output order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the columns that must be present."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The :class:`Column` called ``name`` (ValueError listing the columns if absent)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise ValueError(f"{self.kind} has no column {name!r}; columns: {', '.join(self.names)}")


# Shared columns: one definition, used by every kind that has them, so that a label or
# an alias is never different between two kinds.
_PERIOD = Column("period", "period", "期间", "Period",
                 ("月份", "月度", "季度", "年度", "月", "统计期间", "统计月份", "时间", "month",
                  "quarter", "year"))
_BRANCH = Column("branch", "text", "分公司", "Branch",
                 ("地市", "地市分公司", "区域", "地区", "县区", "region", "city"))

_SURVEY = Schema("survey", "满意度调查", "Satisfaction survey", (
    _PERIOD,
    _BRANCH,
    Column("hall", "text", "营业厅", "Hall", ("服营厅", "厅店", "营业网点", "store", "outlet"),
           required=False),
    Column("segment", "text", "细分", "Segment", ("品牌", "客户群", "运营商", "brand", "operator"),
           required=False),
    Column("responses", "count", "样本量", "Responses",
           ("调查样本", "调查样本量", "样本数", "有效样本", "调查人数", "n", "sample",
            "sample_size", "respondents"), required=False, nullable=True),
    Column("satisfied", "count", "满意数", "Satisfied",
           ("满意人数", "满意样本", "满意", "satisfied_count"), required=False, nullable=True),
    Column("rate", "rate", "满意度", "Satisfaction rate",
           ("满意率", "satisfaction", "satisfaction_rate"), required=False, nullable=True),
), one_of=("satisfied", "rate"), keys=("period", "branch", "hall", "segment"),
   unique_groups=True)

_TICKETS = Schema("tickets", "投诉工单", "Complaint tickets", (
    Column("ticket_id", "id", "工单号", "Ticket ID",
           ("工单编号", "投诉单号", "流水号", "ticket", "ticket_no", "id")),
    Column("customer_id", "id", "客户号码", "Customer ID",
           ("用户号码", "手机号码", "投诉号码", "号码", "customer", "msisdn", "phone")),
    _BRANCH,
    Column("opened_at", "datetime", "受理时间", "Opened at",
           ("投诉时间", "建单时间", "opened", "created_at")),
    Column("channel", "text", "渠道", "Channel", ("受理渠道",)),
    Column("category", "text", "投诉子项", "Category",
           ("类别", "子项", "投诉类别", "投诉分类", "sub_item")),
    Column("network", "network", "网络", "Network", ("三网", "所属网络")),
    Column("submitted_at", "datetime", "提交时间", "Submitted at", ("submitted",),
           required=False, nullable=True),
    Column("dispatched_at", "datetime", "派单时间", "Dispatched at", ("dispatched",),
           required=False, nullable=True),
    Column("replied_at", "datetime", "回复时间", "Replied at", ("replied",),
           required=False, nullable=True),
    Column("returned_at", "datetime", "回单时间", "Returned at", ("returned",),
           required=False, nullable=True),
    Column("closed_at", "datetime", "结案时间", "Closed at", ("归档时间", "closed"),
           required=False, nullable=True),
    Column("escalated", "bool", "是否升级", "Escalated", ("升级", "越级")),
    Column("first_contact_resolved", "bool", "一次解决", "First-contact resolved",
           ("一次性解决", "是否一次解决", "fcr")),
    Column("qualified", "bool", "质检合格", "Qualified", ("是否合格", "质检")),
    Column("summary", "text", "摘要", "Summary", ("投诉内容", "内容", "描述", "description"),
           required=False, nullable=True),
), unique=("ticket_id",), keys=("ticket_id", "branch", "channel", "category"))

_CAUSE = Column("cause", "text", "原因", "Cause", ("要因", "关键因素", "factor"))

_CAUSES = Schema("causes", "鱼骨图原因", "Fishbone causes", (
    Column("bone", "text", "类别", "Bone", ("骨", "大类", "鱼骨", "category")),
    _CAUSE,
    Column("subcause", "text", "子原因", "Subcause", ("次原因", "末端原因", "sub_cause"),
           required=False, nullable=True),
    Column("count", "count", "票数", "Count", ("次数", "得票", "频数", "数量", "votes", "frequency"),
           required=False, nullable=True),
), keys=("bone", "cause", "subcause"), unique_groups=True)

_SCORES = Schema("scores", "考核得分", "KPI scores", (
    Column("unit", "text", "单位", "Unit", ("被考核单位", "分公司", "branch")),
    _PERIOD,
    Column("item", "text", "项目", "Item", ("指标", "考核项目", "考核指标", "indicator", "metric")),
    Column("value", "number", "得分", "Value", ("值", "数值", "分数", "score")),
), unique=("unit", "period", "item"), keys=("unit", "period", "item"),
   region_totals=False)

_SUBSCRIBERS = Schema("subscribers", "用户数", "Subscribers", (
    _BRANCH,
    _PERIOD,
    Column("subscribers", "count", "用户数", "Subscribers", ("客户数", "用户规模", "users", "customers")),
), unique=("branch", "period"), keys=("branch", "period"))

_ACTIONS = Schema("actions", "措施登记", "Action register", (
    Column(_BRANCH.name, _BRANCH.type, _BRANCH.zh, _BRANCH.en, _BRANCH.aliases, required=False,
           nullable=True),
    _CAUSE,
    Column("action", "text", "措施", "Action", ("改进措施", "行动", "对策", "measure")),
    Column("owner", "text", "责任人", "Owner", ("负责人", "responsible"), nullable=True),
    Column("due", "datetime", "完成时间", "Due", ("完成期限", "截止时间", "计划完成时间", "due_date",
                                                 "deadline"), nullable=True),
    Column("status", "text", "状态", "Status", ("进度", "完成情况"), nullable=True),
), keys=("cause",))

_PILOTS = Schema("pilots", "试点登记", "Pilot register", (
    _BRANCH,
    Column("hall", "text", "试点营业厅", "Pilot hall", ("营业厅", "试点厅", "pilot_hall")),
    Column("pilot_start", "period", "试点开始", "Pilot start", ("试点月份", "试点开始月份", "试点时间")),
    Column("rollout_start", "period", "推广开始", "Rollout start", ("推广月份", "推广开始月份", "推广时间"),
           required=False, nullable=True),
), unique=("branch",), keys=("branch", "hall"))

_PROJECT = Column("project", "text", "项目名称", "Project", ("项目", "课题", "课题名称", "project_name"))
_OPTIONAL_PROJECT = Column(_PROJECT.name, _PROJECT.type, _PROJECT.zh, _PROJECT.en, _PROJECT.aliases,
                           required=False, nullable=True)
_START = Column("start", "datetime", "开始日期", "Start", ("开始", "开始时间", "计划开始", "起始日期", "start_date"))
_END = Column("end", "datetime", "结束日期", "End", ("结束", "结束时间", "计划完成", "完成日期", "截止日期",
                                                  "end_date", "finish"))

_CHARTER = Schema("charter", "项目章程", "Project charter", (
    _BRANCH,
    _PROJECT,
    Column("goal", "text", "项目目标", "Goal", ("目标", "SMART目标", "smart_goal")),
    Column("metric", "text", "目标指标", "Metric", ("衡量指标", "指标名称", "goal_metric"),
           required=False, nullable=True),
    Column("target", "rate", "目标值", "Target", ("目标水平", "target_rate")),
    Column("scope", "text", "项目范围", "Scope", ("范围",), required=False, nullable=True),
    _START,
    _END,
), unique=("branch", "project"), keys=("branch", "project"))

_TEAM = Schema("team", "项目团队", "Project team", (
    _BRANCH,
    _OPTIONAL_PROJECT,
    Column("name", "text", "姓名", "Name", ("成员", "人员", "member")),
    Column("role", "text", "角色", "Role", ("项目角色", "职务", "岗位")),
    Column("department", "text", "部门", "Department", ("所在部门", "单位", "dept"), required=False,
           nullable=True),
    Column("duty", "text", "职责", "Duty", ("分工", "主要职责", "responsibility"), required=False,
           nullable=True),
), keys=("branch", "name"))

_TASKS = Schema("tasks", "项目计划", "Project plan", (
    _BRANCH,
    _OPTIONAL_PROJECT,
    Column("wbs", "text", "WBS编号", "WBS", ("编号", "序号", "任务编号", "wbs_code"), required=False,
           nullable=True),
    Column("task", "text", "任务", "Task", ("任务名称", "工作", "工作内容", "活动", "activity")),
    Column("phase", "text", "阶段", "Phase", ("项目阶段", "stage"), required=False, nullable=True),
    Column("owner", "text", "责任人", "Owner", ("负责人", "responsible"), required=False, nullable=True),
    _START,
    _END,
    Column("milestone", "bool", "里程碑", "Milestone", ("是否里程碑",), required=False, nullable=True),
    Column("key_point", "bool", "关键点", "Key point", ("关键", "是否关键", "关键节点", "key"),
           required=False, nullable=True),
    Column("risk", "text", "风险点", "Risk", ("风险", "风险描述", "risk_point"), required=False,
           nullable=True),
    Column("status", "text", "状态", "Status", ("进度", "完成情况"), required=False, nullable=True),
), keys=("branch", "task"))

#: Rows of an action register whose branch means "every branch" (blank counts too).
ALL_BRANCHES = ("全省", "全部", "全公司", "所有", "all", "*")

#: Every kind's schema, by kind name.
SCHEMAS: dict[str, Schema] = {s.kind: s for s in
                              (_SURVEY, _TICKETS, _CAUSES, _SCORES, _SUBSCRIBERS, _ACTIONS, _PILOTS,
                               _CHARTER, _TEAM, _TASKS)}
#: The kinds ``cxeval.data.load`` accepts, in a stable order.
KINDS: tuple[str, ...] = tuple(SCHEMAS)

_LABELS: dict[str, Column] = {}
for _schema in SCHEMAS.values():
    for _col in _schema.columns:
        _LABELS.setdefault(_col.name, _col)


def schema(kind: str) -> Schema:
    """The :class:`Schema` of ``kind``.

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`KINDS` (the message lists them).
    """
    try:
        return SCHEMAS[kind]
    except (KeyError, TypeError):
        kinds = ", ".join(map(repr, KINDS))
        raise ValueError(f"kind must be one of {kinds}; got {kind!r}") from None


def label(column: str, lang: str = "zh") -> str:
    """The display label of a canonical column.

    Parameters
    ----------
    column : str
        A canonical column name of any kind (``"responses"``, ``"opened_at"``...).
    lang : {"zh", "en"}
        Label language.

    Returns
    -------
    str
        ``label("responses", "zh") -> "样本量"``, ``label("responses", "en") -> "Responses"``.

    Raises
    ------
    ValueError
        Unknown ``lang``, or ``column`` is not a canonical column (the message lists them).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en'; got {lang!r}")
    col = _LABELS.get(column)
    if col is None:
        raise ValueError(f"column must be a canonical column name ({', '.join(sorted(_LABELS))}); "
                         f"got {column!r}")
    return col.zh if lang == "zh" else col.en


def match_header(header, kind: str) -> str | None:
    """The canonical column a file header means in ``kind``, or None if it is not one.

    A trailing unit in brackets is ignored when the full header does not match, so
    ``"满意度(%)"`` and ``"样本量（个）"`` are recognised.

    Examples
    --------
    >>> match_header("满意人数", "survey")
    'satisfied'
    >>> match_header("Opened At", "tickets")
    'opened_at'
    """
    lookup = schema(kind)._by_header
    key = normalize_header(header)
    if key in lookup:
        return lookup[key]
    stripped = normalize_header(_BRACKETED.sub("", unicodedata.normalize("NFKC", str(header))))
    return lookup.get(stripped) if stripped else None


# --------------------------------------------------------------------------- counts
#: What to do with fractional counts, said once so every message gives the same advice.
WEIGHTED_COUNTS = ("counts must be whole numbers of answers; weighted totals are refused, "
                   "not rounded (cxeval.schemas, 'Counts'): give the unweighted counts")


def not_whole(values) -> np.ndarray:
    """Mask of the values that are numbers but not whole (fractions, infinities).

    Missing values are not flagged: whether a count may be missing is the caller's rule.
    """
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(arr) & ~(np.isfinite(arr) & (arr == np.floor(arr)))


def _first_rows(mask: np.ndarray, index) -> list:
    return list(pd.Index(index)[np.asarray(mask, dtype=bool)][:5])


def check_counts(values: pd.Series, *, column: str, where: str) -> None:
    """Raise unless every value given is a whole number >= 0 (the library's count rule).

    Parameters
    ----------
    values : Series
        Numbers (missing values are left to the caller's own rule).
    column : str
        Column name, for the message.
    where : str
        The function checking, for the message (e.g. ``"rates"``).

    Raises
    ------
    DataError
        A fraction (``"rates: column 'satisfied' row 0: 94.6 is not a whole number; counts
        must be whole numbers ..."``) or a negative count, naming the first rows.

    Examples
    --------
    >>> check_counts(pd.Series([3.0, 4.0]), column="satisfied", where="rates")
    """
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    with np.errstate(invalid="ignore"):
        negative = arr < 0
    for mask, what, advice in ((not_whole(arr), "is not a whole number", WEIGHTED_COUNTS),
                               (negative, "is negative", "a count must be 0 or more")):
        if mask.any():
            rows = _first_rows(mask, values.index)
            more = int(mask.sum()) - 1
            raise DataError(f"{where}: column {column!r} row {rows[0]}: "
                            f"{arr[np.flatnonzero(mask)[0]]:g} {what}"
                            + (f" (also row(s) {rows[1:]}{' and more' if more > 4 else ''})"
                               if more else "")
                            + f"; {advice}")


def check_repeated_rows(df: pd.DataFrame, *, responses: str, where: str) -> None:
    """Raise when a row of counts (``responses`` above 1) appears twice, every column equal.

    A survey table listed twice, or a month pasted twice, would otherwise be pooled and
    counted double. Rows of a single answer (one row per response) repeat legitimately.

    Raises
    ------
    DataError
        Naming the first repeated rows and the row each repeats.

    Examples
    --------
    >>> df = pd.DataFrame({"hall": ["A", "A"], "responses": [1, 1], "satisfied": [1, 1]})
    >>> check_repeated_rows(df, responses="responses", where="rates")
    """
    if responses not in df.columns or len(df) < 2:
        return
    n = pd.to_numeric(df[responses], errors="coerce")
    counted = df[(n > 1).to_numpy()]
    if len(counted) < 2:
        return
    try:
        repeated = counted.duplicated(keep=False).to_numpy()
    except TypeError:  # unhashable cells (lists): nothing sensible to compare
        return
    if repeated.any():
        positions = np.flatnonzero(repeated)
        first = counted.iloc[positions[0]]
        same = [counted.index[i] for i in positions if counted.iloc[i].equals(first)]
        raise DataError(f"{where}: rows {same[:5]} are identical in every column "
                        f"({int(repeated.sum())} repeated rows in all); pooling them would count "
                        "the same answers twice. Remove the copies, or keep the column that tells "
                        "them apart (e.g. hall or segment)")


# --------------------------------------------------------------------------- periods
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_YEAR = re.compile(r"^\d{4}$")
_KIND_NAMES = {"M": "month", "Q": "quarter", "Y": "year", "A": "year", "D": "day", "W": "week",
               "number": "number", "text": "label that is not a date"}


def period_key(value):
    """One label -> pandas Period (calendar), int (a plain number) or str (text); None if empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Period):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        return int(value) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if text.lower() in ("", "nan", "nat", "none", "<na>"):
        return None
    if _MONTH.match(text):
        return pd.Period(text, freq="M")
    if _QUARTER.match(text):
        return pd.Period(text, freq="Q")
    if _YEAR.match(text):
        return pd.Period(text, freq="Y")
    try:
        return pd.Period(text)
    except (ValueError, TypeError):
        return text


def period_kind(key) -> str:
    """``"M"``, ``"Q"``, ``"Y"`` ... for a calendar key, ``"number"`` or ``"text"`` otherwise."""
    if isinstance(key, pd.Period):
        return key.freqstr.split("-")[0].rstrip("E")
    return "number" if isinstance(key, int) else "text"


def period_ordinal(key) -> int:
    """Position of a calendar key on its own time line (consecutive months differ by 1)."""
    if isinstance(key, pd.Period):
        return int(key.ordinal)
    if isinstance(key, int):
        return key
    raise TypeError(f"{key!r} is not a calendar period")


def period_keys(values, *, where: str, column: str = "period") -> pd.Series:
    """Calendar keys of period labels, for ordering and counting time.

    Parameters
    ----------
    values : Series or sequence
        Period labels: ``"2008-03"``, ``"2006-Q2"``, ``"2006"``, ``pandas.Period``, whole
        numbers; other text is kept as text (ordered as text).
    where : str
        The function asking, for messages.
    column : str
        The column's name, for messages.

    Returns
    -------
    Series
        Aligned with ``values``: ``pandas.Period`` for calendar labels, int for numbers,
        str for other text; all of one kind.

    Raises
    ------
    DataError
        An empty period (the rows are named), or periods of different kinds (months and
        quarters, dates and text) in the same column.

    Examples
    --------
    >>> period_keys(["2008-02", "2008-01"], where="demo").tolist()
    [Period('2008-02', 'M'), Period('2008-01', 'M')]
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    # Parse each distinct label once: surveys with one row per answer repeat them a lot.
    codes, uniques = pd.factorize(values.astype(object).to_numpy())
    parsed = [period_key(u) for u in uniques]
    unique_keys = np.empty(len(parsed) + 1, dtype=object)
    unique_keys[:len(parsed)] = parsed  # the last slot (None) is code -1: a missing value
    keys = pd.Series(unique_keys[codes], index=values.index, dtype=object)
    empty = np.array([k is None for k in unique_keys], dtype=bool)[codes]
    if empty.any():
        rows = _first_rows(empty, values.index)
        raise DataError(f"{where}: column {column!r} is empty in {int(empty.sum())} row(s) "
                        f"(first rows: {rows}); every row needs its period")
    unique_kinds = np.array([period_kind(k) for k in parsed] + ["text"], dtype=object)
    kinds = pd.Series(unique_kinds[codes], index=values.index, dtype=object)
    if kinds.nunique() > 1:
        counts = kinds.value_counts()
        main, other = counts.index[0], counts.index[-1]
        rows = _first_rows((kinds == other).to_numpy(), values.index)
        example = values[kinds == other].iloc[0]
        first = values[kinds == main].iloc[0]
        raise DataError(
            f"{where}: column {column!r} mixes kinds of periods: {len(counts)} kinds "
            f"({', '.join(_KIND_NAMES.get(k, k) + 's' for k in counts.index)}); row(s) {rows} "
            f"hold {example!r} ({_KIND_NAMES.get(other, other)}) where most rows hold "
            f"{_KIND_NAMES.get(main, main)}s such as {first!r}. Give every period in one kind "
            "(months 'YYYY-MM' or quarters 'YYYY-Qn')")
    return keys


def format_period(key) -> str:
    """The contract's spelling of a calendar key: ``"2008-03"``, ``"2006-Q2"``, ``"2006"``."""
    if isinstance(key, pd.Period):
        kind = period_kind(key)
        if kind == "M":
            return f"{key.year:04d}-{key.month:02d}"
        if kind == "Q":
            return f"{key.year:04d}-Q{key.quarter}"
        if kind in ("Y", "A"):
            return f"{key.year:04d}"
    return str(key)


def sorted_periods(values, *, where: str, column: str = "period") -> list:
    """The distinct period labels of ``values`` in calendar order (see :func:`period_keys`).

    Raises
    ------
    DataError
        An empty period or periods of different kinds, naming the rows.

    Examples
    --------
    >>> sorted_periods(["2008-10", "2008-09", "2008-10"], where="demo")
    ['2008-09', '2008-10']
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    keys = period_keys(values, where=where, column=column)
    distinct = ~values.astype(object).duplicated().to_numpy()
    pairs = zip(values[distinct], keys[distinct])
    return [value for value, _ in sorted(pairs, key=lambda pair: pair[1])]
