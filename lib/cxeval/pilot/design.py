"""Who was piloted, who rolled out, who compares: the pilot design, decided from the data.

- :func:`declared_pilot`, :func:`require_pilot` — the pilot of a branch, from the run
  plan or the pilot register;
- :func:`pilot_design`, :class:`PilotDesign` — whether the branch has a pilot to
  evaluate, and the panel of pilot, rollout, branch and comparison halls;
- :func:`group_trends` — pooled rate per group and period, for the trend chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxeval.checks import check_column_names, check_frame
from cxeval.errors import DataError
from cxeval.pilot.panel import _calendar, _clean_counts, _ordinal_of


def group_trends(panel: pd.DataFrame, *, by: str = "group", period: str = "period",
                 responses: str = "responses", satisfied: str = "satisfied") -> pd.DataFrame:
    """Pooled rate per group and period, for the trend chart.

    Returns
    -------
    DataFrame
        ``by`` column, ``period``, ``responses``, ``satisfied``, ``rate`` (pooled:
        satisfied / responses over the group's units).

    Examples
    --------
    >>> df = pd.DataFrame({"group": ["a", "a"], "period": ["2008-01"] * 2,
    ...                    "responses": [100, 300], "satisfied": [90, 285]})
    >>> group_trends(df)["rate"].tolist()
    [0.9375]
    """
    check_frame(panel, "panel")
    check_column_names(panel, {"by": by, "period": period, "responses": responses,
                           "satisfied": satisfied}, "panel")
    data = _clean_counts(panel, responses, satisfied, "group_trends")
    out = (data.groupby([by, period], sort=True, as_index=False)[[responses, satisfied]].sum()
           .rename(columns={period: "period", responses: "responses", satisfied: "satisfied"}))
    out["rate"] = out["satisfied"] / out["responses"]
    return out


# The period spellings of the survey contract (cxeval.data normalises dates to these).
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


@dataclass
class PilotDesign:
    """Who was piloted, who rolled out, who compares; built by :func:`pilot_design`.

    Attributes
    ----------
    branch, pilot_hall, pilot_start, rollout_start
        The parameters.
    has_pilot : bool
        The branch has the pilot hall with survey counts before and from the start, and
        there are comparison halls in other branches.
    reasons : tuple of (str, str)
        Why there is no pilot to evaluate (Chinese, English); empty when ``has_pilot``.
    panel : DataFrame
        One row per hall and period: ``unit``, ``branch``, ``hall``, ``period``,
        ``responses``, ``satisfied``, ``rate``, ``group`` ("pilot", "rollout", "branch"
        or "comparison"), ``adoption`` (first period of adoption, empty if never),
        ``treated`` (the pilot hall), ``post`` (period >= pilot start). Without a pilot,
        the branch's own halls (group "branch").
    """

    branch: str
    pilot_hall: str
    pilot_start: str
    rollout_start: str | None
    has_pilot: bool
    reasons: tuple
    panel: pd.DataFrame = field(repr=False)

    def reason(self, lang: str = "zh") -> str:
        """Why there is no pilot to evaluate, in ``lang``; empty when there is one."""
        from cxeval.report import tr

        return tr(*self.reasons, lang) if self.reasons else tr("", "", lang)

    @property
    def has_rollout(self) -> bool:
        """The branch has halls adopting after the pilot."""
        return self.has_pilot and bool((self.panel["group"] == "rollout").any())

    def did_panel(self) -> pd.DataFrame:
        """Pilot hall and comparison halls (rollout halls left out)."""
        return self.panel[self.panel["group"].isin(["pilot", "comparison"])]

    def pilot_series(self) -> pd.Series:
        """The pilot hall's monthly rate, indexed by period."""
        part = self.panel[self.panel["group"] == "pilot"]
        return part.set_index("period")["rate"].sort_index()

    def rollout_panel(self) -> pd.DataFrame:
        """Pilot, rollout and comparison halls; the branch's other halls are left out when
        there was no rollout (they may have copied the pilot, so they compare with no one)."""
        return self.panel[self.panel["group"] != "branch"]

    def branch_panel(self) -> pd.DataFrame:
        """The branch's own halls (pilot and rollout, or all halls without a pilot)."""
        return self.panel[self.panel["branch"] == self.branch]


def declared_pilot(pilots: pd.DataFrame | None, *, branch: str, pilot_hall: str = "",
                   pilot_start: str = "", rollout_start: str = "") -> dict:
    """The pilot of ``branch``: from the parameters when given, else from the pilot register.

    Parameters
    ----------
    pilots : DataFrame or None
        The pilot register (``pilots`` data contract: ``branch``, ``hall``,
        ``pilot_start``, ``rollout_start``), or None when the data folder has none.
    branch : str
    pilot_hall, pilot_start, rollout_start : str
        The notebook's parameters (a run plan's or ``-p``); empty means "from the register".
        A pilot hall given without a start takes the register's start only when the
        register names the same hall.

    Returns
    -------
    dict
        ``pilot_hall``, ``pilot_start``, ``rollout_start`` (None: no rollout), and
        ``source``: ``"parameters"`` or ``"register"``.

    Raises
    ------
    NotApplicable
        No pilot is declared for the branch, neither by parameters nor in the register.
    DataError
        A pilot hall is given without a start month and the register has none for it.
    """
    from cxeval.errors import NotApplicable

    pilot_hall, pilot_start, rollout_start = (str(v or "").strip() for v in
                                              (pilot_hall, pilot_start, rollout_start))
    row = None
    if pilots is not None and "branch" in pilots:
        mine = pilots[pilots["branch"].astype(str).str.strip() == str(branch).strip()]
        row = mine.iloc[0] if len(mine) else None
    if pilot_hall:
        same = row is not None and str(row["hall"]).strip() == pilot_hall
        start = pilot_start or (str(row["pilot_start"]) if same else "")
        if not start:
            raise DataError(f"pilot hall {pilot_hall} of {branch} has no start month: set pilot_start "
                            "(e.g. 2008-08) in the run plan, or add the pilot to pilots.csv")
        rollout = rollout_start or (str(row["rollout_start"]) if same and pd.notna(row.get("rollout_start"))
                                    else "")
        return {"pilot_hall": pilot_hall, "pilot_start": start, "rollout_start": rollout or None,
                "source": "parameters"}
    if row is None:
        raise NotApplicable(f"{branch}没有声明试点：试点登记表（pilots）和运行计划都没有本分公司的试点营业厅。",
                            f"No pilot is declared for {branch}: neither the pilot register (pilots) "
                            "nor the run plan names a pilot hall.")
    rollout = row.get("rollout_start")
    return {"pilot_hall": str(row["hall"]).strip(), "pilot_start": pilot_start or str(row["pilot_start"]),
            "rollout_start": rollout_start or (str(rollout) if pd.notna(rollout) else None),
            "source": "register"}


def require_pilot(design: "PilotDesign") -> "PilotDesign":
    """The design, or a DataError saying why a declared pilot cannot be evaluated.

    A declared pilot that the survey does not support (the hall is not in the branch, no
    month before the start) is a mistake in the plan or the data, not "no pilot".
    """
    if not design.has_pilot:
        raise DataError(f"{design.branch}: the declared pilot ({design.pilot_hall}, from {design.pilot_start}) "
                        f"cannot be evaluated: {design.reason('en')}")
    return design


def pilot_design(survey: pd.DataFrame, *, branch: str, pilot_hall: str, pilot_start: str,
                 rollout_start: str | None = None,
                 comparison: Sequence[str] | None = None) -> PilotDesign:
    """Decide from the data whether ``branch`` has a pilot, and build the panel.

    Parameters
    ----------
    survey : DataFrame
        Hall survey with counts: ``period``, ``branch``, ``hall``, ``responses``,
        ``satisfied`` (the survey data contract).
    branch : str
        Branch reported on.
    pilot_hall : str
        The pilot hall (e.g. "庵埠").
    pilot_start : str
        First period of the pilot (e.g. "2008-08").
    rollout_start : str, optional
        First period of the rollout to the branch's other halls; empty or None when
        there was no rollout (those halls are then left out of the comparison).
    comparison : sequence of str, optional
        Branches whose halls form the comparison group; default every other branch.

    Returns
    -------
    PilotDesign
        ``has_pilot``, ``reason(lang)``, ``panel`` and helpers.

    Notes
    -----
    The branch has a pilot when the survey has the pilot hall in that branch, with
    counts before and from ``pilot_start``, and at least one comparison hall with counts
    on both sides of the start too. A branch without one is not an error: ``has_pilot``
    is False and ``reason`` says why.

    Raises
    ------
    DataError
        Missing columns (other than ``hall``, whose absence means "no pilot"), counts
        breaking the library's rule (:mod:`cxeval.schemas`, "Counts"), empty or mixed
        periods, or ``pilot_start`` of another kind than the survey's periods.

    Examples
    --------
    >>> survey = pd.DataFrame({"period": ["2008-07", "2008-08"] * 2,
    ...                        "branch": ["潮安", "潮安", "贵阳", "贵阳"],
    ...                        "hall": ["庵埠", "庵埠", "中华路", "中华路"],
    ...                        "responses": [200] * 4, "satisfied": [180, 190, 180, 181]})
    >>> pilot_design(survey, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08").has_pilot
    False
    """
    check_frame(survey, "survey")
    check_column_names(survey, {"period": "period", "branch": "branch", "responses": "responses",
                            "satisfied": "satisfied"}, "survey")
    rollout_start = rollout_start or None
    for param, value in (("pilot_start", pilot_start), ("rollout_start", rollout_start)):
        if value is not None and not (isinstance(value, str) and _PERIOD.match(value)):
            raise ValueError(f"{param} must be a month 'YYYY-MM' or a quarter 'YYYY-Qn' "
                             f"(e.g. '2008-08'), got {value!r}")
    if rollout_start is not None and rollout_start <= pilot_start:
        raise ValueError(f"rollout_start ({rollout_start}) must come after pilot_start "
                         f"({pilot_start}); leave it empty if there was no rollout")
    columns = ["unit", "branch", "hall", "period", "responses", "satisfied", "rate", "group",
               "adoption", "treated", "post"]

    def no_pilot(zh, en, own=None):
        panel = pd.DataFrame(columns=columns) if own is None else own
        return PilotDesign(branch, pilot_hall, pilot_start, rollout_start, False, (zh, en), panel)

    if "hall" not in survey.columns:
        return no_pilot("本分公司没有试点：调查数据没有营业厅一列，无法识别试点营业厅。",
                        "No pilot in this branch: the survey has no hall column, so no pilot "
                        "hall can be found.")
    data = _clean_counts(survey, "responses", "satisfied", "pilot_design")
    data = (data.groupby(["branch", "hall", "period"], sort=True, as_index=False)
            [["responses", "satisfied"]].sum())
    data["branch"] = data["branch"].astype(str)
    data["hall"] = data["hall"].astype(str)
    duplicated = data.groupby("hall")["branch"].nunique().gt(1).any()
    data["unit"] = (data["branch"] + "·" + data["hall"]) if duplicated else data["hall"]
    data["rate"] = data["satisfied"] / data["responses"]
    t, kind = _calendar(data["period"], "pilot_design")
    data["post"] = t >= _ordinal_of(pilot_start, kind, where="pilot_design", param="pilot_start",
                                    example=data["period"].iloc[0])
    own = data[data["branch"] == branch].copy()
    own["group"] = "branch"
    own["adoption"] = None
    own["treated"] = False
    own = own[columns].reset_index(drop=True)
    if own.empty:
        return no_pilot(f"本分公司没有试点：调查数据中没有「{branch}」的营业厅。",
                        f"No pilot in this branch: the survey has no halls of {branch}.")
    pilot = own[own["hall"] == str(pilot_hall)]
    if pilot.empty:
        return no_pilot(f"本分公司没有试点：「{branch}」没有试点营业厅「{pilot_hall}」。",
                        f"No pilot in this branch: {branch} has no pilot hall {pilot_hall}.", own)
    if not (~pilot["post"]).any() or not pilot["post"].any():
        return no_pilot(f"无法评估试点：试点营业厅「{pilot_hall}」在 {pilot_start} 之前或之后没有调查数据。",
                        f"The pilot cannot be evaluated: hall {pilot_hall} has no survey data "
                        f"before or from {pilot_start}.", own)
    others = data[data["branch"] != branch]
    if comparison is not None:
        others = others[others["branch"].isin([str(b) for b in comparison])]
    if others.empty:
        return no_pilot("无法评估试点：没有其他分公司的对照营业厅。",
                        "The pilot cannot be evaluated: there are no comparison halls in other "
                        "branches.", own)
    sides = others.groupby("unit")["post"].agg(["any", "all"])
    if not (sides["any"] & ~sides["all"]).any():
        return no_pilot(f"无法评估试点：没有对照营业厅在 {pilot_start} 之前和之后都有调查数据。",
                        f"The pilot cannot be evaluated: no comparison hall has survey data both "
                        f"before and from {pilot_start}.", own)
    own["group"] = np.where(own["hall"] == str(pilot_hall), "pilot",
                            "rollout" if rollout_start else "branch")
    own["adoption"] = np.where(own["group"] == "pilot", pilot_start,
                               np.where(own["group"] == "rollout", rollout_start or "", ""))
    own["adoption"] = own["adoption"].replace("", None)
    own["treated"] = own["group"] == "pilot"
    others = others.assign(group="comparison", adoption=None, treated=False)
    panel = pd.concat([own[columns], others[columns]], ignore_index=True)
    panel["adoption"] = panel["adoption"].astype(object).where(panel["adoption"].notna(), None)
    panel["treated"] = panel["treated"].astype(bool)
    panel["post"] = panel["post"].astype(bool)
    return PilotDesign(branch, str(pilot_hall), pilot_start, rollout_start, True, (), panel)
