"""Running an improvement project: charter, plan, action register, benefits and the PDCA trail.

The Chaozhou 2008 project (DOMAIN.md section 1) is run, not only analysed: a team with
roles, a SMART goal (hall satisfaction >= 95%, stable), a WBS with key and risk points and
milestones, a pilot and a rollout, periodic reporting (定时通报) and follow-up. This module
turns the project's own files (data kinds ``charter``, ``team``, ``tasks``; the ``actions``
register and the ``pilots`` register) and the survey into the tables notebook 06 shows:

* :func:`choose_project` — the branch's charter row;
* :func:`as_of_date` — the date the report is "today": a parameter, else the end of the
  latest survey month (never the wall clock, so a report can be made again);
* :func:`plan_table` / :func:`plan_summary` — the tasks with their state on that date
  (done, in progress, not started, overdue), milestones, key and risk points;
* :func:`benefits` / :func:`goal_status` — the goal metric month by month against the
  target, marked baseline / pilot / rollout, and whether the goal is met and held;
* :func:`action_register` / :func:`owners` — actions with owner, status and overdue,
  and each owner's load;
* :func:`pdca` — action → measured change → next step.

Sentences are in :mod:`cxeval.text.project`, charts in :mod:`cxeval.plots.project`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cxeval.checks import check_frame, require_columns
from cxeval.errors import DataError

__all__ = ["STATES", "NEXT_STEPS", "choose_branch", "choose_project", "project_rows", "as_of_date",
           "plan_table", "plan_summary", "benefits", "goal_status", "action_register", "owners",
           "pdca", "pilot_marks", "ProjectStatus", "assess"]

#: Task and action states on the as-of date, in display order.
STATES = ("done", "in_progress", "not_started", "overdue")
#: PDCA next steps (the "Act" of the trail), in order of urgency.
NEXT_STEPS = ("chase", "correct", "revisit", "continue", "standardise", "check_later", "finish")
#: Statuses meaning "started, not finished" (case and spaces ignored).
STARTED_STATUSES = ("进行中", "实施中", "推进中", "执行中", "in progress", "ongoing", "started", "doing")


def _timestamp(value, name: str) -> pd.Timestamp:
    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a date such as '2008-12-31', got {value!r}") from exc
    if pd.isna(when):
        raise ValueError(f"{name} must be a date such as '2008-12-31', got {value!r}")
    return when.normalize()


def _words(values: Iterable[str]) -> set[str]:
    return {str(v).strip().casefold() for v in values}


def _flag(series: pd.Series) -> np.ndarray:
    """A yes/no column as plain booleans (blank = no)."""
    return series.astype("boolean").fillna(False).to_numpy(dtype=bool)


# --------------------------------------------------------------------------- charter
def choose_branch(data_dir, branch: str = "") -> str:
    """The branch notebook 06 reports on: ``branch``, or the first branch with a charter.

    Falls back to :func:`cxeval.data.choose_branch` (which also checks a given name)."""
    from cxeval import data

    name = str(branch or "").strip()
    if not name:
        charter = data.load_input(data_dir, "charter", "charter", required=False)
        if charter is not None and len(charter):
            name = str(charter["branch"].iloc[0]).strip()
    return data.choose_branch(data_dir, name)


def choose_project(charter: pd.DataFrame | None, *, branch: str, project: str = "") -> pd.Series:
    """The charter row of ``branch``'s project (``project``, or the branch's first).

    Raises
    ------
    NotApplicable
        The branch has no project charter (the batch records n/a).
    DataError
        ``project`` is given but the branch has no project of that name (the names are listed).
    """
    from cxeval.errors import NotApplicable

    rows = None if charter is None else charter[charter["branch"].astype(str).str.strip() == str(branch)]
    if rows is None or rows.empty:
        raise NotApplicable(f"{branch}没有改进项目：项目章程（charter）中没有本分公司的项目。",
                            f"{branch} has no improvement project: the project charter (charter) has "
                            "no project of this branch.")
    name = str(project or "").strip()
    if not name:
        return rows.iloc[0]
    mine = rows[rows["project"].astype(str).str.strip() == name]
    if mine.empty:
        raise DataError(f"{branch} has no project {name!r} in the charter; its projects: "
                        + ", ".join(rows["project"].astype(str)))
    return mine.iloc[0]


def project_rows(df: pd.DataFrame | None, *, branch: str, project: str,
                 single: bool = False) -> pd.DataFrame | None:
    """Rows of ``df`` (team, tasks, actions) for the branch's project.

    A blank ``project`` cell (or a file without the column) means the branch's project;
    with ``single`` (the branch has one project) every row of the branch counts.
    """
    if df is None:
        return None
    rows = df[df["branch"].astype(str).str.strip() == str(branch)] if "branch" in df.columns else df
    if "project" not in rows.columns or single:
        return rows
    names = rows["project"].astype("string").str.strip()
    return rows[(names.isna() | (names == "") | (names == str(project))).fillna(False).to_numpy()]


def as_of_date(survey: pd.DataFrame | None, *, branch: str, as_of: str = "",
               tasks: pd.DataFrame | None = None) -> dict:
    """The report's "today": ``as_of`` if given, else the end of the latest survey month.

    Without survey rows for the branch, the latest start date in the plan stands in
    (the last thing known to have begun). Never the wall clock: the same data and
    parameters give the same report.

    Returns
    -------
    dict
        ``as_of`` (Timestamp) and ``setting`` (for :func:`cxeval.report.settings_note`).
    """
    given = str(as_of or "").strip()
    source = ("数据中最近月份的最后一天", "the last day of the latest month in the survey")
    if given:
        when = _timestamp(given, "as_of")
    else:
        when = None
        if survey is not None and "period" in survey.columns:
            mine = survey[survey["branch"].astype(str) == str(branch)]["period"].dropna().astype(str)
            months = [p for p in mine.unique() if len(p) == 7]
            if months:
                when = pd.Period(max(months), "M").to_timestamp(how="end").normalize()
        if when is None and tasks is not None and len(tasks):
            when = pd.Timestamp(tasks["start"].max()).normalize()
            source = ("计划中最近的开始日期", "the latest start date in the plan")
        if when is None:
            raise DataError(f"{branch}: no date to check the plan on: give as_of (e.g. 2008-12-31) "
                            "or add the survey of the goal metric")
    setting = {"name": "as_of", "value": f"{when:%Y-%m-%d}", "given": bool(given),
               "label": ("检查日期", "checked on"), "source": source}
    return {"as_of": when, "setting": setting}


# --------------------------------------------------------------------------- plan
def _state(status: pd.Series, due: pd.Series, start: pd.Series | None, as_of: pd.Timestamp,
           done_words) -> tuple[np.ndarray, np.ndarray]:
    """State of each row on ``as_of`` and whether it is overdue."""
    from cxeval.rootcause import DONE_STATUSES

    words = _words(done_words if done_words is not None else DONE_STATUSES)
    text = status.astype("string").str.strip().str.casefold()
    done = np.array(text.isin(words).fillna(False), dtype=bool)
    started = np.array(text.isin(_words(STARTED_STATUSES)).fillna(False), dtype=bool)
    if start is not None:   # a task whose start has passed is under way even without a status
        started = started | (np.array(text.isna(), dtype=bool) & np.array((start <= as_of).fillna(False), dtype=bool))
    overdue = ~done & np.array((due < as_of).fillna(False), dtype=bool)
    state = np.where(done, "done", np.where(overdue, "overdue", np.where(started, "in_progress",
                                                                         "not_started")))
    return state, overdue


def plan_table(tasks: pd.DataFrame, *, as_of, done: Iterable[str] | None = None) -> pd.DataFrame:
    """The project plan with each task's state on ``as_of``.

    Parameters
    ----------
    tasks : DataFrame
        Data kind ``tasks`` (``task``, ``start``, ``end``; optional ``wbs``, ``phase``,
        ``owner``, ``milestone``, ``key_point``, ``risk``, ``status``).
    as_of : date-like
        The report's date.
    done : iterable of str, optional
        Statuses meaning finished (default :data:`cxeval.rootcause.DONE_STATUSES`).

    Returns
    -------
    DataFrame
        One row per task in plan order (WBS, then start), columns ``wbs``, ``task``,
        ``phase``, ``owner``, ``start``, ``end``, ``days`` (calendar days, both ends
        counted), ``milestone``, ``key_point``, ``risk_point`` (bool: a risk is
        described), ``risk``, ``status``, ``state`` (one of :data:`STATES`) and
        ``overdue`` (end before ``as_of`` and not finished).

    Raises
    ------
    DataError
        A needed column is missing, or a task ends before it starts (rows named).
    """
    check_frame(tasks, "tasks")
    require_columns(tasks, ("task", "start", "end"), "tasks")
    when = _timestamp(as_of, "as_of")
    out = pd.DataFrame({"wbs": tasks["wbs"] if "wbs" in tasks else pd.Series(pd.NA, index=tasks.index),
                        "task": tasks["task"].astype(str),
                        "phase": tasks["phase"] if "phase" in tasks else pd.NA,
                        "owner": tasks["owner"] if "owner" in tasks else pd.NA,
                        "start": pd.to_datetime(tasks["start"]).dt.normalize(),
                        "end": pd.to_datetime(tasks["end"]).dt.normalize()})
    backwards = out["end"] < out["start"]
    if backwards.any():
        names = ", ".join(out.loc[backwards, "task"].head(5))
        raise DataError(f"tasks end before they start: {names}; check the start and end dates")
    out["days"] = ((out["end"] - out["start"]).dt.days + 1).astype("int64")
    for col in ("milestone", "key_point"):
        out[col] = _flag(tasks[col]) if col in tasks else False
    risk = tasks["risk"].astype("string").str.strip() if "risk" in tasks else pd.Series(pd.NA, index=tasks.index,
                                                                                       dtype="string")
    out["risk_point"] = (risk.notna() & (risk != "")).to_numpy(dtype=bool)
    out["risk"] = risk.where(out["risk_point"].to_numpy(), pd.NA)
    out["status"] = tasks["status"] if "status" in tasks else pd.Series(pd.NA, index=tasks.index, dtype="string")
    out["state"], out["overdue"] = _state(out["status"], out["end"], out["start"], when, done)
    order = out["wbs"].astype("string").fillna("").map(_wbs_key)
    out = out.assign(_order=order).sort_values(["_order", "start"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def _wbs_key(code: str) -> tuple:
    """``"4.10"`` after ``"4.9"``: numeric parts compared as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in str(code).split("."))


def plan_summary(plan: pd.DataFrame, *, as_of) -> dict:
    """Counts of the plan on ``as_of``.

    Returns
    -------
    dict
        ``tasks``, ``done``, ``in_progress``, ``not_started``, ``overdue`` (counts of
        :func:`plan_table`'s states), ``overdue_tasks`` (names), ``milestones``,
        ``milestones_done``, ``next_milestone`` and ``next_milestone_date`` (the first not
        finished, None when all are), ``key_points``, ``open_risks`` (risk points of tasks
        not finished: names), ``start``, ``end`` (of the plan), ``progress`` (share of
        the tasks finished).
    """
    when = _timestamp(as_of, "as_of")
    counts = {s: int((plan["state"] == s).sum()) for s in STATES}
    miles = plan[plan["milestone"]]
    upcoming = miles[miles["state"] != "done"].sort_values("end", kind="stable")
    open_risks = plan[plan["risk_point"] & (plan["state"] != "done")]
    return {"tasks": int(len(plan)), **counts,
            "overdue_tasks": plan.loc[plan["overdue"], "task"].tolist(),
            "milestones": int(len(miles)), "milestones_done": int((miles["state"] == "done").sum()),
            "next_milestone": upcoming["task"].iloc[0] if len(upcoming) else None,
            "next_milestone_date": upcoming["end"].iloc[0] if len(upcoming) else None,
            "key_points": int(plan["key_point"].sum()), "open_risks": open_risks["task"].tolist(),
            "start": plan["start"].min() if len(plan) else None, "end": plan["end"].max() if len(plan) else None,
            "progress": counts["done"] / len(plan) if len(plan) else float("nan"), "as_of": when}


# --------------------------------------------------------------------------- benefits
def benefits(survey: pd.DataFrame, *, branch: str, target: float, pilot_hall: str | None = None,
             pilot_start: str | None = None, rollout_start: str | None = None,
             conf: float = 0.95) -> pd.DataFrame:
    """The goal metric (hall satisfaction) month by month against the target.

    Parameters
    ----------
    survey : DataFrame
        Hall survey (data kind ``survey``) with counts or rates.
    branch : str
    target : float
        The charter's target (0–1).
    pilot_hall, pilot_start, rollout_start : str, optional
        From the pilot register: mark each month's phase and add the pilot hall's rate.
    conf : float

    Returns
    -------
    DataFrame
        :func:`cxeval.baseline.rates` by period for the branch's halls pooled
        (``period``, ``responses``, ``satisfied``, ``rate``, ``ci_low``, ``ci_high``,
        ``gap_to_target``, ``meets_target``), plus ``phase`` ("baseline" before the pilot,
        "pilot" from its start, "rollout" from the rollout; "" without a pilot) and
        ``pilot_rate`` (the pilot hall's rate; NaN without one).

    Raises
    ------
    DataError
        No survey rows for the branch.
    """
    from cxeval import baseline

    check_frame(survey, "survey")
    require_columns(survey, ("period", "branch"), "survey")
    mine = survey[survey["branch"].astype(str) == str(branch)]
    if mine.empty:
        raise DataError(f"{branch}: the survey has no rows for the goal metric of this branch")
    table = baseline.rates(mine, "period", target=target, conf=conf)
    periods = table["period"].astype(str)
    phase = pd.Series("", index=table.index, dtype=object)
    if pilot_start:
        phase[:] = "baseline"
        phase[periods >= str(pilot_start)] = "pilot"
        if rollout_start:
            phase[periods >= str(rollout_start)] = "rollout"
    table["phase"] = phase.to_numpy()
    table["pilot_rate"] = np.nan
    if pilot_hall and "hall" in mine.columns:
        hall = mine[mine["hall"].astype(str) == str(pilot_hall)]
        if len(hall):
            by_month = baseline.rates(hall, "period").set_index("period")["rate"]
            table["pilot_rate"] = periods.map(by_month).astype(float).to_numpy()
    return table


def goal_status(table: pd.DataFrame, *, target: float, pilot_start: str | None = None,
                conf: float = 0.95) -> dict:
    """Is the SMART goal met and held? Read from :func:`benefits`.

    The goal of the Chaozhou project — satisfaction at or above the target and stable —
    is checked over the months from the pilot start (every month, when there is no pilot):
    met when the latest month reaches the target, held when every month of the window
    does. The change is the window's pooled rate against the baseline months' (before the
    pilot), with Newcombe's interval (:func:`cxeval.pilot.compare_proportions`).

    Returns
    -------
    dict
        ``target``, ``current_period``, ``current_rate``, ``met`` (latest month),
        ``window_start``, ``months`` and ``months_met`` (in the window), ``missed``
        (months below target), ``held`` (every month of the window met), ``baseline_rate``,
        ``after_rate``, ``change``, ``ci_low``, ``ci_high`` (NaN without a pilot or counts).
    """
    from cxeval import pilot

    if table.empty:
        raise DataError("no months of the goal metric to check")
    last = table.iloc[-1]
    periods = table["period"].astype(str)
    window = table[periods >= str(pilot_start)] if pilot_start else table
    before = table[periods < str(pilot_start)] if pilot_start else table.iloc[0:0]
    out = {"target": float(target), "current_period": str(last["period"]), "current_rate": float(last["rate"]),
           "met": bool(last["rate"] >= target), "window_start": str(window["period"].iloc[0]) if len(window) else None,
           "months": int(len(window)), "months_met": int((window["rate"] >= target).sum()),
           "missed": window.loc[window["rate"] < target, "period"].astype(str).tolist(),
           "baseline_rate": float("nan"), "after_rate": float("nan"), "change": float("nan"),
           "ci_low": float("nan"), "ci_high": float("nan")}
    out["held"] = bool(len(window) and out["months_met"] == len(window))
    counted = before["responses"].notna().all() and window["responses"].notna().all()
    if len(before) and len(window) and counted:
        cmp = pilot.compare_proportions(int(window["satisfied"].sum()), int(window["responses"].sum()),
                                        int(before["satisfied"].sum()), int(before["responses"].sum()), conf=conf)
        out.update(baseline_rate=cmp["rate_b"], after_rate=cmp["rate_a"], change=cmp["diff"],
                   ci_low=cmp["ci_low"], ci_high=cmp["ci_high"])
    return out


# --------------------------------------------------------------------------- actions
def action_register(actions: pd.DataFrame, *, as_of, done: Iterable[str] | None = None) -> pd.DataFrame:
    """The action register with each action's state on ``as_of``.

    Overdue is :func:`cxeval.rootcause.action_plan`'s rule (due before ``as_of``, not
    finished), so notebooks 02 and 06 never disagree about an action.

    Returns
    -------
    DataFrame
        ``cause``, ``action``, ``owner``, ``due``, ``status``, ``state`` (one of
        :data:`STATES`; an action without a status whose due date has not come is
        "not_started") and ``overdue``, in due-date order.
    """
    from cxeval import rootcause

    check_frame(actions, "actions")
    kwargs = {} if done is None else {"done": done}
    plan = rootcause.action_plan(pd.DataFrame({"cause": pd.Series([], dtype=str)}), actions, as_of=as_of,
                                 **kwargs)
    plan = plan[["cause", "action", "owner", "due", "status", "overdue"]].copy()
    plan["overdue"] = plan["overdue"].fillna(False).astype(bool)
    state, _ = _state(plan["status"], plan["due"], None, _timestamp(as_of, "as_of"), done)
    plan["state"] = np.where(plan["overdue"].to_numpy(), "overdue", state)
    cols = ["cause", "action", "owner", "due", "status", "state", "overdue"]
    return plan[cols].sort_values("due", kind="stable", na_position="last").reset_index(drop=True)


def owners(plan: pd.DataFrame, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each owner's tasks and actions: how many, finished, overdue.

    Returns
    -------
    DataFrame
        ``owner``, ``tasks``, ``tasks_done``, ``tasks_overdue``, ``actions``,
        ``actions_done``, ``actions_overdue``; owners with most overdue first. Blank
        owners are listed as "" (not assigned).
    """
    frames = []
    for kind, table in (("tasks", plan), ("actions", register)):
        if table is None or table.empty:
            continue
        part = pd.DataFrame({"owner": table["owner"].astype("string").fillna("").str.strip(),
                             "done": (table["state"] == "done").to_numpy(),
                             "overdue": table["overdue"].to_numpy(dtype=bool)})
        agg = part.groupby("owner", sort=False).agg(n=("done", "size"), d=("done", "sum"), o=("overdue", "sum"))
        agg.columns = [kind, f"{kind}_done", f"{kind}_overdue"]
        frames.append(agg)
    cols = ["owner", "tasks", "tasks_done", "tasks_overdue", "actions", "actions_done", "actions_overdue"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, axis=1).fillna(0).astype("int64").reset_index().rename(columns={"index": "owner"})
    for col in cols[1:]:
        if col not in out:
            out[col] = 0
    out["_late"] = out["tasks_overdue"] + out["actions_overdue"]
    out = out.sort_values(["_late", "owner"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def _month(ts) -> pd.Period:
    return pd.Timestamp(ts).to_period("M")


def pdca(register: pd.DataFrame, table: pd.DataFrame, *, as_of, target: float, window: int = 3,
         conf: float = 0.95) -> pd.DataFrame:
    """The PDCA trail of each action: plan → do → check (measured change) → act (next step).

    Parameters
    ----------
    register : DataFrame
        :func:`action_register`.
    table : DataFrame
        :func:`benefits` (the goal metric by month, with counts).
    as_of : date-like
    target : float
    window : int
        Months compared on each side of the action's due month: the ``window`` months
        before it against the ``window`` months after it (only months up to ``as_of``).
    conf : float

    Returns
    -------
    DataFrame
        One row per action, in the register's order: ``cause``, ``action``, ``owner``,
        ``due``, ``state``; ``before_months`` and ``after_months`` (the months compared,
        as "2008-05 – 2008-07"), ``before_rate``, ``after_rate``, ``change`` with
        ``ci_low`` / ``ci_high`` (Newcombe), ``measured`` (both sides have data) and
        ``next_step`` (one of :data:`NEXT_STEPS`):

        - ``chase``: overdue — get the owner to finish or re-plan it;
        - ``finish``: under way or not started, not yet due — check after it is done;
        - ``check_later``: done, but no month after it yet;
        - ``correct``: satisfaction fell clearly (the interval below zero);
        - ``revisit``: no clear change — back to the root causes;
        - ``continue``: a clear rise but the months after are not all at the target;
        - ``standardise``: a clear rise and every month after at the target — make it
          the rule (固化) and spread it.

    Notes
    -----
    The change is the branch's satisfaction around the action's due date, which every
    action and outside event of those months moves: it shows whether the months after
    the action were better, not an effect attributable to the action alone (notebook 03's
    difference-in-differences is the test of an effect).
    """
    from cxeval import pilot

    when = _timestamp(as_of, "as_of")
    last_month = _month(when) if when == when.to_period("M").to_timestamp(how="end").normalize() \
        else _month(when) - 1
    months = table.assign(_p=table["period"].astype(str).map(lambda p: pd.Period(p, "M")))
    rows = []
    for act in register.itertuples(index=False):
        row = {"cause": act.cause, "action": act.action, "owner": act.owner, "due": act.due, "state": act.state,
               "before_months": "", "after_months": "", "before_rate": np.nan, "after_rate": np.nan,
               "change": np.nan, "ci_low": np.nan, "ci_high": np.nan, "measured": False}
        if pd.notna(act.due):
            due = _month(act.due)
            before = months[(months["_p"] < due) & (months["_p"] >= due - window)]
            after = months[(months["_p"] > due) & (months["_p"] <= min(due + window, last_month))]
            if len(before) and len(after) and before["responses"].notna().all() and after["responses"].notna().all():
                cmp = pilot.compare_proportions(int(after["satisfied"].sum()), int(after["responses"].sum()),
                                                int(before["satisfied"].sum()), int(before["responses"].sum()),
                                                conf=conf)
                row.update(before_months=_span(before["period"]), after_months=_span(after["period"]),
                           before_rate=cmp["rate_b"], after_rate=cmp["rate_a"], change=cmp["diff"],
                           ci_low=cmp["ci_low"], ci_high=cmp["ci_high"], measured=True,
                           _after_all_met=bool((after["rate"] >= target).all()))
        row["next_step"] = _next_step(row)
        row.pop("_after_all_met", None)
        rows.append(row)
    cols = ["cause", "action", "owner", "due", "state", "before_months", "after_months", "before_rate",
            "after_rate", "change", "ci_low", "ci_high", "measured", "next_step"]
    return pd.DataFrame(rows, columns=cols)


def _span(periods: pd.Series) -> str:
    first, last = str(periods.iloc[0]), str(periods.iloc[-1])
    return first if first == last else f"{first} – {last}"


def _next_step(row: dict) -> str:
    if row["state"] == "overdue":
        return "chase"
    if row["state"] != "done":
        return "finish"
    if not row["measured"]:
        return "check_later"
    if row["ci_high"] < 0:
        return "correct"
    if row["ci_low"] <= 0:
        return "revisit"
    return "standardise" if row.get("_after_all_met") else "continue"


# --------------------------------------------------------------------------- the whole report
def pilot_marks(pilots: pd.DataFrame | None, *, branch: str) -> dict:
    """The pilot hall and the pilot and rollout months of ``branch`` from the pilot register.

    Unlike :func:`cxeval.pilot.declared_pilot` a branch without a pilot is not an error
    here: the project report then marks no phases. Returns ``pilot_hall``,
    ``pilot_start``, ``rollout_start`` (None when not declared).
    """
    none = {"pilot_hall": None, "pilot_start": None, "rollout_start": None}
    if pilots is None or "branch" not in pilots:
        return none
    mine = pilots[pilots["branch"].astype(str).str.strip() == str(branch)]
    if mine.empty:
        return none
    row = mine.iloc[0]
    rollout = row.get("rollout_start")
    return {"pilot_hall": str(row["hall"]).strip(), "pilot_start": str(row["pilot_start"]),
            "rollout_start": str(rollout) if pd.notna(rollout) else None}


class ProjectStatus:
    """Everything notebook 06 shows for one project; built by :func:`assess`.

    Attributes
    ----------
    branch : str
    charter : Series
        The charter row (``project``, ``goal``, ``metric``, ``target``, ``scope``, ``start``, ``end``).
    team : DataFrame
        ``name``, ``role``, ``department``, ``duty`` (empty without a team file).
    as_of : Timestamp
    settings : list of dict
        For :func:`cxeval.report.settings_note`.
    marks : dict
        :func:`pilot_marks`.
    plan : DataFrame
        :func:`plan_table` (empty without tasks); ``summary``: :func:`plan_summary`.
    benefits : DataFrame or None
        :func:`benefits` (None without survey rows of the branch); ``goal``:
        :func:`goal_status` (None likewise).
    register : DataFrame
        :func:`action_register` (empty without actions); ``owners``: :func:`owners`;
        ``trail``: :func:`pdca` (empty without benefits or actions).
    """

    def __init__(self, **parts):
        self.__dict__.update(parts)

    @property
    def target(self) -> float:
        return float(self.charter["target"])

    def key_numbers(self) -> dict:
        """:func:`cxeval.report.project.key_numbers` of the project (goal numbers None without a survey)."""
        from cxeval.report.project import key_numbers

        return key_numbers(self)

    def index_entry(self) -> dict:
        """:func:`cxeval.report.project.index_entry` (without a survey: tasks only, no colour)."""
        from cxeval.report.project import index_entry

        return index_entry(self)


_PLAN_COLUMNS = ["wbs", "task", "phase", "owner", "start", "end", "days", "milestone", "key_point", "risk_point",
                 "risk", "status", "state", "overdue"]


def assess(charter: pd.DataFrame | None, *, branch: str, project: str = "", team=None, tasks=None,
           actions=None, survey=None, pilots=None, as_of: str = "", window: int = 3) -> ProjectStatus:
    """Every part of the project report of ``branch`` (notebook 06).

    Parameters
    ----------
    charter : DataFrame or None
        Data kind ``charter``; the branch's project must be there.
    branch, project : str
        The branch, and the project's name (empty: the branch's first project).
    team, tasks, actions, survey, pilots : DataFrame or None
        The other inputs, each optional: a missing one leaves its section empty.
        ``actions`` are the branch's (:func:`cxeval.data.for_branch`).
    as_of : str
        The report's date (empty: :func:`as_of_date`).
    window : int
        Months on each side of an action's due month in the PDCA check.

    Raises
    ------
    NotApplicable
        The branch has no project charter.
    """
    row = choose_project(charter, branch=branch, project=project)
    name = str(row["project"])
    single = charter is not None and int((charter["branch"].astype(str).str.strip() == str(branch)).sum()) == 1
    team = project_rows(team, branch=branch, project=name, single=single)
    tasks = project_rows(tasks, branch=branch, project=name, single=single)
    checked = as_of_date(survey, branch=branch, as_of=as_of, tasks=tasks)
    when = checked["as_of"]
    marks = pilot_marks(pilots, branch=branch)
    plan = plan_table(tasks, as_of=when) if tasks is not None and len(tasks) else pd.DataFrame(columns=_PLAN_COLUMNS)
    summary = plan_summary(plan, as_of=when)
    has_survey = survey is not None and (survey["branch"].astype(str) == str(branch)).any()
    table = benefits(survey, branch=branch, target=float(row["target"]), **marks) if has_survey else None
    goal = goal_status(table, target=float(row["target"]), pilot_start=marks["pilot_start"]) \
        if table is not None else None
    register = action_register(actions, as_of=when) if actions is not None and len(actions) else \
        pd.DataFrame(columns=["cause", "action", "owner", "due", "status", "state", "overdue"])
    trail = pdca(register, table, as_of=when, target=float(row["target"]), window=window) \
        if table is not None and len(register) else pd.DataFrame()
    members = team[[c for c in ("name", "role", "department", "duty") if c in team.columns]] \
        if team is not None else pd.DataFrame(columns=["name", "role", "department", "duty"])
    settings = [checked["setting"],
                {"name": "project_name", "value": name, "given": bool(str(project or "").strip()),
                 "label": ("项目", "project"), "source": ("项目章程中本分公司的第一个项目",
                                                          "the branch's first project in the charter")}]
    return ProjectStatus(branch=str(branch), charter=row, team=members.reset_index(drop=True), as_of=when,
                         settings=settings, marks=marks, plan=plan, summary=summary, benefits=table, goal=goal,
                         register=register, owners=owners(plan, register if len(register) else None),
                         trail=trail)
