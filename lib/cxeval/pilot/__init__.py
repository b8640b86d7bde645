"""Pilot versus rollout: did the pilot work, is the effect real, did the rollout hold it.

The decision a project team takes to management is "the pilot worked, roll it out".
A before/after comparison of the pilot hall is what a spreadsheet gives; it mixes the
pilot's effect with seasonality and with anything that changed for every hall at the
same time. This module answers the question with the methods the field uses and says
how sure the answer is:

- :mod:`~cxeval.pilot.proportions` — :func:`compare_proportions`, two survey rates, their
  difference with a Newcombe hybrid-score interval, the z-test (Pearson chi-square) and
  Fisher's exact test; :func:`before_after`; :func:`sample_size`,
  :func:`detectable_effect`, :func:`power_table`, survey sizes and the effects they can
  detect.
- :mod:`~cxeval.pilot.diff_in_diff` — :func:`did`, difference-in-differences for survey
  counts per unit and period, with unit and period fixed effects, cluster-robust errors,
  a parallel-trends check and an event-study table.
- :mod:`~cxeval.pilot.time_series` — :func:`its`, interrupted time series (segmented
  regression) for one unit with no comparison group, with Newey–West errors.
- :mod:`~cxeval.pilot.rollout` — :func:`rollout_effects`, staggered adoption (the pilot
  first, then the other halls): effects by wave and by months since adoption.
- :mod:`~cxeval.pilot.sustain` — :func:`sustained`: was the target met in every month
  after the start, and are the misses within sampling noise.
- :mod:`~cxeval.pilot.design` — :func:`declared_pilot`, :func:`pilot_design`: which
  halls were piloted, rolled out, compared.
- :mod:`~cxeval.pilot.evaluation` — :func:`evaluate`: the pipeline notebook 03 runs, from
  survey counts to a :class:`PilotEvaluation`.
- :mod:`~cxeval.pilot.panel` — what they share: counts checked, periods on a calendar.

Every public name is importable from :mod:`cxeval.pilot`. The verdict paragraph and the
sentences of each section are in :mod:`cxeval.text.pilot`; the cards, tables and index
entry in :mod:`cxeval.report.pilot`.

Every function is pure: DataFrames in, tidy DataFrames or small result objects out.
Rates and effects are proportions (0.031 = 3.1 percentage points); :mod:`cxeval.report`
formats them for reading.

Real surveys have gaps. Time is calendar time (a month without data keeps its place and
is listed); counts follow the library's one rule (:mod:`cxeval.schemas`, "Counts":
whole numbers, never rounded); an effect the data cannot identify is NaN with the
reason, never 0; and input that cannot support an estimate is a
:class:`~cxeval.errors.DataError` saying what is missing.
"""

from __future__ import annotations

from cxeval._moved import moved
from cxeval.pilot.design import PilotDesign, declared_pilot, group_trends, pilot_design, require_pilot
from cxeval.pilot.diff_in_diff import FEW_CLUSTERS, DiDResult, did
from cxeval.pilot.evaluation import PilotEvaluation, evaluate
from cxeval.pilot.proportions import (MIN_EXPECTED, before_after, compare_proportions,
                                      detectable_effect, power_table, sample_size)
from cxeval.pilot.rollout import RolloutResult, rollout_effects
from cxeval.pilot.sustain import SustainResult, sustained
from cxeval.pilot.time_series import ITSResult, its

__all__ = [
    "compare_proportions", "before_after",
    "did", "DiDResult",
    "its", "ITSResult",
    "rollout_effects", "RolloutResult",
    "sustained", "SustainResult",
    "sample_size", "detectable_effect", "power_table",
    "group_trends", "pilot_design", "PilotDesign", "declared_pilot", "require_pilot",
    "evaluate", "PilotEvaluation", "FEW_CLUSTERS", "MIN_EXPECTED",
]

# The sentences moved to cxeval.text.pilot and the report glue to cxeval.report.pilot;
# their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.pilot": ["verdict", "NOT_ESTIMABLE", "ITS_NOT_ESTIMABLE"],
    "cxeval.report.pilot": ["headline", "index_entry", "compare_methods", "pilot_settings",
                            "GROUP_LABELS", "TABLE_LABELS", "ITS_TERM_LABELS", "POWER_LABELS"],
})
