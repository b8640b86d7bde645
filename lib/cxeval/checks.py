"""Argument checks shared by every module: one place for each mistake a caller can make.

Public functions validate what they are given before any work (STYLE.md, convention 10)
with these checks, so that the same mistake reads the same everywhere and names what to
do about it:

- :func:`check_frame` — the data is a pandas DataFrame (``TypeError``);
- :func:`require_columns` — the columns a function needs are there, else a
  :class:`~cxeval.errors.DataError` naming the missing ones and those present;
- :func:`check_column_names` — column *arguments* (``unit="hall"``) name columns of the
  data;
- :func:`as_columns` — a ``by`` argument as a list of column names;
- :func:`check_conf`, :func:`check_proportion`, :func:`check_share`,
  :func:`check_count`, :func:`check_how_many` — numbers in their range: a confidence
  level, a proportion, a share, a count, how many rows or periods to take;
- :func:`check_lang` — the report language, ``"zh"`` or ``"en"``.

Each takes the name the caller knows the value by (the parameter, the input table, or the
function, as ``"rates: "``), so that messages point at the caller's own words. The
checks import nothing heavy: :mod:`cxeval.report` uses :func:`check_lang` and stays cheap
to import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from cxeval.errors import DataError

__all__ = [
    "check_frame", "require_columns", "IN_TABLE", "IN_FUNCTION", "NOT_A_RESULT",
    "check_column_names",
    "as_columns", "check_conf", "check_proportion", "check_share", "check_count", "check_how_many",
    "check_lang",
    "LANGS",
]

#: Report languages.
LANGS = ("zh", "en")

#: How :func:`require_columns` words a missing column of a named input table:
#: "causes is missing column(s) bone; columns are: cause, count".
IN_TABLE = "{where} is missing column(s) {missing}; columns are: {present}"
#: ... of the data a function was given:
#: "rates: column(s) 'branch' not found; the data has columns 'hall', 'responses'".
IN_FUNCTION = "{where}: column(s) {missing_q} not found; the data has columns {present_q}"
#: ... and of a table that should be what another function returns (``what``):
#: "table must be a pareto_table result; missing columns: vital_few; columns are: category".
NOT_A_RESULT = "{where} must be a {what} result; missing columns: {missing}; columns are: {present}"


def _is_number(value) -> bool:
    import numpy as np

    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def check_frame(data, name: str = "data", *, kind: str = "a pandas DataFrame") -> None:
    """Refuse anything but a DataFrame: ``TypeError("<name> must be <kind>, got list")``.

    Parameters
    ----------
    data : object
        The value to check.
    name : str
        What the caller calls it: a parameter (``"tickets"``) or, prefixed with the
        function, ``"rates: data"``.
    kind : str
        What it must be, when "a pandas DataFrame" says too little
        (``"the DataFrame Scorecard.score returns"``).

    Examples
    --------
    >>> check_frame([1, 2], "tickets")
    Traceback (most recent call last):
    ...
    TypeError: tickets must be a pandas DataFrame, got list
    """
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be {kind}, got {type(data).__name__}")


def require_columns(data, columns: Iterable, where: str, *, message: str = IN_TABLE,
                    **fields) -> None:
    """Raise a DataError naming the ``columns`` that ``data`` lacks and the ones it has.

    Parameters
    ----------
    data : DataFrame
    columns : iterable of str
        The columns needed.
    where : str
        The input table (``"tickets"``) or the function (``"rates"``) that needs them.
    message : str
        The wording: :data:`IN_TABLE` (the default), :data:`IN_FUNCTION`,
        :data:`NOT_A_RESULT`, or a format string of its own with the fields ``where``,
        ``missing`` and ``present`` (names as they are) or ``missing_q`` and
        ``present_q`` (names quoted).
    **fields
        Other fields of ``message`` (``what`` of :data:`NOT_A_RESULT`).

    Raises
    ------
    DataError
        Some column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"cause": []}), ["bone", "cause"], "causes")
    Traceback (most recent call last):
    ...
    cxeval.errors.DataError: causes is missing column(s) bone; columns are: cause
    """
    missing = [c for c in columns if c not in data.columns]
    if missing:
        present = [str(c) for c in data.columns]
        raise DataError(message.format(
            where=where, missing=", ".join(map(str, missing)), missing_q=", ".join(map(repr, missing)),
            present=", ".join(present), present_q=", ".join(map(repr, present)), **fields))


def check_column_names(data, columns: Mapping[str, str], frame: str = "df") -> None:
    """Column arguments name columns of ``data``: ``{"unit": "hall", "period": "period"}``.

    Raises
    ------
    TypeError
        An argument is not a column name (str).
    DataError
        ``"unit='branch' is not a column of df; columns are: hall, period"``.
    """
    for param, column in columns.items():
        if not isinstance(column, str):
            raise TypeError(f"{param} must be a column name (str), got {column!r}")
        if column not in data.columns:
            raise DataError(
                f"{param}={column!r} is not a column of {frame}; columns are: "
                + ", ".join(map(str, data.columns))
            )


def as_columns(by, where: str = "") -> list[str]:
    """A ``by`` argument as a list of column names: None is ``[]``, a name is ``[name]``.

    ``where`` prefixes the message with the function (``"rates: "``).

    Examples
    --------
    >>> as_columns("hall"), as_columns(["hall", "period"]), as_columns(None)
    (['hall'], ['hall', 'period'], [])
    """
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    if isinstance(by, Sequence):
        cols = list(by)
        if all(isinstance(c, str) for c in cols):
            return cols
    raise TypeError(f"{where}by must be a column name or a list of column names, got {by!r}")


def check_conf(conf, where: str = "") -> float:
    """A confidence level strictly between 0 and 1, as a float.

    ``where`` prefixes the message with the function (``"rates: "``).

    Raises
    ------
    TypeError
        Not a number (a bool is not one).
    ValueError
        Outside (0, 1): ``"conf must be a confidence level between 0 and 1 (e.g. 0.95),
        got 95"``.
    """
    text = f"{where}conf must be a confidence level between 0 and 1 (e.g. 0.95), got {conf!r}"
    if not _is_number(conf):
        raise TypeError(text)
    if not 0 < conf < 1:
        raise ValueError(text)
    return float(conf)


def check_proportion(value, param: str, *, open_interval: bool = True, where: str = "") -> float:
    """A proportion (0.95 for 95%), as a float: strictly inside (0, 1), or in [0, 1].

    Raises
    ------
    TypeError
        Not a number.
    ValueError
        Out of range or NaN: ``"p0 must be a proportion strictly between 0 and 1 (e.g. 0.95
        for 95%), got 95.0"``.
    """
    if not _is_number(value):
        raise TypeError(f"{where}{param} must be a proportion between 0 and 1, got {value!r}")
    value = float(value)
    ok = (0 < value < 1) if open_interval else (0 <= value <= 1)
    if not ok or math.isnan(value):
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ValueError(f"{where}{param} must be a proportion {bounds} (e.g. 0.95 for 95%), "
                         f"got {value!r}")
    return value


def check_share(value, param: str, *, example: str = "0.8 for 80%") -> float:
    """A share of a whole, greater than 0 and at most 1 (a Pareto threshold, alpha).

    Raises
    ------
    TypeError
        Not a number.
    ValueError
        Out of range: ``"threshold must be a share greater than 0 and at most 1 (e.g. 0.8
        for 80%), got 80"``.
    """
    if not _is_number(value):
        raise TypeError(f"{param} must be a number between 0 and 1, got {value!r}")
    value = float(value)
    if not 0 < value <= 1:
        raise ValueError(
            f"{param} must be a share greater than 0 and at most 1 (e.g. {example}), got {value!r}"
        )
    return value


def check_count(value, param: str, *, positive: bool = False, answers: bool = True) -> int:
    """A whole number, not negative (``positive``: above 0), as an int.

    ``answers``: the value counts survey answers, and the message then gives the library's
    count rule (:mod:`cxeval.schemas`, "Counts").

    Raises
    ------
    TypeError
        Not a number.
    ValueError
        Not whole, negative, or 0 when ``positive``.
    """
    from cxeval import schemas

    if not _is_number(value):
        raise TypeError(f"{param} must be a whole number, got {value!r}")
    if math.isnan(float(value)) or schemas.not_whole([value])[0]:
        raise ValueError(f"{param} must be a whole number, got {value!r}"
                         + (f"; {schemas.WEIGHTED_COUNTS}" if answers else ""))
    value = int(round(float(value)))
    if positive and value <= 0:
        raise ValueError(f"{param} must be a positive count, got {value!r}")
    if value < 0:
        raise ValueError(f"{param} must not be negative, got {value!r}")
    return value


def check_how_many(value, param: str, *, where: str = "", hint: str = "") -> int:
    """How many to take (``n``, ``top``, ``periods``): a whole number of at least 1.

    ``hint`` follows the rule in the message (``" (how many key factors)"``).

    Raises
    ------
    ValueError
        ``"n must be a whole number >= 1, got 0"``.
    """
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}{param} must be a whole number >= 1{hint}, got {value!r}")
    return value


def check_lang(lang) -> str:
    """The report language, ``"zh"`` or ``"en"``; ValueError for any other.

    Examples
    --------
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'zh' or 'en', got 'fr'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang
