"""Notebook 05's explorer: SLA, repeat complaints and FCR by branch, step and month.

Pick a branch, a range of months and a workflow step; the explorer redraws the on-time
performance of every step over the range, the chosen step's on-time rate month by month,
the repeat complaints per month and first-contact resolution against the province.

Opened on the report's settings (the report's branch, every month of the tickets),
:func:`view` gives exactly the report's SLA table, repeat-complaint table and monthly FCR.
"""

from __future__ import annotations

import pandas as pd

from cxeval import complaints, report
from cxeval.complaints.config import _limits
from cxeval.explorers._base import WidgetExplorer, months_between
from cxeval.explorers.pareto import branch_options, month_options, select
from cxeval.text import explorers as words

__all__ = ["ComplaintExplorer", "branch_options", "month_options", "step_options", "settings", "view"]


def step_options(limits, *, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, step id) of the workflow steps in ``sla.yaml``'s order."""
    conf = _limits(limits)
    return [(step["zh"] if lang == "zh" else step["en"], step["id"]) for step in conf["steps"]]


def settings(tickets) -> dict:
    """The explorer's starting values for the report: every month of the tickets."""
    months = month_options(tickets)
    return {"months": (months[0], months[-1])} if months else {"months": None}


def view(tickets, limits, *, branch, months, step=None, lang="zh") -> dict:
    """Everything the explorer shows for one branch, month range and step.

    Parameters
    ----------
    tickets : DataFrame
        Tickets of every branch (the province's FCR is computed from all of them).
    limits : dict or path
        ``sla.yaml`` (:func:`cxeval.complaints.load_limits`).
    branch : str
    months : tuple of str
        (first month, last month), inclusive.
    step : str, optional
        Step id to follow month by month (default: the first step).
    lang : {"zh", "en"}

    Returns
    -------
    dict
        - ``tickets``: the branch's tickets in the range;
        - ``sla``: :func:`cxeval.complaints.sla` per step over the range;
        - ``step_trend``: the chosen step's rows of :func:`~cxeval.complaints.sla` by month;
        - ``repeats``: :func:`cxeval.complaints.repeat_complaints` by month;
        - ``fcr``: ``period``, ``fcr`` (the branch's, with ``tickets`` and ``resolved``) and
          ``provincial_fcr`` (all branches) per month, as
          :func:`cxeval.complaints.campaign_actuals` computes them;
        - ``figure``: the four charts; ``sentence``: the readings.
    """
    import matplotlib.pyplot as plt

    from cxeval import plots

    conf = _limits(limits)
    step = step or conf["steps"][0]["id"]
    ids = [s["id"] for s in conf["steps"]]
    if step not in ids:
        raise ValueError(f"step must be one of {', '.join(ids)}, got {step!r}")
    mine = select(tickets, branch=branch, months=months)
    everyone = tickets.loc[tickets["opened_at"].between(*_bounds(months)).to_numpy()]
    steps = complaints.sla(mine, conf)
    by_month = complaints.sla(mine, conf, by="period")
    trend = by_month[by_month["step"] == step].reset_index(drop=True)
    repeats = complaints.repeat_complaints(mine)
    fcr = complaints.first_contact_resolution(mine, by="period").merge(
        complaints.first_contact_resolution(everyone, by="period")[["period", "fcr"]]
        .rename(columns={"fcr": "provincial_fcr"}), on="period", how="left")
    label = next(zh if lang == "zh" else en for zh, en, i in
                 ((s["zh"], s["en"], s["id"]) for s in conf["steps"]) if i == step)
    fig, axes = plt.subplots(2, 2, figsize=(15, 8.5), layout="constrained")
    if len(mine):
        plots.plot_sla_funnel(steps, lang=lang, ax=axes[0, 0])
        plots.plot_on_time_trend(trend.assign(rate=trend["on_time_rate"]), y="rate",
                                 labels={"rate": label}, lang=lang, ax=axes[0, 1],
                                 title=words.step_trend_title(label, lang))
        plots.plot_repeat_trend(repeats, lang=lang, ax=axes[1, 0])
        plots.plot_fcr_trend(fcr, lang=lang, ax=axes[1, 1])
        sentence = " ".join([complaints.sla_sentence(steps, lang=lang),
                             complaints.fcr_sentence(fcr, lang=lang)])
    else:
        for ax in axes.flat:
            plots.no_data(ax, lang)
        sentence = words.no_tickets(branch, f"{months[0]} – {months[1]}", lang)
    return {"tickets": mine, "sla": steps, "step_trend": trend, "repeats": repeats, "fcr": fcr,
            "figure": fig, "sentence": sentence}


def _bounds(months) -> tuple[pd.Timestamp, pd.Timestamp]:
    from cxeval.pareto import _period_bounds

    return _period_bounds(str(months[0]))[0], _period_bounds(str(months[1]))[1]


class ComplaintExplorer(WidgetExplorer):
    """Widgets (branch, month range, workflow step) redrawing 05's drill-down.

    Parameters
    ----------
    tickets : DataFrame
        Tickets of every branch.
    limits : dict
        ``sla.yaml`` as :func:`cxeval.complaints.load_limits` reads it.
    branch : str
        Branch selected at start.
    months : tuple of str, optional
        Starting range (default every month: the report's).
    lang : {"zh", "en"}
    """

    def __init__(self, tickets, limits, *, branch, months=None, lang="zh"):
        import ipywidgets as w

        report.tr("", "", lang)
        self.tickets, self.limits, self.lang = tickets, _limits(limits), lang
        branches = branch_options(tickets)
        if str(branch) not in branches:
            raise ValueError(f"ComplaintExplorer: branch must be one of {', '.join(branches)}, got {branch!r}")
        options = month_options(tickets)
        months = tuple(months or settings(tickets)["months"])
        months_between(options, *months)
        tr = report.tr
        self.branch = w.Dropdown(options=branches, value=str(branch), description=tr("分公司", "Branch", lang))
        self.step = w.Dropdown(options=step_options(self.limits, lang=lang),
                               description=tr("环节", "Step", lang))
        self.months = w.SelectionRangeSlider(options=options, value=months,
                                             description=tr("月份", "Months", lang),
                                             layout=w.Layout(width="70%"))
        self._wire([w.HBox([self.branch, self.step]), self.months], [self.branch, self.step, self.months])

    def values(self) -> dict:
        """The current widget values, as keyword arguments of :func:`view`."""
        return {"branch": self.branch.value, "months": tuple(self.months.value), "step": self.step.value}

    def compute(self, **values) -> dict:
        return view(self.tickets, self.limits, lang=self.lang, **values)

    def show(self, result: dict) -> list:
        return [result["figure"], report.note(result["sentence"]),
                complaints.show_sla(result["sla"], lang=self.lang)]
