"""Plots for complaints (see cxeval.plots for the conventions).

Each function draws one :mod:`cxeval.complaints` result: the SLA funnel by step, rate
trends against their targets, repeat complaints against the campaign trajectory, and a
status board of the campaign targets by month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.checks import require_columns
from cxeval.plots import no_data, percent_axis, plain_label

__all__: list[str] = ["plot_sla_funnel", "plot_on_time_trend", "plot_fcr_trend",
                      "plot_repeat_trend", "plot_campaign_status"]

_NEEDS = "{where} needs column(s) {missing_q}; columns present: {present}"


def _tr(zh: str, en: str, lang: str) -> str:
    from cxeval.report import tr

    return tr(zh, en, lang)


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _limit_text(minutes: float, lang: str) -> str:
    if minutes < 90:
        return _tr(f"{minutes:.0f}分钟", f"{minutes:.0f} min", lang)
    return _tr(f"{minutes / 60:.0f}小时", f"{minutes / 60:.0f} h", lang)


def plot_sla_funnel(table: pd.DataFrame, *, lang: str = "zh", ax=None, title: str | None = None):
    """SLA funnel: for each workflow step, tickets on time, late and still open.

    Parameters
    ----------
    table : DataFrame
        An ungrouped :func:`cxeval.complaints.sla` result (one row per step).
    lang : {"zh", "en"}
        Label language.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Horizontal stacked bars, first step on top, each labelled with its limit and
        on-time rate.
    """
    from cxeval import report
    from cxeval.plots import PALETTE

    require_columns(table, ["step_zh", "step_en", "limit_minutes", "tickets", "on_time", "late", "open",
                     "on_time_rate"], "plot_sla_funnel", message=_NEEDS)
    if table["step_zh"].duplicated().any():
        raise ValueError("plot_sla_funnel needs one row per step: pass sla(...) without by=")
    ax = _axes(ax, figsize=(8.0, 0.55 * len(table) + 1.6))
    if table.empty or table["tickets"].sum() == 0:
        return no_data(ax, lang)
    names = [f"{(zh if lang == 'zh' else en)} ≤{_limit_text(m, lang)}"
             for zh, en, m in zip(table["step_zh"], table["step_en"], table["limit_minutes"])]
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    parts = [("on_time", _tr("及时", "On time", lang), PALETTE["good"]),
             ("late", _tr("超时", "Late", lang), PALETTE["bad"]),
             ("open", _tr("未完成", "Open", lang), PALETTE["neutral"])]
    for col, label, color in parts:
        values = table[col].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=color, label=label, height=0.6)
        left += values
    for yi, total, rate in zip(y, left, table["on_time_rate"]):
        ax.text(total, yi, "  " + report.fmt_pct(rate), va="center", fontsize=9)
    ax.set_yticks(y, [plain_label(n) for n in names])
    ax.set_xlabel(_tr("到达该环节的工单数", "Tickets that reached the step", lang))
    ax.set_xlim(0, left.max() * 1.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, ncols=3)
    if title:
        ax.set_title(plain_label(title))
    return ax


_SERIES_COLORS = ("primary", "highlight", "good", "secondary")


def _month_ticks(ax, periods, lang):
    ax.set_xticks(range(len(periods)), periods, fontsize=8, rotation=45 if len(periods) > 8 else 0)
    ax.set_xlabel(_tr("月份", "Month", lang))


def plot_on_time_trend(data: pd.DataFrame, *,
                       y=("escalated_on_time_rate", "self_handled_on_time_rate"),
                       targets: dict | None = None, labels: dict | None = None,
                       lang: str = "zh", ax=None, title: str | None = None):
    """On-time rates by month, each against its target level.

    Parameters
    ----------
    data : DataFrame
        One row per ``period`` with the rate columns (0-1), e.g.
        :func:`cxeval.complaints.campaign_actuals`.
    y : str or sequence of str
        Rate columns, one line each.
    targets : dict, optional
        Column -> target level (0.99 = 99%), drawn dashed in the line's colour, e.g.
        :func:`cxeval.complaints.campaign_goals`.
    labels : dict, optional
        Column -> legend text; defaults name the escalated and self-handled rates.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """

    from cxeval.plots import PALETTE

    columns = [y] if isinstance(y, str) else list(y)
    require_columns(data, ["period", *columns], "plot_on_time_trend", message=_NEEDS)
    default = {"escalated_on_time_rate": _tr("上级转办工单", "Escalated tickets", lang),
               "self_handled_on_time_rate": _tr("自处理工单", "Self-handled tickets", lang)}
    labels = {**default, **(labels or {})}
    ax = _axes(ax)
    if data.empty or data[columns].notna().sum().sum() == 0:
        return no_data(ax, lang)
    rows = data.sort_values("period")
    periods = rows["period"].astype("str").tolist()
    x = np.arange(len(periods))
    for i, col in enumerate(columns):
        color = PALETTE[_SERIES_COLORS[i % len(_SERIES_COLORS)]]
        ax.plot(x, rows[col], marker="o", color=color, label=plain_label(labels.get(col, col)))
        if targets and col in targets:
            ax.axhline(targets[col], color=color, linestyle="--", linewidth=1.2,
                       label=_tr(f"目标 {targets[col] * 100:.0f}%（{labels.get(col, col)}）",
                                 f"Target {targets[col] * 100:.0f}% ({labels.get(col, col)})", lang))
    _month_ticks(ax, periods, lang)
    percent_axis(ax, axis="y")
    ax.set_ylabel(_tr("及时率", "On-time rate", lang))
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(plain_label(title))
    return ax


def plot_fcr_trend(data: pd.DataFrame, *, margin: float = 0.05, lang: str = "zh", ax=None,
                   title: str | None = None):
    """First-contact resolution by month against the provincial figure + ``margin``.

    Parameters
    ----------
    data : DataFrame
        :func:`cxeval.complaints.campaign_actuals` output (``period``, ``fcr``,
        ``provincial_fcr``).
    margin : float
        Required lead over the provincial FCR (0.05 = 5 pp); the target line is
        ``min(provincial_fcr + margin, 1)``.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        The branch's FCR (solid), the provincial FCR (grey) and the target (dashed red).
    """

    from cxeval.plots import PALETTE

    require_columns(data, ["period", "fcr", "provincial_fcr"], "plot_fcr_trend", message=_NEEDS)
    ax = _axes(ax)
    if data.empty or data["fcr"].notna().sum() == 0:
        return no_data(ax, lang)
    rows = data.sort_values("period")
    periods = rows["period"].astype("str").tolist()
    x = np.arange(len(periods))
    ax.plot(x, rows["fcr"], marker="o", color=PALETTE["primary"],
            label=_tr("本分公司", "This branch", lang))
    ax.plot(x, rows["provincial_fcr"], color=PALETTE["secondary"], linewidth=1.2,
            label=_tr("全省", "Province", lang))
    ax.plot(x, np.minimum(rows["provincial_fcr"] + margin, 1.0), color=PALETTE["target"],
            linestyle="--", linewidth=1.4,
            label=_tr(f"目标：全省 +{margin * 100:.0f} pp",
                      f"Target: province +{margin * 100:.0f} pp", lang))
    _month_ticks(ax, periods, lang)
    percent_axis(ax, axis="y")
    ax.set_ylabel(_tr("一次性解决率", "First-contact resolution", lang))
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(plain_label(title))
    return ax


def plot_repeat_trend(data: pd.DataFrame, *, campaign_table: pd.DataFrame | None = None,
                      lang: str = "zh", ax=None, title: str | None = None):
    """Repeat complaints by month per threshold, with the campaign trajectory.

    Parameters
    ----------
    data : DataFrame
        :func:`cxeval.complaints.repeat_complaints` output without ``by`` (``period``,
        ``threshold``, ``complaints``).
    campaign_table : DataFrame, optional
        :attr:`cxeval.complaints.CampaignResult.table`; the ``goal`` of targets whose
        measure is ``repeat_<threshold>`` is drawn as a dashed trajectory.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Bars: complaints from customers with at least *t* complaints in the month.
    """
    from cxeval.plots import PALETTE

    require_columns(data, ["period", "threshold", "complaints"], "plot_repeat_trend", message=_NEEDS)
    ax = _axes(ax)
    if data.empty:
        return no_data(ax, lang)
    periods = sorted(data["period"].astype("str").unique())
    thresholds = sorted(data["threshold"].unique())
    width = 0.8 / len(thresholds)
    colors = [PALETTE["primary"], PALETTE["highlight"], PALETTE["secondary"], PALETTE["good"]]
    for i, t in enumerate(thresholds):
        rows = data[data["threshold"] == t].set_index("period")["complaints"].reindex(periods)
        xs = np.arange(len(periods)) - 0.4 + width * (i + 0.5)
        color = colors[i % len(colors)]
        ax.bar(xs, rows.fillna(0).to_numpy(), width=width, color=color,
               label=_tr(f"月内≥{t}次客户的投诉", f"From customers with {t}+ a month", lang))
        if campaign_table is not None and not campaign_table.empty:
            goal = campaign_table[campaign_table["measure"] == f"repeat_{t}"]
            if not goal.empty:
                gx = [periods.index(p) - 0.4 + width * (i + 0.5) for p in goal["period"]
                      if p in periods]
                gy = goal[goal["period"].isin(periods)]["goal"].to_numpy()
                # each trajectory in its bars' colour, so the two can be told apart
                ax.plot(gx, gy, linestyle="--", marker="_", markersize=12, color=color,
                        linewidth=1.4, label=_tr(f"目标轨迹（≥{t}次）", f"Trajectory ({t}+)", lang))
    _month_ticks(ax, periods, lang)
    ax.set_ylabel(_tr("投诉量（件）", "Complaints", lang))
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(plain_label(title))
    return ax


def plot_campaign_status(table: pd.DataFrame, *, lang: str = "zh", ax=None,
                         title: str | None = None):
    """Status board: one row per campaign target, one cell per month, coloured by status.

    Parameters
    ----------
    table : DataFrame
        :attr:`cxeval.complaints.CampaignResult.table`.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Green: met, amber: on track, red: off track, grey: no data; each cell shows the
        month's value.
    """
    from matplotlib.patches import Patch, Rectangle

    from cxeval import report
    from cxeval.plots import STATUS_COLORS, wrap_label

    require_columns(table, ["period", "target", "label_zh", "label_en", "kind", "actual", "status"],
                    "plot_campaign_status", message=_NEEDS)
    targets = list(dict.fromkeys(table["target"]))
    periods = sorted(table["period"].unique())
    ax = _axes(ax, figsize=(8.0, 0.6 * max(len(targets), 1) + 1.4))
    if table.empty:
        return no_data(ax, lang)
    label_col = "label_zh" if lang == "zh" else "label_en"
    labels = table.drop_duplicates("target").set_index("target")[label_col]
    for row in table.itertuples(index=False):  # one cell per target and month (a few dozen)
        xi, yi = periods.index(row.period), len(targets) - 1 - targets.index(row.target)
        ax.add_patch(Rectangle((xi, yi), 0.96, 0.92, color=STATUS_COLORS[row.status]))
        if row.actual == row.actual:
            if row.kind == "reduce":
                text = report.fmt_int(row.actual)
            else:  # a rate just short of 100% must not read as 100.0%
                short = row.actual < 1 and report.fmt_pct(row.actual) == "100.0%"
                text = report.fmt_pct(row.actual, 2 if short else 1)
            ax.text(xi + 0.48, yi + 0.46, text, ha="center", va="center", fontsize=8, color="white")
    ax.set_xlim(0, len(periods))
    ax.set_ylim(0, len(targets))
    ax.set_xticks(np.arange(len(periods)) + 0.48, periods, fontsize=8)
    ax.set_yticks(np.arange(len(targets)) + 0.46,
                  [wrap_label(labels[t], 16 if lang == "zh" else 24) for t in targets[::-1]],
                  fontsize=8)
    ax.grid(False)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    words = {"met": _tr("已达标", "Met", lang), "on_track": _tr("进度正常", "On track", lang),
             "off_track": _tr("进度落后", "Off track", lang), "no_data": _tr("无数据", "No data", lang)}
    ax.legend(handles=[Patch(color=STATUS_COLORS[s], label=w) for s, w in words.items()],
              loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=4, frameon=False, fontsize=8)
    if title:
        ax.set_title(plain_label(title))
    return ax
