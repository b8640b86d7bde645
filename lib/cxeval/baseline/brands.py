"""Lead over a competitor: own brands against the competitor, per branch and province.

- :func:`lead`, :class:`LeadResult` — DOMAIN.md §4's reading of the brand survey.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cxeval import report
from cxeval.baseline.counts import _diff_ci
from cxeval.baseline.tables import rates, spread
from cxeval.checks import IN_FUNCTION, check_conf, check_frame, check_proportion, require_columns


class LeadResult:
    """Own brands versus a competitor, per branch and for the province (DOMAIN.md §4).

    Attributes
    ----------
    table : DataFrame
        One row per branch, best own rate first: *by*, ``own_responses``, ``own_rate``,
        ``competitor_responses``, ``competitor_rate``, ``lead`` (own − competitor),
        ``ci_low``, ``ci_high`` (Newcombe interval of the lead), ``target``,
        ``meets_target`` (lead >= target), ``rank`` (by own rate, 1 = best).
    province : dict
        The same numbers pooled over all branches.
    target : float
        The lead target (0.16 = 16 percentage points).
    """

    def __init__(self, table: pd.DataFrame, province: dict, target: float, by: str):
        self.table = table
        self.province = province
        self.target = target
        self.by = by

    def summary(self) -> dict:
        """How DOMAIN.md §4 reads the table.

        Returns
        -------
        dict
            ``province_own_rate``, ``province_competitor_rate``, ``province_lead``,
            ``best``, ``worst``, ``best_value``, ``worst_value``, ``spread`` (own rate,
            best − worst), ``n_branches``, ``n_meeting_target``, ``all_meet_target``,
            ``target``, ``below_target`` (branches missing the lead target).
        """
        sp = spread(self.table, self.by, value="own_rate")
        meets = self.table["meets_target"].fillna(False).astype(bool)
        return {
            "province_own_rate": self.province["own_rate"],
            "province_competitor_rate": self.province["competitor_rate"],
            "province_lead": self.province["lead"],
            **sp,
            "n_branches": int(len(self.table)),
            "n_meeting_target": int(meets.sum()),
            "all_meet_target": bool(meets.all()),
            "target": self.target,
            "below_target": self.table.loc[~meets, self.by].tolist(),
        }

    def _repr_html_(self) -> str:
        styler = report.table(self.table, formats={
            "own_rate": "pct", "competitor_rate": "pct", "lead": "pp", "ci_low": "pp",
            "ci_high": "pp", "target": "pp", "own_responses": "int",
            "competitor_responses": "int"})
        return styler.to_html()

    def __repr__(self) -> str:
        s = self.summary()
        return (f"LeadResult({s['n_branches']} branches, province lead "
                f"{report.fmt_pp(s['province_lead'])}, {s['n_meeting_target']} meet "
                f"{report.fmt_pp(self.target, sign=False)})")


def _segments(value, name: str, available: list, func: str) -> list:
    items = [value] if isinstance(value, str) else list(value) if isinstance(
        value, Sequence) else None
    if not items:
        raise TypeError(f"{func}: {name} must be a segment name or a list of names, "
                        f"got {value!r}")
    unknown = [] if available is None else [s for s in items if s not in available]
    if unknown:
        raise ValueError(f"{func}: {name} segment(s) {', '.join(map(repr, unknown))} not in the "
                         f"data; segments there: {', '.join(map(str, available))}")
    return items


def lead(df, *, own, competitor, by="branch", target=0.16, segment="segment",
         conf=0.95) -> LeadResult:
    """Lead of own brands over a competitor per branch, and the province reading.

    Parameters
    ----------
    df : DataFrame
        Survey rows with a segment column (brand or operator), counts or rates.
    own, competitor : str or list of str
        Segment(s) pooled as "own" and as "competitor", e.g. ``["全球通", "动感地带",
        "神州行"]`` and ``["C网", "G网", "小灵通"]``.
    by : str
        Branch column.
    target : float
        Lead target as a proportion (0.16 = 16 pp).
    segment : str
        Name of the segment column.
    conf : float
        Confidence level of the lead interval.

    Returns
    -------
    LeadResult
        ``.table`` per branch, ``.province`` pooled, ``.summary()`` with the province
        average, best and worst branch, spread and whether every branch meets the target.

    Notes
    -----
    Rates are pooled over periods and segments (Σ satisfied / Σ responses); the lead's
    interval is Newcombe's hybrid score interval for a difference of independent
    proportions (``statsmodels.stats.proportion.confint_proportions_2indep``,
    ``method="newcomb"``). Rate-only data give the lead without an interval.

    Raises
    ------
    DataError
        Columns missing.
    ValueError
        A segment is not in the data (the message lists those there), or a bad target.

    Examples
    --------
    >>> df = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["own", "rival"] * 2,
    ...                    "responses": [500] * 4, "satisfied": [380, 290, 370, 300]})
    >>> lead(df, own="own", competitor="rival").summary()["all_meet_target"]
    False
    """
    func = "lead"
    check_frame(df, f"{func}: data")
    require_columns(df, [by, segment], func, message=IN_FUNCTION)
    target = check_proportion(target, "target", open_interval=False, where=f"{func}: ")
    conf = check_conf(conf, f"{func}: ")
    available = sorted(df[segment].dropna().astype(str).unique().tolist())
    own_list = _segments(own, "own", available, func)
    comp_list = _segments(competitor, "competitor", available, func)
    own_rows = df[df[segment].astype(str).isin(own_list)]
    comp_rows = df[df[segment].astype(str).isin(comp_list)]
    own_t = rates(own_rows, by, conf=conf)
    comp_t = rates(comp_rows, by, conf=conf)
    merged = own_t[[by, "responses", "satisfied", "rate"]].merge(
        comp_t[[by, "responses", "satisfied", "rate"]], on=by, how="inner",
        suffixes=("_own", "_comp"))
    table = pd.DataFrame({by: merged[by]})
    table["own_responses"] = merged["responses_own"]
    table["own_rate"] = merged["rate_own"]
    table["competitor_responses"] = merged["responses_comp"]
    table["competitor_rate"] = merged["rate_comp"]
    table["lead"] = table["own_rate"] - table["competitor_rate"]
    table["ci_low"], table["ci_high"] = _diff_ci(
        merged["satisfied_own"].to_numpy(float), merged["responses_own"].to_numpy(float),
        merged["satisfied_comp"].to_numpy(float), merged["responses_comp"].to_numpy(float), conf)
    table["target"] = target
    table["meets_target"] = (table["lead"] >= target).astype(bool)
    table["rank"] = table["own_rate"].rank(method="min", ascending=False).astype("int64")
    table = table.sort_values(["rank", by], kind="stable").reset_index(drop=True)
    own_p = rates(own_rows, [], conf=conf).iloc[0]
    comp_p = rates(comp_rows, [], conf=conf).iloc[0]
    p_low, p_high = _diff_ci([float(own_p["satisfied"])], [float(own_p["responses"])],
                             [float(comp_p["satisfied"])], [float(comp_p["responses"])], conf)
    province = {"own_responses": own_p["responses"], "own_rate": float(own_p["rate"]),
                "competitor_responses": comp_p["responses"],
                "competitor_rate": float(comp_p["rate"]),
                "lead": float(own_p["rate"] - comp_p["rate"]),
                "ci_low": float(p_low[0]), "ci_high": float(p_high[0])}
    return LeadResult(table, province, target, by)


def branch_lead(brands, *, branch: str, own, competitor, target=0.16, conf=0.95):
    """:func:`lead` for a branch's report, or why it cannot be computed.

    A report on someone else's data must not fail as a whole because its brand survey
    names its segments differently (移动 / 联通, or another operator's brands): the lead
    section says so and the rest of the report stands.

    Parameters
    ----------
    brands : DataFrame or None
        The brand survey (data kind ``survey`` with ``segment``); None when there is none.
    branch : str
        The report's branch; it must be in the brand survey.
    own, competitor, target, conf
        As :func:`lead`.

    Returns
    -------
    (LeadResult or None, dict or None)
        The lead and None; or None and what is missing: ``{"reason": "no_survey"}``,
        ``{"reason": "no_branch"}``, or ``{"reason": "segments", "own_missing": [...],
        "competitor_missing": [...], "available": [...]}`` (read by
        :func:`cxeval.text.baseline.describe_lead_missing`).

    Examples
    --------
    >>> df = pd.DataFrame({"branch": ["A", "A"], "segment": ["移动", "联通"],
    ...                    "responses": [500, 500], "satisfied": [380, 290]})
    >>> branch_lead(df, branch="A", own="全球通", competitor="联通")[1]["own_missing"]
    ['全球通']
    """
    if brands is None or len(brands) == 0:
        return None, {"reason": "no_survey"}
    check_frame(brands, "branch_lead: brands")
    require_columns(brands, ["branch", "segment"], "branch_lead", message=IN_FUNCTION)
    if not (brands["branch"].astype(str) == str(branch)).any():
        return None, {"reason": "no_branch"}
    available = sorted(brands["segment"].dropna().astype(str).unique().tolist())
    own_list = _segments(own, "own", None, "branch_lead")
    comp_list = _segments(competitor, "competitor", None, "branch_lead")
    own_missing = [s for s in own_list if s not in available]
    comp_missing = [s for s in comp_list if s not in available]
    if own_missing or comp_missing:
        return None, {"reason": "segments", "own_missing": own_missing, "competitor_missing": comp_missing,
                      "available": available}
    return lead(brands, own=own_list, competitor=comp_list, target=target, conf=conf), None
