"""The complaint configuration: SLA limits and campaign targets (``sla.yaml``), sub-items
(``categories.yaml``).

- :func:`load_limits` — the workflow steps with their time limits, and the campaign;
- :func:`load_categories` — the 16 sub-items of the three networks;
- :func:`campaign_goals` — the fixed goals of the ``at_least`` campaign targets.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cxeval.errors import ConfigError


def _read_yaml(path) -> Any:
    import yaml

    from cxeval._io import load_yaml

    path = os.fspath(path)
    if not os.path.exists(path):
        raise ConfigError(f"{path}: file not found")
    try:
        with open(path, encoding="utf-8") as fh:
            return load_yaml(fh, path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def _parse_limit(value, where: str) -> pd.Timedelta:
    if isinstance(value, pd.Timedelta):
        limit = value
    elif hasattr(value, "total_seconds"):  # datetime.timedelta
        limit = pd.Timedelta(value)
    elif isinstance(value, str) and re.search(r"[A-Za-z]", value):
        try:
            limit = pd.Timedelta(value)
        except ValueError:
            raise ConfigError(f"{where}: limit {value!r} is not a duration; write it with a unit, "
                              "e.g. '5 min', '20 h', '1 day'") from None
    else:
        # A bare number has no unit (pandas would read 5 as five nanoseconds).
        raise ConfigError(f"{where}: limit {value!r} has no unit; write it with a unit, "
                          "e.g. '5 min', '20 h', '1 day'")
    if limit <= pd.Timedelta(0):
        raise ConfigError(f"{where}: limit must be positive, got {value!r}")
    return limit


def _normalise_steps(raw, source: str) -> list[dict]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ConfigError(f"{source}: 'steps' must be a non-empty list of steps")
    steps, problems, seen = [], [], set()
    for i, item in enumerate(raw, start=1):
        where = f"{source}, step {i}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be a mapping with id, start, end, limit")
            continue
        sid = item.get("id")
        if sid:
            where = f"{source}, step {sid!r}"
        missing = [k for k in ("id", "start", "end", "limit") if not item.get(k)]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        if sid in seen:
            problems.append(f"{where}: duplicate step id")
        seen.add(sid)
        try:
            limit = _parse_limit(item["limit"], where)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        when = item.get("when") or {}
        if not isinstance(when, Mapping) or any(not isinstance(v, bool) for v in when.values()):
            problems.append(f"{where}: 'when' must map a true/false column to true or false, "
                            f"got {when!r}")
            continue
        steps.append({
            "id": str(sid), "zh": str(item.get("zh", sid)), "en": str(item.get("en", sid)),
            "start": str(item["start"]), "end": str(item["end"]), "limit": limit,
            "limit_minutes": limit / pd.Timedelta(minutes=1), "when": dict(when),
            "optional": bool(item.get("optional", False)),
        })
    if problems:
        raise ConfigError(f"{source}: invalid SLA steps", problems)
    return steps


def _normalise_campaign(raw, source: str) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: 'campaign' must be a mapping with baseline and targets")
    problems = []
    baseline = str(raw.get("baseline", ""))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", baseline):
        problems.append(f"{source}, campaign: baseline must be a month 'YYYY-MM', got {baseline!r}")
    targets = []
    for i, t in enumerate(raw.get("targets") or [], start=1):
        where = f"{source}, campaign target {t.get('id', i)!r}" if isinstance(t, Mapping) \
            else f"{source}, campaign target {i}"
        if not isinstance(t, Mapping) or not t.get("id") or not t.get("measure"):
            problems.append(f"{where}: needs id and measure")
            continue
        kind = t.get("kind")
        entry = {"id": str(t["id"]), "measure": str(t["measure"]), "kind": kind,
                 "zh": str(t.get("zh", t["id"])), "en": str(t.get("en", t["id"]))}
        if kind == "reduce":
            red, due = t.get("reduction"), str(t.get("due", ""))
            if not isinstance(red, (int, float)) or not 0 < red <= 1:
                problems.append(f"{where}: reduction must be a number in (0, 1], got {red!r}")
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", due) or due <= baseline:
                problems.append(f"{where}: due must be a month 'YYYY-MM' after the baseline "
                                f"{baseline}, got {due!r}")
            entry.update(reduction=float(red) if isinstance(red, (int, float)) else None, due=due)
        elif kind == "at_least":
            goal, bench = t.get("goal"), t.get("benchmark")
            if (goal is None) == (bench is None):
                problems.append(f"{where}: give either goal or benchmark (+ margin)")
            elif goal is not None and not isinstance(goal, (int, float)):
                problems.append(f"{where}: goal must be a number, got {goal!r}")
            entry.update(goal=None if goal is None else float(goal),
                         benchmark=None if bench is None else str(bench),
                         margin=float(t.get("margin", 0.0)))
        else:
            problems.append(f"{where}: kind must be 'reduce' or 'at_least', got {kind!r}")
        targets.append(entry)
    if not targets and not problems:
        problems.append(f"{source}, campaign: no targets")
    if problems:
        raise ConfigError(f"{source}: invalid campaign targets", problems)
    name = raw.get("name") or {}
    if not isinstance(name, Mapping):
        name = {"zh": str(name), "en": str(name)}
    return {"baseline": baseline, "targets": targets,
            "name": {"zh": str(name.get("zh", "")), "en": str(name.get("en", ""))}}


def load_limits(path) -> dict:
    """Read and validate an SLA file (``data/configs/sla.yaml``).

    Parameters
    ----------
    path : str or os.PathLike
        YAML file with ``steps`` (workflow time limits) and optionally ``campaign``
        (campaign targets, see :func:`campaign`).

    Returns
    -------
    dict
        ``{"steps": [...], "campaign": {...} or None}``. Each step has ``id``, ``zh``,
        ``en``, ``start``, ``end`` (column names), ``limit`` (:class:`pandas.Timedelta`),
        ``limit_minutes`` (float), ``when`` (column -> bool) and ``optional`` (bool).

    Raises
    ------
    ConfigError
        File missing, not YAML, or a step / target with a missing or invalid field (every
        problem listed, with file and step id).

    Examples
    --------
    >>> limits = load_limits("data/configs/sla.yaml")
    >>> [s["id"] for s in limits["steps"]][:2]
    ['submit', 'dispatch']
    """
    raw = _read_yaml(path)
    return _normalise_limits(raw, os.fspath(path))


def _normalise_limits(raw, source: str) -> dict:
    if not isinstance(raw, Mapping) or "steps" not in raw:
        raise ConfigError(f"{source}: an SLA configuration needs a 'steps' list")
    return {"steps": _normalise_steps(raw["steps"], source),
            "campaign": _normalise_campaign(raw.get("campaign"), source)}


def _limits(limits) -> dict:
    """Accept a path, raw YAML mapping or the output of :func:`load_limits`."""
    if isinstance(limits, (str, os.PathLike)):
        return load_limits(limits)
    if isinstance(limits, Mapping):
        return _normalise_limits(limits, "limits")
    raise TypeError(f"limits must be a path to sla.yaml or its parsed mapping, "
                    f"got {type(limits).__name__}")


def _targets(targets) -> dict:
    """Accept sla.yaml's path, the parsed file, or its ``campaign`` section."""
    if isinstance(targets, (str, os.PathLike)) or (isinstance(targets, Mapping) and "steps" in targets):
        conf = _limits(targets)["campaign"]
        if conf is None:
            raise ConfigError("targets: the SLA configuration has no 'campaign' section")
        return conf
    if isinstance(targets, Mapping):
        return _normalise_campaign(targets, "targets")
    raise TypeError(f"targets must be a path to sla.yaml, its parsed mapping or its 'campaign' "
                    f"section, got {type(targets).__name__}")


def campaign_goals(limits) -> dict[str, float]:
    """Fixed goals of the ``at_least`` campaign targets: measure -> level (for charts).

    Examples
    --------
    >>> campaign_goals("data/configs/sla.yaml")   # doctest: +SKIP
    {'escalated_on_time_rate': 0.99, 'self_handled_on_time_rate': 1.0, 'pass_rate': 1.0}
    """
    conf = _targets(limits)
    return {t["measure"]: t["goal"] for t in conf["targets"]
            if t["kind"] == "at_least" and t.get("goal") is not None}


def load_categories(path) -> pd.DataFrame:
    """Read the complaint sub-items and their networks (``data/configs/categories.yaml``).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    DataFrame
        One row per sub-item, in file order: ``id``, ``zh``, ``en``, ``network``,
        ``network_zh``, ``network_en``.

    Raises
    ------
    ConfigError
        Missing file, missing fields, a network not declared under ``networks``, or a
        repeated id / name (every problem listed).

    Examples
    --------
    >>> load_categories("data/configs/categories.yaml")["network"].value_counts()  # doctest: +SKIP
    """
    source = os.fspath(path)
    raw = _read_yaml(path)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("categories"), list) \
            or not isinstance(raw.get("networks"), Mapping):
        raise ConfigError(f"{source}: needs a 'networks' mapping and a 'categories' list")
    networks = raw["networks"]
    problems, rows = [], []
    for i, item in enumerate(raw["categories"], start=1):
        if not isinstance(item, Mapping):
            problems.append(f"{source}, category {i}: must be a mapping")
            continue
        missing = [k for k in ("id", "zh", "en", "network") if not item.get(k)]
        if missing:
            problems.append(f"{source}, category {item.get('id', i)!r}: missing {', '.join(missing)}")
            continue
        net = item["network"]
        if net not in networks:
            problems.append(f"{source}, category {item['id']!r}: network {net!r} is not one of "
                            f"{list(networks)}")
            continue
        info = networks[net] if isinstance(networks[net], Mapping) else {}
        rows.append({"id": str(item["id"]), "zh": str(item["zh"]), "en": str(item["en"]),
                     "network": str(net), "network_zh": str(info.get("zh", net)),
                     "network_en": str(info.get("en", net))})
    table = pd.DataFrame(rows, columns=["id", "zh", "en", "network", "network_zh", "network_en"])
    for col in ("id", "zh"):
        dup = table[col][table[col].duplicated()]
        problems += [f"{source}: category {col} {v!r} appears more than once" for v in dup]
    if problems:
        raise ConfigError(f"{source}: invalid categories", problems)
    return table
