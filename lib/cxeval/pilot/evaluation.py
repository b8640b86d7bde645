"""Every analysis of notebook 03 for one branch: :func:`evaluate` and its
:class:`PilotEvaluation`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxeval.checks import check_conf, check_proportion
from cxeval.errors import DataError
from cxeval.pilot.design import PilotDesign, group_trends
from cxeval.pilot.diff_in_diff import DiDResult, did
from cxeval.pilot.proportions import before_after, power_table
from cxeval.pilot.rollout import RolloutResult, rollout_effects
from cxeval.pilot.sustain import SustainResult, sustained
from cxeval.pilot.time_series import ITSResult, its


@dataclass
class PilotEvaluation:
    """Everything notebook 03 shows for one branch; built by :func:`evaluate`.

    Attributes
    ----------
    design : PilotDesign
    target, conf : float
    naive : dict or None
        :func:`before_after` of the pilot hall.
    did : DiDResult or None
        Pilot hall against the comparison halls.
    its : ITSResult or None
        The pilot hall's own series.
    rollout : RolloutResult or None
        Waves (pilot, then rollout halls) against the comparison halls.
    sustain_pilot, sustain_branch : SustainResult or None
        Target check from the pilot start: pilot hall, and the branch's halls pooled.
    power : DataFrame or None
        :func:`power_table` for the survey sizes at hand.
    trends : DataFrame
        :func:`group_trends` by group (or by hall without a pilot).
    """

    design: PilotDesign
    target: float
    conf: float
    naive: dict | None = None
    did: DiDResult | None = None
    its: ITSResult | None = None
    rollout: RolloutResult | None = None
    sustain_pilot: SustainResult | None = None
    sustain_branch: SustainResult | None = None
    power: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    effect_of_interest: float = 0.03

    @property
    def has_pilot(self) -> bool:
        return self.design.has_pilot

    def reason(self, lang: str = "zh") -> str:
        """Why there is no pilot to evaluate (empty when there is one)."""
        return self.design.reason(lang)

    def power_rows(self, lang: str = "zh") -> pd.DataFrame | None:
        """``power`` with the comparisons labelled in ``lang`` (None without a pilot);
        :func:`cxeval.report.pilot.power_rows`."""
        from cxeval.report.pilot import power_rows

        return power_rows(self, lang)

    def methods(self, lang: str = "zh") -> pd.DataFrame:
        """:func:`cxeval.report.pilot.compare_methods` of this evaluation."""
        from cxeval.report.pilot import compare_methods

        return compare_methods(naive=self.naive, did_result=self.did, its_result=self.its,
                               lang=lang)

    def verdict(self, lang: str = "zh") -> str:
        """:func:`cxeval.text.pilot.verdict` of this evaluation (the reason when there is no
        pilot)."""
        from cxeval.text.pilot import ITS_NOT_ESTIMABLE, verdict

        if not self.has_pilot:
            return self.reason(lang)
        return verdict(did_result=self.did, naive=self.naive, its_result=self.its,
                       sustain=self.sustain_pilot, rollout=self.rollout,
                       its_reason=ITS_NOT_ESTIMABLE if self.its is None else None, lang=lang)

    def key_numbers(self) -> dict:
        """The numbers the batch and tests read (``report.record``);
        :func:`cxeval.report.pilot.key_numbers`."""
        from cxeval.report.pilot import key_numbers

        return key_numbers(self)

    # ----------------------------------------------------------------- notebook helpers
    @property
    def trend_by(self) -> str:
        """Column naming the lines of the trend chart: groups, or halls without a pilot."""
        return "group" if self.has_pilot else "hall"

    def group_labels(self, lang: str = "zh") -> dict:
        """Legend labels of the trend chart's groups, with the pilot hall's name;
        :func:`cxeval.report.pilot.group_labels`."""
        from cxeval.report.pilot import group_labels

        return group_labels(self, lang)

    def interventions(self, lang: str = "zh") -> dict:
        """Intervention lines of the trend chart: label -> first period;
        :func:`cxeval.report.pilot.interventions`."""
        from cxeval.report.pilot import interventions

        return interventions(self, lang)

    def describe(self, part: str, lang: str = "zh") -> str:
        """One or two sentences reading a section of the report, from the numbers;
        :func:`cxeval.text.pilot.describe`."""
        from cxeval.text.pilot import describe

        return describe(self, part, lang)

    def show(self, part: str, lang: str = "zh"):
        """A formatted table of a section (pandas Styler), or nothing without a pilot;
        :func:`cxeval.report.pilot.show`."""
        from cxeval.report.pilot import show

        return show(self, part, lang)


def evaluate(design: PilotDesign, *, target: float = 0.95, conf: float = 0.95,
             effect: float = 0.03, power: float = 0.8) -> PilotEvaluation:
    """Run every analysis of notebook 03 for one branch.

    Parameters
    ----------
    design : PilotDesign
        From :func:`pilot_design`.
    target : float
        Monthly target rate (e.g. 0.95).
    conf : float
        Confidence level.
    effect : float
        Effect of interest for the power table (e.g. 0.03 = +3 pp).
    power : float
        Power for the detectable-effect column.

    Returns
    -------
    PilotEvaluation
        With every part None when the branch has no pilot (only ``trends`` filled).

    Examples
    --------
    >>> from cxeval.pilot.design import pilot_design
    >>> survey = pd.DataFrame({"period": ["2008-07", "2008-08"], "branch": ["贵阳"] * 2,
    ...                        "hall": ["中华路"] * 2, "responses": [200, 200],
    ...                        "satisfied": [180, 181]})
    >>> ev = evaluate(pilot_design(survey, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08"))
    >>> ev.has_pilot, ev.did is None
    (False, True)
    """
    target = check_proportion(target, "target")
    conf = check_conf(conf)
    if not design.has_pilot:
        own = design.panel
        trends = (group_trends(own, by="hall") if not own.empty else
                  pd.DataFrame(columns=["hall", "period", "responses", "satisfied", "rate"]))
        return PilotEvaluation(design=design, target=target, conf=conf, trends=trends,
                               effect_of_interest=effect)
    panel = design.panel
    pilot_rows = panel[panel["group"] == "pilot"]
    naive = before_after(pilot_rows, start=design.pilot_start, conf=conf)
    did_result = did(design.did_panel(), unit="unit", period="period", treated="treated",
                     post="post", conf=conf)
    series = design.pilot_series()
    try:
        its_result = its(series, intervention=design.pilot_start, conf=conf)
    except DataError:
        its_result = None
    rollout = rollout_effects(design.rollout_panel(), unit="unit", period="period",
                              adoption="adoption", conf=conf)
    sustain_pilot = sustained(pilot_rows, target=target, start=design.pilot_start, conf=conf)
    sustain_branch = sustained(design.branch_panel(), target=target, start=design.pilot_start,
                               conf=conf)
    pre = pilot_rows[~pilot_rows["post"]]
    post = pilot_rows[pilot_rows["post"]]
    p0 = float(pre["satisfied"].sum() / pre["responses"].sum())
    if 0 < p0 + effect < 1:
        # Sizes at hand: a typical hall-month of this branch, and the pilot hall's
        # whole before and after windows (what the naive comparison rests on).
        sizes = {"hall_month": (int(design.branch_panel()["responses"].median()),) * 2,
                 "pilot_before_after": (int(pre["responses"].sum()), int(post["responses"].sum()))}
        power_rows = power_table(sizes, p0=p0, effect=effect, power=power, alpha=1 - conf)
    else:
        power_rows = None
    return PilotEvaluation(design=design, target=target, conf=conf, naive=naive, did=did_result,
                           its=its_result, rollout=rollout, sustain_pilot=sustain_pilot,
                           sustain_branch=sustain_branch, power=power_rows,
                           trends=group_trends(panel, by="group"), effect_of_interest=effect)
