"""Plots for the baseline: rates with intervals, control charts, funnel plots, lead.

Each function takes the table a :mod:`cxeval.baseline` function returns, draws it on
``ax`` (a new figure when omitted) and returns the Axes; :func:`plot_rate_panels`, a
grid of small multiples, returns the Figure. Nothing is shown or saved here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter

from cxeval.checks import IN_FUNCTION, check_frame, require_columns

__all__: list[str] = ["plot_rates", "plot_rate_panels", "plot_control", "plot_funnel",
                      "plot_lead"]


def _tr(zh: str, en: str, lang: str) -> str:
    from cxeval.report import tr

    return tr(zh, en, lang)


def _new_ax(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _period_ticks(ax, labels: list[str], lang: str, *, compact: bool = False) -> None:
    """Label periods briefly: "3月"/"Mar" within one year, else with the year.

    ``compact`` (small panels): months as bare numbers, the year in the axis label.
    """
    from cxeval.text.baseline import period_label

    years = sorted({str(p)[:4] for p in labels})
    monthly = all(len(str(p)) == 7 and str(p)[4] == "-" and str(p)[5] != "Q" for p in labels)
    if compact and monthly and len(years) == 1:
        ax.set_xticks(range(len(labels)), [str(int(str(p)[5:])) for p in labels])
        ax.set_xlabel(_tr(f"{years[0]}年（月）", f"Month of {years[0]}", lang))
        return
    short = [period_label(p, lang, with_year=len(years) > 1) for p in labels]
    if lang == "en" and monthly:
        short = [f"{t[:3]}{t[t.index(' '):] if ' ' in t else ''}" for t in short]
    rotation = 0 if len(labels) <= 12 and len(years) == 1 else 45
    ax.set_xticks(range(len(labels)), short, rotation=rotation,
                  ha="right" if rotation else "center")
    ax.set_xlabel(_tr("期间", "Period", lang))


def _title(ax, text: str, **kwargs) -> None:
    # The CJK font ships a Regular face only: asking for the theme's bold title weight makes
    # matplotlib log "Failed to find font weight bold" into every report; normal weight
    # renders the same glyphs without the message.
    from cxeval.plots import plain_label

    ax.set_title(plain_label(text), fontweight="normal", **kwargs)


def _percent_axis(ax, axis: str = "y") -> None:
    # even steps printed exactly (never 92, 90, 88, 85 from a 2.5-point step), one decimal
    # when the axis spans only a few points; call after the limits are set
    from cxeval.plots import percent_axis

    percent_axis(ax, axis=axis)


def plot_rates(data, *, x="period", hue=None, target=None, ax=None, lang="zh", title=None,
               compact=False):
    """Rates over periods (or units) with their intervals and the target line.

    Parameters
    ----------
    data : DataFrame
        A :func:`cxeval.baseline.tables` table with ``x`` (and ``hue``) among its groups:
        ``rate``, ``ci_low``, ``ci_high``.
    x : str
        Column along the x axis (periods are labelled as months/quarters).
    hue : str, optional
        One line per value of this column (e.g. ``"hall"``), slightly dodged so the
        intervals do not overlap.
    target : float, optional
        Target drawn as a dashed line (defaults to ``data.attrs["target"]``).
    ax : matplotlib Axes, optional
        Axes to draw on.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Axes title.
    compact : bool
        Short period labels (month numbers) for small panels.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cxeval import baseline
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02"], "responses": [300, 300],
    ...                    "satisfied": [278, 289]})
    >>> ax = plot_rates(baseline.rates(df, "period"), target=0.95)
    """
    from cxeval.plots import PALETTE, plain_label, target_line

    func = "plot_rates"
    check_frame(data, f"{func}: data")
    require_columns(data, [x, "rate", "ci_low", "ci_high"] + ([hue] if hue else []), func,
                    message=IN_FUNCTION)
    ax = _new_ax(ax)
    if target is None:
        target = data.attrs.get("target")
    is_period = x == "period" or str(data[x].iloc[0])[4:5] == "-" if len(data) else False
    order = list(dict.fromkeys(sorted(data[x].astype(str)) if is_period else data[x].astype(str)))
    pos = {v: i for i, v in enumerate(order)}
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=True))
    width = 0.5
    colors = [PALETTE["primary"], PALETTE["highlight"], PALETTE["good"], PALETTE["secondary"],
              PALETTE["warn"], PALETTE["bad"], "#8c6bb1", "#17becf"]
    for i, (name, g) in enumerate(groups):
        offset = 0.0 if len(groups) == 1 else (i / (len(groups) - 1) - 0.5) * width
        g = g.assign(_x=g[x].astype(str).map(pos)).sort_values("_x")
        xs = g["_x"].to_numpy(float) + offset
        color = colors[i % len(colors)]
        ax.plot(xs, g["rate"], marker="o", color=color, lw=1.6, ms=5,
                label=None if name is None else plain_label(name), zorder=4)
        has_ci = g["ci_low"].notna()
        if has_ci.any():
            lo = (g["rate"] - g["ci_low"]).where(has_ci, 0).to_numpy(float)
            hi = (g["ci_high"] - g["rate"]).where(has_ci, 0).to_numpy(float)
            ax.errorbar(xs, g["rate"], yerr=[lo, hi], fmt="none", ecolor=color, alpha=0.6,
                        capsize=2.5, lw=1, zorder=3)
    if target is not None:
        target_line(ax, target, label=_tr(f"目标 {target:.0%}", f"target {target:.0%}", lang))
    if is_period:
        _period_ticks(ax, order, lang, compact=compact)
    else:
        from cxeval.plots import wrap_label

        ax.set_xticks(range(len(order)), [wrap_label(v) for v in order])
        ax.set_xlabel(plain_label(x))
    _percent_axis(ax)
    ax.set_ylabel(_tr("满意度（95% 置信区间）", "Satisfaction (95% interval)", lang))
    if hue is not None or target is not None:
        ax.legend(loc="best", fontsize="small", frameon=False)
    if title:
        _title(ax, title)
    return ax


def plot_rate_panels(data, *, facet="hall", x="period", target=None, col_wrap=3, lang="zh",
                     title=None):
    """Small multiples: one panel of rates with intervals per unit (e.g. per hall).

    Parameters
    ----------
    data : DataFrame
        A :func:`cxeval.baseline.tables` table grouped by ``facet`` and ``x``.
    facet : str
        One panel per value of this column.
    x : str
        Column along each panel's x axis.
    target : float, optional
        Target line (defaults to ``data.attrs["target"]``).
    col_wrap : int
        Panels per row.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> from cxeval import baseline
    >>> df = pd.DataFrame({"hall": ["A", "A", "B", "B"], "period": ["2008-01", "2008-02"] * 2,
    ...                    "responses": [300] * 4, "satisfied": [278, 289, 281, 285]})
    >>> fig = plot_rate_panels(baseline.rates(df, ["hall", "period"]), target=0.95)
    """
    import matplotlib.pyplot as plt

    check_frame(data, "plot_rate_panels: data")
    require_columns(data, [facet, x, "rate", "ci_low", "ci_high"], "plot_rate_panels",
                    message=IN_FUNCTION)
    if target is None:
        target = data.attrs.get("target")
    names = list(dict.fromkeys(sorted(data[facet].astype(str))))
    ncols = max(1, min(col_wrap, len(names)))
    nrows = max(1, math.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, sharey=True, squeeze=False, layout="constrained",
                             figsize=(3.4 * ncols + 0.6, 2.7 * nrows + 0.4))
    lo = np.nanmin(data[["ci_low", "rate"]].to_numpy(float)) if len(data) else 0.0
    hi = np.nanmax(data[["ci_high", "rate"]].to_numpy(float)) if len(data) else 1.0
    if target is not None:
        lo, hi = min(lo, target), max(hi, target)
    pad = max(0.005, (hi - lo) * 0.08)
    for ax, name in zip(axes.flat, names):
        part = data[data[facet].astype(str) == name]
        part.attrs = dict(data.attrs)
        plot_rates(part, x=x, target=target, ax=ax, lang=lang, title=name, compact=True)
        ax.set_ylim(max(0, lo - pad), min(1.0, hi + pad))
        _percent_axis(ax)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    for ax in axes[:, 1:].flat:
        ax.set_ylabel("")
    for ax in axes[:-1, :].flat:
        if ax.get_visible():
            ax.set_xlabel("")
    if title:
        from cxeval.plots import plain_label

        fig.suptitle(plain_label(title), fontweight="normal", fontsize="large")
    return fig


def plot_control(chart, *, target=None, ax=None, lang="zh", title=None):
    """Control chart: rates, centre line, 3-sigma limits, signals and phases.

    Parameters
    ----------
    chart : DataFrame
        A :func:`cxeval.baseline.p_chart` table.
    target : float, optional
        Target drawn as a dashed line.
    ax : matplotlib Axes, optional
        Axes to draw on.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Axes title (default names the chart: p or Laney p').

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cxeval import baseline
    >>> df = pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
    ...                    "responses": [300] * 3, "satisfied": [278, 275, 289]})
    >>> ax = plot_control(baseline.p_chart(df))
    """
    from cxeval.plots import PALETTE, target_line

    check_frame(chart, "plot_control: data")
    require_columns(chart, ["period", "rate", "center", "lcl", "ucl", "signal"], "plot_control",
                    message=IN_FUNCTION)
    ax = _new_ax(ax)
    xs = np.arange(len(chart))
    phase = chart["phase"].astype(str).to_numpy() if "phase" in chart.columns else \
        np.array([""] * len(chart))
    starts = [0] + [i for i in range(1, len(chart)) if phase[i] != phase[i - 1]]
    ends = starts[1:] + [len(chart)]
    frozen = bool(chart.attrs.get("freeze"))
    has_limits = bool(chart["ucl"].notna().any())
    for k, (s, e) in enumerate(zip(starts, ends)):
        if not has_limits:   # a run chart: median line only
            ax.plot([s - 0.5, e - 0.5], [chart["center"].iloc[s]] * 2, color=PALETTE["neutral"],
                    lw=1.1, zorder=2, label=_tr("中位数", "median", lang) if k == 0 else None)
            continue
        # limits are drawn as steps: flat across each point's own width
        step_x = np.repeat(np.arange(s, e), 2) + np.tile([-0.5, 0.5], e - s)
        for col, style in (("ucl", "--"), ("lcl", "--"), ("center", "-")):
            label = None
            if k == 0 and col == "ucl":
                label = _tr("控制限", "control limits", lang)
            elif k == 0 and col == "center":
                label = _tr("中心线", "centre line", lang)
            ax.plot(step_x, np.repeat(chart[col].to_numpy(float)[s:e], 2),
                    color=PALETTE["neutral"] if col == "center" else PALETTE["secondary"],
                    ls=style, lw=1.1, zorder=2, label=label)
        ax.fill_between(step_x, np.repeat(chart["lcl"].to_numpy(float)[s:e], 2),
                        np.repeat(chart["ucl"].to_numpy(float)[s:e], 2),
                        color=PALETTE["band"], alpha=0.5, lw=0, zorder=1)
        if len(starts) > 1 and s > 0:
            ax.axvline(s - 0.5, color=PALETTE["neutral"], lw=1, ls=":", zorder=2)
        if phase[s]:
            name = phase[s]
            if frozen:
                name = _tr("基线", "baseline", lang) if name == "baseline" else \
                    _tr("延伸", "extended", lang)
            ax.annotate(name, xy=((s + e - 1) / 2, 1.0), xycoords=("data", "axes fraction"),
                        ha="center", va="bottom", fontsize="small", color=PALETTE["secondary"])
    ax.plot(xs, chart["rate"], color=PALETTE["primary"], marker="o", ms=5, lw=1.6, zorder=4,
            label=_tr("满意度", "satisfaction", lang))
    sig = chart["signal"].astype(bool).to_numpy()
    if sig.any():
        ax.scatter(xs[sig], chart["rate"].to_numpy(float)[sig], s=90, facecolor="none",
                   edgecolor=PALETTE["highlight"], lw=2, zorder=5,
                   label=_tr("信号", "signal", lang))
    if target is not None:
        target_line(ax, target, label=_tr(f"目标 {target:.0%}", f"target {target:.0%}", lang))
    _period_ticks(ax, chart["period"].astype(str).tolist(), lang)
    _percent_axis(ax)
    ax.set_xlim(-0.6, len(chart) - 0.4)
    ax.set_ylabel(_tr("满意度", "Satisfaction", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    if title is None and not has_limits:
        title = _tr("运行图（无样本量，不能画控制限）", "Run chart (no sample sizes for control limits)",
                    lang)
    elif title is None:
        laney = bool(chart.attrs.get("laney")) or ("sigma_z" in chart.columns and
                                                   (chart["sigma_z"] != 1).any())
        title = _tr("Laney p′ 控制图" if laney else "p 控制图",
                    "Laney p′ chart" if laney else "p chart", lang)
    _title(ax, title, pad=14 if any(phase) else 6)
    return ax


_BAND_COLORS = {"below_998": "bad", "below_95": "warn", "within": "primary",
                "above_95": "good", "above_998": "good"}


def plot_funnel(data, *, label=None, ax=None, lang="zh", title=None):
    """Funnel plot: each unit's rate against its sample size, with 95% and 99.8% limits.

    Parameters
    ----------
    data : DataFrame
        A :func:`cxeval.baseline.funnels` table.
    label : str, optional
        Column naming the units (default: the first grouping column of the funnel);
        units outside the 95% limits are labelled on the chart.
    ax : matplotlib Axes, optional
        Axes to draw on.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cxeval import baseline
    >>> df = pd.DataFrame({"hall": list("ABC"), "responses": [200, 300, 250],
    ...                    "satisfied": [190, 281, 200]})
    >>> ax = plot_funnel(baseline.funnel(df, "hall"))
    """
    from cxeval import baseline
    from cxeval.plots import PALETTE, plain_label

    check_frame(data, "plot_funnel: data")
    require_columns(data, ["responses", "rate", "center", "lower_95", "upper_95", "lower_998",
                    "upper_998"], "plot_funnel", message=IN_FUNCTION)
    ax = _new_ax(ax)
    if label is None:
        label = (data.attrs.get("by") or [data.columns[0]])[0]
    center = float(data["center"].iloc[0]) if len(data) else data.attrs.get("center", 0.5)
    n_max = max(int(data["responses"].max()) if len(data) else 100, 10)
    grid = np.unique(np.round(np.geomspace(max(1, int(data["responses"].min() * 0.5) if len(data)
                                                else 1), n_max * 1.15, 200)).astype(int))
    method = data.attrs.get("method", "exact")
    tau2 = float(data.attrs.get("tau2", 0.0))
    limits = baseline.funnel_limits(grid, center, method="normal" if method == "normal" else
                                    "exact", tau2=tau2 if method == "overdispersed" else 0.0)
    ax.plot(grid, limits["lower_95"], color=PALETTE["secondary"], ls="--", lw=1,
            label=_tr("95% 控制限", "95% limits", lang))
    ax.plot(grid, limits["upper_95"], color=PALETTE["secondary"], ls="--", lw=1)
    ax.plot(grid, limits["lower_998"], color=PALETTE["secondary"], ls="-", lw=1.2,
            label=_tr("99.8% 控制限", "99.8% limits", lang))
    ax.plot(grid, limits["upper_998"], color=PALETTE["secondary"], ls="-", lw=1.2)
    ax.axhline(center, color=PALETTE["neutral"], lw=1,
               label=_tr(f"总体 {center:.1%}", f"overall {center:.1%}", lang))
    band = data["band"] if "band" in data.columns else pd.Series("within", index=data.index)
    colors = [PALETTE[_BAND_COLORS.get(b, "primary")] for b in band]
    small = data["small_sample"].astype(bool) if "small_sample" in data.columns else \
        pd.Series(False, index=data.index)
    ax.scatter(data["responses"][~small], data["rate"][~small],
               c=[c for c, s in zip(colors, small) if not s], s=45, zorder=4,
               edgecolor="white", lw=0.6)
    if small.any():
        ax.scatter(data["responses"][small], data["rate"][small], s=45, zorder=4,
                   facecolor="none", edgecolor=[c for c, s in zip(colors, small) if s],
                   label=_tr("样本过少", "small sample", lang))
    if label in data.columns:
        # a branch has a handful of halls: name them all; in a crowd name the outliers
        named = data if len(data) <= 12 else data[band != "within"]
        for _, row in named.iterrows():
            ax.annotate(plain_label(row[label]), (row["responses"], row["rate"]),
                        xytext=(4, 3), textcoords="offset points", fontsize="small")
    spread_n = grid.max() / max(grid.min(), 1)
    if spread_n > 20:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(_tr("样本量（受访人数）", "Responses", lang))
    ax.set_ylabel(_tr("满意度", "Satisfaction", lang))
    lo = np.nanmin(np.r_[data["rate"].to_numpy(float), limits["lower_998"].to_numpy(float)[
        grid >= (data["responses"].min() if len(data) else 1)]])
    ax.set_ylim(max(0.0, lo - 0.01), min(1.0, max(np.nanmax(data["rate"]) if len(data) else 1,
                                                   center) + 0.03))
    _percent_axis(ax)
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    if title is None and method == "overdispersed":
        title = _tr("漏斗图（已校正过度离散）", "Funnel plot (over-dispersion adjusted)", lang)
    if title:
        _title(ax, title)
    return ax


def plot_lead(result, *, highlight=None, ax=None, lang="zh", title=None):
    """Lead of own brands over the competitor per branch, with intervals and the target.

    Parameters
    ----------
    result : LeadResult or DataFrame
        :func:`cxeval.baseline.brands` result (or its ``.table``).
    highlight : str, optional
        A branch to emphasise (the report's own branch).
    ax : matplotlib Axes, optional
        Axes to draw on.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cxeval import baseline
    >>> df = pd.DataFrame({"branch": ["A", "A", "B", "B"], "segment": ["own", "rival"] * 2,
    ...                    "responses": [500] * 4, "satisfied": [380, 290, 370, 280]})
    >>> ax = plot_lead(baseline.lead(df, own="own", competitor="rival"))
    """
    from cxeval.plots import PALETTE, plain_label, target_line

    table = getattr(result, "table", result)
    by = getattr(result, "by", table.columns[0])
    check_frame(table, "plot_lead: data")
    require_columns(table, [by, "lead", "ci_low", "ci_high", "target", "meets_target"], "plot_lead",
                    message=IN_FUNCTION)
    ax = _new_ax(ax, figsize=(7.5, 0.42 * len(table) + 1.4))
    t = table.sort_values("lead", kind="stable").reset_index(drop=True)
    ys = np.arange(len(t))
    colors = [PALETTE["good"] if m else PALETTE["bad"] for m in t["meets_target"]]
    ax.barh(ys, t["lead"], color=colors, alpha=0.85, lw=0, height=0.6, zorder=2)
    mine = (t[by].astype(str) == str(highlight)).to_numpy()
    if mine.any():
        ax.barh(ys[mine], t["lead"][mine], facecolor="none", edgecolor=PALETTE["highlight"],
                lw=2.5, height=0.6, zorder=3)
    has_ci = t["ci_low"].notna()
    if has_ci.any():
        ax.errorbar(t["lead"][has_ci], ys[has_ci],
                    xerr=[(t["lead"] - t["ci_low"])[has_ci], (t["ci_high"] - t["lead"])[has_ci]],
                    fmt="none", ecolor="#333333", capsize=3, lw=1, zorder=3)
    target = float(t["target"].iloc[0]) if len(t) else 0.16
    target_line(ax, target, orientation="v",
                label=_tr(f"领先目标 {target * 100:.0f} 个百分点",
                          f"lead target {target * 100:.0f} pp", lang))
    ax.set_yticks(ys, [plain_label(name) for name in t[by]])
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0, symbol=""))
    ax.set_xlabel(_tr("领先（百分点）：自有品牌满意度 − 竞争对手满意度",
                      "Lead (percentage points): own brands − competitor", lang))
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    if title:
        _title(ax, title)
    return ax
