"""Pareto tables and shifts in the Pareto distribution between two periods.

A Pareto table ranks categories (complaint sub-items, networks, causes) by how often
they occur and marks the *vital few*: the smallest set of leading categories that make
up a given share (80% by default) of the total (Juran's 80/20 rule). A Pareto shift
compares the distribution of two periods, before and after actions: per category the
change in share with a confidence interval, the change in rank, and one chi-square test
of whether the whole distribution moved.

Plots are in :mod:`cxeval.plots.pareto`, the sentences that read these numbers in
:mod:`cxeval.text.pareto`, and the report glue (headline cards, index entry, the formatted
tables of :func:`~cxeval.report.pareto.show_pareto` and
:func:`~cxeval.report.pareto.show_shift`) in :mod:`cxeval.report.pareto`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxeval._moved import moved
from cxeval.checks import (NOT_A_RESULT, check_column_names, check_conf, check_frame, check_lang,
                           check_share, require_columns)
from cxeval.errors import DataError

__all__ = [
    "pareto_table", "pareto_shift", "ParetoShift", "select_tickets", "vital_few_summary",
    "category_labels",
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
        """A short text: the test result, then the table (:func:`cxeval.text.pareto.shift_summary`)."""
        from cxeval.text.pareto import shift_summary

        return shift_summary(self, lang=lang)

    def _repr_html_(self) -> str:
        import html

        from cxeval.report.pareto import show_shift

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



# The sentences moved to cxeval.text.pareto and the report glue to cxeval.report.pareto;
# their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.pareto": ["describe_pareto", "describe_shift"],
    "cxeval.report.pareto": ["headline", "index_entry", "show_pareto", "show_shift"],
})
