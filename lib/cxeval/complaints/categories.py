"""Sub-items the catalogue does not know: :func:`check_categories` lists them, and the
tickets whose network disagrees with their sub-item's (:class:`CategoryCheck`); they are
kept, never dropped."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxeval import report
from cxeval.complaints.config import load_categories
from cxeval.complaints.tickets import _require


@dataclass
class CategoryCheck:
    """Tickets whose category is not one of the configured sub-items (:func:`check_categories`).

    Attributes
    ----------
    total : int
        Tickets checked.
    count : int
        Tickets with an unknown (or missing) category.
    examples : DataFrame
        ``category``, ``tickets``: the unknown values, most frequent first (up to 10).
    rows : DataFrame
        The tickets with an unknown category, all columns, ``customer_id`` masked and
        phone numbers in ``summary`` masked: safe to show.
    network_mismatch : int
        Tickets whose ``network`` disagrees with their category's network.
    """

    total: int
    count: int
    examples: pd.DataFrame
    rows: pd.DataFrame
    network_mismatch: int = 0
    table: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self):
        self.table = self.examples

    @property
    def ok(self) -> bool:
        return self.count == 0 and self.network_mismatch == 0

    def summary(self, lang: str = "zh") -> str:
        """What the check found, in a sentence or two
        (:func:`cxeval.text.complaints.category_summary`)."""
        from cxeval.text.complaints import category_summary

        return category_summary(self, lang)

    def _repr_html_(self) -> str:
        return report.note(self.summary("en"))._repr_html_()


def check_categories(tickets: pd.DataFrame, categories) -> CategoryCheck:
    """Report tickets whose category is not a configured sub-item (they are not dropped).

    Parameters
    ----------
    tickets : DataFrame
        Tickets with ``category`` (``network`` is checked too when present).
    categories : DataFrame or str or os.PathLike
        :func:`load_categories` output or the YAML path. A ticket's category may be given
        by the Chinese name, the English name or the id.

    Returns
    -------
    CategoryCheck
        ``total``, ``count``, ``examples``, ``rows`` (masked), ``network_mismatch``,
        ``.summary(lang)``.

    Examples
    --------
    >>> check = check_categories(tickets, "data/configs/categories.yaml")   # doctest: +SKIP
    >>> check.count                                                         # doctest: +SKIP
    0
    """
    if isinstance(categories, (str, os.PathLike)):
        categories = load_categories(categories)
    _require(categories, ["id", "zh", "en", "network"], "categories")
    _require(tickets, ["category"])
    network_of = {}
    for col in ("zh", "en", "id"):
        network_of.update(dict(zip(categories[col].astype("str"), categories["network"])))
    # Work on the distinct values (a few dozen), then spread back through the codes.
    codes, uniques = pd.factorize(tickets["category"], use_na_sentinel=True)
    known_value = np.array([str(u) in network_of for u in uniques] + [False])
    unknown = ~known_value[codes]  # code -1 (missing) picks the trailing False
    rows = tickets.loc[unknown].copy()
    if "customer_id" in rows.columns:
        rows["customer_id"] = rows["customer_id"].map(report.mask_id)
    if "summary" in rows.columns:
        rows["summary"] = rows["summary"].map(report.mask_text)
    values = tickets["category"][unknown].astype("object").fillna("<missing>")
    examples = values.value_counts().head(10).rename_axis("category").reset_index(name="tickets")
    examples = examples.astype({"category": "str", "tickets": "int64"})
    mismatch = 0
    if "network" in tickets.columns:
        net_codes, net_uniques = pd.factorize(tickets["network"], use_na_sentinel=True)
        position = {str(v): i for i, v in enumerate(net_uniques)}
        # -2 never equals a network code, so an unlisted network counts as a mismatch.
        expected = np.array([position.get(network_of.get(str(u)), -2) for u in uniques] + [-2])
        mismatch = int((~unknown & (expected[codes] != net_codes)).sum())
    return CategoryCheck(int(len(tickets)), int(unknown.sum()), examples, rows, mismatch)
