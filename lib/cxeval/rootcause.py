"""Root-cause analysis: the causes of the fishbone, their prioritisation, the action plan.

A team lists causes of an effect under a few "bones" (人员 People, 方法 Method, 环境
Environment...), votes on them and weighs them against evidence such as complaint
counts; a Pareto over the combined score gives the *key factors* (要因), each of which
gets actions with an owner and a due date (DOMAIN.md section 1).

- :func:`cxeval.plots.rootcause.fishbone` draws the cause-and-effect (Ishikawa) diagram
  from a causes table (checked here: ``_check_causes``).
- :func:`prioritise` ranks causes by votes and other evidence and marks key factors.
- :func:`action_plan` puts the action register beside the key factors and flags key
  factors with no action and actions that are overdue.

The sentences that read them are in :mod:`cxeval.text.rootcause`, their formatted tables
in :mod:`cxeval.report.rootcause`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from cxeval._moved import moved
from cxeval.checks import check_frame, check_how_many, check_share, require_columns
from cxeval.errors import DataError

__all__ = ["BONE_NAMES", "DONE_STATUSES", "prioritise", "action_plan", "votes_only"]

#: English names of the usual bones (the 6M of Ishikawa plus the service bones of
#: DOMAIN.md section 1), used by ``lang="en"``; other bone names are shown as given.
BONE_NAMES = {
    "人员": "People", "人": "People", "方法": "Method", "法": "Method", "环境": "Environment",
    "环": "Environment", "流程": "Process", "系统": "Systems", "服务内容": "Service content",
    "机器": "Machine", "设备": "Equipment", "机": "Machine", "材料": "Material", "物料": "Material",
    "料": "Material", "测量": "Measurement", "测": "Measurement", "管理": "Management",
    "制度": "Rules",
}

#: Statuses that count as finished (compared without case or surrounding spaces).
DONE_STATUSES = ("done", "completed", "complete", "closed", "finished", "完成", "已完成", "关闭",
                 "已关闭", "已落实", "结案", "已结案")


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")


def _check_causes(causes) -> pd.DataFrame:
    check_frame(causes, "causes")
    require_columns(causes, ("bone", "cause"), "causes")
    for col in ("bone", "cause"):
        empty = _blank(causes[col])
        if empty.any():
            rows = (np.flatnonzero(empty.to_numpy())[:5] + 1).tolist()
            raise DataError(f"causes column {col!r} is empty in row(s) {rows}; every row needs "
                            "a bone and a cause")
    if "count" in causes.columns:
        values = pd.to_numeric(causes["count"], errors="coerce")
        bad = (values < 0) | (causes["count"].notna() & values.isna())
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy())[:5] + 1).tolist()
            raise DataError(f"causes column 'count' must be a number >= 0; bad in row(s) {rows}")
    return causes


def _cause_level(causes: pd.DataFrame) -> pd.DataFrame:
    """One row per (bone, cause) in first-appearance order, with ``votes`` summed."""
    frame = causes.assign(_order=np.arange(len(causes)))
    grouped = frame.groupby(["bone", "cause"], sort=False)
    out = grouped["_order"].min().reset_index()
    if "cause_en" in causes.columns:
        out["cause_en"] = grouped["cause_en"].first().to_numpy()
    if "count" in causes.columns and causes["count"].notna().any():
        votes = grouped["count"].apply(lambda s: pd.to_numeric(s, errors="coerce").sum(min_count=1))
        out["votes"] = votes.to_numpy()
    return out.sort_values("_order", kind="mergesort").drop(columns="_order").reset_index(drop=True)


# --------------------------------------------------------------------------- priorities
def prioritise(causes: pd.DataFrame, evidence: pd.DataFrame | None = None, *,
               weights: Mapping[str, float] | None = None, threshold: float = 0.8,
               top: int | None = None) -> pd.DataFrame:
    """Rank causes by votes and evidence and mark the key factors (要因).

    Parameters
    ----------
    causes : DataFrame
        ``bone``, ``cause``, optional ``subcause`` and ``count`` (votes). Rows of one
        cause (its sub-causes) are summed to one cause.
    evidence : DataFrame, optional
        Column ``cause`` plus one or more numeric evidence columns (e.g.
        ``complaints``: complaint counts traced to the cause; ``minutes``: queueing
        time). Several rows of a cause are summed; causes without a row score 0.
    weights : mapping, optional
        Evidence column (or ``"votes"``) -> weight >= 0; default equal weights.
    threshold : float, default 0.8
        Key factors are the smallest set of leading causes whose cumulative score
        reaches this share (Pareto's vital few).
    top : int, optional
        Take exactly the first ``top`` causes as key factors instead (a team's own
        choice, e.g. six); ``threshold`` is then not used.

    Returns
    -------
    DataFrame
        One row per cause, best first, columns:

        - ``rank`` (int): 1 = highest score; ties by cause name.
        - ``bone``, ``cause`` (str); ``cause_en`` when ``causes`` has it.
        - ``votes`` (when ``causes`` has counts) and each evidence column: raw totals.
        - ``score`` (float 0-1): weighted mean of the cause's share of each evidence
          column's total; scores add up to 1.
        - ``cum_score`` (float 0-1): cumulative score down the table.
        - ``key_factor`` (bool)

    Method
    ------
    Each evidence source is put on one scale by taking the cause's share of that
    source's total (so 40 votes and 400 complaints can be combined), then averaged
    with ``weights``; the Pareto rule on the score gives the key factors. With only
    votes this is the classic multivoting Pareto of DOMAIN.md section 1.

    References
    ----------
    Tague, N. R. (2005). *The Quality Toolbox*, 2nd ed., ASQ Quality Press
    (multivoting; Pareto chart; weighted criteria).

    Raises
    ------
    TypeError
        ``causes`` or ``evidence`` is not a DataFrame.
    DataError
        Missing columns; evidence for causes that are not in ``causes`` (listed); no
        evidence at all (no counts and no ``evidence``); non-numeric or negative
        evidence.
    ValueError
        Bad ``weights``, ``threshold`` or ``top``.

    Examples
    --------
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "人员", "方法"],
    ...                        "cause": ["引导员职责未落实", "服务意识不强", "未细分客户"],
    ...                        "count": [9, 6, 5]})
    >>> prioritise(causes, threshold=0.7)[["rank", "cause", "score", "key_factor"]]
       rank     cause  score  key_factor
    0     1  引导员职责未落实   0.45        True
    1     2    服务意识不强   0.30        True
    2     3     未细分客户   0.25       False
    """
    causes = _check_causes(causes)
    check_share(threshold, "threshold", example="0.8")
    if top is not None:
        check_how_many(top, "top", hint=" (how many key factors)")

    table = _cause_level(causes)
    sources = ["votes"] if "votes" in table.columns else []
    if evidence is not None:
        check_frame(evidence, "evidence")
        require_columns(evidence, ("cause",), "evidence")
        columns = [c for c in evidence.columns if c != "cause"]
        if not columns:
            raise DataError("evidence needs at least one numeric column beside 'cause'; columns are: "
                            + ", ".join(map(str, evidence.columns)))
        clash = [c for c in columns if c in table.columns]
        if clash:
            raise DataError(f"evidence column(s) {', '.join(clash)} clash with the causes table "
                            "(votes come from causes.count); rename them")
        unknown = sorted(set(evidence["cause"].astype(str)) - set(table["cause"].astype(str)))
        if unknown:
            raise DataError(f"evidence names causes that are not in causes: {', '.join(unknown)}; "
                            "spell them as in the causes table")
        numeric = evidence[columns].apply(pd.to_numeric, errors="coerce")
        bad = (numeric.isna() & evidence[columns].notna()) | (numeric < 0)
        if bad.to_numpy().any():
            cols = [c for c in columns if bad[c].any()]
            raise DataError(f"evidence column(s) {', '.join(cols)} must hold numbers >= 0")
        summed = numeric.groupby(evidence["cause"].astype(str).to_numpy()).sum()
        for col in columns:
            table[col] = table["cause"].astype(str).map(summed[col]).fillna(0).to_numpy()
        sources += columns
    if not sources:
        raise DataError("no evidence to rank causes by: give causes a count (votes) column or "
                        "pass evidence")

    if weights is None:
        weights = {s: 1.0 for s in sources}
    else:
        if not isinstance(weights, Mapping):
            raise TypeError(f"weights must be a mapping of evidence column to weight, got {weights!r}")
        unknown = [k for k in weights if k not in sources]
        if unknown or any(not isinstance(v, (int, float)) or v < 0 for v in weights.values()):
            raise ValueError(f"weights must map evidence columns ({', '.join(sources)}) to numbers "
                             f">= 0, got {dict(weights)!r}")
        weights = {s: float(weights.get(s, 0.0)) for s in sources}
    total_weight = sum(w for s, w in weights.items() if table[s].fillna(0).sum() > 0)
    if total_weight <= 0:
        raise DataError("every evidence column with a weight is all zero: nothing to rank by")

    score = np.zeros(len(table))
    for source in sources:
        values = table[source].fillna(0).to_numpy(dtype=float)
        if values.sum() > 0:
            score += weights[source] / total_weight * values / values.sum()
    table["score"] = score
    table = table.sort_values(["score", "cause"], ascending=[False, True], kind="mergesort",
                              ignore_index=True)
    table["cum_score"] = table["score"].cumsum()
    if top is not None:
        table["key_factor"] = np.arange(len(table)) < top
    else:
        reached = (table["cum_score"] >= threshold - 1e-12).to_numpy()
        cutoff = int(np.argmax(reached)) if reached.any() else len(table) - 1
        table["key_factor"] = np.arange(len(table)) <= cutoff
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    for source in sources:
        values = table[source]
        if (values.dropna() == values.dropna().round()).all():
            table[source] = values.astype("Int64")
    names = ["cause", "cause_en"] if "cause_en" in table.columns else ["cause"]
    return table[["rank", "bone", *names, *sources, "score", "cum_score", "key_factor"]]


# --------------------------------------------------------------------------- action plan
def action_plan(key_factors: pd.DataFrame, actions: pd.DataFrame, *, as_of=None,
                done: Iterable[str] = DONE_STATUSES) -> pd.DataFrame:
    """The action register beside the key factors, with gaps and overdue actions flagged.

    Parameters
    ----------
    key_factors : DataFrame
        Column ``cause`` (and ``rank``), e.g. :func:`prioritise`'s result; when it has a
        ``key_factor`` column only the rows marked True are key factors.
    actions : DataFrame
        The action register: ``cause``, ``action``, ``owner``, ``due``, ``status``
        (owner, due and status may be blank).
    as_of : date-like, optional
        The reporting date. An action is overdue when its due date is before
        ``as_of`` and its status is not finished. Without it ``overdue`` is missing.
    done : iterable of str
        Statuses meaning finished (case and spaces ignored); default
        :data:`DONE_STATUSES`.

    Returns
    -------
    DataFrame
        Key factors in rank order, one row per action (a key factor without actions gets
        one row with an empty action), then actions on causes that are not key factors.
        Columns:

        - ``rank`` (Int64): the key factor's rank (missing for other causes).
        - ``cause`` (str); ``cause_en`` when ``key_factors`` has it.
        - ``key_factor`` (bool)
        - ``action``, ``owner`` (str), ``due`` (datetime64), ``status`` (str)
        - ``no_action`` (bool): a key factor with no action in the register.
        - ``overdue`` (boolean): due before ``as_of`` and not finished; False when there
          is no due date or no action; missing when ``as_of`` is not given.

    Raises
    ------
    TypeError
        An argument is not a DataFrame.
    DataError
        Missing columns, or a due date that cannot be read (the rows are named).
    ValueError
        ``as_of`` is not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"rank": [1, 2], "cause": ["引导员职责未落实", "服务意识不强"]})
    >>> acts = pd.DataFrame({"cause": ["引导员职责未落实"], "action": ["岗位职责纳入考核"],
    ...                      "owner": ["陈经理"], "due": ["2008-08-31"], "status": ["进行中"]})
    >>> plan = action_plan(kf, acts, as_of="2008-09-30")
    >>> plan[["cause", "no_action", "overdue"]]
          cause  no_action  overdue
    0  引导员职责未落实      False     True
    1    服务意识不强       True    False
    """
    check_frame(key_factors, "key_factors")
    check_frame(actions, "actions")
    require_columns(key_factors, ("cause",), "key_factors")
    require_columns(actions, ("cause", "action", "owner", "due", "status"), "actions")
    when = None
    if as_of is not None:
        try:
            when = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"as_of must be a date such as '2008-12-31', got {as_of!r}") from exc
        if pd.isna(when):
            raise ValueError(f"as_of must be a date such as '2008-12-31', got {as_of!r}")

    factors = key_factors
    if "key_factor" in factors.columns:
        factors = factors.loc[factors["key_factor"].astype(bool).to_numpy()]
    factors = factors.copy()
    if "rank" not in factors.columns:
        factors["rank"] = np.arange(1, len(factors) + 1)
    names = ["cause", "cause_en"] if "cause_en" in factors.columns else ["cause"]
    factors = factors.sort_values("rank", kind="mergesort")[["rank", *names]]
    factors["cause"] = factors["cause"].astype(str)

    register = actions[["cause", "action", "owner", "due", "status"]].copy()
    register["cause"] = register["cause"].astype(str)
    due = pd.to_datetime(register["due"], errors="coerce")
    unreadable = due.isna() & ~_blank(register["due"])
    if unreadable.any():
        rows = (np.flatnonzero(unreadable.to_numpy())[:5] + 1).tolist()
        raise DataError(f"actions column 'due' has dates that cannot be read in row(s) {rows}; "
                        "write them as 2008-08-31")
    register["due"] = due

    joined = factors.merge(register, on="cause", how="left", sort=False)
    joined["key_factor"] = True
    others = register.loc[~register["cause"].isin(factors["cause"])].copy()
    others["rank"] = pd.NA
    others["key_factor"] = False
    plan = pd.concat([joined, others], ignore_index=True)
    plan["rank"] = plan["rank"].astype("Int64")
    has_action = ~_blank(plan["action"])
    plan["no_action"] = plan["key_factor"] & ~has_action
    finished_words = {str(s).strip().casefold() for s in done}
    finished = plan["status"].map(lambda s: not pd.isna(s) and str(s).strip().casefold() in finished_words)
    if when is None:
        plan["overdue"] = pd.array([pd.NA] * len(plan), dtype="boolean")
    else:
        late = (plan["due"] < when).fillna(False).astype(bool)
        plan["overdue"] = pd.array(late & has_action & ~finished.astype(bool), dtype="boolean")
    plan["no_action"] = plan["no_action"].astype(bool)
    plan["key_factor"] = plan["key_factor"].astype(bool)
    return plan[["rank", *names, "key_factor", "action", "owner", "due", "status", "no_action",
                 "overdue"]]


def votes_only(priorities: pd.DataFrame) -> bool:
    """Whether :func:`prioritise` scored on votes alone (its ``score`` is a share of the votes).

    With other evidence (complaint counts, minutes) the score is the mean of each cause's
    shares, and is read as a combined share.
    """
    known = {"rank", "bone", "cause", "subcause", "cause_en", "votes", "score", "cum_score", "key_factor"}
    return not (set(priorities.columns) - known)


# The sentences moved to cxeval.text.rootcause, the tables to cxeval.report.rootcause and
# the fishbone drawing to cxeval.plots.rootcause; their names keep working here for one
# release.
__getattr__ = moved(__name__, {
    "cxeval.text.rootcause": ["describe_fishbone", "describe_priorities", "describe_action_plan"],
    "cxeval.report.rootcause": ["show_priorities", "show_action_plan"],
    "cxeval.plots.rootcause": ["fishbone"],
})
