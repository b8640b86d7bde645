"""Campaign tracking (DOMAIN.md section 2): each target month by month.

- :func:`campaign_actuals` — the monthly measures the targets are set on;
- :func:`campaign`, :class:`CampaignResult` — each target's goal on its trajectory and
  its status (:data:`STATUSES`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.complaints.config import _targets
from cxeval.complaints.rates import (_ticket_counts, complaint_rate, first_contact_resolution,
                                     on_time_rate, overdue_rate, quality_pass_rate)
from cxeval.complaints.repeat import _thresholds, repeat_complaints
from cxeval.complaints.tickets import _require
from cxeval.errors import DataError


#: Campaign statuses, in the order a reader ranks them.
STATUSES = ("met", "on_track", "off_track", "no_data")

#: The columns the provincial FCR benchmark needs of every branch's tickets
#: (``campaign_actuals(..., provincial=)``).
PROVINCIAL_COLUMNS = ("opened_at", "escalated", "first_contact_resolved")


def campaign_actuals(tickets: pd.DataFrame, limits, *, branch: str | None = None,
                     thresholds=(5, 10), subscribers: pd.DataFrame | None = None,
                     provincial: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly values of every campaign measure, for one branch or the whole table.

    Parameters
    ----------
    tickets : DataFrame
        All tickets (data contract); the provincial FCR benchmark is computed from all
        of them, the other measures from ``branch``'s tickets (all when None).
    limits : dict or str or os.PathLike
        Parsed ``sla.yaml`` or its path.
    branch : str, optional
        Branch to measure.
    thresholds : sequence of int
        Repeat-complaint thresholds; each gives a ``repeat_<t>`` column.
    subscribers : DataFrame, optional
        Subscribers (data contract); adds ``per_10k``.
    provincial : DataFrame, optional
        Every branch's tickets for the provincial FCR, when ``tickets`` holds only
        ``branch``'s; the :data:`PROVINCIAL_COLUMNS` suffice. Default: ``tickets``.

    Returns
    -------
    DataFrame
        One row per month present in the tickets: ``period``, ``tickets``,
        ``repeat_<t>`` (complaints from customers with ``>= t`` complaints that month, for
        each threshold), ``fcr``, ``provincial_fcr`` (FCR of all tickets),
        ``escalated_on_time_rate``, ``self_handled_on_time_rate``, ``pass_rate`` -- the
        ``actual`` table :func:`campaign` expects -- and, for context, ``overdue_rate``
        and (with ``subscribers``) ``per_10k``, complaints per 10,000 subscribers.

    Examples
    --------
    >>> campaign_actuals(tickets, limits, branch="潮安")   # doctest: +SKIP
    """
    _require(tickets, ["opened_at"] + (["branch"] if branch is not None else []))
    mine = tickets if branch is None else tickets[tickets["branch"] == branch]
    out = _ticket_counts(mine, by="period", freq="M", name="tickets")
    if len(mine):
        rep = repeat_complaints(mine, thresholds=thresholds, freq="M")
        wide = rep.pivot(index="period", columns="threshold", values="complaints")
        wide.columns = [f"repeat_{t}" for t in wide.columns]
        out = out.merge(wide.reset_index(), on="period", how="left")
    else:
        for t in _thresholds(thresholds):
            out[f"repeat_{t}"] = pd.Series(dtype="int64")
    parts = [
        (first_contact_resolution(mine, by="period"), "fcr", "fcr"),
        (first_contact_resolution(tickets if provincial is None else provincial, by="period"), "fcr",
         "provincial_fcr"),
        (on_time_rate(mine, limits, escalated=True, by="period"), "on_time_rate",
         "escalated_on_time_rate"),
        (on_time_rate(mine, limits, escalated=False, by="period"), "on_time_rate",
         "self_handled_on_time_rate"),
        (quality_pass_rate(mine, by="period"), "pass_rate", "pass_rate"),
        (overdue_rate(mine, limits, by="period"), "overdue_rate", "overdue_rate"),
    ]
    if subscribers is not None:
        _require(subscribers, ["branch"], "subscribers")
        base = subscribers if branch is None else subscribers[subscribers["branch"] == branch]
        parts.append((complaint_rate(mine, base, by="period"), "per_10k", "per_10k"))
    for table, column, name in parts:
        out = out.merge(table[["period", column]].rename(columns={column: name}),
                        on="period", how="left")
    return out.sort_values("period").reset_index(drop=True)


def _month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


class CampaignResult:
    """Month-by-month status of each campaign target (returned by :func:`campaign`).

    Attributes
    ----------
    table : DataFrame
        One row per tracked month and target: ``period``, ``target``, ``measure``,
        ``label_zh``, ``label_en``, ``kind``, ``baseline`` (the measure in the baseline
        month; NaN for ``at_least`` targets), ``actual``, ``goal`` (the value to reach
        that month: the trajectory point, or the level), ``final_goal`` (the value at the
        end: ``baseline * (1 - reduction)``, or the level), ``status``
        (``met`` / ``on_track`` / ``off_track`` / ``no_data``).
    baseline_period : str
    name : dict
        ``{"zh": ..., "en": ...}``.
    targets : list of str
        The target ids, in the order of the configuration.
    """

    def __init__(self, table: pd.DataFrame, baseline_period: str, name: dict, targets: list[str]):
        self.table = table
        self.baseline_period = baseline_period
        self.name = name
        self.targets = list(targets)
        #: Whether the data holds the baseline month (else reduction targets cannot be tracked).
        self.baseline_in_data = True
        #: First and last month of the data.
        self.months: tuple[str | None, str | None] = (None, None)

    def baseline_note(self, lang: str = "zh") -> str:
        """A sentence when the baseline month is not in the data, else an empty string
        (:func:`cxeval.text.complaints.baseline_note`)."""
        from cxeval.text.complaints import baseline_note

        return baseline_note(self, lang)

    def latest(self) -> pd.DataFrame:
        """The last tracked month with data for each target (one row per target)."""
        have = self.table[self.table["status"] != "no_data"]
        last = have.groupby("target", sort=False).tail(1)
        missing = [t for t in self.table["target"].unique() if t not in set(last["target"])]
        extra = self.table[self.table["target"].isin(missing)].groupby("target", sort=False).tail(1)
        out = pd.concat([last, extra])
        order = {t: i for i, t in enumerate(self.table["target"].unique())}
        return out.sort_values("target", key=lambda s: s.map(order)).reset_index(drop=True)

    def counts(self) -> dict:
        """Number of targets per status in :meth:`latest`."""
        latest = self.latest()
        return {s: int((latest["status"] == s).sum()) for s in STATUSES}

    def statuses(self) -> dict[str, str]:
        """Target id -> status in its latest month."""
        latest = self.latest()
        return dict(zip(latest["target"], latest["status"]))

    def summary(self, lang: str = "zh", *, targets: Sequence[str] | None = None) -> str:
        """One sentence per target for its latest month
        (:func:`cxeval.text.complaints.campaign_summary`)."""
        from cxeval.text.complaints import campaign_summary

        return campaign_summary(self, lang, targets=targets)

    def _repr_html_(self) -> str:
        shown = self.latest()[["period", "label_en", "actual", "goal", "status"]]
        return report.table(shown, formats={"actual": "num", "goal": "num"}).to_html()

    def __repr__(self) -> str:
        return f"CampaignResult(baseline={self.baseline_period!r})\n" + self.summary("en")


def campaign(actual: pd.DataFrame, targets, *, baseline: str | None = None) -> CampaignResult:
    """Track each campaign target month by month (DOMAIN.md section 2).

    Parameters
    ----------
    actual : DataFrame
        One row per month: ``period`` (``"YYYY-MM"``) and a column per target ``measure``
        (and ``benchmark``), as :func:`campaign_actuals` returns; rates as 0-1 and
        repeat complaints as counts.
    targets : dict or str or os.PathLike
        The ``campaign`` section of ``sla.yaml``, the parsed file, or its path. Targets
        are of two kinds:

        - ``reduce`` (repeat complaints): from its value in the ``baseline`` month the
          measure must fall by ``reduction`` (0.9 = -90%, 1.0 = to zero) by the ``due``
          month. **The trajectory is linear**: the goal in month *k* after the baseline
          is ``baseline * (1 - reduction * min(k / K, 1))``, *K* the months from the
          baseline to ``due`` (3,428 in July -> 2,399.6, 1,371.2, 342.8 for Aug-Oct; 748
          -> 561, 374, 187, 0 for Aug-Nov). Linear, because the campaign fixes only the
          end points and a geometric path cannot reach the zero target.
        - ``at_least`` (FCR, on-time and pass rates): the measure must be at least
          ``goal``, or at least the ``benchmark`` column plus ``margin`` in the same month
          (FCR >= provincial FCR + 5 pp), capped at 1 (100%).
    baseline : str, optional
        The campaign's baseline month (``"YYYY-MM"``) when it is not the configuration's:
        the whole calendar moves with it (the ``due`` months keep their distance from the
        baseline), so the 2010 campaign's rules can track a campaign of another year.

    Returns
    -------
    CampaignResult
        ``.table`` (every month after the baseline present in ``actual``, per target),
        ``.latest()``, ``.counts()``, ``.summary(lang)``.

    Notes
    -----
    Status of a target in a month, precisely:

    - ``no_data``: the measure (or its benchmark, or for ``reduce`` the baseline value)
      is missing.
    - ``met``: the end goal is reached: ``actual <= final_goal`` for ``reduce``
      (``final_goal = baseline * (1 - reduction)``), ``actual >= goal`` for ``at_least``.
    - ``on_track``: not met, but ``reduce``: ``actual <= goal`` (on or below the
      trajectory for that month); ``at_least``: the shortfall ``goal - actual`` is smaller
      than in the previous row of ``actual`` (the month before; the gap is closing).
    - ``off_track``: otherwise. After the ``due`` month the trajectory equals the end
      goal, so a ``reduce`` target is then either met or off track.

    The campaign also asks repeat complaints to "fall every month"; a rise that stays
    under the trajectory is still ``on_track`` (the rise shows in ``actual``). Goals are
    compared unrounded: 1,371 complaints meet a goal of 1,371.2.

    Raises
    ------
    DataError
        ``actual`` lacks ``period`` or a measure column (the columns present are listed).
    ConfigError
        Invalid targets.

    Examples
    --------
    >>> result = campaign(campaign_actuals(tickets, limits), limits)   # doctest: +SKIP
    >>> result.latest()[["target", "status"]]                          # doctest: +SKIP
    """
    conf = _targets(targets)
    if baseline:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(baseline)):
            raise DataError(f"campaign baseline must be a month 'YYYY-MM', got {baseline!r}")
        shift = _month_index(str(baseline)) - _month_index(conf["baseline"])
        conf = dict(conf, baseline=str(baseline), targets=[
            dict(t, due=str(pd.Period(t["due"], "M") + shift)) if t.get("due") else t
            for t in conf["targets"]])
    needed = ["period"] + [t["measure"] for t in conf["targets"]] + \
        [t["benchmark"] for t in conf["targets"] if t.get("benchmark")]
    _require(actual, list(dict.fromkeys(needed)), "actual")
    act = actual.copy()
    act["period"] = act["period"].astype("str")
    bad = ~act["period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        raise DataError(f"actual: period must be months 'YYYY-MM', got {act['period'][bad].iloc[0]!r}")
    if act["period"].duplicated().any():
        raise DataError(f"actual: one row per month expected; repeated: "
                        f"{sorted(act['period'][act['period'].duplicated()].unique())}")
    act = act.sort_values("period").set_index("period")
    base = conf["baseline"]
    tracked = [p for p in act.index if p > base]
    base_i = _month_index(base)
    frames = []
    for t in conf["targets"]:  # a handful of targets, each vectorised over months
        values = act[t["measure"]].astype("float64")
        cur = values.reindex(tracked).to_numpy()
        k = np.array([_month_index(p) - base_i for p in tracked], dtype=float)
        if t["kind"] == "reduce":
            b = float(values.get(base, np.nan)) if base in values.index else np.nan
            span = _month_index(t["due"]) - base_i
            goal = b * (1 - t["reduction"] * np.minimum(k / span, 1.0))
            final = np.full(len(tracked), b * (1 - t["reduction"]))
            met = cur <= final + 1e-9
            on_track = cur <= goal + 1e-9
            baseline = np.full(len(tracked), b)
        else:
            if t.get("benchmark"):
                bench = act[t["benchmark"]].astype("float64")
                # A rate cannot pass 100%: province + 5 pp above 95% asks for 100%.
                goal_all = np.minimum(bench + t["margin"], 1.0)
            else:
                goal_all = pd.Series(t["goal"], index=act.index, dtype="float64")
            goal = goal_all.reindex(tracked).to_numpy()
            final = goal
            gap_all = (goal_all - values)
            gap = gap_all.reindex(tracked).to_numpy()
            prev_gap = gap_all.shift(1).reindex(tracked).to_numpy()
            met = cur >= goal - 1e-12
            with np.errstate(invalid="ignore"):
                on_track = gap < prev_gap
            baseline = np.full(len(tracked), np.nan)
        missing = np.isnan(cur) | np.isnan(goal)
        status = np.where(missing, "no_data",
                          np.where(met, "met", np.where(on_track, "on_track", "off_track")))
        frames.append(pd.DataFrame({
            "period": tracked, "target": t["id"], "measure": t["measure"],
            "label_zh": t["zh"], "label_en": t["en"], "kind": t["kind"],
            "baseline": baseline, "actual": cur, "goal": goal, "final_goal": final,
            "status": status,
        }))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = CampaignResult(table, base, conf["name"], [t["id"] for t in conf["targets"]])
    result.baseline_in_data = base in act.index
    result.months = (act.index.min(), act.index.max()) if len(act.index) else (None, None)
    return result
