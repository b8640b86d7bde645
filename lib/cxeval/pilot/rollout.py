"""Staggered rollout: the pilot first, the other halls later, each wave against the halls
that never adopted.

:func:`rollout_effects` gives effects by wave and by periods since adoption;
:class:`RolloutResult` says which waves the data cannot estimate, and why (a code: the
words are :data:`cxeval.text.pilot.NOT_ESTIMABLE`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.checks import check_column_names, check_conf, check_frame
from cxeval.errors import DataError
from cxeval.pilot.diff_in_diff import _cell_panel, _combine, _did_effect, _twfe
from cxeval.pilot.panel import _sorted_periods


def _missing_to_none(value):
    """None for every spelling of "no value" (None, NaN, NA, blank text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


class RolloutResult:
    """Staggered rollout result (see :func:`rollout_effects`).

    Attributes
    ----------
    by_wave : DataFrame
        One row per adoption wave: ``wave`` (first period of adoption), ``units`` (halls
        of the wave), ``estimate``, ``ci_low``, ``ci_high``, ``p_value`` (NaN when not
        estimable), ``pre_periods``, ``post_periods`` (periods with data from the wave's
        halls before and from adoption), ``estimable`` (bool) and ``reason`` (empty, or
        a key of :data:`cxeval.text.pilot.NOT_ESTIMABLE` saying why not). Also available as
        ``table``.
    by_event_time : DataFrame
        One row per period relative to adoption: ``event_time`` (calendar periods since
        adoption: 0 = month of adoption, −1 = the reference month before), ``estimate``,
        ``ci_low``, ``ci_high``, ``p_value``, ``waves`` (waves contributing),
        ``responses``. Only cells the data identify enter the averages.
    left_out : list of str
        Halls left out of every estimate because they have no survey before adopting.
    notes : list of (str, str)
    """

    def __init__(self, *, by_wave, by_event_time, conf, notes, left_out=()):
        self.by_wave = by_wave
        self.table = by_wave
        self.by_event_time = by_event_time
        self.conf = conf
        self.notes = notes
        self.left_out = list(left_out)

    @property
    def not_estimable(self) -> pd.DataFrame:
        """The waves whose effect the data cannot estimate (``wave``, ``units``, ``reason``)."""
        return self.by_wave.loc[~self.by_wave["estimable"].astype(bool), ["wave", "units", "reason"]]

    def summary(self) -> str:
        """A plain-text summary (English)."""
        from cxeval.text.pilot import NOT_ESTIMABLE

        lines = ["Staggered rollout: effect by wave (DiD against never-adopting units)"]
        for _, r in self.by_wave.iterrows():
            if not r["estimable"]:
                lines.append(f"  wave {r['wave']}: {int(r['units'])} unit(s)  not estimable: "
                             f"{NOT_ESTIMABLE[r['reason']][1]}")
                continue
            lines.append(f"  wave {r['wave']}: {int(r['units'])} unit(s)  {r['estimate'] * 100:+.2f} pp "
                         f"({r['ci_low'] * 100:+.2f} to {r['ci_high'] * 100:+.2f}), p = {r['p_value']:.4f}")
        lines.append("Effect by periods since adoption (reference: the period before)")
        for _, r in self.by_event_time.iterrows():
            if r["event_time"] == -1:
                continue
            lines.append(f"  {int(r['event_time']):+d}: {r['estimate'] * 100:+.2f} pp "
                         f"({r['ci_low'] * 100:+.2f} to {r['ci_high'] * 100:+.2f})")
        lines += [f"  note: {en}" for _, en in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from cxeval import report

        return report.table(self.by_wave, formats={"estimate": "pp", "ci_low": "pp",
                                                   "ci_high": "pp", "p_value": "p"},
                            caption="Rollout effect by wave").to_html()

    def __repr__(self) -> str:
        return self.summary()


def rollout_effects(df: pd.DataFrame, *, unit: str, period: str, adoption: str,
                    conf: float = 0.95, responses: str = "responses",
                    satisfied: str = "satisfied") -> RolloutResult:
    """Effects of a staggered rollout, by wave and by periods since adoption.

    Units adopt at different times (the pilot hall first, then the other halls of the
    county); units that never adopt are the comparison. A single two-way fixed-effects
    regression is biased when effects differ between waves or grow over time
    (Goodman-Bacon 2021), so each wave is compared only with never-adopting units:

    - by wave: :func:`did` of the wave's units against the never-adopting units, with
      every period before the wave's start as "before";
    - by event time: the interaction-weighted estimator of Sun & Abraham (2021): one
      regression with unit and period fixed effects and a coefficient per wave and
      period since adoption (the period before adoption is the reference), averaged
      across waves with weights proportional to their responses.

    Parameters
    ----------
    df : DataFrame
        One row per unit and period with survey counts.
    unit, period : str
        Column names.
    adoption : str
        Column with the unit's first period of adoption (same kind as ``period``);
        empty for units that never adopt. Adoption after the last period counts as never.
    conf : float
        Confidence level.
    responses, satisfied : str
        Count columns.

    Returns
    -------
    RolloutResult
        ``by_wave``, ``by_event_time``, ``left_out``, ``summary()``.

    Notes
    -----
    Errors as in :func:`did`: the larger of the conventional and the cluster-robust
    (by unit) error, t with G − 1 degrees of freedom. Time is calendar time: a month
    without data keeps its place, so "months since adoption" are calendar months.

    What the data cannot identify is reported, never shown as zero: units adopting in
    the first period, and halls with no survey before their adoption (late starters),
    cannot show a change and are left out (listed in ``left_out`` and ``notes``); a wave
    left with no such hall, or without comparison data before or after its start, is a
    row with ``estimable`` False, NaN estimate and interval, and the ``reason``. A wave
    without data in the month before adoption (the reference) is left out of the
    event-time averages (``notes`` say so).

    References
    ----------
    Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies
    with heterogeneous treatment effects. Journal of Econometrics 225(2), 175–199.
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment
    timing. Journal of Econometrics 225(2), 254–277.

    Raises
    ------
    DataError
        Missing columns or counts, empty or mixed periods, adoption varying within a
        unit or not a period of the data's kind, no never-adopting units, or no
        adopting unit with a period before adoption.

    Examples
    --------
    >>> rows = [(u, f"2008-0{m}", 200, 180 + (10 if a and f"2008-0{m}" >= a else 0), a)
    ...         for u, a in [("A", "2008-03"), ("B", "2008-04"), ("C", None), ("D", None)]
    ...         for m in range(1, 6)]
    >>> panel = pd.DataFrame(rows, columns=["hall", "period", "responses", "satisfied", "adoption"])
    >>> res = rollout_effects(panel, unit="hall", period="period", adoption="adoption")
    >>> res.by_wave["estimate"].round(3).tolist()
    [0.05, 0.05]
    """
    check_frame(df)
    conf = check_conf(conf)
    check_column_names(df, {"unit": unit, "period": period, "adoption": adoption,
                        "responses": responses, "satisfied": satisfied})
    data = df.copy()
    data[adoption] = data[adoption].astype(object).map(_missing_to_none)
    varying = data.groupby(unit)[adoption].nunique(dropna=False)
    if (varying > 1).any():
        raise DataError(f"adoption must be the same in every row of a unit; unit(s) "
                        f"{list(varying.index[varying > 1])[:5]} have several values")
    cells, kind = _cell_panel(data, unit=unit, period=period, responses=responses,
                              satisfied=satisfied, extra=[adoption], where="rollout_effects")
    periods = _sorted_periods(cells[period], "rollout_effects", period)
    first, last = periods[0], periods[-1]
    first_t, last_t = int(cells["_t"].min()), int(cells["_t"].max())
    notes = []

    def wave_of(value):
        """(label, calendar position) of an adoption value; None for never."""
        value = _missing_to_none(value)
        if value is None:
            return None
        key = schemas.period_key(value)
        if key is None or schemas.period_kind(key) != kind:
            raise DataError(f"adoption value {value!r} cannot be compared with periods such as "
                            f"{first!r}")
        t = schemas.period_ordinal(key)
        return None if t > last_t else (schemas.format_period(key), t)

    # Waves are kept as plain Python values per unit: a column of periods with gaps would
    # be turned into a string column holding NaN by pandas.
    wave = {u: wave_of(v) for u, v in cells.groupby(unit, sort=True)[adoption].first().items()}
    always = [u for u, w in wave.items() if w is not None and w[1] <= first_t]
    if always:
        notes.append((f"以下单位在第一期就已推广、没有推广前数据，未纳入：{', '.join(map(str, always))}",
                      f"left out, adopting in the first period with no data before: "
                      f"{', '.join(map(str, always))}"))
        cells = cells[~cells[unit].isin(always)]
        wave = {u: w for u, w in wave.items() if u not in always}
    never_units = [u for u, w in wave.items() if w is None]
    if not never_units:
        raise DataError("rollout_effects needs units that never adopt (empty adoption) as the "
                        "comparison; every unit in the data adopts")
    waves = sorted({w for w in wave.values() if w is not None}, key=lambda w: w[1])
    if not waves:
        raise DataError("rollout_effects needs at least one adopting unit with a period before "
                        "its adoption")
    # Late starters: halls first surveyed at or after their adoption cannot show a change.
    first_seen = cells.groupby(unit)["_t"].min()
    late = [u for u, w in wave.items() if w is not None and first_seen[u] >= w[1]]
    if late:
        listed = [f"{u}（{wave[u][0]}）" for u in late]
        notes.append((f"以下营业厅在推广前没有调查数据，无法估计其推广效果，未纳入：{'、'.join(map(str, listed))}",
                      "left out, no survey before adopting, so their effect cannot be estimated: "
                      + ", ".join(f"{u} (adopting {wave[u][0]})" for u in late)))
    never = cells[unit].isin(never_units)
    cells = cells.assign(_wave=cells[unit].map(lambda u: "" if wave[u] is None else wave[u][0]),
                         _late=cells[unit].isin(late))

    wave_rows = []
    for label, start_t in waves:
        everyone = cells[cells["_wave"] == label]
        own = everyone[~everyone["_late"]]
        comparison = cells[never]
        row = {"wave": label, "units": int(everyone[unit].nunique()),
               "estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
               "pre_periods": int(everyone.loc[everyone["_t"] < start_t, period].nunique()),
               "post_periods": int(everyone.loc[everyone["_t"] >= start_t, period].nunique()),
               "estimable": False, "reason": ""}
        if own.empty:
            row["reason"] = "no_data_before"
        elif not (own["_t"] >= start_t).any():
            row["reason"] = "no_data_after"
        elif not (comparison["_t"] < start_t).any():
            row["reason"] = "no_comparison_before"
        elif not (comparison["_t"] >= start_t).any():
            row["reason"] = "no_comparison_after"
        else:
            part = pd.concat([comparison, own]).assign(_treated=lambda c: c["_wave"] == label)
            part["_post"] = part["_t"] >= start_t
            # The wave's own DiD: the regression of did() without its pre-trend and
            # event-study extras (cells are already checked and aggregated here).
            fit, res = _did_effect(part, unit=unit, period=period, treated="_treated",
                                   post="_post", responses=responses, satisfied=satisfied,
                                   conf=conf)
            if "did" in fit.params.index:
                row.update(estimate=res["estimate"], ci_low=res["ci_low"], ci_high=res["ci_high"],
                           p_value=res["p_value"], estimable=True)
            else:
                row["reason"] = "not_identified"
        wave_rows.append(row)
    by_wave = pd.DataFrame(wave_rows, columns=["wave", "units", "estimate", "ci_low", "ci_high",
                                               "p_value", "pre_periods", "post_periods",
                                               "estimable", "reason"])
    by_wave["estimable"] = by_wave["estimable"].astype(bool)

    # Sun & Abraham: wave x event-time indicators, never-adopting units as controls. A
    # wave enters only with data in its reference month (the one before adoption):
    # without it every cell of the wave would carry an indicator and the estimates would
    # be measured from an arbitrary month instead.
    cells = cells[~cells["_late"]]
    adopting = cells["_wave"] != ""
    event = pd.Series(np.nan, index=cells.index)
    start_of = dict(waves)
    event[adopting] = cells.loc[adopting, "_t"] - cells.loc[adopting, "_wave"].map(start_of)
    with_reference = set(cells.loc[adopting & (event == -1), "_wave"])
    no_reference = [w for w, _ in waves if w not in with_reference
                    and w in set(cells.loc[adopting, "_wave"])]
    if no_reference:
        notes.append((f"以下批次推广前一个月（参照月）没有数据，未纳入按推广后月数的平均：{'、'.join(no_reference)}",
                      "left out of the effects by months since adoption, no data in the month "
                      f"before adoption (the reference): wave(s) {', '.join(no_reference)}"))
        keep = ~cells["_wave"].isin(no_reference)
        cells, event, adopting = cells[keep], event[keep], adopting[keep]
    columns = ["event_time", "estimate", "ci_low", "ci_high", "p_value", "waves", "responses"]
    if not adopting.any():
        return RolloutResult(by_wave=by_wave, by_event_time=pd.DataFrame(columns=columns),
                             conf=conf, notes=notes, left_out=late)
    keys = sorted({(w, int(e)) for w, e in zip(cells.loc[adopting, "_wave"], event[adopting])
                   if int(e) != -1}, key=lambda k: (k[1], str(k[0])))
    dummies = pd.DataFrame({f"{w}|{e}": ((cells["_wave"] == w) & (event == e)).astype(float)
                            for w, e in keys}, index=cells.index)
    fit = _twfe(cells, regressors=dummies, unit=unit, period=period, responses=responses,
                satisfied=satisfied)
    rows = []
    for e in sorted({k[1] for k in keys} | {-1}):
        if e == -1:
            share = cells.loc[adopting & (event == -1), responses].sum()
            rows.append({"event_time": -1, "estimate": 0.0, "ci_low": math.nan,
                         "ci_high": math.nan, "p_value": math.nan,
                         "waves": int(cells.loc[adopting & (event == -1), "_wave"].nunique()),
                         "responses": int(share)})
            continue
        weights = {}
        for w, _ in waves:
            name = f"{w}|{e}"
            if name in fit.params.index:
                weights[name] = float(cells.loc[(cells["_wave"] == w) & (event == e),
                                                responses].sum())
        total = sum(weights.values())
        if not total:
            continue
        res = _combine(fit, pd.Series({k: v / total for k, v in weights.items()}), conf)
        rows.append({"event_time": e, "estimate": res["estimate"], "ci_low": res["ci_low"],
                     "ci_high": res["ci_high"], "p_value": res["p_value"], "waves": len(weights),
                     "responses": int(total)})
    by_event_time = pd.DataFrame(rows, columns=columns)
    return RolloutResult(by_wave=by_wave, by_event_time=by_event_time, conf=conf, notes=notes,
                         left_out=late)
