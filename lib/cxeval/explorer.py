"""Interactive baseline explorer for JupyterLab (ipywidgets).

Pick a branch, a hall, a segment, a range of periods and the last month of the baseline
the control limits are fixed on; the explorer redraws the baseline charts of
:mod:`cxeval.plots.baseline` (rates with intervals, control chart, funnel plot of the last
three periods) with the reading sentence underneath. It starts from the report's settings
(its branch and its ``baseline_end``), so on opening its chart is the report's.

The work is done by plain functions — :func:`select`, :func:`view` and the ``*_options``
helpers — which take widget values and return data, a Figure and a sentence, so they are
unit-tested without a browser. :class:`Explorer` only wires widgets to them. Under
papermill (the batch) notebooks do not build the explorer: their output stays static.
"""

from __future__ import annotations

import pandas as pd

from cxeval import baseline, report, schemas
from cxeval.report import baseline as glue
from cxeval.text import baseline as text
from cxeval.checks import IN_FUNCTION, check_frame, require_columns
from cxeval.text import explorers as words
from cxeval.baseline.control import _chart_for

__all__ = ["ALL", "Explorer", "branch_options", "hall_options", "segment_options",
           "period_options", "select", "view"]

#: Widget value meaning "no filter" (all halls / all segments).
ALL = "__all__"


def _check(survey, func: str) -> None:
    check_frame(survey, f"{func}: survey")
    require_columns(survey, ("period", "branch"), func, message=IN_FUNCTION)


def branch_options(survey) -> list[str]:
    """Branches in the data, sorted."""
    _check(survey, "branch_options")
    return sorted(survey["branch"].dropna().astype(str).unique().tolist())


def hall_options(survey, branch, *, lang="zh") -> list[tuple[str, str]]:
    """(label, value) pairs for the hall menu of one branch; first "all halls".

    Empty when the data has no ``hall`` column.
    """
    _check(survey, "hall_options")
    if "hall" not in survey.columns:
        return []
    halls = survey.loc[survey["branch"].astype(str) == str(branch), "hall"].dropna()
    return [(report.tr("全部营业厅", "All halls", lang), ALL)] + [
        (h, h) for h in sorted(halls.astype(str).unique())]


def segment_options(survey, branch=None, *, lang="zh") -> list[tuple[str, str]]:
    """(label, value) pairs for the segment menu; first "all segments".

    Empty when the data has no ``segment`` column.
    """
    _check(survey, "segment_options")
    if "segment" not in survey.columns:
        return []
    rows = survey if branch is None else survey[survey["branch"].astype(str) == str(branch)]
    return [(report.tr("全部细分", "All segments", lang), ALL)] + [
        (s, s) for s in sorted(rows["segment"].dropna().astype(str).unique())]


def period_options(survey) -> list[str]:
    """All periods in the data in time order."""
    _check(survey, "period_options")
    periods = survey["period"].dropna().astype(str)
    return [str(p) for p in schemas.sorted_periods(periods, where="periods")]


def select(survey, *, branch, hall=ALL, segment=ALL, periods=None) -> pd.DataFrame:
    """The survey rows for the chosen branch, hall, segment and period range.

    Parameters
    ----------
    survey : DataFrame
        Survey data.
    branch : str
        Branch.
    hall, segment : str
        A hall / segment, or :data:`ALL`.
    periods : tuple of str, optional
        (first, last) period, inclusive; None for all.

    Returns
    -------
    DataFrame
        The matching rows.
    """
    _check(survey, "select")
    rows = survey[survey["branch"].astype(str) == str(branch)]
    if hall not in (None, ALL) and "hall" in rows.columns:
        rows = rows[rows["hall"].astype(str) == str(hall)]
    if segment not in (None, ALL) and "segment" in rows.columns:
        rows = rows[rows["segment"].astype(str) == str(segment)]
    if periods is not None:
        order = period_options(survey)
        first, last = (str(p) for p in periods)
        keep = order[order.index(first): order.index(last) + 1]
        rows = rows[rows["period"].astype(str).isin(keep)]
    return rows


def view(survey, *, branch, hall=ALL, segment=ALL, periods=None, target=0.95,
         lang="zh", baseline_end="", recent_periods=3) -> dict:
    """Everything the explorer shows for one choice of widget values.

    Parameters
    ----------
    survey : DataFrame
        Survey data (several branches).
    branch, hall, segment, periods
        Widget values (see :func:`select`).
    target : float
        Target rate.
    lang : {"zh", "en"}
        Language of labels and sentence.
    baseline_end : str
        Last period of the baseline: the control limits (and the choice of Laney's chart)
        are computed on the periods up to it and extended over the later ones, as notebook
        01 does (:func:`cxeval.baseline.assess` with ``freeze``); empty: every period.
    recent_periods : int
        The funnel compares the units over the last this many periods of the selection
        (the report's "last three months").

    Returns
    -------
    dict
        - ``data``: the selected rows;
        - ``table``: :func:`cxeval.baseline.rates` per period (with the target);
        - ``chart``: the control chart (Laney p' when over-dispersed on the baseline; a run
          chart without counts), None with fewer than two periods;
        - ``funnel``: funnel of the halls (or segments) over the last ``recent_periods``
          periods of the selection, None when one unit;
        - ``figure``: a Figure with the rates, the control chart and the funnel;
        - ``sentence``: the reading (:func:`cxeval.baseline.describe_baseline`).
    """
    import matplotlib.pyplot as plt

    from cxeval import plots

    rows = select(survey, branch=branch, hall=hall, segment=segment, periods=periods)
    name = " · ".join(str(v) for v in (branch, hall, segment) if v not in (None, ALL))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained",
                             gridspec_kw={"width_ratios": [1.1, 1.3, 1.0]})
    result = {"data": rows, "table": None, "chart": None, "funnel": None, "figure": fig,
              "sentence": report.tr(f"{name}：所选范围内没有数据。",
                                    f"{name}: no data in this selection.", lang)}
    if rows.empty:
        for ax in axes:
            ax.set_axis_off()
        axes[1].text(0.5, 0.5, report.tr("没有数据", "No data", lang), ha="center",
                     va="center", fontsize="large", transform=axes[1].transAxes)
        return result
    table = baseline.rates(rows, "period", target=target)
    result["table"] = table
    plots.plot_rates(table, target=target, ax=axes[0], lang=lang,
                     title=report.tr("满意度与置信区间", "Satisfaction with intervals", lang))
    counted = table.attrs["sample_size_known"]
    if len(table) >= 2:
        # the report's own chart: limits on the baseline months (every month without one)
        _, chart = _chart_for(rows, freeze=baseline_end or None)
        result["chart"] = chart
        plots.plot_control(chart, target=target, ax=axes[1], lang=lang)
    else:
        axes[1].set_axis_off()
        axes[1].text(0.5, 0.5, report.tr("控制图需要至少两期数据", "A chart needs two periods", lang),
                     ha="center", va="center", transform=axes[1].transAxes)
    unit = next((c for c, v in (("hall", hall), ("segment", segment))
                 if c in rows.columns and v in (None, ALL) and rows[c].nunique() > 1), None)
    last = baseline.recent(rows, periods=recent_periods) if unit is not None else rows
    if counted and unit is not None and last[unit].nunique() > 1:
        fun = baseline.funnel(last, unit, overdispersion=baseline.overdispersion(
            last, by=unit)["overdispersed"])
        result["funnel"] = fun
        plots.plot_funnel(fun, ax=axes[2], lang=lang,
                          title=report.tr("漏斗图", "Funnel plot", lang))
    else:
        axes[2].set_axis_off()
    result["sentence"] = text.describe_baseline(table, result["chart"], unit=name, target=target,
                                                lang=lang)
    return result


class Explorer:
    """Widgets (branch, hall, segment, period range, baseline end) that redraw the baseline charts.

    Parameters
    ----------
    survey : DataFrame
        Survey data with ``period`` and ``branch`` (and ``hall`` / ``segment`` if any).
    target : float
        Target rate.
    lang : {"zh", "en"}
        Language of labels.
    branch : str, optional
        Branch selected at start (default: the first).
    baseline_end : str
        Last month of the baseline the control limits are fixed on at start (the
        report's ``baseline_end``); empty: every month.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The controls and the output area; display it in a notebook cell.
    result : dict
        The latest :func:`view` result (refreshed on every change).

    Examples
    --------
    >>> ex = Explorer(survey, target=0.95, lang="zh", branch="潮安")   # doctest: +SKIP
    >>> ex.widget                                                    # doctest: +SKIP
    """

    def __init__(self, survey, *, target=0.95, lang="zh", branch=None, baseline_end=""):
        import ipywidgets as w

        _check(survey, "Explorer")
        report.tr("", "", lang)
        self.survey = survey
        self.target = target
        self.lang = lang
        branches = branch_options(survey)
        if branch is not None and str(branch) not in branches:
            raise ValueError(f"Explorer: branch must be one of {', '.join(branches)}, "
                             f"got {branch!r}")
        start = str(branch) if branch is not None else branches[0]
        periods = period_options(survey)
        tr = report.tr
        self.branch = w.Dropdown(options=branches, value=start,
                                 description=tr("分公司", "Branch", lang))
        self.hall = w.Dropdown(options=hall_options(survey, start, lang=lang) or
                               [(tr("（无）", "(none)", lang), ALL)],
                               description=tr("营业厅", "Hall", lang))
        self.hall.disabled = "hall" not in survey.columns
        self.segment = w.Dropdown(options=segment_options(survey, start, lang=lang) or
                                  [(tr("（无）", "(none)", lang), ALL)],
                                  description=tr("细分", "Segment", lang))
        self.segment.disabled = "segment" not in survey.columns
        self.periods = w.SelectionRangeSlider(options=periods, index=(0, len(periods) - 1),
                                              description=tr("期间", "Periods", lang),
                                              layout=w.Layout(width="60%"))
        # the report's own baseline end, even when no survey month carries it (a gap in the
        # data): the explorer must start on the report's settings
        ends = periods + ([str(baseline_end)] if baseline_end and str(baseline_end) not in periods else [])
        self.baseline_end = w.Dropdown(options=[(words.every_month(lang), "")] + [(p, p) for p in ends],
                                       value=str(baseline_end or ""), description=words.freeze_label(lang),
                                       style={"description_width": "initial"})
        self.output = w.Output()
        self.result: dict | None = None
        self._holding = False
        for control in (self.branch, self.hall, self.segment, self.periods, self.baseline_end):
            control.observe(self._on_change, names="value")
        self.widget = w.VBox([w.HBox([self.branch, self.hall, self.segment]),
                              w.HBox([self.periods, self.baseline_end]), self.output])
        self.refresh()

    def values(self) -> dict:
        """The current widget values, as keyword arguments of :func:`view`."""
        return {"branch": self.branch.value, "hall": self.hall.value,
                "segment": self.segment.value, "periods": tuple(self.periods.value),
                "baseline_end": self.baseline_end.value}

    def _on_change(self, change) -> None:
        if self._holding:
            return
        if change["owner"] is self.branch:
            # new branch: its own halls and segments; refresh once, not per menu
            self._holding = True
            try:
                if not self.hall.disabled:
                    self.hall.options = hall_options(self.survey, self.branch.value,
                                                     lang=self.lang)
                    self.hall.value = ALL
                if not self.segment.disabled:
                    self.segment.options = segment_options(self.survey, self.branch.value,
                                                           lang=self.lang)
                    self.segment.value = ALL
            finally:
                self._holding = False
        self.refresh()

    def refresh(self) -> dict:
        """Recompute the view for the current values and redraw the output area."""
        import matplotlib.pyplot as plt
        from IPython.display import clear_output, display

        self.result = view(self.survey, target=self.target, lang=self.lang, **self.values())
        with self.output:
            clear_output(wait=True)
            display(self.result["figure"])
            if self.result["table"] is not None:
                display(report.table(
                    self.result["table"][["period", "responses", "rate", "ci_low", "ci_high",
                                          "gap_to_target"]],
                    formats=glue.table_formats(self.lang),
                    labels=glue.column_labels(self.lang)))
            display(report.note(self.result["sentence"]))
        plt.close(self.result["figure"])
        return self.result

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
