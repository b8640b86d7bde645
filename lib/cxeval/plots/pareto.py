"""Plots for pareto (see cxeval.plots for the conventions)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cxeval.checks import NOT_A_RESULT, check_frame, check_share, require_columns
from cxeval.plots import plain_label

__all__: list[str] = ["plot_pareto", "plot_pareto_shift"]

_COLUMNS = ["category", "count", "percent", "cum_percent", "vital_few"]

# Category-label layouts tried in order until no two tick labels touch: the labels are
# first kept horizontal and wrapped ever narrower (Chinese reads best upright), then
# turned vertical, then shrunk. ``None`` means "no wrapping".
_LAYOUTS = [(None, 0), (6, 0), (4, 0), (3, 0), (2, 0), (None, 90)]
_MAX_LINES = 3  # a label wrapped onto more lines than this is harder to read than a vertical one


def _renderer(fig):
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _labels_overlap(labels, renderer, pad_px: float = 2.0) -> bool:
    boxes = [t.get_window_extent(renderer) for t in labels if t.get_visible() and t.get_text()]
    for a, b in itertools.combinations(boxes, 2):
        if (a.x0 < b.x1 + pad_px and b.x0 < a.x1 + pad_px
                and a.y0 < b.y1 + pad_px and b.y0 < a.y1 + pad_px):
            return True
    return False


def _fit_category_labels(ax, names: list[str]) -> None:
    """Wrap, rotate or shrink the category labels until none overlaps another."""
    from cxeval.plots import wrap_label

    fig = ax.figure
    renderer = _renderer(fig)
    for width, rotation in _LAYOUTS:
        texts = [wrap_label(n, width) if width else plain_label(n) for n in names]
        if rotation == 0 and max(t.count("\n") + 1 for t in texts) > _MAX_LINES:
            continue
        ax.set_xticks(range(len(names)), texts, rotation=rotation,
                      ha="center", va="top" if rotation == 0 else "top")
        if not _labels_overlap(ax.get_xticklabels(), renderer):
            return
    size = ax.get_xticklabels()[0].get_fontsize()
    while size > 5 and _labels_overlap(ax.get_xticklabels(), renderer):
        size -= 0.5
        for label in ax.get_xticklabels():
            label.set_fontsize(size)


def plot_pareto(table: pd.DataFrame, *, ax=None, threshold: float | None = None,
                lang: str = "zh", title: str | None = None, count_label: str | None = None):
    """Pareto chart: bars by count, cumulative-percent line, threshold, vital few.

    Parameters
    ----------
    table : DataFrame
        A :func:`cxeval.pareto.pareto_table` result for one group (columns
        ``category, count, percent, cum_percent, vital_few``), in the order to draw.
    ax : matplotlib Axes, optional
        Axes to draw the bars on; a new figure (constrained layout) when omitted. The
        cumulative line goes on a twin Axes sharing the x axis.
    threshold : float, optional
        Share (0-1) drawn as a dashed line on the cumulative axis; defaults to the one
        the table was built with (``table.attrs["threshold"]``), else 0.8.
    lang : {"zh", "en"}
        Language of axis labels and legend.
    title : str, optional
        Axes title.
    count_label : str, optional
        Left-axis label (what is counted); default "数量" / "Count".

    Returns
    -------
    matplotlib Axes
        The bar Axes (the cumulative line's twin is in ``ax.figure.axes``).

    Notes
    -----
    The left axis runs from 0 to the total count and the right axis from 0 to 100%, so
    each point of the cumulative line sits at the height of the bars stacked so far
    (as in qcc and Minitab). Vital-few bars are drawn in the highlight colour, a folded
    "other" bar in grey. Long
    category names are wrapped, then turned vertical, then shrunk until no two labels
    touch. An empty or all-zero table draws an empty chart saying there is no data.

    Raises
    ------
    DataError
        ``table`` lacks a Pareto column (the message lists the columns there).
    ValueError
        ``table`` stacks several groups (``by=``): draw one group at a time.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxeval import plots
    >>> from cxeval.pareto import pareto_table
    >>> plots.theme()  # registers the CJK font
    >>> t = pareto_table(pd.DataFrame({"c": list("aaabbc")}), "c")
    >>> ax = plot_pareto(t, lang="en")
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from cxeval import report
    from cxeval.plots import PALETTE, target_line

    check_frame(table, "table", kind="a pareto_table DataFrame")
    require_columns(table, _COLUMNS, "table", message=NOT_A_RESULT, what="pareto_table")
    group_cols = [c for c in table.columns if c not in _COLUMNS]
    if group_cols and len(table[group_cols].drop_duplicates()) > 1:
        raise ValueError(
            f"table holds several groups of {group_cols}; plot one group at a time, e.g. "
            f"table[table[{group_cols[0]!r}] == value]"
        )
    if threshold is None:
        threshold = table.attrs.get("threshold", 0.8)
    check_share(threshold, "threshold", example="0.8")

    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.4), layout="constrained")
    ax.set_ylabel(count_label or report.tr("数量", "Count", lang))
    if title:
        ax.set_title(plain_label(title), pad=26)  # room for the legend between the title and the plot

    total = float(table["count"].sum()) if len(table) else 0.0
    if total <= 0:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, report.tr("无数据", "No data", lang), transform=ax.transAxes,
                ha="center", va="center", color=PALETTE["neutral"])
        return ax

    x = np.arange(len(table))
    vital = table["vital_few"].to_numpy(dtype=bool)
    other = (table["category"] == table.attrs.get("other_label")).to_numpy() & ~vital
    colors = np.where(vital, PALETTE["highlight"], np.where(other, PALETTE["neutral"], PALETTE["primary"]))
    ax.bar(x, table["count"].to_numpy(dtype=float), color=colors, width=0.7, zorder=2)
    ax.set_ylim(0, total * 1.05)
    ax.set_xlim(-0.6, len(table) - 0.4)
    ax.grid(axis="x", visible=False)

    ax2 = ax.twinx()
    ax2.plot(x, table["cum_percent"].to_numpy(dtype=float), color="#333f4f", marker="o",
             markersize=4, linewidth=1.6, zorder=4)
    ax2.set_ylim(0, 105)
    ax2.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    ax2.set_ylabel(report.tr("累计占比", "Cumulative share", lang))
    target_line(ax2, float(threshold) * 100)

    handles = [
        Patch(color=PALETTE["highlight"], label=report.tr("关键少数", "Vital few", lang)),
        Patch(color=PALETTE["primary"], label=report.tr("其余", "Others", lang)),
        Line2D([], [], color="#333f4f", marker="o", markersize=4,
               label=report.tr("累计占比", "Cumulative share", lang)),
        Line2D([], [], color=PALETTE["target"], linestyle="--",
               label=report.tr(f"{float(threshold) * 100:g}% 线", f"{float(threshold) * 100:g}% line",
                               lang)),
    ]
    # Above the plot, outside the axes: inside, it would hide bars or the line on some data.
    ax2.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=4,
               fontsize="small", frameon=False, borderaxespad=0.2)

    _fit_category_labels(ax, [str(c) for c in table["category"]])
    return ax


def plot_pareto_shift(shift, *, ax=None, lang: str = "zh", title: str | None = None):
    """Change in each category's share between two periods, with intervals (forest plot).

    Parameters
    ----------
    shift : cxeval.pareto.ParetoShift
        Result of :func:`cxeval.pareto.pareto_shift`.
    ax : matplotlib Axes, optional
        A new figure (height growing with the number of categories) when omitted.
    lang : {"zh", "en"}
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    One row per category in the table's order (the *after* Pareto, top first): a dot
    at the change in percentage points and a bar for its interval. Changes whose
    interval excludes zero are drawn in the primary colour, the others in grey. Category
    names stay horizontal; the font shrinks if rows are too tight for them.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxeval.pareto import pareto_shift
    >>> b = pd.DataFrame({"c": ["a"] * 60 + ["b"] * 40})
    >>> a = pd.DataFrame({"c": ["a"] * 40 + ["b"] * 60})
    >>> ax = plot_pareto_shift(pareto_shift(b, a, "c"), lang="en")
    """
    import matplotlib.pyplot as plt

    from cxeval import report
    from cxeval.pareto import ParetoShift
    from cxeval.plots import PALETTE

    if not isinstance(shift, ParetoShift):
        raise TypeError(f"shift must be a pareto_shift result, got {type(shift).__name__}")
    table = shift.table
    if ax is None:
        height = min(max(2.6, 0.3 * len(table) + 1.2), 9.0)
        _, ax = plt.subplots(figsize=(8.0, height), layout="constrained")
    if title:
        ax.set_title(plain_label(title))
    if len(table) == 0 or table["change"].isna().all():
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, report.tr("无数据", "No data", lang), transform=ax.transAxes,
                ha="center", va="center", color=PALETTE["neutral"])
        return ax

    y = np.arange(len(table))[::-1]
    change = table["change"].to_numpy(dtype=float) * 100
    low = table["ci_low"].to_numpy(dtype=float) * 100
    high = table["ci_high"].to_numpy(dtype=float) * 100
    clear = (low > 0) | (high < 0)
    colors = np.where(clear, PALETTE["primary"], PALETTE["neutral"])
    ax.hlines(y, low, high, colors=colors, linewidth=2.2, zorder=2)
    ax.scatter(change, y, color=colors, s=28, zorder=3)
    ax.axvline(0, color="#333f4f", linewidth=1.0, zorder=1)
    ax.set_yticks(y, [plain_label(c) for c in table["category"]])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(report.tr(f"占比变化（百分点，{shift.conf * 100:.0f}%区间）",
                            f"Change in share (percentage points, {shift.conf * 100:.0f}% interval)", lang))
    renderer = _renderer(ax.figure)
    size = ax.get_yticklabels()[0].get_fontsize()
    while size > 5 and _labels_overlap(ax.get_yticklabels(), renderer):
        size -= 0.5
        for label in ax.get_yticklabels():
            label.set_fontsize(size)
    return ax
