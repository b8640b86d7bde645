"""Scoring: points per unit, item and period, totals and ranks, and the per-unit views.

:class:`Scorecard` is a :class:`~cxeval.kpi.config.ScorecardConfig` that scores:

- :meth:`~Scorecard.score` — every value to points with its explanation;
- :meth:`~Scorecard.totals` — the official totals, group sums, composite and rank;
- :meth:`~Scorecard.explain`, :meth:`~Scorecard.item_summary`,
  :meth:`~Scorecard.short_boards`, :meth:`~Scorecard.unit_summary`,
  :meth:`~Scorecard.period_trend` — one unit's audit trail and where it lost points;
- :meth:`~Scorecard.what_if` — points gained if an item reached its target;
- :func:`score_file` — a scores file scored with a scorecard file (``cxeval score``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cxeval.checks import check_frame, check_how_many, require_columns
from cxeval.errors import DataError
from cxeval.kpi.config import Item, ScorecardConfig, _fmt_list
from cxeval.kpi.numbers import _decimal, _num
from cxeval.kpi.rules import RULES, _Text

__all__ = ["Scorecard", "score_file"]


class Scorecard(ScorecardConfig):
    """A validated scorecard configuration that scores.

    Build one with :meth:`from_yaml` (or :meth:`from_dict`); see the module docstring of
    :mod:`cxeval.kpi` for the file format and :class:`~cxeval.kpi.config.ScorecardConfig`
    for the attributes.

    Examples
    --------
    >>> card = Scorecard.from_yaml("data/configs/guizhou_2006_quarterly.yaml")  # doctest: +SKIP
    >>> scored = card.score(scores)            # one row per unit, item and period  # doctest: +SKIP
    >>> card.totals(scored)                    # unit, total, third_party, process, rank, ...  # doctest: +SKIP
    >>> card.explain(scored, "黔东南")          # the audit trail  # doctest: +SKIP
    """

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
