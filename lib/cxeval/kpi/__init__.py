"""Configurable KPI scorecards: every point with its explanation.

A scorecard is a YAML file a quality manager can read (``data/configs/*.yaml``): items
with maximum points, a rule that turns a measured value into points, the direction in
which the value is better, groups, period weights, an optional composite, and a
rounding policy. :meth:`Scorecard.from_yaml` loads and validates it (every problem at
once, each naming the file, the item and the field); :meth:`Scorecard.score` turns a
``scores`` table (``unit, period, item, value``) into points, one row per unit, item and
period, each with its explanation ("16.4 / 20 × 3.5 = 2.87 → 2.9");
:meth:`Scorecard.totals` adds them up per unit and ranks the units.

Schemes reproduced by the shipped configs: DOMAIN.md §4 (China Mobile Guizhou 2006
satisfaction KPI and quarterly third-party points, 2007 plan), §3 (China Unicom 2003
branch scorecard, items adding up to 94 of a stated 100) and §2 (2010 complaint campaign).

Modules
-------
- :mod:`cxeval.kpi.config` — :class:`ScorecardConfig`, the model of a scorecard file
  (:class:`Item`, :class:`Group`, the rounding policy), and every check of the file;
- :mod:`cxeval.kpi.rules` — the eight rules, value to points with the formula;
- :mod:`cxeval.kpi.numbers` — rounding half up on the decimal figure;
- :mod:`cxeval.kpi.scoring` — :class:`Scorecard`: score, totals and ranks, the per-unit
  views (explain, short boards, what-if), :func:`score_file`.

The sentences of notebook 04 are in :mod:`cxeval.text.kpi`; its cards, index entry and
table labels and formats in :mod:`cxeval.report.kpi`.

Config file
-----------
Top-level fields::

    name: 贵州移动 2006 满意度考核          # required
    description: ...                       # optional free text
    source: DOMAIN.md §4 ...               # optional: where the scheme comes from
    total_points: 20                       # required: the stated total
    declared_gap: 6                        # optional: stated total minus the items' sum,
    gap_reason: the source omits items     #   with the reason (required with a gap)
    periods: ["2005", "2006"]              # optional: scoring periods with their own item
                                           #   sets (see "Periods" below)
    rounding: {decimals: 1, method: half_up, sum: unrounded}   # optional, these defaults
    groups:                                # optional; then every item names its group
      - {id: third_party, label_zh: 第三方测评, label_en: Third-party survey, max_points: 10}
    inputs:                                # optional: values read from the scores that earn
      - {id: provincial_fcr, label_zh: 全省一次解决率, label_en: Provincial FCR}
                                           #   no points (benchmarks, composite components)
    composite:                             # optional
      label_zh: 综合得分
      label_en: Composite score
      weights: {customer_satisfaction: 0.4, total: 0.6}   # "total", group or input ids
    items:                                 # required
      - id: third_party                    # matches ``item`` in the scores table
        label_zh: 第三方满意度测评
        label_en: Third-party satisfaction survey
        max_points: 10
        rule: ratio                        # see RULES
        direction: higher                  # higher or lower is better
        scale: 20                          # the rule's parameters, flat
        group: third_party
        period_weights: {2006-Q2: 0.3, 2006-Q3: 0.35, 2006-Q4: 0.35}   # optional
        bonus: false                       # optional: bonus points outside the total
        format: number                     # optional: "percent" shows 0-1 values as %
        note: ...                          # optional free text (e.g. "illustrative")

Rules
-----
``ratio`` (value / scale × max), ``linear`` (0 at a floor to full at a target),
``threshold`` (full points if met), ``bands`` (table of limits to points), ``deduction``
(max minus points per event, floored at 0), ``per_event`` (points per event, capped),
``target_plus`` (beat a benchmark, fixed or another item's value, by a margin) and
``points`` (the value is the points awarded, capped). Each is a function ``rule_<name>``
taking the value and the points available; every rule honours ``direction`` or refuses
the one that makes no sense for it (deduction is always "lower is better"). Values within
1e-9 of a limit count as reaching it.

Periods
-------
Without ``periods`` a scorecard scores one period: each item takes the one value a unit
has for it, whatever its period label, and an item with ``period_weights`` takes one
value per weighted period (``2006-Q2`` ...), each scored out of ``max_points × weight``
(the Guizhou quarterly rule: Q2 3 points, Q3 3.5, Q4 3.5 of the item's 10). With
``periods`` (e.g. the Guizhou KPI's 2005 and 2006 schemes in one file) every item is
scored once per listed period, ``max_points`` may be a mapping ``{period: points}`` (an
item absent from a period's mapping is not part of that period's scheme), and totals are
given per unit and period.

Rounding
--------
Points are kept unrounded. Totals, group sums and the composite are summed from the
unrounded points and rounded once at the end, half up (``sum: rounded`` sums the points
as displayed instead, for schemes that say so). Rounding uses :mod:`decimal` with
``ROUND_HALF_UP`` because Python's :func:`round` rounds half to even *on the binary
float* (``round(7.25, 1) == 7.2``, ``round(2.675, 2) == 2.67``) while the schemes round
half up on the decimal figure. Binary noise below 1e-9 is removed first, so that
14 / 20 × 3.5 (2.4499999999999997 in floating point) shows as 2.5, as DOMAIN.md prints it.
"""

from __future__ import annotations

from cxeval._moved import moved
from cxeval.kpi.config import Group, Item, ScorecardConfig, require_config
from cxeval.kpi.numbers import round_half_up
from cxeval.kpi.rules import (DIRECTIONS, RULES, rule_bands, rule_deduction, rule_linear,
                              rule_per_event, rule_points, rule_ratio, rule_target_plus,
                              rule_threshold)
from cxeval.kpi.scoring import Scorecard, score_file

__all__ = [
    "Scorecard", "ScorecardConfig", "Item", "Group", "RULES", "DIRECTIONS", "round_half_up",
    "score_file", "require_config",
    "rule_ratio", "rule_linear", "rule_threshold", "rule_bands", "rule_deduction",
    "rule_per_event", "rule_target_plus", "rule_points",
]

# The sentences moved to cxeval.text.kpi and the report glue to cxeval.report.kpi; their
# names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.kpi": ["describe_card", "headline_sentence", "describe_rank", "describe_trend",
                        "describe_short_boards", "describe_what_if", "no_data_note",
                        "not_applicable_note"],
    "cxeval.report.kpi": ["headline", "headline_cards", "index_entry"],
})
