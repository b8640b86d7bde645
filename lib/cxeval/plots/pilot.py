"""Plots for pilot versus rollout (see cxeval.plots for the conventions).

The statistics live in :mod:`cxeval.pilot`; these functions only draw its results:
group trends with intervention lines, the event study, the interrupted time series
fit, the rollout waves and the side-by-side comparison of methods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.checks import check_frame, require_columns
from cxeval.plots import no_data, percent_axis, plain_label

__all__: list[str] = ["plot_pilot_trends", "plot_event_study", "plot_its", "plot_rollout",
                      "plot_methods"]

_LACKS = "{where} lacks column(s) {missing}; columns are: {present}"

# Known groups of cxeval.pilot.pilot_design, drawn in fixed colours so every report
# reads the same way: the pilot stands out, the comparison recedes.
_GROUP_STYLE = {
    "pilot": {"color": "primary", "linewidth": 2.6, "marker": "o", "zorder": 5},
    "rollout": {"color": "highlight", "linewidth": 2.0, "marker": "s", "zorder": 4},
    "branch": {"color": "good", "linewidth": 1.8, "marker": "^", "zorder": 3},
    "comparison": {"color": "secondary", "linewidth": 1.8, "marker": "D", "zorder": 2},
}


def _new_axes(ax, figsize=(8.0, 4.2)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _period_ticks(ax, periods: list, positions=None) -> None:
    labels = [str(p) for p in periods]
    positions = list(range(len(labels))) if positions is None else list(positions)
    rotation = 45 if len(labels) > 8 else 0
    ax.set_xticks(positions, labels, rotation=rotation, ha="right" if rotation else "center")
    ax.set_xlim(min(positions, default=0) - 0.5, max(positions, default=0) + 0.5)


def _calendar_axis(periods: pd.Series):
    """x position of each row, tick labels, and a function placing a period on the axis.

    Calendar periods are placed by the calendar (a month nobody surveyed keeps its tick);
    other labels in sorted order.
    """
    from cxeval import schemas

    keys = schemas.period_keys(periods, where="plot", column="period")
    kind = schemas.period_kind(keys.iloc[0])
    if kind == "text":
        order = schemas.sorted_periods(periods, where="plot")
        position = {p: i for i, p in enumerate(order)}
        return periods.map(position).to_numpy(int), [str(p) for p in order], position.get
    ordinal = keys.map(schemas.period_ordinal).to_numpy(int)
    first = int(ordinal.min())
    labels = {int(o) - first: str(p) for o, p in zip(ordinal, periods)}
    ticks = [labels.get(i) or schemas.format_period(
        i + first if kind == "number" else pd.Period(ordinal=i + first, freq=kind))
        for i in range(int(ordinal.max()) - first + 1)]

    def place(value):
        key = schemas.period_key(value)
        if key is None or schemas.period_kind(key) != kind:
            return None
        at = schemas.period_ordinal(key) - first
        return at if 0 <= at < len(ticks) else None

    return ordinal - first, ticks, place


def _intervention_line(ax, x: float, label: str, level: int = 0) -> None:
    """Dotted vertical line, labelled above the plot area; ``level`` stacks the labels of
    close lines.

    The labels sit on a secondary x axis at the top, outside the data: drawn inside the
    axes, "推广 2008-09" lay on the lines of a pilot near 98%. Constrained layout then
    keeps the title above them.
    """
    ax.axvline(x, color="#333f4f", linestyle=":", linewidth=1.3, zorder=1)
    top = getattr(ax, "_cx_interventions", None)
    if top is None:
        top = ax.secondary_xaxis("top")
        top.tick_params(length=0, pad=2, labelsize="small", labelcolor="#333f4f")
        for spine in top.spines.values():
            spine.set_visible(False)
        top.grid(False)
        ax._cx_interventions = top
        ax._cx_marks = []
    ax._cx_marks.append((x, plain_label(label) + "\n" * level))
    xs, texts = zip(*ax._cx_marks)
    top.set_xticks(list(xs), list(texts))


def plot_pilot_trends(trends: pd.DataFrame, *, by: str = "group", target: float | None = None,
                      interventions: dict | None = None, labels: dict | None = None,
                      lang: str = "zh", title: str | None = None, ax=None):
    """Monthly rate of the pilot, rollout and comparison groups, with intervention lines.

    Parameters
    ----------
    trends : DataFrame
        :func:`cxeval.pilot.group_trends` output: ``by`` column, ``period``, ``rate``.
    by : str
        Column naming the lines (groups, or halls).
    target : float, optional
        Target rate drawn as a dashed line (e.g. 0.95).
    interventions : dict, optional
        Label -> first period of the change (e.g. ``{"试点": "2008-08"}``); a dotted
        vertical line is drawn between that period and the one before.
    labels : dict, optional
        Group key -> legend label (e.g. from ``cxeval.pilot.GROUP_LABELS``).
    lang : {"zh", "en"}
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    DataError
        ``trends`` lacks a needed column.

    Examples
    --------
    >>> df = pd.DataFrame({"group": ["pilot", "pilot"], "period": ["2008-07", "2008-08"],
    ...                    "rate": [0.93, 0.96]})
    >>> ax = plot_pilot_trends(df, target=0.95, interventions={"pilot": "2008-08"}, lang="en")
    """

    from cxeval import report
    from cxeval.plots import PALETTE, target_line

    check_frame(trends, "trends", kind="a DataFrame")
    require_columns(trends, [by, "period", "rate"], "trends", message=_LACKS)
    ax = _new_axes(ax, figsize=(8.0, 5.0))
    if title:
        ax.set_title(plain_label(title))
    if trends.empty:
        return no_data(ax, lang)
    x, ticks, place = _calendar_axis(trends["period"])
    others = iter(["primary", "highlight", "good", "secondary", "warn", "bad", "neutral"])
    for key, part in trends.assign(_x=x).groupby(by, sort=False):
        part = part.sort_values("_x")
        style = dict(_GROUP_STYLE.get(key, {}))
        color = PALETTE[style.pop("color")] if "color" in style else PALETTE[next(others, "neutral")]
        style.setdefault("linewidth", 1.6)
        style.setdefault("marker", "o")
        # A month without data breaks the line instead of joining its neighbours.
        span = np.arange(part["_x"].min(), part["_x"].max() + 1)
        rate = part.set_index("_x")["rate"].astype(float).reindex(span)
        ax.plot(span, rate.to_numpy(float), color=color, markersize=4,
                label=plain_label((labels or {}).get(key, str(key))), **style)
    if target is not None:
        target_line(ax, float(target), label=report.tr(f"目标 {target:.0%}", f"target {target:.0%}",
                                                       lang))
    drawn = [(label, place(start)) for label, start in (interventions or {}).items()]
    for level, (label, at) in enumerate([d for d in drawn if d[1] is not None]):
        _intervention_line(ax, at - 0.5, label, level)
    _period_ticks(ax, ticks)
    percent_axis(ax, axis="y")
    ax.set_ylabel(report.tr("满意度", "Satisfaction", lang))
    # Below the plot: the lines of a pilot cross every corner of the axes.
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2,
              frameon=False)
    return ax


def plot_event_study(table: pd.DataFrame, *, lang: str = "zh", title: str | None = None, ax=None):
    """Effect per period relative to the last period before the start (event study).

    Parameters
    ----------
    table : DataFrame
        ``DiDResult.event_study``: ``event_time``, ``estimate``, ``ci_low``,
        ``ci_high``, ``reference`` (and ``period``, used for tick labels when present).
    lang : {"zh", "en"}
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Points before the start should scatter around zero when the trends were parallel;
    points after are the effect month by month. The reference period is drawn hollow
    at zero, without an interval (it is zero by construction).

    Examples
    --------
    >>> t = pd.DataFrame({"event_time": [-1, 0], "estimate": [0.0, 0.03],
    ...                   "ci_low": [float("nan"), 0.01], "ci_high": [float("nan"), 0.05],
    ...                   "reference": [True, False]})
    >>> ax = plot_event_study(t, lang="en")
    """
    from cxeval import report
    from cxeval.plots import PALETTE

    check_frame(table, "table", kind="a DataFrame")
    require_columns(table, ["event_time", "estimate", "ci_low", "ci_high", "reference"], "table",
                    message=_LACKS)
    ax = _new_axes(ax)
    if title:
        ax.set_title(plain_label(title))
    data = table.dropna(subset=["estimate"]).sort_values("event_time")
    if data.empty:
        return no_data(ax, lang)
    x = data["event_time"].to_numpy(float)
    est = data["estimate"].to_numpy(float) * 100
    ref = data["reference"].to_numpy(bool)
    post = x >= 0
    lo = (data["estimate"] - data["ci_low"]).to_numpy(float) * 100
    hi = (data["ci_high"] - data["estimate"]).to_numpy(float) * 100
    for mask, color in ((~post & ~ref, PALETTE["secondary"]), (post & ~ref, PALETTE["primary"])):
        if mask.any():
            ax.errorbar(x[mask], est[mask], yerr=[lo[mask], hi[mask]], fmt="o", color=color,
                        ecolor=color, elinewidth=1.6, capsize=3, markersize=5, zorder=3)
    if ref.any():
        ax.scatter(x[ref], est[ref], s=40, facecolors="white", edgecolors=PALETTE["secondary"],
                   zorder=4, label=report.tr("参照期", "reference", lang))
        ax.legend(fontsize="small", loc="upper left")
    ax.axhline(0, color="#333f4f", linewidth=1.0, zorder=1)
    _intervention_line(ax, -0.5, report.tr("开始", "start", lang))
    if "period" in data.columns:
        ax.set_xticks(x, [str(p) for p in data["period"]], rotation=45 if len(x) > 8 else 0,
                      ha="right" if len(x) > 8 else "center")
    else:
        ax.set_xticks(x, [f"{int(v):+d}" if v else "0" for v in x])
    ax.set_ylabel(report.tr("相对参照期的效果（百分点）", "Effect vs reference (pp)", lang))
    return ax


def plot_its(result, *, target: float | None = None, lang: str = "zh", title: str | None = None,
             ax=None):
    """Interrupted time series: observed points, segmented fit, pre-trend continued.

    Parameters
    ----------
    result : cxeval.pilot.ITSResult
        From :func:`cxeval.pilot.its`.
    target : float, optional
        Target rate drawn as a dashed line.
    lang : {"zh", "en"}
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cxeval.pilot import its
    >>> s = pd.Series([0.90, 0.91, 0.92, 0.95, 0.96, 0.97],
    ...               index=["2008-01", "2008-02", "2008-03", "2008-04", "2008-05", "2008-06"])
    >>> ax = plot_its(its(s, intervention="2008-04"), lang="en")
    """

    from cxeval import report
    from cxeval.pilot import ITSResult
    from cxeval.plots import PALETTE, target_line

    if not isinstance(result, ITSResult):
        raise TypeError(f"result must be an its() result, got {type(result).__name__}")
    ax = _new_axes(ax)
    if title:
        ax.set_title(plain_label(title))
    data = result.data
    t = data["t"].to_numpy(float)
    post = data["post"].to_numpy(bool)
    ax.scatter(t, data["value"], color=PALETTE["primary"], s=22, zorder=4,
               label=report.tr("实际", "observed", lang))
    for mask in (~post, post):
        ax.plot(t[mask], data["fitted"].to_numpy(float)[mask], color=PALETTE["primary"],
                linewidth=2.0, zorder=3)
    ax.plot([], [], color=PALETTE["primary"], linewidth=2.0,
            label=report.tr("分段拟合", "segmented fit", lang))
    first_post = int(np.argmax(post))
    cf = slice(first_post - 1, None)
    ax.plot(t[cf], data["counterfactual"].to_numpy(float)[cf], color=PALETTE["secondary"],
            linestyle="--", linewidth=1.6, zorder=2,
            label=report.tr("试点前趋势延续", "pre-trend continued", lang))
    if target is not None:
        target_line(ax, float(target), label=report.tr(f"目标 {target:.0%}", f"target {target:.0%}",
                                                       lang))
    _intervention_line(ax, result.t0 - 0.5, report.tr("干预", "intervention", lang))
    # Calendar axis: a period without data keeps its tick, with no point above it.
    observed = dict(zip(data["t"].astype(int), data["period"].astype(str)))
    gaps = iter(result.missing)
    span = range(int(t.min()), int(t.max()) + 1) if len(t) else range(0)
    _period_ticks(ax, [observed[i] if i in observed else next(gaps, "") for i in span], span)
    percent_axis(ax, axis="y")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_rollout(result, *, lang: str = "zh", title: str | None = None):
    """Rollout waves: effect by wave and by months since adoption (two panels).

    Parameters
    ----------
    result : cxeval.pilot.RolloutResult
        From :func:`cxeval.pilot.rollout_effects`.
    lang : {"zh", "en"}
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib Figure
        Left: one row per wave with its interval; right: effect by months since
        adoption with its interval band.

    Examples
    --------
    >>> from cxeval.pilot import rollout_effects
    >>> rows = [(u, f"2008-0{m}", 200, 180 + (10 if a and f"2008-0{m}" >= a else 0), a)
    ...         for u, a in [("A", "2008-03"), ("B", "2008-04"), ("C", None), ("D", None)]
    ...         for m in range(1, 6)]
    >>> df = pd.DataFrame(rows, columns=["hall", "period", "responses", "satisfied", "adoption"])
    >>> fig = plot_rollout(rollout_effects(df, unit="hall", period="period", adoption="adoption"))
    """
    import matplotlib.pyplot as plt

    from cxeval import report
    from cxeval.pilot import RolloutResult
    from cxeval.plots import PALETTE

    if not isinstance(result, RolloutResult):
        raise TypeError(f"result must be a rollout_effects() result, got {type(result).__name__}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.8), layout="constrained",
                                      gridspec_kw={"width_ratios": [1, 1.6]})
    if title:
        fig.suptitle(plain_label(title))
    waves = result.by_wave
    if waves.empty:
        no_data(left, lang)
    else:
        y = np.arange(len(waves))[::-1]
        est = waves["estimate"].to_numpy(float) * 100
        left.hlines(y, waves["ci_low"].to_numpy(float) * 100, waves["ci_high"].to_numpy(float) * 100,
                    color=PALETTE["primary"], linewidth=2.2)
        left.scatter(est, y, color=PALETTE["primary"], s=30, zorder=3)
        left.axvline(0, color="#333f4f", linewidth=1.0)
        # A wave the data cannot estimate keeps its row, empty and labelled as such.
        estimable = waves["estimable"] if "estimable" in waves else pd.Series(True, index=waves.index)
        left.set_yticks(y, [plain_label(report.tr(f"{w}（{int(n)} 厅）" + ("" if ok else "：无法估计"),
                                                  f"{w} ({int(n)} hall(s))" + ("" if ok else ": not estimable"),
                                                  lang))
                            for w, n, ok in zip(waves["wave"], waves["units"], estimable)])
        left.set_ylim(-0.7, len(waves) - 0.3)
        left.set_xlabel(report.tr("效果（百分点）", "Effect (pp)", lang))
        left.set_title(report.tr("按批次", "By wave", lang), fontsize="medium")
        left.grid(axis="y", visible=False)
    events = result.by_event_time.dropna(subset=["estimate"])
    if events.empty:
        no_data(right, lang)
    else:
        x = events["event_time"].to_numpy(float)
        right.fill_between(x, events["ci_low"].to_numpy(float) * 100,
                           events["ci_high"].to_numpy(float) * 100, color=PALETTE["band"],
                           linewidth=0, zorder=1)
        right.plot(x, events["estimate"].to_numpy(float) * 100, color=PALETTE["primary"],
                   marker="o", markersize=4, linewidth=1.8, zorder=3)
        right.axhline(0, color="#333f4f", linewidth=1.0)
        _intervention_line(right, -0.5, report.tr("推广", "adoption", lang))
        right.set_xlabel(report.tr("推广后月数（-1 为参照月）", "Months since adoption (-1 = reference)",
                                   lang))
        right.set_ylabel(report.tr("效果（百分点）", "Effect (pp)", lang))
        right.set_title(report.tr("按推广后月数", "By months since adoption", lang),
                        fontsize="medium")
        right.set_xticks(x, [f"{int(v)}" for v in x])
    return fig


def plot_methods(table: pd.DataFrame, *, lang: str = "zh", title: str | None = None, ax=None):
    """Naive before/after, DiD and ITS estimates side by side with their intervals.

    Parameters
    ----------
    table : DataFrame
        :func:`cxeval.pilot.compare_methods` output (``method``, ``estimate``,
        ``ci_low``, ``ci_high``, ``uses_comparison``).
    lang : {"zh", "en"}
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> t = pd.DataFrame({"method": ["naive", "DiD"], "estimate": [0.045, 0.03],
    ...                   "ci_low": [0.03, 0.01], "ci_high": [0.06, 0.05],
    ...                   "uses_comparison": [False, True]})
    >>> ax = plot_methods(t, lang="en")
    """
    from cxeval import report
    from cxeval.plots import PALETTE, wrap_label

    check_frame(table, "table", kind="a DataFrame")
    require_columns(table, ["method", "estimate", "ci_low", "ci_high", "uses_comparison"], "table",
                    message=_LACKS)
    ax = _new_axes(ax, figsize=(8.0, 0.7 * len(table) + 1.4))
    if title:
        ax.set_title(plain_label(title))
    if table.empty:
        return no_data(ax, lang)
    y = np.arange(len(table))[::-1]
    colors = np.where(table["uses_comparison"].to_numpy(bool), PALETTE["primary"],
                      PALETTE["neutral"])
    ax.hlines(y, table["ci_low"].to_numpy(float) * 100, table["ci_high"].to_numpy(float) * 100,
              colors=colors, linewidth=2.4)
    ax.scatter(table["estimate"].to_numpy(float) * 100, y, color=colors, s=36, zorder=3)
    ax.axvline(0, color="#333f4f", linewidth=1.0)
    ax.set_yticks(y, [wrap_label(m, 10) for m in table["method"]])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(report.tr("估计效果（百分点，含区间）", "Estimated effect (pp, with interval)", lang))
    return ax
