"""Plots for kpi (see cxeval.plots for the conventions).

The statistics come from :class:`cxeval.kpi.Scorecard` (``item_summary``, ``totals``,
``period_trend``); these functions only draw them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.checks import NOT_A_RESULT, check_frame, require_columns
from cxeval.plots import no_data, percent_axis, plain_label

__all__: list[str] = ["plot_points_lost", "plot_rank", "plot_period_trend"]


def plot_points_lost(data: pd.DataFrame, *, ax=None, lang: str = "zh", title: str | None = None):
    """Points earned and lost per item, as stacked horizontal bars.

    Parameters
    ----------
    data : DataFrame
        :meth:`cxeval.kpi.Scorecard.item_summary` for one unit (columns ``label,
        max_points, points, points_lost, missing``), in the order to draw (top first).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    lang : {"zh", "en"}
        Language of the legend and axis label.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Each bar is the item's maximum points: earned in the primary colour, lost in the
    "bad" colour, labelled "earned / max". An item whose value is missing is drawn as a
    grey bar labelled "missing" rather than as zero.

    Examples
    --------
    >>> items = card.item_summary(scored, unit="黔东南")  # doctest: +SKIP
    >>> ax = plot_points_lost(items, lang="en")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from cxeval import report
    from cxeval.plots import PALETTE, wrap_label

    check_frame(data, "data", kind="a Scorecard.item_summary DataFrame")
    require_columns(data, ["label", "max_points", "points", "points_lost", "missing"], "data",
                    message=NOT_A_RESULT, what="Scorecard.item_summary")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.5 * max(len(data), 3) + 1.2), layout="constrained")
    if title:
        ax.set_title(plain_label(title))
    if data.empty:
        return no_data(ax, lang)

    y = np.arange(len(data))[::-1]
    maxp = data["max_points"].to_numpy(dtype=float)
    missing = data["missing"].to_numpy(dtype=float) > 0
    earned = np.where(missing, 0.0, data["points"].fillna(0).to_numpy(dtype=float))
    lost = np.where(missing, 0.0, data["points_lost"].fillna(0).to_numpy(dtype=float))
    ax.barh(y, earned, color=PALETTE["primary"], height=0.6, zorder=2)
    ax.barh(y, lost, left=earned, color=PALETTE["bad"], height=0.6, zorder=2)
    ax.barh(y, np.where(missing, maxp, 0.0), color=PALETTE["neutral"], height=0.6, zorder=2,
            hatch="//", alpha=0.5)
    pad = 0.01 * float(np.nanmax(maxp)) if len(maxp) else 0.0
    for yi, e, m, miss in zip(y, earned, maxp, missing):
        text = report.tr("缺失", "missing", lang) if miss else f"{e:.1f} / {m:g}"
        ax.text(m + pad, yi, text, va="center", ha="left", fontsize="small")
    ax.set_yticks(y, [wrap_label(label, 12) for label in data["label"]])
    ax.set_xlim(0, float(np.nanmax(maxp)) * 1.25)
    ax.set_xlabel(report.tr("分数", "Points", lang))
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=PALETTE["primary"], label=report.tr("得分", "Earned", lang)),
               Patch(color=PALETTE["bad"], label=report.tr("失分", "Lost", lang))]
    if missing.any():
        handles.append(Patch(color=PALETTE["neutral"], alpha=0.5, label=report.tr("缺失", "Missing", lang)))
    ax.legend(handles=handles, loc="lower right", fontsize="small", frameon=True)
    return ax


def plot_rank(data: pd.DataFrame, *, unit: str, ax=None, value: str = "total", lang: str = "zh",
              title: str | None = None, max_points: float | None = None):
    """Every unit's total as a bar, best first, the reported unit highlighted.

    Parameters
    ----------
    data : DataFrame
        :meth:`cxeval.kpi.Scorecard.totals` (columns ``unit`` and ``value``), one row
        per unit.
    unit : str
        The unit to highlight.
    ax : matplotlib Axes, optional
    value : str
        Column to draw (``"total"``, a group id or ``"composite"``).
    lang : {"zh", "en"}
    title : str, optional
    max_points : float, optional
        The points available, drawn as a dashed line.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    from cxeval import report
    from cxeval.plots import PALETTE, target_line, wrap_label

    check_frame(data, "data", kind="a Scorecard.totals DataFrame")
    require_columns(data, ["unit", value], "data", message=NOT_A_RESULT, what="Scorecard.totals")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.0), layout="constrained")
    if title:
        ax.set_title(plain_label(title))
    shown = data[data[value].notna()].sort_values(value, ascending=False, kind="stable")
    if shown.empty:
        return no_data(ax, lang)
    x = np.arange(len(shown))
    colors = [PALETTE["primary"] if u == unit else PALETTE["secondary"] for u in shown["unit"]]
    values = shown[value].to_numpy(dtype=float)
    ax.bar(x, values, color=colors, width=0.7, zorder=2)
    for xi, v in zip(x, values):
        ax.text(xi, v, f"{v:.1f}", ha="center", va="bottom", fontsize="small")
    ax.set_xticks(x, [wrap_label(u, 4) for u in shown["unit"]])
    ax.set_ylabel(report.tr("分数", "Points", lang))
    ax.grid(axis="x", visible=False)
    if max_points is not None:
        target_line(ax, float(max_points), label=report.tr("满分", "Full points", lang))
        ax.set_ylim(0, float(max_points) * 1.1)
        # outside, under the axes: inside, every corner holds a bar (the legend hid the last)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize="small", frameon=False)
    return ax


def plot_period_trend(data: pd.DataFrame, *, ax=None, lang: str = "zh", title: str | None = None):
    """Share of the points earned per period, the unit against the mean of all units.

    Parameters
    ----------
    data : DataFrame
        :meth:`cxeval.kpi.Scorecard.period_trend` for one unit (columns ``label,
        period, attainment, mean_attainment``).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    from cxeval import report
    from cxeval.plots import PALETTE

    check_frame(data, "data", kind="a Scorecard.period_trend DataFrame")
    require_columns(data, ["label", "period", "attainment", "mean_attainment"], "data",
                    message=NOT_A_RESULT, what="Scorecard.period_trend")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.0), layout="constrained")
    if title:
        ax.set_title(plain_label(title))
    if data.empty:
        return no_data(ax, lang)
    periods = list(dict.fromkeys(data["period"]))
    pos = {p: i for i, p in enumerate(periods)}
    for label, part in data.groupby("label", sort=False):
        x = [pos[p] for p in part["period"]]
        ax.plot(x, part["attainment"].to_numpy(dtype=float) * 100, marker="o",
                color=PALETTE["primary"], linewidth=2, label=plain_label(label), zorder=3)
        for xi, v in zip(x, part["attainment"].to_numpy(dtype=float) * 100):
            ax.annotate(f"{v:.0f}%", (xi, v), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize="small")
        ax.plot(x, part["mean_attainment"].to_numpy(dtype=float) * 100, marker="s", linestyle="--",
                color=PALETTE["secondary"], linewidth=1.4,
                label=report.tr("各单位平均", "Mean of all units", lang), zorder=2)
    ax.set_xticks(range(len(periods)), periods)
    ax.set_ylim(0, 105)
    percent_axis(ax, axis="y", xmax=100)
    ax.set_ylabel(report.tr("得分率", "Share of points earned", lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax
