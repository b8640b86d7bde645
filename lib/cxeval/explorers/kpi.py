"""Notebook 04's explorer: what-if sliders per item, with the new total and rank.

One slider per value the branch was scored on (per item, and per quarter for items
scored quarter by quarter). Moving sliders re-scores the branch with the scorecard's own
rules, every changed value at once, and shows the new total, the new rank among the
units and the points per item.

With every slider at the measured value (the start), :func:`view` gives exactly the
report's total, rank, points per item and table of totals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cxeval import kpi, report
from cxeval.explorers._base import WidgetExplorer
from cxeval.kpi.scoring import _check_scored
from cxeval.text import explorers as words

__all__ = ["WhatIfExplorer", "slots", "value_range", "rescore", "view"]


def slots(card, scored: pd.DataFrame, *, unit: str, period: str | None = None) -> pd.DataFrame:
    """The values ``unit`` was scored on in the scoring period: one row per item and period.

    Returns
    -------
    DataFrame
        ``item``, ``period``, ``label`` (with the period when the item is scored per
        period), ``value`` (NaN when missing), ``missing``, ``percent`` (the item's values
        are rates shown as percentages); in scorecard order, bonus items included,
        composite inputs left out (they earn no points).
    """
    part = card._for_period(_check_scored(scored), unit, period)
    part = part[(part["unit"] == unit) & (part["kind"] != "input")]
    by_id = {it.id: it for it in card.items}
    rows = []
    for r in part.itertuples(index=False):
        item = by_id[r.item]
        label = r.label if not item.period_weights else f"{r.label} {r.period}"
        rows.append({"item": r.item, "period": r.period, "label": label, "value": r.value,
                     "missing": bool(r.missing), "percent": item.value_format == "percent"})
    return pd.DataFrame(rows, columns=["item", "period", "label", "value", "missing", "percent"])


def value_range(card, item_id: str, values) -> tuple[float, float]:
    """A slider range for an item: wide enough for its rule and for every unit's value.

    The rule's own numbers set the span (0 to the scale of a ratio; floor to target of a
    linear rule, half as much again either side; up to half past the last band; around
    a threshold), widened to take in ``values`` (every unit's values of the item), and
    kept within 0–1 for rates and at or above 0 when no value is negative.

    Examples
    --------
    >>> card = kpi.Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
    >>> value_range(card, "third_party", [12.0, 18.0])                           # doctest: +SKIP
    (0.0, 20.0)
    """
    item = next((it for it in card.items if it.id == item_id), None)
    if item is None:
        raise ValueError(f"item must be one of {', '.join(it.id for it in card.items)}, got {item_id!r}")
    p = item.params
    seen = [float(v) for v in pd.Series(values, dtype=float).dropna()]
    if item.rule == "ratio":
        lo, hi = 0.0, float(p["scale"])
    elif item.rule == "linear":
        a, b = sorted((float(p["floor"]), float(p["target"])))
        pad = (b - a) / 2 or abs(b) / 2 or 1.0
        lo, hi = a - pad, b + pad
    elif item.rule == "bands":
        limits = [float(band["limit"]) for band in p["bands"]]
        lo, hi = 0.0, max(limits) * 1.5 if max(limits) > 0 else 1.0
    elif item.rule in ("threshold", "target_plus"):
        centre = float(p.get("target", p.get("benchmark", seen[0] if seen else 1.0)) or 1.0)
        lo, hi = centre * 0.5, centre * 1.5
    elif item.rule in ("deduction", "per_event"):
        # from none to half as many again as the events that take (or earn) every point
        lo, hi = 0.0, _max_points(item) / (float(p["per_event"]) or 1.0) * 1.5
    else:   # points
        lo, hi = 0.0, _max_points(item)
    lo, hi = min([lo, *seen]), max([hi, *seen])
    if not seen or min(seen) >= 0:
        lo = max(lo, 0.0)
    if item.value_format == "percent" and max(seen, default=0.0) <= 1:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    return float(lo), float(hi)


def _max_points(item) -> float:
    """An item's maximum points (the largest of its periods' when they differ)."""
    value = item.max_points
    return float(max(value.values()) if isinstance(value, dict) else value) or 1.0


def _step(lo: float, hi: float) -> float:
    """A round step giving about 200 slider positions."""
    raw = (hi - lo) / 200
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def rescore(card, scores: pd.DataFrame, *, unit: str, values: Mapping | None = None,
            lang: str = "zh") -> pd.DataFrame:
    """:meth:`~cxeval.kpi.Scorecard.score` with some of ``unit``'s values replaced.

    Parameters
    ----------
    card : Scorecard
    scores : DataFrame
        The ``scores`` data (``unit, period, item, value``) of every unit.
    unit : str
    values : mapping, optional
        (item, period) -> value to try; every other value stays as measured.
    lang : {"zh", "en"}

    Raises
    ------
    ValueError
        ``values`` names an (item, period) the unit has no value for.
    """
    frame = scores.copy()
    for (item, period), value in (values or {}).items():
        hit = ((frame["unit"] == unit) & (frame["item"] == item)
               & (frame["period"].astype(str) == str(period))).to_numpy()
        if not hit.any():
            raise ValueError(f"{unit} has no value of item {item!r} in period {period!r} to change")
        frame.loc[hit, "value"] = float(value)
    return card.score(frame, lang=lang)


def view(card, scores: pd.DataFrame, *, unit: str, values: Mapping | None = None,
         period: str | None = None, lang: str = "zh") -> dict:
    """The total and rank of ``unit`` if its values were ``values``.

    Parameters
    ----------
    card : Scorecard
    scores : DataFrame
        Scores of every unit (the ranks are among them).
    unit : str
    values : mapping, optional
        (item, period) -> value; empty or None: the measured values (the report).
    period : str, optional
        Scoring period for scorecards with ``periods`` (default: the report's, the
        latest the unit has values for).
    lang : {"zh", "en"}

    Returns
    -------
    dict
        - ``scored``: the re-scored table; ``summary``: :meth:`~cxeval.kpi.Scorecard.unit_summary`;
        - ``totals``: :meth:`~cxeval.kpi.Scorecard.totals` of the scoring period, best first;
        - ``items``: :meth:`~cxeval.kpi.Scorecard.item_summary` of the unit;
        - ``total``, ``rank``, ``n_units``; ``measured_total``, ``measured_rank`` (as
          scored on the measured values) and ``gain`` (``total − measured_total``);
        - ``figure``: points per item and the units' totals;
        - ``sentence``: what the change does to the total and the rank.
    """
    import matplotlib.pyplot as plt

    from cxeval import plots

    measured = card.unit_summary(card.score(scores, lang=lang), unit=unit, period=period)
    scored = rescore(card, scores, unit=unit, values=values, lang=lang)
    summary = card.unit_summary(scored, unit=unit, period=period)
    if not summary["has_data"]:
        raise ValueError(f"unit {unit!r} has no scores")
    scoring_period = summary["period"]
    totals = card.totals(scored, period=scoring_period).sort_values("rank", kind="stable")
    items = card.item_summary(scored, unit=unit, period=scoring_period)
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.6), layout="constrained")
    plots.plot_points_lost(items, ax=axes[0], lang=lang, title=words.kpi_items_title(unit, lang))
    plots.plot_rank(totals, unit=unit, max_points=summary["max_points"], ax=axes[1], lang=lang,
                    title=words.kpi_rank_title(lang))
    gain = summary["total"] - measured["total"]
    return {"scored": scored, "summary": summary, "totals": totals, "items": items,
            "total": summary["total"], "rank": summary["rank"], "n_units": summary["n_units"],
            "measured_total": measured["total"], "measured_rank": measured["rank"],
            "gain": float(card.round(gain)), "figure": fig,
            "sentence": words.what_if_sentence(unit, card.fmt(measured["total"]), card.fmt(summary["total"]),
                                               measured["rank"], summary["rank"], summary["n_units"],
                                               changed=bool(values), lang=lang)}


class WhatIfExplorer(WidgetExplorer):
    """One slider per value the unit is scored on; the total and the rank follow.

    Parameters
    ----------
    card : Scorecard
    scores : DataFrame
        Scores of every unit.
    unit : str
        The branch (fixed: the report's).
    period : str, optional
        Scoring period (scorecards with ``periods``).
    lang : {"zh", "en"}
    """

    def __init__(self, card, scores, *, unit, period=None, lang="zh"):
        import ipywidgets as w

        report.tr("", "", lang)
        self.card, self.scores, self.unit, self.period, self.lang = card, scores, unit, period, lang
        scored = card.score(scores, lang=lang)
        self.slots = slots(card, scored, unit=unit, period=period)
        self.sliders: dict[tuple, object] = {}
        rows = []
        for slot in self.slots.itertuples(index=False):
            if slot.missing:
                continue
            every = scored.loc[scored["item"] == slot.item, "value"]
            lo, hi = value_range(card, slot.item, every)
            slider = w.FloatSlider(value=float(slot.value), min=lo, max=hi, step=_step(lo, hi),
                                   description=str(slot.label), readout_format=".1%" if slot.percent else ".4g",
                                   continuous_update=False, style={"description_width": "14em"},
                                   layout=w.Layout(width="70%"))
            self.sliders[(slot.item, slot.period)] = slider
            rows.append(slider)
        self.measured = {key: float(v) for key, v in zip(zip(self.slots["item"], self.slots["period"]),
                                                          self.slots["value"]) if key in self.sliders}
        self.reset = w.Button(description=report.tr("恢复实际值", "Back to measured values", lang))
        self.reset.on_click(lambda _: self.back_to_measured())
        missing = self.slots[self.slots["missing"]]
        notes = [w.HTML(report.note(words.missing_slots(missing["label"].tolist(), lang)).markup)] \
            if len(missing) else []
        self._wire([*notes, *rows, self.reset], list(self.sliders.values()))

    def back_to_measured(self) -> None:
        """Put every slider back on the measured value (one redraw)."""
        with self.hold():
            for key, slider in self.sliders.items():
                slider.value = self.measured[key]

    def values(self) -> dict:
        """Changed values only, as the ``values`` argument of :func:`view`."""
        changed = {key: float(s.value) for key, s in self.sliders.items()
                   if not np.isclose(s.value, self.measured[key], rtol=0, atol=s.step / 2)}
        return {"values": changed}

    def compute(self, **values) -> dict:
        return view(self.card, self.scores, unit=self.unit, period=self.period, lang=self.lang, **values)

    def show(self, result: dict) -> list:
        card, lang = self.card, self.lang
        return [result["figure"], report.note(result["sentence"]),
                report.table(result["items"][["label", "max_points", "points", "points_lost"]],
                             formats=card.table_formats(lang), labels=card.column_labels(lang))]
