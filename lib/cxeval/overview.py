"""The run's overview: every branch side by side against each target (notebook 00).

A manager's first questions are provincial: how does the province stand against its
targets, which branches lead and lag, what moved this month. Each function here takes
the loaded inputs of the whole run and returns a tidy DataFrame (numbers, not text) with
one row per branch, month or target; the sentences that narrate them are in
:mod:`cxeval.text.overview` and the charts in :mod:`cxeval.plots.overview`. The
statistics themselves are the analysis modules' (:func:`cxeval.baseline.rates`,
:func:`cxeval.baseline.change`, :func:`cxeval.complaints.campaign`,
:meth:`cxeval.kpi.Scorecard.totals`, :func:`cxeval.pilot.evaluate`): the overview only
gathers them over branches.

"Province" is the whole of the input data: the provincial FCR benchmark and the
campaign's provincial trajectory are computed over every ticket, as the campaign
defines them, whichever branches a run reports on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from cxeval.errors import DataError

__all__ = [
    "require_inputs", "quarterly_table", "annual_table", "brand_grid", "satisfaction_by_month",
    "satisfaction_grid", "target_status", "movers", "scorecard_standings",
    "period_points", "annual_items", "campaign_province", "campaign_status", "fcr_by_branch",
    "pilot_verdicts", "lead_standings", "risks", "key_numbers", "RISK_KINDS",
]

#: Kinds of risk :func:`risks` reports, in the order they are listed.
RISK_KINDS = ("satisfaction", "campaign", "fcr", "lead", "pilot")


def _in_order(values, order: Sequence[str] | None) -> list:
    present = list(dict.fromkeys(values))
    if not order:
        return present
    return [b for b in order if b in set(present)]


def require_inputs(**inputs) -> None:
    """Stop the overview as not applicable when the run has none of its inputs.

    Each section of the overview says when its own input is absent; only a run with
    nothing at all to compare is not an overview.

    Raises
    ------
    cxeval.errors.NotApplicable
        Every input is None or empty.
    """
    from cxeval.errors import NotApplicable

    if all(v is None or (isinstance(v, pd.DataFrame) and v.empty) for v in inputs.values()):
        raise NotApplicable("没有任何可供比较的数据：满意度调查、投诉工单、考核得分和品牌调查都不存在。",
                            "Nothing to compare: no satisfaction survey, tickets, scores or brand survey.")


# --------------------------------------------------------------------------- satisfaction
def satisfaction_by_month(survey: pd.DataFrame | None, *, branches: Sequence[str] | None = None,
                          target: float = 0.95, conf: float = 0.95) -> pd.DataFrame:
    """Satisfaction per branch and month, halls pooled (Σ satisfied / Σ responses).

    Parameters
    ----------
    survey : DataFrame or None
        The hall survey (``survey`` contract) of every branch; None gives an empty frame.
    branches : sequence of str, optional
        Branches to keep, in this order (default: every branch, in data order).
    target : float
        Satisfaction target (0.95 = 95%).
    conf : float
        Level of the Wilson intervals.

    Returns
    -------
    DataFrame
        :func:`cxeval.baseline.rates` by ``branch`` and ``period``: ``branch``, ``period``,
        ``responses``, ``satisfied``, ``rate``, ``ci_low``, ``ci_high``,
        ``gap_to_target``, ``meets_target``; branches in ``branches`` order, months
        ascending. Pooled per region and month, the sample reproduces DOMAIN.md §1's
        Chaozhou table (潮安 92.63, 91.72, 96.31 in January to March 2008).
    """
    from cxeval import baseline

    columns = ["branch", "period", "responses", "satisfied", "rate", "ci_low", "ci_high",
               "gap_to_target", "meets_target"]
    if survey is None or survey.empty:
        return pd.DataFrame(columns=columns)
    rows = survey if not branches else survey[survey["branch"].isin(list(branches))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    table = baseline.rates(rows, ["branch", "period"], target=target, conf=conf)
    order = {b: i for i, b in enumerate(_in_order(rows["branch"], branches))}
    table = table.assign(_o=table["branch"].map(order)).sort_values(["_o", "period"], kind="stable")
    return table.drop(columns="_o").reset_index(drop=True)[columns]


def satisfaction_grid(table: pd.DataFrame, *, value: str = "rate") -> pd.DataFrame:
    """The branch × month layout of the source's baseline table (one row per branch).

    Parameters
    ----------
    table : DataFrame
        :func:`satisfaction_by_month`.
    value : str
        The column spread over the months.

    Returns
    -------
    DataFrame
        ``branch`` then one column per month (``"2008-01"`` ...), the branches in the
        table's order; a month without a survey for a branch is NaN.
    """
    if table.empty:
        return pd.DataFrame(columns=["branch"])
    order = list(dict.fromkeys(table["branch"]))
    wide = table.pivot(index="branch", columns="period", values=value).reindex(order)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index().rename_axis(columns=None)


def target_status(table: pd.DataFrame, *, target: float) -> pd.DataFrame:
    """Each branch's latest month against the target, and how many months met it.

    Parameters
    ----------
    table : DataFrame
        :func:`satisfaction_by_month`.
    target : float

    Returns
    -------
    DataFrame
        One row per branch: ``branch``, ``period`` (its latest surveyed month), ``rate``,
        ``ci_low``, ``ci_high``, ``target``, ``gap_to_target`` (rate − target),
        ``months`` (months surveyed), ``months_met`` (months at or above the target),
        ``status``: ``met`` (rate ≥ target), ``below`` (the whole interval under the
        target: not sampling noise) or ``watch`` (under the target, within noise).
    """
    columns = ["branch", "period", "rate", "ci_low", "ci_high", "target", "gap_to_target", "months",
               "months_met", "status"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for branch, part in table.groupby("branch", sort=False):
        part = part.sort_values("period")
        last = part.iloc[-1]
        met = part["rate"] >= target - 1e-12
        status = ("met" if last["rate"] >= target - 1e-12 else
                  "below" if last["ci_high"] < target else "watch")
        rows.append({"branch": branch, "period": last["period"], "rate": float(last["rate"]),
                     "ci_low": float(last["ci_low"]), "ci_high": float(last["ci_high"]),
                     "target": float(target), "gap_to_target": float(last["rate"] - target),
                     "months": int(len(part)), "months_met": int(met.sum()), "status": status})
    return pd.DataFrame(rows, columns=columns)


def movers(survey: pd.DataFrame | None, *, branches: Sequence[str] | None = None, n: int = 3,
           conf: float = 0.95) -> pd.DataFrame:
    """The branches whose satisfaction moved most from the month before to the latest month.

    Parameters
    ----------
    survey : DataFrame or None
        Hall survey rows of every branch.
    branches : sequence of str, optional
        Branches considered (default: all).
    n : int
        How many to return.
    conf : float
        A change is ``significant`` when its p-value is below 1 − conf.

    Returns
    -------
    DataFrame
        At most ``n`` rows, largest absolute change first (ties: the branches' order):
        ``branch``, ``period``, ``previous_period``, ``rate``, ``previous_rate``,
        ``diff`` (rate − previous_rate), ``ci_low``, ``ci_high``, ``p_value``,
        ``significant`` — :func:`cxeval.baseline.change` for each branch's latest pair
        of consecutive months.
    """
    from cxeval import baseline

    columns = ["branch", "period", "previous_period", "rate", "previous_rate", "diff", "ci_low", "ci_high",
               "p_value", "significant"]
    if survey is None or survey.empty:
        return pd.DataFrame(columns=columns)
    rows = survey if not branches else survey[survey["branch"].isin(list(branches))]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    changes = baseline.change(rows, by="branch", conf=conf)
    if changes.empty:
        return pd.DataFrame(columns=columns)
    latest = changes.sort_values("period").groupby("branch", sort=False).tail(1)
    order = {b: i for i, b in enumerate(_in_order(rows["branch"], branches))}
    latest = latest.assign(_size=latest["diff"].abs(), _o=latest["branch"].map(order))
    latest = latest.sort_values(["_size", "_o"], ascending=[False, True], kind="stable").head(n)
    return latest[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- scorecards
def scorecard_standings(card, scores: pd.DataFrame | None, *, units: Sequence[str] | None = None,
                        lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every unit on a scorecard: the points per item and the totals with ranks.

    Parameters
    ----------
    card : cxeval.kpi.Scorecard
    scores : DataFrame or None
        ``scores`` rows (unit, period, item, value); None scores nothing.
    units : sequence of str, optional
        Units to keep (e.g. the run's branches), in this order; default every unit.
    lang : {"zh", "en"}
        Language of the item labels.

    Returns
    -------
    (DataFrame, DataFrame)
        :meth:`~cxeval.kpi.Scorecard.score` and :meth:`~cxeval.kpi.Scorecard.totals`
        (``unit`` [, ``period``], ``total``, one column per group, ``rank`` ...). With
        ``units`` the ranks stay those among every unit scored: a run on two branches
        still shows where they stand among all nine.
    """
    scored = card.score(scores, lang=lang)
    totals = card.totals(scored)
    if units:
        keep = [u for u in units if u in set(totals["unit"])]
        order = {u: i for i, u in enumerate(keep)}
        scored = scored[scored["unit"].isin(keep)]
        totals = totals[totals["unit"].isin(keep)]
        totals = totals.assign(_o=totals["unit"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
    return scored.reset_index(drop=True), totals.reset_index(drop=True)


def period_points(card, scored: pd.DataFrame) -> pd.DataFrame:
    """The points of the scorecard's period-weighted items (the quarterly third-party
    survey), one row per unit, item and period.

    Returns
    -------
    DataFrame
        ``unit``, ``item``, ``label``, ``period``, ``value`` (the score), ``points``
        (unrounded), ``max_points`` (the period's share of the item). DOMAIN.md §4:
        黔东南 12.0 / 16.4 / 17.2 → 1.8 + 2.87 + 3.01 = 7.7 points.
    """
    weighted = [it.id for it in card.items if it.period_weights]
    columns = ["unit", "item", "label", "period", "value", "points", "max_points"]
    part = scored[scored["item"].isin(weighted) & scored["period"].notna()]
    return part[columns].reset_index(drop=True)


def annual_items(card, scored: pd.DataFrame) -> pd.DataFrame:
    """Points per item and scoring period of a multi-period scorecard (the annual KPI).

    Returns
    -------
    DataFrame
        ``unit``, ``item``, ``label``, ``period``, ``points``, ``max_points`` for every
        item that is part of a period's scheme (an item absent from a year is left out,
        not shown as zero).
    """
    columns = ["unit", "item", "label", "period", "points", "max_points"]
    part = scored[(scored["kind"] != "input") & scored["max_points"].notna()]
    return part[columns].reset_index(drop=True)


def quarterly_table(card, scored: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """DOMAIN.md §4's layout of the quarterly points: one row per unit.

    Returns
    -------
    DataFrame
        ``unit``, then per weighted period ``<period> score`` (the third-party score) and
        ``<period> points`` (unrounded), then the scorecard's group columns, ``total``
        and ``rank``, in ``totals``' order. 黔东南: 12.0, 1.8, 16.4, 2.87, 17.2, 3.01,
        third-party 7.7.
    """
    points = period_points(card, scored)
    out = totals[["unit"]].copy()
    for period, part in points.groupby("period", sort=True):
        values = part.groupby("unit")[["value", "points"]].sum(min_count=1)
        out[f"{period} score"] = out["unit"].map(values["value"])
        out[f"{period} points"] = out["unit"].map(values["points"])
    for col in [*(g.id for g in card.groups), "total", "rank"]:
        out[col] = totals[col].to_numpy()
    return out.reset_index(drop=True)


def annual_table(card, scored: pd.DataFrame, totals: pd.DataFrame, *, unit: str | None = None) -> pd.DataFrame:
    """The annual KPI item by item, one column pair per scoring period, totals last.

    Returns
    -------
    DataFrame
        ``label`` then ``<period> points`` and ``<period> max`` for each period; a last
        row ``label`` = ``total`` with the official totals (19.5 of 20 in 2006, 12.98
        in 2005). An item outside a period's scheme is NaN there, not 0. ``unit``:
        the unit shown (default the first).
    """
    items = annual_items(card, scored)
    if items.empty:
        return pd.DataFrame(columns=["label"])
    unit = unit or items["unit"].iloc[0]
    mine = items[items["unit"] == unit]
    labels = list(dict.fromkeys(mine["label"]))
    out = pd.DataFrame({"label": labels})
    periods = sorted(mine["period"].astype(str).unique())
    mine_totals = totals[totals["unit"] == unit].set_index(totals["period"].astype(str))
    for period in periods:
        part = mine[mine["period"].astype(str) == period].set_index("label")
        out[f"{period} points"] = out["label"].map(part["points"])
        out[f"{period} max"] = out["label"].map(part["max_points"])
    total = {"label": "total"}
    for period in periods:
        total[f"{period} points"] = float(mine_totals.loc[period, "total"]) if period in mine_totals.index else math.nan
        total[f"{period} max"] = float(mine_totals.loc[period, "max_points"]) if period in mine_totals.index else math.nan
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def brand_grid(brands: pd.DataFrame, *, own: Sequence[str], competitor: Sequence[str]) -> pd.DataFrame:
    """DOMAIN.md §4's branch × brand table: own total, each own brand, competitor total,
    each competitor segment, pooled over the survey's periods (Σ satisfied / Σ responses).

    Returns
    -------
    DataFrame
        ``branch``, ``own``, one column per own segment, ``competitor``, one column per
        competitor segment, ``lead`` (own − competitor); proportions 0-1. One row per
        branch of the survey (the province's whole table, as :func:`lead_standings`), in
        the survey's order, then a ``全部 All`` row pooling them.
    """
    from cxeval import baseline

    rows = brands
    order = list(dict.fromkeys(rows["branch"]))

    def pooled(frame: pd.DataFrame, segments) -> pd.Series:
        part = frame[frame["segment"].isin(list(segments))]
        table = baseline.rates(part, ["branch"])
        return table.set_index("branch")["rate"]

    out = pd.DataFrame({"branch": order})
    out["own"] = out["branch"].map(pooled(rows, own))
    for seg in own:
        out[seg] = out["branch"].map(pooled(rows, [seg]))
    out["competitor"] = out["branch"].map(pooled(rows, competitor))
    for seg in competitor:
        out[seg] = out["branch"].map(pooled(rows, [seg]))
    def overall(segments) -> float:
        return float(baseline.rates(rows[rows["segment"].isin(list(segments))], [])["rate"].iloc[0])

    total = {"branch": "全部 All", "own": overall(own), **{seg: overall([seg]) for seg in own},
             "competitor": overall(competitor), **{seg: overall([seg]) for seg in competitor}}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["lead"] = out["own"] - out["competitor"]
    return out


# --------------------------------------------------------------------------- complaints
def campaign_province(tickets: pd.DataFrame | None, limits, *, baseline: str | None = None):
    """The campaign tracked over every ticket (the provincial figures).

    Parameters
    ----------
    tickets : DataFrame or None
    limits : dict or path
        ``sla.yaml`` (its ``campaign`` section gives the targets and the baseline month).
    baseline : str, optional
        The campaign's baseline month, when not the configuration's.

    Returns
    -------
    (DataFrame, CampaignResult) or (None, None)
        :func:`cxeval.complaints.campaign_actuals` over all tickets (``repeat_5`` in
        2010-07 is 3,428 and ``repeat_10`` 748 in the sample) and
        :func:`cxeval.complaints.campaign` on it; (None, None) without tickets.
    """
    from cxeval import complaints

    if tickets is None or tickets.empty:
        return None, None
    actual = complaints.campaign_actuals(tickets, limits)
    return actual, complaints.campaign(actual, limits, baseline=baseline)


def campaign_status(result, limits) -> pd.DataFrame:
    """Each campaign target in its latest month, for the province.

    A target measured against a benchmark (FCR ≥ the provincial figure + 5 pp) says
    nothing for the province itself, which is its own benchmark: it is left out here and
    shown per branch by :func:`fcr_by_branch`.

    Returns
    -------
    DataFrame
        One row per target: ``target``, ``label_zh``, ``label_en``, ``kind``,
        ``period``, ``baseline`` (the baseline month's value, reduce targets),
        ``actual``, ``goal`` (that month's trajectory point or level), ``final_goal``,
        ``status`` (met / on_track / off_track / no_data).
    """
    from cxeval.complaints.config import _targets as campaign_targets

    columns = ["target", "label_zh", "label_en", "kind", "period", "baseline", "actual", "goal",
               "final_goal", "status"]
    if result is None or result.table.empty:
        return pd.DataFrame(columns=columns)
    conf = campaign_targets(limits)
    relative = {t["id"] for t in conf["targets"] if t.get("benchmark")}
    latest = result.latest()
    return latest[~latest["target"].isin(relative)][columns].reset_index(drop=True)


def fcr_by_branch(tickets: pd.DataFrame | None, *, branches: Sequence[str] | None = None,
                  period: str | None = None, margin: float = 0.05) -> pd.DataFrame:
    """Each branch's first-contact resolution against the provincial figure + ``margin``.

    Parameters
    ----------
    tickets : DataFrame or None
        Every ticket: the provincial FCR is computed over all of them.
    branches : sequence of str, optional
        Branches shown, in this order (default: all).
    period : str, optional
        The month compared (``YYYY-MM``); default the latest month of the tickets.
    margin : float
        Required lead over the province (0.05 = 5 pp, the campaign's target 1).

    Returns
    -------
    DataFrame
        One row per branch with tickets that month: ``branch``, ``period``, ``tickets``
        (self-handled), ``fcr``, ``provincial_fcr``, ``goal`` (provincial + margin,
        capped at 100%), ``gap`` (fcr − goal), ``met``.
    """
    from cxeval import complaints

    columns = ["branch", "period", "tickets", "fcr", "provincial_fcr", "goal", "gap", "met"]
    if tickets is None or tickets.empty:
        return pd.DataFrame(columns=columns)
    period = period or complaints.latest_period(tickets)
    by_branch = complaints.first_contact_resolution(tickets, by=("branch", "period"))
    province = complaints.first_contact_resolution(tickets, by="period")
    prov = province.set_index("period")["fcr"]
    if period not in prov.index:
        raise DataError(f"fcr_by_branch: no ticket in {period}; months in the data: "
                        f"{prov.index.min()} to {prov.index.max()}")
    rows = by_branch[by_branch["period"] == period]
    order = _in_order(rows["branch"], branches)
    rows = rows.set_index("branch").reindex(order).reset_index()
    out = pd.DataFrame({"branch": rows["branch"], "period": period, "tickets": rows["tickets"],
                        "fcr": rows["fcr"], "provincial_fcr": float(prov[period])})
    out["goal"] = min(float(prov[period]) + margin, 1.0)
    out["gap"] = out["fcr"] - out["goal"]
    out["met"] = (out["fcr"] >= out["goal"] - 1e-12) & out["fcr"].notna()
    return out[columns]


# --------------------------------------------------------------------------- pilots and lead
def pilot_verdicts(survey: pd.DataFrame | None, pilots: pd.DataFrame | None, *,
                   branches: Sequence[str] | None = None, target: float = 0.95) -> pd.DataFrame:
    """The verdict of every pilot the register declares for the run's branches.

    Each pilot is evaluated as notebook 03 does it (:func:`cxeval.pilot.evaluate`).

    Returns
    -------
    DataFrame
        One row per declared pilot: ``branch``, ``pilot_hall``, ``pilot_start``,
        ``rollout_start``, ``did_effect``, ``ci_low``, ``ci_high``, ``p_value``
        (difference-in-differences, as proportions), ``naive`` (the before/after
        difference, for contrast), ``held`` (the target held from the pilot start: the
        branch with a rollout, else the pilot hall), ``status`` (good / warn / bad, as
        the index shows notebook 03), ``headline``, ``headline_en``; ``problem`` names a
        declared pilot the survey cannot evaluate (its numbers are then NaN).
    """
    from cxeval import pilot

    columns = ["branch", "pilot_hall", "pilot_start", "rollout_start", "did_effect", "ci_low", "ci_high",
               "p_value", "naive", "held", "status", "headline", "headline_en", "problem"]
    if survey is None or pilots is None or pilots.empty or "branch" not in pilots:
        return pd.DataFrame(columns=columns)
    names = [b for b in _in_order(pilots["branch"].astype(str).str.strip(), branches)]
    rows = []
    for branch in names:
        declared = pilot.declared_pilot(pilots, branch=branch)
        row = {"branch": branch, "pilot_hall": declared["pilot_hall"], "pilot_start": declared["pilot_start"],
               "rollout_start": declared["rollout_start"], "did_effect": math.nan, "ci_low": math.nan,
               "ci_high": math.nan, "p_value": math.nan, "naive": math.nan, "held": None, "status": "none",
               "headline": "", "headline_en": "", "problem": None}
        design = pilot.pilot_design(survey, branch=branch, pilot_hall=declared["pilot_hall"],
                                    pilot_start=declared["pilot_start"],
                                    rollout_start=declared["rollout_start"])
        if not design.has_pilot:
            row["problem"] = design.reason("en")
            rows.append(row)
            continue
        evaluation = pilot.evaluate(design, target=target)
        numbers = evaluation.key_numbers()
        entry = pilot.index_entry(evaluation)
        held = (evaluation.sustain_branch.sustained if design.has_rollout
                else evaluation.sustain_pilot.sustained)
        row.update(did_effect=numbers["did_effect"], ci_low=numbers["did_ci_low"],
                   ci_high=numbers["did_ci_high"], p_value=numbers["did_p"], naive=numbers["naive"],
                   held=bool(held), status=entry["status"], headline=entry["headline"],
                   headline_en=entry["headline_en"])
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def lead_standings(brands: pd.DataFrame | None, *, own, competitor, target: float = 0.16):
    """Own brands against the competitor per branch, and the spread between branches.

    Parameters
    ----------
    brands : DataFrame or None
        The brand survey (``survey`` contract with ``segment``).
    own, competitor : list of str
        Segments pooled as own brands and as the competitor.
    target : float
        Lead target (0.16 = 16 pp).

    Returns
    -------
    cxeval.baseline.LeadResult or None
        ``.table`` per branch, ``.summary()`` with the spread (best − worst own rate: 黔西南
        78.6 − 黔南 70.4 = 8.2 in the sample) and the branches missing the lead target;
        None without a brand survey.

    Notes
    -----
    The spread is a reading of the province's whole table, as the review makes it:
    every branch of the survey is compared, whichever branches the run reports on.
    """
    from cxeval import baseline

    if brands is None or brands.empty:
        return None
    return baseline.lead(brands, own=own, competitor=competitor, target=target)


# --------------------------------------------------------------------------- risks
def risks(*, status: pd.DataFrame | None = None, campaign: pd.DataFrame | None = None,
          fcr: pd.DataFrame | None = None, lead=None, pilots: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything that misses its target, one row per risk, most serious kind first.

    Parameters
    ----------
    status : DataFrame, optional
        :func:`target_status`: branches clearly below the satisfaction target
        (``below``), then those under it within noise (``watch``).
    campaign : DataFrame, optional
        :func:`campaign_status`: targets off track.
    fcr : DataFrame, optional
        :func:`fcr_by_branch`: branches under the provincial FCR + margin.
    lead : cxeval.baseline.LeadResult, optional
        Branches whose lead over the competitor is under the target.
    pilots : DataFrame, optional
        :func:`pilot_verdicts`: pilots whose status is ``bad`` or ``warn``.

    Returns
    -------
    DataFrame
        ``kind`` (one of :data:`RISK_KINDS`), ``subject`` (branch, or the campaign
        target's id), ``period``, ``value``, ``goal``, ``gap`` (value − goal; for
        repeat complaints, goal − value, so that a shortfall is always negative),
        ``measure`` (``rate``, ``count`` or ``difference``: how value and goal read),
        ``severity`` (``bad``: clearly missed; ``warn``: under the target within noise
        or not yet evidenced). Kinds in :data:`RISK_KINDS` order, the largest shortfall
        first within a kind.
    """
    columns = ["kind", "subject", "period", "value", "goal", "gap", "measure", "severity"]
    rows: list[dict] = []
    if status is not None and not status.empty:
        for r in status[status["status"] != "met"].itertuples():
            rows.append({"kind": "satisfaction", "subject": r.branch, "period": r.period, "value": r.rate,
                         "goal": r.target, "gap": r.gap_to_target, "measure": "rate",
                         "severity": "bad" if r.status == "below" else "warn"})
    if campaign is not None and not campaign.empty:
        for r in campaign[campaign["status"] == "off_track"].itertuples():
            gap = (r.goal - r.actual) if r.kind == "reduce" else (r.actual - r.goal)
            rows.append({"kind": "campaign", "subject": r.target, "period": r.period, "value": r.actual,
                         "goal": r.goal, "gap": gap, "measure": "count" if r.kind == "reduce" else "rate",
                         "severity": "bad"})
    if fcr is not None and not fcr.empty:
        for r in fcr[~fcr["met"].astype(bool) & fcr["fcr"].notna()].itertuples():
            rows.append({"kind": "fcr", "subject": r.branch, "period": r.period, "value": r.fcr,
                         "goal": r.goal, "gap": r.gap, "measure": "rate", "severity": "bad"})
    if lead is not None:
        table = lead.table
        for r in table[~table["meets_target"].astype(bool)].itertuples():
            rows.append({"kind": "lead", "subject": getattr(r, lead.by), "period": None, "value": r.lead,
                         "goal": r.target, "gap": r.lead - r.target, "measure": "difference",
                         "severity": "bad" if r.ci_high < r.target else "warn"})
    if pilots is not None and not pilots.empty:
        for r in pilots[pilots["status"].isin(["bad", "warn"])].itertuples():
            rows.append({"kind": "pilot", "subject": r.branch, "period": r.pilot_start, "value": r.did_effect,
                         "goal": 0.0, "gap": r.ci_low, "measure": "difference", "severity": r.status})
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    out["_k"] = out["kind"].map({k: i for i, k in enumerate(RISK_KINDS)})
    out = out.sort_values(["_k", "gap"], kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- sidecar
def _round_or_none(x, digits: int):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


def key_numbers(*, grid: pd.DataFrame | None = None, status: pd.DataFrame | None = None,
                quarterly: pd.DataFrame | None = None, annual: pd.DataFrame | None = None,
                actual: pd.DataFrame | None = None, campaign_result=None,
                campaign: pd.DataFrame | None = None, fcr: pd.DataFrame | None = None,
                pilots: pd.DataFrame | None = None, lead=None, moved: pd.DataFrame | None = None,
                risk: pd.DataFrame | None = None) -> dict:
    """The overview's numbers for its results sidecar (:func:`cxeval.report.record`).

    Returns
    -------
    dict
        ``satisfaction`` {branch: {month: rate %, two decimals as the source prints}},
        ``satisfaction_met`` {branch: status}, ``kpi_totals`` {unit: total} and
        ``kpi_ranks``, ``annual_kpi`` {unit: {period: total}}, ``campaign_baseline``
        {measure: value in the baseline month}, ``campaign_status`` {target: status},
        ``fcr`` {branch: fcr}, ``fcr_goal``, ``pilots`` {branch: status},
        ``spread`` (pp, one decimal), ``spread_best``, ``spread_worst``, ``lead_below``
        (branches), ``movers`` (branches), ``risks`` (number), ``sections`` {name: has
        data}. Rates are proportions unless said.
    """
    out: dict = {}
    sections = {}
    if grid is not None and not grid.empty:
        months = [c for c in grid.columns if c != "branch"]
        out["satisfaction"] = {r["branch"]: {m: _round_or_none(r[m] * 100, 2) for m in months if pd.notna(r[m])}
                               for r in grid.to_dict("records")}
    sections["satisfaction"] = grid is not None and not grid.empty
    if status is not None and not status.empty:
        out["satisfaction_met"] = dict(zip(status["branch"], status["status"]))
    if quarterly is not None and not quarterly.empty:
        out["kpi_totals"] = dict(zip(quarterly["unit"], quarterly["total"].astype(float)))
        out["kpi_ranks"] = {u: (None if pd.isna(r) else int(r)) for u, r in zip(quarterly["unit"], quarterly["rank"])}
    sections["kpi"] = quarterly is not None and not quarterly.empty
    if annual is not None and not annual.empty:
        out["annual_kpi"] = {}
        for r in annual.itertuples():
            out["annual_kpi"].setdefault(r.unit, {})[str(r.period)] = _round_or_none(r.total, 2)
    sections["annual_kpi"] = annual is not None and not annual.empty
    if actual is not None and campaign_result is not None:
        base = actual.set_index("period")
        month = campaign_result.baseline_period
        measures = [c for c in actual.columns if c.startswith("repeat_")]
        out["campaign_baseline"] = {m: (int(base.loc[month, m]) if month in base.index else None)
                                    for m in measures}
        out["campaign_baseline_period"] = month
    if campaign is not None and not campaign.empty:
        out["campaign_status"] = dict(zip(campaign["target"], campaign["status"]))
    sections["campaign"] = campaign is not None and not campaign.empty
    if fcr is not None and not fcr.empty:
        out["fcr"] = {b: _round_or_none(v, 4) for b, v in zip(fcr["branch"], fcr["fcr"])}
        out["fcr_goal"] = float(fcr["goal"].iloc[0])
        out["fcr_period"] = str(fcr["period"].iloc[0])
    sections["fcr"] = fcr is not None and not fcr.empty
    if pilots is not None and not pilots.empty:
        out["pilots"] = dict(zip(pilots["branch"], pilots["status"]))
    sections["pilots"] = pilots is not None and not pilots.empty
    if lead is not None:
        s = lead.summary()
        out.update(spread=_round_or_none(s["spread"] * 100, 1), spread_best=s["best"], spread_worst=s["worst"],
                   lead_below=list(s["below_target"]))
    sections["lead"] = lead is not None
    if moved is not None:
        out["movers"] = moved["branch"].tolist()
    if risk is not None:
        out["risks"] = int(len(risk))
    out["sections"] = sections
    return out
