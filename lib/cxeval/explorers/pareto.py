"""Notebook 02's explorer: Pareto by sub-item, network or channel, and the shift test.

Pick a branch, what to rank (the 16 sub-items, the three networks or the complaint
channel), a "before" and an "after" range of months; the explorer redraws the Pareto chart
of the before range and the change in shares between the two ranges with the chi-square
test of the whole distribution.

Opened on the report's own settings (:func:`settings`: the months
:func:`cxeval.complaints.period_settings` resolved, one month each side), :func:`view`
gives exactly the report's tables: its Pareto by sub-item (and by network) and its
before/after shift.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cxeval import pareto, report
from cxeval.explorers._base import WidgetExplorer, month_range, months_between
from cxeval.text import explorers as words

__all__ = ["DIMENSIONS", "ParetoExplorer", "branch_options", "month_options", "settings", "select",
           "view"]

#: What a Pareto can rank: ticket column -> (zh, en) label.
DIMENSIONS = {"category": ("投诉子项", "Sub-item"), "network": ("三网", "Network"),
              "channel": ("投诉渠道", "Channel")}
#: How the readings name the ranked things (as notebook 02 does).
ITEM_WORDS = {"category": ("子项", "sub-items"), "network": ("网络", "networks"), "channel": ("渠道", "channels")}


def _check(tickets, func: str) -> None:
    from cxeval.errors import DataError

    if not isinstance(tickets, pd.DataFrame):
        raise TypeError(f"{func}: tickets must be a pandas DataFrame, got {type(tickets).__name__}")
    missing = [c for c in ("branch", "opened_at") if c not in tickets.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(map(repr, missing))} not found; the tickets "
                        f"have columns {', '.join(map(repr, map(str, tickets.columns)))}")


def branch_options(tickets) -> list[str]:
    """Branches with tickets, sorted."""
    _check(tickets, "branch_options")
    return sorted(tickets["branch"].dropna().astype(str).unique().tolist())


def month_options(tickets) -> list[str]:
    """Every month (``YYYY-MM``) in which a ticket was opened, in time order."""
    _check(tickets, "month_options")
    opened = pd.to_datetime(tickets["opened_at"]).dropna()
    return sorted(opened.dt.to_period("M").astype(str).unique().tolist())


def dimension_options(tickets, *, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, column) pairs of the dimensions the tickets have."""
    return [(report.tr(zh, en, lang), col) for col, (zh, en) in DIMENSIONS.items()
            if col in tickets.columns]


def settings(*, period_before: str, period_after: str, threshold: float = 0.8) -> dict:
    """The explorer's starting values for the report's resolved months.

    Parameters
    ----------
    period_before, period_after : str
        The months (or quarters) the report compared, as
        :func:`cxeval.complaints.period_settings` resolved them.
    threshold : float
        The report's vital-few share.

    Returns
    -------
    dict
        ``before`` and ``after`` as (first month, last month) ranges, ``threshold``.
    """
    return {"before": month_range(period_before), "after": month_range(period_after),
            "threshold": threshold}


def select(tickets, *, branch, months) -> pd.DataFrame:
    """The tickets of ``branch`` opened in the month range ``months`` = (first, last).

    Uses the same bounds as :func:`cxeval.pareto.select_tickets` (first instant of the
    first month to the last instant of the last), so one month gives the same tickets.
    """
    _check(tickets, "select")
    first, last = (str(m) for m in months)
    start, _ = pareto._period_bounds(first)
    _, end = pareto._period_bounds(last)
    if start > end:
        raise ValueError(f"the first month ({first}) comes after the last ({last})")
    when = tickets["opened_at"]
    keep = (tickets["branch"] == branch) & (when >= start) & (when <= end)
    return tickets.loc[keep.to_numpy()].reset_index(drop=True)


def _span(months) -> str:
    first, last = (str(m) for m in months)
    return first if first == last else f"{first} – {last}"


def view(tickets, *, branch, by="category", before, after, threshold=0.8,
         labels: Mapping[str, Mapping[str, str]] | None = None, lang="zh") -> dict:
    """Everything the explorer shows for one choice of widget values.

    Parameters
    ----------
    tickets : DataFrame
        Tickets (several branches).
    branch : str
    by : {"category", "network", "channel"}
        What to rank.
    before, after : tuple of str
        (first month, last month) of each range, inclusive.
    threshold : float
        Share the vital few must reach.
    labels : mapping, optional
        Dimension -> {value: label} (:func:`cxeval.pareto.category_labels` for
        ``category`` and ``network``); values without a label are shown as they are.
    lang : {"zh", "en"}

    Returns
    -------
    dict
        - ``before_tickets``, ``after_tickets``: the selected tickets;
        - ``table``: :func:`cxeval.pareto.pareto_table` of the before range by ``by``;
        - ``shift``: :func:`cxeval.pareto.pareto_shift` between the ranges by ``by``;
        - ``vital``: :func:`cxeval.pareto.vital_few_summary` of ``table``;
        - ``figure``: the Pareto chart and the shift chart side by side;
        - ``sentence``: the readings of both (:func:`cxeval.pareto.describe_pareto`,
          :func:`cxeval.pareto.describe_shift`).
    """
    import matplotlib.pyplot as plt

    from cxeval import plots

    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}, got {by!r}")
    names = (labels or {}).get(by)
    b = select(tickets, branch=branch, months=before)
    a = select(tickets, branch=branch, months=after)
    table = pareto.pareto_table(b, by, threshold=threshold, labels=names)
    shift = pareto.pareto_shift(b, a, by, labels=names)
    item = report.tr(*ITEM_WORDS[by], lang)
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.8), layout="constrained",
                             gridspec_kw={"width_ratios": [1.4, 1.0]})
    count_label = report.tr("工单数", "Tickets", lang)
    if len(b):
        plots.plot_pareto(table, ax=axes[0], lang=lang, count_label=count_label,
                          title=words.pareto_title(branch, report.tr(*DIMENSIONS[by], lang), _span(before), lang))
    else:
        plots.no_data(axes[0], lang)
    if len(b) and len(a):
        plots.plot_pareto_shift(shift, ax=axes[1], lang=lang,
                                title=words.shift_title(_span(before), _span(after), lang))
    else:
        plots.no_data(axes[1], lang)
    sentence = " ".join([
        pareto.describe_pareto(table, lang=lang, item=item, unit=report.tr("张工单", "tickets", lang)),
        pareto.describe_shift(shift, lang=lang, before=_span(before), after=_span(after)),
    ]) if len(b) else words.no_tickets(branch, _span(before), lang)
    return {"before_tickets": b, "after_tickets": a, "table": table, "shift": shift,
            "vital": pareto.vital_few_summary(table), "figure": fig, "sentence": sentence}


class ParetoExplorer(WidgetExplorer):
    """Widgets (branch, dimension, before and after month ranges) that redraw the Pareto.

    Parameters
    ----------
    tickets : DataFrame
        Tickets of every branch.
    branch : str
        Branch selected at start.
    before, after : tuple of str
        Starting month ranges (:func:`settings` gives the report's).
    threshold : float
        Vital-few share.
    labels : mapping, optional
        As in :func:`view`.
    lang : {"zh", "en"}

    Examples
    --------
    >>> ex = ParetoExplorer(tickets, branch="潮安", **settings(period_before="2010-07",
    ...                     period_after="2010-11"))                      # doctest: +SKIP
    >>> ex.widget                                                         # doctest: +SKIP
    """

    def __init__(self, tickets, *, branch, before, after, threshold=0.8, labels=None, lang="zh"):
        import ipywidgets as w

        _check(tickets, "ParetoExplorer")
        report.tr("", "", lang)
        self.tickets, self.threshold, self.labels, self.lang = tickets, threshold, labels, lang
        branches = branch_options(tickets)
        if str(branch) not in branches:
            raise ValueError(f"ParetoExplorer: branch must be one of {', '.join(branches)}, got {branch!r}")
        months = month_options(tickets)
        for name, span in (("before", before), ("after", after)):
            months_between(months, *(str(m) for m in span))   # checks the range
        tr = report.tr
        self.branch = w.Dropdown(options=branches, value=str(branch), description=tr("分公司", "Branch", lang))
        self.by = w.Dropdown(options=dimension_options(tickets, lang=lang), value="category",
                             description=tr("排序对象", "Rank by", lang))
        layout = w.Layout(width="70%")
        self.before = w.SelectionRangeSlider(options=months, value=tuple(before),
                                             description=tr("措施前", "Before", lang), layout=layout)
        self.after = w.SelectionRangeSlider(options=months, value=tuple(after),
                                            description=tr("措施后", "After", lang), layout=layout)
        self._wire([w.HBox([self.branch, self.by]), self.before, self.after],
                   [self.branch, self.by, self.before, self.after])

    def values(self) -> dict:
        """The current widget values, as keyword arguments of :func:`view`."""
        return {"branch": self.branch.value, "by": self.by.value, "before": tuple(self.before.value),
                "after": tuple(self.after.value)}

    def compute(self, **values) -> dict:
        return view(self.tickets, threshold=self.threshold, labels=self.labels, lang=self.lang, **values)

    def show(self, result: dict) -> list:
        return [result["figure"], report.note(result["sentence"]),
                pareto.show_pareto(result["table"], lang=self.lang),
                pareto.show_shift(result["shift"], lang=self.lang)]
