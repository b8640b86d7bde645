"""Plots of the run's overview (see cxeval.plots for the conventions).

The numbers come from :mod:`cxeval.overview`; these functions only draw them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.plots import no_data, percent_axis, plain_label

__all__: list[str] = ["plot_satisfaction_heatmap", "plot_fcr_by_branch"]


def _tr(zh: str, en: str, lang: str) -> str:
    from cxeval.report import tr

    return tr(zh, en, lang)


def _require(data, columns, what):
    from cxeval.errors import DataError

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a {what} DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"{what} needs column(s) {', '.join(missing)}; columns present: "
                        f"{', '.join(map(str, data.columns))}")


def plot_satisfaction_heatmap(data: pd.DataFrame, *, target: float = 0.95, lang: str = "zh", ax=None,
                              title: str | None = None):
    """Satisfaction by branch and month as a heat map centred on the target.

    Parameters
    ----------
    data : DataFrame
        :func:`cxeval.overview.satisfaction_by_month` (``branch``, ``period``, ``rate``).
    target : float
        The colour scale is centred here: red under the target, green above.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        One row per branch (in the data's order), one column per month; each cell shows
        the rate to one decimal; a month without a survey is left blank.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    _require(data, ["branch", "period", "rate"], "plot_satisfaction_heatmap")
    branches = list(dict.fromkeys(data["branch"]))
    months = sorted(data["period"].astype(str).unique())
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.62 * len(months) + 2.2), 0.42 * max(len(branches), 3) + 1.4),
                             layout="constrained")
    if data.empty:
        return no_data(ax, lang)
    grid = (data.assign(period=data["period"].astype(str))
            .pivot(index="branch", columns="period", values="rate").reindex(index=branches, columns=months))
    values = grid.to_numpy(dtype=float) * 100
    low = np.nanmin(values)
    high = np.nanmax(values)
    centre = target * 100
    norm = TwoSlopeNorm(vcenter=centre, vmin=min(low, centre - 0.5), vmax=max(high, centre + 0.5))
    image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", norm=norm, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isfinite(values[i, j]):
                # white on the darkest reds and greens, dark elsewhere: every figure readable
                shade = float(norm(values[i, j]))
                ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", fontsize=8,
                        color="white" if shade < 0.18 or shade > 0.85 else "#1d2733")
    ax.set_xticks(range(len(months)), months, rotation=45 if len(months) > 6 else 0, ha="right" if len(months) > 6 else "center",
                  fontsize=8)
    ax.set_yticks(range(len(branches)), [plain_label(b) for b in branches], fontsize=9)
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.85, pad=0.01)
    bar.set_label(_tr(f"满意度 %（中心 = 目标 {centre:.0f}%）", f"Satisfaction % (centre = the {centre:.0f}% target)",
                      lang))
    ax.set_xlabel(_tr("月份", "Month", lang))
    if title:
        ax.set_title(plain_label(title))
    return ax


def plot_fcr_by_branch(data: pd.DataFrame, *, lang: str = "zh", ax=None, title: str | None = None):
    """Each branch's first-contact resolution against the provincial figure and the target.

    Parameters
    ----------
    data : DataFrame
        :func:`cxeval.overview.fcr_by_branch` (``branch``, ``fcr``, ``provincial_fcr``,
        ``goal``, ``met``).
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Horizontal bars (green: target met, red: not met), the provincial figure as a
        grey line and the target (province + margin) as a dashed red line; the legend sits
        under the axes so it covers no bar.
    """
    import matplotlib.pyplot as plt

    from cxeval.plots import PALETTE

    _require(data, ["branch", "fcr", "provincial_fcr", "goal", "met"], "plot_fcr_by_branch")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.42 * max(len(data), 3) + 1.6), layout="constrained")
    rows = data[data["fcr"].notna()]
    if rows.empty:
        return no_data(ax, lang)
    y = np.arange(len(rows))[::-1]
    colours = [PALETTE["good"] if m else PALETTE["bad"] for m in rows["met"].astype(bool)]
    ax.barh(y, rows["fcr"], color=colours, height=0.6, zorder=2)
    for yi, value in zip(y, rows["fcr"]):
        ax.text(value, yi, f" {value * 100:.1f}%", va="center", fontsize=8)
    province, goal = float(rows["provincial_fcr"].iloc[0]), float(rows["goal"].iloc[0])
    ax.axvline(province, color=PALETTE["secondary"], linewidth=1.4,
               label=_tr(f"全省 {province * 100:.1f}%", f"Province {province * 100:.1f}%", lang))
    ax.axvline(goal, color=PALETTE["target"], linestyle="--", linewidth=1.4,
               label=_tr(f"目标 {goal * 100:.1f}%（全省 + {(goal - province) * 100:.0f} pp）",
                         f"Target {goal * 100:.1f}% (province + {(goal - province) * 100:.0f} pp)", lang))
    ax.set_yticks(y, [plain_label(b) for b in rows["branch"]])
    low = min(float(rows["fcr"].min()), province) - 0.05
    ax.set_xlim(max(0.0, low), min(1.0, max(float(rows["fcr"].max()), goal) + 0.04))
    percent_axis(ax, axis="x")
    ax.set_xlabel(_tr("一次性解决率（自处理投诉）", "First-contact resolution (self-handled)", lang))
    # under the axis label, outside the axes: the legend covers no bar and no label
    ax.figure.legend(loc="outside lower center", frameon=False, ncols=2, fontsize=8)
    if title:
        ax.set_title(plain_label(title))
    return ax
