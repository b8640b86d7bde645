"""Pareto tables and shifts in the Pareto distribution between two periods.

A Pareto table ranks categories (complaint sub-items, networks, causes) by how often
they occur and marks the *vital few*: the smallest set of leading categories that make
up a given share (80% by default) of the total (Juran's 80/20 rule). A Pareto shift
compares the distribution of two periods, before and after actions: per category the
change in share with a confidence interval, the change in rank, and one chi-square test
of whether the whole distribution moved.

Plots are in :mod:`cxeval.plots.pareto`; display helpers (:func:`show_pareto`,
:func:`show_shift`) format the raw numbers through :mod:`cxeval.report`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxeval.checks import (NOT_A_RESULT, check_column_names, check_conf, check_frame, check_lang,
                           check_share, require_columns)
from cxeval.errors import DataError

__all__ = [
    "pareto_table", "pareto_shift", "ParetoShift", "select_tickets", "vital_few_summary",
    "describe_pareto", "describe_shift", "show_pareto", "show_shift", "category_labels",
    "headline", "index_entry",
]

#: Columns of :func:`pareto_table` (after the ``by`` columns, when given).
PARETO_COLUMNS = ["category", "count", "percent", "cum_percent", "vital_few"]

# Ratios such as 240/300 are compared with a threshold like 0.8; both are correctly
# rounded doubles, but sums of floats (pre-counted data with decimals) are not, so a
# hair of tolerance keeps "exactly 80%" on the vital side.
_EPS = 1e-12


# --------------------------------------------------------------------------- validation
def _check_labels(labels) -> None:
    if labels is not None and not isinstance(labels, Mapping):
        raise TypeError(f"labels must be a mapping of category value to label, got {type(labels).__name__}")


def _counts(df: pd.DataFrame, category: str, count: str | None, *, frame: str = "df",
            names: Mapping[str, str] | None = None) -> pd.Series:
    """Total per category: rows counted (``count=None``) or a count column summed.

    Returns a Series indexed by the category label (as str, renamed through ``names``),
    in no particular order.
    """
    check_frame(df, frame)
    check_column_names(df, {"category": category}, frame)
    if count is not None:
        check_column_names(df, {"count": count}, frame)
    labels = df[category]
    missing = labels.isna()
    if missing.any():
        rows = (np.flatnonzero(missing.to_numpy())[:5] + 1).tolist()
        raise DataError(
            f"{frame} column {category!r} is empty in {int(missing.sum())} row(s) "
            f"(first rows: {rows}); fill in the category or drop those rows"
        )
    labels = labels.astype(str)
    if names:
        labels = labels.map(lambda value: str(names.get(value, value)))
    if count is None:
        values = pd.Series(1, index=df.index, dtype="int64")
    else:
        values = pd.to_numeric(df[count], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.astype(float))
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy())[:5] + 1).tolist()
            raise DataError(
                f"{frame} column {count!r} must hold numbers; {int(bad.sum())} row(s) are empty "
                f"or not numeric (first rows: {rows})"
            )
        if (values < 0).any():
            rows = (np.flatnonzero((values < 0).to_numpy())[:5] + 1).tolist()
            raise DataError(
                f"{frame} column {count!r} must not be negative; negative in row(s) {rows}"
            )
        if (values == values.round()).all():
            values = values.astype("int64")
    totals = values.groupby(labels.to_numpy(), sort=False).sum()
    totals.index = totals.index.astype(str)
    totals.index.name = "category"
    return totals


def _order(counts: pd.Series) -> pd.DataFrame:
    """Counts sorted as a Pareto chart: descending, ties by name (code-point order)."""
    table = pd.DataFrame({"category": counts.index.astype(str), "count": counts.to_numpy()})
    return table.sort_values(["count", "category"], ascending=[False, True],
                             kind="mergesort", ignore_index=True)


def _shares(table: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Add percent, cum_percent and vital_few to an ordered (category, count) table."""
    total = table["count"].sum()
    table = table.copy()
    if total > 0:
        # Same arithmetic as qcc::pareto.chart (count / total * 100, cumsum / total * 100),
        # so the published example is reproduced with the same rounding.
        share = table["count"] / total
        cum_share = table["count"].cumsum() / total
        table["percent"] = share * 100
        table["cum_percent"] = cum_share * 100
        reached = (cum_share >= threshold - _EPS).to_numpy()
        cutoff = int(np.argmax(reached)) if reached.any() else len(table) - 1
        table["vital_few"] = np.arange(len(table)) <= cutoff
    else:
        table["percent"] = np.nan
        table["cum_percent"] = np.nan
        table["vital_few"] = False
    table["percent"] = table["percent"].astype(float)
    table["cum_percent"] = table["cum_percent"].astype(float)
    table["vital_few"] = table["vital_few"].astype(bool)
    return table


def _fold(table: pd.DataFrame, other_after: float, other_label: str) -> pd.DataFrame:
    """Fold the categories after ``other_after`` cumulative share into one last row."""
    total = table["count"].sum()
    if total <= 0:
        return table
    existing = table["category"] == other_label
    ranked = table.loc[~existing].reset_index(drop=True)
    cum_share = ranked["count"].cumsum() / total
    reached = (cum_share >= other_after - _EPS).to_numpy()
    keep = int(np.argmax(reached)) + 1 if reached.any() else len(ranked)
    tail = ranked.iloc[keep:]
    # Renaming a single category "Other" would hide its name and save no space.
    if len(tail) < 2 and not existing.any():
        return table
    other_count = tail["count"].sum() + table.loc[existing, "count"].sum()
    other = pd.DataFrame({"category": [other_label], "count": [other_count]})
    other["count"] = other["count"].astype(table["count"].dtype)
    return pd.concat([ranked.iloc[:keep], other], ignore_index=True)


def _one_table(counts: pd.Series, threshold: float, other_after: float | None,
               other_label: str) -> pd.DataFrame:
    table = _order(counts)
    if other_after is not None:
        table = _fold(table, other_after, other_label)
    return _shares(table, threshold)[PARETO_COLUMNS]


# --------------------------------------------------------------------------- tables
def pareto_table(df: pd.DataFrame, category: str, *, count: str | None = None,
                 threshold: float = 0.8, by: str | Sequence[str] | None = None,
                 other_after: float | None = None, other_label: str = "其他",
                 labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Pareto table: categories ranked by count with shares and the vital few.

    Parameters
    ----------
    df : DataFrame
        Raw rows (one per ticket, cause vote, defect...) or pre-counted rows.
    category : str
        Column holding the category (e.g. ``"category"`` for the 16 complaint
        sub-items, ``"network"`` for the three networks, ``"cause"``).
    count : str, optional
        Column of pre-counted frequencies (or any non-negative weight such as cost),
        summed per category. When omitted, rows are counted.
    threshold : float, default 0.8
        Share (0-1] that the vital few must reach.
    by : str or list of str, optional
        A second variable (e.g. ``"network"`` or ``"branch"``): one Pareto table per
        group, stacked, with the group column(s) first. Percentages are within group.
        Groups come in sorted order (a categorical column keeps its own order).
    other_after : float, optional
        Fold the tail into one category placed last, as Minitab's "combine remaining
        defects into one category after this percent": the categories after the
        first one whose cumulative share reaches ``other_after`` (a share 0-1, e.g.
        0.95) are summed into ``other_label``. A category already named
        ``other_label`` joins the folded row. Nothing is folded when the tail is a
        single category (renaming it would only hide its name). Must be at least
        ``threshold`` so that no vital category disappears into "other".
    other_label : str, default "其他"
        Label of the folded row (pass ``"Other"`` for English reports).
    labels : mapping, optional
        Category value -> label to show (e.g. English names from
        :func:`category_labels`); values not in the mapping are kept. Applied before
        counting, so values given the same label are counted together.

    Returns
    -------
    DataFrame
        One row per category (per group with ``by``), columns:

        - *by columns* (only with ``by``)
        - ``category`` (str): the category label.
        - ``count``: total count (int when all counts are whole numbers).
        - ``percent`` (float): share of the total, in percent (0-100).
        - ``cum_percent`` (float): cumulative percent down the table.
        - ``vital_few`` (bool): True for the smallest set of leading rows whose
          cumulative share reaches ``threshold``.

        Rows are sorted by count descending, ties by category name (Unicode
        code-point order), with the folded "other" row last. ``attrs["threshold"]``
        (and ``attrs["other_label"]`` when folding) tell
        :func:`cxeval.plots.plot_pareto` how to draw the table.

        Empty and all-zero input: when ``df`` has no rows the table is empty; when
        every count is zero the categories are listed by name with ``count`` 0,
        ``percent`` and ``cum_percent`` NaN (a share of nothing is undefined) and no
        category is vital. Nothing is raised, so a branch without tickets still gets
        a report.

    Method
    ------
    ``percent = count / total * 100`` and ``cum_percent = cumsum(count) / total * 100``
    as in qcc's ``pareto.chart`` (Scrucca 2004). A cumulative share equal to the
    threshold (e.g. exactly 80.0%) counts as reaching it.

    References
    ----------
    Juran, J. M. (1951). *Quality Control Handbook*. McGraw-Hill (the "vital few").
    Scrucca, L. (2004). qcc: an R package for quality control charting and
    statistical process control. *R News* 4/1, 11-17.
    Minitab, "Pareto Chart": option "Combine remaining defects into one category
    after this percent".

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame, or a column argument is not a string.
    DataError
        A named column is missing (the message lists the columns there), a category is
        empty, or a count is not numeric or negative.
    ValueError
        ``threshold`` or ``other_after`` is outside (0, 1], or ``other_after`` is
        below ``threshold``.

    Examples
    --------
    >>> import pandas as pd
    >>> defect = pd.DataFrame({"cause": ["price code", "schedule date", "supplier code",
    ...                                  "contact num.", "part num."],
    ...                        "n": [80, 27, 66, 94, 33]})
    >>> pareto_table(defect, "cause", count="n")[["category", "cum_percent", "vital_few"]]
            category  cum_percent  vital_few
    0   contact num.    31.333333       True
    1     price code    58.000000       True
    2  supplier code    80.000000       True
    3      part num.    91.000000      False
    4  schedule date   100.000000      False
    """
    check_frame(df, "df")
    threshold = check_share(threshold, "threshold")
    if other_after is not None:
        other_after = check_share(other_after, "other_after", example="0.95 for 95%")
        if other_after < threshold:
            raise ValueError(
                f"other_after must be at least threshold ({threshold}) so that no vital "
                f"category is folded into {other_label!r}, got {other_after!r}"
            )
    if not isinstance(other_label, str) or not other_label:
        raise TypeError(f"other_label must be a non-empty string, got {other_label!r}")
    _check_labels(labels)

    if by is None:
        table = _one_table(_counts(df, category, count, names=labels), threshold, other_after,
                           other_label)
        return _with_attrs(table, threshold, other_after, other_label)

    by_cols = [by] if isinstance(by, str) else list(by)
    for col in by_cols:
        check_column_names(df, {"by": col})
    if category in by_cols:
        raise ValueError(f"by must differ from category ({category!r}), got {by!r}")
    _counts(df, category, count)  # validate the whole frame once, with whole-frame row numbers
    parts = []
    for key, group in df.groupby(by_cols if len(by_cols) > 1 else by_cols[0], sort=True,
                                 observed=True, dropna=False):
        part = _one_table(_counts(group, category, count, names=labels), threshold, other_after,
                          other_label)
        keys = key if isinstance(key, tuple) else (key,)
        for col, value in zip(reversed(by_cols), reversed(keys)):
            part.insert(0, col, value)
        parts.append(part)
    if parts:
        table = pd.concat(parts, ignore_index=True)
    else:
        table = pd.DataFrame({col: pd.Series(dtype=df[col].dtype) for col in by_cols})
        for col, dtype in zip(PARETO_COLUMNS, ["str", "int64", "float", "float", "bool"]):
            table[col] = pd.Series(dtype=dtype)
    return _with_attrs(table, threshold, other_after, other_label)


def _with_attrs(table: pd.DataFrame, threshold: float, other_after: float | None,
                other_label: str) -> pd.DataFrame:
    table.attrs["threshold"] = threshold
    if other_after is not None:
        table.attrs["other_label"] = other_label
    return table


def vital_few_summary(table: pd.DataFrame) -> dict:
    """The vital few of a Pareto table, in numbers a headline or a record needs.

    Parameters
    ----------
    table : DataFrame
        A :func:`pareto_table` result without ``by``.

    Returns
    -------
    dict
        ``categories`` (list of str, in Pareto order), ``n_vital`` (int),
        ``n_categories`` (int, categories with a count above zero), ``share`` (float
        0-1, their share of the total; NaN when the total is zero), ``total``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pareto_table(pd.DataFrame({"c": list("aaab")}), "c", threshold=0.7)
    >>> vital_few_summary(t)["categories"]
    ['a']
    """
    check_frame(table, "table")
    require_columns(table, PARETO_COLUMNS, "table", message=NOT_A_RESULT, what="pareto_table")
    vital = table.loc[table["vital_few"]]
    total = table["count"].sum()
    return {
        "categories": [str(c) for c in vital["category"]],
        "n_vital": int(len(vital)),
        "n_categories": int((table["count"] > 0).sum()),
        "share": float(vital["count"].sum() / total) if total > 0 else math.nan,
        "total": total.item() if hasattr(total, "item") else total,
    }


# --------------------------------------------------------------------------- selection
def _period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    import re

    text = str(period).strip().upper()
    # pandas parses almost anything ("July" is a month of the current year): be strict.
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        p = pd.Period(text, freq="M")
    elif re.fullmatch(r"\d{4}-Q[1-4]", text):
        p = pd.Period(text.replace("-Q", "Q"), freq="Q")
    elif re.fullmatch(r"\d{4}", text):
        p = pd.Period(text, freq="Y")
    else:
        raise ValueError(f"period must be 'YYYY-MM', 'YYYY-Qn' or 'YYYY', got {period!r}")
    return p.start_time, p.end_time


def select_tickets(tickets: pd.DataFrame, *, branch: str | None = None,
                   period: str | None = None, timestamp: str = "opened_at") -> pd.DataFrame:
    """Tickets of one branch and one period (month, quarter or year).

    Parameters
    ----------
    tickets : DataFrame
        Tickets as :func:`cxeval.data.load` returns them (``branch``, ``opened_at``...).
    branch : str, optional
        Keep this branch only; a branch with no tickets gives an empty frame.
    period : str, optional
        ``"2010-07"`` (month), ``"2010-Q3"`` (quarter) or ``"2010"`` (year), matched
        on ``timestamp``. Empty or None keeps every period.
    timestamp : str, default "opened_at"
        Datetime column that places a ticket in a period.

    Returns
    -------
    DataFrame
        The matching rows, same columns, index reset.

    Raises
    ------
    DataError
        A needed column is missing (the message lists the columns there), or
        ``timestamp`` does not hold datetimes.
    ValueError
        ``period`` is not a month, quarter or year.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"branch": ["潮安", "饶平"],
    ...                   "opened_at": pd.to_datetime(["2010-07-03", "2010-07-09"])})
    >>> len(select_tickets(t, branch="潮安", period="2010-07"))
    1
    """
    check_frame(tickets, "tickets")
    keep = pd.Series(True, index=tickets.index)
    if branch is not None:
        check_column_names(tickets, {"branch": "branch"}, "tickets")
        keep &= tickets["branch"] == branch
    if period:
        check_column_names(tickets, {"timestamp": timestamp}, "tickets")
        start, end = _period_bounds(period)
        when = tickets[timestamp]
        if not pd.api.types.is_datetime64_any_dtype(when):
            raise DataError(f"tickets column {timestamp!r} must hold dates and times (dtype "
                            f"{when.dtype}); read the file with cxeval.data.load(..., 'tickets')")
        keep &= (when >= start) & (when <= end)
    return tickets.loc[keep.to_numpy()].reset_index(drop=True)


def category_labels(categories: pd.DataFrame, *, lang: str = "zh", kind: str = "category") -> dict:
    """Display labels for complaint sub-items or networks in one language.

    Parameters
    ----------
    categories : DataFrame
        The sub-item catalogue as :func:`cxeval.complaints.load_categories` reads it from
        ``data/configs/categories.yaml``: ``zh``, ``en``, ``network``, ``network_zh``,
        ``network_en``.
    lang : {"zh", "en"}
    kind : {"category", "network"}
        ``"category"`` maps the Chinese sub-item names tickets carry to ``lang``;
        ``"network"`` maps the network codes (product, channel, support) to their names.

    Returns
    -------
    dict
        Value in the tickets -> label, for the ``labels`` argument of
        :func:`pareto_table` and :func:`pareto_shift`.

    Examples
    --------
    >>> import pandas as pd
    >>> cats = pd.DataFrame({"zh": ["信号覆盖"], "en": ["Signal coverage"], "network": ["product"],
    ...                      "network_zh": ["产品网络质量"], "network_en": ["Product / network quality"]})
    >>> category_labels(cats, lang="en")
    {'信号覆盖': 'Signal coverage'}
    >>> category_labels(cats, lang="zh", kind="network")
    {'product': '产品网络质量'}
    """
    check_lang(lang)
    check_frame(categories, "categories")
    if kind == "category":
        needed, key, value = ["zh", "en"], "zh", lang
    elif kind == "network":
        needed, key, value = ["network", f"network_{lang}"], "network", f"network_{lang}"
    else:
        raise ValueError(f"kind must be 'category' or 'network', got {kind!r}")
    require_columns(categories, needed, "categories")
    return {str(k): str(v) for k, v in zip(categories[key], categories[value])}


# --------------------------------------------------------------------------- shift
class ParetoShift:
    """Result of :func:`pareto_shift`.

    Attributes
    ----------
    table : DataFrame
        Per category, see :func:`pareto_shift`.
    p_value, statistic : float
        Pearson chi-square test of the 2 x k table (NaN when a period is empty or fewer
        than two categories occur).
    dof : int
        Degrees of freedom, k - 1 for the k categories that occur in either period.
    min_expected : float
        Smallest expected count; below 5 the chi-square approximation is rough.
    n_before, n_after : int
        Totals of the two periods.
    conf : float
        Confidence level of ``ci_low``/``ci_high``.
    """

    method = ("change in share: Newcombe (1998) hybrid score interval, method 10 "
              "(Wilson score limits of each share combined), no continuity correction; "
              "distribution: Pearson chi-square test of the 2 x k table, no continuity "
              "correction")

    def __init__(self, table, *, p_value, statistic, dof, min_expected, n_before, n_after, conf):
        self.table = table
        self.p_value = p_value
        self.statistic = statistic
        self.dof = dof
        self.min_expected = min_expected
        self.n_before = n_before
        self.n_after = n_after
        self.conf = conf

    def summary(self, *, lang: str = "en") -> str:
        """A short text: the test result, then the table."""
        from cxeval import report

        if self.dof and not math.isnan(self.p_value):
            test = report.tr(
                f"卡方检验 χ² = {self.statistic:.2f}，自由度 {self.dof}，{report.fmt_p(self.p_value)}",
                f"Chi-square test: chi2 = {self.statistic:.2f}, df = {self.dof}, "
                f"{report.fmt_p(self.p_value)}", lang)
        else:
            test = report.tr("数据不足，无法检验", "Not enough data for a test", lang)
        head = report.tr(f"帕累托分布变化（前 {report.fmt_int(self.n_before)}，后 "
                         f"{report.fmt_int(self.n_after)}）",
                         f"Pareto shift (before n = {report.fmt_int(self.n_before)}, after n = "
                         f"{report.fmt_int(self.n_after)})", lang)
        return "\n".join([head, test, self.table.to_string(index=False)])

    def _repr_html_(self) -> str:
        import html

        caption = html.escape(self.summary().splitlines()[1])
        styler = show_shift(self, lang="en")
        return f"<p>{caption}</p>" + styler.to_html()

    def __repr__(self) -> str:
        return self.summary()


def pareto_shift(before: pd.DataFrame, after: pd.DataFrame, category: str, *,
                 count: str | None = None, conf: float = 0.95,
                 labels: Mapping[str, str] | None = None) -> ParetoShift:
    """Compare the Pareto distribution of two periods.

    Parameters
    ----------
    before, after : DataFrame
        Raw rows (e.g. the tickets of each period) or pre-counted rows.
    category : str
        Column holding the category, in both frames.
    count : str, optional
        Column of whole-number counts, summed per category; rows are counted when
        omitted.
    conf : float, default 0.95
        Confidence level of the intervals.
    labels : mapping, optional
        Category value -> label to show, as in :func:`pareto_table`.

    Returns
    -------
    ParetoShift
        ``.table`` has one row per category seen in either period, sorted as the
        *after* Pareto (count descending, ties by name, so absent categories come last):

        - ``category`` (str)
        - ``before``, ``after`` (int): counts.
        - ``before_share``, ``after_share`` (float 0-1): share of the period's total.
        - ``change`` (float): ``after_share - before_share`` (0.031 = +3.1 pp).
        - ``ci_low``, ``ci_high`` (float): interval for ``change``.
        - ``before_rank``, ``after_rank`` (Int64): position in each period's Pareto
          order (1 = most frequent); missing when the category does not occur.
        - ``rank_change`` (Int64): ``before_rank - after_rank``; positive means the
          category climbed (became relatively more frequent).

        ``.p_value``, ``.statistic``, ``.dof`` from the chi-square test, plus
        ``.min_expected``, ``.n_before``, ``.n_after``, ``.summary()`` and an HTML repr.

    Method
    ------
    Each category's share is a binomial proportion of its period's total, and the two
    periods are independent samples, so the interval for the change in share is
    Newcombe's hybrid score interval for a difference of independent proportions
    (method 10 of Newcombe 1998: Wilson score limits of each share combined), via
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``.
    The whole distribution is tested with Pearson's chi-square test of homogeneity
    on the 2 x k table of counts (``scipy.stats.chi2_contingency``), ``correction=False``:
    scipy only applies Yates' correction when the table has one degree of freedom
    (k = 2), and there it is left out to match the uncorrected intervals. Categories
    absent in both periods are left out of the test. The intervals are marginal (one
    category at a time, not simultaneous).

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873-890.
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., section 3.2 (Pearson
    chi-square test of homogeneity).

    Raises
    ------
    TypeError, DataError
        As :func:`pareto_table`; also when a count is not a whole number.
    ValueError
        ``conf`` outside (0, 1).

    Examples
    --------
    >>> import pandas as pd
    >>> before = pd.DataFrame({"c": ["a"] * 60 + ["b"] * 40})
    >>> after = pd.DataFrame({"c": ["a"] * 40 + ["b"] * 60})
    >>> shift = pareto_shift(before, after, "c")
    >>> round(shift.p_value, 4)
    0.0047
    """
    from scipy.stats import chi2_contingency
    from statsmodels.stats.proportion import confint_proportions_2indep

    check_conf(conf)
    _check_labels(labels)
    counts_before = _counts(before, category, count, frame="before", names=labels)
    counts_after = _counts(after, category, count, frame="after", names=labels)
    for name, counts in (("before", counts_before), ("after", counts_after)):
        if counts.dtype.kind == "f":
            raise DataError(f"{name} column {count!r} must hold whole-number counts for a "
                            "shift test; found decimals")
    categories = counts_before.index.union(counts_after.index)
    frame = pd.DataFrame({
        "category": categories.astype(str),
        "before": counts_before.reindex(categories, fill_value=0).to_numpy(dtype="int64"),
        "after": counts_after.reindex(categories, fill_value=0).to_numpy(dtype="int64"),
    })
    n_before, n_after = int(frame["before"].sum()), int(frame["after"].sum())

    for period in ("before", "after"):
        order = _order(frame.set_index("category")[period])
        rank = pd.Series(np.arange(1, len(order) + 1), index=order["category"])
        rank = rank.where(order.set_index("category")["count"] > 0)
        frame[f"{period}_rank"] = frame["category"].map(rank).astype("Int64")

    if n_before > 0 and n_after > 0:
        frame["before_share"] = frame["before"] / n_before
        frame["after_share"] = frame["after"] / n_after
        frame["change"] = frame["after_share"] - frame["before_share"]
        low, high = confint_proportions_2indep(
            frame["after"].to_numpy(), n_after, frame["before"].to_numpy(), n_before,
            method="newcomb", compare="diff", alpha=1 - conf)
        frame["ci_low"] = np.asarray(low, dtype=float)
        frame["ci_high"] = np.asarray(high, dtype=float)
    else:
        for col in ("before_share", "after_share", "change", "ci_low", "ci_high"):
            frame[col] = np.nan
        if n_before > 0:
            frame["before_share"] = frame["before"] / n_before
        if n_after > 0:
            frame["after_share"] = frame["after"] / n_after
    frame["rank_change"] = (frame["before_rank"] - frame["after_rank"]).astype("Int64")

    observed = frame.loc[(frame["before"] + frame["after"]) > 0, ["before", "after"]].to_numpy().T
    p_value = statistic = min_expected = math.nan
    dof = 0
    if n_before > 0 and n_after > 0 and observed.shape[1] >= 2:
        test = chi2_contingency(observed, correction=False)
        statistic, p_value, dof = float(test.statistic), float(test.pvalue), int(test.dof)
        min_expected = float(test.expected_freq.min())

    frame = frame.sort_values(["after", "category"], ascending=[False, True], kind="mergesort",
                              ignore_index=True)
    columns = ["category", "before", "after", "before_share", "after_share", "change",
               "ci_low", "ci_high", "before_rank", "after_rank", "rank_change"]
    return ParetoShift(frame[columns], p_value=p_value, statistic=statistic, dof=dof,
                       min_expected=min_expected, n_before=n_before, n_after=n_after, conf=conf)


# --------------------------------------------------------------------------- sentences
def _join(names: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(map(str, names))


def describe_pareto(table: pd.DataFrame, *, lang: str = "zh", item: str | None = None,
                    unit: str | None = None) -> str:
    """One sentence reading a Pareto table: how few categories make how much.

    Parameters
    ----------
    table : DataFrame
        A :func:`pareto_table` result without ``by``.
    lang : {"zh", "en"}
        Language of the sentence.
    item : str, optional
        What the categories are ("子项" / "sub-items"); default "类别" / "categories".
    unit : str, optional
        What is counted ("张工单" / "tickets"); default "件" / "cases".

    Returns
    -------
    str
        E.g. "3 of 5 categories (60%) make up 80.0% of 300 cases: contact num.,
        price code, supplier code." An empty or all-zero table gives a sentence
        saying there is nothing to rank.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pareto_table(pd.DataFrame({"c": list("aaab")}), "c", threshold=0.7)
    >>> describe_pareto(t, lang="en")
    '1 of 2 categories (50%) make up 75.0% of 4 cases: a.'
    """
    from cxeval import report

    check_lang(lang)
    item = item or report.tr("类别", "categories", lang)
    unit = unit or report.tr("件", "cases", lang)
    vital = vital_few_summary(table)
    if not vital["n_vital"]:
        return report.tr(f"没有可排序的数据（共 0 {unit}）。",
                         f"No {unit} to rank (total 0).", lang)
    of_categories = f"{vital['n_vital'] / vital['n_categories'] * 100:.0f}%"
    names = _join(vital["categories"], lang)
    return report.tr(
        f"{vital['n_categories']} 个{item}中的 {vital['n_vital']} 个（{of_categories}）"
        f"占全部 {report.fmt_int(vital['total'])} {unit}的 {report.fmt_pct(vital['share'])}：{names}。",
        f"{vital['n_vital']} of {vital['n_categories']} {item} ({of_categories}) make up "
        f"{report.fmt_pct(vital['share'])} of {report.fmt_int(vital['total'])} {unit}: {names}.",
        lang)


def describe_shift(shift: ParetoShift, *, lang: str = "zh", before: str | None = None,
                   after: str | None = None, alpha: float = 0.05) -> str:
    """Plain-language reading of a :func:`pareto_shift` result.

    Parameters
    ----------
    shift : ParetoShift
        Result of :func:`pareto_shift`.
    lang : {"zh", "en"}
        Language of the sentence.
    before, after : str, optional
        Names of the periods (e.g. "2010-07"); default "之前/before", "之后/after".
    alpha : float, default 0.05
        Significance level for "changed" versus "no detectable change".

    Returns
    -------
    str
        Whether the distribution changed (with the p-value), then the category whose
        share fell most and the one that rose most, each with its interval, and
        whether their intervals exclude zero.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"c": ["a"] * 60 + ["b"] * 40})
    >>> a = pd.DataFrame({"c": ["a"] * 40 + ["b"] * 60})
    >>> describe_shift(pareto_shift(b, a, "c"), lang="en", before="Jul", after="Nov")[:60]
    'From Jul to Nov the mix changed (chi-square test, p = 0.005)'
    """
    from cxeval import report

    if not isinstance(shift, ParetoShift):
        raise TypeError(f"shift must be a pareto_shift result, got {type(shift).__name__}")
    before = before or report.tr("之前", "before", lang)
    after = after or report.tr("之后", "after", lang)
    if shift.n_before == 0 or shift.n_after == 0:
        empty = before if shift.n_before == 0 else after
        return report.tr(f"{empty}没有数据，无法比较前后分布。",
                         f"No data for {empty}: the two periods cannot be compared.", lang)
    if math.isnan(shift.p_value):
        return report.tr("只有一个类别出现，分布无从比较。",
                         "Only one category occurs: there is no distribution to compare.", lang)
    p = report.fmt_p(shift.p_value)
    changed = shift.p_value < alpha
    parts = [report.tr(
        f"从{before}到{after}，投诉结构{'发生了显著变化' if changed else '没有可检出的变化'}（卡方检验，{p}）。",
        f"From {before} to {after} the mix {'changed' if changed else 'showed no detectable change'} "
        f"(chi-square test, {p}).", lang)]
    table = shift.table
    level = f"{shift.conf * 100:.0f}%"
    for direction in ("fall", "rise"):
        idx = table["change"].idxmin() if direction == "fall" else table["change"].idxmax()
        row = table.loc[idx]
        if (direction == "fall" and row["change"] >= 0) or (direction == "rise" and row["change"] <= 0):
            continue
        interval = f"{report.fmt_pp(row['ci_low'])} ~ {report.fmt_pp(row['ci_high'])}"
        clear = row["ci_low"] > 0 or row["ci_high"] < 0
        parts.append(report.tr(
            f"占比{'下降' if direction == 'fall' else '上升'}最多的是{row['category']}"
            f"（{report.fmt_pct(row['before_share'])} → {report.fmt_pct(row['after_share'])}，"
            f"{report.fmt_pp(row['change'])}，{level}区间 {interval}"
            f"{'' if clear else '，区间含 0'}）。",
            f"Largest {direction}: {row['category']} ({report.fmt_pct(row['before_share'])} → "
            f"{report.fmt_pct(row['after_share'])}, {report.fmt_pp(row['change'])}, {level} CI "
            f"{interval}{'' if clear else ', interval includes 0'}).", lang))
    return "".join(parts) if lang == "zh" else " ".join(parts)


def headline(by_item: pd.DataFrame, shift: ParetoShift, *, branch: str, before: str, after: str,
             lang: str = "zh"):
    """Headline cards of the root-cause and Pareto report (notebook 02).

    Parameters
    ----------
    by_item : DataFrame
        :func:`pareto_table` of the branch's tickets by sub-item in ``before``.
    shift : ParetoShift
        :func:`pareto_shift` from ``before`` to ``after``.
    branch, before, after : str
        Names shown on the cards ("潮安", "2010-07", "2010-11").
    lang : {"zh", "en"}

    Returns
    -------
    cxeval.report.HTML
        Five cards (tickets before, vital-few count, their share, tickets after with the
        change, the chi-square p-value) and one sentence: :func:`describe_pareto`, or,
        when the branch has no tickets in ``before``, a sentence saying so.
    """
    from cxeval import report

    check_lang(lang)
    vital = vital_few_summary(by_item)
    n_before, n_after = shift.n_before, shift.n_after
    change = (n_after - n_before) / n_before if n_before else math.nan
    cards = [
        {"label": report.tr(f"{before} 工单数", f"Tickets {before}", lang), "value": report.fmt_int(n_before)},
        {"label": report.tr("关键少数子项", "Vital-few sub-items", lang),
         "value": f"{vital['n_vital']} / {vital['n_categories']}" if vital["n_vital"] else "–"},
        {"label": report.tr("关键少数占比", "Share of the vital few", lang),
         "value": report.fmt_pct(vital["share"]),
         "detail": report.tr(f"门槛 {report.fmt_pct(by_item.attrs.get('threshold', 0.8), 0)}",
                             f"threshold {report.fmt_pct(by_item.attrs.get('threshold', 0.8), 0)}", lang)},
        {"label": report.tr(f"{after} 工单数", f"Tickets {after}", lang), "value": report.fmt_int(n_after),
         "detail": report.tr(f"较 {before} {change * 100:+.1f}%", f"{change * 100:+.1f}% on {before}", lang)
         if change == change else None},
        {"label": report.tr("投诉结构变化检验", "Mix change (chi-square)", lang),
         "value": report.fmt_p(shift.p_value)},
    ]
    if vital["n_vital"]:
        sentence = describe_pareto(by_item, lang=lang, item=report.tr("子项", "sub-items", lang),
                                   unit=report.tr("张工单", "tickets", lang))
    else:
        sentence = report.tr(f"{branch}在 {before} 没有投诉工单，无法做帕累托分析。",
                             f"{branch} has no complaint tickets in {before}: there is nothing to rank.", lang)
    return report.headline(cards, sentence=sentence)


def index_entry(by_item: pd.DataFrame, shift: ParetoShift, *, alpha: float = 0.05) -> dict[str, str]:
    """What the batch index shows for notebook 02: short headline in both languages and a status.

    Parameters
    ----------
    by_item : DataFrame
        :func:`pareto_table` of the branch's tickets by sub-item in the "before" period.
    shift : ParetoShift
        :func:`pareto_shift` from the "before" period to the "after" one.
    alpha : float
        Significance level of the shift's chi-square test.

    Returns
    -------
    dict
        ``headline`` ("关键少数 8/16 项占 82.9%"), ``headline_en`` ("vital few: 8 of 16
        sub-items, 82.9%"): the vital few among the sub-items with tickets and their
        share of the tickets; ``status``: ``good`` when the chi-square test shows the mix
        of complaints changed after the actions (p < ``alpha``), ``warn`` otherwise
        (including no test: no tickets after); ``none`` (grey on the index) when there is
        no ticket before ("无投诉工单" / "no complaint tickets").

    Examples
    --------
    >>> before = pd.DataFrame({"category": list("aaab")})
    >>> after = pd.DataFrame({"category": list("abbb")})
    >>> table = pareto_table(before, "category", threshold=0.7)
    >>> index_entry(table, pareto_shift(before, after, "category"))["headline_en"]
    'vital few: 1 of 2 sub-items, 75.0%'
    """
    from cxeval import report

    check_share(alpha, "alpha", example="0.05 for 5%")
    vital = vital_few_summary(by_item)
    if not vital["n_vital"]:
        return {"headline": "无投诉工单", "headline_en": "no complaint tickets", "status": "none"}
    n_vital, n_items, share = vital["n_vital"], vital["n_categories"], report.fmt_pct(vital["share"])
    changed = not math.isnan(shift.p_value) and shift.p_value < alpha
    moved = (("，措施后分布有变化", ", mix changed after the actions") if changed else
             ("，措施后分布无明显变化", ", no clear change after the actions"))
    # No colour: a Pareto has no target, and a changed mix is neither good nor bad by itself.
    return {"headline": f"关键少数 {n_vital}/{n_items} 项占 {share}{moved[0]}",
            "headline_en": f"vital few: {n_vital} of {n_items} sub-items, {share}{moved[1]}",
            "status": "none"}


# --------------------------------------------------------------------------- display
def show_pareto(table: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted Pareto table for a notebook (counts with separators, 1-decimal %).

    Returns a pandas Styler from :func:`cxeval.report.table`; vital-few rows are marked
    "✔" in the vital-few column. An empty or all-zero table gives a
    :func:`cxeval.report.note` saying there is no data instead of an empty table.
    """
    from cxeval import report

    if len(table) == 0 or table["count"].sum() == 0:
        return report.note(report.tr("没有可显示的数据。", "Nothing to show: there is no data.", lang))
    shown = table.copy()
    shown["vital_few"] = shown["vital_few"].map({True: "✔", False: ""})
    labels = {
        "category": report.tr("类别", "Category", lang),
        "count": report.tr("数量", "Count", lang),
        "percent": report.tr("占比", "Share", lang),
        "cum_percent": report.tr("累计占比", "Cumulative", lang),
        "vital_few": report.tr("关键少数", "Vital few", lang),
        "network": report.tr("网络", "Network", lang),
        "branch": report.tr("分公司", "Branch", lang),
    }
    percent = _percent_format
    return report.table(shown, formats={"count": "int", "percent": percent, "cum_percent": percent},
                        labels=labels, caption=caption)


def _percent_format(value) -> str:
    from cxeval import report

    return report.fmt_pct(value / 100) if value == value else "–"


def _rank_format(value) -> str:
    return "–" if pd.isna(value) else f"{int(value)}"


def _rank_change_format(value) -> str:
    if pd.isna(value):
        return "–"
    value = int(value)
    return f"↑{value}" if value > 0 else (f"↓{-value}" if value < 0 else "=")


def show_shift(shift: ParetoShift, *, lang: str = "zh", caption: str | None = None):
    """Formatted before/after table of a :func:`pareto_shift` result (pandas Styler).

    Shares as percentages, changes and interval limits in percentage points, rank
    changes as arrows (↑ climbed, ↓ fell); an interval limit is highlighted when the
    interval excludes zero (a clear rise or fall). With no category in either period, a
    :func:`cxeval.report.note` saying there is no data.
    """
    from cxeval import report

    if not isinstance(shift, ParetoShift):
        raise TypeError(f"shift must be a pareto_shift result, got {type(shift).__name__}")
    if len(shift.table) == 0:
        return report.note(report.tr("没有可显示的数据。", "Nothing to show: there is no data.", lang))
    labels = {
        "category": report.tr("类别", "Category", lang),
        "before": report.tr("之前", "Before", lang),
        "after": report.tr("之后", "After", lang),
        "before_share": report.tr("之前占比", "Share before", lang),
        "after_share": report.tr("之后占比", "Share after", lang),
        "change": report.tr("变化", "Change", lang),
        "ci_low": report.tr("区间下限", "CI low", lang),
        "ci_high": report.tr("区间上限", "CI high", lang),
        "before_rank": report.tr("之前排名", "Rank before", lang),
        "after_rank": report.tr("之后排名", "Rank after", lang),
        "rank_change": report.tr("排名变化", "Rank change", lang),
    }
    return report.table(
        shift.table,
        formats={"before": "int", "after": "int", "before_share": "pct", "after_share": "pct",
                 "change": "pp", "ci_low": "pp", "ci_high": "pp",
                 "before_rank": _rank_format, "after_rank": _rank_format,
                 "rank_change": _rank_change_format},
        labels=labels, caption=caption,
        highlight={"ci_low": _above_zero, "ci_high": _below_zero})


def _above_zero(value) -> bool:
    return bool(value == value and value > 0)


def _below_zero(value) -> bool:
    return bool(value == value and value < 0)
