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

import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.checks import check_frame, check_how_many, check_lang, require_columns
from cxeval.errors import ConfigError, DataError

__all__ = [
    "Scorecard", "Item", "Group", "RULES", "DIRECTIONS", "round_half_up", "score_file",
    "rule_ratio", "rule_linear", "rule_threshold", "rule_bands", "rule_deduction",
    "rule_per_event", "rule_target_plus", "rule_points",
    "describe_card", "headline_cards", "headline_sentence", "headline", "describe_rank",
    "describe_trend", "describe_short_boards", "describe_what_if", "no_data_note",
    "not_applicable_note", "index_entry",
]

#: Directions an item may be better in.
DIRECTIONS = ("higher", "lower")

# Values closer than this are treated as equal: scores are decimal figures, and a
# threshold of 0.99 must be met by a rate computed as 99 / 100 whatever the binary noise.
_SNAP = Decimal("1e-9")


# --------------------------------------------------------------------------- numbers
def _decimal(x) -> Decimal:
    return Decimal(repr(float(x))).quantize(_SNAP, rounding=ROUND_HALF_EVEN)


def round_half_up(x, decimals: int = 1) -> float:
    """Round half up on the decimal figure: ``7.25 -> 7.3``, ``2.4499999999999997 -> 2.5``.

    Parameters
    ----------
    x : float
        The number (NaN stays NaN).
    decimals : int
        Decimal places kept.

    Returns
    -------
    float

    Notes
    -----
    Python's :func:`round` rounds half to even on the binary float (``round(7.25, 1)``
    is 7.2, ``round(2.675, 2)`` is 2.67); scorecards round half up on the decimal figure.
    The float is first snapped to 9 decimals to remove binary noise, then rounded with
    ``decimal.ROUND_HALF_UP`` (halves go away from zero).

    Examples
    --------
    >>> round_half_up(7.25, 1)
    7.3
    """
    if x is None or pd.isna(x):
        return float("nan")
    return float(_decimal(x).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP))


def _round_even(x, decimals: int) -> float:
    if pd.isna(x):
        return float("nan")
    return float(_decimal(x).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_EVEN))


def _ge(a: float, b: float) -> bool:
    return _decimal(a) >= _decimal(b)


def _le(a: float, b: float) -> bool:
    return _decimal(a) <= _decimal(b)


def _num(x) -> str:
    """Exact figure for an explanation: up to 6 decimals, no trailing zeros."""
    text = format(_decimal(x).quantize(Decimal("1e-6"), rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_PHRASES = {
    "missing": {"en": "missing value", "zh": "缺失值"},
    "missing_benchmark": {"en": "missing benchmark {id}", "zh": "缺少基准 {id}"},
    "capped": {"en": "capped at {v}", "zh": "封顶 {v}"},
    "floored": {"en": "floored at 0", "zh": "最低 0"},
    "met": {"en": "met", "zh": "达标"},
    "not_met": {"en": "not met", "zh": "未达标"},
    "target": {"en": "target", "zh": "目标"},
    "at_target": {"en": "at target: {v}", "zh": "达到目标: {v}"},
    "floor": {"en": "floor", "zh": "下限"},
    "no_band": {"en": "outside every band", "zh": "未达任何档"},
    "awarded": {"en": "points awarded", "zh": "所得分"},
    "input": {"en": "input", "zh": "输入值"},
    "sum": {"en": "sum of unrounded points", "zh": "未舍入分数求和"},
    "sum_rounded": {"en": "sum of displayed points", "zh": "显示分数求和"},
    "of_missing": {"en": "{n} missing", "zh": "{n} 项缺失"},
}


class _Text:
    """Number formatting and the few words an explanation uses, in one language."""

    def __init__(self, lang: str = "en", percent: bool = False):
        check_lang(lang)
        self.lang = lang
        self.percent = percent

    def say(self, key: str, **kw) -> str:
        return _PHRASES[key][self.lang].format(**kw)

    def v(self, x) -> str:
        """A measured value (shown as a percentage when the item's format says so)."""
        return _num(float(x) * 100) + "%" if self.percent else _num(x)

    def p(self, x) -> str:
        """Points."""
        return _num(x)


def _direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")
    return direction


def _clip(raw: float, max_points: float, text: str, t: _Text) -> tuple[float, str]:
    if raw > max_points and not math.isclose(raw, max_points, abs_tol=1e-9):
        return float(max_points), f"{text}, {t.say('capped', v=t.p(max_points))}"
    if raw < 0 and not math.isclose(raw, 0.0, abs_tol=1e-9):
        return 0.0, f"{text}, {t.say('floored')}"
    # snapped to 9 decimals: 16.4 / 20 × 3.5 is 2.87, not 2.8699999999999997
    return float(_decimal(min(max(raw, 0.0), max_points))), text


_RULE_DOC = """
    Parameters
    ----------
    value : float
        The measured value (never missing: :meth:`Scorecard.score` flags missing values
        before calling a rule).
    max_points : float
        Points available for this value (the item's maximum, times its period weight).
    direction : {"higher", "lower"}
        Which way the value is better.
    lang : {"en", "zh"}
        Language of the words in the explanation.
    percent : bool
        Show values (proportions 0-1) as percentages in the explanation.
    The rule's own parameters are described above.

    Returns
    -------
    tuple of (float, str)
        The points, unrounded (binary noise below 1e-9 removed), and the explanation.

    Raises
    ------
    ValueError
        A direction the rule does not allow, misordered parameters, or an impossible
        value (a negative count of events or of points).
"""


def _rule_doc(func):
    func.__doc__ = func.__doc__.replace("    %(common)s\n", _RULE_DOC.lstrip("\n"))
    return func


# --------------------------------------------------------------------------- rules
# Each rule takes the measured value and the points available for it, returns the points
# (unrounded) and the formula that produced them. The caller handles missing values.
@_rule_doc
def rule_ratio(value: float, max_points: float, *, scale: float, direction: str = "higher",
               lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Points in proportion to the value: ``value / scale × max_points``.

    The Guizhou quarterly rule (DOMAIN.md §4): a third-party score on a 20-point scale
    earns ``score / 20 × quarter weight``. With ``direction="lower"`` the points are
    ``(scale − value) / scale × max_points``. Points are capped at ``max_points`` and
    floored at 0.

    %(common)s

    Examples
    --------
    >>> rule_ratio(16.4, 3.5, scale=20)
    (2.87, '16.4 / 20 × 3.5 = 2.87')
    """
    text = _Text(lang, percent)
    _direction(direction)
    if direction == "higher":
        raw = float(value) * max_points / scale
        formula = f"{text.v(value)} / {text.v(scale)} × {text.p(max_points)} = {text.p(raw)}"
    else:
        raw = (scale - float(value)) * max_points / scale
        formula = (f"({text.v(scale)} − {text.v(value)}) / {text.v(scale)} × "
                   f"{text.p(max_points)} = {text.p(raw)}")
    return _clip(raw, max_points, formula, text)


@_rule_doc
def rule_linear(value: float, max_points: float, *, floor: float, target: float,
                direction: str = "higher", lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Points rising linearly from 0 at ``floor`` to ``max_points`` at ``target``.

    ``direction="higher"`` needs ``target > floor`` (e.g. retention 81% → 0, 86% → full);
    ``"lower"`` needs ``target < floor`` (e.g. overdue rate 5% → 0, 1% → full). Values at
    or beyond the target earn the full points, at or beyond the floor none.

    %(common)s

    Examples
    --------
    >>> rule_linear(0.84, 2, floor=0.80, target=0.90)[0]
    0.8
    """
    text = _Text(lang, percent)
    _direction(direction)
    if (direction == "higher") != (target > floor):
        raise ValueError(f"linear rule with direction {direction!r} needs target "
                         f"{'above' if direction == 'higher' else 'below'} floor; "
                         f"got floor {floor!r}, target {target!r}")
    better = _ge if direction == "higher" else _le
    worse = _le if direction == "higher" else _ge
    if better(value, target):
        sign = "≥" if direction == "higher" else "≤"
        return float(max_points), (f"{text.v(value)} {sign} {text.v(target)} "
                                   f"({text.say('target')}) → {text.p(max_points)}")
    if worse(value, floor):
        sign = "≤" if direction == "higher" else "≥"
        return 0.0, f"{text.v(value)} {sign} {text.v(floor)} ({text.say('floor')}) → 0"
    raw = (float(value) - floor) * max_points / (target - floor)
    formula = (f"({text.v(value)} − {text.v(floor)}) / ({text.v(target)} − {text.v(floor)}) × "
               f"{text.p(max_points)} = {text.p(raw)}")
    return _clip(raw, max_points, formula, text)


@_rule_doc
def rule_threshold(value: float, max_points: float, *, target: float, direction: str = "higher",
                   lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Full points if the target is met (``value ≥ target``, or ``≤`` for lower), else 0.

    Meeting the target exactly counts as met.

    %(common)s

    Examples
    --------
    >>> rule_threshold(0.99, 10, target=0.99)
    (10.0, '0.99 ≥ 0.99: met → 10')
    """
    text = _Text(lang, percent)
    _direction(direction)
    if direction == "higher":
        met, sign = _ge(value, target), ("≥" if _ge(value, target) else "<")
    else:
        met, sign = _le(value, target), ("≤" if _le(value, target) else ">")
    points = float(max_points) if met else 0.0
    word = text.say("met") if met else text.say("not_met")
    return points, f"{text.v(value)} {sign} {text.v(target)}: {word} → {text.p(points)}"


@_rule_doc
def rule_bands(value: float, max_points: float, *, bands, direction: str = "higher",
               lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Points from a table of bands: the best band the value reaches.

    ``bands`` is a list of ``{"limit": x, "points": p}``. With ``direction="higher"`` a
    band is reached when ``value ≥ limit``; with ``"lower"`` when ``value ≤ limit``. The
    value earns the points of the best band reached (limits are inclusive), 0 if none.

    %(common)s

    Examples
    --------
    >>> rule_bands(8, 1.5, bands=[{"limit": 5, "points": 1.5}, {"limit": 10, "points": 0.5}],
    ...            direction="lower")
    (0.5, '8 ≤ 10 → 0.5')
    """
    text = _Text(lang, percent)
    _direction(direction)
    reach = _ge if direction == "higher" else _le
    sign = "≥" if direction == "higher" else "≤"
    reached = [b for b in bands if reach(value, b["limit"])]
    if not reached:
        edge = (min if direction == "higher" else max)(b["limit"] for b in bands)
        other = "<" if direction == "higher" else ">"
        return 0.0, f"{text.v(value)} {other} {text.v(edge)}: {text.say('no_band')} → 0"
    best = max(reached, key=lambda b: (b["points"], b["limit"] if direction == "higher"
                                        else -b["limit"]))
    points = min(float(best["points"]), float(max_points))
    return points, f"{text.v(value)} {sign} {text.v(best['limit'])} → {text.p(points)}"


@_rule_doc
def rule_deduction(value: float, max_points: float, *, per_event: float, direction: str = "lower",
                   lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Start from ``max_points`` and deduct ``per_event`` for each event, floored at 0.

    ``value`` counts the events (complaints escalated to the GM hotline, media exposures).
    Fewer events are better, so the direction must be ``"lower"``; to *award* points per
    event use :func:`rule_per_event`.

    %(common)s

    Examples
    --------
    >>> rule_deduction(3, 10, per_event=2)
    (4.0, '10 − 3 × 2 = 4')
    """
    text = _Text(lang, percent)
    if _direction(direction) != "lower":
        raise ValueError("deduction rule counts events that cost points: direction must be "
                         "'lower' (use rule 'per_event' to award points per event), "
                         f"got {direction!r}")
    if float(value) < 0:
        raise ValueError(f"number of events cannot be negative, got {_num(value)}")
    raw = float(max_points) - float(value) * per_event
    formula = f"{text.p(max_points)} − {text.v(value)} × {text.p(per_event)} = {text.p(raw)}"
    return _clip(raw, max_points, formula, text)


@_rule_doc
def rule_per_event(value: float, max_points: float, *, per_event: float,
                   direction: str = "higher", lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """Award ``per_event`` points for each event, capped at ``max_points``.

    The 2010 campaign's group scoring (DOMAIN.md §2): 1 point per adopted suggestion,
    10 per case among the ten best. More events are better: direction ``"higher"``.

    %(common)s

    Examples
    --------
    >>> rule_per_event(3, 20, per_event=1)
    (3.0, '3 × 1 = 3')
    """
    text = _Text(lang, percent)
    if _direction(direction) != "higher":
        raise ValueError("per_event rule awards points for each event: direction must be "
                         "'higher' (use rule 'deduction' to take points off per event), "
                         f"got {direction!r}")
    if float(value) < 0:
        raise ValueError(f"number of events cannot be negative, got {_num(value)}")
    raw = float(value) * per_event
    formula = f"{text.v(value)} × {text.p(per_event)} = {text.p(raw)}"
    return _clip(raw, max_points, formula, text)


@_rule_doc
def rule_target_plus(value: float, max_points: float, *, benchmark: float, margin: float,
                     direction: str = "higher", lang: str = "en", percent: bool = False,
                     benchmark_label: str | None = None) -> tuple[float, str]:
    """Full points if the value beats a benchmark by a margin, else 0.

    ``direction="higher"``: met when ``value ≥ benchmark + margin`` (first-contact
    resolution ≥ the provincial figure + 5 pp, DOMAIN.md §2); ``"lower"``: met when
    ``value ≤ benchmark − margin``. Meeting it exactly counts as met.

    %(common)s

    Examples
    --------
    >>> rule_target_plus(0.80, 10, benchmark=0.74, margin=0.05)
    (10.0, '0.8 ≥ 0.74 + 0.05 = 0.79: met → 10')
    """
    text = _Text(lang, percent)
    _direction(direction)
    name = f"{benchmark_label} " if benchmark_label else ""
    if direction == "higher":
        target = float(benchmark) + margin
        met = _ge(value, target)
        sign = "≥" if met else "<"
        rhs = f"{name}{text.v(benchmark)} + {text.v(margin)} = {text.v(target)}"
    else:
        target = float(benchmark) - margin
        met = _le(value, target)
        sign = "≤" if met else ">"
        rhs = f"{name}{text.v(benchmark)} − {text.v(margin)} = {text.v(target)}"
    points = float(max_points) if met else 0.0
    word = text.say("met") if met else text.say("not_met")
    return points, f"{text.v(value)} {sign} {rhs}: {word} → {text.p(points)}"


@_rule_doc
def rule_points(value: float, max_points: float, *, direction: str = "higher",
                lang: str = "en", percent: bool = False) -> tuple[float, str]:
    """The value already is the points awarded; capped at ``max_points``.

    For schemes where only the points are published (DOMAIN.md §4's KPI table: overall
    satisfaction 9.5 of 10).

    %(common)s

    Examples
    --------
    >>> rule_points(9.5, 10)
    (9.5, 'points awarded 9.5 / 10')
    """
    text = _Text(lang, percent)
    if _direction(direction) != "higher":
        raise ValueError(f"points rule: more points are better, direction must be 'higher', "
                         f"got {direction!r}")
    if float(value) < 0:
        raise ValueError(f"points awarded cannot be negative, got {_num(value)}")
    formula = f"{text.say('awarded')} {text.p(value)} / {text.p(max_points)}"
    return _clip(float(value), max_points, formula, text)


@dataclass(frozen=True)
class _RuleSpec:
    func: object
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    directions: tuple[str, ...] = DIRECTIONS


#: Rule name -> (function, required parameters, optional parameters, allowed directions).
RULES: dict[str, _RuleSpec] = {
    "ratio": _RuleSpec(rule_ratio, ("scale",)),
    "linear": _RuleSpec(rule_linear, ("floor", "target")),
    "threshold": _RuleSpec(rule_threshold, ("target",)),
    "bands": _RuleSpec(rule_bands, ("bands",)),
    "deduction": _RuleSpec(rule_deduction, ("per_event",), directions=("lower",)),
    "per_event": _RuleSpec(rule_per_event, ("per_event",), directions=("higher",)),
    "target_plus": _RuleSpec(rule_target_plus, ("margin",),
                             ("benchmark", "benchmark_item", "benchmark_unit")),
    "points": _RuleSpec(rule_points, (), directions=("higher",)),
}


# --------------------------------------------------------------------------- config model
@dataclass(frozen=True)
class Group:
    """A group of items whose points are summed (a column of :meth:`Scorecard.totals`)."""

    id: str
    label_zh: str
    label_en: str
    max_points: float | None = None


@dataclass(frozen=True)
class Item:
    """One scorecard item: how a measured value becomes points."""

    id: str
    label_zh: str
    label_en: str
    max_points: float | dict
    rule: str
    direction: str
    params: dict
    group: str | None = None
    bonus: bool = False
    period_weights: dict | None = None
    value_format: str = "number"
    note: str | None = None

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def max_for(self, period: str | None) -> float | None:
        """Points available in a scoring period (None: not part of that period's scheme)."""
        if isinstance(self.max_points, dict):
            return self.max_points.get(period)
        return float(self.max_points)


_COLUMN_LABELS = {
    "unit": ("单位", "Unit"), "period": ("期间", "Period"), "item": ("项目代码", "Item id"),
    "label": ("考核项目", "Item"), "group": ("分组", "Group"), "rule": ("计分规则", "Rule"),
    "value": ("实际值", "Value"), "points": ("得分", "Points"), "points_shown": ("得分", "Points"),
    "max_points": ("满分", "Max points"), "points_lost": ("失分", "Points lost"),
    "lost_rate": ("失分率", "Share of item lost"), "share_of_lost": ("占全部失分", "Share of all points lost"),
    "missing": ("缺失", "Missing"), "explanation": ("计分说明", "How the points were computed"),
    "total": ("总分", "Total"), "rank": ("排名", "Rank"), "n_missing": ("缺失项数", "Missing values"),
    "points_if": ("达标后得分", "Points at target"), "gain": ("可增加", "Gain"),
    "total_if": ("达标后总分", "Total at target"), "rank_if": ("达标后排名", "Rank at target"),
    "attainment": ("得分率", "Share of points earned"),
    "mean_attainment": ("各单位平均得分率", "Mean share, all units"), "n_units": ("单位数", "Units"),
    "kind": ("类型", "Kind"),
    "direction": ("方向", "Direction"), "parameters": ("参数", "Parameters"),
    "period_weights": ("季度权重", "Period weights"), "bonus": ("加分项", "Bonus"),
}

_TOP_FIELDS = {"name", "description", "source", "total_points", "declared_gap", "gap_reason",
               "periods", "rounding", "groups", "inputs", "composite", "items"}
_ITEM_FIELDS = {"id", "label_zh", "label_en", "max_points", "rule", "direction", "group", "bonus",
                "period_weights", "format", "note"}
_RESERVED = {"unit", "period", "total", "total_exact", "max_points", "points_lost", "composite",
             "rank", "n_items", "n_missing"}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _fmt_list(values) -> str:
    return ", ".join(str(v) for v in values)


class _Checker:
    """Collects every problem of a config, each prefixed with the file name."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, field: str, message: str) -> None:
        place = f"{where} field '{field}'" if where else f"field '{field}'"
        self.problems.append(f"{self.source}: {place}: {message}")

    def number(self, where, field, value, *, minimum=None, positive=False) -> bool:
        if not _is_number(value):
            self.add(where, field, f"must be a number, got {value!r}")
            return False
        if positive and value <= 0:
            self.add(where, field, f"must be positive, got {value!r}")
            return False
        if minimum is not None and value < minimum:
            self.add(where, field, f"must not be negative, got {value!r}")
            return False
        return True

    def text(self, where, field, value) -> bool:
        if not isinstance(value, str) or not value.strip():
            self.add(where, field, f"must be a non-empty text, got {value!r}")
            return False
        return True


def _check_weights(chk: _Checker, where: str, field: str, weights) -> dict | None:
    if not isinstance(weights, Mapping) or not weights:
        chk.add(where, field, f"must be a mapping of name to weight, got {weights!r}")
        return None
    good = True
    for key, w in weights.items():
        if not _is_number(w) or w < 0:
            chk.add(where, field, f"weight of {key!r} must be a non-negative number, got {w!r}")
            good = False
    if good and not math.isclose(sum(weights.values()), 1.0, abs_tol=1e-9):
        chk.add(where, field, f"weights must sum to 1, they sum to {_num(sum(weights.values()))}")
        good = False
    return {str(k): float(v) for k, v in weights.items()} if good else None


class Scorecard:
    """A validated scorecard configuration.

    Build one with :meth:`from_yaml` (or :meth:`from_dict`); see the module docstring for
    the file format.

    Attributes
    ----------
    name : str
    total_points : float
        The stated total (items' maximum points add up to it, less a declared gap).
    items : tuple of Item
    groups : tuple of Group
    inputs : dict
        Input id -> (label_zh, label_en): values read from the scores that earn no points.
    composite : dict or None
        ``{"label_zh", "label_en", "weights": {component: weight}}``.
    decimals, rounding_method, sum_policy
        The rounding policy (display decimals; ``half_up``/``half_even``;
        ``unrounded``/``rounded``).
    declared_gap, gap_reason
        Points of the stated total not covered by any item, and why.
    periods : tuple of str or None
        Scoring periods with their own item sets.
    source : str
        The file the scorecard was read from.

    Examples
    --------
    >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
    >>> scored = card.score(scores)            # one row per unit, item and period  # doctest: +SKIP
    >>> card.totals(scored)                    # unit, total, third_party, process, rank, ...  # doctest: +SKIP
    >>> card.explain(scored, "黔东南")          # the audit trail  # doctest: +SKIP
    """

    def __init__(self, config: Mapping, *, source: str = "<config>"):
        chk = _Checker(source)
        self.source = source
        if not isinstance(config, Mapping):
            raise ConfigError(f"{source}: a scorecard must be a mapping of fields, "
                              f"got {type(config).__name__}")
        for key in config:
            if key not in _TOP_FIELDS:
                chk.add("", str(key), f"unknown field; allowed fields are {_fmt_list(sorted(_TOP_FIELDS))}")
        for key in ("name", "total_points", "items"):
            if key not in config:
                chk.add("", key, "missing (required)")

        self.name = str(config.get("name", ""))
        if "name" in config:
            chk.text("", "name", config["name"])
        self.description = config.get("description")
        self.reference = config.get("source")
        total = config.get("total_points")
        self.total_points = float(total) if _is_number(total) else float("nan")
        if "total_points" in config:
            chk.number("", "total_points", total, minimum=0)

        self.decimals, self.rounding_method, self.sum_policy = self._rounding(chk, config)
        self.periods = self._periods(chk, config)
        self.groups = self._groups(chk, config)
        self.inputs = self._inputs(chk, config)
        self.items = self._items(chk, config)
        self.declared_gap, self.gap_reason = self._gap(chk, config)
        self.composite = self._composite(chk, config)
        if chk.problems:
            raise ConfigError(f"{source}: invalid scorecard ({len(chk.problems)} problem"
                              f"{'s' if len(chk.problems) > 1 else ''})", chk.problems)

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_yaml(cls, path) -> Scorecard:
        """Load and validate a scorecard from a YAML file (no anchors or aliases).

        Parameters
        ----------
        path : str or PathLike
            The YAML file.

        Returns
        -------
        Scorecard

        Raises
        ------
        ConfigError
            The file is missing, not valid YAML or uses YAML anchors/aliases, or the
            scorecard is invalid: unknown
            rule (the message lists the rules), negative points, items not adding up to
            the stated total without a declared gap, weights not summing to 1, missing
            fields, bad direction... Every problem is listed, each naming the file, the
            item and the field.

        Examples
        --------
        >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
        """
        import yaml

        from cxeval._io import load_yaml

        path = os.fspath(path)
        name = os.path.basename(path)
        if not os.path.exists(path):
            raise ConfigError(f"{path}: scorecard file not found")
        try:
            with open(path, encoding="utf-8") as fh:
                config = load_yaml(fh, name)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise ConfigError(f"{name}{where}: not valid YAML: "
                              f"{getattr(exc, 'problem', None) or exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{name}: scorecard files must be UTF-8 text") from None
        if config is None:
            raise ConfigError(f"{name}: the file is empty")
        return cls(config, source=name)

    @classmethod
    def from_dict(cls, config: Mapping, *, source: str = "<config>") -> Scorecard:
        """Validate a scorecard given as a mapping (what the YAML file holds)."""
        return cls(config, source=source)

    def _rounding(self, chk, config):
        rounding = config.get("rounding", {}) or {}
        if not isinstance(rounding, Mapping):
            chk.add("", "rounding", f"must be a mapping (decimals, method, sum), got {rounding!r}")
            return 1, "half_up", "unrounded"
        for key in rounding:
            if key not in ("decimals", "method", "sum"):
                chk.add("rounding", str(key), "unknown field; allowed: decimals, method, sum")
        decimals = rounding.get("decimals", 1)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            chk.add("rounding", "decimals", f"must be a whole number from 0 to 6, got {decimals!r}")
            decimals = 1
        method = rounding.get("method", "half_up")
        if method not in ("half_up", "half_even"):
            chk.add("rounding", "method", f"must be 'half_up' or 'half_even', got {method!r}")
        policy = rounding.get("sum", "unrounded")
        if policy not in ("unrounded", "rounded"):
            chk.add("rounding", "sum", f"must be 'unrounded' (sum unrounded points, round once) "
                                       f"or 'rounded' (sum displayed points), got {policy!r}")
        return decimals, method, policy

    def _periods(self, chk, config):
        periods = config.get("periods")
        if periods is None:
            return None
        if (not isinstance(periods, list) or not periods
                or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in periods)):
            chk.add("", "periods", f"must be a list of period labels, got {periods!r}")
            return None
        labels = tuple(str(p) for p in periods)
        if len(set(labels)) != len(labels):
            chk.add("", "periods", f"lists a period twice: {_fmt_list(labels)}")
        return labels

    def _groups(self, chk, config):
        groups = []
        raw = config.get("groups", []) or []
        if not isinstance(raw, list):
            chk.add("", "groups", f"must be a list of groups, got {raw!r}")
            return ()
        seen = set()
        for i, g in enumerate(raw, start=1):
            if not isinstance(g, Mapping):
                chk.add(f"group {i}", "id", f"a group must be a mapping, got {g!r}")
                continue
            gid = g.get("id")
            where = f"group '{gid}'" if gid else f"group {i}"
            for key in g:
                if key not in ("id", "label_zh", "label_en", "max_points"):
                    chk.add(where, str(key), "unknown field; allowed: id, label_zh, label_en, max_points")
            ok = True
            for key in ("id", "label_zh", "label_en"):
                if key not in g:
                    chk.add(where, key, "missing (required)")
                    ok = False
                elif not chk.text(where, key, g[key]):
                    ok = False
            if gid is not None and isinstance(gid, str):
                if not _ID.match(gid) or gid in _RESERVED:
                    chk.add(where, "id", "must be a name of letters, digits and _ that is not one of "
                                         f"{_fmt_list(sorted(_RESERVED))}")
                    ok = False
                if gid in seen:
                    chk.add(where, "id", "duplicate group id")
                    ok = False
                seen.add(gid)
            gmax = g.get("max_points")
            if gmax is not None and not chk.number(where, "max_points", gmax, minimum=0):
                ok = False
            if ok:
                groups.append(Group(gid, g["label_zh"], g["label_en"],
                                    float(gmax) if gmax is not None else None))
        return tuple(groups)

    def _inputs(self, chk, config):
        raw = config.get("inputs", []) or []
        inputs = {}
        if not isinstance(raw, list):
            chk.add("", "inputs", f"must be a list of inputs, got {raw!r}")
            return inputs
        for i, inp in enumerate(raw, start=1):
            if not isinstance(inp, Mapping):
                chk.add(f"input {i}", "id", f"an input must be a mapping, got {inp!r}")
                continue
            iid = inp.get("id")
            where = f"input '{iid}'" if iid else f"input {i}"
            for key in inp:
                if key not in ("id", "label_zh", "label_en", "note"):
                    chk.add(where, str(key), "unknown field; allowed: id, label_zh, label_en, note")
            missing = [k for k in ("id", "label_zh", "label_en") if k not in inp]
            for key in missing:
                chk.add(where, key, "missing (required)")
            if not missing and all(chk.text(where, k, inp[k]) for k in ("id", "label_zh", "label_en")):
                if iid in inputs:
                    chk.add(where, "id", "duplicate input id")
                inputs[iid] = (inp["label_zh"], inp["label_en"])
        return inputs

    def _items(self, chk, config):
        raw = config.get("items")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            chk.add("", "items", f"must be a non-empty list of items, got {raw!r}")
            return ()
        group_ids = {g.id for g in self.groups}
        items, seen = [], set()
        for i, it in enumerate(raw, start=1):
            if not isinstance(it, Mapping):
                chk.add(f"item {i}", "id", f"an item must be a mapping, got {it!r}")
                continue
            item = self._item(chk, it, i, group_ids)
            if item is None:
                continue
            if item.id in seen:
                chk.add(f"item '{item.id}'", "id", "duplicate item id")
                continue
            if item.id in self.inputs:
                chk.add(f"item '{item.id}'", "id", "is also declared as an input")
            seen.add(item.id)
            items.append(item)
        known = set(seen) | set(self.inputs)
        for item in items:
            ref = item.params.get("benchmark_item")
            if ref is not None and ref not in known:
                chk.add(f"item '{item.id}'", "benchmark_item",
                        f"unknown item or input {ref!r}; known: {_fmt_list(sorted(known))}")
        return tuple(items)

    def _item(self, chk, it, i, group_ids):
        iid = it.get("id")
        where = f"item '{iid}'" if iid else f"item {i}"
        ok = True
        for key in ("id", "label_zh", "label_en", "max_points", "rule", "direction"):
            if key not in it:
                chk.add(where, key, "missing (required)")
                ok = False
        if "id" in it and isinstance(iid, str) and (not _ID.match(iid) or iid in _RESERVED):
            chk.add(where, "id", "must be a name of letters, digits and _ that is not one of "
                                 f"{_fmt_list(sorted(_RESERVED))}; got {iid!r}")
            ok = False
        elif "id" in it and not isinstance(iid, str):
            chk.add(where, "id", f"must be a text id, got {iid!r}")
            ok = False
        for key in ("label_zh", "label_en"):
            if key in it and not chk.text(where, key, it[key]):
                ok = False

        rule = it.get("rule")
        spec = RULES.get(rule) if isinstance(rule, str) else None
        if "rule" in it and spec is None:
            chk.add(where, "rule", f"unknown rule {rule!r}; rules are: {_fmt_list(sorted(RULES))}")
            ok = False
        direction = it.get("direction")
        if "direction" in it:
            if direction not in DIRECTIONS:
                chk.add(where, "direction", f"must be 'higher' or 'lower', got {direction!r}")
                ok = False
            elif spec is not None and direction not in spec.directions:
                other = {"deduction": "per_event", "per_event": "deduction"}.get(rule)
                hint = f" (use rule '{other}' for the other direction)" if other else ""
                chk.add(where, "direction", f"rule '{rule}' only works with direction "
                                            f"'{spec.directions[0]}'{hint}, got {direction!r}")
                ok = False

        params = {}
        if spec is not None:
            allowed = _ITEM_FIELDS | set(spec.required) | set(spec.optional)
            for key in it:
                if key not in allowed:
                    extra = _fmt_list(spec.required + spec.optional) or "none"
                    chk.add(where, str(key), f"unknown field for rule '{rule}' (its parameters: {extra})")
                    ok = False
            for key in spec.required:
                if key not in it:
                    chk.add(where, key, f"missing: rule '{rule}' needs it")
                    ok = False
            params = {k: it[k] for k in spec.required + spec.optional if k in it}
            if not self._check_params(chk, where, rule, direction, params, it.get("max_points")):
                ok = False

        max_points = it.get("max_points")
        if "max_points" in it:
            max_points = self._check_max(chk, where, max_points)
            if max_points is None:
                ok = False

        group = it.get("group")
        if self.groups and group is None:
            chk.add(where, "group", f"missing: the scorecard has groups ({_fmt_list(sorted(group_ids))})")
            ok = False
        elif group is not None and group not in group_ids:
            known = _fmt_list(sorted(group_ids)) if group_ids else "none declared under 'groups'"
            chk.add(where, "group", f"unknown group {group!r}; groups are: {known}")
            ok = False

        bonus = it.get("bonus", False)
        if not isinstance(bonus, bool):
            chk.add(where, "bonus", f"must be true or false, got {bonus!r}")
            ok = False
        value_format = it.get("format", "number")
        if value_format not in ("number", "percent"):
            chk.add(where, "format", f"must be 'number' or 'percent', got {value_format!r}")
            ok = False

        weights = None
        if "period_weights" in it:
            if self.periods is not None:
                chk.add(where, "period_weights", "cannot be combined with top-level 'periods' "
                                                 "(a scorecard either splits items over periods or "
                                                 "scores each period separately)")
                ok = False
            else:
                weights = _check_weights(chk, where, "period_weights", it["period_weights"])
                if weights is None:
                    ok = False
        if not ok:
            return None
        return Item(id=iid, label_zh=it["label_zh"], label_en=it["label_en"], max_points=max_points,
                    rule=rule, direction=direction, params=params, group=group, bonus=bonus,
                    period_weights=weights, value_format=value_format, note=it.get("note"))

    def _check_max(self, chk, where, max_points):
        if isinstance(max_points, Mapping):
            if self.periods is None:
                chk.add(where, "max_points", "points per period need top-level 'periods'")
                return None
            out = {}
            for period, pts in max_points.items():
                if str(period) not in self.periods:
                    chk.add(where, "max_points", f"period {period!r} is not one of the scorecard's "
                                                 f"periods ({_fmt_list(self.periods)})")
                    return None
                if not chk.number(where, "max_points", pts, minimum=0):
                    return None
                out[str(period)] = float(pts)
            return out
        if not chk.number(where, "max_points", max_points, minimum=0):
            return None
        return float(max_points)

    def _check_params(self, chk, where, rule, direction, params, max_points) -> bool:
        ok = True
        for key in ("scale", "per_event"):
            if key in params and not chk.number(where, key, params[key], positive=True):
                ok = False
        for key in ("floor", "target", "margin", "benchmark"):
            if key in params and not chk.number(where, key, params[key]):
                ok = False
        if "margin" in params and _is_number(params["margin"]) and params["margin"] < 0:
            chk.add(where, "margin", f"must not be negative, got {params['margin']!r}")
            ok = False
        if rule == "linear" and ok and "floor" in params and "target" in params:
            floor, target = params["floor"], params["target"]
            if direction == "higher" and not target > floor:
                chk.add(where, "target", f"must be above floor ({floor!r}) when higher is better, "
                                         f"got {target!r}")
                ok = False
            if direction == "lower" and not target < floor:
                chk.add(where, "target", f"must be below floor ({floor!r}) when lower is better, "
                                         f"got {target!r}")
                ok = False
        if rule == "target_plus":
            has = [k for k in ("benchmark", "benchmark_item") if k in params]
            if len(has) != 1:
                chk.add(where, "benchmark", "give exactly one of 'benchmark' (a number) or "
                                            "'benchmark_item' (the id of an item or input)")
                ok = False
            if "benchmark_unit" in params and "benchmark_item" not in params:
                chk.add(where, "benchmark_unit", "only makes sense with 'benchmark_item'")
                ok = False
            for key in ("benchmark_item", "benchmark_unit"):
                if key in params and not chk.text(where, key, params[key]):
                    ok = False
        if rule == "bands" and "bands" in params:
            ok = self._check_bands(chk, where, direction, params, max_points) and ok
        return ok

    def _check_bands(self, chk, where, direction, params, max_points) -> bool:
        bands = params["bands"]
        if not isinstance(bands, list) or not bands:
            chk.add(where, "bands", f"must be a list of {{limit, points}}, got {bands!r}")
            return False
        clean = []
        for j, band in enumerate(bands, start=1):
            if (not isinstance(band, Mapping) or set(band) != {"limit", "points"}
                    or not _is_number(band.get("limit")) or not _is_number(band.get("points"))):
                chk.add(where, "bands", f"band {j} must be {{limit: number, points: number}}, got {band!r}")
                return False
            if band["points"] < 0:
                chk.add(where, "bands", f"band {j} points must not be negative, got {band['points']!r}")
                return False
            if _is_number(max_points) and band["points"] > max_points:
                chk.add(where, "bands", f"band {j} gives {band['points']!r} points, more than "
                                        f"max_points {max_points!r}")
                return False
            clean.append((float(band["limit"]), float(band["points"])))
        limits = [lim for lim, _ in clean]
        if len(set(limits)) != len(limits):
            chk.add(where, "bands", f"two bands share a limit: {_fmt_list(_num(x) for x in limits)}")
            return False
        ordered = sorted(clean)
        pts = [p for _, p in ordered]
        rising = all(a <= b for a, b in zip(pts, pts[1:]))
        falling = all(a >= b for a, b in zip(pts, pts[1:]))
        if direction == "higher" and not rising:
            chk.add(where, "bands", "with higher is better, a higher limit must not give fewer points")
            return False
        if direction == "lower" and not falling:
            chk.add(where, "bands", "with lower is better, a lower limit must not give fewer points")
            return False
        params["bands"] = [{"limit": lim, "points": p} for lim, p in clean]
        return True

    def _gap(self, chk, config):
        gap = config.get("declared_gap")
        reason = config.get("gap_reason")
        if gap is not None:
            if chk.number("", "declared_gap", gap, positive=True):
                gap = float(gap)
            else:
                gap = None
            if reason is None:
                chk.add("", "gap_reason", "missing: say why the items do not add up to the total")
            else:
                chk.text("", "gap_reason", reason)
        elif reason is not None:
            chk.add("", "gap_reason", "given without 'declared_gap'")
        if not self.items or math.isnan(self.total_points):
            return gap, reason
        periods = self.periods or (None,)
        for period in periods:
            regular = [it.max_for(period) for it in self.items if not it.bonus]
            total = sum(p for p in regular if p is not None)
            where = f"period '{period}'" if period is not None else ""
            expected = self.total_points - (gap or 0.0)
            if math.isclose(total, expected, abs_tol=1e-9):
                continue
            if gap is None:
                chk.add(where, "total_points",
                        f"items add up to {_num(total)}, not the stated total {_num(self.total_points)}; "
                        f"if the source really leaves {_num(self.total_points - total)} points "
                        "unassigned, say so with 'declared_gap' and 'gap_reason'")
            else:
                chk.add(where, "declared_gap",
                        f"items add up to {_num(total)}: the gap to the stated total "
                        f"{_num(self.total_points)} is {_num(self.total_points - total)}, "
                        f"not the declared {_num(gap)}")
        for group in self.groups:
            if group.max_points is None:
                continue
            for period in periods:
                total = sum(it.max_for(period) or 0.0 for it in self.items if it.group == group.id)
                if not math.isclose(total, group.max_points, abs_tol=1e-9):
                    where = f"group '{group.id}'" + (f" period '{period}'" if period else "")
                    chk.add(where, "max_points", f"its items add up to {_num(total)}, "
                                                 f"not {_num(group.max_points)}")
        return gap, reason

    def _composite(self, chk, config):
        comp = config.get("composite")
        if comp is None:
            return None
        if not isinstance(comp, Mapping):
            chk.add("", "composite", f"must be a mapping (label_zh, label_en, weights), got {comp!r}")
            return None
        for key in comp:
            if key not in ("label_zh", "label_en", "weights", "note"):
                chk.add("composite", str(key), "unknown field; allowed: label_zh, label_en, weights, note")
        for key in ("label_zh", "label_en", "weights"):
            if key not in comp:
                chk.add("composite", key, "missing (required)")
        if "weights" not in comp:
            return None
        known = {"total"} | {g.id for g in self.groups} | set(self.inputs)
        if isinstance(comp["weights"], Mapping):
            for key in comp["weights"]:
                if key not in known:
                    chk.add("composite", "weights", f"unknown component {key!r}; components are "
                                                    f"'total', group ids or input ids: "
                                                    f"{_fmt_list(sorted(known))}")
        weights = _check_weights(chk, "composite", "weights", comp["weights"])
        if weights is None:
            return None
        return {"label_zh": comp.get("label_zh", ""), "label_en": comp.get("label_en", ""),
                "weights": weights}

    # ---------------------------------------------------------------- description
    def describe(self, *, lang: str = "en") -> pd.DataFrame:
        """The scheme as a table, one row per item.

        Returns
        -------
        DataFrame
            Columns ``item, label, group, max_points, rule, direction, parameters,
            period_weights, bonus`` (bool). A description for display: ``max_points``
            is text (``"10"``, or ``"2005: 4; 2006: 2"`` when it varies by period), and
            so are the parameters and period weights.
        """
        check_lang(lang)
        rows = []
        for it in self.items:
            params = "; ".join(f"{k}={_param_text(v)}" for k, v in it.params.items())
            maxp = (_num(it.max_points) if not isinstance(it.max_points, dict)
                    else "; ".join(f"{k}: {_num(v)}" for k, v in it.max_points.items()))
            weights = ("; ".join(f"{k}: {_num(w)}" for k, w in it.period_weights.items())
                       if it.period_weights else "")
            rows.append({"item": it.id, "label": it.label(lang), "group": it.group or "",
                         "max_points": maxp, "rule": it.rule, "direction": it.direction,
                         "parameters": params, "period_weights": weights, "bonus": it.bonus})
        return pd.DataFrame(rows, columns=["item", "label", "group", "max_points", "rule",
                                           "direction", "parameters", "period_weights", "bonus"])

    def __repr__(self) -> str:
        gap = f", declared gap {_num(self.declared_gap)}" if self.declared_gap else ""
        return (f"Scorecard({self.name!r}, {len(self.items)} items, total {_num(self.total_points)}"
                f"{gap}, from {self.source})")

    def _repr_html_(self) -> str:
        table = self.describe(lang="zh").to_html(index=False, escape=True, na_rep="")
        lines = [f"<p><b>{html.escape(self.name)}</b> — {html.escape(_num(self.total_points))} "
                 f"points, {len(self.items)} items; totals rounded to {self.decimals} decimal(s), "
                 f"{self.rounding_method.replace('_', ' ')}, summed from "
                 f"{self.sum_policy} points.</p>"]
        if self.declared_gap:
            lines.append(f"<p>Declared gap: {html.escape(_num(self.declared_gap))} points "
                         f"({html.escape(str(self.gap_reason))}).</p>")
        if self.composite:
            parts = ", ".join(f"{k} {_num(w * 100)}%" for k, w in self.composite["weights"].items())
            lines.append(f"<p>Composite ({html.escape(self.composite['label_en'])}): "
                         f"{html.escape(parts)}.</p>")
        return "".join(lines) + table

    @property
    def point_columns(self) -> list:
        """The points columns of :meth:`totals`: ``total``, the group ids, ``composite``."""
        return ["total"] + [g.id for g in self.groups] + (["composite"] if self.composite else [])

    def column_labels(self, lang: str = "zh") -> dict:
        """Reader-facing headers for the columns of :meth:`score`, :meth:`totals` and the
        per-unit views, group columns under their group labels, in ``lang``."""
        check_lang(lang)
        zh = lang == "zh"
        labels = {key: (z if zh else e) for key, (z, e) in _COLUMN_LABELS.items()}
        labels.update({g.id: g.label_zh if zh else g.label_en for g in self.groups})
        if self.composite:
            labels["composite"] = self.composite["label_zh" if zh else "label_en"]
        return labels

    def table_formats(self, lang: str = "zh") -> dict:
        """Display formats of the columns of the scorecard's tables, for :func:`cxeval.report.table`.

        Points (``points``, ``points_lost``, ``gain``, ``total_if`` and the
        :attr:`point_columns`) are shown as the scorecard rounds them (:meth:`fmt`);
        values and maximum points as exact figures (``16.4``, ``3.5``; text such as
        :meth:`describe`'s ``"2005: 4; 2006: 2"`` is left as it is); rates as
        percentages; ``n_missing`` as a count; ``bonus`` as "是"/"yes" or blank.
        Columns a table does not have are ignored by :func:`cxeval.report.table`.

        Examples
        --------
        >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
        >>> card.table_formats("en")["points"](2.87)  # doctest: +SKIP
        '2.9'
        """
        check_lang(lang)
        points = dict.fromkeys(["points", "points_shown", "points_lost", "points_if", "gain",
                                "total_if", *self.point_columns], self.fmt)
        return {**points, "value": _figure, "max_points": _figure, "lost_rate": "pct",
                "share_of_lost": "pct", "attainment": "pct", "mean_attainment": "pct",
                "n_missing": "int", "bonus": {True: "是" if lang == "zh" else "yes", False: ""}.get}

    # ---------------------------------------------------------------- rounding
    def round(self, x) -> float:
        """Round a number with the scorecard's policy (decimals and half-up/half-even)."""
        if self.rounding_method == "half_up":
            return round_half_up(x, self.decimals)
        return _round_even(x, self.decimals)

    def fmt(self, x) -> str:
        """A number as the scorecard displays it: rounded by the policy, fixed decimals."""
        if x is None or pd.isna(x):
            return "NA"
        return f"{self.round(x):.{self.decimals}f}"

    # ---------------------------------------------------------------- scoring
    def _slots(self, item: Item):
        """(period or None, points available) for each value an item takes per unit."""
        if item.period_weights:
            # in decimal: 10 × 0.3 is 3.0000000000000004 in binary floating point
            return [(p, float(_decimal(item.max_points) * _decimal(w)))
                    for p, w in item.period_weights.items()]
        if self.periods is not None:
            return [(p, item.max_for(p)) for p in self.periods if item.max_for(p) is not None]
        return [(None, float(item.max_points))]

    def _composite_inputs(self) -> list:
        if not self.composite:
            return []
        return [k for k in self.composite["weights"] if k in self.inputs]

    def _benchmark_units(self) -> set:
        return {it.params["benchmark_unit"] for it in self.items if "benchmark_unit" in it.params}

    def score(self, scores: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
        """Points per unit, item and period, each with its explanation.

        Parameters
        ----------
        scores : DataFrame or None
            The ``scores`` data kind (``cxeval.data.load(path, "scores")``): columns
            ``unit, period, item, value``. Rows for items or periods the scorecard does
            not define are not scored (:meth:`unmatched` lists them). None (no scores
            file: ``data.load_input(..., required=False)``) scores nothing: the result
            is empty, and :meth:`unit_summary` says ``has_data`` False for every unit.
        lang : {"en", "zh"}
            Language of ``label`` and of the words in ``explanation``.

        Returns
        -------
        DataFrame
            One row per unit (every unit in ``scores`` except benchmark units), item and
            period slot, in the scorecard's item order, then one row per composite input:

            - ``unit`` : the unit scored.
            - ``period`` : the period of the value (None when a single-period item has no
              value for the unit).
            - ``item`` : item (or input) id; ``label`` : its label in ``lang``.
            - ``group`` : the item's group id (None without groups).
            - ``kind`` : ``"item"``, ``"bonus"`` (outside the stated total) or ``"input"``
              (a composite component that earns no points).
            - ``rule`` : the rule name (``"input"`` for inputs).
            - ``value`` : the measured value.
            - ``points`` : points earned, unrounded (NaN when the value is missing).
            - ``points_shown`` : the points rounded by the scorecard's policy.
            - ``max_points`` : points available for this slot (item maximum × period weight).
            - ``points_lost`` : ``max_points − points`` (NaN for missing, bonus, inputs).
            - ``missing`` : True when the value (or a benchmark it needs) is missing.
            - ``explanation`` : how the points were computed, e.g.
              ``"16.4 / 20 × 3.5 = 2.87 → 2.9"``; ``"missing value"`` when missing.

        Raises
        ------
        DataError
            A required column is missing (the message lists the columns there), a unit has
            two values for the same item and period, a single-period item has values for
            several periods, a value is impossible for its rule (a negative count), or a
            value of an item that is not a rate was written as a percentage ("77.5%" in
            a file loaded with ``cxeval.data.load``).

        Examples
        --------
        >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
        >>> card.score(scores)[["unit", "item", "period", "points", "explanation"]]  # doctest: +SKIP
        """
        text_base = _Text(lang)
        df = _check_scores(scores)
        lookup: dict[tuple, float] = {}
        by_unit_item: dict[tuple, list] = {}
        problems = self._percent_on_numbers(scores, df)
        for unit, period, item, value in df.itertuples(index=False, name=None):
            key = (unit, item, period)
            if key in lookup:
                problems.append(f"unit {unit}, item {item}, period {period}: two values "
                                f"({_num_or_na(lookup[key])} and {_num_or_na(value)}); keep one")
                continue
            lookup[key] = value
            by_unit_item.setdefault((unit, item), []).append(period)
        skip = self._benchmark_units()
        units = [u for u in pd.unique(df["unit"]) if u not in skip]

        rows = []
        for unit in units:
            for item in self.items:
                for period, slot_max in self._slots(item):
                    if period is None:
                        periods = by_unit_item.get((unit, item.id), [])
                        if len(periods) > 1:
                            problems.append(
                                f"unit {unit}, item {item.id}: values for several periods "
                                f"({_fmt_list(periods)}) but the scorecard scores one; filter the "
                                "scores to one period or declare 'periods' in the scorecard")
                            continue
                        period = periods[0] if periods else None
                    value = lookup.get((unit, item.id, period), float("nan"))
                    row = self._score_one(item, unit, period, value, slot_max, lookup, lang, problems)
                    rows.append(row)
            for key in self._composite_inputs():
                periods = by_unit_item.get((unit, key), [])
                if self.periods is None and len(periods) > 1:
                    problems.append(f"unit {unit}, input {key}: values for several periods "
                                    f"({_fmt_list(periods)}) but the scorecard uses one")
                    continue
                for period in self.periods or [periods[0] if periods else None]:
                    value = lookup.get((unit, key, period), float("nan"))
                    missing = bool(pd.isna(value))
                    rows.append({
                        "unit": unit, "period": period, "item": key,
                        "label": self.inputs[key][0 if lang == "zh" else 1],
                        "group": None, "kind": "input", "rule": "input", "value": value,
                        "points": float("nan"), "points_shown": float("nan"),
                        "max_points": float("nan"), "points_lost": float("nan"),
                        "missing": missing,
                        "explanation": text_base.say("missing") if missing
                        else f"{text_base.say('input')} {_num(value)}",
                    })
        if problems:
            raise DataError(f"scores cannot be scored with {self.source} "
                            f"({len(problems)} problem{'s' if len(problems) > 1 else ''})", problems)
        columns = ["unit", "period", "item", "label", "group", "kind", "rule", "value", "points",
                   "points_shown", "max_points", "points_lost", "missing", "explanation"]
        out = pd.DataFrame(rows, columns=columns)
        for col in ("value", "points", "points_shown", "max_points", "points_lost"):
            out[col] = out[col].astype(float)
        out["missing"] = out["missing"].astype(bool)
        return out

    def _percent_on_numbers(self, scores, df: pd.DataFrame) -> list[str]:
        """Values written with % for items that take a plain number.

        ``cxeval.data.load`` reads "77.5%" as 0.775 and lists such cells in
        ``attrs["written_as_percent"]``; on a 20-point item that silently scores 0.775
        points instead of failing, so it is a problem unless the item is a rate
        (``format: percent``).
        """
        written = (getattr(scores, "attrs", None) or {}).get("written_as_percent", {}).get("value")
        if not written:
            return []
        formats = {it.id: it.value_format for it in self.items}
        problems = []
        for label, where in written.items():
            for item_id in df.loc[df.index == label, "item"]:
                if formats.get(item_id, "percent") != "percent":
                    problems.append(
                        f"{where} is a percentage, but item {item_id} takes a plain number "
                        f"(read as {_num(df.loc[df.index == label, 'value'].iloc[0])}); write the "
                        "value without %, or give the item 'format: percent' if it is a rate")
        return problems

    def _score_one(self, item, unit, period, value, slot_max, lookup, lang, problems) -> dict:
        percent = item.value_format == "percent"
        text = _Text(lang, percent)
        row = {"unit": unit, "period": period, "item": item.id, "label": item.label(lang),
               "group": item.group, "kind": "bonus" if item.bonus else "item", "rule": item.rule,
               "value": value, "max_points": slot_max}
        params = {k: v for k, v in item.params.items() if k not in ("benchmark_item", "benchmark_unit")}
        explanation = None
        if pd.isna(value):
            explanation = text.say("missing")
        elif item.rule == "target_plus" and "benchmark_item" in item.params:
            ref = item.params["benchmark_item"]
            ref_unit = item.params.get("benchmark_unit", unit)
            bench = lookup.get((ref_unit, ref, period), float("nan"))
            if pd.isna(bench):
                explanation = text.say("missing_benchmark", id=ref)
            params["benchmark"] = bench
            params["benchmark_label"] = ref
        if explanation is not None:
            row.update(points=float("nan"), points_shown=float("nan"), points_lost=float("nan"),
                       missing=True, explanation=explanation)
            return row
        try:
            points, formula = RULES[item.rule].func(float(value), slot_max, direction=item.direction,
                                                    lang=lang, percent=percent, **params)
        except ValueError as exc:
            problems.append(f"unit {unit}, item {item.id}, period {period}: {exc}")
            points, formula = float("nan"), str(exc)
        shown = self.round(points)
        if not pd.isna(points) and _num(shown) != _num(points):
            formula = f"{formula} → {self.fmt(shown)}"
        row.update(points=points, points_shown=shown,
                   points_lost=float("nan") if item.bonus else slot_max - points,
                   missing=False, explanation=formula)
        return row

    def unmatched(self, scores: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``scores`` the scorecard does not use (unknown item or period).

        Returns
        -------
        DataFrame
            The rows of ``scores`` (columns ``unit, period, item, value``) whose item is
            neither an item nor an input of the scorecard, or whose period is not one the
            item is scored for. A typo in an item name shows up here (and as a missing
            value in :meth:`score`).
        """
        df = _check_scores(scores)
        known_items = {it.id: it for it in self.items}
        keep = []
        for unit, period, item, _ in df.itertuples(index=False, name=None):
            it = known_items.get(item)
            if it is None:
                keep.append(item not in self.inputs)
            elif it.period_weights:
                keep.append(period not in it.period_weights)
            elif self.periods is not None:
                keep.append(it.max_for(period) is None)
            else:
                keep.append(False)
        return df[np.array(keep, dtype=bool)].reset_index(drop=True)

    # ---------------------------------------------------------------- totals
    def totals(self, scored: pd.DataFrame, *, period: str | None = None) -> pd.DataFrame:
        """Totals per unit: the official total, group sums, composite and rank.

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score`.
        period : str, optional
            For scorecards with ``periods``: keep only this scoring period.

        Returns
        -------
        DataFrame
            One row per unit (per unit and period when the scorecard declares ``periods``):

            - ``unit`` (and ``period``).
            - ``total`` : points, summed from unrounded points and rounded once by the
              rounding policy (the official figure). Bonus points are included.
            - one column per group id : the group's points, rounded the same way.
            - ``composite`` (when the scorecard defines one) : the weighted sum of its
              components (unrounded ``total``, group sums, input values), rounded.
            - ``rank`` : 1 = best ``total``; units tied at the displayed precision share
              the better rank (pandas ``method="min"``: 1, 2, 2, 4), because the published,
              rounded score is what a reader compares. Ranks are within a period.
            - ``total_exact`` : the unrounded total.
            - ``max_points`` : points the unit's items could earn (bonus excluded).
            - ``points_lost`` : points lost on items with a value, rounded.
            - ``n_items`` : item-period values the total needs; ``n_missing`` : how many
              of them are missing (their points are not in the total).

        Raises
        ------
        DataError
            ``scored`` is not a :meth:`score` result (lists the columns there).
        """
        scored = _check_scored(scored)
        if period is not None:
            if not self.periods or period not in self.periods:
                allowed = _fmt_list(self.periods) if self.periods else "none (the scorecard has no 'periods')"
                raise ValueError(f"period must be one of the scorecard's periods: {allowed}; got {period!r}")
            scored = scored[scored["period"] == period]
        keys = ["unit", "period"] if self.periods else ["unit"]
        items = scored[scored["kind"] != "input"]
        rows = []
        for key, part in items.groupby(keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            row = dict(zip(keys, key))
            row.update(self._sum_part(part))
            inputs = scored[(scored["kind"] == "input") & (scored["unit"] == row["unit"])]
            if self.periods:
                inputs = inputs[inputs["period"] == row["period"]]
            row["_inputs"] = dict(zip(inputs["item"], inputs["value"]))
            rows.append(row)
        group_ids = [g.id for g in self.groups]
        out = pd.DataFrame(rows)
        if out.empty:
            cols = keys + ["total"] + group_ids + (["composite"] if self.composite else []) + [
                "rank", "total_exact", "max_points", "points_lost", "n_items", "n_missing"]
            return pd.DataFrame(columns=cols)
        if self.composite:
            out["composite"] = [self._composite_value(r) for r in rows]
        out = out.drop(columns="_inputs")
        group_key = out["period"] if self.periods else pd.Series(0, index=out.index)
        out["rank"] = (out.groupby(group_key)["total"].rank(method="min", ascending=False)
                       .astype("Int64"))
        ordered = keys + ["total"] + group_ids + (["composite"] if self.composite else []) + [
            "rank", "total_exact", "max_points", "points_lost", "n_items", "n_missing"]
        return out[ordered].reset_index(drop=True)

    def _sum_part(self, part: pd.DataFrame) -> dict:
        pts = part["points_shown"] if self.sum_policy == "rounded" else part["points"]
        scored = pts.notna()
        exact = float(pts[scored].sum()) if scored.any() else float("nan")
        row = {"total_exact": exact, "total": self.round(exact),
               "max_points": float(part.loc[part["kind"] == "item", "max_points"].sum()),
               "points_lost": self.round(part["points_lost"].sum()) if part["points_lost"].notna().any()
               else float("nan"),
               "n_items": int(len(part)), "n_missing": int(part["missing"].sum())}
        for g in self.groups:
            gp = pts[(part["group"] == g.id).to_numpy() & scored.to_numpy()]
            row[g.id] = self.round(float(gp.sum())) if len(gp) else float("nan")
            row[f"_exact_{g.id}"] = float(gp.sum()) if len(gp) else float("nan")
        return row

    def _composite_value(self, row: dict) -> float:
        total = 0.0
        for key, w in self.composite["weights"].items():
            if key == "total":
                v = row["total_exact"]
            elif key in self.inputs:
                v = row["_inputs"].get(key, float("nan"))
            else:
                v = row[f"_exact_{key}"]
            if pd.isna(v):
                return float("nan")
            total += w * float(v)
        return self.round(total)

    # ---------------------------------------------------------------- per-unit views
    def explain(self, scored: pd.DataFrame, unit: str, *, lang: str = "en") -> pd.DataFrame:
        """The audit trail of one unit: every item's points, then group sums and the total.

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score`.
        unit : str
            The unit to explain.
        lang : {"en", "zh"}
            Language of the summary rows' labels and words.

        Returns
        -------
        DataFrame
            Columns ``kind, period, item, label, value, rule, points, max_points,
            explanation``. ``kind`` is ``"item"``/``"bonus"``/``"input"`` for the rows of
            :meth:`score`, then ``"group"`` (one per group), ``"total"`` and
            ``"composite"``; summary rows give the unrounded sum and the figure shown, e.g.
            ``"1.8 + 2.87 + 3.01 = 7.68 → 7.7 (sum of unrounded points)"``.

        Raises
        ------
        ValueError
            ``unit`` has no rows in ``scored`` (the message lists the units there).
        """
        t = _Text(lang)
        scored = _check_scored(scored)
        part = scored[scored["unit"] == unit]
        if part.empty:
            units = _fmt_list(pd.unique(scored["unit"]))
            raise ValueError(f"unit {unit!r} has no scores; units with scores: {units or 'none'}")
        cols = ["kind", "period", "item", "label", "value", "rule", "points", "max_points",
                "explanation"]
        rows = [part[cols]]
        totals = self.totals(part)
        periods = self.periods or [None]
        policy = t.say("sum") if self.sum_policy == "unrounded" else t.say("sum_rounded")
        value_col = "points" if self.sum_policy == "unrounded" else "points_shown"
        summary = []
        for period in periods:
            items = part[part["kind"] != "input"]
            trow = totals
            if period is not None:
                items = items[items["period"] == period]
                trow = totals[totals["period"] == period]
            if trow.empty:
                continue
            trow = trow.iloc[0]
            for g in self.groups:
                gpart = items[items["group"] == g.id]
                summary.append(self._summary_row("group", period, g.id, g.label_zh if lang == "zh"
                                                 else g.label_en, gpart[value_col],
                                                 gpart["max_points"][gpart["kind"] == "item"].sum(),
                                                 trow[g.id], policy, t))
            # with groups, the total reads as the sum of the group sums (shorter to audit)
            addends = ([float(items.loc[items["group"] == g.id, value_col].sum(skipna=True))
                        for g in self.groups] if self.groups else items[value_col])
            summary.append(self._summary_row(
                "total", period, "total", self.name, addends,
                items["max_points"][items["kind"] == "item"].sum(), trow["total"], policy, t,
                n_missing=int(trow["n_missing"])))
            if self.composite:
                parts = []
                for key, w in self.composite["weights"].items():
                    if key == "total":
                        v = trow["total_exact"]
                    elif key in self.inputs:
                        sel = part[(part["kind"] == "input") & (part["item"] == key)]
                        if period is not None:
                            sel = sel[sel["period"] == period]
                        v = sel["value"].iloc[0] if len(sel) else float("nan")
                    else:
                        v = float(items.loc[items["group"] == key, value_col].sum())
                    parts.append(f"{_num(w)} × {_num_or_na(v)}")
                comp = trow["composite"]
                label = self.composite["label_zh" if lang == "zh" else "label_en"]
                summary.append({"kind": "composite", "period": period, "item": "composite",
                                "label": label, "value": float("nan"), "rule": "",
                                "points": comp, "max_points": float("nan"),
                                "explanation": " + ".join(parts) + f" → {self.fmt(comp)}"})
        out = pd.concat([rows[0], pd.DataFrame(summary, columns=cols)], ignore_index=True)
        return out

    def _summary_row(self, kind, period, item, label, points, max_points, shown, policy, t,
                     n_missing=0) -> dict:
        pts = [p for p in points if not pd.isna(p)]
        exact = sum(pts)
        expr = " + ".join(_num(p) for p in pts) if pts else "0"
        text = f"{expr} = {_num(exact)}"
        if not pd.isna(shown) and _num(shown) != _num(exact):
            text += f" → {self.fmt(shown)}"
        text += f" ({policy})"
        if n_missing:
            text += f"; {t.say('of_missing', n=n_missing)}"
        return {"kind": kind, "period": period, "item": item, "label": label,
                "value": float("nan"), "rule": "", "points": shown, "max_points": float(max_points),
                "explanation": text}

    def item_summary(self, scored: pd.DataFrame, *, unit: str, period: str | None = None) -> pd.DataFrame:
        """One unit's points per item, summed over its periods.

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score`.
        unit : str
        period : str, optional
            For scorecards with ``periods``: the scoring period (default: the latest one
            the unit has values for). Not allowed otherwise.

        Returns
        -------
        DataFrame
            One row per item (bonus items and inputs excluded), in scorecard order:
            ``item, label, group, max_points, points, points_lost, lost_rate`` (points
            lost / max points), ``missing`` (number of missing values), all unrounded.
            Empty when the unit has no scores.
        """
        scored = self._for_period(_check_scored(scored), unit, period)
        part = scored[(scored["unit"] == unit) & (scored["kind"] == "item")]
        cols = ["item", "label", "group", "max_points", "points", "points_lost", "lost_rate", "missing"]
        if part.empty:
            return pd.DataFrame(columns=cols)
        rows = []
        for item_id, g in part.groupby("item", sort=False):
            have = g["points"].notna()
            points = float(g.loc[have, "points"].sum()) if have.any() else float("nan")
            lost = float(g.loc[have, "points_lost"].sum()) if have.any() else float("nan")
            maxp = float(g["max_points"].sum())
            rows.append({"item": item_id, "label": g["label"].iloc[0], "group": g["group"].iloc[0],
                         "max_points": maxp, "points": points, "points_lost": lost,
                         "lost_rate": lost / maxp if maxp > 0 else float("nan"),
                         "missing": int(g["missing"].sum())})
        return pd.DataFrame(rows, columns=cols)

    def short_boards(self, scored: pd.DataFrame, *, unit: str, n: int = 3,
                     period: str | None = None) -> pd.DataFrame:
        """The "short boards" (短板): the items where the unit lost most of its points.

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score`.
        unit : str
        n : int
            How many items to return.
        period : str, optional
            As in :meth:`item_summary`.

        Returns
        -------
        DataFrame
            The ``n`` items with the largest ``share_of_lost`` (their points lost / all
            points the unit lost), largest first, items that lost nothing left out:
            the columns of :meth:`item_summary` plus ``share_of_lost``. Items with a
            missing value are left out (what they lost is unknown).
        """
        check_how_many(n, "n")
        items = self.item_summary(scored, unit=unit, period=period)
        items = items[(items["missing"] == 0) & (items["points_lost"] > 1e-9)]
        lost_total = float(items["points_lost"].sum())
        items = items.assign(share_of_lost=items["points_lost"] / lost_total if lost_total else 0.0)
        return (items.sort_values(["share_of_lost", "lost_rate"], ascending=False, kind="stable")
                .head(n).reset_index(drop=True))

    def what_if(self, scored: pd.DataFrame, *, unit: str, values: Mapping | None = None,
                period: str | None = None, lang: str = "en") -> pd.DataFrame:
        """Points gained if an item reached its target (or took a given value).

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score` for all units (ranks are among them).
        unit : str
            The unit to look at.
        values : mapping, optional
            Item id -> value to try instead of the measured one (applied to each of the
            item's periods). By default every item is tried at its target, i.e. full
            points for every slot.
        period : str, optional
            As in :meth:`item_summary`.
        lang : {"en", "zh"}
            Language of the explanations of re-scored values.

        Returns
        -------
        DataFrame
            One row per item tried, largest gain first: ``item, label, points`` (now),
            ``points_if`` (if it reached the target or took the value), ``gain``,
            ``total``, ``total_if`` (rounded by the policy), ``rank``, ``rank_if``
            (among the units of ``scored``; ties share the better rank), ``missing``
            (values of the item that are missing: their points count as 0 in ``points``
            and in ``total``, so ``gain`` is what the total would rise by),
            ``explanation``. Each item is tried alone; gains of several items add up.

        Raises
        ------
        ValueError
            ``unit`` has no scores, or ``values`` names an unknown item.
        """
        scored = _check_scored(scored)
        if not (scored["unit"] == unit).any():
            units = _fmt_list(pd.unique(scored["unit"]))
            raise ValueError(f"unit {unit!r} has no scores; units with scores: {units or 'none'}")
        by_id = {it.id: it for it in self.items}
        if values is not None:
            unknown = [k for k in values if k not in by_id]
            if unknown:
                raise ValueError(f"values names unknown items {_fmt_list(unknown)}; items are: "
                                 f"{_fmt_list(by_id)}")
        scored = self._for_period(scored, unit, period)
        totals = self.totals(scored)
        others = totals.loc[totals["unit"] != unit, "total"].dropna().to_numpy(dtype=float)
        me = totals[totals["unit"] == unit].iloc[0]
        part = scored[(scored["unit"] == unit) & (scored["kind"] != "input")]
        col = "points_shown" if self.sum_policy == "rounded" else "points"
        base_exact = float(part[col].sum(skipna=True))
        rows = []
        tried = values.keys() if values is not None else [it.id for it in self.items if not it.bonus]
        for item_id in tried:
            item = by_id[item_id]
            slots = part[part["item"] == item_id]
            if slots.empty:  # not part of this period's scheme
                continue
            now = float(slots[col].sum(skipna=True))
            if values is None:
                new = float(slots["max_points"].sum())
                how = _Text(lang).say("at_target", v=_num(new))
            else:
                new_points, texts = 0.0, []
                for _, s in slots.iterrows():
                    probe = self._score_one(item, unit, s["period"], float(values[item_id]),
                                            float(s["max_points"]), self._lookup(scored), lang, [])
                    p = probe["points_shown"] if self.sum_policy == "rounded" else probe["points"]
                    new_points += 0.0 if pd.isna(p) else float(p)
                    texts.append(probe["explanation"])
                new, how = new_points, "; ".join(texts)
            total_if = self.round(base_exact - now + new)
            n_missing = int(slots["missing"].sum())
            rows.append({"item": item_id, "label": item.label(lang), "missing": n_missing,
                         "points": now,
                         "points_if": new, "gain": new - now, "total": me["total"],
                         "total_if": total_if, "rank": me["rank"],
                         "rank_if": int(1 + np.sum(others > total_if + 1e-9)),
                         "explanation": how})
        out = pd.DataFrame(rows, columns=["item", "label", "points", "points_if", "gain", "total",
                                          "total_if", "rank", "rank_if", "missing", "explanation"])
        return out.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)

    def _for_period(self, scored: pd.DataFrame, unit: str, period: str | None) -> pd.DataFrame:
        """The rows of one scoring period (scorecards with ``periods``), else all rows."""
        if not self.periods:
            if period is not None:
                raise ValueError(f"period is only for scorecards with 'periods'; {self.source} "
                                 f"scores one period, got period={period!r}")
            return scored
        if period is None:
            have = scored[(scored["unit"] == unit) & scored["value"].notna()]["period"]
            period = max(have, key=self.periods.index) if len(have) else self.periods[-1]
        elif period not in self.periods:
            raise ValueError(f"period must be one of {_fmt_list(self.periods)}, got {period!r}")
        return scored[scored["period"] == period]

    def unit_summary(self, scored: pd.DataFrame, *, unit: str, period: str | None = None,
                     n_boards: int = 3) -> dict:
        """A unit's key numbers: total, rank, points lost, short boards.

        Parameters
        ----------
        scored : DataFrame
            The result of :meth:`score` for all units.
        unit : str
        period : str, optional
            As in :meth:`item_summary`.
        n_boards : int
            How many short boards to list.

        Returns
        -------
        dict
            ``unit``; ``has_data`` (False when the unit has no scores: every other value
            is then None or empty); ``period`` (the scoring period, None for single-period
            scorecards); ``total`` (official, rounded); ``max_points`` (points its items
            could earn); ``stated_total``; ``points_lost`` (rounded); ``rank`` and
            ``n_units`` (units with a total); ``n_missing``; ``groups`` (group id ->
            rounded points); ``composite``; ``best_unit``, ``best_total``;
            ``short_boards`` (item ids, largest share of points lost first) and
            ``short_board_labels``.
        """
        scored = _check_scored(scored)
        out = {"unit": unit, "has_data": bool((scored["unit"] == unit).any()), "period": None,
               "total": None, "max_points": None, "stated_total": self.total_points,
               "points_lost": None, "rank": None, "n_units": 0, "n_missing": None, "groups": {},
               "composite": None, "best_unit": None, "best_total": None, "short_boards": [],
               "short_board_labels": []}
        if not out["has_data"]:
            return out
        part = self._for_period(scored, unit, period)
        totals = self.totals(part)
        ranked = totals[totals["total"].notna()].sort_values("total", ascending=False, kind="stable")
        me = totals[totals["unit"] == unit].iloc[0]
        boards = self.short_boards(part, unit=unit, n=n_boards)
        out.update(
            period=me["period"] if self.periods else None,
            total=_scalar(me["total"]), max_points=_scalar(me["max_points"]),
            points_lost=_scalar(me["points_lost"]),
            rank=None if pd.isna(me["rank"]) else int(me["rank"]), n_units=int(len(ranked)),
            n_missing=int(me["n_missing"]), groups={g.id: _scalar(me[g.id]) for g in self.groups},
            composite=_scalar(me["composite"]) if self.composite else None,
            best_unit=ranked["unit"].iloc[0] if len(ranked) else None,
            best_total=_scalar(ranked["total"].iloc[0]) if len(ranked) else None,
            short_boards=boards["item"].tolist(), short_board_labels=boards["label"].tolist())
        return out

    @staticmethod
    def _lookup(scored: pd.DataFrame) -> dict:
        return {(u, i, p): v for u, i, p, v in
                scored[["unit", "item", "period", "value"]].itertuples(index=False, name=None)}

    def period_trend(self, scored: pd.DataFrame, *, unit: str) -> pd.DataFrame:
        """How a unit's period-weighted items went, period by period, against the others.

        Returns
        -------
        DataFrame
            One row per item with ``period_weights`` and period: ``item, label, period,
            value, points, max_points, attainment`` (points / max points, 0-1),
            ``mean_attainment`` (over every unit with a value), ``rank`` (among those
            units, ties share the better rank), ``n_units``. Empty when the scorecard
            has no period-weighted item or the unit has no scores.
        """
        scored = _check_scored(scored)
        weighted = [it.id for it in self.items if it.period_weights]
        cols = ["item", "label", "period", "value", "points", "max_points", "attainment",
                "mean_attainment", "rank", "n_units"]
        part = scored[scored["item"].isin(weighted) & scored["points"].notna()].copy()
        if part.empty or not (part["unit"] == unit).any():
            return pd.DataFrame(columns=cols)
        part["attainment"] = part["points"] / part["max_points"]
        grouped = part.groupby(["item", "period"], sort=False)["attainment"]
        part["mean_attainment"] = grouped.transform("mean")
        part["n_units"] = grouped.transform("count").astype(int)
        part["rank"] = grouped.rank(method="min", ascending=False).astype("Int64")
        mine = part[part["unit"] == unit]
        return mine[cols].reset_index(drop=True)


def _param_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(f"{_num(b['limit'])}→{_num(b['points'])}" if isinstance(b, Mapping) else str(b)
                         for b in value)
    if _is_number(value):
        return _num(value)
    return str(value)


def _figure(x) -> str:
    """A value or a maximum as written: ``16.4``, ``3.5``, ``0.8355``; text unchanged."""
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return _num(x)
    return str(x)


def _scalar(x):
    return None if x is None or pd.isna(x) else float(x)


def _num_or_na(x) -> str:
    return "NA" if x is None or pd.isna(x) else _num(x)


_SCORES_COLUMNS = ["unit", "period", "item", "value"]
_SCORED_COLUMNS = ["unit", "period", "item", "label", "group", "kind", "rule", "value", "points",
                   "points_shown", "max_points", "points_lost", "missing", "explanation"]


def _check_scores(scores) -> pd.DataFrame:
    if scores is None:  # no scores file (data.load_input(..., required=False)): nothing to score
        return pd.DataFrame({"unit": pd.Series(dtype=object), "period": pd.Series(dtype=object),
                             "item": pd.Series(dtype=object), "value": pd.Series(dtype=float)})
    check_frame(scores, "scores", kind="a DataFrame (unit, period, item, value)")
    require_columns(scores, _SCORES_COLUMNS, "scores",
                    message="{where} lack column(s) {missing}; columns are: {present}")
    df = scores[_SCORES_COLUMNS].copy()
    values = pd.to_numeric(df["value"], errors="coerce")
    bad = df["value"].notna() & values.isna()
    if bad.any():
        rows = [f"row {i + 1}: value {v!r} is not a number"
                for i, v in zip(np.flatnonzero(bad.to_numpy()), df.loc[bad, "value"])]
        raise DataError("scores have values that are not numbers", rows[:20])
    df["value"] = values.astype(float)
    df["unit"] = df["unit"].map(lambda x: x if x is None or pd.isna(x) else str(x))
    df["item"] = df["item"].map(lambda x: x if x is None or pd.isna(x) else str(x))
    df["period"] = df["period"].map(_period_label)
    return df


def _period_label(p):
    if p is None or (not isinstance(p, str) and pd.isna(p)):
        return None
    if isinstance(p, float) and p.is_integer():
        return str(int(p))
    return str(p)


def _check_scored(scored) -> pd.DataFrame:
    check_frame(scored, "scored", kind="the DataFrame Scorecard.score returns")
    require_columns(scored, _SCORED_COLUMNS, "scored",
                    message="{where} must be a Scorecard.score result; missing column(s) {missing}; "
                            "columns are: {present}")
    return scored


def score_file(config_path, input_path) -> pd.DataFrame:
    """Score a scores file with a scorecard file: the table ``cxeval score`` prints.

    Parameters
    ----------
    config_path : str or PathLike
        Scorecard YAML.
    input_path : str or PathLike
        Scores file (CSV / XLSX / Parquet) read with ``cxeval.data.load(path, "scores")``.

    Returns
    -------
    DataFrame
        One row per unit (per unit and period for scorecards with ``periods``):
        ``unit``, [``period``], ``total``, one column per group, [``composite``], ``rank``
        — see :meth:`Scorecard.totals`. ``attrs["n_missing"]`` counts the values the
        totals lack (missing items are flagged, not scored as zero).

    Raises
    ------
    ConfigError
        The scorecard is invalid.
    DataError
        The scores file is unreadable or invalid, or cannot be scored.

    Examples
    --------
    >>> score_file("data/configs/guizhou_2006_quarterly.yaml",
    ...            "data/sample/kpi_scores.csv")  # doctest: +SKIP
    """
    from cxeval import data

    card = Scorecard.from_yaml(config_path)
    scores = data.load(input_path, "scores")
    totals = card.totals(card.score(scores))
    keys = ["unit", "period"] if card.periods else ["unit"]
    out = totals[keys + card.point_columns + ["rank"]].copy()
    # not a column (the CLI's output contract is fixed) but kept for a caller to warn on
    out.attrs["n_missing"] = int(totals["n_missing"].sum())
    return out


# --------------------------------------------------------------------------- report text
# The sentences and cards of notebook 04, built from the numbers so that each one is
# unit-tested in both languages (the notebook only calls, displays and narrates).
def _names(names, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(str(n) for n in names)


def _rank_status(rank, n_units) -> str:
    """good in the top third, bad in the bottom third, warn between; none without a rank.

    Thirds count the units ranked ahead: fewer than a third ahead is the top third, at
    least two thirds ahead the bottom one (9 units: ranks 1-3 good, 4-6 warn, 7-9 bad; a
    unit alone is good).
    """
    if rank is None or not n_units:
        return "none"
    ahead = int(rank) - 1
    if 3 * ahead < n_units:
        return "good"
    if 3 * ahead >= 2 * n_units:
        return "bad"
    return "warn"


def describe_card(card: Scorecard, *, period: str | None = None, lang: str = "zh") -> str:
    """One sentence naming the scheme and its stated total, and any declared gap.

    Parameters
    ----------
    card : Scorecard
    period : str, optional
        The scoring period shown (scorecards with ``periods``), e.g. ``"2006"``.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"考核方案：<name>，满分 20 分。"``; with a period ``"…满分 20 分（2006 年度）。"``;
        when the items add up to less than the stated total, a second sentence gives the
        items' sum, the gap and the scheme's ``gap_reason``.

    Examples
    --------
    >>> card = Scorecard.from_dict({"name": "t", "total_points": 10, "items": [
    ...     {"id": "a", "label_zh": "甲", "label_en": "A", "max_points": 10, "rule": "points",
    ...      "direction": "higher"}]})
    >>> describe_card(card, lang="en")
    'Scorecard: t, 10 points.'
    """
    check_lang(lang)
    total = _num(card.total_points)
    if lang == "zh":
        text = f"考核方案：{card.name}，满分 {total} 分" + (f"（{period} 年度）" if period else "") + "。"
    else:
        text = f"Scorecard: {card.name}, {total} points" + (f" ({period})" if period else "") + "."
    if card.declared_gap:
        listed = _num(card.total_points - card.declared_gap)
        gap = _num(card.declared_gap)
        reason = str(card.gap_reason).strip()
        text += (f"方案所列项目合计 {listed} 分，比满分少 {gap} 分：{reason}" if lang == "zh" else
                 f" The listed items add up to {listed} points, {gap} short of the stated total: {reason}")
    return text


def headline_cards(card: Scorecard, summary: Mapping, *, lang: str = "zh") -> list[dict]:
    """The five headline cards of a unit with scores, for :func:`cxeval.report.headline`.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary` of a unit with ``has_data`` True.
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        ``label``, ``value`` (formatted), optional ``detail`` and ``status``: total (of
        the points its items could earn); rank (good in the top third of the units,
        bad in the bottom third, warn between); points lost (warn when any); the biggest
        short board; missing values (bad when any: the total is then incomplete).

    Raises
    ------
    ValueError
        ``summary`` is of a unit without scores (show :func:`no_data_note` instead).
    """
    check_lang(lang)
    if not summary.get("has_data"):
        raise ValueError(f"summary of unit {summary.get('unit')!r} has no scores: "
                         "show no_data_note(...) instead of headline cards")
    tr = report.tr
    rank, n_units = summary["rank"], summary["n_units"]
    status = _rank_status(rank, n_units)
    lost = summary["points_lost"]
    return [
        {"label": tr("总分", "Total", lang), "value": card.fmt(summary["total"]),
         "detail": tr(f"满分 {_num(summary['max_points'])}", f"of {_num(summary['max_points'])}", lang)},
        {"label": tr("排名", "Rank", lang),
         "value": f"{rank} / {n_units}" if rank is not None else "–",
         "status": "" if status == "none" else status},
        {"label": tr("失分", "Points lost", lang), "value": card.fmt(lost),
         "status": "warn" if lost else "good"},
        {"label": tr("最大短板", "Biggest short board", lang),
         "value": summary["short_board_labels"][0] if summary["short_board_labels"] else "–"},
        {"label": tr("缺失数据", "Missing values", lang), "value": report.fmt_int(summary["n_missing"]),
         "status": "bad" if summary["n_missing"] else "good"},
    ]


def headline_sentence(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh") -> str:
    """The sentence under the headline cards: total, rank, the best unit, where points went.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary` of a unit with ``has_data`` True.
    branch : str
        The unit's name as the reader knows it.
    lang : {"zh", "en"}

    Returns
    -------
    str
        e.g. ``"黔东南得 15.3 分（满分 20），在 9 个单位中排第 7；第一名黔西南 17.2 分。共失
        4.7 分，失分最多的是：第三方满意度测评、中高端客户保有率、工单超时率。"``, with a
        last sentence on missing values when some are missing. A unit whose values are
        all missing gets a sentence saying its total cannot be computed.

    Raises
    ------
    ValueError
        ``summary`` is of a unit without scores.
    """
    check_lang(lang)
    if not summary.get("has_data"):
        raise ValueError(f"summary of unit {summary.get('unit')!r} has no scores: "
                         "show no_data_note(...) instead")
    n_missing = summary["n_missing"]
    if summary["total"] is None:
        return report.tr(f"{branch}的 {n_missing} 项考核数据全部缺失，无法计算总分。",
                         f"All {n_missing} scorecard values of {branch} are missing: there is no total.",
                         lang)
    total, max_points = card.fmt(summary["total"]), _num(summary["max_points"])
    rank, n_units, lost = summary["rank"], summary["n_units"], card.fmt(summary["points_lost"])
    boards = summary["short_board_labels"]
    if lang == "zh":
        text = f"{branch}得 {total} 分（满分 {max_points}），在 {n_units} 个单位中排第 {rank}"
        if rank != 1:
            text += f"；第一名{summary['best_unit']} {card.fmt(summary['best_total'])} 分"
        text += f"。共失 {lost} 分，失分最多的是：{_names(boards, lang) or '无'}。"
        if n_missing:
            text += f"有 {n_missing} 项数据缺失，未计分，总分不完整。"
        return text
    text = f"{branch} scores {total} of {max_points} points, rank {rank} of {n_units} units"
    if rank != 1:
        text += f"; the best, {summary['best_unit']}, has {card.fmt(summary['best_total'])}"
    text += f". {lost} points were lost, most on: {_names(boards, lang) or 'none'}."
    if n_missing:
        text += f" {n_missing} values are missing and not scored: the total is incomplete."
    return text


def headline(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh",
             units: Sequence[str] = ()) -> report.HTML:
    """The headline of notebook 04: :func:`headline_cards` and :func:`headline_sentence`.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.
    branch : str
        The unit's name as the reader knows it.
    lang : {"zh", "en"}
    units : sequence of str
        The units that do have scores; named when ``branch`` has none.

    Returns
    -------
    cxeval.report.HTML
        The cards and the sentence; for a unit without scores, the note of
        :func:`no_data_note` instead.
    """
    if not summary.get("has_data"):
        return report.note(no_data_note(units, branch=branch, lang=lang))
    return report.headline(headline_cards(card, summary, lang=lang),
                           sentence=headline_sentence(card, summary, branch=branch, lang=lang))


def describe_rank(card: Scorecard, summary: Mapping, *, branch: str, lang: str = "zh") -> str:
    """One sentence on the unit's rank and how far it is behind the best.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.
    branch : str
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"黔东南排第 7（共 9 个单位），比第一名黔西南少 1.9 分。"`` (the gap between the
        displayed totals), ``"…排名第一。"`` for the best; :func:`not_applicable_note`
        for a unit without scores or without a total.
    """
    check_lang(lang)
    if not summary.get("has_data") or summary["rank"] is None:
        return not_applicable_note(lang)
    rank, n_units = summary["rank"], summary["n_units"]
    if rank == 1:
        return report.tr(f"{branch}排第 1（共 {n_units} 个单位），排名第一。",
                         f"{branch} ranks 1 of {n_units}: the best of all units.", lang)
    behind = card.fmt(summary["best_total"] - summary["total"])
    best = summary["best_unit"]
    return report.tr(f"{branch}排第 {rank}（共 {n_units} 个单位），比第一名{best}少 {behind} 分。",
                     f"{branch} ranks {rank} of {n_units}, {behind} points behind the best, {best}.", lang)


def describe_trend(trend: pd.DataFrame, *, lang: str = "zh") -> str:
    """How the unit's quarterly items went from the first period to the last, per item.

    Parameters
    ----------
    trend : DataFrame
        :meth:`Scorecard.period_trend` of one unit.
    lang : {"zh", "en"}

    Returns
    -------
    str
        Per item: ``"第三方满意度测评得分率从 2006-Q2 的 60.0%（第 9 名，共 9 个）变为
        2006-Q4 的 86.0%（第 3 名，共 9 个）；2006-Q4 各单位平均为 82.3%。"``; an item with one
        period gives that period alone. Empty ``trend``: the scorecard has no item
        scored period by period (or the unit has no scores; the notebook shows
        :func:`not_applicable_note` then).
    """
    check_lang(lang)
    if trend.empty:
        return report.tr("这个考核方案没有分季度计分的项目。",
                         "This scorecard has no item scored quarter by quarter.", lang)
    sentences = []
    for _, rows in trend.groupby("item", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        label, mean = first["label"], report.fmt_pct(last["mean_attainment"])
        if lang == "zh":
            text = (f"{label}在 {first['period']} 的得分率为 {_trend_point(first, lang)}" if len(rows) == 1
                    else f"{label}得分率从 {first['period']} 的 {_trend_point(first, lang)}变为 "
                         f"{last['period']} 的 {_trend_point(last, lang)}")
            sentences.append(f"{text}；{last['period']} 各单位平均为 {mean}。")
        else:
            text = f"{label}: {_trend_point(first, lang, of_points=True)}"
            if len(rows) > 1:
                text += f", {_trend_point(last, lang)}"
            sentences.append(f"{text}; the mean of all units in {last['period']} is {mean}.")
    return ("" if lang == "zh" else " ").join(sentences)


def _trend_point(row, lang: str, *, of_points: bool = False) -> str:
    share, rank, n_units = report.fmt_pct(row["attainment"]), row["rank"], row["n_units"]
    if lang == "zh":
        return f"{share}（第 {rank} 名，共 {n_units} 个）"
    return f"{share}{' of the points' if of_points else ''} in {row['period']} (rank {rank} of {n_units})"


def describe_short_boards(card: Scorecard, boards: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence on the biggest short board: what it lost and its share of all points lost.

    Parameters
    ----------
    card : Scorecard
    boards : DataFrame
        :meth:`Scorecard.short_boards` of one unit.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"最大短板是「第三方满意度测评」：失 2.3 分，占全部失分的 49.7%。"``; with no item
        that lost points, a sentence saying there is no short board.
    """
    check_lang(lang)
    if boards.empty:
        return report.tr("没有失分的项目：没有短板。", "No item lost points: there is no short board.", lang)
    top = boards.iloc[0]
    lost, share = card.fmt(top["points_lost"]), report.fmt_pct(top["share_of_lost"])
    return report.tr(f"最大短板是「{top['label']}」：失 {lost} 分，占全部失分的 {share}。",
                     f"The biggest short board is \"{top['label']}\": {lost} points lost, "
                     f"{share} of all points lost.", lang)


def describe_what_if(card: Scorecard, what_if: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence on the item whose reaching its target would gain the most.

    Parameters
    ----------
    card : Scorecard
    what_if : DataFrame
        :meth:`Scorecard.what_if` of one unit (largest gain first).
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"若「第三方满意度测评」达标，可多得 2.3 分，总分 17.7，排名从第 7 变为第 1。"``
        (or "排名不变" when it would not move); a sentence saying every item is at its
        target when nothing can be gained, or that there is no item to try.
    """
    check_lang(lang)
    if what_if.empty:
        return report.tr("没有可以试算的项目。", "There is no item to try.", lang)
    top = what_if.iloc[0]
    if not top["gain"] > 1e-9:
        return report.tr("所有项目均已达标：没有可增加的分数。",
                         "Every item is at its target: there are no points to gain.", lang)
    label, gain, total_if = top["label"], card.fmt(top["gain"]), card.fmt(top["total_if"])
    if pd.isna(top["rank"]):  # no total now (every value missing): no rank to move from
        return report.tr(f"若「{label}」达标，可多得 {gain} 分。",
                         f"If \"{label}\" reached its target, the branch would gain {gain} points.", lang)
    rank, rank_if = int(top["rank"]), int(top["rank_if"])
    if lang == "zh":
        moves = f"排名从第 {rank} 变为第 {rank_if}" if rank_if != rank else f"排名不变（第 {rank}）"
        return f"若「{label}」达标，可多得 {gain} 分，总分 {total_if}，{moves}。"
    moves = f"rank {rank_if} instead of {rank}" if rank_if != rank else f"rank unchanged at {rank}"
    return f"If \"{label}\" reached its target, the branch would gain {gain} points: total {total_if}, {moves}."


def no_data_note(units: Sequence[str], *, branch: str, source: str = "kpi_scores",
                 lang: str = "zh") -> str:
    """What a branch without scores sees instead of its scorecard.

    Parameters
    ----------
    units : sequence of str
        The units that have scores (e.g. ``totals["unit"]``); empty when there are none.
    branch : str
    source : str
        The input file's name (without ending), as the reader finds it in the data folder.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"潮安没有考核计分数据：kpi_scores 中没有这个单位（有数据的单位：贵阳、遵义）。以下各节
        不适用。"``; without any unit: the file is missing or empty.

    Examples
    --------
    >>> no_data_note([], branch="潮安", lang="en")
    'No scorecard data for this branch: the kpi_scores file is missing or empty. The sections below do not apply.'
    """
    check_lang(lang)
    units = [str(u) for u in units]
    if lang == "zh":
        detail = (f"{source} 中没有这个单位（有数据的单位：{_names(units, lang)}）" if units
                  else f"{source} 文件不存在或为空")
        return f"{branch}没有考核计分数据：{detail}。以下各节不适用。"
    detail = (f"{source} has no rows for {branch} (units with data: {_names(units, lang)})" if units
              else f"the {source} file is missing or empty")
    return f"No scorecard data for this branch: {detail}. The sections below do not apply."


def not_applicable_note(lang: str = "zh") -> str:
    """The note a section shows for a branch without scores.

    Examples
    --------
    >>> not_applicable_note("en")
    'Does not apply: no scorecard data for this branch.'
    """
    return report.tr("本节不适用：该分公司没有考核计分数据。",
                     "Does not apply: no scorecard data for this branch.", lang)


def require_config(config: str, *, branch: str) -> str:
    """The scorecard file name, or :class:`~cxeval.errors.NotApplicable` when none is chosen.

    Which scheme a branch is scored on is a decision of the project, not something the
    data can say: a run plan (or ``-p config FILE``) names it per group of branches.
    """
    from cxeval.errors import NotApplicable

    name = str(config or "").strip()
    if not name:
        raise NotApplicable(f"没有为{branch}指定考核方案：在运行计划中为其分组设置 config（如 guizhou_2006_quarterly.yaml）。",
                            f"No scorecard is chosen for {branch}: set config (e.g. guizhou_2006_quarterly.yaml) "
                            "for its group in the run plan.")
    return name


def index_entry(card: Scorecard, summary: Mapping) -> dict[str, str]:
    """What the batch index shows for this report: short headline in both languages and a status.

    Parameters
    ----------
    card : Scorecard
    summary : dict
        :meth:`Scorecard.unit_summary`.

    Returns
    -------
    dict
        ``headline`` ("15.3 分，第 7/9 名"), ``headline_en`` ("15.3 points, rank 7 of 9"),
        ``status``: ``good`` in the top third of the units (fewer than a third ranked
        ahead), ``bad`` in the bottom third (at least two thirds ahead), ``warn`` between;
        ``none`` (grey on the index) without scores ("无考核数据" / "no scorecard data")
        or without a total (every value missing).

    Examples
    --------
    >>> index_entry(card, summary)  # doctest: +SKIP
    {'headline': '15.3 分，第 7/9 名', 'headline_en': '15.3 points, rank 7 of 9', 'status': 'bad'}
    """
    if not summary.get("has_data"):
        return {"headline": "无考核数据", "headline_en": "no scorecard data", "status": "none"}
    if summary["total"] is None or summary["rank"] is None:
        return {"headline": "考核数据缺失，无总分", "headline_en": "scorecard values missing, no total",
                "status": "none"}
    total, rank, n_units = card.fmt(summary["total"]), summary["rank"], summary["n_units"]
    status = _rank_status(rank, n_units)
    entry = {"headline": f"{total} 分，第 {rank}/{n_units} 名",
             "headline_en": f"{total} points, rank {rank} of {n_units}", "status": status}
    if status == "warn":
        entry.update(reason=f"排名居中（{n_units} 个单位的中间三分之一）",
                     reason_en=f"middle third of the {n_units} units")
    elif status == "bad":
        entry.update(reason=f"排名靠后（{n_units} 个单位的后三分之一）",
                     reason_en=f"bottom third of the {n_units} units")
    return entry
