"""The scorecard configuration: its model and every check of the YAML file.

:class:`ScorecardConfig` reads a scorecard (:meth:`~ScorecardConfig.from_yaml`,
:meth:`~ScorecardConfig.from_dict`) into :class:`Item` and :class:`Group` records and a
rounding policy, checking everything at once and listing each problem with the file, the
item and the field (the module docstring of :mod:`cxeval.kpi` describes the format).
:class:`cxeval.kpi.Scorecard` is this model with scoring added.
:func:`require_config` says which scorecard a branch is scored on.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from cxeval.checks import check_lang
from cxeval.errors import ConfigError
from cxeval.kpi.numbers import _num, _round_even, round_half_up
from cxeval.kpi.rules import DIRECTIONS, RULES

__all__ = ["ScorecardConfig", "Item", "Group", "require_config"]


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


class ScorecardConfig:
    """A validated scorecard configuration.

    Build one with :meth:`from_yaml` (or :meth:`from_dict`); see the module docstring of
    :mod:`cxeval.kpi` for the file format. :class:`cxeval.kpi.Scorecard` adds scoring.

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
    def from_yaml(cls, path) -> ScorecardConfig:
        """Load and validate a scorecard from a YAML file (no anchors or aliases).

        Parameters
        ----------
        path : str or PathLike
            The YAML file.

        Returns
        -------
        Scorecard
            Of the class it is called on (:class:`cxeval.kpi.Scorecard`, usually).

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
    def from_dict(cls, config: Mapping, *, source: str = "<config>") -> ScorecardConfig:
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
        """Reader-facing headers of the scorecard's tables, in ``lang``
        (:func:`cxeval.report.kpi.column_labels`)."""
        from cxeval.report.kpi import column_labels

        return column_labels(self, lang)

    def table_formats(self, lang: str = "zh") -> dict:
        """Display formats of the scorecard's tables, for :func:`cxeval.report.table`
        (:func:`cxeval.report.kpi.table_formats`)."""
        from cxeval.report.kpi import table_formats

        return table_formats(self, lang)

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


def _param_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(f"{_num(b['limit'])}→{_num(b['points'])}" if isinstance(b, Mapping) else str(b)
                         for b in value)
    if _is_number(value):
        return _num(value)
    return str(value)


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
