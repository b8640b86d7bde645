"""The rules that turn a measured value into points, each with its explanation.

One function per rule of the config file (the module docstring's "Rules"):
:func:`rule_ratio`, :func:`rule_linear`, :func:`rule_threshold`, :func:`rule_bands`,
:func:`rule_deduction`, :func:`rule_per_event`, :func:`rule_target_plus` and
:func:`rule_points`; :data:`RULES` names their parameters and the directions each allows.
A rule returns the points, unrounded, and the formula that produced them
("16.4 / 20 × 3.5 = 2.87"): the explanation is part of the score table, the audit trail,
so its few words (missing value, capped at, met) stay with the rules, in both languages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cxeval.checks import check_lang
from cxeval.kpi.numbers import _decimal, _ge, _le, _num

__all__ = [
    "RULES", "DIRECTIONS", "rule_ratio", "rule_linear", "rule_threshold", "rule_bands",
    "rule_deduction", "rule_per_event", "rule_target_plus", "rule_points",
]


#: Directions an item may be better in.
DIRECTIONS = ("higher", "lower")


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
