"""Plots of an improvement project: the Gantt chart and the benefits chart.

The tables come from :mod:`cxeval.project`; these functions only draw them. Dates on the
Gantt chart are the data's (the report's as-of date marks "today"), never the wall clock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.plots import PALETTE, no_data, plain_label

__all__: list[str] = ["plot_gantt", "plot_benefits", "STATE_COLORS"]

#: Colour of a task in each state of :data:`cxeval.project.STATES`.
STATE_COLORS = {"done": PALETTE["good"], "in_progress": PALETTE["primary"], "not_started": PALETTE["neutral"],
                "overdue": PALETTE["bad"]}


def _check(df, required, what: str) -> None:
    from cxeval.errors import DataError

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"{what} lacks column(s) {', '.join(missing)}; columns are: "
                        + ", ".join(map(str, df.columns)))


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_gantt(plan: pd.DataFrame, *, as_of=None, lang: str = "zh", ax=None, title: str | None = None):
    """Gantt chart of the project plan, with milestones, key and risk points and today's line.

    Parameters
    ----------
    plan : DataFrame
        :func:`cxeval.project.plan_table` (``task``, ``start``, ``end``, ``state``,
        ``milestone``, ``key_point``, ``risk_point``; ``wbs`` and ``phase`` when present),
        drawn top to bottom in its order.
    as_of : date-like, optional
        The report's date, drawn as a dashed vertical line ("today").
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
        A new figure whose height grows with the number of tasks when omitted.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    A task is a bar from the start of its first day to the end of its last, coloured by
    its state (:data:`STATE_COLORS`: done, in progress, not started, overdue); a milestone
    is a diamond on its day; a key point has a dark outline; a risk point carries an
    orange triangle after its end.

    Examples
    --------
    >>> from cxeval import project                                          # doctest: +SKIP
    >>> ax = plot_gantt(project.plan_table(tasks, as_of="2008-12-31"), as_of="2008-12-31")  # doctest: +SKIP
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from cxeval import report

    _check(plan, ["task", "start", "end", "state", "milestone", "key_point", "risk_point"], "plan")
    n = len(plan)
    ax = _axes(ax, figsize=(11.0, 1.6 + 0.34 * max(n, 1)))
    if title:
        ax.set_title(plain_label(title))
    if n == 0:
        return no_data(ax, lang)
    tr = report.tr
    y = np.arange(n)
    start = pd.to_datetime(plan["start"]).dt.normalize()
    end = pd.to_datetime(plan["end"]).dt.normalize() + pd.Timedelta(days=1)   # to the end of the last day
    left = mdates.date2num(start.to_numpy())
    width = mdates.date2num(end.to_numpy()) - left
    colors = [STATE_COLORS.get(s, PALETTE["neutral"]) for s in plan["state"]]
    bars = ~plan["milestone"].to_numpy(dtype=bool)
    key = plan["key_point"].to_numpy(dtype=bool)
    ax.barh(y[bars], width[bars], left=left[bars], height=0.6, color=np.array(colors, dtype=object)[bars],
            edgecolor=["#1d2733" if k else "none" for k in key[bars]],
            linewidth=[1.8 if k else 0 for k in key[bars]], zorder=3)
    miles = ~bars
    if miles.any():
        ax.scatter(mdates.date2num(end[miles].to_numpy()) - 0.5, y[miles], marker="D", s=70,
                   c=np.array(colors, dtype=object)[miles], edgecolors="#1d2733", linewidths=1.0, zorder=4)
    risk = plan["risk_point"].to_numpy(dtype=bool)
    if risk.any():
        ax.scatter(mdates.date2num(end[risk].to_numpy()) + 1.5, y[risk], marker="^", s=45,
                   color=PALETTE["highlight"], zorder=5)
    labels = [f"{w} {t}" if isinstance(w, str) and w else t for w, t in
              zip(plan["wbs"] if "wbs" in plan else [""] * n, plan["task"].astype(str))]
    ax.set_yticks(y, [plain_label(s) for s in labels], fontsize="small")
    ax.invert_yaxis()
    if "phase" in plan:   # light bands separating the phases
        phases = plan["phase"].astype("string").fillna("")
        edges = [i for i in range(1, n) if phases.iloc[i] != phases.iloc[i - 1]]
        for i in edges:
            ax.axhline(i - 0.5, color="#d5dde7", linewidth=0.8, zorder=1)
    if as_of is not None:
        when = pd.Timestamp(as_of)
        x = mdates.date2num(when.normalize() + pd.Timedelta(days=1))
        ax.axvline(x, color=PALETTE["target"], linestyle="--", linewidth=1.4, zorder=6)
        ax.annotate(plain_label(tr(f"检查日 {when:%Y-%m-%d}", f"as of {when:%Y-%m-%d}", lang)),
                    xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(-3, 2), textcoords="offset points",
                    ha="right", va="bottom", fontsize="small", color=PALETTE["target"])
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    lo = min(left.min(), mdates.date2num(pd.Timestamp(as_of).normalize()) if as_of is not None else left.min())
    hi = max((left + width).max(), mdates.date2num(pd.Timestamp(as_of).normalize()) + 1 if as_of is not None
             else 0)
    ax.set_xlim(lo - 3, hi + 6)
    ax.grid(axis="x", color="#e6ebf1", zorder=0)
    ax.grid(axis="y", visible=False)
    names = {"done": tr("已完成", "done", lang), "in_progress": tr("进行中", "in progress", lang),
             "not_started": tr("未开始", "not started", lang), "overdue": tr("逾期", "overdue", lang)}
    handles = [Patch(color=STATE_COLORS[s], label=names[s]) for s in names]
    handles += [Line2D([], [], marker="D", linestyle="", color=PALETTE["neutral"], markeredgecolor="#1d2733",
                       label=tr("里程碑", "milestone", lang)),
                Patch(facecolor="white", edgecolor="#1d2733", linewidth=1.8, label=tr("关键点", "key point", lang)),
                Line2D([], [], marker="^", linestyle="", color=PALETTE["highlight"], label=tr("风险点", "risk point", lang))]
    ax.legend(handles=handles, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.06 - 1.2 / max(n, 4)),
              ncol=7, frameon=False)
    return ax


def plot_benefits(table: pd.DataFrame, *, target: float, markers: dict | None = None, as_of=None,
                  lang: str = "zh", ax=None, title: str | None = None, pilot_label: str | None = None):
    """The goal metric month by month against the target, with the pilot and rollout marked.

    Parameters
    ----------
    table : DataFrame
        :func:`cxeval.project.benefits` (``period``, ``rate``, ``ci_low``, ``ci_high``;
        ``pilot_rate`` drawn when it has values).
    target : float
        The charter's target, a dashed line.
    markers : dict, optional
        Label -> first month of a change (pilot, rollout), drawn as dotted lines between
        that month and the one before.
    as_of : date-like, optional
        Only to say in the legend up to which date the months are counted.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional
    pilot_label : str, optional
        Legend label of the pilot hall's line (default "试点营业厅" / "pilot hall").

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.ticker import PercentFormatter

    from cxeval import report
    from cxeval.plots import target_line
    from cxeval.plots.pilot import _calendar_axis, _intervention_line, _period_ticks

    _check(table, ["period", "rate", "ci_low", "ci_high"], "table")
    ax = _axes(ax, figsize=(9.0, 4.6))
    if title:
        ax.set_title(plain_label(title))
    if table.empty:
        return no_data(ax, lang)
    tr = report.tr
    x, ticks, place = _calendar_axis(table["period"])
    order = np.argsort(x)
    x = x[order]
    rows = table.iloc[order]
    ax.fill_between(x, rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float), color=PALETTE["band"],
                    label=tr("95% 置信区间", "95% interval", lang), zorder=1)
    met = (rows["rate"] >= target).to_numpy()
    ax.plot(x, rows["rate"].to_numpy(float), color=PALETTE["primary"], linewidth=2.2, zorder=3,
            label=tr("全部营业厅", "all halls", lang))
    ax.scatter(x[met], rows["rate"].to_numpy(float)[met], color=PALETTE["good"], s=36, zorder=4,
               label=tr("达标月份", "month on target", lang))
    ax.scatter(x[~met], rows["rate"].to_numpy(float)[~met], color=PALETTE["bad"], s=36, zorder=4,
               label=tr("未达标月份", "month below target", lang))
    if "pilot_rate" in rows and rows["pilot_rate"].notna().any():
        ax.plot(x, rows["pilot_rate"].to_numpy(float), color=PALETTE["highlight"], linewidth=1.6, linestyle="-",
                marker="o", markersize=3, zorder=2, label=plain_label(pilot_label or tr("试点营业厅", "pilot hall", lang)))
    target_line(ax, float(target), label=tr(f"目标 {report.fmt_pct(target, 0)}", f"target {report.fmt_pct(target, 0)}",
                                            lang))
    drawn = [(label, place(start)) for label, start in (markers or {}).items() if start]
    for level, (label, at) in enumerate([d for d in drawn if d[1] is not None]):
        _intervention_line(ax, at - 0.5, label, level)
    _period_ticks(ax, ticks)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(tr("满意度", "Satisfaction", lang))
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    return ax
