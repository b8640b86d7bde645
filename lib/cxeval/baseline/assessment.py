"""The whole baseline of one unit, as notebook 01 shows it: :func:`assess`."""

from __future__ import annotations

from cxeval.baseline.control import _chart_for, overdispersion, status
from cxeval.baseline.funnels import funnel, small_samples
from cxeval.baseline.tables import below_target, change, rates, recent
from cxeval.checks import IN_FUNCTION, check_frame, require_columns
from cxeval.errors import DataError


class Assessment:
    """Every baseline number of one unit (a branch), as notebook 01 shows them.

    Attributes
    ----------
    status : dict
        :func:`status` (headline numbers).
    monthly : DataFrame
        :func:`rates` per period, with the target.
    by_hall_month : DataFrame or None
        :func:`rates` per hall and period (None without a ``hall`` column).
    dispersion : dict or None
        :func:`overdispersion` between periods (None without counts).
    chart : DataFrame
        :func:`p_chart` — Laney p' when over-dispersed — or, without counts, :func:`run_chart`.
    chart_kind : str
        ``"p"``, ``"laney"`` or ``"run"``.
    recent : DataFrame
        Rows of the last ``recent_periods`` periods (:func:`recent`).
    halls : DataFrame or None
        :func:`funnel` of the halls over the recent periods (over-dispersion adjusted when
        the halls vary more than chance); None without counts or with one hall.
    below : DataFrame or None
        :func:`below_target` of the halls over the recent periods.
    small : DataFrame or None
        :func:`small_samples` per hall and period.
    changes : DataFrame
        :func:`change` month over month.
    """

    def __init__(self, **parts):
        self.__dict__.update(parts)

    def summary(self) -> dict:
        """:func:`cxeval.report.baseline.key_numbers` of this assessment (without a lead)."""
        from cxeval.report.baseline import key_numbers

        return key_numbers(self.status, below=self.below)

    def _repr_html_(self) -> str:
        from cxeval.report.baseline import headline

        return headline(self.status, unit=self.unit, below=self.below)._repr_html_()


def assess(df, *, target=0.95, recent_periods=3, period="period", unit=None,
           freeze=None) -> Assessment:
    """The whole baseline of one unit: rates, control chart, funnel of halls, shortfalls.

    Parameters
    ----------
    df : DataFrame
        Survey rows of one unit (a branch): ``period``, ``hall`` (optional), counts or rates.
    target : float
        Target rate.
    recent_periods : int
        Periods the hall comparison (funnel, halls below target) covers.
    period : str
        Period column.
    unit : str, optional
        Name shown in the headline (default: the branch in the data).
    freeze : str, optional
        Last period of the baseline: the control chart's centre and limits (and the
        over-dispersion check choosing Laney's chart) are computed on the periods up to
        it and extended over the later ones, so a change after the baseline shows as a
        signal instead of widening the limits. Ignored when no later period exists.

    Returns
    -------
    Assessment

    Raises
    ------
    DataError
        No rows, or columns missing.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"] * 2, "branch": "潮安",
    ...                    "hall": ["A"] * 3 + ["B"] * 3, "responses": [150] * 6,
    ...                    "satisfied": [139, 137, 145, 139, 138, 144]})
    >>> a = assess(df)
    >>> a.chart_kind, a.status["periods_below"]
    ('p', 2)
    """
    func = "assess"
    check_frame(df, f"{func}: data")
    require_columns(df, [period], func, message=IN_FUNCTION)
    if df.empty:
        raise DataError(f"{func}: there are no survey rows to assess")
    if unit is None:
        unit = str(df["branch"].iloc[0]) if "branch" in df.columns else ""
    monthly = rates(df, period, target=target)
    counted = bool(monthly.attrs["sample_size_known"])
    has_halls = "hall" in df.columns and df["hall"].notna().any()
    dispersion, chart = _chart_for(df, period=period, freeze=freeze)
    last = recent(df, periods=recent_periods, period=period)
    halls = below = small = by_hall_month = None
    if has_halls:
        by_hall_month = rates(df, ["hall", period], target=target)
        below = below_target(last, "hall", target=target)
        if counted:
            small = small_samples(df, ["hall", period])
            if last["hall"].nunique() > 1:
                halls = funnel(last, "hall", overdispersion=overdispersion(
                    last, by="hall")["overdispersed"])
    return Assessment(
        unit=unit, status=status(df, target=target, period=period, freeze=freeze), monthly=monthly,
        by_hall_month=by_hall_month, dispersion=dispersion, chart=chart,
        chart_kind=chart.attrs["kind"], recent=last, halls=halls, below=below, small=small,
        changes=change(df, period=period))
