"""Baseline measurement: where do we stand, is it stable, who is below target.

Every improvement project starts by measuring the baseline honestly (DOMAIN.md §1, §4).
This module turns survey data (``period``, ``branch``, ``hall``, ``segment``, ``responses``,
``satisfied``, ``rate``) into the numbers a manager reads as facts, each with its
uncertainty:

- :mod:`~cxeval.baseline.tables` — :func:`rates`, satisfaction rates with Wilson
  intervals and the gap to a target; :func:`below_target`, :func:`recent`; :func:`spread`
  and :func:`ranking`, DOMAIN.md §4's reading of a branch table (average, best, worst,
  spread); :func:`change`, month-over-month / year-over-year change with a two-proportion
  test;
- :mod:`~cxeval.baseline.control` — :func:`p_chart`, p and Laney p' control charts with
  stages (freeze, phases) and signals; :func:`overdispersion` says when the Laney chart
  is the right one; :func:`run_signals` and :func:`run_chart`, Anhøj run-chart rules for
  short series or rates without counts; :func:`status` and :func:`signals`, the headline
  numbers of a baseline;
- :mod:`~cxeval.baseline.funnels` — :func:`funnel`, :func:`funnel_limits`, Spiegelhalter
  funnel plots of halls, with an over-dispersion adjustment; :func:`small_samples` flags
  n·p < 5;
- :mod:`~cxeval.baseline.brands` — :func:`lead`, the lead of own brands over a competitor;
- :mod:`~cxeval.baseline.assessment` — :func:`assess`, all of the above for one unit, as
  notebook 01 shows it;
- :mod:`~cxeval.baseline.counts` — what they share: the count rule, intervals, period
  order.

Every public name is importable from :mod:`cxeval.baseline`. The sentences that read
these numbers are in :mod:`cxeval.text.baseline`; the report glue (headline cards, key
numbers, index entry, column labels and formats) in :mod:`cxeval.report.baseline`.

All functions are pure: DataFrames in, tidy DataFrames, dicts or small result objects out.
Rates are proportions 0–1 throughout; :mod:`cxeval.report` formats them for reading.
"""

from __future__ import annotations

from cxeval._moved import moved
from cxeval.baseline.assessment import Assessment, assess
from cxeval.baseline.brands import LeadResult, branch_lead, lead
from cxeval.baseline.control import overdispersion, p_chart, run_chart, run_signals, signals, status
from cxeval.baseline.funnels import funnel, funnel_limits, small_samples
from cxeval.baseline.tables import below_target, change, ranking, rates, recent, spread

__all__ = [
    "rates", "p_chart", "overdispersion", "run_signals", "funnel", "funnel_limits",
    "small_samples", "spread", "ranking", "below_target", "lead", "branch_lead", "LeadResult", "change",
    "run_chart", "assess", "Assessment", "status", "recent", "signals",
]

# The sentences moved to cxeval.text.baseline and the report glue to cxeval.report.baseline;
# their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.baseline": ["period_label", "describe_rates", "describe_chart", "describe_baseline",
                             "describe_status", "describe_funnel", "describe_lead", "describe_change",
                             "describe_dispersion", "describe_small_samples"],
    "cxeval.report.baseline": ["headline", "key_numbers", "index_entry", "column_labels",
                               "table_formats", "freeze_setting"],
})
